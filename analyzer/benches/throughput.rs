//! Throughput of the analyzer against `syn::parse_file` alone, on real crate sources.
//!
//! Run with `cargo bench -p bpcheck-analyzer --bench throughput [-- CORPUS_DIR]`, or on the
//! pinned corpus (the registry packages of `corpus/Cargo.lock`, fetched by `corpus/run`) with
//! `BPCHECK_BENCH_PINNED=1 cargo bench -p bpcheck-analyzer --bench throughput`.
//!
//! Both sides run on every core (rayon's global pool) over the same files:
//! - baseline: read each file and `syn::parse_file` it, freeing the thread's span map after
//!   each file exactly like the analyzer does;
//! - analyzer: the full `analyze` of all files as one `Roots::Files` crate (read, parse,
//!   extract facts, link modules, resolve, lint, suppress, sort).
//!
//! Each side runs `BPCHECK_BENCH_ITERS` times (default 5), interleaved, after one warm-up
//! run each; the best time of each side is reported. Files that do not parse count in both.
//!
//! Environment:
//! - `BPCHECK_BENCH_PINNED=1`: the pinned corpus: exactly the packages of
//!   `corpus/Cargo.lock` whose source is a registry, from `$CARGO_HOME/registry/src`, one
//!   crate per package (a package missing there is an error: run `corpus/run` first);
//! - `BPCHECK_BENCH_CORPUS`: corpus directory when none is given on the command line
//!   (default `$CARGO_HOME/registry/src`, i.e. `~/.cargo/registry/src`);
//! - `BPCHECK_BENCH_MAX_FILES`: use at most this many files (default: all);
//! - `BPCHECK_BENCH_ITERS`: timed iterations per side (default 5);
//! - `BPCHECK_BENCH_ENFORCE=1`: exit with status 1 when analyzer/baseline < `MIN_RATIO`;
//! - `BPCHECK_BENCH_ONE_CRATE=1`: analyze the whole corpus as one `Roots::Files` crate instead
//!   of one crate per package (files grouped by their nearest `Cargo.toml`, the default);
//! - `BPCHECK_BENCH_ONLY=baseline|analyzer`: time only that side (no ratio), e.g. under a
//!   profiler, so its samples are not mixed with the other side's;
//! - `BPCHECK_BENCH_COMPARE_SKIM=1`: also analyze once with skimming off (`Config::skim`)
//!   and list the diagnostics that differ (skimming must change none but syntax errors
//!   inside skipped bodies); exit 1 when another one differs.

#[path = "throughput/pinned.rs"]
mod pinned;

use bpcheck_analyzer::{analyze, collect_rs_files, Config, CrateInput, LintId, Roots};
use rayon::prelude::*;
use std::collections::HashMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// The allocator the `cargo bpcheck` binary uses; both sides of the comparison run on it.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The target: the analyzer keeps at least this share of parse-only throughput.
const MIN_RATIO: f64 = 0.8;

fn main() -> ExitCode {
    let pinned = std::env::var("BPCHECK_BENCH_PINNED").is_ok_and(|v| v == "1");
    let corpus = corpus_dir(pinned);
    let mut files = if pinned {
        match pinned_files(&corpus) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        collect_rs_files(&corpus)
    };
    if let Some(max) = env_usize("BPCHECK_BENCH_MAX_FILES") {
        files.truncate(max);
    }
    if files.is_empty() {
        eprintln!("no .rs files under {}", corpus.display());
        return ExitCode::FAILURE;
    }
    let iters = env_usize("BPCHECK_BENCH_ITERS").unwrap_or(5).max(1);
    let size = corpus_size(&files);
    if pinned {
        println!("corpus: pinned ({})", pinned::lockfile().display());
    } else {
        println!("corpus: {}", corpus.display());
    }
    println!(
        "  {} files, {:.2} MB, {} lines; {} threads, best of {iters}",
        files.len(),
        size.bytes as f64 / 1e6,
        size.lines,
        rayon::current_num_threads(),
    );

    // Real sources are analyzed crate by crate: one package directory, one crate.
    let input = if !std::env::var("BPCHECK_BENCH_ONE_CRATE").is_ok_and(|v| v == "1") {
        per_package(&files)
    } else {
        vec![CrateInput {
            name: "corpus".to_string(),
            roots: Roots::Files(files.clone()),
            extern_renames: HashMap::new(),
            // Every line is analyzed, as `syn::parse_file` parses every line.
            cfg_test: true,
            settings: Default::default(),
        }]
    };
    println!("  analyzed as {} crate(s) of loose files", input.len());
    let config = Config::default();

    let only = std::env::var("BPCHECK_BENCH_ONLY").unwrap_or_default();
    let (do_base, do_an) = match only.as_str() {
        "" => (true, true),
        "baseline" => (true, false),
        "analyzer" => (false, true),
        other => {
            eprintln!("BPCHECK_BENCH_ONLY={other:?}: expected `baseline` or `analyzer`");
            return ExitCode::FAILURE;
        }
    };

    // Warm-up: page cache, rayon's pool, allocator.
    if do_base {
        let failed = baseline(&files);
        println!("  baseline: {failed} files do not read or parse");
    }
    if do_an {
        let analysis = analyze(&input, &config);
        let failed = analysis
            .diagnostics
            .iter()
            .filter(|d| matches!(d.lint, LintId::ParseError | LintId::UnreadableFile))
            .count();
        println!(
            "  analyzer: {failed} files do not read or parse; {} diagnostics in all",
            analysis.diagnostics.len()
        );
        if std::env::var("BPCHECK_BENCH_COMPARE_SKIM").is_ok_and(|v| v == "1") {
            let whole = Config {
                skim: false,
                ..Config::default()
            };
            if !same_findings(&analysis, &analyze(&input, &whole)) {
                return ExitCode::FAILURE;
            }
        }
    }

    let mut best_base = Duration::MAX;
    let mut best_an = Duration::MAX;
    let mut best_drop = Duration::MAX;
    for i in 0..iters {
        // Alternate which side goes first so neither always runs on a warmer machine.
        let mut run_base = || {
            let t = Instant::now();
            black_box(baseline(black_box(&files)));
            best_base = best_base.min(t.elapsed());
        };
        let mut run_an = || {
            let t = Instant::now();
            let a = black_box(analyze(black_box(&input), &config));
            best_an = best_an.min(t.elapsed());
            let t = Instant::now();
            drop(a);
            best_drop = best_drop.min(t.elapsed());
        };
        if i % 2 == 0 {
            if do_base {
                run_base();
            }
            if do_an {
                run_an();
            }
        } else {
            if do_an {
                run_an();
            }
            if do_base {
                run_base();
            }
        }
    }

    println!();
    if do_base {
        report("syn::parse_file", best_base, &size, files.len());
    }
    if do_an {
        report("analyze", best_an, &size, files.len());
        println!(
            "  (dropping the analyzer's result, not counted: {:.1} ms)",
            ms(best_drop)
        );
    }
    if let Some(kb) = peak_rss_kb() {
        println!(
            "  peak resident memory of this process: {:.0} MB",
            kb as f64 / 1024.0
        );
    }
    if !(do_base && do_an) {
        return ExitCode::SUCCESS;
    }
    let ratio = best_base.as_secs_f64() / best_an.as_secs_f64();
    println!();
    println!("ratio analyzer/baseline: {ratio:.3} (target >= {MIN_RATIO})");
    if ratio < MIN_RATIO && std::env::var("BPCHECK_BENCH_ENFORCE").is_ok_and(|v| v == "1") {
        eprintln!("throughput ratio {ratio:.3} is below {MIN_RATIO}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// Compares the diagnostics of a skimmed and a whole analysis, printing those that differ;
/// false when one that differs is not a syntax error (which skimming may skip).
fn same_findings(skimmed: &bpcheck_analyzer::Analysis, whole: &bpcheck_analyzer::Analysis) -> bool {
    let keys = |a: &bpcheck_analyzer::Analysis| -> std::collections::BTreeSet<(String, String)> {
        a.diagnostics
            .iter()
            .map(|d| {
                let at = d.primary_range().map_or(String::new(), |r| {
                    format!("{}:{}", a.files.get(r.file).path.display(), r.start)
                });
                (at, format!("{} {}", d.lint.info().code, d.message))
            })
            .collect()
    };
    let (s, w) = (keys(skimmed), keys(whole));
    let mut ok = true;
    for (side, only) in [("skimmed", s.difference(&w)), ("whole", w.difference(&s))] {
        for (at, what) in only {
            let syntax = what.starts_with(LintId::ParseError.info().code);
            ok &= syntax;
            println!("  only {side}: {at} {what}");
        }
    }
    println!(
        "  skimming: {} diagnostics whole, {} skimmed; {}",
        w.len(),
        s.len(),
        if ok {
            "no finding differs"
        } else {
            "FINDINGS DIFFER"
        }
    );
    ok
}

/// The `.rs` files of the pinned corpus's packages, package by package.
fn pinned_files(registry_src: &Path) -> Result<Vec<PathBuf>, String> {
    let lock = pinned::lockfile();
    let text = std::fs::read_to_string(&lock)
        .map_err(|e| format!("cannot read {}: {e}", lock.display()))?;
    let packages = pinned::registry_packages(&text);
    let (dirs, missing) = pinned::package_dirs(registry_src, &packages);
    if !missing.is_empty() {
        return Err(format!(
            "{} pinned packages are not in {} (run corpus/run first): {}",
            missing.len(),
            registry_src.display(),
            missing.join(", ")
        ));
    }
    Ok(dirs.iter().flat_map(|d| collect_rs_files(d)).collect())
}

/// The corpus: first non-flag argument, else `BPCHECK_BENCH_CORPUS`, else cargo's registry
/// sources (always those with `pinned`).
fn corpus_dir(pinned: bool) -> PathBuf {
    // `cargo bench` passes `--bench`; libtest-style flags are not ours.
    if let Some(arg) = std::env::args().skip(1).find(|a| !a.starts_with('-')) {
        if !pinned {
            return PathBuf::from(arg);
        }
    }
    if let Some(dir) = std::env::var_os("BPCHECK_BENCH_CORPUS") {
        if !pinned {
            return PathBuf::from(dir);
        }
    }
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    cargo_home.join("registry").join("src")
}

/// One `Roots::Files` crate per package: files grouped by the nearest directory above them
/// that holds a `Cargo.toml` (files under none form one more crate).
fn per_package(files: &[PathBuf]) -> Vec<CrateInput> {
    let mut owner: HashMap<PathBuf, Option<PathBuf>> = HashMap::new();
    let mut groups: Vec<(Option<PathBuf>, Vec<PathBuf>)> = Vec::new();
    let mut index: HashMap<Option<PathBuf>, usize> = HashMap::new();
    for f in files {
        let dir = f.parent().unwrap_or(Path::new("")).to_path_buf();
        let pkg = package_of(&dir, &mut owner);
        let i = *index.entry(pkg.clone()).or_insert_with(|| {
            groups.push((pkg, Vec::new()));
            groups.len() - 1
        });
        groups[i].1.push(f.clone());
    }
    groups
        .into_iter()
        .map(|(pkg, files)| CrateInput {
            name: pkg
                .as_deref()
                .and_then(Path::file_name)
                .map_or("(no package)".into(), |n| n.to_string_lossy().into_owned()),
            roots: Roots::Files(files),
            extern_renames: HashMap::new(),
            // Every line is analyzed, as `syn::parse_file` parses every line.
            cfg_test: true,
            settings: Default::default(),
        })
        .collect()
}

fn package_of(dir: &Path, memo: &mut HashMap<PathBuf, Option<PathBuf>>) -> Option<PathBuf> {
    if let Some(p) = memo.get(dir) {
        return p.clone();
    }
    let p = if dir.join("Cargo.toml").is_file() {
        Some(dir.to_path_buf())
    } else {
        dir.parent().and_then(|up| package_of(up, memo))
    };
    memo.insert(dir.to_path_buf(), p.clone());
    p
}

fn env_usize(name: &str) -> Option<usize> {
    let v = std::env::var(name).ok()?;
    match v.trim().parse() {
        Ok(n) => Some(n),
        Err(_) => {
            eprintln!("ignoring {name}={v:?}: not a number");
            None
        }
    }
}

struct Size {
    bytes: u64,
    lines: u64,
}

fn corpus_size(files: &[PathBuf]) -> Size {
    let mut size = Size { bytes: 0, lines: 0 };
    for f in files {
        if let Ok(b) = std::fs::read(f) {
            size.bytes += b.len() as u64;
            let newlines = b.iter().filter(|&&c| c == b'\n').count() as u64;
            size.lines += newlines + u64::from(!b.is_empty() && !b.ends_with(b"\n"));
        }
    }
    size
}

/// Reads and parses every file in parallel, like the analyzer's loader; returns how many failed.
fn baseline(files: &[PathBuf]) -> usize {
    files
        .par_iter()
        .map(|path| {
            let ok = match std::fs::read(path).map(String::from_utf8) {
                Ok(Ok(text)) => black_box(syn::parse_file(&text)).is_ok(),
                _ => false,
            };
            proc_macro2::extra::invalidate_current_thread_spans();
            usize::from(!ok)
        })
        .sum()
}

/// The process's peak resident set size (`VmHWM`), where `/proc` has it.
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn report(name: &str, t: Duration, size: &Size, files: usize) {
    let s = t.as_secs_f64();
    println!(
        "{name:>16}: {:8.1} ms  {:7.2} MB/s  {:9.0} files/s  {:10.0} lines/s",
        ms(t),
        size.bytes as f64 / 1e6 / s,
        files as f64 / s,
        size.lines as f64 / s,
    );
}
