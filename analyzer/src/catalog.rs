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

/// A known API and what calling it does.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Api {
    ChannelCtor { lib: ChannelLib, kind: ChannelKind },
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
];

/// Re-exports: a path prefix that names the same items as another crate's.
static REEXPORTS: &[(&[&str], &[&str])] = &[
    (&["futures", "channel"], &["futures_channel"]),
    (&["futures_util", "channel"], &["futures_channel"]),
    (&["crossbeam", "channel"], &["crossbeam_channel"]),
    (&["async_std", "channel"], &["async_channel"]),
    (&["core", "sync", "mpsc"], &["std", "sync", "mpsc"]),
];

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
    let canonical = canonicalize(path);
    APIS.iter().find_map(|(p, api)| {
        let mut segs = p.split("::");
        let same =
            canonical.iter().all(|s| segs.next() == Some(s.as_str())) && segs.next().is_none();
        same.then_some(*api)
    })
}

/// True when some known API lives under `prefix` (used to decide glob imports of extern modules).
pub fn knows(path: &[String]) -> bool {
    lookup(path).is_some()
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
