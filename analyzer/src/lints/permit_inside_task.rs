//! BP006 `permit-inside-task`: the permit is taken inside the spawned task, so the spawned
//! tasks themselves are not bounded.

use super::LintInfo;
use crate::diagnostic::{Diagnostic, Level};
use crate::lints::LintId;
use crate::model::{Acquire, Model};
use crate::tasks::SpawnSite;

pub(crate) static INFO: LintInfo = LintInfo {
    code: "BP006",
    name: "permit-inside-task",
    default_level: Level::Warn,
    summary: "a permit acquired inside a task spawned per item: the tasks still pile up",
    doc: r#"### What it detects
A task spawned for every item of incoming work (see BP004) that acquires its semaphore permit
itself, inside the task, instead of the loop acquiring it before spawning.

### Why it matters
The semaphore bounds how many tasks do the work at once, but not how many tasks exist: every
item still becomes a task immediately, waiting for a permit, holding its input in memory. Under
load the waiting tasks grow without limit.

### Example
```rust
while let Some(job) = jobs.recv().await {
    let limit = limit.clone();
    tokio::spawn(async move {
        let _permit = limit.acquire().await.unwrap(); // too late: the task already exists
        run(job).await;
    });
}
```

### How to fix
Acquire before spawning, in the loop, and move the permit into the task:
```rust
while let Some(job) = jobs.recv().await {
    let permit = limit.clone().acquire_owned().await.unwrap();
    tokio::spawn(async move { run(job).await; drop(permit); });
}
```
The loop then stops taking work while all permits are out, which pushes back on the sender.

### How to allow
`cargo bpcheck -A BP006`, or `// bpcheck:allow(permit-inside-task)` on the line of the acquire or
the line above it.
"#,
};

/// The first permit acquired inside a task started by `site`.
pub(crate) fn task_acquire<'m>(model: &'m Model, site: &SpawnSite) -> Option<&'m Acquire> {
    model
        .acquires
        .iter()
        .filter(|a| {
            !a.dropped_at_once && a.is_permit() && a.tasks.iter().any(|t| site.tasks.contains(t))
        })
        .min_by_key(|a| a.range)
}

pub(crate) fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    for site in &model.spawns {
        if !site.per_item || site.bound.is_some() || !site.loop_permits.is_empty() {
            continue;
        }
        let Some(acq) = task_acquire(model, site) else {
            continue;
        };
        out.push(
            Diagnostic::new(
                LintId::PermitInsideTask,
                "permit acquired inside a task that is spawned for every item",
                acq.range,
                "acquired here, after the task already exists",
            )
            .with_label(site.range, "a task is spawned per item here, before any permit is held")
            .with_note("the semaphore bounds the work done at once, not the number of tasks: waiting tasks pile up without limit")
            .with_help("acquire the permit in the loop before spawning (`acquire_owned`) and move it into the task"),
        );
    }
}
