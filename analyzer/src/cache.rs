//! The facts cache, for repeated runs and the editor. Per crate, one pack file in the cache
//! directory holds the facts of each file parsed, keyed by everything they depend on: the
//! text, the bodies skimming left out, whether `cfg(test)` code counts, and the build of
//! the analyzer that extracted them. A run takes the facts of every file whose key is in
//! the pack, parses only the others, and writes a new pack with just the facts it used, so
//! the pack never holds more than one crate's worth. Any trouble reading or writing a pack
//! only costs the time to parse again.

use crate::facts::FileFacts;
use crate::source::FileId;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The start of every pack file.
const MAGIC: &[u8; 8] = b"BPFACTS1";

/// One crate's cached facts, read at the start of a run and written at its end.
#[derive(Debug)]
pub struct Pack {
    path: PathBuf,
    /// The pack file as read, and where each entry's bytes are in it.
    buf: Vec<u8>,
    old: HashMap<u128, std::ops::Range<usize>>,
    /// What the next pack holds: the entries this run used (`None`: as in `buf`) or made.
    next: Mutex<Vec<(u128, Option<Vec<u8>>)>>,
}

/// What a file's facts depend on, as one key.
pub fn key(text: &str, blanked: &[(u32, u32)], cfg_test: bool) -> u128 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(&build_id().to_le_bytes());
    h.update(&[cfg_test as u8]);
    for (a, b) in blanked {
        h.update(&a.to_le_bytes());
        h.update(&b.to_le_bytes());
    }
    h.update(text.as_bytes());
    h.digest128()
}

/// The analyzer build: its version and the executable running it, so a rebuilt analyzer
/// never reads facts an older extraction wrote.
fn build_id() -> u128 {
    static ID: std::sync::OnceLock<u128> = std::sync::OnceLock::new();
    *ID.get_or_init(|| {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        h.update(env!("CARGO_PKG_VERSION").as_bytes());
        if let Ok(exe) = std::env::current_exe() {
            h.update(exe.to_string_lossy().as_bytes());
            if let Ok(meta) = std::fs::metadata(&exe) {
                h.update(&meta.len().to_le_bytes());
                let modified = meta
                    .modified()
                    .ok()
                    .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok());
                h.update(&modified.map_or(0, |d| d.as_nanos()).to_le_bytes());
            }
        }
        h.digest128()
    })
}

impl Pack {
    /// The pack of crate `name` with roots `roots`, with or without `cfg(test)` code, under
    /// `dir` (empty when there is none yet or it cannot be read). Runs with and without test
    /// code keep packs of their own, so alternating them does not evict each other's facts.
    pub fn open(dir: &Path, name: &str, roots: &crate::Roots, cfg_test: bool) -> Pack {
        let id = xxhash_rust::xxh3::xxh3_64(format!("{name}\0{roots:?}\0{cfg_test}").as_bytes());
        let safe: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let path = dir.join(format!("{safe}-{id:016x}.facts"));
        let buf = std::fs::read(&path).unwrap_or_default();
        let old = read_entries(&buf).unwrap_or_default();
        Pack {
            path,
            buf,
            old,
            next: Mutex::new(Vec::new()),
        }
    }

    /// The cached facts at `key`, read as the facts of file `id` (the comment allowances,
    /// which are not cached, read again from `text`).
    pub fn get(&self, key: u128, id: FileId, text: &str) -> Option<FileFacts> {
        let bytes = &self.buf[self.old.get(&key)?.clone()];
        let mut facts: FileFacts = id.reading(|| postcard::from_bytes(bytes).ok())?;
        facts.allows = crate::suppress::scan_allows(text);
        self.keep(key, None);
        Some(facts)
    }

    /// Caches the facts of a file just extracted.
    pub fn put(&self, key: u128, facts: &FileFacts) {
        if let Ok(bytes) = postcard::to_stdvec(facts) {
            self.keep(key, Some(bytes));
        }
    }

    fn keep(&self, key: u128, bytes: Option<Vec<u8>>) {
        if let Ok(mut next) = self.next.lock() {
            next.push((key, bytes));
        }
    }

    /// Writes the entries this run used (atomically: a reader sees the old pack or the new).
    pub fn save(self) {
        let Ok(mut entries) = self.next.into_inner() else {
            return;
        };
        entries.sort_by_key(|e| e.0);
        entries.dedup_by_key(|e| e.0);
        let unchanged = entries.len() == self.old.len()
            && entries.iter().all(|(k, _)| self.old.contains_key(k));
        if unchanged {
            return;
        }
        let entries: Vec<(u128, &[u8])> = entries
            .iter()
            .filter_map(|(k, new)| match new {
                Some(bytes) => Some((*k, bytes.as_slice())),
                None => Some((*k, &self.buf[self.old.get(k)?.clone()])),
            })
            .collect();
        let Ok(body) = postcard::to_stdvec(&entries) else {
            return;
        };
        let Some(dir) = self.path.parent() else {
            return;
        };
        let tmp = self
            .path
            .with_extension(format!("facts.{}.tmp", std::process::id()));
        let written = std::fs::create_dir_all(dir)
            .and_then(|_| std::fs::write(&tmp, [MAGIC.as_slice(), &body].concat()))
            .and_then(|_| std::fs::rename(&tmp, &self.path));
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

/// Where each entry's bytes are in a pack file's contents.
fn read_entries(bytes: &[u8]) -> Option<HashMap<u128, std::ops::Range<usize>>> {
    let body = bytes.strip_prefix(MAGIC.as_slice())?;
    let entries: Vec<(u128, &[u8])> = postcard::from_bytes(body).ok()?;
    let base = bytes.as_ptr() as usize;
    Some(
        entries
            .into_iter()
            .map(|(k, e)| {
                let start = e.as_ptr() as usize - base;
                (k, start..start + e.len())
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts_of(text: &str, id: FileId) -> FileFacts {
        let file = syn::parse_file(text).unwrap();
        crate::extract::extract(id, &file, text, false)
    }

    #[test]
    fn facts_come_back_as_the_files_own() {
        let dir = std::env::temp_dir().join(format!("bpcheck-cache-{}", std::process::id()));
        let roots = crate::Roots::Files(vec![PathBuf::from("a.rs")]);
        let text = "// bpcheck:allow(BP001) reason\nfn f() { let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<u8>(); }";
        let made = facts_of(text, FileId(3));
        let k = key(text, &[], false);
        let pack = Pack::open(&dir, "demo", &roots, false);
        assert!(pack.get(k, FileId(3), text).is_none());
        pack.put(k, &made);
        pack.save();

        let pack = Pack::open(&dir, "demo", &roots, false);
        let read = pack.get(k, FileId(7), text).expect("cached");
        assert_eq!(read.calls.len(), made.calls.len());
        assert!(read.calls.iter().all(|c| c.range.file == FileId(7)));
        assert_eq!(read.bodies[0].range.start, made.bodies[0].range.start);
        assert_eq!(read.allows.len(), 1);
        // Another text, other bodies left out, or cfg(test): another key.
        assert_ne!(key(text, &[(1, 2)], false), k);
        assert_ne!(key(text, &[], true), k);
        assert_ne!(key("fn g() {}", &[], false), k);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_damaged_pack_is_an_empty_one() {
        let dir = std::env::temp_dir().join(format!("bpcheck-cache-bad-{}", std::process::id()));
        let roots = crate::Roots::Files(Vec::new());
        let pack = Pack::open(&dir, "x", &roots, false);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(&pack.path, b"BPFACTS1\xff\xff\xff garbage").unwrap();
        let pack = Pack::open(&dir, "x", &roots, false);
        assert!(pack.old.is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
