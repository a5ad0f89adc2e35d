//! Real behaviour behind BP002 between home-grown actors, with real tokio on a paused clock:
//! the checksum farm of fixture `actor_worker_pool_dispatcher` (its `actor.rs` and
//! `pool.rs`, compiled here as they are) takes jobs the way its `main.rs` submits them
//! (copied below and checked against the source).
//!
//! The dispatcher waits to push a job into a worker's mailbox, and the worker, done with a
//! job, waits to ask the dispatcher for the next one. The first worker is handed the first
//! `PREFETCH` jobs: one runs, `WORKER_MAILBOX` wait in its mailbox, the dispatcher waits to
//! push the next, and `DISPATCHER_MAILBOX` more fill the dispatcher's mailbox. From then on
//! the worker, done with its job, waits on the dispatcher, which waits on the worker.
//!
//! This file is the flagged half of the pair; `real_worker_pool_try_send.rs` runs the
//! twin. They cannot share a test crate: both fixtures' `pool.rs` import
//! `crate::actor`, and their `actor.rs` differ.
//!
//! The only timers are the workers' 2 ms of work and the driver's own timeouts, and the
//! paused clock only jumps to a timer when every task is blocked: a run that reaches the
//! driver's timeouts has stopped, not slowed down. Nothing here is random: every run of a
//! load is the same run.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;

#[path = "../../fixtures/actor_worker_pool_dispatcher/src/actor.rs"]
mod actor;

#[path = "../../fixtures/actor_worker_pool_dispatcher/src/pool.rs"]
mod pool;

use pool::{
    Dispatcher, Job, Submit, WantWork, Worker, DISPATCHER_MAILBOX, PREFETCH, WORKER_MAILBOX,
};

/// `WORKERS` in `main.rs` (private there; checked below).
const WORKERS: usize = 4;

/// The fixture's default number of jobs (`main.rs`).
const DEFAULT_JOBS: u64 = 1_000;

/// How long `main.rs` waits for each answer.
const ANSWER_PATIENCE: Duration = Duration::from_secs(5);

/// Virtual time a whole run gets: the default load needs half a second of work.
const PATIENCE: Duration = Duration::from_secs(60);

/// The jobs in the system when it stops: one at work in the first worker, its mailbox
/// full, one in the dispatcher's hand and the dispatcher's mailbox full.
const JOBS_HELD: u64 = (1 + WORKER_MAILBOX + 1 + DISPATCHER_MAILBOX) as u64;

// The first worker's prefetch does not fit in its mailbox, so the dispatcher waits on it.
const _: () = assert!(PREFETCH > WORKER_MAILBOX + 1);

/// How a run ended.
#[derive(Debug, PartialEq)]
struct Farm {
    /// Jobs whose submission returned.
    submitted: u64,
    /// What `main.rs` prints as answered; `None` when it never got to print (stuck
    /// submitting).
    answered: Option<u64>,
}

/// `main.rs`: starts the dispatcher and the workers, submits `jobs` jobs waiting for room,
/// then waits for each answer in turn.
async fn checksum_farm(jobs: u64, submitted: Arc<AtomicU64>) -> u64 {
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
        let (reply, answer) = oneshot::channel();
        let job = Job {
            id,
            payload: id.to_le_bytes().repeat(64),
            reply,
        };
        if dispatcher.send(Submit(job)).await.is_err() {
            break;
        }
        submitted.fetch_add(1, Ordering::SeqCst);
        answers.push(answer);
    }

    let mut answered = 0;
    for answer in answers {
        match tokio::time::timeout(ANSWER_PATIENCE, answer).await {
            Ok(Ok(_checksum)) => answered += 1,
            Ok(Err(_)) => {}
            Err(_) => break,
        }
    }
    answered
}

/// Runs `system` on a fresh current-thread runtime with the clock paused.
fn on_paused_clock<T>(system: impl Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("runtime")
        .block_on(system)
}

fn run(jobs: u64) -> Farm {
    let submitted = Arc::new(AtomicU64::new(0));
    let counter = submitted.clone();
    let answered = on_paused_clock(async move {
        tokio::time::timeout(PATIENCE, checksum_farm(jobs, counter))
            .await
            .ok()
    });
    Farm {
        submitted: submitted.load(Ordering::SeqCst),
        answered,
    }
}

#[test]
fn dispatcher_and_worker_stop_each_other_under_the_default_load() {
    for jobs in [JOBS_HELD + 1, 100, DEFAULT_JOBS, 10 * DEFAULT_JOBS] {
        // The client waits forever to submit the job after those the system holds.
        assert_eq!(
            run(jobs),
            Farm {
                submitted: JOBS_HELD,
                answered: None,
            },
            "{jobs} jobs"
        );
    }
}

/// With exactly the jobs the system holds when it stops, every submission returns, and
/// the client sees one answer (the first worker's first job) and then nothing.
#[test]
fn dispatcher_and_worker_stop_each_other_once_their_mailboxes_are_full() {
    assert_eq!(
        run(JOBS_HELD),
        Farm {
            submitted: JOBS_HELD,
            answered: Some(1),
        }
    );
}

/// One job fewer and the dispatcher's mailbox has room for the worker's request: every job
/// is answered. The stall is the full mailboxes, not a bug in the farm.
#[test]
fn dispatcher_pool_answers_every_load_below_its_mailboxes() {
    for jobs in [1, WORKER_MAILBOX as u64, PREFETCH as u64, JOBS_HELD - 1] {
        assert_eq!(
            run(jobs),
            Farm {
                submitted: jobs,
                answered: Some(jobs),
            },
            "{jobs} jobs"
        );
    }
}

/// The driver copied above is the fixture's own `main.rs`.
#[test]
fn the_driver_copied_here_is_the_fixtures_main() {
    let main = include_str!("../../fixtures/actor_worker_pool_dispatcher/src/main.rs");
    for line in [
        "const WORKERS: usize = 4;",
        ".unwrap_or(1_000);",
        "let dispatcher = actor::start(Dispatcher::new(), DISPATCHER_MAILBOX);",
        "let worker = actor::start(Worker::new(id, dispatcher.clone()), WORKER_MAILBOX);",
        "slots: PREFETCH,",
        "dispatcher.send(want).await.expect(\"dispatcher stopped\");",
        "payload: id.to_le_bytes().repeat(64),",
        "if dispatcher.send(Submit(job)).await.is_err() {",
        "match tokio::time::timeout(Duration::from_secs(5), answer).await {",
    ] {
        assert!(main.contains(line), "main.rs no longer has `{line}`");
    }
    let pool = include_str!("../../fixtures/actor_worker_pool_dispatcher/src/pool.rs");
    assert!(pool.contains("const WORK_TIME: Duration = Duration::from_millis(2);"));
}

/// The farm that stops is the one the tool reports: both waiting sends of the dispatcher.
#[test]
fn the_stalling_farm_is_the_reported_one() {
    let marked: Vec<String> = bpcheck_tests::expected_findings(&bpcheck_tests::fixture_dir(
        "actor_worker_pool_dispatcher",
    ))
    .into_iter()
    .map(|k| k.to_string())
    .collect();
    assert_eq!(marked.len(), 2, "{marked:?}");
    for finding in &marked {
        assert!(
            finding.starts_with("src/pool.rs:") && finding.ends_with(" BP002"),
            "{marked:?}"
        );
    }
}
