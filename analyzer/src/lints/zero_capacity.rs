//! BP008 `zero-capacity-channel`: a bounded channel of capacity 0 where the library panics on it.

use super::LintInfo;
use crate::catalog::ChannelKind;
use crate::diagnostic::{Diagnostic, Level};
use crate::lints::LintId;
use crate::model::{Capacity, Model};

pub(crate) static INFO: LintInfo = LintInfo {
    code: "BP008",
    name: "zero-capacity-channel",
    default_level: Level::Deny,
    summary: "a channel constructor that panics at run time on capacity 0",
    doc: r#"### What it detects
A bounded channel created with capacity `0` (a literal or a constant whose value is 0) by a
constructor that panics on it: `tokio::sync::mpsc::channel`, `tokio::sync::broadcast::channel`,
`async_channel::bounded` and `async_std::channel::bounded`.

### Why it matters
These constructors assert that the capacity is positive: the program panics the first time the
line runs. Other libraries (`std::sync::mpsc::sync_channel`, `crossbeam_channel::bounded`,
`flume::bounded`, `kanal::bounded`) treat 0 as a rendezvous channel and are not flagged.

### Example
```rust
const QUEUE: usize = 0;
let (tx, rx) = tokio::sync::mpsc::channel::<Job>(QUEUE); // panics: buffer > 0
```

### How to fix
Give the channel a capacity of at least 1. For a hand-off where the sender waits for the
receiver, capacity 1 is the closest tokio equivalent of a rendezvous channel.

### How to allow
`cargo bpcheck -A BP008`, or `// bpcheck:allow(zero-capacity-channel)` on the line of the call or
the line above it. Prefer fixing: the code panics.
"#,
};

pub(crate) fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    for ch in &model.channels {
        let panics = match ch.kind {
            ChannelKind::Bounded { zero_panics, .. } => zero_panics,
            ChannelKind::Broadcast { .. } => true,
            _ => false,
        };
        let Capacity::Known { value: 0, name } = &ch.capacity else {
            continue;
        };
        if !panics {
            continue;
        }
        let what = name.as_ref().map_or(String::from("capacity 0"), |n| {
            format!("capacity `{n}` = 0")
        });
        out.push(
            Diagnostic::new(
                LintId::ZeroCapacityChannel,
                "channel created with capacity 0",
                ch.range,
                format!("`{}` panics at run time with {what}", ch.api_path),
            )
            .with_note(format!(
                "{} asserts that a bounded channel's capacity is positive",
                ch.lib.name()
            ))
            .with_help("give the channel a capacity of at least 1"),
        );
    }
}
