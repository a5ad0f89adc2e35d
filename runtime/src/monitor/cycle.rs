//! Finds tasks that wait on each other for good: each waits only in sends on full channels
//! (or for replies), and every task that could drain those channels is itself such a task.

use std::collections::{HashMap, HashSet};

use super::registry::ChannelMeta;
use super::waits::{Wait, WaitKind};
use super::TaskKey;
use std::sync::Arc;

/// One step of a cycle: a task, its wait, and the channel that leads to the next task.
pub(crate) struct Step {
    pub(crate) task: TaskKey,
    pub(crate) wait: u64,
    pub(crate) channel: Arc<ChannelMeta>,
}

/// The channel whose receivers a wait depends on.
fn channel_of(wait: &Wait) -> Option<Arc<ChannelMeta>> {
    match &wait.kind {
        WaitKind::Send(c) => Some(c.clone()),
        WaitKind::Reply(o) => o.request_channel.get().cloned(),
        WaitKind::Other => None,
    }
}

/// The stuck tasks and the cycles among them, in cycle order. `ended` tells tasks known to
/// have finished (they drain nothing); `busy` those also waiting in a receive (they can be
/// woken by a message).
pub(crate) fn find(
    waits: &HashMap<u64, Wait>,
    ended: &dyn Fn(TaskKey) -> bool,
    busy: &HashSet<TaskKey>,
) -> (HashSet<TaskKey>, Vec<Vec<Step>>) {
    // Each task's waits, in a stable order.
    let mut ids: Vec<u64> = waits.keys().copied().collect();
    ids.sort_unstable();
    let mut by_task: HashMap<TaskKey, Vec<u64>> = HashMap::new();
    for id in &ids {
        by_task.entry(waits[id].task).or_default().push(*id);
    }
    // Successors of each task that waits only in sends or for replies.
    let mut succ: HashMap<TaskKey, Vec<(u64, Arc<ChannelMeta>, TaskKey)>> = HashMap::new();
    'task: for (task, ws) in &by_task {
        if busy.contains(task) {
            continue;
        }
        let mut out = Vec::new();
        for id in ws {
            let Some(channel) = channel_of(&waits[id]) else {
                continue 'task;
            };
            let receivers: Vec<TaskKey> = channel
                .receiver_tasks()
                .into_iter()
                .filter(|r| !ended(*r))
                .collect();
            if receivers.is_empty() {
                continue 'task;
            }
            for r in receivers {
                out.push((*id, channel.clone(), r));
            }
        }
        succ.insert(*task, out);
    }
    // Greatest set closed under successors.
    let mut stuck: HashSet<TaskKey> = succ.keys().copied().collect();
    loop {
        let keep: HashSet<TaskKey> = stuck
            .iter()
            .filter(|t| succ[*t].iter().all(|(_, _, r)| stuck.contains(r)))
            .copied()
            .collect();
        if keep.len() == stuck.len() {
            break;
        }
        stuck = keep;
    }
    // Walk each stuck task's first successor until a task repeats.
    let mut starts: Vec<TaskKey> = stuck.iter().copied().collect();
    starts.sort_by_key(|t| by_task[t][0]);
    let mut used = HashSet::new();
    let mut cycles = Vec::new();
    for start in starts {
        if used.contains(&start) {
            continue;
        }
        let mut path: Vec<Step> = Vec::new();
        let mut cur = start;
        loop {
            if let Some(pos) = path.iter().position(|s| s.task == cur) {
                cycles.push(path.split_off(pos));
                break;
            }
            if used.contains(&cur) {
                break;
            }
            let (wait, channel, next) = succ[&cur][0].clone();
            path.push(Step {
                task: cur,
                wait,
                channel,
            });
            cur = next;
        }
        for s in &path {
            used.insert(s.task);
        }
        for c in cycles.iter().flatten() {
            used.insert(c.task);
        }
    }
    (stuck, cycles)
}
