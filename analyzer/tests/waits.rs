//! BP009: cycles of waits that include an awaited reply.

mod common;
use common::{analyze_lib, findings};

const ASK_EACH_OTHER: &str = r#"
use tokio::sync::{mpsc, oneshot};
pub struct Ask { pub reply: oneshot::Sender<u32> }
pub async fn a(mut inbox: mpsc::UnboundedReceiver<Ask>, to_b: mpsc::UnboundedSender<Ask>) {
    while let Some(req) = inbox.recv().await {
        let (reply, answer) = oneshot::channel();
        let _ = to_b.send(Ask { reply });
        let n = answer.await.unwrap_or(0);
        let _ = req.reply.send(n);
    }
}
pub async fn b(mut inbox: mpsc::UnboundedReceiver<Ask>, to_a: mpsc::UnboundedSender<Ask>) {
    while let Some(req) = inbox.recv().await {
        let (reply, answer) = oneshot::channel();
        let _ = to_a.send(Ask { reply });
        let n = answer.await.unwrap_or(0);
        let _ = req.reply.send(n + 1);
    }
}
pub fn start() {
    let (to_a, a_inbox) = mpsc::unbounded_channel();
    let (to_b, b_inbox) = mpsc::unbounded_channel();
    tokio::spawn(a(a_inbox, to_b));
    tokio::spawn(b(b_inbox, to_a));
}
"#;

#[test]
fn two_tasks_that_ask_each_other() {
    let a = analyze_lib(ASK_EACH_OTHER);
    let got: Vec<_> = findings(&a)
        .into_iter()
        .filter(|(_, c)| *c == "BP009")
        .collect();
    assert_eq!(got, vec![(8, "BP009")], "{:#?}", a.diagnostics);
}

/// The two tasks with B's wait replaced by `b_wait`: no BP009 then.
fn silent_with(b_wait: &str) {
    let src = ASK_EACH_OTHER.replace(
        "let n = answer.await.unwrap_or(0);\n        let _ = req.reply.send(n + 1);",
        b_wait,
    );
    assert_ne!(src, ASK_EACH_OTHER);
    let a = analyze_lib(&src);
    assert!(
        findings(&a).iter().all(|(_, c)| *c != "BP009"),
        "{:#?}",
        a.diagnostics
    );
}

#[test]
fn a_reply_awaited_beside_a_timeout_can_give_up() {
    silent_with(
        "let n = tokio::select! { r = answer => r.unwrap_or(0), _ = tokio::time::sleep(std::time::Duration::from_secs(1)) => 0 };\n        let _ = req.reply.send(n + 1);",
    );
}

#[test]
fn telling_instead_of_asking_is_no_cycle() {
    silent_with("drop(answer);\n        let _ = req.reply.send(1);");
}

const KAMEO_ASK: &str = r#"
use kameo::actor::ActorRef;
use kameo::message::{Context, Message};
pub struct Check;
pub struct Limit;
pub struct Orders { pub inventory: ActorRef<Inventory> }
pub struct Inventory { pub orders: ActorRef<Orders> }
impl Message<Check> for Orders {
    type Reply = u32;
    async fn handle(&mut self, _m: Check, _ctx: &mut Context<Self, Self::Reply>) -> u32 {
        self.inventory.ask(Limit).await.unwrap_or(0)
    }
}
impl Message<Limit> for Inventory {
    type Reply = u32;
    async fn handle(&mut self, _m: Limit, _ctx: &mut Context<Self, Self::Reply>) -> u32 {
        self.orders.ask(Check).await.unwrap_or(0)
    }
}
"#;

#[test]
fn kameo_actors_that_ask_each_other() {
    let a = analyze_lib(KAMEO_ASK);
    let got: Vec<_> = findings(&a)
        .into_iter()
        .filter(|(_, c)| *c == "BP009")
        .collect();
    assert_eq!(got, vec![(11, "BP009")], "{:#?}", a.diagnostics);
}

#[test]
fn kameo_actors_that_post_without_waiting_do_not_wait_in_a_cycle() {
    let src = KAMEO_ASK.replace(
        "self.orders.ask(Check).await.unwrap_or(0)",
        "let _ = self.orders.tell(Check).try_send(); 0",
    );
    assert_ne!(src, KAMEO_ASK);
    let a = analyze_lib(&src);
    assert!(
        findings(&a).iter().all(|(_, c)| *c != "BP009"),
        "{:#?}",
        a.diagnostics
    );
}
