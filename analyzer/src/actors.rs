//! Actors of known frameworks (the table in [`crate::catalog::FRAMEWORKS`]): a type with
//! handler impls (`impl Message<Ping> for Ponger`) is an actor. Each gets a mailbox (a
//! channel node of the framework's default capacity) and a task that receives from it and
//! runs every handler; an address (`ActorRef<Ponger>`, `Ponger::spawn(..)`, the handler
//! context's own address) is a sender into that mailbox.

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
