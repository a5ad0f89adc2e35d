//! Operations written in a crate's own helper happen at each call of it: a send or an
//! awaited reply inside `Addr::send` or `Addr::ask` is, for the model, at the call in the
//! handler, by the caller's task, with the helper's `self` standing for the receiver there.

use crate::catalog::{self, ChannelMethod};
use crate::facts::{ExprFact, ExprId};
use crate::flow::Flow;
use crate::index::{CallTarget, Index};
use crate::source::{FileId, FileRange};
use crate::tasks::Tasks;
use std::collections::HashMap;

/// Call sites of each local function and method: (range of the call, body it is in).
pub(crate) type Callers = HashMap<crate::facts::BodyId, Vec<Site>>;

/// Where an operation happens for the code that uses it: the body, the range to report, and
/// for a method call the receiver at that call (what `self` is there).
pub(crate) type Site = (
    Option<crate::facts::BodyId>,
    FileRange,
    Option<(FileId, ExprId)>,
);

pub(crate) fn callers_of(ix: &Index<'_>, flow: &Flow) -> Callers {
    let mut out: Callers = HashMap::new();
    for (f, ff) in ix.files() {
        let file = FileId(f as u32);
        for (i, c) in ff.calls.iter().enumerate() {
            if let CallTarget::LocalFn(t) = ix.call_targets[f][i] {
                out.entry(t).or_default().push((c.body, c.range, None));
            }
        }
        for mc in &ff.method_calls {
            if !ix.methods.contains_key(&mc.method) {
                continue;
            }
            let recv = flow.eval(ix, file, mc.receiver);
            for t in flow.method_targets(ix, file, mc.body, mc.receiver, &mc.method, &recv) {
                out.entry(t)
                    .or_default()
                    .push((mc.body, mc.range, Some((file, mc.receiver))));
            }
        }
    }
    out
}

/// Where an operation written in `body` happens for the code that uses it: in a helper
/// function (not a task's root, not one of several handlers a run loop dispatches to, not
/// inside a loop or a closure), at each call of the helper, up a few levels; elsewhere,
/// where it is written.
pub(crate) fn lift_to_callers(
    ix: &Index<'_>,
    tasks: &Tasks,
    callers: &Callers,
    body: Option<crate::facts::BodyId>,
    range: FileRange,
    depth: u32,
) -> Vec<Site> {
    lift_from(ix, tasks, callers, (body, range, None), depth)
}

fn lift_from(ix: &Index<'_>, tasks: &Tasks, callers: &Callers, at: Site, depth: u32) -> Vec<Site> {
    let (body, _, _) = at;
    let stay = vec![at];
    let Some(b) = body else { return stay };
    if depth > 3 {
        return stay;
    }
    // Up through closures and async blocks that are not tasks of their own.
    let mut cur = b;
    loop {
        if tasks.is_spawn_root(cur) || tasks.handler_of.get(&cur).is_some_and(|h| h.contains(&cur))
        {
            return stay;
        }
        let fact = ix.body(cur);
        // A closure runs per item or as a callback: what it does stays where it is written.
        match (&fact.kind, fact.parent) {
            (crate::facts::BodyKind::AsyncBlock, Some(p)) => cur = p,
            (crate::facts::BodyKind::Fn { .. }, _) => break,
            _ => return stay,
        }
    }
    match callers.get(&cur) {
        Some(sites) if !sites.is_empty() => sites
            .iter()
            .flat_map(|site| {
                // `self` of the helper is the receiver at its call: a receiver that is the
                // helper's own `self` (a helper calling another on `self`) is replaced by it.
                let recv = match at.2 {
                    Some((f, e)) if !rooted_at_self(ix, f, e) => at.2,
                    _ => site.2.or(at.2),
                };
                lift_from(ix, tasks, callers, (site.0, site.1, recv), depth + 1)
            })
            .collect(),
        _ => stay,
    }
}

/// True when an expression is `self` or a field path from it (`self.tx`, `self.inner.tx`).
pub(crate) fn rooted_at_self(ix: &Index<'_>, file: FileId, mut e: ExprId) -> bool {
    for _ in 0..6 {
        match ix.expr(file, e) {
            ExprFact::Path(p) => return p.segments == ["self"],
            ExprFact::Field { base, .. } => e = *base,
            ExprFact::MethodCall(i) => {
                let mc = &ix.facts[file.0 as usize].method_calls[*i as usize];
                if catalog::channel_method(&mc.method) != Some(ChannelMethod::Same) {
                    return false;
                }
                e = mc.receiver;
            }
            _ => return false,
        }
    }
    false
}
