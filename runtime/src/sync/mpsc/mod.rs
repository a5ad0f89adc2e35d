//! Checked `tokio::sync::mpsc`: the same API; channels record depth, high-water mark and
//! the tasks that use them, and sends that wait on a full channel register with the
//! monitor.

mod permit;
mod receiver;
mod sender;
mod unbounded;

use std::panic::Location;

pub use permit::{OwnedPermit, Permit};
pub use receiver::{CheckedRecv, Receiver, Recv};
pub use sender::{Sender, WeakSender};
pub use tokio::sync::mpsc::error;
pub use unbounded::{UnboundedReceiver, UnboundedSender};

fn make<T>(
    name: Option<String>,
    site: &'static Location<'static>,
    buffer: usize,
) -> (Sender<T>, Receiver<T>) {
    let (tx, rx) = tokio::sync::mpsc::channel(buffer);
    let meta = crate::monitor().register_channel(name, site, Some(buffer));
    (Sender::wrap(tx, meta.clone()), Receiver::wrap(rx, meta))
}

/// A bounded channel, named in reports by its creation site. As `tokio::sync::mpsc::channel`.
///
/// ```
/// let (tx, mut rx) = bpcheck::sync::mpsc::channel::<u8>(4);
/// tx.try_send(7).unwrap();
/// assert_eq!(rx.try_recv().unwrap(), 7);
/// ```
#[track_caller]
pub fn channel<T>(buffer: usize) -> (Sender<T>, Receiver<T>) {
    make(None, Location::caller(), buffer)
}

/// A bounded channel named `name` in reports.
///
/// ```
/// let (tx, mut rx) = bpcheck::sync::mpsc::channel_named::<u8>("jobs", 64);
/// tx.try_send(1).unwrap();
/// assert_eq!(rx.try_recv().unwrap(), 1);
/// ```
#[track_caller]
pub fn channel_named<T>(name: &str, buffer: usize) -> (Sender<T>, Receiver<T>) {
    make(Some(name.to_string()), Location::caller(), buffer)
}

fn make_unbounded<T>(
    name: Option<String>,
    site: &'static Location<'static>,
) -> (UnboundedSender<T>, UnboundedReceiver<T>) {
    // bpcheck:allow(unbounded-channel) the shim mirrors tokio's unbounded constructor; users' calls are reported where they make one
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let meta = crate::monitor().register_channel(name, site, None);
    (
        UnboundedSender::wrap(tx, meta.clone()),
        UnboundedReceiver::wrap(rx, meta),
    )
}

/// An unbounded channel, named in reports by its creation site.
///
/// ```
/// let (tx, mut rx) = bpcheck::sync::mpsc::unbounded_channel::<u8>();
/// tx.send(1).unwrap();
/// assert_eq!(rx.try_recv().unwrap(), 1);
/// ```
#[track_caller]
pub fn unbounded_channel<T>() -> (UnboundedSender<T>, UnboundedReceiver<T>) {
    make_unbounded(None, Location::caller())
}

/// An unbounded channel named `name` in reports.
///
/// ```
/// let (tx, mut rx) = bpcheck::sync::mpsc::unbounded_channel_named::<u8>("events");
/// tx.send(1).unwrap();
/// assert_eq!(rx.try_recv().unwrap(), 1);
/// ```
#[track_caller]
pub fn unbounded_channel_named<T>(name: &str) -> (UnboundedSender<T>, UnboundedReceiver<T>) {
    make_unbounded(Some(name.to_string()), Location::caller())
}
