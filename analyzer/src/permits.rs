//! Permit facts: every semaphore acquisition, which semaphore, which task, what the permit
//! is bound to, and whether it is dropped at once.

use crate::catalog::{self, ChannelMethod};
use crate::facts::{ExprFact, ExprId, PatFact};
use crate::flow::{Flow, Slot, Val};
use crate::index::Index;
use crate::model::Acquire;
use crate::source::FileId;
use crate::tasks::Tasks;
use std::collections::HashMap;

/// Finds every acquisition.
pub fn acquires(ix: &Index<'_>, flow: &Flow, tasks: &Tasks) -> Vec<Acquire> {
    let mut out = Vec::new();
    for (f, ff) in ix.files() {
        let file = FileId(f as u32);
        // The acquire call under an expression, through `unwrap`/`expect` and the like.
        let acquire_in = |mut e: ExprId| -> Option<u32> {
            for _ in 0..8 {
                let ExprFact::MethodCall(i) = ix.expr(file, e) else {
                    return None;
                };
                let mc = &ff.method_calls[*i as usize];
                if catalog::is_acquire_method(&mc.method) {
                    return Some(*i);
                }
                if catalog::channel_method(&mc.method) != Some(ChannelMethod::Same) {
                    return None;
                }
                e = mc.receiver;
            }
            None
        };
        // Acquires bound by `let`: to a name, or to `_` (dropped at once).
        let mut bound: HashMap<u32, Option<String>> = HashMap::new();
        let mut ignored: Vec<u32> = Vec::new();
        for l in &ff.lets {
            if let Some(i) = acquire_in(l.init) {
                let name = match &l.pat {
                    PatFact::Bind(n) => Some(n.clone()),
                    PatFact::Wrapped(p) => match p.as_ref() {
                        PatFact::Bind(n) => Some(n.clone()),
                        _ => None,
                    },
                    PatFact::Ignore => {
                        ignored.push(i);
                        None
                    }
                    _ => None,
                };
                bound.insert(i, name);
            }
        }
        let mut discarded: Vec<u32> = ff.discarded.iter().filter_map(|e| acquire_in(*e)).collect();
        discarded.extend(ignored);
        discarded.extend(dropped_next(ix, f, &bound));
        for (i, mc) in ff.method_calls.iter().enumerate() {
            if !catalog::is_acquire_method(&mc.method) {
                continue;
            }
            let recv = flow.eval(ix, file, mc.receiver);
            let sems: Vec<u32> = recv
                .keys()
                .filter_map(|v| match v {
                    Val::Sem(s) => Some(*s),
                    _ => None,
                })
                .collect();
            let i = i as u32;
            let bound_to = bound.get(&i).cloned().flatten();
            let dropped_at_once = discarded.contains(&i);
            out.push(Acquire {
                tasks: tasks.owners_of(mc.body).to_vec(),
                file,
                body: mc.body,
                loop_id: mc.loop_id,
                range: mc.range,
                sems,
                bound_to,
                dropped_at_once,
                method: mc.method.clone(),
            });
        }
    }
    out
}

/// For each channel, the semaphores whose permits travel inside its messages: directly, or
/// in a field, tuple element or wrapper of the message, a few levels deep.
pub fn carried_permits(flow: &Flow, channels: usize) -> Vec<Vec<u32>> {
    let mut fields: HashMap<&str, Vec<&crate::flow::Vals>> = HashMap::new();
    for (slot, vals) in &flow.slots {
        if let Slot::Field(ty, _) = slot {
            fields.entry(ty.as_str()).or_default().push(vals);
        }
    }
    (0..channels)
        .map(|c| {
            let mut sems = Vec::new();
            if let Some(msg) = flow.slots.get(&Slot::Msg(c as u32)) {
                permits_in(msg, &fields, 0, &mut sems);
            }
            sems.sort_unstable();
            sems.dedup();
            sems
        })
        .collect()
}

fn permits_in(
    vals: &crate::flow::Vals,
    fields: &HashMap<&str, Vec<&crate::flow::Vals>>,
    depth: usize,
    out: &mut Vec<u32>,
) {
    if depth > 3 {
        return;
    }
    for v in vals.keys() {
        match v {
            Val::Permit(s) => out.push(*s),
            Val::Tuple(items) => items
                .iter()
                .for_each(|i| permits_in(i, fields, depth + 1, out)),
            Val::Struct(ty) => fields
                .get(ty.as_str())
                .into_iter()
                .flatten()
                .for_each(|f| permits_in(f, fields, depth + 1, out)),
            _ => {}
        }
    }
}

/// Acquires whose permit is passed to `drop` right after, with no call in between.
fn dropped_next(ix: &Index<'_>, f: usize, bound: &HashMap<u32, Option<String>>) -> Vec<u32> {
    let ff = &ix.facts[f];
    let file = FileId(f as u32);
    let mut out = Vec::new();
    for (&i, name) in bound {
        let Some(name) = name else { continue };
        let acq = &ff.method_calls[i as usize];
        let drop_at = ff.calls.iter().enumerate().find_map(|(ci, c)| {
            let is_drop = ix.call_targets[f][ci] == crate::index::CallTarget::Api(crate::catalog::Api::Drop);
            let of_permit = c.args.first().is_some_and(
                |a| matches!(ix.expr(file, *a), ExprFact::Path(p) if p.segments.len() == 1 && p.segments[0] == *name),
            );
            (is_drop && of_permit && c.body == acq.body && c.range.start > acq.range.end).then_some(c.range.start)
        });
        let Some(drop_at) = drop_at else { continue };
        let between =
            |start: u32, body| body == acq.body && start > acq.range.end && start < drop_at;
        let work_between = ff.calls.iter().any(|c| between(c.range.start, c.body))
            || ff.method_calls.iter().any(|m| {
                between(m.range.start, m.body)
                    && catalog::channel_method(&m.method) != Some(ChannelMethod::Same)
            });
        if !work_between {
            out.push(i);
        }
    }
    out
}

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
    let ff = &ix.facts[file.0 as usize];
    ff.exprs.iter().zip(&ff.expr_body).any(|(e, b)| {
        matches!(e, ExprFact::Path(p) if p.segments.len() == 1 && p.segments[0] == name)
            && b.is_some_and(|b| is_within(ix, b, body))
    })
}

fn is_within(ix: &Index<'_>, mut b: crate::facts::BodyId, outer: crate::facts::BodyId) -> bool {
    for _ in 0..10_000 {
        if b == outer {
            return true;
        }
        match ix.body(b).parent {
            Some(p) => b = p,
            None => return false,
        }
    }
    false
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

/// Decides, for each spawn site, whether it runs per item of incoming work and what bounds it.
pub fn classify_spawns(
    ix: &Index<'_>,
    flow: &Flow,
    sites: &mut [crate::tasks::SpawnSite],
    acquires: &[Acquire],
) {
    for site in sites.iter_mut() {
        let file = site.file;
        let ff = &ix.facts[file.0 as usize];
        let chain = loop_chain(ix, file, site.loop_id);
        if chain.is_empty() {
            continue;
        }
        let in_chain = |l: Option<u32>| l.is_some_and(|l| chain.contains(&l));
        let source_call = ff.method_calls.iter().any(|mc| {
            mc.body == site.body && in_chain(mc.loop_id) && catalog::is_source_method(&mc.method)
        });
        let source_for = ff.fors.iter().any(|l| {
            l.body == site.body
                && chain.contains(&l.loop_id)
                && (matches!(ix.expr(file, l.iter), ExprFact::MethodCall(i)
                    if catalog::is_source_method(&ff.method_calls[*i as usize].method))
                    || !crate::flow::receivers(&flow.eval(ix, file, l.iter)).is_empty())
        });
        site.per_item = source_call || source_for;
        site.loop_permits = acquires
            .iter()
            .enumerate()
            .filter(|(_, a)| {
                a.file == file
                    && a.body == site.body
                    && in_chain(a.loop_id)
                    && a.range.start < site.range.start
            })
            .map(|(i, _)| i)
            .collect();
        site.bound = if site.awaited {
            Some(crate::tasks::SpawnBound::Awaited)
        } else if let Some(&p) = site.loop_permits.iter().find(|&&p| {
            acquires[p]
                .bound_to
                .as_deref()
                .is_some_and(|name| expr_mentions(ix, file, site.arg, name))
        }) {
            Some(crate::tasks::SpawnBound::Permit(p))
        } else if site.receiver.as_deref().is_some_and(|set| {
            let on_set = |names: &[&str]| {
                ff.method_calls.iter().any(|mc| {
                    mc.body == site.body
                        && names.contains(&mc.method.as_str())
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
