//! The other findings, the report, the JSON export, per-test isolation, and a monitor that
//! survives panicking tasks.

#![cfg(feature = "check")]

mod shim;

use std::sync::Arc;
use std::time::Duration;

use bpcheck::sync::{mpsc, Semaphore};
use shim::{checked, completed, reported};

#[test]
fn an_unbounded_channel_past_its_budget_fails_the_test() {
    let grow = async {
        let (tx, _rx) = mpsc::unbounded_channel_named::<u32>("events");
        for n in 0..20_001 {
            tx.send(n).unwrap();
        }
    };
    let message = reported(checked("unbounded_growth", false, grow));
    assert!(
        message.contains(
            "bpcheck: unbounded growth: unbounded channel events held 10001 messages (budget 10000)"
        ),
        "{message}"
    );
}

#[bpcheck::test(unbounded_budget = 100)]
async fn an_unbounded_channel_within_its_budget_passes() {
    let (tx, mut rx) = mpsc::unbounded_channel_named::<u32>("events");
    for round in 0..50 {
        for n in 0..100 {
            tx.send(round * 100 + n).unwrap();
        }
        for _ in 0..100 {
            rx.recv().await.unwrap();
        }
    }
    let report = bpcheck::report();
    assert_eq!(report.channels.len(), 1, "only this test's channels");
    assert_eq!(report.channels[0].high_water, 100);
    assert_eq!(report.channels[0].sent, 5_000);
}

#[test]
fn a_permit_still_held_at_the_end_is_reported() {
    let leak = async {
        let semaphore = Semaphore::new(4);
        let permit = semaphore.acquire().await.unwrap();
        std::mem::forget(permit);
        // Forgetting through the API is deliberate, not a leak.
        semaphore.acquire().await.unwrap().forget();
    };
    let message = reported(checked("permit_held", false, leak));
    assert!(
        message.starts_with(
            "bpcheck: permit held: 1 permit(s) of the semaphore created at runtime/tests/findings.rs:"
        ),
        "{message}"
    );
    assert!(
        message.ends_with(" still held when the test ended"),
        "{message}"
    );
}

#[test]
fn a_send_into_an_admission_region_without_a_permit_is_reported() {
    let admitted = async {
        let semaphore = Arc::new(Semaphore::new(2));
        let (tx, mut rx) = mpsc::channel_named::<u32>("admitted jobs", 8);
        bpcheck::sync::declare_admission(&semaphore, &tx);
        // Under a permit held by the sender, and by the task that spawned it: fine.
        let permit = semaphore.acquire().await.unwrap();
        tx.send(1).await.unwrap();
        drop(permit);
        let owned = semaphore.clone().acquire_owned().await.unwrap();
        let child_tx = tx.clone();
        bpcheck::spawn(async move {
            child_tx.send(2).await.unwrap();
            drop(owned);
        })
        .await
        .unwrap();
        assert!(bpcheck::monitor().findings().is_empty());
        // Without one: a finding.
        tx.send(3).await.unwrap();
        for _ in 0..3 {
            rx.recv().await.unwrap();
        }
    };
    let message = reported(checked("admission", false, admitted));
    assert!(
        message.contains("bpcheck: unadmitted send: test body sent on admitted jobs at runtime/tests/findings.rs:"),
        "{message}"
    );
    assert!(
        message.contains(
            "holding no permit of the admission semaphore created at runtime/tests/findings.rs:"
        ),
        "{message}"
    );
}

#[test]
fn too_many_live_tasks_from_one_spawn_site_are_reported() {
    let spawn_many = async {
        let gate = Arc::new(tokio_rt::sync::Notify::new());
        let mut handles = Vec::new();
        for _ in 0..10 {
            let gate = gate.clone();
            handles.push(bpcheck::spawn(async move { gate.notified().await }));
        }
        tokio_rt::task::yield_now().await;
        gate.notify_waiters();
        for h in handles {
            h.await.unwrap();
        }
    };
    let options = bpcheck::__private::TestOptions {
        task_budget: Some(5),
        ..Default::default()
    };
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        bpcheck::__private::run_test("task_growth", options, spawn_many)
    }));
    let payload = outcome.expect_err("over the task budget");
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(
        message.contains(
            "bpcheck: task growth: 10 tasks alive at once spawned at runtime/tests/findings.rs:"
        ),
        "{message}"
    );
}

/// A producer that reads replies only now and then, and a worker that replies to every
/// job: both queues fill, and each waits on the other.
async fn ping_pong() {
    let (jobs_tx, mut jobs_rx) = mpsc::channel_named::<u32>("jobs", 2);
    let (replies_tx, mut replies_rx) = mpsc::channel_named::<u32>("replies", 2);
    let producer = bpcheck::spawn_named("producer", async move {
        for n in 0.. {
            jobs_tx.send(n).await.unwrap();
            if n % 4 == 3 {
                while let Ok(reply) = replies_rx.try_recv() {
                    let _ = reply;
                }
            }
        }
    });
    bpcheck::spawn_named("worker", async move {
        while let Some(job) = jobs_rx.recv().await {
            replies_tx.send(job * 2).await.unwrap();
        }
    });
    producer.await.unwrap();
}

#[bpcheck::test]
#[should_panic(expected = "to send on jobs (capacity 2, full)")]
async fn a_hang_becomes_a_named_cycle() {
    ping_pong().await;
}

#[test]
fn the_named_cycle_names_tasks_channels_and_send_sites() {
    let message = reported(checked("ping_pong", true, ping_pong()));
    let producer = "task producer waits at runtime/tests/findings.rs:";
    let worker = "task worker waits at runtime/tests/findings.rs:";
    assert!(message.starts_with("bpcheck: deadlock: task "), "{message}");
    for part in [
        producer,
        " to send on jobs (capacity 2, full)",
        worker,
        " to send on replies (capacity 2, full)",
    ] {
        assert!(message.contains(part), "{part} not in {message}");
    }
    assert!(
        message.ends_with(" -> back to producer") || message.ends_with(" -> back to worker"),
        "{message}"
    );
}

#[test]
fn the_observed_graph_is_written_as_json() {
    let run = async {
        let (tx, mut rx) = mpsc::channel_named::<u32>("jobs", 4);
        let worker = bpcheck::spawn_named("worker", async move {
            let mut sum = 0;
            while let Some(n) = rx.recv().await {
                sum += n;
            }
            sum
        });
        for n in 0..10 {
            tx.send(n).await.unwrap();
        }
        drop(tx);
        worker.await.unwrap()
    };
    assert_eq!(completed(checked("json_export", true, run)), 45);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.join("../target"));
    let text = std::fs::read_to_string(target.join("bpcheck/json_export.json")).unwrap();
    let graph: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(graph["test"], "json_export");
    let channel = &graph["channels"][0];
    assert_eq!(channel["name"], "jobs");
    assert_eq!(channel["capacity"], 4);
    assert_eq!(channel["sent"], 10);
    assert_eq!(channel["site"]["file"], "runtime/tests/findings.rs");
    let edges = graph["edges"].as_array().unwrap();
    assert!(edges.iter().any(|e| e["task"] == "worker"
        && e["direction"] == "recv"
        && e["channel"] == channel["id"]));
    assert!(edges
        .iter()
        .any(|e| e["task"] == "test body" && e["direction"] == "send"));
    let spawn = &graph["spawn_sites"][0];
    assert_eq!(spawn["spawned"], 1);
    assert_eq!(spawn["site"]["file"], "runtime/tests/findings.rs");
}

#[bpcheck::test(flavor = "multi_thread", worker_threads = 2)]
async fn panicking_tasks_do_not_corrupt_the_monitor_or_lose_messages() {
    let semaphore = Arc::new(Semaphore::new(3));
    let (tx, mut rx) = mpsc::channel_named::<u32>("survivors", 1);
    // A task that panics holding a permit.
    let held = semaphore.clone().acquire_owned().await.unwrap();
    let panicked = bpcheck::spawn(async move {
        let _held = held;
        panic!("boom while holding a permit");
    });
    assert!(panicked.await.is_err());
    // A task that panics while waiting to send on a full channel.
    tx.send(0).await.unwrap();
    let stuck_tx = tx.clone();
    let panicked = bpcheck::spawn(async move {
        tokio_rt::select! {
            _ = stuck_tx.send(99) => unreachable!("the channel stays full"),
            () = tokio_rt::time::sleep(Duration::from_millis(300)) => panic!("boom mid-send"),
        }
    });
    assert!(panicked.await.is_err());
    // The rest still flows, every message arrives, the permit came back.
    let senders: Vec<_> = (1..=3u32)
        .map(|s| {
            let tx = tx.clone();
            bpcheck::spawn(async move {
                for n in 0..100 {
                    tx.send(s * 1_000 + n).await.unwrap();
                }
            })
        })
        .collect();
    drop(tx);
    let mut got = Vec::new();
    while let Some(n) = rx.recv().await {
        got.push(n);
    }
    for s in senders {
        s.await.unwrap();
    }
    assert_eq!(got.len(), 301);
    for s in 1..=3u32 {
        let mine: Vec<u32> = got.iter().copied().filter(|n| n / 1_000 == s).collect();
        assert_eq!(mine, (0..100).map(|n| s * 1_000 + n).collect::<Vec<_>>());
    }
    assert_eq!(semaphore.available_permits(), 3);
    assert!(bpcheck::monitor().findings().is_empty());
}
