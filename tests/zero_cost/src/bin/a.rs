//! A worker pool over a bounded queue, without declarations (but linked with `bpcheck`, as
//! the declared copy is: the comparison is of the declarations alone).

use bpcheck as _;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::thread;

fn worker(jobs: Receiver<u64>, done: SyncSender<u64>) {
    while let Ok(n) = jobs.recv() {
        done.send(n * n).expect("main waits for every result");
    }
}

fn main() {
    let (job_tx, job_rx) = sync_channel::<u64>(64);
    let (done_tx, done_rx) = sync_channel::<u64>(64);
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
