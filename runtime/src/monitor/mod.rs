//! The monitor: one per test (or one process-wide fallback). Channels, semaphores and
//! tasks register with the monitor current where they are created; operations that wait
//! register a wait; a watchdog thread looks for wait cycles that stop moving.

mod config;
mod cycle;
mod export;
mod report;
mod task;
mod waits;
mod watchdog;

pub(crate) mod registry;

use std::cell::RefCell;
use std::collections::HashMap;
use std::panic::Location;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::ThreadId;

pub use config::Config;
pub(crate) use report::growth_finding;
pub use report::{ChannelStats, Finding, FindingKind, Report, SpawnStats};

pub(crate) use task::TaskKey;
pub(crate) use waits::{WaitGuard, WaitKind};

use registry::{ChannelMeta, OneshotMeta, SemaphoreMeta, SpawnSite};
use task::TaskInfo;

/// A monitor: records what checked channels, semaphores and tasks do, and finds
/// deadlocks, ask cycles, growth past budget and leaked permits.
///
/// `#[bpcheck::test]` installs one per test. Custom harnesses create one with
/// [`Monitor::new`] and make it current with [`Monitor::enter`].
///
/// ```
/// let monitor = bpcheck::Monitor::new("my_harness", bpcheck::Config::default());
/// let _entered = monitor.enter();
/// let (tx, mut rx) = bpcheck::sync::mpsc::channel_named::<u32>("jobs", 4);
/// tx.try_send(1).unwrap();
/// assert_eq!(rx.try_recv().unwrap(), 1);
/// assert!(monitor.findings().is_empty());
/// assert!(monitor.report().to_string().contains("jobs"));
/// ```
#[derive(Clone)]
pub struct Monitor {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) name: String,
    pub(crate) config: Config,
    /// The thread that runs the test body (shown as "test body").
    pub(crate) body_thread: Mutex<Option<ThreadId>>,
    next_id: AtomicU64,
    pub(crate) channels: Mutex<Vec<Arc<ChannelMeta>>>,
    pub(crate) semaphores: Mutex<Vec<Arc<SemaphoreMeta>>>,
    pub(crate) tasks: Mutex<HashMap<TaskKey, TaskInfo>>,
    pub(crate) spawn_sites: Mutex<Vec<(&'static Location<'static>, SpawnSite)>>,
    pub(crate) waits: Mutex<HashMap<u64, waits::Wait>>,
    pub(crate) findings: Mutex<Vec<Finding>>,
    /// Tasks admitted by a permit their spawner held: (task, semaphore id).
    pub(crate) admitted: Mutex<registry::Admitted>,
    pub(crate) found: tokio::sync::Notify,
    watchdog_started: AtomicBool,
    pub(crate) closed: AtomicBool,
}

thread_local! {
    static CURRENT: RefCell<Option<Monitor>> = const { RefCell::new(None) };
}

static GLOBAL: OnceLock<Monitor> = OnceLock::new();

/// The monitor current on this thread: the test's, else a process-wide one that records
/// but fails nothing.
///
/// ```
/// let report = bpcheck::monitor().report();
/// println!("{report}");
/// ```
pub fn monitor() -> Monitor {
    CURRENT.with(|c| c.borrow().clone()).unwrap_or_else(|| {
        GLOBAL
            .get_or_init(|| Monitor::new("global", Config::default()))
            .clone()
    })
}

/// Panics with the report of the first deadlock or ask cycle the current monitor found.
///
/// ```
/// bpcheck::assert_no_deadlock();
/// ```
pub fn assert_no_deadlock() {
    let findings = monitor().findings();
    if let Some(f) = findings
        .iter()
        .find(|f| matches!(f.kind, FindingKind::Deadlock | FindingKind::AskCycle))
    {
        panic!("{f}");
    }
}

/// The current monitor's report: high-water marks, spawn peaks and findings so far.
///
/// ```
/// assert!(bpcheck::report().findings.is_empty());
/// ```
pub fn report() -> Report {
    monitor().report()
}

/// Makes a monitor current on this thread until dropped (see [`Monitor::enter`]).
pub struct EnterGuard {
    previous: Option<Monitor>,
}

impl Drop for EnterGuard {
    fn drop(&mut self) {
        let previous = self.previous.take();
        CURRENT.with(|c| *c.borrow_mut() = previous);
    }
}

impl Monitor {
    /// A new monitor named `name` (the name of its JSON export).
    pub fn new(name: impl Into<String>, config: Config) -> Monitor {
        Monitor {
            inner: Arc::new(Inner {
                name: name.into(),
                config,
                body_thread: Mutex::new(None),
                next_id: AtomicU64::new(1),
                channels: Mutex::default(),
                semaphores: Mutex::default(),
                tasks: Mutex::default(),
                spawn_sites: Mutex::default(),
                waits: Mutex::default(),
                findings: Mutex::default(),
                admitted: Mutex::default(),
                found: tokio::sync::Notify::new(),
                watchdog_started: AtomicBool::new(false),
                closed: AtomicBool::new(false),
            }),
        }
    }

    /// Makes this monitor current on this thread (channels and tasks created here register
    /// with it) until the guard is dropped. The calling thread is shown as "test body".
    pub fn enter(&self) -> EnterGuard {
        lock(&self.inner.body_thread).get_or_insert(std::thread::current().id());
        self.enter_worker()
    }

    /// Whether this monitor is current on this thread.
    pub(crate) fn is_current(&self) -> bool {
        CURRENT.with(|c| {
            c.borrow()
                .as_ref()
                .is_some_and(|m| Arc::ptr_eq(&m.inner, &self.inner))
        })
    }

    /// Makes this monitor current on a runtime worker thread.
    pub(crate) fn enter_worker(&self) -> EnterGuard {
        let previous = CURRENT.with(|c| c.borrow_mut().replace(self.clone()));
        EnterGuard { previous }
    }

    /// The monitor's name.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The findings so far.
    pub fn findings(&self) -> Vec<Finding> {
        lock(&self.inner.findings).clone()
    }

    /// Waits until the watchdog finds a deadlock or an ask cycle, and returns it.
    pub async fn deadlock(&self) -> Finding {
        loop {
            let notified = self.inner.found.notified();
            if let Some(f) = self
                .findings()
                .into_iter()
                .find(|f| matches!(f.kind, FindingKind::Deadlock | FindingKind::AskCycle))
            {
                return f;
            }
            notified.await;
        }
    }

    /// High-water marks, spawn peaks and findings so far.
    pub fn report(&self) -> Report {
        report::build(self)
    }

    /// Runs the end-of-test checks (growth budgets, permits still held), stops the watchdog
    /// and writes the observed graph as JSON under `target/bpcheck/`. Returns the path
    /// written, if any.
    pub fn finish(&self) -> Option<std::path::PathBuf> {
        report::end_checks(self);
        self.close();
        for (site, stats) in lock(&self.inner.spawn_sites).iter() {
            tracing::info!(
                target: "bpcheck",
                monitor = %self.inner.name,
                spawn_site = %task::site(site),
                spawned = stats.spawned,
                peak_live = stats.peak,
                "live tasks high-water mark"
            );
        }
        for c in lock(&self.inner.channels).iter() {
            tracing::info!(
                target: "bpcheck",
                monitor = %self.inner.name,
                channel = %c.label(),
                capacity = ?c.capacity,
                high_water = c.high_water.load(Ordering::Relaxed),
                "channel high-water mark"
            );
        }
        if self.inner.config.export {
            export::write(self)
        } else {
            None
        }
    }

    /// Stops the watchdog.
    pub fn close(&self) {
        self.inner.closed.store(true, Ordering::Relaxed);
    }

    /// Forgets the channels and semaphores (which point back at the monitor), so that a
    /// finished monitor can be freed.
    pub(crate) fn release(&self) {
        lock(&self.inner.channels).clear();
        lock(&self.inner.semaphores).clear();
    }

    /// Records a finding: kept, emitted as a `tracing` event, and wakes [`Monitor::deadlock`].
    pub(crate) fn add_finding(&self, finding: Finding) {
        tracing::error!(target: "bpcheck", kind = %finding.kind, monitor = %self.inner.name, "{}", finding.message);
        lock(&self.inner.findings).push(finding);
        self.inner.found.notify_waiters();
        self.inner.found.notify_one();
    }

    pub(crate) fn next_id(&self) -> u64 {
        self.inner.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Registers a channel created at `site`.
    pub(crate) fn register_channel(
        &self,
        name: Option<String>,
        site: &'static Location<'static>,
        capacity: Option<usize>,
    ) -> Arc<ChannelMeta> {
        let meta = Arc::new(ChannelMeta {
            id: self.next_id(),
            name,
            site,
            capacity,
            high_water: Default::default(),
            sent: Default::default(),
            received: Default::default(),
            senders: Mutex::default(),
            receivers: Mutex::default(),
            recv_waiter: Mutex::default(),
            over_budget: AtomicBool::new(false),
            admission: OnceLock::new(),
            monitor: self.clone(),
        });
        lock(&self.inner.channels).push(meta.clone());
        meta
    }

    /// Registers a semaphore created at `site`.
    pub(crate) fn register_semaphore(
        &self,
        site: &'static Location<'static>,
    ) -> Arc<SemaphoreMeta> {
        let meta = Arc::new(SemaphoreMeta {
            id: self.next_id(),
            site,
            acquired: AtomicU64::new(0),
            released: AtomicU64::new(0),
            admission: AtomicBool::new(false),
            holders: Mutex::default(),
        });
        lock(&self.inner.semaphores).push(meta.clone());
        meta
    }

    /// A oneshot channel created at `site`.
    pub(crate) fn register_oneshot(&self, site: &'static Location<'static>) -> Arc<OneshotMeta> {
        Arc::new(OneshotMeta {
            site,
            request_channel: OnceLock::new(),
        })
    }

    /// A task is about to be spawned at `site`: counts it live.
    pub(crate) fn site_spawned(&self, site: &'static Location<'static>) {
        let mut sites = lock(&self.inner.spawn_sites);
        let entry = match sites.iter().position(|(s, _)| *s == site) {
            Some(i) => &mut sites[i].1,
            None => {
                sites.push((site, SpawnSite::default()));
                &mut sites.last_mut().expect("just pushed").1
            }
        };
        entry.spawned += 1;
        entry.live += 1;
        if entry.live > entry.peak {
            entry.peak = entry.live;
        }
    }

    /// What is known of a spawned task: its name and spawn site.
    pub(crate) fn task_info(
        &self,
        key: TaskKey,
        name: Option<String>,
        site: &'static Location<'static>,
    ) {
        let mut tasks = lock(&self.inner.tasks);
        let info = tasks.entry(key).or_default();
        info.name = name;
        info.site = Some(site);
    }

    /// A task spawned through `bpcheck` finished (or was dropped).
    pub(crate) fn task_ended(&self, key: Option<TaskKey>, site: &'static Location<'static>) {
        if let Some(key) = key {
            lock(&self.inner.tasks).entry(key).or_default().ended = true;
        }
        let mut sites = lock(&self.inner.spawn_sites);
        if let Some((_, s)) = sites.iter_mut().find(|(s, _)| *s == site) {
            s.live = s.live.saturating_sub(1);
        }
    }

    /// Registers a wait; the watchdog starts with the first one.
    pub(crate) fn wait(&self, kind: WaitKind, site: &'static Location<'static>) -> WaitGuard {
        if !self.inner.watchdog_started.swap(true, Ordering::AcqRel) {
            watchdog::start(self);
        }
        waits::register(self, kind, site)
    }

    /// Names a thread (other than the test body's) by its name, for reports.
    pub(crate) fn note_thread(&self, key: TaskKey) {
        let TaskKey::Thread(id) = key else {
            return;
        };
        if *lock(&self.inner.body_thread) == Some(id) {
            return;
        }
        let current = std::thread::current();
        if current.id() != id {
            return;
        }
        if let Some(name) = current.name() {
            let mut tasks = lock(&self.inner.tasks);
            let info = tasks.entry(key).or_default();
            if info.name.is_none() {
                info.name = Some(format!("thread {name}"));
            }
        }
    }

    /// How a task is shown in reports.
    pub(crate) fn describe(&self, key: TaskKey) -> String {
        let tasks = lock(&self.inner.tasks);
        let body = *lock(&self.inner.body_thread);
        task::describe(key, tasks.get(&key), body)
    }
}

/// Locks a mutex, ignoring poisoning: a task that panicked while the monitor held a lock
/// leaves the data consistent (each critical section is a single update).
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
