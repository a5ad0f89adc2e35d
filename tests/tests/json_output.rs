//! The `--message-format json` stream must be what cargo and rustc emit, so tools that
//! read `cargo build --message-format json` (IDEs, CI annotators) can read ours:
//! parsed here with `cargo_metadata`, and every span checked against the file text.

use std::path::Path;

use bpcheck_tests::{fixture_dir, is_code, run_on_fixture};
use cargo_metadata::diagnostic::{Diagnostic, DiagnosticLevel, DiagnosticSpan};
use cargo_metadata::Message;

/// 1-based line and 1-based character column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

fn check_span(root: &Path, span: &DiagnosticSpan, problems: &mut Vec<String>) {
    let at = format!(
        "{}:{}:{} (bytes {}..{})",
        span.file_name, span.line_start, span.column_start, span.byte_start, span.byte_end
    );
    let path = root.join(&span.file_name);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            problems.push(format!("{at}: file {} unreadable: {e}", path.display()));
            return;
        }
    };
    let Ok(text) = String::from_utf8(bytes) else {
        problems.push(format!("{at}: span points into a file that is not UTF-8"));
        return;
    };
    let (start, end) = (span.byte_start as usize, span.byte_end as usize);
    if start > end || end > text.len() {
        problems.push(format!(
            "{at}: byte range outside the file ({} bytes)",
            text.len()
        ));
        return;
    }
    if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
        problems.push(format!("{at}: byte range splits a character"));
        return;
    }
    let want_start = line_col(&text, start);
    let want_end = line_col(&text, end);
    if (span.line_start, span.column_start) != want_start {
        problems.push(format!(
            "{at}: byte_start is at {}:{}, span says {}:{}",
            want_start.0, want_start.1, span.line_start, span.column_start
        ));
    }
    if (span.line_end, span.column_end) != want_end {
        problems.push(format!(
            "{at}: byte_end is at {}:{}, span says {}:{}",
            want_end.0, want_end.1, span.line_end, span.column_end
        ));
    }
    // rustc: `text` holds the source lines from line_start to line_end, with the
    // highlighted columns.
    let lines: Vec<&str> = text.lines().collect();
    let want_lines = want_end.0.saturating_sub(want_start.0) + 1;
    if span.text.len() != want_lines {
        problems.push(format!(
            "{at}: `text` has {} lines, the span covers {want_lines}",
            span.text.len()
        ));
        return;
    }
    for (i, l) in span.text.iter().enumerate() {
        let source = lines.get(want_start.0 - 1 + i).copied().unwrap_or("");
        if l.text != source {
            problems.push(format!(
                "{at}: text line {i} is {:?}, file has {source:?}",
                l.text
            ));
        }
    }
    if let (Some(first), Some(last)) = (span.text.first(), span.text.last()) {
        if first.highlight_start != want_start.1 || last.highlight_end != want_end.1 {
            problems.push(format!(
                "{at}: highlight {}..{} does not match columns {}..{}",
                first.highlight_start, last.highlight_end, want_start.1, want_end.1
            ));
        }
    }
}

fn check_diagnostic(root: &Path, d: &Diagnostic, top_level: bool, problems: &mut Vec<String>) {
    let what = format!("{:?}", d.message);
    if top_level {
        match &d.code {
            Some(c) if is_code(&c.code) => {}
            other => problems.push(format!("{what}: code is {other:?}, expected BPnnn")),
        }
        if !matches!(d.level, DiagnosticLevel::Error | DiagnosticLevel::Warning) {
            problems.push(format!(
                "{what}: level {:?} is neither error nor warning",
                d.level
            ));
        }
        if d.message.trim().is_empty() {
            problems.push("a compiler message has an empty `message`".to_string());
        }
        if !d.spans.iter().any(|s| s.is_primary) {
            problems.push(format!("{what}: no primary span"));
        }
        match &d.rendered {
            Some(r) if r.contains(&d.message) => {}
            other => problems.push(format!("{what}: `rendered` is {other:?}")),
        }
    }
    for span in &d.spans {
        check_span(root, span, problems);
    }
    for child in &d.children {
        check_diagnostic(root, child, false, problems);
    }
}

/// Everything wrong with a `--message-format json` stdout for a run under `root` that
/// exited with `code`; also returns the number of compiler messages.
fn stream_problems(root: &Path, stdout: &str, code: Option<i32>) -> (Vec<String>, usize) {
    let messages: Vec<Message> = Message::parse_stream(stdout.as_bytes())
        .collect::<Result<_, _>>()
        .expect("stdout is readable");
    let mut problems = Vec::new();
    let mut compiler_messages = 0;
    for (i, message) in messages.iter().enumerate() {
        match message {
            Message::CompilerMessage(cm) => {
                compiler_messages += 1;
                check_diagnostic(root, &cm.message, true, &mut problems);
            }
            Message::BuildFinished(_) if i + 1 == messages.len() => {}
            Message::BuildFinished(_) => {
                problems.push(format!("line {}: build-finished before the end", i + 1))
            }
            Message::TextLine(line) => {
                let why = serde_json::from_str::<Message>(line)
                    .err()
                    .map(|e| e.to_string())
                    .unwrap_or_default();
                problems.push(format!(
                    "line {}: not a cargo message ({why}): {line}",
                    i + 1
                ));
            }
            other => problems.push(format!("line {}: unexpected message {other:?}", i + 1)),
        }
    }
    match messages.last() {
        Some(Message::BuildFinished(bf)) => {
            if bf.success != (code == Some(0)) {
                problems.push(format!(
                    "build-finished success={} but exit code {code:?}",
                    bf.success
                ));
            }
        }
        other => problems.push(format!(
            "last message is {other:?}, expected build-finished"
        )),
    }
    (problems, compiler_messages)
}

/// Runs the tool on `name` and checks the stream; returns the number of compiler
/// messages and the exit code.
fn check_stream(name: &str) -> (usize, Option<i32>) {
    let root = fixture_dir(name);
    let run = run_on_fixture(&root);
    assert!(
        matches!(run.code, Some(0) | Some(1)),
        "{name}: {}",
        run.describe_exit()
    );
    let (problems, count) = stream_problems(&root, &run.stdout, run.code);
    assert!(
        problems.is_empty(),
        "{name}: the JSON stream is not valid cargo/rustc output:\n  {}",
        problems.join("\n  ")
    );
    (count, run.code)
}

#[test]
fn warnings_only_stream_is_valid_cargo_json() {
    let (count, code) = check_stream("channel_libraries");
    assert!(
        count >= 11,
        "expected at least 11 compiler messages, got {count}"
    );
    assert_eq!(code, Some(0));
}

#[test]
fn error_stream_is_valid_cargo_json() {
    let (count, code) = check_stream("bad_input");
    assert!(
        count >= 5,
        "expected at least 5 compiler messages, got {count}"
    );
    assert_eq!(code, Some(1));
}

/// A hand-built stream for `unbounded_producer`: one correct BP001 message at the
/// `mpsc::unbounded_channel()` call, then build-finished.
fn synthetic_stream(edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let root = fixture_dir("unbounded_producer");
    let text = std::fs::read_to_string(root.join("src/main.rs")).expect("fixture readable");
    let needle = "mpsc::unbounded_channel()";
    let start = text.find(needle).expect("fixture has the call");
    let end = start + needle.len();
    let (line, col) = line_col(&text, start);
    let (_, end_col) = line_col(&text, end);
    let source_line = text.lines().nth(line - 1).expect("line exists");
    let mut message = serde_json::json!({
        "reason": "compiler-message",
        "package_id": "path+file:///fixtures/unbounded_producer#0.1.0",
        "manifest_path": "/fixtures/unbounded_producer/Cargo.toml",
        "target": {"name": "unbounded_producer", "kind": ["bin"], "src_path": "src/main.rs"},
        "message": {
            "message": "unbounded channel",
            "code": {"code": "BP001", "explanation": null},
            "level": "warning",
            "spans": [{
                "file_name": "src/main.rs",
                "byte_start": start, "byte_end": end,
                "line_start": line, "line_end": line,
                "column_start": col, "column_end": end_col,
                "is_primary": true,
                "text": [{"text": source_line, "highlight_start": col, "highlight_end": end_col}],
                "label": null, "suggested_replacement": null,
                "suggestion_applicability": null, "expansion": null
            }],
            "children": [],
            "rendered": "warning[BP001]: unbounded channel\n"
        }
    });
    edit(&mut message);
    format!("{message}\n{{\"reason\":\"build-finished\",\"success\":true}}\n")
}

type Edit = Box<dyn FnOnce(&mut serde_json::Value)>;

/// The checker itself: accepts a correct message and rejects each kind of defect, so
/// the two tests above cannot pass vacuously.
#[test]
fn checker_rejects_malformed_streams() {
    let root = fixture_dir("unbounded_producer");
    let check = |stdout: &str, code| stream_problems(&root, stdout, code).0;

    assert_eq!(
        check(&synthetic_stream(|_| {}), Some(0)),
        Vec::<String>::new()
    );
    assert_eq!(
        stream_problems(&root, &synthetic_stream(|_| {}), Some(0)).1,
        1
    );

    let defects: Vec<(&str, Edit)> = vec![
        (
            "wrong column",
            Box::new(|m| m["message"]["spans"][0]["column_start"] = 1.into()),
        ),
        (
            "wrong line",
            Box::new(|m| m["message"]["spans"][0]["line_end"] = 1.into()),
        ),
        (
            "byte range past the end",
            Box::new(|m| m["message"]["spans"][0]["byte_end"] = 1_000_000.into()),
        ),
        (
            "wrong source text",
            Box::new(|m| m["message"]["spans"][0]["text"][0]["text"] = "x".into()),
        ),
        (
            "missing file",
            Box::new(|m| m["message"]["spans"][0]["file_name"] = "src/nope.rs".into()),
        ),
        (
            "no primary span",
            Box::new(|m| m["message"]["spans"][0]["is_primary"] = false.into()),
        ),
        (
            "no code",
            Box::new(|m| m["message"]["code"] = serde_json::Value::Null),
        ),
        (
            "note level",
            Box::new(|m| m["message"]["level"] = "note".into()),
        ),
        (
            "no rendered text",
            Box::new(|m| m["message"]["rendered"] = serde_json::Value::Null),
        ),
        (
            "no target",
            Box::new(|m| m["target"] = serde_json::Value::Null),
        ),
    ];
    for (what, edit) in defects {
        assert!(
            !check(&synthetic_stream(edit), Some(0)).is_empty(),
            "{what} was accepted"
        );
    }

    let no_end = synthetic_stream(|_| {}).lines().next().unwrap().to_string() + "\n";
    assert!(
        !check(&no_end, Some(0)).is_empty(),
        "missing build-finished was accepted"
    );
    assert!(
        !check(&synthetic_stream(|_| {}), Some(1)).is_empty(),
        "success=true with exit code 1 was accepted"
    );
}
