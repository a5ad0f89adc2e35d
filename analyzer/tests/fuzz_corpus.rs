//! Replays the checked-in fuzz corpus (`fuzz/corpus/*/`) through the analysis: every input
//! ends with diagnostics whose spans lie inside their files, and no panic.

use std::path::PathBuf;

fn corpus_files() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus");
    let mut files = Vec::new();
    for target in std::fs::read_dir(&root).into_iter().flatten().flatten() {
        for input in std::fs::read_dir(target.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            files.push(input.path());
        }
    }
    files.sort();
    files
}

#[test]
fn every_corpus_input_is_analyzed_without_panicking() {
    let files = corpus_files();
    assert!(files.len() >= 1000, "only {} corpus inputs", files.len());
    for path in &files {
        // A fuzzer running on the same directory may have replaced the file meanwhile.
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        let analysis = bpcheck_analyzer::analyze_source(&text);
        for d in &analysis.diagnostics {
            for l in &d.labels {
                let f = analysis.files.get(l.range.file);
                assert!(
                    l.range.start <= l.range.end && l.range.end as usize <= f.text.len(),
                    "{}: label outside its file",
                    path.display()
                );
            }
        }
    }
}
