//! Drop-in for `tokio::sync`: switch with a change of `use` lines.
//!
//! Without the `check` feature everything here is tokio's own type. With it, `mpsc`,
//! `oneshot` and `Semaphore` (with its permits) are checked wrappers with the same API that
//! record what happens for the current `Monitor`; the rest is tokio's.
//! [`std_mpsc`] does the same for `std::sync::mpsc` (threads).

pub use tokio::sync::*;

#[cfg(not(feature = "check"))]
#[path = "plain_mpsc.rs"]
pub mod mpsc;

#[cfg(feature = "check")]
pub mod mpsc;

#[cfg(feature = "check")]
pub mod oneshot;

#[cfg(not(feature = "check"))]
#[path = "plain_std_mpsc.rs"]
pub mod std_mpsc;

/// Checked `std::sync::mpsc` (threads).
#[cfg(feature = "check")]
pub mod std_mpsc;

#[cfg(feature = "check")]
mod semaphore;

#[cfg(feature = "check")]
pub use semaphore::{OwnedSemaphorePermit, Semaphore, SemaphorePermit};

#[cfg(feature = "check")]
mod waiting;

mod admission;

pub use admission::declare_admission;
