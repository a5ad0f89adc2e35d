//! The checked unbounded channel: every send counts toward the high-water mark, and a
//! channel past the monitor's budget is a finding.

use std::fmt;
use std::panic::Location;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::sync::mpsc::error::{SendError, TryRecvError};

use super::receiver::{recv, CheckedRecv, Recv, RecvState};
use super::sender::record_send;
use crate::monitor::registry::ChannelMeta;

/// Sends values to the associated [`UnboundedReceiver`]. As
/// `tokio::sync::mpsc::UnboundedSender`.
pub struct UnboundedSender<T> {
    inner: tokio::sync::mpsc::UnboundedSender<T>,
    meta: Arc<ChannelMeta>,
    noted: AtomicBool,
}

impl<T> Clone for UnboundedSender<T> {
    fn clone(&self) -> Self {
        UnboundedSender::wrap(self.inner.clone(), self.meta.clone())
    }
}

impl<T> fmt::Debug for UnboundedSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnboundedSender")
            .field("channel", &self.meta.label())
            .finish()
    }
}

impl<T> UnboundedSender<T> {
    pub(super) fn wrap(
        inner: tokio::sync::mpsc::UnboundedSender<T>,
        meta: Arc<ChannelMeta>,
    ) -> Self {
        UnboundedSender {
            inner,
            meta,
            noted: AtomicBool::new(false),
        }
    }

    /// Sends a value; never waits.
    #[track_caller]
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        let site = Location::caller();
        self.inner.send(value)?;
        let depth = record_send(&self.meta, &self.noted, site);
        let budget = self.meta.monitor.inner.config.unbounded_budget;
        if depth > budget && !self.meta.over_budget.swap(true, Ordering::Relaxed) {
            let finding = crate::monitor::growth_finding(&self.meta.label(), depth, budget);
            self.meta.monitor.add_finding(finding);
        }
        Ok(())
    }

    /// Completes when the receiver has been dropped or closed.
    pub async fn closed(&self) {
        self.inner.closed().await
    }

    /// Whether the receiver has been dropped or closed.
    pub fn is_closed(&self) -> bool {
        self.inner.is_closed()
    }

    /// Whether both senders send to the same channel.
    pub fn same_channel(&self, other: &Self) -> bool {
        self.inner.same_channel(&other.inner)
    }

    /// Number of senders alive.
    pub fn strong_count(&self) -> usize {
        self.inner.strong_count()
    }
}

/// Receives values from the associated [`UnboundedSender`]. As
/// `tokio::sync::mpsc::UnboundedReceiver`.
pub struct UnboundedReceiver<T> {
    inner: tokio::sync::mpsc::UnboundedReceiver<T>,
    state: RecvState,
}

impl<T> fmt::Debug for UnboundedReceiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnboundedReceiver")
            .field("channel", &self.state.meta.label())
            .finish()
    }
}

impl<T> CheckedRecv for UnboundedReceiver<T> {
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

impl<T> UnboundedReceiver<T> {
    pub(super) fn wrap(
        inner: tokio::sync::mpsc::UnboundedReceiver<T>,
        meta: Arc<ChannelMeta>,
    ) -> Self {
        UnboundedReceiver {
            inner,
            state: RecvState::new(meta),
        }
    }

    /// Receives the next value; `None` once closed and drained. Cancel safe.
    pub fn recv(&mut self) -> Recv<'_, Self> {
        recv(self)
    }

    /// Receives up to `limit` values into `buffer`; returns how many.
    pub async fn recv_many(&mut self, buffer: &mut Vec<T>, limit: usize) -> usize {
        std::future::poll_fn(|cx| {
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
        .await
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

    /// Closes the channel to new messages.
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

    /// Number of senders alive.
    pub fn sender_strong_count(&self) -> usize {
        self.inner.sender_strong_count()
    }
}

impl<T> Drop for UnboundedReceiver<T> {
    fn drop(&mut self) {
        self.state.stop_waiting();
    }
}
