//! A future that registers a wait with the monitor while it is pending (the slow path),
//! and deregisters when it completes or is dropped.

use std::future::Future;
use std::panic::Location;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::monitor::{Monitor, WaitGuard, WaitKind};

/// Wraps a future that waits; boxed, since only operations that actually wait get here.
pub(crate) struct Waiting<F> {
    fut: Pin<Box<F>>,
    monitor: Monitor,
    kind: Option<WaitKind>,
    site: &'static Location<'static>,
    guard: Option<WaitGuard>,
}

impl<F: Future> Waiting<F> {
    pub(crate) fn new(
        fut: F,
        monitor: &Monitor,
        kind: WaitKind,
        site: &'static Location<'static>,
    ) -> Self {
        Waiting {
            fut: Box::pin(fut),
            monitor: monitor.clone(),
            kind: Some(kind),
            site,
            guard: None,
        }
    }
}

impl<F: Future> Future for Waiting<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = &mut *self;
        if let Some(guard) = &this.guard {
            guard.polled();
        }
        match this.fut.as_mut().poll(cx) {
            Poll::Ready(out) => {
                this.guard = None;
                Poll::Ready(out)
            }
            Poll::Pending => {
                if let Some(kind) = this.kind.take() {
                    this.guard = Some(this.monitor.wait(kind, this.site));
                }
                Poll::Pending
            }
        }
    }
}
