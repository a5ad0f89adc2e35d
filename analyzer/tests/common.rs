//! Helpers: write a small crate to a fresh temp dir and analyze it.
//! Each test file uses only some of these helpers.
#![allow(dead_code)]

use bpcheck_analyzer::{analyze, Analysis, Config, CrateInput};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// Writes `files` (path, text) under a new temp dir and analyzes `src/lib.rs` as the root.
pub fn analyze_files(files: &[(&str, &[u8])]) -> Analysis {
    let dir = std::env::temp_dir().join(format!(
        "bpcheck-analyzer-test-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let p: PathBuf = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
    }
    analyze(
        &[CrateInput::from_root("t", dir.join("src/lib.rs"))],
        &Config::default(),
    )
}

/// Analyzes one `src/lib.rs`.
pub fn analyze_lib(src: &str) -> Analysis {
    analyze_files(&[("src/lib.rs", src.as_bytes())])
}

/// (1-based line, code) of every diagnostic's primary span.
pub fn findings(a: &Analysis) -> Vec<(usize, &'static str)> {
    a.diagnostics
        .iter()
        .map(|d| {
            let r = d.primary_range().unwrap();
            (a.files.line_col(r.file, r.start).0, d.lint.info().code)
        })
        .collect()
}
