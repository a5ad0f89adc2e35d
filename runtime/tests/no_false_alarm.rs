//! No false alarm: a thousand tasks over bounded channels that are often full but always
//! make progress, under `#[bpcheck::test]` on both flavors. Producers crowd small
//! channels; consumers forward with sends inside `select!` beside a timer; one ring of
//! relays waits in plain sends (fewer tokens than the ring holds, so it always moves) and
//! another waits in sends inside `select!` beside receives and timers. Every message must
//! arrive, and the monitor must find nothing (a finding fails the test).

#![cfg(feature = "check")]

mod shim;

use std::collections::VecDeque;
use std::time::Duration;

use bpcheck::sync::mpsc;
use tokio_rt::time::sleep;

const PRODUCERS: usize = 400;
const PER_PRODUCER: usize = 10;
const LANES: usize = 10;
const PLAIN_RING: usize = 289;
const SELECT_RING: usize = 300;
const HOPS: u32 = 20;

#[derive(Clone, Copy, Debug)]
struct Token {
    hops: u32,
}

/// A ring of relays that wait in plain sends; one token per relay, capacity 2 per link.
fn plain_ring(done: mpsc::Sender<()>) {
    let (txs, rxs): (Vec<_>, Vec<_>) = (0..PLAIN_RING).map(|_| mpsc::channel::<Token>(2)).unzip();
    for (i, mut rx) in rxs.into_iter().enumerate() {
        let next = txs[(i + 1) % PLAIN_RING].clone();
        let done = done.clone();
        next.try_send(Token { hops: HOPS })
            .expect("room for the first token");
        bpcheck::spawn_named(&format!("plain relay {i}"), async move {
            while let Some(token) = rx.recv().await {
                if token.hops == 0 {
                    let _ = done.send(()).await;
                    continue;
                }
                let token = Token {
                    hops: token.hops - 1,
                };
                if next.send(token).await.is_err() {
                    return;
                }
            }
        });
    }
}

/// A ring of relays that keep a local queue and send inside `select!` beside their
/// receive and a timer; three tokens per relay, capacity 1 per link.
fn select_ring(done: mpsc::Sender<()>) {
    let (txs, rxs): (Vec<_>, Vec<_>) = (0..SELECT_RING).map(|_| mpsc::channel::<Token>(1)).unzip();
    for (i, mut rx) in rxs.into_iter().enumerate() {
        let next = txs[(i + 1) % SELECT_RING].clone();
        let done = done.clone();
        bpcheck::spawn(async move {
            let mut queue: VecDeque<Token> = (0..3).map(|_| Token { hops: HOPS }).collect();
            loop {
                let front = queue.front().copied();
                tokio_rt::select! {
                    got = rx.recv() => match got {
                        Some(token) if token.hops == 0 => {
                            let _ = done.send(()).await;
                        }
                        Some(token) => queue.push_back(Token { hops: token.hops - 1 }),
                        None => return,
                    },
                    sent = next.send(front.unwrap_or(Token { hops: 0 })), if front.is_some() => {
                        if sent.is_err() {
                            return;
                        }
                        queue.pop_front();
                    }
                    () = sleep(Duration::from_millis(1)) => {}
                }
            }
        });
        let _ = i;
    }
}

/// Producers crowd `LANES` small channels; each lane's consumer forwards into one small
/// channel with a send inside `select!` beside a timer.
fn lanes(total: mpsc::Sender<usize>) {
    let mut lane_txs = Vec::new();
    for lane in 0..LANES {
        let (tx, mut rx) = mpsc::channel_named::<usize>(&format!("lane {lane}"), 4);
        lane_txs.push(tx);
        let total = total.clone();
        bpcheck::spawn_named(&format!("consumer {lane}"), async move {
            while let Some(n) = rx.recv().await {
                loop {
                    tokio_rt::select! {
                        sent = total.send(n) => {
                            sent.expect("collector alive");
                            break;
                        }
                        () = sleep(Duration::from_millis(2)) => {}
                    }
                }
            }
        });
    }
    for p in 0..PRODUCERS {
        let tx = lane_txs[p % LANES].clone();
        bpcheck::spawn(async move {
            for n in 0..PER_PRODUCER {
                tx.send(p * PER_PRODUCER + n).await.expect("consumer alive");
            }
        });
    }
}

async fn thousand_tasks() {
    let (done_tx, mut done_rx) = mpsc::channel_named::<()>("retired tokens", 8);
    let (total_tx, mut total_rx) = mpsc::channel_named::<usize>("collected", 8);
    plain_ring(done_tx.clone());
    select_ring(done_tx);
    lanes(total_tx);
    let mut seen = vec![false; PRODUCERS * PER_PRODUCER];
    for _ in 0..PRODUCERS * PER_PRODUCER {
        let n = total_rx.recv().await.expect("lanes alive");
        assert!(!seen[n], "message {n} twice");
        seen[n] = true;
    }
    for _ in 0..PLAIN_RING + 3 * SELECT_RING {
        done_rx.recv().await.expect("rings alive");
    }
    assert!(bpcheck::monitor().findings().is_empty());
    let report = bpcheck::report();
    let collected = report
        .channels
        .iter()
        .find(|c| c.label == "collected")
        .expect("the collected channel is in the report");
    assert_eq!(collected.sent as usize, PRODUCERS * PER_PRODUCER);
    // Often full: the lanes filled up.
    assert!(report
        .channels
        .iter()
        .any(|c| c.label.starts_with("lane ") && c.high_water == 4));
}

#[bpcheck::test]
async fn thousand_tasks_current_thread() {
    thousand_tasks().await;
}

#[bpcheck::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousand_tasks_multi_thread() {
    thousand_tasks().await;
}

/// Two relays in a ring of capacity-1 channels with four tokens: both end up holding a
/// token with the other's channel full. The first waits for room inside `select!` beside a
/// timer after which it sheds its token, so the ring moves again; the body returns once a
/// token was shed.
async fn ring_with_a_shedding_timer(patience: Duration) -> u32 {
    let (a_tx, mut a_rx) = mpsc::channel_named::<u32>("a", 1);
    let (b_tx, mut b_rx) = mpsc::channel_named::<u32>("b", 1);
    let (shed_tx, mut shed_rx) = mpsc::channel_named::<u32>("shed", 1);
    bpcheck::spawn_named("sheds", async move {
        while let Some(token) = a_rx.recv().await {
            tokio_rt::select! {
                sent = b_tx.send(token) => sent.expect("relay alive"),
                () = sleep(patience) => {
                    let _ = shed_tx.try_send(token);
                }
            }
        }
    });
    let back = a_tx.clone();
    bpcheck::spawn_named("waits", async move {
        while let Some(token) = b_rx.recv().await {
            back.send(token).await.expect("relay alive");
        }
    });
    for token in 0..4 {
        a_tx.send(token).await.unwrap();
    }
    shed_rx.recv().await.expect("a token is shed")
}

/// A timer that fires within the grace period wakes the waiting task: no alarm. (A grace
/// period far longer than the timer, so that a loaded machine cannot stretch one past the
/// other.)
#[bpcheck::test(grace_ms = 1000)]
async fn a_timer_beside_a_waiting_send_firing_within_the_grace_period() {
    assert!(ring_with_a_shedding_timer(Duration::from_millis(20)).await < 4);
}

/// On a paused clock tokio fires a pending timer as soon as every task waits, however far
/// off it is: a timer that can still fire always does before the grace period ends.
#[bpcheck::test(start_paused = true)]
async fn a_long_timer_beside_a_waiting_send_on_a_paused_clock() {
    assert!(ring_with_a_shedding_timer(Duration::from_secs(60)).await < 4);
}

/// The ring above is a real cycle: on a real clock, held past the grace period with the
/// timer a minute off, it is reported (raise `grace_ms` or pause the clock for such timers).
#[test]
fn the_same_ring_on_a_real_clock_with_a_far_timer_is_reported() {
    let run = ring_with_a_shedding_timer(Duration::from_secs(60));
    let message = shim::reported(shim::checked("far_timer", false, run));
    assert!(message.starts_with("bpcheck: deadlock: task "), "{message}");
    assert!(
        message.contains("to send on b (capacity 1, full)"),
        "{message}"
    );
    assert!(
        message.contains("to send on a (capacity 1, full)"),
        "{message}"
    );
}

/// The body posts work into a queue that two workers share and reads their acks only now
/// and then: the acker soon waits on its full ack queue, and the body on the full work
/// queue. With a second, slow worker that never acks, the work queue still drains and the
/// run ends; without it the body and the acker wait on each other.
async fn shared_work_queue(slow_drain: bool) -> u32 {
    let (work_tx, work_rx) = mpsc::channel_named::<u32>("work", 2);
    let (acks_tx, mut acks_rx) = mpsc::channel_named::<u32>("acks", 1);
    // The body has read the ack queue before (the shim knows a queue's receiving tasks from
    // what they received).
    acks_tx.send(u32::MAX).await.unwrap();
    assert_eq!(acks_rx.recv().await, Some(u32::MAX));
    let shared = std::sync::Arc::new(tokio_rt::sync::Mutex::new(work_rx));
    let queue = shared.clone();
    bpcheck::spawn_named("acker", async move {
        loop {
            let job = queue.lock().await.recv().await;
            match job {
                Some(job) => acks_tx.send(job).await.expect("body alive"),
                None => return,
            }
        }
    });
    let drained = slow_drain.then(|| {
        bpcheck::spawn_named("slow drain", async move {
            let mut taken = 0;
            while shared.lock().await.recv().await.is_some() {
                taken += 1;
                sleep(Duration::from_millis(2)).await;
            }
            taken
        })
    });
    for job in 0..200 {
        work_tx.send(job).await.unwrap();
        if job == 10 {
            while acks_rx.try_recv().is_ok() {}
        }
    }
    drop(work_tx);
    let mut acked = 0;
    while acks_rx.recv().await.is_some() {
        acked += 1;
    }
    let taken = match drained {
        Some(handle) => handle.await.unwrap(),
        None => 0,
    };
    acked + taken
}

/// Another receiver can still drain the queue the body waits on: no alarm.
#[bpcheck::test]
async fn a_second_receiver_that_still_drains_the_queue() {
    assert!(shared_work_queue(true).await > 0);
}

#[test]
fn without_the_second_receiver_the_same_queue_is_a_deadlock() {
    let message = shim::reported(shim::checked(
        "shared_work",
        false,
        shared_work_queue(false),
    ));
    assert!(message.starts_with("bpcheck: deadlock: "), "{message}");
    assert!(
        message.contains("test body waits at runtime/tests/no_false_alarm.rs:"),
        "{message}"
    );
    assert!(
        message.contains("to send on work (capacity 2, full)"),
        "{message}"
    );
    assert!(
        message.contains("task acker waits at runtime/tests/no_false_alarm.rs:"),
        "{message}"
    );
    assert!(
        message.contains("to send on acks (capacity 1, full)"),
        "{message}"
    );
}
