//! In-source suppression: `// bpcheck:allow(BP001) reason` on the line of a finding or on
//! the line just above it, and `#[bpcheck::allow(BP001, reason = "..")]` on an item (read in
//! `annotations.rs`). What each allowance hid is kept for `--show-allowed`; one that hid
//! nothing is reported (BP012).

use crate::diagnostic::Diagnostic;
use crate::facts::{AllowCommentFact, FileFacts};
use crate::lints::LintId;
use crate::source::SourceDb;
use crate::source::{FileId, FileRange};

const MARKER: &str = "bpcheck:allow(";

/// Finds allow comments and reads each with the grammar of the attribute form
/// (`bpcheck-decl`). String and character literals are skipped, so text that only looks like
/// a comment is not read as one.
pub fn scan_allows(text: &str) -> Vec<AllowCommentFact> {
    if !text.contains(MARKER) {
        return Vec::new();
    }
    line_comments(text)
        .into_iter()
        // Doc comments document; they do not allow.
        .filter(|(_, comment)| !comment.starts_with("///") && !comment.starts_with("//!"))
        .filter_map(|(line, comment)| {
            let at = comment.find(MARKER)?;
            let start = comment.as_ptr() as usize - text.as_ptr() as usize;
            Some(AllowCommentFact {
                line,
                range: (start as u32, (start + comment.len()) as u32),
                parsed: bpcheck_decl::parse_allow_comment(&comment[at + MARKER.len()..]),
            })
        })
        .collect()
}

/// Every `//` comment with its 1-based line, outside string, char and block-comment text.
fn line_comments(text: &str) -> Vec<(usize, &str)> {
    let (mut line, mut counted, mut out) = (1, 0, Vec::new());
    crate::skim::tokens::line_comments(text, |start, end| {
        line += text[counted..start].matches('\n').count();
        counted = start;
        out.push((line, &text[start..end]));
    });
    out
}

/// What an allowance covers.
#[derive(Clone, Debug)]
pub enum Covers {
    /// A comment: its own line and the line below it (1-based).
    Lines { file: FileId, line: usize },
    /// An attribute: the whole item it is written on.
    Range(FileRange),
}

/// An allowance, from a comment or a `#[bpcheck::allow]` attribute.
#[derive(Clone, Debug)]
pub struct Allowance {
    /// Lint codes; `all` for every lint.
    pub codes: Vec<&'static str>,
    pub reason: Option<String>,
    /// The comment or attribute.
    pub at: FileRange,
    pub covers: Covers,
    /// False for a comment in code left out of the build: it can hide nothing there.
    pub reported_if_unused: bool,
}

/// A finding an allowance hid, with the allowance's reason.
#[derive(Clone, Debug)]
pub struct Allowed {
    pub diagnostic: Diagnostic,
    pub reason: Option<String>,
    /// The allowance.
    pub at: FileRange,
}

/// The allow comments of every file. A comment that cannot be read, or has no reason, is
/// reported (BP903); one without a reason still allows.
pub fn comment_allowances(facts: &[FileFacts], bad: &mut Vec<Diagnostic>) -> Vec<Allowance> {
    comment_allowances_from(facts, 0, bad)
}

/// [`comment_allowances`] of the files `first..` of a run, whose facts are `facts`.
pub fn comment_allowances_from(
    facts: &[FileFacts],
    first: usize,
    bad: &mut Vec<Diagnostic>,
) -> Vec<Allowance> {
    let mut out = Vec::new();
    for (i, ff) in facts.iter().enumerate() {
        let file = FileId((first + i) as u32);
        for c in &ff.allows {
            let at = FileRange {
                file,
                start: c.range.0,
                end: c.range.1,
            };
            let parsed = match &c.parsed {
                Ok(p) => p,
                Err(message) => {
                    bad.push(bad_declaration(at, message.clone()));
                    continue;
                }
            };
            if parsed.reason.is_none() {
                bad.push(bad_declaration(
                    at,
                    "an allowance needs a reason: `// bpcheck:allow(BP001) why this is fine`"
                        .to_string(),
                ));
            }
            let skipped = ff
                .skipped
                .iter()
                .any(|&(s, e)| s <= c.range.0 && c.range.1 <= e);
            let line = c.line;
            out.push(Allowance {
                codes: parsed.codes.clone(),
                reason: parsed.reason.clone(),
                at,
                covers: Covers::Lines { file, line },
                reported_if_unused: !skipped,
            });
        }
    }
    out
}

/// BP903: a declaration or allowance that cannot be read.
pub fn bad_declaration(at: FileRange, message: String) -> Diagnostic {
    Diagnostic::new(
        LintId::BadDeclaration,
        message,
        at,
        "this declaration is not read",
    )
}

/// Removes the diagnostics that an allowance covers; returns them with the allowance's
/// reason, and for each allowance whether it hid anything.
pub fn apply(
    diags: &mut Vec<Diagnostic>,
    allowances: &[Allowance],
    files: &SourceDb,
) -> (Vec<Allowed>, Vec<bool>) {
    let mut used = vec![false; allowances.len()];
    let mut allowed = Vec::new();
    diags.retain(|d| {
        let Some(range) = d.primary_range() else {
            return true;
        };
        let code = d.lint.info().code;
        let line = std::cell::OnceCell::new();
        let hit = allowances.iter().position(|a| {
            a.codes.iter().any(|c| *c == "all" || *c == code)
                && match &a.covers {
                    Covers::Lines { file, line: l } => {
                        *file == range.file && {
                            let line =
                                *line.get_or_init(|| files.line_col(range.file, range.start).0);
                            *l == line || *l + 1 == line
                        }
                    }
                    Covers::Range(r) => {
                        r.file == range.file && r.start <= range.start && range.end <= r.end
                    }
                }
        });
        match hit {
            Some(i) => {
                used[i] = true;
                allowed.push(Allowed {
                    diagnostic: d.clone(),
                    reason: allowances[i].reason.clone(),
                    at: allowances[i].at,
                });
                false
            }
            None => true,
        }
    });
    (allowed, used)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (line, codes, reason) of each allow comment.
    fn scan(text: &str) -> Vec<(usize, Vec<&'static str>, Option<String>)> {
        scan_allows(text)
            .into_iter()
            .map(|c| {
                let p = c.parsed.unwrap();
                (c.line, p.codes, p.reason)
            })
            .collect()
    }

    #[test]
    fn finds_allow_comments_with_several_selectors_and_a_reason() {
        let text = "fn f() {}\nlet x = 1; // bpcheck:allow(BP001, zero-capacity-channel) handoff\n// not: bpcheck:allow\n";
        assert_eq!(
            scan(text),
            vec![(2, vec!["BP001", "BP008"], Some("handoff".to_string()))]
        );
        let c = &scan_allows(text)[0];
        assert_eq!(
            &text[c.range.0 as usize..c.range.1 as usize],
            "// bpcheck:allow(BP001, zero-capacity-channel) handoff"
        );
    }

    #[test]
    fn ignores_marker_outside_comments() {
        assert!(scan_allows("let s = \"bpcheck:allow(BP001)\";").is_empty());
        assert!(scan_allows("let s = \"// bpcheck:allow(BP001)\";").is_empty());
        assert!(scan_allows("let s = r#\"\n// bpcheck:allow(BP001)\"#;").is_empty());
        assert!(scan_allows("/* // bpcheck:allow(BP001) */").is_empty());
        assert_eq!(
            scan("let c = '\"'; fn f<'a>() {} // bpcheck:allow(BP001)"),
            vec![(1, vec!["BP001"], None)]
        );
        assert_eq!(
            scan("let s = \"a\\\"b\nc\";\nx(); // bpcheck:allow(all) reviewed"),
            vec![(3, vec!["all"], Some("reviewed".to_string()))]
        );
    }

    #[test]
    fn unknown_lints_are_errors() {
        let c = scan_allows("x(); // bpcheck:allow(BP777) why");
        assert!(c[0]
            .parsed
            .as_ref()
            .unwrap_err()
            .contains("unknown lint `BP777`"));
    }
}
