//! Per-object metadata: what the monitor records about each channel, semaphore and oneshot.
//! The counters are relaxed atomics touched on every operation; sets of tasks are behind
//! mutexes touched only when they change.

use std::collections::HashSet;
use std::panic::Location;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use super::task::TaskKey;
use super::Monitor;

/// What the monitor knows about one mpsc channel.
pub(crate) struct ChannelMeta {
    pub(crate) id: u64,
    /// `channel_named` / `channel!` name, if any.
    pub(crate) name: Option<String>,
    /// Where the channel was created.
    pub(crate) site: &'static Location<'static>,
    /// `None` for an unbounded channel.
    pub(crate) capacity: Option<usize>,
    /// Highest number of messages queued at once.
    pub(crate) high_water: AtomicUsize,
    /// Messages sent (the one read-modify-write of a send).
    pub(crate) sent: AtomicU64,
    /// Messages received: stored by the channel's single receiver from its own count.
    pub(crate) received: AtomicU64,
    /// Tasks seen sending, with a sampled count and the first send's site.
    pub(crate) senders: Mutex<Vec<(TaskKey, u64, &'static Location<'static>)>>,
    /// Tasks seen receiving, with a sampled count.
    pub(crate) receivers: Mutex<Vec<(TaskKey, u64)>>,
    /// The task waiting in `recv` on this channel, if any.
    pub(crate) recv_waiter: Mutex<Option<TaskKey>>,
    /// An unbounded channel went past its budget (reported once).
    pub(crate) over_budget: std::sync::atomic::AtomicBool,
    /// The semaphore whose permits admit messages into this channel (`declare_admission`).
    pub(crate) admission: OnceLock<std::sync::Arc<SemaphoreMeta>>,
    pub(crate) monitor: Monitor,
}

/// Sends and receives are sampled for the task lists once every this many messages.
pub(crate) const SAMPLE: u64 = 64;

impl ChannelMeta {
    /// How the channel is shown: its name, else its creation site.
    pub(crate) fn label(&self) -> String {
        match &self.name {
            Some(n) => n.clone(),
            None => format!("the channel created at {}", super::task::site(self.site)),
        }
    }

    /// Capacity as shown in reports.
    pub(crate) fn capacity_text(&self) -> String {
        match self.capacity {
            Some(c) => format!("capacity {c}"),
            None => "unbounded".to_string(),
        }
    }

    /// A message went in: counts it and updates the high-water mark. Returns the number of
    /// messages queued (sent less received: the receiver's count may lag, so at most the
    /// capacity) and the number sent before this one.
    #[inline]
    pub(crate) fn on_send(&self) -> (usize, u64) {
        let before = self.sent.fetch_add(1, Ordering::Relaxed);
        let queued = (before + 1).saturating_sub(self.received.load(Ordering::Relaxed)) as usize;
        let depth = match self.capacity {
            Some(c) => queued.min(c),
            None => queued,
        };
        if depth > self.high_water.load(Ordering::Relaxed) {
            self.high_water.fetch_max(depth, Ordering::Relaxed);
        }
        (depth, before)
    }

    /// The receiver has received `total` messages in all (a plain store: one receiver).
    #[inline]
    pub(crate) fn received_total(&self, total: u64) {
        self.received.store(total, Ordering::Relaxed);
    }

    /// A message came out of a receiver shared by reference (std's); returns the number
    /// received before it.
    pub(crate) fn on_recv_shared(&self) -> u64 {
        self.received.fetch_add(1, Ordering::Relaxed)
    }

    /// Records `task` as a sender (first send of a handle, and sampled sends).
    pub(crate) fn note_sender(&self, task: TaskKey, site: &'static Location<'static>) {
        let mut senders = self.senders.lock().unwrap_or_else(|e| e.into_inner());
        match senders.iter_mut().find(|(t, _, _)| *t == task) {
            Some(entry) => entry.1 += 1,
            None => senders.push((task, 1, site)),
        }
    }

    /// Records `task` as a receiver.
    pub(crate) fn note_receiver(&self, task: TaskKey) {
        let mut receivers = self.receivers.lock().unwrap_or_else(|e| e.into_inner());
        match receivers.iter_mut().find(|(t, _)| *t == task) {
            Some(entry) => entry.1 += 1,
            None => receivers.push((task, 1)),
        }
    }

    /// Tasks that can receive on this channel (seen receiving).
    pub(crate) fn receiver_tasks(&self) -> Vec<TaskKey> {
        let receivers = self.receivers.lock().unwrap_or_else(|e| e.into_inner());
        receivers.iter().map(|(t, _)| *t).collect()
    }
}

/// What the monitor knows about one semaphore.
pub(crate) struct SemaphoreMeta {
    pub(crate) id: u64,
    pub(crate) site: &'static Location<'static>,
    pub(crate) acquired: AtomicU64,
    pub(crate) released: AtomicU64,
    /// Set once the semaphore admits messages into a channel; then permits are tracked per
    /// task.
    pub(crate) admission: std::sync::atomic::AtomicBool,
    /// Tasks holding permits (admission semaphores only), with how many.
    pub(crate) holders: Mutex<Vec<(TaskKey, u64)>>,
}

impl SemaphoreMeta {
    /// Permits acquired and not released.
    pub(crate) fn outstanding(&self) -> u64 {
        self.acquired
            .load(Ordering::Relaxed)
            .saturating_sub(self.released.load(Ordering::Relaxed))
    }

    /// Whether `task` holds a permit (admission semaphores only).
    pub(crate) fn held_by(&self, task: TaskKey) -> bool {
        let holders = self.holders.lock().unwrap_or_else(|e| e.into_inner());
        holders.iter().any(|(t, n)| *t == task && *n > 0)
    }

    /// Records a permit for `task`.
    pub(crate) fn hold(&self, task: TaskKey, n: u64) {
        let mut holders = self.holders.lock().unwrap_or_else(|e| e.into_inner());
        match holders.iter_mut().find(|(t, _)| *t == task) {
            Some(entry) => entry.1 += n,
            None => holders.push((task, n)),
        }
    }

    /// Forgets a permit of `task`.
    pub(crate) fn unhold(&self, task: TaskKey, n: u64) {
        let mut holders = self.holders.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(entry) = holders.iter_mut().find(|(t, _)| *t == task) {
            entry.1 = entry.1.saturating_sub(n);
        }
    }
}

/// What the monitor knows about one oneshot channel: the channel its sender half was sent
/// over (the request), which tells who is expected to reply.
pub(crate) struct OneshotMeta {
    pub(crate) site: &'static Location<'static>,
    pub(crate) request_channel: OnceLock<std::sync::Arc<ChannelMeta>>,
}

/// Tasks spawned through `bpcheck::spawn` at one site.
#[derive(Default, Clone, Debug)]
pub(crate) struct SpawnSite {
    pub(crate) spawned: u64,
    pub(crate) live: u64,
    pub(crate) peak: u64,
}

/// Tasks that inherited admission from the task that spawned them.
pub(crate) type Admitted = HashSet<(TaskKey, u64)>;
