//! The same worker pool, declared (the declarations only need to compile here).

use std::sync::mpsc::{Receiver, SyncSender};
use std::thread;

bpcheck::topology! {
    channel jobs: 64;
    channel done: 64;
    actor worker;
}

#[bpcheck::actor(name = "worker", mailbox = 64)]
fn worker(jobs: Receiver<u64>, done: SyncSender<u64>) {
    while let Ok(n) = jobs.recv() {
        done.send(n * n).expect("main waits for every result");
    }
}

#[bpcheck::allow(BP004, reason = "one worker thread")]
fn main() {
    let (job_tx, job_rx) = bpcheck::channel!(jobs, 64, flavor = std);
    let (done_tx, done_rx) = bpcheck::channel!(done, 64, flavor = std);
    let pool = thread::spawn(move || worker(job_rx, done_tx));
    let count: u64 = std::env::args().count() as u64 * 1000;
    let feeder = thread::spawn(move || {
        for n in 0..count {
            job_tx.send(n).expect("worker alive");
        }
    });
    let sum: u64 = done_rx.iter().take(count as usize).sum();
    feeder.join().expect("feeder");
    pool.join().expect("pool");
    println!("{sum}");
}
