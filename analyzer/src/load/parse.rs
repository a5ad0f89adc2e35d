//! Reading, skimming and parsing one file, or taking its facts from the cache.

use super::Job;
use crate::diagnostic::Diagnostic;
use crate::facts::FileFacts;
use crate::lints::LintId;
use crate::skim::relevance::Words;
use crate::source::{FileId, FileRange};
use std::path::Path;

/// What loading one file produced.
pub(super) struct Parsed {
    pub(super) text: String,
    pub(super) facts: FileFacts,
    pub(super) error: Option<Diagnostic>,
    pub(super) skimmed: crate::skim::Skimmed,
    /// The bodies left out of the parse (see [`crate::skim`]).
    pub(super) blanked: Vec<(u32, u32)>,
}

/// A file read and skimmed before parsing, with the bodies its crate's relevance leaves out.
pub(super) struct Skimmed {
    pub(super) text: String,
    pub(super) skimmed: crate::skim::Skimmed,
    pub(super) blanked: Vec<(u32, u32)>,
}

/// What parsing a file needs to know of its crate.
pub(super) struct Ctx<'a> {
    pub(super) cfg_test: bool,
    pub(super) words: &'a Words,
    /// The crate's facts cache, if caching.
    pub(super) pack: Option<&'a crate::cache::Pack>,
    pub(super) counters: &'a Counters,
}

/// [`LoadStats`] counted from parallel loads.
#[derive(Default)]
pub(super) struct Counters {
    pub(super) parsed: std::sync::atomic::AtomicUsize,
    pub(super) from_cache: std::sync::atomic::AtomicUsize,
}

pub(super) fn parse_one(
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
pub(super) fn read_text(path: &Path, overlay: &crate::config::Overlay) -> Result<String, String> {
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

/// The facts of a file: from the crate's cache when they are there, else parsed (and then
/// cached, unless the file has an error to report).
pub(super) fn facts_of(
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
pub(super) fn parse_text(
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
pub(super) fn too_deep(file: FileId, start: usize, end: usize, count: usize) -> Diagnostic {
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

pub(super) fn failed(error: Diagnostic) -> Parsed {
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
pub(super) fn unreadable(id: FileId, at: Option<FileRange>, msg: String) -> Diagnostic {
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
