//! A minimal executor in the style of the async book's: a bounded ready queue
//! (`sync_channel`), a thread that takes tasks off it and polls them, and a waker that puts
//! its task back on the queue.
//!
//! The waker's `send` blocks while the queue is full. A task that wakes itself while it is
//! being polled (a cooperative `yield_now`) runs the waker on the executor thread, the only
//! thread that takes tasks off the queue: once the spawner has filled the queue, the
//! executor waits for room that only it could make.

use bpcheck::sync::std_mpsc::{sync_channel, Receiver, SyncSender};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::JoinHandle;

/// Tasks that can wait in the ready queue.
pub const READY_QUEUE: usize = 16;

type BoxFuture = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

struct Task {
    future: Mutex<Option<BoxFuture>>,
    ready: SyncSender<Arc<Task>>,
}

impl Wake for Task {
    fn wake(self: Arc<Self>) {
        let ready = self.ready.clone();
        // Blocks while the ready queue is full.
        ready.send(self).expect("executor stopped"); //~ BP002
    }
}

/// Hands new tasks to the executor.
#[derive(Clone)]
pub struct Spawner {
    ready: SyncSender<Arc<Task>>,
}

impl Spawner {
    pub fn spawn(&self, future: impl Future<Output = ()> + Send + 'static) {
        let task = Arc::new(Task {
            future: Mutex::new(Some(Box::pin(future))),
            ready: self.ready.clone(),
        });
        self.ready.send(task).expect("executor stopped");
    }
}

/// Polls every task that is put on the ready queue, until every spawner and task is gone.
pub struct Executor {
    ready: Receiver<Arc<Task>>,
}

impl Executor {
    pub fn run(self) {
        while let Ok(task) = self.ready.recv() {
            let mut slot = task.future.lock().expect("task poisoned");
            if let Some(mut future) = slot.take() {
                let waker = Waker::from(task.clone());
                let mut cx = Context::from_waker(&waker);
                if future.as_mut().poll(&mut cx).is_pending() {
                    *slot = Some(future);
                }
            }
        }
    }
}

/// A spawner and the thread that runs the executor.
pub fn start() -> (Spawner, JoinHandle<()>) {
    let (ready, queue) = sync_channel(READY_QUEUE);
    let executor = Executor { ready: queue };
    let thread = std::thread::Builder::new()
        .name("executor".into())
        .spawn(move || executor.run())
        .expect("cannot start the executor thread");
    (Spawner { ready }, thread)
}

/// Lets other tasks run: wakes itself and returns `Pending` once.
pub fn yield_now() -> impl Future<Output = ()> {
    let mut yielded = false;
    std::future::poll_fn(move |cx| {
        if yielded {
            return Poll::Ready(());
        }
        yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    })
}
