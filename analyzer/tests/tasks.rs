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
