//! BP010 `topology-drift`: the code differs from the topology declared with `topology!`,
//! `channel!` and `#[actor]`.

use super::LintInfo;
use crate::annotations::Declarations;
use crate::catalog::ChannelKind;
use crate::diagnostic::{Diagnostic, Level};
use crate::facts::TopologyFact;
use crate::flow::ChanIdx;
use crate::lints::LintId;
use crate::model::{Capacity, Model};
use crate::tasks::TaskIdx;
use std::collections::HashSet;

pub(crate) static INFO: LintInfo = LintInfo {
    code: "BP010",
    name: "topology-drift",
    default_level: Level::Warn,
    summary: "the code differs from the declared topology (edges, capacities, actors)",
    doc: r#"### What it detects
Differences between the topology a team declared and the code:
- a declared edge `a -> b via ch` that the code does not have (`a`'s tasks never send on `ch`,
  or `b`'s never receive from it);
- in a `closed` topology, an edge in the code between declared actors that is not declared
  (oneshot replies and watch channels are not queues and need no edge);
- a capacity that differs: `channel jobs: 64;` in the topology but `channel!(jobs, 32)` in
  the code, or `#[actor(mailbox = 64)]` on an actor whose one mailbox has another capacity;
- a declared actor or channel that no code makes: no item marked with its name, no task
  running it, no `channel!` of that name; a gateway in the topology marked `#[actor]`.

Channels are matched by the name given to `channel!`, actors by the `name` of their
attribute (the item's own name by default), and an actor's tasks are the tasks that run the
marked function or the marked type's methods.

### Why it matters
The declared topology is what the team reviews, sizes and reasons about (which cycles exist,
what admission bounds). When the code drifts from it, that reasoning no longer holds: a new
reply path can close a cycle of bounded queues nobody sized for, and a capacity changed in one
place leaves the other stale.

### Example
```rust
bpcheck::topology! {
    channel jobs: 64;
    gateway frontend;
    actor processor;
    frontend -> processor via jobs;
    closed;
}
// processor now also sends on `retries`, which frontend receives: undeclared edge
let (tx, rx) = bpcheck::channel!(jobs, 32); // declared 64
```

### How to fix
Update the declaration in the same change as the code (declare the new edge, fix the
capacity), or change the code back to the declared design.

### How to allow
`cargo bpcheck -A BP010`, `#[bpcheck::allow(topology-drift, reason = "..")]` on the item, or
`// bpcheck:allow(topology-drift) reason` on the line.
"#,
};

fn drift(at: crate::source::FileRange, message: String, label: &str) -> Diagnostic {
    Diagnostic::new(LintId::TopologyDrift, message, at, label)
}

pub(crate) fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    let d = &model.declarations;
    for t in &d.topologies {
        declared_items(d, t, out);
    }
    declared_edges(model, out);
    report_undeclared(model, out);
    mailboxes(model, d, out);
}

fn chans_named(d: &Declarations, name: &str) -> HashSet<ChanIdx> {
    d.channels_named(name)
        .flat_map(|c| c.chans.iter().copied())
        .collect()
}

fn tasks_of(d: &Declarations, actor: &str) -> HashSet<TaskIdx> {
    d.actors
        .iter()
        .filter(|a| a.name == actor)
        .flat_map(|a| a.tasks.iter().copied())
        .collect()
}

/// Declared actors and channels that no code makes; capacities that differ.
fn declared_items(d: &Declarations, t: &TopologyFact, out: &mut Vec<Diagnostic>) {
    for (name, gateway, range) in &t.actors {
        let what = if *gateway { "gateway" } else { "actor" };
        match d.actor(name) {
            None => out.push(
                drift(
                    *range,
                    format!("declared {what} `{name}` is not in the code"),
                    "declared here",
                )
                .with_help(format!(
                    "mark the function or type that runs it `#[bpcheck::{what}(name = \"{name}\")]`, or remove the declaration"
                )),
            ),
            Some(a) if a.tasks.is_empty() => out.push(
                drift(
                    *range,
                    format!("declared {what} `{name}` runs in no task"),
                    "declared here",
                )
                .with_label(a.range, "marked here, but no task the analysis found runs this code"),
            ),
            Some(a) if a.gateway != *gateway => out.push(
                drift(
                    a.range,
                    format!(
                        "`{name}` is a {what} in the topology but marked `#[bpcheck::{}]`",
                        if a.gateway { "gateway" } else { "actor" }
                    ),
                    "marked here",
                )
                .with_label(*range, "declared here"),
            ),
            Some(_) => {}
        }
    }
    for (name, cap, range) in &t.channels {
        let made: Vec<_> = d.channels_named(name).collect();
        if made.is_empty() {
            out.push(
                drift(
                    *range,
                    format!("declared channel `{name}` is made by no `channel!({name}, ..)`"),
                    "declared here",
                )
                .with_help(format!(
                    "make it with `bpcheck::channel!({name}, ..)` where it is created, or remove the declaration"
                )),
            );
        }
        for c in made {
            if c.capacity != *cap {
                out.push(
                    drift(
                        c.range,
                        format!(
                            "`{name}` is made with capacity {}, the topology declares {}",
                            describe(c.capacity),
                            describe(*cap)
                        ),
                        "made here",
                    )
                    .with_label(*range, "declared here"),
                );
            }
        }
    }
}

fn describe(cap: Option<u64>) -> String {
    cap.map_or_else(|| "unbounded".to_string(), |n| n.to_string())
}

/// A declared edge the code does not have.
#[derive(Clone, Debug)]
pub struct MissingEdge {
    pub from: String,
    pub to: String,
    pub via: String,
    /// The edge's declaration.
    pub range: crate::source::FileRange,
    /// `from`'s tasks send on `via` / `to`'s tasks receive from it.
    pub sends: bool,
    pub recvs: bool,
    pub from_tasks: Vec<TaskIdx>,
    pub to_tasks: Vec<TaskIdx>,
}

/// An edge in the code between actors of a closed topology that the topology does not have.
#[derive(Clone, Debug)]
pub struct UndeclaredEdge {
    /// Indices into `model.sends` and `model.recvs`.
    pub send: usize,
    pub recv: usize,
    pub from: String,
    pub to: String,
    /// The `closed;` of the topology.
    pub closed: crate::source::FileRange,
}

/// Declared edges whose actors and channel exist but that the code does not have (missing
/// actors and channels are reported on their own declarations).
pub fn missing_edges(model: &Model) -> Vec<MissingEdge> {
    let d = &model.declarations;
    let mut out = Vec::new();
    for t in &d.topologies {
        for (from, to, via, range) in &t.edges {
            let chans = chans_named(d, via);
            let (ft, tt) = (tasks_of(d, from), tasks_of(d, to));
            if chans.is_empty() || ft.is_empty() || tt.is_empty() {
                continue;
            }
            let sends = model
                .sends
                .iter()
                .any(|s| chans.contains(&s.chan) && ft.contains(&s.task));
            let recvs = model
                .recvs
                .iter()
                .any(|r| chans.contains(&r.chan) && tt.contains(&r.task));
            if !(sends && recvs) {
                let (mut from_tasks, mut to_tasks): (Vec<_>, Vec<_>) =
                    (ft.into_iter().collect(), tt.into_iter().collect());
                from_tasks.sort_unstable();
                to_tasks.sort_unstable();
                out.push(MissingEdge {
                    from: from.clone(),
                    to: to.clone(),
                    via: via.clone(),
                    range: *range,
                    sends,
                    recvs,
                    from_tasks,
                    to_tasks,
                });
            }
        }
    }
    out
}

fn declared_edges(model: &Model, out: &mut Vec<Diagnostic>) {
    for m in missing_edges(model) {
        let (from, to, via) = (&m.from, &m.to, &m.via);
        let mut missing = Vec::new();
        if !m.sends {
            missing.push(format!("`{from}` never sends on `{via}`"));
        }
        if !m.recvs {
            missing.push(format!("`{to}` never receives from `{via}`"));
        }
        out.push(
            drift(
                m.range,
                format!("declared edge `{from} -> {to} via {via}` is not in the code"),
                &missing.join(" and "),
            )
            .with_help(
                "remove the edge from the topology, or make the code send and receive as declared",
            ),
        );
    }
}

/// In closed topologies: edges in the code between declared actors that are not declared
/// (oneshot and watch channels are not queues and need none).
pub fn undeclared_edges(model: &Model) -> Vec<UndeclaredEdge> {
    let d = &model.declarations;
    let mut out = Vec::new();
    for t in &d.topologies {
        let Some(closed) = t.closed else { continue };
        let actor_of = |task: TaskIdx| -> Vec<&str> {
            t.actors
                .iter()
                .map(|(n, _, _)| n.as_str())
                .filter(|n| tasks_of(d, n).contains(&task))
                .collect()
        };
        let mut seen = HashSet::new();
        for (si, s) in model.sends.iter().enumerate() {
            let ch = &model.channels[s.chan as usize];
            if matches!(ch.kind, ChannelKind::Oneshot | ChannelKind::Watch) {
                continue;
            }
            for from in actor_of(s.task) {
                for (ri, r) in model
                    .recvs
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.chan == s.chan)
                {
                    for to in actor_of(r.task) {
                        let declared = t.edges.iter().any(|(f, tt, via, _)| {
                            f == from && tt == to && chans_named(d, via).contains(&s.chan)
                        });
                        if declared || !seen.insert((s.range, from, to)) {
                            continue;
                        }
                        out.push(UndeclaredEdge {
                            send: si,
                            recv: ri,
                            from: from.to_string(),
                            to: to.to_string(),
                            closed,
                        });
                    }
                }
            }
        }
    }
    out
}

fn report_undeclared(model: &Model, out: &mut Vec<Diagnostic>) {
    for u in undeclared_edges(model) {
        let (s, r) = (&model.sends[u.send], &model.recvs[u.recv]);
        let ch = &model.channels[s.chan as usize];
        let (from, to) = (&u.from, &u.to);
        let mut diag = drift(
            s.range,
            format!(
                "undeclared edge `{from} -> {to}` through `{}` in a closed topology",
                ch.name
            ),
            &format!("`{from}` sends on `{}` here", ch.name),
        )
        .with_label(r.range, format!("`{to}` receives it here"))
        .with_label(u.closed, "the topology is declared closed here")
        .with_help(format!(
            "declare it (`{from} -> {to} via {};`, with the channel made by `channel!`) or remove the path",
            ch.name
        ));
        if !s.certain || !r.certain {
            diag = diag.with_confidence(crate::diagnostic::Confidence::Possible);
        }
        out.push(diag);
    }
}

/// `#[actor(mailbox = N)]` against the one channel the actor's tasks receive from in a loop.
fn mailboxes(model: &Model, d: &Declarations, out: &mut Vec<Diagnostic>) {
    for a in &d.actors {
        let Some(declared) = a.mailbox else { continue };
        let mut inboxes: Vec<ChanIdx> = model
            .recvs
            .iter()
            .filter(|r| r.in_loop && a.tasks.contains(&r.task))
            .map(|r| r.chan)
            .filter(|&c| {
                matches!(
                    model.channels[c as usize].kind,
                    ChannelKind::Bounded { .. } | ChannelKind::Unbounded
                )
            })
            .collect();
        inboxes.sort_unstable();
        inboxes.dedup();
        let [inbox] = inboxes[..] else { continue };
        let ch = &model.channels[inbox as usize];
        let actual = match ch.capacity {
            Capacity::Known { value, .. } => Some(value),
            Capacity::Unbounded => None,
            Capacity::Unknown => continue,
        };
        if actual != declared {
            out.push(
                drift(
                    a.range,
                    format!(
                        "`{}` declares a mailbox of {}, but its mailbox `{}` has capacity {}",
                        a.name,
                        describe(declared),
                        ch.name,
                        describe(actual)
                    ),
                    "declared here",
                )
                .with_label(ch.range, "the mailbox is made here"),
            );
        }
    }
}
