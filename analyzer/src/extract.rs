//! Turns one parsed file into [`FileFacts`]. Runs on the thread that parsed the file,
//! because byte ranges are read from spans that belong to that thread.

use crate::facts::*;
use crate::source::{FileId, FileRange};
use proc_macro2::Span;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};

mod decls;

/// Extracts the facts of `file`, whose id is `id`. Without `cfg_test`, code compiled only with
/// `cfg(test)` is skipped (see [`crate::CrateInput::cfg_test`]).
pub fn extract(id: FileId, file: &syn::File, text: &str, cfg_test: bool) -> FileFacts {
    let mut x = Extractor {
        file: id,
        facts: FileFacts::default(),
        scope: ScopeId { file: id, idx: 0 },
        body: None,
        cur_loop: None,
        in_macro: false,
        inline_dirs: Vec::new(),
        select_pos: None,
        cfg_test,
        block_end: 0,
    };
    x.facts.scopes.push(Scope {
        is_module: true,
        ..Scope::default()
    });
    x.facts.allows = crate::suppress::scan_allows(text);
    // `#![cfg(test)]` at the top of a module file: the whole module is test code.
    if !x.compiled(&file.attrs) {
        return x.facts;
    }
    x.register_items(&file.items);
    for item in &file.items {
        x.visit_item(item);
    }
    x.facts
}

struct Extractor {
    file: FileId,
    facts: FileFacts,
    scope: ScopeId,
    body: Option<BodyId>,
    /// The innermost loop of the current body (index into `FileFacts::loops`).
    cur_loop: Option<u32>,
    in_macro: bool,
    inline_dirs: Vec<String>,
    /// Set while recording the future of a select branch.
    select_pos: Option<SelectPos>,
    /// Code compiled only with `cfg(test)` is analyzed too.
    cfg_test: bool,
    /// The end of the innermost block being visited.
    block_end: u32,
}

impl Extractor {
    fn range(&self, span: Span) -> FileRange {
        let r = span.byte_range();
        FileRange {
            file: self.file,
            start: r.start as u32,
            end: r.end as u32,
        }
    }

    fn new_scope(&mut self, scope: Scope) -> ScopeId {
        self.facts.scopes.push(scope);
        ScopeId {
            file: self.file,
            idx: self.facts.scopes.len() as u32 - 1,
        }
    }

    fn cur_scope(&mut self) -> &mut Scope {
        &mut self.facts.scopes[self.scope.idx as usize]
    }

    fn path_ref(&self, path: &syn::Path) -> PathRef {
        PathRef {
            scope: self.scope,
            global: path.leading_colon.is_some(),
            segments: path.segments.iter().map(|s| s.ident.to_string()).collect(),
        }
    }

    /// Names every item of a module or block in the current scope, before any of them is visited,
    /// since items are visible in the whole scope.
    fn register_items(&mut self, items: &[syn::Item]) {
        for item in items {
            self.register_item(item);
        }
    }

    /// False for code under attributes that leave it out of the build being analyzed.
    fn compiled(&self, attrs: &[syn::Attribute]) -> bool {
        self.cfg_test || !cfg_false_without_test(attrs)
    }

    /// Whether an item is part of the build being analyzed: its `cfg`, and for a function
    /// whether it is a test (`#[test]`, `#[tokio::test]`, ...).
    fn keeps_item(&self, item: &syn::Item) -> bool {
        let attrs = item_attrs(item);
        self.compiled(attrs)
            && (self.cfg_test || !matches!(item, syn::Item::Fn(_)) || !is_test_fn(attrs))
    }

    fn keeps_stmt(&self, stmt: &syn::Stmt) -> bool {
        match stmt {
            syn::Stmt::Local(l) => self.compiled(&l.attrs),
            syn::Stmt::Item(i) => self.keeps_item(i),
            syn::Stmt::Expr(e, _) => self.compiled(expr_attrs(e)),
            syn::Stmt::Macro(m) => self.compiled(&m.attrs),
        }
    }

    fn register_item(&mut self, item: &syn::Item) {
        if !self.keeps_item(item) {
            return;
        }
        let (name, kind, vis) = match item {
            syn::Item::Fn(f) => {
                // The body id is assigned when the function is visited; it is the id the next
                // visited body would get only in visit order, so store a placeholder and fix on visit.
                (f.sig.ident.to_string(), ItemKind::Other, &f.vis)
            }
            syn::Item::Mod(m) => (m.ident.to_string(), ItemKind::Mod(None), &m.vis),
            syn::Item::Const(c) => (
                c.ident.to_string(),
                ItemKind::Const(int_value(&c.expr)),
                &c.vis,
            ),
            syn::Item::Static(s) => (
                s.ident.to_string(),
                ItemKind::Const(int_value(&s.expr)),
                &s.vis,
            ),
            syn::Item::Use(u) => {
                let mut uses = Vec::new();
                flatten_use(
                    &u.tree,
                    u.leading_colon.is_some(),
                    &mut Vec::new(),
                    &mut uses,
                );
                let vis = visibility(&u.vis);
                self.cur_scope()
                    .uses
                    .extend(uses.into_iter().map(|u| UseFact { vis, ..u }));
                return;
            }
            syn::Item::ExternCrate(e) => {
                let name = e.ident.to_string();
                if let Some((_, alias)) = &e.rename {
                    let vis = visibility(&e.vis);
                    self.cur_scope().uses.push(UseFact {
                        name: Some(alias.to_string()),
                        global: true,
                        path: vec![name],
                        extern_crate: true,
                        vis,
                    });
                }
                return;
            }
            syn::Item::Struct(s) => {
                self.struct_fields(s);
                (s.ident.to_string(), ItemKind::Other, &s.vis)
            }
            syn::Item::Enum(e) => (e.ident.to_string(), ItemKind::Other, &e.vis),
            syn::Item::Union(u) => (u.ident.to_string(), ItemKind::Other, &u.vis),
            syn::Item::Trait(t) => (t.ident.to_string(), ItemKind::Other, &t.vis),
            syn::Item::Type(t) => (t.ident.to_string(), ItemKind::Other, &t.vis),
            _ => return,
        };
        let vis = visibility(vis);
        let scope = self.cur_scope();
        if vis == Visibility::Public {
            scope.item_vis.remove(&name);
        } else {
            scope.item_vis.insert(name.clone(), vis);
        }
        scope.items.insert(name, kind);
    }

    fn enter_body(
        &mut self,
        kind: BodyKind,
        span: Span,
    ) -> (BodyId, (Option<BodyId>, Option<u32>)) {
        let id = BodyId {
            file: self.file,
            idx: self.facts.bodies.len() as u32,
        };
        let range = self.range(span);
        self.facts.bodies.push(BodyFact {
            kind,
            parent: self.body,
            scope: self.scope,
            range,
            in_loop: self.cur_loop.is_some(),
            params: Vec::new(),
            param_types: Vec::new(),
            param_type_paths: Vec::new(),
            param_type_args: Vec::new(),
            param_lock_types: Vec::new(),
            returns: Vec::new(),
            public: false,
            is_async: false,
            impl_trait: None,
            type_args: Vec::new(),
        });
        let saved = (self.body, self.cur_loop);
        self.body = Some(id);
        self.cur_loop = None;
        (id, saved)
    }

    fn leave_body(&mut self, saved: (Option<BodyId>, Option<u32>)) {
        self.body = saved.0;
        self.cur_loop = saved.1;
    }

    fn fn_body(
        &mut self,
        sig: &syn::Signature,
        self_ty: Option<String>,
        span: Span,
        block: &syn::Block,
    ) {
        let name = sig.ident.to_string();
        let id = BodyId {
            file: self.file,
            idx: self.facts.bodies.len() as u32,
        };
        if self_ty.is_none() {
            if let Some(item) = self.cur_scope().items.get_mut(&name) {
                *item = ItemKind::Fn(id);
            }
        }
        let (_, saved) = self.enter_body(BodyKind::Fn { name, self_ty }, span);
        self.facts.bodies[id.idx as usize].params = fn_params(sig);
        self.facts.bodies[id.idx as usize].is_async = sig.asyncness.is_some();
        self.facts.bodies[id.idx as usize].param_types = per_param(sig, named_type);
        self.facts.bodies[id.idx as usize].param_type_paths =
            per_param(sig, |ty| self.type_path(ty));
        // `me: &Addr<Self>` in an impl: the impl's own type.
        let own = match &self.facts.bodies[id.idx as usize].kind {
            BodyKind::Fn {
                self_ty: Some(t), ..
            } => Some(t.clone()),
            _ => None,
        };
        self.facts.bodies[id.idx as usize].param_type_args = per_param(sig, |ty| {
            self.type_arg(ty).map(|arg| match &own {
                Some(own) if arg == "Self" => own.clone(),
                _ => arg,
            })
        });
        self.facts.bodies[id.idx as usize].param_lock_types =
            per_param(sig, |ty| self.lock_type(ty));
        if let Some(ret) = self.block_value(block) {
            self.facts.bodies[id.idx as usize].returns.push(ret);
        }
        self.leave_body(saved);
    }

    /// `let pat = init` (also `if let`, `while let` and match arms).
    fn let_fact(&mut self, pat: &syn::Pat, init: ExprId, range: Option<FileRange>) {
        let (ty, lock_ty) = match pat {
            syn::Pat::Type(t) => (self.type_path(&t.ty), self.lock_type(&t.ty)),
            _ => (None, None),
        };
        self.facts.lets.push(LetFact {
            body: self.body,
            pat: pat_fact(pat),
            init,
            ty,
            lock_ty,
            range,
            scope_end: self.block_end,
            loop_id: self.cur_loop,
        });
    }

    /// The lock type among a declared type's wrappers, as a path to resolve
    /// (`&Arc<tokio::sync::RwLock<T>>` -> `tokio::sync::RwLock`).
    fn lock_type(&self, ty: &syn::Type) -> Option<PathRef> {
        let mut ty = ty;
        for _ in 0..8 {
            ty = match ty {
                syn::Type::Reference(r) => &r.elem,
                syn::Type::Paren(p) => &p.elem,
                syn::Type::Group(g) => &g.elem,
                syn::Type::Path(p) if p.qself.is_none() => {
                    let last = p.path.segments.last()?;
                    let name = last.ident.to_string();
                    if matches!(name.as_str(), "Mutex" | "RwLock") {
                        return Some(self.path_ref(&p.path));
                    }
                    if !matches!(name.as_str(), "Arc" | "Rc" | "Box" | "Option" | "Pin") {
                        return None;
                    }
                    match &last.arguments {
                        syn::PathArguments::AngleBracketed(args) => match args.args.first() {
                            Some(syn::GenericArgument::Type(inner)) => inner,
                            _ => return None,
                        },
                        _ => return None,
                    }
                }
                _ => return None,
            };
        }
        None
    }

    /// A declared type as a path to resolve, through references, parentheses and the
    /// wrappers that do not change what a handle is (`&Arc<Mutex<Semaphore>>` -> `Semaphore`).
    fn type_path(&self, ty: &syn::Type) -> Option<PathRef> {
        unwrapped_type(ty).map(|p| self.path_ref(&p.path))
    }

    /// The last segment of the first type argument of a declared type, through the same
    /// wrappers as [`Self::type_path`] (`Arc<ActorRef<Ponger>>` -> `Ponger`).
    fn type_arg(&self, ty: &syn::Type) -> Option<String> {
        let last = unwrapped_type(ty)?.path.segments.last()?;
        let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
            return None;
        };
        match args.args.first() {
            Some(syn::GenericArgument::Type(inner)) => type_name(inner),
            _ => None,
        }
    }

    /// Records the named fields of a struct declaration with their types.
    fn struct_fields(&mut self, s: &syn::ItemStruct) {
        let syn::Fields::Named(named) = &s.fields else {
            return;
        };
        let owner = s.ident.to_string();
        for f in &named.named {
            let (Some(ident), Some(ty)) = (&f.ident, self.type_path(&f.ty)) else {
                continue;
            };
            let range = self.range(ident.span());
            let ty_arg = self.type_arg(&f.ty);
            let lock_ty = self.lock_type(&f.ty);
            self.facts.fields.push(crate::facts::FieldDecl {
                owner: owner.clone(),
                name: ident.to_string(),
                ty,
                ty_arg,
                lock_ty,
                range,
            });
        }
    }

    /// The initializer of a `const` or `static` is a body of its own.
    fn init_body(&mut self, ident: &syn::Ident, ty: &syn::Type, expr: &syn::Expr) {
        let name = ident.to_string();
        let (id, saved) = self.enter_body(BodyKind::Init { name }, ident.span());
        // The declared type's generic arguments (`Channel<M, T, 4>`): a constructor without
        // arguments takes its capacity from them.
        let args: Vec<ExprId> = match ty {
            syn::Type::Path(p) => match p.path.segments.last().map(|s| &s.arguments) {
                Some(syn::PathArguments::AngleBracketed(a)) => a
                    .args
                    .iter()
                    .map(|g| match g {
                        syn::GenericArgument::Const(e) => self.expr(e),
                        syn::GenericArgument::Type(syn::Type::Path(t)) if t.qself.is_none() => {
                            let r = self.path_ref(&t.path);
                            self.push_expr(ExprFact::Path(r))
                        }
                        _ => self.other(),
                    })
                    .collect(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        let value = self.expr(expr);
        let body = &mut self.facts.bodies[id.idx as usize];
        body.type_args = args;
        body.returns.push(value);
        self.leave_body(saved);
    }

    /// Runs `f` inside a new loop; returns the loop's index.
    fn in_loop<F: FnOnce(&mut Self)>(&mut self, f: F) -> u32 {
        let id = self.facts.loops.len() as u32;
        self.facts.loops.push(LoopFact {
            parent: self.cur_loop,
            body: self.body,
        });
        let saved = self.cur_loop.replace(id);
        f(self);
        self.cur_loop = saved;
        id
    }

    fn push_expr(&mut self, e: ExprFact) -> ExprId {
        self.facts.exprs.push(e);
        self.facts.expr_body.push(self.body);
        ExprId(self.facts.exprs.len() as u32 - 1)
    }

    fn other(&mut self) -> ExprId {
        self.push_expr(ExprFact::Other)
    }

    /// Records an expression's shape, visiting everything inside it exactly once.
    fn expr(&mut self, e: &syn::Expr) -> ExprId {
        self.expr_awaited(e, false)
    }

    fn expr_awaited(&mut self, e: &syn::Expr, awaited: bool) -> ExprId {
        use syn::Expr as E;
        match e {
            E::Lit(syn::ExprLit {
                lit: syn::Lit::Int(i),
                ..
            }) => match i.base10_parse::<u64>() {
                Ok(v) => self.push_expr(ExprFact::Int(v)),
                Err(_) => self.other(),
            },
            E::Path(p) if p.qself.is_none() => {
                let p = self.path_ref(&p.path);
                self.push_expr(ExprFact::Path(p))
            }
            E::Paren(p) => self.expr_awaited(&p.expr, awaited),
            E::Group(g) => self.expr_awaited(&g.expr, awaited),
            E::Try(t) => self.expr_awaited(&t.expr, awaited),
            E::Await(a) => {
                let base = self.expr_awaited(&a.base, true);
                // A future held in a value (`answer.await`, `rx.await`): a wait on whatever
                // completes it (a oneshot's sender). Calls are recorded as awaited calls.
                if matches!(
                    self.facts.exprs[base.0 as usize],
                    ExprFact::Path(_) | ExprFact::Field { .. }
                ) {
                    let range = FileRange {
                        end: self.range(a.await_token.span).end,
                        ..self.range(a.dot_token.span)
                    };
                    self.facts.awaits.push(AwaitFact {
                        body: self.body,
                        value: base,
                        range,
                        select: self.select_pos,
                        loop_id: self.cur_loop,
                    });
                }
                base
            }
            E::Reference(r) => self.expr(&r.expr),
            E::Unary(syn::ExprUnary {
                op: syn::UnOp::Deref(_),
                expr,
                ..
            }) => self.expr(expr),
            E::Cast(c) => self.expr(&c.expr),
            E::Closure(c) => {
                let (id, saved) = self.enter_body(BodyKind::Closure, c.or1_token.span);
                self.facts.bodies[id.idx as usize].params = c.inputs.iter().map(pat_fact).collect();
                let ret = self.expr(&c.body);
                self.facts.bodies[id.idx as usize].returns.push(ret);
                self.leave_body(saved);
                self.push_expr(ExprFact::Body(id))
            }
            E::Async(a) => {
                let (id, saved) = self.enter_body(BodyKind::AsyncBlock, a.async_token.span);
                if let Some(ret) = self.block_value(&a.block) {
                    self.facts.bodies[id.idx as usize].returns.push(ret);
                }
                self.leave_body(saved);
                self.push_expr(ExprFact::Body(id))
            }
            E::Call(c) => match strip(&c.func) {
                syn::Expr::Path(p) if p.qself.is_none() => {
                    let callee = self.path_ref(&p.path);
                    let args = c.args.iter().map(|a| self.expr(a)).collect();
                    // `Spanned::span` prints the whole call (closures included) to find its
                    // end; the path's first token and the closing parenthesis are enough.
                    let start = match &p.path.leading_colon {
                        Some(c) => c.spans[0],
                        None => p.path.segments[0].ident.span(),
                    };
                    let range = FileRange {
                        end: self.range(c.paren_token.span.close()).end,
                        ..self.range(start)
                    };
                    self.facts.calls.push(CallFact {
                        body: self.body,
                        callee,
                        args,
                        range,
                        awaited,
                        loop_id: self.cur_loop,
                        in_loop: self.cur_loop.is_some(),
                        in_macro: self.in_macro,
                    });
                    let idx = self.facts.calls.len() as u32 - 1;
                    self.push_expr(ExprFact::Call(idx))
                }
                _ => {
                    visit::visit_expr_call(self, c);
                    self.other()
                }
            },
            E::MethodCall(m) => {
                let receiver = self.expr(&m.receiver);
                let select = self.select_pos.take();
                let args = m.args.iter().map(|a| self.expr(a)).collect();
                self.select_pos = select;
                let range = FileRange {
                    end: self.range(m.paren_token.span.close()).end,
                    ..self.range(m.method.span())
                };
                self.facts.method_calls.push(MethodCallFact {
                    body: self.body,
                    receiver,
                    method: m.method.to_string(),
                    args,
                    range,
                    awaited,
                    loop_id: self.cur_loop,
                    in_loop: self.cur_loop.is_some(),
                    in_macro: self.in_macro,
                    select,
                });
                let idx = self.facts.method_calls.len() as u32 - 1;
                self.push_expr(ExprFact::MethodCall(idx))
            }
            E::Field(f) => {
                let base = self.expr(&f.base);
                let name = match &f.member {
                    syn::Member::Named(n) => n.to_string(),
                    syn::Member::Unnamed(i) => i.index.to_string(),
                };
                self.push_expr(ExprFact::Field { base, name })
            }
            E::Tuple(t) => {
                let items = t.elems.iter().map(|x| self.expr(x)).collect();
                self.push_expr(ExprFact::Tuple(items))
            }
            E::Struct(s) => {
                let ty = s
                    .path
                    .segments
                    .last()
                    .map(|x| x.ident.to_string())
                    .unwrap_or_default();
                let fields = s
                    .fields
                    .iter()
                    .map(|f| {
                        let name = match &f.member {
                            syn::Member::Named(n) => n.to_string(),
                            syn::Member::Unnamed(i) => i.index.to_string(),
                        };
                        (name, self.expr(&f.expr))
                    })
                    .collect();
                if let Some(rest) = &s.rest {
                    self.visit_expr(rest);
                }
                self.push_expr(ExprFact::Struct { ty, fields })
            }
            E::Index(i) => {
                let base = self.expr(&i.expr);
                self.visit_expr(&i.index);
                self.push_expr(ExprFact::Index(base))
            }
            E::Block(b) => self.block_or_other(&b.block),
            E::Unsafe(b) => self.block_or_other(&b.block),
            E::If(i) => {
                self.visit_expr(&i.cond);
                let mut alts: Vec<ExprId> = self.block_value(&i.then_branch).into_iter().collect();
                if let Some((_, els)) = &i.else_branch {
                    alts.push(self.expr(els));
                }
                self.push_expr(ExprFact::Either(alts))
            }
            E::Match(m) => {
                let scrutinee = self.expr(&m.expr);
                let mut alts = Vec::new();
                for arm in &m.arms {
                    // An arm's pattern binds parts of the scrutinee, like `let`.
                    self.let_fact(&arm.pat, scrutinee, None);
                    if let Some((_, g)) = &arm.guard {
                        self.visit_expr(g);
                    }
                    alts.push(self.expr(&arm.body));
                }
                self.push_expr(ExprFact::Either(alts))
            }
            E::Let(l) => {
                let init = self.expr(&l.expr);
                self.let_fact(&l.pat, init, None);
                self.other()
            }
            E::Assign(a) => {
                let place = self.expr(&a.left);
                let value = self.expr(&a.right);
                self.facts.assigns.push(AssignFact {
                    body: self.body,
                    place,
                    value,
                });
                self.other()
            }
            E::Return(r) => {
                if let Some(v) = &r.expr {
                    let id = self.expr(v);
                    if let Some(b) = self.body {
                        self.facts.bodies[b.idx as usize].returns.push(id);
                    }
                }
                self.other()
            }
            E::Loop(l) => {
                self.in_loop(|x| x.visit_block(&l.body));
                self.other()
            }
            E::While(w) => {
                self.in_loop(|x| {
                    x.visit_expr(&w.cond);
                    x.visit_block(&w.body);
                });
                self.other()
            }
            E::ForLoop(f) => {
                let iter = self.expr(&f.expr);
                let range = FileRange {
                    end: self.range(f.in_token.span).end,
                    ..self.range(f.for_token.span)
                };
                let idx = self.facts.fors.len();
                self.facts.fors.push(ForFact {
                    body: self.body,
                    pat: pat_fact(&f.pat),
                    iter,
                    range,
                    loop_id: 0,
                });
                self.facts.fors[idx].loop_id = self.in_loop(|x| x.visit_block(&f.body));
                self.other()
            }
            // `pin!(fut)`, `std::pin::pin!(fut)`: the same future, pinned in place.
            E::Macro(m) if m.mac.path.segments.last().is_some_and(|s| s.ident == "pin") => {
                match m.mac.parse_body::<syn::Expr>() {
                    Ok(inner) => {
                        let saved = self.in_macro;
                        self.in_macro = true;
                        let id = self.expr_awaited(&inner, awaited);
                        self.in_macro = saved;
                        id
                    }
                    Err(_) => {
                        self.visit_macro(&m.mac);
                        self.other()
                    }
                }
            }
            E::Macro(m) => {
                if let Some(call) = self.channel_macro(&m.mac) {
                    return call;
                }
                self.visit_macro(&m.mac);
                self.other()
            }
            _ => {
                visit::visit_expr(self, e);
                self.other()
            }
        }
    }

    fn block_or_other(&mut self, b: &syn::Block) -> ExprId {
        match self.block_value(b) {
            Some(id) => id,
            None => self.other(),
        }
    }

    /// Visits a block (with its own scope when it declares items) and returns its tail value.
    fn block_value(&mut self, b: &syn::Block) -> Option<ExprId> {
        let items: Vec<&syn::Item> = b
            .stmts
            .iter()
            .filter_map(|s| match s {
                syn::Stmt::Item(i) => Some(i),
                _ => None,
            })
            .collect();
        let saved = self.scope;
        let end = self.range(b.brace_token.span.close()).end;
        let saved_end = std::mem::replace(&mut self.block_end, end);
        if !items.is_empty() {
            self.scope = self.new_scope(Scope {
                parent: Some(self.scope),
                ..Scope::default()
            });
            for item in items {
                self.register_item(item);
            }
        }
        let mut tail = None;
        for (i, stmt) in b.stmts.iter().enumerate() {
            if !self.keeps_stmt(stmt) {
                continue;
            }
            match stmt {
                syn::Stmt::Expr(e, None) if i + 1 == b.stmts.len() => tail = Some(self.expr(e)),
                syn::Stmt::Expr(e, Some(_)) => {
                    let id = self.expr(e);
                    self.facts.discarded.push(id);
                }
                s => self.visit_stmt(s),
            }
        }
        self.scope = saved;
        self.block_end = saved_end;
        tail
    }

    /// Parses a `select!`-family macro body: `[biased;] pat = future [, if cond] => handler, ...`.
    fn select_macro(&mut self, m: &syn::Macro, biased_by_name: bool) -> bool {
        let Ok(parsed) = m.parse_body_with(parse_select) else {
            return false;
        };
        let range = FileRange {
            end: self.range(m.delimiter.span().close()).end,
            ..self.range(
                m.path
                    .segments
                    .first()
                    .map_or(m.bang_token.span, |s| s.ident.span()),
            )
        };
        let select = self.facts.selects.len() as u32;
        self.facts.selects.push(SelectFact {
            body: self.body,
            biased: biased_by_name || parsed.biased,
            branches: Vec::new(),
            range,
            arms: Vec::new(),
            loop_id: self.cur_loop,
            path: self.path_ref(&m.path),
        });
        for (branch, arm) in parsed.arms.iter().enumerate() {
            let handler = match &arm.handler {
                syn::Expr::Block(b) => FileRange {
                    end: self.range(b.block.brace_token.span.close()).end,
                    ..self.range(b.block.brace_token.span.open())
                },
                h => self.range(h.span()),
            };
            let polled = arm.future.as_ref().and_then(polled_in_place);
            // Small: `&mut fut`, `fut.as_mut()`.
            let future = arm
                .future
                .as_ref()
                .filter(|_| polled.is_some())
                .map(|f| self.range(f.span()));
            let start = self.range(arm.start);
            self.facts.selects[select as usize]
                .arms
                .push(crate::facts::SelectArmFact {
                    start,
                    polled,
                    future,
                    handler,
                    end: arm_end(&arm.handler),
                });
            if let Some(fut) = &arm.future {
                self.select_pos = Some(SelectPos {
                    select,
                    branch: branch as u32,
                });
                let id = self.expr(fut);
                self.select_pos = None;
                self.facts.selects[select as usize].branches.push(id);
            }
            if let Some(g) = &arm.guard {
                self.visit_expr(g);
            }
            self.visit_expr(&arm.handler);
        }
        true
    }
}

/// One arm of a select macro; `future` is `None` for `else`/`default`/`complete`.
struct SelectArm {
    /// The first token of the arm (its pattern, `else`, `default`).
    start: Span,
    future: Option<syn::Expr>,
    guard: Option<syn::Expr>,
    handler: syn::Expr,
}

struct ParsedSelect {
    biased: bool,
    arms: Vec<SelectArm>,
}

fn parse_select(input: syn::parse::ParseStream) -> syn::Result<ParsedSelect> {
    let mut biased = false;
    if input.peek(syn::Ident) && input.peek2(syn::Token![;]) {
        let kw: syn::Ident = input.parse()?;
        biased = kw == "biased";
        input.parse::<syn::Token![;]>()?;
    }
    let mut arms = Vec::new();
    while !input.is_empty() {
        let start = input.span();
        let future = if input.peek(syn::Token![else]) {
            input.parse::<syn::Token![else]>()?;
            None
        } else if (input.peek(syn::Ident) || input.peek(syn::Token![default]))
            && input.peek2(syn::Token![=>])
        {
            // futures' `default =>` and `complete =>`.
            input.parse::<proc_macro2::TokenTree>()?;
            None
        } else {
            syn::Pat::parse_multi_with_leading_vert(input)?;
            input.parse::<syn::Token![=]>()?;
            Some(input.call(syn::Expr::parse_without_eager_brace)?)
        };
        let mut guard = None;
        if input.peek(syn::Token![,]) && input.peek2(syn::Token![if]) {
            input.parse::<syn::Token![,]>()?;
            input.parse::<syn::Token![if]>()?;
            guard = Some(input.call(syn::Expr::parse_without_eager_brace)?);
        }
        input.parse::<syn::Token![=>]>()?;
        let handler: syn::Expr = input.parse()?;
        if !input.is_empty() {
            // A block handler may omit the comma.
            if input.peek(syn::Token![,]) {
                input.parse::<syn::Token![,]>()?;
            } else if !matches!(handler, syn::Expr::Block(_)) {
                return Err(input.error("expected `,` after a select arm"));
            }
        }
        arms.push(SelectArm {
            start,
            future,
            guard,
            handler,
        });
    }
    Ok(ParsedSelect { biased, arms })
}

/// `f` of each parameter's type, in order; `None` for `self`.
fn per_param<T>(sig: &syn::Signature, f: impl Fn(&syn::Type) -> Option<T>) -> Vec<Option<T>> {
    sig.inputs
        .iter()
        .map(|a| match a {
            syn::FnArg::Receiver(_) => None,
            syn::FnArg::Typed(t) => f(&t.ty),
        })
        .collect()
}

/// The binding shape of a pattern.
fn pat_fact(p: &syn::Pat) -> PatFact {
    match p {
        syn::Pat::Ident(i) => PatFact::Bind(i.ident.to_string()),
        syn::Pat::Tuple(t) => PatFact::Tuple(t.elems.iter().map(pat_fact).collect()),
        syn::Pat::TupleStruct(t) => {
            let name = t
                .path
                .segments
                .last()
                .map(|s| s.ident.to_string())
                .unwrap_or_default();
            if t.elems.len() == 1 && matches!(name.as_str(), "Some" | "Ok" | "Err") {
                PatFact::Wrapped(Box::new(pat_fact(&t.elems[0])))
            } else {
                PatFact::Variant(name, t.elems.iter().map(pat_fact).collect())
            }
        }
        syn::Pat::Struct(s) => PatFact::Struct(
            s.fields
                .iter()
                .map(|f| {
                    let name = match &f.member {
                        syn::Member::Named(n) => n.to_string(),
                        syn::Member::Unnamed(i) => i.index.to_string(),
                    };
                    (name, pat_fact(&f.pat))
                })
                .collect(),
        ),
        syn::Pat::Reference(r) => pat_fact(&r.pat),
        syn::Pat::Paren(p) => pat_fact(&p.pat),
        syn::Pat::Type(t) => pat_fact(&t.pat),
        _ => PatFact::Ignore,
    }
}

fn fn_params(sig: &syn::Signature) -> Vec<PatFact> {
    sig.inputs
        .iter()
        .map(|a| match a {
            syn::FnArg::Receiver(_) => PatFact::Bind("self".into()),
            syn::FnArg::Typed(t) => pat_fact(&t.pat),
        })
        .collect()
}

/// The name of a declared type, through references and the wrappers that share a value
/// (`&T`, `&mut T`, `Arc<T>`, `Rc<T>`, `Box<T>`, `Mutex<T>`): `T`'s last path segment.
fn named_type(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Reference(r) => named_type(&r.elem),
        syn::Type::Paren(p) => named_type(&p.elem),
        syn::Type::Group(g) => named_type(&g.elem),
        syn::Type::Path(p) if p.qself.is_none() => {
            let last = p.path.segments.last()?;
            let name = last.ident.to_string();
            if matches!(name.as_str(), "Arc" | "Rc" | "Box" | "Mutex" | "RwLock") {
                if let syn::PathArguments::AngleBracketed(args) = &last.arguments {
                    if let Some(syn::GenericArgument::Type(inner)) = args.args.first() {
                        return named_type(inner);
                    }
                }
            }
            Some(name)
        }
        _ => None,
    }
}

/// Removes parentheses, references and casts that do not change what an expression is.
fn strip(e: &syn::Expr) -> &syn::Expr {
    match e {
        syn::Expr::Paren(p) => strip(&p.expr),
        syn::Expr::Group(g) => strip(&g.expr),
        syn::Expr::Cast(c) => strip(&c.expr),
        _ => e,
    }
}
/// The value of an integer literal expression (`16`, `16usize`, `(16)`, `1 << 4`, `2 * 8`).
fn int_value(e: &syn::Expr) -> Option<u64> {
    match strip(e) {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) => i.base10_parse().ok(),
        syn::Expr::Binary(b) => {
            let (l, r) = (int_value(&b.left)?, int_value(&b.right)?);
            match b.op {
                syn::BinOp::Add(_) => l.checked_add(r),
                syn::BinOp::Sub(_) => l.checked_sub(r),
                syn::BinOp::Mul(_) => l.checked_mul(r),
                syn::BinOp::Div(_) => l.checked_div(r),
                syn::BinOp::Shl(_) => u32::try_from(r).ok().and_then(|r| l.checked_shl(r)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Flattens a use tree into one [`UseFact`] per bound name or glob.
fn flatten_use(
    tree: &syn::UseTree,
    global: bool,
    prefix: &mut Vec<String>,
    out: &mut Vec<UseFact>,
) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            flatten_use(&p.tree, global, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => bind_use(
            n.ident.to_string(),
            n.ident.to_string(),
            global,
            prefix,
            out,
        ),
        syn::UseTree::Rename(r) => bind_use(
            r.ident.to_string(),
            r.rename.to_string(),
            global,
            prefix,
            out,
        ),
        syn::UseTree::Glob(_) => out.push(UseFact {
            name: None,
            global,
            path: prefix.clone(),
            extern_crate: false,
            vis: Visibility::Private,
        }),
        syn::UseTree::Group(g) => {
            for t in &g.items {
                flatten_use(t, global, prefix, out);
            }
        }
    }
}

fn bind_use(ident: String, name: String, global: bool, prefix: &[String], out: &mut Vec<UseFact>) {
    if name == "_" {
        return;
    }
    let mut path = prefix.to_vec();
    // `use a::b::{self}` binds `b` to `a::b`.
    let name = if ident == "self" {
        if name == "self" {
            match prefix.last() {
                Some(last) => last.clone(),
                None => return,
            }
        } else {
            name
        }
    } else {
        path.push(ident);
        name
    };
    out.push(UseFact {
        name: Some(name),
        global,
        path,
        extern_crate: false,
        vis: Visibility::Private,
    });
}

/// A declared visibility as far as glob imports need it.
fn visibility(v: &syn::Visibility) -> Visibility {
    match v {
        syn::Visibility::Public(_) => Visibility::Public,
        syn::Visibility::Restricted(r) if r.path.is_ident("self") => Visibility::Private,
        syn::Visibility::Restricted(r) if r.path.is_ident("super") => Visibility::Super,
        syn::Visibility::Restricted(_) => Visibility::Crate,
        syn::Visibility::Inherited => Visibility::Private,
    }
}

/// True when some `#[cfg(..)]` among `attrs` is false in a build without `cfg(test)`:
/// `test`, `all(test, ..)`, `not(not(test))`, `any()`. Other predicates (platforms,
/// features) are unknown, and code under them is kept.
fn cfg_false_without_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| match &a.meta {
        syn::Meta::List(l) if l.path.is_ident("cfg") => l
            .parse_args_with(<syn::Meta as syn::parse::Parse>::parse)
            .is_ok_and(|m| eval_cfg(&m) == Some(false)),
        _ => false,
    })
}

/// A `cfg` predicate's value without `cfg(test)`: `Some` when it does not depend on anything
/// else, `None` when it does.
fn eval_cfg(m: &syn::Meta) -> Option<bool> {
    match m {
        syn::Meta::Path(p) if p.is_ident("test") => Some(false),
        syn::Meta::List(l) => {
            let args = l
                .parse_args_with(Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
                .ok()?;
            let vals: Vec<Option<bool>> = args.iter().map(eval_cfg).collect();
            if l.path.is_ident("not") {
                match vals.as_slice() {
                    [v] => v.map(|v| !v),
                    _ => None,
                }
            } else if l.path.is_ident("all") {
                if vals.contains(&Some(false)) {
                    Some(false)
                } else if vals.iter().all(|v| *v == Some(true)) {
                    Some(true)
                } else {
                    None
                }
            } else if l.path.is_ident("any") {
                if vals.contains(&Some(true)) {
                    Some(true)
                } else if vals.iter().all(|v| *v == Some(false)) {
                    Some(false)
                } else {
                    None
                }
            } else {
                None
            }
        }
        _ => None,
    }
}

/// A test function: `#[test]`, `#[bench]`, `#[tokio::test]` and any `#[path::test]`, and the
/// test attributes of `test-case`, `rstest` and `wasm-bindgen-test`. They are compiled only
/// with `cfg(test)`.
fn is_test_fn(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().segments.last().is_some_and(|s| {
            ["test", "bench", "test_case", "rstest", "wasm_bindgen_test"]
                .iter()
                .any(|name| s.ident == name)
        })
    })
}

fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    use syn::Item as I;
    match item {
        I::Const(i) => &i.attrs,
        I::Enum(i) => &i.attrs,
        I::ExternCrate(i) => &i.attrs,
        I::Fn(i) => &i.attrs,
        I::ForeignMod(i) => &i.attrs,
        I::Impl(i) => &i.attrs,
        I::Macro(i) => &i.attrs,
        I::Mod(i) => &i.attrs,
        I::Static(i) => &i.attrs,
        I::Struct(i) => &i.attrs,
        I::Trait(i) => &i.attrs,
        I::TraitAlias(i) => &i.attrs,
        I::Type(i) => &i.attrs,
        I::Union(i) => &i.attrs,
        I::Use(i) => &i.attrs,
        _ => &[],
    }
}

/// The outer attributes of an expression statement (`#[cfg(test)] check();`).
fn expr_attrs(e: &syn::Expr) -> &[syn::Attribute] {
    use syn::Expr as E;
    match e {
        E::Assign(x) => &x.attrs,
        E::Async(x) => &x.attrs,
        E::Await(x) => &x.attrs,
        E::Block(x) => &x.attrs,
        E::Call(x) => &x.attrs,
        E::ForLoop(x) => &x.attrs,
        E::If(x) => &x.attrs,
        E::Let(x) => &x.attrs,
        E::Loop(x) => &x.attrs,
        E::Macro(x) => &x.attrs,
        E::Match(x) => &x.attrs,
        E::MethodCall(x) => &x.attrs,
        E::Path(x) => &x.attrs,
        E::Try(x) => &x.attrs,
        E::Unsafe(x) => &x.attrs,
        E::While(x) => &x.attrs,
        _ => &[],
    }
}

/// `#[cfg_attr(unix, path = "sys/unix.rs")]`: the paths a module takes on some platform.
fn cfg_paths(attrs: &[syn::Attribute]) -> Vec<String> {
    let mut out = Vec::new();
    for a in attrs.iter().filter(|a| a.path().is_ident("cfg_attr")) {
        let Ok(metas) = a.parse_args_with(
            syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
        ) else {
            continue;
        };
        for m in metas.iter().skip(1) {
            if let syn::Meta::NameValue(nv) = m {
                if let (
                    true,
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }),
                ) = (nv.path.is_ident("path"), &nv.value)
                {
                    out.push(s.value());
                }
            }
        }
    }
    out
}

fn path_attr(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|a| match &a.meta {
        syn::Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    })
}

/// A declared type's path through references, parentheses and the wrappers that do not
/// change what a handle is (`Arc`, `Rc`, `Box`, `Mutex`, `RwLock`, `Option`, `Pin`).
fn unwrapped_type(ty: &syn::Type) -> Option<&syn::TypePath> {
    let mut ty = ty;
    for _ in 0..8 {
        ty = match ty {
            syn::Type::Reference(r) => &r.elem,
            syn::Type::Paren(p) => &p.elem,
            syn::Type::Group(g) => &g.elem,
            syn::Type::Path(p) if p.qself.is_none() => {
                let last = p.path.segments.last()?;
                let wrapper = matches!(
                    last.ident.to_string().as_str(),
                    "Arc" | "Rc" | "Box" | "Mutex" | "RwLock" | "Option" | "Pin"
                );
                match &last.arguments {
                    syn::PathArguments::AngleBracketed(args) if wrapper => {
                        match args.args.first() {
                            Some(syn::GenericArgument::Type(inner)) => inner,
                            _ => return None,
                        }
                    }
                    _ => return Some(p),
                }
            }
            _ => return None,
        };
    }
    None
}

fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

impl<'ast> Visit<'ast> for Extractor {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        let name = m.ident.to_string();
        match &m.content {
            None => self.mod_decl(m, false),
            Some((_, items)) => {
                let parent_module = Some(self.module_of(self.scope));
                let id = self.new_scope(Scope {
                    parent_module,
                    is_module: true,
                    ..Scope::default()
                });
                self.cur_scope()
                    .items
                    .insert(name.clone(), ItemKind::Mod(Some(id)));
                let saved = std::mem::replace(&mut self.scope, id);
                // An inline module with `#[path]` sets the directory of its children.
                self.inline_dirs.push(path_attr(&m.attrs).unwrap_or(name));
                self.register_items(items);
                for item in items {
                    self.visit_item(item);
                }
                self.inline_dirs.pop();
                self.scope = saved;
            }
        }
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        let id = self.facts.bodies.len();
        self.fn_body(&f.sig, None, f.sig.ident.span(), &f.block);
        if let Some(b) = self.facts.bodies.get_mut(id) {
            b.public = matches!(f.vis, syn::Visibility::Public(_));
        }
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let self_ty = type_name(&i.self_ty).unwrap_or_default();
        let impl_trait = i.trait_.as_ref().map(|(_, path, _)| {
            let args = match path.segments.last().map(|s| &s.arguments) {
                Some(syn::PathArguments::AngleBracketed(a)) => a
                    .args
                    .iter()
                    .filter_map(|g| match g {
                        syn::GenericArgument::Type(t) => type_name(t),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            (self.path_ref(path), args)
        });
        for item in &i.items {
            match item {
                syn::ImplItem::Fn(f)
                    if self.compiled(&f.attrs) && (self.cfg_test || !is_test_fn(&f.attrs)) =>
                {
                    let id = self.facts.bodies.len();
                    self.fn_body(&f.sig, Some(self_ty.clone()), f.sig.ident.span(), &f.block);
                    let shape = match f.sig.asyncness {
                        Some(_) => bpcheck_decl::ItemShape::AsyncFn(f.sig.ident.clone()),
                        None => bpcheck_decl::ItemShape::Fn(f.sig.ident.clone()),
                    };
                    self.item_decls(&f.attrs, shape, id, f.block.brace_token.span.close());
                    if let Some(b) = self.facts.bodies.get_mut(id) {
                        b.public =
                            impl_trait.is_some() || matches!(f.vis, syn::Visibility::Public(_));
                        b.impl_trait = impl_trait.clone();
                    }
                }
                syn::ImplItem::Const(c) if self.compiled(&c.attrs) => self.visit_expr(&c.expr),
                syn::ImplItem::Macro(m) if self.compiled(&m.attrs) => self.visit_macro(&m.mac),
                _ => {}
            }
        }
    }

    fn visit_item(&mut self, item: &'ast syn::Item) {
        if self.keeps_item(item) {
            let first_body = self.facts.bodies.len();
            visit::visit_item(self, item);
            let attrs = item_attrs(item);
            if !attrs.is_empty() {
                if let Some(end) = decls::item_end(item) {
                    let shape = bpcheck_decl::ItemShape::of(item);
                    self.item_decls(attrs, shape, first_body, end);
                }
            }
        } else {
            self.skipped_item(item);
            if let syn::Item::Mod(m @ syn::ItemMod { content: None, .. }) = item {
                // Not followed; in a set of loose files its file is left out.
                self.mod_decl(m, true);
            }
        }
    }

    fn visit_stmt(&mut self, stmt: &'ast syn::Stmt) {
        if self.keeps_stmt(stmt) {
            visit::visit_stmt(self, stmt);
        }
    }

    fn visit_trait_item(&mut self, item: &'ast syn::TraitItem) {
        let attrs: &[syn::Attribute] = match item {
            syn::TraitItem::Const(c) => &c.attrs,
            syn::TraitItem::Fn(f) => &f.attrs,
            syn::TraitItem::Type(t) => &t.attrs,
            syn::TraitItem::Macro(m) => &m.attrs,
            _ => &[],
        };
        if self.compiled(attrs) {
            visit::visit_trait_item(self, item);
        }
    }

    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        if let Some(block) = &f.default {
            self.fn_body(&f.sig, Some("Self".into()), f.sig.ident.span(), block);
        }
    }

    fn visit_item_const(&mut self, c: &'ast syn::ItemConst) {
        self.init_body(&c.ident, &c.ty, &c.expr);
    }

    fn visit_item_static(&mut self, s: &'ast syn::ItemStatic) {
        self.init_body(&s.ident, &s.ty, &s.expr);
    }

    fn visit_item_macro(&mut self, m: &'ast syn::ItemMacro) {
        // `macro_rules!` bodies are templates, not code.
        if m.ident.is_none() {
            self.visit_macro(&m.mac);
        }
    }

    fn visit_expr(&mut self, e: &'ast syn::Expr) {
        self.expr(e);
    }

    fn visit_block(&mut self, b: &'ast syn::Block) {
        self.block_value(b);
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        let Some(init) = &l.init else { return };
        let id = self.expr(&init.expr);
        if let (syn::Expr::Macro(m), PatFact::Bind(name)) = (strip(&init.expr), pat_fact(&l.pat)) {
            if m.mac.path.segments.last().is_some_and(|s| s.ident == "pin") {
                self.facts.pinned.push((self.body, name));
            }
        }
        let range = FileRange {
            end: self.range(l.semi_token.span).end,
            ..self.range(l.let_token.span)
        };
        self.let_fact(&l.pat, id, Some(range));
        if let Some((_, diverge)) = &init.diverge {
            self.visit_expr(diverge);
        }
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        let saved = self.in_macro;
        self.in_macro = true;
        let name = m
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        let handled = match name.as_str() {
            "topology" => self.topology_macro(m),
            "select" => self.select_macro(m, false),
            // `tokio::pin!(a, b)`, `pin_mut!(a)`: the locals are pinned where they are.
            "pin" | "pin_mut" => {
                if let Ok(names) =
                    m.parse_body_with(Punctuated::<syn::Ident, syn::Token![,]>::parse_terminated)
                {
                    for n in names {
                        self.facts.pinned.push((self.body, n.to_string()));
                    }
                }
                false
            }
            "select_biased" => self.select_macro(m, true),
            // Token templates and text: nothing that runs.
            "quote"
            | "quote_spanned"
            | "parse_quote"
            | "parse_quote_spanned"
            | "format"
            | "format_args"
            | "print"
            | "println"
            | "eprint"
            | "eprintln"
            | "write"
            | "writeln"
            | "concat"
            | "stringify"
            | "include_str"
            | "include_bytes"
            | "env"
            | "option_env"
            | "compile_error"
            | "cfg"
            | "trace"
            | "debug"
            | "info"
            | "warn"
            | "error"
            | "log"
            | "macro_rules" => true,
            _ => false,
        };
        // A body with a top-level `;` holds statements, otherwise a list of expressions: one
        // parse attempt, not two (a failed parse builds an error, which is not cheap).
        let statements = m
            .tokens
            .clone()
            .into_iter()
            .any(|t| matches!(&t, proc_macro2::TokenTree::Punct(p) if p.as_char() == ';'));
        if handled || m.tokens.is_empty() {
        } else if statements {
            if let Ok(stmts) = m.parse_body_with(syn::Block::parse_within) {
                for s in &stmts {
                    self.visit_stmt(s);
                }
            }
        } else if let Ok(exprs) =
            m.parse_body_with(Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
        {
            for e in &exprs {
                self.visit_expr(e);
            }
        }
        self.in_macro = saved;
    }
}

impl Extractor {
    /// Records `mod name;` for the loader.
    fn mod_decl(&mut self, m: &syn::ItemMod, test_only: bool) {
        // From `pub`/`mod` to `;`: attributes are not part of the declaration.
        let start = match &m.vis {
            syn::Visibility::Inherited => m.mod_token.span,
            vis => vis.span(),
        };
        let end = m.semi.map_or(m.ident.span(), |s| s.span);
        let range = FileRange {
            end: self.range(end).end,
            ..self.range(start)
        };
        self.facts.mod_decls.push(ModDecl {
            scope: self.scope,
            // `mod r#async;` lives in `async.rs`.
            name: syn::ext::IdentExt::unraw(&m.ident).to_string(),
            path_attr: path_attr(&m.attrs),
            cfg_paths: cfg_paths(&m.attrs),
            inline_dirs: self.inline_dirs.clone(),
            range,
            test_only,
        });
    }

    fn module_of(&self, mut scope: ScopeId) -> ScopeId {
        loop {
            let s = &self.facts.scopes[scope.idx as usize];
            match s.parent {
                Some(p) if !s.is_module => scope = p,
                _ => return scope,
            }
        }
    }
}

/// The local a select branch's future polls without moving it: `&mut fut`, `fut.as_mut()`,
/// `Pin::new(&mut fut)` (true), or a bare `fut` (false).
fn polled_in_place(e: &syn::Expr) -> Option<(String, bool)> {
    fn local(e: &syn::Expr) -> Option<String> {
        match strip(e) {
            syn::Expr::Path(p) if p.qself.is_none() => p.path.get_ident().map(|i| i.to_string()),
            _ => None,
        }
    }
    match strip(e) {
        syn::Expr::Reference(r) if r.mutability.is_some() => match strip(&r.expr) {
            syn::Expr::Unary(syn::ExprUnary {
                op: syn::UnOp::Deref(_),
                expr,
                ..
            }) => local(expr).map(|n| (n, true)),
            inner => local(inner).map(|n| (n, true)),
        },
        syn::Expr::MethodCall(m) if m.method == "as_mut" && m.args.is_empty() => {
            local(&m.receiver).map(|n| (n, true))
        }
        syn::Expr::Call(c)
            if c.args.len() == 1
                && matches!(strip(&c.func), syn::Expr::Path(p)
                    if p.path.segments.len() >= 2
                        && p.path.segments.last().is_some_and(|s| s.ident == "new")
                        && p.path.segments[p.path.segments.len() - 2].ident == "Pin") =>
        {
            polled_in_place(&c.args[0])
        }
        inner => local(inner).map(|n| (n, false)),
    }
}

/// How a select arm's handler ends, from its last statement.
fn arm_end(e: &syn::Expr) -> ArmEnd {
    match strip(e) {
        syn::Expr::Return(_) => ArmEnd::Return,
        syn::Expr::Break(_) => ArmEnd::Break,
        syn::Expr::Continue(_) => ArmEnd::Continue,
        syn::Expr::Macro(m)
            if m.mac.path.segments.last().is_some_and(|s| {
                matches!(
                    s.ident.to_string().as_str(),
                    "panic" | "unreachable" | "todo" | "unimplemented"
                )
            }) =>
        {
            ArmEnd::Return
        }
        syn::Expr::Block(b) => match b.block.stmts.last() {
            Some(syn::Stmt::Expr(e, _)) => arm_end(e),
            Some(syn::Stmt::Macro(m))
                if m.mac.path.segments.last().is_some_and(|s| {
                    matches!(
                        s.ident.to_string().as_str(),
                        "panic" | "unreachable" | "todo" | "unimplemented"
                    )
                }) =>
            {
                ArmEnd::Return
            }
            _ => ArmEnd::Falls,
        },
        _ => ArmEnd::Falls,
    }
}
