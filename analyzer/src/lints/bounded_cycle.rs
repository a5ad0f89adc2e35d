//! BP002 `bounded-cycle`: a cycle of tasks each waiting to send on a bounded channel that
//! the next one receives from.

use super::LintInfo;
use crate::diagnostic::{Confidence, Diagnostic, Level};
use crate::graph::Cycle;
use crate::lints::LintId;
use crate::model::Model;

pub(crate) static INFO: LintInfo = LintInfo {
    code: "BP002",
    name: "bounded-cycle",
    default_level: Level::Deny,
    summary: "bounded channels in a cycle of waiting sends: deadlock when all are full",
    doc: r#"### What it detects
An elementary cycle in the message graph in which every task waits to send on a bounded
channel (`send(..).await`, `reserve().await`, `blocking_send`, a `send` on a bounded
`sync_channel`/crossbeam/flume channel) and the next task on the cycle receives from it. The
typical shape is a gateway that feeds a pipeline and also receives its replies.

### Why it matters
When every queue on the cycle is full, every task on it waits for the next one to make room,
and none of them can: the system stops, with no error and no panic. Bigger buffers only make it
rarer; a burst of input fills them all the same.

### Example
```rust
// gateway: requests -> processor, replies -> gateway, both bounded
loop {
    let req = inbound.recv().await?;
    to_processor.send(req).await?;          // waits while the processor's queue is full
    if let Ok(reply) = replies.try_recv() { respond(reply).await; }
}
// processor
while let Some(req) = requests.recv().await {
    reply_tx.send(handle(req)).await?;      // waits while the gateway's queue is full
}
```

### How to fix
Break the cycle at the gateway:
- keep a separate outgoing (reply) queue and read it with priority over new work:
  `tokio::select! { biased; Some(r) = replies.recv() => .., Some(q) = inbound.recv() => .. }`
  or `futures::stream::select_with_strategy` preferring the replies;
- or wait for the send inside a `select!` that also takes replies
  (`permit = to_processor.reserve() => .., reply = replies.recv() => ..`);
- or make one edge non-waiting (`try_send`, dropping or rejecting when full);
- or bound the number of messages inside the system with an admission semaphore.

### How to allow
`cargo bpcheck -A BP002`, or `// bpcheck:allow(bounded-cycle)` on the line of the reported send
or the line above it. Use `--fail-on certain` to fail only on cycles whose every handle was
followed.
"#,
};

pub(crate) fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    let mut reported = std::collections::HashSet::new();
    for verdict in &model.cycles {
        if verdict.broken_at.is_some() {
            continue;
        }
        let cycle = rotate(model, verdict.cycle.clone());
        if cycle.steps.is_empty() {
            continue;
        }
        let key: Vec<usize> = {
            let mut k: Vec<usize> = cycle.steps.iter().map(|s| s.send).collect();
            k.sort();
            k
        };
        if !reported.insert(key) {
            continue;
        }
        out.push(diagnostic(model, &cycle));
    }
}

/// Starts the cycle at the send that comes first in the source, so output is stable.
fn rotate(model: &Model, mut cycle: Cycle) -> Cycle {
    if let Some(first) =
        (0..cycle.steps.len()).min_by_key(|i| model.sends[cycle.steps[*i].send].range)
    {
        cycle.steps.rotate_left(first);
    }
    cycle
}

fn diagnostic(model: &Model, cycle: &Cycle) -> Diagnostic {
    let task = |t: u32| model.tasks[t as usize].name.as_str();
    let mut path = Vec::new();
    for st in &cycle.steps {
        let ch = &model.channels[st.chan as usize];
        path.push(format!(
            "`{}` -> `{}` ({})",
            task(st.task),
            ch.name,
            ch.capacity.describe()
        ));
    }
    path.push(format!("`{}`", task(cycle.steps[0].task)));
    let first = &cycle.steps[0];
    let first_chan = &model.channels[first.chan as usize];
    let mut d = Diagnostic::new(
        LintId::BoundedCycle,
        "bounded channels form a cycle that can deadlock",
        model.sends[first.send].range,
        format!(
            "`{}` waits here while `{}` is full",
            task(first.task),
            first_chan.name
        ),
    );
    let mut certain = true;
    for (i, st) in cycle.steps.iter().enumerate() {
        let ch = &model.channels[st.chan as usize];
        let send = &model.sends[st.send];
        let recv = &model.recvs[st.recv];
        certain &= send.certain && recv.certain;
        if i > 0 {
            d = d.with_label(
                send.range,
                format!("`{}` waits here while `{}` is full", task(st.task), ch.name),
            );
        }
        d = d.with_label(
            ch.range,
            format!(
                "`{}` created here, capacity {}",
                ch.name,
                ch.capacity.describe()
            ),
        );
    }
    d.with_note(format!("cycle: {}", path.join(" -> ")))
        .with_note("when every queue on the cycle is full, each task waits for the next to make room, and none can: deadlock")
        .with_help("read the channel coming back with priority over new work (a separate outgoing queue with `select!` `biased;` or `select_with_strategy`), wait for the send inside a `select!` that also takes replies, use `try_send` on one edge, or bound the messages in the system with an admission semaphore")
        .with_confidence(if certain { Confidence::Certain } else { Confidence::Possible })
}
