//! Arbitrary bytes as a source file: whatever they are, the analysis ends with diagnostics.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let analysis = bpcheck_analyzer::analyze_source(&text);
    // Every diagnostic's spans lie inside the file they name.
    for d in &analysis.diagnostics {
        for l in &d.labels {
            let f = analysis.files.get(l.range.file);
            assert!(l.range.start <= l.range.end && l.range.end as usize <= f.text.len());
        }
    }
});
