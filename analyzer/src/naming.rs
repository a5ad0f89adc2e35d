//! What channels and semaphores are called and hold: the binding, field or static a creation
//! is stored in, the channel one call of a helper makes, capacities read from the source.

use crate::catalog::ChannelKind;
use crate::facts::{ExprFact, ExprId, FileFacts, ItemKind, PatFact};
use crate::index::Index;
use crate::model::{Capacity, Channel};
use crate::resolve::{Res, Resolver};
use crate::source::FileId;
use std::collections::HashMap;

/// Display names for channels and semaphores, by constructor call index: the binding
/// (`let (req_tx, req_rx) = ..` -> `req`), the field (`Self { limit: Arc::new(..) }` and
/// `self.limit = ..` -> `self.limit`) or the static (`static ADMISSION: ..` -> `ADMISSION`)
/// they are stored in.
pub(crate) fn binding_names(ix: &Index<'_>, file: FileId) -> HashMap<u32, String> {
    let ff = &ix.facts[file.0 as usize];
    let mut out = HashMap::new();
    for l in &ff.lets {
        let Some(i) = ctor_call_in(ff, l.init) else {
            continue;
        };
        let names: Vec<&str> = match &l.pat {
            PatFact::Tuple(ps) => ps
                .iter()
                .filter_map(|p| match p {
                    PatFact::Bind(n) => Some(n.as_str()),
                    _ => None,
                })
                .collect(),
            PatFact::Bind(n) => vec![n.as_str()],
            PatFact::Wrapped(p) => match p.as_ref() {
                PatFact::Bind(n) => vec![n.as_str()],
                _ => continue,
            },
            _ => continue,
        };
        if !names.is_empty() {
            out.insert(i, channel_name(&names));
        }
    }
    for (e, fact) in ff.exprs.iter().enumerate() {
        let ExprFact::Struct { ty, fields } = fact else {
            continue;
        };
        let body = ff.expr_body[e];
        let own = body.and_then(|b| ix.self_ty(b));
        let is_self = ty == "Self" || own.is_some_and(|o| o == ix.qualify(file, ty));
        for (name, value) in fields {
            if let Some(i) = ctor_call_in(ff, *value) {
                let owner = if is_self { "self" } else { ty.as_str() };
                out.entry(i).or_insert_with(|| format!("{owner}.{name}"));
            }
        }
    }
    for a in &ff.assigns {
        let Some(i) = ctor_call_in(ff, a.value) else {
            continue;
        };
        if let Some(place) = place_name(ff, a.place, 0) {
            out.entry(i).or_insert(place);
        }
    }
    for b in &ff.bodies {
        if let (crate::facts::BodyKind::Init { name }, [ret]) = (&b.kind, b.returns.as_slice()) {
            if let Some(i) = ctor_call_in(ff, *ret) {
                out.entry(i).or_insert_with(|| name.clone());
            }
        }
    }
    out
}

/// The constructor call an initializer reaches through wrappers
/// (`Arc::new(Semaphore::new(4))` names the inner call).
fn ctor_call_in(ff: &FileFacts, mut init: ExprId) -> Option<u32> {
    let mut last = None;
    for _ in 0..4 {
        let ExprFact::Call(i) = ff.exprs[init.0 as usize] else {
            break;
        };
        last = Some(i);
        match ff.calls[i as usize].args.first() {
            Some(a) => init = *a,
            None => break,
        }
    }
    last
}

/// The channel one call of a local function makes: the channel it returns, with the call's
/// range, the name it is bound to there, and its capacity read at the call when the
/// function passes a parameter on as the capacity (`fn make(cap: usize) { channel(cap) }`).
pub(crate) fn instance_channel(
    ix: &Index<'_>,
    channels: &[Channel],
    ctor_calls: &[(FileId, u32)],
    inst: &crate::flow::Instance,
    names: &HashMap<u32, String>,
) -> Channel {
    let ff = &ix.facts[inst.file.0 as usize];
    let call = &ff.calls[inst.call as usize];
    let of = &channels[inst.of as usize];
    let written = call.callee.segments.join("::");
    let layer = format!("`{written}()` (wraps `{}`)", of.api_path);
    let mut capacity = of.capacity.clone();
    if capacity == Capacity::Unknown {
        if let (Some(&(cf, ci)), ChannelKind::Bounded { cap_arg, .. }) =
            (ctor_calls.get(inst.of as usize), of.kind)
        {
            let cff = &ix.facts[cf.0 as usize];
            let arg = cff.calls[ci as usize].args.get(cap_arg);
            if let Some(ExprFact::Path(p)) = arg.map(|a| &cff.exprs[a.0 as usize]) {
                let param = ix.body(inst.callee).params.iter().position(
                    |pat| matches!(pat, PatFact::Bind(n) if p.segments.len() == 1 && *n == p.segments[0]),
                );
                if let Some(k) = param {
                    capacity = capacity_of(&ix.resolver, ff, call.args.get(k).copied());
                }
            }
        }
    }
    Channel {
        name: names
            .get(&inst.call)
            .cloned()
            .unwrap_or_else(|| of.name.clone()),
        lib: of.lib,
        kind: of.kind,
        capacity,
        range: call.range,
        api_path: of.api_path.clone(),
        in_macro: call.in_macro,
        via: Some((layer, inst.of)),
    }
}

/// `self.limit`, `state.inner.tx`, `x`: a place as written, when it is a path of fields.
fn place_name(ff: &FileFacts, e: ExprId, depth: usize) -> Option<String> {
    match &ff.exprs[e.0 as usize] {
        ExprFact::Path(p) if p.segments.len() == 1 => Some(p.segments[0].clone()),
        ExprFact::Field { base, name } if depth < 4 => {
            Some(format!("{}.{name}", place_name(ff, *base, depth + 1)?))
        }
        _ => None,
    }
}

/// A name for a creation that is not stored under a name: the function it is in.
pub(crate) fn unnamed(ix: &Index<'_>, body: Option<crate::facts::BodyId>, what: &str) -> String {
    match body.and_then(|b| ix.enclosing_fn(b)) {
        Some(f) => format!("{what} in `{}`", ix.body_name(f)),
        None => what.to_string(),
    }
}

/// `["req_tx", "req_rx"]` -> `req`; `["tx", "rx"]` -> `tx/rx`.
fn channel_name(names: &[&str]) -> String {
    let trimmed: Vec<&str> = names
        .iter()
        .map(|n| {
            let n = n.trim_start_matches('_');
            ["_tx", "_rx", "_sender", "_receiver"]
                .iter()
                .find_map(|suffix| n.strip_suffix(suffix))
                .unwrap_or(n)
        })
        .collect();
    match trimmed.first() {
        Some(first) if !first.is_empty() && trimmed.iter().all(|t| t == first) => first.to_string(),
        _ => names.join("/"),
    }
}

pub(crate) fn capacity_of(
    resolver: &Resolver<'_>,
    facts: &FileFacts,
    arg: Option<ExprId>,
) -> Capacity {
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
