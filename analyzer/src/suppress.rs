//! In-source suppression: `// bpcheck:allow(BP001)` or `// bpcheck:allow(unbounded-channel)`
//! on the line of a finding or on the line just above it.

use crate::diagnostic::Diagnostic;
use crate::facts::FileFacts;
use crate::lints::LintId;
use crate::source::SourceDb;
use std::collections::HashMap;

const MARKER: &str = "bpcheck:allow(";

/// Finds allow comments: (1-based line, selectors) for each line comment that has one.
/// String and character literals are skipped, so text that only looks like a comment is not
/// read as one.
pub fn scan_allows(text: &str) -> Vec<(usize, Vec<String>)> {
    if !text.contains(MARKER) {
        return Vec::new();
    }
    line_comments(text)
        .into_iter()
        .filter_map(|(line, comment)| {
            let rest = &comment[comment.find(MARKER)? + MARKER.len()..];
            let selectors = rest[..rest.find(')')?]
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            Some((line, selectors))
        })
        .collect()
}

/// Every `//` comment with its 1-based line, outside string, char and block-comment text.
fn line_comments(text: &str) -> Vec<(usize, &str)> {
    let b = text.as_bytes();
    let (mut i, mut line, mut out) = (0, 1, Vec::new());
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    while i < b.len() {
        match b[i] {
            b'\n' => line += 1,
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = text[i..].find('\n').map_or(b.len(), |e| i + e);
                out.push((line, &text[i..end]));
                i = end;
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut depth = 0;
                while i < b.len() {
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 2;
                    } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        line += usize::from(b[i] == b'\n');
                        i += 1;
                    }
                }
                continue;
            }
            b'r' if (i == 0 || !ident(b[i - 1])) && matches!(b.get(i + 1), Some(b'"' | b'#')) => {
                let hashes = b[i + 1..].iter().take_while(|c| **c == b'#').count();
                if b.get(i + 1 + hashes) == Some(&b'"') {
                    let close: String = std::iter::once('"')
                        .chain(std::iter::repeat_n('#', hashes))
                        .collect();
                    let body = i + 2 + hashes;
                    let end = text[body..]
                        .find(&close)
                        .map_or(b.len(), |e| body + e + close.len());
                    line += text[i..end].matches('\n').count();
                    i = end;
                    continue;
                }
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    if i < b.len() && b[i] == b'\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
            b'\'' => {
                // A char literal ('x', '\n', '"'); otherwise a lifetime.
                if b.get(i + 1) == Some(&b'\\') {
                    if let Some(e) = text[i + 2..].find('\'') {
                        i += 2 + e;
                    }
                } else if b.get(i + 2) == Some(&b'\'') {
                    i += 2;
                } else if let Some(c) = text[i + 1..].chars().next() {
                    if text[i + 1 + c.len_utf8()..].starts_with('\'') {
                        i += c.len_utf8() + 1;
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// Removes diagnostics whose primary line, or the line above it, allows their lint.
pub fn apply(
    diags: &mut Vec<Diagnostic>,
    files: &SourceDb,
    facts: &HashMap<crate::source::FileId, &FileFacts>,
) {
    diags.retain(|d| {
        let Some(range) = d.primary_range() else {
            return true;
        };
        let Some(ff) = facts.get(&range.file) else {
            return true;
        };
        let (line, _) = files.line_col(range.file, range.start);
        !ff.allows.iter().any(|(l, sels)| {
            (*l == line || *l + 1 == line)
                && sels
                    .iter()
                    .any(|s| s == "all" || LintId::from_str_loose(s) == Some(d.lint))
        })
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_allow_comments_with_several_selectors() {
        let text = "fn f() {}\nlet x = 1; // bpcheck:allow(BP001, zero-capacity-channel)\n// not: bpcheck:allow\n";
        assert_eq!(
            scan_allows(text),
            vec![(
                2,
                vec!["BP001".to_string(), "zero-capacity-channel".to_string()]
            )]
        );
    }

    #[test]
    fn ignores_marker_outside_comments() {
        assert!(scan_allows("let s = \"bpcheck:allow(BP001)\";").is_empty());
        assert!(scan_allows("let s = \"// bpcheck:allow(BP001)\";").is_empty());
        assert!(scan_allows("let s = r#\"\n// bpcheck:allow(BP001)\"#;").is_empty());
        assert!(scan_allows("/* // bpcheck:allow(BP001) */").is_empty());
        assert_eq!(
            scan_allows("let c = '\"'; fn f<'a>() {} // bpcheck:allow(BP001)"),
            vec![(1, vec!["BP001".to_string()])]
        );
        assert_eq!(
            scan_allows("let s = \"a\\\"b\nc\";\nx(); // bpcheck:allow(all)"),
            vec![(3, vec!["all".to_string()])]
        );
    }
}
