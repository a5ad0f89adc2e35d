//! Permit facts: every semaphore acquisition, which semaphore, which task, what the permit
//! is bound to, and whether it is dropped at once.

use crate::catalog::{self, ChannelMethod};
use crate::facts::{BodyId, ExprFact, ExprId, PatFact};
use crate::flow::{Flow, Slot, Val};
use crate::index::{CallTarget, Index};
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
        // The method calls wrapping it are recorded: they belong to the acquiring statement.
        let mut wrapping: Vec<u32> = Vec::new();
        let mut acquire_in = |mut e: ExprId| -> Option<u32> {
            let mut chain = Vec::new();
            for _ in 0..8 {
                let ExprFact::MethodCall(i) = ix.expr(file, e) else {
                    return None;
                };
                let mc = &ff.method_calls[*i as usize];
                if catalog::is_acquire_method(&mc.method) {
                    wrapping.extend(chain);
                    return Some(*i);
                }
                if catalog::channel_method(&mc.method) != Some(ChannelMethod::Same)
                    && !catalog::is_value_combinator(&mc.method)
                {
                    return None;
                }
                chain.push(*i);
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
        // `acquire().await?.forget()`: the count stays taken until `add_permits` gives it
        // back, typically at the end of the task it was taken for.
        let forgotten: Vec<u32> = ff
            .method_calls
            .iter()
            .filter(|mc| mc.method == "forget")
            .filter_map(|mc| acquire_in(mc.receiver))
            .collect();
        let mut discarded: Vec<u32> = ff.discarded.iter().filter_map(|e| acquire_in(*e)).collect();
        discarded.extend(ignored);
        discarded.extend(dropped_next(ix, f, &bound, &wrapping));
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
            let dropped_at_once = discarded.contains(&i) && !forgotten.contains(&i);
            out.push(Acquire {
                tasks: tasks.owners_of(mc.body).to_vec(),
                file,
                body: mc.body,
                loop_id: mc.loop_id,
                range: mc.range,
                sems,
                bound_to,
                dropped_at_once,
                forgotten: forgotten.contains(&i),
                method: mc.method.clone(),
            });
        }
    }
    out
}

/// Finds the permits a value carries: itself, or in a field, tuple element or wrapper of
/// it, a few levels deep.
pub struct Carriers<'f> {
    fields: HashMap<&'f str, Vec<&'f crate::flow::Vals>>,
}

impl<'f> Carriers<'f> {
    /// Indexes the fields of every local struct type in `flow`.
    pub fn new(flow: &'f Flow) -> Self {
        let mut fields: HashMap<&str, Vec<&crate::flow::Vals>> = HashMap::new();
        for (slot, vals) in &flow.slots {
            if let Slot::Field(ty, _) = slot {
                fields.entry(ty.as_str()).or_default().push(vals);
            }
        }
        Carriers { fields }
    }

    /// The semaphores whose permits `vals` carry, appended to `out`.
    pub fn sems_in(&self, vals: &crate::flow::Vals, depth: usize, out: &mut Vec<u32>) {
        if depth > 3 {
            return;
        }
        for v in vals.keys() {
            match v {
                Val::Permit(s) => out.push(*s),
                Val::Tuple(items) => items.iter().for_each(|i| self.sems_in(i, depth + 1, out)),
                Val::Struct(ty) => self
                    .fields
                    .get(ty.as_str())
                    .into_iter()
                    .flatten()
                    .for_each(|f| self.sems_in(f, depth + 1, out)),
                _ => {}
            }
        }
    }
}

/// The values the message built for one send is made of: the message itself, its tuple
/// elements and the fields of the struct literal that builds it, followed through the `let`
/// that binds a local message in the same body.
pub fn message_parts(
    ix: &Index<'_>,
    flow: &Flow,
    file: FileId,
    e: ExprId,
    depth: usize,
    out: &mut crate::flow::Vals,
) {
    if depth > 4 {
        return;
    }
    let ff = &ix.facts[file.0 as usize];
    let rec =
        |x: &ExprId, out: &mut crate::flow::Vals| message_parts(ix, flow, file, *x, depth + 1, out);
    let add = |vals: crate::flow::Vals, out: &mut crate::flow::Vals| {
        for (v, c) in vals {
            out.entry(v).or_insert(c);
        }
    };
    match ix.expr(file, e) {
        ExprFact::Tuple(items) | ExprFact::Either(items) => {
            items.iter().for_each(|x| rec(x, out));
        }
        ExprFact::Struct { fields, .. } => fields.iter().for_each(|(_, f)| rec(f, out)),
        ExprFact::Call(i) => {
            let call = &ff.calls[*i as usize];
            match ix.call_targets[file.0 as usize][*i as usize] {
                CallTarget::Api(crate::catalog::Api::Wrap) | CallTarget::Ctor => {
                    call.args.iter().for_each(|x| rec(x, out));
                }
                _ => add(flow.eval(ix, file, e), out),
            }
        }
        ExprFact::Path(p) if p.segments.len() == 1 => {
            add(flow.eval(ix, file, e), out);
            // A local message: what the `let`s that bind it in this body built.
            let body = ix.expr_body(file, e);
            let name = &p.segments[0];
            for l in &ff.lets {
                if l.body == body && matches!(&l.pat, PatFact::Bind(n) if n == name) {
                    rec(&l.init, out);
                }
            }
        }
        _ => add(flow.eval(ix, file, e), out),
    }
}

/// A permit, directly or as a tuple element.
pub fn holds_permit(vals: &crate::flow::Vals) -> bool {
    vals.keys().any(|v| match v {
        Val::Permit(_) => true,
        Val::Tuple(items) => items.iter().any(holds_permit),
        _ => false,
    })
}

/// For each channel, the semaphores whose permits travel inside its messages.
pub fn carried_permits(flow: &Flow, channels: usize) -> Vec<Vec<u32>> {
    let carriers = Carriers::new(flow);
    (0..channels)
        .map(|c| {
            let mut sems = Vec::new();
            if let Some(msg) = flow.slots.get(&Slot::Msg(c as u32)) {
                carriers.sems_in(msg, 0, &mut sems);
            }
            sems.sort_unstable();
            sems.dedup();
            sems
        })
        .collect()
}

/// Acquires whose permit is passed to `drop` right after, with no call in between.
/// Any call between counts as work (a lock taken, a counter updated), except the method
/// calls that wrap the acquisition itself (`.await.unwrap()`).
fn dropped_next(
    ix: &Index<'_>,
    f: usize,
    bound: &HashMap<u32, Option<String>>,
    wrapping: &[u32],
) -> Vec<u32> {
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
        let work_between =
            ff.calls.iter().any(|c| between(c.range.start, c.body))
                || ff.method_calls.iter().enumerate().any(|(mi, m)| {
                    between(m.range.start, m.body) && !wrapping.contains(&(mi as u32))
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
    let mc = ff.method_calls.iter().find(|mc| {
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
                for l in ff
                    .fors
                    .iter()
                    .filter(|l| l.body == site.body && chain.contains(&l.loop_id))
                {
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
            .is_some_and(|b| !site.roots.iter().any(|r| is_within(ix, b, *r)))
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
    let ff = &ix.facts[file.0 as usize];
    let is_reply = |e: ExprId| {
        captured_from_outside(ix, site, e)
            && flow.eval(ix, file, e).keys().any(|v| {
                matches!(v, Val::Tx(c) if channels.get(*c as usize)
                    .is_some_and(|ch| ch.kind == crate::catalog::ChannelKind::Oneshot))
            })
    };
    ff.exprs.iter().enumerate().any(|(e, _)| {
        ff.expr_body[e].is_some_and(|b| site.roots.iter().any(|r| is_within(ix, b, *r)))
            && is_reply(ExprId(e as u32))
    })
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
    let names: Vec<&str> = ff
        .lets
        .iter()
        .filter(|l| l.body == site.body && is_spawn(l.init))
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
    let sent = ff.method_calls.iter().any(|mc| {
        mc.body == site.body
            && matches!(
                catalog::channel_method(&mc.method),
                Some(ChannelMethod::Send { .. })
            )
            && mc.args.iter().any(|a| hands_back(*a))
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
    let ff = &ix.facts[file.0 as usize];
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
        || ff.exprs.iter().enumerate().any(|(e, _)| {
            ff.expr_body[e].is_some_and(|b| site.roots.iter().any(|r| is_within(ix, b, *r)))
                && holds(ExprId(e as u32))
        })
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
    for site in sites.iter_mut() {
        let file = site.file;
        let ff = &ix.facts[file.0 as usize];
        let chain = loop_chain(ix, file, site.loop_id);
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
        // A `for` over data whose size the code does not bound: a parameter's items, lines,
        // directory entries. Certain when the data comes from outside the program.
        let data_for = ff
            .fors
            .iter()
            .filter(|l| l.body == site.body && chain.contains(&l.loop_id))
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
