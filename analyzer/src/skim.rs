//! Skimming: before parsing, a fast lexical pass outlines each file and decides, for the
//! whole crate, which function bodies can matter to the analysis (see [`relevance`]).
//! Bodies that cannot are blanked with spaces, so `syn` parses an empty block there and
//! every byte offset stays that of the file. Skimming changes no finding: it only skips
//! code that has none of the words the analysis acts on.

pub mod outline;
pub mod relevance;
pub mod tokens;

pub use outline::Outline;

/// What skimming learned of one file.
#[derive(Clone, Debug, Default)]
pub struct Skimmed {
    pub outline: Outline,
    /// Deepest bracket nesting (see [`crate::depth`]).
    pub depth: usize,
}

/// Outlines `text`.
pub fn skim(text: &str) -> Skimmed {
    thread_local! {
        static TOKENS: std::cell::RefCell<Vec<tokens::Tok>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    TOKENS.with(|t| {
        let mut toks = t.take();
        let depth = tokens::tokenize_into(text, &mut toks);
        let outline = outline::outline(text, &toks);
        t.replace(toks);
        Skimmed { outline, depth }
    })
}

/// The byte ranges of the bodies of `outline` not marked relevant, in order.
pub fn blank_ranges(outline: &Outline, relevant: &[bool]) -> Vec<(u32, u32)> {
    let mut out: Vec<(u32, u32)> = outline
        .sketches
        .iter()
        .zip(relevant)
        .filter(|(_, r)| !**r)
        .filter_map(|(s, _)| s.body)
        .filter(|(a, b)| a < b)
        .collect();
    out.sort_unstable();
    out
}

/// `text` with the given ranges replaced by spaces (newlines kept, so lines stay too).
pub fn blank(text: &str, ranges: &[(u32, u32)]) -> String {
    let mut out = Vec::with_capacity(text.len());
    let b = text.as_bytes();
    let mut at = 0usize;
    for &(start, end) in ranges {
        let (start, end) = (start as usize, end as usize);
        if start < at || end > b.len() {
            continue;
        }
        out.extend_from_slice(&b[at..start]);
        out.extend(
            b[start..end]
                .iter()
                .map(|&c| if c == b'\n' { b'\n' } else { b' ' }),
        );
        at = end;
    }
    out.extend_from_slice(&b[at..]);
    // Only whole ASCII bytes were replaced, and ranges start and end at ASCII brackets.
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

#[cfg(test)]
mod explore {
    use super::*;
    use std::collections::HashMap;

    #[test]
    #[ignore]
    fn explore() {
        let dir = std::env::var("SKIM_DIR").unwrap();
        let files = crate::collect_rs_files(std::path::Path::new(&dir));
        let texts: Vec<String> = files
            .iter()
            .filter_map(|f| std::fs::read_to_string(f).ok())
            .collect();
        let mut names: HashMap<u64, String> = HashMap::new();
        let sk: Vec<Outline> = texts
            .iter()
            .map(|t| {
                let (toks, _) = tokens::tokenize(t);
                for tk in &toks {
                    if tk.kind == tokens::Kind::Ident {
                        names
                            .entry(tk.hash)
                            .or_insert_with(|| t[tk.start as usize..tk.end as usize].to_string());
                    }
                }
                outline::outline(t, &toks)
            })
            .collect();
        let refs: Vec<&Outline> = sk.iter().collect();
        let words = relevance::Words::of_crate(
            &std::env::var("SKIM_CRATE").unwrap_or_default(),
            std::iter::empty(),
            std::iter::empty(),
        );
        let total: u64 = sk
            .iter()
            .flat_map(|o| &o.sketches)
            .filter_map(|s| s.body)
            .map(|(a, b)| (b - a) as u64)
            .sum();
        let bytes: u64 = texts.iter().map(|t| t.len() as u64).sum();
        let mut seedw: HashMap<u64, u64> = HashMap::new();
        for s in sk.iter().flat_map(|o| &o.sketches) {
            for h in &s.idents {
                if words.seeds.contains(h) {
                    *seedw.entry(*h).or_default() += s.body.map_or(0, |(a, b)| (b - a) as u64);
                }
            }
        }
        let mut sv: Vec<_> = seedw.into_iter().collect();
        sv.sort_by_key(|x| std::cmp::Reverse(x.1));
        eprintln!("bytes {bytes} body bytes {total}");
        eprintln!(
            "seed words: {:?}",
            sv.iter()
                .take(40)
                .map(|(h, n)| (names.get(h).cloned().unwrap_or_default(), n / 1000))
                .collect::<Vec<_>>()
        );
        let marks = relevance::relevant(&refs, &words);
        let kept: u64 = sk
            .iter()
            .zip(&marks)
            .flat_map(|(s, m)| s.sketches.iter().zip(m))
            .filter(|(_, m)| **m)
            .filter_map(|(s, _)| s.body)
            .map(|(a, b)| (b - a) as u64)
            .sum();
        eprintln!("kept body bytes {kept}");
        let mut known: std::collections::HashSet<u64> = words.seeds.iter().copied().collect();
        for (s, m) in sk
            .iter()
            .flat_map(|o| &o.sketches)
            .zip(marks.iter().flatten())
        {
            if *m {
                known.extend(&s.names);
            }
        }
        let mut hit: HashMap<u64, u64> = HashMap::new();
        for (s, m) in sk
            .iter()
            .flat_map(|o| &o.sketches)
            .zip(marks.iter().flatten())
        {
            if *m {
                for h in &s.idents {
                    if known.contains(h) && !words.seeds.contains(h) {
                        *hit.entry(*h).or_default() += s.body.map_or(0, |(a, b)| (b - a) as u64);
                    }
                }
            }
        }
        let mut hv: Vec<_> = hit.into_iter().collect();
        hv.sort_by_key(|x| std::cmp::Reverse(x.1));
        eprintln!(
            "name words: {:?}",
            hv.iter()
                .take(40)
                .map(|(h, n)| (names.get(h).cloned().unwrap_or_default(), n / 1000))
                .collect::<Vec<_>>()
        );
    }
}
