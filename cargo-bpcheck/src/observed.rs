//! `--observed DIR`: merges the graphs that the runtime shim (`bpcheck` with its `check`
//! feature) wrote under `target/bpcheck/` while the tests ran into the static graph.
//!
//! Observed channels are matched to static ones by creation site (file and line), else by
//! name; observed tasks by spawn site. A send or receive seen at run time with no static
//! counterpart is reported as a note naming the code the analysis could not follow, and
//! `--graph` draws it as a blue dashed edge labelled `observed`. Only sites in files the
//! analysis read are compared: code it was not asked to read is not "missed".

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use bpcheck_analyzer::model::Model;
use bpcheck_analyzer::{FileId, SourceDb};
use serde_json::Value;

use crate::Fatal;

const BLUE: &str = "#1f77b4";

/// A source location as the shim records it (`file` as rustc names it).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Site {
    file: String,
    line: usize,
}

impl Site {
    fn from_json(v: &Value) -> Option<Site> {
        Some(Site {
            file: v.get("file")?.as_str()?.to_string(),
            line: v.get("line")?.as_u64()? as usize,
        })
    }
}

impl std::fmt::Display for Site {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// One send or receive seen at run time.
#[derive(Clone, Debug)]
struct Edge {
    /// The JSON file it came from.
    source: PathBuf,
    task: String,
    task_site: Option<Site>,
    channel: String,
    channel_site: Site,
    send: bool,
    /// The first send's site (sends only).
    site: Option<Site>,
}

/// Everything read from the observed directory.
#[derive(Debug, Default)]
pub struct Observed {
    edges: Vec<Edge>,
    /// Channels seen at run time: name (if any) and creation site.
    channels: Vec<(Option<String>, Site, PathBuf)>,
}

/// Reads every `*.json` the shim wrote in `dir`.
pub fn load(dir: &Path) -> Result<Observed, Fatal> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Fatal(format!(
            "cannot read the observed graphs in `{}`: {e}",
            dir.display()
        ))
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    let mut observed = Observed::default();
    for path in paths {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Fatal(format!("cannot read `{}`: {e}", path.display())))?;
        let graph: Value = serde_json::from_str(&text).map_err(|e| {
            Fatal(format!(
                "`{}` is not an observed graph: {e}",
                path.display()
            ))
        })?;
        read_graph(&graph, &path, &mut observed);
    }
    Ok(observed)
}

fn read_graph(graph: &Value, path: &Path, observed: &mut Observed) {
    let empty = Vec::new();
    let channels = graph["channels"].as_array().unwrap_or(&empty);
    let tasks = graph["tasks"].as_array().unwrap_or(&empty);
    let channel = |id: &Value| channels.iter().find(|c| c["id"] == *id);
    for c in channels {
        if let Some(site) = Site::from_json(&c["site"]) {
            let name = c["name"].as_str().map(str::to_string);
            observed.channels.push((name, site, path.to_path_buf()));
        }
    }
    for e in graph["edges"].as_array().unwrap_or(&empty) {
        let Some(c) = channel(&e["channel"]) else {
            continue;
        };
        let Some(channel_site) = Site::from_json(&c["site"]) else {
            continue;
        };
        let task = e["task"].as_str().unwrap_or_default().to_string();
        let task_site = tasks
            .iter()
            .find(|t| t["name"].as_str() == Some(task.as_str()))
            .and_then(|t| Site::from_json(&t["spawn_site"]));
        let label = c["name"]
            .as_str()
            .map(|n| format!("`{n}`"))
            .unwrap_or_else(|| "the channel".to_string());
        observed.edges.push(Edge {
            source: path.to_path_buf(),
            task,
            task_site,
            channel: label,
            channel_site,
            send: e["direction"] == "send",
            site: Site::from_json(&e["site"]),
        });
    }
}

/// The analyzed file a shim path names: rustc's path (relative to the workspace root, or
/// absolute) is a suffix of the analyzed file's path.
fn file_of(files: &SourceDb, file: &str) -> Option<FileId> {
    let wanted = Path::new(file);
    files
        .iter()
        .find(|(_, f)| f.path.ends_with(wanted) || wanted.ends_with(&f.path))
        .map(|(id, _)| id)
}

fn line_of(files: &SourceDb, file: FileId, offset: u32) -> usize {
    files.line_col(file, offset).0
}

/// The static channel created at `site`, else the one named `name`.
fn static_channel(
    model: &Model,
    files: &SourceDb,
    site: &Site,
    name: Option<&str>,
) -> Option<usize> {
    let file = file_of(files, &site.file)?;
    model
        .channels
        .iter()
        .position(|c| c.range.file == file && line_of(files, file, c.range.start) == site.line)
        .or_else(|| {
            let name = name?;
            model.channels.iter().position(|c| c.name == name)
        })
}

/// The static task spawned at `site`.
fn static_task(model: &Model, files: &SourceDb, site: &Site) -> Option<usize> {
    let file = file_of(files, &site.file)?;
    model.tasks.iter().position(|t| {
        t.spawn
            .is_some_and(|r| r.file == file && line_of(files, file, r.start) == site.line)
    })
}

/// An observed edge the static graph lacks.
#[derive(Debug)]
pub struct Missing {
    edge: Edge,
    /// The static channel and task it joins, where known.
    chan: Option<usize>,
    task: Option<usize>,
    /// The static task's name.
    task_name: Option<String>,
}

/// The observed edges with no static counterpart, in files the analysis read.
pub fn missing(observed: &Observed, model: &Model, files: &SourceDb) -> Vec<Missing> {
    let mut out: Vec<Missing> = Vec::new();
    for edge in &observed.edges {
        let in_files = |s: &Site| file_of(files, &s.file).is_some();
        if !in_files(&edge.channel_site) {
            continue;
        }
        let name = edge.channel.trim_matches('`');
        let chan = static_channel(model, files, &edge.channel_site, Some(name));
        let task = edge
            .task_site
            .as_ref()
            .and_then(|s| static_task(model, files, s));
        let known = match (chan, task) {
            (Some(c), Some(t)) if edge.send => model
                .sends
                .iter()
                .any(|s| s.chan as usize == c && s.task as usize == t),
            (Some(c), Some(t)) => model
                .recvs
                .iter()
                .any(|r| r.chan as usize == c && r.task as usize == t),
            // A task the analysis does not know (test code, another crate): compare the
            // send's site with the static sends on the channel.
            (Some(c), None) => match &edge.site {
                Some(site) if edge.send && in_files(site) => model.sends.iter().any(|s| {
                    s.chan as usize == c && line_of(files, s.range.file, s.range.start) == site.line
                }),
                _ => true,
            },
            (None, _) => false,
        };
        let duplicate = out.iter().any(|m| {
            m.edge.task == edge.task
                && m.edge.channel_site == edge.channel_site
                && m.edge.send == edge.send
        });
        if !known && !duplicate {
            out.push(Missing {
                edge: edge.clone(),
                chan,
                task,
                task_name: task.map(|t| model.tasks[t].name.clone()),
            });
        }
    }
    out
}

/// The notes for `missing`, one paragraph each, rustc-style.
pub fn notes(missing: &[Missing]) -> String {
    let mut out = String::new();
    for m in missing {
        let e = &m.edge;
        let who = match (&m.task_name, &e.task_site) {
            (Some(name), Some(site)) => format!("task `{name}` (spawned at {site})"),
            // The shim's own name for an unnamed task repeats its spawn site.
            (None, Some(site)) if e.task.starts_with('#') => format!("the task spawned at {site}"),
            (None, Some(site)) => format!("task `{}` (spawned at {site})", e.task),
            (_, None) => format!("`{}`", e.task),
        };
        let verb = if e.send { "sends on" } else { "receives from" };
        let _ = writeln!(
            out,
            "note: seen at run time, missing from the static graph: {who} {verb} {} (created at {})",
            e.channel, e.channel_site
        );
        let what = match (m.chan, &e.site) {
            (None, _) => format!(
                "the channel created at {} is not in the static graph (made in a macro, another crate, or code the analysis could not follow)",
                e.channel_site
            ),
            (Some(_), Some(site)) if e.send => {
                format!("the analysis could not follow the handle to the send at {site}")
            }
            (Some(_), _) => format!(
                "the analysis could not follow the handle from {} to this task",
                e.channel_site
            ),
        };
        let _ = writeln!(out, "  = note: {what}");
        let _ = writeln!(out, "  = note: observed in {}", e.source.display());
    }
    out
}

/// The lines that draw `missing` into a DOT graph, before its closing brace.
pub fn add_to_dot(mut dot: String, missing: &[Missing]) -> String {
    let mut extra = String::new();
    for (i, m) in missing.iter().enumerate() {
        let (task, chan) = ends(i, m, &mut extra, true);
        let (from, to) = if m.edge.send {
            (task, chan)
        } else {
            (chan, task)
        };
        let _ = writeln!(
            extra,
            "  \"{from}\" -> \"{to}\" [style=dashed, color=\"{BLUE}\", fontcolor=\"{BLUE}\", label=\"observed\"];"
        );
    }
    if let Some(end) = dot.rfind('}') {
        dot.insert_str(end, &extra);
    }
    dot
}

/// The lines that draw `missing` into a Mermaid flowchart.
pub fn add_to_mermaid(mut mermaid: String, missing: &[Missing]) -> String {
    for (i, m) in missing.iter().enumerate() {
        let mut nodes = String::new();
        let (task, chan) = ends(i, m, &mut nodes, false);
        mermaid.push_str(&nodes);
        let (from, to) = if m.edge.send {
            (task, chan)
        } else {
            (chan, task)
        };
        let _ = writeln!(mermaid, "  {from} -.->|observed| {to}");
    }
    if !missing.is_empty() {
        let _ = writeln!(
            mermaid,
            "  %% Blue dotted edges: seen at run time only (--observed)."
        );
    }
    mermaid
}

/// Node ids of an observed edge's task and channel: the static nodes where matched, else
/// new nodes declared into `out`.
fn ends(i: usize, m: &Missing, out: &mut String, dot: bool) -> (String, String) {
    let task = match m.task {
        Some(t) => format!("t{t}"),
        None => {
            let id = format!("ot{i}");
            declare(out, &id, &m.edge.task, false, dot);
            id
        }
    };
    let chan = match m.chan {
        Some(c) => format!("c{c}"),
        None => {
            let id = format!("oc{i}");
            let label = format!(
                "{} {}",
                m.edge.channel.trim_matches('`'),
                m.edge.channel_site
            );
            declare(out, &id, &label, true, dot);
            id
        }
    };
    (task, chan)
}

fn declare(out: &mut String, id: &str, label: &str, channel: bool, dot: bool) {
    let label = label.replace('"', "'");
    if dot {
        let shape = if channel { "cylinder" } else { "box" };
        let _ = writeln!(
            out,
            "  \"{id}\" [label=\"{label}\", shape={shape}, style=dashed, color=\"{BLUE}\"];"
        );
    } else if channel {
        let _ = writeln!(out, "  {id}[(\"{label}\")]");
    } else {
        let _ = writeln!(out, "  {id}[\"{label}\"]");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bpcheck_analyzer::{analyze, Config, CrateInput};

    /// What the shim writes for a run of `graph_gateway_cycle` in which the clients task
    /// also received on the gateway's mailbox (through code the analysis did not see),
    /// next to sends the static graph has.
    fn observed_gateway(dir: &Path) -> Observed {
        let system = "fixtures/graph_gateway_cycle/src/system.rs";
        let site = |line: u32| serde_json::json!({ "file": system, "line": line, "column": 5 });
        let graph = serde_json::json!({
            "version": 1,
            "test": "gateway",
            "channels": [
                { "id": 1, "name": null, "site": site(100), "capacity": 8 },
                { "id": 2, "name": null, "site": site(101), "capacity": 8 },
                { "id": 3, "name": "audit", "site": site(30), "capacity": 4 },
            ],
            "tasks": [
                { "name": "#1 spawned at x", "spawn_site": site(102) },
                { "name": "#2 spawned at x", "spawn_site": site(103) },
                { "name": "#3 spawned at x", "spawn_site": site(104) },
            ],
            "edges": [
                // The engine (spawned at :102) sends quotes into the gateway's mailbox: static.
                { "task": "#1 spawned at x", "channel": 1, "direction": "send", "count": 1, "site": site(78) },
                // The gateway (spawned at :104) sends orders to the engine: static.
                { "task": "#3 spawned at x", "channel": 2, "direction": "send", "count": 1, "site": site(52) },
                // The clients (spawned at :103) receive from the gateway's mailbox: not static.
                { "task": "#2 spawned at x", "channel": 1, "direction": "recv", "count": 1 },
                // A channel the analysis has no trace of.
                { "task": "#2 spawned at x", "channel": 3, "direction": "send", "count": 1, "site": site(31) },
            ],
            "spawn_sites": [],
            "findings": [],
        });
        let path = dir.join("gateway.json");
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(&path, graph.to_string()).unwrap();
        load(dir).unwrap()
    }

    #[test]
    fn run_time_edges_missing_statically_are_noted_and_drawn() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let fixture = root.join("fixtures/graph_gateway_cycle/src/main.rs");
        let analysis = analyze(
            &[CrateInput::from_root("graph_gateway_cycle", fixture)],
            &Config::default(),
        );
        let dir = std::env::temp_dir().join(format!("bpcheck-observed-{}", std::process::id()));
        let seen = observed_gateway(&dir);
        let missing = missing(&seen, &analysis.model, &analysis.files);
        let text = notes(&missing);
        assert_eq!(missing.len(), 2, "{text}");
        assert!(text.contains("note: seen at run time, missing from the static graph: task `clients` (spawned at fixtures/graph_gateway_cycle/src/system.rs:103) receives from the channel (created at fixtures/graph_gateway_cycle/src/system.rs:100)"), "{text}");
        assert!(text.contains("the analysis could not follow the handle from fixtures/graph_gateway_cycle/src/system.rs:100 to this task"), "{text}");
        assert!(
            text.contains(
                "sends on `audit` (created at fixtures/graph_gateway_cycle/src/system.rs:30)"
            ),
            "{text}"
        );
        assert!(text.contains("is not in the static graph"), "{text}");
        let dot = add_to_dot(
            crate::render_graph::dot(&analysis.model, &analysis.files),
            &missing,
        );
        assert_eq!(dot.matches("label=\"observed\"").count(), 2, "{dot}");
        assert!(dot.trim_end().ends_with('}'), "{dot}");
        let mermaid = add_to_mermaid(
            crate::render_graph::mermaid(&analysis.model, &analysis.files),
            &missing,
        );
        assert_eq!(mermaid.matches("-.->|observed|").count(), 2, "{mermaid}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
