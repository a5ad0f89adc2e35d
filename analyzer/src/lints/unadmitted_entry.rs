//! BP007 `unadmitted-entry`: a send into channels guarded by an admission semaphore from a
//! task that holds no permit.

use super::LintInfo;
use crate::diagnostic::{Diagnostic, Level};
use crate::lints::LintId;
use crate::model::Model;
use crate::tasks::{SpawnBound, TaskIdx};
use std::collections::HashSet;

pub(crate) static INFO: LintInfo = LintInfo {
    code: "BP007",
    name: "unadmitted-entry",
    default_level: Level::Warn,
    summary: "a send into an admission-controlled system from a task without a permit",
    doc: r#"### What it detects
An admission semaphore bounds the messages inside a system when every message enters with a
permit that travels with it (a field of the message, a tuple element) until the work is done.
A channel whose messages carry such permits is admission-controlled. This lint flags a send
into such a channel of a message that carries no permit, from a task that holds none: it
neither acquires one, nor was handed one when spawned, nor receives admitted messages it could
forward. Typically an actor inside
the system that creates new messages, or a second entry point.

A send made while a permit is held elsewhere, into a channel whose messages carry no permit,
does not make that channel admission-controlled: admission is read from what the code
carries, never guessed from one send. Where the code cannot show it, declare it:
`admit frontend -> processor with ADMISSION;` in a `bpcheck::topology!` makes every message
on the declared edges `frontend -> processor` need a permit, whoever sends it.

### Why it matters
The semaphore's count is only right if every message in the system was admitted. A message that
enters without a permit is not counted: the queues can fill beyond what the permits allow, and
the deadlock or overload the semaphore was meant to prevent comes back.

### Example
```rust
// gateway: admitted
let permit = admission.clone().acquire_owned().await?;
work_tx.send(Job { req, permit }).await?;
// processor: re-queues follow-up work without a permit
work_tx.send(Job::follow_up(&job)).await?; // not counted
```

### How to fix
Acquire a permit for every message that enters the system, wherever it is created
(`admission.acquire_owned()` before the send, carried with the message), or give internally
created work its own bounded path that is drained with priority.

### How to allow
`cargo bpcheck -A BP007`, or `// bpcheck:allow(unadmitted-entry)` on the line of the send or the
line above it.
"#,
};

pub(crate) fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    // Admission is stated by the code only where a permit travels with the message: a
    // channel whose messages carry permits is admission-controlled by their semaphores.
    let admitted = |c: u32| model.carried_permits[c as usize].as_slice();
    // Tasks that hold a permit: they acquire one (from any semaphore, even one not
    // followed), one is moved into them when spawned, or they receive admitted messages
    // (a stage forwarding the permit it was handed).
    let mut holders: HashSet<TaskIdx> = HashSet::new();
    holders.extend(
        model
            .acquires
            .iter()
            .filter(|a| !a.dropped_at_once)
            .flat_map(|a| a.tasks.iter().copied()),
    );
    for site in &model.spawns {
        if let Some(SpawnBound::Permit(_)) = site.bound {
            holders.extend(&site.tasks);
        }
    }
    holders.extend(
        model
            .recvs
            .iter()
            .filter(|r| !admitted(r.chan).is_empty())
            .map(|r| r.task),
    );
    let mut reported = HashSet::new();
    for s in &model.sends {
        let sems = admitted(s.chan);
        if sems.is_empty()
            || s.carries_permit
            || holders.contains(&s.task)
            || !reported.insert(s.range)
        {
            continue;
        }
        let mut names: Vec<&str> = sems
            .iter()
            .map(|i| model.semaphores[*i as usize].name.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        let names = names.join("`, `");
        let ch = &model.channels[s.chan as usize];
        let task = &model.tasks[s.task as usize];
        let mut d = Diagnostic::new(
            LintId::UnadmittedEntry,
            format!("`{}` sends into `{}` without a permit of `{names}`", task.name, ch.name),
            s.range,
            "this message enters the system without being admitted",
        )
        .with_label(
            ch.range,
            format!("the messages of `{}` carry permits of `{names}`", ch.name),
        )
        .with_note("the semaphore counts only admitted messages: this one is not counted, so the queues can hold more than the permits allow")
        .with_help("acquire a permit (`acquire_owned`) before this send and carry it with the message");
        if !s.certain {
            d = d.with_confidence(crate::diagnostic::Confidence::Possible);
        }
        out.push(d);
    }
    declared_admission(model, &mut reported, out);
}

/// `admit a -> b with SEM;` in a `topology!`: every message sent on the channels of the
/// declared edges `a -> b` carries a permit, whoever sends it.
fn declared_admission(
    model: &Model,
    reported: &mut HashSet<crate::source::FileRange>,
    out: &mut Vec<Diagnostic>,
) {
    let d = &model.declarations;
    for t in &d.topologies {
        for (from, to, sem, admit_range) in &t.admits {
            for (_, _, via, _) in t.edges.iter().filter(|(f, tt, _, _)| f == from && tt == to) {
                let chans: HashSet<u32> = d
                    .channels_named(via)
                    .flat_map(|c| c.chans.iter().copied())
                    .collect();
                for s in model.sends.iter().filter(|s| chans.contains(&s.chan)) {
                    if s.carries_permit || !reported.insert(s.range) {
                        continue;
                    }
                    let task = &model.tasks[s.task as usize];
                    let mut diag = Diagnostic::new(
                        LintId::UnadmittedEntry,
                        format!(
                            "`{}` sends into `{via}` without a permit of `{sem}`",
                            task.name
                        ),
                        s.range,
                        "this message enters the admission region without being admitted",
                    )
                    .with_label(
                        *admit_range,
                        format!("messages from `{from}` to `{to}` are declared to carry permits of `{sem}`"),
                    )
                    .with_note("the semaphore counts only admitted messages: this one is not counted, so the queues can hold more than the permits allow")
                    .with_help(format!("acquire a permit of `{sem}` (`acquire_owned`) before this send and carry it with the message"));
                    if !s.certain {
                        diag = diag.with_confidence(crate::diagnostic::Confidence::Possible);
                    }
                    out.push(diag);
                }
            }
        }
    }
}
