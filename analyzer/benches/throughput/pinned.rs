//! The pinned corpus: the registry packages of `corpus/Cargo.lock`, read from cargo's
//! registry sources (`corpus/run` or `cargo fetch --manifest-path corpus/Cargo.toml` puts
//! them there).

use std::path::{Path, PathBuf};

/// The lockfile of the pinned corpus, in this workspace.
pub fn lockfile() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus/Cargo.lock")
}

/// (name, version) of every `[[package]]` whose source is a registry, in lockfile order.
pub fn registry_packages(lock: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in lock.split("[[package]]").skip(1) {
        let field = |key: &str| {
            entry.lines().find_map(|l| {
                let v = l.strip_prefix(key)?.trim_start().strip_prefix('=')?.trim();
                Some(v.trim_matches('"').to_string())
            })
        };
        let (Some(name), Some(version), Some(source)) =
            (field("name"), field("version"), field("source"))
        else {
            continue;
        };
        if source.starts_with("registry+") || source.starts_with("sparse+") {
            out.push((name, version));
        }
    }
    out
}

/// The source directory of each package under `registry_src` (`~/.cargo/registry/src`):
/// `<index>/<name>-<version>`; packages not found are returned in the second list.
pub fn package_dirs(
    registry_src: &Path,
    packages: &[(String, String)],
) -> (Vec<PathBuf>, Vec<String>) {
    let indexes: Vec<PathBuf> = std::fs::read_dir(registry_src)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for (name, version) in packages {
        let dir = format!("{name}-{version}");
        match indexes.iter().map(|i| i.join(&dir)).find(|d| d.is_dir()) {
            Some(d) => found.push(d),
            None => missing.push(dir),
        }
    }
    (found, missing)
}
