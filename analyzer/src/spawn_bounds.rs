//! For each spawn site: whether it runs once per item of work (a receive or accept loop, a
//! `for` over data the code does not bound, a stream's `for_each`), which permits the loop
//! acquires before it, and what bounds the tasks it starts (a permit moved in, a checked
//! `JoinSet`, the handle handed back to the requester, a reply the task answers).

use crate::catalog::{self, ChannelMethod};
use crate::facts::{BodyId, ExprFact, ExprId, PatFact};
use crate::flow::{Flow, Val};
use crate::index::{CallTarget, Index};
use crate::model::Acquire;
use crate::permits::Carriers;
use crate::source::FileId;
use rustc_hash::FxHashMap as HashMap;

/// The loop and the loops around it, in one body.
fn loop_chain(ix: &Index<'_>, file: FileId, mut l: Option<u32>) -> Vec<u32> {
    let mut out = Vec::new();
    while let Some(id) = l {
        if out.contains(&id) {
            break;
        }
        out.push(id);
        l = ix.facts[file.0 as usize]
            .loops
            .get(id as usize)
            .and_then(|x| x.parent);
    }
    out
}

/// True when `body` or a body nested in it mentions local `name`.
fn body_mentions(ix: &Index<'_>, file: FileId, body: crate::facts::BodyId, name: &str) -> bool {
    ix.contents().exprs_within(body).into_iter().any(|e| {
        matches!(ix.expr(file, e), ExprFact::Path(p) if p.segments.len() == 1 && p.segments[0] == name)
    })
}

/// True when expression `e` (a spawn argument) mentions local `name`, directly, in the
/// arguments of calls inside it, or in a closure or async block it starts.
fn expr_mentions(ix: &Index<'_>, file: FileId, e: ExprId, name: &str) -> bool {
    let ff = &ix.facts[file.0 as usize];
    match ix.expr(file, e) {
        ExprFact::Path(p) => p.segments.len() == 1 && p.segments[0] == name,
        ExprFact::Body(b) => body_mentions(ix, file, *b, name),
        ExprFact::Call(i) => ff.calls[*i as usize]
            .args
            .iter()
            .any(|a| expr_mentions(ix, file, *a, name)),
        ExprFact::MethodCall(i) => {
            let mc = &ff.method_calls[*i as usize];
            expr_mentions(ix, file, mc.receiver, name)
                || mc.args.iter().any(|a| expr_mentions(ix, file, *a, name))
        }
        ExprFact::Tuple(items) | ExprFact::Either(items) => {
            items.iter().any(|a| expr_mentions(ix, file, *a, name))
        }
        ExprFact::Struct { fields, .. } => fields
            .iter()
            .any(|(_, a)| expr_mentions(ix, file, *a, name)),
        ExprFact::Field { base, .. } | ExprFact::Index(base) => {
            expr_mentions(ix, file, *base, name)
        }
        ExprFact::Int(_) | ExprFact::Other => false,
    }
}

/// Where the items of an iteration come from, when they are data the code does not bound:
/// `Some(true)` from outside the program (a parameter of a public function, lines, directory
/// entries, a listener's connections), `Some(false)` a parameter of a private function,
/// `None` anything else (a range, a fixed array, a collection built here).
fn data_source(ix: &Index<'_>, flow: &Flow, file: FileId, iter: ExprId) -> Option<bool> {
    let ff = &ix.facts[file.0 as usize];
    let mut e = iter;
    for _ in 0..12 {
        match ix.expr(file, e) {
            ExprFact::MethodCall(i) => {
                let mc = &ff.method_calls[*i as usize];
                if catalog::is_data_source_method(&mc.method) {
                    return Some(true);
                }
                if !crate::flow::receivers(&flow.eval(ix, file, e)).is_empty() {
                    return Some(true);
                }
                e = mc.receiver;
            }
            ExprFact::Call(i) => {
                let path = ix.call_paths[file.0 as usize][*i as usize].as_deref();
                return path.and_then(|p| catalog::is_data_source_fn(p).then_some(true));
            }
            ExprFact::Path(p) if p.segments.len() == 1 && p.segments[0] != "self" => {
                let body = ix.expr_body(file, e)?;
                let f = ix.enclosing_fn(body)?;
                let is_param = ix.binding_body(Some(body), &p.segments[0]) == Some(f)
                    && ix.body(f).params.iter().any(|pat| {
                        let mut names = std::collections::HashSet::new();
                        crate::index::pat_names(pat, &mut names);
                        names.contains(&p.segments[0])
                    });
                return is_param.then(|| ix.body(f).public);
            }
            _ => return None,
        }
    }
    None
}

/// For a spawn written in closure `b`: when `b` is handed to a per-item combinator
/// (`for_each`, `then`, `map`, ...) of a stream, receiver or parameter, whether its items come
/// from outside the program (see [`data_source`]).
fn item_closure_source(ix: &Index<'_>, flow: &Flow, file: FileId, b: BodyId) -> Option<bool> {
    let ff = &ix.facts[file.0 as usize];
    if !matches!(
        ix.body(b).kind,
        crate::facts::BodyKind::Closure | crate::facts::BodyKind::AsyncBlock
    ) {
        return None;
    }
    let mc = ix
        .contents()
        .handed_to(b)
        .iter()
        .map(|&i| &ff.method_calls[i as usize])
        .find(|mc| {
            catalog::is_per_item_combinator(&mc.method)
                && mc
                    .args
                    .iter()
                    .any(|a| matches!(ix.expr(file, *a), ExprFact::Body(x) if *x == b))
        })?;
    if !crate::flow::receivers(&flow.eval(ix, file, mc.receiver)).is_empty() {
        return Some(true);
    }
    // `map` and the like run once on an `Option` or `Result`: only an iterator's count.
    if !mc.method.starts_with("for_each")
        && !mc.method.starts_with("try_for_each")
        && !iterates(ix, file, mc.receiver)
    {
        return None;
    }
    data_source(ix, flow, file, mc.receiver)
}

/// True when a method chain makes an iterator or stream (`items.iter()`, `.into_iter()`).
fn iterates(ix: &Index<'_>, file: FileId, mut e: ExprId) -> bool {
    let ff = &ix.facts[file.0 as usize];
    for _ in 0..12 {
        let ExprFact::MethodCall(i) = ix.expr(file, e) else {
            return false;
        };
        let mc = &ff.method_calls[*i as usize];
        if matches!(
            mc.method.as_str(),
            "iter" | "into_iter" | "iter_mut" | "drain" | "chunks" | "values" | "keys"
        ) || catalog::is_data_source_method(&mc.method)
        {
            return true;
        }
        e = mc.receiver;
    }
    false
}

/// True when the spawned future is the item of a loop around the spawn (through wrappers
/// such as `Box::pin`): a future the caller made.
fn spawns_loop_item(
    ix: &Index<'_>,
    file: FileId,
    site: &crate::tasks::SpawnSite,
    chain: &[u32],
) -> bool {
    let ff = &ix.facts[file.0 as usize];
    let mut e = site.arg;
    for _ in 0..4 {
        match ix.expr(file, e) {
            ExprFact::Call(i) => match (
                &ix.call_targets[file.0 as usize][*i as usize],
                ff.calls[*i as usize].args.first(),
            ) {
                (CallTarget::Api(crate::catalog::Api::Wrap), Some(a)) => e = *a,
                _ => return false,
            },
            ExprFact::Path(p) if p.segments.len() == 1 => {
                let mut names = std::collections::HashSet::new();
                let fors = chain
                    .iter()
                    .flat_map(|&l| ix.contents().loop_fors(file, l))
                    .map(|&i| &ff.fors[i as usize]);
                for l in fors.filter(|l| l.body == site.body) {
                    crate::index::pat_names(&l.pat, &mut names);
                }
                // `iter.for_each(|fut| set.spawn(fut))`: the closure's item.
                if let Some(b) = site
                    .body
                    .filter(|b| matches!(ix.body(*b).kind, crate::facts::BodyKind::Closure))
                {
                    for p in &ix.body(b).params {
                        crate::index::pat_names(p, &mut names);
                    }
                }
                return names.contains(&p.segments[0]);
            }
            _ => return false,
        }
    }
    false
}

/// True when expression `e` names a local bound outside the spawned task (in the spawning
/// body or around it): the task takes it with it.
fn captured_from_outside(ix: &Index<'_>, site: &crate::tasks::SpawnSite, e: ExprId) -> bool {
    let ExprFact::Path(p) = ix.expr(site.file, e) else {
        return false;
    };
    p.segments.len() == 1
        && ix
            .binding_body(ix.expr_body(site.file, e), &p.segments[0])
            .is_some_and(|b| !site.roots.iter().any(|r| ix.is_within(b, *r)))
}

/// True when the spawned task captures a oneshot reply sender from outside it: it answers
/// one request, and the requester waiting for the answer bounds how many run.
fn captures_reply(
    ix: &Index<'_>,
    flow: &Flow,
    site: &crate::tasks::SpawnSite,
    channels: &[crate::model::Channel],
) -> bool {
    let file = site.file;
    let is_reply = |e: ExprId| {
        captured_from_outside(ix, site, e)
            && flow.eval(ix, file, e).keys().any(|v| {
                matches!(v, Val::Tx(c) if channels.get(*c as usize)
                    .is_some_and(|ch| ch.kind == crate::catalog::ChannelKind::Oneshot))
            })
    };
    ix.contents()
        .exprs_within_all(file, &site.roots)
        .into_iter()
        .any(is_reply)
}

/// True when the spawn's handle goes back to whoever asked for the task: sent on a channel
/// (`reply.send(handle)`) or returned, directly or bound to a local first.
fn handle_handed_back(ix: &Index<'_>, file: FileId, site: &crate::tasks::SpawnSite) -> bool {
    let ff = &ix.facts[file.0 as usize];
    let is_spawn = |mut e: ExprId| {
        for _ in 0..6 {
            match ix.expr(file, e) {
                ExprFact::Call(i) => {
                    let c = &ff.calls[*i as usize];
                    if c.range == site.range {
                        return true;
                    }
                    match (
                        &ix.call_targets[file.0 as usize][*i as usize],
                        c.args.first(),
                    ) {
                        (
                            CallTarget::Api(crate::catalog::Api::Wrap) | CallTarget::Ctor,
                            Some(a),
                        ) => e = *a,
                        _ => return false,
                    }
                }
                ExprFact::MethodCall(i) => {
                    let mc = &ff.method_calls[*i as usize];
                    if mc.range == site.range {
                        return true;
                    }
                    e = mc.receiver;
                }
                _ => return false,
            }
        }
        false
    };
    let names: Vec<&str> = ix
        .contents()
        .lets(file, site.body)
        .iter()
        .map(|&i| &ff.lets[i as usize])
        .filter(|l| is_spawn(l.init))
        .filter_map(|l| match &l.pat {
            PatFact::Bind(n) => Some(n.as_str()),
            _ => None,
        })
        .collect();
    let hands_back = |e: ExprId| {
        arg_exprs(ix, file, e).into_iter().any(|x| {
            is_spawn(x)
                || matches!(ix.expr(file, x), ExprFact::Path(p)
                    if p.segments.len() == 1 && names.contains(&p.segments[0].as_str()))
        })
    };
    let in_body = ix.contents().method_calls(file, site.body);
    let sent = in_body
        .iter()
        .map(|&i| &ff.method_calls[i as usize])
        .any(|mc| {
            matches!(
                catalog::channel_method(&mc.method),
                Some(ChannelMethod::Send { .. })
            ) && mc.args.iter().any(|a| hands_back(*a))
        });
    let returned = site
        .body
        .and_then(|b| ix.enclosing_fn(b).filter(|f| *f == b))
        .is_some_and(|b| ix.body(b).returns.iter().any(|r| hands_back(*r)));
    sent || returned
}

/// True when the spawned future or closure takes with it a local of the spawning body that
/// holds a permit of one of `sems` (through `map(Permit::Owned)`, `if let Ok(p) = ..`, a
/// struct or tuple that carries it): the permit moves into the task.
fn captures_permit(
    ix: &Index<'_>,
    flow: &Flow,
    carriers: &Carriers<'_>,
    site: &crate::tasks::SpawnSite,
    sems: &[u32],
) -> bool {
    if sems.is_empty() {
        return false;
    }
    let file = site.file;
    let holds = |e: ExprId| {
        if !captured_from_outside(ix, site, e) {
            return false;
        }
        let mut held = Vec::new();
        carriers.sems_in(&flow.eval(ix, file, e), 0, &mut held);
        held.iter().any(|s| sems.contains(s))
    };
    let in_arg = arg_exprs(ix, file, site.arg);
    in_arg.into_iter().any(holds)
        || ix
            .contents()
            .exprs_within_all(file, &site.roots)
            .into_iter()
            .any(holds)
}

/// The expressions of a spawn argument outside the bodies it starts.
fn arg_exprs(ix: &Index<'_>, file: FileId, e: ExprId) -> Vec<ExprId> {
    let ff = &ix.facts[file.0 as usize];
    let mut out = vec![e];
    let mut i = 0;
    while i < out.len() && out.len() < 256 {
        match ix.expr(file, out[i]) {
            ExprFact::Call(c) => out.extend(&ff.calls[*c as usize].args),
            ExprFact::MethodCall(m) => {
                let mc = &ff.method_calls[*m as usize];
                out.push(mc.receiver);
                out.extend(&mc.args);
            }
            ExprFact::Tuple(items) | ExprFact::Either(items) => out.extend(items),
            ExprFact::Struct { fields, .. } => out.extend(fields.iter().map(|(_, f)| *f)),
            ExprFact::Field { base, .. } | ExprFact::Index(base) => out.push(*base),
            _ => {}
        }
        i += 1;
    }
    out
}

/// Decides, for each spawn site, whether it runs per item of incoming work and what bounds it.
pub fn classify_spawns(
    ix: &Index<'_>,
    flow: &Flow,
    sites: &mut [crate::tasks::SpawnSite],
    acquires: &[Acquire],
    channels: &[crate::model::Channel],
) {
    let carriers = Carriers::new(flow);
    let mut acquires_in: HashMap<(FileId, Option<BodyId>), Vec<usize>> = HashMap::default();
    for (i, a) in acquires.iter().enumerate() {
        acquires_in.entry((a.file, a.body)).or_default().push(i);
    }
    for site in sites.iter_mut() {
        let file = site.file;
        let ff = &ix.facts[file.0 as usize];
        let chain = loop_chain(ix, file, site.loop_id);
        let in_chain = |l: Option<u32>| l.is_some_and(|l| chain.contains(&l));
        let calls_here = || {
            ix.contents()
                .method_calls(file, site.body)
                .iter()
                .map(|&i| &ff.method_calls[i as usize])
        };
        // The `for`s and method calls of this body in the loops around the spawn.
        let fors_here = || {
            chain
                .iter()
                .flat_map(|&l| ix.contents().loop_fors(file, l))
                .map(|&i| &ff.fors[i as usize])
                .filter(|l| l.body == site.body)
        };
        let source_call = chain
            .iter()
            .flat_map(|&l| ix.contents().loop_method_calls(file, l))
            .map(|&i| &ff.method_calls[i as usize])
            .any(|mc| mc.body == site.body && catalog::is_source_method(&mc.method));
        let source_for = fors_here().any(|l| {
            matches!(ix.expr(file, l.iter), ExprFact::MethodCall(i)
                    if catalog::is_source_method(&ff.method_calls[*i as usize].method))
                || !crate::flow::receivers(&flow.eval(ix, file, l.iter)).is_empty()
        });
        // A `for` over data whose size the code does not bound: a parameter's items, lines,
        // directory entries. Certain when the data comes from outside the program.
        let data_for = fors_here()
            .filter_map(|l| data_source(ix, flow, file, l.iter))
            .max();
        // `stream.for_each(|item| { spawn(..) })`: the closure runs per item.
        let per_item_closure = if chain.is_empty() {
            site.body
                .and_then(|b| item_closure_source(ix, flow, file, b))
        } else {
            None
        };
        // `for fut in futures { set.spawn(fut) }`: the caller made every future, so the caller
        // chose how many (a spawn primitive, `FromIterator for JoinSet`), not this loop.
        let spawns_the_item = spawns_loop_item(ix, file, site, &chain);
        site.per_item = !spawns_the_item
            && (source_call || source_for || data_for.is_some() || per_item_closure.is_some());
        site.per_item_certain =
            source_call || source_for || data_for == Some(true) || per_item_closure == Some(true);
        if chain.is_empty() {
            site.bound = if !site.per_item {
                None
            } else if handle_handed_back(ix, file, site) {
                Some(crate::tasks::SpawnBound::HandedBack)
            } else if captures_reply(ix, flow, site, channels) {
                Some(crate::tasks::SpawnBound::Answers)
            } else {
                None
            };
            continue;
        }
        site.loop_permits = acquires_in
            .get(&(file, site.body))
            .into_iter()
            .flatten()
            .copied()
            .filter(|&i| {
                let a = &acquires[i];
                in_chain(a.loop_id) && a.range.start < site.range.start
            })
            .collect();
        site.bound = if site.awaited {
            Some(crate::tasks::SpawnBound::Awaited)
        } else if site.per_item && handle_handed_back(ix, file, site) {
            Some(crate::tasks::SpawnBound::HandedBack)
        } else if site.per_item && captures_reply(ix, flow, site, channels) {
            Some(crate::tasks::SpawnBound::Answers)
        } else if let Some(&p) = site.loop_permits.iter().find(|&&p| {
            let a = &acquires[p];
            a.forgotten
                || a.bound_to
                .as_deref()
                .is_some_and(|name| expr_mentions(ix, file, site.arg, name))
                || captures_permit(ix, flow, &carriers, site, &a.sems)
        }) {
            Some(crate::tasks::SpawnBound::Permit(p))
        } else if site.receiver.as_deref().is_some_and(|set| {
            let on_set = |names: &[&str]| {
                calls_here().any(|mc| {
                    names.contains(&mc.method.as_str())
                        && matches!(ix.expr(file, mc.receiver), ExprFact::Path(p) if p.segments == [set])
                })
            };
            on_set(&["len"]) && on_set(&["join_next", "next", "try_join_next", "join_next_with_id"])
        }) {
            Some(crate::tasks::SpawnBound::CheckedSet)
        } else {
            None
        };
    }
}
