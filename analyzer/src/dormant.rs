//! Futures that wait in a resource's line and are left unpolled (BP011, futurelock).
//!
//! A future that waits for a tokio lock, a semaphore permit or a slot of a bounded tokio
//! channel joins a FIFO line of waiters; a freed resource is handed to the first waiter
//! whether or not its future is polled again. A future created before a `select!` and
//! polled there by reference (`&mut fut`, `fut.as_mut()`) stays alive, unpolled, when
//! another branch wins; if the same body then waits for the same resource (in that branch,
//! after the `select!`, on a later turn of the loop), it waits behind a future that will
//! never take its turn.
//!
//! Resources are values the flow followed (`Val::Lock`, `Val::Sem`, `Val::Tx`); a crate
//! function that waits for one is summarised once and instantiated at each call (a resource
//! reached through one of its parameters is the argument at that call).

use crate::catalog::{self, Api};
use crate::declared::{DeclSite, Declared};
use crate::facts::{ArmEnd, BodyId, BodyKind, ExprFact, ExprId, FileFacts, PatFact};
use crate::flow::{ChanIdx, Flow, Val, Vals};
use crate::index::{CallTarget, Index};
use crate::model::{Capacity, Lock, Model};
use crate::resolve::Res;
use crate::source::{FileId, FileRange};
use std::collections::HashMap;

/// A resource with a FIFO line of waiters.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Resource {
    /// An async lock (index into [`Model::locks`]).
    Lock(u32),
    /// A semaphore (index into [`Model::semaphores`]).
    Sem(u32),
    /// A bounded channel's free slots (index into [`Model::channels`]).
    Chan(ChanIdx),
}

/// Where the second wait is, seen from the `select!` that leaves the future unpolled.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum SecondWait {
    /// In the handler of another branch.
    OtherBranch,
    /// After the `select!`, while the future is still in scope.
    AfterSelect,
    /// Before the `select!` in the loop around it: on the next turn.
    NextTurn,
}

/// One futurelock: a dormant future and a second wait for the same resource.
#[derive(Clone, Debug)]
pub struct Futurelock {
    pub resource: Resource,
    /// The local holding the future.
    pub local: String,
    /// Where the future is created (the waiting call).
    pub created: FileRange,
    /// The crate function whose call makes the future, when the wait is inside it.
    pub created_via: Option<String>,
    /// The `select!` branch that polls it by reference.
    pub polled: FileRange,
    /// The branch whose win leaves the future unpolled (its first token).
    pub abandoned: Option<FileRange>,
    /// The second wait.
    pub second: FileRange,
    /// The crate function called there, when the wait is inside it.
    pub second_via: Option<String>,
    pub at: SecondWait,
    /// Every step (the resource's identity on both waits) was followed without merging.
    pub certain: bool,
}

/// Finds hand-off locks: constructor calls (returned: call -> lock) and declarations of a
/// lock type (added to `declared`); each is appended to `locks`.
pub(crate) fn find_locks(
    ix: &Index<'_>,
    locks: &mut Vec<Lock>,
    declared: &mut Declared,
) -> HashMap<(FileId, u32), u32> {
    let mut of_call = HashMap::new();
    let kind_of = |ty: &crate::facts::PathRef| match ix.resolver.resolve(ty) {
        Res::Extern(path) => catalog::lock_type(&path),
        _ => None,
    };
    for (f, ff) in ix.files() {
        let file = FileId(f as u32);
        let mut names = None;
        // A lock made in a struct literal (`Reporter { stats: Arc::new(Mutex::new(..)) }`) is
        // named after the field.
        let mut field_names: HashMap<u32, String> = HashMap::new();
        for x in &ff.exprs {
            let ExprFact::Struct { ty, fields } = x else {
                continue;
            };
            for (name, e) in fields {
                let mut e = *e;
                for _ in 0..4 {
                    let ExprFact::Call(i) = ff.exprs[e.0 as usize] else {
                        break;
                    };
                    if ix.call_paths[f][i as usize]
                        .as_deref()
                        .is_some_and(|p| catalog::lock_ctor(p).is_some())
                    {
                        field_names.insert(i, format!("{ty}.{name}"));
                        break;
                    }
                    match (
                        &ix.call_targets[f][i as usize],
                        ff.calls[i as usize].args.first(),
                    ) {
                        (CallTarget::Api(Api::Wrap), Some(a)) => e = *a,
                        _ => break,
                    }
                }
            }
        }
        for (i, call) in ff.calls.iter().enumerate() {
            let Some(kind) = ix.call_paths[f][i].as_deref().and_then(catalog::lock_ctor) else {
                continue;
            };
            let names = names.get_or_insert_with(|| crate::naming::binding_names(ix, file));
            of_call.insert((file, i as u32), locks.len() as u32);
            locks.push(Lock {
                name: names
                    .get(&(i as u32))
                    .or_else(|| field_names.get(&(i as u32)))
                    .cloned()
                    .unwrap_or_else(|| crate::naming::unnamed(ix, call.body, "lock")),
                kind,
                range: call.range,
            });
        }
        let mut add = |site: DeclSite, name: String, kind, range| {
            if declared.vals.contains_key(&site) {
                return;
            }
            declared.vals.insert(site, Val::Lock(locks.len() as u32));
            locks.push(Lock { name, kind, range });
        };
        for (i, b) in ff.bodies.iter().enumerate() {
            let body = BodyId {
                file,
                idx: i as u32,
            };
            for (k, (p, ty)) in b.params.iter().zip(&b.param_lock_types).enumerate() {
                if let (PatFact::Bind(n), Some(kind)) = (p, ty.as_ref().and_then(kind_of)) {
                    add(DeclSite::Param(body, k), n.clone(), kind, b.range);
                }
            }
        }
        for (i, l) in ff.lets.iter().enumerate() {
            if let (PatFact::Bind(n), Some(kind), Some(b)) =
                (&l.pat, l.lock_ty.as_ref().and_then(kind_of), l.body)
            {
                add(
                    DeclSite::Let(file, i as u32),
                    n.clone(),
                    kind,
                    ix.body(b).range,
                );
            }
        }
        for (i, d) in ff.fields.iter().enumerate() {
            if let Some(kind) = d.lock_ty.as_ref().and_then(kind_of) {
                add(
                    DeclSite::Field(file, i as u32),
                    format!("{}.{}", d.owner, d.name),
                    kind,
                    d.range,
                );
            }
        }
    }
    of_call
}

/// A wait for a resource: which one, whether it is exclusive (a shared `read` is not),
/// and whether its identity was followed without merging.
#[derive(Clone, Debug)]
struct Wait {
    res: Resource,
    exclusive: bool,
    certain: bool,
}

/// How deep crate functions are followed for what they wait for.
const MAX_DEPTH: u32 = 3;

struct Finder<'a, 'i> {
    ix: &'a Index<'i>,
    flow: &'a Flow,
    model: &'a Model,
    /// Per file: the expression of each call and of each method call, built on first use.
    exprs: std::cell::RefCell<HashMap<FileId, CallExprs>>,
}

/// The expression of each call and each method call of a file.
type CallExprs = (Vec<Option<ExprId>>, Vec<Option<ExprId>>);

impl Finder<'_, '_> {
    fn call_exprs(&self, file: FileId) -> std::cell::RefMut<'_, CallExprs> {
        std::cell::RefMut::map(self.exprs.borrow_mut(), |m| {
            m.entry(file).or_insert_with(|| {
                let ff = &self.ix.facts[file.0 as usize];
                let mut calls = vec![None; ff.calls.len()];
                let mut methods = vec![None; ff.method_calls.len()];
                for (e, x) in ff.exprs.iter().enumerate() {
                    match x {
                        ExprFact::Call(i) => calls[*i as usize] = Some(ExprId(e as u32)),
                        ExprFact::MethodCall(i) => methods[*i as usize] = Some(ExprId(e as u32)),
                        _ => {}
                    }
                }
                (calls, methods)
            })
        })
    }

    fn expr_of_call(&self, file: FileId, i: u32) -> Option<ExprId> {
        self.call_exprs(file).0.get(i as usize).copied().flatten()
    }

    fn expr_of_method(&self, file: FileId, i: u32) -> Option<ExprId> {
        self.call_exprs(file).1.get(i as usize).copied().flatten()
    }

    /// The resources a method call waits for in line when its future runs.
    fn method_waits(&self, file: FileId, mc: u32, recv: &Vals) -> Vec<Wait> {
        let mc = &self.ix.facts[file.0 as usize].method_calls[mc as usize];
        // A declaration (`stats: Arc<Mutex<Stats>>`) and the constructor that fills it are
        // one resource: when a constructor's is known, the declaration's is left out.
        let made = |v: &Val| match v {
            Val::Lock(l) => self.flow.lock_of_call.values().any(|x| x == l),
            Val::Sem(s) => self.flow.sem_of_call.values().any(|x| x == s),
            _ => true,
        };
        let same_kind = |a: &Val, b: &Val| std::mem::discriminant(a) == std::mem::discriminant(b);
        let recv: Vals = recv
            .iter()
            .filter(|(v, _)| made(v) || !recv.keys().any(|w| same_kind(v, w) && made(w)))
            .map(|(v, c)| (v.clone(), *c))
            .collect();
        let recv = &recv;
        let merged = |kind: fn(&Val) -> bool| recv.keys().filter(|v| kind(v)).count() > 1;
        let mut out = Vec::new();
        if let Some(exclusive) = catalog::lock_wait(&mc.method) {
            let merged = merged(|v| matches!(v, Val::Lock(_)));
            for (v, c) in recv {
                if let Val::Lock(l) = v {
                    out.push(Wait {
                        res: Resource::Lock(*l),
                        exclusive,
                        certain: *c && !merged,
                    });
                }
            }
        }
        if catalog::is_queued_acquire(&mc.method) {
            let merged = merged(|v| matches!(v, Val::Sem(_)));
            for (v, c) in recv {
                let Val::Sem(s) = v else { continue };
                let Some(sem) = self.model.semaphores.get(*s as usize) else {
                    continue;
                };
                // With more than one permit a single waiter holding one leaves the rest.
                let certain = match sem.permits {
                    Capacity::Known { value: 1, .. } => true,
                    Capacity::Known { .. } if !mc.method.contains("many") => continue,
                    _ => false,
                };
                if sem.handoff {
                    out.push(Wait {
                        res: Resource::Sem(*s),
                        exclusive: true,
                        certain: *c && !merged && certain,
                    });
                }
            }
        }
        if catalog::is_queued_send(&mc.method) {
            let merged = merged(|v| matches!(v, Val::Tx(_)));
            for (v, c) in recv {
                let Val::Tx(ch) = v else { continue };
                let Some(chan) = self.model.channels.get(*ch as usize) else {
                    continue;
                };
                if !chan.is_bounded() || !catalog::is_handoff_channel(&chan.api_path) {
                    continue;
                }
                // A dormant sender holds one slot: with more, the next send finds another.
                let certain = match chan.capacity {
                    Capacity::Known { value: 1, .. } => true,
                    Capacity::Known { .. } => continue,
                    _ => false,
                };
                out.push(Wait {
                    res: Resource::Chan(*ch),
                    exclusive: true,
                    certain: *c && !merged && certain,
                });
            }
        }
        out
    }

    /// The crate functions a call or method call runs, when they are `async` (calling one
    /// builds the future that runs its body) or async blocks.
    fn callees(&self, file: FileId, e: ExprId) -> Vec<BodyId> {
        let ix = self.ix;
        let ff = &ix.facts[file.0 as usize];
        let async_fn = |b: &BodyId| ix.body(*b).is_async;
        match ix.expr(file, e) {
            ExprFact::Call(i) => match &ix.call_targets[file.0 as usize][*i as usize] {
                CallTarget::LocalFn(b) if async_fn(b) => vec![*b],
                _ => Vec::new(),
            },
            ExprFact::MethodCall(i) => {
                let mc = &ff.method_calls[*i as usize];
                if !ix.methods.contains_key(&mc.method) {
                    return Vec::new();
                }
                let recv = self.flow.eval(ix, file, mc.receiver);
                self.flow
                    .method_targets(ix, file, mc.body, mc.receiver, &mc.method, &recv)
                    .into_iter()
                    .filter(async_fn)
                    .collect()
            }
            ExprFact::Body(b) if ix.body(*b).kind == BodyKind::AsyncBlock => vec![*b],
            _ => Vec::new(),
        }
    }

    /// What the future of expression `e` waits for in line when it runs: a waiting method
    /// call itself, or what a crate function or async block called there waits for inside.
    fn future_waits(&self, file: FileId, e: ExprId, depth: u32) -> Vec<Wait> {
        let ix = self.ix;
        let ff = &ix.facts[file.0 as usize];
        let mut out = Vec::new();
        if let ExprFact::MethodCall(i) = ix.expr(file, e) {
            let recv = self
                .flow
                .eval(ix, file, ff.method_calls[*i as usize].receiver);
            out.extend(self.method_waits(file, *i, &recv));
        }
        if depth >= MAX_DEPTH {
            return out;
        }
        for b in self.callees(file, e) {
            out.extend(self.body_waits(b, Some((file, e)), depth + 1));
        }
        out
    }

    /// What body `b` waits for in line: its awaited waiting calls, and what the crate
    /// functions it awaits wait for. `call` is the call that runs it: a resource reached
    /// through a parameter is the argument there.
    fn body_waits(&self, b: BodyId, call: Option<(FileId, ExprId)>, depth: u32) -> Vec<Wait> {
        let ix = self.ix;
        let file = b.file;
        let ff = &ix.facts[file.0 as usize];
        let mut out = Vec::new();
        for (i, mc) in ff.method_calls.iter().enumerate() {
            if mc.body != Some(b) || !mc.awaited {
                continue;
            }
            let recv = self
                .argument_for(b, file, mc.receiver, call)
                .unwrap_or_else(|| self.flow.eval(ix, file, mc.receiver));
            out.extend(self.method_waits(file, i as u32, &recv));
            if depth < MAX_DEPTH {
                let e = self.expr_of_method(file, i as u32);
                if let Some(e) = e {
                    for cb in self.callees(file, e) {
                        out.extend(self.body_waits(cb, Some((file, e)), depth + 1));
                    }
                }
            }
        }
        if depth < MAX_DEPTH {
            for (i, c) in ff.calls.iter().enumerate() {
                if c.body != Some(b) || !c.awaited {
                    continue;
                }
                if let Some(e) = self.expr_of_call(file, i as u32) {
                    for cb in self.callees(file, e) {
                        out.extend(self.body_waits(cb, Some((file, e)), depth + 1));
                    }
                }
            }
        }
        out
    }

    /// When `e` (in body `b`) names a parameter of `b` and `call` runs `b`: the values of the
    /// argument at that call.
    fn argument_for(
        &self,
        b: BodyId,
        file: FileId,
        e: ExprId,
        call: Option<(FileId, ExprId)>,
    ) -> Option<Vals> {
        let ix = self.ix;
        let (cf, ce) = call?;
        let ExprFact::Path(p) = ix.expr(file, e) else {
            return None;
        };
        let [name] = p.segments.as_slice() else {
            return None;
        };
        let params = &ix.body(b).params;
        let k = params
            .iter()
            .position(|p| matches!(p, PatFact::Bind(n) if n == name))?;
        let cff = &ix.facts[cf.0 as usize];
        let arg = match ix.expr(cf, ce) {
            ExprFact::Call(i) => *cff.calls[*i as usize].args.get(k)?,
            ExprFact::MethodCall(i) => {
                let mc = &cff.method_calls[*i as usize];
                if k == 0 {
                    mc.receiver
                } else {
                    *mc.args.get(k - 1)?
                }
            }
            _ => return None,
        };
        Some(self.flow.eval(ix, cf, arg))
    }
}

/// The future a `let` holds, through pinning and boxing (`Box::pin(f)`, `pin!(f)`,
/// `f.boxed()`, `f.fuse()`).
fn unpinned(ix: &Index<'_>, file: FileId, mut e: ExprId) -> ExprId {
    let f = file.0 as usize;
    let ff = &ix.facts[f];
    for _ in 0..6 {
        match ix.expr(file, e) {
            ExprFact::Call(i)
                if ix.call_paths[f][*i as usize].as_deref() == Some("Box::pin")
                    && ff.calls[*i as usize].args.len() == 1 =>
            {
                e = ff.calls[*i as usize].args[0];
            }
            ExprFact::MethodCall(i)
                if matches!(
                    ff.method_calls[*i as usize].method.as_str(),
                    "boxed" | "boxed_local" | "fuse"
                ) =>
            {
                e = ff.method_calls[*i as usize].receiver;
            }
            _ => break,
        }
    }
    e
}

/// The range of what an expression calls.
fn range_of(ff: &FileFacts, e: ExprId) -> Option<FileRange> {
    match ff.exprs.get(e.0 as usize)? {
        ExprFact::Call(i) => Some(ff.calls[*i as usize].range),
        ExprFact::MethodCall(i) => Some(ff.method_calls[*i as usize].range),
        _ => None,
    }
}

fn within(r: FileRange, p: u32) -> bool {
    r.start <= p && p < r.end
}

/// True when loop `inner` is `outer` or nested in it.
fn in_loop(ff: &FileFacts, inner: Option<u32>, outer: u32) -> bool {
    let mut l = inner;
    for _ in 0..1000 {
        match l {
            Some(x) if x == outer => return true,
            Some(x) => l = ff.loops.get(x as usize).and_then(|lf| lf.parent),
            None => return false,
        }
    }
    false
}

/// Two waits for the same resource where the second cannot pass the first.
fn conflicts(a: &Wait, b: &Wait) -> bool {
    a.res == b.res && (a.exclusive || b.exclusive)
}

/// Every futurelock of the covered files.
pub(crate) fn futurelocks(ix: &Index<'_>, flow: &Flow, model: &Model) -> Vec<Futurelock> {
    let fd = Finder {
        ix,
        flow,
        model,
        exprs: Default::default(),
    };
    let mut out = Vec::new();
    for (f, ff) in ix.files() {
        let file = FileId(f as u32);
        for sel in &ff.selects {
            let Some(body) = sel.body else { continue };
            // `futures::select!` polls a bare local by reference; tokio's moves it in.
            let by_ref_macro = matches!(
                ix.resolver.resolve(&sel.path),
                Res::Extern(p) if p.first().is_some_and(|c| c == "futures" || c == "futures_util")
            );
            for (k, arm) in sel.arms.iter().enumerate() {
                let Some((name, explicit)) = &arm.polled else {
                    continue;
                };
                // A bare local moved into tokio's `select!`: its future still lives on when it
                // was pinned in place (`tokio::pin!(fut)` moves only the pinned reference),
                // until the end of its block, but it is never polled again.
                let moved = !explicit && !by_ref_macro;
                if moved && !ff.pinned.iter().any(|(b, n)| *b == Some(body) && n == name) {
                    continue;
                }
                // The binding of the polled local: the last `let` of it before the select.
                let Some(l) = ff
                    .lets
                    .iter()
                    .filter(|l| {
                        l.body == Some(body)
                            && matches!(&l.pat, PatFact::Bind(n) if n == name)
                            && l.range.is_some_and(|r| r.end <= sel.range.start)
                            && l.scope_end >= sel.range.end
                    })
                    .max_by_key(|l| l.range.map(|r| r.start))
                else {
                    continue;
                };
                let Some(lr) = l.range else { continue };
                let fut = unpinned(ix, file, l.init);
                let first = fd.future_waits(file, fut, 0);
                if first.is_empty() {
                    continue;
                }
                let created = range_of(ff, fut).unwrap_or(lr);
                let created_via = fd
                    .callees(file, fut)
                    .first()
                    .filter(|b| ix.body(**b).kind != BodyKind::AsyncBlock)
                    .map(|b| ix.body_name(*b));
                let others: Vec<ArmEnd> = sel
                    .arms
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != k)
                    .map(|(_, a)| a.end)
                    .collect();
                // After the select in the same turn (or with no loop around it): an arm that
                // falls through; after the select's loop: an arm that breaks out of it.
                let falls = others.contains(&ArmEnd::Falls);
                let breaks = others.contains(&ArmEnd::Break);
                let next_turn = others
                    .iter()
                    .any(|e| matches!(e, ArmEnd::Falls | ArmEnd::Continue));
                // The outermost loop around the select that the `let` is outside of.
                let mut turn_loop = None;
                let mut cur = sel.loop_id;
                for _ in 0..1000 {
                    let Some(x) = cur else { break };
                    if in_loop(ff, l.loop_id, x) {
                        break;
                    }
                    turn_loop = Some(x);
                    cur = ff.loops.get(x as usize).and_then(|lf| lf.parent);
                }
                // Places the future stops living: `drop(fut)`, a new value assigned.
                let ends: Vec<u32> = ff
                    .calls
                    .iter()
                    .enumerate()
                    .filter(|(i, c)| {
                        c.body == Some(body)
                            && ix.call_targets[f][*i] == CallTarget::Api(Api::Drop)
                            && c.args.first().is_some_and(|a| names_local(ff, *a, name))
                    })
                    .map(|(_, c)| c.range.start)
                    .chain(
                        ff.assigns
                            .iter()
                            .filter(|a| a.body == Some(body) && names_local(ff, a.place, name))
                            .filter_map(|a| range_of_value(ff, a.value)),
                    )
                    .chain(
                        ff.method_calls
                            .iter()
                            .filter(|m| {
                                m.body == Some(body)
                                    && m.method == "set"
                                    && names_local(ff, m.receiver, name)
                            })
                            .map(|m| m.range.start),
                    )
                    .filter(|p| *p > lr.end && *p < l.scope_end)
                    .collect();
                let handler_of = |p: u32| sel.arms.iter().position(|a| within(a.handler, p));
                // Second waits: awaited calls in the same body.
                let mut seconds: Vec<(FileRange, ExprId, Option<u32>)> = Vec::new();
                for (i, mc) in ff.method_calls.iter().enumerate() {
                    if mc.body == Some(body) && mc.awaited {
                        if let Some(e) = fd.expr_of_method(file, i as u32) {
                            seconds.push((mc.range, e, mc.loop_id));
                        }
                    }
                }
                for (i, c) in ff.calls.iter().enumerate() {
                    if c.body == Some(body) && c.awaited {
                        if let Some(e) = fd.expr_of_call(file, i as u32) {
                            seconds.push((c.range, e, c.loop_id));
                        }
                    }
                }
                seconds.sort_by_key(|s| s.0.start);
                for (range, e, loop_id) in seconds {
                    let p = range.start;
                    if p <= lr.end || p >= l.scope_end || e == fut {
                        continue;
                    }
                    // The first other arm whose win leads to the wait.
                    let arm_ending = |ok: &dyn Fn(ArmEnd) -> bool| {
                        sel.arms
                            .iter()
                            .enumerate()
                            .find(|(j, a)| *j != k && ok(a.end))
                            .map(|(_, a)| a.start)
                    };
                    let (at, abandoned) = if within(sel.range, p) {
                        match handler_of(p) {
                            Some(j) if j != k => (SecondWait::OtherBranch, Some(sel.arms[j].start)),
                            _ => continue,
                        }
                    } else if p >= sel.range.end
                        && match sel.loop_id {
                            Some(sl) if !in_loop(ff, loop_id, sl) => breaks,
                            _ => falls,
                        }
                    {
                        let arm = match sel.loop_id {
                            Some(sl) if !in_loop(ff, loop_id, sl) => {
                                arm_ending(&|e| e == ArmEnd::Break)
                            }
                            _ => arm_ending(&|e| e == ArmEnd::Falls),
                        };
                        (SecondWait::AfterSelect, arm)
                    } else if p < sel.range.start
                        && !moved
                        && next_turn
                        && turn_loop.is_some_and(|tl| in_loop(ff, loop_id, tl))
                    {
                        let arm = arm_ending(&|e| matches!(e, ArmEnd::Falls | ArmEnd::Continue));
                        (SecondWait::NextTurn, arm)
                    } else {
                        continue;
                    };
                    let dropped = ends.iter().any(|d| match at {
                        SecondWait::NextTurn => true,
                        _ => {
                            *d < p && (handler_of(*d).is_none() || handler_of(*d) == handler_of(p))
                        }
                    });
                    if dropped {
                        continue;
                    }
                    let second = fd.future_waits(file, e, 0);
                    let Some((a, b)) = first
                        .iter()
                        .flat_map(|a| second.iter().map(move |b| (a, b)))
                        .find(|(a, b)| conflicts(a, b))
                    else {
                        continue;
                    };
                    let second_via = fd
                        .callees(file, e)
                        .first()
                        .filter(|b| ix.body(**b).kind != BodyKind::AsyncBlock)
                        .map(|b| ix.body_name(*b));
                    out.push(Futurelock {
                        resource: a.res,
                        local: name.clone(),
                        created,
                        created_via: created_via.clone(),
                        polled: arm.future.unwrap_or(sel.range),
                        abandoned,
                        second: range,
                        second_via,
                        at,
                        certain: a.certain && b.certain,
                    });
                    // One finding per dormant future: the first second wait.
                    break;
                }
            }
        }
    }
    out
}

/// Where the value assigned to a place starts (for `fut = ..`, where the old future is
/// dropped).
fn range_of_value(ff: &FileFacts, e: ExprId) -> Option<u32> {
    range_of(ff, e).map(|r| r.start)
}

/// True when `e` is the path of local `name`.
fn names_local(ff: &FileFacts, e: ExprId, name: &str) -> bool {
    matches!(ff.exprs.get(e.0 as usize), Some(ExprFact::Path(p)) if p.segments.len() == 1 && p.segments[0] == name)
}
