//! BP001 `unbounded-channel`: every creation of an unbounded channel.

use super::LintInfo;
use crate::diagnostic::{Confidence, Diagnostic, Level};
use crate::growth::NoGrowth;
use crate::lints::LintId;
use crate::model::{Capacity, Model};

pub(crate) static INFO: LintInfo = LintInfo {
    code: "BP001",
    name: "unbounded-channel",
    default_level: Level::Warn,
    summary: "a channel that never pushes back on its senders",
    doc: r#"### What it detects
Every creation of an unbounded channel: `tokio::sync::mpsc::unbounded_channel`,
`std::sync::mpsc::channel`, `futures::channel::mpsc::unbounded`, `crossbeam_channel::unbounded`,
`flume::unbounded`, `async_channel::unbounded`, `kanal::unbounded`/`unbounded_async` and
`async_std::channel::unbounded`, however the path is written (aliases, globs, renamed crates).
A crate-local function that makes one and returns both ends is a constructor too: each call
is reported, naming the function it goes through, and the constructor inside it once.

The finding is only `possible` (and says why) when the queue cannot grow: the receiver is
dropped where the channel is made (`unbounded_channel().0`), or each sender sends at most once
(every send in the closure a spawn starts, no loop on the way, from a task other than the
creator, not started per item, no sender handed to code the analysis does not follow), as in
a worker thread's one startup report.

### Why it matters
A send on an unbounded channel never waits. When the consumer is slower than the producers,
the queue grows without limit: memory grows until the process is killed, and every queued
message waits longer than the one before it. Nothing tells the producer to slow down.

### Example
```rust
let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
tokio::spawn(async move {
    loop {
        tx.send(read_frame().await).unwrap(); // never waits
    }
});
while let Some(frame) = rx.recv().await {
    slow_write(frame).await; // falls further behind every second
}
```

### How to fix
Choose a capacity and use a bounded channel; `send(..).await` then waits while the queue is
full, which slows the producer to the consumer's pace:
```rust
let (tx, mut rx) = tokio::sync::mpsc::channel(64);
tx.send(frame).await?;
```
Where losing messages is acceptable (metrics, progress reports), keep it bounded and use
`try_send`, dropping the message when the queue is full.

With `unbounded-above = N` in `[package.metadata.bpcheck]`, a bounded channel whose capacity
is known to be larger than `N` is reported too, as effectively unbounded. A team's own
constructors (`"myq::unbounded" = "unbounded"` under `[package.metadata.bpcheck.channels]`)
are reported at each call.

### How to allow
On the command line: `cargo bpcheck -A BP001` (or `-A unbounded-channel`). For one place, when
something else bounds the queue (for example a semaphore held for the message's lifetime), put
`// bpcheck:allow(unbounded-channel) why` on the line of the call or the line above it, or
`#[bpcheck::allow(unbounded-channel, reason = "why")]` on the item.
"#,
};

pub(crate) fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    over_limit(model, out);
    for (i, ch) in model
        .channels
        .iter()
        .enumerate()
        .filter(|(_, c)| c.capacity == Capacity::Unbounded)
    {
        let no_growth = model.cannot_grow.get(i).copied().flatten();
        let confidence = if ch.in_macro || no_growth.is_some() {
            Confidence::Possible
        } else {
            Confidence::Certain
        };
        let (message, label) = match &ch.via {
            Some((layer, _)) => (
                format!("unbounded channel made by {layer}"),
                "each call makes a new queue without a limit".to_string(),
            ),
            None => (
                "unbounded channel".to_string(),
                format!("`{}` creates a queue without a limit", ch.api_path),
            ),
        };
        let mut d = Diagnostic::new(LintId::UnboundedChannel, message, ch.range, label);
        if let Some((_, of)) = ch.via {
            d = d.with_label(
                model.channels[of as usize].range,
                "the queue is created here, inside the helper",
            );
        }
        match no_growth {
            Some(NoGrowth::ReceiverDropped) => {
                d = d.with_note("the receiver is dropped where the channel is made: every send fails, nothing can queue");
            }
            Some(NoGrowth::OncePerSender) => {
                d = d.with_note("each sender sends at most once (a spawned task's one report): the queue holds at most one message per sender");
            }
            None => {}
        }
        out.push(
            d
            .with_note(
                "a send never waits: when the consumer is slower than the producers, memory and latency grow without limit",
            )
            .with_help(
                "use a bounded channel with a chosen capacity so senders wait when it is full; use `try_send` and drop the message where losing it is acceptable",
            )
            .with_confidence(confidence),
        );
    }
}

/// Bounded channels whose capacity is above the configured `unbounded-above`.
fn over_limit(model: &Model, out: &mut Vec<Diagnostic>) {
    for (ch, limit) in model.channels.iter().zip(&model.over_limit) {
        let Some(limit) = limit else { continue };
        out.push(
            Diagnostic::new(
                LintId::UnboundedChannel,
                format!(
                    "effectively unbounded channel: capacity {} is above the configured {limit}",
                    ch.capacity.describe()
                ),
                ch.range,
                "a queue this long never pushes back on its senders in practice",
            )
            .with_note("the package's configuration sets `unbounded-above`: larger queues only move the failure to memory and latency")
            .with_help("choose a capacity the consumer can drain in the latency you accept"),
        );
    }
}
