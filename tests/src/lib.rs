//! Helpers for the end-to-end tests: find (and build) the `cargo-bpcheck` binary, run it
//! on a fixture, read the expected findings from `//~` markers, and compare.
//!
//! Fixture convention (see `fixtures/README.md`): a finding is expected on every line
//! carrying `//~ CODE [CODE...]`, in any `.rs` file of the fixture; the comparison
//! is exact as a multiset of (file, line, code). A fixture runs with default arguments
//! plus those listed in its `bpcheck.args` file, if any.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How long one run of the tool may take before it is killed and reported as hung.
const RUN_TIMEOUT: Duration = Duration::from_secs(120);

/// The cargo workspace root (parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests crate has a parent directory")
        .to_path_buf()
}

/// `<workspace root>/fixtures`.
pub fn fixtures_dir() -> PathBuf {
    workspace_root().join("fixtures")
}

/// The directory of one fixture by name.
pub fn fixture_dir(name: &str) -> PathBuf {
    fixtures_dir().join(name)
}

/// Every directory directly under `fixtures/` that holds a `Cargo.toml`, sorted by name.
pub fn fixture_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .expect("fixtures/ is readable")
        .map(|entry| entry.expect("fixtures/ entry is readable").path())
        .filter(|p| p.join("Cargo.toml").is_file())
        .collect();
    dirs.sort();
    dirs
}

/// The directory's last component, for messages.
pub fn dir_name(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| dir.display().to_string())
}

/// The workspace target directory: `CARGO_TARGET_DIR` (relative to the workspace
/// root when relative) or `<workspace root>/target`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => workspace_root().join(dir),
        _ => workspace_root().join("target"),
    }
}

/// Path of the `cargo-bpcheck` binary, built once per test process with
/// `cargo build -p cargo-bpcheck` (cargo itself decides whether it is stale).
/// Panics with cargo's output when the build fails: a stale binary would give
/// misleading results.
pub fn bpcheck_binary() -> &'static Path {
    static BINARY: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match BINARY.get_or_init(build_binary) {
        Ok(path) => path,
        Err(e) => panic!("{e}"),
    }
}

fn build_binary() -> Result<PathBuf, String> {
    let target = target_dir();
    let output = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "-p", "cargo-bpcheck", "--target-dir"])
        .arg(&target)
        .current_dir(workspace_root())
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("could not run `{} build`: {e}", env!("CARGO")))?;
    if !output.status.success() {
        return Err(format!(
            "`cargo build -p cargo-bpcheck` failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let bin = target
        .join("debug")
        .join(format!("cargo-bpcheck{}", std::env::consts::EXE_SUFFIX));
    if bin.is_file() {
        Ok(bin)
    } else {
        Err(format!(
            "build succeeded but {} does not exist",
            bin.display()
        ))
    }
}

/// What one run of the tool produced.
#[derive(Debug)]
pub struct Run {
    /// The exit code; `None` when killed by a signal or by the timeout.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub timed_out: bool,
}

impl Run {
    /// A short description of how the process ended, with the tail of stderr.
    pub fn describe_exit(&self) -> String {
        let how = if self.timed_out {
            format!("killed after {}s", RUN_TIMEOUT.as_secs())
        } else {
            match self.code {
                Some(c) => format!("exit code {c}"),
                None => "killed by a signal".to_string(),
            }
        };
        let tail: Vec<&str> = self.stderr.lines().rev().take(15).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        if tail.is_empty() {
            how
        } else {
            format!("{how}; stderr:\n      {}", tail.join("\n      "))
        }
    }
}

/// Runs the tool with the given arguments, with the workspace root as working directory.
pub fn run_bpcheck<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut child = Command::new(bpcheck_binary())
        .args(args)
        .current_dir(workspace_root())
        .env("CARGO", env!("CARGO"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cargo-bpcheck can be started");
    let mut out = child.stdout.take().expect("piped stdout");
    let mut err = child.stderr.take().expect("piped stderr");
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = out.read_to_end(&mut buf);
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = err.read_to_end(&mut buf);
        buf
    });
    let started = Instant::now();
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting on cargo-bpcheck") {
            break status;
        }
        if started.elapsed() > RUN_TIMEOUT {
            timed_out = true;
            let _ = child.kill();
            break child.wait().expect("waiting on killed cargo-bpcheck");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let stdout = out_reader.join().expect("stdout reader");
    let stderr = err_reader.join().expect("stderr reader");
    Run {
        code: if timed_out { None } else { status.code() },
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
        timed_out,
    }
}

/// The file in a fixture directory that lists extra arguments for its run.
pub const ARGS_FILE: &str = "bpcheck.args";

/// The extra arguments of a fixture's run, read from [`ARGS_FILE`] in its directory: one
/// argument per line, surrounding whitespace removed, blank lines and lines starting with
/// `#` skipped. Empty when there is no such file.
pub fn fixture_args(dir: &Path) -> Vec<String> {
    match std::fs::read_to_string(dir.join(ARGS_FILE)) {
        Ok(text) => parse_args_file(&text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => panic!("{} is not readable: {e}", dir.join(ARGS_FILE).display()),
    }
}

/// The arguments listed in the text of an args file (see [`fixture_args`]).
pub fn parse_args_file(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// `cargo-bpcheck --manifest-path <dir>/Cargo.toml --message-format json`, followed by the
/// fixture's extra arguments ([`fixture_args`]).
pub fn run_on_fixture(dir: &Path) -> Run {
    let manifest = dir.join("Cargo.toml");
    let extra = fixture_args(dir);
    let mut args = vec![
        OsStr::new("--manifest-path"),
        manifest.as_os_str(),
        OsStr::new("--message-format"),
        OsStr::new("json"),
    ];
    args.extend(extra.iter().map(OsStr::new));
    run_bpcheck(args)
}

/// Where a finding lands: file relative to the fixture root (with `/`), 1-based line,
/// lint code.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    pub file: String,
    pub line: usize,
    pub code: String,
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{} {}", self.file, self.line, self.code)
    }
}

/// One reported finding (the first primary span of one compiler message).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub key: Key,
    /// rustc level string: `warning`, `error`, ...
    pub level: String,
    pub message: String,
}

/// The parsed stdout of a `--message-format json` run.
#[derive(Debug, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    /// `success` of the `build-finished` message, if there was one.
    pub build_finished: Option<bool>,
    /// True when `build-finished` was the last line.
    pub build_finished_last: bool,
    /// Lines that are not what the protocol allows.
    pub protocol_errors: Vec<String>,
}

/// Reads every line of stdout as a JSON message, leniently (serde_json values), so
/// that one malformed message does not hide the others.
pub fn parse_report(stdout: &str, root: &Path) -> Report {
    let mut report = Report::default();
    let lines: Vec<&str> = stdout.lines().filter(|l| !l.trim().is_empty()).collect();
    for (i, line) in lines.iter().enumerate() {
        let value: serde_json::Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => {
                report
                    .protocol_errors
                    .push(format!("stdout line {} is not JSON ({e}): {line}", i + 1));
                continue;
            }
        };
        match value.get("reason").and_then(|r| r.as_str()) {
            Some("compiler-message") => match finding_from_message(&value, root) {
                Ok(f) => report.findings.push(f),
                Err(e) => report
                    .protocol_errors
                    .push(format!("stdout line {}: {e}: {line}", i + 1)),
            },
            Some("build-finished") => {
                match value.get("success").and_then(|s| s.as_bool()) {
                    Some(s) => report.build_finished = Some(s),
                    None => report.protocol_errors.push(format!(
                        "stdout line {}: build-finished without a boolean `success`",
                        i + 1
                    )),
                }
                report.build_finished_last = i + 1 == lines.len();
            }
            Some(other) => report.protocol_errors.push(format!(
                "stdout line {}: unexpected reason {other:?}",
                i + 1
            )),
            None => report
                .protocol_errors
                .push(format!("stdout line {}: no `reason`: {line}", i + 1)),
        }
    }
    report
}

fn finding_from_message(value: &serde_json::Value, root: &Path) -> Result<Finding, String> {
    let msg = value.get("message").ok_or("no `message` object")?;
    let code = msg
        .pointer("/code/code")
        .and_then(|c| c.as_str())
        .ok_or("no `message.code.code`")?;
    let level = msg
        .get("level")
        .and_then(|l| l.as_str())
        .ok_or("no `message.level`")?;
    let text = msg.get("message").and_then(|m| m.as_str()).unwrap_or("");
    let spans = msg
        .get("spans")
        .and_then(|s| s.as_array())
        .ok_or("no `message.spans` array")?;
    let primary = spans
        .iter()
        .find(|s| s.get("is_primary").and_then(|p| p.as_bool()) == Some(true))
        .ok_or("no primary span")?;
    let file = primary
        .get("file_name")
        .and_then(|f| f.as_str())
        .ok_or("primary span without `file_name`")?;
    let line = primary
        .get("line_start")
        .and_then(|l| l.as_u64())
        .ok_or("primary span without `line_start`")?;
    Ok(Finding {
        key: Key {
            file: normalize_path(file, root),
            line: line as usize,
            code: code.to_string(),
        },
        level: level.to_string(),
        message: text.to_string(),
    })
}

/// A span's `file_name` made relative to the fixture root, with `/` separators. An
/// absolute path outside the root is kept as it is (and will not match any marker).
pub fn normalize_path(file_name: &str, root: &Path) -> String {
    let path = Path::new(file_name);
    let rel = if path.is_absolute() {
        let canon_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let canon = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        canon
            .strip_prefix(&canon_root)
            .or_else(|_| path.strip_prefix(root))
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| path.to_path_buf())
    } else {
        path.to_path_buf()
    };
    let s = rel.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// True when `s` looks like a lint code (`BP` and three digits).
pub fn is_code(s: &str) -> bool {
    s.len() == 5 && s.starts_with("BP") && s[2..].bytes().all(|b| b.is_ascii_digit())
}

/// The `//~` markers of one file: (1-based line, code), one entry per code.
pub fn parse_markers(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some(at) = line.find("//~") else { continue };
        for word in line[at + 3..].split_whitespace() {
            if !is_code(word) {
                break;
            }
            out.push((i + 1, word.to_string()));
        }
    }
    out
}

/// Every `.rs` file under `dir` (skipping `target/`), sorted.
pub fn rs_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path.file_name() != Some(OsStr::new("target")) {
                    stack.push(path);
                }
            } else if path.extension() == Some(OsStr::new("rs")) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The expected findings of a fixture, from the markers in all its `.rs` files. Files
/// that are not UTF-8 are read lossily (they cannot hold markers on purpose).
pub fn expected_findings(dir: &Path) -> Vec<Key> {
    let mut out = Vec::new();
    for file in rs_files(dir) {
        let bytes = std::fs::read(&file).expect("fixture file is readable");
        let text = String::from_utf8_lossy(&bytes);
        let rel = file
            .strip_prefix(dir)
            .expect("file is under the fixture")
            .to_string_lossy()
            .replace('\\', "/");
        for (line, code) in parse_markers(&text) {
            out.push(Key {
                file: rel.clone(),
                line,
                code,
            });
        }
    }
    out.sort();
    out
}

/// Multiset difference, as readable lines: `missing: file:line CODE` for an expected
/// finding that was not reported, `extra: file:line CODE "message"` for a reported one
/// that was not expected. Sorted by position.
pub fn diff_findings(expected: &[Key], actual: &[Finding]) -> Vec<String> {
    let mut balance: BTreeMap<&Key, (usize, Vec<&Finding>)> = BTreeMap::new();
    for key in expected {
        balance.entry(key).or_default().0 += 1;
    }
    for f in actual {
        balance.entry(&f.key).or_default().1.push(f);
    }
    let mut out = Vec::new();
    for (key, (want, got)) in balance {
        for _ in got.len()..want {
            out.push(format!("missing: {key}"));
        }
        for f in got.iter().skip(want) {
            out.push(format!("extra: {key} {:?}", f.message));
        }
    }
    out
}

/// The level a code is reported at with no configuration, as a rustc level string.
pub fn default_level(code: &str) -> Option<&'static str> {
    match code {
        "BP001" | "BP004" | "BP005" | "BP006" | "BP007" | "BP010" | "BP012" | "BP903" => {
            Some("warning")
        }
        "BP002" | "BP003" | "BP008" | "BP009" | "BP011" | "BP900" | "BP901" | "BP902" => {
            Some("error")
        }
        _ => None,
    }
}

/// Whether a manifest of the fixture (root or member) has a `metadata.bpcheck` table.
pub fn configures_levels(dir: &Path) -> bool {
    let mut manifests = vec![dir.join("Cargo.toml")];
    if let Ok(entries) = std::fs::read_dir(dir) {
        manifests.extend(entries.flatten().map(|e| e.path().join("Cargo.toml")));
    }
    manifests
        .iter()
        .any(|m| std::fs::read_to_string(m).is_ok_and(|t| t.contains("metadata.bpcheck")))
}

/// True for rustc levels that fail a build.
pub fn is_error_level(level: &str) -> bool {
    level == "error" || level.starts_with("error:")
}

/// Runs the tool on one fixture and lists everything that does not match its markers
/// and the exit-code rules. Empty when the fixture passes.
pub fn check_fixture(dir: &Path) -> Vec<String> {
    evaluate(dir, &run_on_fixture(dir))
}

/// The checks of [`check_fixture`] on the result of a run.
pub fn evaluate(dir: &Path, run: &Run) -> Vec<String> {
    let mut problems = Vec::new();
    if !matches!(run.code, Some(0) | Some(1)) {
        problems.push(format!("run failed: {}", run.describe_exit()));
    }
    let report = parse_report(&run.stdout, dir);
    problems.extend(
        report
            .protocol_errors
            .iter()
            .map(|e| format!("protocol: {e}")),
    );

    let expected = expected_findings(dir);
    problems.extend(diff_findings(&expected, &report.findings));

    // A fixture that configures levels in its manifests reports at those levels.
    let configured = configures_levels(dir);
    for f in report.findings.iter().filter(|_| !configured) {
        if let Some(want) = default_level(&f.key.code) {
            if f.level != want {
                problems.push(format!(
                    "level: {} is {:?}, expected {want:?}",
                    f.key, f.level
                ));
            }
        }
    }
    if matches!(run.code, Some(0) | Some(1)) {
        let any_error = report.findings.iter().any(|f| is_error_level(&f.level));
        let want = i32::from(any_error);
        if run.code != Some(want) {
            problems.push(format!(
                "exit code: got {:?}, expected {want} ({} finding at error level)",
                run.code,
                if any_error { "some" } else { "no" }
            ));
        }
        match report.build_finished {
            None => problems.push("protocol: no build-finished message".to_string()),
            Some(success) => {
                if success != (run.code == Some(0)) {
                    problems.push(format!(
                        "protocol: build-finished success={success} but exit code {:?}",
                        run.code
                    ));
                }
                if !report.build_finished_last {
                    problems.push("protocol: build-finished is not the last line".to_string());
                }
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(file: &str, line: usize, code: &str) -> Key {
        Key {
            file: file.into(),
            line,
            code: code.into(),
        }
    }

    fn finding(file: &str, line: usize, code: &str) -> Finding {
        Finding {
            key: key(file, line, code),
            level: "warning".into(),
            message: "unbounded channel".into(),
        }
    }

    #[test]
    fn markers_list_every_code_up_to_the_first_other_word() {
        let text = "fn f() {\n    a(); //~ BP001\n    b(); //~ BP001 BP008 because reasons BP002\n    c(); // BP001 not a marker\n    d(); //~BP900\n}\n";
        assert_eq!(
            parse_markers(text),
            vec![
                (2, "BP001".to_string()),
                (3, "BP001".to_string()),
                (3, "BP008".to_string()),
                // A missing space must not turn a positive case into a silent one.
                (5, "BP900".to_string()),
            ]
        );
    }

    #[test]
    fn args_files_list_one_argument_per_line() {
        let text = "# extra arguments\n--all-targets\n\n  --bin  \nadmin\n";
        assert_eq!(
            parse_args_file(text),
            vec!["--all-targets", "--bin", "admin"]
        );
        assert!(parse_args_file("").is_empty());
        assert_eq!(
            fixture_args(&fixture_dir("multi_target_all")),
            vec!["--all-targets"]
        );
        assert!(fixture_args(&fixture_dir("multi_target")).is_empty());
    }

    #[test]
    fn repeated_code_on_one_line_counts_twice() {
        assert_eq!(parse_markers("x(); //~ BP001 BP001").len(), 2);
    }

    #[test]
    fn diff_is_a_multiset_difference() {
        let expected = vec![
            key("src/main.rs", 3, "BP001"),
            key("src/main.rs", 3, "BP001"),
            key("src/a.rs", 1, "BP008"),
        ];
        let actual = vec![
            finding("src/main.rs", 3, "BP001"),
            finding("src/main.rs", 9, "BP001"),
            finding("src/a.rs", 1, "BP008"),
        ];
        assert_eq!(
            diff_findings(&expected, &actual),
            vec![
                "missing: src/main.rs:3 BP001".to_string(),
                "extra: src/main.rs:9 BP001 \"unbounded channel\"".to_string(),
            ]
        );
        assert!(diff_findings(&expected[1..], &actual[..1]).len() == 1);
        assert!(diff_findings(&[], &[]).is_empty());
    }

    #[test]
    fn paths_are_made_relative_to_the_fixture() {
        let root = fixture_dir("unbounded_producer");
        let abs = root.join("src").join("main.rs");
        assert_eq!(normalize_path(&abs.to_string_lossy(), &root), "src/main.rs");
        assert_eq!(normalize_path("src/main.rs", &root), "src/main.rs");
        assert_eq!(normalize_path("./src/main.rs", &root), "src/main.rs");
        assert_eq!(normalize_path("/elsewhere/x.rs", &root), "/elsewhere/x.rs");
    }

    #[test]
    fn report_reads_findings_and_flags_bad_lines() {
        let root = fixture_dir("unbounded_producer");
        let stdout = concat!(
            r#"{"reason":"compiler-message","package_id":"p","target":{},"message":{"message":"unbounded channel","code":{"code":"BP001","explanation":null},"level":"warning","spans":[{"file_name":"src/lib.rs","line_start":4,"is_primary":false},{"file_name":"src/main.rs","line_start":7,"is_primary":true}],"children":[],"rendered":null}}"#,
            "\n",
            "not json\n",
            r#"{"reason":"compiler-message","message":{"message":"m","code":{"code":"BP008"},"level":"error","spans":[]}}"#,
            "\n",
            r#"{"reason":"build-finished","success":true}"#,
            "\n"
        );
        let report = parse_report(stdout, &root);
        assert_eq!(report.findings, vec![finding("src/main.rs", 7, "BP001")]);
        assert_eq!(report.build_finished, Some(true));
        assert!(report.build_finished_last);
        assert_eq!(
            report.protocol_errors.len(),
            2,
            "{:?}",
            report.protocol_errors
        );
    }

    fn run(code: i32, stdout: &str) -> Run {
        Run {
            code: Some(code),
            stdout: stdout.to_string(),
            stderr: String::new(),
            timed_out: false,
        }
    }

    /// One compiler message for `unbounded_producer`'s marked line, at `level`.
    fn producer_message(level: &str) -> String {
        let dir = fixture_dir("unbounded_producer");
        let line = expected_findings(&dir)[0].line;
        format!(
            r#"{{"reason":"compiler-message","message":{{"message":"unbounded channel","code":{{"code":"BP001"}},"level":"{level}","spans":[{{"file_name":"src/main.rs","line_start":{line},"is_primary":true}}]}}}}"#
        )
    }

    #[test]
    fn evaluate_checks_findings_exit_code_and_protocol() {
        let dir = fixture_dir("unbounded_producer");
        let finished = |ok: bool| format!(r#"{{"reason":"build-finished","success":{ok}}}"#);
        let good = format!("{}\n{}\n", producer_message("warning"), finished(true));
        assert_eq!(evaluate(&dir, &run(0, &good)), Vec::<String>::new());

        // Each defect alone is reported.
        let cases = [
            ("exit code 1 without errors", run(1, &good)),
            ("exit code 2", run(2, &good)),
            ("finding missing", run(0, &format!("{}\n", finished(true)))),
            (
                "finding twice",
                run(
                    0,
                    &format!(
                        "{0}\n{0}\n{1}\n",
                        producer_message("warning"),
                        finished(true)
                    ),
                ),
            ),
            (
                "BP001 at error level",
                run(
                    1,
                    &format!("{}\n{}\n", producer_message("error"), finished(false)),
                ),
            ),
            (
                "no build-finished",
                run(0, &format!("{}\n", producer_message("warning"))),
            ),
            (
                "build-finished not last",
                run(
                    0,
                    &format!("{}\n{}\n", finished(true), producer_message("warning")),
                ),
            ),
            (
                "success disagrees with exit code",
                run(
                    0,
                    &format!("{}\n{}\n", producer_message("warning"), finished(false)),
                ),
            ),
            ("garbage line", run(0, &format!("{good}warning: hi\n"))),
        ];
        for (what, r) in cases {
            assert!(!evaluate(&dir, &r).is_empty(), "{what} was accepted");
        }
    }

    #[test]
    fn marker_files_are_found_in_nested_directories() {
        let files = rs_files(&fixture_dir("module_tree"));
        let root = fixture_dir("module_tree");
        let rel: Vec<String> = files
            .iter()
            .map(|f| {
                f.strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        assert!(
            rel.contains(&"src/store/cache/lru.rs".to_string()),
            "{rel:?}"
        );
        assert!(
            rel.contains(&"src/net/http/router.rs".to_string()),
            "{rel:?}"
        );
    }
}
