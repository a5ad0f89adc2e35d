//! BP005 `permit-dropped`: a permit that guards nothing.

use super::LintInfo;
use crate::diagnostic::{Diagnostic, Level};
use crate::lints::LintId;
use crate::model::Model;
use crate::tasks::SpawnBound;

pub(crate) static INFO: LintInfo = LintInfo {
    code: "BP005",
    name: "permit-dropped",
    default_level: Level::Warn,
    summary: "a semaphore permit released at once, or not moved into the task it should bound",
    doc: r#"### What it detects
A semaphore permit that is released before the work it should guard:
- `let _ = sem.acquire().await;` (`_` drops the permit at once; `_permit` would keep it),
- the acquire as a bare statement: `sem.acquire().await.unwrap();`,
- a permit passed to `drop` right after it is acquired, before any work,
- a permit acquired in a loop that spawns a task per item, but not moved into that task: it
  is released at the end of the iteration while the task runs on.

Only a value the analysis followed to a semaphore is one: a constructor (tokio, async-lock,
futures-intrusive, embassy-sync, maitake-sync) or a declared type (`limit: Arc<Semaphore>`,
a field `permits: Semaphore`). A method named `acquire` on anything else (a rate limiter, a
pool, a lock) is not a permit and is never reported. Not reported either: `acquire_many(n)`
dropped at once (a barrier that waits for `n` free permits, e.g. every in-flight one), a
permit dropped after work such as a critical section, `let _permit = ..` (a binding, kept),
a permit released at once and then acquired for real in the same loop (waiting for a free
permit in a retry loop), a `forget()`-ten permit (returned by hand with `add_permits`).

### Why it matters
The code looks bounded and is not: the permit count never reaches the work, so the semaphore
limits nothing and load grows without limit exactly as if it were absent.

### Example
```rust
loop {
    let _ = limit.acquire().await?;          // released right here
    let (socket, _) = listener.accept().await?;
    tokio::spawn(handle(socket));
}
```

### How to fix
Bind the permit to a name and keep it for as long as the work runs; move it into the spawned
task (`acquire_owned` gives a permit that can move):
```rust
let permit = limit.clone().acquire_owned().await?;
tokio::spawn(async move { handle(socket).await; drop(permit); });
```

### How to allow
`cargo bpcheck -A BP005`, or `// bpcheck:allow(permit-dropped)` on the line of the acquire or the
line above it.
"#,
};

pub(crate) fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    // Acquiring and releasing at once, then acquiring for real in the same loop, is a wait
    // for availability (a retry loop), not a lost guard.
    let waits_then_keeps = |a: &crate::model::Acquire| {
        a.loop_id.is_some()
            && model.acquires.iter().any(|b| {
                b.body == a.body
                    && b.file == a.file
                    && b.loop_id == a.loop_id
                    && !b.dropped_at_once
                    && b.range != a.range
                    && b.sems.iter().any(|s| a.sems.contains(s))
            })
    };
    for a in model
        .acquires
        .iter()
        .filter(|a| a.dropped_at_once && a.is_permit() && !a.is_barrier() && !waits_then_keeps(a))
    {
        out.push(
            Diagnostic::new(
                LintId::PermitDropped,
                "permit released as soon as it is acquired",
                a.range,
                "this permit is dropped at the end of the statement",
            )
            .with_note("a permit guards only while it is alive: this one limits nothing")
            .with_help("bind it to a name (`let _permit = ..` or `let permit = ..`) and keep it until the work is done"),
        );
    }
    let mut reported = std::collections::HashSet::new();
    for site in &model.spawns {
        if !site.per_item
            || matches!(
                site.bound,
                Some(SpawnBound::Permit(_) | SpawnBound::Awaited)
            )
        {
            continue;
        }
        for &p in &site.loop_permits {
            let a = &model.acquires[p];
            if a.dropped_at_once || !a.is_permit() || !reported.insert(p) {
                continue;
            }
            out.push(
                Diagnostic::new(
                    LintId::PermitDropped,
                    "permit acquired in the loop is not moved into the spawned task",
                    a.range,
                    "released at the end of the iteration",
                )
                .with_label(site.range, "the task spawned here runs on without it")
                .with_note("the loop takes the next item as soon as the iteration ends, so the semaphore does not bound the running tasks")
                .with_help("move the permit into the task: `acquire_owned()` and use it inside the spawned future (e.g. `drop(permit)` at its end)"),
            );
        }
    }
}
