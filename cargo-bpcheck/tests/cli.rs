//! End-to-end tests of the `cargo-bpcheck` binary: exit codes, messages, JSON output.

use cargo_metadata::diagnostic::DiagnosticLevel;
use cargo_metadata::{CompilerMessage, Message};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

const BIN: &str = env!("CARGO_BIN_EXE_cargo-bpcheck");

/// The tiny source every positive test uses; BP001 is on line 2, columns 20..64.
const UNBOUNDED: &str = "fn main() {\n    let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<u8>();\n    drop((tx, rx));\n}\n";

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!(
            "cargo-bpcheck-cli-{}-{tag}-{n}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.0.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create parent dir");
        }
        std::fs::write(&path, text).expect("write file");
        path
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(cwd: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(cwd)
        .env_remove("CARGO_TERM_COLOR")
        .output()
        .expect("run cargo-bpcheck")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A package `name` with `src/lib.rs` = `lib`.
fn package(name: &str, lib: &str) -> TempDir {
    let dir = TempDir::new(name);
    dir.write(
        "Cargo.toml",
        &format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n"),
    );
    dir.write("src/lib.rs", lib);
    dir
}

fn messages(o: &Output) -> Vec<Message> {
    Message::parse_stream(&o.stdout[..])
        .collect::<Result<Vec<_>, _>>()
        .expect("read stdout")
}

fn compiler_messages(msgs: &[Message]) -> Vec<&CompilerMessage> {
    msgs.iter()
        .filter_map(|m| match m {
            Message::CompilerMessage(c) => Some(c),
            _ => None,
        })
        .collect()
}

#[test]
fn missing_manifest_is_a_usage_error() {
    let dir = TempDir::new("missing");
    let manifest = dir.path().join("nope").join("Cargo.toml");
    let out = run(
        dir.path(),
        &["--manifest-path", manifest.to_str().expect("utf-8 path")],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.starts_with("error: manifest path `"), "{err}");
    assert!(err.contains(&manifest.display().to_string()), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn broken_manifest_is_a_usage_error_naming_the_path() {
    let dir = TempDir::new("broken");
    let manifest = dir.write("Cargo.toml", "[package\nname = ");
    let out = run(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.starts_with("error: failed to read manifest `"), "{err}");
    assert!(err.contains(&manifest.display().to_string()), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn unknown_lint_and_unknown_explain_are_usage_errors() {
    let dir = TempDir::new("unknown");
    dir.write("a.rs", UNBOUNDED);
    for args in [
        &["-D", "BP999", "a.rs"][..],
        &["--allow", "no-such-lint", "a.rs"],
        &["--explain", "BP999"],
    ] {
        let out = run(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert!(err.contains("error: unknown lint `"), "{args:?}: {err}");
        assert!(stdout(&out).is_empty(), "{args:?}");
    }
}

#[test]
fn unknown_package_is_a_usage_error() {
    let pkg = package("bpcli_one", "pub fn f() {}\n");
    let out = run(pkg.path(), &["-p", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("error: package `nope` not found"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn explain_prints_the_doc_by_code_or_name() {
    let dir = TempDir::new("explain");
    let by_code = run(dir.path(), &["--explain", "BP001"]);
    assert_eq!(by_code.status.code(), Some(0));
    let text = stdout(&by_code);
    assert!(
        text.starts_with("BP001 (unbounded-channel), default level: warn\n"),
        "{text}"
    );
    let mut last = 0;
    for heading in [
        "### What it detects",
        "### Why it matters",
        "### Example",
        "### How to fix",
        "### How to allow",
    ] {
        let at = text
            .find(heading)
            .unwrap_or_else(|| panic!("no {heading} in {text}"));
        assert!(at > last, "{heading} out of order");
        last = at;
    }
    // Invoked by cargo as `cargo bpcheck`, with the subcommand word as first argument.
    let by_name = run(dir.path(), &["bpcheck", "--explain", "unbounded_channel"]);
    assert_eq!(by_name.status.code(), Some(0));
    assert_eq!(stdout(&by_name), text);
}

#[test]
fn list_shows_every_lint() {
    let dir = TempDir::new("list");
    let out = run(dir.path(), &["--list"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let line = text
        .lines()
        .find(|l| l.starts_with("BP001"))
        .unwrap_or_else(|| panic!("no BP001 in {text}"));
    assert!(line.contains("unbounded-channel"), "{line}");
    assert!(line.contains("warn"), "{line}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("BP900") && l.contains("deny")),
        "{text}"
    );
}

#[test]
fn human_output_and_levels_decide_the_exit_code() {
    let pkg = package("bpcli_levels", UNBOUNDED);

    let warn = run(pkg.path(), &["--color", "never"]);
    assert_eq!(warn.status.code(), Some(0), "{}", stderr(&warn));
    let err = stderr(&warn);
    assert!(err.contains("warning[BP001]: unbounded channel"), "{err}");
    assert!(err.contains("--> src/lib.rs:2:20"), "{err}");
    assert!(err.contains("^^^^"), "{err}");
    assert!(err.contains("= help: "), "{err}");
    assert!(
        err.contains("bpcheck: 0 errors, 1 warning (1 file analyzed)"),
        "{err}"
    );
    assert!(!err.contains('\u{1b}'), "no color with --color never");
    assert!(stdout(&warn).is_empty());

    let deny = run(pkg.path(), &["-D", "warnings"]);
    assert_eq!(deny.status.code(), Some(1));
    let err = stderr(&deny);
    assert!(err.contains("error[BP001]: unbounded channel"), "{err}");
    assert!(err.contains("bpcheck: 1 error, 0 warnings"), "{err}");

    let allow = run(pkg.path(), &["-A", "BP001"]);
    assert_eq!(allow.status.code(), Some(0));
    assert!(!stderr(&allow).contains("BP001"), "{}", stderr(&allow));
    assert!(stderr(&allow).contains("bpcheck: 0 errors, 0 warnings"));

    // Later flags win, across -W/-D/-A.
    let later_allow = run(pkg.path(), &["-D", "warnings", "-A", "unbounded-channel"]);
    assert_eq!(
        later_allow.status.code(),
        Some(0),
        "{}",
        stderr(&later_allow)
    );
    let later_deny = run(pkg.path(), &["-A", "BP001", "--deny", "BP001"]);
    assert_eq!(later_deny.status.code(), Some(1), "{}", stderr(&later_deny));

    let color = run(pkg.path(), &["--color", "always"]);
    assert!(
        stderr(&color).contains('\u{1b}'),
        "color with --color always"
    );
}

#[test]
fn json_output_is_cargo_messages_with_rustc_spans() {
    let pkg = package("bpcli_json", UNBOUNDED);
    let out = run(pkg.path(), &["--message-format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out)
            .lines()
            .all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()),
        "every stdout line is JSON"
    );
    let msgs = messages(&out);
    assert!(
        matches!(msgs.last(), Some(Message::BuildFinished(b)) if b.success),
        "{msgs:?}"
    );
    let cms = compiler_messages(&msgs);
    assert_eq!(cms.len(), 1, "{msgs:?}");
    let cm = cms[0];
    assert!(
        cm.package_id.repr.contains("bpcli_json"),
        "{}",
        cm.package_id
    );
    assert_eq!(cm.target.name, "bpcli_json");
    assert!(cm.target.src_path.ends_with("src/lib.rs"));
    let d = &cm.message;
    assert_eq!(d.message, "unbounded channel");
    assert_eq!(d.level, DiagnosticLevel::Warning);
    assert_eq!(d.code.as_ref().map(|c| c.code.as_str()), Some("BP001"));
    let primary = d.spans.iter().find(|s| s.is_primary).expect("primary span");
    assert_eq!(primary.file_name, "src/lib.rs");
    assert_eq!((primary.line_start, primary.line_end), (2, 2));
    assert_eq!((primary.column_start, primary.column_end), (20, 64));
    let start = UNBOUNDED.find("tokio::").expect("call in source");
    assert_eq!(primary.byte_start as usize, start);
    assert_eq!(
        &UNBOUNDED[primary.byte_start as usize..primary.byte_end as usize],
        "tokio::sync::mpsc::unbounded_channel::<u8>()"
    );
    assert_eq!(primary.text.len(), 1);
    assert_eq!(
        primary.text[0].text,
        UNBOUNDED.lines().nth(1).expect("line 2")
    );
    assert_eq!(
        (
            primary.text[0].highlight_start,
            primary.text[0].highlight_end
        ),
        (20, 64)
    );
    assert!(d.children.iter().any(|c| c.level == DiagnosticLevel::Help));
    let rendered = d.rendered.as_deref().expect("rendered");
    assert!(
        rendered.starts_with("warning[BP001]: unbounded channel"),
        "{rendered}"
    );
    assert!(!rendered.contains('\u{1b}'), "rendered has no color");

    let denied = run(pkg.path(), &["--message-format=json", "-D", "BP001"]);
    assert_eq!(denied.status.code(), Some(1));
    let msgs = messages(&denied);
    assert!(matches!(msgs.last(), Some(Message::BuildFinished(b)) if !b.success));
    assert_eq!(
        compiler_messages(&msgs)[0].message.level,
        DiagnosticLevel::Error
    );
}

#[test]
fn positional_paths_are_analyzed_without_a_manifest() {
    let dir = TempDir::new("paths");
    dir.write("sub/a.rs", UNBOUNDED);
    dir.write("sub/b.rs", "pub fn quiet() {}\n");
    let out = run(dir.path(), &["--message-format", "json", "sub"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let msgs = messages(&out);
    let cms = compiler_messages(&msgs);
    assert_eq!(cms.len(), 1, "{msgs:?}");
    assert!(
        cms[0].package_id.repr.starts_with("path+file://"),
        "{}",
        cms[0].package_id
    );
    let primary = cms[0]
        .message
        .spans
        .iter()
        .find(|s| s.is_primary)
        .expect("primary span");
    assert_eq!(primary.file_name, "sub/a.rs");
    assert_eq!((primary.line_start, primary.column_start), (2, 20));

    let human = run(dir.path(), &["sub/b.rs", "sub/a.rs"]);
    assert!(
        stderr(&human).contains("(2 files analyzed)"),
        "{}",
        stderr(&human)
    );

    let missing = run(dir.path(), &["nope.rs"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("error: path `nope.rs` does not exist"));
}

#[test]
fn workspace_selection_and_renamed_dependencies() {
    let ws = TempDir::new("ws");
    ws.write(
        "Cargo.toml",
        "[workspace]\nresolver = \"2\"\nmembers = [\"a\", \"b\"]\n",
    );
    ws.write(
        "a/Cargo.toml",
        "[package]\nname = \"bpcli_a\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\ntk = { package = \"tokio\", version = \"1\" }\n",
    );
    // Only the rename tells the analyzer that `tk` is tokio.
    ws.write(
        "a/src/lib.rs",
        "pub fn f() {\n    let (_tx, _rx) = tk::sync::mpsc::unbounded_channel::<u8>();\n}\n",
    );
    ws.write(
        "b/Cargo.toml",
        "[package]\nname = \"bpcli_b\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    ws.write("b/src/main.rs", UNBOUNDED);

    let file_names = |args: &[&str]| -> Vec<String> {
        let out = run(ws.path(), args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        let msgs = messages(&out);
        let mut names: Vec<String> = compiler_messages(&msgs)
            .iter()
            .flat_map(|c| c.message.spans.iter().filter(|s| s.is_primary))
            .map(|s| s.file_name.clone())
            .collect();
        names.sort();
        names
    };
    let json = "--message-format=json";
    assert_eq!(file_names(&[json]), ["a/src/lib.rs", "b/src/main.rs"]);
    assert_eq!(
        file_names(&[json, "--workspace"]),
        ["a/src/lib.rs", "b/src/main.rs"]
    );
    assert_eq!(file_names(&[json, "-p", "bpcli_b"]), ["b/src/main.rs"]);
    assert_eq!(
        file_names(&[json, "-p", "bpcli_a", "-p", "bpcli_b"]).len(),
        2
    );
    let a_manifest = ws.path().join("a").join("Cargo.toml");
    let a_manifest = a_manifest.to_str().expect("utf-8 path");
    assert_eq!(
        file_names(&[json, "--manifest-path", a_manifest]),
        ["a/src/lib.rs"]
    );

    // Inside a member, the member is selected; human file names are relative to the cwd.
    let out = run(&ws.path().join("b").join("src"), &[]);
    let err = stderr(&out);
    assert!(err.contains("--> main.rs:2:20"), "{err}");
    assert!(!err.contains("lib.rs"), "{err}");
}

/// BP008 (deny, certain): tokio panics on a bounded channel of capacity 0.
const ZERO_CAPACITY: &str =
    "fn main() {\n    let (tx, rx) = tokio::sync::mpsc::channel::<u8>(0);\n    drop((tx, rx));\n}\n";

/// A gateway <-> processor cycle of waiting sends on two bounded channels (BP002).
const GATEWAY_CYCLE: &str = r#"use tokio::sync::mpsc;

pub async fn gateway() {
    let (req_tx, mut req_rx) = mpsc::channel::<u32>(8);
    let (reply_tx, mut reply_rx) = mpsc::channel::<u32>(8);
    tokio::spawn(async move {
        while let Some(r) = req_rx.recv().await {
            reply_tx.send(r + 1).await.unwrap();
        }
    });
    loop {
        req_tx.send(1).await.unwrap();
        let _ = reply_rx.recv().await;
    }
}
"#;

/// The same cycle, but the processor's reply sender is only reached through a `Vec` index,
/// a step the analysis cannot follow: BP002 with confidence `possible`.
const POSSIBLE_CYCLE: &str = r#"use tokio::sync::mpsc;

pub async fn gateway() {
    let (req_tx, mut req_rx) = mpsc::channel::<u32>(8);
    let (reply_tx, mut reply_rx) = mpsc::channel::<u32>(8);
    let mut replies = Vec::new();
    replies.push(reply_tx);
    tokio::spawn(async move {
        while let Some(r) = req_rx.recv().await {
            replies[0].send(r + 1).await.unwrap();
        }
    });
    loop {
        req_tx.send(1).await.unwrap();
        let _ = reply_rx.recv().await;
    }
}
"#;

#[test]
fn fail_on_certain_keeps_certain_deny_findings_failing() {
    let dir = TempDir::new("failon");
    dir.write("zero.rs", ZERO_CAPACITY);
    for args in [
        &["zero.rs"][..],
        &["--fail-on", "possible", "zero.rs"],
        &["--fail-on", "certain", "zero.rs"],
    ] {
        let out = run(dir.path(), args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("error[BP008]"), "{args:?}: {err}");
        assert!(
            err.contains("bpcheck: 1 error, 0 warnings"),
            "{args:?}: {err}"
        );
    }

    let bad = run(dir.path(), &["--fail-on", "sometimes", "zero.rs"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("--fail-on"), "{}", stderr(&bad));
}

#[test]
fn fail_on_certain_turns_possible_deny_findings_into_warnings() {
    let dir = TempDir::new("failon-possible");
    dir.write("cycle.rs", POSSIBLE_CYCLE);

    let default = run(dir.path(), &["--color", "never", "cycle.rs"]);
    assert_eq!(default.status.code(), Some(1), "{}", stderr(&default));
    let err = stderr(&default);
    assert!(err.contains("error[BP002]"), "{err}");
    assert!(err.contains("= note: confidence: possible"), "{err}");

    let certain = run(
        dir.path(),
        &["--color", "never", "--fail-on", "certain", "cycle.rs"],
    );
    assert_eq!(certain.status.code(), Some(0), "{}", stderr(&certain));
    let err = stderr(&certain);
    assert!(err.contains("warning[BP002]"), "{err}");
    assert!(err.contains("bpcheck: 0 errors, 1 warning"), "{err}");

    let json = run(
        dir.path(),
        &["--message-format=json", "--fail-on=certain", "cycle.rs"],
    );
    assert_eq!(json.status.code(), Some(0));
    let msgs = messages(&json);
    assert!(matches!(msgs.last(), Some(Message::BuildFinished(b)) if b.success));
    assert_eq!(
        compiler_messages(&msgs)[0].message.level,
        DiagnosticLevel::Warning
    );
}

#[test]
fn help_documents_fail_on_and_graph() {
    let dir = TempDir::new("help");
    let out = run(dir.path(), &["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for needle in [
        "--fail-on <CONFIDENCE>",
        "certain",
        "[default: possible]",
        "--graph <FORMAT>",
        "dot",
        "mermaid",
        "-o, --output <FILE>",
    ] {
        assert!(text.contains(needle), "{needle} in {text}");
    }
}

/// The edge statements of a DOT graph (`"a" -> "b" [...]`).
fn dot_edge_lines(dot: &str) -> Vec<&str> {
    dot.lines()
        .map(str::trim)
        .filter(|l| l.starts_with('"') && l.contains("\" -> \""))
        .collect()
}

#[test]
fn graph_prints_the_message_graph_instead_of_diagnostics() {
    let pkg = package("bpcli_graph", GATEWAY_CYCLE);

    // The cycle is a deny-level finding, yet drawing the graph succeeds and prints nothing else.
    let out = run(pkg.path(), &["--graph", "dot"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    let dot = stdout(&out);
    assert!(dot.contains("digraph bpcheck {"), "{dot}");
    assert!(dot.contains("rankdir=LR;"), "{dot}");
    assert!(dot.trim_end().ends_with('}'), "{dot}");
    assert!(!dot.contains("BP002"), "{dot}");
    for label in [
        "label=\"gateway\"",
        "label=\"gateway::{task}\"",
        "label=\"req (8)\"",
        "label=\"reply (8)\"",
    ] {
        assert!(dot.contains(label), "{label} in {dot}");
    }
    let edges = dot_edge_lines(&dot);
    assert_eq!(edges.len(), 4, "{dot}");
    assert_eq!(
        edges
            .iter()
            .filter(|e| e.contains("label=\"send\""))
            .count(),
        2
    );
    assert_eq!(
        edges
            .iter()
            .filter(|e| e.contains("label=\"recv\""))
            .count(),
        2
    );
    // Every edge is on the unbroken cycle: highlighted.
    assert!(
        edges.iter().all(|e| e.contains("color=\"#d62728\"")),
        "{dot}"
    );

    // To a file: stdout stays empty, the file holds the same graph.
    let file = pkg.path().join("graph.dot");
    let to_file = run(pkg.path(), &["--graph=dot", "-o", "graph.dot"]);
    assert_eq!(to_file.status.code(), Some(0), "{}", stderr(&to_file));
    assert!(stdout(&to_file).is_empty());
    assert!(stderr(&to_file).is_empty(), "{}", stderr(&to_file));
    assert_eq!(std::fs::read_to_string(&file).expect("graph file"), dot);

    let mermaid = run(pkg.path(), &["--graph", "mermaid"]);
    assert_eq!(mermaid.status.code(), Some(0), "{}", stderr(&mermaid));
    let text = stdout(&mermaid);
    assert!(text.starts_with("flowchart LR\n"), "{text}");
    assert!(text.contains("[(\"req (8)\")]"), "{text}");
    assert!(text.contains("[\"gateway\"]"), "{text}");
    assert_eq!(
        text.lines()
            .filter(|l| l.contains(" -->|send| ") || l.contains(" -->|recv| "))
            .count(),
        4,
        "{text}"
    );
    assert!(text.contains("linkStyle 0,1,2,3 stroke:#d62728"), "{text}");
}

#[test]
fn graph_usage_and_output_errors() {
    let pkg = package("bpcli_graph_err", GATEWAY_CYCLE);
    for args in [
        &["--graph", "svg"][..],
        &["-o", "graph.dot"],
        &["--graph", "dot", "--list"],
    ] {
        let out = run(pkg.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stdout(&out).is_empty(), "{args:?}");
    }

    let missing = pkg.path().join("nope").join("Cargo.toml");
    let out = run(
        pkg.path(),
        &[
            "--graph",
            "dot",
            "--manifest-path",
            missing.to_str().expect("utf-8 path"),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).is_empty());

    let out = run(pkg.path(), &["--graph", "dot", "-o", "no/such/dir/g.dot"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with("error: cannot write the graph to `no/such/dir/g.dot`"),
        "{err}"
    );
}

#[test]
fn an_empty_directory_is_reported() {
    let dir = std::env::temp_dir().join(format!("bpcheck-cli-empty-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cargo-bpcheck"))
        .arg(&dir)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("warning: no `.rs` files under"), "{stderr}");
}

/// A package with every kind of target, each creating one unbounded channel, and test-only
/// code in the lib. Returns the directory.
fn every_target_package() -> TempDir {
    let dir = TempDir::new("targets");
    dir.write(
        "Cargo.toml",
        "[package]\nname = \"bpcli_targets\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
    );
    // Line 2: compiled by `cargo build`; line 6 (#[cfg(test)] module) and line 11 (#[test])
    // only by `cargo test`/`cargo bench`.
    dir.write(
        "src/lib.rs",
        "pub fn f() {\n    let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<u8>();\n    drop((tx, rx));\n}\n#[cfg(test)]\nmod tests { fn g() { let _ = std::sync::mpsc::channel::<u8>(); } }\n\n#[test]\n#[cfg_attr(miri, ignore)]\nfn t() {\n    let _ = std::sync::mpsc::channel::<u8>();\n}\n",
    );
    for file in [
        "src/main.rs",
        "src/bin/tool.rs",
        "examples/demo.rs",
        "tests/it.rs",
        "benches/speed.rs",
        "build.rs",
    ] {
        dir.write(file, UNBOUNDED);
    }
    dir
}

fn sorted(mut v: Vec<&str>) -> Vec<&str> {
    v.sort();
    v
}

/// `file:line` of every finding of a JSON run, sorted; the run must succeed.
fn reported(cwd: &Path, args: &[&str]) -> Vec<String> {
    let mut all = vec!["--message-format=json"];
    all.extend_from_slice(args);
    let out = run(cwd, &all);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    let msgs = messages(&out);
    let mut found: Vec<String> = compiler_messages(&msgs)
        .iter()
        .flat_map(|c| c.message.spans.iter().filter(|s| s.is_primary))
        .map(|s| format!("{}:{}", s.file_name, s.line_start))
        .collect();
    found.sort();
    found
}

#[test]
fn target_flags_select_what_cargo_would_compile() {
    let pkg = every_target_package();
    let at = |args: &[&str]| reported(pkg.path(), args);
    let lib = "src/lib.rs:2";
    let lib_tests = ["src/lib.rs:11", "src/lib.rs:6"];
    let (main, tool) = ("src/main.rs:2", "src/bin/tool.rs:2");

    // Default: what `cargo build` compiles, the lib and bins without test code.
    assert_eq!(at(&[]), sorted(vec![lib, main, tool]));
    assert_eq!(at(&["--lib"]), [lib]);
    assert_eq!(at(&["--bins"]), sorted(vec![main, tool]));
    assert_eq!(at(&["--bin", "tool"]), [tool]);
    assert_eq!(
        at(&["--bin", "tool", "--bin", "bpcli_targets"]),
        sorted(vec![main, tool])
    );
    assert_eq!(at(&["--lib", "--bin", "tool"]), sorted(vec![lib, tool]));
    assert_eq!(at(&["--examples"]), ["examples/demo.rs:2"]);
    // As `cargo test` compiles them: lib and bins as unit tests, and integration tests.
    let mut tests = vec![lib, main, tool, "tests/it.rs:2"];
    tests.extend(lib_tests);
    assert_eq!(at(&["--tests"]), sorted(tests));
    let mut benches = vec![lib, main, tool, "benches/speed.rs:2"];
    benches.extend(lib_tests);
    assert_eq!(at(&["--benches"]), sorted(benches));
    let mut all = vec![
        lib,
        main,
        tool,
        "tests/it.rs:2",
        "benches/speed.rs:2",
        "examples/demo.rs:2",
        "build.rs:2",
    ];
    all.extend(lib_tests);
    assert_eq!(at(&["--all-targets"]), sorted(all.clone()));
    assert_eq!(at(&["--all-targets", "--lib"]), sorted(all));
}

#[test]
fn unknown_bin_is_a_usage_error_listing_the_bins() {
    let pkg = every_target_package();
    let out = run(pkg.path(), &["--bin", "tool", "--bin", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: no bin target named `nope`\navailable bin targets:\n    bpcli_targets\n    tool\n"
    );
    assert!(stdout(&out).is_empty());

    let lib_only = package("bpcli_lib_only", "pub fn f() {}\n");
    let out = run(lib_only.path(), &["--bin", "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("the selected packages have no bin targets"),
        "{}",
        stderr(&out)
    );

    let bin_only = TempDir::new("bin_only");
    bin_only.write(
        "Cargo.toml",
        "[package]\nname = \"bpcli_bin_only\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
    );
    bin_only.write("src/main.rs", UNBOUNDED);
    let out = run(bin_only.path(), &["--lib"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: no library targets found in package `bpcli_bin_only`\n"
    );
}

#[test]
fn loose_paths_analyze_test_code_only_with_tests() {
    let dir = TempDir::new("loose_tests");
    dir.write(
        "src/lib.rs",
        "#[cfg(test)]\nmod tests;\nmod net;\npub fn f() {\n    let _ = std::sync::mpsc::channel::<u8>();\n}\n#[test]\nfn t() {\n    let _ = std::sync::mpsc::channel::<u8>();\n}\n",
    );
    // Declared by a test-only module: left out with it.
    dir.write(
        "src/tests.rs",
        "mod helpers;\nfn g() {\n    let _ = std::sync::mpsc::channel::<u8>();\n}\n",
    );
    dir.write("src/tests/helpers.rs", UNBOUNDED);
    dir.write("src/net.rs", UNBOUNDED);
    let at = |args: &[&str]| reported(dir.path(), args);
    assert_eq!(at(&["src"]), ["src/lib.rs:5", "src/net.rs:2"]);
    let everything = [
        "src/lib.rs:5",
        "src/lib.rs:9",
        "src/net.rs:2",
        "src/tests.rs:3",
        "src/tests/helpers.rs:2",
    ];
    assert_eq!(at(&["--tests", "src"]), everything);
    assert_eq!(at(&["src", "--all-targets"]), everything);
    // Named alone, a test module's file is analyzed (nothing says it is test code).
    assert_eq!(at(&["src/tests.rs"]), ["src/tests.rs:3"]);

    for flag in ["--lib", "--bins", "--examples", "--benches"] {
        let out = run(dir.path(), &[flag, "src"]);
        assert_eq!(out.status.code(), Some(2), "{flag}");
    }
    let out = run(dir.path(), &["--bin", "x", "src"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn help_documents_target_selection() {
    let dir = TempDir::new("help_targets");
    let out = run(dir.path(), &["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for needle in [
        "Target Selection",
        "--lib",
        "--bins",
        "--bin <NAME>",
        "--tests",
        "--examples",
        "--benches",
        "--all-targets",
        "#[cfg(test)]",
        "like `cargo build`",
    ] {
        assert!(text.contains(needle), "{needle} in {text}");
    }
}

#[test]
fn short_format_is_one_line_per_finding_on_stderr() {
    let pkg = package("bpcli_short", UNBOUNDED);
    let o = run(pkg.path(), &["--message-format", "short", "-D", "BP001"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines.first().copied(),
        Some("src/lib.rs:2:20: error[BP001] unbounded channel"),
        "{err}"
    );
    assert!(
        lines
            .last()
            .is_some_and(|l| l.starts_with("bpcheck: 1 error")),
        "{err}"
    );
}

#[test]
fn github_format_writes_escaped_workflow_commands() {
    let pkg = package("bpcli_github", UNBOUNDED);
    let o = run(pkg.path(), &["--message-format", "github"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1, "{out}");
    assert!(
        lines[0].starts_with(
            "::warning file=src/lib.rs,line=2,col=20,endLine=2,endColumn=64,title=BP001 unbounded-channel::unbounded channel%0Ahelp: "
        ),
        "{out}"
    );
}

#[test]
fn sarif_has_the_required_fields_rules_and_related_locations() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/graph_gateway_cycle")
        .canonicalize()
        .expect("fixture");
    let o = run(&fixture, &["--message-format", "sarif"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let log: serde_json::Value = serde_json::from_slice(&o.stdout).expect("SARIF is JSON");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "cargo-bpcheck");
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let listed = run_list_count();
    assert_eq!(rules.len(), listed, "one rule per lint");
    for r in rules {
        for key in ["id", "name"] {
            assert!(r[key].is_string(), "{key} in {r}");
        }
        for key in ["shortDescription", "fullDescription", "help"] {
            assert!(r[key]["text"].is_string(), "{key} in {r}");
        }
        assert!(r["defaultConfiguration"]["level"].is_string(), "{r}");
    }
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 1, "{results:#?}");
    let res = &results[0];
    assert_eq!(res["ruleId"], "BP002");
    assert_eq!(res["level"], "error");
    let rule = &rules[res["ruleIndex"].as_u64().expect("ruleIndex") as usize];
    assert_eq!(rule["id"], "BP002");
    let loc = &res["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "src/system.rs");
    assert!(loc["region"]["startLine"].as_u64().is_some_and(|l| l > 0));
    let related = res["relatedLocations"].as_array().expect("related");
    assert!(related.len() >= 2, "the rest of the cycle: {related:#?}");
}

/// How many lints `--list` prints.
fn run_list_count() -> usize {
    let o = Command::new(BIN)
        .arg("--list")
        .output()
        .expect("run --list");
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter(|l| l.starts_with("BP"))
        .count()
}

#[test]
fn with_cargo_passes_the_compilers_messages_through_then_adds_ours() {
    // `tokio` is not a dependency: rustc reports an error, we report BP001 on the same line.
    let pkg = package("bpcli_with_cargo", UNBOUNDED);
    let o = Command::new(BIN)
        .args(["--message-format", "json", "--with-cargo", "check"])
        .current_dir(pkg.path())
        .env("CARGO_TARGET_DIR", pkg.path().join("target"))
        .env_remove("CARGO_TERM_COLOR")
        .output()
        .expect("run cargo-bpcheck");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let msgs = messages(&o);
    let compiler = compiler_messages(&msgs);
    let codes: Vec<Option<&str>> = compiler
        .iter()
        .map(|m| m.message.code.as_ref().map(|c| c.code.as_str()))
        .collect();
    let ours = codes
        .iter()
        .position(|c| *c == Some("BP001"))
        .expect("our finding");
    let theirs = compiler
        .iter()
        .position(|m| m.message.level == DiagnosticLevel::Error)
        .expect("rustc's error");
    assert!(theirs < ours, "cargo's messages come first: {codes:?}");
    let finished: Vec<bool> = msgs
        .iter()
        .filter_map(|m| match m {
            Message::BuildFinished(f) => Some(f.success),
            _ => None,
        })
        .collect();
    assert_eq!(finished, vec![false], "one end marker, for both");
}

#[test]
fn with_cargo_needs_json_output() {
    let pkg = package("bpcli_with_cargo_human", UNBOUNDED);
    let o = run(pkg.path(), &["--with-cargo", "check"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--with-cargo"), "{}", stderr(&o));
}
