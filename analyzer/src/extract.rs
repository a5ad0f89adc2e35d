//! Turns one parsed file into [`FileFacts`]. Runs on the thread that parsed the file,
//! because byte ranges are read from spans that belong to that thread.

use crate::facts::*;
use crate::source::{FileId, FileRange};
use proc_macro2::Span;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};

/// Extracts the facts of `file`, whose id is `id`.
pub fn extract(id: FileId, file: &syn::File, text: &str) -> FileFacts {
    let mut x = Extractor {
        file: id,
        facts: FileFacts::default(),
        scope: ScopeId { file: id, idx: 0 },
        body: None,
        loop_depth: 0,
        in_macro: false,
        inline_dirs: Vec::new(),
    };
    x.facts.scopes.push(Scope {
        is_module: true,
        ..Scope::default()
    });
    x.register_items(&file.items);
    for item in &file.items {
        x.visit_item(item);
    }
    x.facts.allows = crate::suppress::scan_allows(text);
    x.facts
}

struct Extractor {
    file: FileId,
    facts: FileFacts,
    scope: ScopeId,
    body: Option<BodyId>,
    loop_depth: u32,
    in_macro: bool,
    inline_dirs: Vec<String>,
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

    fn register_item(&mut self, item: &syn::Item) {
        let (name, kind) = match item {
            syn::Item::Fn(f) => {
                // The body id is assigned when the function is visited; it is the id the next
                // visited body would get only in visit order, so store a placeholder and fix on visit.
                (f.sig.ident.to_string(), ItemKind::Other)
            }
            syn::Item::Mod(m) => (m.ident.to_string(), ItemKind::Mod(None)),
            syn::Item::Const(c) => (c.ident.to_string(), ItemKind::Const(int_value(&c.expr))),
            syn::Item::Static(s) => (s.ident.to_string(), ItemKind::Const(int_value(&s.expr))),
            syn::Item::Use(u) => {
                let mut uses = Vec::new();
                flatten_use(
                    &u.tree,
                    u.leading_colon.is_some(),
                    &mut Vec::new(),
                    &mut uses,
                );
                self.cur_scope().uses.extend(uses);
                return;
            }
            syn::Item::ExternCrate(e) => {
                let name = e.ident.to_string();
                if let Some((_, alias)) = &e.rename {
                    self.cur_scope().uses.push(UseFact {
                        name: Some(alias.to_string()),
                        global: true,
                        path: vec![name],
                    });
                }
                return;
            }
            syn::Item::Struct(s) => (s.ident.to_string(), ItemKind::Other),
            syn::Item::Enum(e) => (e.ident.to_string(), ItemKind::Other),
            syn::Item::Union(u) => (u.ident.to_string(), ItemKind::Other),
            syn::Item::Trait(t) => (t.ident.to_string(), ItemKind::Other),
            syn::Item::Type(t) => (t.ident.to_string(), ItemKind::Other),
            _ => return,
        };
        self.cur_scope().items.insert(name, kind);
    }

    fn enter_body(&mut self, kind: BodyKind, span: Span) -> (Option<BodyId>, u32) {
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
            in_loop: self.loop_depth > 0,
        });
        let saved = (self.body, self.loop_depth);
        self.body = Some(id);
        self.loop_depth = 0;
        saved
    }

    fn leave_body(&mut self, saved: (Option<BodyId>, u32)) {
        self.body = saved.0;
        self.loop_depth = saved.1;
    }

    fn fn_body(&mut self, name: String, self_ty: Option<String>, span: Span, block: &syn::Block) {
        let id = BodyId {
            file: self.file,
            idx: self.facts.bodies.len() as u32,
        };
        if self_ty.is_none() {
            if let Some(item) = self.cur_scope().items.get_mut(&name) {
                *item = ItemKind::Fn(id);
            }
        }
        let saved = self.enter_body(BodyKind::Fn { name, self_ty }, span);
        self.visit_block(block);
        self.leave_body(saved);
    }

    fn in_loop<F: FnOnce(&mut Self)>(&mut self, f: F) {
        self.loop_depth += 1;
        f(self);
        self.loop_depth -= 1;
    }

    /// What an argument is; closures and async blocks become bodies as they are visited.
    fn arg_fact(&mut self, arg: &syn::Expr) -> ArgFact {
        let next_body = BodyId {
            file: self.file,
            idx: self.facts.bodies.len() as u32,
        };
        let fact = match strip(arg) {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Int(i),
                ..
            }) => i
                .base10_parse::<u64>()
                .map_or(ArgFact::Other(self.range(arg.span())), ArgFact::Int),
            syn::Expr::Path(p) if p.qself.is_none() => ArgFact::Path(self.path_ref(&p.path)),
            syn::Expr::Closure(_) | syn::Expr::Async(_) => ArgFact::Body(next_body),
            _ => ArgFact::Other(self.range(arg.span())),
        };
        self.visit_expr(arg);
        fact
    }
}

/// Removes parentheses, references and casts that do not change what an argument is.
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
    });
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
            None => {
                let range = self.range(m.span());
                self.facts.mod_decls.push(ModDecl {
                    scope: self.scope,
                    name,
                    path_attr: path_attr(&m.attrs),
                    inline_dirs: self.inline_dirs.clone(),
                    range,
                });
            }
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
        self.fn_body(f.sig.ident.to_string(), None, f.span(), &f.block);
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let self_ty = type_name(&i.self_ty).unwrap_or_default();
        for item in &i.items {
            match item {
                syn::ImplItem::Fn(f) => self.fn_body(
                    f.sig.ident.to_string(),
                    Some(self_ty.clone()),
                    f.span(),
                    &f.block,
                ),
                syn::ImplItem::Const(c) => self.visit_expr(&c.expr),
                syn::ImplItem::Macro(m) => self.visit_macro(&m.mac),
                _ => {}
            }
        }
    }

    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        if let Some(block) = &f.default {
            self.fn_body(
                f.sig.ident.to_string(),
                Some("Self".into()),
                f.span(),
                block,
            );
        }
    }

    fn visit_item_const(&mut self, c: &'ast syn::ItemConst) {
        let saved = self.enter_body(
            BodyKind::Init {
                name: c.ident.to_string(),
            },
            c.span(),
        );
        self.visit_expr(&c.expr);
        self.leave_body(saved);
    }

    fn visit_item_static(&mut self, s: &'ast syn::ItemStatic) {
        let saved = self.enter_body(
            BodyKind::Init {
                name: s.ident.to_string(),
            },
            s.span(),
        );
        self.visit_expr(&s.expr);
        self.leave_body(saved);
    }

    fn visit_item_macro(&mut self, m: &'ast syn::ItemMacro) {
        // `macro_rules!` bodies are templates, not code.
        if m.ident.is_none() {
            self.visit_macro(&m.mac);
        }
    }

    fn visit_block(&mut self, b: &'ast syn::Block) {
        let items: Vec<&syn::Item> = b
            .stmts
            .iter()
            .filter_map(|s| match s {
                syn::Stmt::Item(i) => Some(i),
                _ => None,
            })
            .collect();
        if items.is_empty() {
            return visit::visit_block(self, b);
        }
        let id = self.new_scope(Scope {
            parent: Some(self.scope),
            ..Scope::default()
        });
        let saved = std::mem::replace(&mut self.scope, id);
        for item in items {
            self.register_item(item);
        }
        visit::visit_block(self, b);
        self.scope = saved;
    }

    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        let saved = self.enter_body(BodyKind::Closure, c.span());
        self.visit_expr(&c.body);
        self.leave_body(saved);
    }

    fn visit_expr_async(&mut self, a: &'ast syn::ExprAsync) {
        let saved = self.enter_body(BodyKind::AsyncBlock, a.span());
        self.visit_block(&a.block);
        self.leave_body(saved);
    }

    fn visit_expr_loop(&mut self, l: &'ast syn::ExprLoop) {
        self.in_loop(|x| x.visit_block(&l.body));
    }

    fn visit_expr_while(&mut self, w: &'ast syn::ExprWhile) {
        self.in_loop(|x| {
            x.visit_expr(&w.cond);
            x.visit_block(&w.body);
        });
    }

    fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
        self.visit_expr(&f.expr);
        self.in_loop(|x| x.visit_block(&f.body));
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        let syn::Expr::Path(p) = strip(&c.func) else {
            return visit::visit_expr_call(self, c);
        };
        if p.qself.is_some() {
            return visit::visit_expr_call(self, c);
        }
        let callee = self.path_ref(&p.path);
        let body = self.body;
        let args = c.args.iter().map(|a| self.arg_fact(a)).collect();
        let range = self.range(c.span());
        self.facts.calls.push(CallFact {
            body,
            callee,
            args,
            range,
            in_loop: self.loop_depth > 0,
            in_macro: self.in_macro,
        });
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        let saved = self.in_macro;
        self.in_macro = true;
        if let Ok(exprs) =
            m.parse_body_with(Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
        {
            for e in &exprs {
                self.visit_expr(e);
            }
        } else if let Ok(stmts) = m.parse_body_with(syn::Block::parse_within) {
            for s in &stmts {
                self.visit_stmt(s);
            }
        }
        self.in_macro = saved;
    }
}

impl Extractor {
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
