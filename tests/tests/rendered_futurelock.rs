//! Snapshot of BP011's human-readable output (see `rendered.rs`). Re-bless after an intended
//! change with `INSTA_UPDATE=always cargo test -p bpcheck-tests --test rendered_futurelock`
//! and review the diff.

use bpcheck_tests::run_bpcheck;

#[test]
fn futurelock() {
    let run = run_bpcheck([
        "--manifest-path",
        "fixtures/futurelock_lock/Cargo.toml",
        "--color",
        "never",
    ]);
    assert!(run.code.is_some(), "{}", run.describe_exit());
    let root = format!("{}/", bpcheck_tests::workspace_root().display());
    insta::assert_snapshot!(format!(
        "exit code: {:?}\n{}",
        run.code,
        run.stderr.replace(&root, "")
    ));
}
