//! Cross-file indices over the facts: resolved call targets, bodies, methods by name,
//! which names each body binds. Built once; flow, tasks and the graph read it.

use crate::catalog::{self, Api};
use crate::facts::{BodyFact, BodyId, BodyKind, ExprFact, ExprId, FileFacts, ItemKind, PatFact};
use crate::resolve::{Res, Resolver};
use crate::source::FileId;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::collections::{HashMap, HashSet};

/// What a path call resolves to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallTarget {
    Api(Api),
    /// A function or associated function of the analyzed crates.
    LocalFn(BodyId),
    /// A tuple struct or enum variant of the analyzed crates (`Wrapper(x)`,
    /// `Permit::Owned(p)`): the value holds its arguments.
    Ctor,
    Unknown,
}

/// Indices over all facts of a run.
pub struct Index<'a> {
    pub facts: &'a [FileFacts],
    /// Per file, per call: the resolved target.
    pub call_targets: Vec<Vec<CallTarget>>,
    /// Per file, per call: the canonical extern path, when the call resolved to one.
    pub call_paths: Vec<Vec<Option<String>>>,
    /// Impl and trait methods by name.
    pub methods: HashMap<String, Vec<BodyId>>,
    /// Methods by (impl type, name); trait default methods under `Self`.
    pub methods_of: FxHashMap<(String, String), Vec<BodyId>>,
    /// Types with local `impl` methods or built with struct literals.
    pub local_types: HashSet<String>,
    /// The crate of each file.
    pub file_crate: &'a [usize],
    /// The files this index covers (one crate's); facts of other files are not read.
    pub files: &'a [usize],
    /// Names bound in each body (parameters, `let`, `for`).
    pub binds: FxHashMap<BodyId, HashSet<String>>,
    pub resolver: Resolver<'a>,
    /// The crate's configured APIs (`[package.metadata.bpcheck]`), after the catalog.
    pub team_apis: &'a [(Vec<String>, Api)],
    /// What each body contains, built on first use.
    contents: std::sync::OnceLock<crate::contents::Contents>,
}

impl<'a> Index<'a> {
    /// Resolves every call and indexes bodies.
    pub fn build(
        facts: &'a [FileFacts],
        file_crate: &'a [usize],
        files: &'a [usize],
        resolver: Resolver<'a>,
        team_apis: &'a [(Vec<String>, Api)],
    ) -> Self {
        let mut methods: HashMap<String, Vec<BodyId>> = HashMap::new();
        let mut methods_of: FxHashMap<(String, String), Vec<BodyId>> = FxHashMap::default();
        let mut binds: FxHashMap<BodyId, HashSet<String>> = FxHashMap::default();
        for &f in files {
            let (file, ff) = (FileId(f as u32), &facts[f]);
            for (i, b) in ff.bodies.iter().enumerate() {
                let id = BodyId {
                    file,
                    idx: i as u32,
                };
                if let BodyKind::Fn {
                    name,
                    self_ty: Some(ty),
                } = &b.kind
                {
                    methods.entry(name.clone()).or_default().push(id);
                    methods_of
                        .entry((qualify(file_crate, file, ty), name.clone()))
                        .or_default()
                        .push(id);
                }
                let names = binds.entry(id).or_default();
                for p in &b.params {
                    pat_names(p, names);
                }
            }
            for l in &ff.lets {
                if let Some(b) = l.body {
                    pat_names(&l.pat, binds.entry(b).or_default());
                }
            }
            for l in &ff.fors {
                if let Some(b) = l.body {
                    pat_names(&l.pat, binds.entry(b).or_default());
                }
            }
        }
        let mut local_types: HashSet<String> = methods_of.keys().map(|(t, _)| t.clone()).collect();
        for &f in files {
            let (file, ff) = (FileId(f as u32), &facts[f]);
            for e in &ff.exprs {
                if let ExprFact::Struct { ty, .. } = e {
                    local_types.insert(qualify(file_crate, file, ty));
                }
            }
        }
        local_types.retain(|t| !t.ends_with("/Self"));
        let mut index = Index {
            facts,
            call_targets: Vec::new(),
            call_paths: Vec::new(),
            methods,
            methods_of,
            local_types,
            file_crate,
            files,
            binds,
            resolver,
            team_apis,
            contents: std::sync::OnceLock::new(),
        };
        // Resolution only reads: files in parallel.
        let mut member = vec![false; facts.len()];
        files.iter().for_each(|&f| member[f] = true);
        let resolved: Vec<(Vec<CallTarget>, Vec<Option<String>>)> = facts
            .par_iter()
            .zip(&member)
            .map(|(ff, &member)| {
                let calls = if member { ff.calls.as_slice() } else { &[] };
                calls
                    .iter()
                    .map(|c| index.resolve_call(&c.callee, c.body))
                    .unzip()
            })
            .collect();
        (index.call_targets, index.call_paths) = resolved.into_iter().unzip();
        index
    }

    fn resolve_call(
        &self,
        callee: &crate::facts::PathRef,
        body: Option<BodyId>,
    ) -> (CallTarget, Option<String>) {
        match self.resolver.resolve(callee) {
            Res::Extern(path) => match catalog::lookup(&path).or_else(|| self.team_api(&path)) {
                Some(api) => (CallTarget::Api(api), Some(path.join("::"))),
                None => (CallTarget::Unknown, Some(path.join("::"))),
            },
            Res::Item {
                kind: ItemKind::Fn(b),
                ..
            } => (CallTarget::LocalFn(b), None),
            Res::Item {
                kind: ItemKind::Other,
                ..
            } => (CallTarget::Ctor, None),
            _ => (self.assoc_fn(callee, body), None),
        }
    }

    fn team_api(&self, path: &[String]) -> Option<Api> {
        self.team_apis
            .iter()
            .find(|(p, _)| p.as_slice() == path)
            .map(|(_, api)| *api)
    }

    /// `Type::method(..)` / `Self::method(..)`: an impl function of a local type, by name.
    fn assoc_fn(&self, callee: &crate::facts::PathRef, body: Option<BodyId>) -> CallTarget {
        let n = callee.segments.len();
        if n < 2 {
            return CallTarget::Unknown;
        }
        let ty = &callee.segments[n - 2];
        let ty = if ty == "Self" {
            match body.and_then(|b| self.self_ty(b)) {
                Some(t) => t,
                None => return CallTarget::Unknown,
            }
        } else {
            self.qualify(callee.scope.file, ty)
        };
        let found = self
            .methods_of
            .get(&(ty, callee.segments[n - 1].clone()))
            .map_or(&[][..], |v| v.as_slice());
        match found {
            [one] => CallTarget::LocalFn(*one),
            [] if callee.segments[n - 2] == "Self" || self.names_local_type(callee) => {
                CallTarget::Ctor
            }
            _ => CallTarget::Unknown,
        }
    }

    /// `Enum::Variant`: the path without its last segment names a local type (no local
    /// function of that name exists, so the call builds a variant).
    fn names_local_type(&self, callee: &crate::facts::PathRef) -> bool {
        let n = callee.segments.len();
        let ty = crate::facts::PathRef {
            scope: callee.scope,
            global: callee.global,
            segments: callee.segments[..n - 1].to_vec(),
        };
        matches!(
            self.resolver.resolve(&ty),
            Res::Item {
                kind: ItemKind::Other,
                ..
            }
        )
    }

    /// What a path used as a function value (`.map(Permit::Owned)`, `.map(handle)`) is.
    pub fn path_target(&self, p: &crate::facts::PathRef, body: Option<BodyId>) -> CallTarget {
        self.resolve_call(p, body).0
    }

    /// The covered files with their facts.
    pub fn files(&self) -> impl Iterator<Item = (usize, &'a FileFacts)> + '_ {
        self.files.iter().map(|&f| (f, &self.facts[f]))
    }

    /// What each body of the covered files contains (built on the first call).
    pub fn contents(&self) -> &crate::contents::Contents {
        self.contents
            .get_or_init(|| crate::contents::Contents::build(self.files()))
    }

    /// A body's facts.
    pub fn body(&self, id: BodyId) -> &'a BodyFact {
        &self.facts[id.file.0 as usize].bodies[id.idx as usize]
    }

    /// An expression's facts.
    pub fn expr(&self, file: FileId, e: ExprId) -> &'a ExprFact {
        &self.facts[file.0 as usize].exprs[e.0 as usize]
    }

    /// The body an expression is in.
    pub fn expr_body(&self, file: FileId, e: ExprId) -> Option<BodyId> {
        self.facts[file.0 as usize].expr_body[e.0 as usize]
    }

    fn fn_self_ty(&self, b: BodyId) -> Option<String> {
        match &self.body(b).kind {
            BodyKind::Fn { self_ty, .. } => self_ty.clone(),
            _ => None,
        }
    }

    /// The `impl` type of the method that contains `b` (through closures and async blocks),
    /// qualified by crate (see [`Index::qualify`]).
    pub fn self_ty(&self, b: BodyId) -> Option<String> {
        self.enclosing_fn(b)
            .and_then(|f| self.fn_self_ty(f))
            .map(|t| self.qualify(b.file, &t))
    }

    /// A type name as written in `file`, qualified by its crate: types of different crates
    /// with the same name stay apart.
    pub fn qualify(&self, file: FileId, name: &str) -> String {
        qualify(self.file_crate, file, name)
    }

    /// True when `b` is `outer` or a closure, async block or item nested in it.
    pub fn is_within(&self, mut b: BodyId, outer: BodyId) -> bool {
        for _ in 0..10_000 {
            if b == outer {
                return true;
            }
            match self.body(b).parent {
                Some(p) => b = p,
                None => return false,
            }
        }
        false
    }

    /// The function (or item initializer) that contains `b`.
    pub fn enclosing_fn(&self, mut b: BodyId) -> Option<BodyId> {
        for _ in 0..10_000 {
            let body = self.body(b);
            match (&body.kind, body.parent) {
                (BodyKind::Fn { .. } | BodyKind::Init { .. }, _) => return Some(b),
                (_, Some(p)) => b = p,
                (_, None) => return None,
            }
        }
        None
    }

    /// The body that binds local `name` as seen from `body`: itself or an enclosing closure
    /// or async block, up to the enclosing function.
    pub fn binding_body(&self, body: Option<BodyId>, name: &str) -> Option<BodyId> {
        let mut b = body?;
        for _ in 0..10_000 {
            if self.binds.get(&b).is_some_and(|s| s.contains(name)) {
                return Some(b);
            }
            let fact = self.body(b);
            match (&fact.kind, fact.parent) {
                (BodyKind::Fn { .. } | BodyKind::Init { .. }, _) | (_, None) => return None,
                (_, Some(p)) => b = p,
            }
        }
        None
    }

    /// A short display name for a body: `Type::method`, `function`, or `function::{closure}`.
    pub fn body_name(&self, b: BodyId) -> String {
        match &self.body(b).kind {
            BodyKind::Fn {
                name,
                self_ty: Some(t),
            } => format!("{t}::{name}"),
            BodyKind::Fn {
                name,
                self_ty: None,
            }
            | BodyKind::Init { name } => name.clone(),
            BodyKind::Closure | BodyKind::AsyncBlock => {
                let outer = self
                    .enclosing_fn(b)
                    .map(|f| self.body_name(f))
                    .unwrap_or_default();
                format!("{outer}::{{task}}")
            }
        }
    }
}

fn qualify(file_crate: &[usize], file: FileId, name: &str) -> String {
    format!(
        "{}/{name}",
        file_crate.get(file.0 as usize).copied().unwrap_or(0)
    )
}

/// Every name a pattern binds.
pub fn pat_names(p: &PatFact, out: &mut HashSet<String>) {
    match p {
        PatFact::Bind(n) => {
            out.insert(n.clone());
        }
        PatFact::Tuple(ps) => ps.iter().for_each(|p| pat_names(p, out)),
        PatFact::Struct(fs) => fs.iter().for_each(|(_, p)| pat_names(p, out)),
        PatFact::Wrapped(p) => pat_names(p, out),
        PatFact::Variant(_, ps) => ps.iter().for_each(|p| pat_names(p, out)),
        PatFact::Ignore => {}
    }
}
