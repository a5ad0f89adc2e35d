//! `--graph`: the message graph of a run as Graphviz DOT or a Mermaid flowchart.
//!
//! Tasks are boxes (a double border or thick stroke when many instances run at once, a
//! grey fill or subroutine shape for OS threads), channels are cylinders labelled
//! `name (capacity)`, unbounded channels red and dashed. A send is an edge task -> channel,
//! solid when the sender waits on a full queue, dashed when it never waits; a receive is an
//! edge channel -> task, bold and labelled `priority` when read with priority. Edges of a
//! cycle of waiting sends that nothing breaks are red; edges of a cycle a gateway breaks
//! are green. Tasks that neither send nor receive are left out; parallel edges of the same
//! task, channel, direction and style are drawn once. Names shown twice get their place
//! (`main.rs:12`) as a second line. With a declared topology, tasks and channels carry
//! their declared names; edges the topology does not declare (when `closed`) are orange, and
//! declared edges the code does not have are grey and dotted, from actor to actor.

use bpcheck_analyzer::catalog::ChannelKind;
use bpcheck_analyzer::lints::topology_drift::{missing_edges, undeclared_edges, MissingEdge};
use bpcheck_analyzer::model::{Channel, Model};
use bpcheck_analyzer::tasks::Task;
use bpcheck_analyzer::{FileId, SourceDb};
use std::collections::{BTreeMap, HashSet};
use std::fmt::Write;

const RED: &str = "#d62728";
const GREEN: &str = "#2ca02c";
const THREAD_FILL: &str = "#eeeeee";
const ORANGE: &str = "#ff7f0e";
const GREY: &str = "#7f7f7f";

/// How an edge takes part in cycles; a merged edge takes the strongest of its parts.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Mark {
    Plain,
    /// An edge between actors of a closed topology that the topology does not declare.
    Undeclared,
    /// On a cycle of waiting sends that a gateway breaks.
    BrokenCycle,
    /// On a cycle of waiting sends that nothing breaks (BP002).
    Cycle,
}

/// Direction and style of an edge: what parallel edges are merged by.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// task -> channel
    Send { waits: bool },
    /// channel -> task
    Recv { prioritized: bool },
}

#[derive(Clone, Debug)]
struct ViewEdge {
    task: u32,
    chan: u32,
    kind: Kind,
    mark: Mark,
}

/// Label lines and tooltip of a node.
struct NodeText {
    lines: Vec<String>,
    tip: String,
}

/// What is drawn: the tasks with an edge, every channel, merged edges, node texts.
struct View<'m> {
    model: &'m Model,
    tasks: Vec<usize>,
    chans: Vec<usize>,
    edges: Vec<ViewEdge>,
    /// Declared edges the code does not have: drawn grey and dotted, actor to actor.
    missing: Vec<MissingEdge>,
    /// Indexed like `model.tasks` / `model.channels`.
    task_text: Vec<NodeText>,
    chan_text: Vec<NodeText>,
}

impl<'m> View<'m> {
    fn new(model: &'m Model, files: &SourceDb) -> Self {
        let edges = merged_edges(model);
        let missing = missing_edges(model);
        let mut has_edge = vec![false; model.tasks.len()];
        for e in &edges {
            has_edge[e.task as usize] = true;
        }
        for m in &missing {
            for &t in m.from_tasks.iter().chain(&m.to_tasks) {
                if let Some(h) = has_edge.get_mut(t as usize) {
                    *h = true;
                }
            }
        }
        let tasks: Vec<usize> = (0..model.tasks.len()).filter(|t| has_edge[*t]).collect();
        let chans: Vec<usize> = (0..model.channels.len()).collect();

        let task_dup = duplicates(tasks.iter().map(|t| task_first_line(&model.tasks[*t])));
        let task_text = model
            .tasks
            .iter()
            .map(|task| {
                let first = task_first_line(task);
                let at = match task.spawn {
                    Some(r) => place(files, r.file, Some(r.start)),
                    None => place(files, task.root.file, None),
                };
                let tip = match task.spawn {
                    Some(_) if task.thread => format!("OS thread spawned at {at}"),
                    Some(_) => format!("task spawned at {at}"),
                    None => format!("entry task in {at}"),
                };
                let mut lines = vec![first.clone()];
                if task.thread {
                    lines.push("thread".to_string());
                }
                if task_dup.contains(&first) {
                    lines.push(at);
                }
                NodeText { lines, tip }
            })
            .collect();
        let chan_dup = duplicates(chans.iter().map(|c| model.channels[*c].name.clone()));
        let chan_text = model
            .channels
            .iter()
            .map(|ch| {
                let at = place(files, ch.range.file, Some(ch.range.start));
                let api = if ch.api_path.is_empty() {
                    "channel"
                } else {
                    ch.api_path.as_str()
                };
                let tip = format!("{api} at {at}");
                let mut lines = vec![channel_label(ch)];
                if chan_dup.contains(&ch.name) {
                    lines.push(at);
                }
                NodeText { lines, tip }
            })
            .collect();
        View {
            model,
            tasks,
            chans,
            edges,
            missing,
            task_text,
            chan_text,
        }
    }

    fn task(&self, t: usize) -> &'m Task {
        &self.model.tasks[t]
    }

    fn chan(&self, c: usize) -> &'m Channel {
        &self.model.channels[c]
    }

    /// The edge's label: `send`, `try_send` (a bounded channel's send that never waits),
    /// `recv` or `priority`.
    fn label(&self, e: &ViewEdge) -> &'static str {
        match e.kind {
            Kind::Send { waits: true } => "send",
            Kind::Send { waits: false } if self.chan(e.chan as usize).is_bounded() => "try_send",
            Kind::Send { waits: false } => "send",
            Kind::Recv { prioritized: true } => "priority",
            Kind::Recv { prioritized: false } => "recv",
        }
    }

    /// Declared edges the code does not have, task to task: (from, to, label).
    fn missing_pairs(&self) -> Vec<(u32, u32, String)> {
        let mut out = Vec::new();
        for m in &self.missing {
            for &f in &m.from_tasks {
                for &t in &m.to_tasks {
                    out.push((f, t, format!("declared via {}, missing", m.via)));
                }
            }
        }
        out
    }

    /// (from, to) node ids.
    fn ends(e: &ViewEdge) -> (String, String) {
        let (t, c) = (format!("t{}", e.task), format!("c{}", e.chan));
        match e.kind {
            Kind::Send { .. } => (t, c),
            Kind::Recv { .. } => (c, t),
        }
    }
}

/// Sends and receives merged by (task, channel, direction and style), each marked with
/// the strongest cycle it is on, in a stable order.
fn merged_edges(model: &Model) -> Vec<ViewEdge> {
    let mut send_mark = vec![Mark::Plain; model.sends.len()];
    let mut recv_mark = vec![Mark::Plain; model.recvs.len()];
    for verdict in &model.cycles {
        let mark = if verdict.broken_at.is_some() {
            Mark::BrokenCycle
        } else {
            Mark::Cycle
        };
        for step in &verdict.cycle.steps {
            if let Some(m) = send_mark.get_mut(step.send) {
                *m = (*m).max(mark);
            }
            if let Some(m) = recv_mark.get_mut(step.recv) {
                *m = (*m).max(mark);
            }
        }
    }
    for u in undeclared_edges(model) {
        if let Some(m) = send_mark.get_mut(u.send) {
            *m = (*m).max(Mark::Undeclared);
        }
        if let Some(m) = recv_mark.get_mut(u.recv) {
            *m = (*m).max(Mark::Undeclared);
        }
    }
    let mut merged: BTreeMap<(u32, u32, Kind), Mark> = BTreeMap::new();
    let mut add = |key: (u32, u32, Kind), mark: Mark| {
        let m = merged.entry(key).or_insert(Mark::Plain);
        *m = (*m).max(mark);
    };
    for (s, mark) in model.sends.iter().zip(&send_mark) {
        add((s.task, s.chan, Kind::Send { waits: s.waits }), *mark);
    }
    for (r, mark) in model.recvs.iter().zip(&recv_mark) {
        let kind = Kind::Recv {
            prioritized: r.prioritized,
        };
        add((r.task, r.chan, kind), *mark);
    }
    merged
        .into_iter()
        .filter(|((t, c, _), _)| {
            (*t as usize) < model.tasks.len() && (*c as usize) < model.channels.len()
        })
        .map(|((task, chan, kind), mark)| ViewEdge {
            task,
            chan,
            kind,
            mark,
        })
        .collect()
}

/// A task's name, with `×N` when many instances run at once.
fn task_first_line(task: &Task) -> String {
    if task.replicated {
        format!("{} ×N", task.name)
    } else {
        task.name.clone()
    }
}

/// The values that occur more than once.
fn duplicates(items: impl Iterator<Item = String>) -> HashSet<String> {
    let mut seen = HashSet::new();
    let mut dup = HashSet::new();
    for i in items {
        if !seen.insert(i.clone()) {
            dup.insert(i);
        }
    }
    dup
}

/// `main.rs:12` (file name and line), or the file name alone.
fn place(files: &SourceDb, file: FileId, offset: Option<u32>) -> String {
    if file.0 as usize >= files.len() {
        return "?".to_string();
    }
    let path = &files.get(file).path;
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    match offset {
        Some(o) => format!("{name}:{}", files.line_col(file, o).0),
        None => name,
    }
}

/// `name (8)`, `name (CAP = 8)`, `name (unbounded)`, `name (oneshot)`, ...
fn channel_label(ch: &Channel) -> String {
    let what = match ch.kind {
        ChannelKind::Unbounded => "unbounded".to_string(),
        ChannelKind::Oneshot => "oneshot".to_string(),
        ChannelKind::Watch => "watch".to_string(),
        ChannelKind::Broadcast { .. } => format!("broadcast, {}", ch.capacity.describe()),
        ChannelKind::Bounded { .. } => ch.capacity.describe(),
    };
    format!("{} ({what})", ch.name)
}

fn is_unbounded(ch: &Channel) -> bool {
    matches!(ch.kind, ChannelKind::Unbounded)
}

/// A DOT double-quoted string's contents.
fn dot_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Label lines as one DOT string (escaped, joined by `\n`).
fn dot_lines(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| dot_escape(l))
        .collect::<Vec<_>>()
        .join("\\n")
}

/// The message graph as a Graphviz digraph; `files` gives places for names shown twice.
pub fn dot(model: &Model, files: &SourceDb) -> String {
    let view = View::new(model, files);
    let mut out = String::new();
    // Writing into a String cannot fail.
    let w = &mut out;
    for line in [
        "// Message graph by cargo-bpcheck.",
        "// Boxes: tasks (double border: many instances, grey: OS thread). Cylinders: channels.",
        "// Dashed send: never waits. Bold receive: read with priority. Red edges: a cycle that",
        "// can deadlock; green edges: a cycle a gateway breaks. Red dashed channel: unbounded.",
        "digraph bpcheck {",
        "  rankdir=LR;",
        "  nodesep=0.3;",
        "  ranksep=0.6;",
        "  node [fontname=\"Helvetica\", fontsize=11];",
        "  edge [fontname=\"Helvetica\", fontsize=9];",
    ] {
        let _ = writeln!(w, "{line}");
    }
    for &t in &view.tasks {
        let task = view.task(t);
        let text = &view.task_text[t];
        let mut attrs = vec!["shape=box".to_string()];
        if task.thread {
            attrs.push(format!("style=filled, fillcolor=\"{THREAD_FILL}\""));
        } else {
            attrs.push("style=rounded".to_string());
        }
        if task.replicated {
            attrs.push("peripheries=2".to_string());
        }
        attrs.push(format!("label=\"{}\"", dot_lines(&text.lines)));
        attrs.push(format!("tooltip=\"{}\"", dot_escape(&text.tip)));
        let _ = writeln!(w, "  \"t{t}\" [{}];", attrs.join(", "));
    }
    for &c in &view.chans {
        let text = &view.chan_text[c];
        let mut attrs = vec![
            "shape=cylinder".to_string(),
            format!("label=\"{}\"", dot_lines(&text.lines)),
            format!("tooltip=\"{}\"", dot_escape(&text.tip)),
        ];
        if is_unbounded(view.chan(c)) {
            attrs.push(format!(
                "style=dashed, color=\"{RED}\", fontcolor=\"{RED}\", penwidth=2"
            ));
        }
        let _ = writeln!(w, "  \"c{c}\" [{}];", attrs.join(", "));
    }
    for e in &view.edges {
        let (from, to) = View::ends(e);
        let mut attrs = vec![format!("label=\"{}\"", view.label(e))];
        let mut penwidth = None;
        match e.kind {
            Kind::Send { waits: false } => attrs.push("style=dashed".to_string()),
            Kind::Recv { prioritized: true } => {
                attrs.push("style=bold".to_string());
                penwidth = Some("2");
            }
            _ => {}
        }
        match e.mark {
            Mark::Plain => {}
            Mark::Cycle => {
                attrs.push(format!(
                    "color=\"{RED}\", fontcolor=\"{RED}\", \
                     tooltip=\"on a cycle of waiting sends that can deadlock\""
                ));
                penwidth = Some("2.5");
            }
            Mark::BrokenCycle => {
                attrs.push(format!(
                    "color=\"{GREEN}\", fontcolor=\"{GREEN}\", \
                     tooltip=\"on a cycle of waiting sends that a gateway breaks\""
                ));
                penwidth = Some("2.5");
            }
            Mark::Undeclared => {
                attrs.push(format!(
                    "color=\"{ORANGE}\", fontcolor=\"{ORANGE}\", \
                     tooltip=\"not declared in a closed topology\""
                ));
                penwidth = Some("2.5");
            }
        }
        if let Some(p) = penwidth {
            attrs.push(format!("penwidth={p}"));
        }
        let _ = writeln!(w, "  \"{from}\" -> \"{to}\" [{}];", attrs.join(", "));
    }
    for (from, to, label) in view.missing_pairs() {
        let _ = writeln!(
            w,
            "  \"t{from}\" -> \"t{to}\" [label=\"{}\", style=dotted, color=\"{GREY}\", fontcolor=\"{GREY}\", tooltip=\"declared, not in the code\"];",
            dot_escape(&label)
        );
    }
    let _ = writeln!(w, "}}");
    out
}

/// A Mermaid double-quoted label's contents (entity codes for what Mermaid would parse).
fn mermaid_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '#' => out.push_str("#35;"),
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Label lines as one Mermaid label (escaped, joined by `<br/>`).
fn mermaid_lines(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| mermaid_escape(l))
        .collect::<Vec<_>>()
        .join("<br/>")
}

/// The message graph as a Mermaid flowchart; `files` gives places for names shown twice.
pub fn mermaid(model: &Model, files: &SourceDb) -> String {
    let view = View::new(model, files);
    let mut out = String::new();
    // Writing into a String cannot fail.
    let w = &mut out;
    for line in [
        "flowchart LR",
        "  %% Message graph by cargo-bpcheck. Rectangles: tasks (thick border: many instances,",
        "  %% double sides: OS thread). Cylinders: channels. Dotted send: never waits. Thick",
        "  %% receive: read with priority. Red: a cycle that can deadlock; green: a cycle a",
        "  %% gateway breaks. Red dashed channel: unbounded.",
    ] {
        let _ = writeln!(w, "{line}");
    }
    for &t in &view.tasks {
        let label = mermaid_lines(&view.task_text[t].lines);
        if view.task(t).thread {
            let _ = writeln!(w, "  t{t}[[\"{label}\"]]");
        } else {
            let _ = writeln!(w, "  t{t}[\"{label}\"]");
        }
    }
    for &c in &view.chans {
        let label = mermaid_lines(&view.chan_text[c].lines);
        let _ = writeln!(w, "  c{c}[(\"{label}\")]");
    }
    let (mut red, mut green, mut orange, mut grey) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (i, e) in view.edges.iter().enumerate() {
        let (from, to) = View::ends(e);
        let arrow = match e.kind {
            Kind::Send { waits: false } => "-.->",
            Kind::Recv { prioritized: true } => "==>",
            _ => "-->",
        };
        let _ = writeln!(w, "  {from} {arrow}|{}| {to}", view.label(e));
        match e.mark {
            Mark::Plain => {}
            Mark::Cycle => red.push(i.to_string()),
            Mark::BrokenCycle => green.push(i.to_string()),
            Mark::Undeclared => orange.push(i.to_string()),
        }
    }
    for (i, (from, to, label)) in view.missing_pairs().into_iter().enumerate() {
        let _ = writeln!(w, "  t{from} -.-|\"{}\"| t{to}", mermaid_escape(&label));
        grey.push((view.edges.len() + i).to_string());
    }
    for (edges, color) in [(red, RED), (green, GREEN), (orange, ORANGE), (grey, GREY)] {
        if !edges.is_empty() {
            let _ = writeln!(
                w,
                "  linkStyle {} stroke:{color},stroke-width:3px,color:{color}",
                edges.join(",")
            );
        }
    }
    let unbounded: Vec<String> = view
        .chans
        .iter()
        .filter(|c| is_unbounded(view.chan(**c)))
        .map(|c| format!("c{c}"))
        .collect();
    if !unbounded.is_empty() {
        let _ = writeln!(
            w,
            "  classDef unbounded stroke:{RED},stroke-width:2px,stroke-dasharray:5 5,color:{RED}"
        );
        let _ = writeln!(w, "  class {} unbounded", unbounded.join(","));
    }
    let replicated: Vec<String> = view
        .tasks
        .iter()
        .filter(|t| view.task(**t).replicated)
        .map(|t| format!("t{t}"))
        .collect();
    if !replicated.is_empty() {
        let _ = writeln!(w, "  classDef replicated stroke-width:4px");
        let _ = writeln!(w, "  class {} replicated", replicated.join(","));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use bpcheck_analyzer::{analyze, Analysis, Config, CrateInput};
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// The gateway <-> processor cycle: both sends wait on bounded channels, nothing breaks it.
    const CYCLE: &str = r#"
use tokio::sync::mpsc;

async fn gateway() {
    let (req_tx, mut req_rx) = mpsc::channel::<u32>(8);
    let (reply_tx, mut reply_rx) = mpsc::channel::<u32>(8);
    tokio::spawn(async move {
        while let Some(r) = req_rx.recv().await {
            reply_tx.send(r + 1).await.unwrap();
        }
    });
    loop {
        req_tx.send(1).await.unwrap();
        let _ = reply_rx.recv().await;
    }
}
"#;

    /// The same cycle, broken: the gateway reads replies with priority (biased select).
    const BROKEN: &str = r#"
use tokio::sync::mpsc;

async fn gateway() {
    let (in_tx, mut in_rx) = mpsc::channel::<u32>(4);
    let (req_tx, mut req_rx) = mpsc::channel::<u32>(8);
    let (reply_tx, mut reply_rx) = mpsc::channel::<u32>(8);
    tokio::spawn(async move {
        while let Some(r) = req_rx.recv().await {
            reply_tx.send(r).await.unwrap();
        }
    });
    tokio::spawn(async move {
        in_tx.send(1).await.unwrap();
    });
    loop {
        tokio::select! {
            biased;
            Some(r) = reply_rx.recv() => { drop(r); }
            Some(m) = in_rx.recv() => { req_tx.send(m).await.unwrap(); }
        }
    }
}
"#;

    /// Unbounded and non-waiting sends, repeated sends, a replicated task, an OS thread,
    /// and a function with no channel at all.
    const MIXED: &str = r#"
use tokio::sync::mpsc;

const CAP: usize = 16;

fn quiet() {}

async fn server() {
    let (events_tx, mut events_rx) = mpsc::unbounded_channel::<u32>();
    let (jobs_tx, mut jobs_rx) = mpsc::channel::<u32>(CAP);
    loop {
        let events_tx = events_tx.clone();
        let jobs_tx = jobs_tx.clone();
        tokio::spawn(async move {
            events_tx.send(1).unwrap();
            events_tx.send(2).unwrap();
            let _ = jobs_tx.try_send(3);
        });
    }
    std::thread::spawn(move || {
        while let Some(j) = jobs_rx.blocking_recv() {
            drop(j);
        }
    });
    while let Some(e) = events_rx.recv().await {
        drop(e);
    }
}
"#;

    fn analysis(tag: &str, src: &str) -> Analysis {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!(
            "cargo-bpcheck-graph-{}-{tag}-{n}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        let root = dir.join("lib.rs");
        std::fs::write(&root, src).expect("write source");
        let a = analyze(&[CrateInput::from_root(tag, &root)], &Config::default());
        let _ = std::fs::remove_dir_all(&dir);
        a
    }

    fn task_id(a: &Analysis, name: &str) -> String {
        let i = a.model.tasks.iter().position(|t| t.name == name);
        format!("t{}", i.unwrap_or_else(|| panic!("no task {name}")))
    }

    /// 1-based line of the first `needle` in `src`.
    fn line_of(src: &str, needle: &str) -> usize {
        let at = src.find(needle).expect("needle in source");
        src[..at].matches('\n').count() + 1
    }

    /// The task named `name` spawned on line `line`.
    fn spawned_task_id(a: &Analysis, name: &str, line: usize) -> String {
        let i = a.model.tasks.iter().position(|t| {
            t.name == name
                && t.spawn
                    .is_some_and(|r| a.files.line_col(r.file, r.start).0 == line)
        });
        format!(
            "t{}",
            i.unwrap_or_else(|| panic!("no task {name} at {line}"))
        )
    }

    fn chan_id(a: &Analysis, name: &str) -> String {
        let i = a.model.channels.iter().position(|c| c.name == name);
        format!("c{}", i.unwrap_or_else(|| panic!("no channel {name}")))
    }

    /// The DOT edge statements from `from` to `to`.
    fn dot_edges<'s>(dot: &'s str, from: &str, to: &str) -> Vec<&'s str> {
        let head = format!("\"{from}\" -> \"{to}\" [");
        dot.lines()
            .map(str::trim)
            .filter(|l| l.starts_with(&head))
            .collect()
    }

    fn one_dot_edge<'s>(dot: &'s str, from: &str, to: &str) -> &'s str {
        let edges = dot_edges(dot, from, to);
        assert_eq!(edges.len(), 1, "{from} -> {to} in\n{dot}");
        edges[0]
    }

    /// The Mermaid edge statements from `from` to `to`, with their index.
    fn mermaid_edges(text: &str, from: &str, to: &str) -> Vec<(usize, String)> {
        text.lines()
            .map(str::trim)
            .filter(|l| l.contains("->") || l.contains("==>"))
            .enumerate()
            .filter(|(_, l)| l.starts_with(&format!("{from} ")) && l.ends_with(&format!(" {to}")))
            .map(|(i, l)| (i, l.to_string()))
            .collect()
    }

    /// The edge indices a `linkStyle` line with `color` names.
    fn link_styled(text: &str, color: &str) -> Vec<usize> {
        text.lines()
            .map(str::trim)
            .filter(|l| l.starts_with("linkStyle ") && l.contains(color))
            .flat_map(|l| {
                l["linkStyle ".len()..]
                    .split(' ')
                    .next()
                    .unwrap_or("")
                    .split(',')
                    .map(|n| n.parse::<usize>().expect("edge index"))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    #[test]
    fn dot_draws_tasks_channels_and_the_unbroken_cycle_in_red() {
        let a = analysis("cycle", CYCLE);
        assert_eq!(a.model.cycles.len(), 1);
        let dot = dot(&a.model, &a.files);
        assert!(dot.contains("digraph bpcheck {\n  rankdir=LR;"), "{dot}");
        assert!(dot.trim_end().ends_with('}'), "{dot}");
        let (gw, proc) = (task_id(&a, "gateway"), task_id(&a, "gateway::{task}"));
        let (req, reply) = (chan_id(&a, "req"), chan_id(&a, "reply"));
        assert!(
            dot.contains(&format!(
                "\"{gw}\" [shape=box, style=rounded, label=\"gateway\""
            )),
            "{dot}"
        );
        assert!(
            dot.contains(&format!("\"{req}\" [shape=cylinder, label=\"req (8)\"")),
            "{dot}"
        );
        assert!(dot.contains("label=\"reply (8)\""), "{dot}");
        for (from, to, label) in [
            (&gw, &req, "send"),
            (&req, &proc, "recv"),
            (&proc, &reply, "send"),
            (&reply, &gw, "recv"),
        ] {
            let e = one_dot_edge(&dot, from, to);
            assert!(e.contains(&format!("label=\"{label}\"")), "{e}");
            assert!(e.contains(&format!("color=\"{RED}\"")), "{e}");
            assert!(e.contains("penwidth=2.5"), "{e}");
            assert!(!e.contains("dashed"), "a waiting send is solid: {e}");
        }
    }

    #[test]
    fn mermaid_draws_the_same_graph_with_link_styles() {
        let a = analysis("mcycle", CYCLE);
        let text = mermaid(&a.model, &a.files);
        assert!(text.starts_with("flowchart LR\n"), "{text}");
        let (gw, proc) = (task_id(&a, "gateway"), task_id(&a, "gateway::{task}"));
        let (req, reply) = (chan_id(&a, "req"), chan_id(&a, "reply"));
        assert!(text.contains(&format!("  {gw}[\"gateway\"]\n")), "{text}");
        assert!(
            text.contains(&format!("  {req}[(\"req (8)\")]\n")),
            "{text}"
        );
        let mut cycle = Vec::new();
        for (from, to, stmt) in [
            (&gw, &req, format!("{gw} -->|send| {req}")),
            (&req, &proc, format!("{req} -->|recv| {proc}")),
            (&proc, &reply, format!("{proc} -->|send| {reply}")),
            (&reply, &gw, format!("{reply} -->|recv| {gw}")),
        ] {
            let edges = mermaid_edges(&text, from, to);
            assert_eq!(edges.len(), 1, "{text}");
            assert_eq!(edges[0].1, stmt);
            cycle.push(edges[0].0);
        }
        cycle.sort();
        let mut red = link_styled(&text, RED);
        red.sort();
        assert_eq!(red, cycle, "{text}");
        assert!(link_styled(&text, GREEN).is_empty(), "{text}");
    }

    #[test]
    fn a_cycle_broken_by_a_priority_read_is_green_with_a_bold_priority_edge() {
        let a = analysis("broken", BROKEN);
        assert_eq!(a.model.cycles.len(), 1);
        assert!(a.model.cycles[0].broken_at.is_some());
        let dot = dot(&a.model, &a.files);
        assert!(!dot.contains(RED), "{dot}");
        let (gw, reply, input) = (
            task_id(&a, "gateway"),
            chan_id(&a, "reply"),
            chan_id(&a, "in"),
        );
        let back = one_dot_edge(&dot, &reply, &gw);
        assert!(back.contains("label=\"priority\""), "{back}");
        assert!(back.contains("style=bold"), "{back}");
        assert!(back.contains(&format!("color=\"{GREEN}\"")), "{back}");
        // The other input of the gateway is not on the cycle.
        let other = one_dot_edge(&dot, &input, &gw);
        assert!(!other.contains("color="), "{other}");
        assert!(other.contains("label=\"recv\""), "{other}");
        // Two anonymous tasks share a name: each gets its place as a second line.
        for needle in [
            "tokio::spawn(async move {\n        while",
            "tokio::spawn(async move {\n        in_tx",
        ] {
            let t = spawned_task_id(&a, "gateway::{task}", line_of(BROKEN, needle));
            let label = format!(
                "\"{t}\" [shape=box, style=rounded, label=\"gateway::{{task}}\\nlib.rs:{}\"",
                line_of(BROKEN, needle)
            );
            assert!(dot.contains(&label), "{label} in {dot}");
        }

        let text = mermaid(&a.model, &a.files);
        let edges = mermaid_edges(&text, &reply, &gw);
        assert_eq!(edges.len(), 1, "{text}");
        assert_eq!(edges[0].1, format!("{reply} ==>|priority| {gw}"));
        assert!(link_styled(&text, GREEN).contains(&edges[0].0), "{text}");
        assert!(link_styled(&text, RED).is_empty(), "{text}");
    }

    #[test]
    fn unbounded_channels_non_waiting_sends_replicas_threads_and_merged_edges() {
        let a = analysis("mixed", MIXED);
        let dot = dot(&a.model, &a.files);
        let (events, jobs) = (chan_id(&a, "events"), chan_id(&a, "jobs"));
        let conn = spawned_task_id(&a, "server::{task}", line_of(MIXED, "tokio::spawn"));
        let thread = spawned_task_id(&a, "server::{task}", line_of(MIXED, "std::thread::"));

        let ev_line = dot
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("\"{events}\" [")))
            .expect("events node");
        assert!(
            ev_line.contains("label=\"events (unbounded)\""),
            "{ev_line}"
        );
        assert!(ev_line.contains("style=dashed"), "{ev_line}");
        assert!(ev_line.contains(&format!("color=\"{RED}\"")), "{ev_line}");
        assert!(dot.contains("label=\"jobs (CAP = 16)\""), "{dot}");

        // Two sends from one task on one channel: one edge; never waits: dashed.
        let sends = one_dot_edge(&dot, &conn, &events);
        assert!(sends.contains("style=dashed"), "{sends}");
        assert!(sends.contains("label=\"send\""), "{sends}");
        let try_send = one_dot_edge(&dot, &conn, &jobs);
        assert!(try_send.contains("label=\"try_send\""), "{try_send}");
        assert!(try_send.contains("style=dashed"), "{try_send}");

        // Replicated: marker and double border; the thread: marker and fill. The names
        // differ (`×N`), so no place is added.
        assert!(
            dot.contains(&format!(
                "\"{conn}\" [shape=box, style=rounded, peripheries=2, label=\"server::{{task}} ×N\""
            )),
            "{dot}"
        );
        assert!(
            dot.contains(&format!(
                "\"{thread}\" [shape=box, style=filled, fillcolor=\"{THREAD_FILL}\", label=\"server::{{task}}\\nthread\""
            )),
            "{dot}"
        );
        // A function without channels is not drawn.
        assert!(!dot.contains("label=\"quiet\""), "{dot}");
        assert!(!dot.contains("penwidth=2.5"), "no cycle: {dot}");

        let text = mermaid(&a.model, &a.files);
        assert!(
            text.contains(&format!("  {events}[(\"events (unbounded)\")]\n")),
            "{text}"
        );
        assert!(
            text.contains(&format!("  class {events} unbounded\n")),
            "{text}"
        );
        assert!(text.contains("classDef unbounded stroke:"), "{text}");
        assert!(
            text.contains(&format!("  class {conn} replicated\n")),
            "{text}"
        );
        assert!(
            text.contains(&format!("  {thread}[[\"server::{{task}}<br/>thread\"]]\n")),
            "{text}"
        );
        let sends = mermaid_edges(&text, &conn, &events);
        assert_eq!(sends.len(), 1, "{text}");
        assert_eq!(sends[0].1, format!("{conn} -.->|send| {events}"));
        assert_eq!(
            mermaid_edges(&text, &conn, &jobs)[0].1,
            format!("{conn} -.->|try_send| {jobs}")
        );
        assert!(!text.contains("linkStyle"), "{text}");
    }

    #[test]
    fn labels_are_escaped() {
        let mut a = analysis("escape", CYCLE);
        let gw = a
            .model
            .tasks
            .iter()
            .position(|t| t.name == "gateway")
            .expect("gateway task");
        a.model.tasks[gw].name = r#"say "hi" \ <b>&#"#.to_string();
        let req = a
            .model
            .channels
            .iter()
            .position(|c| c.name == "req")
            .expect("req channel");
        a.model.channels[req].name = "a\"b".to_string();

        let dot = dot(&a.model, &a.files);
        assert!(dot.contains(r#"label="say \"hi\" \\ <b>&#""#), "{dot}");
        assert!(dot.contains(r#"label="a\"b (8)""#), "{dot}");

        let text = mermaid(&a.model, &a.files);
        assert!(
            text.contains(&format!(
                "  t{gw}[\"say #quot;hi#quot; \\ #lt;b#gt;#amp;#35;\"]\n"
            )),
            "{text}"
        );
        assert!(
            text.contains(&format!("  c{req}[(\"a#quot;b (8)\")]\n")),
            "{text}"
        );
    }

    #[test]
    fn an_empty_model_gives_valid_empty_graphs() {
        let model = Model::default();
        let files = SourceDb::default();
        let dot = dot(&model, &files);
        assert!(dot.contains("digraph bpcheck {"), "{dot}");
        assert!(!dot.contains("->"), "{dot}");
        assert_eq!(mermaid(&model, &files).lines().next(), Some("flowchart LR"));
    }
}
