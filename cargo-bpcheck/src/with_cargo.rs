//! `--with-cargo check|clippy`: the compiler's own messages first, unchanged, then ours, in
//! one stream, so rust-analyzer's `check.overrideCommand` shows both.

use crate::args::{CargoCheck, Cli};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

/// Runs `cargo check` (or `clippy`) with JSON messages on the selection of `cli`, copies its
/// stdout to `out` except the final `build-finished` line, and returns whether it succeeded
/// (`None` when cargo could not be run at all).
pub fn pass_through(which: CargoCheck, cli: &Cli, cwd: &Path, out: &mut dyn Write) -> Option<bool> {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.arg(match which {
        CargoCheck::Check => "check",
        CargoCheck::Clippy => "clippy",
    });
    cmd.arg("--message-format=json").current_dir(cwd);
    if let Some(m) = &cli.manifest_path {
        cmd.arg("--manifest-path").arg(m);
    }
    if cli.workspace {
        cmd.arg("--workspace");
    }
    for p in &cli.package {
        cmd.arg("-p").arg(p);
    }
    if cli.all_targets {
        cmd.arg("--all-targets");
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .ok()?;
    let mut success = true;
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            // Ours comes last: cargo's end marker is replaced by one for both.
            if line.contains("\"reason\":\"build-finished\"") {
                success &= !line.contains("\"success\":false");
                continue;
            }
            if writeln!(out, "{line}").is_err() {
                break;
            }
        }
    }
    let status = child.wait().ok()?;
    Some(success && status.success())
}
