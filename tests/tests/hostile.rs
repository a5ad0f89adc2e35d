//! Hostile and odd sources: the run never crashes, reports what it could not read, and goes
//! on with the rest. Each case builds its input in a fresh temporary directory.

use bpcheck_tests::run_bpcheck;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A fresh directory for one case.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bpcheck-hostile-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    dir
}

fn package(dir: &Path, lib: &str) {
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"hostile\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    )
    .unwrap();
    std::fs::write(dir.join("src/lib.rs"), lib).unwrap();
}

/// Runs on the package, short format, skimming and with `--no-skim` (every body parsed);
/// asserts both runs ended normally with the same report, and returns it.
fn check(dir: &Path) -> String {
    let m = dir.join("Cargo.toml").display().to_string();
    let args = [
        "--manifest-path",
        &m,
        "--message-format",
        "short",
        "--no-cache",
    ];
    let run = run_bpcheck(args);
    assert!(
        matches!(run.code, Some(0) | Some(1)),
        "{}",
        run.describe_exit()
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    let whole = run_bpcheck(args.iter().chain(&["--no-skim"]));
    assert_eq!((whole.code, &whole.stderr), (run.code, &run.stderr));
    run.stderr
}

const UNBOUNDED: &str =
    "pub fn events() { let (_tx, _rx) = tokio::sync::mpsc::unbounded_channel::<u8>(); }\n";

#[test]
fn deep_nesting_is_reported_and_the_rest_analyzed() {
    let dir = scratch("deep");
    // Each function makes a channel, so skimming keeps it and it is parsed.
    let chan = "tokio::sync::mpsc::channel::<u8>(1);";
    let blocks = format!(
        "pub fn blocks() {{ {chan} {}{} }}\n",
        "{".repeat(2000),
        "}".repeat(2000)
    );
    let parens = format!(
        "pub fn parens() -> u8 {{ {chan} {}1{} }}\n",
        "(".repeat(3000),
        ")".repeat(3000)
    );
    package(&dir, &format!("{blocks}{parens}{UNBOUNDED}"));
    let out = check(&dir);
    assert!(
        out.contains("src/lib.rs:1:") && out.contains("[BP904]"),
        "{out}"
    );
    assert!(out.contains("1 more in this file"), "{out}");
    assert!(
        out.contains("src/lib.rs:3:") && out.contains("[BP001]"),
        "{out}"
    );
}

#[test]
fn deeply_nested_modules_are_reported_and_the_rest_analyzed() {
    let dir = scratch("deep_modules");
    let mods = format!(
        "{}pub fn f() {{ tokio::spawn(async {{}}); }}{}\n",
        "pub mod m { ".repeat(3000),
        "}".repeat(3000)
    );
    package(&dir, &format!("{mods}{UNBOUNDED}"));
    let out = check(&dir);
    assert!(
        out.contains("src/lib.rs:1:") && out.contains("[BP904]"),
        "{out}"
    );
    assert!(
        out.contains("src/lib.rs:2:") && out.contains("[BP001]"),
        "{out}"
    );
}

#[test]
fn long_chains_without_brackets_do_not_overflow_the_stack() {
    let dir = scratch("chains");
    let else_if: String = (1..20_000)
        .map(|i| format!("else if x == {i} {{ {i} }} "))
        .collect();
    let src = format!(
        "pub fn a(x: u64) -> u64 {{ if x == 0 {{ 0 }} {else_if} else {{ 1 }} }}\n\
         pub fn b(x: i64) -> i64 {{ {}x }}\n\
         pub fn c(x: i64) -> i64 {{ {} }}\n\
         pub fn d(x: Vec<u8>) -> usize {{ x{}.len() }}\n{UNBOUNDED}",
        "-".repeat(50_000),
        vec!["x"; 50_000].join(" + "),
        ".clone()".repeat(20_000)
    );
    package(&dir, &src);
    assert!(check(&dir).contains("[BP001]"));
}

#[test]
fn module_cycles_through_path_attributes_end() {
    let dir = scratch("cycle");
    package(
        &dir,
        &format!(
            "#[path = \"./lib.rs\"]\nmod again;\n#[path = \"../src/a.rs\"]\nmod a;\n{UNBOUNDED}"
        ),
    );
    std::fs::write(dir.join("src/a.rs"), "#[path = \"lib.rs\"]\nmod back;\n").unwrap();
    let out = check(&dir);
    assert_eq!(out.matches("[BP001]").count(), 1, "{out}");
}

#[cfg(unix)]
#[test]
fn symlink_loops_end() {
    let dir = scratch("symlinks");
    package(&dir, &format!("mod a;\n{UNBOUNDED}"));
    std::fs::create_dir_all(dir.join("src/a")).unwrap();
    std::fs::write(dir.join("src/a/mod.rs"), "mod a;\n").unwrap();
    // src/a/a -> src/a: `mod a;` inside it finds itself again, one level deeper each time.
    std::os::unix::fs::symlink(dir.join("src/a"), dir.join("src/a/a")).unwrap();
    assert!(check(&dir).contains("[BP001]"));
    // Loose paths: a directory walk does not follow the loop either.
    let run = run_bpcheck([dir.join("src").display().to_string()]);
    assert!(
        matches!(run.code, Some(0) | Some(1)),
        "{}",
        run.describe_exit()
    );
}

#[test]
fn a_module_that_cannot_be_read_is_reported_and_the_run_goes_on() {
    let dir = scratch("unreadable");
    package(&dir, &format!("mod gone;\nmod odd;\n{UNBOUNDED}"));
    // `gone.rs` is a directory where a file should be (as if the file vanished): missing.
    std::fs::create_dir_all(dir.join("src/gone.rs")).unwrap();
    std::fs::write(dir.join("src/odd.rs"), [0x66, 0x6e, 0xff, 0xfe]).unwrap();
    let out = check(&dir);
    assert!(out.contains("lib.rs:1:1: error[BP902]"), "{out}");
    assert!(out.contains("lib.rs:2:1: error[BP901]"), "{out}");
    assert!(out.contains("[BP001]"), "{out}");
}

#[test]
fn bom_and_crlf_keep_positions() {
    let dir = scratch("bom");
    let src = format!("\u{feff}//! doc\r\n\r\n{}", UNBOUNDED.replace('\n', "\r\n"));
    package(&dir, &src);
    let out = check(&dir);
    let col = UNBOUNDED.find("tokio").unwrap() + 1;
    assert!(
        out.contains(&format!("src/lib.rs:3:{col}: warning[BP001]")),
        "{out}"
    );
}

#[test]
fn shebang_keeps_positions() {
    let dir = scratch("shebang");
    package(
        &dir,
        &format!("#!/usr/bin/env run-cargo-script\n{UNBOUNDED}"),
    );
    let col = UNBOUNDED.find("tokio").unwrap() + 1;
    assert!(check(&dir).contains(&format!("src/lib.rs:2:{col}: warning[BP001]")));
}

#[test]
fn included_files_and_macro_made_channels_do_not_crash() {
    let dir = scratch("macros");
    package(
        &dir,
        "include!(\"generated.rs\");\n\
         macro_rules! queue { ($t:ty) => { tokio::sync::mpsc::unbounded_channel::<$t>() }; }\n\
         pub fn a() { let (_tx, _rx) = queue!(u8); }\n\
         macro_rules! broken { ( => }\n",
    );
    std::fs::write(dir.join("src/generated.rs"), UNBOUNDED).unwrap();
    check(&dir);
}

#[test]
fn a_large_generated_file_completes() {
    // 5 MB here (the debug binary); the README gives the 50 MB run of the release binary.
    let dir = scratch("large");
    let mut src = String::from(UNBOUNDED);
    let mut i = 0;
    while src.len() < 5_000_000 {
        src.push_str(&format!(
            "pub fn f{i}(x: u64) -> u64 {{ let y = x.wrapping_mul({i}) ^ (x >> 3); if y % 7 == 0 {{ y + 1 }} else {{ y - 1 }} }}\n"
        ));
        i += 1;
    }
    package(&dir, &src);
    assert!(check(&dir).contains("[BP001]"));
}

#[test]
fn a_workspace_of_500_crates_completes() {
    let dir = scratch("workspace");
    let members: Vec<String> = (0..500).map(|i| format!("\"c{i}\"")).collect();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )
    .unwrap();
    for i in 0..500 {
        let c = dir.join(format!("c{i}"));
        std::fs::create_dir_all(c.join("src")).unwrap();
        std::fs::write(
            c.join("Cargo.toml"),
            format!("[package]\nname = \"c{i}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"),
        )
        .unwrap();
        let body = if i % 100 == 0 {
            UNBOUNDED
        } else {
            "pub fn f() {}\n"
        };
        std::fs::write(c.join("src/lib.rs"), body).unwrap();
    }
    let out = check(&dir);
    assert_eq!(out.matches("[BP001]").count(), 5, "{out}");
    assert!(out.contains("(500 files analyzed)"), "{out}");
}

#[test]
fn a_closed_stdout_does_not_panic() {
    let manifest = bpcheck_tests::fixture_dir("graph_gateway_cycle").join("Cargo.toml");
    for args in [
        vec!["--graph", "dot"],
        vec!["--message-format", "json"],
        vec!["--message-format", "sarif"],
        vec!["--explain", "BP002"],
        vec!["--list"],
    ] {
        let mut child = Command::new(bpcheck_tests::bpcheck_binary())
            .arg("--manifest-path")
            .arg(&manifest)
            .args(&args)
            .env("CARGO", env!("CARGO"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the reading end before the tool writes anything.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(
            matches!(out.status.code(), Some(0..=2)),
            "{args:?}: {:?}",
            out.status
        );
    }
}
