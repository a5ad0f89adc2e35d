//! Value flow: which channel handles each local, field, parameter and return value may
//! hold. Flow-insensitive and context-insensitive, iterated to a fixed point: a handle
//! that reaches a place through any path is there. Steps the analysis cannot see (a field
//! of a value of unknown type, an element of a collection) mark values uncertain.

use crate::catalog::{self, Api, ChannelMethod};
use crate::declared::{DeclSite, Declared};
use crate::facts::{BodyId, ExprFact, ExprId, PatFact};
use crate::index::{CallTarget, Index};
use crate::source::FileId;
use rustc_hash::{FxHashMap, FxHashSet};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

/// Index of a channel creation in [`crate::model::Model::channels`].
pub type ChanIdx = u32;

/// An abstract value: what a handle is.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Val {
    Tx(ChanIdx),
    Rx(ChanIdx),
    Tuple(Vec<Vals>),
    /// A value of a local struct type.
    Struct(String),
    /// A stream merging receivers; `preferred` ones are polled first.
    Merged {
        preferred: Vec<ChanIdx>,
        other: Vec<ChanIdx>,
    },
    /// A semaphore (index into [`crate::model::Model::semaphores`]).
    Sem(u32),
    /// A permit taken from a semaphore.
    Permit(u32),
    /// An async lock (index into [`crate::model::Model::locks`]).
    Lock(u32),
    /// A closure: calling a local that holds it runs its body.
    Fn(BodyId),
    /// A value built by a tuple struct or enum variant (`State::Idle(iter)`): the variant's
    /// name and its fields.
    Variant(String, Vec<Vals>),
}

/// A set of values, each with whether it reached here only through certain steps.
pub type Vals = BTreeMap<Val, bool>;

/// Where values are stored.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Slot {
    /// A local, interned (see [`Flow::var`]).
    Var(u32),
    Field(String, String),
    Ret(BodyId),
    /// Values sent as messages on a channel (handles carried inside messages).
    Msg(ChanIdx),
}

/// The actors known before the flow: the number of channels that exist before it (the
/// constructors' and the mailboxes'), the actor types and their mailboxes.
pub type ActorsIn<'a> = (
    usize,
    &'a [crate::actors::ActorType],
    &'a HashMap<String, ChanIdx>,
);

/// A channel made by one call of a local function that returns a fresh channel.
#[derive(Clone, Debug)]
pub struct Instance {
    /// The channel the function returns (a constructor's, or an instance made inside it).
    pub of: ChanIdx,
    /// The call.
    pub file: FileId,
    pub call: u32,
    /// The function called.
    pub callee: BodyId,
}

/// A function passed to a combinator.
#[derive(Copy, Clone, Debug)]
enum FnArg {
    /// A closure or local function: its parameters and returned values.
    Body(BodyId),
    /// A constructor or wrapper: returns its argument.
    Identity,
    Unknown,
}

/// A unit of work of the fixed point: one fact of a file.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
enum Unit {
    Let(u32),
    For(u32),
    Assign(u32),
    /// A struct literal expression.
    Struct(u32),
    Call(u32),
    Method(u32),
    /// A body's typed parameters and returned values.
    Body(u32),
}

/// The fixed point.
#[derive(Default, Debug)]
pub struct Flow {
    pub slots: FxHashMap<Slot, Vals>,
    /// Per file: call index -> channel created there.
    pub chan_of_call: HashMap<(FileId, u32), ChanIdx>,
    /// Per file: call index -> semaphore created there.
    pub sem_of_call: HashMap<(FileId, u32), u32>,
    /// Per file: call index -> async lock created there (the call also returns what the
    /// lock holds).
    pub lock_of_call: HashMap<(FileId, u32), u32>,
    /// Interned locals: binding body -> name -> id.
    vars: FxHashMap<BodyId, FxHashMap<String, u32>>,
    var_count: u32,
    /// Per file, per expression: the local a one-segment path names, resolved once.
    expr_var: Vec<Vec<Option<u32>>>,
    /// Crates that create a channel or semaphore: the only ones values flow in.
    active: HashSet<usize>,
    /// Values of declarations with a known library type.
    declared: Declared,
    /// Path expressions that name a `static` or `const`: its initializer body.
    statics: FxHashMap<(FileId, ExprId), BodyId>,
    /// Actor types of known frameworks: their mailbox and framework.
    mailboxes: FxHashMap<String, (ChanIdx, &'static crate::catalog::Framework)>,
    /// Values awaited as they are (`answer.await`): they evaluate to what they complete with.
    awaited: FxHashSet<(FileId, ExprId)>,
    /// Calls whose callee is a local (a closure held in a variable or parameter).
    call_var: FxHashMap<(FileId, u32), u32>,
    /// Function paths passed to combinators, resolved on first use.
    fn_args: RefCell<FxHashMap<(FileId, ExprId), FnArg>>,
    /// Locals that are a guard or borrow of a place (`let mut g = self.peers.lock()`): the
    /// place each one stands for.
    guard_of: FxHashMap<u32, Vec<(FileId, ExprId)>>,
    /// Channels made per call of a local function that creates a channel and returns both
    /// of its ends (`fn make() -> (Tx, Rx) { channel(8) }`): each call is a channel of its
    /// own. Indices from `ctor_channels` on.
    pub instances: RefCell<Vec<Instance>>,
    instance_of: RefCell<FxHashMap<(FileId, u32, ChanIdx), ChanIdx>>,
    /// Channels created by constructor calls (indices below this), with the body of each.
    ctor_body: Vec<Option<BodyId>>,
    /// Slots read by the unit being run.
    reads: RefCell<Vec<Slot>>,
    /// Slots changed by the unit being run.
    written: Vec<Slot>,
}

/// How many times, on average, a unit may run before the solver stops (a safety net: values
/// only grow and slots are capped, so it converges long before).
const MAX_ROUNDS: usize = 32;
const MAX_TUPLE_DEPTH: usize = 3;
const MAX_SLOT_VALUES: usize = 32;

fn merge(into: &mut Vals, from: Vals) -> bool {
    let mut changed = false;
    for (v, certain) in from {
        match into.get_mut(&v) {
            Some(c) => {
                if certain && !*c {
                    *c = true;
                    changed = true;
                }
            }
            None => {
                into.insert(v, certain);
                changed = true;
            }
        }
    }
    changed
}

fn uncertain(vals: Vals) -> Vals {
    vals.into_keys().map(|v| (v, false)).collect()
}

fn depth(v: &Val) -> usize {
    match v {
        Val::Tuple(items) | Val::Variant(_, items) => {
            1 + items
                .iter()
                .flat_map(|i| i.keys())
                .map(depth)
                .max()
                .unwrap_or(0)
        }
        _ => 0,
    }
}

/// `v` with channels renamed by `map`, inside tuples and merged streams too.
fn rename(v: Val, map: &FxHashMap<ChanIdx, ChanIdx>, depth: usize) -> Val {
    let r = |c: ChanIdx| *map.get(&c).unwrap_or(&c);
    match v {
        Val::Tx(c) => Val::Tx(r(c)),
        Val::Rx(c) => Val::Rx(r(c)),
        Val::Merged { preferred, other } => Val::Merged {
            preferred: preferred.into_iter().map(r).collect(),
            other: other.into_iter().map(r).collect(),
        },
        Val::Tuple(items) if depth < MAX_TUPLE_DEPTH => {
            Val::Tuple(rename_fields(items, map, depth))
        }
        Val::Variant(name, items) if depth < MAX_TUPLE_DEPTH => {
            Val::Variant(name, rename_fields(items, map, depth))
        }
        other => other,
    }
}

/// The fields of a tuple or variant with channels renamed by `map`.
fn rename_fields(items: Vec<Vals>, map: &FxHashMap<ChanIdx, ChanIdx>, depth: usize) -> Vec<Vals> {
    items
        .into_iter()
        .map(|i| {
            i.into_iter()
                .map(|(v, c)| (rename(v, map, depth + 1), c))
                .collect()
        })
        .collect()
}

/// Senders among `vals`, also inside tuples and variants a few levels deep.
pub fn senders(vals: &Vals) -> Vec<ChanIdx> {
    fn walk(vals: &Vals, depth: usize, out: &mut Vec<ChanIdx>) {
        for v in vals.keys() {
            match v {
                Val::Tx(c) => out.push(*c),
                Val::Tuple(items) | Val::Variant(_, items) if depth < MAX_TUPLE_DEPTH => {
                    items.iter().for_each(|i| walk(i, depth + 1, out))
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(vals, 0, &mut out);
    out.sort_unstable();
    out.dedup();
    out
}

/// Receivers among `vals`: (channel, certain).
pub fn receivers(vals: &Vals) -> Vec<(ChanIdx, bool)> {
    let mut out = Vec::new();
    for (v, c) in vals {
        match v {
            Val::Rx(ch) => out.push((*ch, *c)),
            Val::Merged { preferred, other } => {
                out.extend(preferred.iter().chain(other).map(|ch| (*ch, *c)));
            }
            _ => {}
        }
    }
    out
}

impl Flow {
    /// Computes the fixed point over all facts.
    pub fn compute(
        ix: &Index<'_>,
        chan_of_call: HashMap<(FileId, u32), ChanIdx>,
        sem_of_call: HashMap<(FileId, u32), u32>,
        declared: Declared,
        actors: ActorsIn<'_>,
        lock_of_call: HashMap<(FileId, u32), u32>,
    ) -> Flow {
        let (fixed, actor_types, mailboxes) = actors;
        // Channels below `fixed` exist before the flow: constructors', then actors' mailboxes.
        let mut ctor_body = vec![None; fixed.max(chan_of_call.len())];
        for ((file, call), c) in &chan_of_call {
            if let Some(slot) = ctor_body.get_mut(*c as usize) {
                *slot = ix.facts[file.0 as usize].calls[*call as usize].body;
            }
        }
        let mut flow = Flow {
            chan_of_call,
            sem_of_call,
            lock_of_call,
            ctor_body,
            mailboxes: actor_types
                .iter()
                .filter_map(|a| Some((a.ty.clone(), (*mailboxes.get(&a.ty)?, a.framework))))
                .collect(),
            ..Flow::default()
        };
        // Handles never cross crates (calls into other crates are not followed), so only
        // crates that create or declare a channel or semaphore, or spawn, take part.
        let spawn_files: Vec<FileId> = ix
            .files()
            .filter(|(f, _)| {
                ix.call_targets[*f]
                    .iter()
                    .any(|t| matches!(t, CallTarget::Api(Api::Spawn(_))))
            })
            .map(|(f, _)| FileId(f as u32))
            .collect();
        if flow.chan_of_call.is_empty()
            && flow.sem_of_call.is_empty()
            && flow.lock_of_call.is_empty()
            && declared.vals.is_empty()
            && spawn_files.is_empty()
            && flow.mailboxes.is_empty()
        {
            return flow;
        }
        let decl_files = declared
            .vals
            .keys()
            .map(|d| match d {
                DeclSite::Param(b, _) => b.file,
                DeclSite::Let(f, _) | DeclSite::Field(f, _) => *f,
            })
            .chain(spawn_files)
            .chain(
                actor_types
                    .iter()
                    .flat_map(|a| a.handlers.iter().map(|h| h.file)),
            );
        flow.active = flow
            .chan_of_call
            .keys()
            .chain(flow.sem_of_call.keys())
            .chain(flow.lock_of_call.keys())
            .map(|(file, _)| *file)
            .chain(decl_files)
            .map(|file| ix.file_crate.get(file.0 as usize).copied().unwrap_or(0))
            .collect();
        flow.declared = declared;
        for (f, ff) in ix.facts.iter().enumerate() {
            let file = FileId(f as u32);
            if !flow.is_active(ix, file) {
                flow.expr_var.push(Vec::new());
                continue;
            }
            let mut ids = Vec::with_capacity(ff.exprs.len());
            for (e, fact) in ff.exprs.iter().enumerate() {
                let id = match fact {
                    ExprFact::Path(p) if p.segments.len() == 1 && !p.global => ix
                        .binding_body(ix.expr_body(file, ExprId(e as u32)), &p.segments[0])
                        .map(|b| flow.var(b, &p.segments[0])),
                    _ => None,
                };
                ids.push(id);
            }
            flow.expr_var.push(ids);
            flow.awaited
                .extend(ff.awaits.iter().map(|a| (file, a.value)));
            // Calls through a local (`make(reply)`): the local, interned now so that the
            // call is run again when what the local holds changes.
            for (i, call) in ff.calls.iter().enumerate() {
                if call.callee.segments.len() != 1 || call.callee.global {
                    continue;
                }
                if ix.call_targets.get(f).and_then(|t| t.get(i)) != Some(&CallTarget::Unknown) {
                    continue;
                }
                let name = &call.callee.segments[0];
                if let Some(b) = ix.binding_body(call.body, name) {
                    let var = flow.var(b, name);
                    flow.call_var.insert((file, i as u32), var);
                }
            }
        }
        // Declared fields hold their type's value wherever the struct is.
        let fields: Vec<(Slot, Val)> = flow
            .declared
            .vals
            .iter()
            .filter_map(|(site, v)| match site {
                DeclSite::Field(file, i) => {
                    let d = &ix.facts[file.0 as usize].fields[*i as usize];
                    Some((
                        Slot::Field(ix.qualify(*file, &d.owner), d.name.clone()),
                        v.clone(),
                    ))
                }
                _ => None,
            })
            .collect();
        for (slot, v) in fields {
            flow.store(slot, Vals::from([(v, true)]));
        }
        // Fields declared with a local struct type hold a value of that type, so methods
        // called on them are followed (`self.handles.send(..)` with `handles: Arc<Handles>`).
        let mut typed = Vec::new();
        for (f, ff) in ix.files() {
            let file = FileId(f as u32);
            if !flow.is_active(ix, file) {
                continue;
            }
            for d in &ff.fields {
                let Some(last) = d.ty.segments.last() else {
                    continue;
                };
                let ty = ix.qualify(file, last);
                if ix.local_types.contains(&ty) {
                    typed.push((Slot::Field(ix.qualify(file, &d.owner), d.name.clone()), ty));
                }
            }
        }
        // Parameters declared with a known library type or a local struct type hold such a
        // value: seeded once, they never change.
        let mut params: Vec<(BodyId, PatFact, Val)> = Vec::new();
        for (f, ff) in ix.files() {
            let file = FileId(f as u32);
            if !flow.is_active(ix, file) {
                continue;
            }
            for (i, b) in ff.bodies.iter().enumerate() {
                let id = BodyId {
                    file,
                    idx: i as u32,
                };
                for (k, p) in b.params.iter().enumerate() {
                    if let Some(d) = flow.declared.vals.get(&DeclSite::Param(id, k)) {
                        params.push((id, p.clone(), d.clone()));
                    }
                }
                for (p, ty) in b.params.iter().zip(&b.param_types) {
                    if let (PatFact::Bind(_), Some(ty)) = (p, ty) {
                        let ty = ix.qualify(file, ty);
                        if ix.local_types.contains(&ty) {
                            params.push((id, p.clone(), Val::Struct(ty)));
                        }
                    }
                }
            }
        }
        for (body, pat, v) in params {
            flow.bind(&pat, Vals::from([(v, true)]), Some(body));
        }
        for (slot, ty) in typed {
            flow.store(slot, Vals::from([(Val::Struct(ty), true)]));
        }
        flow.written.clear();
        flow.find_guards(ix);
        flow.find_statics(ix);
        flow.solve(ix);
        flow
    }

    /// Resolves the paths that name a `static` or `const` whose initializer creates or holds
    /// a handle (only those matter), in the crates that take part.
    fn find_statics(&mut self, ix: &Index<'_>) {
        let mut inits: FxHashMap<(crate::facts::ScopeId, &str), BodyId> = FxHashMap::default();
        for (f, ff) in ix.files() {
            for (i, b) in ff.bodies.iter().enumerate() {
                if let crate::facts::BodyKind::Init { name } = &b.kind {
                    let id = BodyId {
                        file: FileId(f as u32),
                        idx: i as u32,
                    };
                    inits.insert((b.scope, name.as_str()), id);
                }
            }
        }
        if inits.is_empty() {
            return;
        }
        let names: FxHashSet<&str> = inits.keys().map(|(_, n)| *n).collect();
        for (f, ff) in ix.files() {
            let file = FileId(f as u32);
            if !self.is_active(ix, file) {
                continue;
            }
            for (e, fact) in ff.exprs.iter().enumerate() {
                let ExprFact::Path(p) = fact else { continue };
                let Some(last) = p.segments.last() else {
                    continue;
                };
                if !names.contains(last.as_str()) || self.local(file, ExprId(e as u32)).is_some() {
                    continue;
                }
                if let crate::resolve::Res::Item {
                    module,
                    name,
                    kind: crate::facts::ItemKind::Const(_),
                } = ix.resolver.resolve(p)
                {
                    if let Some(b) = inits.get(&(module, name.as_str())) {
                        self.statics.insert((file, ExprId(e as u32)), *b);
                    }
                }
            }
        }
    }

    /// Records locals bound to a guard or borrow of a field or another local
    /// (`let mut g = self.x.write().unwrap();`, `if let Some(g) = self.x.as_mut()`).
    fn find_guards(&mut self, ix: &Index<'_>) {
        let mut found = Vec::new();
        for (f, ff) in ix.files() {
            let file = FileId(f as u32);
            if !self.is_active(ix, file) {
                continue;
            }
            for l in &ff.lets {
                let name = match &l.pat {
                    PatFact::Bind(n) => n,
                    PatFact::Wrapped(p) => match p.as_ref() {
                        PatFact::Bind(n) => n,
                        _ => continue,
                    },
                    _ => continue,
                };
                let Some(body) = l.body else { continue };
                let mut e = l.init;
                let mut through_guard = false;
                for _ in 0..6 {
                    match ix.expr(file, e) {
                        ExprFact::MethodCall(i) => {
                            let mc = &ff.method_calls[*i as usize];
                            if !catalog::is_guard_method(&mc.method) {
                                break;
                            }
                            through_guard = true;
                            e = mc.receiver;
                        }
                        ExprFact::Field { .. } | ExprFact::Path(_) if through_guard => {
                            found.push((body, name.clone(), file, e));
                            break;
                        }
                        _ => break,
                    }
                }
            }
        }
        for (body, name, file, place) in found {
            let var = self.var(body, &name);
            self.guard_of.entry(var).or_default().push((file, place));
        }
    }

    fn is_active(&self, ix: &Index<'_>, file: FileId) -> bool {
        self.active
            .contains(&ix.file_crate.get(file.0 as usize).copied().unwrap_or(0))
    }

    /// The local a path expression names (none before the fixed point is computed).
    fn local(&self, file: FileId, e: ExprId) -> Option<u32> {
        *self.expr_var.get(file.0 as usize)?.get(e.0 as usize)?
    }

    /// The id of local `name` bound in `body`.
    fn var(&mut self, body: BodyId, name: &str) -> u32 {
        let names = self.vars.entry(body).or_default();
        if let Some(id) = names.get(name) {
            return *id;
        }
        self.var_count += 1;
        names.insert(name.to_string(), self.var_count - 1);
        self.var_count - 1
    }

    fn store(&mut self, slot: Slot, vals: Vals) -> bool {
        if vals.is_empty() {
            return false;
        }
        let into = self.slots.entry(slot.clone()).or_default();
        let mut changed = false;
        for (v, certain) in vals {
            let full = into.len() >= MAX_SLOT_VALUES;
            match into.get_mut(&v) {
                Some(c) if certain && !*c => {
                    *c = true;
                    changed = true;
                }
                Some(_) => {}
                // A slot that could hold anything stops growing: the analysis stays fast and
                // what it misses is unknown, not guessed.
                None if !full => {
                    into.insert(v, certain);
                    changed = true;
                }
                None => {}
            }
        }
        if changed {
            self.written.push(slot);
        }
        changed
    }

    /// Every unit of work of one file.
    fn units<'i>(ix: &'i Index<'_>, file: FileId) -> impl Iterator<Item = (FileId, Unit)> + 'i {
        let ff = &ix.facts[file.0 as usize];
        let n = |len: usize| 0..len as u32;
        let structs = ff
            .exprs
            .iter()
            .enumerate()
            .filter(|(_, e)| matches!(e, ExprFact::Struct { .. }))
            .map(|(i, _)| Unit::Struct(i as u32));
        n(ff.lets.len())
            .map(Unit::Let)
            .chain(n(ff.fors.len()).map(Unit::For))
            .chain(n(ff.assigns.len()).map(Unit::Assign))
            .chain(structs)
            .chain(n(ff.calls.len()).map(Unit::Call))
            .chain(n(ff.method_calls.len()).map(Unit::Method))
            .chain(n(ff.bodies.len()).map(Unit::Body))
            .map(move |u| (file, u))
    }

    /// Runs units until no slot changes: a unit runs again only when a slot it read changed.
    fn solve(&mut self, ix: &Index<'_>) {
        let mut queue: VecDeque<(FileId, Unit)> = VecDeque::new();
        for f in 0..ix.facts.len() {
            let file = FileId(f as u32);
            if self.is_active(ix, file) {
                queue.extend(Self::units(ix, file));
            }
        }
        let mut queued: FxHashSet<(FileId, Unit)> = queue.iter().copied().collect();
        let mut deps: FxHashMap<Slot, FxHashSet<(FileId, Unit)>> = FxHashMap::default();
        let mut budget = queue.len().saturating_mul(MAX_ROUNDS);
        while let Some(u) = queue.pop_front() {
            queued.remove(&u);
            if budget == 0 {
                break;
            }
            budget -= 1;
            self.reads.borrow_mut().clear();
            self.run(ix, u.0, u.1);
            for s in self.reads.take() {
                deps.entry(s).or_default().insert(u);
            }
            for s in std::mem::take(&mut self.written) {
                for &d in deps.get(&s).into_iter().flatten() {
                    if queued.insert(d) {
                        queue.push_back(d);
                    }
                }
            }
        }
    }

    /// One unit: evaluates its expressions and stores what they hold.
    fn run(&mut self, ix: &Index<'_>, file: FileId, unit: Unit) {
        let f = file.0 as usize;
        let ff = &ix.facts[f];
        match unit {
            Unit::Let(i) => {
                let l = &ff.lets[i as usize];
                let mut v = self.eval(ix, file, l.init);
                if let Some(d) = self.declared.vals.get(&DeclSite::Let(file, i)) {
                    v.insert(d.clone(), true);
                }
                self.bind(&l.pat, v, l.body);
            }
            Unit::For(i) => {
                let l = &ff.fors[i as usize];
                let v = self.eval(ix, file, l.iter);
                // Iterating a receiver yields its messages; a collection, its elements.
                for (c, _) in receivers(&v) {
                    let msgs = self.slot(&Slot::Msg(c));
                    self.bind(&l.pat, msgs, l.body);
                }
                self.bind(&l.pat, v, l.body);
            }
            Unit::Assign(i) => {
                let a = &ff.assigns[i as usize];
                let v = self.eval(ix, file, a.value);
                self.store_place(ix, file, a.place, v);
            }
            Unit::Struct(e) => {
                if let ExprFact::Struct { ty, fields } = &ff.exprs[e as usize] {
                    let body = ix.expr_body(file, ExprId(e));
                    let ty = self.struct_ty(ix, file, ty, body);
                    for (name, fe) in fields {
                        let v = self.eval(ix, file, *fe);
                        self.store(Slot::Field(ty.clone(), name.clone()), v);
                    }
                }
            }
            Unit::Call(i) => {
                let call = &ff.calls[i as usize];
                let callees: Vec<BodyId> = match ix.call_targets[f][i as usize] {
                    CallTarget::LocalFn(callee) => vec![callee],
                    _ => self.closures_called(file, i),
                };
                for callee in callees {
                    let params = &ix.body(callee).params;
                    for (p, a) in params.iter().zip(&call.args) {
                        let v = self.eval(ix, file, *a);
                        self.bind(p, v, Some(callee));
                    }
                }
            }
            Unit::Method(i) => {
                let mc = &ff.method_calls[i as usize];
                // Only sends, the crate's own methods, value combinators and inserts move
                // values; others (`clone`, `len`, ..) are skipped without evaluating their
                // receiver (a chain of them would be evaluated once per link).
                let moves_values = matches!(
                    catalog::channel_method(&mc.method),
                    Some(ChannelMethod::Send { .. })
                ) || ix.methods.contains_key(&mc.method)
                    || catalog::is_value_combinator(&mc.method)
                    || catalog::is_insert_method(&mc.method);
                if !moves_values {
                    return;
                }
                let recv = self.eval(ix, file, mc.receiver);
                if let (Some(ChannelMethod::Send { .. }), Some(arg)) =
                    (catalog::channel_method(&mc.method), mc.args.first())
                {
                    let msg = self.eval(ix, file, *arg);
                    for v in recv.keys() {
                        if let Val::Tx(c) = v {
                            self.store(Slot::Msg(*c), msg.clone());
                        }
                    }
                }
                let targets =
                    self.method_targets(ix, file, mc.body, mc.receiver, &mc.method, &recv);
                for t in &targets {
                    let params = &ix.body(*t).params;
                    if let Some(p) = params.first() {
                        self.bind(p, recv.clone(), Some(*t));
                    }
                    for (p, a) in params.iter().skip(1).zip(&mc.args) {
                        let v = self.eval(ix, file, *a);
                        self.bind(p, v, Some(*t));
                    }
                }
                if targets.is_empty() && catalog::is_value_combinator(&mc.method) {
                    if let Some(f) = mc.args.last() {
                        if let FnArg::Body(b) = self.fn_arg(ix, file, *f, mc.body) {
                            if let Some(p) = ix.body(b).params.first() {
                                // A stream's adapter sees its messages, a value's its value.
                                let mut arg = Vals::new();
                                for (v, c) in &recv {
                                    match v {
                                        Val::Rx(_) | Val::Merged { .. } => {}
                                        _ => {
                                            arg.insert(v.clone(), *c);
                                        }
                                    }
                                }
                                for (c, _) in receivers(&recv) {
                                    merge(&mut arg, self.slot(&Slot::Msg(c)));
                                }
                                self.bind(p, arg, Some(b));
                            }
                        }
                    }
                }
                if targets.is_empty() && catalog::is_insert_method(&mc.method) {
                    if let Some(a) = mc.args.last() {
                        let v = uncertain(self.eval(ix, file, *a));
                        self.store_place(ix, file, mc.receiver, v);
                    }
                }
            }
            Unit::Body(i) => {
                let b = &ff.bodies[i as usize];
                let id = BodyId { file, idx: i };
                for r in &b.returns {
                    let v = self.eval(ix, file, *r);
                    self.store(Slot::Ret(id), v);
                }
            }
        }
    }

    /// The index of the first channel made per call (the channels below it exist before the
    /// flow: constructors' and actors' mailboxes).
    pub fn instance_base(&self) -> usize {
        self.ctor_body.len()
    }

    /// The mailbox of the actor a call starts (`Ponger::spawn(..)`, a framework starter
    /// called on a known actor type).
    fn started_actor(
        &self,
        ix: &Index<'_>,
        file: FileId,
        callee: &crate::facts::PathRef,
    ) -> Option<ChanIdx> {
        let n = callee.segments.len();
        if n < 2 || self.mailboxes.is_empty() {
            return None;
        }
        let (c, fw) = self
            .mailboxes
            .get(&ix.qualify(file, &callee.segments[n - 2]))?;
        fw.starters
            .contains(&callee.segments[n - 1].as_str())
            .then_some(*c)
    }

    /// The closures a call through a local runs (`make(reply)` with `make: impl FnOnce`).
    fn closures_called(&self, file: FileId, call: u32) -> Vec<BodyId> {
        let Some(var) = self.call_var.get(&(file, call)) else {
            return Vec::new();
        };
        self.slot(&Slot::Var(*var))
            .keys()
            .filter_map(|v| match v {
                Val::Fn(b) => Some(*b),
                _ => None,
            })
            .collect()
    }

    /// The channels a call's returned value holds, made per call: a channel the callee
    /// creates (in its own body or through a call inside it) and returns both ends of is a
    /// new channel at each call site.
    fn instantiate(
        &self,
        ix: &Index<'_>,
        file: FileId,
        call: u32,
        callee: BodyId,
        vals: Vals,
    ) -> Vals {
        let mut fresh: Vec<ChanIdx> = Vec::new();
        for v in vals.keys() {
            if let Val::Tuple(items) = v {
                // Each end directly, or wrapped in a newtype (`Cancel(tx)`, `Canceled(rx)`).
                let ends = |tx: bool| -> Vec<ChanIdx> {
                    let mut out = Vec::new();
                    for v in items.iter().flat_map(|i| i.keys()) {
                        let inner: Vec<&Val> = match v {
                            Val::Variant(_, fields) => {
                                fields.iter().flat_map(|f| f.keys()).collect()
                            }
                            other => vec![other],
                        };
                        for v in inner {
                            match v {
                                Val::Tx(c) if tx => out.push(*c),
                                Val::Rx(c) if !tx => out.push(*c),
                                _ => {}
                            }
                        }
                    }
                    out
                };
                let rx = ends(false);
                fresh.extend(ends(true).into_iter().filter(|c| rx.contains(c)));
            }
        }
        fresh.retain(|c| self.created_within(ix, *c, callee));
        if fresh.is_empty() {
            return vals;
        }
        let map: FxHashMap<ChanIdx, ChanIdx> = fresh
            .into_iter()
            .map(|c| (c, self.instance(file, call, callee, c)))
            .collect();
        vals.into_iter()
            .map(|(v, c)| (rename(v, &map, 0), c))
            .collect()
    }

    /// True when channel `c` is made inside `body` (its constructor call, or the call that
    /// instantiated it, is in `body` or a closure or block nested in it).
    fn created_within(&self, ix: &Index<'_>, c: ChanIdx, body: BodyId) -> bool {
        let at = match self.ctor_body.get(c as usize) {
            Some(b) => *b,
            None => {
                let base = self.ctor_body.len();
                let inst = self.instances.borrow();
                inst.get(c as usize - base)
                    .and_then(|i| ix.facts[i.file.0 as usize].calls[i.call as usize].body)
            }
        };
        at.is_some_and(|b| ix.is_within(b, body))
    }

    /// The channel made by call `call` of `callee` for `c`, allocated on first use.
    fn instance(&self, file: FileId, call: u32, callee: BodyId, c: ChanIdx) -> ChanIdx {
        let mut map = self.instance_of.borrow_mut();
        if let Some(i) = map.get(&(file, call, c)) {
            return *i;
        }
        let mut inst = self.instances.borrow_mut();
        let id = (self.ctor_body.len() + inst.len()) as ChanIdx;
        inst.push(Instance {
            of: c,
            file,
            call,
            callee,
        });
        map.insert((file, call, c), id);
        id
    }

    /// What a function argument of a combinator is: a closure or local function (its body),
    /// a constructor or wrapper that keeps the value (`Some`, `Permit::Owned`, `Arc::new`).
    fn fn_arg(&self, ix: &Index<'_>, file: FileId, e: ExprId, body: Option<BodyId>) -> FnArg {
        match ix.expr(file, e) {
            ExprFact::Body(b) => FnArg::Body(*b),
            ExprFact::Path(p) if self.local(file, e).is_none() => {
                // Resolved once per expression: units run many times.
                if let Some(known) = self.fn_args.borrow().get(&(file, e)) {
                    return *known;
                }
                let known = match ix.path_target(p, body) {
                    CallTarget::LocalFn(b) => FnArg::Body(b),
                    CallTarget::Ctor | CallTarget::Api(Api::Wrap) => FnArg::Identity,
                    _ => FnArg::Unknown,
                };
                self.fn_args.borrow_mut().insert((file, e), known);
                known
            }
            _ => FnArg::Unknown,
        }
    }

    fn struct_ty(&self, ix: &Index<'_>, file: FileId, ty: &str, body: Option<BodyId>) -> String {
        if ty == "Self" {
            if let Some(t) = body.and_then(|b| ix.self_ty(b)) {
                return t;
            }
        }
        ix.qualify(file, ty)
    }

    /// Stores into the place an expression names: a local or a field.
    fn store_place(&mut self, ix: &Index<'_>, file: FileId, place: ExprId, v: Vals) -> bool {
        self.store_place_at(ix, file, place, v, 0)
    }

    fn store_place_at(
        &mut self,
        ix: &Index<'_>,
        file: FileId,
        place: ExprId,
        v: Vals,
        depth: u32,
    ) -> bool {
        if depth > 8 {
            return false;
        }
        match ix.expr(file, place) {
            ExprFact::Path(p) if p.segments.len() == 1 && !p.global => {
                match self.local(file, place) {
                    Some(var) => {
                        // A lock guard or borrow of a place: storing through it stores there.
                        let places = self.guard_of.get(&var).cloned().unwrap_or_default();
                        let mut changed = self.store(Slot::Var(var), v.clone());
                        for (f, e) in places {
                            if f == file && e != place {
                                changed |= self.store_place_at(ix, f, e, v.clone(), depth + 1);
                            }
                        }
                        changed
                    }
                    None => false,
                }
            }
            ExprFact::Field { base, name } => {
                let mut changed = false;
                for ty in self.base_types(ix, file, *base) {
                    changed |= self.store(Slot::Field(ty, name.clone()), v.clone());
                }
                changed
            }
            ExprFact::Index(base) => self.store_place_at(ix, file, *base, uncertain(v), depth + 1),
            ExprFact::MethodCall(i) => {
                let mc = &ix.facts[file.0 as usize].method_calls[*i as usize];
                if catalog::channel_method(&mc.method) == Some(ChannelMethod::Same) {
                    self.store_place_at(ix, file, mc.receiver, v, depth + 1)
                } else {
                    false
                }
            }
            _ => false,
        }
    }

    /// The local struct types a base expression may have (`self` in a method: its impl type).
    fn base_types(&self, ix: &Index<'_>, file: FileId, base: ExprId) -> Vec<String> {
        let body = ix.expr_body(file, base);
        if let ExprFact::Path(p) = ix.expr(file, base) {
            if p.segments.len() == 1 && p.segments[0] == "self" {
                if let Some(t) = body.and_then(|b| ix.self_ty(b)) {
                    return vec![t];
                }
            }
        }
        self.eval(ix, file, base)
            .keys()
            .filter_map(|v| match v {
                Val::Struct(s) => Some(s.clone()),
                _ => None,
            })
            .collect()
    }

    /// Binds a value to a pattern's names in `body`.
    fn bind(&mut self, pat: &PatFact, v: Vals, body: Option<BodyId>) -> bool {
        let Some(body) = body else { return false };
        if v.is_empty() {
            return false;
        }
        match pat {
            PatFact::Bind(n) => {
                let var = self.var(body, n);
                self.store(Slot::Var(var), v)
            }
            PatFact::Wrapped(p) => self.bind(p, v, Some(body)),
            PatFact::Variant(name, ps) => {
                let mut changed = false;
                for (val, c) in v {
                    match val {
                        Val::Variant(n, items) if n == *name => {
                            for (p, item) in ps.iter().zip(items) {
                                changed |= self.bind(p, item, Some(body));
                            }
                        }
                        // Another variant's fields are not this one's.
                        Val::Variant(..) => {}
                        // Of unknown shape: any field may hold it.
                        other => {
                            for p in ps {
                                changed |=
                                    self.bind(p, Vals::from([(other.clone(), c)]), Some(body));
                            }
                        }
                    }
                }
                changed
            }
            PatFact::Tuple(ps) => {
                let mut changed = false;
                for (val, _) in v {
                    if let Val::Tuple(items) = val {
                        for (p, item) in ps.iter().zip(items) {
                            changed |= self.bind(p, item, Some(body));
                        }
                    }
                }
                changed
            }
            PatFact::Struct(fields) => {
                let mut changed = false;
                for (val, _) in v {
                    if let Val::Struct(ty) = val {
                        for (fname, p) in fields {
                            let fv = self.slot(&Slot::Field(ty.clone(), fname.clone()));
                            changed |= self.bind(p, fv, Some(body));
                        }
                    }
                }
                changed
            }
            PatFact::Ignore => false,
        }
    }

    /// The values in a slot (recorded as read by the unit being run).
    pub fn slot(&self, s: &Slot) -> Vals {
        self.reads.borrow_mut().push(s.clone());
        self.slots.get(s).cloned().unwrap_or_default()
    }

    /// Local methods a method call may run: the impl type must be known (from `self` or a
    /// struct value).
    pub fn method_targets(
        &self,
        ix: &Index<'_>,
        file: FileId,
        body: Option<BodyId>,
        receiver: ExprId,
        method: &str,
        recv: &Vals,
    ) -> Vec<BodyId> {
        if !ix.methods.contains_key(method) {
            return Vec::new();
        }
        let mut types: Vec<String> = recv
            .keys()
            .filter_map(|v| match v {
                Val::Struct(s) => Some(s.clone()),
                _ => None,
            })
            .collect();
        if let ExprFact::Path(p) = ix.expr(file, receiver) {
            if p.segments == ["self"] {
                types.extend(body.and_then(|b| ix.self_ty(b)));
            }
        }
        if types.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for t in types {
            out.extend(
                ix.methods_of
                    .get(&(t, method.to_string()))
                    .into_iter()
                    .flatten(),
            );
        }
        out.sort();
        out.dedup();
        out
    }

    /// The values an expression may have.
    pub fn eval(&self, ix: &Index<'_>, file: FileId, e: ExprId) -> Vals {
        let vals = self.eval_future(ix, file, e);
        if !self.awaited.contains(&(file, e)) {
            return vals;
        }
        // `rx.await` on a oneshot receiver: its message, not the receiver.
        let mut out = Vals::new();
        for (v, c) in vals {
            match v {
                Val::Rx(ch) => {
                    merge(&mut out, self.slot(&Slot::Msg(ch)));
                }
                other => {
                    out.insert(other, c);
                }
            }
        }
        out
    }

    /// The values an expression may have, a future held in a value included as itself
    /// (for `answer.await`, the receiver rather than its message).
    pub fn eval_future(&self, ix: &Index<'_>, file: FileId, e: ExprId) -> Vals {
        let mut out = Vals::new();
        let body = ix.expr_body(file, e);
        match ix.expr(file, e) {
            ExprFact::Path(p) if p.segments.len() == 1 && !p.global => {
                if let Some(var) = self.local(file, e) {
                    out = self.slot(&Slot::Var(var));
                } else if let Some(init) = self.statics.get(&(file, e)) {
                    out = self.slot(&Slot::Ret(*init));
                }
            }
            ExprFact::Path(_) => {
                // A `static` or `const` named by a path: what its initializer holds.
                if let Some(init) = self.statics.get(&(file, e)) {
                    out = self.slot(&Slot::Ret(*init));
                }
            }
            ExprFact::Call(i) => {
                let call = &ix.facts[file.0 as usize].calls[*i as usize];
                match &ix.call_targets[file.0 as usize][*i as usize] {
                    CallTarget::Api(Api::ChannelCtor { lib, .. }) => {
                        if let Some(c) = self.chan_of_call.get(&(file, *i)) {
                            if catalog::is_channel_object(*lib) {
                                out.insert(Val::Tx(*c), true);
                                out.insert(Val::Rx(*c), true);
                            } else {
                                let tx = Vals::from([(Val::Tx(*c), true)]);
                                let rx = Vals::from([(Val::Rx(*c), true)]);
                                out.insert(Val::Tuple(vec![tx, rx]), true);
                            }
                        }
                    }
                    CallTarget::Api(Api::Lazy) => {
                        if let Some(ExprFact::Body(b)) =
                            call.args.first().map(|a| ix.expr(file, *a))
                        {
                            out = self.slot(&Slot::Ret(*b));
                        }
                    }
                    CallTarget::Api(Api::SemaphoreCtor { .. }) => {
                        if let Some(s) = self.sem_of_call.get(&(file, *i)) {
                            out.insert(Val::Sem(*s), true);
                        }
                    }
                    CallTarget::Api(Api::Wrap) => {
                        if let Some(a) = call.args.first() {
                            out = self.eval(ix, file, *a);
                        }
                        if let Some(l) = self.lock_of_call.get(&(file, *i)) {
                            out.insert(Val::Lock(*l), true);
                        }
                    }
                    CallTarget::Api(Api::MergeStreams { prefer_first }) => {
                        if let (Some(a), Some(b)) = (call.args.first(), call.args.get(1)) {
                            let (ra, rb) = (self.eval(ix, file, *a), self.eval(ix, file, *b));
                            let first: Vec<ChanIdx> =
                                receivers(&ra).into_iter().map(|x| x.0).collect();
                            let second: Vec<ChanIdx> =
                                receivers(&rb).into_iter().map(|x| x.0).collect();
                            let certain = ra.values().chain(rb.values()).all(|c| *c);
                            let merged = if *prefer_first {
                                Val::Merged {
                                    preferred: first,
                                    other: second,
                                }
                            } else {
                                Val::Merged {
                                    preferred: Vec::new(),
                                    other: first.into_iter().chain(second).collect(),
                                }
                            };
                            out.insert(merged, certain);
                        }
                    }
                    CallTarget::LocalFn(b) => {
                        out = self.instantiate(ix, file, *i, *b, self.slot(&Slot::Ret(*b)));
                    }
                    CallTarget::Ctor => {
                        // `Ponger::spawn(..)`: an actor started, its address.
                        if let Some(c) = self.started_actor(ix, file, &call.callee) {
                            out.insert(Val::Tx(c), true);
                        } else {
                            // `State::Idle(iter)`: a value of that variant, with its fields.
                            let items: Vec<Vals> =
                                call.args.iter().map(|a| self.eval(ix, file, *a)).collect();
                            if items.iter().any(|i| !i.is_empty()) {
                                let name = call.callee.segments.last().cloned().unwrap_or_default();
                                let v = Val::Variant(name, items);
                                if depth(&v) <= MAX_TUPLE_DEPTH {
                                    out.insert(v, true);
                                }
                            }
                            // `Cart::default()` (a derived constructor), `Msg::Variant(x)`: a
                            // value of that local type.
                            let n = call.callee.segments.len();
                            if n >= 2 {
                                let ty =
                                    self.struct_ty(ix, file, &call.callee.segments[n - 2], body);
                                if ix.local_types.contains(&ty) {
                                    out.insert(Val::Struct(ty), true);
                                }
                            }
                        }
                    }
                    CallTarget::Unknown => {
                        // `make(reply)` where `make` holds a closure: what it returns.
                        for b in self.closures_called(file, *i) {
                            merge(&mut out, self.slot(&Slot::Ret(b)));
                        }
                    }
                    _ => {}
                }
            }
            ExprFact::MethodCall(i) => {
                let mc = &ix.facts[file.0 as usize].method_calls[*i as usize];
                let recv = self.eval(ix, file, mc.receiver);
                let targets = self.method_targets(ix, file, body, mc.receiver, &mc.method, &recv);
                for t in &targets {
                    merge(&mut out, self.slot(&Slot::Ret(*t)));
                }
                let is_stream = recv
                    .keys()
                    .any(|v| matches!(v, Val::Rx(_) | Val::Merged { .. }));
                if targets.is_empty() && !is_stream && catalog::is_value_combinator(&mc.method) {
                    // `result.map(Permit::Owned)`, `opt.and_then(|p| ..)`: what the function
                    // argument returns for the receiver's value.
                    if let Some(f) = mc.args.last() {
                        match self.fn_arg(ix, file, *f, body) {
                            FnArg::Body(b) => merge(&mut out, self.slot(&Slot::Ret(b))),
                            FnArg::Identity => merge(&mut out, recv.clone()),
                            FnArg::Unknown => false,
                        };
                    }
                }
                // `ctx.actor_ref()` in a handler: the actor's own address.
                if !self.mailboxes.is_empty() {
                    if let Some((c, fw)) = body
                        .and_then(|b| ix.self_ty(b))
                        .and_then(|t| self.mailboxes.get(&t))
                    {
                        if fw.self_address.contains(&mc.method.as_str()) {
                            out.insert(Val::Tx(*c), true);
                        }
                    }
                }
                match catalog::channel_method(&mc.method) {
                    // A lock's guard is what the lock holds, not the lock.
                    Some(ChannelMethod::Same) if catalog::is_lock_guard_method(&mc.method) => {
                        merge(
                            &mut out,
                            recv.into_iter()
                                .filter(|(v, _)| !matches!(v, Val::Lock(_)))
                                .collect(),
                        )
                    }
                    Some(ChannelMethod::Same) => merge(&mut out, recv),
                    Some(ChannelMethod::Recv) if catalog::is_stream_method(&mc.method) => {
                        merge(&mut out, recv)
                    }
                    Some(ChannelMethod::Recv) => {
                        for (c, _) in receivers(&recv) {
                            merge(&mut out, self.slot(&Slot::Msg(c)));
                        }
                        false
                    }
                    _ if catalog::is_stream_adapter(&mc.method) => {
                        let rx: Vals = recv
                            .into_iter()
                            .filter(|(v, _)| matches!(v, Val::Rx(_) | Val::Merged { .. }))
                            .map(|(v, _)| (v, false))
                            .collect();
                        merge(&mut out, rx)
                    }
                    _ if catalog::is_acquire_method(&mc.method) => {
                        let permits: Vals = recv
                            .iter()
                            .filter_map(|(v, c)| match v {
                                Val::Sem(s) => Some((Val::Permit(*s), *c)),
                                _ => None,
                            })
                            .collect();
                        merge(&mut out, permits)
                    }
                    _ if mc.method == "subscribe" => {
                        let rx: Vals = recv
                            .iter()
                            .filter_map(|(v, c)| match v {
                                Val::Tx(ch) => Some((Val::Rx(*ch), *c)),
                                _ => None,
                            })
                            .collect();
                        merge(&mut out, rx)
                    }
                    _ => false,
                };
            }
            ExprFact::Field { base, name } => {
                let types = self.base_types(ix, file, *base);
                if types.is_empty() {
                    for (v, c) in self.eval(ix, file, *base) {
                        if let (Val::Tuple(items) | Val::Variant(_, items), Ok(i)) =
                            (v, name.parse::<usize>())
                        {
                            if let Some(item) = items.get(i) {
                                merge(
                                    &mut out,
                                    if c {
                                        item.clone()
                                    } else {
                                        uncertain(item.clone())
                                    },
                                );
                            }
                        }
                    }
                    // A field of a value of unknown type is not guessed: it stays unknown.
                } else {
                    for ty in types {
                        merge(&mut out, self.slot(&Slot::Field(ty, name.clone())));
                    }
                }
            }
            ExprFact::Tuple(items) => {
                let vals: Vec<Vals> = items.iter().map(|i| self.eval(ix, file, *i)).collect();
                if vals.iter().any(|v| !v.is_empty()) {
                    let t = Val::Tuple(vals);
                    if depth(&t) <= MAX_TUPLE_DEPTH {
                        out.insert(t, true);
                    }
                }
            }
            ExprFact::Struct { ty, .. } => {
                out.insert(Val::Struct(self.struct_ty(ix, file, ty, body)), true);
            }
            ExprFact::Index(base) => out = uncertain(self.eval(ix, file, *base)),
            ExprFact::Either(alts) => {
                for a in alts {
                    merge(&mut out, self.eval(ix, file, *a));
                }
            }
            ExprFact::Body(b) => {
                if ix.body(*b).kind == crate::facts::BodyKind::Closure {
                    out.insert(Val::Fn(*b), true);
                }
            }
            ExprFact::Int(_) | ExprFact::Other => {}
        }
        out
    }
}
