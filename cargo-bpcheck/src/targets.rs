//! Turns the command line into crates to analyze: cargo packages via `cargo metadata`
//! (never compiles, needs no network), or loose files and directories.

use crate::args::Cli;
use crate::config_file;
use crate::effective_config::{self, CliSettings, Effective};
use crate::Fatal;
use bpcheck_analyzer::{collect_rs_files, CrateInput, Roots};
use cargo_metadata::{DependencyKind, Metadata, MetadataCommand, Package, Target, TargetKind};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
    /// Each selected package's effective configuration: (name, manifest, config).
    pub configs: Vec<(String, String, Effective)>,
    /// Where extracted facts are kept between runs: `<target dir>/bpcheck/facts` for cargo
    /// packages, none for loose paths.
    pub cache_dir: Option<PathBuf>,
}

/// Builds the plan for the selection on the command line.
pub fn plan(cli: &Cli, cwd: &Path, settings: &CliSettings) -> Result<Plan, Fatal> {
    if cli.paths.is_empty() {
        plan_manifest(cli, cwd, settings)
    } else {
        plan_paths(&cli.paths, cli.tests || cli.all_targets, cwd)
    }
}

/// What a cargo target is, for selection.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Class {
    /// Any library kind (`lib`, `rlib`, `cdylib`, `proc-macro`, ...).
    Lib,
    Bin,
    Example,
    Test,
    Bench,
    BuildScript,
}

impl Class {
    fn of(t: &Target) -> Class {
        let is = |k: TargetKind| t.kind.contains(&k);
        if is(TargetKind::CustomBuild) {
            Class::BuildScript
        } else if is(TargetKind::Example) {
            Class::Example
        } else if is(TargetKind::Test) {
            Class::Test
        } else if is(TargetKind::Bench) {
            Class::Bench
        } else if is(TargetKind::Bin) {
            Class::Bin
        } else {
            Class::Lib
        }
    }
}

/// The target flags of the command line, as cargo reads them.
struct Selection<'a> {
    lib: bool,
    bins: bool,
    bin: &'a [String],
    tests: bool,
    examples: bool,
    benches: bool,
    all_targets: bool,
}

impl<'a> Selection<'a> {
    fn new(cli: &'a Cli) -> Self {
        Selection {
            lib: cli.lib,
            bins: cli.bins,
            bin: &cli.bin,
            tests: cli.tests,
            examples: cli.examples,
            benches: cli.benches,
            all_targets: cli.all_targets,
        }
    }

    fn any(&self) -> bool {
        self.lib
            || self.bins
            || !self.bin.is_empty()
            || self.tests
            || self.examples
            || self.benches
            || self.all_targets
    }

    /// Whether `t` is analyzed, and if so whether with `cfg(test)` code. Like `cargo build`:
    /// by default the lib and bins; naming flags selects only those. `--tests` takes the
    /// targets with `test = true` (lib, bins, integration tests unless the manifest says
    /// otherwise) compiled as tests; `--benches` the lib, bins and benches compiled as
    /// benchmarks (also with `cfg(test)`; `cargo metadata` does not show `bench = false`).
    /// `--all-targets`: everything, the build script too, all with `cfg(test)` code.
    fn mode(&self, t: &Target) -> Option<bool> {
        let class = Class::of(t);
        if self.all_targets {
            return Some(true);
        }
        if !self.any() {
            return matches!(class, Class::Lib | Class::Bin).then_some(false);
        }
        let plain = match class {
            Class::Lib => self.lib,
            Class::Bin => self.bins || self.bin.contains(&t.name),
            Class::Example => self.examples,
            Class::Test | Class::Bench | Class::BuildScript => false,
        };
        let as_test = (self.tests && t.test && class != Class::BuildScript)
            || (self.benches && matches!(class, Class::Lib | Class::Bin | Class::Bench));
        (plain || as_test).then_some(as_test)
    }

    /// Like cargo: `--lib` and `--bin NAME` must name something in the selected packages.
    fn check(&self, packages: &[&Package]) -> Result<(), Fatal> {
        if self.all_targets {
            return Ok(());
        }
        let targets = || packages.iter().flat_map(|p| p.targets.iter());
        if self.lib && !targets().any(|t| Class::of(t) == Class::Lib) {
            let names: Vec<&str> = packages.iter().map(|p| p.name.as_str()).collect();
            return Err(Fatal(match names.as_slice() {
                [one] => format!("no library targets found in package `{one}`"),
                many => format!("no library targets found in packages: {}", many.join(", ")),
            }));
        }
        let mut bins: Vec<&str> = targets()
            .filter(|t| Class::of(t) == Class::Bin)
            .map(|t| t.name.as_str())
            .collect();
        bins.sort_unstable();
        bins.dedup();
        for name in self.bin {
            if !bins.contains(&name.as_str()) {
                let available = if bins.is_empty() {
                    "the selected packages have no bin targets".to_string()
                } else {
                    format!("available bin targets:\n    {}", bins.join("\n    "))
                };
                return Err(Fatal(format!("no bin target named `{name}`\n{available}")));
            }
        }
        Ok(())
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

fn plan_paths(paths: &[PathBuf], cfg_test: bool, cwd: &Path) -> Result<Plan, Fatal> {
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
            cfg_test,
            settings: Default::default(),
        }],
        meta: vec![meta],
        json_base: cwd.to_path_buf(),
        configs: Vec::new(),
        cache_dir: None,
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

fn plan_manifest(cli: &Cli, cwd: &Path, cli_settings: &CliSettings) -> Result<Plan, Fatal> {
    let manifest = find_manifest(cli, cwd)?;
    let meta = load_metadata(&manifest)?;
    let packages = select(cli, &meta, &manifest)?;
    let selection = Selection::new(cli);
    selection.check(&packages)?;
    let mut crates = Vec::new();
    let mut metas = Vec::new();
    let mut configs = Vec::new();
    let mut errors = Vec::new();
    let root_manifest = meta.workspace_root.join("Cargo.toml").into_std_path_buf();
    let ws = config_file::read(&root_manifest, "workspace").unwrap_or_else(|e| {
        errors.extend(e);
        None
    });
    for pkg in packages {
        let own =
            config_file::read(pkg.manifest_path.as_std_path(), "package").unwrap_or_else(|e| {
                errors.extend(e);
                None
            });
        let effective = effective_config::merge(ws.as_ref(), own.as_ref(), cli_settings, cwd);
        let settings = Arc::new(effective.settings.clone());
        configs.push((
            pkg.name.to_string(),
            crate::paths::relative_to(pkg.manifest_path.as_std_path(), cwd),
            effective,
        ));
        for target in &pkg.targets {
            let Some(cfg_test) = selection.mode(target) else {
                continue;
            };
            crates.push(CrateInput {
                name: target.name.clone(),
                roots: Roots::ModuleTree(target.src_path.clone().into_std_path_buf()),
                extern_renames: renames(pkg, target),
                cfg_test,
                settings: settings.clone(),
            });
            metas.push(CrateMeta {
                package_id: pkg.id.repr.clone(),
                manifest_path: pkg.manifest_path.to_string(),
                target: serde_json::to_value(target).unwrap_or(Value::Null),
            });
        }
    }
    if !errors.is_empty() {
        return Err(Fatal(format!(
            "invalid configuration in Cargo.toml\n{}",
            effective_config::render_errors(&errors).trim_end()
        )));
    }
    Ok(Plan {
        crates,
        meta: metas,
        cache_dir: Some(meta.target_directory.join("bpcheck").join("facts").into()),
        json_base: meta.workspace_root.into_std_path_buf(),
        configs,
    })
}
