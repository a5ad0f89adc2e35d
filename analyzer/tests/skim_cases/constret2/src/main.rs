use std::future::Future;

pub struct Slot<const N: usize>;

/// Starts `fut` as a task of its own.
pub fn spawn_task<F>(fut: F) -> Slot<{ 1 }>
where
    F: Future<Output = ()> + Send + 'static,
{
    tokio::spawn(fut);
    Slot
}

async fn execute(id: u64) {
    println!("{id}");
}

pub fn run_executions(executions: Vec<u64>) {
    for id in executions {
        spawn_task(execute(id));
    }
}

#[tokio::main]
async fn main() {
    run_executions((0..100).collect());
}
