//! Declarations made with bpcheck's macros and attributes, read with the grammar the macros
//! use (`bpcheck-decl`), so the analyzer and the compiler never disagree on what they say.
//! Paths are resolved later (`annotations.rs`): only bpcheck's own macros count.

use super::Extractor;
use crate::facts::*;
use crate::source::FileRange;
use bpcheck_decl::{AllowArgs, ChannelArgs, ItemShape, Role, RoleArgs, Topology};
use proc_macro2::Span;

/// The last segment of a path written as one of ours: `bpcheck::x` or a plain `x` (imported,
/// checked at resolution).
fn our_name(path: &syn::Path) -> Option<String> {
    let first = path.segments.first()?.ident.to_string();
    let n = path.segments.len();
    (n == 1 || (n == 2 && bpcheck_decl::CRATES.contains(&first.as_str())))
        .then(|| path.segments[n - 1].ident.to_string())
}

impl Extractor {
    fn span_range(&self, from: Span, to: Span) -> FileRange {
        FileRange {
            end: self.range(to).end,
            ..self.range(from)
        }
    }

    /// The range of a grammar error, or `fallback` when the error has no place of its own
    /// (the end of the input).
    fn error_range(&self, e: &syn::Error, fallback: FileRange) -> FileRange {
        let r = self.range(e.span());
        if r.start == 0 && r.end == 0 {
            fallback
        } else {
            r
        }
    }

    fn macro_range(&self, m: &syn::Macro) -> FileRange {
        let start = match &m.path.leading_colon {
            Some(c) => c.spans[0],
            None => m.path.segments[0].ident.span(),
        };
        let end = match &m.delimiter {
            syn::MacroDelimiter::Paren(d) => d.span.close(),
            syn::MacroDelimiter::Brace(d) => d.span.close(),
            syn::MacroDelimiter::Bracket(d) => d.span.close(),
        };
        self.span_range(start, end)
    }

    fn invalid(&mut self, path: &syn::Path, range: FileRange, e: &syn::Error) {
        let at = self.error_range(e, range);
        self.facts.decls.push(DeclFact {
            path: self.path_ref(path),
            range,
            kind: DeclKind::Invalid {
                message: e.to_string(),
                at,
            },
        });
    }

    /// `channel!(name, capacity)` in expression position: the constructor call it expands
    /// to, recorded as that call (the index drops it if the macro is not bpcheck's).
    pub(super) fn channel_macro(&mut self, m: &syn::Macro) -> Option<ExprId> {
        if our_name(&m.path)? != "channel" {
            return None;
        }
        let range = self.macro_range(m);
        let args = match m.parse_body::<ChannelArgs>() {
            Ok(a) => a,
            Err(e) => {
                self.invalid(&m.path, range, &e);
                return None;
            }
        };
        let bound = args.capacity.bound();
        let callee = PathRef {
            scope: self.scope,
            global: true,
            segments: args
                .flavor
                .constructor(bound.is_some())
                .iter()
                .map(|s| s.to_string())
                .collect(),
        };
        // The shim's constructors take the name first.
        let name = args.flavor.takes_name().then(|| self.other());
        let cap = bound.map(|n| self.push_expr(ExprFact::Int(n)));
        let call_args = name.into_iter().chain(cap).collect();
        self.facts.calls.push(CallFact {
            body: self.body,
            callee,
            args: call_args,
            range,
            awaited: false,
            loop_id: self.cur_loop,
            in_loop: self.cur_loop.is_some(),
            in_macro: false,
        });
        let call = self.facts.calls.len() as u32 - 1;
        self.facts.decls.push(DeclFact {
            path: self.path_ref(&m.path),
            range,
            kind: DeclKind::Channel {
                name: args.name.to_string(),
                capacity: bound,
                call,
            },
        });
        Some(self.push_expr(ExprFact::Call(call)))
    }

    /// `topology! { .. }`: true when the macro is one (read or rejected).
    pub(super) fn topology_macro(&mut self, m: &syn::Macro) -> bool {
        if our_name(&m.path).as_deref() != Some("topology") {
            return false;
        }
        let range = self.macro_range(m);
        match m.parse_body::<Topology>() {
            Ok(t) => {
                let fact = TopologyFact {
                    channels: t
                        .channels
                        .iter()
                        .map(|c| {
                            let r = self.span_range(c.name.span(), c.capacity.span());
                            (c.name.to_string(), c.capacity.bound(), r)
                        })
                        .collect(),
                    actors: t
                        .actors
                        .iter()
                        .map(|a| (a.name.to_string(), a.gateway, self.range(a.name.span())))
                        .collect(),
                    edges: t
                        .edges
                        .iter()
                        .map(|e| {
                            let r = self.span_range(e.from.span(), e.via.span());
                            (e.from.to_string(), e.to.to_string(), e.via.to_string(), r)
                        })
                        .collect(),
                    admits: t
                        .admits
                        .iter()
                        .map(|a| {
                            let r = self.span_range(a.from.span(), a.semaphore.span());
                            let sem = a.semaphore.to_string();
                            (a.from.to_string(), a.to.to_string(), sem, r)
                        })
                        .collect(),
                    closed: t.closed.map(|s| self.range(s)),
                    range,
                };
                self.facts.decls.push(DeclFact {
                    path: self.path_ref(&m.path),
                    range,
                    kind: DeclKind::Topology(fact),
                });
            }
            Err(e) => self.invalid(&m.path, range, &e),
        }
        true
    }

    /// The attributes of an item: `#[actor]`, `#[gateway]`, `#[allow]`. `first_body` is the
    /// id the item's own body got when it is a function.
    pub(super) fn item_decls(
        &mut self,
        attrs: &[syn::Attribute],
        shape: ItemShape,
        first_body: usize,
        end: Span,
    ) {
        for attr in attrs {
            let Some(name) = our_name(attr.path()) else {
                continue;
            };
            let role = match name.as_str() {
                "actor" => Role::Actor,
                "gateway" => Role::Gateway,
                // A bare `allow` is rustc's own.
                "allow" if attr.path().segments.len() == 2 => {
                    self.allow_attr(attr, attrs, end);
                    continue;
                }
                _ => continue,
            };
            let range = self.attr_range(attr);
            let args = match &attr.meta {
                syn::Meta::Path(_) => Ok(RoleArgs::default()),
                syn::Meta::List(l) => l.parse_args::<RoleArgs>(),
                syn::Meta::NameValue(nv) => Err(syn::Error::new(
                    nv.eq_token.span,
                    "expected `#[actor]` or `#[actor(name = \"..\", mailbox = N)]`",
                )),
            };
            let checked = args.and_then(|a| {
                let own = shape.actor_name(role, attr.pound_token.span)?;
                Ok((a, own))
            });
            let (args, own) = match checked {
                Ok(x) => x,
                Err(e) => {
                    self.invalid(attr.path(), range, &e);
                    continue;
                }
            };
            let target = match &shape {
                ItemShape::Fn(_) | ItemShape::AsyncFn(_) => RoleTarget::Body(BodyId {
                    file: self.file,
                    idx: first_body as u32,
                }),
                _ => RoleTarget::Type(own.to_string()),
            };
            self.facts.decls.push(DeclFact {
                path: self.path_ref(attr.path()),
                range,
                kind: DeclKind::Role {
                    gateway: role == Role::Gateway,
                    name: args.name.map_or_else(|| own.to_string(), |(n, _)| n),
                    mailbox: args.mailbox.map(|c| c.bound()),
                    target,
                },
            });
        }
    }

    fn attr_range(&self, attr: &syn::Attribute) -> FileRange {
        self.span_range(attr.pound_token.span, attr.bracket_token.span.close())
    }

    fn allow_attr(&mut self, attr: &syn::Attribute, attrs: &[syn::Attribute], end: Span) {
        let range = self.attr_range(attr);
        let parsed = match &attr.meta {
            syn::Meta::List(l) => l.parse_args::<AllowArgs>(),
            _ => Err(syn::Error::new(
                attr.pound_token.span,
                "expected `#[bpcheck::allow(BP001, reason = \"..\")]`",
            )),
        };
        match parsed {
            Ok(a) => {
                let item = self.span_range(attrs[0].pound_token.span, end);
                self.facts.decls.push(DeclFact {
                    path: self.path_ref(attr.path()),
                    range,
                    kind: DeclKind::Allow {
                        codes: a.lints.iter().map(|l| l.code).collect(),
                        reason: a.reason,
                        item,
                    },
                });
            }
            Err(e) => self.invalid(attr.path(), range, &e),
        }
    }

    /// Remembers the byte range of an item left out of the build.
    pub(super) fn skipped_item(&mut self, item: &syn::Item) {
        let attrs = super::item_attrs(item);
        if let (Some(first), Some(end)) = (attrs.first(), item_end(item)) {
            let r = self.span_range(first.pound_token.span, end);
            self.facts.skipped.push((r.start, r.end));
        }
    }
}

/// The last token of an item, without printing the item (`Spanned::span` would).
pub(super) fn item_end(item: &syn::Item) -> Option<Span> {
    use syn::Item as I;
    Some(match item {
        I::Fn(f) => f.block.brace_token.span.close(),
        I::Impl(i) => i.brace_token.span.close(),
        I::Mod(m) => match (&m.content, &m.semi) {
            (Some((b, _)), _) => b.span.close(),
            (None, Some(s)) => s.span,
            _ => return None,
        },
        I::Struct(s) => match (&s.fields, &s.semi_token) {
            (syn::Fields::Named(n), _) => n.brace_token.span.close(),
            (_, Some(semi)) => semi.span,
            _ => s.ident.span(),
        },
        I::Enum(e) => e.brace_token.span.close(),
        I::Trait(t) => t.brace_token.span.close(),
        I::Const(c) => c.semi_token.span,
        I::Static(s) => s.semi_token.span,
        I::Type(t) => t.semi_token.span,
        I::Use(u) => u.semi_token.span,
        _ => return None,
    })
}
