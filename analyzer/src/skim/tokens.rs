//! A fast tokenizer for skimming: identifiers (hashed), punctuation and matched brackets,
//! with comments and literals skipped. It never fails: text that is not Rust still gives
//! tokens, and unbalanced brackets are closed at the end.

use std::hash::{BuildHasher, Hasher};

/// What a token is.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An identifier or keyword; `hash` is its hash (without `r#`).
    Ident,
    /// One punctuation byte.
    Punct(u8),
    /// An opening bracket (`(`, `[` or `{`); `aux` is the index of its closing token.
    Open(u8),
    /// A closing bracket; `aux` is the index of its opening token.
    Close(u8),
    /// A string, character or number literal.
    Literal,
    /// A lifetime or loop label (`'a`).
    Lifetime,
}

/// One token: its kind, byte range, and for identifiers their hash.
#[derive(Copy, Clone, Debug)]
pub struct Tok {
    pub kind: Kind,
    pub start: u32,
    pub end: u32,
    /// For brackets, the index of the matching one.
    pub aux: u32,
    pub hash: u64,
}

/// The hash identifiers are compared by (collisions only make skimming keep more code).
pub fn ident_hash(name: &[u8]) -> u64 {
    let mut h = rustc_hash::FxBuildHasher.build_hasher();
    h.write(name);
    h.finish()
}

/// The tokens of `text` and its deepest bracket nesting.
#[cfg(test)]
pub fn tokenize(text: &str) -> (Vec<Tok>, usize) {
    let mut toks = Vec::new();
    let depth = tokenize_into(text, &mut toks);
    (toks, depth)
}

/// Replaces the contents of `toks` with the tokens of `text`; returns its deepest bracket
/// nesting. Reusing one vector spares touching fresh memory for every file.
pub fn tokenize_into(text: &str, toks: &mut Vec<Tok>) -> usize {
    lex(text, toks, &mut |_, _| {})
}

/// Calls `on` with the byte range of every `//` comment of `text` (doc comments included),
/// from `//` to the end of its line, in order; string and character literals and block
/// comments are skipped, so text that only looks like a comment is not one.
pub fn line_comments(text: &str, mut on: impl FnMut(usize, usize)) {
    lex(text, &mut Vec::new(), &mut on);
}

fn lex(text: &str, toks: &mut Vec<Tok>, on_comment: &mut dyn FnMut(usize, usize)) -> usize {
    let b = text.as_bytes();
    toks.clear();
    toks.reserve(b.len() / 5 + 16);
    let mut open: Vec<u32> = Vec::new();
    let mut max_depth = 0;
    let mut i = 0;
    let push = |toks: &mut Vec<Tok>, kind, start: usize, end: usize, hash| {
        toks.push(Tok {
            kind,
            start: start as u32,
            end: end as u32,
            aux: 0,
            hash,
        })
    };
    while i < b.len() {
        let space = space_len(b, i);
        if space > 0 {
            i += space;
            continue;
        }
        let c = b[i];
        match c {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = memchr(b'\n', &b[i..]).map_or(b.len(), |e| i + e);
                on_comment(i, end);
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => i = block_comment_end(b, i),
            b'"' => {
                let end = string_end(b, i + 1);
                push(toks, Kind::Literal, i, end, 0);
                i = end;
            }
            b'\'' => {
                let end = char_or_lifetime(b, i);
                let kind = if end.1 { Kind::Literal } else { Kind::Lifetime };
                push(toks, kind, i, end.0, 0);
                i = end.0;
            }
            b'0'..=b'9' => {
                let mut j = i + 1;
                while j < b.len() && is_ident_at(b, j) {
                    j += 1;
                }
                if b.get(j) == Some(&b'.') && b.get(j + 1).is_some_and(u8::is_ascii_digit) {
                    j += 1;
                    while j < b.len() && is_ident_at(b, j) {
                        j += 1;
                    }
                }
                push(toks, Kind::Literal, i, j, 0);
                i = j;
            }
            b'(' | b'[' | b'{' => {
                open.push(toks.len() as u32);
                max_depth = max_depth.max(open.len());
                push(toks, Kind::Open(c), i, i + 1, 0);
                i += 1;
            }
            b')' | b']' | b'}' => {
                let me = toks.len() as u32;
                push(toks, Kind::Close(c), i, i + 1, 0);
                if let Some(o) = open.pop() {
                    toks[o as usize].aux = me;
                    toks[me as usize].aux = o;
                } else {
                    toks[me as usize].aux = me;
                }
                i += 1;
            }
            c if is_ident(c) => {
                let mut j = i + 1;
                while j < b.len() && is_ident_at(b, j) {
                    j += 1;
                }
                let word = &b[i..j];
                // String prefixes: b"..", c"..", r"..", br#".."#, cr"..".
                let raw = matches!(word, b"r" | b"br" | b"cr");
                if raw && matches!(b.get(j), Some(b'"' | b'#')) {
                    let hashes = b[j..].iter().take_while(|c| **c == b'#').count();
                    if b.get(j + hashes) == Some(&b'"') {
                        let end = raw_string_end(b, j + hashes + 1, hashes);
                        push(toks, Kind::Literal, i, end, 0);
                        i = end;
                        continue;
                    }
                    if word == b"r" && hashes == 1 && b.get(j + 1).is_some_and(|c| is_ident(*c)) {
                        // A raw identifier: `r#type`.
                        let mut k = j + 1;
                        while k < b.len() && is_ident_at(b, k) {
                            k += 1;
                        }
                        push(toks, Kind::Ident, i, k, ident_hash(&b[j + 1..k]));
                        i = k;
                        continue;
                    }
                }
                if matches!(word, b"b" | b"c") && b.get(j) == Some(&b'"') {
                    let end = string_end(b, j + 1);
                    push(toks, Kind::Literal, i, end, 0);
                    i = end;
                    continue;
                }
                if word == b"b" && b.get(j) == Some(&b'\'') {
                    let end = char_or_lifetime(b, j).0;
                    push(toks, Kind::Literal, i, end, 0);
                    i = end;
                    continue;
                }
                push(toks, Kind::Ident, i, j, ident_hash(word));
                i = j;
            }
            _ => {
                push(toks, Kind::Punct(c), i, i + 1, 0);
                i += 1;
            }
        }
    }
    // Unclosed brackets close at the end of the text.
    for o in open.into_iter().rev() {
        let me = toks.len() as u32;
        let Kind::Open(c) = toks[o as usize].kind else {
            continue;
        };
        push(toks, Kind::Close(closing(c)), b.len(), b.len(), 0);
        toks[o as usize].aux = me;
        toks[me as usize].aux = o;
    }
    max_depth
}

fn closing(open: u8) -> u8 {
    match open {
        b'(' => b')',
        b'[' => b']',
        _ => b'}',
    }
}

/// Identifier bytes; any non-ASCII byte counts (Unicode identifiers), so multi-byte
/// characters never split.
fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

/// An identifier byte at `i` that does not start a whitespace character.
fn is_ident_at(b: &[u8], i: usize) -> bool {
    is_ident(b[i]) && space_len(b, i) == 0
}

/// The length of the whitespace character at `i` (Rust's `Pattern_White_Space`: ASCII
/// blanks, U+0085, U+200E, U+200F, U+2028, U+2029), or 0.
fn space_len(b: &[u8], i: usize) -> usize {
    match b[i..] {
        [b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c, ..] => 1,
        [0xc2, 0x85, ..] => 2,
        [0xe2, 0x80, 0x8e | 0x8f | 0xa8 | 0xa9, ..] => 3,
        _ => 0,
    }
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|c| *c == needle)
}

/// The end of a `/* */` comment starting at `i` (nested ones included).
fn block_comment_end(b: &[u8], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < b.len() {
        if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
            depth += 1;
            i += 2;
        } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    b.len()
}

/// The end of a string whose contents start at `i` (escapes followed).
fn string_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// The end of a raw string whose contents start at `i`, closed by `"` and `hashes` `#`s.
fn raw_string_end(b: &[u8], mut i: usize, hashes: usize) -> usize {
    while i < b.len() {
        if b[i] == b'"'
            && b[i + 1..]
                .iter()
                .take(hashes)
                .filter(|c| **c == b'#')
                .count()
                == hashes
        {
            return i + 1 + hashes;
        }
        i += 1;
    }
    b.len()
}

/// The end of the character literal or lifetime at `i` (a `'`), and whether it is a
/// character literal.
fn char_or_lifetime(b: &[u8], i: usize) -> (usize, bool) {
    if b.get(i + 1) == Some(&b'\\') {
        // '\n', '\'', '\u{..}': up to the next quote after the escaped character.
        let from = i + 3;
        return match b.get(from..).and_then(|r| memchr(b'\'', r)) {
            Some(e) => (from + e + 1, true),
            None => (b.len(), true),
        };
    }
    // One character (of any UTF-8 length) and a closing quote: a character literal.
    let len = match b.get(i + 1) {
        Some(c) if *c < 0x80 => 1,
        Some(c) if *c >= 0xf0 => 4,
        Some(c) if *c >= 0xe0 => 3,
        Some(_) => 2,
        None => return (b.len(), false),
    };
    if b.get(i + 1 + len) == Some(&b'\'') {
        return (i + 2 + len, true);
    }
    let mut j = i + 1;
    while j < b.len() && is_ident_at(b, j) {
        j += 1;
    }
    (j.max(i + 1), false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idents(text: &str) -> Vec<&str> {
        let (toks, _) = tokenize(text);
        toks.iter()
            .filter(|t| t.kind == Kind::Ident)
            .map(|t| &text[t.start as usize..t.end as usize])
            .collect()
    }

    #[test]
    fn skips_comments_and_literals() {
        let text = r####"a /* b /* c */ d */ e // f
            "g \" h" r#"i " j"# br##"k"## b"l" 'm' '\'' 'n: x.0.1 1.5e3 r#type c"o""####;
        assert_eq!(idents(text), ["a", "e", "x", "r#type"]);
    }

    #[test]
    fn matches_brackets_and_closes_what_is_left_open() {
        let (toks, depth) = tokenize("f(a[{b}]) { (");
        assert_eq!(depth, 3);
        for (i, t) in toks.iter().enumerate() {
            match t.kind {
                Kind::Open(_) => assert!(matches!(toks[t.aux as usize].kind, Kind::Close(_))),
                Kind::Close(_) => assert_eq!(toks[t.aux as usize].aux as usize, i),
                _ => {}
            }
        }
    }

    #[test]
    fn depth_skips_comments_strings_and_chars() {
        let depth = |t: &str| tokenize(t).1;
        assert_eq!(depth("fn f() { let a = [(1)]; }"), 3);
        assert_eq!(
            depth("// ((((\n/* {{{{ /* [[ */ */ let s = \"(((\"; let c = '(';"),
            0
        );
        assert_eq!(depth("let c = '\\''; (x)"), 1);
    }

    #[test]
    fn unicode_whitespace_separates_identifiers() {
        assert_eq!(
            idents("a\u{2028}b\u{200e}c\u{85}d é"),
            ["a", "b", "c", "d", "é"]
        );
    }

    #[test]
    fn lifetimes_are_not_char_literals() {
        let (toks, _) = tokenize("fn f<'a>(x: &'a u8) -> char { 'x' }");
        let lifetimes = toks.iter().filter(|t| t.kind == Kind::Lifetime).count();
        let literals = toks.iter().filter(|t| t.kind == Kind::Literal).count();
        assert_eq!((lifetimes, literals), (2, 1));
    }
}
