//! A declared capacity: a positive integer literal or `unbounded`.

use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::{Ident, LitInt};

/// A channel's or mailbox's declared capacity, with the span of the token that gave it.
#[derive(Clone, Debug)]
pub enum Capacity {
    /// `64`: at most that many queued messages.
    Bounded(u64, Span),
    /// `unbounded`, written out.
    Unbounded(Span),
}

impl Capacity {
    /// The bound, `None` when unbounded.
    pub fn bound(&self) -> Option<u64> {
        match self {
            Capacity::Bounded(n, _) => Some(*n),
            Capacity::Unbounded(_) => None,
        }
    }

    /// The token that gave it.
    pub fn span(&self) -> Span {
        match self {
            Capacity::Bounded(_, s) | Capacity::Unbounded(s) => *s,
        }
    }
}

const EXPECTED: &str = "expected a capacity: a positive integer or `unbounded`";

impl Parse for Capacity {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.peek(LitInt) {
            let lit: LitInt = input.parse()?;
            let n: u64 = lit
                .base10_parse()
                .map_err(|_| syn::Error::new(lit.span(), EXPECTED))?;
            if n == 0 {
                return Err(syn::Error::new(
                    lit.span(),
                    "a capacity must be at least 1 (a zero-capacity tokio channel panics)",
                ));
            }
            return Ok(Capacity::Bounded(n, lit.span()));
        }
        let word: Ident = input
            .parse()
            .map_err(|e| syn::Error::new(e.span(), EXPECTED))?;
        if word != "unbounded" {
            return Err(syn::Error::new(word.span(), EXPECTED));
        }
        Ok(Capacity::Unbounded(word.span()))
    }
}
