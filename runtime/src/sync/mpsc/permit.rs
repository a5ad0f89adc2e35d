//! Checked send permits: the message counts when it is sent through the permit.

use std::fmt;
use std::panic::Location;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use super::sender::{record_send, Sender};
use crate::monitor::registry::ChannelMeta;

/// Room reserved in a channel by [`Sender::reserve`]. As `tokio::sync::mpsc::Permit`.
pub struct Permit<'a, T> {
    inner: tokio::sync::mpsc::Permit<'a, T>,
    sender: &'a Sender<T>,
    site: &'static Location<'static>,
}

impl<'a, T> Permit<'a, T> {
    pub(super) fn wrap(
        inner: tokio::sync::mpsc::Permit<'a, T>,
        sender: &'a Sender<T>,
        site: &'static Location<'static>,
    ) -> Self {
        Permit {
            inner,
            sender,
            site,
        }
    }

    /// Sends a value into the reserved slot.
    pub fn send(self, value: T) {
        self.inner.send(value);
        self.sender.record(self.site);
    }
}

impl<T> fmt::Debug for Permit<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Permit").finish_non_exhaustive()
    }
}

/// Room reserved by [`Sender::reserve_owned`]. As `tokio::sync::mpsc::OwnedPermit`.
pub struct OwnedPermit<T> {
    inner: tokio::sync::mpsc::OwnedPermit<T>,
    meta: Arc<ChannelMeta>,
    site: &'static Location<'static>,
}

impl<T> OwnedPermit<T> {
    pub(super) fn wrap(
        inner: tokio::sync::mpsc::OwnedPermit<T>,
        meta: Arc<ChannelMeta>,
        site: &'static Location<'static>,
    ) -> Self {
        OwnedPermit { inner, meta, site }
    }

    /// Sends a value into the reserved slot and gives the sender back.
    pub fn send(self, value: T) -> Sender<T> {
        let inner = self.inner.send(value);
        let _ = record_send(&self.meta, &AtomicBool::new(false), self.site);
        Sender::wrap(inner, self.meta)
    }

    /// Gives the slot back unused, and the sender.
    pub fn release(self) -> Sender<T> {
        Sender::wrap(self.inner.release(), self.meta)
    }
}

impl<T> fmt::Debug for OwnedPermit<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedPermit").finish_non_exhaustive()
    }
}
