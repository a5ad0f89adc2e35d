//! The checked bounded `Sender`.

use std::fmt;
use std::future::Future;
use std::panic::Location;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc::error::{SendError, SendTimeoutError, TrySendError};

use super::permit::{OwnedPermit, Permit};
use crate::monitor::registry::{ChannelMeta, SAMPLE};
use crate::monitor::{TaskKey, WaitKind};
use crate::sync::waiting::Waiting;

/// Sends values to the associated [`Receiver`](super::Receiver). As
/// `tokio::sync::mpsc::Sender`.
pub struct Sender<T> {
    pub(super) inner: tokio::sync::mpsc::Sender<T>,
    pub(super) meta: Arc<ChannelMeta>,
    /// This handle's first send was recorded.
    noted: AtomicBool,
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        Sender::wrap(self.inner.clone(), self.meta.clone())
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("channel", &self.meta.label())
            .finish()
    }
}

/// Records a message that went in: counters, and the sending task on a handle's first send
/// and on sampled sends; checks admission.
#[inline]
pub(super) fn record_send(
    meta: &Arc<ChannelMeta>,
    noted: &AtomicBool,
    site: &'static Location<'static>,
) -> usize {
    let (depth, before) = meta.on_send();
    crate::sync::oneshot::on_request(meta);
    if !noted.load(Ordering::Relaxed) || before % SAMPLE == 0 {
        noted.store(true, Ordering::Relaxed);
        meta.note_sender(TaskKey::current(), site);
    }
    if meta.admission.get().is_some() {
        crate::sync::admission::check_send(meta, site);
    }
    depth
}

impl<T> Sender<T> {
    pub(super) fn wrap(inner: tokio::sync::mpsc::Sender<T>, meta: Arc<ChannelMeta>) -> Self {
        Sender {
            inner,
            meta,
            noted: AtomicBool::new(false),
        }
    }

    pub(super) fn record(&self, site: &'static Location<'static>) {
        record_send(&self.meta, &self.noted, site);
    }

    /// Sends a value, waiting while the channel is full. A wait registers with the monitor.
    #[track_caller]
    pub fn send(&self, value: T) -> impl Future<Output = Result<(), SendError<T>>> + '_ {
        let site = Location::caller();
        async move {
            match self.inner.try_reserve() {
                Ok(permit) => {
                    permit.send(value);
                    self.record(site);
                    Ok(())
                }
                Err(TrySendError::Closed(())) => Err(SendError(value)),
                Err(TrySendError::Full(())) => {
                    let kind = WaitKind::Send(self.meta.clone());
                    let waited = Waiting::new(self.inner.reserve(), &self.meta.monitor, kind, site);
                    match waited.await {
                        Ok(permit) => {
                            permit.send(value);
                            self.record(site);
                            Ok(())
                        }
                        Err(_) => Err(SendError(value)),
                    }
                }
            }
        }
    }

    /// Sends a value, waiting at most `timeout` while the channel is full.
    #[track_caller]
    pub fn send_timeout(
        &self,
        value: T,
        timeout: Duration,
    ) -> impl Future<Output = Result<(), SendTimeoutError<T>>> + '_ {
        let site = Location::caller();
        async move {
            match self.inner.try_reserve() {
                Ok(permit) => {
                    permit.send(value);
                    self.record(site);
                    Ok(())
                }
                Err(TrySendError::Closed(())) => Err(SendTimeoutError::Closed(value)),
                Err(TrySendError::Full(())) => {
                    let reserve = tokio::time::timeout(timeout, self.inner.reserve());
                    // A timed send can always wake by itself: not a wait that can deadlock.
                    let waited = Waiting::new(reserve, &self.meta.monitor, WaitKind::Other, site);
                    match waited.await {
                        Ok(Ok(permit)) => {
                            permit.send(value);
                            self.record(site);
                            Ok(())
                        }
                        Ok(Err(_)) => Err(SendTimeoutError::Closed(value)),
                        Err(_) => Err(SendTimeoutError::Timeout(value)),
                    }
                }
            }
        }
    }

    /// Sends a value if there is room now.
    #[track_caller]
    pub fn try_send(&self, value: T) -> Result<(), TrySendError<T>> {
        let site = Location::caller();
        self.inner.try_send(value)?;
        self.record(site);
        Ok(())
    }

    /// Sends from outside any runtime, blocking the thread while the channel is full.
    #[track_caller]
    pub fn blocking_send(&self, value: T) -> Result<(), SendError<T>> {
        let site = Location::caller();
        self.inner.blocking_send(value)?;
        self.record(site);
        Ok(())
    }

    /// Waits for room and reserves it. A wait registers with the monitor.
    #[track_caller]
    pub fn reserve(&self) -> impl Future<Output = Result<Permit<'_, T>, SendError<()>>> + '_ {
        let site = Location::caller();
        async move {
            let permit = match self.inner.try_reserve() {
                Ok(permit) => permit,
                Err(TrySendError::Closed(())) => return Err(SendError(())),
                Err(TrySendError::Full(())) => {
                    let kind = WaitKind::Send(self.meta.clone());
                    Waiting::new(self.inner.reserve(), &self.meta.monitor, kind, site).await?
                }
            };
            Ok(Permit::wrap(permit, self, site))
        }
    }

    /// Waits for room and reserves it, taking the sender by value.
    #[track_caller]
    pub fn reserve_owned(self) -> impl Future<Output = Result<OwnedPermit<T>, SendError<()>>> {
        let site = Location::caller();
        async move {
            let meta = self.meta.clone();
            let permit = match self.inner.try_reserve_owned() {
                Ok(permit) => permit,
                Err(TrySendError::Closed(_)) => return Err(SendError(())),
                Err(TrySendError::Full(inner)) => {
                    let kind = WaitKind::Send(meta.clone());
                    let monitor = meta.monitor.clone();
                    Waiting::new(inner.reserve_owned(), &monitor, kind, site).await?
                }
            };
            Ok(OwnedPermit::wrap(permit, meta, site))
        }
    }

    /// Reserves room if there is some now.
    #[track_caller]
    pub fn try_reserve(&self) -> Result<Permit<'_, T>, TrySendError<()>> {
        let site = Location::caller();
        let permit = self.inner.try_reserve()?;
        Ok(Permit::wrap(permit, self, site))
    }

    /// Reserves room if there is some now, taking the sender by value.
    #[track_caller]
    pub fn try_reserve_owned(self) -> Result<OwnedPermit<T>, TrySendError<Self>> {
        let site = Location::caller();
        let meta = self.meta.clone();
        match self.inner.try_reserve_owned() {
            Ok(permit) => Ok(OwnedPermit::wrap(permit, meta, site)),
            Err(TrySendError::Full(inner)) => Err(TrySendError::Full(Sender::wrap(inner, meta))),
            Err(TrySendError::Closed(inner)) => {
                Err(TrySendError::Closed(Sender::wrap(inner, meta)))
            }
        }
    }

    /// Completes when the receiver has been dropped or closed.
    pub async fn closed(&self) {
        self.inner.closed().await
    }

    /// Whether the receiver has been dropped or closed.
    pub fn is_closed(&self) -> bool {
        self.inner.is_closed()
    }

    /// Free slots now.
    pub fn capacity(&self) -> usize {
        self.inner.capacity()
    }

    /// The capacity the channel was created with.
    pub fn max_capacity(&self) -> usize {
        self.inner.max_capacity()
    }

    /// Whether both senders send to the same channel.
    pub fn same_channel(&self, other: &Self) -> bool {
        self.inner.same_channel(&other.inner)
    }

    /// Number of senders alive.
    pub fn strong_count(&self) -> usize {
        self.inner.strong_count()
    }

    /// A handle that does not keep the channel open.
    ///
    /// ```
    /// let (tx, _rx) = bpcheck::sync::mpsc::channel::<u8>(1);
    /// let weak = tx.downgrade();
    /// assert!(weak.upgrade().is_some());
    /// drop(tx);
    /// assert!(weak.upgrade().is_none());
    /// ```
    pub fn downgrade(&self) -> WeakSender<T> {
        WeakSender {
            inner: self.inner.downgrade(),
            meta: self.meta.clone(),
        }
    }

    pub(crate) fn meta(&self) -> &Arc<ChannelMeta> {
        &self.meta
    }
}

/// A sender that does not keep the channel open. As `tokio::sync::mpsc::WeakSender`.
pub struct WeakSender<T> {
    inner: tokio::sync::mpsc::WeakSender<T>,
    meta: Arc<ChannelMeta>,
}

impl<T> Clone for WeakSender<T> {
    fn clone(&self) -> Self {
        WeakSender {
            inner: self.inner.clone(),
            meta: self.meta.clone(),
        }
    }
}

impl<T> fmt::Debug for WeakSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeakSender")
            .field("channel", &self.meta.label())
            .finish()
    }
}

impl<T> WeakSender<T> {
    /// A sender, if the channel is still open to senders.
    pub fn upgrade(&self) -> Option<Sender<T>> {
        self.inner
            .upgrade()
            .map(|inner| Sender::wrap(inner, self.meta.clone()))
    }
}
