//! Syntax facts: what one file says, as plain data with byte ranges and unresolved paths.
//!
//! Extraction (`extract`) turns a parsed file into [`FileFacts`] on the thread that parsed
//! it; nothing here holds a `syn` node or a `proc_macro2::Span`. Resolution (`resolve`)
//! and the model (`model`) work on these facts only.

use crate::source::{FileId, FileRange};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A scope (module or block) inside one file.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ScopeId {
    pub file: FileId,
    pub idx: u32,
}

/// A body of code: a function, closure, async block or item initializer.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct BodyId {
    pub file: FileId,
    pub idx: u32,
}

/// A path as written, with the scope it is written in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathRef {
    pub scope: ScopeId,
    /// Written with a leading `::`.
    pub global: bool,
    /// Segments without generic arguments.
    pub segments: Vec<String>,
}

/// Where a `use` or an item declared in a module can be named from, as far as glob imports
/// (which import only what the importing module can see) need it.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Visibility {
    /// `pub`.
    Public,
    /// `pub(crate)` and `pub(in path)`: the whole crate.
    Crate,
    /// `pub(super)`: the parent module and its descendants.
    Super,
    /// No `pub` (or `pub(self)`): the module itself and its descendants.
    #[default]
    Private,
}

/// One name brought into scope by a `use` (or `extern crate ... as`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UseFact {
    /// The name it binds; `None` for a glob.
    pub name: Option<String>,
    pub global: bool,
    /// The path it refers to (for a glob: the module whose items are imported).
    pub path: Vec<String>,
    /// `extern crate x as y;`: at the crate root it names a crate in every module.
    pub extern_crate: bool,
    pub vis: Visibility,
}

/// What a named item in a scope is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ItemKind {
    /// A module: inline (`mod x { }`, scope known) or from a file (linked by the loader).
    Mod(Option<ScopeId>),
    Fn(BodyId),
    /// A `const` or `static` with its integer value when it is a literal.
    Const(Option<u64>),
    /// Anything else with a name (types, traits, macros).
    Other,
}

/// A module or block scope.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Scope {
    /// For a block: the enclosing scope. For a module: `None` (names do not leak in).
    pub parent: Option<ScopeId>,
    /// For a module: its parent module (`super`). Set by the loader for file modules.
    pub parent_module: Option<ScopeId>,
    pub is_module: bool,
    pub items: HashMap<String, ItemKind>,
    /// The visibility of each of `items` (absent: public).
    pub item_vis: HashMap<String, Visibility>,
    pub uses: Vec<UseFact>,
}

/// A `mod name;` declaration whose file the loader must find.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ModDecl {
    pub scope: ScopeId,
    pub name: String,
    /// `#[path = "..."]`, if any.
    pub path_attr: Option<String>,
    /// `#[cfg_attr(.., path = "...")]` paths, tried before the default ones.
    pub cfg_paths: Vec<String>,
    /// Inline modules between the file's root and this declaration (for the directory).
    pub inline_dirs: Vec<String>,
    pub range: FileRange,
    /// Compiled only with `cfg(test)` (`#[cfg(test)] mod tests;`) while the crate is analyzed
    /// without it: the loader does not follow it, and drops its file from a set of loose files.
    pub test_only: bool,
}

/// What kind of body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BodyKind {
    /// A free function or method, with the `impl` self type name for methods.
    Fn {
        name: String,
        self_ty: Option<String>,
    },
    Closure,
    AsyncBlock,
    /// A `const`/`static` initializer.
    Init {
        name: String,
    },
}

/// A body with its position in the nesting of bodies.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BodyFact {
    pub kind: BodyKind,
    pub parent: Option<BodyId>,
    pub scope: ScopeId,
    pub range: FileRange,
    /// Written inside a loop of its parent body.
    pub in_loop: bool,
    /// Parameter patterns in order; a method's `self` is `Bind("self")`.
    pub params: Vec<PatFact>,
    /// The declared type of each parameter, by name (`&Conn`, `Arc<Conn>` -> `Conn`).
    pub param_types: Vec<Option<String>>,
    /// The declared type of each parameter as a path to resolve, through references and
    /// wrappers (`Arc<tokio::sync::Semaphore>` -> `tokio::sync::Semaphore`).
    pub param_type_paths: Vec<Option<PathRef>>,
    /// The first type argument of each parameter's declared type (`ActorRef<Ponger>` ->
    /// `Ponger`; `Self` in an impl is the impl's type).
    pub param_type_args: Vec<Option<String>>,
    /// The lock type among each parameter's wrappers (`&Arc<tokio::sync::Mutex<T>>` ->
    /// `tokio::sync::Mutex`).
    pub param_lock_types: Vec<Option<PathRef>>,
    /// Returned values: the tail expression and every `return e`.
    pub returns: Vec<ExprId>,
    /// A function callable from outside its crate: `pub`, or a method of a trait impl.
    pub public: bool,
    /// An `async fn`: calling it builds a future.
    pub is_async: bool,
    /// For a method of `impl Trait<Args> for Type`: the trait as written, with the last
    /// segment of each type argument (`Handler<Ping>` -> (`Handler`, [`Ping`])).
    pub impl_trait: Option<(PathRef, Vec<String>)>,
    /// For a `static`/`const` initializer: the generic arguments of the declared type, as
    /// expressions (`Channel<M, Job, 4>` -> [`M`, `Job`, `4`]).
    pub type_args: Vec<ExprId>,
}

/// Index of an expression in its file's [`FileFacts::exprs`].
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ExprId(pub u32);

/// The shape of an expression, as far as following values needs it. Wrappers that do not
/// change which handle a value is (`.await`, `?`, `&`, `*`, parentheses, casts) are removed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExprFact {
    /// An integer literal.
    Int(u64),
    /// A path: a local variable, a const, a function.
    Path(PathRef),
    /// A closure or async block: the body it starts.
    Body(BodyId),
    /// A path call: index into [`FileFacts::calls`].
    Call(u32),
    /// A method call: index into [`FileFacts::method_calls`].
    MethodCall(u32),
    Field {
        base: ExprId,
        name: String,
    },
    Tuple(Vec<ExprId>),
    /// A struct literal; `ty` is the last segment of its path (`Self` kept as written).
    Struct {
        ty: String,
        fields: Vec<(String, ExprId)>,
    },
    /// `a[i]`: one element of a collection.
    Index(ExprId),
    /// `if`/`match`/block: any of these values.
    Either(Vec<ExprId>),
    /// Something else.
    Other,
}

/// A binding pattern.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PatFact {
    Bind(String),
    Tuple(Vec<PatFact>),
    /// `S { a, b: x }` (field name, pattern).
    Struct(Vec<(String, PatFact)>),
    /// `Some(x)`, `Ok(x)`, `Err(x)`: the inner value.
    Wrapped(Box<PatFact>),
    /// A tuple-struct or enum-variant pattern (`State::Idle(iter)`): the variant's name (the
    /// path's last segment) and its fields in order. It binds only values built by that
    /// variant, or values of unknown shape.
    Variant(String, Vec<PatFact>),
    /// `_`, literals, anything that binds no handle.
    Ignore,
}

/// A path call: `a::b::c(args)`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CallFact {
    pub body: Option<BodyId>,
    pub callee: PathRef,
    pub args: Vec<ExprId>,
    pub range: FileRange,
    /// Directly followed by `.await`.
    pub awaited: bool,
    /// The innermost loop of its body around it.
    pub loop_id: Option<u32>,
    /// Inside a loop of its body.
    pub in_loop: bool,
    /// Found inside a macro invocation (parsed on a best-effort basis).
    pub in_macro: bool,
}

/// Where a future sits in a `select!`: which select, which branch.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelectPos {
    pub select: u32,
    pub branch: u32,
}

/// A method call: `receiver.method(args)`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MethodCallFact {
    pub body: Option<BodyId>,
    pub receiver: ExprId,
    pub method: String,
    pub args: Vec<ExprId>,
    /// From the method name to the closing parenthesis.
    pub range: FileRange,
    /// Directly followed by `.await` (possibly after `?`).
    pub awaited: bool,
    /// The innermost loop of its body around it.
    pub loop_id: Option<u32>,
    pub in_loop: bool,
    pub in_macro: bool,
    /// The select branch whose future this call is part of.
    pub select: Option<SelectPos>,
}

/// `let pat = init;` and `if let` / `while let`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LetFact {
    pub body: Option<BodyId>,
    pub pat: PatFact,
    pub init: ExprId,
    /// `let x: T = ..`: the declared type, through references and wrappers.
    pub ty: Option<PathRef>,
    /// `let x: Arc<tokio::sync::Mutex<T>> = ..`: the lock type among the wrappers.
    pub lock_ty: Option<PathRef>,
    /// A `let` statement (not `if let`, a match arm): from `let` to `;`.
    pub range: Option<FileRange>,
    /// The end of the block the binding lives in (where it is dropped).
    pub scope_end: u32,
    /// The innermost loop of its body around it.
    pub loop_id: Option<u32>,
}

/// A named field of a struct declaration, with its declared type.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FieldDecl {
    /// The struct's name.
    pub owner: String,
    pub name: String,
    /// The field's type through references and wrappers (`Arc<Semaphore>` -> `Semaphore`).
    pub ty: PathRef,
    /// The first type argument of that type (`ActorRef<Ponger>` -> `Ponger`).
    pub ty_arg: Option<String>,
    /// The lock type among the wrappers (`Arc<tokio::sync::Mutex<T>>` -> `tokio::sync::Mutex`).
    pub lock_ty: Option<PathRef>,
    /// The field's name in the declaration.
    pub range: FileRange,
}

/// `value.await` on a value (not a call): waiting for a future held in a local or field,
/// such as a oneshot receiver.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AwaitFact {
    pub body: Option<BodyId>,
    pub value: ExprId,
    /// From the `.` to the end of `await`.
    pub range: FileRange,
    /// The select branch whose future this is part of.
    pub select: Option<SelectPos>,
    /// The innermost loop of its body around it.
    pub loop_id: Option<u32>,
}

/// `place = value;`
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AssignFact {
    pub body: Option<BodyId>,
    pub place: ExprId,
    pub value: ExprId,
}

/// `for pat in iter { }`: iterating a receiver receives from it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ForFact {
    pub body: Option<BodyId>,
    pub pat: PatFact,
    pub iter: ExprId,
    pub range: FileRange,
    /// The loop this `for` is.
    pub loop_id: u32,
}

/// A loop (`loop`, `while`, `for`) inside a body.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LoopFact {
    /// The loop around this one in the same body.
    pub parent: Option<u32>,
    pub body: Option<BodyId>,
}

/// A `select!`-family macro with its branches' futures in order.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SelectFact {
    pub body: Option<BodyId>,
    /// `tokio::select! { biased; .. }` or `futures::select_biased!`: branches polled in order.
    pub biased: bool,
    pub branches: Vec<ExprId>,
    pub range: FileRange,
    /// Every arm in order (`else` too), indexed like [`SelectPos::branch`].
    pub arms: Vec<SelectArmFact>,
    /// The innermost loop of its body around it.
    pub loop_id: Option<u32>,
    /// The macro's path as written (`tokio::select`, `select`).
    pub path: PathRef,
}

/// One arm of a `select!`: what its future polls and where its handler is.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SelectArmFact {
    /// The arm's first token (its pattern, `else`).
    pub start: FileRange,
    /// The local whose future this arm polls in place (`&mut fut`, `fut.as_mut()`,
    /// `Pin::new(&mut fut)`; `true`), or a bare local (`fut`; `false`): the future outlives
    /// the select.
    pub polled: Option<(String, bool)>,
    /// The future expression, when it polls a local.
    pub future: Option<FileRange>,
    /// The handler expression.
    pub handler: FileRange,
    /// How the handler ends.
    pub end: ArmEnd,
}

/// How a select arm's handler ends, from its last statement.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ArmEnd {
    /// Goes on after the select.
    Falls,
    /// `continue`: the next turn of the loop.
    Continue,
    /// `break`: after the loop.
    Break,
    /// `return`, a panic: nothing after it in this body runs.
    Return,
}

/// Everything extracted from one file.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct FileFacts {
    /// Scope 0 is the file's root module.
    pub scopes: Vec<Scope>,
    pub bodies: Vec<BodyFact>,
    pub calls: Vec<CallFact>,
    pub exprs: Vec<ExprFact>,
    /// The body each expression of `exprs` is in.
    pub expr_body: Vec<Option<BodyId>>,
    pub method_calls: Vec<MethodCallFact>,
    pub lets: Vec<LetFact>,
    /// `.await`s on values (not calls).
    pub awaits: Vec<AwaitFact>,
    /// Named fields of the struct declarations.
    pub fields: Vec<FieldDecl>,
    pub assigns: Vec<AssignFact>,
    pub fors: Vec<ForFact>,
    pub selects: Vec<SelectFact>,
    /// Locals pinned in place (`tokio::pin!(fut)`, `pin_mut!(fut)`, `let fut = pin!(..)`):
    /// the future lives until the end of the block, whoever holds the pinned reference.
    pub pinned: Vec<(Option<BodyId>, String)>,
    pub loops: Vec<LoopFact>,
    /// Expression statements whose value is dropped at once (`expr;`).
    pub discarded: Vec<ExprId>,
    pub mod_decls: Vec<ModDecl>,
    /// `// bpcheck:allow(...)` comments, read: by line, the comment or why it is malformed.
    /// Not cached: read again from the text (see [`crate::cache`]).
    #[serde(skip)]
    pub allows: Vec<AllowCommentFact>,
    /// Declarations written with bpcheck's macros and attributes.
    pub decls: Vec<DeclFact>,
    /// Byte ranges of items left out of the build being analyzed (`#[cfg(test)]` code when
    /// tests are not analyzed): allow comments there are not reported as unused.
    pub skipped: Vec<(u32, u32)>,
}

/// A `// bpcheck:allow(..) reason` comment.
#[derive(Clone, Debug)]
pub struct AllowCommentFact {
    /// 1-based line.
    pub line: usize,
    /// Byte range of the comment.
    pub range: (u32, u32),
    /// The lint codes and reason, or why the comment cannot be read.
    pub parsed: Result<bpcheck_decl::AllowComment, String>,
}

/// A declaration made with one of bpcheck's macros or attributes, read with the grammar the
/// macros use (`bpcheck-decl`). It counts only where its path resolves to bpcheck's.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DeclFact {
    /// The macro's or attribute's path as written.
    pub path: PathRef,
    /// The macro call or the attribute.
    pub range: FileRange,
    pub kind: DeclKind,
}

/// What a declaration says.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum DeclKind {
    /// `channel!(name, capacity)`: the constructor call it expands to is `call`.
    Channel {
        name: String,
        /// `None`: unbounded.
        capacity: Option<u64>,
        call: u32,
    },
    /// `#[actor(..)]` / `#[gateway(..)]` on an item.
    Role {
        gateway: bool,
        name: String,
        /// `mailbox = ..`: `Some(None)` is `unbounded`.
        mailbox: Option<Option<u64>>,
        target: RoleTarget,
    },
    Topology(TopologyFact),
    /// `#[allow(codes, reason = "..")]` on the item whose byte range is `item`.
    Allow {
        #[serde(with = "lint_codes")]
        codes: Vec<&'static str>,
        reason: String,
        item: FileRange,
    },
    /// A declaration the grammar rejects: the message, at the offending token.
    Invalid {
        message: String,
        at: FileRange,
    },
}

/// What an actor attribute is written on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RoleTarget {
    /// A struct, enum or `impl`: the type's name; its methods are the actor's code.
    Type(String),
    /// A function: the task that runs it.
    Body(BodyId),
}

/// A `topology!` block as plain data, each name with the range of its declaration.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TopologyFact {
    /// (name, capacity (`None`: unbounded), range).
    pub channels: Vec<(String, Option<u64>, FileRange)>,
    /// (name, is a gateway, range).
    pub actors: Vec<(String, bool, FileRange)>,
    /// (from, to, via channel, range of the statement).
    pub edges: Vec<(String, String, String, FileRange)>,
    /// (from, to, semaphore, range of the statement).
    pub admits: Vec<(String, String, String, FileRange)>,
    /// `closed;`
    pub closed: Option<FileRange>,
    /// The whole macro call.
    pub range: FileRange,
}

/// Lint codes as strings, read back as the lint table's own `&'static str`s.
mod lint_codes {
    use serde::{de::Error, Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(codes: &[&'static str], s: S) -> Result<S::Ok, S::Error> {
        codes.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<&'static str>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|c| {
                bpcheck_decl::LINTS
                    .iter()
                    .map(|(code, _)| *code)
                    .find(|k| k == c)
                    .ok_or_else(|| D::Error::custom(format!("unknown lint code {c}")))
            })
            .collect()
    }
}
