//! Doubling benchmark: the analysis of synthetic crates with N channels, tasks, sends and
//! permits, for N doubling; a linear analysis doubles its time with each step.
//!
//! Run with `cargo bench -p bpcheck-analyzer --bench scaling`.
//!
//! Each shape is one generated crate (one in-memory file, given to the analyzer through the
//! overlay, so nothing is written to disk), analyzed in full (`analyze`: parse, extract,
//! resolve, flow, tasks, lints). For each shape and N the best of `BPCHECK_SCALING_ITERS`
//! runs (default 1) is printed with its ratio to the previous N: about 2.0 is linear, about
//! 4.0 quadratic.
//!
//! Environment:
//! - `BPCHECK_SCALING_SIZES`: comma-separated N (default `5000,10000,20000,40000`);
//! - `BPCHECK_SCALING_ONLY`: comma-separated shape names to run (default: all);
//! - `BPCHECK_SCALING_ITERS`: timed runs per point (default 1).

#[path = "scaling/gen.rs"]
mod gen;

use bpcheck_analyzer::{analyze, Config, CrateInput, Roots};
use std::collections::HashMap;
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let sizes: Vec<usize> = env_list("BPCHECK_SCALING_SIZES")
        .map(|v| v.iter().filter_map(|s| s.parse().ok()).collect())
        .unwrap_or_else(|| vec![5_000, 10_000, 20_000, 40_000]);
    let only = env_list("BPCHECK_SCALING_ONLY");
    let iters: usize = std::env::var("BPCHECK_SCALING_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
        .max(1);
    println!(
        "{:<18} {:>8} {:>10} {:>10} {:>7}",
        "shape", "N", "MB", "ms", "ratio"
    );
    for shape in gen::SHAPES {
        if only
            .as_ref()
            .is_some_and(|o| !o.iter().any(|s| s == shape.name))
        {
            continue;
        }
        let mut prev: Option<Duration> = None;
        for &n in &sizes {
            let text = (shape.generate)(n);
            let mb = text.len() as f64 / 1e6;
            let best = (0..iters).map(|_| run(&text)).min().unwrap_or_default();
            let ratio = prev.map_or(String::from("-"), |p| {
                format!("{:.2}", best.as_secs_f64() / p.as_secs_f64())
            });
            println!(
                "{:<18} {:>8} {:>10.2} {:>10.1} {:>7}",
                shape.name,
                n,
                mb,
                best.as_secs_f64() * 1e3,
                ratio
            );
            prev = Some(best);
        }
    }
}

/// Analyzes `text` as the only file of one crate; returns the time taken.
fn run(text: &str) -> Duration {
    let path = PathBuf::from("/nonexistent/bpcheck-scaling/lib.rs");
    let mut overlay = HashMap::new();
    overlay.insert(path.clone(), text.to_string());
    let config = Config {
        overlay: Arc::new(overlay),
        ..Config::default()
    };
    let input = [CrateInput {
        name: "scaling".into(),
        roots: Roots::Files(vec![path]),
        extern_renames: HashMap::new(),
        cfg_test: false,
        settings: Default::default(),
    }];
    let t = Instant::now();
    let a = black_box(analyze(black_box(&input), &config));
    let d = t.elapsed();
    drop(a);
    d
}

fn env_list(name: &str) -> Option<Vec<String>> {
    let v = std::env::var(name).ok()?;
    Some(v.split(',').map(|s| s.trim().to_string()).collect())
}
