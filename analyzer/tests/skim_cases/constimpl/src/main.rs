use std::future::Future;

pub struct Pool<const N: usize>;

impl Pool<{ 64 }> {
    /// Starts `fut` on the pool.
    pub fn submit<F>(&self, fut: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        tokio::spawn(fut);
    }
}

async fn execute(id: u64) {
    println!("{id}");
}

pub fn run_executions(pool: &Pool<64>, executions: Vec<u64>) {
    for id in executions {
        pool.submit(execute(id));
    }
}

#[tokio::main]
async fn main() {
    run_executions(&Pool, (0..100).collect());
}
