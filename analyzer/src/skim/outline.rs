//! The outline of a file for skimming: its items, each with the identifiers it mentions,
//! the names it makes known when it matters, and for functions the body that can be
//! skipped when it does not.

use super::tokens::{ident_hash, Kind, Tok};

/// One item (a function, a type, a `use`, a macro ...) as skimming sees it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sketch {
    /// Hashes of every identifier of the item (attributes, signature, body), sorted,
    /// without repeats; keywords left out.
    pub idents: Vec<u64>,
    /// Hashes of the names that code elsewhere uses it by.
    pub names: Vec<u64>,
    /// For a function with a body: the byte range inside its braces.
    pub body: Option<(u32, u32)>,
    /// For a function in an `impl` or `trait`: the header's index in [`Outline::headers`].
    pub header: Option<u32>,
    /// A `use` ending in `*`.
    pub glob: bool,
    /// For a `trait`: its name.
    pub trait_def: Option<u64>,
    /// For a function: its own name, which calls of it mention.
    pub callee: Option<u64>,
    /// For a function whose body declares a file module (`mod imp;`): the loader must see
    /// that declaration, so the body is always parsed.
    pub declares_module: bool,
}

/// The header of an `impl` or `trait` block.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Header {
    /// Every identifier of the header (attributes included).
    pub idents: Vec<u64>,
    /// The last identifier of the self type (`Actor` in `impl<T> X for Actor<T>`); for a
    /// trait, none.
    pub self_ty: Option<u64>,
    /// The trait's name (`X`), for a trait impl or a trait.
    pub trait_name: Option<u64>,
}

/// The items of a file, and the headers of the blocks its functions are in.
#[derive(Clone, Debug, Default)]
pub struct Outline {
    pub sketches: Vec<Sketch>,
    pub headers: Vec<Header>,
}

/// The items of a whole file.
pub fn outline(text: &str, toks: &[Tok]) -> Outline {
    let mut out = Outline::default();
    items(text, toks, 0, toks.len(), None, 0, &mut out);
    out
}

fn word<'a>(text: &'a str, t: &Tok) -> &'a str {
    if t.kind == Kind::Ident {
        &text[t.start as usize..t.end as usize]
    } else {
        ""
    }
}

fn is_punct(t: Option<&Tok>, c: u8) -> bool {
    t.is_some_and(|t| t.kind == Kind::Punct(c))
}

fn is_open(t: Option<&Tok>, c: u8) -> bool {
    t.is_some_and(|t| t.kind == Kind::Open(c))
}

/// The index after the token at `i`: after its closing bracket for an opening one.
fn skip(toks: &[Tok], i: usize) -> usize {
    match toks[i].kind {
        Kind::Open(_) => toks[i].aux as usize + 1,
        _ => i + 1,
    }
}

/// The first `;` or `{` group at this level from `i`, before `end`, outside generic
/// arguments (`-> Slot<{ 1 }>`, `where Assert<{ N > 0 }>: True` hold braces of their own).
fn find_end(toks: &[Tok], mut i: usize, end: usize) -> (usize, Option<usize>) {
    let mut angle = 0usize;
    while i < end {
        match toks[i].kind {
            Kind::Punct(b'<') => angle += 1,
            // `->` is an arrow, not a closing angle.
            Kind::Punct(b'>') if !is_punct(i.checked_sub(1).and_then(|p| toks.get(p)), b'-') => {
                angle = angle.saturating_sub(1)
            }
            Kind::Punct(b';') => return (i + 1, None),
            Kind::Open(b'{') if angle == 0 => return (toks[i].aux as usize + 1, Some(i)),
            _ => {}
        }
        i = skip(toks, i);
    }
    (end, None)
}

/// Up to and including the next `;` at this level (initializers may hold braces).
fn to_semicolon(toks: &[Tok], mut i: usize, end: usize) -> usize {
    while i < end {
        if toks[i].kind == Kind::Punct(b';') {
            return i + 1;
        }
        i = skip(toks, i);
    }
    end
}

/// The items of a block whose braces open at `g`: an `impl` or `trait` (its `header`), an
/// inline module or an `extern` block.
fn block(
    text: &str,
    toks: &[Tok],
    g: usize,
    header: Option<Header>,
    depth: usize,
    out: &mut Outline,
) {
    let h = header.map(|header| {
        out.headers.push(header);
        (out.headers.len() - 1) as u32
    });
    let close = toks[g].aux as usize;
    items(text, toks, g + 1, close, h, depth + 1, out);
}

/// Strict keywords: never the name of an item, so never worth remembering. (Primitive
/// type names and `union` are legal names of functions.)
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "_",
];

fn is_keyword(hash: u64) -> bool {
    static HASHES: std::sync::OnceLock<rustc_hash::FxHashSet<u64>> = std::sync::OnceLock::new();
    HASHES
        .get_or_init(|| KEYWORDS.iter().map(|k| ident_hash(k.as_bytes())).collect())
        .contains(&hash)
}

fn idents_of(toks: &[Tok], from: usize, to: usize) -> Vec<u64> {
    let mut v: Vec<u64> = toks[from..to]
        .iter()
        .filter(|t| t.kind == Kind::Ident && !is_keyword(t.hash))
        .map(|t| t.hash)
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

fn name_at(text: &str, toks: &[Tok], i: usize) -> Option<u64> {
    let t = toks.get(i)?;
    (t.kind == Kind::Ident && word(text, t) != "_").then_some(t.hash)
}

/// The items between `from` and `to` (a file, or the inside of a module, `impl`, `trait`
/// or `extern` block `depth` blocks deep). Items nested deeper than the analysis parses are
/// not outlined, so never skipped.
fn items(
    text: &str,
    toks: &[Tok],
    from: usize,
    to: usize,
    ctx: Option<u32>,
    depth: usize,
    out: &mut Outline,
) {
    if depth > crate::depth::MAX_DEPTH {
        return;
    }
    let mut i = from;
    while i < to {
        let start = i;
        // Attributes, visibility and qualifiers.
        loop {
            if is_punct(toks.get(i), b'#') {
                let mut j = i + 1;
                if is_punct(toks.get(j), b'!') {
                    j += 1;
                }
                if j < to && is_open(toks.get(j), b'[') {
                    i = skip(toks, j);
                    continue;
                }
            }
            match toks.get(i).filter(|_| i < to).map(|t| word(text, t)) {
                Some("pub") => {
                    i += 1;
                    if is_open(toks.get(i), b'(') {
                        i = skip(toks, i);
                    }
                }
                Some("default" | "async" | "unsafe" | "safe") => i += 1,
                Some("const")
                    if matches!(
                        next_word(text, toks, i),
                        "fn" | "unsafe" | "async" | "extern"
                    ) =>
                {
                    i += 1
                }
                Some("extern")
                    if toks.get(i + 1).is_some_and(|t| t.kind == Kind::Literal)
                        && matches!(toks.get(i + 2).map(|t| word(text, t)), Some("fn")) =>
                {
                    i += 2
                }
                Some("extern") if next_word(text, toks, i) == "fn" => i += 1,
                _ => break,
            }
        }
        if i >= to {
            break;
        }
        let kw = word(text, &toks[i]);
        match kw {
            "fn" => i = function(text, toks, start, i, to, ctx, out),
            "struct" | "union" | "enum" | "type" | "const" | "static" | "trait" | "mod"
                if kw != "union" || toks.get(i + 1).is_some_and(|t| t.kind == Kind::Ident) =>
            {
                let mut n = i + 1;
                if matches!(kw, "static") && word(text, &toks[n.min(to - 1)]) == "mut" {
                    n += 1;
                }
                let name = name_at(text, toks, n);
                let (end, group) = if matches!(kw, "const" | "static" | "type") {
                    (to_semicolon(toks, i, to), None)
                } else {
                    find_end(toks, i, to)
                };
                let first = out.sketches.len();
                match (kw, group) {
                    ("mod", Some(g)) => block(text, toks, g, None, depth, out),
                    ("trait", Some(g)) => {
                        let header = Header {
                            idents: idents_of(toks, start, g),
                            self_ty: None,
                            trait_name: name,
                        };
                        block(text, toks, g, Some(header), depth, out);
                    }
                    _ => {}
                }
                let mut names: Vec<u64> = name.into_iter().collect();
                match (kw, group) {
                    ("enum", Some(g)) => names.extend(variants(toks, g)),
                    // A trait is used by its methods' names too.
                    ("trait", _) => {
                        let methods = out.sketches[first..].iter().flat_map(|s| &s.names);
                        names.extend(methods.copied().collect::<Vec<_>>());
                    }
                    _ => {}
                }
                if kw != "mod" {
                    out.sketches.push(Sketch {
                        idents: idents_of(toks, start, end),
                        names,
                        trait_def: name.filter(|_| kw == "trait"),
                        ..Sketch::default()
                    });
                }
                i = end;
            }
            "impl" => {
                let (end, group) = find_end(toks, i, to);
                if let Some(g) = group {
                    let (self_ty, trait_name) = impl_names(text, toks, i + 1, g);
                    let header = Header {
                        idents: idents_of(toks, start, g),
                        self_ty,
                        trait_name,
                    };
                    block(text, toks, g, Some(header), depth, out);
                }
                i = end;
            }
            "extern" if next_word(text, toks, i) == "crate" => {
                // `extern crate tokio as rt;`: the name it is used by.
                let end = to_semicolon(toks, i, to);
                let name = (i + 2..end)
                    .rev()
                    .find(|&j| toks[j].kind == Kind::Ident)
                    .map(|j| toks[j].hash);
                out.sketches.push(Sketch {
                    idents: idents_of(toks, start, end),
                    names: name.into_iter().collect(),
                    ..Sketch::default()
                });
                i = end;
            }
            "extern" => {
                let (end, group) = find_end(toks, i, to);
                if let Some(g) = group {
                    block(text, toks, g, None, depth, out);
                }
                i = end;
            }
            "use" => {
                let end = to_semicolon(toks, i, to);
                // The names it brings in: every identifier not followed by `::` or `as`.
                let names = (i + 1..end)
                    .filter(|&j| toks[j].kind == Kind::Ident && !is_keyword(toks[j].hash))
                    .filter(|&j| !is_punct(toks.get(j + 1), b':'))
                    .filter(|&j| next_word(text, toks, j) != "as")
                    .map(|j| toks[j].hash)
                    .collect();
                let glob = (i..end).any(|j| is_punct(toks.get(j), b'*'));
                out.sketches.push(Sketch {
                    idents: idents_of(toks, start, end),
                    names,
                    glob,
                    ..Sketch::default()
                });
                i = end;
            }
            _ if toks[i].kind == Kind::Ident => {
                // A macro call or definition (`macro_rules! m {..}`, `lazy_static! {..}`):
                // a path, `!`, maybe a name, a group, maybe `;`.
                let mut j = i;
                while j < to
                    && (toks[j].kind == Kind::Ident
                        || (is_punct(toks.get(j), b':') && is_punct(toks.get(j + 1), b':')))
                {
                    j += if toks[j].kind == Kind::Ident { 1 } else { 2 };
                }
                if !is_punct(toks.get(j), b'!') || j >= to {
                    i += 1;
                    continue;
                }
                let macro_rules = word(text, &toks[j - 1]) == "macro_rules";
                j += 1;
                let name = if toks.get(j).is_some_and(|t| t.kind == Kind::Ident) {
                    j += 1;
                    name_at(text, toks, j - 1)
                } else {
                    None
                };
                let group = (j < to && matches!(toks[j].kind, Kind::Open(_))).then_some(j);
                if let Some(g) = group {
                    j = skip(toks, g);
                }
                if is_punct(toks.get(j), b';') && j < to {
                    j += 1;
                }
                let idents = idents_of(toks, start, j.min(to));
                let names = if macro_rules {
                    name.into_iter().collect()
                } else {
                    macro_names(text, toks, group)
                };
                out.sketches.push(Sketch {
                    idents,
                    names,
                    ..Sketch::default()
                });
                i = j.min(to).max(i + 1);
            }
            _ => i = skip(toks, i).min(to.max(i + 1)),
        }
    }
}

/// What a macro call may define: the identifiers at the top level of its group (`m!(A,
/// B)`) and those after an item keyword anywhere in it (`static ref TX: ..`).
fn macro_names(text: &str, toks: &[Tok], group: Option<usize>) -> Vec<u64> {
    let Some(g) = group else { return Vec::new() };
    let close = toks[g].aux as usize;
    let named = |t: &Tok| t.kind == Kind::Ident && !is_keyword(t.hash);
    let mut out = Vec::new();
    let mut j = g + 1;
    while j < close {
        if named(&toks[j]) {
            out.push(toks[j].hash);
        }
        j = skip(toks, j);
    }
    for j in g + 1..close {
        let keyword = matches!(
            word(text, &toks[j - 1]),
            "static"
                | "ref"
                | "fn"
                | "struct"
                | "enum"
                | "const"
                | "type"
                | "trait"
                | "mod"
                | "mut"
        );
        if keyword && named(&toks[j]) {
            out.push(toks[j].hash);
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn next_word<'a>(text: &'a str, toks: &[Tok], i: usize) -> &'a str {
    toks.get(i + 1).map_or("", |t| word(text, t))
}

/// A function at `kw` (its `fn`), whose attributes start at `start`.
fn function(
    text: &str,
    toks: &[Tok],
    start: usize,
    kw: usize,
    to: usize,
    header: Option<u32>,
    out: &mut Outline,
) -> usize {
    let name = name_at(text, toks, kw + 1);
    let (end, group) = find_end(toks, kw, to);
    let declares_module = group.is_some_and(|g| {
        let close = toks[g].aux as usize;
        (g + 1..close.saturating_sub(2)).any(|j| {
            word(text, &toks[j]) == "mod"
                && toks[j + 1].kind == Kind::Ident
                && is_punct(toks.get(j + 2), b';')
        })
    });
    let mut names: Vec<u64> = name.into_iter().collect();
    if let Some(h) = header {
        // Called as `Type::f()` unless it takes `self`.
        if !takes_self(text, toks, kw, group.unwrap_or(end)) {
            names.clear();
        }
        names.extend(out.headers[h as usize].self_ty);
    }
    out.sketches.push(Sketch {
        idents: idents_of(toks, start, end),
        names,
        body: group.map(|g| (toks[g].end, toks[toks[g].aux as usize].start)),
        header,
        callee: name,
        declares_module,
        ..Sketch::default()
    });
    end
}

/// Whether the first parameter of the function at `kw` is `self` in some form.
fn takes_self(text: &str, toks: &[Tok], kw: usize, until: usize) -> bool {
    let Some(p) = (kw..until).find(|&j| is_open(toks.get(j), b'(')) else {
        return false;
    };
    let close = toks[p].aux as usize;
    toks[p + 1..close]
        .iter()
        .take_while(|t| t.kind != Kind::Punct(b','))
        .any(|t| word(text, t) == "self")
}

/// The variant names of an enum whose braces open at `g`.
fn variants(toks: &[Tok], g: usize) -> Vec<u64> {
    let close = toks[g].aux as usize;
    let mut out = Vec::new();
    let mut i = g + 1;
    let mut at_start = true;
    while i < close {
        let t = &toks[i];
        match t.kind {
            Kind::Punct(b',') => at_start = true,
            Kind::Punct(b'#') => {}
            Kind::Open(b'[') if at_start => {}
            Kind::Ident if at_start => {
                out.push(t.hash);
                at_start = false;
            }
            _ => at_start = false,
        }
        i = skip(toks, i);
    }
    out
}

/// The self type and trait of an `impl` header: their paths' last identifiers
/// (`impl<T> Handler<M> for Actor<T>` -> `Actor`, `Handler`).
fn impl_names(text: &str, toks: &[Tok], from: usize, to: usize) -> (Option<u64>, Option<u64>) {
    let mut angle = 0i32;
    let (mut last, mut trait_name) = (None, None);
    let mut i = from;
    while i < to {
        let t = &toks[i];
        match t.kind {
            Kind::Punct(b'<') => angle += 1,
            Kind::Punct(b'>') if !is_punct(i.checked_sub(1).and_then(|p| toks.get(p)), b'-') => {
                angle -= 1
            }
            Kind::Ident if angle == 0 => match word(text, t) {
                "for" => trait_name = last.take(),
                "where" => break,
                "dyn" | "impl" | "mut" | "const" | "unsafe" => {}
                _ => last = Some(t.hash),
            },
            _ => {}
        }
        i = skip(toks, i);
    }
    (last, trait_name)
}

#[cfg(test)]
mod tests {
    use super::super::tokens::tokenize;
    use super::*;

    fn sketches(text: &str) -> Outline {
        let (toks, _) = tokenize(text);
        outline(text, &toks)
    }

    fn h(s: &str) -> u64 {
        ident_hash(s.as_bytes())
    }

    #[test]
    fn functions_have_bodies_and_names() {
        let text = "#[inline] pub(crate) async fn run(x: u8) -> u8 { let y = x; y }\nfn decl();";
        let s = sketches(text).sketches;
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].names, [h("run")]);
        let (a, b) = s[0].body.unwrap();
        assert_eq!(&text[a as usize..b as usize], " let y = x; y ");
        assert!(s[0].idents.contains(&h("inline")) && !s[0].idents.contains(&h("fn")));
        assert_eq!(s[1].body, None);
    }

    #[test]
    fn methods_know_their_impl_header() {
        let text = "impl<T: Clone> Handler<Msg> for Actor<T> where T: Send {
            fn handle(&mut self, m: Msg) { go(m) }
            pub fn new() -> Self { Self }
        }";
        let o = sketches(text);
        let s = &o.sketches;
        assert_eq!(s.len(), 2);
        assert_eq!(o.headers.len(), 1);
        assert_eq!(o.headers[0].self_ty, Some(h("Actor")));
        assert_eq!(o.headers[0].trait_name, Some(h("Handler")));
        assert!(o.headers[0].idents.contains(&h("Send")));
        assert_eq!((s[0].header, s[1].header), (Some(0), Some(0)));
        assert!(s[0].idents.contains(&h("go")) && !s[0].idents.contains(&h("Actor")));
        assert_eq!(s[0].names, [h("handle"), h("Actor")]);
        // `new` takes no `self`: it is called through the type's name.
        assert_eq!(s[1].names, [h("Actor")]);
    }

    #[test]
    fn modules_nested_past_the_depth_limit_are_not_outlined() {
        let deep = format!("{}fn f() {{}}{}", "mod m { ".repeat(300), "}".repeat(300));
        assert!(sketches(&deep).sketches.is_empty());
        let shallow = format!("{}fn f() {{}}{}", "mod m { ".repeat(20), "}".repeat(20));
        assert_eq!(sketches(&shallow).sketches.len(), 1);
    }

    #[test]
    fn types_uses_macros_and_nested_modules() {
        let text = "struct S { tx: Sender<u8> }
            enum E { A(u8), #[doc] B { x: u8 }, C }
            use a::{b as c, d, e::*};
            static mut Q: u8 = { 1 };
            macro_rules! mk { () => { channel() } }
            lazy_static::lazy_static! { static ref R: u8 = 1; }
            mod inner { fn f() {} }
            trait T { fn t(&self) { body() } }
            extern crate tokio as rt;";
        let o = sketches(text);
        let s = &o.sketches;
        let names: Vec<&[u64]> = s.iter().map(|s| s.names.as_slice()).collect();
        assert_eq!(names[0], [h("S")]);
        assert_eq!(names[1], [h("E"), h("A"), h("B"), h("C")]);
        assert_eq!(names[2], [h("c"), h("d")]);
        assert!(s[2].glob && !s[1].glob);
        assert_eq!(names[3], [h("Q")]);
        assert_eq!(names[4], [h("mk")]);
        assert!(names[5].contains(&h("R")));
        assert_eq!(names[6], [h("f")]);
        assert_eq!(names[7], [h("t")]);
        assert!(s[7].body.is_some() && s[7].idents.contains(&h("body")));
        assert_eq!(names[8], [h("T"), h("t")]);
        assert_eq!(s[8].trait_def, Some(h("T")));
        assert_eq!(names[9], [h("rt")]);
        assert_eq!(s.len(), 10);
    }
}
