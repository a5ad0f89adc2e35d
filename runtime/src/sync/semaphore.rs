//! Checked `tokio::sync::Semaphore`: counts permits acquired and released (permits still
//! held at the end of a test are a finding) and, for an admission semaphore, which tasks
//! hold them.

use std::fmt;
use std::panic::Location;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use tokio::sync::{AcquireError, TryAcquireError};

use crate::monitor::registry::SemaphoreMeta;
use crate::monitor::{TaskKey, WaitKind};
use crate::sync::waiting::Waiting;

/// A counting semaphore. As `tokio::sync::Semaphore`.
///
/// ```
/// # use bpcheck::__private::tokio;
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let semaphore = bpcheck::sync::Semaphore::new(2);
/// let permit = semaphore.acquire().await.unwrap();
/// assert_eq!(semaphore.available_permits(), 1);
/// drop(permit);
/// # });
/// ```
pub struct Semaphore {
    inner: Arc<tokio::sync::Semaphore>,
    pub(crate) meta: Arc<SemaphoreMeta>,
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Semaphore")
            .field("available", &self.inner.available_permits())
            .finish()
    }
}

/// Holder bookkeeping of a permit of `n`.
fn taken(meta: &SemaphoreMeta, n: u32) -> Option<TaskKey> {
    meta.acquired.fetch_add(u64::from(n), Ordering::Relaxed);
    if meta.admission.load(Ordering::Relaxed) {
        let task = TaskKey::current();
        meta.hold(task, u64::from(n));
        Some(task)
    } else {
        None
    }
}

fn given_back(meta: &SemaphoreMeta, n: u32, holder: Option<TaskKey>) {
    meta.released.fetch_add(u64::from(n), Ordering::Relaxed);
    if let Some(task) = holder {
        meta.unhold(task, u64::from(n));
    }
}

impl Semaphore {
    /// The most permits a semaphore can hold.
    pub const MAX_PERMITS: usize = tokio::sync::Semaphore::MAX_PERMITS;

    /// A semaphore with `permits` permits.
    #[track_caller]
    pub fn new(permits: usize) -> Semaphore {
        let site = Location::caller();
        Semaphore {
            inner: Arc::new(tokio::sync::Semaphore::new(permits)),
            meta: crate::monitor().register_semaphore(site),
        }
    }

    /// Permits available now.
    pub fn available_permits(&self) -> usize {
        self.inner.available_permits()
    }

    /// Adds `n` permits.
    pub fn add_permits(&self, n: usize) {
        self.inner.add_permits(n)
    }

    /// Removes up to `n` available permits; returns how many.
    pub fn forget_permits(&self, n: usize) -> usize {
        self.inner.forget_permits(n)
    }

    /// Closes the semaphore: waiting and later acquires fail.
    pub fn close(&self) {
        self.inner.close()
    }

    /// Whether the semaphore is closed.
    pub fn is_closed(&self) -> bool {
        self.inner.is_closed()
    }

    /// Waits for a permit. A wait registers with the monitor.
    #[track_caller]
    pub fn acquire(
        &self,
    ) -> impl std::future::Future<Output = Result<SemaphorePermit<'_>, AcquireError>> + '_ {
        self.acquire_many(1)
    }

    /// Waits for `n` permits.
    #[track_caller]
    pub fn acquire_many(
        &self,
        n: u32,
    ) -> impl std::future::Future<Output = Result<SemaphorePermit<'_>, AcquireError>> + '_ {
        let site = Location::caller();
        async move {
            let inner = match self.inner.try_acquire_many(n) {
                Ok(p) => p,
                Err(_) => {
                    let monitor = crate::monitor();
                    Waiting::new(self.inner.acquire_many(n), &monitor, WaitKind::Other, site)
                        .await?
                }
            };
            let holder = taken(&self.meta, n);
            Ok(SemaphorePermit {
                inner: Some(inner),
                meta: &self.meta,
                n,
                holder,
            })
        }
    }

    /// Takes a permit if one is available now.
    pub fn try_acquire(&self) -> Result<SemaphorePermit<'_>, TryAcquireError> {
        self.try_acquire_many(1)
    }

    /// Takes `n` permits if available now.
    pub fn try_acquire_many(&self, n: u32) -> Result<SemaphorePermit<'_>, TryAcquireError> {
        let inner = self.inner.try_acquire_many(n)?;
        let holder = taken(&self.meta, n);
        Ok(SemaphorePermit {
            inner: Some(inner),
            meta: &self.meta,
            n,
            holder,
        })
    }

    /// Waits for a permit that owns a handle on the semaphore.
    #[track_caller]
    pub fn acquire_owned(
        self: Arc<Self>,
    ) -> impl std::future::Future<Output = Result<OwnedSemaphorePermit, AcquireError>> {
        self.acquire_many_owned(1)
    }

    /// Waits for `n` permits that own a handle on the semaphore.
    #[track_caller]
    pub fn acquire_many_owned(
        self: Arc<Self>,
        n: u32,
    ) -> impl std::future::Future<Output = Result<OwnedSemaphorePermit, AcquireError>> {
        let site = Location::caller();
        async move {
            let inner = match self.inner.clone().try_acquire_many_owned(n) {
                Ok(p) => p,
                Err(_) => {
                    let monitor = crate::monitor();
                    let fut = self.inner.clone().acquire_many_owned(n);
                    Waiting::new(fut, &monitor, WaitKind::Other, site).await?
                }
            };
            let holder = taken(&self.meta, n);
            Ok(OwnedSemaphorePermit {
                inner: Some(inner),
                meta: self.meta.clone(),
                n,
                holder,
            })
        }
    }

    /// Takes an owned permit if one is available now.
    pub fn try_acquire_owned(self: Arc<Self>) -> Result<OwnedSemaphorePermit, TryAcquireError> {
        self.try_acquire_many_owned(1)
    }

    /// Takes `n` owned permits if available now.
    pub fn try_acquire_many_owned(
        self: Arc<Self>,
        n: u32,
    ) -> Result<OwnedSemaphorePermit, TryAcquireError> {
        let inner = self.inner.clone().try_acquire_many_owned(n)?;
        let holder = taken(&self.meta, n);
        Ok(OwnedSemaphorePermit {
            inner: Some(inner),
            meta: self.meta.clone(),
            n,
            holder,
        })
    }
}

/// A permit borrowed from a [`Semaphore`]; released on drop. As
/// `tokio::sync::SemaphorePermit`.
pub struct SemaphorePermit<'a> {
    inner: Option<tokio::sync::SemaphorePermit<'a>>,
    meta: &'a SemaphoreMeta,
    n: u32,
    holder: Option<TaskKey>,
}

impl SemaphorePermit<'_> {
    /// Keeps the permits out of the semaphore for good (not counted as held).
    pub fn forget(mut self) {
        if let Some(inner) = self.inner.take() {
            inner.forget();
        }
    }

    /// Permits this holds.
    pub fn num_permits(&self) -> usize {
        self.n as usize
    }
}

impl Drop for SemaphorePermit<'_> {
    fn drop(&mut self) {
        given_back(self.meta, self.n, self.holder);
    }
}

impl fmt::Debug for SemaphorePermit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SemaphorePermit")
            .field("permits", &self.n)
            .finish()
    }
}

/// A permit that owns a handle on its [`Semaphore`]; released on drop. As
/// `tokio::sync::OwnedSemaphorePermit`.
pub struct OwnedSemaphorePermit {
    inner: Option<tokio::sync::OwnedSemaphorePermit>,
    meta: Arc<SemaphoreMeta>,
    n: u32,
    holder: Option<TaskKey>,
}

impl OwnedSemaphorePermit {
    /// Keeps the permits out of the semaphore for good (not counted as held).
    pub fn forget(mut self) {
        if let Some(inner) = self.inner.take() {
            inner.forget();
        }
    }

    /// Permits this holds.
    pub fn num_permits(&self) -> usize {
        self.n as usize
    }
}

impl Drop for OwnedSemaphorePermit {
    fn drop(&mut self) {
        given_back(&self.meta, self.n, self.holder);
    }
}

impl fmt::Debug for OwnedSemaphorePermit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedSemaphorePermit")
            .field("permits", &self.n)
            .finish()
    }
}
