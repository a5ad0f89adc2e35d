//! Exit code 2 for usage and manifest errors.

use std::ffi::OsStr;

use bpcheck_tests::{fixtures_dir, run_bpcheck};

#[test]
fn missing_manifest_exits_with_2() {
    let manifest = fixtures_dir().join("no_such_fixture").join("Cargo.toml");
    let run = run_bpcheck([
        OsStr::new("--manifest-path"),
        manifest.as_os_str(),
        OsStr::new("--message-format"),
        OsStr::new("json"),
    ]);
    assert_eq!(run.code, Some(2), "{}", run.describe_exit());
}

#[test]
fn unknown_flag_exits_with_2() {
    let run = run_bpcheck(["--no-such-flag"]);
    assert_eq!(run.code, Some(2), "{}", run.describe_exit());
}
