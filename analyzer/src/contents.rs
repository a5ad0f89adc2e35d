//! What each body contains, indexed once per crate: its expressions, method calls, `for`
//! loops, `let`s and child bodies, and the method calls a closure or async block is handed
//! to. Questions about one body ("the method calls written in it", "the expressions of this
//! spawned closure and everything nested in it") then cost the size of that body, not of
//! the whole file; asked once per channel, spawn or permit, a scan of the file would make
//! the analysis quadratic.

use crate::facts::{BodyId, ExprFact, ExprId, FileFacts};
use crate::source::FileId;
use rustc_hash::FxHashMap as HashMap;

/// A body as the key of a fact: `None` is file level (a `static` outside any body).
type Key = (FileId, Option<BodyId>);

/// Per body, the indices of the facts written directly in it, in file order.
#[derive(Debug, Default)]
pub struct Contents {
    exprs: HashMap<Key, Vec<ExprId>>,
    calls: HashMap<Key, Vec<u32>>,
    method_calls: HashMap<Key, Vec<u32>>,
    fors: HashMap<Key, Vec<u32>>,
    /// Method calls and `for`s by the innermost loop they are in.
    loop_method_calls: HashMap<(FileId, u32), Vec<u32>>,
    loop_fors: HashMap<(FileId, u32), Vec<u32>>,
    lets: HashMap<Key, Vec<u32>>,
    children: HashMap<BodyId, Vec<BodyId>>,
    /// Method calls with a closure or async block among their arguments, by that body.
    handed_to: HashMap<BodyId, Vec<u32>>,
}

const NONE: &[u32] = &[];

impl Contents {
    /// Indexes the facts of `files`.
    pub fn build<'a>(files: impl Iterator<Item = (usize, &'a FileFacts)>) -> Self {
        let mut c = Contents::default();
        for (f, ff) in files {
            let file = FileId(f as u32);
            for (e, b) in ff.expr_body.iter().enumerate() {
                c.exprs
                    .entry((file, *b))
                    .or_default()
                    .push(ExprId(e as u32));
            }
            for (i, call) in ff.calls.iter().enumerate() {
                c.calls.entry((file, call.body)).or_default().push(i as u32);
            }
            for (i, mc) in ff.method_calls.iter().enumerate() {
                c.method_calls
                    .entry((file, mc.body))
                    .or_default()
                    .push(i as u32);
                if let Some(l) = mc.loop_id {
                    c.loop_method_calls
                        .entry((file, l))
                        .or_default()
                        .push(i as u32);
                }
                for a in &mc.args {
                    if let Some(ExprFact::Body(b)) = ff.exprs.get(a.0 as usize) {
                        let v = c.handed_to.entry(*b).or_default();
                        if v.last() != Some(&(i as u32)) {
                            v.push(i as u32);
                        }
                    }
                }
            }
            for (i, l) in ff.fors.iter().enumerate() {
                c.fors.entry((file, l.body)).or_default().push(i as u32);
                c.loop_fors
                    .entry((file, l.loop_id))
                    .or_default()
                    .push(i as u32);
            }
            for (i, l) in ff.lets.iter().enumerate() {
                c.lets.entry((file, l.body)).or_default().push(i as u32);
            }
            for (i, b) in ff.bodies.iter().enumerate() {
                if let Some(p) = b.parent {
                    let id = BodyId {
                        file,
                        idx: i as u32,
                    };
                    c.children.entry(p).or_default().push(id);
                }
            }
        }
        c
    }

    /// The path calls written directly in `body` of `file`, in file order.
    pub fn calls(&self, file: FileId, body: Option<BodyId>) -> &[u32] {
        self.calls.get(&(file, body)).map_or(NONE, |v| v)
    }

    /// The method calls written directly in `body` of `file`, in file order.
    pub fn method_calls(&self, file: FileId, body: Option<BodyId>) -> &[u32] {
        self.method_calls.get(&(file, body)).map_or(NONE, |v| v)
    }

    /// The `for` loops written directly in `body` of `file`, in file order.
    pub fn fors(&self, file: FileId, body: Option<BodyId>) -> &[u32] {
        self.fors.get(&(file, body)).map_or(NONE, |v| v)
    }

    /// The method calls whose innermost loop is `loop_id` of `file`, in file order.
    pub fn loop_method_calls(&self, file: FileId, loop_id: u32) -> &[u32] {
        self.loop_method_calls
            .get(&(file, loop_id))
            .map_or(NONE, |v| v)
    }

    /// The `for` loops whose own loop id is `loop_id` of `file`.
    pub fn loop_fors(&self, file: FileId, loop_id: u32) -> &[u32] {
        self.loop_fors.get(&(file, loop_id)).map_or(NONE, |v| v)
    }

    /// The `let`s written directly in `body` of `file`, in file order.
    pub fn lets(&self, file: FileId, body: Option<BodyId>) -> &[u32] {
        self.lets.get(&(file, body)).map_or(NONE, |v| v)
    }

    /// The method calls that take closure or async block `b` as an argument, in file order.
    pub fn handed_to(&self, b: BodyId) -> &[u32] {
        self.handed_to.get(&b).map_or(NONE, |v| v)
    }

    /// The expressions of `b` and of every body nested in it, sorted.
    pub fn exprs_within(&self, b: BodyId) -> Vec<ExprId> {
        let mut out = Vec::new();
        let mut stack = vec![b];
        while let Some(b) = stack.pop() {
            if let Some(e) = self.exprs.get(&(b.file, Some(b))) {
                out.extend_from_slice(e);
            }
            if let Some(c) = self.children.get(&b) {
                stack.extend_from_slice(c);
            }
        }
        out.sort_unstable();
        out
    }

    /// The expressions of `file` in every body of `roots` and those nested in them, sorted,
    /// each once.
    pub fn exprs_within_all(&self, file: FileId, roots: &[BodyId]) -> Vec<ExprId> {
        let mut out: Vec<ExprId> = roots
            .iter()
            .filter(|r| r.file == file)
            .flat_map(|r| self.exprs_within(*r))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::BodyKind;

    fn facts(src: &str) -> FileFacts {
        let file = syn::parse_file(src).unwrap();
        crate::extract::extract(FileId(0), &file, src, false)
    }

    fn body_named(ff: &FileFacts, name: &str) -> BodyId {
        let idx = ff
            .bodies
            .iter()
            .position(|b| matches!(&b.kind, BodyKind::Fn { name: n, .. } if n == name))
            .unwrap();
        BodyId {
            file: FileId(0),
            idx: idx as u32,
        }
    }

    #[test]
    fn a_body_sees_its_own_facts_and_its_nested_bodies_expressions() {
        let ff = facts(
            "fn a(tx: T) { tx.send(1); for x in xs { x.go(); } \
             spawn(async move { tx.close(); }); }\n\
             fn b(rx: R) { rx.recv(); }",
        );
        let c = Contents::build(std::iter::once((0, &ff)));
        let (a, b) = (body_named(&ff, "a"), body_named(&ff, "b"));
        let methods = |body| -> Vec<&str> {
            c.method_calls(FileId(0), Some(body))
                .iter()
                .map(|&i| ff.method_calls[i as usize].method.as_str())
                .collect()
        };
        assert_eq!(methods(a), ["send", "go"]);
        assert_eq!(methods(b), ["recv"]);
        assert_eq!(c.fors(FileId(0), Some(a)).len(), 1);
        assert!(c.fors(FileId(0), Some(b)).is_empty());
        // The async block's `tx.close()` is in `a`'s subtree, not in `a` itself.
        let within = c.exprs_within(a);
        let close = ff
            .method_calls
            .iter()
            .position(|m| m.method == "close")
            .unwrap();
        let close_expr = ff
            .exprs
            .iter()
            .position(|e| matches!(e, ExprFact::MethodCall(i) if *i as usize == close))
            .unwrap();
        assert!(within.contains(&ExprId(close_expr as u32)));
        assert!(c
            .exprs_within(b)
            .iter()
            .all(|e| ff.expr_body[e.0 as usize] == Some(b)));
        // The async block is handed to no method call; nothing is handed to anything here.
        assert!(ff.bodies.iter().enumerate().all(|(i, _)| c
            .handed_to(BodyId {
                file: FileId(0),
                idx: i as u32
            })
            .is_empty()));
    }
}
