//! rustc-like text rendering of diagnostics with codespan-reporting.

use crate::paths::relative_to;
use bpcheck_analyzer::{Analysis, Confidence, Diagnostic, Level};
use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label as CsLabel, Severity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::termcolor::{NoColor, WriteColor};
use codespan_reporting::term::{self, Chars, Config};
use std::ops::Range;
use std::path::Path;

/// Renders the diagnostics of one analysis; file names are shown relative to `cwd`.
pub struct HumanRenderer<'a> {
    files: SimpleFiles<String, &'a str>,
    config: Config,
}

impl<'a> HumanRenderer<'a> {
    /// Prepares the file table of `analysis` (codespan file id = analyzer file index).
    pub fn new(analysis: &'a Analysis, cwd: &Path) -> Self {
        let mut files = SimpleFiles::new();
        for (_, f) in analysis.files.iter() {
            files.add(relative_to(&f.path, cwd), f.text.as_str());
        }
        HumanRenderer {
            files,
            config: Config {
                chars: Chars::ascii(),
                ..Config::default()
            },
        }
    }

    /// Writes one diagnostic, colored if `out` supports it.
    pub fn render(&self, diag: &Diagnostic, out: &mut dyn WriteColor) -> std::io::Result<()> {
        let cs = self.convert(diag);
        match term::emit(out, &self.config, &self.files, &cs) {
            Ok(()) => Ok(()),
            Err(codespan_reporting::files::Error::Io(e)) => Err(e),
            // A label codespan cannot place: fall back to the header and notes.
            Err(_) => {
                writeln!(
                    out,
                    "{}[{}]: {}",
                    severity_word(diag.level),
                    diag.lint.info().code,
                    diag.message
                )?;
                for n in &cs.notes {
                    writeln!(out, "  = {n}")?;
                }
                writeln!(out)
            }
        }
    }

    /// The diagnostic as plain text (no color), as in JSON `rendered`.
    pub fn render_plain(&self, diag: &Diagnostic) -> String {
        let mut out = NoColor::new(Vec::new());
        // Writing into memory cannot fail.
        let _ = self.render(diag, &mut out);
        String::from_utf8_lossy(&out.into_inner()).into_owned()
    }

    fn convert(&self, diag: &Diagnostic) -> CsDiagnostic<usize> {
        let info = diag.lint.info();
        let labels = diag
            .labels
            .iter()
            .map(|l| {
                let id = l.range.file.0 as usize;
                let range = self.clamp(id, l.range.range());
                let label = if l.primary {
                    CsLabel::primary(id, range)
                } else {
                    CsLabel::secondary(id, range)
                };
                label.with_message(&l.message)
            })
            .collect();
        CsDiagnostic::new(severity(diag.level))
            .with_code(info.code)
            .with_message(&diag.message)
            .with_labels(labels)
            .with_notes(
                children(diag)
                    .into_iter()
                    .map(|(k, m)| format!("{k}: {m}"))
                    .collect(),
            )
    }

    /// A byte range clamped to the file and to character boundaries.
    fn clamp(&self, id: usize, r: Range<usize>) -> Range<usize> {
        let Ok(file) = self.files.get(id) else {
            return 0..0;
        };
        let text: &str = file.source();
        let fix = |mut i: usize| {
            i = i.min(text.len());
            while i > 0 && !text.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let (s, e) = (fix(r.start), fix(r.end));
        s.min(e)..e.max(s)
    }
}

/// The `note`/`help` children of a diagnostic, in order: notes, confidence, help.
pub fn children(diag: &Diagnostic) -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> =
        diag.notes.iter().map(|n| ("note", n.clone())).collect();
    if diag.confidence == Confidence::Possible {
        out.push(("note", "confidence: possible".to_string()));
    }
    out.extend(diag.help.iter().map(|h| ("help", h.clone())));
    out
}

fn severity(level: Level) -> Severity {
    match level {
        Level::Deny => Severity::Error,
        Level::Warn => Severity::Warning,
        Level::Allow => Severity::Note,
    }
}

/// rustc's word for a level: `error`, `warning` (`note` for allow, which is never shown).
pub fn severity_word(level: Level) -> &'static str {
    match level {
        Level::Deny => "error",
        Level::Warn => "warning",
        Level::Allow => "note",
    }
}

/// `bpcheck: 2 errors, 3 warnings (12 files analyzed)`.
pub fn summary_line(analysis: &Analysis) -> String {
    let errors = analysis
        .diagnostics
        .iter()
        .filter(|d| d.level == Level::Deny)
        .count();
    let warnings = analysis
        .diagnostics
        .iter()
        .filter(|d| d.level == Level::Warn)
        .count();
    let files = analysis.files.len();
    format!(
        "bpcheck: {}, {} ({} analyzed)",
        plural(errors, "error"),
        plural(warnings, "warning"),
        plural(files, "file")
    )
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}
