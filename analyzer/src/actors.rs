//! Actors. Of known frameworks (the table in [`crate::catalog::FRAMEWORKS`]): a type with
//! handler impls (`impl Message<Ping> for Ponger`). Of home-grown ones, the generic shape: a
//! type named as the argument of a local struct that holds a channel sender (`Addr<Worker>`
//! in a field or parameter), whose impls of the crate's own traits are its handlers. Each
//! actor gets a mailbox (a channel node: the framework's default capacity, or bounded with a
//! capacity unknown here for a home-grown starter) and a task that receives from it and runs
//! every handler; an address (`ActorRef<Ponger>`, `Addr<Worker>`, `Ponger::spawn(..)`, the
//! handler context's own address) is a sender into that mailbox.

use crate::catalog::{self, Framework};
use crate::facts::BodyId;
use crate::index::Index;
use crate::resolve::Res;
use crate::source::{FileId, FileRange};
use std::collections::BTreeMap;

/// One actor type.
#[derive(Debug, Clone)]
pub struct ActorType {
    /// The crate-qualified type (`0/Ponger`).
    pub ty: String,
    /// As written (`Ponger`).
    pub name: String,
    pub framework: &'static Framework,
    /// Its handler methods.
    pub handlers: Vec<BodyId>,
    /// The first handler's name, where the actor is shown.
    pub range: FileRange,
}

/// Finds the actor types of the covered files, in a stable order.
pub fn find(ix: &Index<'_>) -> Vec<ActorType> {
    let mut by_type: BTreeMap<String, ActorType> = BTreeMap::new();
    home_grown(ix, &mut by_type);
    for (f, ff) in ix.files() {
        let file = FileId(f as u32);
        for (i, b) in ff.bodies.iter().enumerate() {
            let Some((trait_path, _)) = &b.impl_trait else {
                continue;
            };
            let crate::facts::BodyKind::Fn {
                self_ty: Some(name),
                ..
            } = &b.kind
            else {
                continue;
            };
            let Res::Extern(path) = ix.resolver.resolve(trait_path) else {
                continue;
            };
            let Some(framework) = catalog::framework_of_handler(&path) else {
                continue;
            };
            let id = BodyId {
                file,
                idx: i as u32,
            };
            by_type
                .entry(ix.qualify(file, name))
                .or_insert_with(|| ActorType {
                    ty: ix.qualify(file, name),
                    name: name.clone(),
                    framework,
                    handlers: Vec::new(),
                    range: b.range,
                })
                .handlers
                .push(id);
        }
    }
    by_type.into_values().collect()
}

/// Local structs that hold a channel's sender in a declared field: a home-grown address
/// (`struct Addr<A> { tx: mpsc::Sender<..> }`), by crate-qualified name.
pub fn address_structs(ix: &Index<'_>) -> std::collections::HashSet<String> {
    let mut out = std::collections::HashSet::new();
    for (f, ff) in ix.files() {
        let file = FileId(f as u32);
        for d in &ff.fields {
            if let Res::Extern(path) = ix.resolver.resolve(&d.ty) {
                if catalog::is_sender_type(&path) {
                    out.insert(ix.qualify(file, &d.owner));
                }
            }
        }
    }
    out
}

/// The generic shape of a home-grown framework: a type named as the argument of a local
/// address struct (`Addr<Worker>` in a field or parameter) whose local trait impls (`impl
/// Handler<Job> for Worker`, `impl Actor for Worker`) are its handlers.
fn home_grown(ix: &Index<'_>, by_type: &mut BTreeMap<String, ActorType>) {
    let addresses = address_structs(ix);
    if addresses.is_empty() {
        return;
    }
    let mut actors = std::collections::HashSet::new();
    for (f, ff) in ix.files() {
        let file = FileId(f as u32);
        let mut note = |ty: &crate::facts::PathRef, arg: &Option<String>| {
            let (Some(last), Some(arg)) = (ty.segments.last(), arg) else {
                return;
            };
            if addresses.contains(&ix.qualify(file, last)) {
                actors.insert(ix.qualify(file, arg));
            }
        };
        for d in &ff.fields {
            note(&d.ty, &d.ty_arg);
        }
        for b in &ff.bodies {
            for (ty, arg) in b.param_type_paths.iter().zip(&b.param_type_args) {
                if let Some(ty) = ty {
                    note(ty, arg);
                }
            }
        }
    }
    for (f, ff) in ix.files() {
        let file = FileId(f as u32);
        for (i, b) in ff.bodies.iter().enumerate() {
            let (
                Some((trait_path, _)),
                crate::facts::BodyKind::Fn {
                    self_ty: Some(name),
                    ..
                },
            ) = (&b.impl_trait, &b.kind)
            else {
                continue;
            };
            let ty = ix.qualify(file, name);
            if !actors.contains(&ty) {
                continue;
            }
            // The crate's own trait: its impls are the actor's handlers.
            if !matches!(ix.resolver.resolve(trait_path), Res::Item { .. }) {
                continue;
            }
            let id = BodyId {
                file,
                idx: i as u32,
            };
            by_type
                .entry(ty.clone())
                .or_insert_with(|| ActorType {
                    ty,
                    name: name.clone(),
                    framework: &catalog::HOME_GROWN,
                    handlers: Vec::new(),
                    range: b.range,
                })
                .handlers
                .push(id);
        }
    }
}
