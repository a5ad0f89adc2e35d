//! Loading: reads and parses every file of every crate (in parallel, one level of the
//! module tree at a time), extracts its facts, and links `mod x;` declarations to files.

mod parse;
mod paths;
mod skimming;

pub use paths::collect_rs_files;

use crate::diagnostic::Diagnostic;
use crate::facts::{FileFacts, ItemKind, ModDecl, ScopeId};
use crate::skim::relevance::Words;
use crate::source::{FileId, SourceDb};
use crate::{CrateInput, Roots};
use parse::{parse_one, Counters, Ctx, Parsed, Skimmed};
use paths::{candidates, find_module_file, is_mod_rs, missing_module};
use rayon::prelude::*;
use skimming::{crate_words, reparse_relevant, skim_file_sets};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

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
                crate::cache::Pack::open(dir, &input.name, &input.roots, input.cfg_test),
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
    reparse_relevant(loaded, first_file, &mut pending, &follow, &ctx);
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
