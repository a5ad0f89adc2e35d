//! `std::sync::mpsc`, plus the naming constructors (the name is only used with `check`).

pub use std::sync::mpsc::*;

/// A bounded channel named `name` in `bpcheck`'s reports (with the `check` feature).
///
/// ```
/// let (tx, rx) = bpcheck::sync::std_mpsc::sync_channel_named::<u8>("ready", 16);
/// tx.send(1).unwrap();
/// assert_eq!(rx.recv().unwrap(), 1);
/// ```
#[track_caller]
pub fn sync_channel_named<T>(name: &str, bound: usize) -> (SyncSender<T>, Receiver<T>) {
    let _ = name;
    sync_channel(bound)
}
