use tokio::sync::mpsc;

#[derive(Debug)]
pub enum GatewayMsg { Order(u64), Quote(u64) }

fn pass<T>(x: T) -> T { x }

#[tokio::main]
async fn main() {
    let (gateway_tx, mut gateway_rx) = mpsc::channel(8);
    let (engine_tx, mut engine_rx) = mpsc::channel(8);
    let engine_tx = pass(engine_tx);
    let back = pass(gateway_tx.clone());
    tokio::spawn(async move {
        while let Some(order) = engine_rx.recv().await {
            if back.send(GatewayMsg::Quote(order)).await.is_err() { return; }
        }
    });
    tokio::spawn(async move {
        while let Some(msg) = gateway_rx.recv().await {
            match msg {
                GatewayMsg::Order(o) => { if engine_tx.send(o).await.is_err() { break; } }
                GatewayMsg::Quote(q) => println!("{q}"),
            }
        }
    });
    for id in 0..10 { let _ = gateway_tx.send(GatewayMsg::Order(id)).await; }
}
