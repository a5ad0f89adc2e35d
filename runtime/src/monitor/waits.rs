//! Waits in progress: a send on a full channel, a receive on an empty one, a reply not yet
//! come, a permit not yet granted. Registered only when an operation actually waits, and
//! removed by a guard, so a cancelled `select!` branch or a panicking task deregisters.

use std::panic::Location;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use super::registry::{ChannelMeta, OneshotMeta};
use super::{lock, Monitor, TaskKey};

/// What a task waits for.
#[derive(Clone)]
pub(crate) enum WaitKind {
    /// Room in a full bounded channel.
    Send(Arc<ChannelMeta>),
    /// A reply on a oneshot channel.
    Reply(Arc<OneshotMeta>),
    /// Anything else the monitor sees (a receive, a permit): the task can be woken by it,
    /// so it is not stuck only in its sends.
    Other,
}

/// A registered wait.
#[derive(Clone)]
pub(crate) struct Wait {
    pub(crate) task: TaskKey,
    pub(crate) kind: WaitKind,
    pub(crate) site: &'static Location<'static>,
    pub(crate) since: Instant,
    /// Times the waiting future was polled: a task woken by another `select!` branch polls
    /// it again.
    pub(crate) polls: Arc<AtomicU64>,
}

/// Deregisters its wait when dropped.
pub(crate) struct WaitGuard {
    monitor: Monitor,
    id: u64,
    polls: Arc<AtomicU64>,
}

impl WaitGuard {
    /// The waiting future was polled again.
    pub(crate) fn polled(&self) {
        self.polls.fetch_add(1, Ordering::Relaxed);
    }
}

impl Drop for WaitGuard {
    fn drop(&mut self) {
        lock(&self.monitor.inner.waits).remove(&self.id);
    }
}

pub(crate) fn register(
    monitor: &Monitor,
    kind: WaitKind,
    site: &'static Location<'static>,
) -> WaitGuard {
    let id = monitor.next_id();
    monitor.note_thread(TaskKey::current());
    let polls = Arc::new(AtomicU64::new(0));
    let wait = Wait {
        task: TaskKey::current(),
        kind,
        site,
        since: Instant::now(),
        polls: polls.clone(),
    };
    lock(&monitor.inner.waits).insert(id, wait);
    WaitGuard {
        monitor: monitor.clone(),
        id,
        polls,
    }
}
