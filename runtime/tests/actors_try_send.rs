//! The fixed twin of the worker pool, fixture `actor_worker_pool_try_send` (its `actor.rs`
//! and `pool.rs` compiled as they are, with `tokio` naming the shim): the framework's send
//! never waits, so the pool always gets through its jobs, and the shim stays silent.

#![cfg(feature = "check")]

extern crate self as tokio;

mod shim;

pub use shim::*;

use std::time::Duration;

#[path = "../../fixtures/actor_worker_pool_try_send/src/actor.rs"]
#[allow(dead_code)]
mod actor;

#[path = "../../fixtures/actor_worker_pool_try_send/src/pool.rs"]
#[allow(dead_code)]
mod pool;

use pool::{
    Dispatcher, Job, Submit, WantWork, Worker, DISPATCHER_MAILBOX, PREFETCH, WORKER_MAILBOX,
};

/// `WORKERS` in `main.rs`.
const WORKERS: usize = 4;

/// `main.rs`: submits `jobs` jobs, backing off when the dispatcher is busy; returns how
/// many submissions were answered or rejected (every one of them ends).
async fn farm(jobs: u64) -> (usize, usize) {
    let dispatcher = actor::start(Dispatcher::new(), DISPATCHER_MAILBOX);
    for id in 0..WORKERS {
        let worker = actor::start(Worker::new(id, dispatcher.clone()), WORKER_MAILBOX);
        let want = WantWork {
            worker,
            slots: PREFETCH,
        };
        dispatcher
            .send(want)
            .await
            .expect("dispatcher full at start");
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
            tokio_rt::time::sleep(Duration::from_millis(1)).await;
            continue;
        }
        answers.push(answer);
    }
    let submitted = answers.len();
    let mut ended = 0;
    for answer in answers {
        // Answered, or the job was dropped and its reply channel closed.
        let _ = answer.await;
        ended += 1;
    }
    (submitted, ended)
}

#[test]
fn the_try_send_pool_completes_without_a_report() {
    for multi in [false, true] {
        let (submitted, ended) = completed(checked("worker_pool_try_send", multi, farm(20)));
        assert!(submitted > 0);
        assert_eq!(submitted, ended);
    }
}
