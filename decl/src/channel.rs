//! `channel!(NAME, CAPACITY [, flavor = FLAVOR])`: a named, sized channel where it is made.

use crate::capacity::Capacity;
use syn::parse::{Parse, ParseStream};
use syn::{Ident, Token};

/// The channel library a `channel!` creates with.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// `tokio::sync::mpsc` (the default).
    Tokio,
    /// `std::sync::mpsc` (`sync_channel` when bounded).
    Std,
    Crossbeam,
    Flume,
    AsyncChannel,
    /// `futures::channel::mpsc`.
    Futures,
    /// bpcheck's runtime shim (`bpcheck::sync::mpsc`, tokio's channel while tests do not
    /// turn on its `check` feature), named after the declaration in its reports.
    Bpcheck,
}

impl Flavor {
    /// Every flavor with the word that selects it.
    pub const ALL: &'static [(&'static str, Flavor)] = &[
        ("tokio", Flavor::Tokio),
        ("std", Flavor::Std),
        ("crossbeam", Flavor::Crossbeam),
        ("flume", Flavor::Flume),
        ("async_channel", Flavor::AsyncChannel),
        ("futures", Flavor::Futures),
        ("bpcheck", Flavor::Bpcheck),
    ];

    /// The constructor takes the channel's name as its first argument.
    pub fn takes_name(self) -> bool {
        self == Flavor::Bpcheck
    }

    /// The constructor `channel!` expands to, as path segments from the crate root:
    /// exactly what a user would write by hand.
    pub fn constructor(self, bounded: bool) -> &'static [&'static str] {
        match (self, bounded) {
            (Flavor::Tokio, true) => &["tokio", "sync", "mpsc", "channel"],
            (Flavor::Tokio, false) => &["tokio", "sync", "mpsc", "unbounded_channel"],
            (Flavor::Std, true) => &["std", "sync", "mpsc", "sync_channel"],
            (Flavor::Std, false) => &["std", "sync", "mpsc", "channel"],
            (Flavor::Crossbeam, true) => &["crossbeam_channel", "bounded"],
            (Flavor::Crossbeam, false) => &["crossbeam_channel", "unbounded"],
            (Flavor::Flume, true) => &["flume", "bounded"],
            (Flavor::Flume, false) => &["flume", "unbounded"],
            (Flavor::AsyncChannel, true) => &["async_channel", "bounded"],
            (Flavor::AsyncChannel, false) => &["async_channel", "unbounded"],
            (Flavor::Futures, true) => &["futures", "channel", "mpsc", "channel"],
            (Flavor::Futures, false) => &["futures", "channel", "mpsc", "unbounded"],
            (Flavor::Bpcheck, true) => &["bpcheck", "sync", "mpsc", "channel_named"],
            (Flavor::Bpcheck, false) => &["bpcheck", "sync", "mpsc", "unbounded_channel_named"],
        }
    }
}

/// The arguments of `channel!`.
#[derive(Clone, Debug)]
pub struct ChannelArgs {
    /// The channel's name in the topology, diagnostics and graph.
    pub name: Ident,
    pub capacity: Capacity,
    pub flavor: Flavor,
}

impl Parse for ChannelArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let name: Ident = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected a channel name: `channel!(jobs, 64)` or `channel!(events, unbounded)`",
            )
        })?;
        input.parse::<Token![,]>()?;
        let capacity: Capacity = input.parse()?;
        let mut flavor = Flavor::Tokio;
        if input.parse::<Option<Token![,]>>()?.is_some() && !input.is_empty() {
            let key: Ident = input.parse()?;
            if key != "flavor" {
                return Err(syn::Error::new(
                    key.span(),
                    format!("unknown argument `{key}`; expected `flavor = ..`"),
                ));
            }
            input.parse::<Token![=]>()?;
            let word: Ident = input.parse()?;
            flavor = Flavor::ALL
                .iter()
                .find(|(w, _)| word == w)
                .map(|(_, f)| *f)
                .ok_or_else(|| {
                    let all: Vec<&str> = Flavor::ALL.iter().map(|(w, _)| *w).collect();
                    syn::Error::new(
                        word.span(),
                        format!(
                            "unknown flavor `{word}`; expected one of {}",
                            all.join(", ")
                        ),
                    )
                })?;
            input.parse::<Option<Token![,]>>()?;
        }
        if !input.is_empty() {
            return Err(input.error("unexpected tokens after the channel's arguments"));
        }
        Ok(ChannelArgs {
            name,
            capacity,
            flavor,
        })
    }
}
