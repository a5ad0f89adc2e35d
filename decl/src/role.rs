//! `#[actor(name = "..", mailbox = N)]` and `#[gateway(..)]`: which task is which actor.

use crate::capacity::Capacity;
use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::{Ident, LitStr, Token};

/// What the attribute says the item is.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Role {
    /// A task with a mailbox.
    Actor,
    /// A task that faces the outside world: it takes work in from clients.
    Gateway,
}

impl Role {
    /// The attribute's name.
    pub fn word(self) -> &'static str {
        match self {
            Role::Actor => "actor",
            Role::Gateway => "gateway",
        }
    }
}

/// The arguments of `#[actor(..)]` / `#[gateway(..)]`, all optional.
#[derive(Clone, Debug, Default)]
pub struct RoleArgs {
    /// `name = "processor"`: the name in the topology; the item's own name otherwise.
    pub name: Option<(String, Span)>,
    /// `mailbox = 64`: the capacity of the channel the actor receives on.
    pub mailbox: Option<Capacity>,
}

impl Parse for RoleArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut args = RoleArgs::default();
        while !input.is_empty() {
            let key: Ident = input.parse()?;
            input.parse::<Token![=]>()?;
            if key == "name" {
                let lit: LitStr = input.parse()?;
                let value = lit.value();
                if syn::parse_str::<Ident>(&value).is_err() {
                    return Err(syn::Error::new(
                        lit.span(),
                        "an actor's name must be an identifier, as `topology!` refers to it",
                    ));
                }
                if args.name.replace((value, lit.span())).is_some() {
                    return Err(syn::Error::new(key.span(), "`name` is given twice"));
                }
            } else if key == "mailbox" {
                let cap: Capacity = input.parse()?;
                if args.mailbox.replace(cap).is_some() {
                    return Err(syn::Error::new(key.span(), "`mailbox` is given twice"));
                }
            } else {
                return Err(syn::Error::new(
                    key.span(),
                    format!("unknown argument `{key}`; expected `name = \"..\"` or `mailbox = N`"),
                ));
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(args)
    }
}

/// The kinds of item an attribute can be written on, as far as declarations care.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ItemShape {
    Struct(Ident),
    Enum(Ident),
    /// An inherent or trait `impl`, with the last segment of its self type.
    Impl(Option<Ident>),
    AsyncFn(Ident),
    /// A function that is not `async` (a thread's body).
    Fn(Ident),
    /// Anything else, described for an error message (`a const`).
    Other(&'static str),
}

impl ItemShape {
    /// The shape of a parsed item.
    pub fn of(item: &syn::Item) -> ItemShape {
        match item {
            syn::Item::Struct(s) => ItemShape::Struct(s.ident.clone()),
            syn::Item::Enum(e) => ItemShape::Enum(e.ident.clone()),
            syn::Item::Impl(i) => ItemShape::Impl(match &*i.self_ty {
                syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.clone()),
                _ => None,
            }),
            syn::Item::Fn(f) if f.sig.asyncness.is_some() => {
                ItemShape::AsyncFn(f.sig.ident.clone())
            }
            syn::Item::Fn(f) => ItemShape::Fn(f.sig.ident.clone()),
            syn::Item::Const(_) => ItemShape::Other("a const"),
            syn::Item::Static(_) => ItemShape::Other("a static"),
            syn::Item::Mod(_) => ItemShape::Other("a module"),
            syn::Item::Trait(_) => ItemShape::Other("a trait"),
            syn::Item::Use(_) => ItemShape::Other("a `use`"),
            syn::Item::Type(_) => ItemShape::Other("a type alias"),
            _ => ItemShape::Other("this item"),
        }
    }

    /// The name an actor on this item has when no `name` is given: the type's or the
    /// function's own; an error for items that cannot be or run a task.
    pub fn actor_name(&self, role: Role, attr: Span) -> syn::Result<Ident> {
        let bad = |what: &str| {
            syn::Error::new(
                attr,
                format!(
                    "`#[bpcheck::{}]` applies to a struct, an enum, an `impl` or a function, not {what}",
                    role.word()
                ),
            )
        };
        match self {
            ItemShape::Struct(i)
            | ItemShape::Enum(i)
            | ItemShape::AsyncFn(i)
            | ItemShape::Fn(i)
            | ItemShape::Impl(Some(i)) => Ok(i.clone()),
            ItemShape::Impl(None) => Err(bad("an `impl` of a type without a name")),
            ItemShape::Other(what) => Err(bad(what)),
        }
    }
}
