//! The module tree: raw-identifier module names and platform paths.

mod common;
use common::analyze_files;

#[test]
fn raw_identifier_modules_and_platform_paths_are_found() {
    let a = analyze_files(&[
        (
            "src/lib.rs",
            b"pub mod r#async;\n#[cfg_attr(unix, path = \"sys/unix.rs\")]\n#[cfg_attr(windows, path = \"sys/windows.rs\")]\nmod sys;\n",
        ),
        (
            "src/async.rs",
            b"pub fn q() { let _ = std::sync::mpsc::channel::<u8>(); }\n",
        ),
        (
            "src/sys/unix.rs",
            b"pub fn p() { let _ = std::sync::mpsc::channel::<u8>(); }\n",
        ),
    ]);
    let codes: Vec<&str> = a.diagnostics.iter().map(|d| d.lint.info().code).collect();
    assert_eq!(codes, vec!["BP001", "BP001"], "{:#?}", a.diagnostics);
}

#[test]
fn a_platform_path_that_exists_nowhere_is_still_missing() {
    let a = analyze_files(&[(
        "src/lib.rs",
        b"#[cfg_attr(unix, path = \"sys/unix.rs\")]\nmod sys;\n",
    )]);
    let codes: Vec<&str> = a.diagnostics.iter().map(|d| d.lint.info().code).collect();
    assert_eq!(codes, vec!["BP902"], "{:#?}", a.diagnostics);
}
