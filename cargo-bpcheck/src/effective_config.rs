//! The effective configuration of a package: `[workspace.metadata.bpcheck]`, then
//! `[package.metadata.bpcheck]` over it, then the command line over both; with where each
//! value came from, for `--print-config`.

use crate::config_file::{ConfigError, Origin, Table};
use crate::paths::relative_to;
use bpcheck_analyzer::catalog::{Api, ChannelKind, SpawnKind};
use bpcheck_analyzer::{Confidence, CrateSettings, Level, LintLevels};
use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor::NoColor};
use std::fmt::Write;
use std::path::Path;

/// What the command line sets: levels in order, and `--fail-on` when given.
#[derive(Clone, Debug, Default)]
pub struct CliSettings {
    pub levels: Vec<(String, Level)>,
    pub fail_on: Option<Confidence>,
}

/// A package's settings, and each value with its origin (`--print-config`).
#[derive(Clone, Debug)]
pub struct Effective {
    pub settings: CrateSettings,
    /// (setting, value, where it came from).
    pub report: Vec<(String, String, String)>,
}

fn from(o: &Origin, base: &Path) -> String {
    format!("{}:{} {}", relative_to(&o.file, base), o.line, o.key)
}

fn level_word(l: Level) -> &'static str {
    l.as_str()
}

/// Merges the tables (workspace first, package over it) and the command line.
/// Paths in the report are shown relative to `base`.
pub fn merge(ws: Option<&Table>, pkg: Option<&Table>, cli: &CliSettings, base: &Path) -> Effective {
    let tables: Vec<&Table> = ws.into_iter().chain(pkg).collect();
    let mut report = Vec::new();
    let mut levels = LintLevels::default();
    let mut set_levels = false;
    for t in &tables {
        for (sel, level, o) in &t.lints {
            // Selectors were checked when the table was read.
            let _ = levels.set(sel, *level);
            set_levels = true;
            report.push((
                format!("lints.{sel}"),
                level_word(*level).into(),
                from(o, base),
            ));
        }
    }
    for (sel, level) in &cli.levels {
        let _ = levels.set(sel, *level);
        set_levels = true;
        report.push((
            format!("lints.{sel}"),
            level_word(*level).into(),
            "command line".into(),
        ));
    }
    let mut fail_on = None;
    for t in &tables {
        if let Some((c, o)) = &t.fail_on {
            fail_on = Some((*c, from(o, base)));
        }
    }
    if let Some(c) = cli.fail_on {
        fail_on = Some((c, "command line".into()));
    }
    if let Some((c, o)) = &fail_on {
        report.push(("fail-on".into(), c.as_str().into(), o.clone()));
    }
    let mut unbounded_above = None;
    for t in &tables {
        if let Some((n, o)) = &t.unbounded_above {
            unbounded_above = Some((*n, from(o, base)));
        }
    }
    if let Some((n, o)) = &unbounded_above {
        report.push(("unbounded-above".into(), n.to_string(), o.clone()));
    }
    let mut settings = CrateSettings {
        levels: set_levels.then_some(levels),
        fail_on: fail_on.map(|(c, _)| c),
        unbounded_above: unbounded_above.map(|(n, _)| n),
        ..CrateSettings::default()
    };
    for t in &tables {
        for (p, o) in &t.exclude {
            settings.exclude.push(p.clone());
            report.push(("exclude".into(), relative_to(p, base), from(o, base)));
        }
        for (path, api, o) in &t.apis {
            settings.apis.push((path.clone(), *api));
            report.push((path.join("::"), describe(api), from(o, base)));
        }
    }
    Effective { settings, report }
}

/// What a configured API is, in words.
fn describe(api: &Api) -> String {
    match api {
        Api::ChannelCtor {
            kind: ChannelKind::Unbounded,
            ..
        } => "unbounded channel constructor".into(),
        Api::ChannelCtor {
            lib,
            kind: ChannelKind::Bounded { cap_arg, .. },
        } => format!(
            "bounded channel constructor (capacity: argument {cap_arg}; like {})",
            lib.name()
        ),
        Api::Spawn(SpawnKind::Task) => "spawner (task)".into(),
        Api::Spawn(SpawnKind::Thread) => "spawner (OS thread)".into(),
        Api::SemaphoreCtor { permits_arg } => {
            format!("semaphore constructor (permits: argument {permits_arg})")
        }
        other => format!("{other:?}"),
    }
}

/// The report of one package as text: `setting = value    # origin`.
pub fn render(package: &str, manifest: &str, e: &Effective) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "package `{package}` ({manifest})");
    if e.report.is_empty() {
        let _ = writeln!(out, "  (defaults: nothing set)");
    }
    let width = e
        .report
        .iter()
        .map(|(k, v, _)| k.len() + v.len() + 3)
        .max()
        .unwrap_or(0);
    for (k, v, o) in &e.report {
        let kv = format!("{k} = {v}");
        let _ = writeln!(out, "  {kv:width$}  # {o}");
    }
    out
}

/// Configuration mistakes rendered like the other diagnostics, pointing into the TOML.
pub fn render_errors(errors: &[ConfigError]) -> String {
    let mut files = SimpleFiles::new();
    let mut out = NoColor::new(Vec::new());
    let config = term::Config::default();
    for e in errors {
        let id = files.add(e.file.display().to_string(), e.text.clone());
        let start = e.range.start.min(e.text.len());
        let end = e.range.end.clamp(start, e.text.len());
        let d = Diagnostic::error()
            .with_message(&e.message)
            .with_labels(vec![Label::primary(id, start..end)]);
        let _ = term::emit(&mut out, &config, &files, &d);
    }
    String::from_utf8_lossy(&out.into_inner()).into_owned()
}
