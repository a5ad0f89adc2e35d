//! BP004 `unbounded-spawn`: a task spawned for every item of incoming work with nothing
//! bounding how many exist at once.

use super::LintInfo;
use crate::diagnostic::{Diagnostic, Level};
use crate::lints::LintId;
use crate::model::Model;

pub(crate) static INFO: LintInfo = LintInfo {
    code: "BP004",
    name: "unbounded-spawn",
    default_level: Level::Warn,
    summary: "a task spawned per message or connection with no limit on how many run at once",
    doc: r#"### What it detects
A spawn (`tokio::spawn`, `std::thread::spawn`, `JoinSet::spawn`, or a local function or
method that spawns its argument) that runs once per item of work, when nothing bounds how many
spawned tasks exist at once:
- in a loop that calls `accept`, `recv`, `next` and the like, or iterates a receiver;
- in a `for` over data whose size the code does not choose: a parameter's items, `lines()`,
  `read_dir`, `incoming()`;
- in a closure that a stream or iterator runs per item (`stream.for_each(|x| spawn(..))`).

Certain when the items come from outside the program (sockets, channels, files, a parameter
of a public function); `possible` for a parameter of a private function. A loop over a range or
a fixed array (a worker pool of configured size) is not per item. A spawn whose handle is sent
back to whoever asked for it (a spawner service) is bounded by the requester.

### Why it matters
Spawning moves the queue from a channel into the executor: every accepted connection or received
message becomes a task, and when work arrives faster than it completes, tasks (and the memory
they hold) pile up without limit, exactly like an unbounded channel.

### Example
```rust
loop {
    let (socket, _) = listener.accept().await?;
    tokio::spawn(handle(socket)); // one task per connection, no limit
}
```

### How to fix
Acquire a permit before spawning and move it into the task, so the loop waits when the limit
is reached:
```rust
let limit = Arc::new(Semaphore::new(256));
loop {
    let permit = limit.clone().acquire_owned().await?;
    let (socket, _) = listener.accept().await?;
    tokio::spawn(async move { handle(socket).await; drop(permit); });
}
```
Or keep the tasks in a `JoinSet` and drain it while `set.len()` is at the limit, or use
`buffer_unordered(n)` / `for_each_concurrent(n, ..)` on a stream.

### How to allow
`cargo bpcheck -A BP004`, or `// bpcheck:allow(unbounded-spawn)` on the line of the spawn or the
line above it (for example when the source itself is bounded elsewhere).
"#,
};

pub(crate) fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    for site in &model.spawns {
        if !site.per_item || site.bound.is_some() || !site.loop_permits.is_empty() {
            continue;
        }
        if super::permit_inside_task::task_acquire(model, site).is_some() {
            continue; // BP006 says it better.
        }
        out.push(
            Diagnostic::new(
                LintId::UnboundedSpawn,
                "task spawned for every item of incoming work without a limit",
                site.range,
                "one task per iteration; nothing bounds how many run at once",
            )
            .with_note("when work arrives faster than tasks finish, tasks pile up without limit, like an unbounded queue")
            .with_help("acquire a semaphore permit (`acquire_owned`) before spawning and move it into the task, or drain a `JoinSet` while its `len()` is at a limit")
            .with_confidence(if site.per_item_certain {
                crate::diagnostic::Confidence::Certain
            } else {
                crate::diagnostic::Confidence::Possible
            }),
        );
    }
}
