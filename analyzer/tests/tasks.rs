//! Which task runs a body: callbacks handed to unknown code, entry points merged by a
//! shared helper.

mod common;
use bpcheck_analyzer::Confidence;
use common::{analyze_lib, findings};

#[test]
fn a_callback_registered_with_unknown_code_is_its_own_task() {
    let a = analyze_lib(
        r#"
use tokio::sync::mpsc;
pub async fn run(registry: &mut other_crate::Registry) {
    let (tx, mut rx) = mpsc::channel::<u32>(4);
    registry.on_event(move |n| {
        let _ = tx.blocking_send(n);
    });
    while let Some(n) = rx.recv().await {
        println!("{n}");
    }
}
"#,
    );
    assert_eq!(findings(&a), vec![], "{:#?}", a.diagnostics);
    let m = &a.model;
    let cb = m
        .tasks
        .iter()
        .position(|t| t.callback)
        .expect("a callback task");
    assert_eq!(m.tasks[cb].name, "run::{callback}");
    let send = m
        .sends
        .iter()
        .find(|s| s.task as usize == cb)
        .expect("its send");
    assert!(!send.certain, "a callback's sends are only possible");
}

#[test]
fn the_same_closure_run_in_place_stays_in_the_task() {
    let a = analyze_lib(
        r#"
use tokio::sync::mpsc;
pub async fn run(items: Vec<u32>) {
    let (tx, mut rx) = mpsc::channel::<u32>(4);
    while let Some(n) = rx.recv().await {
        items.iter().for_each(|i| {
            let _ = tx.blocking_send(n + i);
        });
    }
}
"#,
    );
    assert_eq!(findings(&a), vec![(7, "BP002")], "{:#?}", a.diagnostics);
    assert!(a.model.tasks.iter().all(|t| !t.callback));
}

#[test]
fn a_helper_reached_from_two_entry_points_is_only_possible() {
    let a = analyze_lib(
        r#"
use tokio::sync::mpsc;
fn pump(tx: &mpsc::Sender<u32>, rx: &mut mpsc::Receiver<u32>) {
    while let Some(n) = rx.blocking_recv() {
        let _ = tx.blocking_send(n);
    }
}
pub fn first() {
    let (tx, mut rx) = mpsc::channel::<u32>(4);
    pump(&tx, &mut rx);
}
pub fn second() {
    let (tx, mut rx) = mpsc::channel::<u32>(4);
    pump(&tx, &mut rx);
}
"#,
    );
    assert!(
        !a.diagnostics.is_empty(),
        "the self-cycle is still reported"
    );
    assert!(
        a.diagnostics
            .iter()
            .all(|d| d.confidence == Confidence::Possible),
        "{:#?}",
        a.diagnostics
    );
}

#[test]
fn a_spawn_two_calls_below_a_loop_is_replicated() {
    let a = analyze_lib(
        r#"
use tokio::sync::mpsc;
pub async fn serve(mut conns: mpsc::Receiver<u32>) {
    while let Some(c) = conns.recv().await {
        accept(c);
    }
}
fn accept(c: u32) {
    start(c);
}
fn start(c: u32) {
    let (tx, mut rx) = mpsc::channel::<u32>(1);
    tokio::spawn(async move {
        while let Some(x) = rx.recv().await {
            println!("{x}");
        }
    });
    let _ = tx.try_send(c);
}
"#,
    );
    let t = a
        .model
        .tasks
        .iter()
        .find(|t| t.name == "start::{task}")
        .expect("the spawned task");
    assert!(t.replicated, "{:#?}", a.model.tasks);
}

#[test]
fn a_local_method_that_spawns_its_argument_is_a_spawn() {
    let a = analyze_lib(
        r#"
use tokio::sync::mpsc;
pub struct Runtime;
impl Runtime {
    fn spawn_task<F: std::future::Future<Output = ()> + Send + 'static>(&self, _name: &str, fut: F) {
        tokio::spawn(fut);
    }
}
pub async fn serve(rt: Runtime, mut jobs: mpsc::Receiver<u32>) {
    while let Some(job) = jobs.recv().await {
        rt.spawn_task("job", async move { println!("{job}") });
    }
}
"#,
    );
    assert_eq!(findings(&a), vec![(11, "BP004")], "{:#?}", a.diagnostics);
}
