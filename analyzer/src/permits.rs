//! Permit facts: every semaphore acquisition, which semaphore, which task, what the permit
//! is bound to, and whether it is dropped at once; what the message of a send carries
//! (permits, reply senders).

use crate::catalog::{self, ChannelMethod};
use crate::facts::{ExprFact, ExprId, PatFact};
use crate::flow::{Flow, Slot, Val};
use crate::index::{CallTarget, Index};
use crate::model::Acquire;
use crate::source::FileId;
use crate::tasks::Tasks;
use std::collections::{HashMap, HashSet};

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
        let forgotten: HashSet<u32> = ff
            .method_calls
            .iter()
            .filter(|mc| mc.method == "forget")
            .filter_map(|mc| acquire_in(mc.receiver))
            .collect();
        let mut discarded: HashSet<u32> =
            ff.discarded.iter().filter_map(|e| acquire_in(*e)).collect();
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
                Val::Tuple(items) | Val::Variant(_, items) => {
                    items.iter().for_each(|i| self.sems_in(i, depth + 1, out))
                }
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
        Val::Tuple(items) | Val::Variant(_, items) => items.iter().any(holds_permit),
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
    let wrapping: HashSet<u32> = wrapping.iter().copied().collect();
    let mut out = Vec::new();
    for (&i, name) in bound {
        let Some(name) = name else { continue };
        let acq = &ff.method_calls[i as usize];
        let calls_in = ix.contents().calls(file, acq.body);
        let drop_at = calls_in.iter().map(|&ci| (ci as usize, &ff.calls[ci as usize])).find_map(|(ci, c)| {
            let is_drop = ix.call_targets[f][ci] == crate::index::CallTarget::Api(crate::catalog::Api::Drop);
            let of_permit = c.args.first().is_some_and(
                |a| matches!(ix.expr(file, *a), ExprFact::Path(p) if p.segments.len() == 1 && p.segments[0] == *name),
            );
            (is_drop && of_permit && c.body == acq.body && c.range.start > acq.range.end).then_some(c.range.start)
        });
        let Some(drop_at) = drop_at else { continue };
        let between =
            |start: u32, body| body == acq.body && start > acq.range.end && start < drop_at;
        let work_between = calls_in
            .iter()
            .any(|&c| between(ff.calls[c as usize].range.start, ff.calls[c as usize].body))
            || ix
                .contents()
                .method_calls(file, acq.body)
                .iter()
                .any(|&mi| {
                    let m = &ff.method_calls[mi as usize];
                    between(m.range.start, m.body) && !wrapping.contains(&mi)
                });
        if !work_between {
            out.push(i);
        }
    }
    out
}
