//! Compile-time validation: declarations that compile, and each mistake with the error rustc
//! shows at the offending token (expected output checked in next to each case; re-bless with
//! `TRYBUILD=overwrite`).

#[test]
fn declarations() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
