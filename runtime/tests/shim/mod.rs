//! The name `tokio` for fixture sources compiled under the shim: a test crate declares
//! `extern crate self as tokio;` and `#[macro_use] mod shim; pub use shim::*;`, so a
//! fixture's `use tokio::sync::mpsc` gets bpcheck's checked channels and its
//! `tokio::spawn` gets `bpcheck::spawn`, while everything else is tokio's own.

#![allow(unused_imports, dead_code)]

pub use bpcheck::spawn;
pub use tokio_rt::{join, pin, select, task, time, try_join};

/// tokio's `sync` with bpcheck's channels and semaphores.
pub mod sync {
    pub use bpcheck::sync::*;
}

use std::future::Future;
use std::time::Duration;

use bpcheck::__private::{run_test, TestOptions};

/// A run gets this long to end or be reported (a liveness bound, not a timing claim).
pub const PATIENCE: Duration = Duration::from_secs(10);

/// How a checked run ended.
#[derive(Debug)]
pub enum Outcome<T> {
    /// The body finished and the monitor found nothing.
    Done(T),
    /// The monitor failed the run with this message.
    Failed(String),
    /// Neither within `PATIENCE`.
    TimedOut,
}

/// Runs `body` the way `#[bpcheck::test]` does, and returns how it ended instead of
/// failing.
pub fn checked<F>(name: &str, multi_thread: bool, body: F) -> Outcome<F::Output>
where
    F: Future,
{
    let options = TestOptions {
        multi_thread,
        worker_threads: multi_thread.then_some(2),
        ..TestOptions::default()
    };
    let run = std::panic::AssertUnwindSafe(|| {
        run_test(name, options, async {
            tokio_rt::time::timeout(PATIENCE, body).await
        })
    });
    match std::panic::catch_unwind(run) {
        Ok(Ok(out)) => Outcome::Done(out),
        Ok(Err(_)) => Outcome::TimedOut,
        Err(payload) => Outcome::Failed(
            payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default(),
        ),
    }
}

/// The message of a run that must be reported; panics otherwise.
pub fn reported<T: std::fmt::Debug>(outcome: Outcome<T>) -> String {
    match outcome {
        Outcome::Failed(message) => message,
        other => panic!("expected a bpcheck report, got {other:?}"),
    }
}

/// The output of a run that must complete; panics otherwise.
pub fn completed<T: std::fmt::Debug>(outcome: Outcome<T>) -> T {
    match outcome {
        Outcome::Done(out) => out,
        other => panic!("expected the run to complete, got {other:?}"),
    }
}
