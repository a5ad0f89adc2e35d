use bpcheck_macros::{actor, channel, gateway, topology};
use tokio::sync::mpsc::{Receiver, Sender};

topology! {
    channel jobs: 64;
    channel replies: 64;
    gateway frontend;
    actor processor;
    frontend -> processor via jobs;
    processor -> frontend via replies;
    closed;
}

#[gateway(name = "frontend")]
async fn frontend(jobs: Sender<u32>, mut replies: Receiver<u32>) {
    jobs.send(1).await.unwrap();
    let _ = replies.recv().await;
}

#[actor(name = "processor", mailbox = 64)]
async fn processor(mut jobs: Receiver<u32>, replies: Sender<u32>) {
    while let Some(j) = jobs.recv().await {
        replies.send(j).await.unwrap();
    }
}

#[actor]
struct Logger;

#[actor(name = "audit")]
impl Logger {
    fn log(&self) {}
}

#[bpcheck_macros::allow(BP001, unbounded-spawn, reason = "one message per run")]
fn events() -> tokio::sync::mpsc::UnboundedReceiver<u8> {
    let (tx, rx) = channel!(events, unbounded);
    tx.send(1).unwrap();
    rx
}

fn main() {
    topology! { channel local: 1; }
    let (tx, rx) = channel!(jobs, 64);
    let (rtx, rrx) = channel!(replies, 64);
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    rt.block_on(async {
        let p = tokio::spawn(processor(rx, rtx));
        frontend(tx, rrx).await;
        p.await.unwrap();
    });
    let _ = events();
    Logger.log();
    let (stx, srx) = channel!(ticks, 2, flavor = std);
    stx.send(()).unwrap();
    srx.recv().unwrap();
    let (utx, urx) = channel!(logs, unbounded, flavor = std);
    utx.send(()).unwrap();
    urx.recv().unwrap();
}
