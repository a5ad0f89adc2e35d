//! BP011: futures waiting in a resource's line, left unpolled by `select!`.

mod common;
use bpcheck_analyzer::Confidence;
use common::*;

/// (line, certain) of every BP011 finding.
fn futurelocks(src: &str) -> Vec<(usize, bool)> {
    let a = analyze_lib(src);
    a.diagnostics
        .iter()
        .filter(|d| d.lint.info().code == "BP011")
        .map(|d| {
            let r = d.primary_range().unwrap();
            (
                a.files.line_col(r.file, r.start).0,
                d.confidence == Confidence::Certain,
            )
        })
        .collect()
}

#[test]
fn a_pinned_send_waited_on_the_next_turn_is_flagged() {
    let src = r#"
use tokio::sync::mpsc;
pub async fn run(mut ticks: mpsc::Receiver<()>) {
    let (tx, _rx) = mpsc::channel::<u32>(1);
    let send = tx.send(1);
    tokio::pin!(send);
    loop {
        tx.send(0).await.ok();
        tokio::select! {
            _ = &mut send => break,
            _ = ticks.recv() => {}
        }
    }
}
"#;
    assert_eq!(futurelocks(src), vec![(5, true)]);
}

#[test]
fn a_wait_after_the_loop_is_reached_only_by_a_branch_that_breaks() {
    let done = r#"
use std::sync::Arc;
use tokio::sync::Mutex;
pub async fn run(tick: tokio::sync::mpsc::Receiver<()>) {
    let mut tick = tick;
    let m = Arc::new(Mutex::new(0u32));
    let lock = m.lock();
    tokio::pin!(lock);
    loop {
        tokio::select! {
            _ = &mut lock => break,
            _ = tick.recv() => {}
        }
    }
    *m.lock().await += 1;
}
"#;
    assert_eq!(futurelocks(done), vec![]);
    let given_up = done.replace("_ = tick.recv() => {}", "_ = tick.recv() => break,");
    assert_eq!(futurelocks(&given_up), vec![(7, true)]);
}

#[test]
fn shared_reads_do_not_wait_for_each_other_but_a_write_does() {
    let src = r#"
use std::sync::Arc;
use tokio::sync::RwLock;
pub struct Cache { map: Arc<RwLock<Vec<u32>>> }
impl Cache {
    pub async fn get(&self) {
        let read = Box::pin(self.map.read());
        let mut read = read;
        tokio::select! {
            _ = read.as_mut() => {}
            _ = tokio::time::sleep(std::time::Duration::from_millis(5)) => {
                let _again = self.map.read().await;
            }
        }
    }
    pub async fn put(&self) {
        let mut read = Box::pin(self.map.read());
        tokio::select! {
            _ = read.as_mut() => {}
            _ = tokio::time::sleep(std::time::Duration::from_millis(5)) => {
                self.map.write().await.push(1);
            }
        }
    }
}
"#;
    // Declared only, no constructor: the lock is the field's.
    assert_eq!(futurelocks(src), vec![(17, true)]);
}

#[test]
fn capacity_above_one_is_silent_and_unknown_is_possible() {
    let src = r#"
use tokio::sync::mpsc;
pub async fn run(cap: usize, mut stop: mpsc::Receiver<()>) {
    let (tx, _rx) = mpsc::channel::<u32>(CAP);
    let send = tx.send(1);
    tokio::pin!(send);
    tokio::select! {
        _ = &mut send => {}
        _ = stop.recv() => { tx.send(2).await.ok(); }
    }
}
"#;
    assert_eq!(futurelocks(&src.replace("CAP", "8")), vec![]);
    assert_eq!(futurelocks(&src.replace("CAP", "cap")), vec![(5, false)]);
}

#[test]
fn other_locks_and_other_futures_are_silent() {
    let src = r#"
use std::sync::Arc;
pub async fn run(stop: tokio::sync::mpsc::Receiver<()>) {
    let mut stop = stop;
    let m = Arc::new(futures::lock::Mutex::new(0u32));
    let lock = m.lock();
    futures::pin_mut!(lock);
    tokio::select! {
        _ = &mut lock => {}
        _ = stop.recv() => { *m.lock().await += 1; }
    }
    let t = Arc::new(tokio::sync::Mutex::new(0u32));
    let sleep = tokio::time::sleep(std::time::Duration::from_secs(1));
    tokio::pin!(sleep);
    tokio::select! {
        _ = &mut sleep => {}
        _ = stop.recv() => { *t.lock().await += 1; }
    }
}
"#;
    assert_eq!(futurelocks(src), vec![]);
}

#[test]
fn a_drop_in_another_branch_or_the_end_of_the_block_ends_the_future() {
    let src = r#"
use std::sync::Arc;
use tokio::sync::Semaphore;
pub async fn run(mut a: tokio::sync::mpsc::Receiver<()>, mut b: tokio::sync::mpsc::Receiver<()>) {
    let sem = Arc::new(Semaphore::new(1));
    {
        let acquire = sem.acquire();
        tokio::pin!(acquire);
        tokio::select! {
            _ = &mut acquire => {}
            _ = a.recv() => {}
        }
    }
    let _p = sem.acquire().await;
    let acquire = sem.acquire();
    tokio::pin!(acquire);
    tokio::select! {
        _ = &mut acquire => {}
        _ = a.recv() => { drop(acquire); }
        _ = b.recv() => { let _q = sem.acquire().await; }
    }
}
"#;
    assert_eq!(futurelocks(src), vec![(15, true)]);
}

#[test]
fn an_async_block_and_pin_macro_that_lock_inside() {
    let src = r#"
use std::pin::pin;
use std::sync::Arc;
use tokio::sync::Mutex;
pub async fn run(stop: tokio::sync::mpsc::Receiver<()>) {
    let mut stop = stop;
    let state = Arc::new(Mutex::new(Vec::<u32>::new()));
    let mut work = pin!(async {
        let mut s = state.lock().await;
        s.push(1);
    });
    tokio::select! {
        _ = work.as_mut() => {}
        _ = stop.recv() => { state.lock().await.clear(); }
    }
}
"#;
    assert_eq!(futurelocks(src), vec![(8, true)]);
}

#[test]
fn a_helper_that_takes_the_lock_through_its_parameter_is_instantiated_per_call() {
    let src = r#"
use std::sync::Arc;
use tokio::sync::Mutex;
async fn bump(m: &Mutex<u32>) { *m.lock().await += 1; }
pub async fn run(stop: tokio::sync::mpsc::Receiver<()>) {
    let mut stop = stop;
    let a = Arc::new(Mutex::new(0u32));
    let b = Arc::new(Mutex::new(0u32));
    let first = Box::pin(bump(&a));
    let mut first = first;
    tokio::select! {
        _ = first.as_mut() => {}
        _ = stop.recv() => { bump(&b).await; }
    }
    let mut again = Box::pin(bump(&a));
    tokio::select! {
        _ = again.as_mut() => {}
        _ = stop.recv() => { bump(&a).await; }
    }
}
"#;
    assert_eq!(futurelocks(src), vec![(15, true)]);
}

#[test]
fn futures_select_polls_a_bare_local_by_reference() {
    let src = r#"
use futures::{select, FutureExt};
use std::sync::Arc;
use tokio::sync::Mutex;
pub async fn run(stop: futures::channel::oneshot::Receiver<()>) {
    let mut stop = stop.fuse();
    let m = Arc::new(Mutex::new(0u32));
    let mut lock = Box::pin(m.lock().fuse());
    select! {
        _ = lock => {}
        _ = stop => { *m.lock().await += 1; }
    }
}
"#;
    assert_eq!(futurelocks(src), vec![(8, true)]);
}

#[test]
fn a_bare_local_moved_into_tokio_select_lives_on_only_when_pinned_in_place() {
    let src = r#"
use std::sync::Arc;
use tokio::sync::Mutex;
pub async fn run(mut stop: tokio::sync::mpsc::Receiver<()>) {
    let m = Arc::new(Mutex::new(0u32));
    let lock = m.lock();
    tokio::pin!(lock);
    tokio::select! {
        _ = lock => {}
        _ = stop.recv() => {}
    }
    *m.lock().await += 1;
    let boxed = Box::pin(m.lock());
    tokio::select! {
        _ = boxed => {}
        _ = stop.recv() => {}
    }
    *m.lock().await += 1;
}
"#;
    assert_eq!(futurelocks(src), vec![(6, true)]);
}

#[test]
fn the_futurelock_of_the_classic_example() {
    // A helper that takes the lock inside, raced by reference against a timer whose branch
    // calls a helper that takes it again; the lock is passed by `clone()`.
    let src = r#"
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;
async fn do_stuff(lock: Arc<Mutex<()>>) {
    let _guard = lock.lock().await;
    tokio::time::sleep(Duration::from_millis(5)).await;
}
async fn do_async_thing(label: &str, lock: Arc<Mutex<()>>) {
    let _guard = lock.lock().await;
    println!("{label}");
}
pub async fn run() {
    let lock = Arc::new(Mutex::new(()));
    let future1 = do_stuff(lock.clone());
    tokio::pin!(future1);
    tokio::select! {
        _ = &mut future1 => {}
        _ = tokio::time::sleep(Duration::from_millis(500)) => {
            do_async_thing("op2", lock.clone()).await;
        }
    }
}
"#;
    assert_eq!(futurelocks(src), vec![(15, true)]);
}
