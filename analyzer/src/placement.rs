//! Where a closure or async block runs. Written inside a function, it runs in that
//! function's task only when the code says so: it is called, awaited, bound, or handed to
//! a local function or a known combinator that runs it in place (`map`, `for_each`,
//! `timeout`, `join`). Handed to code the analysis does not know (a signal handler's
//! `set_handler`, a callback registry's `push`, a framework's `on_message`), it runs at an
//! unknown time on an unknown task: its sends and receives are not its parent's.

use crate::catalog::{self, Api};
use crate::facts::{BodyId, ExprFact, ExprId, FileFacts};
use crate::flow::Flow;
use crate::index::{CallTarget, Index};
use crate::source::FileId;

/// How an expression is used by the expression around it.
#[derive(Copy, Clone, Debug)]
enum Use {
    /// Argument of path call `i`.
    CallArg(u32),
    /// Receiver of method call `i`.
    Receiver(u32),
    /// Argument of method call `i`.
    MethodArg(u32),
}

/// (detached, relocated): the closures and async blocks of the covered files that are
/// handed to unknown code, and (body, takers) for those taken by another body.
pub type Placements = (Vec<BodyId>, Vec<(BodyId, Vec<BodyId>)>);

/// Closures and async blocks of the covered files that are handed to unknown code.
///
/// Also returns the closures and async blocks bound to a local that another closure or
/// async block takes with it (`let fut = async {..}; spawn(async move { fut.await })`):
/// they run where the one that takes them runs, not in the body they are written in.
pub fn placements(ix: &Index<'_>, flow: &Flow) -> Placements {
    let mut out = Vec::new();
    let mut relocated = Vec::new();
    for (f, ff) in ix.files() {
        let file = FileId(f as u32);
        let uses = uses(ff);
        let mut by_name: std::collections::HashMap<&str, Vec<usize>> =
            std::collections::HashMap::new();
        for (e, fact) in ff.exprs.iter().enumerate() {
            if let ExprFact::Path(p) = fact {
                if p.segments.len() == 1 {
                    by_name.entry(p.segments[0].as_str()).or_default().push(e);
                }
            }
        }
        let mut expr_of_call = vec![None; ff.calls.len()];
        let mut expr_of_method = vec![None; ff.method_calls.len()];
        for (e, fact) in ff.exprs.iter().enumerate() {
            match fact {
                ExprFact::Call(i) => expr_of_call[*i as usize] = Some(ExprId(e as u32)),
                ExprFact::MethodCall(i) => expr_of_method[*i as usize] = Some(ExprId(e as u32)),
                _ => {}
            }
        }
        for (e, fact) in ff.exprs.iter().enumerate() {
            let ExprFact::Body(b) = fact else { continue };
            let mut at = ExprId(e as u32);
            // Up through wrappers (`Box::pin(async {})`, `async {}.instrument(span)`).
            for _ in 0..8 {
                let next = match uses[at.0 as usize] {
                    None => {
                        // Bound to a local: where the local goes decides.
                        match local_fate(ix, flow, file, ff, &uses, &by_name, at) {
                            Fate::InPlace => {}
                            Fate::Detached => out.push(*b),
                            Fate::TakenBy(takers) => relocated.push((*b, takers)),
                        }
                        break;
                    }
                    Some(Use::CallArg(i)) => match &ix.call_targets[f][i as usize] {
                        CallTarget::Api(Api::Wrap) => expr_of_call[i as usize],
                        CallTarget::Unknown if !runs_in_place_path(ix, f, i) => {
                            out.push(*b);
                            break;
                        }
                        _ => break,
                    },
                    Some(Use::Receiver(i)) => {
                        let mc = &ff.method_calls[i as usize];
                        if catalog::is_future_adapter(&mc.method) {
                            expr_of_method[i as usize]
                        } else {
                            break;
                        }
                    }
                    Some(Use::MethodArg(i)) => {
                        let mc = &ff.method_calls[i as usize];
                        if !runs_in_place_method(ix, flow, file, mc) {
                            out.push(*b);
                        }
                        break;
                    }
                };
                match next {
                    Some(n) => at = n,
                    None => break,
                }
            }
        }
    }
    out.sort();
    out.dedup();
    (out, relocated)
}

/// Where a closure or future bound by `let name = <at>` runs.
enum Fate {
    InPlace,
    /// Handed to unknown code or sent as a message.
    Detached,
    /// Taken by these closures or async blocks.
    TakenBy(Vec<BodyId>),
}

fn local_fate(
    ix: &Index<'_>,
    flow: &Flow,
    file: FileId,
    ff: &FileFacts,
    uses: &[Option<Use>],
    by_name: &std::collections::HashMap<&str, Vec<usize>>,
    at: ExprId,
) -> Fate {
    let Some(l) = ff.lets.iter().find(|l| l.init == at) else {
        return Fate::InPlace;
    };
    let crate::facts::PatFact::Bind(name) = &l.pat else {
        return Fate::InPlace;
    };
    let Some(binder) = l.body else {
        return Fate::InPlace;
    };
    let mut takers = Vec::new();
    for &e in by_name.get(name.as_str()).into_iter().flatten() {
        let body = ff.expr_body[e];
        if ix.binding_body(body, name) != Some(binder) {
            continue;
        }
        match uses[e] {
            Some(Use::CallArg(i))
                if matches!(
                    ix.call_targets[file.0 as usize][i as usize],
                    CallTarget::Unknown
                ) && !runs_in_place_path(ix, file.0 as usize, i) =>
            {
                return Fate::Detached;
            }
            Some(Use::MethodArg(i)) => {
                let mc = &ff.method_calls[i as usize];
                let sent = matches!(
                    catalog::channel_method(&mc.method),
                    Some(catalog::ChannelMethod::Send { .. })
                );
                if sent || !runs_in_place_method(ix, flow, file, mc) {
                    return Fate::Detached;
                }
            }
            _ => {}
        }
        if let Some(b) = body.filter(|b| *b != binder) {
            takers.push(b);
        }
    }
    if takers.is_empty() {
        Fate::InPlace
    } else {
        takers.sort();
        takers.dedup();
        Fate::TakenBy(takers)
    }
}

/// For each expression, the call or method call it is an argument or receiver of.
fn uses(ff: &FileFacts) -> Vec<Option<Use>> {
    let mut out = vec![None; ff.exprs.len()];
    for (i, c) in ff.calls.iter().enumerate() {
        for a in &c.args {
            out[a.0 as usize] = Some(Use::CallArg(i as u32));
        }
    }
    for (i, mc) in ff.method_calls.iter().enumerate() {
        out[mc.receiver.0 as usize] = Some(Use::Receiver(i as u32));
        for a in &mc.args {
            out[a.0 as usize] = Some(Use::MethodArg(i as u32));
        }
    }
    out
}

/// An unknown path call that runs its closure or future argument in place: a known
/// combinator (`tokio::time::timeout`, `futures::future::join`, `std::thread::scope`).
fn runs_in_place_path(ix: &Index<'_>, f: usize, i: u32) -> bool {
    ix.call_paths[f][i as usize]
        .as_deref()
        .is_some_and(catalog::runs_in_place)
}

/// A method call that runs its closure or future argument in place: a local method the
/// receiver's type was followed to (its summary decides), a known combinator, a spawn (its
/// own task, found elsewhere).
fn runs_in_place_method(
    ix: &Index<'_>,
    flow: &Flow,
    file: FileId,
    mc: &crate::facts::MethodCallFact,
) -> bool {
    if catalog::is_inline_method(&mc.method) || catalog::is_spawn_method(&mc.method) {
        return true;
    }
    let recv = flow.eval(ix, file, mc.receiver);
    !flow
        .method_targets(ix, file, mc.body, mc.receiver, &mc.method, &recv)
        .is_empty()
}

/// Futures one task polls concurrently: the futures of `select!` branches (an async block, a
/// local `async fn` call, or a local bound to one, `&mut fut` of a pinned future) and the
/// futures pushed into a collection that a branch polls (`FuturesUnordered`). Each runs as
/// a branch of its own: a send waiting in one does not stop a receive in another.
/// Returns (future body, the body of the `select!` that polls it).
pub fn concurrent_bodies(ix: &Index<'_>, flow: &Flow) -> Vec<(BodyId, Option<BodyId>)> {
    let mut out = Vec::new();
    for (f, ff) in ix.files() {
        let file = FileId(f as u32);
        for sel in &ff.selects {
            for &branch in &sel.branches {
                for b in future_bodies(ix, flow, file, branch, 0) {
                    out.push((b, sel.body));
                }
            }
        }
    }
    out.sort();
    out.dedup_by_key(|(b, _)| *b);
    out
}

/// The bodies a future expression runs: an async block, a local async function or method
/// called, through wrappers (`Box::pin`, `.instrument(..)`, `.boxed()`), locals bound to
/// one, and the futures pushed into a collection it polls (`futs.next()`).
fn future_bodies(ix: &Index<'_>, flow: &Flow, file: FileId, e: ExprId, depth: u32) -> Vec<BodyId> {
    if depth > 6 {
        return Vec::new();
    }
    let ff = &ix.facts[file.0 as usize];
    let rec = |x: ExprId| future_bodies(ix, flow, file, x, depth + 1);
    match ix.expr(file, e) {
        ExprFact::Body(b) => match ix.body(*b).kind {
            crate::facts::BodyKind::AsyncBlock => vec![*b],
            _ => Vec::new(),
        },
        ExprFact::Call(i) => match &ix.call_targets[file.0 as usize][*i as usize] {
            CallTarget::LocalFn(t) => vec![*t],
            CallTarget::Api(Api::Wrap) => ff.calls[*i as usize]
                .args
                .first()
                .map(|a| rec(*a))
                .unwrap_or_default(),
            _ => Vec::new(),
        },
        ExprFact::MethodCall(i) => {
            let mc = &ff.method_calls[*i as usize];
            let recv = flow.eval(ix, file, mc.receiver);
            let targets = flow.method_targets(ix, file, mc.body, mc.receiver, &mc.method, &recv);
            if !targets.is_empty() {
                return targets;
            }
            if catalog::is_future_adapter(&mc.method)
                || matches!(mc.method.as_str(), "as_mut" | "next" | "select_next_some")
            {
                rec(mc.receiver)
            } else {
                Vec::new()
            }
        }
        ExprFact::Path(p) if p.segments.len() == 1 => {
            let name = &p.segments[0];
            let body = ix.expr_body(file, e);
            let Some(binder) = ix.binding_body(body, name) else {
                return Vec::new();
            };
            let mut out = Vec::new();
            for l in &ff.lets {
                if l.body == Some(binder)
                    && matches!(&l.pat, crate::facts::PatFact::Bind(n) if n == name)
                {
                    out.extend(rec(l.init));
                }
            }
            // A collection of futures: what is pushed into it.
            for mc in &ff.method_calls {
                if catalog::is_insert_method(&mc.method)
                    && matches!(ix.expr(file, mc.receiver), ExprFact::Path(q) if q.segments == p.segments)
                    && ix.binding_body(mc.body, name) == Some(binder)
                {
                    if let Some(a) = mc.args.last() {
                        out.extend(rec(*a));
                    }
                }
            }
            out
        }
        _ => Vec::new(),
    }
}
