//! BP009 `ask-cycle`: tasks waiting on each other in a cycle where at least one waits for a
//! reply.

use super::LintInfo;
use crate::diagnostic::{Confidence, Diagnostic, Level};
use crate::lints::LintId;
use crate::model::Model;
use crate::waits::{AskCycle, Wait};

pub(crate) static INFO: LintInfo = LintInfo {
    code: "BP009",
    name: "ask-cycle",
    default_level: Level::Deny,
    summary: "tasks wait on each other in a cycle that includes an awaited reply",
    doc: r#"### What it detects
A cycle of waits between tasks in which at least one task waits for a reply: it sends a request
carrying a reply sender (a oneshot, a request/response call) and awaits the answer. The other
waits on the cycle are further awaited replies, or sends that wait while a bounded queue is
full (waiting for that queue's receivers). Two actors that ask each other, an actor that asks
itself, and a connection loop that awaits the main loop's reply while it is the only task that
drains a bounded queue the main loop fills while answering are all such cycles.

Reported at the wait that comes first in the source, with every other wait of the cycle
labelled, in order. A reply awaited in a `select!` beside another branch (a timeout, another
receive) is not a wait that can hang, and is left out.

### Why it matters
A task that waits for a reply takes no new work until the reply comes. When the task that
should reply is itself waiting, directly or through others, on the first one, nothing ever
moves again. Unlike a cycle of full queues (BP002) this needs no load at all: unbounded
mailboxes do not help, the first request that closes the cycle hangs every task on it.

### Example
```rust
// orders: asks inventory and waits for the answer
let (reply, answer) = oneshot::channel();
inventory.send(Reserve { item, reply }).await?;
let ok = answer.await?;
// inventory: while reserving, asks orders for the customer's limit
let (reply, answer) = oneshot::channel();
orders.send(Limit { customer, reply }).await?;
let limit = answer.await?;
```

### How to fix
Do not wait for a reply from a task that may wait on you: send the information along with the
request, reply with `try_send` or from a separate task, split the task that waits into a reader
and a writer, give the wait a timeout inside a `select!`, or restructure so requests flow in one
direction only (replies never trigger requests back).

### How to allow
`cargo bpcheck -A BP009`, or `// bpcheck:allow(ask-cycle)` on the line of the reported wait or
the line above it.
"#,
};

pub(crate) fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    for cycle in &model.ask_cycles {
        if let Some(d) = diagnostic(model, cycle) {
            out.push(d);
        }
    }
}

fn range(model: &Model, w: Wait) -> Option<crate::source::FileRange> {
    match w {
        Wait::Reply(i) => Some(model.reply_waits[i].range),
        Wait::Send(i) => Some(model.sends[i].range),
        Wait::Runs => None,
    }
}

fn diagnostic(model: &Model, cycle: &AskCycle) -> Option<Diagnostic> {
    let task = |t: u32| model.tasks[t as usize].name.as_str();
    // A run loop blocked by its handler is the same task: not a step to show.
    let mut steps: Vec<_> = cycle
        .steps
        .iter()
        .filter(|s| s.wait != Wait::Runs)
        .cloned()
        .collect();
    let first = (0..steps.len()).min_by_key(|i| range(model, steps[*i].wait))?;
    steps.rotate_left(first);
    let describe = |st: &crate::waits::WaitStep| match st.wait {
        Wait::Reply(_) => format!(
            "`{}` waits here for a reply from `{}`",
            task(st.task),
            task(st.next)
        ),
        Wait::Runs => String::new(),
        Wait::Send(i) => {
            let ch = &model.channels[model.sends[i].chan as usize];
            format!(
                "`{}` waits here while `{}` is full, for `{}` to take from it",
                task(st.task),
                ch.name,
                task(st.next)
            )
        }
    };
    let mut d = Diagnostic::new(
        LintId::AskCycle,
        if steps.len() == 1 {
            format!("`{}` waits for a reply from itself", task(steps[0].task))
        } else {
            "tasks wait on each other in a cycle that includes a reply".to_string()
        },
        range(model, steps[0].wait)?,
        describe(&steps[0]),
    );
    let mut certain = true;
    let mut path = Vec::new();
    for (i, st) in steps.iter().enumerate() {
        certain &= match st.wait {
            Wait::Reply(w) => model.reply_waits[w].certain,
            Wait::Send(s) => model.sends[s].certain,
            Wait::Runs => true,
        };
        if let (true, Some(r)) = (i > 0, range(model, st.wait)) {
            d = d.with_label(r, describe(st));
        }
        path.push(format!(
            "`{}` {} ->",
            task(st.task),
            match st.wait {
                Wait::Reply(_) => "awaits a reply",
                _ => "waits to send",
            }
        ));
    }
    path.push(format!("`{}`", task(steps[0].task)));
    Some(
        d.with_note(format!("cycle: {}", path.join(" ")))
            .with_note("a task that waits for a reply takes no new work; when the one that should reply waits on it in turn, nothing moves again, however large the queues")
            .with_help("send what the other side needs along with the request, reply without waiting (`try_send`, a separate task), split reading and writing into two tasks, or await the reply in a `select!` with a timeout")
            .with_confidence(if certain { Confidence::Certain } else { Confidence::Possible }),
    )
}
