//! `bpcheck::spawn` and `spawn_named`: `tokio::spawn` that, with `check`, names the task in
//! reports, counts live tasks per spawn site and carries the monitor to the task.

use std::future::Future;

use tokio::task::JoinHandle;

/// Spawns a task, as `tokio::spawn`; with `check`, the task is shown by its spawn site and
/// counted toward the site's peak of live tasks.
///
/// ```
/// # use bpcheck::__private::tokio;
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let handle = bpcheck::spawn(async { 1 + 1 });
/// assert_eq!(handle.await.unwrap(), 2);
/// # });
/// ```
#[track_caller]
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    imp::spawn(None, future)
}

/// Spawns a task named `name` in reports.
///
/// ```
/// # use bpcheck::__private::tokio;
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let handle = bpcheck::spawn_named("gateway", async { "done" });
/// assert_eq!(handle.await.unwrap(), "done");
/// # });
/// ```
#[track_caller]
pub fn spawn_named<F>(name: &str, future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    imp::spawn(Some(name), future)
}

#[cfg(not(feature = "check"))]
mod imp {
    use super::*;

    #[track_caller]
    pub(super) fn spawn<F>(_name: Option<&str>, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        tokio::spawn(future)
    }
}

#[cfg(feature = "check")]
mod imp {
    use std::panic::Location;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use super::*;
    use crate::monitor::{lock, Monitor, TaskKey};

    /// The task's future, with the monitor current while it runs.
    struct Tracked<F> {
        fut: Pin<Box<F>>,
        monitor: Monitor,
        site: &'static Location<'static>,
    }

    impl<F: Future> Future for Tracked<F> {
        type Output = F::Output;

        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
            let _entered = (!self.monitor.is_current()).then(|| self.monitor.enter_worker());
            self.fut.as_mut().poll(cx)
        }
    }

    impl<F> Drop for Tracked<F> {
        fn drop(&mut self) {
            // tokio sets the task id while it drops a task's future.
            let key = tokio::task::try_id().map(TaskKey::Task);
            self.monitor.task_ended(key, self.site);
        }
    }

    #[track_caller]
    pub(super) fn spawn<F>(name: Option<&str>, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let site = Location::caller();
        let monitor = crate::monitor();
        let parent = TaskKey::current();
        monitor.site_spawned(site);
        let handle = tokio::spawn(Tracked {
            fut: Box::pin(future),
            monitor: monitor.clone(),
            site,
        });
        let child = TaskKey::Task(handle.id());
        monitor.task_info(child, name.map(str::to_string), site);
        // A task spawned by a permit holder of an admission semaphore is admitted.
        let semaphores = lock(&monitor.inner.semaphores).clone();
        let mut admitted = lock(&monitor.inner.admitted);
        for s in semaphores {
            if s.admission.load(std::sync::atomic::Ordering::Relaxed)
                && (s.held_by(parent) || admitted.contains(&(parent, s.id)))
            {
                admitted.insert((child, s.id));
            }
        }
        handle
    }
}
