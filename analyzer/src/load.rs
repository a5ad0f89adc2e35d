//! Loading: reads and parses every file of every crate (in parallel, one level of the
//! module tree at a time), extracts its facts, and links `mod x;` declarations to files.

use crate::diagnostic::Diagnostic;
use crate::facts::{FileFacts, ItemKind, ModDecl, ScopeId};
use crate::lints::LintId;
use crate::skim::relevance::Words;
use crate::source::{FileId, FileRange, SourceDb};
use crate::{CrateInput, Roots};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Everything loaded for one run. `facts` and `file_crate` are indexed by `FileId`.
#[derive(Debug, Default)]
pub struct Loaded {
    pub db: SourceDb,
    pub facts: Vec<FileFacts>,
    pub file_crate: Vec<usize>,
    pub diagnostics: Vec<Diagnostic>,
    pub stats: LoadStats,
}

/// How the facts of a run's files were had.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LoadStats {
    /// Parses (a file parsed again once its crate is known counts twice).
    pub parsed: usize,
    /// Files whose facts came from the cache.
    pub from_cache: usize,
}

/// [`LoadStats`] counted from parallel loads.
#[derive(Default)]
struct Counters {
    parsed: std::sync::atomic::AtomicUsize,
    from_cache: std::sync::atomic::AtomicUsize,
}

impl Loaded {
    /// The facts of a file.
    pub fn facts(&self, file: FileId) -> &FileFacts {
        &self.facts[file.0 as usize]
    }
}

/// A file to load: which crate, where, and which declaration asked for it.
struct Job {
    krate: usize,
    path: PathBuf,
    /// Children resolve relative to this file's directory (crate roots, `mod.rs`, `#[path]`).
    dir_owner: bool,
    from: Option<ModDecl>,
}

/// What loading one file produced.
struct Parsed {
    text: String,
    facts: FileFacts,
    error: Option<Diagnostic>,
    skimmed: crate::skim::Skimmed,
    /// The bodies left out of the parse (see [`crate::skim`]).
    blanked: Vec<(u32, u32)>,
}

/// What is kept of each file of a batch until its crate is complete.
struct Pending {
    from: Option<ModDecl>,
    skimmed: crate::skim::Skimmed,
    blanked: Vec<(u32, u32)>,
    error: Option<Diagnostic>,
}

/// Loads the crates `batch` of `crates` into `loaded`, after the files already there: their
/// files get the next `FileId`s, and `file_crate` holds indices into `crates`.
/// Files in `overlay` are read from it instead of the disk.
///
/// Each file is first parsed with the bodies skimming finds irrelevant within the file
/// left out; once the crate's files are all known, the files where a body turns out to
/// matter (it calls a helper of another file) are parsed again with that body in.
pub fn load_into(
    loaded: &mut Loaded,
    crates: &[CrateInput],
    batch: std::ops::Range<usize>,
    config: &crate::Config,
) {
    let overlay = &config.overlay;
    let first_file = loaded.db.len();
    let mut dir_owner: Vec<bool> = vec![false; first_file];
    let mut by_path: HashMap<(usize, PathBuf), FileId> = HashMap::new();
    let mut level: Vec<Job> = Vec::new();
    let mut follow: Vec<bool> = vec![true; crates.len()];
    let mut words: HashMap<usize, Words> = HashMap::new();
    let mut packs: HashMap<usize, crate::cache::Pack> = HashMap::new();
    for (krate, input) in crates.iter().enumerate() {
        if !batch.contains(&krate) {
            continue;
        }
        words.insert(krate, crate_words(input, config.skim));
        if let Some(dir) = &config.cache_dir {
            packs.insert(
                krate,
                crate::cache::Pack::open(dir, &input.name, &input.roots),
            );
        }
        match &input.roots {
            Roots::ModuleTree(root) => {
                follow[krate] = true;
                level.push(Job {
                    krate,
                    path: root.clone(),
                    dir_owner: true,
                    from: None,
                });
            }
            Roots::Files(files) => {
                follow[krate] = false;
                level.extend(files.iter().map(|f| Job {
                    krate,
                    path: f.clone(),
                    dir_owner: is_mod_rs(f),
                    from: None,
                }));
            }
        }
    }
    let mut pending: Vec<Pending> = Vec::new();
    level.retain(|j| !crates[j.krate].settings.excludes(&j.path));
    dedup_jobs(&mut level);
    let counters = Counters::default();
    let ctx = |krate: usize| Ctx {
        cfg_test: crates[krate].cfg_test,
        words: &words[&krate],
        pack: packs.get(&krate),
        counters: &counters,
    };
    let mut skimmed = skim_file_sets(&level, crates, &words, overlay);
    while !level.is_empty() {
        level.retain(|j| {
            !by_path.contains_key(&(j.krate, j.path.clone()))
                && !crates[j.krate].settings.excludes(&j.path)
        });
        dedup_jobs(&mut level);
        let base = loaded.db.len() as u32;
        let pre: Vec<Option<Skimmed>> = level
            .iter()
            .map(|j| skimmed.remove(&(j.krate, j.path.clone())))
            .collect();
        let parsed: Vec<Parsed> = level
            .par_iter()
            .zip(pre)
            .enumerate()
            .map(|(i, (job, pre))| {
                let id = FileId(base + i as u32);
                parse_one(id, job, overlay, &ctx(job.krate), pre)
            })
            .collect();
        let mut next = Vec::new();
        for (job, p) in level.drain(..).zip(parsed) {
            let id = loaded.db.add(job.path.clone(), p.text);
            by_path.insert((job.krate, job.path.clone()), id);
            loaded.file_crate.push(job.krate);
            dir_owner.push(job.dir_owner);
            if follow[job.krate] {
                for decl in p.facts.mod_decls.iter().filter(|d| !d.test_only) {
                    match find_module_file(&job.path, job.dir_owner, decl) {
                        Ok((path, owner)) => next.push(Job {
                            krate: job.krate,
                            path,
                            dir_owner: owner,
                            from: Some(decl.clone()),
                        }),
                        Err(tried) => loaded.diagnostics.push(missing_module(decl, &tried)),
                    }
                }
            }
            loaded.facts.push(p.facts);
            pending.push(Pending {
                from: job.from,
                skimmed: p.skimmed,
                blanked: p.blanked,
                error: p.error,
            });
        }
        level = next;
    }
    reparse_relevant(loaded, first_file, &mut pending, &ctx);
    for (i, p) in pending.into_iter().enumerate() {
        loaded.diagnostics.extend(p.error);
        // After every file's final facts are in place, so a child's root learns its parent
        // module (`crate::` and `super::` in the child depend on it).
        if let Some(decl) = p.from {
            let child = FileId((first_file + i) as u32);
            let parent = loaded.facts(decl.scope.file);
            // The parent may have been parsed again: its declaration, as it is now.
            let decl = parent
                .mod_decls
                .iter()
                .find(|d| d.range == decl.range)
                .cloned()
                .unwrap_or(decl);
            link(&mut loaded.facts, &decl, child);
        }
    }
    link_file_sets(loaded, crates, first_file, &dir_owner, &by_path, &follow);
    for pack in packs.into_values() {
        pack.save();
    }
    loaded.stats.parsed += counters.parsed.into_inner();
    loaded.stats.from_cache += counters.from_cache.into_inner();
}

/// What parsing a file needs to know of its crate.
struct Ctx<'a> {
    cfg_test: bool,
    words: &'a Words,
    /// The crate's facts cache, if caching.
    pack: Option<&'a crate::cache::Pack>,
    counters: &'a Counters,
}

/// The words that make code relevant in a crate (see [`crate::skim::relevance`]).
fn crate_words(input: &CrateInput, skim: bool) -> Words {
    if !skim {
        return Words::everything();
    }
    let apis = input
        .settings
        .apis
        .iter()
        .flat_map(|(p, _)| p.iter().map(String::as_str));
    let renames = input
        .extern_renames
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()));
    Words::of_crate(&input.name, apis, renames)
}

/// Decides, per crate of the batch, which bodies matter given all of its files, and parses
/// again the files where a body left out turns out to matter.
fn reparse_relevant<'a>(
    loaded: &mut Loaded,
    first_file: usize,
    pending: &mut [Pending],
    ctx: &(dyn Fn(usize) -> Ctx<'a> + Sync),
) {
    let mut files_of: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, _) in pending.iter().enumerate() {
        files_of
            .entry(loaded.file_crate[first_file + i])
            .or_default()
            .push(i);
    }
    let mut again: Vec<(usize, Vec<(u32, u32)>)> = Vec::new();
    for (krate, files) in &files_of {
        let sketches: Vec<&crate::skim::Outline> =
            files.iter().map(|&i| &pending[i].skimmed.outline).collect();
        let marks = crate::skim::relevance::relevant(&sketches, ctx(*krate).words);
        for (&i, m) in files.iter().zip(&marks) {
            let ranges = crate::skim::blank_ranges(&pending[i].skimmed.outline, m);
            if ranges != pending[i].blanked {
                again.push((i, ranges));
            }
        }
    }
    let db = &loaded.db;
    let redone: Vec<(FileFacts, Option<Diagnostic>)> = again
        .par_iter()
        .map(|(i, ranges)| {
            let id = FileId((first_file + i) as u32);
            let ctx = ctx(loaded.file_crate[first_file + i]);
            let depth = pending[*i].skimmed.depth;
            facts_of(id, &db.get(id).text, depth, ranges, &ctx)
        })
        .collect();
    for ((i, ranges), (facts, error)) in again.into_iter().zip(redone) {
        loaded.facts[first_file + i] = facts;
        pending[i].blanked = ranges;
        pending[i].error = error;
    }
}

/// In `Files` mode, `mod x;` links to a file of the set when it is there; no file is read.
/// A file declared only by test-only declarations (`#[cfg(test)] mod tests;`), and the files
/// it declares, are left out: their facts and load errors are dropped.
/// Only files from `first_file` on (this batch's) are linked.
fn link_file_sets(
    loaded: &mut Loaded,
    crates: &[CrateInput],
    first_file: usize,
    dir_owner: &[bool],
    by_path: &HashMap<(usize, PathBuf), FileId>,
    follow: &[bool],
) {
    let mut dropped: HashSet<FileId> = HashSet::new();
    // The files of each crate, grouped once.
    let mut files_of: HashMap<usize, Vec<FileId>> = HashMap::new();
    for f in first_file..loaded.db.len() {
        files_of
            .entry(loaded.file_crate[f])
            .or_default()
            .push(FileId(f as u32));
    }
    for (krate, _) in crates.iter().enumerate().filter(|(k, _)| !follow[*k]) {
        let files: Vec<FileId> = files_of.remove(&krate).unwrap_or_default();
        // (parent, child) for declarations that are compiled, and for test-only ones.
        let mut edges: Vec<(FileId, FileId)> = Vec::new();
        let mut test_edges: Vec<(FileId, FileId)> = Vec::new();
        for &file in &files {
            let decls = loaded.facts(file).mod_decls.clone();
            let path = loaded.db.get(file).path.clone();
            for decl in &decls {
                let found = candidates(&path, dir_owner[file.0 as usize], decl)
                    .into_iter()
                    .find_map(|(p, _)| by_path.get(&(krate, p)).copied());
                let Some(child) = found.filter(|c| *c != file) else {
                    continue;
                };
                if decl.test_only {
                    test_edges.push((file, child));
                } else {
                    link(&mut loaded.facts, decl, child);
                    edges.push((file, child));
                }
            }
        }
        // Files reached from a file nothing declares are kept; files reached from those only
        // through a test-only declaration are dropped.
        let declared: HashSet<FileId> = edges.iter().chain(&test_edges).map(|e| e.1).collect();
        let roots = files.iter().copied().filter(|f| !declared.contains(f));
        let kept = reach(roots, &edges);
        let test_roots = test_edges
            .iter()
            .filter(|(p, _)| kept.contains(p))
            .map(|e| e.1);
        dropped.extend(
            reach(test_roots, &edges)
                .into_iter()
                .filter(|f| !kept.contains(f)),
        );
    }
    for &file in &dropped {
        let facts = &mut loaded.facts[file.0 as usize];
        *facts = FileFacts {
            allows: std::mem::take(&mut facts.allows),
            ..FileFacts::default()
        };
        facts.scopes.push(crate::facts::Scope {
            is_module: true,
            ..Default::default()
        });
    }
    loaded
        .diagnostics
        .retain(|d| d.primary_range().is_none_or(|r| !dropped.contains(&r.file)));
}

/// Every file reachable from `from` along `edges` (parent, child), `from` included.
fn reach(from: impl Iterator<Item = FileId>, edges: &[(FileId, FileId)]) -> HashSet<FileId> {
    let mut children: HashMap<FileId, Vec<FileId>> = HashMap::new();
    for &(parent, child) in edges {
        children.entry(parent).or_default().push(child);
    }
    let mut seen: HashSet<FileId> = HashSet::new();
    let mut stack: Vec<FileId> = from.collect();
    while let Some(f) = stack.pop() {
        if seen.insert(f) {
            stack.extend(children.get(&f).into_iter().flatten().copied());
        }
    }
    seen
}

fn dedup_jobs(jobs: &mut Vec<Job>) {
    let mut seen = std::collections::HashSet::new();
    jobs.retain(|j| seen.insert((j.krate, j.path.clone())));
}

/// Makes `decl`'s module item point at `child`'s root scope, and `child`'s `super` at the declaring module.
fn link(facts: &mut [FileFacts], decl: &ModDecl, child: FileId) {
    let child_root = ScopeId {
        file: child,
        idx: 0,
    };
    if child_root.file == decl.scope.file {
        return;
    }
    let scopes = &mut facts[decl.scope.file.0 as usize].scopes;
    if let Some(s) = scopes.get_mut(decl.scope.idx as usize) {
        s.items
            .insert(decl.name.clone(), ItemKind::Mod(Some(child_root)));
    }
    if let Some(root) = facts
        .get_mut(child.0 as usize)
        .and_then(|f| f.scopes.first_mut())
    {
        root.parent_module.get_or_insert(decl.scope);
    }
}

/// A file read and skimmed before parsing, with the bodies its crate's relevance leaves out.
struct Skimmed {
    text: String,
    skimmed: crate::skim::Skimmed,
    blanked: Vec<(u32, u32)>,
}

fn parse_one(
    id: FileId,
    job: &Job,
    overlay: &crate::config::Overlay,
    ctx: &Ctx<'_>,
    pre: Option<Skimmed>,
) -> Parsed {
    let Skimmed {
        text,
        skimmed,
        blanked,
    } = match pre {
        Some(pre) => pre,
        None => match read_text(&job.path, overlay) {
            Ok(text) => {
                let skimmed = crate::skim::skim(&crate::depth::blanked(&text));
                // Within the file for now; the crate's other files are weighed once all
                // are known.
                let marks = crate::skim::relevance::relevant(&[&skimmed.outline], ctx.words);
                let blanked = crate::skim::blank_ranges(&skimmed.outline, &marks[0]);
                Skimmed {
                    text,
                    skimmed,
                    blanked,
                }
            }
            Err(msg) => return failed(unreadable(id, job.from.as_ref().map(|d| d.range), msg)),
        },
    };
    let (facts, error) = facts_of(id, &text, skimmed.depth, &blanked, ctx);
    Parsed {
        text,
        facts,
        error,
        skimmed,
        blanked,
    }
}

/// The text of a file (from the overlay, else the disk), or why it cannot be read.
fn read_text(path: &Path, overlay: &crate::config::Overlay) -> Result<String, String> {
    let bytes = match overlay.get(path) {
        Some(text) => Ok(text.clone().into_bytes()),
        None => std::fs::read(path),
    };
    let bytes = bytes.map_err(|e| format!("could not read `{}`: {e}", path.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "`{}` is not valid UTF-8 (invalid byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

/// Loose file sets are known before parsing: their files are read and skimmed first and
/// each crate weighed once, so every file is parsed once. Files that cannot be read are
/// left to [`parse_one`], which reports them.
fn skim_file_sets(
    jobs: &[Job],
    crates: &[CrateInput],
    words: &HashMap<usize, Words>,
    overlay: &crate::config::Overlay,
) -> HashMap<(usize, PathBuf), Skimmed> {
    let read: Vec<Option<(String, crate::skim::Skimmed)>> = jobs
        .par_iter()
        .map(|job| {
            let files = matches!(crates[job.krate].roots, Roots::Files(_));
            let text = read_text(&job.path, overlay).ok().filter(|_| files)?;
            let skimmed = crate::skim::skim(&crate::depth::blanked(&text));
            Some((text, skimmed))
        })
        .collect();
    let mut of_crate: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, job) in jobs.iter().enumerate() {
        if read[i].is_some() {
            of_crate.entry(job.krate).or_default().push(i);
        }
    }
    let mut blanked: HashMap<usize, Vec<(u32, u32)>> = HashMap::new();
    for (krate, members) in &of_crate {
        let outlines: Vec<&crate::skim::Outline> = members
            .iter()
            .filter_map(|&i| read[i].as_ref().map(|r| &r.1.outline))
            .collect();
        let marks = crate::skim::relevance::relevant(&outlines, &words[krate]);
        for ((&i, o), m) in members.iter().zip(outlines).zip(&marks) {
            blanked.insert(i, crate::skim::blank_ranges(o, m));
        }
    }
    read.into_iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let (text, skimmed) = r?;
            let blanked = blanked.remove(&i).unwrap_or_default();
            let key = (jobs[i].krate, jobs[i].path.clone());
            Some((
                key,
                Skimmed {
                    text,
                    skimmed,
                    blanked,
                },
            ))
        })
        .collect()
}

/// The facts of a file: from the crate's cache when they are there, else parsed (and then
/// cached, unless the file has an error to report).
fn facts_of(
    id: FileId,
    text: &str,
    depth: usize,
    blanked: &[(u32, u32)],
    ctx: &Ctx<'_>,
) -> (FileFacts, Option<Diagnostic>) {
    use std::sync::atomic::Ordering::Relaxed;
    let key = ctx
        .pack
        .map(|_| crate::cache::key(text, blanked, ctx.cfg_test));
    if let Some(facts) = ctx.pack.zip(key).and_then(|(p, k)| p.get(k, id, text)) {
        ctx.counters.from_cache.fetch_add(1, Relaxed);
        return (facts, None);
    }
    ctx.counters.parsed.fetch_add(1, Relaxed);
    let (facts, error) = parse_text(id, text, depth, blanked, ctx.cfg_test);
    let Some((pack, key)) = ctx.pack.zip(key) else {
        return (facts, error);
    };
    if error.is_none() {
        pack.put(key, &facts);
    }
    (facts, error)
}

/// Parses `text` with the bodies at `blanked` left out, and extracts its facts; the error
/// is a parse error or the first cut of a too deep file.
fn parse_text(
    id: FileId,
    text: &str,
    depth: usize,
    blanked: &[(u32, u32)],
    cfg_test: bool,
) -> (FileFacts, Option<Diagnostic>) {
    let readable = crate::depth::blanked(text);
    let parse = |source: &str| {
        if depth <= crate::depth::MAX_DEPTH {
            syn::parse_str::<syn::File>(source).map(|f| (f, Vec::new()))
        } else {
            crate::depth::parse_cut(source)
        }
    };
    let mut parsed = if blanked.is_empty() {
        parse(&readable)
    } else {
        parse(&crate::skim::blank(&readable, blanked))
    };
    if parsed.is_err() && !blanked.is_empty() {
        // Skimming misread the file: parse all of it, so any error is the file's own.
        proc_macro2::extra::invalidate_current_thread_spans();
        parsed = parse(&readable);
    }
    let result = match parsed {
        Ok((file, cuts)) => (
            crate::extract::extract(id, &file, text, cfg_test),
            cuts.first()
                .map(|&(start, end)| too_deep(id, start, end, cuts.len())),
        ),
        Err(e) => {
            let r = e.span().byte_range();
            let range = FileRange {
                file: id,
                start: r.start as u32,
                end: r.end.max(r.start) as u32,
            };
            let mut facts = FileFacts::default();
            facts.scopes.push(crate::facts::Scope {
                is_module: true,
                ..Default::default()
            });
            facts.allows = crate::suppress::scan_allows(text);
            let error = Diagnostic::new(
                LintId::ParseError,
                format!("could not parse file: {e}"),
                range,
                e.to_string(),
            )
            .with_note("the rest of this file is not analyzed; other files are");
            (facts, Some(error))
        }
    };
    // Spans of this file are no longer needed: free the thread's source map.
    proc_macro2::extra::invalidate_current_thread_spans();
    result
}

/// BP904 at the first group nested too deeply (of `count` cut).
fn too_deep(file: FileId, start: usize, end: usize, count: usize) -> Diagnostic {
    let range = FileRange {
        file,
        start: start as u32,
        end: end as u32,
    };
    let more = match count {
        1 => String::new(),
        n => format!(" ({} more in this file)", n - 1),
    };
    Diagnostic::new(
        LintId::TooDeep,
        format!(
            "code nested more than {} levels deep is not analyzed{more}",
            crate::depth::MAX_DEPTH
        ),
        range,
        "the inside of this is left out",
    )
    .with_note("the rest of the file is analyzed")
}

fn failed(error: Diagnostic) -> Parsed {
    let mut facts = FileFacts::default();
    facts.scopes.push(crate::facts::Scope {
        is_module: true,
        ..Default::default()
    });
    Parsed {
        text: String::new(),
        facts,
        error: Some(error),
        skimmed: Default::default(),
        blanked: Vec::new(),
    }
}

/// An unreadable file is reported at the `mod` declaration that includes it; a root file has
/// no such declaration and is reported at its own start.
fn unreadable(id: FileId, at: Option<FileRange>, msg: String) -> Diagnostic {
    let (at, label) = match at {
        Some(at) => (at, "the module is declared here"),
        None => (
            FileRange {
                file: id,
                start: 0,
                end: 0,
            },
            "this file",
        ),
    };
    Diagnostic::new(LintId::UnreadableFile, msg, at, label).with_note("this file is not analyzed")
}

fn missing_module(decl: &ModDecl, tried: &[PathBuf]) -> Diagnostic {
    let list: Vec<String> = tried.iter().map(|p| p.display().to_string()).collect();
    Diagnostic::new(
        LintId::MissingModule,
        format!("file not found for module `{}`", decl.name),
        decl.range,
        "declared here",
    )
    .with_note(format!("looked for: {}", list.join(", ")))
    .with_help(format!(
        "create one of those files, or add `#[path = \"...\"]` to the declaration of `{}`",
        decl.name
    ))
}

fn is_mod_rs(path: &Path) -> bool {
    matches!(
        path.file_name().and_then(|n| n.to_str()),
        Some("mod.rs" | "lib.rs" | "main.rs")
    )
}

/// The file paths a `mod` declaration may load, with whether each owns its directory.
fn candidates(parent: &Path, parent_owner: bool, decl: &ModDecl) -> Vec<(PathBuf, bool)> {
    let dir = parent.parent().unwrap_or(Path::new(""));
    if let Some(p) = &decl.path_attr {
        // Outside inline modules, `#[path]` is relative to the declaring file's directory.
        let base = if decl.inline_dirs.is_empty() {
            dir.to_path_buf()
        } else {
            module_dir(parent, parent_owner, &decl.inline_dirs)
        };
        return vec![(base.join(p), true)];
    }
    // A path set for some platforms (`cfg_attr(unix, path = "sys/unix.rs")`): the first that
    // exists stands for the module.
    let attr_base = if decl.inline_dirs.is_empty() {
        dir.to_path_buf()
    } else {
        module_dir(parent, parent_owner, &decl.inline_dirs)
    };
    let mut out: Vec<(PathBuf, bool)> = decl
        .cfg_paths
        .iter()
        .map(|p| (attr_base.join(p), true))
        .collect();
    let base = module_dir(parent, parent_owner, &decl.inline_dirs);
    out.push((base.join(format!("{}.rs", decl.name)), false));
    out.push((base.join(&decl.name).join("mod.rs"), true));
    out
}

/// The directory where children of the module at `inline_dirs` inside `file` live.
fn module_dir(file: &Path, owner: bool, inline_dirs: &[String]) -> PathBuf {
    let dir = file.parent().unwrap_or(Path::new(""));
    let mut base = if owner {
        dir.to_path_buf()
    } else {
        dir.join(file.file_stem().unwrap_or_default())
    };
    for d in inline_dirs {
        base.push(d);
    }
    base
}

fn find_module_file(
    parent: &Path,
    parent_owner: bool,
    decl: &ModDecl,
) -> Result<(PathBuf, bool), Vec<PathBuf>> {
    let cands = candidates(parent, parent_owner, decl);
    cands
        .iter()
        .find(|(p, _)| p.is_file())
        .map(|(p, owner)| (normalized(p), *owner))
        .ok_or_else(|| cands.into_iter().map(|(p, _)| p).collect())
}

/// `a/./b/../c.rs` as `a/c.rs`: one spelling per file, so a `#[path]` that leads back to a
/// file already loaded (`#[path = "./lib.rs"] mod again;`) is recognised and not loaded again.
fn normalized(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Every `.rs` file under `dir`, sorted, skipping `target/` and hidden directories.
pub fn collect_rs_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let Ok(ft) = entry.file_type() else { continue };
            if ft.is_dir() {
                if !name.starts_with('.') && name != "target" {
                    stack.push(path);
                }
            } else if ft.is_file() && name.ends_with(".rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}
