//! The crate users depend on: the declaration macros of cargo-bpcheck, and a runtime shim
//! that checks the same invariants while the user's tests run.
//!
//! - [`sync`]: tokio's channels and semaphores, drop-in. Without the `check` feature they
//!   are tokio's own types; with it (turn it on from `[dev-dependencies]`) they record
//!   what happens for the current `Monitor`.
//! - [`spawn`] / [`spawn_named`]: `tokio::spawn` that names tasks in reports.
//! - `#[bpcheck::test]`: `#[tokio::test]` with a monitor for the test alone, failing the
//!   test on a deadlock, an ask cycle, growth past budget or a leaked permit.
//!
//! ```
//! use bpcheck::sync::mpsc;
//!
//! #[bpcheck::test(flavor = "multi_thread", worker_threads = 2)]
//! async fn pipeline_drains() {
//!     let (tx, mut rx) = mpsc::channel_named("jobs", 4);
//!     bpcheck::spawn_named("producer", async move {
//!         for n in 0..10 {
//!             tx.send(n).await.unwrap();
//!         }
//!     });
//!     let mut sum = 0;
//!     while let Some(n) = rx.recv().await {
//!         sum += n;
//!     }
//!     assert_eq!(sum, 45);
//! }
//! ```
//!
//! The declarations (`channel!`, `#[actor]`, `#[gateway]`, `topology!`, `#[allow]`) cost
//! nothing at run time; the compiler checks them where they are written and `cargo bpcheck`
//! holds the code to them:
//!
//! ```
//! bpcheck::topology! {
//!     channel jobs: 8;
//!     actor worker;
//! }
//!
//! #[bpcheck::actor(name = "worker", mailbox = 8)]
//! fn worker(jobs: std::sync::mpsc::Receiver<u32>) -> u32 {
//!     jobs.iter().sum()
//! }
//!
//! #[bpcheck::allow(BP004, reason = "one worker thread for the whole run")]
//! fn main() {
//!     let (tx, rx) = bpcheck::channel!(jobs, 8, flavor = std); // std::sync::mpsc::sync_channel(8)
//!     let handle = std::thread::spawn(move || worker(rx));
//!     for n in 0..4 {
//!         tx.send(n).unwrap();
//!     }
//!     drop(tx);
//!     assert_eq!(handle.join().unwrap(), 6);
//! }
//! ```
//!
//! With `flavor = bpcheck`, `channel!` makes the shim's channel, named after the
//! declaration in its reports (`bpcheck::sync::mpsc::channel_named("jobs", 8)`):
//!
//! ```
//! let (tx, mut rx) = bpcheck::channel!(jobs, 8, flavor = bpcheck);
//! tx.try_send(1u8).unwrap();
//! assert_eq!(rx.try_recv().unwrap(), 1);
//! ```

pub use bpcheck_macros::{actor, allow, channel, gateway, test, topology};

extern crate tokio_rt as tokio;

mod spawn;
pub mod sync;
mod test_support;

pub use spawn::{spawn, spawn_named};

#[cfg(feature = "check")]
mod monitor;

#[cfg(feature = "check")]
pub use monitor::{
    assert_no_deadlock, monitor, report, ChannelStats, Config, EnterGuard, Finding, FindingKind,
    Monitor, Report, SpawnStats,
};

/// Used by macro expansions; not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::test_support::{run_test, TestOptions};
    pub use tokio_rt as tokio;
}
