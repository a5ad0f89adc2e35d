//! Crates analyzed in bounded batches: each batch is loaded, modeled and its facts freed
//! before the one after the next is loaded, so memory holds the facts of at most two batches
//! (and the text of every file), not of the whole run. Loading the next batch overlaps with
//! modeling the current one, so the batches cost no parallelism.

use crate::load::{self, Loaded};
use crate::model::Model;
use crate::suppress::{self, Allowance};
use crate::{CrateInput, Diagnostic};
use std::ops::Range;

/// Crates per batch: enough to keep every core busy, few enough to bound memory.
fn batches(n: usize) -> Vec<Range<usize>> {
    let size = (rayon::current_num_threads() * 8).max(1);
    (0..n.div_ceil(size))
        .map(|i| i * size..((i + 1) * size).min(n))
        .collect()
}

/// What the batches leave: every file's text and crate, the load diagnostics, the crates'
/// models (in crate order, to merge), bad allow comments and the comment allowances.
pub(crate) struct Batched {
    pub loaded: Loaded,
    pub parts: Vec<Model>,
    pub diagnostics: Vec<Diagnostic>,
    pub allowances: Vec<Allowance>,
}

/// Loads and models `crates` batch by batch.
pub(crate) fn run(crates: &[CrateInput], overlay: &crate::config::Overlay) -> Batched {
    let mut out = Batched {
        loaded: Loaded::default(),
        parts: Vec::new(),
        diagnostics: Vec::new(),
        allowances: Vec::new(),
    };
    let batches = batches(crates.len());
    let load_at = |base: usize, batch: Range<usize>| {
        let mut l = padded(base);
        load::load_into(&mut l, crates, batch, overlay);
        l
    };
    let mut next = batches.first().map(|b| load_at(0, b.clone()));
    for i in 0..batches.len() {
        let Some(cur) = next.take() else { break };
        let first_file = out.loaded.db.len();
        let after = cur.db.len();
        let (parts, loaded_next) = rayon::join(
            || Model::build_parts(&cur, crates, first_file),
            || batches.get(i + 1).map(|b| load_at(after, b.clone())),
        );
        next = loaded_next;
        out.parts.extend(parts);
        out.allowances.extend(suppress::comment_allowances_from(
            &cur.facts[first_file..],
            first_file,
            &mut out.diagnostics,
        ));
        let Loaded {
            db,
            facts,
            file_crate,
            diagnostics,
        } = cur;
        out.loaded.db.append_from(db, first_file);
        out.loaded
            .file_crate
            .extend_from_slice(&file_crate[first_file..]);
        out.loaded.diagnostics.extend(diagnostics);
        // Freeing takes a while and nothing waits for it.
        rayon::spawn(move || drop(facts));
    }
    out
}

/// An empty load whose next file gets id `base`: the files before it are placeholders
/// without text, facts or crate.
fn padded(base: usize) -> Loaded {
    let mut l = Loaded::default();
    for _ in 0..base {
        l.db.add(Default::default(), String::new());
    }
    l.facts.resize_with(base, Default::default);
    l.file_crate.resize(base, usize::MAX);
    l
}
