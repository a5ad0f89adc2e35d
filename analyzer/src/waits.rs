//! The wait-for graph between tasks, with both kinds of waits: a send that waits while a
//! bounded queue is full (for the queue's receivers) and an awaited reply (for the tasks
//! that send the reply). A cycle of such waits with at least one awaited reply deadlocks:
//! even unbounded queues do not help, since a task that waits for a reply takes no new
//! work. Cycles of sends alone are BP002's.

use crate::facts::BodyId;
use crate::model::Model;
use crate::tasks::TaskIdx;
use std::collections::{HashMap, HashSet, VecDeque};

/// What a task waits on, one step of a cycle.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Wait {
    /// An awaited reply (index into [`Model::reply_waits`]).
    Reply(usize),
    /// A waiting send on a full bounded queue (index into [`Model::sends`]).
    Send(usize),
    /// A generic run loop is blocked while the handler it runs waits (no source position).
    Runs,
}

/// One step: `task` waits (`wait`) on `next`.
#[derive(Clone, Debug)]
pub struct WaitStep {
    pub task: TaskIdx,
    pub wait: Wait,
    pub next: TaskIdx,
}

/// A cycle of waits, in order, with at least one reply.
#[derive(Clone, Debug)]
pub struct AskCycle {
    pub steps: Vec<WaitStep>,
}

/// A node of the wait-for graph: a task, or one actor of a task whose generic run loop
/// dispatches to several handler impls (`actor.handle(msg)`): each impl is its own actor.
type Node = (TaskIdx, Option<BodyId>);

/// Finds the cycles of waits that contain an awaited reply, one per set of waits.
pub fn ask_cycles(model: &Model) -> Vec<AskCycle> {
    let nodes = |task: TaskIdx, body: Option<BodyId>| -> Vec<Node> {
        match body.and_then(|b| model.handler_of.get(&b)) {
            Some(hs) if !hs.is_empty() => hs.iter().map(|h| (task, Some(*h))).collect(),
            _ => vec![(task, None)],
        }
    };
    let mut edges: HashMap<Node, Vec<(Wait, Node)>> = HashMap::new();
    let mut senders: HashMap<u32, Vec<Node>> = HashMap::new();
    let mut receivers: HashMap<u32, Vec<Node>> = HashMap::new();
    for s in &model.sends {
        senders
            .entry(s.chan)
            .or_default()
            .extend(nodes(s.task, s.body));
    }
    for r in &model.recvs {
        receivers
            .entry(r.chan)
            .or_default()
            .extend(nodes(r.task, r.body));
    }
    // A run loop waits whenever one of the handlers it runs waits.
    let mut handlers: HashSet<Node> = HashSet::new();
    for n in senders.values().chain(receivers.values()).flatten() {
        if n.1.is_some() {
            handlers.insert(*n);
        }
    }
    for w in &model.reply_waits {
        handlers.extend(nodes(w.task, w.body).into_iter().filter(|n| n.1.is_some()));
    }
    for &(t, h) in &handlers {
        edges
            .entry((t, None))
            .or_default()
            .push((Wait::Runs, (t, h)));
    }
    let mut replies = Vec::new();
    for (i, w) in model.reply_waits.iter().enumerate() {
        // A reply awaited beside another branch (a timer) can still give up.
        if w.in_select {
            continue;
        }
        // Who can answer: the tasks that receive a request this task sent carrying the
        // reply's sender, or, for a wait in a helper (`Addr::ask`), the request the same call
        // sends; among those that send on the reply channel.
        let answerers: HashSet<TaskIdx> = model
            .sends
            .iter()
            .filter(|s| {
                s.task == w.task
                    && if w.shared {
                        s.range == w.range
                    } else {
                        s.carries_txs.contains(&w.chan)
                    }
            })
            .flat_map(|s| receivers.get(&s.chan).into_iter().flatten().map(|n| n.0))
            .collect();
        // A framework's ask: whoever takes from the mailbox answers.
        let repliers: Vec<Node> = if w.ask {
            receivers.get(&w.chan).cloned().unwrap_or_default()
        } else {
            senders
                .get(&w.chan)
                .into_iter()
                .flatten()
                .filter(|to| answerers.contains(&to.0))
                .copied()
                .collect()
        };
        for from in nodes(w.task, w.body) {
            for &to in &repliers {
                edges.entry(from).or_default().push((Wait::Reply(i), to));
                replies.push((from, Wait::Reply(i), to));
            }
        }
    }
    for (i, s) in model.sends.iter().enumerate() {
        let bounded = model.channels[s.chan as usize].is_bounded();
        if !s.waits || !bounded || s.select.is_some() {
            continue;
        }
        for from in nodes(s.task, s.body) {
            for &to in receivers.get(&s.chan).into_iter().flatten() {
                edges.entry(from).or_default().push((Wait::Send(i), to));
            }
        }
    }
    for v in edges.values_mut() {
        v.sort_by_key(|(w, n)| (key(*w), *n));
        v.dedup();
    }
    let mut out = Vec::new();
    let mut seen: HashSet<Vec<(u8, usize)>> = HashSet::new();
    replies.sort_by_key(|(f, w, t)| (*f, key(*w), *t));
    replies.dedup();
    for (from, wait, to) in replies {
        let Some(path) = shortest_path(&edges, to, from) else {
            continue;
        };
        let mut steps = vec![WaitStep {
            task: from.0,
            wait,
            next: to.0,
        }];
        steps.extend(path);
        let mut k: Vec<(u8, usize)> = steps
            .iter()
            .filter(|s| s.wait != Wait::Runs)
            .map(|s| key(s.wait))
            .collect();
        k.sort();
        k.dedup();
        if seen.insert(k) {
            out.push(AskCycle { steps });
        }
    }
    out
}

fn key(w: Wait) -> (u8, usize) {
    match w {
        Wait::Reply(i) => (0, i),
        Wait::Send(i) => (1, i),
        Wait::Runs => (2, 0),
    }
}

/// The shortest chain of waits from `from` to `to` (empty when they are the same node).
fn shortest_path(
    edges: &HashMap<Node, Vec<(Wait, Node)>>,
    from: Node,
    to: Node,
) -> Option<Vec<WaitStep>> {
    if from == to {
        return Some(Vec::new());
    }
    let mut prev: HashMap<Node, (Node, Wait)> = HashMap::new();
    let mut queue = VecDeque::from([from]);
    let mut visited: HashSet<Node> = HashSet::from([from]);
    while let Some(t) = queue.pop_front() {
        for &(w, n) in edges.get(&t).into_iter().flatten() {
            if !visited.insert(n) {
                continue;
            }
            prev.insert(n, (t, w));
            if n == to {
                let mut steps = Vec::new();
                let mut cur = to;
                while cur != from {
                    let (p, w) = prev[&cur];
                    steps.push(WaitStep {
                        task: p.0,
                        wait: w,
                        next: cur.0,
                    });
                    cur = p;
                }
                steps.reverse();
                return Some(steps);
            }
            queue.push_back(n);
        }
    }
    None
}
