//! cargo-style JSON messages (`compiler-message` with rustc's diagnostic JSON, then
//! `build-finished`), one per line, as rust-analyzer's `check.overrideCommand` reads them.

use crate::paths::relative_to;
use crate::render_human::{children, severity_word, HumanRenderer};
use crate::targets::{CrateMeta, Plan};
use bpcheck_analyzer::{Analysis, Diagnostic, Label};
use serde_json::{json, Value};
use std::io::Write;

/// Writes every diagnostic and the final `build-finished` line to `out`.
/// `others_ok`: whether messages written before ours (cargo's, with `--with-cargo`) came
/// from a successful build; the end marker reports both.
pub fn write_all(
    out: &mut dyn Write,
    analysis: &Analysis,
    plan: &Plan,
    human: &HumanRenderer<'_>,
    others_ok: bool,
) -> std::io::Result<()> {
    for diag in &analysis.diagnostics {
        let msg = compiler_message(analysis, plan, human, diag);
        writeln!(out, "{msg}")?;
    }
    let done = json!({"reason": "build-finished", "success": others_ok && !analysis.has_errors()});
    writeln!(out, "{done}")?;
    out.flush()
}

/// The crate metadata of the diagnostic's primary file (first crate if it has none).
fn crate_meta<'p>(analysis: &Analysis, plan: &'p Plan, diag: &Diagnostic) -> Option<&'p CrateMeta> {
    let idx = diag
        .primary_range()
        .and_then(|r| analysis.file_crate.get(r.file.0 as usize).copied())
        .unwrap_or(0);
    plan.meta.get(idx).or(plan.meta.first())
}

/// One `compiler-message` object.
pub fn compiler_message(
    analysis: &Analysis,
    plan: &Plan,
    human: &HumanRenderer<'_>,
    diag: &Diagnostic,
) -> Value {
    let meta = crate_meta(analysis, plan, diag);
    let info = diag.lint.info();
    let spans: Vec<Value> = diag
        .labels
        .iter()
        .map(|l| span(analysis, plan, l))
        .collect();
    let children: Vec<Value> = children(diag)
        .into_iter()
        .map(|(level, message)| {
            json!({
                "message": message,
                "code": null,
                "level": level,
                "spans": [],
                "children": [],
                "rendered": null,
            })
        })
        .collect();
    json!({
        "reason": "compiler-message",
        "package_id": meta.map(|m| m.package_id.as_str()),
        "manifest_path": meta.map(|m| m.manifest_path.as_str()),
        "target": meta.map_or(Value::Null, |m| m.target.clone()),
        "message": {
            "$message_type": "diagnostic",
            "message": diag.message,
            "code": {"code": info.code, "explanation": null},
            "level": severity_word(diag.level),
            "spans": spans,
            "children": children,
            "rendered": human.render_plain(diag),
            "confidence": diag.confidence.as_str(),
        },
    })
}

/// rustc's span object: 1-based lines and character columns, end column exclusive.
fn span(analysis: &Analysis, plan: &Plan, label: &Label) -> Value {
    let r = label.range;
    let file = analysis.files.get(r.file);
    let (line_start, column_start) = analysis.files.line_col(r.file, r.start);
    let (line_end, column_end) = analysis.files.line_col(r.file, r.end.max(r.start));
    let lines: Vec<&str> = file.text.split('\n').collect();
    let text: Vec<Value> = (line_start..=line_end)
        .filter_map(|n| {
            lines
                .get(n - 1)
                .map(|l| (n, l.strip_suffix('\r').unwrap_or(l)))
        })
        .map(|(n, line)| {
            let start = if n == line_start { column_start } else { 1 };
            let end = if n == line_end {
                column_end
            } else {
                line.chars().count() + 1
            };
            json!({"text": line, "highlight_start": start, "highlight_end": end})
        })
        .collect();
    let label_text = (!label.message.is_empty()).then_some(label.message.as_str());
    json!({
        "file_name": relative_to(&file.path, &plan.json_base),
        "byte_start": r.start,
        "byte_end": r.end,
        "line_start": line_start,
        "line_end": line_end,
        "column_start": column_start,
        "column_end": column_end,
        "is_primary": label.primary,
        "text": text,
        "label": label_text,
        "suggested_replacement": null,
        "suggestion_applicability": null,
        "expansion": null,
    })
}
