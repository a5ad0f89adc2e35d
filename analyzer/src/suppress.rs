//! In-source suppression: `// bpcheck:allow(BP001)` or `// bpcheck:allow(unbounded-channel)`
//! on the line of a finding or on the line just above it.

use crate::diagnostic::Diagnostic;
use crate::facts::FileFacts;
use crate::lints::LintId;
use crate::source::SourceDb;
use std::collections::HashMap;

const MARKER: &str = "bpcheck:allow(";

/// Finds allow comments: (1-based line, selectors) for each line that has one.
pub fn scan_allows(text: &str) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some(comment) = line.find("//") else {
            continue;
        };
        let Some(at) = line[comment..].find(MARKER) else {
            continue;
        };
        let rest = &line[comment + at + MARKER.len()..];
        let Some(close) = rest.find(')') else {
            continue;
        };
        let selectors = rest[..close]
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        out.push((i + 1, selectors));
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
    }
}
