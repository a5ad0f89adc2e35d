//! Nesting depth: generated code can nest thousands of blocks or parentheses, and `syn`'s
//! parser and every recursive walk of the analysis recurse once per level. Files nested
//! deeper than [`MAX_DEPTH`] brackets are parsed with their too-deep groups emptied, and each
//! cut is reported (BP904); the rest of the file is analyzed as usual.

use proc_macro2::{Group, TokenStream, TokenTree};

/// The deepest bracket nesting analyzed.
pub const MAX_DEPTH: usize = 256;

/// `text` as `syn` should read it: a byte order mark and a `#!` line blanked with spaces, so
/// byte offsets stay those of the file (`syn::parse_file` would strip them and shift them).
pub fn blanked(text: &str) -> std::borrow::Cow<'_, str> {
    let bom = text.starts_with('\u{feff}');
    let body = if bom { &text[3..] } else { text };
    let shebang = body.starts_with("#!") && !body[2..].trim_start().starts_with('[');
    if !bom && !shebang {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    if bom {
        out.push_str("   ");
    }
    if shebang {
        let end = body.find('\n').unwrap_or(body.len());
        out.extend(std::iter::repeat_n(' ', end));
        out.push_str(&body[end..]);
    } else {
        out.push_str(body);
    }
    out.into()
}

/// Parses a file nested deeper than [`MAX_DEPTH`]: groups below that depth are emptied
/// (`{}`, `()`, `[]` keep most items valid). Returns the file and the byte range of each
/// emptied group.
pub fn parse_cut(text: &str) -> syn::Result<(syn::File, Vec<(usize, usize)>)> {
    // Lexing is iterative in proc-macro2; only the cut below recurses, at most MAX_DEPTH deep.
    let tokens: TokenStream = text
        .parse()
        .map_err(|e: proc_macro2::LexError| syn::Error::new(e.span(), e))?;
    let mut cuts = Vec::new();
    let cut = cut_deep(tokens, 0, &mut cuts);
    Ok((syn::parse2(cut)?, cuts))
}

fn cut_deep(tokens: TokenStream, depth: usize, cuts: &mut Vec<(usize, usize)>) -> TokenStream {
    tokens
        .into_iter()
        .map(|tt| match tt {
            TokenTree::Group(g) => {
                let inner = if depth + 1 >= MAX_DEPTH && !g.stream().is_empty() {
                    let r = g.span().byte_range();
                    cuts.push((r.start, r.end));
                    TokenStream::new()
                } else {
                    cut_deep(g.stream(), depth + 1, cuts)
                };
                let mut out = Group::new(g.delimiter(), inner);
                out.set_span(g.span());
                TokenTree::Group(out)
            }
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blanks_bom_and_shebang_keeping_offsets() {
        let t = "\u{feff}#!/usr/bin/env run\nfn main() {}";
        let b = blanked(t);
        assert_eq!(b.len(), t.len());
        assert_eq!(&b[b.find("fn").unwrap()..], "fn main() {}");
        assert!(syn::parse_str::<syn::File>(&b).is_ok());
        assert_eq!(blanked("#![allow(x)] fn f() {}"), "#![allow(x)] fn f() {}");
    }

    #[test]
    fn deep_groups_are_emptied_and_reported() {
        let deep = format!(
            "fn f() -> u8 {{ {}1{} }}\nfn g() {{}}",
            "(".repeat(2000),
            ")".repeat(2000)
        );
        // The analysis runs this on its deep-stacked threads; so does the test.
        let text = deep.clone();
        let (items, cuts) = std::thread::Builder::new()
            .stack_size(1 << 28)
            .spawn(move || parse_cut(&text).map(|(f, c)| (f.items.len(), c)).unwrap())
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(items, 2);
        assert_eq!(cuts.len(), 1);
        let (s, e) = cuts[0];
        assert!(deep[s..e].starts_with('(') && deep[s..e].ends_with(')'));
    }
}
