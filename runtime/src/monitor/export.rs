//! The observed graph as JSON under `target/bpcheck/<monitor name>.json`, for
//! `cargo bpcheck --observed`.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use serde_json::{json, Value};

use super::{lock, Monitor};

/// Format version of the file.
const VERSION: u64 = 1;

/// The target directory: `CARGO_TARGET_DIR`, else the one the test binary sits in
/// (`target/<profile>/deps/<binary>`), else `target` beside `CARGO_MANIFEST_DIR`.
pub(crate) fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir);
    }
    if let Ok(exe) = std::env::current_exe() {
        let parents: Vec<&Path> = exe.ancestors().skip(1).take(3).collect();
        if parents.len() == 3 && parents[0].file_name().is_some_and(|n| n == "deps") {
            return parents[2].to_path_buf();
        }
    }
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_else(|| ".".into());
    Path::new(&manifest).join("target")
}

fn location(loc: &std::panic::Location<'_>) -> Value {
    json!({ "file": super::task::clean_path(loc.file()), "line": loc.line(), "column": loc.column() })
}

/// The observed graph.
pub(crate) fn graph(monitor: &Monitor) -> Value {
    let channels = lock(&monitor.inner.channels).clone();
    let mut edges = Vec::new();
    let mut task_keys = Vec::new();
    let channel_values: Vec<Value> = channels
        .iter()
        .map(|c| {
            for (task, count, at) in lock(&c.senders).iter() {
                task_keys.push(*task);
                edges.push(json!({
                    "task": monitor.describe(*task),
                    "channel": c.id,
                    "direction": "send",
                    "count": count,
                    "site": location(at),
                }));
            }
            for (task, count) in lock(&c.receivers).iter() {
                task_keys.push(*task);
                edges.push(json!({
                    "task": monitor.describe(*task),
                    "channel": c.id,
                    "direction": "recv",
                    "count": count,
                }));
            }
            json!({
                "id": c.id,
                "name": c.name,
                "site": location(c.site),
                "capacity": c.capacity,
                "high_water": c.high_water.load(Ordering::Relaxed),
                "sent": c.sent.load(Ordering::Relaxed),
                "received": c.received.load(Ordering::Relaxed),
            })
        })
        .collect();
    let tasks = lock(&monitor.inner.tasks).clone();
    let mut task_values: Vec<Value> = Vec::new();
    task_keys.sort_by_key(|k| format!("{k:?}"));
    task_keys.dedup();
    for key in task_keys {
        let info = tasks.get(&key);
        task_values.push(json!({
            "name": monitor.describe(key),
            "spawn_site": info.and_then(|i| i.site).map(location),
        }));
    }
    let spawn_sites: Vec<Value> = lock(&monitor.inner.spawn_sites)
        .iter()
        .map(|(s, stats)| {
            json!({ "site": location(s), "spawned": stats.spawned, "peak_live": stats.peak })
        })
        .collect();
    let findings: Vec<Value> = monitor
        .findings()
        .iter()
        .map(|f| json!({ "kind": f.kind.to_string(), "message": f.message }))
        .collect();
    json!({
        "version": VERSION,
        "test": monitor.inner.name,
        "channels": channel_values,
        "tasks": task_values,
        "edges": edges,
        "spawn_sites": spawn_sites,
        "findings": findings,
    })
}

/// Writes the graph; returns the path, or `None` (with a `tracing` warning) on failure.
pub(crate) fn write(monitor: &Monitor) -> Option<PathBuf> {
    let dir = target_dir().join("bpcheck");
    let file: String = monitor
        .inner
        .name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '.'
            }
        })
        .collect();
    let path = dir.join(format!("{file}.json"));
    let text = serde_json::to_string_pretty(&graph(monitor)).ok()?;
    match std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, text)) {
        Ok(()) => Some(path),
        Err(e) => {
            tracing::warn!(target: "bpcheck", path = %path.display(), "could not write the observed graph: {e}");
            None
        }
    }
}
