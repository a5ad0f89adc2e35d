//! Spawns and permits: BP004-BP007 firing and not firing.

mod common;
use common::{analyze_lib, findings};

#[test]
fn spawn_per_connection_without_limit() {
    let a = analyze_lib(
        r#"
pub async fn serve(listener: tokio::net::TcpListener) {
    loop {
        let (socket, _) = listener.accept().await.unwrap();
        tokio::spawn(handle(socket));
    }
}
async fn handle(_s: tokio::net::TcpStream) {}
"#,
    );
    assert_eq!(findings(&a), vec![(5, "BP004")]);
}

#[test]
fn permit_moved_into_task_bounds_it() {
    let a = analyze_lib(
        r#"
use std::sync::Arc;
use tokio::sync::Semaphore;
pub async fn serve(listener: tokio::net::TcpListener) {
    let limit = Arc::new(Semaphore::new(64));
    loop {
        let permit = limit.clone().acquire_owned().await.unwrap();
        let (socket, _) = listener.accept().await.unwrap();
        tokio::spawn(async move {
            handle(socket).await;
            drop(permit);
        });
    }
}
async fn handle(_s: tokio::net::TcpStream) {}
"#,
    );
    assert_eq!(findings(&a), vec![]);
}

#[test]
fn permit_not_moved_dropped_and_inside_task() {
    let a = analyze_lib(
        r#"
use std::sync::Arc;
use tokio::sync::{mpsc, Semaphore};
pub async fn a(mut rx: mpsc::Receiver<u32>, limit: Arc<Semaphore>) {
    while let Some(job) = rx.recv().await {
        let permit = limit.clone().acquire_owned().await.unwrap();
        tokio::spawn(async move { drop(job); });
        let _ = &permit;
    }
}
pub async fn b(limit: Arc<Semaphore>) {
    let _ = limit.acquire().await;
    limit.acquire().await.unwrap();
    let _held = limit.acquire().await;
}
pub async fn c(mut rx: mpsc::Receiver<u32>, limit: Arc<Semaphore>) {
    while let Some(job) = rx.recv().await {
        let limit = limit.clone();
        tokio::spawn(async move {
            let _p = limit.acquire().await.unwrap();
            drop(job);
        });
    }
}
"#,
    );
    assert_eq!(
        findings(&a),
        vec![(6, "BP005"), (12, "BP005"), (13, "BP005"), (20, "BP006")]
    );
}

#[test]
fn checked_join_set_and_fixed_spawns_are_bounded() {
    let a = analyze_lib(
        r#"
use tokio::sync::mpsc;
use tokio::task::JoinSet;
pub async fn a(mut rx: mpsc::Receiver<u32>) {
    let mut set = JoinSet::new();
    while let Some(job) = rx.recv().await {
        while set.len() >= 8 {
            set.join_next().await;
        }
        set.spawn(async move { drop(job) });
    }
}
pub async fn b() {
    for i in 0..4 {
        tokio::spawn(async move { drop(i) });
    }
}
"#,
    );
    assert_eq!(findings(&a), vec![]);
}

#[test]
fn unadmitted_send_from_inside_the_system() {
    let a = analyze_lib(
        r#"
use std::sync::Arc;
use tokio::sync::{mpsc, Semaphore};
pub async fn run(mut inbound: mpsc::Receiver<u32>) {
    let admission = Arc::new(Semaphore::new(16));
    let (work_tx, mut work_rx) = mpsc::channel::<(u32, Option<tokio::sync::OwnedSemaphorePermit>)>(16);
    let ticker = work_tx.clone();
    tokio::spawn(async move {
        loop {
            ticker.send((0, None)).await.unwrap();
        }
    });
    tokio::spawn(async move {
        while let Some((job, permit)) = work_rx.recv().await {
            drop((job, permit));
        }
    });
    while let Some(req) = inbound.recv().await {
        let permit = admission.clone().acquire_owned().await.unwrap();
        work_tx.send((req, Some(permit))).await.unwrap();
    }
}
"#,
    );
    assert_eq!(findings(&a), vec![(10, "BP007")], "{:#?}", a.diagnostics);
}

#[test]
fn permit_dropped_before_the_work() {
    let a = analyze_lib(
        r#"
pub async fn a(limit: std::sync::Arc<tokio::sync::Semaphore>) {
    let permit = limit.acquire().await.unwrap();
    drop(permit);
    work().await;
    let held = limit.acquire().await.unwrap();
    work().await;
    drop(held);
}
async fn work() {}
"#,
    );
    assert_eq!(findings(&a), vec![(3, "BP005")]);
}

#[test]
fn a_permit_taken_from_a_field_travels_with_the_message() {
    let a = analyze_lib(
        r#"
use std::sync::Arc;
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};
pub struct Pending {
    permit: Option<OwnedSemaphorePermit>,
    acks: mpsc::Sender<(u64, OwnedSemaphorePermit)>,
}
impl Drop for Pending {
    fn drop(&mut self) {
        if let Some(permit) = self.permit.take() {
            let _ = self.acks.try_send((7, permit));
        }
    }
}
pub async fn publish(limit: Arc<Semaphore>, acks: mpsc::Sender<(u64, OwnedSemaphorePermit)>) {
    let permit = limit.acquire_owned().await.unwrap();
    acks.send((1, permit)).await.unwrap();
}
"#,
    );
    assert_eq!(findings(&a), vec![], "{:#?}", a.diagnostics);
}

#[test]
fn a_spawner_service_hands_each_task_back() {
    let a = analyze_lib(
        r#"
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
pub struct SpawnRequest {
    pub job: u32,
    pub reply: oneshot::Sender<JoinHandle<u32>>,
}
pub async fn spawner(mut requests: mpsc::Receiver<SpawnRequest>) {
    while let Some(SpawnRequest { job, reply }) = requests.recv().await {
        let handle = tokio::spawn(async move { job * 2 });
        let _ = reply.send(handle);
    }
}
pub async fn fire_and_forget(mut requests: mpsc::Receiver<u32>) {
    while let Some(job) = requests.recv().await {
        tokio::spawn(async move { job * 2 });
    }
}
"#,
    );
    assert_eq!(findings(&a), vec![(16, "BP004")], "{:#?}", a.diagnostics);
}

#[test]
fn spawns_per_item_of_data() {
    let a = analyze_lib(
        r#"
use std::sync::Arc;
use tokio::sync::Semaphore;
pub fn run_all(executions: Vec<(u64, String)>) {
    for (id, input) in executions {
        spawn_task("exec", async move { println!("{id} {input}") });
    }
    for i in 0..4 {
        spawn_task("worker", async move { println!("{i}") });
    }
}
fn private_batch(items: Vec<u32>) {
    items.into_iter().for_each(|x| {
        tokio::spawn(async move { println!("{x}") });
    });
}
pub async fn bounded(executions: Vec<u64>, limit: Arc<Semaphore>) {
    for id in executions {
        let permit = limit.clone().acquire_owned().await.unwrap();
        spawn_task("exec", async move { println!("{id}"); drop(permit) });
    }
}
pub fn once(opt: Option<u32>) {
    opt.map(|x| tokio::spawn(async move { println!("{x}") }));
    private_batch(vec![1]);
}
fn spawn_task<F: std::future::Future<Output = ()> + Send + 'static>(_name: &str, fut: F) {
    tokio::spawn(fut);
}
"#,
    );
    assert_eq!(
        findings(&a),
        vec![(6, "BP004"), (14, "BP004")],
        "{:#?}",
        a.diagnostics
    );
    let possible: Vec<bool> = a
        .diagnostics
        .iter()
        .map(|d| d.confidence == bpcheck_analyzer::Confidence::Possible)
        .collect();
    assert_eq!(
        possible,
        vec![false, true],
        "a private function's items are only possible"
    );
}
