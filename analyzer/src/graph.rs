//! The message graph: tasks and channels as nodes, sends and receives as edges, built
//! with petgraph; and the search for cycles of waiting sends on bounded channels.

use crate::flow::ChanIdx;
use crate::model::Model;
use crate::tasks::TaskIdx;
use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::HashSet;

/// A node of the message graph.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Node {
    Task(TaskIdx),
    Chan(ChanIdx),
}

/// An edge: a send (index into `Model::sends`) or a receive (into `Model::recvs`).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Edge {
    Send(usize),
    Recv(usize),
}

/// One step of a cycle: `task` sends (edge `send`) on `chan`, which the next step's task
/// receives (edge `recv`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub task: TaskIdx,
    pub send: usize,
    pub chan: ChanIdx,
    pub recv: usize,
}

/// A cycle of waiting sends on bounded channels, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cycle {
    pub steps: Vec<Step>,
}

/// How a gateway on a cycle keeps it from deadlocking.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Breaker {
    /// The task reads the channel coming back to it with priority over its other input.
    Priority { recv: usize },
    /// The task's send waits inside a select that also receives the channel coming back.
    SendInSelect { send: usize, recv: usize },
}

/// A cycle and, if a gateway on it breaks it, which step and how.
#[derive(Clone, Debug)]
pub struct CycleVerdict {
    pub cycle: Cycle,
    pub broken_at: Option<(usize, Breaker)>,
}

/// The graph of tasks and channels with the sends `keep_send` accepts and every receive.
fn build(model: &Model, keep_send: impl Fn(usize) -> bool) -> DiGraph<Node, Edge> {
    let mut g = DiGraph::new();
    let tasks: Vec<NodeIndex> = (0..model.tasks.len())
        .map(|t| g.add_node(Node::Task(t as TaskIdx)))
        .collect();
    let chans: Vec<NodeIndex> = (0..model.channels.len())
        .map(|c| g.add_node(Node::Chan(c as ChanIdx)))
        .collect();
    for (i, s) in model.sends.iter().enumerate() {
        if keep_send(i) {
            g.add_edge(
                tasks[s.task as usize],
                chans[s.chan as usize],
                Edge::Send(i),
            );
        }
    }
    for (i, r) in model.recvs.iter().enumerate() {
        g.add_edge(
            chans[r.chan as usize],
            tasks[r.task as usize],
            Edge::Recv(i),
        );
    }
    g
}

/// True when a send can wait forever on a full queue.
pub fn is_blocking(model: &Model, send: usize) -> bool {
    let s = &model.sends[send];
    s.waits && model.channels[s.chan as usize].is_bounded()
}

const MAX_CYCLES_PER_SCC: usize = 64;

/// Every elementary cycle of blocking sends (up to a limit per strongly connected
/// component), each with how a gateway breaks it, if one does.
pub fn blocking_cycles(model: &Model) -> Vec<CycleVerdict> {
    let g = build(model, |i| is_blocking(model, i));
    let mut out = Vec::new();
    for scc in tarjan_scc(&g) {
        if scc.len() < 2 {
            continue;
        }
        let members: HashSet<NodeIndex> = scc.iter().copied().collect();
        let mut start = scc.clone();
        start.retain(|n| matches!(g[*n], Node::Task(_)));
        start.sort_by_key(|n| g[*n].task_key());
        let mut found: Vec<Vec<Edge>> = Vec::new();
        let mut seen_sets: HashSet<Vec<Edge>> = HashSet::new();
        for &s in &start {
            let mut path = Vec::new();
            let mut on_path = HashSet::from([s]);
            dfs(
                &g,
                s,
                s,
                &members,
                &mut path,
                &mut on_path,
                &mut found,
                &mut seen_sets,
            );
            if found.len() >= MAX_CYCLES_PER_SCC {
                break;
            }
        }
        for edges in found {
            let cycle = to_cycle(model, &edges);
            // A task that sends into its own queue deadlocks only when it does so while
            // serving that queue: its receive is in a loop.
            if let [only] = cycle.steps.as_slice() {
                if !model.recvs[only.recv].in_loop {
                    continue;
                }
            }
            let broken_at = breaker(model, &cycle);
            out.push(CycleVerdict { cycle, broken_at });
        }
    }
    out
}

impl Node {
    fn task_key(&self) -> u32 {
        match self {
            Node::Task(t) => *t,
            Node::Chan(c) => u32::MAX - *c,
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn dfs(
    g: &DiGraph<Node, Edge>,
    start: NodeIndex,
    at: NodeIndex,
    members: &HashSet<NodeIndex>,
    path: &mut Vec<Edge>,
    on_path: &mut HashSet<NodeIndex>,
    found: &mut Vec<Vec<Edge>>,
    seen: &mut HashSet<Vec<Edge>>,
) {
    if found.len() >= MAX_CYCLES_PER_SCC {
        return;
    }
    for e in g.edges(at) {
        use petgraph::visit::EdgeRef;
        let next = e.target();
        if !members.contains(&next) {
            continue;
        }
        path.push(*e.weight());
        if next == start {
            let mut key = path.clone();
            key.sort_by_key(|e| match e {
                Edge::Send(i) => (0, *i),
                Edge::Recv(i) => (1, *i),
            });
            if seen.insert(key) {
                found.push(path.clone());
            }
        } else if on_path.insert(next) {
            dfs(g, start, next, members, path, on_path, found, seen);
            on_path.remove(&next);
        }
        path.pop();
    }
}

/// Turns alternating send/recv edges (starting with a send) into steps.
fn to_cycle(model: &Model, edges: &[Edge]) -> Cycle {
    let mut steps = Vec::new();
    for pair in edges.chunks(2) {
        if let [Edge::Send(s), Edge::Recv(r)] = pair {
            let send = &model.sends[*s];
            steps.push(Step {
                task: send.task,
                send: *s,
                chan: send.chan,
                recv: *r,
            });
        }
    }
    Cycle { steps }
}

/// The first step whose task breaks the cycle, and how.
fn breaker(model: &Model, cycle: &Cycle) -> Option<(usize, Breaker)> {
    let n = cycle.steps.len();
    for i in 0..n {
        let step = &cycle.steps[i];
        let incoming = &cycle.steps[(i + n - 1) % n];
        let back = incoming.chan;
        // Every receive of the incoming channel by this task, not only the cycle's edge.
        let recvs: Vec<usize> = (0..model.recvs.len())
            .filter(|r| model.recvs[*r].task == step.task && model.recvs[*r].chan == back)
            .collect();
        if let Some(r) = recvs.iter().find(|r| model.recvs[**r].prioritized) {
            return Some((i, Breaker::Priority { recv: *r }));
        }
        let send = &model.sends[step.send];
        if let Some(sel) = send.select {
            if let Some(r) = recvs.iter().find(|r| {
                model.recvs[**r]
                    .select
                    .is_some_and(|rs| rs.0 == sel.0 && rs.1 == sel.1)
            }) {
                return Some((
                    i,
                    Breaker::SendInSelect {
                        send: step.send,
                        recv: *r,
                    },
                ));
            }
        }
    }
    None
}
