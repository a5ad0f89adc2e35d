//! Parsing and validation of `topology! { channel NAME: CAPACITY; ... }`.

use proc_macro2::TokenStream;
use quote::quote;
use std::collections::HashSet;
use syn::parse::{Parse, ParseStream};
use syn::{Ident, LitInt, Token};

/// A declared capacity.
pub enum Capacity {
    Bounded(u64),
    Unbounded,
}

/// `channel NAME: CAPACITY;`
pub struct ChannelDecl {
    pub name: Ident,
    pub capacity: Capacity,
}

/// The whole declaration block.
pub struct Topology {
    pub channels: Vec<ChannelDecl>,
}

impl Parse for ChannelDecl {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let kw: Ident = input.parse()?;
        if kw != "channel" {
            return Err(syn::Error::new(
                kw.span(),
                format!("expected `channel`, found `{kw}`"),
            ));
        }
        let name: Ident = input.parse()?;
        input.parse::<Token![:]>()?;
        let capacity = if input.peek(LitInt) {
            let lit: LitInt = input.parse()?;
            let n: u64 = lit.base10_parse()?;
            if n == 0 {
                return Err(syn::Error::new(
                    lit.span(),
                    "a channel capacity must be at least 1 (tokio panics on 0)",
                ));
            }
            Capacity::Bounded(n)
        } else {
            let word: Ident = input.parse().map_err(|e| {
                syn::Error::new(
                    e.span(),
                    "expected a capacity: a positive integer or `unbounded`",
                )
            })?;
            if word != "unbounded" {
                return Err(syn::Error::new(
                    word.span(),
                    "expected a capacity: a positive integer or `unbounded`",
                ));
            }
            Capacity::Unbounded
        };
        input.parse::<Token![;]>()?;
        Ok(ChannelDecl { name, capacity })
    }
}

impl Parse for Topology {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut channels: Vec<ChannelDecl> = Vec::new();
        let mut seen = HashSet::new();
        while !input.is_empty() {
            let decl: ChannelDecl = input.parse()?;
            if !seen.insert(decl.name.to_string()) {
                return Err(syn::Error::new(
                    decl.name.span(),
                    format!("channel `{}` is declared twice", decl.name),
                ));
            }
            channels.push(decl);
        }
        Ok(Topology { channels })
    }
}

impl Topology {
    /// An unnamed constant table of the declarations: nothing runs and nothing reaches the
    /// binary; the analyzer reads the same declarations from source.
    pub fn expand(&self) -> TokenStream {
        let rows = self.channels.iter().map(|c| {
            let name = c.name.to_string();
            match c.capacity {
                Capacity::Bounded(n) => quote!((#name, ::core::option::Option::Some(#n))),
                Capacity::Unbounded => quote!((#name, ::core::option::Option::None)),
            }
        });
        quote!(
            const _: &[(&str, ::core::option::Option<u64>)] = &[#(#rows),*];
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> syn::Result<Topology> {
        syn::parse_str(src)
    }

    #[test]
    fn accepts_bounded_and_unbounded() {
        let t = parse("channel jobs: 64; channel replies: unbounded;").unwrap();
        assert_eq!(t.channels.len(), 2);
        assert!(matches!(t.channels[0].capacity, Capacity::Bounded(64)));
        assert!(t.expand().to_string().contains("\"replies\""));
    }

    #[test]
    fn rejects_zero_duplicates_and_unknown_words() {
        let err = |s: &str| parse(s).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err("channel a: 0;").contains("at least 1"));
        assert!(err("channel a: 1; channel a: 2;").contains("declared twice"));
        assert!(err("chan a: 1;").contains("expected `channel`"));
        assert!(err("channel a: lots;").contains("expected a capacity"));
    }
}
