//! BP011 `futurelock`: a future that holds a place in a resource's line, kept alive by a
//! `select!` that no longer polls it, while its task waits for the same resource.

use super::LintInfo;
use crate::diagnostic::{Confidence, Diagnostic, Level};
use crate::dormant::{Futurelock, Resource, SecondWait};
use crate::lints::LintId;
use crate::model::Model;

pub(crate) static INFO: LintInfo = LintInfo {
    code: "BP011",
    name: "futurelock",
    default_level: Level::Deny,
    summary: "a future waiting in a lock's, semaphore's or channel's line is left unpolled by `select!` while its task waits for the same resource",
    doc: r#"### What it detects
A future that waits in line for a resource, created before a `select!` and polled there by
reference, while the same task waits for the same resource again:
1. the future is bound first (`let fut = ..;` then `tokio::pin!(fut)`, `Box::pin(..)`,
   `.boxed()`, `pin!(..)`) and a branch polls it in place (`&mut fut`, `fut.as_mut()`,
   `Pin::new(&mut fut)`, a bare `fut` in `futures::select!`), or a bare `fut` pinned in place
   is moved into tokio's `select!` (the pinned reference moves; the future lives on, never
   polled again, until the end of its block);
2. it waits for a tokio `Mutex` or `RwLock` (`lock`, `read`, `write`), a tokio `Semaphore`
   permit (`acquire`, `acquire_owned`, `acquire_many`), or a slot of a bounded tokio mpsc
   channel (`send`, `reserve`), directly or inside a crate `async fn` it calls;
3. while it is alive and not polled, the task waits for the same lock, semaphore or channel
   (followed through clones, fields and calls): in another branch's handler, after the
   `select!`, or on a later turn of the loop around it, directly or through a crate function.

Not reported: the future is dropped first (`drop(fut)`, a new value assigned, the end of its
block), it is created inside the `select!` (the macro drops it), it runs as its own task
(`tokio::spawn`), the second attempt never waits (`try_lock`, `try_acquire`, `try_send`) or
awaits the same future again (`(&mut fut).await`), or both are shared reads of a `RwLock`. A
channel with room for more than one message, or a semaphore with more than one permit, is not
reported: one unpolled waiter holds one slot and the second wait takes another. Locks that
wake a waiter without handing it the lock are not followed: a later `futures::lock::Mutex`
attempt takes the freed lock; `async_lock`'s locks and semaphores hand off only in their
starvation mode, after a wait of their own choosing.

The finding is `possible` when the resource's identity went through something the analysis
merges (a parameter that several callers fill, a capacity or permit count it cannot read).

### Why it matters
These resources hand a freed lock, permit or slot to the first waiter in line, whether or not
anyone polls that waiter's future again. When another branch of the `select!` wins, the
future stays alive but unpolled: the resource is handed to it and stays with it. The task
then waits for the same resource behind it, and nothing ever moves again: no cycle between
tasks, no load needed, just one task deadlocked on itself. A bounded channel looks empty to
its receiver while every sender waits.

### Example
```rust
let lock = Box::pin(state.lock());
tokio::select! {
    guard = lock.as_mut() => use_it(guard),
    _ = tokio::time::sleep(Duration::from_millis(10)) => {
        // `lock` is alive and unpolled, first in line
        let guard = state.lock().await; // waits forever
    }
}
```

### How to fix
Drop the waiting future before waiting again (`drop(lock)`), create it inside the `select!`
so the macro drops it when another branch wins, run it as a task of its own
(`tokio::spawn`), or keep polling it: await `&mut lock` instead of starting a second wait.

### How to allow
`cargo bpcheck -A BP011`, or `// bpcheck:allow(futurelock)` on the line of the future's
creation or the line above it.
"#,
};

pub(crate) fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    for f in &model.futurelocks {
        out.push(diagnostic(model, f));
    }
}

/// The resource in words: `` the tokio mutex `state` ``.
fn resource(model: &Model, r: Resource) -> (String, &'static str) {
    match r {
        Resource::Lock(l) => {
            let lock = &model.locks[l as usize];
            (
                format!("the {} `{}`", lock.kind.name(), lock.name),
                "a freed lock goes to the first waiter in line",
            )
        }
        Resource::Sem(s) => (
            format!("the semaphore `{}`", model.semaphores[s as usize].name),
            "a freed permit goes to the first waiter in line",
        ),
        Resource::Chan(c) => (
            format!("the bounded channel `{}`", model.channels[c as usize].name),
            "a freed slot goes to the first sender in line",
        ),
    }
}

fn diagnostic(model: &Model, f: &Futurelock) -> Diagnostic {
    let (what, handoff) = resource(model, f.resource);
    let created = match &f.created_via {
        Some(h) => format!(
            "`{}` holds this call of `{h}`, which waits in line for {what}",
            f.local
        ),
        None => format!(
            "`{}` holds this future, which waits in line for {what}",
            f.local
        ),
    };
    let when = match f.at {
        SecondWait::OtherBranch => "in another branch",
        SecondWait::AfterSelect => "after the `select!`",
        SecondWait::NextTurn => "on the next turn of the loop",
    };
    let second = match &f.second_via {
        Some(h) => format!(
            "{when}, while `{}` is alive and unpolled, the same task waits for {what} again (in `{h}`)",
            f.local
        ),
        None => format!(
            "{when}, while `{}` is alive and unpolled, the same task waits for {what} again",
            f.local
        ),
    };
    let mut d = Diagnostic::new(
        LintId::Futurelock,
        format!(
            "`{}` waits in line for {what} and is left unpolled by `select!` while its task waits for it again",
            f.local
        ),
        f.created,
        created,
    )
    .with_label(
        f.polled,
        "polled here by reference: when another branch wins, it stays alive and keeps its place in line",
    );
    if let Some(r) = f.abandoned {
        d = d.with_label(
            r,
            format!("when this branch wins, `{}` stays alive, unpolled", f.local),
        );
    }
    d.with_label(f.second, second)
    .with_note(format!(
        "{handoff}, polled or not: it is handed to `{}`, which nobody polls, and this wait never ends{}",
        f.local,
        if matches!(f.resource, Resource::Chan(_)) {
            " (the receiver sees an empty queue while every sender waits)"
        } else {
            ""
        }
    ))
    .with_help(format!(
        "drop it first (`drop({})`), create it inside the `select!` so the macro drops it, run it as its own task (`tokio::spawn`), or keep polling it (await `&mut {}`) instead of waiting again",
        f.local, f.local
    ))
    .with_confidence(if f.certain {
        Confidence::Certain
    } else {
        Confidence::Possible
    })
}
