//! One line per finding: `--message-format short` (`file:line:col: level[CODE] message`,
//! as rustc's short format) and `--message-format github` (GitHub Actions workflow commands,
//! so a plain CI step annotates the pull request).

use crate::paths::relative_to;
use bpcheck_analyzer::{Analysis, Diagnostic, Level};
use std::io::{self, Write};
use std::path::Path;

/// Where a finding starts and ends: (file as shown, line, column, end line, end column).
fn position(
    analysis: &Analysis,
    d: &Diagnostic,
    cwd: &Path,
) -> Option<(String, usize, usize, usize, usize)> {
    let r = d.primary_range()?;
    let file = &analysis.files.get(r.file).path;
    let (line, col) = analysis.files.line_col(r.file, r.start);
    let (end_line, end_col) = analysis.files.line_col(r.file, r.end);
    Some((relative_to(file, cwd), line, col, end_line, end_col))
}

fn level_word(level: Level) -> &'static str {
    match level {
        Level::Deny => "error",
        Level::Warn => "warning",
        Level::Allow => "allowed",
    }
}

/// `src/main.rs:12:5: warning[BP001] unbounded channel`, then a summary line.
pub fn write_short(out: &mut impl Write, analysis: &Analysis, cwd: &Path) -> io::Result<()> {
    write_short_list(out, analysis, &analysis.diagnostics, cwd)
}

/// [`write_short`] for any diagnostics of the analysis (allowed ones shown as notes).
pub fn write_short_list(
    out: &mut impl Write,
    analysis: &Analysis,
    diags: &[bpcheck_analyzer::Diagnostic],
    cwd: &Path,
) -> io::Result<()> {
    for d in diags {
        let info = d.lint.info();
        match position(analysis, d, cwd) {
            Some((file, line, col, _, _)) => writeln!(
                out,
                "{file}:{line}:{col}: {}[{}] {}",
                level_word(d.level),
                info.code,
                d.message
            )?,
            None => writeln!(out, "{}[{}] {}", level_word(d.level), info.code, d.message)?,
        }
    }
    Ok(())
}

/// `::warning file=src/main.rs,line=12,col=5,endLine=12,endColumn=40,title=BP001
/// unbounded-channel::unbounded channel`, one workflow command per finding.
pub fn write_github(out: &mut impl Write, analysis: &Analysis, cwd: &Path) -> io::Result<()> {
    for d in &analysis.diagnostics {
        let info = d.lint.info();
        let mut text = d.message.clone();
        for h in &d.help {
            text.push_str("\nhelp: ");
            text.push_str(h);
        }
        let title = format!("{} {}", info.code, info.name);
        match position(analysis, d, cwd) {
            Some((file, line, col, end_line, end_col)) => writeln!(
                out,
                "::{} file={},line={line},col={col},endLine={end_line},endColumn={end_col},title={}::{}",
                level_word(d.level),
                escape_property(&file),
                escape_property(&title),
                escape_data(&text)
            )?,
            None => writeln!(
                out,
                "::{} title={}::{}",
                level_word(d.level),
                escape_property(&title),
                escape_data(&text)
            )?,
        }
    }
    Ok(())
}

/// A workflow command's message: `%`, CR and LF escaped.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: as data, and `:` and `,` too.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_command_text_is_escaped() {
        assert_eq!(escape_data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
