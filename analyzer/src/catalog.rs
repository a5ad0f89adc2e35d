//! Known library APIs, by canonical path. Resolution turns a written path into a canonical
//! one; this table says what calling it means. Adding a library is adding rows here.

/// Which library a channel comes from.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum ChannelLib {
    Tokio,
    Std,
    Futures,
    Crossbeam,
    Flume,
    AsyncChannel,
    Kanal,
    /// `embassy_sync::channel::Channel`: one object is both ends, usually a `static`.
    Embassy,
}

impl ChannelLib {
    /// Human name of the library.
    pub fn name(self) -> &'static str {
        match self {
            ChannelLib::Tokio => "tokio",
            ChannelLib::Std => "std",
            ChannelLib::Futures => "futures",
            ChannelLib::Crossbeam => "crossbeam-channel",
            ChannelLib::Flume => "flume",
            ChannelLib::AsyncChannel => "async-channel",
            ChannelLib::Kanal => "kanal",
            ChannelLib::Embassy => "embassy-sync",
        }
    }
}

/// What kind of queue a constructor makes.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum ChannelKind {
    /// Grows without limit.
    Unbounded,
    /// Holds at most the capacity argument (argument index given).
    Bounded { cap_arg: usize, zero_panics: bool },
    /// Bounded ring buffer that drops old values for slow receivers (tokio broadcast).
    Broadcast { cap_arg: usize },
    /// One value, sent without waiting.
    Oneshot,
    /// Holds only the latest value.
    Watch,
}

/// What a spawn runs on.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum SpawnKind {
    /// An async task on an executor.
    Task,
    /// An OS thread (also `spawn_blocking`).
    Thread,
}

/// A known API and what calling it does.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Api {
    ChannelCtor {
        lib: ChannelLib,
        kind: ChannelKind,
    },
    /// Runs its first argument (a future or closure) concurrently.
    Spawn(SpawnKind),
    /// Returns its first argument wrapped (`Arc::new`, `Some`, `ReceiverStream::new`): the
    /// same handle for the analysis.
    Wrap,
    /// Merges two streams; `prefer_first` when the first is polled with priority.
    MergeStreams {
        prefer_first: bool,
    },
    /// Creates a counting semaphore; its permit count is argument `permits_arg`.
    SemaphoreCtor {
        permits_arg: usize,
    },
    /// `drop(x)`: ends its argument's life.
    Drop,
    /// `LazyLock::new(|| ..)`: holds what its closure returns.
    Lazy,
}

const fn bounded(lib: ChannelLib, zero_panics: bool) -> Api {
    Api::ChannelCtor {
        lib,
        kind: ChannelKind::Bounded {
            cap_arg: 0,
            zero_panics,
        },
    }
}

const fn ctor(lib: ChannelLib, kind: ChannelKind) -> Api {
    Api::ChannelCtor { lib, kind }
}

use ChannelKind::*;
use ChannelLib::*;

/// An actor framework, as data: how its actors, addresses and messages are written.
#[derive(Debug)]
pub struct Framework {
    pub name: &'static str,
    /// `impl Trait<M> for A { fn handle .. }`: actor `A` handles `M` (canonical paths).
    pub handler_traits: &'static [&'static str],
    /// `Address<A>`: a sender into `A`'s mailbox (canonical paths).
    pub address_types: &'static [&'static str],
    /// Associated functions of an actor type that start it and return its address
    /// (`Ponger::spawn(..)`).
    pub starters: &'static [&'static str],
    /// Methods of a handler's context that give the actor's own address.
    pub self_address: &'static [&'static str],
    /// The mailbox when none is chosen at the starter.
    pub default_mailbox: Mailbox,
    /// Mailbox constructors passed to a starter (canonical path, the capacity's argument;
    /// `None` for an unbounded mailbox).
    pub mailboxes: &'static [(&'static str, Option<usize>)],
    /// Methods of an address that post a message and, awaited, wait for the handler's reply.
    pub asks: &'static [&'static str],
}

/// An actor framework's default mailbox.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Mailbox {
    Bounded(u64),
    /// Bounded, with a capacity chosen where the crate's own starter makes it.
    BoundedUnknown,
    Unbounded,
}

/// Known actor frameworks. Sending on an address uses the channel methods (`tell`, `send`,
/// `ask`, `do_send`) as for any sender.
pub static FRAMEWORKS: &[Framework] = &[
    Framework {
        name: "kameo",
        handler_traits: &["kameo::message::Message"],
        address_types: &["kameo::actor::ActorRef"],
        starters: &[
            "spawn",
            "spawn_with_mailbox",
            "spawn_link",
            "spawn_in_thread",
        ],
        self_address: &["actor_ref"],
        default_mailbox: Mailbox::Bounded(64),
        mailboxes: &[
            ("kameo::mailbox::bounded", Some(0)),
            ("kameo::mailbox::unbounded", None),
        ],
        asks: &["ask"],
    },
    Framework {
        name: "actix",
        handler_traits: &["actix::Handler"],
        address_types: &["actix::Addr"],
        starters: &["start", "create", "start_default"],
        self_address: &["address"],
        default_mailbox: Mailbox::Bounded(16),
        mailboxes: &[],
        asks: &["send"],
    },
];

/// The framework whose handler trait is at `path`.
pub fn framework_of_handler(path: &[String]) -> Option<&'static Framework> {
    let p = canonicalize(path).join("::");
    FRAMEWORKS
        .iter()
        .find(|f| f.handler_traits.contains(&p.as_str()))
}

/// The framework whose address type is at `path`.
pub fn framework_of_address(path: &[String]) -> Option<&'static Framework> {
    let p = canonicalize(path).join("::");
    FRAMEWORKS
        .iter()
        .find(|f| f.address_types.contains(&p.as_str()))
}

/// A semaphore constructor whose first argument is the permit count.
const SEMAPHORE: Api = Api::SemaphoreCtor { permits_arg: 0 };

/// Canonical path -> API.
static APIS: &[(&str, Api)] = &[
    (
        "tokio::sync::mpsc::unbounded_channel",
        ctor(Tokio, Unbounded),
    ),
    ("tokio::sync::mpsc::channel", bounded(Tokio, true)),
    (
        "tokio::sync::broadcast::channel",
        ctor(Tokio, Broadcast { cap_arg: 0 }),
    ),
    ("tokio::sync::oneshot::channel", ctor(Tokio, Oneshot)),
    ("tokio::sync::watch::channel", ctor(Tokio, Watch)),
    ("std::sync::mpsc::channel", ctor(Std, Unbounded)),
    // The shim's named constructors (`bpcheck::sync::..::*_named(name, ..)`, canonicalized).
    (
        "tokio::sync::mpsc::channel_named",
        Api::ChannelCtor {
            lib: Tokio,
            kind: Bounded {
                cap_arg: 1,
                zero_panics: true,
            },
        },
    ),
    (
        "tokio::sync::mpsc::unbounded_channel_named",
        ctor(Tokio, Unbounded),
    ),
    (
        "std::sync::mpsc::sync_channel_named",
        Api::ChannelCtor {
            lib: Std,
            kind: Bounded {
                cap_arg: 1,
                zero_panics: false,
            },
        },
    ),
    ("std::sync::mpsc::channel_named", ctor(Std, Unbounded)),
    ("std::sync::mpsc::sync_channel", bounded(Std, false)),
    ("futures_channel::mpsc::unbounded", ctor(Futures, Unbounded)),
    ("futures_channel::mpsc::channel", bounded(Futures, false)),
    ("futures_channel::oneshot::channel", ctor(Futures, Oneshot)),
    ("crossbeam_channel::unbounded", ctor(Crossbeam, Unbounded)),
    ("crossbeam_channel::bounded", bounded(Crossbeam, false)),
    ("flume::unbounded", ctor(Flume, Unbounded)),
    ("flume::bounded", bounded(Flume, false)),
    ("async_channel::unbounded", ctor(AsyncChannel, Unbounded)),
    ("async_channel::bounded", bounded(AsyncChannel, true)),
    ("kanal::unbounded", ctor(Kanal, Unbounded)),
    ("kanal::unbounded_async", ctor(Kanal, Unbounded)),
    ("kanal::bounded", bounded(Kanal, false)),
    ("kanal::bounded_async", bounded(Kanal, false)),
    // `Channel<M, T, N>::new()`: the capacity is the type's generic argument 2.
    (
        "embassy_sync::channel::Channel::new",
        ctor(
            Embassy,
            Bounded {
                cap_arg: 2,
                zero_panics: false,
            },
        ),
    ),
    (
        "embassy_sync::priority_channel::PriorityChannel::new",
        ctor(
            Embassy,
            Bounded {
                cap_arg: 3,
                zero_panics: false,
            },
        ),
    ),
    ("std::sync::LazyLock::new", Api::Lazy),
    ("std::cell::LazyCell::new", Api::Lazy),
    ("once_cell::sync::Lazy::new", Api::Lazy),
    ("once_cell::unsync::Lazy::new", Api::Lazy),
    ("tokio::spawn", Api::Spawn(SpawnKind::Task)),
    ("tokio::task::spawn", Api::Spawn(SpawnKind::Task)),
    ("tokio::task::spawn_local", Api::Spawn(SpawnKind::Task)),
    ("tokio::task::spawn_blocking", Api::Spawn(SpawnKind::Thread)),
    ("std::thread::spawn", Api::Spawn(SpawnKind::Thread)),
    ("async_std::task::spawn", Api::Spawn(SpawnKind::Task)),
    ("async_std::task::spawn_local", Api::Spawn(SpawnKind::Task)),
    ("smol::spawn", Api::Spawn(SpawnKind::Task)),
    ("actix_rt::spawn", Api::Spawn(SpawnKind::Task)),
    (
        "actix_rt::task::spawn_blocking",
        Api::Spawn(SpawnKind::Thread),
    ),
    ("async_global_executor::spawn", Api::Spawn(SpawnKind::Task)),
    ("glommio::spawn_local", Api::Spawn(SpawnKind::Task)),
    ("monoio::spawn", Api::Spawn(SpawnKind::Task)),
    ("rayon::spawn", Api::Spawn(SpawnKind::Thread)),
    ("rayon::spawn_fifo", Api::Spawn(SpawnKind::Thread)),
    (
        "wasm_bindgen_futures::spawn_local",
        Api::Spawn(SpawnKind::Task),
    ),
    (
        "futures_executor::ThreadPool::spawn_ok",
        Api::Spawn(SpawnKind::Task),
    ),
    ("tokio::sync::Semaphore::new", SEMAPHORE),
    ("tokio::sync::Semaphore::const_new", SEMAPHORE),
    ("async_lock::Semaphore::new", SEMAPHORE),
    ("async_lock::Semaphore::new_arc", SEMAPHORE),
    (
        "futures_intrusive::sync::Semaphore::new",
        Api::SemaphoreCtor { permits_arg: 1 },
    ),
    (
        "futures_intrusive::sync::LocalSemaphore::new",
        Api::SemaphoreCtor { permits_arg: 1 },
    ),
    ("embassy_sync::semaphore::GreedySemaphore::new", SEMAPHORE),
    ("embassy_sync::semaphore::FairSemaphore::new", SEMAPHORE),
    ("maitake_sync::Semaphore::new", SEMAPHORE),
    ("tokio_util::sync::PollSemaphore::new", Api::Wrap),
    ("drop", Api::Drop),
    ("std::mem::drop", Api::Drop),
    ("std::sync::Arc::clone", Api::Wrap),
    ("Some", Api::Wrap),
    ("Ok", Api::Wrap),
    ("Err", Api::Wrap),
    ("Box::new", Api::Wrap),
    ("Box::pin", Api::Wrap),
    ("std::sync::Arc::new", Api::Wrap),
    ("std::rc::Rc::new", Api::Wrap),
    ("std::sync::Mutex::new", Api::Wrap),
    ("std::sync::RwLock::new", Api::Wrap),
    ("tokio::sync::Mutex::new", Api::Wrap),
    ("tokio::sync::RwLock::new", Api::Wrap),
    ("parking_lot::Mutex::new", Api::Wrap),
    ("tokio_stream::wrappers::ReceiverStream::new", Api::Wrap),
    (
        "tokio_stream::wrappers::UnboundedReceiverStream::new",
        Api::Wrap,
    ),
    (
        "futures_util::stream::select_with_strategy",
        Api::MergeStreams { prefer_first: true },
    ),
    (
        "futures_util::stream::select",
        Api::MergeStreams {
            prefer_first: false,
        },
    ),
    (
        "tokio_stream::StreamExt::merge",
        Api::MergeStreams {
            prefer_first: false,
        },
    ),
];

/// Re-exports: a path prefix that names the same items as another crate's.
static REEXPORTS: &[(&[&str], &[&str])] = &[
    // bpcheck's runtime shim: tokio's (and std's) channels and semaphores, the same API.
    (&["bpcheck", "sync", "std_mpsc"], &["std", "sync", "mpsc"]),
    (&["bpcheck", "sync"], &["tokio", "sync"]),
    (&["bpcheck", "spawn"], &["tokio", "spawn"]),
    (&["futures", "channel"], &["futures_channel"]),
    (&["futures_util", "channel"], &["futures_channel"]),
    (&["crossbeam", "channel"], &["crossbeam_channel"]),
    (&["async_std", "channel"], &["async_channel"]),
    (&["core", "sync", "mpsc"], &["std", "sync", "mpsc"]),
    (&["core", "mem"], &["std", "mem"]),
    (&["futures", "stream"], &["futures_util", "stream"]),
    (&["futures", "future"], &["futures_util", "future"]),
    (&["tokio", "sync", "semaphore"], &["tokio", "sync"]),
    (&["async_lock", "semaphore"], &["async_lock"]),
    (&["alloc", "sync"], &["std", "sync"]),
    (&["alloc", "rc"], &["std", "rc"]),
    (&["alloc", "boxed", "Box"], &["Box"]),
    (&["std", "boxed", "Box"], &["Box"]),
    (&["std", "option", "Option", "Some"], &["Some"]),
    (&["Option", "Some"], &["Some"]),
    (&["std", "result", "Result", "Ok"], &["Ok"]),
    (&["Result", "Ok"], &["Ok"]),
    (&["std", "result", "Result", "Err"], &["Err"]),
    (&["Result", "Err"], &["Err"]),
    (&["async_std", "sync", "Arc"], &["std", "sync", "Arc"]),
];

/// The re-exports: (path prefix, the prefix it names).
pub fn reexports() -> impl Iterator<Item = (&'static [&'static str], &'static [&'static str])> {
    REEXPORTS.iter().copied()
}

/// Rewrites a path through known re-exports to its canonical form.
pub fn canonicalize(path: &[String]) -> Vec<String> {
    for (from, to) in REEXPORTS {
        if path.len() >= from.len() && path.iter().zip(from.iter()).all(|(a, b)| a == b) {
            let mut out: Vec<String> = to.iter().map(|s| s.to_string()).collect();
            out.extend(path[from.len()..].iter().cloned());
            return out;
        }
    }
    path.to_vec()
}

/// The API at a canonical path.
pub fn lookup(path: &[String]) -> Option<Api> {
    static BY_PATH: std::sync::OnceLock<std::collections::HashMap<&'static str, Api>> =
        std::sync::OnceLock::new();
    let table = BY_PATH.get_or_init(|| APIS.iter().map(|(p, api)| (*p, *api)).collect());
    table.get(canonicalize(path).join("::").as_str()).copied()
}

/// What a method call on a channel handle does, by method name.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ChannelMethod {
    /// Sends; waits while a bounded queue is full when `may_wait` (and, for async
    /// methods, when awaited).
    Send { may_wait: bool, is_async: bool },
    /// Receives (or iterates, or polls as a stream).
    Recv,
    /// Returns the same handle (`clone`, `as_ref`, ...).
    Same,
}

/// Classifies a method called on a value that holds a channel handle.
pub fn channel_method(name: &str) -> Option<ChannelMethod> {
    use ChannelMethod::*;
    Some(match name {
        "send" | "reserve" | "reserve_owned" | "reserve_many" | "feed" | "send_all" => Send {
            may_wait: true,
            is_async: true,
        },
        "send_async" | "tell" | "ask" => Send {
            may_wait: true,
            is_async: true,
        },
        "blocking_send" | "send_blocking" => Send {
            may_wait: true,
            is_async: false,
        },
        "try_send" | "try_reserve" | "try_reserve_owned" | "force_send" | "unbounded_send"
        | "do_send" | "send_timeout" | "send_replace" | "send_modify" | "send_if_modified" => {
            Send {
                may_wait: false,
                is_async: false,
            }
        }
        "recv" | "recv_async" | "recv_many" | "blocking_recv" | "recv_blocking" | "try_recv"
        | "receive" | "try_receive" | "recv_timeout" | "next" | "select_next_some" | "try_next"
        | "iter" | "try_iter" | "into_iter" | "changed" | "into_stream" | "stream"
        | "poll_recv" | "recv_deadline" => Recv,
        "clone" | "as_ref" | "as_mut" | "borrow" | "borrow_mut" | "unwrap" | "expect" | "lock"
        | "read" | "write" | "take" | "to_owned" | "into" | "get" | "get_mut" | "values"
        | "values_mut" | "iter_mut" | "first" | "last" | "cloned" | "copied" | "pop"
        | "pop_front" | "remove" | "map_err" | "ok" | "context" | "with_context" | "wrap_err"
        | "unwrap_or_else" | "sender" | "receiver" | "dyn_sender" | "dyn_receiver" => Same,
        _ => return None,
    })
}

/// Methods that return a guard or borrow of their receiver: writing through the result
/// writes into the receiver (`self.peers.lock().unwrap().push(p)`).
pub fn is_guard_method(name: &str) -> bool {
    matches!(
        name,
        "lock"
            | "read"
            | "write"
            | "borrow"
            | "borrow_mut"
            | "as_ref"
            | "as_mut"
            | "get_mut"
            | "unwrap"
            | "expect"
            | "deref"
            | "deref_mut"
            | "try_lock"
            | "try_read"
            | "try_write"
            | "blocking_lock"
            | "blocking_read"
            | "blocking_write"
    )
}

/// Methods of a semaphore that take a permit.
pub fn is_acquire_method(name: &str) -> bool {
    matches!(
        name,
        "acquire"
            | "acquire_owned"
            | "acquire_many"
            | "acquire_many_owned"
            | "try_acquire"
            | "try_acquire_owned"
            | "try_acquire_many"
            | "try_acquire_many_owned"
            | "acquire_arc"
            | "try_acquire_arc"
    )
}

/// Methods whose call, in a loop, means the loop runs once per incoming item of work.
pub fn is_source_method(name: &str) -> bool {
    matches!(
        name,
        "try_iter"
            | "accept"
            | "recv"
            | "recv_async"
            | "recv_many"
            | "blocking_recv"
            | "recv_blocking"
            | "next"
            | "try_next"
            | "select_next_some"
            | "incoming"
            | "recv_from"
            | "read_frame"
            | "next_request"
    )
}

/// Methods whose result iterates data from outside the program, of a size the code does
/// not choose (`reader.lines()`, `listener.incoming()`, `dir.entries()`).
pub fn is_data_source_method(name: &str) -> bool {
    matches!(
        name,
        "lines" | "incoming" | "entries" | "records" | "into_records" | "rows" | "split_lines"
    )
}

/// Functions whose result iterates data from outside the program (by canonical path).
pub fn is_data_source_fn(path: &str) -> bool {
    matches!(
        path,
        "std::fs::read_dir" | "tokio::fs::read_dir" | "std::io::stdin" | "std::env::args"
    )
}

/// Stream and iterator methods that run their closure once per item.
pub fn is_per_item_combinator(name: &str) -> bool {
    matches!(
        name,
        "for_each"
            | "for_each_concurrent"
            | "try_for_each"
            | "try_for_each_concurrent"
            | "then"
            | "map"
            | "filter_map"
            | "and_then"
            | "inspect"
    )
}

/// True when a sync (non-awaited) `send` on this library's bounded sender blocks the thread.
pub fn send_is_sync(lib: ChannelLib, api_path: &str) -> bool {
    match lib {
        ChannelLib::Std | ChannelLib::Crossbeam | ChannelLib::Flume => true,
        ChannelLib::Kanal => !api_path.ends_with("_async"),
        ChannelLib::Tokio
        | ChannelLib::Futures
        | ChannelLib::AsyncChannel
        | ChannelLib::Embassy => false,
    }
}

/// Receiver methods that return the receiver as a stream or iterator, not a message.
pub fn is_stream_method(name: &str) -> bool {
    matches!(
        name,
        "iter" | "try_iter" | "into_iter" | "into_stream" | "stream"
    )
}

/// Stream and iterator adapters: the result still yields from the same receiver, though
/// what it yields is transformed (`rx_stream.map(..)`, `.fuse()`, `.boxed()`).
pub fn is_stream_adapter(name: &str) -> bool {
    matches!(
        name,
        "map"
            | "fuse"
            | "boxed"
            | "boxed_local"
            | "filter"
            | "filter_map"
            | "then"
            | "take_until"
            | "peekable"
            | "chunks"
            | "ready_chunks"
            | "inspect"
            | "map_ok"
            | "and_then"
            | "timeout"
    )
}

/// Methods that put their argument into the receiver (a collection).
pub fn is_insert_method(name: &str) -> bool {
    matches!(
        name,
        "push" | "push_back" | "push_front" | "insert" | "extend" | "replace" | "get_or_insert"
    )
}

/// Methods that spawn their first argument (`JoinSet::spawn`, `Scope::spawn`, `Handle::spawn`).
pub fn is_spawn_method(name: &str) -> bool {
    SPAWN_METHODS.contains(&name)
}

static SPAWN_METHODS: &[&str] = &[
    "spawn",
    "spawn_local",
    "spawn_blocking",
    "spawn_on",
    "must_spawn",
];

/// What a value of a known library type is, for declared types of parameters, fields and
/// locals.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum TypeKind {
    Semaphore,
    Permit,
}

/// The kind of a library type by canonical path (`tokio::sync::Semaphore`).
pub fn type_kind(path: &[String]) -> Option<TypeKind> {
    let p = canonicalize(path).join("::");
    if SEMAPHORES.contains(&p.as_str()) {
        Some(TypeKind::Semaphore)
    } else if PERMITS.contains(&p.as_str()) {
        Some(TypeKind::Permit)
    } else {
        None
    }
}

/// Semaphore types (canonical paths).
static SEMAPHORES: &[&str] = &[
    "tokio::sync::Semaphore",
    "tokio_util::sync::PollSemaphore",
    "async_lock::Semaphore",
    "futures_intrusive::sync::Semaphore",
    "futures_intrusive::sync::LocalSemaphore",
    "futures_intrusive::sync::GenericSemaphore",
    "embassy_sync::semaphore::GreedySemaphore",
    "embassy_sync::semaphore::FairSemaphore",
    "maitake_sync::Semaphore",
];

/// Permit types (canonical paths).
static PERMITS: &[&str] = &[
    "tokio::sync::SemaphorePermit",
    "tokio::sync::OwnedSemaphorePermit",
    "async_lock::SemaphoreGuard",
    "async_lock::SemaphoreGuardArc",
    "futures_intrusive::sync::SemaphoreReleaser",
    "futures_intrusive::sync::GenericSemaphoreReleaser",
    "embassy_sync::semaphore::SemaphoreReleaser",
    "maitake_sync::semaphore::Permit",
];

/// An async lock type.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum LockKind {
    Mutex,
    RwLock,
}

impl LockKind {
    pub fn name(self) -> &'static str {
        match self {
            LockKind::Mutex => "mutex",
            LockKind::RwLock => "read-write lock",
        }
    }
}

/// Async locks that hand a freed lock to the first waiter in line, whether or not that
/// waiter's future is polled again (a FIFO queue of waiters over a semaphore): (type,
/// constructors, kind). A waiter that is kept alive but no longer polled keeps the lock from
/// everyone after it. Locks that only wake a waiter and let whoever polls first take the
/// lock are not listed: a later `futures::lock::Mutex` attempt takes a free lock, and
/// `async_lock::Mutex` hands off only in its starvation mode (after 0.5 ms of waiting).
static HANDOFF_LOCKS: &[(&str, &[&str], LockKind)] = &[
    (
        "tokio::sync::Mutex",
        &["tokio::sync::Mutex::new", "tokio::sync::Mutex::const_new"],
        LockKind::Mutex,
    ),
    (
        "tokio::sync::RwLock",
        &[
            "tokio::sync::RwLock::new",
            "tokio::sync::RwLock::const_new",
            "tokio::sync::RwLock::with_max_readers",
        ],
        LockKind::RwLock,
    ),
];

/// The lock a constructor call (canonical path) makes, when it is a hand-off lock.
pub fn lock_ctor(path: &str) -> Option<LockKind> {
    HANDOFF_LOCKS
        .iter()
        .find(|(_, ctors, _)| ctors.contains(&path))
        .map(|(_, _, k)| *k)
}

/// The lock a declared type (canonical path) is, when it is a hand-off lock.
pub fn lock_type(path: &[String]) -> Option<LockKind> {
    let p = canonicalize(path).join("::");
    HANDOFF_LOCKS
        .iter()
        .find(|(ty, _, _)| *ty == p)
        .map(|(_, _, k)| *k)
}

/// How a lock method waits for its lock: `Some(true)` for exclusive access (`lock`,
/// `write`), `Some(false)` for shared access (`read`); `None` for a method that does not wait
/// in line (`try_lock`, `blocking_lock`, ...).
pub fn lock_wait(method: &str) -> Option<bool> {
    match method {
        "lock" | "lock_owned" | "write" | "write_owned" => Some(true),
        "read" | "read_owned" => Some(false),
        _ => None,
    }
}

/// Methods of a lock that return its guard (waiting or not).
pub fn is_lock_guard_method(method: &str) -> bool {
    lock_wait(method).is_some()
        || matches!(
            method,
            "try_lock"
                | "try_read"
                | "try_write"
                | "try_lock_owned"
                | "try_read_owned"
                | "try_write_owned"
                | "blocking_lock"
                | "blocking_read"
                | "blocking_write"
        )
}

/// Semaphores (canonical type path) whose freed permits go to the first waiter in line,
/// polled or not.
pub fn is_handoff_semaphore(path: &str) -> bool {
    matches!(path, "tokio::sync::Semaphore")
}

/// Acquire methods that wait in a semaphore's queue (the `try_` ones never wait).
pub fn is_queued_acquire(method: &str) -> bool {
    matches!(
        method,
        "acquire" | "acquire_owned" | "acquire_many" | "acquire_many_owned"
    )
}

/// Bounded channel constructors (canonical path) whose free slots go to the first waiting
/// sender in line, polled or not (tokio's mpsc: a semaphore of slots).
pub fn is_handoff_channel(ctor: &str) -> bool {
    matches!(ctor, "tokio::sync::mpsc::channel")
}

/// Methods of such a channel's sender that wait in line for a slot.
pub fn is_queued_send(method: &str) -> bool {
    matches!(
        method,
        "send" | "reserve" | "reserve_owned" | "reserve_many"
    )
}

/// True when a type path (canonical) is a channel's sending half.
pub fn is_sender_type(path: &[String]) -> bool {
    SENDERS.contains(&canonicalize(path).join("::").as_str())
}

/// Sending halves of channels (canonical paths).
static SENDERS: &[&str] = &[
    "tokio::sync::mpsc::Sender",
    "tokio::sync::mpsc::UnboundedSender",
    "std::sync::mpsc::Sender",
    "std::sync::mpsc::SyncSender",
    "futures_channel::mpsc::Sender",
    "futures_channel::mpsc::UnboundedSender",
    "crossbeam_channel::Sender",
    "flume::Sender",
    "async_channel::Sender",
    "kanal::Sender",
    "kanal::AsyncSender",
];

/// A home-grown actor framework: local handler impls, a local address struct holding a
/// sender; its mailboxes are made by the crate's own starter, capacity unknown here.
pub static HOME_GROWN: Framework = Framework {
    name: "home-grown",
    handler_traits: &[],
    address_types: &[],
    starters: &[],
    self_address: &[],
    default_mailbox: Mailbox::BoundedUnknown,
    mailboxes: &[],
    asks: &[],
};

/// Functions that make a `Waker` from a value: the value type's methods that waking runs.
pub fn waker_methods(path: &str) -> &'static [&'static str] {
    if waker_paths().any(|p| p == path) {
        &["wake", "wake_by_ref"]
    } else {
        &[]
    }
}

fn waker_paths() -> impl Iterator<Item = &'static str> {
    [
        "std::task::Waker::from",
        "futures_task::waker",
        "futures_task::waker_ref",
        "futures::task::waker",
        "futures::task::waker_ref",
    ]
    .into_iter()
}

/// A channel whose one object is both its sender and its receiver (`CHANNEL.send(..)`,
/// `CHANNEL.receive()`), rather than a constructor returning a pair.
pub fn is_channel_object(lib: ChannelLib) -> bool {
    lib == ChannelLib::Embassy
}

/// Extern functions that run their closure or future argument in place, on the caller's
/// task (by canonical path). Closures handed to other unknown functions run at an unknown
/// time on an unknown task.
pub fn runs_in_place(path: &str) -> bool {
    const PATHS: &[&str] = &[
        "tokio::time::timeout",
        "tokio::time::timeout_at",
        "tokio::task::block_in_place",
        "tokio::task::unconstrained",
        "tokio::task::yield_now",
        "tokio::task::coop::unconstrained",
        "std::thread::scope",
        "std::panic::catch_unwind",
        "std::panic::AssertUnwindSafe",
        "std::iter::from_fn",
        "std::iter::repeat_with",
        "std::iter::successors",
        "std::future::poll_fn",
        "std::pin::pin",
        "futures_executor::block_on",
        "futures::executor::block_on",
        "async_std::task::block_on",
        "smol::block_on",
        "pollster::block_on",
        "crossbeam_utils::thread::scope",
        "crossbeam::scope",
        "crossbeam::thread::scope",
        "rayon::scope",
        "rayon::join",
        "tracing::Instrument::instrument",
    ];
    const PREFIXES: &[&str] = &[
        "futures_util::future::",
        "futures::future::",
        "futures_util::stream::",
        "futures::stream::",
        "futures_lite::future::",
        "tokio_stream::",
        "async_stream::",
    ];
    PATHS.contains(&path) || PREFIXES.iter().any(|p| path.starts_with(p))
}

/// Methods that run their closure or future argument in place: `Option`/`Result`/iterator
/// and stream combinators, `block_on`, `run_until`, `scope`.
pub fn is_inline_method(name: &str) -> bool {
    matches!(
        name,
        "map"
            | "map_err"
            | "map_ok"
            | "map_or"
            | "map_or_else"
            | "and_then"
            | "or_else"
            | "unwrap_or_else"
            | "ok_or_else"
            | "then"
            | "then_some"
            | "is_some_and"
            | "is_none_or"
            | "is_ok_and"
            | "inspect"
            | "inspect_err"
            | "for_each"
            | "try_for_each"
            | "for_each_concurrent"
            | "try_for_each_concurrent"
            | "filter"
            | "filter_map"
            | "flat_map"
            | "flatten"
            | "fold"
            | "try_fold"
            | "reduce"
            | "any"
            | "all"
            | "find"
            | "find_map"
            | "position"
            | "take_while"
            | "skip_while"
            | "map_while"
            | "scan"
            | "retain"
            | "retain_mut"
            | "sort_by"
            | "sort_by_key"
            | "sort_unstable_by"
            | "sort_unstable_by_key"
            | "max_by_key"
            | "min_by_key"
            | "max_by"
            | "min_by"
            | "or_insert_with"
            | "or_insert_with_key"
            | "get_or_insert_with"
            | "get_or_init"
            | "get_or_try_init"
            | "call_once"
            | "with"
            | "block_on"
            | "run_until"
            | "scope"
            | "in_scope"
            | "instrument"
            | "in_current_span"
            | "timeout"
            | "catch_unwind"
            | "zip"
            | "chain"
            | "race"
            | "or"
            | "select"
            | "join"
            | "try_join"
            | "buffer_unordered"
            | "buffered"
    )
}

/// `Option`/`Result`/future combinators whose function argument receives the receiver's
/// value and whose result is what that function returns (`map`, `and_then`, `then`).
pub fn is_value_combinator(name: &str) -> bool {
    matches!(
        name,
        "map" | "and_then" | "then" | "map_ok" | "map_or_else" | "inspect"
    )
}

/// Methods that wrap the future or closure they are called on and pass it on
/// (`async {}.instrument(span)`, `fut.boxed()`): where it runs is decided by what the
/// wrapped value is handed to next.
pub fn is_future_adapter(name: &str) -> bool {
    matches!(
        name,
        "instrument"
            | "in_current_span"
            | "boxed"
            | "boxed_local"
            | "fuse"
            | "catch_unwind"
            | "map"
            | "then"
            | "map_err"
            | "map_ok"
            | "inspect"
            | "timeout"
            | "into_future"
            | "with_current_subscriber"
            | "with_subscriber"
    )
}

/// The words of everything a handle, task or permit starts from: the segments of the
/// paths of channel, semaphore and lock constructors and types, spawns, and frameworks'
/// traits, addresses and mailboxes. Code that mentions none of them (nor a crate item that
/// does) neither makes nor receives anything the analysis follows (see `skim`): methods
/// and wrappers (`send`, `Arc::new`, `drop`) act on values whose origin is written where
/// they come from.
pub fn origin_paths() -> impl Iterator<Item = &'static str> {
    let frameworks = FRAMEWORKS.iter().flat_map(|f| {
        f.handler_traits
            .iter()
            .chain(f.address_types)
            .chain(f.mailboxes.iter().map(|(p, _)| p))
            .copied()
    });
    let origins = APIS.iter().filter(|(_, api)| {
        matches!(
            api,
            Api::ChannelCtor { .. } | Api::Spawn(_) | Api::SemaphoreCtor { .. }
        )
    });
    let paths = origins
        .map(|(p, _)| *p)
        .chain(SEMAPHORES.iter().chain(PERMITS).chain(SENDERS).copied())
        .chain(
            HANDOFF_LOCKS
                .iter()
                .flat_map(|(t, c, _)| std::iter::once(*t).chain(c.iter().copied())),
        )
        .chain(frameworks);
    paths.chain(waker_paths())
}

/// Words of handles, spawns and macros that [`origin_paths`] do not spell out.
pub fn handle_words() -> impl Iterator<Item = &'static str> {
    HANDLE_WORDS.iter().chain(SPAWN_METHODS).copied()
}

/// Words of handles, spawns and macros that the tables above do not spell out: receiving
/// halves, permits, spawning methods, `select!`, wakers.
static HANDLE_WORDS: &[&str] = &[
    "Sender",
    "Receiver",
    "UnboundedSender",
    "UnboundedReceiver",
    "SyncSender",
    "AsyncSender",
    "AsyncReceiver",
    "WeakSender",
    "WeakUnboundedSender",
    "Permit",
    "OwnedPermit",
    "JoinSet",
    "select",
    "select_biased",
    "Wake",
];

/// True when some known API lives under `prefix` (used to decide glob imports of extern modules).
pub fn knows(path: &[String]) -> bool {
    lookup(path).is_some() || is_declaration_macro(path)
}

/// bpcheck's own declaration macros (`bpcheck::channel`, ...), so a glob import of the crate
/// brings them in.
fn is_declaration_macro(path: &[String]) -> bool {
    bpcheck_decl::MACROS
        .iter()
        .any(|m| bpcheck_decl::is_macro_path(path, m))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Vec<String> {
        s.split("::").map(String::from).collect()
    }

    #[test]
    fn reexports_reach_the_same_api() {
        assert_eq!(
            lookup(&p("futures::channel::mpsc::unbounded")),
            lookup(&p("futures_channel::mpsc::unbounded"))
        );
        assert_eq!(
            lookup(&p("crossbeam::channel::unbounded")),
            Some(ctor(Crossbeam, Unbounded))
        );
        assert_eq!(
            lookup(&p("async_std::channel::bounded")),
            Some(bounded(AsyncChannel, true))
        );
        assert_eq!(lookup(&p("tokio::sync::mpsc")), None);
        assert_eq!(
            lookup(&p("tokio::sync::mpsc::unbounded_channel::extra")),
            None
        );
    }
}
