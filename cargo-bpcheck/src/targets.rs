//! Turns the command line into crates to analyze: cargo packages via `cargo metadata`
//! (never compiles, needs no network), or loose files and directories.

use crate::args::Cli;
use crate::Fatal;
use bpcheck_analyzer::{collect_rs_files, CrateInput, Roots};
use cargo_metadata::{DependencyKind, Metadata, MetadataCommand, Package, Target, TargetKind};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What the JSON renderer reports for one input crate.
#[derive(Debug, Clone)]
pub struct CrateMeta {
    /// cargo's package id repr (or a `path+file://` id for loose files).
    pub package_id: String,
    pub manifest_path: String,
    /// The cargo target as cargo serializes it.
    pub target: Value,
}

/// The crates of one run, with per-crate metadata (same order) and path bases.
#[derive(Debug)]
pub struct Plan {
    pub crates: Vec<CrateInput>,
    pub meta: Vec<CrateMeta>,
    /// Directory JSON span file names are made relative to (workspace root or cwd).
    pub json_base: PathBuf,
}

/// Builds the plan for the selection on the command line.
pub fn plan(cli: &Cli, cwd: &Path) -> Result<Plan, Fatal> {
    if cli.paths.is_empty() {
        plan_manifest(cli, cwd)
    } else {
        plan_paths(&cli.paths, cwd)
    }
}

/// `path` made absolute against `cwd`.
pub fn absolute(path: &Path, cwd: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    }
}

fn plan_paths(paths: &[PathBuf], cwd: &Path) -> Result<Plan, Fatal> {
    let mut files = Vec::new();
    for p in paths {
        let abs = absolute(p, cwd);
        if abs.is_dir() {
            let found = collect_rs_files(&abs);
            if found.is_empty() {
                eprintln!("warning: no `.rs` files under `{}`", p.display());
            }
            files.extend(found);
        } else if abs.is_file() {
            files.push(abs);
        } else {
            return Err(Fatal(format!("path `{}` does not exist", p.display())));
        }
    }
    files.sort();
    files.dedup();
    let first = absolute(&paths[0], cwd);
    let name = first
        .file_stem()
        .or_else(|| cwd.file_name())
        .map(|s| s.to_string_lossy().replace(['-', '.', ' '], "_"))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "bpcheck_input".to_string());
    let src_path = files.first().cloned().unwrap_or_else(|| first.clone());
    let target = json!({
        "name": name,
        "kind": ["lib"],
        "crate_types": ["lib"],
        "required-features": [],
        "src_path": src_path.to_string_lossy(),
        "edition": "2021",
        "doctest": false,
        "test": false,
        "doc": false,
    });
    let meta = CrateMeta {
        package_id: format!("path+file://{}#{}@0.0.0", cwd.display(), name),
        manifest_path: cwd.join("Cargo.toml").to_string_lossy().into_owned(),
        target,
    };
    Ok(Plan {
        crates: vec![CrateInput {
            name,
            roots: Roots::Files(files),
            extern_renames: HashMap::new(),
        }],
        meta: vec![meta],
        json_base: cwd.to_path_buf(),
    })
}

/// The manifest to use: `--manifest-path` (a directory means its Cargo.toml), else the
/// nearest `Cargo.toml` in `cwd` or a parent.
fn find_manifest(cli: &Cli, cwd: &Path) -> Result<PathBuf, Fatal> {
    match &cli.manifest_path {
        Some(p) => {
            let mut abs = absolute(p, cwd);
            if abs.is_dir() {
                abs.push("Cargo.toml");
            }
            if abs.is_file() {
                Ok(abs)
            } else {
                Err(Fatal(format!(
                    "manifest path `{}` does not exist",
                    abs.display()
                )))
            }
        }
        None => cwd
            .ancestors()
            .map(|d| d.join("Cargo.toml"))
            .find(|m| m.is_file())
            .ok_or_else(|| {
                Fatal(format!(
                    "could not find `Cargo.toml` in `{}` or any parent directory",
                    cwd.display()
                ))
            }),
    }
}

fn load_metadata(manifest: &Path) -> Result<Metadata, Fatal> {
    MetadataCommand::new()
        .manifest_path(manifest)
        .no_deps()
        .exec()
        .map_err(|e| {
            let detail = match e {
                cargo_metadata::Error::CargoMetadata { stderr } => stderr.trim().to_string(),
                other => other.to_string(),
            };
            let detail = detail
                .lines()
                .map(|l| format!("  {l}"))
                .collect::<Vec<_>>()
                .join("\n");
            Fatal(format!(
                "failed to read manifest `{}`\n{detail}",
                manifest.display()
            ))
        })
}

fn same_path(a: &Path, b: &Path) -> bool {
    a == b || matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}

fn select<'m>(cli: &Cli, meta: &'m Metadata, manifest: &Path) -> Result<Vec<&'m Package>, Fatal> {
    let members = meta.workspace_packages();
    if cli.workspace {
        return Ok(members);
    }
    if !cli.package.is_empty() {
        let mut out: Vec<&Package> = Vec::new();
        for name in &cli.package {
            let pkg = members
                .iter()
                .find(|p| p.name.as_str() == name.as_str())
                .ok_or_else(|| Fatal(format!("package `{name}` not found in workspace")))?;
            if !out.iter().any(|p| p.id == pkg.id) {
                out.push(pkg);
            }
        }
        return Ok(out);
    }
    let own = members
        .iter()
        .copied()
        .find(|p| same_path(p.manifest_path.as_std_path(), manifest));
    let is_root = same_path(
        meta.workspace_root.join("Cargo.toml").as_std_path(),
        manifest,
    );
    // Like cargo: a member's manifest selects that member; the root manifest selects
    // the default members (the root package unless `default-members` says otherwise).
    match own {
        Some(p) if !is_root => Ok(vec![p]),
        _ if meta.workspace_default_members.is_available() => Ok(meta.workspace_default_packages()),
        Some(p) => Ok(vec![p]),
        None => Ok(members),
    }
}

/// Renamed dependencies visible to `target`: code name -> real crate name.
fn renames(pkg: &Package, target: &Target) -> HashMap<String, String> {
    let build = target.kind.contains(&TargetKind::CustomBuild);
    pkg.dependencies
        .iter()
        .filter(|d| {
            if build {
                d.kind == DependencyKind::Build
            } else {
                d.kind != DependencyKind::Build
            }
        })
        .filter_map(|d| {
            let rename = d.rename.as_ref()?;
            Some((rename.replace('-', "_"), d.name.replace('-', "_")))
        })
        .collect()
}

fn plan_manifest(cli: &Cli, cwd: &Path) -> Result<Plan, Fatal> {
    let manifest = find_manifest(cli, cwd)?;
    let meta = load_metadata(&manifest)?;
    let packages = select(cli, &meta, &manifest)?;
    let mut crates = Vec::new();
    let mut metas = Vec::new();
    for pkg in packages {
        for target in &pkg.targets {
            crates.push(CrateInput {
                name: target.name.clone(),
                roots: Roots::ModuleTree(target.src_path.clone().into_std_path_buf()),
                extern_renames: renames(pkg, target),
            });
            metas.push(CrateMeta {
                package_id: pkg.id.repr.clone(),
                manifest_path: pkg.manifest_path.to_string(),
                target: serde_json::to_value(target).unwrap_or(Value::Null),
            });
        }
    }
    Ok(Plan {
        crates,
        meta: metas,
        json_base: meta.workspace_root.into_std_path_buf(),
    })
}
