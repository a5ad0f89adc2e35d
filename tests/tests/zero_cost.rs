//! Declarations cost nothing at run time: one program built in release with and without
//! `channel!`, `topology!`, `#[actor]` and `#[allow]` (package `tests/zero_cost`, bins `a`
//! and `b`) gives stripped binaries of the same size. (Not byte-identical: panic locations
//! hold line numbers, and the declared copy has more lines.)

use bpcheck_tests::{target_dir, workspace_root};
use std::process::Command;

#[test]
fn declared_and_plain_release_builds_have_the_same_size() {
    let target = target_dir().join("zero-cost");
    let status = Command::new(env!("CARGO"))
        .args([
            "build",
            "--release",
            "--quiet",
            "-p",
            "bpcheck-zero-cost",
            "--bins",
        ])
        .arg("--target-dir")
        .arg(&target)
        .env("CARGO_PROFILE_RELEASE_STRIP", "true")
        .current_dir(workspace_root())
        .status()
        .expect("cargo runs");
    assert!(status.success(), "release build failed");
    let size = |bin: &str| {
        let path = target
            .join("release")
            .join(format!("{bin}{}", std::env::consts::EXE_SUFFIX));
        std::fs::metadata(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .len()
    };
    let (plain, declared) = (size("a"), size("b"));
    assert!(plain > 0);
    assert_eq!(
        plain, declared,
        "plain {plain} bytes, declared {declared} bytes"
    );
}
