//! Real behaviour behind BP002 on a waker, with real OS threads: the executor of fixture
//! `executor_waker_requeue` (its `executor.rs`, compiled here as it is) runs the fixture's
//! workload, one task per file that hashes a block and yields, as `main.rs` spawns it.
//!
//! `yield_now` wakes its task while the executor thread polls it, so the waker's blocking
//! `send` into the bounded ready queue runs on the executor thread, the queue's only
//! receiver. While the tasks alive fit in the queue there is always room for that send;
//! once the spawner has filled the queue, the executor thread waits for room that only it
//! could make, and the spawner waits for the executor.
//!
//! Each run happens on threads of its own and is watched with a bounded real wait; a
//! stalled run's threads stay blocked until the test process exits. A stall is told from
//! slowness by the work counter: it stops moving, with the executor thread inside a poll
//! (half a second without a block hashed; unblocked, a block takes tens of microseconds).

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::task::{Context, Poll};
use std::thread;
use std::time::{Duration, Instant};

#[path = "../../fixtures/executor_waker_requeue/src/executor.rs"]
mod executor;

use executor::READY_QUEUE;

/// Blocks per file, as in the fixture's `main.rs`; a task yields after each one.
const BLOCKS: u64 = 64;

/// The fixture's default number of files (`main.rs`).
const DEFAULT_FILES: usize = 100;

/// The fixture's `hash_block`, from its `main.rs` (which cannot be compiled here: its items
/// are private to it).
fn hash_block(file: u64, block: u64) -> u64 {
    (0..4096u64).fold(file << 32 | block, |h, i| {
        (h ^ i).wrapping_mul(0x0100_0000_01b3).rotate_left(7)
    })
}

/// Counters the tasks and the spawner update as they go.
#[derive(Default, Debug)]
struct Progress {
    /// Tasks whose `Spawner::spawn` returned.
    spawned: AtomicUsize,
    /// Tasks that hashed all their blocks.
    finished: AtomicUsize,
    /// Blocks hashed, over all tasks.
    blocks: AtomicUsize,
    /// Polls of a task that have started and not returned.
    in_poll: AtomicUsize,
}

impl Progress {
    fn get(counter: &AtomicUsize) -> usize {
        counter.load(Ordering::SeqCst)
    }
}

/// Counts the polls in progress of the future it wraps.
struct Watched<F> {
    future: Pin<Box<F>>,
    progress: Arc<Progress>,
}

impl<F: Future> Future for Watched<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let progress = self.progress.clone();
        progress.in_poll.fetch_add(1, Ordering::SeqCst);
        let poll = self.future.as_mut().poll(cx);
        progress.in_poll.fetch_sub(1, Ordering::SeqCst);
        poll
    }
}

/// The task `main.rs` spawns for one file, with its progress counted.
fn checksum(file: u64, progress: Arc<Progress>) -> impl Future<Output = ()> + Send + 'static {
    let counters = progress.clone();
    let task = async move {
        let mut digest = 0u64;
        for block in 0..BLOCKS {
            digest = digest.wrapping_add(hash_block(file, block));
            counters.blocks.fetch_add(1, Ordering::SeqCst);
            executor::yield_now().await;
        }
        if digest != 0 {
            counters.finished.fetch_add(1, Ordering::SeqCst);
        }
    };
    Watched {
        future: Box::pin(task),
        progress,
    }
}

/// How a run ended.
#[derive(Debug, PartialEq)]
enum Ending {
    /// The executor thread returned: every task ran to its end.
    Finished,
    /// Not finished, and no block hashed for `QUIET`.
    Stalled,
}

/// How long the work counter must stay still for a run to count as stalled. Unblocked,
/// the workload hashes a block every few tens of microseconds, even unoptimised.
const QUIET: Duration = Duration::from_millis(500);

/// Runs the fixture's workload for `files` files the way its `main` does (spawn every
/// file, drop the spawner, join the executor thread) on a thread of its own, and watches
/// it for at most `patience`: it either finishes, or stalls, or fails the test.
fn run(files: usize, patience: Duration) -> (Ending, Arc<Progress>) {
    let progress = Arc::new(Progress::default());
    let (done_tx, done_rx) = mpsc::channel();
    let counters = progress.clone();
    thread::spawn(move || {
        let (spawner, executor_thread) = executor::start();
        for file in 0..files as u64 {
            spawner.spawn(checksum(file, counters.clone()));
            counters.spawned.fetch_add(1, Ordering::SeqCst);
        }
        drop(spawner);
        executor_thread.join().expect("executor thread panicked");
        let _ = done_tx.send(());
    });
    let start = Instant::now();
    let mut blocks = Progress::get(&progress.blocks);
    loop {
        if done_rx.recv_timeout(QUIET).is_ok() {
            return (Ending::Finished, progress);
        }
        let now = Progress::get(&progress.blocks);
        if now == blocks {
            return (Ending::Stalled, progress);
        }
        blocks = now;
        assert!(
            start.elapsed() < patience,
            "{files} files: still hashing after {patience:?}: {progress:?}"
        );
    }
}

#[test]
fn executor_stalls_once_the_spawner_fills_the_ready_queue() {
    // Unblocked, the 100 files take well under a second to hash, even unoptimised.
    let (ending, progress) = run(DEFAULT_FILES, Duration::from_secs(5));
    assert_eq!(ending, Ending::Stalled, "{progress:?}");
    // The executor thread is inside a poll, which can only block in the waker's send.
    assert_eq!(Progress::get(&progress.in_poll), 1, "{progress:?}");
    // The tasks alive are exactly those the queue holds, plus the one being polled.
    let alive = Progress::get(&progress.spawned) - Progress::get(&progress.finished);
    assert_eq!(alive, READY_QUEUE + 1, "{progress:?}");
    // Files were left unhashed, and the spawner is stuck with the ones not yet spawned.
    assert!(
        Progress::get(&progress.finished) < DEFAULT_FILES,
        "{progress:?}"
    );
    assert!(
        Progress::get(&progress.spawned) < DEFAULT_FILES,
        "{progress:?}"
    );
    assert!(
        Progress::get(&progress.blocks) < DEFAULT_FILES * BLOCKS as usize,
        "{progress:?}"
    );
}

#[test]
fn executor_finishes_every_load_the_ready_queue_holds() {
    // With at most `READY_QUEUE` tasks alive, the queue holds all but the one being
    // polled, so the waker always has room: these loads finish whatever the scheduling.
    for files in [1, 8, READY_QUEUE] {
        let (ending, progress) = run(files, Duration::from_secs(5));
        assert_eq!(ending, Ending::Finished, "{files} files: {progress:?}");
        assert_eq!(
            Progress::get(&progress.finished),
            files,
            "{files} files: {progress:?}"
        );
        assert_eq!(
            Progress::get(&progress.blocks),
            files * BLOCKS as usize,
            "{files} files: {progress:?}"
        );
        assert_eq!(Progress::get(&progress.in_poll), 0, "{progress:?}");
    }
}

/// As many files as the stalling load, spawned in batches that each fit in the ready
/// queue (one executor per batch), all finish.
#[test]
fn executor_finishes_the_default_files_in_batches_the_ready_queue_holds() {
    let mut finished = 0;
    let mut left = DEFAULT_FILES;
    while left > 0 {
        let batch = left.min(READY_QUEUE);
        let (ending, progress) = run(batch, Duration::from_secs(5));
        assert_eq!(ending, Ending::Finished, "{progress:?}");
        finished += Progress::get(&progress.finished);
        left -= batch;
    }
    assert_eq!(finished, DEFAULT_FILES);
}

/// The code compiled above is the fixture's: its `main.rs` does the same work, and the
/// tool reports the waker's send.
#[test]
fn the_fixture_code_compiled_here_is_the_fixtures_code() {
    let main = include_str!("../../fixtures/executor_waker_requeue/src/main.rs");
    for line in [
        "const BLOCKS: u64 = 64;",
        ".unwrap_or(100);",
        "(0..4096u64).fold(file << 32 | block, |h, i| {",
        "(h ^ i).wrapping_mul(0x0100_0000_01b3).rotate_left(7)",
        "digest = digest.wrapping_add(hash_block(file, block));",
        "executor::yield_now().await;",
    ] {
        assert!(main.contains(line), "main.rs no longer has `{line}`");
    }
    let marked: Vec<String> =
        bpcheck_tests::expected_findings(&bpcheck_tests::fixture_dir("executor_waker_requeue"))
            .into_iter()
            .map(|k| k.to_string())
            .collect();
    assert_eq!(marked.len(), 1, "{marked:?}");
    assert!(
        marked[0].starts_with("src/executor.rs:") && marked[0].ends_with(" BP002"),
        "{marked:?}"
    );
}
