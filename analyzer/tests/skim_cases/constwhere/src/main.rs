use std::future::Future;
pub struct Assert<const OK: bool>;
pub trait IsTrue {}
impl IsTrue for Assert<true> {}

pub fn spawn_n<const N: usize, F>(fut: F)
where
    F: Future<Output = ()> + Send + 'static,
    Assert<{ N > 0 }>: IsTrue,
{
    tokio::spawn(fut);
}

async fn execute(id: u64) { println!("{id}"); }

pub fn run_executions(executions: Vec<u64>) {
    for id in executions {
        spawn_n::<1, _>(execute(id));
    }
}

fn main() { run_executions(vec![1]); }
