//! Where module files are: `mod x;` to `x.rs` or `x/mod.rs`, `#[path]`, and the `.rs` files
//! under a directory.

use crate::diagnostic::Diagnostic;
use crate::facts::ModDecl;
use crate::lints::LintId;
use std::path::{Path, PathBuf};

pub(super) fn missing_module(decl: &ModDecl, tried: &[PathBuf]) -> Diagnostic {
    let list: Vec<String> = tried.iter().map(|p| p.display().to_string()).collect();
    Diagnostic::new(
        LintId::MissingModule,
        format!("file not found for module `{}`", decl.name),
        decl.range,
        "declared here",
    )
    .with_note(format!("looked for: {}", list.join(", ")))
    .with_help(format!(
        "create one of those files, or add `#[path = \"...\"]` to the declaration of `{}`",
        decl.name
    ))
}

pub(super) fn is_mod_rs(path: &Path) -> bool {
    matches!(
        path.file_name().and_then(|n| n.to_str()),
        Some("mod.rs" | "lib.rs" | "main.rs")
    )
}

/// The file paths a `mod` declaration may load, with whether each owns its directory.
pub(super) fn candidates(
    parent: &Path,
    parent_owner: bool,
    decl: &ModDecl,
) -> Vec<(PathBuf, bool)> {
    let dir = parent.parent().unwrap_or(Path::new(""));
    if let Some(p) = &decl.path_attr {
        // Outside inline modules, `#[path]` is relative to the declaring file's directory.
        let base = if decl.inline_dirs.is_empty() {
            dir.to_path_buf()
        } else {
            module_dir(parent, parent_owner, &decl.inline_dirs)
        };
        return vec![(base.join(p), true)];
    }
    // A path set for some platforms (`cfg_attr(unix, path = "sys/unix.rs")`): the first that
    // exists stands for the module.
    let attr_base = if decl.inline_dirs.is_empty() {
        dir.to_path_buf()
    } else {
        module_dir(parent, parent_owner, &decl.inline_dirs)
    };
    let mut out: Vec<(PathBuf, bool)> = decl
        .cfg_paths
        .iter()
        .map(|p| (attr_base.join(p), true))
        .collect();
    let base = module_dir(parent, parent_owner, &decl.inline_dirs);
    out.push((base.join(format!("{}.rs", decl.name)), false));
    out.push((base.join(&decl.name).join("mod.rs"), true));
    out
}

/// The directory where children of the module at `inline_dirs` inside `file` live.
pub(super) fn module_dir(file: &Path, owner: bool, inline_dirs: &[String]) -> PathBuf {
    let dir = file.parent().unwrap_or(Path::new(""));
    let mut base = if owner {
        dir.to_path_buf()
    } else {
        dir.join(file.file_stem().unwrap_or_default())
    };
    for d in inline_dirs {
        base.push(d);
    }
    base
}

pub(super) fn find_module_file(
    parent: &Path,
    parent_owner: bool,
    decl: &ModDecl,
) -> Result<(PathBuf, bool), Vec<PathBuf>> {
    let cands = candidates(parent, parent_owner, decl);
    cands
        .iter()
        .find(|(p, _)| p.is_file())
        .map(|(p, owner)| (normalized(p), *owner))
        .ok_or_else(|| cands.into_iter().map(|(p, _)| p).collect())
}

/// `a/./b/../c.rs` as `a/c.rs`: one spelling per file, so a `#[path]` that leads back to a
/// file already loaded (`#[path = "./lib.rs"] mod again;`) is recognised and not loaded again.
pub(super) fn normalized(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Every `.rs` file under `dir`, sorted, skipping `target/` and hidden directories.
pub fn collect_rs_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let Ok(ft) = entry.file_type() else { continue };
            if ft.is_dir() {
                if !name.starts_with('.') && name != "target" {
                    stack.push(path);
                }
            } else if ft.is_file() && name.ends_with(".rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}
