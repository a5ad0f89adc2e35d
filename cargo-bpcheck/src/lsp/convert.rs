//! Analyzer diagnostics as LSP diagnostics (UTF-16 positions, codes, related information,
//! a link to the lint's documentation), and the allow-comment quick fix.

use bpcheck_analyzer::{Analysis, FileRange, Level};
use lsp_types::{
    CodeAction, CodeActionOrCommand, CodeActionParams, CodeDescription, Diagnostic,
    DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Position, Range,
    TextEdit, Url, WorkspaceEdit,
};
use std::collections::{BTreeMap, HashMap};

/// Where the lints are documented (the README's lint table; `cargo bpcheck --explain CODE`
/// prints each one in full).
const DOCS: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "#lints");

/// The analysis's findings grouped by document.
pub fn by_document(analysis: &Analysis) -> Vec<(Url, Vec<Diagnostic>)> {
    let mut out: BTreeMap<String, (Url, Vec<Diagnostic>)> = BTreeMap::new();
    for d in &analysis.diagnostics {
        let Some(primary) = d.primary_range() else {
            continue;
        };
        let Some((uri, range)) = location(analysis, primary) else {
            continue;
        };
        let info = d.lint.info();
        let mut message = d.message.clone();
        for h in &d.help {
            message.push_str("\nhelp: ");
            message.push_str(h);
        }
        let related = d
            .labels
            .iter()
            .filter(|l| !l.primary)
            .filter_map(|l| {
                let (uri, range) = location(analysis, l.range)?;
                Some(DiagnosticRelatedInformation {
                    location: Location { uri, range },
                    message: l.message.clone(),
                })
            })
            .collect::<Vec<_>>();
        let diag = Diagnostic {
            range,
            severity: Some(match d.level {
                Level::Deny => DiagnosticSeverity::ERROR,
                Level::Warn => DiagnosticSeverity::WARNING,
                Level::Allow => DiagnosticSeverity::HINT,
            }),
            code: Some(NumberOrString::String(info.code.to_string())),
            code_description: Url::parse(DOCS).ok().map(|href| CodeDescription { href }),
            source: Some("bpcheck".to_string()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            tags: None,
            data: None,
        };
        out.entry(uri.to_string())
            .or_insert_with(|| (uri, Vec::new()))
            .1
            .push(diag);
    }
    out.into_values().collect()
}

/// A package whose manifest or configuration cannot be read: one error on the manifest.
pub fn manifest_error(manifest: &std::path::Path, message: String) -> Vec<(Url, Vec<Diagnostic>)> {
    let Ok(uri) = Url::from_file_path(manifest) else {
        return Vec::new();
    };
    let diag = Diagnostic {
        severity: Some(DiagnosticSeverity::ERROR),
        source: Some("bpcheck".to_string()),
        message,
        ..Diagnostic::default()
    };
    vec![(uri, vec![diag])]
}

/// A range of the analysis as a document and an LSP range.
fn location(analysis: &Analysis, r: FileRange) -> Option<(Url, Range)> {
    let file = analysis.files.get(r.file);
    let uri = Url::from_file_path(&file.path).ok()?;
    let text = file.text.as_str();
    Some((
        uri,
        Range {
            start: position(text, r.start as usize),
            end: position(text, r.end as usize),
        },
    ))
}

/// A byte offset as an LSP position (line, UTF-16 column).
pub fn position(text: &str, offset: usize) -> Position {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary_compat(offset)];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let character = before[line_start..].encode_utf16().count();
    Position {
        line: line as u32,
        character: character as u32,
    }
}

trait FloorBoundary {
    fn floor_char_boundary_compat(&self, i: usize) -> usize;
}

impl FloorBoundary for str {
    fn floor_char_boundary_compat(&self, mut i: usize) -> usize {
        while i > 0 && !self.is_char_boundary(i) {
            i -= 1;
        }
        i
    }
}

/// For each bpcheck diagnostic in the request: insert `// bpcheck:allow(CODE) ..` above its
/// line, with the line's indentation and a reason to fill in.
pub fn allow_actions(p: &CodeActionParams, text: Option<&str>) -> Vec<CodeActionOrCommand> {
    let Some(text) = text else { return Vec::new() };
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for d in &p.context.diagnostics {
        let (Some("bpcheck"), Some(NumberOrString::String(code))) = (d.source.as_deref(), &d.code)
        else {
            continue;
        };
        let line = d.range.start.line;
        let indent: String = lines
            .get(line as usize)
            .map(|l| l.chars().take_while(|c| c.is_whitespace()).collect())
            .unwrap_or_default();
        let at = Position { line, character: 0 };
        let edit = TextEdit {
            range: Range { start: at, end: at },
            new_text: format!("{indent}// bpcheck:allow({code}) TODO: why this is fine\n"),
        };
        let changes = HashMap::from([(p.text_document.uri.clone(), vec![edit])]);
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: format!("Allow {code} here (with a reason)"),
            kind: Some(lsp_types::CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![d.clone()]),
            edit: Some(WorkspaceEdit {
                changes: Some(changes),
                ..Default::default()
            }),
            ..Default::default()
        }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units_per_line() {
        let text = "fn a() {}\nlet é = \"😀\"; x\n";
        assert_eq!(
            position(text, 0),
            Position {
                line: 0,
                character: 0
            }
        );
        let x = text.rfind('x').unwrap();
        // `let é = "😀"; ` is 13 chars, the emoji two UTF-16 units: 14.
        assert_eq!(
            position(text, x),
            Position {
                line: 1,
                character: 14
            }
        );
        assert_eq!(position(text, text.len() + 5).line, 2);
    }
}
