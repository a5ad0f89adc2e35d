//! Tasks: what runs concurrently. A task is the body a spawn runs (a closure, an async
//! block, or a local function called in the spawn's argument; spawn sites are found in
//! `spawns.rs`), a callback handed to unknown code, a future one `select!` polls beside
//! others, or an actor's handlers; bodies none of these reach belong to the entry task of
//! their outermost function.

use crate::catalog::{self, Api};
use crate::facts::{BodyId, BodyKind, ExprId};
use crate::flow::Flow;
use crate::index::{CallTarget, Index};
use crate::source::{FileId, FileRange};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// Index of a task in [`crate::model::Model::tasks`].
pub type TaskIdx = u32;

/// A task.
#[derive(Clone, Debug)]
pub struct Task {
    pub name: String,
    /// The body the task runs.
    pub root: BodyId,
    /// The spawn call; `None` for an entry task (a function no spawn reaches).
    pub spawn: Option<FileRange>,
    /// Spawned inside a loop (per connection, per message): many instances exist at once.
    pub replicated: bool,
    /// An OS thread rather than an async task.
    pub thread: bool,
    /// A closure or future handed to code the analysis does not know (a callback): it runs
    /// at an unknown time on an unknown task, so what it does is only `possible`.
    pub callback: bool,
}

/// A spawn site: where, what it runs, how.
#[derive(Clone, Debug)]
pub struct SpawnSite {
    pub file: FileId,
    /// The bodies it runs.
    pub roots: Vec<BodyId>,
    /// The spawn call.
    pub range: FileRange,
    /// The spawn's argument (the future or closure).
    pub arg: ExprId,
    pub in_loop: bool,
    /// The innermost loop around the spawn in its body.
    pub loop_id: Option<u32>,
    /// The body the spawn is written in.
    pub body: Option<BodyId>,
    pub thread: bool,
    /// The spawned handle is awaited at once (`spawn(..).await`): no concurrency added.
    pub awaited: bool,
    /// `set.spawn(..)`: the name of the receiver (a `JoinSet`, a scope), if a plain local.
    pub receiver: Option<String>,
    /// The tasks it starts (indices into [`Tasks::tasks`]).
    pub tasks: Vec<TaskIdx>,
    /// Runs once per item of incoming work: in a loop that receives, accepts or iterates
    /// a stream or receiver. Set by `spawn_bounds::classify_spawns`.
    pub per_item: bool,
    /// The items come from outside the program (a socket, a channel, a file, a parameter of
    /// a public function); otherwise a per-item finding is only possible.
    pub per_item_certain: bool,
    /// What bounds how many of its tasks exist at once, if anything.
    pub bound: Option<SpawnBound>,
    /// Permits acquired in the same loop before the spawn (indices into `Model::acquires`).
    pub loop_permits: Vec<usize>,
    /// A call of a local function that spawns (once, not in a loop of its own): the spawn
    /// sites inside it (indices into the same list). The call is a spawn for its caller.
    pub via: Vec<usize>,
}

/// What keeps the number of spawned tasks bounded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SpawnBound {
    /// A permit acquired in the loop is moved into the task (index into `Model::acquires`).
    Permit(usize),
    /// A `JoinSet` (or similar) whose length is checked and which is drained in the loop.
    CheckedSet,
    /// The spawned task is awaited at once.
    Awaited,
    /// Its handle is sent back or returned to whoever asked for it (a spawner service):
    /// bounding the tasks is the requester's business, not this loop's.
    HandedBack,
    /// The task answers one request (it captures the request's oneshot reply sender): the
    /// requester waiting for the answer bounds how many run.
    Answers,
}

/// Tasks and which task runs each body.
#[derive(Debug, Default)]
pub struct Tasks {
    pub tasks: Vec<Task>,
    /// Body -> tasks that may run it.
    pub owners: HashMap<BodyId, Vec<TaskIdx>>,
    pub sites: Vec<SpawnSite>,
    /// Bodies run by entry tasks that several entry points reach.
    pub merged: HashSet<BodyId>,
    /// Bodies that run once per iteration of some loop, at any depth of calls.
    per_iteration: HashSet<BodyId>,
    /// The roots of spawned tasks.
    spawn_roots: HashSet<BodyId>,
    /// The task of each actor type, in the order of `actors::find`.
    pub actor_tasks: Vec<TaskIdx>,
    /// For bodies reached through a method call that dispatches to several impls: those
    /// impls (see [`crate::model::Model::handler_of`]).
    pub handler_of: std::collections::HashMap<BodyId, Vec<BodyId>>,
}

impl Tasks {
    /// Finds spawn sites and tasks, and which bodies each task runs.
    pub fn compute(ix: &Index<'_>, flow: &Flow, actors: &[crate::actors::ActorType]) -> Tasks {
        let wrappers = crate::spawns::find_wrappers(ix, flow);
        let sites = crate::spawns::spawn_sites(ix, flow, &wrappers);
        let mut out = Tasks::default();
        let mut roots: HashSet<BodyId> = HashSet::default();
        for s in &sites {
            roots.extend(&s.roots);
        }
        let (detached, relocated) = crate::placement::placements(ix, flow);
        let callbacks: Vec<BodyId> = detached
            .into_iter()
            .filter(|b| !roots.contains(b))
            .collect();
        roots.extend(&callbacks);
        let branches: Vec<(BodyId, Option<BodyId>)> = crate::placement::concurrent_bodies(ix, flow)
            .into_iter()
            .filter(|(b, _)| !roots.contains(b))
            .collect();
        roots.extend(branches.iter().map(|(b, _)| *b));
        for a in actors {
            roots.extend(&a.handlers);
        }
        let (edges, polymorphic) = body_edges(ix, flow, relocated);
        let mut seeds = called_in_loop(ix, flow);
        for (f, ff) in ix.files() {
            let file = FileId(f as u32);
            seeds.extend(
                ff.bodies
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| b.in_loop)
                    .map(|(i, _)| BodyId {
                        file,
                        idx: i as u32,
                    }),
            );
        }
        let called_in_loop = runs_per_iteration(seeds, &edges);
        out.per_iteration = called_in_loop.clone();
        let mut sites = sites;
        for s in &mut sites {
            let replicated = s.in_loop
                || s.body
                    .is_some_and(|b| in_loop_context(ix, b, &called_in_loop));
            for &root in &s.roots {
                s.tasks.push(out.tasks.len() as TaskIdx);
                out.tasks.push(Task {
                    name: ix.body_name(root),
                    root,
                    spawn: Some(s.range),
                    replicated,
                    thread: s.thread,
                    callback: false,
                });
            }
        }
        // A call of a spawning function starts the tasks of the spawns inside it.
        for i in 0..sites.len() {
            if sites[i].via.is_empty() {
                continue;
            }
            let mut tasks: Vec<TaskIdx> = Vec::new();
            for &j in &sites[i].via {
                tasks.extend(sites[j].tasks.iter().copied());
            }
            tasks.sort_unstable();
            tasks.dedup();
            sites[i].tasks = tasks;
        }
        for &(root, polled_in) in &branches {
            let name = match root_fn_name(ix, root) {
                Some(f) => format!("{f}::{{branch}}"),
                None => "{branch}".to_string(),
            };
            out.tasks.push(Task {
                name,
                root,
                spawn: None,
                replicated: polled_in.is_some_and(|b| in_loop_context(ix, b, &called_in_loop)),
                thread: false,
                callback: false,
            });
        }
        // An actor of a known framework: one task runs all its handlers.
        let mut actor_roots: Vec<(TaskIdx, BodyId)> = Vec::new();
        for a in actors {
            let t = out.tasks.len() as TaskIdx;
            out.actor_tasks.push(t);
            out.tasks.push(Task {
                name: format!("{} (actor)", a.name),
                root: a.handlers[0],
                spawn: None,
                replicated: false,
                thread: false,
                callback: false,
            });
            actor_roots.extend(a.handlers.iter().skip(1).map(|h| (t, *h)));
        }
        for &root in &callbacks {
            let name = match ix.enclosing_fn(root) {
                Some(f) => format!("{}::{{callback}}", ix.body_name(f)),
                None => "{callback}".to_string(),
            };
            out.tasks.push(Task {
                name,
                root,
                spawn: None,
                replicated: false,
                thread: false,
                callback: true,
            });
        }
        // Entry tasks: outermost functions with bodies no spawned task reaches.
        let mut reached: HashSet<BodyId> = HashSet::default();
        for t in 0..out.tasks.len() {
            let root = out.tasks[t].root;
            for b in reach(root, &edges, &roots) {
                reached.insert(b);
                out.owners.entry(b).or_default().push(t as TaskIdx);
            }
        }
        for &(t, root) in &actor_roots {
            for b in reach(root, &edges, &roots) {
                reached.insert(b);
                out.owners.entry(b).or_default().push(t);
            }
        }
        // Impls reached through one dispatch with several targets: each an actor of its own.
        for &h in &polymorphic {
            for b in reach(h, &edges, &roots) {
                out.handler_of.entry(b).or_default().push(h);
            }
        }
        out.sites = sites;
        // Entry tasks: for each body with channel or permit traffic that no spawned task
        // runs, the outermost callers it is reached from (functions nothing calls).
        let mut callers: HashMap<BodyId, Vec<BodyId>> = HashMap::default();
        for (from, tos) in &edges {
            for to in tos {
                callers.entry(*to).or_default().push(*from);
            }
        }
        let mut entry_of: HashMap<BodyId, TaskIdx> = HashMap::default();
        for b in relevant_bodies(ix, flow) {
            if reached.contains(&b) {
                continue;
            }
            let tops = entry_roots(ix, b, &callers);
            if tops.len() > 1 {
                // Reached from several entry points: which one runs it is not known, and
                // none is picked.
                out.merged.insert(b);
            }
            for top in tops {
                let t = *entry_of.entry(top).or_insert_with(|| {
                    out.tasks.push(Task {
                        name: ix.body_name(top),
                        root: top,
                        spawn: None,
                        replicated: false,
                        thread: false,
                        callback: false,
                    });
                    out.tasks.len() as TaskIdx - 1
                });
                out.owners.entry(b).or_default().push(t);
            }
        }
        out.spawn_roots = out
            .tasks
            .iter()
            .filter(|t| t.spawn.is_some())
            .map(|t| t.root)
            .collect();
        out
    }

    /// True when what `body` does on `task` is only possible: the task is a callback, or
    /// the body is reached from several entry points that the analysis does not tell apart.
    pub fn uncertain(&self, body: Option<BodyId>, task: TaskIdx) -> bool {
        self.tasks[task as usize].callback || body.is_some_and(|b| self.merged.contains(&b))
    }

    /// True when `body` may run many times over: in a loop, or called or started from one
    /// at any depth.
    pub fn runs_repeatedly(&self, ix: &Index<'_>, body: BodyId) -> bool {
        in_loop_context(ix, body, &self.per_iteration)
    }

    /// True when `body` is the body a spawn starts.
    pub fn is_spawn_root(&self, body: BodyId) -> bool {
        self.spawn_roots.contains(&body)
    }

    /// The tasks that may run `body`.
    pub fn owners_of(&self, body: Option<BodyId>) -> &[TaskIdx] {
        body.and_then(|b| self.owners.get(&b))
            .map_or(&[], |v| v.as_slice())
    }
}

/// Bodies that create channels or semaphores, or send, receive or acquire on followed
/// handles: the only bodies whose task matters.
fn relevant_bodies(ix: &Index<'_>, flow: &Flow) -> Vec<BodyId> {
    let mut out = HashSet::default();
    for (f, ff) in ix.files() {
        let file = FileId(f as u32);
        for (i, call) in ff.calls.iter().enumerate() {
            if matches!(
                ix.call_targets[f][i],
                CallTarget::Api(Api::ChannelCtor { .. } | Api::SemaphoreCtor { .. })
            ) {
                out.extend(call.body);
            }
        }
        for mc in &ff.method_calls {
            // `clone`-like methods neither send nor receive (and a chain of them would be
            // evaluated once per link).
            let interesting = catalog::channel_method(&mc.method)
                .is_some_and(|k| k != catalog::ChannelMethod::Same)
                || catalog::is_acquire_method(&mc.method);
            if interesting && !flow.eval(ix, file, mc.receiver).is_empty() {
                out.extend(mc.body);
            }
        }
        for l in &ff.fors {
            if !crate::flow::receivers(&flow.eval(ix, file, l.iter)).is_empty() {
                out.extend(l.body);
            }
        }
    }
    let mut v: Vec<BodyId> = out.into_iter().collect();
    v.sort();
    v
}

/// The bodies with no caller or parent that `body` is reached from (its entry points).
fn entry_roots(
    ix: &Index<'_>,
    body: BodyId,
    callers: &HashMap<BodyId, Vec<BodyId>>,
) -> Vec<BodyId> {
    let mut seen = [body].into_iter().collect::<HashSet<_>>();
    let mut stack = vec![body];
    let mut tops = Vec::new();
    while let Some(b) = stack.pop() {
        match callers.get(&b) {
            Some(cs) if !cs.is_empty() => {
                for &c in cs {
                    if seen.insert(c) {
                        stack.push(c);
                    }
                }
            }
            _ => tops.push(b),
        }
    }
    if tops.is_empty() {
        // Only reached through recursion: its own function is the entry.
        tops.extend(ix.enclosing_fn(body).or(Some(body)));
    }
    tops.sort();
    tops
}

/// Edges from a body to what it runs in the same task: nested closures and async blocks,
/// and the local functions and methods it calls.
fn body_edges(
    ix: &Index<'_>,
    flow: &Flow,
    relocated: Vec<(BodyId, Vec<BodyId>)>,
) -> (HashMap<BodyId, Vec<BodyId>>, Vec<BodyId>) {
    let mut edges: HashMap<BodyId, Vec<BodyId>> = HashMap::default();
    let mut polymorphic: Vec<BodyId> = Vec::new();
    // A future bound to a local and taken by another closure or async block runs there.
    let relocated: HashMap<BodyId, Vec<BodyId>> = relocated.into_iter().collect();
    for (b, takers) in &relocated {
        for t in takers {
            edges.entry(*t).or_default().push(*b);
        }
    }
    for (f, ff) in ix.files() {
        let file = FileId(f as u32);
        for (i, b) in ff.bodies.iter().enumerate() {
            let id = BodyId {
                file,
                idx: i as u32,
            };
            if let (Some(p), false) = (b.parent, relocated.contains_key(&id)) {
                edges.entry(p).or_default().push(id);
            }
        }
        for (i, call) in ff.calls.iter().enumerate() {
            if let (CallTarget::LocalFn(t), Some(b)) = (&ix.call_targets[f][i], call.body) {
                edges.entry(b).or_default().push(*t);
            }
            // `Waker::from(task)`: the body that makes the waker polls with it, and a future
            // that wakes itself while polled runs the type's `wake` right there.
            let (Some(b), Some(path)) = (call.body, ix.call_paths[f][i].as_deref()) else {
                continue;
            };
            let methods = catalog::waker_methods(path);
            if methods.is_empty() {
                continue;
            }
            for a in &call.args {
                for v in flow.eval(ix, file, *a).keys() {
                    let crate::flow::Val::Struct(ty) = v else {
                        continue;
                    };
                    for m in methods {
                        let key = (ty.clone(), m.to_string());
                        edges
                            .entry(b)
                            .or_default()
                            .extend(ix.methods_of.get(&key).into_iter().flatten());
                    }
                }
            }
        }
        for mc in &ff.method_calls {
            let Some(b) = mc.body else { continue };
            // Only a crate's own method can dispatch to a crate body.
            if !ix.methods.contains_key(&mc.method) {
                continue;
            }
            let recv = flow.eval(ix, file, mc.receiver);
            let targets = flow.method_targets(ix, file, mc.body, mc.receiver, &mc.method, &recv);
            if targets.len() > 1 {
                polymorphic.extend(&targets);
            }
            for t in targets {
                edges.entry(b).or_default().push(t);
            }
        }
    }
    polymorphic.sort();
    polymorphic.dedup();
    (edges, polymorphic)
}

/// Bodies reachable from `root` without entering another task's root.
fn reach(
    root: BodyId,
    edges: &HashMap<BodyId, Vec<BodyId>>,
    roots: &HashSet<BodyId>,
) -> Vec<BodyId> {
    let mut seen = [root].into_iter().collect::<HashSet<_>>();
    let mut stack = vec![root];
    while let Some(b) = stack.pop() {
        for &n in edges.get(&b).into_iter().flatten() {
            if !roots.contains(&n) && seen.insert(n) {
                stack.push(n);
            }
        }
    }
    let mut v: Vec<BodyId> = seen.into_iter().collect();
    v.sort();
    v
}

/// Local functions called from inside a loop somewhere.
fn called_in_loop(ix: &Index<'_>, flow: &Flow) -> HashSet<BodyId> {
    let mut in_loop = HashSet::default();
    for (f, ff) in ix.files() {
        let file = FileId(f as u32);
        for (i, call) in ff.calls.iter().enumerate() {
            if let (CallTarget::LocalFn(t), true) = (&ix.call_targets[f][i], call.in_loop) {
                in_loop.insert(*t);
            }
        }
        for mc in ff
            .method_calls
            .iter()
            .filter(|m| m.in_loop && ix.methods.contains_key(&m.method))
        {
            let recv = flow.eval(ix, file, mc.receiver);
            in_loop.extend(flow.method_targets(ix, file, mc.body, mc.receiver, &mc.method, &recv));
        }
    }
    in_loop
}

/// The name of a future's body for its task: the function itself, or the function an
/// async block is written in.
fn root_fn_name(ix: &Index<'_>, root: BodyId) -> Option<String> {
    ix.enclosing_fn(root).map(|f| ix.body_name(f))
}

/// Bodies that run once per iteration of some loop, at any depth: functions called from a
/// loop, and everything they call or start.
fn runs_per_iteration(
    seeds: HashSet<BodyId>,
    edges: &HashMap<BodyId, Vec<BodyId>>,
) -> HashSet<BodyId> {
    let mut out = seeds;
    let mut stack: Vec<BodyId> = out.iter().copied().collect();
    while let Some(b) = stack.pop() {
        for &n in edges.get(&b).into_iter().flatten() {
            if out.insert(n) {
                stack.push(n);
            }
        }
    }
    out
}

/// True when `body` runs once per iteration of some loop: it is a closure or async block
/// written in a loop, or its function is called from a loop.
fn in_loop_context(ix: &Index<'_>, mut body: BodyId, called_in_loop: &HashSet<BodyId>) -> bool {
    for _ in 0..10_000 {
        let b = ix.body(body);
        if b.in_loop || called_in_loop.contains(&body) {
            return true;
        }
        match (&b.kind, b.parent) {
            (BodyKind::Closure | BodyKind::AsyncBlock, Some(p)) => body = p,
            _ => return false,
        }
    }
    false
}
