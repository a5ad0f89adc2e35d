//! Which bodies of a crate are parsed: skimming weighs every file of a crate together,
//! before parsing when the files are known up front (loose file sets), else after the
//! module tree is loaded, parsing again the files where a body turns out to matter.

use super::parse::{facts_of, read_text, Ctx, Skimmed};
use super::{Job, Loaded, Pending};
use crate::diagnostic::Diagnostic;
use crate::facts::FileFacts;
use crate::skim::relevance::Words;
use crate::source::FileId;
use crate::{CrateInput, Roots};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::PathBuf;

/// The words that make code relevant in a crate (see [`crate::skim::relevance`]).
pub(super) fn crate_words(input: &CrateInput, skim: bool) -> Words {
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

/// Loose file sets are known before parsing: their files are read and skimmed first and
/// each crate weighed once, so every file is parsed once. Files that cannot be read are
/// left to [`parse_one`], which reports them.
pub(super) fn skim_file_sets(
    jobs: &[Job],
    crates: &[CrateInput],
    words: &HashMap<usize, Words>,
    overlay: &crate::config::Overlay,
) -> HashMap<(usize, PathBuf), Skimmed> {
    let read: Vec<Option<(String, crate::skim::Skimmed)>> = jobs
        .par_iter()
        .map(|job| {
            if !matches!(crates[job.krate].roots, Roots::Files(_)) {
                return None;
            }
            let text = read_text(&job.path, overlay).ok()?;
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

/// Decides, per module-tree crate of the batch (`follow`), which bodies matter given all of
/// its files, and parses again the files where a body left out turns out to matter. Loose
/// file sets were weighed whole before parsing ([`skim_file_sets`]).
pub(super) fn reparse_relevant<'a>(
    loaded: &mut Loaded,
    first_file: usize,
    pending: &mut [Pending],
    follow: &[bool],
    ctx: &(dyn Fn(usize) -> Ctx<'a> + Sync),
) {
    let mut files_of: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..pending.len() {
        let krate = loaded.file_crate[first_file + i];
        if follow[krate] {
            files_of.entry(krate).or_default().push(i);
        }
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
