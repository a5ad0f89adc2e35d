//! When an unbounded channel still cannot grow (BP001 then says so and is only `possible`): its receiver is dropped where it is made
//! (`unbounded_channel().0`, `let (tx, _) = ..`), so nothing can queue; or each sender
//! sends at most once: every send runs in the closure a spawn starts with no loop on the
//! way, from a task other than the channel's creator, not started per item of work, and no
//! sender escapes to code the analysis does not follow (an unknown call, a public
//! function's return value). Then the queue holds at most one message per sender: a
//! worker's startup report, a one-time result.

use crate::catalog::{self, Api, ChannelKind, ChannelMethod};
use crate::facts::{ExprFact, ExprId, PatFact};
use crate::flow::{senders, ChanIdx, Flow, Val, Vals};
use crate::index::{CallTarget, Index};
use crate::model::Channel;
use crate::source::FileId;
use crate::tasks::{SpawnSite, Tasks};

/// Why an unbounded channel cannot grow.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum NoGrowth {
    /// The receiver is dropped where the channel is made: every send fails.
    ReceiverDropped,
    /// Each sender sends at most once: the queue holds at most one message per sender.
    OncePerSender,
}

/// For each channel: why it cannot grow although it is unbounded (see the module doc).
pub fn cannot_grow(
    ix: &Index<'_>,
    flow: &Flow,
    tasks: &Tasks,
    sites: &[SpawnSite],
    channels: &[Channel],
    creators: &[Vec<crate::tasks::TaskIdx>],
    ctor_calls: &[(FileId, u32)],
) -> Vec<Option<NoGrowth>> {
    let unbounded: Vec<ChanIdx> = (0..channels.len() as ChanIdx)
        .filter(|c| channels[*c as usize].kind == ChannelKind::Unbounded)
        .collect();
    let mut out = vec![None; channels.len()];
    if unbounded.is_empty() {
        return out;
    }
    // Marks every unbounded channel a value holds a sender of as escaped.
    let escape = |vals: &Vals, escaped: &mut Vec<bool>| {
        for c in senders(vals) {
            if let Some(e) = escaped.get_mut(c as usize) {
                *e = true;
            }
        }
    };
    // Channels made per call of a helper: the call that made each.
    let base = flow.instance_base() as ChanIdx;
    let instance_calls: std::collections::HashMap<ChanIdx, (FileId, u32)> = flow
        .instances
        .borrow()
        .iter()
        .enumerate()
        .map(|(k, i)| (base + k as ChanIdx, (i.file, i.call)))
        .collect();
    let mut sends: Vec<Vec<(FileId, u32)>> = vec![Vec::new(); channels.len()];
    let mut escaped = vec![false; channels.len()];
    for (f, ff) in ix.files() {
        let file = FileId(f as u32);
        for (i, mc) in ff.method_calls.iter().enumerate() {
            let recv = flow.eval(ix, file, mc.receiver);
            let is_send = matches!(
                catalog::channel_method(&mc.method),
                Some(ChannelMethod::Send { .. })
            );
            let local = !flow
                .method_targets(ix, file, mc.body, mc.receiver, &mc.method, &recv)
                .is_empty();
            for &c in &unbounded {
                if is_send && recv.contains_key(&Val::Tx(c)) {
                    sends[c as usize].push((file, i as u32));
                }
            }
            // A sender handed to a method the analysis does not follow.
            if !local && !is_send && !catalog::is_insert_method(&mc.method) {
                for a in &mc.args {
                    let v = flow.eval(ix, file, *a);
                    escape(&v, &mut escaped);
                }
            }
        }
        for (i, call) in ff.calls.iter().enumerate() {
            let followed = matches!(
                ix.call_targets[f][i],
                CallTarget::LocalFn(_)
                    | CallTarget::Ctor
                    | CallTarget::Api(Api::Wrap | Api::Spawn(_) | Api::Drop)
            );
            if followed {
                continue;
            }
            for a in &call.args {
                let v = flow.eval(ix, file, *a);
                escape(&v, &mut escaped);
            }
        }
        // Returned to callers outside the crate.
        for b in ff.bodies.iter().filter(|b| b.public) {
            for r in &b.returns {
                let v = flow.eval(ix, file, *r);
                escape(&v, &mut escaped);
            }
        }
    }
    for &c in &unbounded {
        let ch = &channels[c as usize];
        let made_at = match &ch.via {
            None => ctor_calls.get(c as usize).copied(),
            Some(_) => instance_calls.get(&c).copied(),
        };
        if receiver_dropped(ix, made_at.as_ref()) {
            out[c as usize] = Some(NoGrowth::ReceiverDropped);
            continue;
        }
        let once_per_sender = !sends[c as usize].is_empty()
            && !escaped[c as usize]
            && sends[c as usize].iter().all(|&(file, i)| {
                let mc = &ix.facts[file.0 as usize].method_calls[i as usize];
                !mc.in_loop
                    && mc.body.is_some_and(|b| {
                        !tasks.runs_repeatedly(ix, b) && runs_once_per_task(ix, tasks, b)
                    })
                    // Another task reports to the creator: a startup report, a result.
                    && tasks
                        .owners_of(mc.body)
                        .iter()
                        .all(|t| !creators[c as usize].contains(t))
                    && tasks.owners_of(mc.body).iter().all(|&t| {
                        let task = &tasks.tasks[t as usize];
                        !task.replicated
                            || sites
                                .iter()
                                .any(|s| Some(s.range) == task.spawn && !s.per_item)
                    })
            });
        if once_per_sender {
            out[c as usize] = Some(NoGrowth::OncePerSender);
        }
    }
    out
}

/// True when `body` runs once per instance of its task: it is (inside) the closure or async
/// block a spawn starts, with no loop on the way. A named function may be called from
/// anywhere, also from code the analysis does not see.
fn runs_once_per_task(ix: &Index<'_>, tasks: &Tasks, mut body: crate::facts::BodyId) -> bool {
    for _ in 0..64 {
        let b = ix.body(body);
        match (&b.kind, b.parent) {
            (crate::facts::BodyKind::Closure | crate::facts::BodyKind::AsyncBlock, parent) => {
                if b.in_loop {
                    return false;
                }
                if tasks.is_spawn_root(body) {
                    return true;
                }
                match parent {
                    Some(p) => body = p,
                    None => return false,
                }
            }
            _ => return false,
        }
    }
    false
}

/// True when the constructor's receiver is dropped where it is made: `ctor().0`, or
/// `let (tx, _) = ctor()`.
fn receiver_dropped(ix: &Index<'_>, ctor: Option<&(FileId, u32)>) -> bool {
    let Some(&(file, call)) = ctor else {
        return false;
    };
    let ff = &ix.facts[file.0 as usize];
    let Some(e) = ff
        .exprs
        .iter()
        .position(|x| matches!(x, ExprFact::Call(i) if *i == call))
        .map(|e| ExprId(e as u32))
    else {
        return false;
    };
    let first_only = ff
        .exprs
        .iter()
        .any(|x| matches!(x, ExprFact::Field { base, name } if *base == e && name == "0"));
    let let_drops = ff.lets.iter().any(|l| {
        l.init == e
            && matches!(&l.pat, PatFact::Tuple(ps) if matches!(ps.get(1), Some(PatFact::Ignore)))
    });
    first_only || let_drops
}
