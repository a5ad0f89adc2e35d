//! Analysis configuration: lint levels set on the command line or in a config file.

use crate::diagnostic::Level;
use crate::lints::LintId;
use std::collections::HashMap;

/// A selector that names no lint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownLint(pub String);

impl std::fmt::Display for UnknownLint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown lint `{}` (see `cargo bpcheck --list`)", self.0)
    }
}

impl std::error::Error for UnknownLint {}

/// Lint levels: per-lint overrides plus the `warnings` group, applied in the order given,
/// the last word winning, like rustc's `-A/-W/-D`.
#[derive(Debug, Clone, Default)]
pub struct LintLevels {
    per_lint: HashMap<LintId, Level>,
    /// `-D warnings` / `-A warnings`: what becomes of every finding at `warn` level.
    warnings: Option<Level>,
}

impl LintLevels {
    /// Sets the level of the lint named by `selector` (code, name, or `warnings`).
    pub fn set(&mut self, selector: &str, level: Level) -> Result<(), UnknownLint> {
        if selector.trim().eq_ignore_ascii_case("warnings") {
            self.warnings = Some(level);
            return Ok(());
        }
        let id =
            LintId::from_str_loose(selector).ok_or_else(|| UnknownLint(selector.to_string()))?;
        self.per_lint.insert(id, level);
        Ok(())
    }

    /// The effective level of `lint`.
    pub fn level(&self, lint: LintId) -> Level {
        let level = self
            .per_lint
            .get(&lint)
            .copied()
            .unwrap_or(lint.info().default_level);
        match (level, self.warnings) {
            (Level::Warn, Some(w)) => w,
            (l, _) => l,
        }
    }
}

/// What a package's configuration (`[package.metadata.bpcheck]` over
/// `[workspace.metadata.bpcheck]`, with the command line over both) sets for its crates.
#[derive(Debug, Clone, Default)]
pub struct CrateSettings {
    /// Levels of findings in the crate's files; the run's [`Config::levels`] when `None`.
    pub levels: Option<LintLevels>,
    /// The crate's `fail-on`; the run's when `None`.
    pub fail_on: Option<crate::diagnostic::Confidence>,
    /// A bounded channel with a larger known capacity never pushes back in practice: BP001
    /// reports it as effectively unbounded.
    pub unbounded_above: Option<u64>,
    /// A team's own APIs, by canonical path (`myq::unbounded`): what calling them does.
    pub apis: Vec<(Vec<String>, crate::catalog::Api)>,
    /// Files under these paths (absolute; a file or a directory) are not analyzed.
    pub exclude: Vec<std::path::PathBuf>,
}

impl CrateSettings {
    /// Whether `path` is under one of the excluded paths.
    pub fn excludes(&self, path: &std::path::Path) -> bool {
        self.exclude.iter().any(|e| path.starts_with(e))
    }
}

/// Everything that changes what an analysis reports.
#[derive(Debug, Clone)]
pub struct Config {
    pub levels: LintLevels,
    /// Findings at `deny` level below this confidence are reported as warnings
    /// (`--fail-on certain` fails only on findings whose every step was followed).
    pub fail_on: crate::diagnostic::Confidence,
    /// File contents to use instead of what is on disk (an editor's unsaved buffers), by
    /// path as the loader finds it.
    pub overlay: Overlay,
    /// Skip the function bodies skimming finds of no interest (see the analyzer's `skim`
    /// module): findings are the same either way; off only to check that they are.
    pub skim: bool,
    /// Where to keep extracted facts between runs (one pack file per crate, see the
    /// analyzer's `cache` module); `None`: parse every file every run.
    pub cache_dir: Option<std::path::PathBuf>,
}

/// Unsaved file contents by path.
pub type Overlay = std::sync::Arc<std::collections::HashMap<std::path::PathBuf, String>>;

impl Default for Config {
    fn default() -> Self {
        Config {
            levels: LintLevels::default(),
            fail_on: crate::diagnostic::Confidence::Possible,
            overlay: Overlay::default(),
            skim: true,
            cache_dir: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_settings_win_and_warnings_group_upgrades() {
        let mut l = LintLevels::default();
        assert_eq!(l.level(LintId::UnboundedChannel), Level::Warn);
        l.set("warnings", Level::Deny).unwrap();
        assert_eq!(l.level(LintId::UnboundedChannel), Level::Deny);
        l.set("unbounded-channel", Level::Allow).unwrap();
        assert_eq!(l.level(LintId::UnboundedChannel), Level::Allow);
        l.set("BP001", Level::Warn).unwrap();
        assert_eq!(l.level(LintId::UnboundedChannel), Level::Deny);
        assert!(l.set("BP999", Level::Deny).is_err());
    }
}
