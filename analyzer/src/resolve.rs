//! Path resolution over the scope facts of a crate: a written path becomes an external
//! canonical path, a local item, a module, or unknown. Never guesses: what cannot be
//! resolved is `Unknown`.

use crate::catalog;
use crate::facts::{FileFacts, ItemKind, PathRef, Scope, ScopeId, UseFact, Visibility};
use std::collections::HashMap;

/// What a path refers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Res {
    /// An item of another crate, by canonical path (`tokio::sync::mpsc::channel`).
    Extern(Vec<String>),
    /// A named item of this crate.
    Item {
        module: ScopeId,
        name: String,
        kind: ItemKind,
    },
    /// A module of this crate.
    Module(ScopeId),
    Unknown,
}

/// Resolves paths written in the files of one run.
pub struct Resolver<'a> {
    facts: &'a [FileFacts],
    file_crate: &'a [usize],
    renames: Vec<&'a HashMap<String, String>>,
}

const MAX_DEPTH: u32 = 24;
const GLOB_COST: u32 = 6;

impl<'a> Resolver<'a> {
    /// A resolver over `facts` (indexed by file), with each crate's dependency renames.
    pub fn new(
        facts: &'a [FileFacts],
        file_crate: &'a [usize],
        renames: Vec<&'a HashMap<String, String>>,
    ) -> Self {
        Resolver {
            facts,
            file_crate,
            renames,
        }
    }

    fn scope(&self, id: ScopeId) -> Option<&'a Scope> {
        self.facts
            .get(id.file.0 as usize)?
            .scopes
            .get(id.idx as usize)
    }

    /// Resolves a path as written.
    pub fn resolve(&self, p: &PathRef) -> Res {
        self.resolve_in(p.scope, p.global, &p.segments, 0)
    }

    /// Resolves a macro's or attribute's path. Macros have a namespace of their own: a
    /// function or type of the same name does not shadow an imported macro, and a bare name
    /// is only what a `use` (or a glob of a known crate) brings in.
    pub fn resolve_macro(&self, p: &PathRef) -> Res {
        let [name] = p.segments.as_slice() else {
            return self.resolve(p);
        };
        if p.global {
            return Res::Unknown;
        }
        let mut cur = Some(p.scope);
        while let Some(id) = cur {
            let Some(s) = self.scope(id) else { break };
            if let Some(u) = s.uses.iter().find(|u| u.name.as_deref() == Some(name)) {
                return self.resolve_use(id, u, 0);
            }
            if let Some(r) = self.lookup_glob(id, &p.segments, 0) {
                return r;
            }
            cur = if s.is_module { None } else { s.parent };
        }
        Res::Unknown
    }

    /// The module that contains `scope` (itself when it is one).
    pub fn module_of(&self, mut scope: ScopeId) -> ScopeId {
        for _ in 0..MAX_DEPTH * 8 {
            match self.scope(scope) {
                Some(s) if !s.is_module => match s.parent {
                    Some(p) => scope = p,
                    None => return scope,
                },
                _ => return scope,
            }
        }
        scope
    }

    fn crate_root(&self, scope: ScopeId) -> ScopeId {
        let mut m = self.module_of(scope);
        for _ in 0..MAX_DEPTH * 8 {
            match self.scope(m).and_then(|s| s.parent_module) {
                Some(p) => m = self.module_of(p),
                None => break,
            }
        }
        m
    }

    fn extern_path(&self, scope: ScopeId, segs: &[String]) -> Res {
        let mut path = segs.to_vec();
        let krate = self
            .file_crate
            .get(scope.file.0 as usize)
            .copied()
            .unwrap_or(0);
        if let Some(real) = self.renames.get(krate).and_then(|r| r.get(&path[0])) {
            path[0] = real.clone();
        }
        Res::Extern(catalog::canonicalize(&path))
    }

    fn resolve_in(&self, scope: ScopeId, global: bool, segs: &[String], depth: u32) -> Res {
        if depth > MAX_DEPTH || segs.is_empty() {
            return Res::Unknown;
        }
        if global {
            return self.extern_path(scope, segs);
        }
        let (first, rest) = (segs[0].as_str(), &segs[1..]);
        match first {
            "crate" => return self.walk(self.crate_root(scope), rest, depth + 1),
            "self" | "super" => return self.walk(self.module_of(scope), segs, depth + 1),
            "Self" => return Res::Unknown,
            _ => {}
        }
        // Lexical scopes: blocks, innermost first, then their module; names in outer modules
        // are not visible. In each scope its items and named imports shadow its globs, and a
        // glob of an inner block shadows the names of outer scopes (as rustc does).
        let mut cur = Some(scope);
        while let Some(id) = cur {
            if let Some(r) = self.lookup_named(id, first, depth) {
                return self.continue_with(r, rest, depth);
            }
            if let Some(r) = self.lookup_glob(id, segs, depth) {
                return r;
            }
            cur = match self.scope(id) {
                Some(s) if !s.is_module => s.parent,
                _ => None,
            };
        }
        // The extern prelude: `extern crate x as y;` at the crate root, then a crate name.
        let root = self.crate_root(scope);
        if let Some(u) = self.scope(root).and_then(|s| {
            s.uses
                .iter()
                .find(|u| u.extern_crate && u.name.as_deref() == Some(first))
        }) {
            let mut path = u.path.clone();
            path.extend(rest.iter().cloned());
            return self.extern_path(scope, &path);
        }
        self.extern_path(scope, segs)
    }

    /// An item or named `use` called `name` in exactly this scope.
    fn lookup_named(&self, scope: ScopeId, name: &str, depth: u32) -> Option<Res> {
        self.lookup_named_from(scope, name, None, depth)
    }

    /// An item or named `use` called `name` in exactly this scope that can be named from
    /// `from` (any, when `None`).
    fn lookup_named_from(
        &self,
        scope: ScopeId,
        name: &str,
        from: Option<ScopeId>,
        depth: u32,
    ) -> Option<Res> {
        let s = self.scope(scope)?;
        let visible = |vis: Visibility| from.is_none_or(|from| self.visible(vis, scope, from));
        let item_vis = || s.item_vis.get(name).copied().unwrap_or(Visibility::Public);
        if let Some(kind) = s.items.get(name).filter(|_| visible(item_vis())) {
            return Some(match kind {
                ItemKind::Mod(Some(m)) => Res::Module(*m),
                ItemKind::Mod(None) => Res::Unknown,
                k => Res::Item {
                    module: scope,
                    name: name.to_string(),
                    kind: k.clone(),
                },
            });
        }
        let u = s
            .uses
            .iter()
            .find(|u| u.name.as_deref() == Some(name) && visible(u.vis))?;
        Some(self.resolve_use(scope, u, depth + 1))
    }

    /// Whether a name declared in `owner` with `vis` can be named from scope `from`.
    fn visible(&self, vis: Visibility, owner: ScopeId, from: ScopeId) -> bool {
        let owner = self.module_of(owner);
        let within = match vis {
            Visibility::Public | Visibility::Crate => return true,
            Visibility::Private => owner,
            Visibility::Super => match self.scope(owner).and_then(|s| s.parent_module) {
                Some(p) => self.module_of(p),
                None => return true,
            },
        };
        // `from` is `within` or one of its descendants.
        let mut m = self.module_of(from);
        for _ in 0..MAX_DEPTH * 8 {
            if m == within {
                return true;
            }
            match self.scope(m).and_then(|s| s.parent_module) {
                Some(p) => m = self.module_of(p),
                None => return false,
            }
        }
        false
    }

    /// `segs` through the glob imports of this scope: local modules are searched for the
    /// names this scope can see (a module's private `use`s and items are not imported by a
    /// glob outside it), extern modules are trusted only for paths the catalog knows.
    fn lookup_glob(&self, scope: ScopeId, segs: &[String], depth: u32) -> Option<Res> {
        let s = self.scope(scope)?;
        for u in s.uses.iter().filter(|u| u.name.is_none()) {
            // A glob hop costs more depth, so chains of `use super::*` stay cheap.
            match self.resolve_in(scope, u.global, &u.path, depth + GLOB_COST) {
                Res::Module(m) => {
                    if let Some(r) =
                        self.lookup_named_from(m, &segs[0], Some(scope), depth + GLOB_COST)
                    {
                        return Some(self.continue_with(r, &segs[1..], depth));
                    }
                }
                Res::Extern(mut p) => {
                    p.extend(segs.iter().cloned());
                    if catalog::knows(&p) {
                        return Some(Res::Extern(catalog::canonicalize(&p)));
                    }
                }
                _ => {}
            }
        }
        None
    }

    fn resolve_use(&self, scope: ScopeId, u: &UseFact, depth: u32) -> Res {
        // `use tokio;` (or `use tokio as t;`) names the crate itself, not this use again.
        if u.path.len() == 1 && !matches!(u.path[0].as_str(), "crate" | "self" | "super") {
            let shadowed = self
                .scope(scope)
                .is_some_and(|s| s.items.contains_key(&u.path[0]));
            if !shadowed {
                return self.extern_path(scope, &u.path);
            }
        }
        self.resolve_in(scope, u.global, &u.path, depth + 1)
    }

    /// Follows `segs` from module `module`.
    fn walk(&self, module: ScopeId, segs: &[String], depth: u32) -> Res {
        if depth > MAX_DEPTH {
            return Res::Unknown;
        }
        let Some((first, rest)) = segs.split_first() else {
            return Res::Module(module);
        };
        match first.as_str() {
            "self" => self.walk(module, rest, depth + 1),
            "super" => match self.scope(module).and_then(|s| s.parent_module) {
                Some(p) => self.walk(self.module_of(p), rest, depth + 1),
                None => Res::Unknown,
            },
            name => match self.lookup_named(module, name, depth) {
                Some(r) => self.continue_with(r, rest, depth),
                None => self
                    .lookup_glob(module, segs, depth)
                    .unwrap_or(Res::Unknown),
            },
        }
    }

    fn continue_with(&self, r: Res, rest: &[String], depth: u32) -> Res {
        if rest.is_empty() {
            return r;
        }
        match r {
            Res::Module(m) => self.walk(m, rest, depth + 1),
            Res::Extern(mut p) => {
                p.extend(rest.iter().cloned());
                Res::Extern(catalog::canonicalize(&p))
            }
            // `Type::assoc` and friends: not followed.
            Res::Item { .. } | Res::Unknown => Res::Unknown,
        }
    }
}
