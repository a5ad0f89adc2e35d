//! BP007 `unadmitted-entry`: a send into channels guarded by an admission semaphore from a
//! task that holds no permit.

use super::LintInfo;
use crate::diagnostic::{Diagnostic, Level};
use crate::lints::LintId;
use crate::model::Model;
use crate::tasks::{SpawnBound, TaskIdx};
use std::collections::{HashMap, HashSet};

pub(crate) static INFO: LintInfo = LintInfo {
    code: "BP007",
    name: "unadmitted-entry",
    default_level: Level::Warn,
    summary: "a send into an admission-controlled system from a task without a permit",
    doc: r#"### What it detects
An admission semaphore bounds the messages inside a system when every message enters through a
task that holds a permit (a gateway that acquires before sending in). This lint finds the
channels such permit-holding tasks send into, and flags any other send into those channels from
a task that holds no permit: an actor inside the system creating new messages, or a second
entry point.

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
    // Tasks that hold a permit: they acquire one, or one is moved into them when spawned.
    let mut holders: HashMap<TaskIdx, Vec<u32>> = HashMap::new();
    for a in model.acquires.iter().filter(|a| !a.dropped_at_once) {
        for &t in &a.tasks {
            holders.entry(t).or_default().extend(&a.sems);
        }
    }
    for site in &model.spawns {
        if let Some(SpawnBound::Permit(p)) = site.bound {
            for &t in &site.tasks {
                holders
                    .entry(t)
                    .or_default()
                    .extend(&model.acquires[p].sems);
            }
        }
    }
    // Channels that permit holders send into, with the semaphores guarding them.
    let mut admitted: HashMap<u32, HashSet<u32>> = HashMap::new();
    for s in &model.sends {
        if let Some(sems) = holders.get(&s.task) {
            admitted.entry(s.chan).or_default().extend(sems);
        }
    }
    let mut reported = HashSet::new();
    for s in &model.sends {
        let Some(sems) = admitted.get(&s.chan) else {
            continue;
        };
        if sems.is_empty() || holders.contains_key(&s.task) || !reported.insert(s.range) {
            continue;
        }
        let mut names: Vec<&str> = sems
            .iter()
            .map(|i| model.semaphores[*i as usize].name.as_str())
            .collect();
        names.sort();
        let ch = &model.channels[s.chan as usize];
        let task = &model.tasks[s.task as usize];
        out.push(
            Diagnostic::new(
                LintId::UnadmittedEntry,
                format!("`{}` sends into `{}` without a permit of `{}`", task.name, ch.name, names.join("`, `")),
                s.range,
                "this message enters the system without being admitted",
            )
            .with_label(ch.range, format!("`{}` is admission-controlled by `{}`", ch.name, names.join("`, `")))
            .with_note("the semaphore counts only admitted messages: this one is not counted, so the queues can hold more than the permits allow")
            .with_help("acquire a permit (`acquire_owned`) before this send and carry it with the message"),
        );
    }
}
