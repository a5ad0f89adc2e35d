//! Checked `std::sync::mpsc` for threads: the same API; a `send` that blocks on a full
//! `sync_channel` registers a wait (the thread is the task), so cycles of blocked threads
//! are reported like cycles of tasks.

use std::fmt;
use std::panic::Location;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

pub use std::sync::mpsc::{RecvError, RecvTimeoutError, SendError, TryRecvError, TrySendError};

use crate::monitor::registry::{ChannelMeta, SAMPLE};
use crate::monitor::{lock, TaskKey, WaitKind};

fn make<T>(
    name: Option<String>,
    site: &'static Location<'static>,
    bound: usize,
) -> (SyncSender<T>, Receiver<T>) {
    let (tx, rx) = std::sync::mpsc::sync_channel(bound);
    let meta = crate::monitor().register_channel(name, site, Some(bound));
    (
        SyncSender {
            inner: tx,
            meta: meta.clone(),
            noted: AtomicBool::new(false),
        },
        Receiver::wrap(rx, meta),
    )
}

/// A bounded channel, named in reports by its creation site. As
/// `std::sync::mpsc::sync_channel`.
///
/// ```
/// let (tx, rx) = bpcheck::sync::std_mpsc::sync_channel::<u8>(4);
/// tx.send(1).unwrap();
/// assert_eq!(rx.recv().unwrap(), 1);
/// ```
#[track_caller]
pub fn sync_channel<T>(bound: usize) -> (SyncSender<T>, Receiver<T>) {
    make(None, Location::caller(), bound)
}

/// A bounded channel named `name` in reports.
///
/// ```
/// let (tx, rx) = bpcheck::sync::std_mpsc::sync_channel_named::<u8>("ready", 16);
/// tx.send(1).unwrap();
/// assert_eq!(rx.recv().unwrap(), 1);
/// ```
#[track_caller]
pub fn sync_channel_named<T>(name: &str, bound: usize) -> (SyncSender<T>, Receiver<T>) {
    make(Some(name.to_string()), Location::caller(), bound)
}

/// An unbounded channel. As `std::sync::mpsc::channel`.
///
/// ```
/// let (tx, rx) = bpcheck::sync::std_mpsc::channel::<u8>();
/// tx.send(1).unwrap();
/// assert_eq!(rx.recv().unwrap(), 1);
/// ```
#[track_caller]
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let site = Location::caller();
    // bpcheck:allow(unbounded-channel) the shim mirrors std's unbounded constructor; users' calls are reported where they make one
    let (tx, rx) = std::sync::mpsc::channel();
    let meta = crate::monitor().register_channel(None, site, None);
    (
        Sender {
            inner: tx,
            meta: meta.clone(),
            noted: AtomicBool::new(false),
        },
        Receiver::wrap(rx, meta),
    )
}

fn record(meta: &Arc<ChannelMeta>, noted: &AtomicBool, site: &'static Location<'static>) -> usize {
    use std::sync::atomic::Ordering;
    let (depth, before) = meta.on_send();
    if !noted.load(Ordering::Relaxed) || before % SAMPLE == 0 {
        noted.store(true, Ordering::Relaxed);
        meta.note_sender(TaskKey::current(), site);
    }
    depth
}

/// Sends into a bounded channel, blocking while it is full. As
/// `std::sync::mpsc::SyncSender`.
pub struct SyncSender<T> {
    inner: std::sync::mpsc::SyncSender<T>,
    meta: Arc<ChannelMeta>,
    noted: AtomicBool,
}

impl<T> Clone for SyncSender<T> {
    fn clone(&self) -> Self {
        SyncSender {
            inner: self.inner.clone(),
            meta: self.meta.clone(),
            noted: AtomicBool::new(false),
        }
    }
}

impl<T> fmt::Debug for SyncSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SyncSender")
            .field("channel", &self.meta.label())
            .finish()
    }
}

impl<T> SyncSender<T> {
    /// Sends, blocking the thread while the channel is full. A wait registers with the
    /// monitor.
    #[track_caller]
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        let site = Location::caller();
        match self.inner.try_send(value) {
            Ok(()) => {}
            Err(TrySendError::Disconnected(v)) => return Err(SendError(v)),
            Err(TrySendError::Full(v)) => {
                let _wait = self
                    .meta
                    .monitor
                    .wait(WaitKind::Send(self.meta.clone()), site);
                self.inner.send(v)?;
            }
        }
        record(&self.meta, &self.noted, site);
        Ok(())
    }

    /// Sends if there is room now.
    #[track_caller]
    pub fn try_send(&self, value: T) -> Result<(), TrySendError<T>> {
        let site = Location::caller();
        self.inner.try_send(value)?;
        let _ = record(&self.meta, &self.noted, site);
        Ok(())
    }
}

/// Sends into an unbounded channel. As `std::sync::mpsc::Sender`.
pub struct Sender<T> {
    inner: std::sync::mpsc::Sender<T>,
    meta: Arc<ChannelMeta>,
    noted: AtomicBool,
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        Sender {
            inner: self.inner.clone(),
            meta: self.meta.clone(),
            noted: AtomicBool::new(false),
        }
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("channel", &self.meta.label())
            .finish()
    }
}

impl<T> Sender<T> {
    /// Sends; never blocks.
    #[track_caller]
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        let site = Location::caller();
        self.inner.send(value)?;
        let depth = record(&self.meta, &self.noted, site);
        let budget = self.meta.monitor.inner.config.unbounded_budget;
        if depth > budget
            && !self
                .meta
                .over_budget
                .swap(true, std::sync::atomic::Ordering::Relaxed)
        {
            let finding = crate::monitor::growth_finding(&self.meta.label(), depth, budget);
            self.meta.monitor.add_finding(finding);
        }
        Ok(())
    }
}

/// Receives from either kind of channel. As `std::sync::mpsc::Receiver`.
pub struct Receiver<T> {
    inner: std::sync::mpsc::Receiver<T>,
    meta: Arc<ChannelMeta>,
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("channel", &self.meta.label())
            .finish()
    }
}

impl<T> Receiver<T> {
    fn wrap(inner: std::sync::mpsc::Receiver<T>, meta: Arc<ChannelMeta>) -> Self {
        Receiver { inner, meta }
    }

    fn got(&self) {
        let before = self.meta.on_recv_shared();
        let task = TaskKey::current();
        // Threads are few: each new receiving thread, and sampled receives, are recorded.
        let known = lock(&self.meta.receivers).iter().any(|(t, _)| *t == task);
        if !known || before % SAMPLE == 0 {
            self.meta.note_receiver(task);
        }
    }

    /// Receives, blocking the thread while the channel is empty.
    pub fn recv(&self) -> Result<T, RecvError> {
        match self.inner.try_recv() {
            Ok(v) => {
                self.got();
                return Ok(v);
            }
            Err(TryRecvError::Disconnected) => return Err(RecvError),
            Err(TryRecvError::Empty) => {}
        }
        let task = TaskKey::current();
        if !lock(&self.meta.receivers).iter().any(|(t, _)| *t == task) {
            self.meta.note_receiver(task);
            self.meta.monitor.note_thread(task);
        }
        *lock(&self.meta.recv_waiter) = Some(task);
        let result = self.inner.recv();
        *lock(&self.meta.recv_waiter) = None;
        let v = result?;
        self.got();
        Ok(v)
    }

    /// Receives if a value is queued now.
    pub fn try_recv(&self) -> Result<T, TryRecvError> {
        let v = self.inner.try_recv()?;
        self.got();
        Ok(v)
    }

    /// Receives, blocking at most `timeout` (a timed wait: never counted as stuck).
    pub fn recv_timeout(&self, timeout: Duration) -> Result<T, RecvTimeoutError> {
        let v = self.inner.recv_timeout(timeout)?;
        self.got();
        Ok(v)
    }

    /// Blocking iterator over received values.
    pub fn iter(&self) -> impl Iterator<Item = T> + '_ {
        std::iter::from_fn(move || self.recv().ok())
    }

    /// Iterator over the values queued now.
    pub fn try_iter(&self) -> impl Iterator<Item = T> + '_ {
        std::iter::from_fn(move || self.try_recv().ok())
    }
}
