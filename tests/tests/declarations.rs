//! Declarations seen from the command line: `--show-allowed` lists what allowances hid with
//! their reasons, and the graph names tasks and channels after their declarations.

use bpcheck_tests::{fixture_dir, run_bpcheck};

fn manifest(name: &str) -> String {
    fixture_dir(name).join("Cargo.toml").display().to_string()
}

#[test]
fn show_allowed_lists_hidden_findings_with_their_reasons() {
    let m = manifest("decl_allow");
    let plain = run_bpcheck(["--manifest-path", &m, "--message-format", "short"]);
    assert!(!plain.stderr.contains("allowed["), "{}", plain.stderr);
    let shown = run_bpcheck([
        "--manifest-path",
        &m,
        "--message-format",
        "short",
        "--show-allowed",
    ]);
    let line = shown
        .stderr
        .lines()
        .find(|l| l.contains("allowed[BP001]"))
        .unwrap_or_else(|| panic!("no allowed finding listed:\n{}", shown.stderr));
    assert!(line.contains("src/lib.rs:12:5"), "{line}");
    let human = run_bpcheck(["--manifest-path", &m, "--show-allowed"]);
    assert!(
        human
            .stderr
            .contains("reason: one notice per connection; connections are capped"),
        "{}",
        human.stderr
    );
    // The hidden finding does not count: the verdict is the same with and without the flag.
    assert_eq!(plain.code, shown.code);
}

#[test]
fn graph_uses_declared_names() {
    let run = run_bpcheck([
        "--manifest-path",
        &manifest("decl_gateway_processor"),
        "--graph",
        "dot",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.describe_exit());
    for name in ["frontend", "engine", "jobs (8)", "quotes (16)"] {
        assert!(
            run.stdout.contains(name),
            "`{name}` not in:\n{}",
            run.stdout
        );
    }
    // The gateway's function is called `gateway`: its declared name replaces it.
    assert!(!run.stdout.contains("\"gateway"), "{}", run.stdout);
}

#[test]
fn graph_marks_undeclared_and_missing_edges() {
    let undeclared = run_bpcheck([
        "--manifest-path",
        &manifest("decl_closed_undeclared_edge"),
        "--graph",
        "dot",
    ]);
    let line = undeclared
        .stdout
        .lines()
        .find(|l| l.contains("not declared in a closed topology"))
        .unwrap_or_else(|| panic!("no undeclared edge in:\n{}", undeclared.stdout));
    assert!(line.contains("try_send"), "{line}");
    let missing = run_bpcheck([
        "--manifest-path",
        &manifest("decl_edge_without_code"),
        "--graph",
        "dot",
    ]);
    assert!(
        missing
            .stdout
            .contains("declared via audit, missing\", style=dotted"),
        "{}",
        missing.stdout
    );
    // The fully declared system has neither.
    let clean = run_bpcheck([
        "--manifest-path",
        &manifest("decl_gateway_processor"),
        "--graph",
        "dot",
    ]);
    assert!(!clean.stdout.contains("closed topology") && !clean.stdout.contains("missing"));
}
