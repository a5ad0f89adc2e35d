//! `--explain LINT` and `--list`: the lint registry as text.

use bpcheck_analyzer::LintId;
use std::fmt::Write;

/// The header line and markdown doc of the lint named by `selector` (code or name).
pub fn explain(selector: &str) -> Option<String> {
    let info = LintId::from_str_loose(selector)?.info();
    let mut out = format!(
        "{} ({}), default level: {}\n\n{}",
        info.code,
        info.name,
        info.default_level.as_str(),
        info.doc.trim()
    );
    out.push('\n');
    Some(out)
}

/// One line per lint: code, name, default level, summary.
pub fn list() -> String {
    let width = LintId::ALL
        .iter()
        .map(|id| id.info().name.len())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for id in LintId::ALL {
        let info = id.info();
        // Writing into a String cannot fail.
        let _ = writeln!(
            out,
            "{}  {:width$}  {:5}  {}",
            info.code,
            info.name,
            info.default_level.as_str(),
            info.summary
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explain_accepts_code_and_name_and_rejects_unknown() {
        let by_code = explain("bp001").expect("BP001 exists");
        assert!(by_code.starts_with("BP001 (unbounded-channel), default level: "));
        assert_eq!(explain("unbounded-channel"), Some(by_code));
        assert_eq!(explain("BP999"), None);
    }

    #[test]
    fn list_has_one_line_per_lint() {
        let text = list();
        assert_eq!(text.lines().count(), LintId::ALL.len());
        assert!(text
            .lines()
            .any(|l| l.starts_with("BP001  unbounded-channel")));
    }
}
