//! Snapshots of the human-readable output, so a change in wording, spans or labels shows up
//! as a reviewed diff. Re-bless after an intended change with
//! `INSTA_UPDATE=always cargo test -p bpcheck-tests --test rendered` and review the diff.

use bpcheck_tests::run_bpcheck;

/// The rendered diagnostics of one fixture, as a user sees them (no colour).
fn rendered(fixture: &str) -> String {
    let manifest = format!("fixtures/{fixture}/Cargo.toml");
    let run = run_bpcheck(["--manifest-path", &manifest, "--color", "never"]);
    assert!(run.code.is_some(), "{}", run.describe_exit());
    // Messages name files by absolute path; the checkout's place is not part of the output.
    let root = format!("{}/", bpcheck_tests::workspace_root().display());
    format!(
        "exit code: {:?}\n{}",
        run.code,
        run.stderr.replace(&root, "")
    )
}

#[test]
fn unbounded_producer() {
    insta::assert_snapshot!(rendered("unbounded_producer"));
}

#[test]
fn gateway_cycle() {
    insta::assert_snapshot!(rendered("graph_gateway_cycle"));
}

#[test]
fn per_connection_gateways() {
    insta::assert_snapshot!(rendered("graph_gateway_per_connection"));
}

#[test]
fn permits() {
    insta::assert_snapshot!(rendered("permit_not_moved"));
}

#[test]
fn bad_input() {
    insta::assert_snapshot!(rendered("bad_input"));
}
