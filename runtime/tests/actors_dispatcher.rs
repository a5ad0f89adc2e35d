//! The worker pool of fixture `actor_worker_pool_dispatcher` (its `actor.rs` and `pool.rs`
//! compiled as they are, with `tokio` naming the shim), driven as its `main.rs` drives it:
//! the dispatcher waits on a worker's full mailbox while the worker waits on the
//! dispatcher's, and the shim reports that cycle instead of hanging.

#![cfg(feature = "check")]

extern crate self as tokio;

mod shim;

pub use shim::*;

#[path = "../../fixtures/actor_worker_pool_dispatcher/src/actor.rs"]
#[allow(dead_code)]
mod actor;

#[path = "../../fixtures/actor_worker_pool_dispatcher/src/pool.rs"]
#[allow(dead_code)]
mod pool;

use pool::{
    Dispatcher, Job, Submit, WantWork, Worker, DISPATCHER_MAILBOX, PREFETCH, WORKER_MAILBOX,
};

/// `WORKERS` in `main.rs`.
const WORKERS: usize = 4;

/// `main.rs`: starts the pool and submits `jobs` jobs; returns how many were answered.
async fn farm(jobs: u64) -> usize {
    let dispatcher = actor::start(Dispatcher::new(), DISPATCHER_MAILBOX);
    for id in 0..WORKERS {
        let worker = actor::start(Worker::new(id, dispatcher.clone()), WORKER_MAILBOX);
        let want = WantWork {
            worker,
            slots: PREFETCH,
        };
        dispatcher.send(want).await.expect("dispatcher stopped");
    }
    let mut answers = Vec::new();
    for id in 0..jobs {
        let (reply, answer) = bpcheck::sync::oneshot::channel();
        let job = Job {
            id,
            payload: id.to_le_bytes().repeat(64),
            reply,
        };
        if dispatcher.send(Submit(job)).await.is_err() {
            break;
        }
        answers.push(answer);
    }
    let mut answered = 0;
    for answer in answers {
        if answer.await.is_ok() {
            answered += 1;
        }
    }
    answered
}

#[test]
fn dispatcher_and_worker_waiting_on_each_other_are_reported() {
    const ACTOR: &str = "fixtures/actor_worker_pool_dispatcher/src/actor.rs";
    const POOL: &str = "fixtures/actor_worker_pool_dispatcher/src/pool.rs";
    for multi in [false, true] {
        let message = reported(checked("worker_pool_dispatcher", multi, farm(1_000)));
        assert!(message.starts_with("bpcheck: deadlock: "), "{message}");
        // Both mailboxes are made and served by `start` in actor.rs; the sends that wait
        // are the framework's `send` (actor.rs:65), called by the handlers in pool.rs.
        assert!(
            message.contains(&format!("spawned at {ACTOR}:")),
            "{message}"
        );
        assert!(
            message.contains(&format!("to send on the channel created at {ACTOR}:")),
            "{message}"
        );
        assert!(message.contains("(capacity 4, full)"), "{message}");
        assert!(message.contains("(capacity 16, full)"), "{message}");
        assert_eq!(message.matches(" -> ").count(), 2, "{message}");
        let _ = POOL;
    }
}
