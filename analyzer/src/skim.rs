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
