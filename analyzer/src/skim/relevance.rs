//! Which function bodies of a crate can matter to the analysis. Everything the analysis
//! follows starts at a library item it knows (a channel, semaphore or lock constructor or
//! type, a spawn, a framework's trait or address, bpcheck's declarations, an API of the
//! configuration), and every library path starts with its crate's name: code can only
//! reach such an item through a word that names it (`tokio::..`, or a name a `use` of it
//! brought in). So a body matters when it mentions a seed word or the name of a crate
//! item that does, to a fixed point over the crate. Methods and wrappers (`send`,
//! `Arc::new`, `drop`) act on values whose origin is written where the value comes from.
//! Code that matters may also hand a handle to any crate function it calls (a generic
//! `fn pass<T>(x: T) -> T`), so what it names is kept too, and what that names, in turn.
//! Every other body neither makes nor receives anything the analysis follows, and is not
//! parsed.

use super::outline::Outline;
use super::tokens::ident_hash;
use rustc_hash::{FxHashMap, FxHashSet};

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
        let catalog = Catalog::get();
        // A crate the catalog knows (tokio itself) names its items without its own name.
        if catalog.seed_words.contains(krate) {
            return Words {
                seeds: catalog.broad.clone(),
                broad: catalog.broad.clone(),
                all: false,
            };
        }
        let renamed = renames
            .filter(|(_, pkg)| catalog.seed_words.contains(pkg.replace('-', "_").as_str()))
            .map(|(name, _)| name);
        let mut seeds = catalog.seeds.clone();
        seeds.extend(hashes(renamed.chain(apis)));
        Words {
            seeds,
            broad: catalog.broad.clone(),
            all: false,
        }
    }
}

/// The catalog's words, read once per process.
struct Catalog {
    seed_words: FxHashSet<&'static str>,
    seeds: FxHashSet<u64>,
    broad: FxHashSet<u64>,
}

impl Catalog {
    fn get() -> &'static Catalog {
        static CATALOG: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
        CATALOG.get_or_init(|| {
            let first = |p: &'static str| p.split("::").find(|w| !COMMON.contains(w));
            let mut seed_words: FxHashSet<&'static str> = crate::catalog::origin_paths()
                .filter_map(first)
                .chain(bpcheck_decl::CRATES.iter().copied())
                .collect();
            // Other crates' names for them (`crossbeam::channel` for `crossbeam_channel`).
            let telling = |p: &[&'static str]| p.iter().copied().find(|w| !COMMON.contains(w));
            let aliases: Vec<&'static str> = crate::catalog::reexports()
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
            Catalog {
                seeds: hashes(seed_words.iter().copied()),
                seed_words,
                broad,
            }
        })
    }
}

/// What skimming decided of one sketch.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Mark {
    /// Nothing that matters mentions it, and it mentions nothing that matters.
    No,
    /// Called (named) by code that matters: kept, as its summary may carry what that code
    /// passes it (`fn pass<T>(x: T) -> T`), but its name tells nothing new.
    Callee,
    /// In a block whose header matters (a method of a type holding a handle): kept, but
    /// its name tells nothing new, unless the trait is the crate's own.
    Header,
    /// Mentions something that matters: kept, and its names matter.
    Own,
}

/// For each file, which sketches matter (see the module's documentation).
///
/// Words travel two ways: a sketch that mentions a known word matters and makes its names
/// known (callers of a helper that makes a channel matter); a sketch that matters makes the
/// words it mentions reached, and a function whose name is reached is kept too (what code
/// that matters calls may carry its handles). The first rounds scan every sketch for the
/// words of the round before; most crates are settled then. If words are still coming (a
/// long chain of helpers), the rest goes through indexes from words to sketches, so the
/// cost stays linear in the crate's size.
pub fn relevant(files: &[&Outline], words: &Words) -> Vec<Vec<bool>> {
    if words.all {
        return files.iter().map(|f| vec![true; f.sketches.len()]).collect();
    }
    let mut state = State {
        files,
        words,
        marks: files
            .iter()
            .map(|f| vec![Mark::No; f.sketches.len()])
            .collect(),
        header_marked: files.iter().map(|f| vec![false; f.headers.len()]).collect(),
        local_traits: files
            .iter()
            .flat_map(|f| f.sketches.iter().filter_map(|s| s.trait_def))
            .collect(),
        known: words.seeds.clone(),
        reached: FxHashSet::default(),
    };
    let mut fresh = Fresh {
        known: words.seeds.iter().copied().collect(),
        reached: Vec::new(),
    };
    // A body that declares a file module is parsed, so the loader finds the module.
    for (f, outline) in files.iter().enumerate() {
        for (s, sketch) in outline.sketches.iter().enumerate() {
            if sketch.declares_module {
                state.mark_callee(f, s, &mut fresh);
            }
        }
    }
    for _ in 0..SCANNED_ROUNDS {
        if fresh.is_empty() {
            break;
        }
        fresh = state.scan(fresh);
    }
    if !fresh.is_empty() {
        state.follow_index(fresh);
    }
    state
        .marks
        .into_iter()
        .map(|m| m.into_iter().map(|m| m != Mark::No).collect())
        .collect()
}

/// Rounds of scanning every sketch before switching to an index.
const SCANNED_ROUNDS: usize = 3;

/// Words learned and not yet followed.
#[derive(Default)]
struct Fresh {
    /// Words that make what mentions them matter.
    known: Vec<u64>,
    /// Words that code that matters mentions: what they name is kept.
    reached: Vec<u64>,
}

impl Fresh {
    fn is_empty(&self) -> bool {
        self.known.is_empty() && self.reached.is_empty()
    }
}

/// Where one crate's weighing stands.
struct State<'a> {
    files: &'a [&'a Outline],
    words: &'a Words,
    marks: Vec<Vec<Mark>>,
    header_marked: Vec<Vec<bool>>,
    /// Names of the traits the crate defines.
    local_traits: FxHashSet<u64>,
    /// The words that matter so far.
    known: FxHashSet<u64>,
    /// The words code that matters mentions so far.
    reached: FxHashSet<u64>,
}

impl State<'_> {
    /// One round: marks what the words of `fresh` reach; returns the words learned.
    fn scan(&mut self, fresh: Fresh) -> Fresh {
        let known: FxHashSet<u64> = fresh.known.into_iter().collect();
        let reached: FxHashSet<u64> = fresh.reached.into_iter().collect();
        let mut learned = Fresh::default();
        for f in 0..self.files.len() {
            let outline = self.files[f];
            for (h, header) in outline.headers.iter().enumerate() {
                if header.idents.iter().any(|w| known.contains(w)) {
                    self.header_marked[f][h] = true;
                }
            }
            for (s, sketch) in outline.sketches.iter().enumerate() {
                if sketch.idents.iter().any(|w| known.contains(w)) {
                    self.mark_own(f, s, &mut learned);
                } else if sketch
                    .header
                    .is_some_and(|h| self.header_marked[f][h as usize])
                {
                    self.mark_header(f, s, &mut learned);
                } else if sketch.callee.is_some_and(|w| reached.contains(&w)) {
                    self.mark_callee(f, s, &mut learned);
                }
            }
        }
        learned
    }

    /// Follows `fresh` words, and those they teach, through indexes of the sketches and
    /// headers not yet marked.
    fn follow_index(&mut self, mut fresh: Fresh) {
        let mut mentions: FxHashMap<u64, Vec<(usize, usize)>> = FxHashMap::default();
        let mut named: FxHashMap<u64, Vec<(usize, usize)>> = FxHashMap::default();
        let mut headers: FxHashMap<u64, Vec<(usize, usize)>> = FxHashMap::default();
        let mut of_header: FxHashMap<(usize, u32), Vec<usize>> = FxHashMap::default();
        for (f, outline) in self.files.iter().enumerate() {
            for (s, sketch) in outline.sketches.iter().enumerate() {
                if let Some(h) = sketch.header {
                    of_header.entry((f, h)).or_default().push(s);
                }
                if self.marks[f][s] != Mark::Own {
                    for w in &sketch.idents {
                        mentions.entry(*w).or_default().push((f, s));
                    }
                }
                if let Some(w) = sketch.callee.filter(|_| self.marks[f][s] == Mark::No) {
                    named.entry(w).or_default().push((f, s));
                }
            }
            for (h, header) in outline.headers.iter().enumerate() {
                if !self.header_marked[f][h] {
                    for w in &header.idents {
                        headers.entry(*w).or_default().push((f, h));
                    }
                }
            }
        }
        loop {
            if let Some(w) = fresh.known.pop() {
                for (f, s) in mentions.remove(&w).unwrap_or_default() {
                    self.mark_own(f, s, &mut fresh);
                }
                for (f, h) in headers.remove(&w).unwrap_or_default() {
                    if std::mem::replace(&mut self.header_marked[f][h], true) {
                        continue;
                    }
                    for &s in of_header.get(&(f, h as u32)).into_iter().flatten() {
                        self.mark_header(f, s, &mut fresh);
                    }
                }
            } else if let Some(w) = fresh.reached.pop() {
                for (f, s) in named.remove(&w).unwrap_or_default() {
                    self.mark_callee(f, s, &mut fresh);
                }
            } else {
                break;
            }
        }
    }

    /// The sketch mentions a word that matters: kept, and its names matter.
    fn mark_own(&mut self, f: usize, s: usize, learned: &mut Fresh) {
        let before = std::mem::replace(&mut self.marks[f][s], Mark::Own);
        if before == Mark::Own {
            return;
        }
        let sketch = &self.files[f].sketches[s];
        let names = sketch.names.iter().copied().chain(self.local_trait(f, s));
        let broad = sketch
            .glob
            .then_some(&self.words.broad)
            .into_iter()
            .flatten();
        for n in names.chain(broad.copied()).collect::<Vec<_>>() {
            if self.known.insert(n) {
                learned.known.push(n);
            }
        }
        if before == Mark::No {
            self.reach_from(f, s, learned);
        }
    }

    /// The sketch's block header matters: kept; its names matter only for a trait the crate
    /// defines (generic code calls the trait's methods by name).
    fn mark_header(&mut self, f: usize, s: usize, learned: &mut Fresh) {
        if self.marks[f][s] >= Mark::Header {
            return;
        }
        let before = std::mem::replace(&mut self.marks[f][s], Mark::Header);
        if let Some(t) = self.local_trait(f, s) {
            let names = self.files[f].sketches[s].names.iter().copied();
            for n in names.chain([t]).collect::<Vec<_>>() {
                if self.known.insert(n) {
                    learned.known.push(n);
                }
            }
        }
        if before == Mark::No {
            self.reach_from(f, s, learned);
        }
    }

    /// Code that matters calls the function (names it): kept.
    fn mark_callee(&mut self, f: usize, s: usize, learned: &mut Fresh) {
        if self.marks[f][s] != Mark::No {
            return;
        }
        self.marks[f][s] = Mark::Callee;
        self.reach_from(f, s, learned);
    }

    /// What a kept sketch mentions is reached.
    fn reach_from(&mut self, f: usize, s: usize, learned: &mut Fresh) {
        for w in &self.files[f].sketches[s].idents {
            if self.reached.insert(*w) {
                learned.reached.push(*w);
            }
        }
    }

    /// The trait of the sketch's `impl` or `trait` block, when the crate defines it.
    fn local_trait(&self, f: usize, s: usize) -> Option<u64> {
        let outline = self.files[f];
        let h = outline.sketches[s].header?;
        outline.headers[h as usize]
            .trait_name
            .filter(|t| self.local_traits.contains(t))
    }
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
    fn long_chains_of_helpers_are_followed_to_the_end() {
        // More links than the scanned rounds: the rest goes through the index.
        let mut files = vec!["pub fn step0() { tokio::spawn(async {}); }".to_string()];
        files.extend((1..50).map(|i| format!("pub fn step{i}() {{ step{}() }}", i - 1)));
        files.push("pub fn other() { 1 }".to_string());
        files.push("trait Step { fn step(&self); }\nstruct S;\nimpl Step for S { fn step(&self) { step49() } }\nfn g<T: Step>(t: T) { t.step() }".to_string());
        let refs: Vec<&str> = files.iter().map(String::as_str).collect();
        let m = marks(&refs);
        assert!(m[..50].iter().all(|f| f == &[true]), "{m:?}");
        assert_eq!(m[50], [false]);
        // The impl calls the chain; its trait's name and method reach the generic caller.
        assert_eq!(m[51], [true; 5]);
    }

    #[test]
    fn what_code_that_matters_calls_is_kept() {
        let m = marks(&[
            "fn pass<T>(x: T) -> T { deeper(x) }\nfn deeper<T>(x: T) -> T { x }\nfn idle(x: u8) -> u8 { x }",
            "fn run() { let (tx, _rx) = tokio::sync::mpsc::channel::<u8>(1); let _tx = pass(tx); }\nfn other() { idle(1); }",
        ]);
        // `pass` may hand the sender back, and so may `deeper`; `idle` only `other` calls.
        assert_eq!(m, [vec![true, true, false], vec![true, false]]);
    }

    #[test]
    fn common_segments_mark_nothing() {
        let m = marks(&["use std::sync::Arc;\nfn f() -> Arc<u8> { Arc::new(1) }"]);
        assert_eq!(m, [vec![false, false]]);
    }
}
