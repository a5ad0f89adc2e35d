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
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

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
            let is_send = matches!(
                catalog::channel_method(&mc.method),
                Some(ChannelMethod::Send { .. })
            );
            // The receiver matters for a send or a crate method only (evaluating it for every
            // call would walk a method chain once per link).
            let recv = if is_send || ix.methods.contains_key(&mc.method) {
                flow.eval(ix, file, mc.receiver)
            } else {
                crate::flow::Vals::new()
            };
            let local = !flow
                .method_targets(ix, file, mc.body, mc.receiver, &mc.method, &recv)
                .is_empty();
            if is_send {
                for v in recv.keys() {
                    let Val::Tx(c) = v else { continue };
                    let Some(ch) = channels.get(*c as usize) else {
                        continue;
                    };
                    if ch.kind == ChannelKind::Unbounded {
                        sends[*c as usize].push((file, i as u32));
                    }
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
    let made = Made::build(ix);
    // Spawn sites that start a task once, not per item, by range.
    let once_sites: HashSet<crate::source::FileRange> = sites
        .iter()
        .filter(|s| !s.per_item)
        .map(|s| s.range)
        .collect();
    for &c in &unbounded {
        let ch = &channels[c as usize];
        let made_at = match &ch.via {
            None => ctor_calls.get(c as usize).copied(),
            Some(_) => instance_calls.get(&c).copied(),
        };
        if made.receiver_dropped(made_at.as_ref()) {
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
                            || task.spawn.is_some_and(|r| once_sites.contains(&r))
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

/// Where each call's value goes, for [`Made::receiver_dropped`]: indexed once, so each
/// unbounded channel is one lookup, not a scan of its file.
struct Made {
    /// The first expression that is each call, by (file, call).
    call_expr: HashMap<(FileId, u32), ExprId>,
    /// Expressions whose field `.0` is taken.
    first_taken: HashSet<(FileId, ExprId)>,
    /// Initializers of `let (x, _) = ..`.
    second_ignored: HashSet<(FileId, ExprId)>,
}

impl Made {
    fn build(ix: &Index<'_>) -> Self {
        let mut m = Made {
            call_expr: HashMap::default(),
            first_taken: HashSet::default(),
            second_ignored: HashSet::default(),
        };
        for (f, ff) in ix.files() {
            let file = FileId(f as u32);
            for (e, x) in ff.exprs.iter().enumerate() {
                match x {
                    ExprFact::Call(i) => {
                        m.call_expr.entry((file, *i)).or_insert(ExprId(e as u32));
                    }
                    ExprFact::Field { base, name } if name == "0" => {
                        m.first_taken.insert((file, *base));
                    }
                    _ => {}
                }
            }
            for l in &ff.lets {
                if matches!(&l.pat, PatFact::Tuple(ps) if matches!(ps.get(1), Some(PatFact::Ignore)))
                {
                    m.second_ignored.insert((file, l.init));
                }
            }
        }
        m
    }

    /// True when the constructor's receiver is dropped where it is made: `ctor().0`, or
    /// `let (tx, _) = ctor()`.
    fn receiver_dropped(&self, ctor: Option<&(FileId, u32)>) -> bool {
        let Some(&(file, call)) = ctor else {
            return false;
        };
        let Some(&e) = self.call_expr.get(&(file, call)) else {
            return false;
        };
        self.first_taken.contains(&(file, e)) || self.second_ignored.contains(&(file, e))
    }
}
