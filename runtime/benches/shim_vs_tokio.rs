//! The shim against raw tokio, in one run: one producer sending 1M messages through a
//! bounded(64) channel; 8 producers into one consumer; semaphore acquire/release.
//!
//! `cargo bench -p bpcheck --bench shim_vs_tokio` compares tokio with the shim as users
//! get it without `check` (tokio's own types); add `--features check` for the checked
//! shim. Each benchmark runs on a current-thread runtime, so the numbers measure the
//! channel and not the scheduler's cross-thread wakeups.

use std::sync::Arc;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use tokio_rt::runtime::Runtime;

const MESSAGES: u64 = 1_000_000;
const PRODUCERS: u64 = 8;
const ACQUIRES: u64 = 100_000;

fn runtime() -> Runtime {
    tokio_rt::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
}

/// The three workloads over one implementation's `mpsc` and `Semaphore`.
macro_rules! workloads {
    ($module:ident, $mpsc:path, $semaphore:path) => {
        mod $module {
            use super::*;
            use $mpsc as mpsc;
            use $semaphore as Semaphore;

            pub async fn one_producer() -> u64 {
                let (tx, mut rx) = mpsc::channel::<u64>(64);
                tokio_rt::spawn(async move {
                    for n in 0..MESSAGES {
                        tx.send(n).await.unwrap();
                    }
                });
                let mut sum = 0;
                while let Some(n) = rx.recv().await {
                    sum += n;
                }
                sum
            }

            pub async fn eight_producers() -> u64 {
                let (tx, mut rx) = mpsc::channel::<u64>(64);
                for _ in 0..PRODUCERS {
                    let tx = tx.clone();
                    tokio_rt::spawn(async move {
                        for n in 0..MESSAGES / PRODUCERS {
                            tx.send(n).await.unwrap();
                        }
                    });
                }
                drop(tx);
                let mut sum = 0;
                while let Some(n) = rx.recv().await {
                    sum += n;
                }
                sum
            }

            pub async fn acquire_release() -> u64 {
                let semaphore = Arc::new(Semaphore::new(4));
                let mut held = 0;
                for _ in 0..ACQUIRES {
                    let permit = semaphore.acquire().await.unwrap();
                    held += permit.num_permits() as u64;
                }
                held
            }
        }
    };
}

workloads!(raw, tokio_rt::sync::mpsc, tokio_rt::sync::Semaphore);
workloads!(shim, bpcheck::sync::mpsc, bpcheck::sync::Semaphore);

/// Rounds of the paired comparison.
const ROUNDS: usize = 21;

/// Runs tokio and the shim alternately (order swapped every round) and returns the median
/// of the per-round ratios shim / tokio: on a shared machine, load that drifts during the
/// run hits both sides of a round alike.
fn paired<A, B>(rt: &Runtime, raw: impl Fn() -> A, shim: impl Fn() -> B) -> f64
where
    A: std::future::Future,
    B: std::future::Future,
{
    let timed = |run: &dyn Fn()| {
        let start = Instant::now();
        run();
        start.elapsed().as_secs_f64()
    };
    let raw = || {
        rt.block_on(raw());
    };
    let shim = || {
        rt.block_on(shim());
    };
    let mut ratios: Vec<f64> = (0..ROUNDS)
        .map(|round| {
            if round % 2 == 0 {
                let a = timed(&raw);
                timed(&shim) / a
            } else {
                let b = timed(&shim);
                b / timed(&raw)
            }
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    ratios[ROUNDS / 2]
}

fn compare(c: &mut Criterion) {
    let mode = if cfg!(feature = "check") {
        "check on"
    } else {
        "check off"
    };
    let rt = runtime();
    for (name, ratio) in [
        (
            "1 producer",
            paired(&rt, raw::one_producer, shim::one_producer),
        ),
        (
            "8 producers",
            paired(&rt, raw::eight_producers, shim::eight_producers),
        ),
        (
            "semaphore",
            paired(&rt, raw::acquire_release, shim::acquire_release),
        ),
    ] {
        println!("paired ({mode}) {name}: shim / tokio = {ratio:.3} (median of {ROUNDS} alternating rounds)");
    }
    let mut group = c.benchmark_group(format!("bounded(64) 1M messages, 1 producer ({mode})"));
    group
        .sample_size(10)
        .throughput(Throughput::Elements(MESSAGES));
    group.bench_function(BenchmarkId::new("tokio", ""), |b| {
        b.iter(|| rt.block_on(raw::one_producer()))
    });
    group.bench_function(BenchmarkId::new("shim", ""), |b| {
        b.iter(|| rt.block_on(shim::one_producer()))
    });
    group.finish();

    let mut group = c.benchmark_group(format!("bounded(64) 1M messages, 8 producers ({mode})"));
    group
        .sample_size(10)
        .throughput(Throughput::Elements(MESSAGES));
    group.bench_function(BenchmarkId::new("tokio", ""), |b| {
        b.iter(|| rt.block_on(raw::eight_producers()))
    });
    group.bench_function(BenchmarkId::new("shim", ""), |b| {
        b.iter(|| rt.block_on(shim::eight_producers()))
    });
    group.finish();

    let mut group = c.benchmark_group(format!("semaphore 100k acquire+release ({mode})"));
    group
        .sample_size(20)
        .throughput(Throughput::Elements(ACQUIRES));
    group.bench_function(BenchmarkId::new("tokio", ""), |b| {
        b.iter(|| rt.block_on(raw::acquire_release()))
    });
    group.bench_function(BenchmarkId::new("shim", ""), |b| {
        b.iter(|| rt.block_on(shim::acquire_release()))
    });
    group.finish();
}

criterion_group!(benches, compare);
criterion_main!(benches);
