//! Real behaviour behind BP011: the fixtures `futurelock_lock`, `futurelock_channel` and
//! `futurelock_semaphore` (their `lib.rs`, compiled here as they are) run on real tokio. Each
//! function the fixtures mark hangs, each unmarked one completes.
//!
//! Each scenario makes the resource busy when the raced future first waits for it (another
//! task holds the lock or the permit; a slow consumer leaves the one-slot queue full), so that
//! the other branch wins. The clock is paused: it moves only when every task waits, straight
//! to the next timer. A run that deadlocks reaches the bounded wait's deadline at once; a run
//! that works finishes long before it (its own timers are milliseconds).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

#[path = "../../fixtures/futurelock_lock/src/lib.rs"]
mod lock_fixture;

#[path = "../../fixtures/futurelock_channel/src/lib.rs"]
mod channel_fixture;

#[path = "../../fixtures/futurelock_semaphore/src/lib.rs"]
mod semaphore_fixture;

use channel_fixture::{Forwarder, Frame};
use lock_fixture::Reporter;
use semaphore_fixture::Uploader;

/// The bounded wait (virtual time): a minute, against runs of a few hundred milliseconds.
const LIMIT: Duration = Duration::from_secs(60);

async fn completes<F: Future>(f: F) -> bool {
    tokio::time::timeout(LIMIT, f).await.is_ok()
}

/// Runs one of the reporter's flushes while another task holds the stats for 50 ms (the
/// reporter waits 10 ms); true when the flush completes.
async fn flush_while_busy<F, Fut>(flush: F) -> bool
where
    F: FnOnce(Arc<Reporter>) -> Fut,
    Fut: Future<Output = ()>,
{
    let reporter = Arc::new(Reporter::new(Duration::from_millis(10)));
    let guard = reporter.stats().lock_owned().await;
    let holder = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(50)).await;
        drop(guard);
    });
    let done = completes(flush(reporter.clone())).await;
    holder.await.unwrap();
    if done {
        let stats = reporter.stats();
        let stats = stats.lock().await;
        // One flush or skip; none when the second attempt found the lock taken.
        assert!(stats.flushed + stats.skipped <= 1, "{stats:?}");
    }
    done
}

#[tokio::test(start_paused = true)]
async fn lock_raced_against_a_timer_hangs_when_the_timer_branch_locks_again() {
    assert!(!flush_while_busy(|r| async move { r.flush_or_skip().await }).await);
    assert!(!flush_while_busy(|r| async move { r.flush_or_skip_helpers().await }).await);
}

#[tokio::test(start_paused = true)]
async fn lock_raced_against_a_timer_completes_when_dropped_created_inline_or_tried() {
    assert!(flush_while_busy(|r| async move { r.flush_or_skip_dropped().await }).await);
    assert!(flush_while_busy(|r| async move { r.flush_or_skip_helpers_dropped().await }).await);
    assert!(flush_while_busy(|r| async move { r.flush_or_skip_inline().await }).await);
    assert!(flush_while_busy(|r| async move { r.flush_or_skip_try().await }).await);
}

/// Forwards four frames through the one-slot uplink, a tick every 130 ms, to a consumer that
/// takes one every 100 ms: the fourth frame waits for room when a tick comes.
async fn forward(forwarder: Forwarder) -> Option<Vec<Frame>> {
    tokio::time::timeout(
        LIMIT,
        channel_fixture::run(
            forwarder,
            vec![1, 2, 3, 4],
            Duration::from_millis(130),
            Duration::from_millis(100),
        ),
    )
    .await
    .ok()
}

#[tokio::test(start_paused = true)]
async fn pinned_send_kept_across_turns_hangs_when_a_tick_sends_into_the_same_channel() {
    assert_eq!(forward(Forwarder::Pinned).await, None);
    assert_eq!(forward(Forwarder::PinnedHelper).await, None);
}

#[tokio::test(start_paused = true)]
async fn send_created_inside_select_or_try_send_heartbeat_completes() {
    for forwarder in [Forwarder::Inline, Forwarder::TrySend] {
        let got = forward(forwarder).await.expect("forwarder hung");
        let data: Vec<Frame> = got.into_iter().filter(|f| *f != Frame::Heartbeat).collect();
        assert_eq!(
            data,
            (1..=4).map(Frame::Data).collect::<Vec<_>>(),
            "{forwarder:?}"
        );
    }
}

/// Runs one of the uploads while another task holds the only permit for 50 ms (the uploader
/// waits 10 ms); true when the upload completes.
async fn upload_while_busy<F, Fut>(upload: F) -> bool
where
    F: FnOnce(Arc<Uploader>) -> Fut,
    Fut: Future<Output = usize>,
{
    let uploader = Arc::new(Uploader::new(Duration::from_millis(10)));
    let permit = uploader.permits().acquire_owned().await.unwrap();
    let holder = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(50)).await;
        drop(permit);
    });
    let done = completes(upload(uploader.clone())).await;
    holder.await.unwrap();
    if done {
        assert_eq!(
            uploader.warnings.load(std::sync::atomic::Ordering::SeqCst),
            1
        );
    }
    done
}

#[tokio::test(start_paused = true)]
async fn pinned_acquire_hangs_when_the_timeout_branch_acquires_again() {
    assert!(!upload_while_busy(|u| async move { u.upload(b"chunk").await }).await);
    assert!(!upload_while_busy(|u| async move { u.upload_helper(b"chunk").await }).await);
}

#[tokio::test(start_paused = true)]
async fn pinned_acquire_awaited_again_or_spawned_completes() {
    assert!(upload_while_busy(|u| async move { u.upload_patient(b"chunk").await }).await);
    assert!(upload_while_busy(|u| async move { u.upload_spawned(b"chunk".to_vec()).await }).await);
}
