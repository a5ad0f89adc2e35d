//! The model: resolved facts of the whole run, and the message graph. Lints read this,
//! never syntax.
//!
//! Every call is resolved once (`index`); handles are followed to a fixed point (`flow`);
//! spawns give tasks (`tasks`); then every send and receive becomes an edge between a task
//! and a channel.

use crate::catalog::{self, Api, ChannelKind, ChannelLib, ChannelMethod};
use crate::facts::{ExprFact, FileFacts};
use crate::flow::{receivers, ChanIdx, Flow, Val, Vals};
use crate::index::{CallTarget, Index};
use crate::load::Loaded;
use crate::naming::{binding_names, capacity_of, instance_channel, unnamed};
use crate::resolve::Resolver;
use crate::source::{FileId, FileRange};
use crate::summaries::{callers_of, lift_to_callers, rooted_at_self};
use crate::tasks::{Task, TaskIdx, Tasks};
use crate::CrateInput;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};

/// A channel's capacity as far as the source says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Capacity {
    /// A literal, or a named constant with a literal value.
    Known {
        value: u64,
        name: Option<String>,
    },
    /// An expression the analysis does not evaluate.
    Unknown,
    Unbounded,
}

impl Capacity {
    /// Short text: `8`, `CAP = 8`, `?`, `unbounded`.
    pub fn describe(&self) -> String {
        match self {
            Capacity::Known { value, name: None } => value.to_string(),
            Capacity::Known {
                value,
                name: Some(n),
            } => format!("{n} = {value}"),
            Capacity::Unknown => "unknown".into(),
            Capacity::Unbounded => "unbounded".into(),
        }
    }
}

/// A place where a channel is created.
#[derive(Clone, Debug)]
pub struct Channel {
    /// The names its handles are bound to (`req` for `let (req_tx, req_rx) = ..`).
    pub name: String,
    pub lib: ChannelLib,
    pub kind: ChannelKind,
    pub capacity: Capacity,
    /// The constructor call.
    pub range: FileRange,
    /// The canonical path of the constructor, e.g. `tokio::sync::mpsc::unbounded_channel`.
    pub api_path: String,
    /// Seen inside a macro invocation (parsed on a best-effort basis).
    pub in_macro: bool,
    /// Made by a call of a crate-local function that creates and returns it: the layer,
    /// e.g. `` `unbounded()` (wraps `tokio::sync::mpsc::unbounded_channel`) ``, and the
    /// channel inside that function it is an instance of.
    pub via: Option<(String, ChanIdx)>,
}

impl Channel {
    /// True when a full queue makes a waiting sender wait (a bounded mpsc-style queue).
    pub fn is_bounded(&self) -> bool {
        matches!(self.kind, ChannelKind::Bounded { .. })
    }
}

/// A select macro branch: (file, select index, branch index).
pub type SelectRef = (FileId, u32, u32);

/// A task sends on a channel.
#[derive(Clone, Debug)]
pub struct SendEdge {
    pub task: TaskIdx,
    pub chan: ChanIdx,
    pub range: FileRange,
    /// The sender waits while the queue is full (`send(..).await`, `reserve().await`,
    /// `blocking_send`, a sync `send` on a bounded channel); `try_send` does not.
    pub waits: bool,
    /// The method called (`send`, `try_send`, `reserve`, ...).
    pub method: String,
    pub select: Option<SelectRef>,
    /// Every step from creation to this send was followed.
    pub certain: bool,
    /// The message sent here carries a semaphore permit (a tuple element or a field of the
    /// value built for this send).
    pub carries_permit: bool,
    /// The senders of other channels the message carries (a request's reply sender).
    pub carries_txs: Vec<ChanIdx>,
    /// The body the send is written in.
    pub body: Option<crate::facts::BodyId>,
}

/// A task receives from a channel.
#[derive(Clone, Debug)]
pub struct RecvEdge {
    pub chan: ChanIdx,
    pub task: TaskIdx,
    pub range: FileRange,
    /// Read with priority over another source (an earlier branch of a biased select, the
    /// preferred stream of `select_with_strategy`).
    pub prioritized: bool,
    pub select: Option<SelectRef>,
    pub certain: bool,
    /// Inside a loop of its body (a receive loop), or a `for` over the receiver.
    pub in_loop: bool,
    /// The body the receive is written in.
    pub body: Option<crate::facts::BodyId>,
}

/// A task waits for a reply: it awaits a future held in a value that is a channel's
/// receiver (`answer.await` on a oneshot receiver), completed by whoever sends on it.
#[derive(Clone, Debug)]
pub struct ReplyWait {
    pub task: TaskIdx,
    pub chan: ChanIdx,
    pub range: FileRange,
    /// Awaited in a `select!` branch: another branch (a timer, a receive) can still fire.
    pub in_select: bool,
    pub certain: bool,
    /// The body the await is written in.
    pub body: Option<crate::facts::BodyId>,
    /// Written in a helper called from several places: its reply channel stands for the
    /// replies to every call, so who answers this call is read from the request the same
    /// call sends.
    pub shared: bool,
    /// A framework's ask (`actor_ref.ask(msg).await`): `chan` is the mailbox the request
    /// goes to, and whoever takes from it answers.
    pub ask: bool,
}

/// A semaphore creation.
#[derive(Clone, Debug)]
pub struct Semaphore {
    /// The name it is bound to (`let limit = Semaphore::new(..)`).
    pub name: String,
    pub permits: Capacity,
    pub range: FileRange,
    /// Freed permits go to the first waiter in line, polled or not (tokio's).
    pub handoff: bool,
}

/// An async lock that hands a freed lock to the first waiter in line (tokio's `Mutex`,
/// `RwLock`): a constructor call, or a declaration of that type.
#[derive(Clone, Debug)]
pub struct Lock {
    /// The name it is bound to, or the declaration (`Shared.state`).
    pub name: String,
    pub kind: catalog::LockKind,
    pub range: FileRange,
}

/// A permit acquisition (`acquire`, `acquire_owned`, `try_acquire`, ...).
#[derive(Clone, Debug)]
pub struct Acquire {
    /// The tasks that may run it.
    pub tasks: Vec<TaskIdx>,
    pub file: FileId,
    pub body: Option<crate::facts::BodyId>,
    pub loop_id: Option<u32>,
    /// The method name through the closing parenthesis.
    pub range: FileRange,
    /// The semaphores it may take from (empty when the semaphore was not followed).
    pub sems: Vec<u32>,
    /// The local the permit is bound to (`let permit = sem.acquire_owned().await?`).
    pub bound_to: Option<String>,
    /// `let _ = ..` or `acquire().await;` as a statement: the permit is dropped at once.
    pub dropped_at_once: bool,
    /// The method called (`acquire_owned`, `acquire_many`, ...).
    pub method: String,
    /// The permit is `forget()`-ten: its count is returned by hand (`add_permits`), so it
    /// is held until then, wherever that is.
    pub forgotten: bool,
}

impl Acquire {
    /// True when the receiver was followed to a semaphore: only then is this a permit.
    /// A method named `acquire` on a value of unknown type may be anything (a rate
    /// limiter, a lock, a pool).
    pub fn is_permit(&self) -> bool {
        !self.sems.is_empty()
    }

    /// `acquire_many(n)` dropped at once is a barrier (wait until `n` permits are free,
    /// e.g. every in-flight one), not a guard.
    pub fn is_barrier(&self) -> bool {
        self.dropped_at_once && self.method.contains("_many")
    }
}

/// Resolved facts of one run: channels, tasks and the message graph's edges.
#[derive(Debug, Default)]
pub struct Model {
    pub channels: Vec<Channel>,
    pub tasks: Vec<Task>,
    pub sends: Vec<SendEdge>,
    pub recvs: Vec<RecvEdge>,
    pub reply_waits: Vec<ReplyWait>,
    pub acquires: Vec<Acquire>,
    pub semaphores: Vec<Semaphore>,
    pub locks: Vec<Lock>,
    /// Futures waiting in a resource's line, left unpolled by a `select!` while their task
    /// waits for the same resource (BP011).
    pub futurelocks: Vec<crate::dormant::Futurelock>,
    pub spawns: Vec<crate::tasks::SpawnSite>,
    /// For each channel, the tasks that may run the body that created it.
    pub chan_creators: Vec<Vec<TaskIdx>>,
    /// For each channel: unbounded, but it cannot grow (its receiver is dropped where it is
    /// made, or each sender sends at most once; see `growth.rs`).
    pub cannot_grow: Vec<Option<crate::growth::NoGrowth>>,
    /// For each channel: bounded, but with a known capacity above the crate's configured
    /// `unbounded-above` (that limit): BP001 reports it as effectively unbounded.
    pub over_limit: Vec<Option<u64>>,
    /// For each channel, the semaphores whose permits its messages carry (a permit in the
    /// message, or in a field or tuple element of it): the channel is admission-controlled.
    pub carried_permits: Vec<Vec<u32>>,
    /// Cycles of waiting sends on bounded channels, each with its breaker if any.
    pub cycles: Vec<crate::graph::CycleVerdict>,
    /// Cycles of waits between tasks with at least one awaited reply.
    pub ask_cycles: Vec<crate::waits::AskCycle>,
    /// For a body run by a task through a method call that dispatches to several impls
    /// (`actor.handle(msg)` on a generic actor): the impls it is reached from. Each is a
    /// different actor sharing one generic run loop.
    pub handler_of: HashMap<crate::facts::BodyId, Vec<crate::facts::BodyId>>,
    /// What the user declared with bpcheck's macros, bound to channels and tasks.
    pub declarations: crate::annotations::Declarations,
}

impl Model {
    /// Resolves every fact of `loaded` and builds the message graph.
    /// Builds the model of every crate, crates in parallel (they share nothing: calls into
    /// other crates are not followed), and merges them.
    pub fn build(loaded: &Loaded, crates: &[CrateInput]) -> Model {
        Model::merge(Model::build_parts(loaded, crates, 0))
    }

    /// The models of the crates whose files are `first_file..` of `loaded` (one batch),
    /// crates in parallel, in crate order; [`Model::merge`] joins them.
    pub(crate) fn build_parts(
        loaded: &Loaded,
        crates: &[CrateInput],
        first_file: usize,
    ) -> Vec<Model> {
        let mut groups: Vec<Vec<usize>> = vec![Vec::new(); crates.len().max(1)];
        for (f, &c) in loaded.file_crate.iter().enumerate().skip(first_file) {
            if let Some(g) = groups.get_mut(c) {
                g.push(f);
            }
        }
        groups
            .par_iter()
            .filter(|g| !g.is_empty())
            .map(|files| Model::build_crate(loaded, crates, files))
            .collect()
    }

    /// Appends models, shifting every index of each into the merged vectors.
    pub(crate) fn merge(parts: Vec<Model>) -> Model {
        let mut m = Model::default();
        for p in parts {
            let (c0, t0, m0) = (
                m.channels.len() as u32,
                m.tasks.len() as u32,
                m.semaphores.len() as u32,
            );
            let l0 = m.locks.len() as u32;
            m.locks.extend(p.locks);
            m.futurelocks.extend(p.futurelocks.into_iter().map(|mut f| {
                f.resource = match f.resource {
                    crate::dormant::Resource::Lock(l) => crate::dormant::Resource::Lock(l + l0),
                    crate::dormant::Resource::Sem(s) => crate::dormant::Resource::Sem(s + m0),
                    crate::dormant::Resource::Chan(c) => crate::dormant::Resource::Chan(c + c0),
                };
                f
            }));
            let (s0, r0, a0) = (m.sends.len(), m.recvs.len(), m.acquires.len());
            let p_reply_waits = p.reply_waits.len();
            m.reply_waits.extend(p.reply_waits.into_iter().map(|mut w| {
                w.task += t0;
                w.chan += c0;
                w
            }));
            m.channels.extend(p.channels.into_iter().map(|mut c| {
                if let Some((_, of)) = &mut c.via {
                    *of += c0;
                }
                c
            }));
            m.tasks.extend(p.tasks);
            m.semaphores.extend(p.semaphores);
            m.sends.extend(p.sends.into_iter().map(|mut s| {
                s.task += t0;
                s.chan += c0;
                s.carries_txs.iter_mut().for_each(|c| *c += c0);
                s
            }));
            m.recvs.extend(p.recvs.into_iter().map(|mut r| {
                r.task += t0;
                r.chan += c0;
                r
            }));
            m.acquires.extend(p.acquires.into_iter().map(|mut a| {
                a.tasks.iter_mut().for_each(|t| *t += t0);
                a.sems.iter_mut().for_each(|s| *s += m0);
                a
            }));
            m.spawns.extend(p.spawns.into_iter().map(|mut s| {
                s.tasks.iter_mut().for_each(|t| *t += t0);
                s.loop_permits.iter_mut().for_each(|a| *a += a0);
                if let Some(crate::tasks::SpawnBound::Permit(a)) = &mut s.bound {
                    *a += a0;
                }
                s
            }));
            m.carried_permits.extend(
                p.carried_permits
                    .into_iter()
                    .map(|ss| ss.into_iter().map(|x| x + m0).collect()),
            );
            m.cannot_grow.extend(p.cannot_grow);
            m.over_limit.extend(p.over_limit);
            m.declarations.extend(p.declarations.shifted(c0, t0));
            m.handler_of.extend(p.handler_of);
            m.chan_creators.extend(
                p.chan_creators
                    .into_iter()
                    .map(|ts| ts.into_iter().map(|t| t + t0).collect()),
            );
            let w0 = m.reply_waits.len() - p_reply_waits;
            m.ask_cycles.extend(p.ask_cycles.into_iter().map(|mut c| {
                for st in &mut c.steps {
                    st.task += t0;
                    st.next += t0;
                    match &mut st.wait {
                        crate::waits::Wait::Reply(w) => *w += w0,
                        crate::waits::Wait::Send(s) => *s += s0,
                        crate::waits::Wait::Runs => {}
                    }
                }
                c
            }));
            m.cycles.extend(p.cycles.into_iter().map(|mut v| {
                for st in &mut v.cycle.steps {
                    st.task += t0;
                    st.chan += c0;
                    st.send += s0;
                    st.recv += r0;
                }
                match &mut v.broken_at {
                    Some((_, crate::graph::Breaker::Priority { recv })) => *recv += r0,
                    Some((_, crate::graph::Breaker::SendInSelect { send, recv })) => {
                        *send += s0;
                        *recv += r0;
                    }
                    None => {}
                }
                v
            }));
        }
        m
    }

    /// The model of one crate (its files).
    fn build_crate(loaded: &Loaded, crates: &[CrateInput], files: &[usize]) -> Model {
        let renames = crates.iter().map(|c| &c.extern_renames).collect();
        let resolver = Resolver::new(&loaded.facts, &loaded.file_crate, renames);
        let settings = files
            .first()
            .and_then(|&f| crates.get(loaded.file_crate[f]))
            .map(|c| c.settings.clone())
            .unwrap_or_default();
        let mut ix = Index::build(
            &loaded.facts,
            &loaded.file_crate,
            files,
            resolver,
            &settings.apis,
        );
        crate::annotations::drop_foreign_channels(&mut ix);
        let mut model = Model::default();
        let mut chan_of_call = HashMap::new();
        let mut sem_of_call = HashMap::new();
        let mut chan_body = Vec::new();
        let mut ctor_calls = Vec::new();
        for (f, ff) in ix.files() {
            let file = FileId(f as u32);
            let names = binding_names(&ix, file);
            for (i, call) in ff.calls.iter().enumerate() {
                if let CallTarget::Api(Api::SemaphoreCtor { permits_arg }) = ix.call_targets[f][i] {
                    sem_of_call.insert((file, i as u32), model.semaphores.len() as u32);
                    model.semaphores.push(Semaphore {
                        name: names
                            .get(&(i as u32))
                            .cloned()
                            .unwrap_or_else(|| unnamed(&ix, call.body, "semaphore")),
                        permits: capacity_of(&ix.resolver, ff, call.args.get(permits_arg).copied()),
                        range: call.range,
                        handoff: ix.call_paths[f][i]
                            .as_deref()
                            .is_some_and(|p| p.starts_with("tokio::sync::Semaphore::")),
                    });
                }
                let CallTarget::Api(Api::ChannelCtor { lib, kind }) = ix.call_targets[f][i] else {
                    continue;
                };
                let capacity = match kind {
                    ChannelKind::Unbounded => Capacity::Unbounded,
                    ChannelKind::Bounded { cap_arg, .. } | ChannelKind::Broadcast { cap_arg } => {
                        // Without arguments (`Channel::new()` of a `static`), the capacity is
                        // the same position of the declared type's generic arguments.
                        let arg = call.args.get(cap_arg).copied().or_else(|| {
                            call.body
                                .and_then(|b| ix.body(b).type_args.get(cap_arg).copied())
                        });
                        capacity_of(&ix.resolver, ff, arg)
                    }
                    ChannelKind::Oneshot | ChannelKind::Watch => Capacity::Known {
                        value: 1,
                        name: None,
                    },
                };
                chan_of_call.insert((file, i as u32), model.channels.len() as ChanIdx);
                chan_body.push(call.body);
                model.channels.push(Channel {
                    name: names
                        .get(&(i as u32))
                        .cloned()
                        .unwrap_or_else(|| unnamed(&ix, call.body, "channel")),
                    lib,
                    kind,
                    capacity,
                    range: call.range,
                    api_path: ix.call_paths[f][i].clone().unwrap_or_default(),
                    in_macro: call.in_macro,
                    via: None,
                });
                ctor_calls.push((file, i as u32));
            }
        }
        // Actors of known frameworks: a mailbox each, after the constructors' channels.
        let actors = crate::actors::find(&ix);
        let mut mailboxes: HashMap<String, ChanIdx> = HashMap::new();
        for a in &actors {
            mailboxes.insert(a.ty.clone(), model.channels.len() as ChanIdx);
            chan_body.push(None);
            let bounded = ChannelKind::Bounded {
                cap_arg: 0,
                zero_panics: false,
            };
            let (kind, capacity) = match a.framework.default_mailbox {
                catalog::Mailbox::Bounded(n) => (
                    bounded,
                    Capacity::Known {
                        value: n,
                        name: None,
                    },
                ),
                catalog::Mailbox::BoundedUnknown => (bounded, Capacity::Unknown),
                catalog::Mailbox::Unbounded => (ChannelKind::Unbounded, Capacity::Unbounded),
            };
            model.channels.push(Channel {
                name: format!("{} mailbox", a.name),
                lib: ChannelLib::Tokio,
                kind,
                capacity,
                range: a.range,
                api_path: format!("{} mailbox", a.framework.name),
                in_macro: false,
                via: None,
            });
        }
        mailbox_capacities(&ix, &actors, &mailboxes, &mut model.channels);
        let mut declared =
            crate::declared::Declared::find(&ix, &mut model.semaphores, &actors, &mailboxes);
        let lock_of_call = crate::dormant::find_locks(&ix, &mut model.locks, &mut declared);
        let flow = Flow::compute(
            &ix,
            chan_of_call,
            sem_of_call,
            declared,
            (model.channels.len(), &actors, &mailboxes),
            lock_of_call,
        );
        let mut names_of: HashMap<FileId, HashMap<u32, String>> = HashMap::new();
        for inst in flow.instances.borrow().iter() {
            let names = names_of
                .entry(inst.file)
                .or_insert_with(|| binding_names(&ix, inst.file));
            let ch = instance_channel(&ix, &model.channels, &ctor_calls, inst, names);
            model.channels.push(ch);
            chan_body.push(ix.facts[inst.file.0 as usize].calls[inst.call as usize].body);
        }
        let tasks = Tasks::compute(&ix, &flow, &actors);
        model.chan_creators = chan_body
            .iter()
            .map(|b| tasks.owners_of(*b).to_vec())
            .collect();
        model.carried_permits = crate::permits::carried_permits(&flow, model.channels.len());
        let asks: Asks = actors
            .iter()
            .filter(|a| !a.framework.asks.is_empty())
            .map(|a| (mailboxes[&a.ty], a.framework.asks))
            .collect();
        model.edges(&ix, &flow, &tasks, &asks);
        // Each actor's task takes the messages of its mailbox, one at a time.
        for (a, &t) in actors.iter().zip(&tasks.actor_tasks) {
            self_recv(&mut model, t, mailboxes[&a.ty], a);
        }
        model.acquires = crate::permits::acquires(&ix, &flow, &tasks);
        model.spawns = tasks.sites.clone();
        crate::spawn_bounds::classify_spawns(
            &ix,
            &flow,
            &mut model.spawns,
            &model.acquires,
            &model.channels,
        );
        model.cannot_grow = crate::growth::cannot_grow(
            &ix,
            &flow,
            &tasks,
            &model.spawns,
            &model.channels,
            &model.chan_creators,
            &ctor_calls,
        );
        model.over_limit = model
            .channels
            .iter()
            .map(|c| match (&c.kind, &c.capacity, settings.unbounded_above) {
                (ChannelKind::Bounded { .. }, Capacity::Known { value, .. }, Some(limit))
                    if *value > limit =>
                {
                    Some(limit)
                }
                _ => None,
            })
            .collect();
        let mut handler_of = tasks.handler_of.clone();
        model.declarations = crate::annotations::bind(&ix, &tasks, &actors, &model.channels);
        model.tasks = tasks.tasks;
        crate::annotations::rename(&model.declarations, &mut model.tasks, &mut model.channels);
        model.handler_of = std::mem::take(&mut handler_of);
        model.futurelocks = crate::dormant::futurelocks(&ix, &flow, &model);
        model.cycles = crate::graph::blocking_cycles(&model);
        model.ask_cycles = crate::waits::ask_cycles(&model);
        model
    }

    fn edges(&mut self, ix: &Index<'_>, flow: &Flow, tasks: &Tasks, asks: &Asks) {
        self.edges_unchecked(ix, flow, tasks, asks);
        // A channel made per call after the fixed point stopped early has no node.
        let n = self.channels.len() as ChanIdx;
        self.sends.retain(|s| s.chan < n);
        self.recvs.retain(|r| r.chan < n);
        self.reply_waits.retain(|w| w.chan < n);
    }

    fn edges_unchecked(&mut self, ix: &Index<'_>, flow: &Flow, tasks: &Tasks, asks: &Asks) {
        let callers = callers_of(ix, flow);
        for (f, ff) in ix.files() {
            let file = FileId(f as u32);
            let recv_selects = recv_branches(ff);
            for mc in &ff.method_calls {
                let owners = tasks.owners_of(mc.body);
                if owners.is_empty() {
                    continue;
                }
                // `clone`, `lock` and the like neither send nor receive: nothing to evaluate
                // (a chain of them would be evaluated once per link).
                let Some(kind) =
                    catalog::channel_method(&mc.method).filter(|k| *k != ChannelMethod::Same)
                else {
                    continue;
                };
                let recv = flow.eval(ix, file, mc.receiver);
                // A method of the crate's own (`Addr::send`): what its body does, at this call.
                if ix.methods.contains_key(&mc.method)
                    && !flow
                        .method_targets(ix, file, mc.body, mc.receiver, &mc.method, &recv)
                        .is_empty()
                {
                    continue;
                }
                let select = mc.select.map(|s| (file, s.select, s.branch));
                match kind {
                    ChannelMethod::Send { may_wait, is_async } => {
                        let mut parts = crate::flow::Vals::new();
                        if let Some(a) = mc.args.first() {
                            crate::permits::message_parts(ix, flow, file, *a, 0, &mut parts);
                        }
                        let carries_permit = crate::permits::holds_permit(&parts);
                        let send_sites = if mc.in_loop {
                            vec![(mc.body, mc.range, None)]
                        } else {
                            lift_to_callers(ix, tasks, &callers, mc.body, mc.range, 0)
                        };
                        // Reply senders carried by this message (a request).
                        let carries_txs = crate::flow::senders(&parts);
                        let self_rooted = rooted_at_self(ix, file, mc.receiver);
                        for (site_body, site_range, site_recv) in &send_sites {
                            // In a method sending on a field of `self` (`self.tx.send(m)`), the
                            // channel is the one the receiver at the call holds, when known
                            // (an actor's address: its mailbox).
                            let at_call: Vals = match (self_rooted, site_recv) {
                                (true, Some((rf, re))) => flow
                                    .eval(ix, *rf, *re)
                                    .into_iter()
                                    .filter(|(v, _)| matches!(v, Val::Tx(_)))
                                    .collect(),
                                _ => Vals::new(),
                            };
                            let chans = if at_call.is_empty() { &recv } else { &at_call };
                            for (v, certain) in chans {
                                let Val::Tx(c) = v else { continue };
                                let Some(ch) = self.channels.get(*c as usize) else {
                                    continue;
                                };
                                let waits = may_wait
                                    && (mc.awaited
                                        || mc.select.is_some()
                                        || !is_async
                                        || (mc.method == "send"
                                            && catalog::send_is_sync(ch.lib, &ch.api_path)));
                                // A send inside a helper (`Addr::send`) is a send at each call
                                // of it, by the caller's task.
                                {
                                    let (body, range) = (*site_body, *site_range);
                                    for &t in tasks.owners_of(body) {
                                        self.sends.push(SendEdge {
                                            task: t,
                                            chan: *c,
                                            range,
                                            waits,
                                            method: mc.method.clone(),
                                            select,
                                            certain: *certain && !tasks.uncertain(body, t),
                                            carries_permit,
                                            carries_txs: carries_txs.clone(),
                                            body,
                                        });
                                        // `actor_ref.ask(msg).await`: also waits for the
                                        // reply.
                                        let asked = asks
                                            .get(c)
                                            .is_some_and(|m| m.contains(&mc.method.as_str()));
                                        if asked && mc.awaited {
                                            self.reply_waits.push(ReplyWait {
                                                task: t,
                                                chan: *c,
                                                range,
                                                in_select: select.is_some(),
                                                certain: *certain && !tasks.uncertain(body, t),
                                                body,
                                                shared: false,
                                                ask: true,
                                            });
                                        }
                                    }
                                }
                            }
                        }
                    }
                    ChannelMethod::Recv => {
                        let preferred: HashSet<ChanIdx> = recv
                            .keys()
                            .flat_map(|v| match v {
                                Val::Merged { preferred, other } if !other.is_empty() => {
                                    preferred.clone()
                                }
                                _ => Vec::new(),
                            })
                            .collect();
                        let later_branch_receives = mc.select.is_some_and(|s| {
                            let sel = &ff.selects[s.select as usize];
                            sel.biased
                                && recv_selects
                                    .iter()
                                    .any(|(si, b)| *si == s.select && *b > s.branch)
                        });
                        for (c, certain) in receivers(&recv) {
                            for &t in owners {
                                self.recvs.push(RecvEdge {
                                    chan: c,
                                    task: t,
                                    range: mc.range,
                                    prioritized: preferred.contains(&c) || later_branch_receives,
                                    select,
                                    certain: certain && !tasks.uncertain(mc.body, t),
                                    in_loop: mc.in_loop,
                                    body: mc.body,
                                });
                            }
                        }
                    }
                    ChannelMethod::Same => {}
                }
            }
            for aw in &ff.awaits {
                let chans = receivers(&flow.eval_future(ix, file, aw.value));
                if chans.is_empty() {
                    continue;
                }
                // A wait inside a helper (`Addr::ask`) is a wait at each call of it. Called
                // from several places, the helper's one reply channel stands for several:
                // who answers a call is read from the request that call sends.
                let sites = if aw.loop_id.is_some() {
                    vec![(aw.body, aw.range, None)]
                } else {
                    lift_to_callers(ix, tasks, &callers, aw.body, aw.range, 0)
                };
                let shared = sites.len() > 1;
                for (body, range, _) in sites {
                    for &t in tasks.owners_of(body) {
                        for &(c, certain) in &chans {
                            self.reply_waits.push(ReplyWait {
                                task: t,
                                chan: c,
                                range,
                                in_select: aw.select.is_some(),
                                certain: certain && !tasks.uncertain(body, t),
                                body,
                                shared,
                                ask: false,
                            });
                        }
                    }
                }
            }
            for l in &ff.fors {
                let owners = tasks.owners_of(l.body);
                let vals = flow.eval(ix, file, l.iter);
                for (v, certain) in &vals {
                    let Val::Rx(c) = v else { continue };
                    for &t in owners {
                        self.recvs.push(RecvEdge {
                            chan: *c,
                            task: t,
                            range: l.range,
                            prioritized: false,
                            select: None,
                            certain: *certain && !tasks.uncertain(l.body, t),
                            in_loop: true,
                            body: l.body,
                        });
                    }
                }
            }
        }
    }
}

/// Actor mailboxes whose framework has ask methods: mailbox -> those methods.
type Asks = HashMap<ChanIdx, &'static [&'static str]>;

/// Mailboxes chosen where an actor is started (`Pinger::spawn_with_mailbox(p,
/// mailbox::bounded(8))`): their capacity, or unbounded.
fn mailbox_capacities(
    ix: &Index<'_>,
    actors: &[crate::actors::ActorType],
    mailboxes: &HashMap<String, ChanIdx>,
    channels: &mut [Channel],
) {
    if actors.is_empty() {
        return;
    }
    for (f, ff) in ix.files() {
        let file = FileId(f as u32);
        for call in &ff.calls {
            let n = call.callee.segments.len();
            if n < 2 {
                continue;
            }
            let ty = ix.qualify(file, &call.callee.segments[n - 2]);
            let Some(a) = actors.iter().find(|a| a.ty == ty) else {
                continue;
            };
            if !a
                .framework
                .starters
                .contains(&call.callee.segments[n - 1].as_str())
            {
                continue;
            }
            for arg in &call.args {
                let ExprFact::Call(i) = ff.exprs[arg.0 as usize] else {
                    continue;
                };
                let Some(path) = ix.call_paths[f][i as usize].as_deref() else {
                    continue;
                };
                let Some((_, cap)) = a.framework.mailboxes.iter().find(|(p, _)| *p == path) else {
                    continue;
                };
                let ch = &mut channels[mailboxes[&ty] as usize];
                match cap {
                    Some(k) => {
                        let inner = &ff.calls[i as usize];
                        ch.capacity = capacity_of(&ix.resolver, ff, inner.args.get(*k).copied());
                    }
                    None => {
                        ch.kind = ChannelKind::Unbounded;
                        ch.capacity = Capacity::Unbounded;
                    }
                }
            }
        }
    }
}

/// The receive of an actor's task from its own mailbox (its framework's run loop).
fn self_recv(model: &mut Model, task: TaskIdx, mailbox: ChanIdx, a: &crate::actors::ActorType) {
    model.recvs.push(RecvEdge {
        chan: mailbox,
        task,
        range: a.range,
        prioritized: false,
        select: None,
        certain: true,
        in_loop: true,
        body: a.handlers.first().copied(),
    });
}

/// (select, branch) pairs whose future receives from a channel.
/// Any receive counts, also from a source the analysis did not follow (a parameter): what
/// matters for priority is that an earlier branch is polled before other input.
fn recv_branches(ff: &FileFacts) -> Vec<(u32, u32)> {
    ff.method_calls
        .iter()
        .filter(|mc| catalog::channel_method(&mc.method) == Some(ChannelMethod::Recv))
        .filter_map(|mc| mc.select.map(|s| (s.select, s.branch)))
        .collect()
}
