//! The watchdog: a thread per monitor, started by the first wait, that reports a wait cycle
//! once it has stayed still for the grace period: the same waits, none of them polled
//! again, and no message moved on the channels involved.

use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use super::{cycle, lock, report, Monitor};

pub(crate) fn start(monitor: &Monitor) {
    let weak = Arc::downgrade(&monitor.inner);
    let grace = monitor.inner.config.grace;
    let tick = (grace / 5).max(Duration::from_millis(5));
    let spawned = thread::Builder::new()
        .name("bpcheck-watchdog".into())
        .spawn(move || {
            let mut still: Option<(Vec<u64>, Instant)> = None;
            let mut reported: HashSet<Vec<u64>> = HashSet::new();
            loop {
                thread::sleep(tick);
                let Some(inner) = weak.upgrade() else { return };
                if inner.closed.load(Ordering::Relaxed) {
                    return;
                }
                let monitor = Monitor { inner };
                let waits = lock(&monitor.inner.waits).clone();
                let now = Instant::now();
                if !waits.values().any(|w| now - w.since >= grace) {
                    still = None;
                    continue;
                }
                let ended = {
                    let tasks = lock(&monitor.inner.tasks).clone();
                    move |t| tasks.get(&t).is_some_and(|i| i.ended)
                };
                let busy: HashSet<_> = lock(&monitor.inner.channels)
                    .iter()
                    .filter_map(|c| *lock(&c.recv_waiter))
                    .collect();
                let (stuck, cycles) = cycle::find(&waits, &ended, &busy);
                if cycles.is_empty() {
                    still = None;
                    continue;
                }
                // What must not move for the cycle to be stuck.
                let mut signature: Vec<u64> = Vec::new();
                let mut ids: Vec<&u64> = waits
                    .iter()
                    .filter(|(_, w)| stuck.contains(&w.task))
                    .map(|(id, _)| id)
                    .collect();
                ids.sort_unstable();
                for id in ids {
                    signature.push(*id);
                    signature.push(waits[id].polls.load(Ordering::Relaxed));
                }
                for step in cycles.iter().flatten() {
                    signature.push(step.channel.id);
                    signature.push(step.channel.received.load(Ordering::Relaxed));
                    signature.push(step.channel.sent.load(Ordering::Relaxed));
                }
                match &still {
                    Some((sig, since)) if *sig == signature => {
                        let old = cycles
                            .iter()
                            .flatten()
                            .all(|s| now - waits[&s.wait].since >= grace);
                        if now - *since >= grace && old && reported.insert(signature) {
                            for c in &cycles {
                                monitor.add_finding(report::cycle_finding(&monitor, &waits, c));
                            }
                        }
                    }
                    _ => still = Some((signature, now)),
                }
            }
        });
    if spawned.is_err() {
        tracing::warn!(target: "bpcheck", "could not start the watchdog thread; deadlocks will not be reported");
    }
}
