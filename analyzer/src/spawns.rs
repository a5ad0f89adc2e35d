//! Spawn sites: what a call or method call spawns (a spawn API, a runtime handle's or a
//! builder's `spawn`, or a crate function or method that spawns its parameter, found from the
//! facts), the bodies each site starts, and calls of crate functions that spawn once, which
//! are spawn sites for their callers (summaries instantiated per call).

use crate::catalog::{self, Api};
use crate::facts::{BodyId, BodyKind, ExprFact, ExprId};
use crate::flow::Flow;
use crate::index::{CallTarget, Index};
use crate::source::{FileId, FileRange};
use crate::tasks::SpawnSite;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// Local functions that spawn one of their parameters: function -> (parameter index,
/// thread?) in the order they were found.
pub(crate) type Wrappers = HashMap<BodyId, Vec<(usize, bool)>>;

/// True when an argument builds something to run: a closure, an async block, or a call of
/// a local `async fn` (its future), not a value such as a connection or a handle.
fn runnable_arg(ix: &Index<'_>, file: FileId, a: ExprId) -> bool {
    match ix.expr(file, a) {
        ExprFact::Body(_) => true,
        ExprFact::Call(i) => matches!(
            ix.call_targets[file.0 as usize][*i as usize],
            CallTarget::LocalFn(b) if ix.body(b).is_async
        ),
        _ => false,
    }
}

/// The parameters of the enclosing function that a spawn runs: the parameter itself
/// (`tokio::spawn(fut)`), or one the spawned closure or async block takes with it
/// (`tokio::spawn(async move { log(); fut.await })`).
fn spawned_params(ix: &Index<'_>, file: FileId, arg: ExprId) -> Vec<(BodyId, usize)> {
    if let Some(k) = param_index(ix, file, arg) {
        return vec![k];
    }
    let ExprFact::Body(b) = ix.expr(file, arg) else {
        return Vec::new();
    };
    let Some(f) = ix.enclosing_fn(*b) else {
        return Vec::new();
    };
    let params = &ix.body(f).params;
    let ff = &ix.facts[file.0 as usize];
    let mut out = Vec::new();
    for ExprId(e) in ix.contents().exprs_within(*b) {
        let e = e as usize;
        let ExprFact::Path(p) = &ff.exprs[e] else {
            continue;
        };
        if p.segments.len() != 1 {
            continue;
        }
        if ix.binding_body(ff.expr_body[e], &p.segments[0]) != Some(f) {
            continue;
        }
        if let Some(k) = params
            .iter()
            .position(|pat| matches!(pat, crate::facts::PatFact::Bind(n) if *n == p.segments[0] && n != "self"))
        {
            out.push((f, k));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The bodies a spawn argument runs.
fn spawned_roots(ix: &Index<'_>, flow: &Flow, file: FileId, arg: ExprId) -> Vec<BodyId> {
    match ix.expr(file, arg) {
        ExprFact::Body(b) => vec![*b],
        ExprFact::Call(i) => match &ix.call_targets[file.0 as usize][*i as usize] {
            CallTarget::LocalFn(f) => vec![*f],
            CallTarget::Api(Api::Wrap) => {
                let call = &ix.facts[file.0 as usize].calls[*i as usize];
                call.args
                    .first()
                    .map(|a| spawned_roots(ix, flow, file, *a))
                    .unwrap_or_default()
            }
            _ => Vec::new(),
        },
        ExprFact::MethodCall(i) => {
            let mc = &ix.facts[file.0 as usize].method_calls[*i as usize];
            let recv = flow.eval(ix, file, mc.receiver);
            let targets = flow.method_targets(ix, file, mc.body, mc.receiver, &mc.method, &recv);
            // `spawner.spawn(task(..).unwrap())`, `fut.instrument(span)`: what it wraps.
            if targets.is_empty()
                && (catalog::channel_method(&mc.method) == Some(catalog::ChannelMethod::Same)
                    || catalog::is_future_adapter(&mc.method))
            {
                return spawned_roots(ix, flow, file, mc.receiver);
            }
            targets
        }
        _ => Vec::new(),
    }
}

/// The parameter index an argument names, when it is a parameter of the enclosing function.
fn param_index(ix: &Index<'_>, file: FileId, arg: ExprId) -> Option<(BodyId, usize)> {
    let ExprFact::Path(p) = ix.expr(file, arg) else {
        return None;
    };
    if p.segments.len() != 1 {
        return None;
    }
    let body = ix.expr_body(file, arg)?;
    let f = ix.enclosing_fn(body)?;
    ix.body(f)
        .params
        .iter()
        .position(|pat| matches!(pat, crate::facts::PatFact::Bind(n) if *n == p.segments[0]))
        .map(|i| (f, i))
}

/// What a path call spawns (its argument, and whether on a thread): a spawn API, or a local
/// wrapper that spawns one of its parameters.
fn spawned_by_call(
    ix: &Index<'_>,
    wrappers: &Wrappers,
    f: usize,
    i: usize,
) -> Option<(ExprId, bool)> {
    let call = &ix.facts[f].calls[i];
    match &ix.call_targets[f][i] {
        CallTarget::Api(Api::Spawn(kind)) => call
            .args
            .first()
            .map(|a| (*a, *kind == catalog::SpawnKind::Thread)),
        CallTarget::LocalFn(callee) => wrappers.get(callee)?.iter().find_map(|(k, th)| {
            call.args
                .get(*k)
                .filter(|a| runnable_arg(ix, FileId(f as u32), **a))
                .map(|a| (*a, *th))
        }),
        _ => None,
    }
}

/// What a `.spawn(..)` method call spawns, unless the method is one of the crate's own.
/// A local method that spawns one of its parameters is a spawn of the matching argument
/// (`self.spawn_task("name", fut)`).
fn spawned_by_method(
    ix: &Index<'_>,
    flow: &Flow,
    wrappers: &Wrappers,
    file: FileId,
    mc: &crate::facts::MethodCallFact,
) -> Option<(ExprId, bool)> {
    if !catalog::is_spawn_method(&mc.method) && !ix.methods.contains_key(&mc.method) {
        return None;
    }
    let recv = flow.eval(ix, file, mc.receiver);
    let targets = flow.method_targets(ix, file, mc.body, mc.receiver, &mc.method, &recv);
    spawned_by_method_to(ix, wrappers, file, mc, &targets)
}

/// [`spawned_by_method`] with the method's local targets already known.
fn spawned_by_method_to(
    ix: &Index<'_>,
    wrappers: &Wrappers,
    file: FileId,
    mc: &crate::facts::MethodCallFact,
    targets: &[BodyId],
) -> Option<(ExprId, bool)> {
    let spawn_named = catalog::is_spawn_method(&mc.method);
    if targets.is_empty() {
        return spawn_named
            .then(|| mc.args.first().map(|a| (*a, mc.method == "spawn_blocking")))
            .flatten();
    }
    targets.iter().find_map(|t| {
        let has_self = matches!(ix.body(*t).params.first(), Some(crate::facts::PatFact::Bind(n)) if n == "self");
        wrappers.get(t)?.iter().find_map(|(k, th)| {
            let k = if has_self { k.checked_sub(1)? } else { *k };
            mc.args
                .get(k)
                .filter(|a| runnable_arg(ix, file, **a))
                .map(|a| (*a, *th))
        })
    })
}

pub(crate) fn find_wrappers(ix: &Index<'_>, flow: &Flow) -> Wrappers {
    // Method calls that may spawn, with their local targets, found once.
    let mut methods: Vec<(FileId, &crate::facts::MethodCallFact, Vec<BodyId>)> = Vec::new();
    for (f, ff) in ix.files() {
        let file = FileId(f as u32);
        for mc in &ff.method_calls {
            if !catalog::is_spawn_method(&mc.method) && !ix.methods.contains_key(&mc.method) {
                continue;
            }
            let recv = flow.eval(ix, file, mc.receiver);
            let targets = flow.method_targets(ix, file, mc.body, mc.receiver, &mc.method, &recv);
            methods.push((file, mc, targets));
        }
    }
    // The parameters each spawned argument runs, found once per argument.
    let mut params: HashMap<(FileId, ExprId), Vec<(BodyId, usize)>> = HashMap::default();
    let mut w: Wrappers = HashMap::default();
    let mut found_params = 0;
    for _ in 0..8 {
        let before = found_params;
        let mut found: Vec<(FileId, ExprId, bool)> = Vec::new();
        for (f, ff) in ix.files() {
            for i in 0..ff.calls.len() {
                if let Some((arg, thread)) = spawned_by_call(ix, &w, f, i) {
                    found.push((FileId(f as u32), arg, thread));
                }
            }
        }
        for (file, mc, targets) in &methods {
            if let Some((arg, thread)) = spawned_by_method_to(ix, &w, *file, mc, targets) {
                found.push((*file, arg, thread));
            }
        }
        for (file, arg, thread) in found {
            let keys = params
                .entry((file, arg))
                .or_insert_with(|| spawned_params(ix, file, arg));
            for &(b, k) in keys.iter() {
                let ks = w.entry(b).or_default();
                if !ks.iter().any(|&(k2, _)| k2 == k) {
                    ks.push((k, thread));
                    found_params += 1;
                }
            }
        }
        if found_params == before {
            break;
        }
    }
    w
}

pub(crate) fn spawn_sites(ix: &Index<'_>, flow: &Flow, wrappers: &Wrappers) -> Vec<SpawnSite> {
    let mut out = Vec::new();
    for (f, ff) in ix.files() {
        let file = FileId(f as u32);
        // A spawn of something not followed (a closure parameter) is still a spawn site.
        let site = |arg: ExprId, thread: bool, range, in_loop, loop_id, body, awaited, receiver| {
            SpawnSite {
                file,
                roots: spawned_roots(ix, flow, file, arg),
                range,
                arg,
                in_loop,
                loop_id,
                body,
                thread,
                awaited,
                receiver,
                tasks: Vec::new(),
                per_item: false,
                per_item_certain: false,
                bound: None,
                loop_permits: Vec::new(),
                via: Vec::new(),
            }
        };
        for (i, c) in ff.calls.iter().enumerate() {
            if let Some((arg, thread)) = spawned_by_call(ix, wrappers, f, i) {
                out.push(site(
                    arg, thread, c.range, c.in_loop, c.loop_id, c.body, c.awaited, None,
                ));
            }
        }
        for m in &ff.method_calls {
            if let Some((arg, thread)) = spawned_by_method(ix, flow, wrappers, file, m) {
                let receiver = match ix.expr(file, m.receiver) {
                    ExprFact::Path(p) if p.segments.len() == 1 => Some(p.segments[0].clone()),
                    _ => None,
                };
                out.push(site(
                    arg, thread, m.range, m.in_loop, m.loop_id, m.body, m.awaited, receiver,
                ));
            }
        }
    }
    add_spawning_calls(ix, flow, &mut out);
    out
}

/// A call of local functions or methods, with where it is.
struct LocalCall {
    arg: ExprId,
    range: FileRange,
    targets: Vec<BodyId>,
    body: Option<BodyId>,
    in_loop: bool,
    loop_id: Option<u32>,
    awaited: bool,
}

/// Function summaries for spawning: a local function that spawns once per call (a spawn
/// outside any loop of its own, directly or through another such function) makes each of
/// its calls a spawn site for the caller (`serve_connection(io)` in an accept loop).
fn add_spawning_calls(ix: &Index<'_>, flow: &Flow, sites: &mut Vec<SpawnSite>) {
    let once =
        |s: &SpawnSite| !s.in_loop && !s.awaited && s.body.is_some_and(|b| !in_loop_closure(ix, b));
    // Function -> the sites a call of it runs.
    let mut spawns: HashMap<BodyId, Vec<usize>> = HashMap::default();
    for (i, s) in sites.iter().enumerate() {
        if let Some(f) = s.body.and_then(|b| ix.enclosing_fn(b)).filter(|_| once(s)) {
            spawns.entry(f).or_default().push(i);
        }
    }
    if spawns.is_empty() {
        return;
    }
    // Every call of a local function or method, found once.
    let mut calls: Vec<(FileId, LocalCall)> = Vec::new();
    for (f, ff) in ix.files() {
        let file = FileId(f as u32);
        for (e, fact) in ff.exprs.iter().enumerate() {
            match fact {
                ExprFact::Call(i) => {
                    let c = &ff.calls[*i as usize];
                    if let CallTarget::LocalFn(t) = ix.call_targets[f][*i as usize] {
                        calls.push((
                            file,
                            LocalCall {
                                arg: ExprId(e as u32),
                                range: c.range,
                                targets: vec![t],
                                body: c.body,
                                in_loop: c.in_loop,
                                loop_id: c.loop_id,
                                awaited: c.awaited,
                            },
                        ));
                    }
                }
                ExprFact::MethodCall(i) => {
                    let mc = &ff.method_calls[*i as usize];
                    if !ix.methods.contains_key(&mc.method) {
                        continue;
                    }
                    let recv = flow.eval(ix, file, mc.receiver);
                    let targets =
                        flow.method_targets(ix, file, mc.body, mc.receiver, &mc.method, &recv);
                    if !targets.is_empty() {
                        calls.push((
                            file,
                            LocalCall {
                                arg: ExprId(e as u32),
                                range: mc.range,
                                targets,
                                body: mc.body,
                                in_loop: mc.in_loop,
                                loop_id: mc.loop_id,
                                awaited: mc.awaited,
                            },
                        ));
                    }
                }
                _ => {}
            }
        }
    }
    let mut taken: HashSet<FileRange> = sites.iter().map(|s| s.range).collect();
    for _ in 0..4 {
        let mut added = Vec::new();
        for (file, c) in &calls {
            if taken.contains(&c.range) {
                continue;
            }
            let inner: Vec<usize> = c
                .targets
                .iter()
                .flat_map(|t| spawns.get(t).into_iter().flatten().copied())
                .collect();
            if inner.is_empty() {
                continue;
            }
            taken.insert(c.range);
            let thread = inner.iter().all(|i| sites[*i].thread);
            added.push(SpawnSite {
                file: *file,
                roots: Vec::new(),
                range: c.range,
                arg: c.arg,
                in_loop: c.in_loop,
                loop_id: c.loop_id,
                body: c.body,
                thread,
                awaited: c.awaited,
                receiver: None,
                tasks: Vec::new(),
                per_item: false,
                per_item_certain: false,
                bound: None,
                loop_permits: Vec::new(),
                via: inner,
            });
        }
        if added.is_empty() {
            break;
        }
        for s in added {
            let i = sites.len();
            if let Some(f) = s.body.and_then(|b| ix.enclosing_fn(b)).filter(|_| once(&s)) {
                spawns.entry(f).or_default().push(i);
            }
            sites.push(s);
        }
    }
}

/// True when `b` is a closure or async block written in a loop (or nested in one that is).
fn in_loop_closure(ix: &Index<'_>, mut b: BodyId) -> bool {
    for _ in 0..64 {
        let body = ix.body(b);
        if body.in_loop {
            return true;
        }
        match (&body.kind, body.parent) {
            (BodyKind::Closure | BodyKind::AsyncBlock, Some(p)) => b = p,
            _ => return false,
        }
    }
    false
}
