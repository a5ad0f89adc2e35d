//! Which function bodies of a crate can matter to the analysis. Everything the analysis
//! follows starts at a library item it knows (a channel, semaphore or lock constructor or
//! type, a spawn, a framework's trait or address, bpcheck's declarations, an API of the
//! configuration), and every library path starts with its crate's name: code can only
//! reach such an item through a word that names it (`tokio::..`, or a name a `use` of it
//! brought in). So a body matters when it mentions a seed word or the name of a crate
//! item that does, to a fixed point over the crate. Methods and wrappers (`send`,
//! `Arc::new`, `drop`) act on values whose origin is written where the value comes from.
//! Every other body neither makes nor receives anything the analysis follows, and is not
//! parsed.

use super::outline::Outline;
use super::tokens::ident_hash;
use rustc_hash::FxHashSet;

/// Path segments too common to mark anything: they come with a more telling segment
/// (`std::sync::mpsc::channel`, `Arc::new(tx)`) wherever they matter.
const COMMON: &[&str] = &[
    "std", "core", "alloc", "sync", "new", "from", "Box", "boxed", "Some", "Ok", "Err", "Option",
    "Result", "Arc", "rc", "Rc", "mem", "future", "stream", "task", "thread", "time", "iter",
    "pin", "panic", "util", "prelude", "self", "Self", "super", "crate", "allow", "test",
];

/// The words a crate's code is weighed by.
#[derive(Clone, Debug, Default)]
pub struct Words {
    /// What marks code by itself: the first telling segment of every known path (crate
    /// names, `mpsc` for `std::sync::mpsc`), and the words of the configured APIs.
    pub seeds: FxHashSet<u64>,
    /// Every word of every known path, brought in by a glob `use` of a marked path.
    pub broad: FxHashSet<u64>,
    /// Everything matters: nothing is skipped.
    pub all: bool,
}

fn hashes<'a>(words: impl Iterator<Item = &'a str>) -> FxHashSet<u64> {
    words
        .filter(|w| !w.is_empty() && !COMMON.contains(w))
        .map(|w| ident_hash(w.as_bytes()))
        .collect()
}

impl Words {
    /// Words that make every body matter (skimming off).
    pub fn everything() -> Words {
        Words {
            all: true,
            ..Words::default()
        }
    }

    /// The words of a crate named `krate`, with its configured API paths and its renamed
    /// dependencies (name in code -> package).
    pub fn of_crate<'a>(
        krate: &str,
        apis: impl Iterator<Item = &'a str>,
        renames: impl Iterator<Item = (&'a str, &'a str)>,
    ) -> Words {
        let first = |p: &'static str| p.split("::").find(|w| !COMMON.contains(w));
        let mut seed_words: FxHashSet<&str> = crate::catalog::origin_paths()
            .filter_map(first)
            .chain(bpcheck_decl::CRATES.iter().copied())
            .collect();
        // Other crates' names for them (`crossbeam::channel` for `crossbeam_channel`).
        let telling = |p: &[&'static str]| p.iter().copied().find(|w| !COMMON.contains(w));
        let aliases: Vec<&str> = crate::catalog::reexports()
            .filter(|(_, to)| telling(to).is_some_and(|w| seed_words.contains(w)))
            .filter_map(|(from, _)| telling(from))
            .collect();
        seed_words.extend(aliases);
        let broad = hashes(
            crate::catalog::origin_paths()
                .flat_map(|p| p.split("::"))
                .chain(crate::catalog::handle_words())
                .chain(bpcheck_decl::MACROS.iter().copied())
                .chain(seed_words.iter().copied()),
        );
        // A crate the catalog knows (tokio itself) names its items without its own name.
        if seed_words.contains(krate) {
            return Words {
                seeds: broad.clone(),
                broad,
                all: false,
            };
        }
        let renamed = renames
            .filter(|(_, pkg)| seed_words.contains(pkg.replace('-', "_").as_str()))
            .map(|(name, _)| name);
        let mut seeds = hashes(seed_words.iter().copied().chain(renamed));
        seeds.extend(hashes(apis));
        Words {
            seeds,
            broad,
            all: false,
        }
    }
}

/// What skimming decided of one sketch.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Mark {
    /// Mentions nothing that matters.
    No,
    /// In a block whose header matters (a method of a type holding a handle): kept, but
    /// its name tells nothing new, unless the trait is the crate's own.
    Header,
    /// Mentions something that matters: kept, and its names matter.
    Own,
}

/// For each file, which sketches matter (see the module's documentation).
pub fn relevant(files: &[&Outline], words: &Words) -> Vec<Vec<bool>> {
    if words.all {
        return files.iter().map(|f| vec![true; f.sketches.len()]).collect();
    }
    let mut marks: Vec<Vec<Mark>> = files
        .iter()
        .map(|f| vec![Mark::No; f.sketches.len()])
        .collect();
    let mut header_marked: Vec<Vec<bool>> =
        files.iter().map(|f| vec![false; f.headers.len()]).collect();
    let local_traits: FxHashSet<u64> = files
        .iter()
        .flat_map(|f| f.sketches.iter().filter_map(|s| s.trait_def))
        .collect();
    let mut known: FxHashSet<u64> = words.seeds.clone();
    let mut fresh: FxHashSet<u64> = words.seeds.clone();
    while !fresh.is_empty() {
        let mut next: FxHashSet<u64> = FxHashSet::default();
        let mut learn = |n: u64, next: &mut FxHashSet<u64>| {
            if known.insert(n) {
                next.insert(n);
            }
        };
        for (f, outline) in files.iter().enumerate() {
            for (h, header) in outline.headers.iter().enumerate() {
                if !header_marked[f][h] && header.idents.iter().any(|w| fresh.contains(w)) {
                    header_marked[f][h] = true;
                }
            }
            for (s, sketch) in outline.sketches.iter().enumerate() {
                let mark = &mut marks[f][s];
                if *mark == Mark::Own {
                    continue;
                }
                let header = sketch.header.map(|h| &outline.headers[h as usize]);
                let local_trait = header
                    .and_then(|h| h.trait_name)
                    .filter(|t| local_traits.contains(t));
                if sketch.idents.iter().any(|w| fresh.contains(w)) {
                    *mark = Mark::Own;
                    for n in sketch.names.iter().copied().chain(local_trait) {
                        learn(n, &mut next);
                    }
                    if sketch.glob {
                        for w in &words.broad {
                            learn(*w, &mut next);
                        }
                    }
                } else if *mark == Mark::No
                    && sketch.header.is_some_and(|h| header_marked[f][h as usize])
                {
                    *mark = Mark::Header;
                    if let Some(t) = local_trait {
                        for n in sketch.names.iter().copied().chain([t]) {
                            learn(n, &mut next);
                        }
                    }
                }
            }
        }
        fresh = next;
    }
    marks
        .into_iter()
        .map(|m| m.into_iter().map(|m| m != Mark::No).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::{outline::outline, tokens::tokenize};
    use super::*;

    fn marks(files: &[&str]) -> Vec<Vec<bool>> {
        let outlines: Vec<Outline> = files.iter().map(|t| outline(t, &tokenize(t).0)).collect();
        let refs: Vec<&Outline> = outlines.iter().collect();
        let words = Words::of_crate("app", std::iter::empty(), std::iter::empty());
        relevant(&refs, &words)
    }

    #[test]
    fn helpers_across_files_are_followed() {
        let m = marks(&[
            "pub fn make() -> u8 { tokio::sync::mpsc::channel(8) }\nfn pure() -> u8 { 1 + 1 }",
            "fn caller() { crate::a::make(); }\nfn other() { pure() }",
            "fn far() { caller() }",
        ]);
        assert_eq!(m, [vec![true, false], vec![true, false], vec![true]]);
    }

    #[test]
    fn imported_names_and_globs_are_followed() {
        let m = marks(&[
            "use tokio::sync::mpsc::Receiver as Rx;\nfn a(r: Rx<u8>) {}\nfn b() {}",
            "use flume::*;\nfn c() { unbounded::<u8>(); }\nfn d() { 1; }",
        ]);
        assert_eq!(m, [vec![true, true, false], vec![true, true, false]]);
    }

    #[test]
    fn methods_of_types_holding_handles_are_kept() {
        let m = marks(&[
            "use tokio::sync::mpsc::Receiver;\nstruct Actor { rx: Receiver<u8> }
             impl Actor { fn run(&mut self) { self.step() } }
             impl std::fmt::Debug for Actor { fn fmt(&self) { 1 } }",
            "fn drive(a: &mut Actor) {}\nfn plain(x: u32) -> u32 { x.fmt() }",
        ]);
        // `run` and `fmt` are kept for their type, but their names tell nothing: `plain`
        // calls `fmt` on a value of no type that matters.
        assert_eq!(m, [vec![true, true, true, true], vec![true, false]]);
    }

    #[test]
    fn the_crates_own_traits_carry_relevance_to_generic_callers() {
        let m = marks(&[
            "use tokio::sync::mpsc::Sender;\ntrait Handle { fn handle(&self); }
             struct A { tx: Sender<u8> }
             impl Handle for A { fn handle(&self) { self.tx.try_send(1); } }",
            "fn dispatch<H: Handle>(h: &H) { h.handle() }",
        ]);
        assert_eq!(m, [vec![true; 5], vec![true]]);
    }

    #[test]
    fn common_segments_mark_nothing() {
        let m = marks(&["use std::sync::Arc;\nfn f() -> Arc<u8> { Arc::new(1) }"]);
        assert_eq!(m, [vec![false, false]]);
    }
}
