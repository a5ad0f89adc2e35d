use std::sync::Arc;
use tokio::sync::{mpsc, Semaphore};

async fn handle(job: u64) {
    tokio::time::sleep(std::time::Duration::from_millis(job)).await;
}

fn keep<T>(x: T) -> T { x }

#[tokio::main]
async fn main() {
    let (tx, mut rx) = mpsc::channel::<u64>(64);
    let limit = Arc::new(Semaphore::new(8));
    tokio::spawn(async move { for i in 0..1000 { let _ = tx.send(i).await; } });
    while let Some(job) = rx.recv().await {
        let permit = keep(limit.clone().acquire_owned().await.unwrap());
        tokio::spawn(async move {
            handle(job).await;
            drop(permit);
        });
    }
}
