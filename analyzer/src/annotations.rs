//! What the user declared with bpcheck's macros and attributes, bound to the model: named
//! channels (`channel!`) to the channels they make, actors and gateways (`#[actor]`) to the
//! tasks that run their code, topologies, allowances, and declarations that do not parse.
//!
//! A declaration counts only where its path resolves to bpcheck's own macro (`bpcheck::x`,
//! or `x` imported from it): another crate's `channel!` is not ours.

use crate::facts::{BodyId, DeclKind, PathRef, RoleTarget, TopologyFact};
use crate::flow::ChanIdx;
use crate::index::{CallTarget, Index};
use crate::model::Channel;
use crate::resolve::Res;
use crate::source::{FileId, FileRange};
use crate::suppress::{Allowance, Covers};
use crate::tasks::{TaskIdx, Tasks};
use rustc_hash::FxHashMap as HashMap;

/// A channel made by `channel!(name, capacity)`.
#[derive(Clone, Debug)]
pub struct DeclaredChannel {
    pub name: String,
    /// `None`: unbounded.
    pub capacity: Option<u64>,
    /// The macro call.
    pub range: FileRange,
    /// The channels it makes (one per call of a helper it is written in).
    pub chans: Vec<ChanIdx>,
}

/// An item marked `#[actor]` or `#[gateway]`.
#[derive(Clone, Debug)]
pub struct DeclaredActor {
    pub name: String,
    pub gateway: bool,
    /// `mailbox = ..`: `Some(None)` is unbounded.
    pub mailbox: Option<Option<u64>>,
    /// The attribute.
    pub range: FileRange,
    /// The tasks that run its code.
    pub tasks: Vec<TaskIdx>,
}

/// Every declaration of one run.
#[derive(Clone, Debug, Default)]
pub struct Declarations {
    pub channels: Vec<DeclaredChannel>,
    pub actors: Vec<DeclaredActor>,
    pub topologies: Vec<TopologyFact>,
    pub allows: Vec<Allowance>,
    /// Declarations the grammar rejects: (offending token, message).
    pub invalid: Vec<(FileRange, String)>,
}

impl Declarations {
    /// The declared actors named `name`.
    pub fn actor(&self, name: &str) -> Option<&DeclaredActor> {
        self.actors.iter().find(|a| a.name == name)
    }

    /// The `channel!` declarations named `name`.
    pub fn channels_named<'a>(
        &'a self,
        name: &'a str,
    ) -> impl Iterator<Item = &'a DeclaredChannel> {
        self.channels.iter().filter(move |c| c.name == name)
    }

    /// Shifts channel and task indices when crates' models are merged.
    pub fn shifted(mut self, c0: ChanIdx, t0: TaskIdx) -> Self {
        for c in &mut self.channels {
            c.chans.iter_mut().for_each(|x| *x += c0);
        }
        for a in &mut self.actors {
            a.tasks.iter_mut().for_each(|x| *x += t0);
        }
        self
    }

    /// Appends another crate's declarations (already shifted).
    pub fn extend(&mut self, other: Declarations) {
        self.channels.extend(other.channels);
        self.actors.extend(other.actors);
        self.topologies.extend(other.topologies);
        self.allows.extend(other.allows);
        self.invalid.extend(other.invalid);
    }
}

/// True when `path` (a macro or attribute path) resolves to bpcheck's `name`.
fn is_ours(ix: &Index<'_>, path: &PathRef, name: &str) -> bool {
    match ix.resolver.resolve_macro(path) {
        Res::Extern(p) => bpcheck_decl::is_macro_path(&p, name),
        _ => false,
    }
}

/// Unresolves the constructor calls of `channel!` macros that are not bpcheck's.
pub(crate) fn drop_foreign_channels(ix: &mut Index<'_>) {
    let mut foreign = Vec::new();
    for (f, ff) in ix.files() {
        for d in &ff.decls {
            if let DeclKind::Channel { call, .. } = d.kind {
                if !is_ours(ix, &d.path, "channel") {
                    foreign.push((f, call as usize));
                }
            }
        }
    }
    for (f, call) in foreign {
        ix.call_targets[f][call] = CallTarget::Unknown;
    }
}

/// Reads the declarations of the covered files and binds them to channels and tasks.
pub(crate) fn bind(
    ix: &Index<'_>,
    tasks: &Tasks,
    actor_types: &[crate::actors::ActorType],
    channels: &[Channel],
) -> Declarations {
    let mut out = Declarations::default();
    // Channels by the range of their constructor call, and instances by the channel they
    // are of: one lookup per declaration, not a scan of every channel.
    let mut by_range: HashMap<FileRange, Vec<ChanIdx>> = HashMap::default();
    let mut instances: HashMap<ChanIdx, Vec<ChanIdx>> = HashMap::default();
    for (c, ch) in channels.iter().enumerate() {
        by_range.entry(ch.range).or_default().push(c as ChanIdx);
        if let Some((_, of)) = &ch.via {
            instances.entry(*of).or_default().push(c as ChanIdx);
        }
    }
    // An actor type's methods, by qualified type.
    let mut methods_of_type: HashMap<&str, Vec<BodyId>> = HashMap::default();
    for ((t, _), bs) in &ix.methods_of {
        methods_of_type
            .entry(t.as_str())
            .or_default()
            .extend(bs.iter().copied());
    }
    // The tasks each root body starts.
    let mut started_by: HashMap<BodyId, Vec<TaskIdx>> = HashMap::default();
    for (t, task) in tasks.tasks.iter().enumerate() {
        started_by.entry(task.root).or_default().push(t as TaskIdx);
    }
    let lookups = Lookups {
        methods_of_type,
        started_by,
    };
    for (f, ff) in ix.files() {
        let file = FileId(f as u32);
        for d in &ff.decls {
            let word = match &d.kind {
                DeclKind::Channel { .. } => "channel",
                DeclKind::Role { gateway: true, .. } => "gateway",
                DeclKind::Role { .. } => "actor",
                DeclKind::Topology(_) => "topology",
                DeclKind::Allow { .. } => "allow",
                DeclKind::Invalid { .. } => d.path.segments.last().map_or("", |s| s.as_str()),
            };
            if !is_ours(ix, &d.path, word) {
                continue;
            }
            match &d.kind {
                DeclKind::Channel { name, capacity, .. } => {
                    let made = by_range.get(&d.range).map_or(&[][..], |v| v);
                    let mut chans: Vec<ChanIdx> = made.to_vec();
                    for c in made {
                        chans.extend(instances.get(c).into_iter().flatten());
                    }
                    chans.sort_unstable();
                    chans.dedup();
                    out.channels.push(DeclaredChannel {
                        name: name.clone(),
                        capacity: *capacity,
                        range: d.range,
                        chans,
                    });
                }
                DeclKind::Role {
                    gateway,
                    name,
                    mailbox,
                    target,
                } => out.actors.push(DeclaredActor {
                    name: name.clone(),
                    gateway: *gateway,
                    mailbox: *mailbox,
                    range: d.range,
                    tasks: role_tasks(ix, tasks, &lookups, actor_types, file, target),
                }),
                DeclKind::Topology(t) => out.topologies.push(t.clone()),
                DeclKind::Allow {
                    codes,
                    reason,
                    item,
                } => out.allows.push(Allowance {
                    codes: codes.clone(),
                    reason: Some(reason.clone()),
                    at: d.range,
                    covers: Covers::Range(*item),
                    reported_if_unused: true,
                }),
                DeclKind::Invalid { message, at } => out.invalid.push((*at, message.clone())),
            }
        }
    }
    out
}

/// Indices built once per crate for [`role_tasks`].
struct Lookups<'a> {
    /// Local methods by qualified type (every name).
    methods_of_type: HashMap<&'a str, Vec<BodyId>>,
    /// Tasks by the body they start with.
    started_by: HashMap<BodyId, Vec<TaskIdx>>,
}

/// The tasks that run an actor's code: the task started with its function, or the tasks
/// its methods run on (a framework actor's own task included).
fn role_tasks(
    ix: &Index<'_>,
    tasks: &Tasks,
    lookups: &Lookups<'_>,
    actor_types: &[crate::actors::ActorType],
    file: FileId,
    target: &RoleTarget,
) -> Vec<TaskIdx> {
    let bodies: Vec<BodyId> = match target {
        RoleTarget::Body(b) => vec![*b],
        RoleTarget::Type(name) => {
            let ty = ix.qualify(file, name);
            let mut v: Vec<BodyId> = lookups
                .methods_of_type
                .get(ty.as_str())
                .cloned()
                .unwrap_or_default();
            v.sort();
            for (a, &t) in actor_types.iter().zip(&tasks.actor_tasks) {
                if a.ty == ty {
                    return vec![t];
                }
            }
            v
        }
    };
    let mut started: Vec<TaskIdx> = bodies
        .iter()
        .flat_map(|b| lookups.started_by.get(b).into_iter().flatten().copied())
        .collect();
    started.sort_unstable();
    started.dedup();
    if !started.is_empty() {
        return started;
    }
    let mut owners: Vec<TaskIdx> = bodies
        .iter()
        .flat_map(|b| tasks.owners_of(Some(*b)).iter().copied())
        .collect();
    owners.sort_unstable();
    owners.dedup();
    owners
}

/// Names tasks and channels after their declarations: an actor's name instead of
/// `run_main::{task}`, a `channel!`'s name instead of its binding.
pub(crate) fn rename(
    decls: &Declarations,
    tasks: &mut [crate::tasks::Task],
    channels: &mut [Channel],
) {
    for c in &decls.channels {
        for &ch in &c.chans {
            if let Some(ch) = channels.get_mut(ch as usize) {
                ch.name = c.name.clone();
            }
        }
    }
    // The declared actors naming each task (a task named by two keeps its name).
    let mut named: HashMap<TaskIdx, Vec<usize>> = HashMap::default();
    for (i, a) in decls.actors.iter().enumerate() {
        for &t in &a.tasks {
            let v = named.entry(t).or_default();
            if v.last() != Some(&i) {
                v.push(i);
            }
        }
    }
    for (t, task) in tasks.iter_mut().enumerate() {
        if let Some([a]) = named.get(&(t as TaskIdx)).map(Vec::as_slice) {
            task.name = decls.actors[*a].name.clone();
        }
    }
}
