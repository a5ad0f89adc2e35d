//! SARIF 2.1.0 (`--message-format sarif`), as GitHub code scanning and other tools read it:
//! one rule per lint with its documentation, one result per finding with its primary
//! location and the other spans of the finding (the rest of a cycle) as related locations.

use crate::paths::relative_to;
use bpcheck_analyzer::{Analysis, Confidence, Diagnostic, Label, Level, LintId};
use serde_json::{json, Value};
use std::io::Write;
use std::path::Path;

/// Writes the whole SARIF log to `out`; file URIs are relative to `base` (the workspace root).
pub fn write(out: &mut dyn Write, analysis: &Analysis, base: &Path) -> std::io::Result<()> {
    let rules: Vec<Value> = LintId::ALL.iter().map(|id| rule(*id)).collect();
    let results: Vec<Value> = analysis
        .diagnostics
        .iter()
        .map(|d| result(analysis, d, base))
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "cargo-bpcheck",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": rules,
                }
            },
            "originalUriBaseIds": {
                "SRCROOT": { "uri": format!("file://{}/", base.display()) }
            },
            "results": results,
        }]
    });
    writeln!(
        out,
        "{}",
        serde_json::to_string_pretty(&log).unwrap_or_default()
    )?;
    out.flush()
}

fn sarif_level(level: Level) -> &'static str {
    match level {
        Level::Deny => "error",
        Level::Warn => "warning",
        Level::Allow => "none",
    }
}

/// A lint as a SARIF rule: id, name, descriptions, help from `--explain`, default level.
fn rule(id: LintId) -> Value {
    let info = id.info();
    json!({
        "id": info.code,
        "name": info.name,
        "shortDescription": { "text": info.summary },
        "fullDescription": { "text": info.summary },
        "help": { "text": info.doc, "markdown": info.doc },
        "defaultConfiguration": { "level": sarif_level(info.default_level) },
        "properties": { "tags": ["backpressure"] },
    })
}

fn location(analysis: &Analysis, label: &Label, base: &Path) -> Value {
    let r = label.range;
    let file = &analysis.files.get(r.file).path;
    let (line, col) = analysis.files.line_col(r.file, r.start);
    let (end_line, end_col) = analysis.files.line_col(r.file, r.end);
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": relative_to(file, base), "uriBaseId": "SRCROOT" },
            "region": {
                "startLine": line,
                "startColumn": col,
                "endLine": end_line,
                "endColumn": end_col,
            }
        },
        "message": { "text": label.message },
    })
}

fn result(analysis: &Analysis, d: &Diagnostic, base: &Path) -> Value {
    let info = d.lint.info();
    let primary = d.labels.iter().find(|l| l.primary).or(d.labels.first());
    let mut text = d.message.clone();
    for n in &d.notes {
        text.push_str("\nnote: ");
        text.push_str(n);
    }
    for h in &d.help {
        text.push_str("\nhelp: ");
        text.push_str(h);
    }
    let related: Vec<Value> = d
        .labels
        .iter()
        .filter(|l| Some(*l) != primary)
        .enumerate()
        .map(|(i, l)| {
            let mut loc = location(analysis, l, base);
            loc["id"] = json!(i);
            loc
        })
        .collect();
    json!({
        "ruleId": info.code,
        "ruleIndex": LintId::ALL.iter().position(|id| *id == d.lint),
        "level": sarif_level(d.level),
        "message": { "text": text },
        "locations": primary.map(|l| vec![location(analysis, l, base)]).unwrap_or_default(),
        "relatedLocations": related,
        "properties": {
            "confidence": match d.confidence {
                Confidence::Certain => "certain",
                Confidence::Possible => "possible",
            }
        },
    })
}
