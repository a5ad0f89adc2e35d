//! Static analysis of backpressure in async and actor-based Rust.
//!
//! Data flows one way: sources -> facts -> model (resolved facts, later the message graph)
//! -> lints -> diagnostics. Nothing in this crate prints; the CLI renders diagnostics.
//! No source text makes it panic: unreadable or unparsable files become diagnostics.

mod actors;
pub mod annotations;
mod cache;
pub mod catalog;
pub mod config;
mod contents;
mod declared;
pub mod depth;
pub mod diagnostic;
pub mod dormant;
mod extract;
pub mod facts;
pub mod flow;
pub mod graph;
pub mod growth;
mod index;
pub mod lints;
mod load;
pub mod model;
mod naming;
mod permits;
mod placement;
mod resolve;
mod skim;
pub mod source;
mod spawn_bounds;
mod spawns;
mod summaries;
pub mod suppress;
pub mod tasks;
pub mod waits;

pub use config::{Config, CrateSettings, LintLevels, UnknownLint};
pub use diagnostic::{Confidence, Diagnostic, Label, Level};
pub use lints::{LintId, LintInfo};
pub use load::{collect_rs_files, LoadStats};
pub use source::{FileId, FileRange, SourceDb, SourceFile};

use std::collections::HashMap;
use std::path::PathBuf;

/// Where a crate's sources are.
#[derive(Clone, Debug)]
pub enum Roots {
    /// A target's root file; `mod` declarations are followed from it.
    ModuleTree(PathBuf),
    /// A set of files analyzed as they are; `mod` declarations link files of the set.
    Files(Vec<PathBuf>),
}

/// One crate (one cargo target, or a set of loose files) to analyze.
#[derive(Clone, Debug)]
pub struct CrateInput {
    /// Display name (the target's name).
    pub name: String,
    pub roots: Roots,
    /// Dependency names as written in code -> the crate's real name (`rename = ...` in Cargo.toml).
    pub extern_renames: HashMap<String, String>,
    /// Analyze code compiled only with `cfg(test)` too, as `cargo test` builds it: items and
    /// modules under `#[cfg(test)]` (or any `cfg` that is false without `test`, such as
    /// `all(test, ..)`), and `#[test]`-like functions. When false they are skipped and
    /// `#[cfg(test)] mod x;` is not followed. Other `cfg`s (platforms, features) are never
    /// evaluated: code under them is always analyzed.
    pub cfg_test: bool,
    /// The package's configuration (levels, team APIs, excludes).
    pub settings: std::sync::Arc<config::CrateSettings>,
}

impl CrateInput {
    /// A crate that follows the module tree from `root`, with no renamed dependencies and
    /// without `cfg(test)` code (as `cargo build` compiles it).
    pub fn from_root(name: impl Into<String>, root: impl Into<PathBuf>) -> Self {
        CrateInput {
            name: name.into(),
            roots: Roots::ModuleTree(root.into()),
            extern_renames: HashMap::new(),
            cfg_test: false,
            settings: Default::default(),
        }
    }

    /// The same crate with `cfg(test)` code analyzed or not (see [`CrateInput::cfg_test`]).
    pub fn with_cfg_test(mut self, cfg_test: bool) -> Self {
        self.cfg_test = cfg_test;
        self
    }
}

/// The result of one run.
#[derive(Debug)]
pub struct Analysis {
    pub files: SourceDb,
    /// Findings at `warn` or `deny` level, sorted by file, position and code; duplicates
    /// (a file shared by two targets) removed.
    pub diagnostics: Vec<Diagnostic>,
    /// Findings that allowances hid, with their reasons (`--show-allowed`).
    pub allowed: Vec<suppress::Allowed>,
    /// For each file, the index of the input crate it was loaded for.
    pub file_crate: Vec<usize>,
    /// How many files were parsed, and how many read from the facts cache.
    pub load_stats: load::LoadStats,
    pub model: model::Model,
}

impl Analysis {
    /// True when some diagnostic is at `deny` level.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.level == Level::Deny)
    }
}

/// Analyzes one in-memory source file as a crate of its own (`cfg(test)` code included), as
/// the fuzz targets and the replay of their corpus do. Never panics on any text.
pub fn analyze_source(text: &str) -> Analysis {
    let path = PathBuf::from("/bpcheck-input/src/lib.rs");
    let overlay = HashMap::from([(path.clone(), text.to_string())]);
    let config = Config {
        overlay: std::sync::Arc::new(overlay),
        ..Config::default()
    };
    let krate = CrateInput {
        name: "input".to_string(),
        roots: Roots::Files(vec![path]),
        extern_renames: HashMap::new(),
        cfg_test: true,
        settings: Default::default(),
    };
    analyze(&[krate], &config)
}

/// Stack of each analysis thread. Parsing and the analysis's walks recurse once per level
/// of nesting; bracket nesting is capped ([`depth::MAX_DEPTH`]), but chains such as
/// `else if` and prefix operators nest without brackets. The memory is reserved, not used.
const STACK_SIZE: usize = 1 << 30;

/// The threads analyses run on, with deep stacks.
fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .stack_size(STACK_SIZE)
            .thread_name(|i| format!("bpcheck-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

/// Loads, parses and analyzes the given crates, on threads with deep stacks.
pub fn analyze(crates: &[CrateInput], config: &Config) -> Analysis {
    match pool() {
        Some(p) => p.install(|| analyze_here(crates, config)),
        None => analyze_here(crates, config),
    }
}

fn analyze_here(crates: &[CrateInput], config: &Config) -> Analysis {
    // Crates in bounded batches: a batch's facts are freed once its models are built, so
    // memory holds the facts of one batch (and the text of every file), not of the run.
    let mut loaded = load::Loaded::default();
    let mut parts = Vec::new();
    let mut diagnostics = Vec::new();
    let mut allowances = Vec::new();
    for batch in batches(crates.len()) {
        let first_file = loaded.db.len();
        load::load_into(&mut loaded, crates, batch, config);
        parts.extend(model::Model::build_parts(&loaded, crates, first_file));
        let batch_facts = &mut loaded.facts[first_file..];
        allowances.extend(suppress::comment_allowances_from(
            batch_facts,
            first_file,
            &mut diagnostics,
        ));
        let freed: Vec<facts::FileFacts> = batch_facts.iter_mut().map(std::mem::take).collect();
        // Freeing takes a while and nothing waits for it.
        rayon::spawn(move || drop(freed));
    }
    let model = model::Model::merge(parts);
    diagnostics.extend(loaded.diagnostics.iter().cloned());
    diagnostics.extend(lints::run_all(&model));
    allowances.extend(model.declarations.allows.iter().cloned());
    for (at, message) in &model.declarations.invalid {
        diagnostics.push(suppress::bad_declaration(*at, message.clone()));
    }
    let (mut allowed, used) = suppress::apply(&mut diagnostics, &allowances, &loaded.db);
    diagnostics.extend(
        allowances
            .iter()
            .zip(used)
            .filter(|(a, used)| !used && a.reported_if_unused)
            .map(|(a, _)| lints::unused_allowance::diagnostic(a)),
    );
    allowed.retain(|a| config.levels.level(a.diagnostic.lint) != Level::Allow);
    allowed.dedup_by(|a, b| a.diagnostic == b.diagnostic);
    for d in &mut diagnostics {
        // The settings of the crate the finding is in, else the run's.
        let settings = d
            .primary_range()
            .and_then(|r| loaded.file_crate.get(r.file.0 as usize))
            .and_then(|&c| crates.get(c))
            .map(|c| c.settings.as_ref());
        let levels = settings
            .and_then(|s| s.levels.as_ref())
            .unwrap_or(&config.levels);
        let fail_on = settings.and_then(|s| s.fail_on).unwrap_or(config.fail_on);
        d.level = levels.level(d.lint);
        if d.level == Level::Deny && d.confidence < fail_on {
            d.level = Level::Warn;
        }
    }
    diagnostics.retain(|d| d.level != Level::Allow);
    sort_and_dedup(&mut diagnostics, &loaded.db);
    let load::Loaded {
        db,
        file_crate,
        stats,
        ..
    } = loaded;
    Analysis {
        diagnostics,
        allowed,
        file_crate,
        load_stats: stats,
        files: db,
        model,
    }
}

/// Crates per batch: enough to keep every core busy, few enough to bound memory.
fn batches(n: usize) -> impl Iterator<Item = std::ops::Range<usize>> {
    let size = (rayon::current_num_threads() * 16).max(1);
    (0..n.div_ceil(size)).map(move |i| i * size..((i + 1) * size).min(n))
}

fn sort_and_dedup(diags: &mut Vec<Diagnostic>, db: &SourceDb) {
    let key = |d: &Diagnostic| {
        let r = d.primary_range();
        (
            r.map(|r| db.get(r.file).path.clone()),
            r.map(|r| (r.start, r.end)),
            d.lint,
            d.message.clone(),
        )
    };
    diags.sort_by_cached_key(key);
    diags.dedup_by(|a, b| key(a) == key(b));
}
