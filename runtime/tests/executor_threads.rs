//! Threads under the shim: the executor of fixture `executor_waker_requeue`, whose waker's
//! blocking `send` into the bounded ready queue runs on the executor thread, the queue's
//! only receiver. `copies/executor.rs` is the fixture's `executor.rs` with its
//! `std::sync::mpsc` import switched to `bpcheck::sync::std_mpsc` (and sorted by rustfmt;
//! checked below), driven
//! the way the fixture's `main.rs` drives it. Once the spawner fills the queue the executor
//! thread waits on itself: reported as a cycle of one thread, instead of a hang. A load
//! that fits in the queue completes.

#![cfg(feature = "check")]

mod shim;

#[allow(dead_code)]
#[path = "copies/executor.rs"]
mod executor;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use shim::{checked, completed, reported};

/// `BLOCKS` in the fixture's `main.rs`.
const BLOCKS: u64 = 64;

/// `hash_block` of the fixture's `main.rs`.
fn hash_block(file: u64, block: u64) -> u64 {
    (0..4096u64).fold(file << 32 | block, |h, i| {
        (h ^ i).wrapping_mul(0x0100_0000_01b3).rotate_left(7)
    })
}

/// The fixture's `main.rs`: hashes `files` files on the executor; returns how many finished.
fn hash_files(files: u64) -> usize {
    let finished = Arc::new(AtomicUsize::new(0));
    let (spawner, thread) = executor::start();
    for file in 0..files {
        let finished = finished.clone();
        spawner.spawn(async move {
            let mut digest = 0u64;
            for block in 0..BLOCKS {
                digest = digest.wrapping_add(hash_block(file, block));
                executor::yield_now().await;
            }
            if digest != 0 {
                finished.fetch_add(1, Ordering::Relaxed);
            }
        });
    }
    drop(spawner);
    thread.join().expect("executor thread panicked");
    finished.load(Ordering::Relaxed)
}

/// Runs `hash_files` on a thread of the test's runtime's blocking pool (where the monitor
/// is current), so the watchdog can end the test while that thread stays blocked.
async fn on_threads(files: u64) -> usize {
    tokio_rt::task::spawn_blocking(move || hash_files(files))
        .await
        .expect("driver thread")
}

#[test]
fn the_executor_waiting_on_its_own_ready_queue_is_reported() {
    let message = reported(checked("executor_waker_requeue", false, on_threads(100)));
    let expected = "bpcheck: deadlock: thread executor waits at runtime/tests/copies/executor.rs:31 to send on the channel created at runtime/tests/copies/executor.rs:73 (capacity 16, full) -> back to thread executor";
    assert_eq!(message, expected);
}

#[test]
fn a_load_that_fits_in_the_ready_queue_completes() {
    let files = executor::READY_QUEUE as u64 - 1;
    assert_eq!(
        completed(checked("executor_small_load", false, on_threads(files))),
        files as usize
    );
}

#[test]
fn the_copy_is_the_fixture_with_the_import_switched() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixture =
        std::fs::read_to_string(root.join("../fixtures/executor_waker_requeue/src/executor.rs"))
            .unwrap();
    let copy = std::fs::read_to_string(root.join("tests/copies/executor.rs")).unwrap();
    let switched = fixture.replace(
        "use std::sync::mpsc::{sync_channel, Receiver, SyncSender};",
        "use bpcheck::sync::std_mpsc::{sync_channel, Receiver, SyncSender};",
    );
    assert_ne!(switched, fixture);
    // rustfmt sorts the copy's imports: the same lines, the `use`s in another order.
    let sorted = |text: &str| {
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        lines.sort();
        lines
    };
    assert_eq!(sorted(&copy), sorted(&switched));
    fn body(text: &str) -> Vec<&str> {
        text.lines().filter(|l| !l.starts_with("use ")).collect()
    }
    assert_eq!(body(&copy), body(&switched));
}
