//! Task identity: tokio's task id inside a task, the thread id outside one (a test body
//! runs in `block_on`, not in a task).

use std::panic::Location;
use std::thread::{self, ThreadId};

/// Who performs an operation.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub(crate) enum TaskKey {
    /// A tokio task.
    Task(tokio::task::Id),
    /// Code outside any task, such as a test body in `block_on`.
    Thread(ThreadId),
}

impl TaskKey {
    /// The caller's identity.
    pub(crate) fn current() -> TaskKey {
        match tokio::task::try_id() {
            Some(id) => TaskKey::Task(id),
            None => TaskKey::Thread(thread::current().id()),
        }
    }
}

/// What the monitor knows about a task.
#[derive(Clone, Debug, Default)]
pub(crate) struct TaskInfo {
    /// Given by `spawn_named`.
    pub(crate) name: Option<String>,
    /// Where `bpcheck::spawn` was called.
    pub(crate) site: Option<&'static Location<'static>>,
    /// The task has finished (only known for tasks spawned through `bpcheck`).
    pub(crate) ended: bool,
}

/// A location as `file:line`, the path cleaned of `dir/..` steps.
pub(crate) fn site(loc: &Location<'_>) -> String {
    format!("{}:{}", clean_path(loc.file()), loc.line())
}

/// `a/b/../../c` as `c`: `#[path]`-included sources show up with such paths.
pub(crate) fn clean_path(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    parts.join("/")
}

/// How a task is shown in reports: its name, else its id and spawn site.
pub(crate) fn describe(key: TaskKey, info: Option<&TaskInfo>, body: Option<ThreadId>) -> String {
    if let Some(name) = info.and_then(|i| i.name.as_deref()) {
        return name.to_string();
    }
    match key {
        TaskKey::Task(id) => match info.and_then(|i| i.site) {
            Some(loc) => format!("#{id} spawned at {}", site(loc)),
            None => format!("#{id}"),
        },
        TaskKey::Thread(t) if Some(t) == body => "test body".to_string(),
        TaskKey::Thread(t) => format!("thread {t:?}"),
    }
}
