//! Skimming (function bodies that cannot matter are not parsed) changes no finding, on
//! programs built to slip past it: helpers that hand a handle back without naming any
//! library, braces in generic arguments of a signature, a module declared inside a function,
//! functions named like primitive types or `union`, Unicode whitespace before a seed word.
//! Each case is analyzed with and without skimming; both must give the findings listed.

use bpcheck_analyzer::{analyze, Config, CrateInput};
use std::path::{Path, PathBuf};

const CASES: &[(&str, &[&str])] = &[
    // Generic helpers that pass a sender through: the cycle runs through them.
    ("pass2", &["BP002", "BP002"]),
    ("wrap_struct", &["BP002", "BP002"]),
    ("closure_apply", &["BP002", "BP002"]),
    ("tuple_swap", &["BP002", "BP002"]),
    ("default_field", &["BP002", "BP002"]),
    // A permit handed through a helper is still moved into the task: no finding.
    ("permit_pass", &[]),
    // Braces inside generic arguments are not the body.
    ("constret2", &["BP004"]),
    ("constwhere", &["BP004"]),
    ("constimpl", &["BP004"]),
    // `#[path] mod imp;` inside a function body: the module is loaded.
    ("pathmod", &["BP001", "BP001"]),
    ("kwname3", &["BP001", "BP001"]),
    ("uniws", &["BP001"]),
];

fn codes(dir: &Path, skim: bool) -> Vec<(String, PathBuf, u32)> {
    let config = Config {
        skim,
        ..Config::default()
    };
    let a = analyze(
        &[CrateInput::from_root("case", dir.join("src/main.rs"))],
        &config,
    );
    a.diagnostics
        .iter()
        .map(|d| {
            let r = d.primary_range().expect("a position");
            let code = d.lint.info().code.to_string();
            (code, a.files.get(r.file).path.clone(), r.start)
        })
        .collect()
}

#[test]
fn skimming_keeps_every_finding_of_the_tricky_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/skim_cases");
    let mut problems = Vec::new();
    for (name, expected) in CASES {
        let dir = root.join(name);
        let (skimmed, whole) = (codes(&dir, true), codes(&dir, false));
        let found: Vec<&str> = whole.iter().map(|(c, _, _)| c.as_str()).collect();
        if found != *expected {
            problems.push(format!("{name}: expected {expected:?}, found {found:?}"));
        }
        if skimmed != whole {
            problems.push(format!("{name}: skimmed {skimmed:?}, whole {whole:?}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
