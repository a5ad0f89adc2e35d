//! Declared types: a parameter, field or local whose written type is a known library type
//! (`limit: Arc<tokio::sync::Semaphore>`, `permit: OwnedSemaphorePermit`) holds such a value
//! even when no constructor reaches it. Each declaration becomes a semaphore of its own
//! (named after the declaration, capacity unknown) that the flow starts from.

use crate::catalog::{self, TypeKind};
use crate::facts::{BodyId, PatFact, PathRef};
use crate::flow::Val;
use crate::index::Index;
use crate::model::{Capacity, Semaphore};
use crate::resolve::Res;
use crate::source::FileId;
use rustc_hash::FxHashMap;

/// Where a declared type is written.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum DeclSite {
    /// Parameter `idx` of a function.
    Param(BodyId, usize),
    /// `let` fact `idx` of a file.
    Let(FileId, u32),
    /// Field declaration `idx` of a file.
    Field(FileId, u32),
}

/// The values declarations start with, and the semaphores they introduce.
#[derive(Debug, Default)]
pub struct Declared {
    pub vals: FxHashMap<DeclSite, Val>,
}

impl Declared {
    /// Finds every declaration of a known semaphore or permit type in the covered files;
    /// new semaphores are appended to `semaphores`.
    pub fn find(
        ix: &Index<'_>,
        semaphores: &mut Vec<Semaphore>,
        actors: &[crate::actors::ActorType],
        mailboxes: &std::collections::HashMap<String, crate::flow::ChanIdx>,
    ) -> Declared {
        let address_types = if actors.is_empty() {
            std::collections::HashSet::new()
        } else {
            crate::actors::address_structs(ix)
        };
        let mut out = Declared::default();
        let mut addresses = Vec::new();
        let mut add = |site: DeclSite, (kind, handoff): (TypeKind, bool), name: String, range| {
            let s = semaphores.len() as u32;
            let name = match kind {
                TypeKind::Semaphore => name,
                TypeKind::Permit => format!("semaphore of {name}"),
            };
            semaphores.push(Semaphore {
                name,
                permits: Capacity::Unknown,
                range,
                handoff,
            });
            let v = match kind {
                TypeKind::Semaphore => Val::Sem(s),
                TypeKind::Permit => Val::Permit(s),
            };
            out.vals.insert(site, v);
        };
        for (f, ff) in ix.files() {
            let file = FileId(f as u32);
            for (i, b) in ff.bodies.iter().enumerate() {
                let body = BodyId {
                    file,
                    idx: i as u32,
                };
                for (k, (p, ty)) in b.params.iter().zip(&b.param_type_paths).enumerate() {
                    let (PatFact::Bind(n), Some(ty)) = (p, ty) else {
                        continue;
                    };
                    if let Some(kind) = kind_of(ix, ty) {
                        add(DeclSite::Param(body, k), kind, n.clone(), b.range);
                    }
                    let arg = b.param_type_args.get(k).cloned().flatten();
                    if let Some(c) =
                        address_of(ix, file, ty, arg.as_deref(), mailboxes, &address_types)
                    {
                        addresses.push((DeclSite::Param(body, k), c));
                    }
                }
            }
            for (i, l) in ff.lets.iter().enumerate() {
                let (PatFact::Bind(n), Some(ty)) = (&l.pat, &l.ty) else {
                    continue;
                };
                if let (Some(kind), Some(b)) = (kind_of(ix, ty), l.body) {
                    add(
                        DeclSite::Let(file, i as u32),
                        kind,
                        n.clone(),
                        ix.body(b).range,
                    );
                }
            }
            for (i, d) in ff.fields.iter().enumerate() {
                if let Some(kind) = kind_of(ix, &d.ty) {
                    let name = format!("{}.{}", d.owner, d.name);
                    add(DeclSite::Field(file, i as u32), kind, name, d.range);
                }
                if let Some(c) = address_of(
                    ix,
                    file,
                    &d.ty,
                    d.ty_arg.as_deref(),
                    mailboxes,
                    &address_types,
                ) {
                    addresses.push((DeclSite::Field(file, i as u32), c));
                }
            }
        }
        for (site, c) in addresses {
            out.vals.insert(site, Val::Tx(c));
        }
        out
    }
}

/// The mailbox an actor address type names (`ActorRef<Ponger>`): a sender into it.
fn address_of(
    ix: &Index<'_>,
    file: FileId,
    ty: &PathRef,
    arg: Option<&str>,
    mailboxes: &std::collections::HashMap<String, crate::flow::ChanIdx>,
    addresses: &std::collections::HashSet<String>,
) -> Option<crate::flow::ChanIdx> {
    let arg = arg?;
    let mailbox = mailboxes.get(&ix.qualify(file, arg)).copied()?;
    match ix.resolver.resolve(ty) {
        Res::Extern(path) => catalog::framework_of_address(&path).map(|_| mailbox),
        // A home-grown address: a local struct holding a sender (`Addr<Worker>`).
        Res::Item { module, name, .. } => addresses
            .contains(&ix.qualify(module.file, &name))
            .then_some(mailbox),
        _ => None,
    }
}

/// The known library type a written type path resolves to, and whether it is a semaphore
/// that hands freed permits to the first waiter in line.
fn kind_of(ix: &Index<'_>, ty: &PathRef) -> Option<(TypeKind, bool)> {
    match ix.resolver.resolve(ty) {
        Res::Extern(path) => catalog::type_kind(&path).map(|k| {
            let handoff = catalog::is_handoff_semaphore(&catalog::canonicalize(&path).join("::"));
            (k, handoff)
        }),
        _ => None,
    }
}
