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

#[cfg(test)]
mod tests {
    use std::panic::Location;
    use std::sync::atomic::AtomicU64;
    use std::time::Instant;

    use super::*;
    use crate::monitor::{Config, Monitor};

    /// Distinct task keys: threads spawned and joined just for their ids.
    fn tasks(n: usize) -> Vec<TaskKey> {
        (0..n)
            .map(|_| TaskKey::Thread(std::thread::spawn(|| {}).thread().id()))
            .collect()
    }

    fn wait_on(task: TaskKey, channel: &Arc<ChannelMeta>) -> Wait {
        Wait {
            task,
            kind: WaitKind::Send(channel.clone()),
            site: Location::caller(),
            since: Instant::now(),
            polls: Arc::new(AtomicU64::new(0)),
        }
    }

    fn channel(monitor: &Monitor, receivers: &[TaskKey]) -> Arc<ChannelMeta> {
        let c = monitor.register_channel(None, Location::caller(), Some(1));
        for r in receivers {
            c.note_receiver(*r);
        }
        c
    }

    fn never_ended(_: TaskKey) -> bool {
        false
    }

    #[test]
    fn two_tasks_sending_to_each_other_form_a_cycle_in_order() {
        let monitor = Monitor::new("cycle", Config::default());
        let t = tasks(2);
        let (a, b) = (channel(&monitor, &[t[1]]), channel(&monitor, &[t[0]]));
        let waits = HashMap::from([(1, wait_on(t[0], &a)), (2, wait_on(t[1], &b))]);
        let (stuck, cycles) = find(&waits, &never_ended, &HashSet::new());
        assert_eq!(stuck.len(), 2);
        assert_eq!(cycles.len(), 1);
        let order: Vec<TaskKey> = cycles[0].iter().map(|s| s.task).collect();
        assert_eq!(order, vec![t[0], t[1]]);
        assert_eq!(cycles[0][0].channel.id, a.id);
    }

    #[test]
    fn a_receiver_that_is_not_stuck_breaks_the_cycle() {
        let monitor = Monitor::new("cycle", Config::default());
        let t = tasks(3);
        // t0 waits on a channel that t1 (stuck) and t2 (free) both receive from.
        let (a, b) = (channel(&monitor, &[t[1], t[2]]), channel(&monitor, &[t[0]]));
        let waits = HashMap::from([(1, wait_on(t[0], &a)), (2, wait_on(t[1], &b))]);
        let (stuck, cycles) = find(&waits, &never_ended, &HashSet::new());
        assert!(stuck.is_empty() && cycles.is_empty());
        // Once t2 has ended, nothing drains `a` but t1.
        let ended = |k: TaskKey| k == t[2];
        let (_, cycles) = find(&waits, &ended, &HashSet::new());
        assert_eq!(cycles.len(), 1);
    }

    #[test]
    fn a_task_also_waiting_in_a_receive_is_not_stuck() {
        let monitor = Monitor::new("cycle", Config::default());
        let t = tasks(1);
        let own = channel(&monitor, &[t[0]]);
        let waits = HashMap::from([(1, wait_on(t[0], &own))]);
        let (_, cycles) = find(&waits, &never_ended, &HashSet::new());
        assert_eq!(cycles.len(), 1, "a self-send is a cycle of one");
        let busy = HashSet::from([t[0]]);
        let (stuck, cycles) = find(&waits, &never_ended, &busy);
        assert!(stuck.is_empty() && cycles.is_empty());
    }

    #[test]
    fn a_chain_into_a_cycle_is_stuck_but_only_the_cycle_is_reported() {
        let monitor = Monitor::new("cycle", Config::default());
        let t = tasks(3);
        // t2 waits on t0's channel; t0 and t1 wait on each other.
        let to_t0 = channel(&monitor, &[t[0]]);
        let to_t1 = channel(&monitor, &[t[1]]);
        let waits = HashMap::from([
            (1, wait_on(t[2], &to_t0)),
            (2, wait_on(t[0], &to_t1)),
            (3, wait_on(t[1], &to_t0)),
        ]);
        let (stuck, cycles) = find(&waits, &never_ended, &HashSet::new());
        assert_eq!(stuck.len(), 3);
        assert_eq!(cycles.len(), 1);
        let mut members: Vec<TaskKey> = cycles[0].iter().map(|s| s.task).collect();
        members.sort_by_key(|k| format!("{k:?}"));
        let mut expected = vec![t[0], t[1]];
        expected.sort_by_key(|k| format!("{k:?}"));
        assert_eq!(members, expected);
    }
}
