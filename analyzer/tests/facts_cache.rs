//! The facts cache: a second run reads every unchanged file's facts from the cache and
//! reports the same; after one file changes, only that file is parsed again.

use bpcheck_analyzer::{analyze, Analysis, Config, CrateInput};
use std::path::Path;

fn run(root: &Path, cache: &Path) -> Analysis {
    let config = Config {
        cache_dir: Some(cache.to_path_buf()),
        ..Config::default()
    };
    analyze(
        &[CrateInput::from_root("app", root.join("src/lib.rs"))],
        &config,
    )
}

fn findings(a: &Analysis) -> Vec<(String, u32, String)> {
    a.diagnostics
        .iter()
        .map(|d| {
            let r = d.primary_range().expect("a position");
            let path = a.files.get(r.file).path.display().to_string();
            (path, r.start, d.message.clone())
        })
        .collect()
}

#[test]
fn unchanged_files_come_from_the_cache_and_a_changed_one_is_parsed_again() {
    let dir = std::env::temp_dir().join(format!("bpcheck-facts-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let src = dir.join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        src.join("lib.rs"),
        "mod queue;\nmod util;\npub fn start() { let _rx = queue::make(); }\n",
    )
    .unwrap();
    std::fs::write(
        src.join("queue.rs"),
        "pub fn make() -> tokio::sync::mpsc::UnboundedReceiver<u8> {\n    let (_tx, rx) = tokio::sync::mpsc::unbounded_channel();\n    rx\n}\n",
    )
    .unwrap();
    std::fs::write(
        src.join("util.rs"),
        "pub fn double(x: u32) -> u32 { x * 2 }\n",
    )
    .unwrap();
    let cache = dir.join("target/bpcheck/facts");

    // `lib.rs` is parsed twice: alone, then knowing that `queue::make` makes a channel.
    let first = run(&dir, &cache);
    assert_eq!(
        (first.load_stats.from_cache, first.load_stats.parsed),
        (0, 4)
    );
    assert_eq!(findings(&first).len(), 1, "{:?}", first.diagnostics);

    let second = run(&dir, &cache);
    assert_eq!(
        (second.load_stats.from_cache, second.load_stats.parsed),
        (4, 0)
    );
    assert_eq!(findings(&second), findings(&first));

    // A second unbounded channel in one file: that file alone is parsed again.
    std::fs::write(
        src.join("queue.rs"),
        "pub fn make() -> tokio::sync::mpsc::UnboundedReceiver<u8> {\n    let (_tx, rx) = tokio::sync::mpsc::unbounded_channel();\n    let (_a, _b) = tokio::sync::mpsc::unbounded_channel::<u8>();\n    rx\n}\n",
    )
    .unwrap();
    let third = run(&dir, &cache);
    assert_eq!(
        (third.load_stats.from_cache, third.load_stats.parsed),
        (3, 1)
    );
    assert_eq!(findings(&third).len(), 2, "{:?}", third.diagnostics);
    let uncached = analyze(
        &[CrateInput::from_root("app", src.join("lib.rs"))],
        &Config::default(),
    );
    assert_eq!(findings(&third), findings(&uncached));
    let _ = std::fs::remove_dir_all(&dir);
}
