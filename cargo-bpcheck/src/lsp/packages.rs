//! Which package a document belongs to, and its analysis from the editor's buffers. Plans
//! (cargo metadata, targets, configuration) are cached per manifest until a `Cargo.toml` is
//! saved.

use crate::args::Cli;
use crate::effective_config::CliSettings;
use crate::targets::{self, Plan};
use bpcheck_analyzer::{analyze, Analysis, Config};
use clap::Parser;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Default)]
pub struct Packages {
    plans: HashMap<PathBuf, Plan>,
}

impl Packages {
    /// Drops the cached plans (a manifest changed).
    pub fn forget(&mut self) {
        self.plans.clear();
    }

    /// The package manifest of `path` and the analysis of that package (lib and bins, as
    /// `cargo bpcheck` does by default) with `buffers` over the files on disk.
    pub fn analyze(
        &mut self,
        path: &Path,
        buffers: &HashMap<PathBuf, String>,
    ) -> Option<(PathBuf, Result<Analysis, String>)> {
        let manifest = package_manifest(path)?;
        if !self.plans.contains_key(&manifest) {
            let dir = manifest.parent()?.to_path_buf();
            let cli = Cli::try_parse_from([
                "cargo-bpcheck".as_ref(),
                "--manifest-path".as_ref(),
                manifest.as_os_str(),
            ])
            .ok()?;
            // A manifest or configuration that cannot be read is shown on the manifest.
            match targets::plan(&cli, &dir, &CliSettings::default()) {
                Ok(plan) => self.plans.insert(manifest.clone(), plan),
                Err(crate::Fatal(message)) => return Some((manifest, Err(message))),
            };
        }
        let plan = &self.plans[&manifest];
        let config = Config {
            overlay: Arc::new(buffers.clone()),
            cache_dir: plan.cache_dir.clone(),
            ..Config::default()
        };
        Some((manifest, Ok(analyze(&plan.crates, &config))))
    }
}

/// The nearest `Cargo.toml` above `path` that has a `[package]`.
fn package_manifest(path: &Path) -> Option<PathBuf> {
    path.ancestors().skip(1).find_map(|dir| {
        let m = dir.join("Cargo.toml");
        std::fs::read_to_string(&m)
            .ok()
            .filter(|t| t.lines().any(|l| l.trim() == "[package]"))
            .map(|_| m)
    })
}
