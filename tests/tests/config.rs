//! Configuration in Cargo.toml: precedence (command line over package over workspace), the
//! effective configuration with origins, and mistakes that point into the TOML.

use bpcheck_tests::{fixture_dir, run_bpcheck};

fn workspace() -> String {
    fixture_dir("config_precedence")
        .join("Cargo.toml")
        .display()
        .to_string()
}

#[test]
fn package_table_overrides_workspace_and_command_line_overrides_both() {
    let m = workspace();
    let run = run_bpcheck(["--manifest-path", &m, "--message-format", "short"]);
    assert_eq!(run.code, Some(1), "{}", run.describe_exit());
    let lines: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("[BP001]"))
        .collect();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(lines[0].contains("strict/src/lib.rs") && lines[0].contains("error[BP001]"));

    let cli = run_bpcheck([
        "--manifest-path",
        &m,
        "--message-format",
        "short",
        "-W",
        "BP001",
    ]);
    assert_eq!(cli.code, Some(0), "{}", cli.describe_exit());
    let warned = cli
        .stderr
        .lines()
        .filter(|l| l.contains("warning[BP001]"))
        .count();
    assert_eq!(warned, 2, "{}", cli.stderr);
}

#[test]
fn print_config_shows_each_value_with_its_origin() {
    let m = workspace();
    let run = run_bpcheck([
        "--manifest-path",
        &m,
        "--print-config",
        "-p",
        "quiet",
        "-D",
        "BP004",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.describe_exit());
    let out = &run.stdout;
    let line = |needle: &str| {
        out.lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no `{needle}` in:\n{out}"))
            .to_string()
    };
    assert!(line("lints.unbounded-channel = deny")
        .contains("config_precedence/Cargo.toml:10 [workspace.metadata.bpcheck].lints"));
    assert!(line("lints.BP001 = allow")
        .contains("quiet/Cargo.toml:12 [package.metadata.bpcheck].lints BP001"));
    assert!(line("lints.BP004 = deny").contains("command line"));
    assert!(line("fail-on = certain").contains("[workspace.metadata.bpcheck] fail-on"));
    assert!(!out.contains("package `strict`"), "{out}");
}

#[test]
fn mistakes_are_reported_at_their_key_and_exit_2() {
    let dir = std::env::temp_dir().join(format!("bpcheck-config-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"typo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[package.metadata.bpcheck]\nfial-on = \"certain\"\n\n[package.metadata.bpcheck.lints]\nBP001 = \"loud\"\n",
    )
    .unwrap();
    std::fs::write(dir.join("src/lib.rs"), "pub fn f() {}\n").unwrap();
    let m = dir.join("Cargo.toml").display().to_string();
    let run = run_bpcheck(["--manifest-path", &m]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(run.code, Some(2), "{}", run.describe_exit());
    let err = &run.stderr;
    assert!(
        err.contains("unknown key `fial-on` in [package.metadata.bpcheck]"),
        "{err}"
    );
    assert!(err.contains("Cargo.toml:7:1"), "{err}");
    assert!(
        err.contains("a lint level is \"allow\", \"warn\" or \"deny\""),
        "{err}"
    );
    assert!(err.contains("Cargo.toml:10:9"), "{err}");
}
