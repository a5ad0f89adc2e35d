//! The message graph on gateway shapes: cycles found, fixes recognised.

mod common;
use common::{analyze_lib, findings};

const CYCLE: &str = r#"
use tokio::sync::mpsc;
pub async fn run() {
    let (req_tx, mut req_rx) = mpsc::channel::<u32>(8);
    let (rep_tx, mut rep_rx) = mpsc::channel::<u32>(8);
    let (in_tx, mut inbound) = mpsc::channel::<u32>(8);
    tokio::spawn(async move {
        while let Some(r) = req_rx.recv().await {
            rep_tx.send(r).await.unwrap();
        }
    });
    loop {
        let Some(m) = inbound.recv().await else { break };
        req_tx.send(m).await.unwrap();
        if let Ok(rep) = rep_rx.try_recv() { drop(rep); }
    }
    drop(in_tx);
}
"#;

#[test]
fn gateway_processor_cycle_is_flagged() {
    let a = analyze_lib(CYCLE);
    assert_eq!(findings(&a), vec![(9, "BP002")], "{:#?}", a.diagnostics);
}

#[test]
fn try_send_on_one_edge_breaks_the_cycle() {
    let a = analyze_lib(&CYCLE.replace(
        "rep_tx.send(r).await.unwrap()",
        "let _ = rep_tx.try_send(r)",
    ));
    assert_eq!(findings(&a), vec![]);
}

#[test]
fn biased_select_with_replies_first_breaks_the_cycle() {
    let src = CYCLE.replace(
        r#"        let Some(m) = inbound.recv().await else { break };
        req_tx.send(m).await.unwrap();
        if let Ok(rep) = rep_rx.try_recv() { drop(rep); }"#,
        r#"        tokio::select! {
            biased;
            Some(rep) = rep_rx.recv() => drop(rep),
            Some(m) = inbound.recv() => req_tx.send(m).await.unwrap(),
            else => break,
        }"#,
    );
    let a = analyze_lib(&src);
    assert_eq!(findings(&a), vec![], "{:#?}", a.model.recvs);
}

const PER_CONNECTION: &str = r#"
use tokio::sync::mpsc;
pub async fn serve(mut conns: mpsc::Receiver<mpsc::Receiver<u32>>) {
    let (engine_tx, mut engine_rx) = mpsc::channel::<(u32, mpsc::Sender<u32>)>(32);
    tokio::spawn(async move {
        while let Some((order, reply)) = engine_rx.recv().await {
            reply.send(order).await.unwrap();
        }
    });
    while let Some(mut orders) = conns.recv().await {
        let engine = engine_tx.clone();
        tokio::spawn(async move {
            let (quote_tx, mut quotes) = mpsc::channel::<u32>(REPLY_CAP);
            loop {
                tokio::select! {
                    biased;
                    Some(q) = quotes.recv() => drop(q),
                    Some(o) = orders.recv() => engine.send((o, quote_tx.clone())).await.unwrap(),
                    else => break,
                }
            }
        });
    }
}
"#;

#[test]
fn per_connection_gateways_compete_unless_replies_always_fit() {
    let a = analyze_lib(&PER_CONNECTION.replace("REPLY_CAP", "4"));
    assert_eq!(
        findings(&a),
        vec![(12, "BP003"), (12, "BP004")],
        "{:#?}",
        a.diagnostics
    );
    assert_eq!(
        a.diagnostics[0].confidence,
        bpcheck_analyzer::Confidence::Certain
    );
    let a = analyze_lib(&PER_CONNECTION.replace("REPLY_CAP", "33"));
    assert_eq!(findings(&a), vec![(12, "BP004")], "{:#?}", a.diagnostics);
}
