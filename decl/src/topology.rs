//! `topology! { .. }`: the intended system, checked where it is written.
//!
//! ```text
//! channel jobs: 64;            // a channel made by `channel!(jobs, ..)`
//! gateway frontend;            // a task marked `#[gateway(name = "frontend")]`
//! actor processor;             // a task marked `#[actor(name = "processor")]`
//! frontend -> processor via jobs;
//! processor -> frontend via replies;
//! admit frontend -> processor with ADMISSION;   // sends carry ADMISSION's permits
//! closed;                      // no other edges between declared actors
//! ```

use crate::capacity::Capacity;
use proc_macro2::Span;
use std::collections::HashMap;
use syn::parse::{Parse, ParseStream};
use syn::{Ident, Token};

/// `channel NAME: CAPACITY;`
#[derive(Clone, Debug)]
pub struct TopologyChannel {
    pub name: Ident,
    pub capacity: Capacity,
}

/// `actor NAME;` or `gateway NAME;`
#[derive(Clone, Debug)]
pub struct TopologyActor {
    pub name: Ident,
    pub gateway: bool,
}

/// `FROM -> TO via CHANNEL;`: FROM's task sends on CHANNEL, TO's task receives from it.
#[derive(Clone, Debug)]
pub struct Edge {
    pub from: Ident,
    pub to: Ident,
    pub via: Ident,
}

/// `admit FROM -> TO with SEMAPHORE;`: messages FROM sends to TO carry a permit of SEMAPHORE
/// (a binding, field or static of that name).
#[derive(Clone, Debug)]
pub struct Admit {
    pub from: Ident,
    pub to: Ident,
    pub semaphore: Ident,
}

/// A whole `topology!` block, validated: names declared once, every edge between declared
/// actors through a declared channel, every admission on a declared edge.
#[derive(Clone, Debug, Default)]
pub struct Topology {
    pub channels: Vec<TopologyChannel>,
    pub actors: Vec<TopologyActor>,
    pub edges: Vec<Edge>,
    pub admits: Vec<Admit>,
    /// `closed;`: the code may have no other edges between declared actors.
    pub closed: Option<Span>,
}

impl Topology {
    /// The declared channel called `name`.
    pub fn channel(&self, name: &str) -> Option<&TopologyChannel> {
        self.channels.iter().find(|c| c.name == name)
    }

    /// The declared actor or gateway called `name`.
    pub fn actor(&self, name: &str) -> Option<&TopologyActor> {
        self.actors.iter().find(|a| a.name == name)
    }
}

const STATEMENTS: &str = "expected `channel NAME: CAPACITY;`, `actor NAME;`, `gateway NAME;`, \
     `FROM -> TO via CHANNEL;`, `admit FROM -> TO with SEMAPHORE;` or `closed;`";

fn kw(input: ParseStream, word: &str) -> syn::Result<Ident> {
    let id: Ident = input.parse()?;
    if id != word {
        return Err(syn::Error::new(
            id.span(),
            format!("expected `{word}`, found `{id}`"),
        ));
    }
    Ok(id)
}

impl Parse for Topology {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut t = Topology::default();
        while !input.is_empty() {
            let first: Ident = input
                .parse()
                .map_err(|e| syn::Error::new(e.span(), STATEMENTS))?;
            if input.peek(Token![->]) {
                input.parse::<Token![->]>()?;
                let to: Ident = input.parse()?;
                kw(input, "via")?;
                let via: Ident = input.parse()?;
                t.edges.push(Edge {
                    from: first,
                    to,
                    via,
                });
            } else if first == "channel" {
                let name: Ident = input.parse()?;
                input.parse::<Token![:]>()?;
                let capacity: Capacity = input.parse()?;
                t.channels.push(TopologyChannel { name, capacity });
            } else if first == "actor" || first == "gateway" {
                let name: Ident = input.parse()?;
                t.actors.push(TopologyActor {
                    name,
                    gateway: first == "gateway",
                });
            } else if first == "admit" {
                let from: Ident = input.parse()?;
                input.parse::<Token![->]>()?;
                let to: Ident = input.parse()?;
                kw(input, "with")?;
                let semaphore: Ident = input.parse()?;
                t.admits.push(Admit {
                    from,
                    to,
                    semaphore,
                });
            } else if first == "closed" {
                if t.closed.replace(first.span()).is_some() {
                    return Err(syn::Error::new(first.span(), "`closed` is given twice"));
                }
            } else {
                return Err(syn::Error::new(first.span(), STATEMENTS));
            }
            input.parse::<Token![;]>()?;
        }
        t.validate()?;
        Ok(t)
    }
}

impl Topology {
    fn validate(&self) -> syn::Result<()> {
        let mut names: HashMap<String, &str> = HashMap::new();
        for c in &self.channels {
            if names.insert(c.name.to_string(), "channel").is_some() {
                return Err(twice(&c.name, "channel"));
            }
        }
        let mut actors: HashMap<String, ()> = HashMap::new();
        for a in &self.actors {
            if actors.insert(a.name.to_string(), ()).is_some() {
                return Err(twice(&a.name, "actor"));
            }
        }
        let actor = |id: &Ident| {
            match self.actor(&id.to_string()) {
            Some(_) => Ok(()),
            None => Err(syn::Error::new(
                id.span(),
                format!("`{id}` is not a declared actor; declare it with `actor {id};` or `gateway {id};`"),
            )),
        }
        };
        for e in &self.edges {
            actor(&e.from)?;
            actor(&e.to)?;
            if self.channel(&e.via.to_string()).is_none() {
                return Err(syn::Error::new(
                    e.via.span(),
                    format!(
                        "`{}` is not a declared channel; declare it with `channel {}: CAPACITY;`",
                        e.via, e.via
                    ),
                ));
            }
        }
        for a in &self.admits {
            actor(&a.from)?;
            actor(&a.to)?;
            if !self.edges.iter().any(|e| e.from == a.from && e.to == a.to) {
                return Err(syn::Error::new(
                    a.to.span(),
                    format!("no declared edge `{} -> {}` to admit", a.from, a.to),
                ));
            }
        }
        Ok(())
    }
}

fn twice(name: &Ident, what: &str) -> syn::Error {
    syn::Error::new(name.span(), format!("{what} `{name}` is declared twice"))
}
