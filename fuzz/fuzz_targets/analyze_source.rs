//! Structured Rust: the input is read as source text (seeded with real sources and the
//! fixtures, which libFuzzer mutates), analyzed, and the model's graph walked.
#![no_main]

libfuzzer_sys::fuzz_target!(|text: &str| {
    let analysis = bpcheck_analyzer::analyze_source(text);
    let model = &analysis.model;
    for s in &model.sends {
        assert!((s.chan as usize) < model.channels.len() && (s.task as usize) < model.tasks.len());
    }
    for r in &model.recvs {
        assert!((r.chan as usize) < model.channels.len() && (r.task as usize) < model.tasks.len());
    }
    for d in &analysis.diagnostics {
        let _ = d.lint.info();
        let _ = d.primary_range();
    }
});
