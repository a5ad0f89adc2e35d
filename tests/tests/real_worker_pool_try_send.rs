//! Real behaviour of the silent twin of `actor_worker_pool_dispatcher`, with real tokio on
//! a paused clock: fixture `actor_worker_pool_try_send` (its `actor.rs` and `pool.rs`,
//! compiled here as they are; `Addr::send` is a `try_send`) takes jobs the way its
//! `main.rs` submits them (copied below and checked against the source), under the loads
//! that stop the flagged farm (`real_worker_pool_dispatcher.rs`, which cannot share this
//! test crate: both fixtures' `pool.rs` import `crate::actor`, and their `actor.rs` differ).
//!
//! No task ever waits for room, so no run hangs: `main.rs` always returns. But the farm
//! does not answer or reject every job. A worker's credit with the dispatcher (the slots
//! it asked for) is spent on each job handed to it, and only comes back through the
//! `WantWork` the worker posts after finishing one; a job dropped at the worker's full
//! mailbox, or a `WantWork` that finds the dispatcher's mailbox full, loses that credit for
//! good. Once every worker's credit is gone the dispatcher keeps each new job in `pending`,
//! reply sender and all: those jobs are never answered nor rejected, and `main.rs` only
//! returns through its own 5 s timeout. Under the fixture's default load that happens
//! early: every credit is spent once and none comes back.
//!
//! Each job's fate is read after the run: answered, dropped (its reply sender was
//! dropped), rejected at submission, or stranded (still unanswered a minute of idle
//! virtual time later). The paused clock only jumps to a timer when every task is blocked,
//! so a stranded job is one nothing will ever answer. Nothing here is random: every run of
//! a load is the same run.

use std::time::Duration;

use tokio::sync::oneshot;

#[path = "../../fixtures/actor_worker_pool_try_send/src/actor.rs"]
mod actor;

#[path = "../../fixtures/actor_worker_pool_try_send/src/pool.rs"]
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

/// Idle virtual time after which a job still unanswered counts as stranded.
const LATER: Duration = Duration::from_secs(60);

/// Virtual time a whole run gets: `LATER`, and a minute for `main.rs` (the largest load
/// below needs about six seconds, its timeout included).
const PATIENCE: Duration = Duration::from_secs(60 + LATER.as_secs());

/// The jobs the flagged farm holds when it stops (`real_worker_pool_dispatcher.rs`): the
/// twin is run on loads around it.
const FLAGGED_HOLDS: u64 = (1 + WORKER_MAILBOX + 1 + DISPATCHER_MAILBOX) as u64;

/// The fate of every job of a run.
#[derive(Debug, Default, PartialEq)]
struct Fates {
    /// What `main.rs` prints as answered (it stops counting at the first timeout).
    main_answered: u64,
    answered: u64,
    /// Accepted by the dispatcher, then dropped by the farm: the client's reply closed.
    dropped: u64,
    /// Refused at submission: the dispatcher's mailbox was full.
    rejected: u64,
    /// Accepted, and neither answered nor dropped.
    stranded: u64,
}

impl Fates {
    fn total(&self) -> u64 {
        self.answered + self.dropped + self.rejected + self.stranded
    }
}

/// `main.rs`: starts the dispatcher and the workers, submits `jobs` jobs (backing off 1 ms
/// after each rejection), then waits for each answer in turn; and then reads the fate of
/// every job.
async fn checksum_farm(jobs: u64) -> Fates {
    let mut fates = Fates::default();
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
        let (reply, answer) = oneshot::channel();
        let job = Job {
            id,
            payload: id.to_le_bytes().repeat(64),
            reply,
        };
        if dispatcher.send(Submit(job)).await.is_err() {
            // Rejected: the dispatcher is overloaded. Back off a little.
            tokio::time::sleep(Duration::from_millis(1)).await;
            fates.rejected += 1;
            continue;
        }
        answers.push(answer);
    }

    let mut seen = 0;
    for answer in answers.iter_mut() {
        match tokio::time::timeout(ANSWER_PATIENCE, answer).await {
            Ok(Ok(_checksum)) => {
                fates.main_answered += 1;
                fates.answered += 1;
            }
            Ok(Err(_)) => fates.dropped += 1,
            Err(_) => break,
        }
        seen += 1;
    }
    // `main.rs` stops here. The jobs it did not wait for:
    tokio::time::sleep(LATER).await;
    for mut answer in answers.into_iter().skip(seen) {
        match answer.try_recv() {
            Ok(_checksum) => fates.answered += 1,
            Err(oneshot::error::TryRecvError::Closed) => fates.dropped += 1,
            Err(oneshot::error::TryRecvError::Empty) => fates.stranded += 1,
        }
    }
    fates
}

/// Runs `jobs` jobs on a fresh current-thread runtime with the clock paused; fails the test
/// if the run does not return.
fn run(jobs: u64) -> Fates {
    let fates = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("runtime")
        .block_on(async { tokio::time::timeout(PATIENCE, checksum_farm(jobs)).await })
        .unwrap_or_else(|_| panic!("{jobs} jobs: the try_send farm hung"));
    assert_eq!(fates.total(), jobs, "{jobs} jobs: {fates:?}");
    fates
}

/// Every load returns, including those that stop the flagged farm.
#[test]
fn try_send_pool_never_hangs() {
    for jobs in [1, FLAGGED_HOLDS, 100, DEFAULT_JOBS, 10 * DEFAULT_JOBS] {
        let fates = run(jobs);
        assert!(fates.answered > 0, "{jobs} jobs: {fates:?}");
    }
}

/// Up to a few hundred jobs every job is answered, or shed with its client told so, and
/// `main.rs` sees every answer: the same loads stop the flagged farm.
#[test]
fn try_send_pool_answers_or_sheds_every_job_of_a_moderate_load() {
    for jobs in [1, FLAGGED_HOLDS - 1, FLAGGED_HOLDS, FLAGGED_HOLDS + 1, 100] {
        let fates = run(jobs);
        assert_eq!(fates.stranded, 0, "{jobs} jobs: {fates:?}");
        assert_eq!(
            fates.main_answered, fates.answered,
            "{jobs} jobs: {fates:?}"
        );
    }
    let fates = run(100);
    assert!(fates.answered > 0, "{fates:?}");
    assert!(
        fates.dropped + fates.rejected > 0,
        "100 jobs, none shed: {fates:?}"
    );
}

/// Not what the pair is meant to show: under the fixture's default load the farm answers a
/// few dozen jobs and then strands most of the rest in the dispatcher, with every task
/// idle. Every worker's credit was spent once (on a job answered or dropped) and no
/// `WantWork` got through (18 answered, 14 dropped, 59 rejected, 909 stranded while this was
/// written). BP002 is right to stay silent (no send waits), but the twin is not a fix.
#[test]
fn try_send_pool_strands_most_jobs_of_the_default_load() {
    for jobs in [DEFAULT_JOBS, 10 * DEFAULT_JOBS] {
        let fates = run(jobs);
        assert!(fates.stranded >= jobs / 2, "{jobs} jobs: {fates:?}");
        assert_eq!(
            fates.answered + fates.dropped,
            (WORKERS * PREFETCH) as u64,
            "{jobs} jobs: only the workers' first credits were used: {fates:?}"
        );
        assert!(fates.main_answered < jobs, "{fates:?}");
    }
}

/// The driver copied above is the fixture's own `main.rs`.
#[test]
fn the_driver_copied_here_is_the_fixtures_main() {
    let main = include_str!("../../fixtures/actor_worker_pool_try_send/src/main.rs");
    for line in [
        "const WORKERS: usize = 4;",
        ".unwrap_or(1_000);",
        "let dispatcher = actor::start(Dispatcher::new(), DISPATCHER_MAILBOX);",
        "let worker = actor::start(Worker::new(id, dispatcher.clone()), WORKER_MAILBOX);",
        "slots: PREFETCH,",
        ".expect(\"dispatcher full at start\");",
        "payload: id.to_le_bytes().repeat(64),",
        "if dispatcher.send(Submit(job)).await.is_err() {",
        "tokio::time::sleep(Duration::from_millis(1)).await;",
        "match tokio::time::timeout(Duration::from_secs(5), answer).await {",
    ] {
        assert!(main.contains(line), "main.rs no longer has `{line}`");
    }
    // The same farm as the flagged fixture, with the same sizes.
    let flagged = include_str!("../../fixtures/actor_worker_pool_dispatcher/src/pool.rs");
    let twin = include_str!("../../fixtures/actor_worker_pool_try_send/src/pool.rs");
    for constant in [
        "pub const DISPATCHER_MAILBOX: usize = 16;",
        "pub const WORKER_MAILBOX: usize = 4;",
        "pub const PREFETCH: usize = 8;",
        "const WORK_TIME: Duration = Duration::from_millis(2);",
    ] {
        assert!(
            flagged.contains(constant) && twin.contains(constant),
            "{constant}"
        );
    }
    let actor = include_str!("../../fixtures/actor_worker_pool_try_send/src/actor.rs");
    assert!(actor.contains(".try_send(Box::new(Packed(msg)))"));
}

/// The tool says nothing about this farm.
#[test]
fn the_try_send_farm_is_silent() {
    let marked =
        bpcheck_tests::expected_findings(&bpcheck_tests::fixture_dir("actor_worker_pool_try_send"));
    assert!(marked.is_empty(), "{marked:?}");
}
