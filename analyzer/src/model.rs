//! The model: resolved facts of the whole run. Lints read this, never syntax.
//!
//! Every call is resolved once: to a known API (a channel constructor, ...), to a local
//! function (whose summary callers inherit), or to nothing known.

use crate::catalog::{self, Api, ChannelKind, ChannelLib};
use crate::facts::{BodyId, ExprFact, ExprId, FileFacts, ItemKind};
use crate::load::Loaded;
use crate::resolve::{Res, Resolver};
use crate::source::FileRange;
use crate::CrateInput;

/// A channel's capacity as far as the source says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Capacity {
    /// A literal, or a named constant with a literal value.
    Known {
        value: u64,
        name: Option<String>,
    },
    /// An expression the analysis does not evaluate.
    Unknown,
    Unbounded,
}

/// A place where a channel is created.
#[derive(Clone, Debug)]
pub struct Channel {
    pub lib: ChannelLib,
    pub kind: ChannelKind,
    pub capacity: Capacity,
    /// The constructor call.
    pub range: FileRange,
    /// The canonical path of the constructor, e.g. `tokio::sync::mpsc::unbounded_channel`.
    pub api_path: String,
    pub body: Option<BodyId>,
    /// Seen inside a macro invocation (parsed on a best-effort basis).
    pub in_macro: bool,
}

/// What a call resolves to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallTarget {
    Api(Api),
    /// A function of the analyzed crates.
    LocalFn(BodyId),
    Unknown,
}

/// A resolved call.
#[derive(Clone, Debug)]
pub struct Call {
    pub body: Option<BodyId>,
    pub target: CallTarget,
    pub range: FileRange,
}

/// Resolved facts of one run.
#[derive(Debug, Default)]
pub struct Model {
    pub channels: Vec<Channel>,
    pub calls: Vec<Call>,
}

impl Model {
    /// Resolves every fact of `loaded`.
    pub fn build(loaded: &Loaded, crates: &[CrateInput]) -> Model {
        let renames = crates.iter().map(|c| &c.extern_renames).collect();
        let resolver = Resolver::new(&loaded.facts, &loaded.file_crate, renames);
        let mut model = Model::default();
        for facts in &loaded.facts {
            for call in &facts.calls {
                let res = resolver.resolve(&call.callee);
                let target = match &res {
                    Res::Extern(path) => {
                        catalog::lookup(path).map_or(CallTarget::Unknown, CallTarget::Api)
                    }
                    Res::Item {
                        kind: ItemKind::Fn(body),
                        ..
                    } => CallTarget::LocalFn(*body),
                    _ => CallTarget::Unknown,
                };
                if let (CallTarget::Api(Api::ChannelCtor { lib, kind }), Res::Extern(path)) =
                    (&target, &res)
                {
                    let (lib, kind) = (*lib, *kind);
                    let capacity = match kind {
                        ChannelKind::Unbounded => Capacity::Unbounded,
                        ChannelKind::Bounded { cap_arg, .. }
                        | ChannelKind::Broadcast { cap_arg } => {
                            capacity_of(&resolver, facts, call.args.get(cap_arg).copied())
                        }
                        ChannelKind::Oneshot | ChannelKind::Watch => Capacity::Known {
                            value: 1,
                            name: None,
                        },
                    };
                    model.channels.push(Channel {
                        lib,
                        kind,
                        capacity,
                        range: call.range,
                        api_path: path.join("::"),
                        body: call.body,
                        in_macro: call.in_macro,
                    });
                }
                model.calls.push(Call {
                    body: call.body,
                    target,
                    range: call.range,
                });
            }
        }
        model
    }
}

fn capacity_of(resolver: &Resolver<'_>, facts: &FileFacts, arg: Option<ExprId>) -> Capacity {
    match arg.map(|a| &facts.exprs[a.0 as usize]) {
        Some(ExprFact::Int(v)) => Capacity::Known {
            value: *v,
            name: None,
        },
        Some(ExprFact::Path(p)) => match resolver.resolve(p) {
            Res::Item {
                kind: ItemKind::Const(Some(value)),
                name,
                ..
            } => Capacity::Known {
                value,
                name: Some(name),
            },
            _ => Capacity::Unknown,
        },
        _ => Capacity::Unknown,
    }
}
