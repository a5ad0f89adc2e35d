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

    let messages: Vec<Message> = Message::parse_stream(run.stdout.as_bytes())
        .collect::<Result<_, _>>()
        .expect("stdout is readable");
    let mut problems = Vec::new();
    let mut compiler_messages = 0;
    for (i, message) in messages.iter().enumerate() {
        match message {
            Message::CompilerMessage(cm) => {
                compiler_messages += 1;
                check_diagnostic(&root, &cm.message, true, &mut problems);
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
            if bf.success != (run.code == Some(0)) {
                problems.push(format!(
                    "build-finished success={} but exit code {:?}",
                    bf.success, run.code
                ));
            }
        }
        other => problems.push(format!(
            "last message is {other:?}, expected build-finished"
        )),
    }
    assert!(
        problems.is_empty(),
        "{name}: the JSON stream is not valid cargo/rustc output:\n  {}",
        problems.join("\n  ")
    );
    (compiler_messages, run.code)
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
