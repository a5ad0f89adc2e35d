//! Checked `tokio::sync::oneshot`: a receiver that waits registers a wait for a reply. The
//! reply is expected from whoever receives on the channel the sender half was sent over
//! next (the request), which lets the monitor find ask cycles.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::panic::Location;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

pub use tokio::sync::oneshot::error;
use tokio::sync::oneshot::error::{RecvError, TryRecvError};

use crate::monitor::registry::{ChannelMeta, OneshotMeta};
use crate::monitor::{Monitor, TaskKey, WaitGuard, WaitKind};

thread_local! {
    /// Oneshot channels created on this thread whose sender has not been sent anywhere
    /// yet, with the task that created each.
    static PENDING: RefCell<Vec<(TaskKey, Arc<OneshotMeta>)>> = const { RefCell::new(Vec::new()) };
}

/// Entries in all threads' `PENDING`: lets a send skip the thread-local when there are none.
static ANY_PENDING: AtomicUsize = AtomicUsize::new(0);

/// Most pending oneshots kept per thread (a oneshot never sent anywhere is forgotten).
const MAX_PENDING: usize = 64;

/// Called on every send: the first send by the task that created a oneshot carries the
/// request its reply answers.
#[inline]
pub(crate) fn on_request(channel: &Arc<ChannelMeta>) {
    if ANY_PENDING.load(Ordering::Relaxed) == 0 {
        return;
    }
    let task = TaskKey::current();
    let _ = PENDING.try_with(|p| {
        let mut pending = p.borrow_mut();
        let before = pending.len();
        pending.retain(|(creator, o)| {
            if *creator == task {
                let _ = o.request_channel.set(channel.clone());
                false
            } else {
                true
            }
        });
        ANY_PENDING.fetch_sub(before - pending.len(), Ordering::Relaxed);
    });
}

/// A oneshot channel. As `tokio::sync::oneshot::channel`.
///
/// ```
/// # use bpcheck::__private::tokio;
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let (tx, rx) = bpcheck::sync::oneshot::channel::<u8>();
/// tx.send(3).unwrap();
/// assert_eq!(rx.await.unwrap(), 3);
/// # });
/// ```
#[track_caller]
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let site = Location::caller();
    let monitor = crate::monitor();
    let meta = monitor.register_oneshot(site);
    let task = TaskKey::current();
    let _ = PENDING.try_with(|p| {
        let mut pending = p.borrow_mut();
        let before = pending.len();
        // Only the task's newest matters: a request carries the reply sender made just
        // before it.
        pending.retain(|(creator, _)| *creator != task);
        if pending.len() >= MAX_PENDING {
            pending.remove(0);
        }
        pending.push((task, meta.clone()));
        let after = pending.len();
        if after > before {
            ANY_PENDING.fetch_add(after - before, Ordering::Relaxed);
        } else {
            ANY_PENDING.fetch_sub(before - after, Ordering::Relaxed);
        }
    });
    let (tx, rx) = tokio::sync::oneshot::channel();
    (
        Sender { inner: tx },
        Receiver {
            inner: rx,
            meta,
            monitor,
            guard: None,
        },
    )
}

/// Sends the one value. As `tokio::sync::oneshot::Sender`.
pub struct Sender<T> {
    inner: tokio::sync::oneshot::Sender<T>,
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender").finish_non_exhaustive()
    }
}

impl<T> Sender<T> {
    /// Sends the value; gives it back if the receiver is gone.
    pub fn send(self, value: T) -> Result<(), T> {
        self.inner.send(value)
    }

    /// Whether the receiver is gone.
    pub fn is_closed(&self) -> bool {
        self.inner.is_closed()
    }

    /// Completes when the receiver is gone.
    pub async fn closed(&mut self) {
        self.inner.closed().await
    }

    /// Polls whether the receiver is gone.
    pub fn poll_closed(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        self.inner.poll_closed(cx)
    }
}

/// Receives the one value; a future. As `tokio::sync::oneshot::Receiver`.
pub struct Receiver<T> {
    inner: tokio::sync::oneshot::Receiver<T>,
    meta: Arc<OneshotMeta>,
    monitor: Monitor,
    guard: Option<WaitGuard>,
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver").finish_non_exhaustive()
    }
}

impl<T> Future for Receiver<T> {
    type Output = Result<T, RecvError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        if let Some(guard) = &this.guard {
            guard.polled();
        }
        match Pin::new(&mut this.inner).poll(cx) {
            Poll::Ready(out) => {
                this.guard = None;
                Poll::Ready(out)
            }
            Poll::Pending => {
                if this.guard.is_none() {
                    let kind = WaitKind::Reply(this.meta.clone());
                    this.guard = Some(this.monitor.wait(kind, this.meta.site));
                }
                Poll::Pending
            }
        }
    }
}

impl<T> Receiver<T> {
    /// Takes the value if it has been sent.
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        self.inner.try_recv()
    }

    /// Closes the channel: the sender can no longer send.
    pub fn close(&mut self) {
        self.inner.close()
    }

    /// Waits for the value from outside any runtime, blocking the thread.
    pub fn blocking_recv(self) -> Result<T, RecvError> {
        self.inner.blocking_recv()
    }

    /// Whether the sender is gone or the value was taken.
    pub fn is_terminated(&self) -> bool {
        self.inner.is_terminated()
    }

    /// Whether the value is there to take.
    pub fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }
}
