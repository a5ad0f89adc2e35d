//! The checked bounded `Receiver`, and the receive bookkeeping it shares with the
//! unbounded one.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::sync::mpsc::error::TryRecvError;

use crate::monitor::registry::{ChannelMeta, SAMPLE};
use crate::monitor::{lock, TaskKey};

/// What a receiver records: who receives, and whether it waits.
#[doc(hidden)]
pub struct RecvState {
    pub(super) meta: Arc<ChannelMeta>,
    last: Option<TaskKey>,
    waiting: bool,
    /// Messages received so far (the receiver is the only one counting).
    count: u64,
}

impl RecvState {
    pub(super) fn new(meta: Arc<ChannelMeta>) -> Self {
        RecvState {
            meta,
            last: None,
            waiting: false,
            count: 0,
        }
    }

    /// Bookkeeping after a poll of the raw receiver.
    #[inline]
    pub(super) fn polled<T>(&mut self, result: &Poll<Option<T>>) {
        match result {
            Poll::Ready(Some(_)) => {
                self.got(1);
                self.stop_waiting();
            }
            Poll::Ready(None) => self.stop_waiting(),
            Poll::Pending => {
                let task = TaskKey::current();
                self.note(task, false);
                if !self.waiting {
                    self.waiting = true;
                    *lock(&self.meta.recv_waiter) = Some(task);
                }
            }
        }
    }

    /// `n` messages came out.
    #[inline]
    pub(super) fn got(&mut self, n: usize) {
        let before = self.count;
        self.count += n as u64;
        self.meta.received_total(self.count);
        let task = TaskKey::current();
        self.note(task, before / SAMPLE != self.count / SAMPLE);
    }

    #[inline]
    fn note(&mut self, task: TaskKey, sampled: bool) {
        if self.last != Some(task) || sampled {
            self.last = Some(task);
            self.meta.note_receiver(task);
        }
    }

    #[inline]
    pub(super) fn stop_waiting(&mut self) {
        if self.waiting {
            self.waiting = false;
            *lock(&self.meta.recv_waiter) = None;
        }
    }
}

/// The checked receivers (sealed: not implementable outside this crate).
pub trait CheckedRecv {
    /// What the channel carries.
    type Item;
    #[doc(hidden)]
    fn poll_checked(&mut self, cx: &mut Context<'_>) -> Poll<Option<Self::Item>>;
    #[doc(hidden)]
    fn state(&mut self) -> &mut RecvState;
}

/// The future of `recv`: stops counting its task as waiting when dropped (a cancelled
/// `select!` branch).
pub struct Recv<'a, R: CheckedRecv> {
    rx: &'a mut R,
}

impl<R: CheckedRecv> Future for Recv<'_, R> {
    type Output = Option<R::Item>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<R::Item>> {
        self.rx.poll_checked(cx)
    }
}

impl<R: CheckedRecv> Drop for Recv<'_, R> {
    fn drop(&mut self) {
        self.rx.state().stop_waiting();
    }
}

impl<R: CheckedRecv> fmt::Debug for Recv<'_, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recv").finish_non_exhaustive()
    }
}

pub(super) fn recv<R: CheckedRecv>(rx: &mut R) -> Recv<'_, R> {
    Recv { rx }
}

/// Receives values from the associated [`Sender`](super::Sender). As
/// `tokio::sync::mpsc::Receiver`.
pub struct Receiver<T> {
    inner: tokio::sync::mpsc::Receiver<T>,
    state: RecvState,
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("channel", &self.state.meta.label())
            .finish()
    }
}

impl<T> CheckedRecv for Receiver<T> {
    type Item = T;

    fn poll_checked(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let result = self.inner.poll_recv(cx);
        self.state.polled(&result);
        result
    }

    fn state(&mut self) -> &mut RecvState {
        &mut self.state
    }
}

impl<T> Receiver<T> {
    pub(super) fn wrap(inner: tokio::sync::mpsc::Receiver<T>, meta: Arc<ChannelMeta>) -> Self {
        Receiver {
            inner,
            state: RecvState::new(meta),
        }
    }

    /// Receives the next value, waiting while the channel is empty; `None` once closed
    /// and drained. Cancel safe.
    pub fn recv(&mut self) -> Recv<'_, Self> {
        recv(self)
    }

    /// Receives up to `limit` values into `buffer`; returns how many (0 once closed and
    /// drained).
    pub async fn recv_many(&mut self, buffer: &mut Vec<T>, limit: usize) -> usize {
        let n = std::future::poll_fn(|cx| {
            let result = self.inner.poll_recv_many(cx, buffer, limit);
            if let Poll::Ready(n) = result {
                if n > 0 {
                    self.state.got(n);
                }
                self.state.stop_waiting();
            } else {
                self.state.polled::<T>(&Poll::Pending);
            }
            result
        })
        .await;
        n
    }

    /// Receives a value if one is queued now.
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        let value = self.inner.try_recv()?;
        self.state.got(1);
        Ok(value)
    }

    /// Receives from outside any runtime, blocking the thread.
    pub fn blocking_recv(&mut self) -> Option<T> {
        let value = self.inner.blocking_recv()?;
        self.state.got(1);
        Some(value)
    }

    /// Polls for the next value.
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.poll_checked(cx)
    }

    /// Closes the channel to new messages; queued ones can still be received.
    pub fn close(&mut self) {
        self.inner.close()
    }

    /// Whether the channel is closed.
    pub fn is_closed(&self) -> bool {
        self.inner.is_closed()
    }

    /// Whether no message is queued.
    pub fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }

    /// Messages queued.
    pub fn len(&self) -> usize {
        self.inner.len()
    }

    /// Free slots now.
    pub fn capacity(&self) -> usize {
        self.inner.capacity()
    }

    /// The capacity the channel was created with.
    pub fn max_capacity(&self) -> usize {
        self.inner.max_capacity()
    }

    /// Number of senders alive.
    pub fn sender_strong_count(&self) -> usize {
        self.inner.sender_strong_count()
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        self.state.stop_waiting();
    }
}
