//! BP003 `competing-gateways`: the priority fix for a gateway cycle, applied to a gateway
//! that is spawned many times and shares the processor, with no admission semaphore.

use super::LintInfo;
use crate::diagnostic::{Confidence, Diagnostic, Level};
use crate::graph::Breaker;
use crate::lints::LintId;
use crate::model::{Capacity, Model};

pub(crate) static INFO: LintInfo = LintInfo {
    code: "BP003",
    name: "competing-gateways",
    default_level: Level::Deny,
    summary: "prioritised gateways spawned per connection compete for one processor",
    doc: r#"### What it detects
A gateway cycle (see BP002) broken by a prioritised reply queue or by waiting for the send
inside a `select!`, where the gateway task is spawned in a loop (one per client connection)
and every instance sends into the same shared channel, and no gateway acquires a semaphore
permit before sending into the system.

### Why it matters
The priority queue frees one gateway: as soon as the processor can hand over a reply, the
gateway takes it and a slot frees up. With many gateways, the slot a reply frees in the
processor's queue can be taken by another gateway's new request. The gateway whose replies are
waiting loses the race, its reply queue fills, the processor blocks on it: deadlock again.
It is not flagged when each gateway's reply queue is known to hold more than the shared queue:
a gateway has at most that many requests in flight, so its replies always fit. When a capacity
is not a literal or constant, the finding's confidence is `possible`.

### Example
```rust
loop {
    let (socket, _) = listener.accept().await?;
    let to_processor = to_processor.clone();         // one processor for all
    tokio::spawn(gateway(socket, to_processor));      // each gateway reads replies first
}
```

### How to fix
Bound the number of messages inside the system, not per queue: an admission semaphore whose
permit a gateway acquires before sending a request in and which is released when the reply
leaves (`Semaphore::acquire_owned`, the permit moved along with the message). Size it so that
all queues on the cycle can hold that many messages.

### How to allow
`cargo bpcheck -A BP003`, or `// bpcheck:allow(competing-gateways)` on the line of the spawn or
the line above it.
"#,
};

pub(crate) fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    let mut reported = std::collections::HashSet::new();
    for verdict in &model.cycles {
        let Some((at, breaker)) = &verdict.broken_at else {
            continue;
        };
        let cycle = &verdict.cycle;
        let step = &cycle.steps[*at];
        let gateway = &model.tasks[step.task as usize];
        let Some(spawn) = gateway.spawn else { continue };
        let shared = !model.chan_creators[step.chan as usize].contains(&step.task);
        let admitted = model.acquires.iter().any(|a| a.tasks.contains(&step.task));
        if !gateway.replicated || !shared || admitted || !reported.insert((step.task, step.chan)) {
            continue;
        }
        let ch = &model.channels[step.chan as usize];
        let (how, recv) = match breaker {
            Breaker::Priority { recv } => ("replies are read with priority here", *recv),
            Breaker::SendInSelect { recv, .. } => {
                ("the send waits in a select that also takes replies", *recv)
            }
        };
        // A reply queue that holds more than the shared queue can never fill: a gateway has
        // at most the shared queue's capacity plus one request in flight.
        let replies = &model.channels[model.recvs[recv].chan as usize];
        let sizes_known = match (&replies.capacity, &ch.capacity) {
            (Capacity::Known { value: r, .. }, Capacity::Known { value: s, .. }) => {
                if r > s {
                    continue;
                }
                true
            }
            _ => false,
        };
        let certain = sizes_known
            && cycle
                .steps
                .iter()
                .all(|s| model.sends[s.send].certain && model.recvs[s.recv].certain);
        out.push(
            Diagnostic::new(
                LintId::CompetingGateways,
                format!(
                    "gateway `{}` is spawned per connection and competes with its copies for `{}`",
                    gateway.name, ch.name
                ),
                spawn,
                "one gateway per iteration of this loop",
            )
            .with_label(model.recvs[recv].range, how)
            .with_label(model.sends[step.send].range, format!("every gateway sends into `{}` here", ch.name))
            .with_label(ch.range, format!("`{}` created once, capacity {}", ch.name, ch.capacity.describe()))
            .with_label(replies.range, match replies.capacity {
                Capacity::Known { .. } => format!("each gateway's `{}` holds {}", replies.name, replies.capacity.describe()),
                _ => format!("each gateway's `{}` has a capacity the analysis cannot read", replies.name),
            })
            .with_note("priority keeps one gateway from deadlocking; with many, a gateway whose replies wait can lose the race for a free slot to another gateway's new request, its reply queue fills, and the cycle deadlocks again")
            .with_help(format!(
                "bound the messages inside the system: acquire a semaphore permit (`acquire_owned`) before sending into `{}` and release it when the reply has left",
                ch.name
            ))
            .with_confidence(if certain { Confidence::Certain } else { Confidence::Possible }),
        );
    }
}
