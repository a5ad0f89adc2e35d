//! tokio's `mpsc`, plus the naming constructors (the name is only used with `check`).

pub use tokio::sync::mpsc::*;

/// A bounded channel named `name` in `bpcheck`'s reports (with the `check` feature).
///
/// ```
/// let (tx, mut rx) = bpcheck::sync::mpsc::channel_named::<u8>("jobs", 64);
/// tx.try_send(1).unwrap();
/// assert_eq!(rx.try_recv().unwrap(), 1);
/// ```
#[track_caller]
pub fn channel_named<T>(name: &str, buffer: usize) -> (Sender<T>, Receiver<T>) {
    let _ = name;
    channel(buffer)
}

/// An unbounded channel named `name` in `bpcheck`'s reports (with the `check` feature).
///
/// ```
/// let (tx, mut rx) = bpcheck::sync::mpsc::unbounded_channel_named::<u8>("events");
/// tx.send(1).unwrap();
/// assert_eq!(rx.try_recv().unwrap(), 1);
/// ```
#[track_caller]
pub fn unbounded_channel_named<T>(name: &str) -> (UnboundedSender<T>, UnboundedReceiver<T>) {
    let _ = name;
    // bpcheck:allow(unbounded-channel) the shim mirrors tokio's unbounded constructor; users' calls are reported where they make one
    unbounded_channel()
}
