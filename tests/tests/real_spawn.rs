//! Real behaviour behind BP004 `unbounded-spawn`, with real tokio: the accept loop of
//! fixture `permit_spawn_per_connection` (reported) and of its fix
//! `permit_acquire_owned_before_spawn` (silent) are compiled here from the fixtures'
//! own `server.rs` and fed connections whose handlers stay busy until released.
//!
//! The reported loop ends up with one live task per connection fed to it, however many
//! that is; the fixed loop never has more live handlers than its permits, and stops
//! accepting until one finishes. Everything is measured as counts (live handlers, their
//! peak, the runtime's alive tasks), never as time.
//!
//! The clock is paused, so the runtime advances it only when no task can make progress:
//! [`settle`] returns once every task has run until it blocks.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::runtime::Handle;
use tokio::sync::{mpsc, watch};

#[path = "../../fixtures/permit_spawn_per_connection/src/server.rs"]
mod unbounded;

#[path = "../../fixtures/permit_acquire_owned_before_spawn/src/server.rs"]
mod bounded;

/// Permits of the fixed server in these tests.
const LIMIT: usize = 4;

/// Two input sizes: the unbounded server's task count must follow the input.
const SIZES: [usize; 2] = [16, 160];

/// Connections are plain numbers fed through a channel; the feed fails like a closed
/// listener once its sender is dropped and it is drained.
struct Feed(mpsc::UnboundedReceiver<usize>);

impl Feed {
    async fn next(&mut self) -> io::Result<usize> {
        self.0
            .recv()
            .await
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotConnected, "feed closed"))
    }
}

impl unbounded::Listener for Feed {
    type Conn = usize;

    async fn accept(&mut self) -> io::Result<usize> {
        self.next().await
    }
}

impl bounded::Listener for Feed {
    type Conn = usize;

    async fn accept(&mut self) -> io::Result<usize> {
        self.next().await
    }
}

type HandlerFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Counts handlers as they run: each one waits until `release` turns true.
#[derive(Clone)]
struct Probe {
    live: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
    done: Arc<AtomicUsize>,
    release: watch::Receiver<bool>,
}

impl Probe {
    fn new(release: watch::Receiver<bool>) -> Self {
        Probe {
            live: Arc::default(),
            peak: Arc::default(),
            done: Arc::default(),
            release,
        }
    }

    /// The connection handler given to the server.
    fn handler(&self) -> impl Fn(usize) -> HandlerFuture + Send + Sync + 'static {
        let probe = self.clone();
        move |_conn| {
            let mut probe = probe.clone();
            Box::pin(async move {
                let now = probe.live.fetch_add(1, Ordering::SeqCst) + 1;
                probe.peak.fetch_max(now, Ordering::SeqCst);
                probe
                    .release
                    .wait_for(|released| *released)
                    .await
                    .expect("release sender kept alive");
                probe.live.fetch_sub(1, Ordering::SeqCst);
                probe.done.fetch_add(1, Ordering::SeqCst);
            })
        }
    }

    fn live(&self) -> usize {
        self.live.load(Ordering::SeqCst)
    }

    fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }

    fn done(&self) -> usize {
        self.done.load(Ordering::SeqCst)
    }
}

/// Lets every task run until it blocks (see the module doc).
async fn settle() {
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// Tasks alive in this runtime, besides the test's own body.
fn alive_tasks() -> usize {
    Handle::current().metrics().num_alive_tasks()
}

/// What one run showed.
#[derive(Debug)]
struct Observed {
    /// With all `n` connections fed and no handler released yet.
    live_while_held: usize,
    /// Alive tasks at that point, the server's own task included.
    alive_while_held: usize,
    /// Connections the server had not taken from the feed at that point.
    waiting_in_feed: usize,
    /// Most handlers ever live at once, over the whole run.
    peak: usize,
    /// Handlers that completed, after release and the feed closing.
    done: usize,
    /// Alive tasks at the end, once everything finished.
    alive_at_end: usize,
    /// How the server's accept loop ended.
    server_error: io::ErrorKind,
}

/// Feeds `n` connections to a server started by `start`, observes it while every
/// handler is held, then releases them and closes the feed.
async fn drive<S, F>(n: usize, start: S) -> Observed
where
    S: FnOnce(Feed, Probe) -> F,
    F: Future<Output = io::Result<()>> + Send + 'static,
{
    assert_eq!(alive_tasks(), 0, "a previous run left tasks behind");
    let (feed_tx, feed_rx) = mpsc::unbounded_channel();
    let (release_tx, release_rx) = watch::channel(false);
    let probe = Probe::new(release_rx);
    let server = tokio::spawn(start(Feed(feed_rx), probe.clone()));

    for conn in 0..n {
        feed_tx.send(conn).expect("server is running");
    }
    settle().await;
    let live_while_held = probe.live();
    let alive_while_held = alive_tasks();
    let waiting_in_feed = n - probe.live() - probe.done();

    release_tx.send(true).expect("probe holds a receiver");
    drop(feed_tx);
    let server_error = server
        .await
        .expect("server task panicked")
        .expect_err("the accept loop only ends when the feed closes")
        .kind();
    settle().await;

    Observed {
        live_while_held,
        alive_while_held,
        waiting_in_feed,
        peak: probe.peak(),
        done: probe.done(),
        alive_at_end: alive_tasks(),
        server_error,
    }
}

async fn run_unbounded(n: usize) -> Observed {
    drive(n, |feed, probe| unbounded::serve(feed, probe.handler())).await
}

async fn run_bounded(n: usize) -> Observed {
    drive(n, |feed, probe| {
        bounded::serve(feed, LIMIT, probe.handler())
    })
    .await
}

#[tokio::test(start_paused = true)]
async fn spawn_per_connection_grows_with_the_input() {
    for n in SIZES {
        let seen = run_unbounded(n).await;
        // One live task per connection fed, plus the accept loop itself.
        assert_eq!(seen.live_while_held, n, "n = {n}: {seen:?}");
        assert_eq!(seen.alive_while_held, n + 1, "n = {n}: {seen:?}");
        assert_eq!(seen.waiting_in_feed, 0, "n = {n}: {seen:?}");
        assert_eq!(seen.peak, n, "n = {n}: {seen:?}");
        // Every connection is still served, and nothing is left afterwards.
        assert_eq!(seen.done, n, "n = {n}: {seen:?}");
        assert_eq!(seen.alive_at_end, 0, "n = {n}: {seen:?}");
        assert_eq!(seen.server_error, io::ErrorKind::NotConnected);
    }
}

#[tokio::test(start_paused = true)]
async fn permit_moved_into_the_task_caps_live_tasks() {
    for n in SIZES {
        let seen = run_bounded(n).await;
        // `LIMIT` handlers and the accept loop, which waits for a permit; the rest of
        // the connections stay in the feed (the listen backlog of a real server).
        assert_eq!(seen.live_while_held, LIMIT, "n = {n}: {seen:?}");
        assert_eq!(seen.alive_while_held, LIMIT + 1, "n = {n}: {seen:?}");
        assert_eq!(seen.waiting_in_feed, n - LIMIT, "n = {n}: {seen:?}");
        // Never more than `LIMIT` at once, over the whole run, and all served.
        assert_eq!(seen.peak, LIMIT, "n = {n}: {seen:?}");
        assert_eq!(seen.done, n, "n = {n}: {seen:?}");
        assert_eq!(seen.alive_at_end, 0, "n = {n}: {seen:?}");
        assert_eq!(seen.server_error, io::ErrorKind::NotConnected);
    }
}

/// The two fixtures differ in what the tool says about them; this pins that the code
/// compiled above is the code the tool reads.
#[test]
fn the_fixtures_compiled_here_are_the_ones_checked() {
    use bpcheck_tests::{expected_findings, fixture_dir};
    let marked = |name: &str| -> Vec<String> {
        expected_findings(&fixture_dir(name))
            .into_iter()
            .map(|k| k.to_string())
            .collect()
    };
    let unbounded = marked("permit_spawn_per_connection");
    assert_eq!(unbounded.len(), 1, "{unbounded:?}");
    assert!(
        unbounded[0].starts_with("src/server.rs:") && unbounded[0].ends_with(" BP004"),
        "{unbounded:?}"
    );
    assert!(
        marked("permit_acquire_owned_before_spawn").is_empty(),
        "the fixed server must stay silent"
    );
}
