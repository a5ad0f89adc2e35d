//! Synthetic crates for the doubling benchmark: each shape makes N of one thing (channels,
//! tasks, sends, permits, declarations) in code the analysis follows in full.

use std::fmt::Write;

/// A named generator of a crate's source with N of something.
pub struct Shape {
    pub name: &'static str,
    pub generate: fn(usize) -> String,
}

/// Every shape the benchmark runs.
pub const SHAPES: &[Shape] = &[
    Shape {
        name: "channels_one_fn",
        generate: channels_one_fn,
    },
    Shape {
        name: "channels_n_fns",
        generate: channels_n_fns,
    },
    Shape {
        name: "spawns",
        generate: spawns,
    },
    Shape {
        name: "sends",
        generate: sends,
    },
    Shape {
        name: "permits",
        generate: permits,
    },
    Shape {
        name: "declared",
        generate: declared,
    },
    Shape {
        name: "helper_chain",
        generate: helper_chain,
    },
];

const HEADER: &str = "use std::sync::Arc;\nuse tokio::sync::{mpsc, Semaphore};\n\n";

/// One function creating N bounded channels, each sent on and received from.
fn channels_one_fn(n: usize) -> String {
    let mut s = String::from(HEADER);
    s.push_str("pub async fn make() {\n");
    for i in 0..n {
        let _ = writeln!(s, "    let (tx{i}, mut rx{i}) = mpsc::channel::<u32>(8);");
        let _ = writeln!(s, "    tx{i}.send({i}).await.ok();");
        let _ = writeln!(s, "    rx{i}.recv().await;");
    }
    s.push_str("}\n");
    s
}

/// N functions, each creating a channel, spawning a producer into it and draining it.
fn channels_n_fns(n: usize) -> String {
    let mut s = String::from(HEADER);
    for i in 0..n {
        let _ = writeln!(
            s,
            "pub async fn pipe{i}() {{\n    let (tx, mut rx) = mpsc::channel::<u32>({cap});\n    \
             tokio::spawn(async move {{\n        tx.send({i}).await.ok();\n    }});\n    \
             while let Some(v) = rx.recv().await {{\n        let _ = v;\n    }}\n}}",
            cap = i % 64 + 1
        );
    }
    s
}

/// N functions each spawning a task, all called from one function; one channel per 1000
/// tasks so the crate takes part in the value flow.
fn spawns(n: usize) -> String {
    let mut s = String::from(HEADER);
    s.push_str(
        "pub async fn start() {\n    let (tx, mut rx) = mpsc::unbounded_channel::<u32>();\n",
    );
    for i in 0..n {
        let _ = writeln!(s, "    job{i}(tx.clone());");
    }
    s.push_str("    while rx.recv().await.is_some() {}\n}\n");
    for i in 0..n {
        let _ = writeln!(
            s,
            "fn job{i}(tx: mpsc::UnboundedSender<u32>) {{\n    tokio::spawn(async move {{\n        \
             tx.send({i}).ok();\n    }});\n}}"
        );
    }
    s
}

/// One channel; N helper functions sending on it, each called once from its task.
fn sends(n: usize) -> String {
    let mut s = String::from(HEADER);
    s.push_str(
        "pub async fn start() {\n    let (tx, mut rx) = mpsc::channel::<u32>(16);\n    \
         tokio::spawn(async move {\n",
    );
    for i in 0..n {
        let _ = writeln!(s, "        send{i}(&tx).await;");
    }
    s.push_str("    });\n    while rx.recv().await.is_some() {}\n}\n");
    for i in 0..n {
        let _ = writeln!(
            s,
            "async fn send{i}(tx: &mpsc::Sender<u32>) {{\n    tx.send({i}).await.ok();\n}}"
        );
    }
    s
}

/// A chain of N helpers, each calling the next, the last making a channel: skimming learns
/// one helper's name per step (plus N helpers that call nothing, which it skips).
fn helper_chain(n: usize) -> String {
    let mut s = String::from(HEADER);
    for i in 0..n {
        let _ = writeln!(s, "pub fn link{i}() -> usize {{ link{}() + 1 }}", i + 1);
        let _ = writeln!(s, "pub fn plain{i}(x: usize) -> usize {{ x * {i} + 1 }}");
    }
    let _ = writeln!(
        s,
        "pub fn link{n}() -> usize {{ let (_tx, _rx) = mpsc::unbounded_channel::<u8>(); 0 }}"
    );
    s
}

/// One semaphore; N spawned tasks each taking a permit of it.
fn permits(n: usize) -> String {
    let mut s = String::from(HEADER);
    s.push_str("pub async fn start() {\n    let sem = Arc::new(Semaphore::new(8));\n");
    for i in 0..n {
        let _ = writeln!(s, "    tokio::spawn(work{i}(sem.clone()));");
    }
    s.push_str("}\n");
    for i in 0..n {
        let _ = writeln!(
            s,
            "async fn work{i}(sem: Arc<Semaphore>) {{\n    \
             let _permit = sem.acquire_owned().await.unwrap();\n}}"
        );
    }
    s
}

/// N functions each creating a channel with bpcheck's `channel!` declaration.
fn declared(n: usize) -> String {
    let mut s = String::from("use bpcheck::channel;\n\n");
    for i in 0..n {
        let _ = writeln!(
            s,
            "pub async fn decl{i}() {{\n    let (tx, mut rx) = channel!(c{i}, 8);\n    \
             tx.send({i}).await.ok();\n    rx.recv().await;\n}}"
        );
    }
    s
}
