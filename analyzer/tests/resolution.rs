//! Path resolution as seen through BP001: what is and is not an unbounded channel.

mod common;
use common::{analyze_lib, findings};

#[test]
fn full_path_and_leading_colons() {
    let a = analyze_lib(
        r#"
fn f() {
    let _ = tokio::sync::mpsc::unbounded_channel::<u8>();
    let _ = ::std::sync::mpsc::channel::<u8>();
    let _ = tokio::sync::mpsc::channel::<u8>(8);
}
"#,
    );
    assert_eq!(findings(&a), vec![(3, "BP001"), (4, "BP001")]);
}

#[test]
fn aliases_groups_self_and_globs() {
    let a = analyze_lib(
        r#"
use tokio::sync::mpsc::{self as chan, unbounded_channel as make};
use crossbeam_channel::*;
use futures::channel::{mpsc::{self}};
fn f() {
    let _ = chan::unbounded_channel::<u8>();
    let _ = make::<u8>();
    let _ = unbounded::<u8>();
    let _ = mpsc::unbounded::<u8>();
    let _ = bounded::<u8>(1);
}
"#,
    );
    assert_eq!(
        findings(&a),
        vec![(6, "BP001"), (7, "BP001"), (8, "BP001"), (9, "BP001")]
    );
}

#[test]
fn local_items_are_not_library_calls() {
    let a = analyze_lib(
        r#"
use std::sync::mpsc::*;
fn channel() -> u8 { 0 }
mod inner {
    pub fn unbounded() {}
    fn g() { unbounded(); }
}
fn f() {
    channel();
    inner::unbounded();
    unbounded();
}
"#,
    );
    assert_eq!(findings(&a), vec![]);
}

#[test]
fn uses_in_nested_modules_and_fn_bodies_and_reexports() {
    let a = analyze_lib(
        r#"
mod chans {
    pub use tokio::sync::mpsc::unbounded_channel as make;
    pub mod deeper {
        use super::make;
        pub fn g() { let _ = make::<u8>(); }
    }
}
fn f() {
    use flume::unbounded as u;
    let _ = u::<u8>();
    let _ = chans::make::<u8>();
    let _ = crate::chans::make::<u8>();
}
fn h() {
    let _ = u::<u8>();
}
"#,
    );
    assert_eq!(
        findings(&a),
        vec![(6, "BP001"), (11, "BP001"), (12, "BP001"), (13, "BP001")]
    );
}

#[test]
fn zero_capacity_through_a_const() {
    let a = analyze_lib(
        r#"
const CAP: usize = 0;
fn f() {
    let _ = tokio::sync::mpsc::channel::<u8>(CAP);
    let _ = std::sync::mpsc::sync_channel::<u8>(0);
    let _ = async_channel::bounded::<u8>(0);
}
"#,
    );
    assert_eq!(findings(&a), vec![(4, "BP008"), (6, "BP008")]);
}

#[test]
fn cyclic_and_self_referential_uses_terminate() {
    let a = analyze_lib(
        r#"
mod a { pub use super::b::*; }
mod b { pub use super::a::*; }
use a::*;
use x::y as x;
fn f() { let _ = nothing(); let _ = x(); }
"#,
    );
    assert_eq!(findings(&a), vec![]);
}

#[test]
fn globs_import_only_what_the_importer_can_see() {
    let a = analyze_lib(
        r#"
pub mod rt {
    pub use self::imp::*;
    pub use self::shared::*;
    mod imp {
        use flume as tokio;
        fn unbounded() -> bool { false }
        pub(crate) use std::sync::mpsc::channel as queue;
        pub(super) use flume::unbounded as inbox;
        pub(in crate::rt) use crossbeam_channel::unbounded as lane;
        pub(self) use std::sync::mpsc::channel as hidden;
    }
    mod shared {
        pub use crossbeam_channel::unbounded;
        pub fn hidden() {}
    }
    fn f() {
        let _ = tokio::sync::mpsc::unbounded_channel::<u8>();
        let _ = unbounded::<u8>();
        let _ = queue::<u8>();
        let _ = inbox::<u8>();
        let _ = lane::<u8>();
        hidden();
    }
}
"#,
    );
    assert_eq!(
        findings(&a),
        vec![
            (18, "BP001"),
            (19, "BP001"),
            (20, "BP001"),
            (21, "BP001"),
            (22, "BP001")
        ]
    );
}

#[test]
fn a_glob_of_the_parent_sees_its_private_names() {
    let a = analyze_lib(
        r#"
use flume::unbounded as make;
fn helper() {}
mod tests {
    use super::*;
    fn f() {
        let _ = make::<u8>();
        helper();
    }
    mod deeper {
        use super::super::*;
        fn g() { let _ = make::<u8>(); }
    }
}
"#,
    );
    assert_eq!(findings(&a), vec![(7, "BP001"), (12, "BP001")]);
}

#[test]
fn a_glob_in_a_block_shadows_names_of_outer_scopes() {
    let a = analyze_lib(
        r#"
use tokio::sync::mpsc::channel;
fn unbounded() {}
fn f() {
    use std::sync::mpsc::*;
    let _ = channel::<u8>();
}
fn g() {
    use crossbeam_channel::*;
    let _ = unbounded::<u8>();
}
fn h() {
    use std::sync::mpsc::sync_channel as channel;
    let _ = channel::<u8>(1);
    {
        use std::sync::mpsc::*;
        let _ = channel::<u8>();
    }
    let _ = channel::<u8>(2);
}
fn same_scope() {
    use std::sync::mpsc::*;
    use tokio::sync::mpsc::channel;
    let _ = channel::<u8>(1);
}
fn without_the_name() {
    use std::collections::*;
    let _ = channel::<u8>(1);
    unbounded();
}
"#,
    );
    assert_eq!(
        findings(&a),
        vec![(6, "BP001"), (10, "BP001"), (17, "BP001")]
    );
}

/// Analyzes one `src/lib.rs` with or without `cfg(test)` code.
fn analyze_lib_cfg_test(src: &str, cfg_test: bool) -> bpcheck_analyzer::Analysis {
    let dir = std::env::temp_dir().join(format!(
        "bpcheck-resolution-cfg-{}-{cfg_test}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("src/lib.rs"), src).unwrap();
    let input = bpcheck_analyzer::CrateInput::from_root("t", dir.join("src/lib.rs"))
        .with_cfg_test(cfg_test);
    let a = bpcheck_analyzer::analyze(&[input], &bpcheck_analyzer::Config::default());
    let _ = std::fs::remove_dir_all(&dir);
    a
}

#[test]
fn test_only_code_is_analyzed_only_with_cfg_test() {
    let src = r#"
#[cfg(not(test))]
use crossbeam_channel::bounded as queue;
#[cfg(test)]
fn queue<T>(_: usize) -> (crossbeam_channel::Sender<T>, crossbeam_channel::Receiver<T>) { crossbeam_channel::unbounded() }
fn f() { let _ = queue::<u8>(4); }
#[cfg(test)]
mod tests { fn g() { let _ = std::sync::mpsc::channel::<u8>(); } }
#[cfg(all(test, feature = "x"))]
fn h() { let _ = std::sync::mpsc::channel::<u8>(); }
#[cfg(any(test, feature = "x"))]
fn i() { let _ = std::sync::mpsc::channel::<u8>(); }
#[cfg(not(not(test)))]
fn j() { let _ = std::sync::mpsc::channel::<u8>(); }
#[test]
fn k() { let _ = std::sync::mpsc::channel::<u8>(); }
#[tokio::test(flavor = "multi_thread")]
async fn l() { let _ = std::sync::mpsc::channel::<u8>(); }
#[cfg(windows)]
fn m() { let _ = std::sync::mpsc::channel::<u8>(); }
fn n() {
    #[cfg(test)]
    let _ = std::sync::mpsc::channel::<u8>();
    #[cfg(test)]
    std::sync::mpsc::channel::<u8>();
}
#[cfg(any())]
fn o() { let _ = std::sync::mpsc::channel::<u8>(); }
"#;
    assert_eq!(
        findings(&analyze_lib_cfg_test(src, false)),
        vec![(12, "BP001"), (20, "BP001")]
    );
    // With test code: everything, `cfg(not(test))` included (the lib is built both ways);
    // the test-only `queue` item shadows the import, and its call makes a queue of its own.
    assert_eq!(
        findings(&analyze_lib_cfg_test(src, true)),
        vec![
            (5, "BP001"),
            (6, "BP001"),
            (8, "BP001"),
            (10, "BP001"),
            (12, "BP001"),
            (14, "BP001"),
            (16, "BP001"),
            (18, "BP001"),
            (20, "BP001"),
            (23, "BP001"),
            (25, "BP001"),
            (28, "BP001")
        ]
    );
}

#[test]
fn crate_and_super_paths_resolve_from_child_files() {
    let a = common::analyze_files(&[
        (
            "src/lib.rs",
            b"mod queues;\nmod worker;\npub use worker::start;\n",
        ),
        (
            "src/queues/mod.rs",
            b"mod make;\npub use self::make::unbounded;\n",
        ),
        (
            "src/queues/make.rs",
            b"pub fn unbounded<T>() -> (std::sync::mpsc::Sender<T>, std::sync::mpsc::Receiver<T>) {\n    std::sync::mpsc::channel()\n}\n",
        ),
        (
            "src/worker.rs",
            b"pub fn start() {\n    let (_a, _b) = crate::queues::unbounded::<u8>();\n    let (_c, _d) = super::queues::unbounded::<u8>();\n}\n",
        ),
    ]);
    let mut got: Vec<(String, usize)> = a
        .diagnostics
        .iter()
        .map(|d| {
            let r = d.primary_range().unwrap();
            let path = a.files.get(r.file).path.clone();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, a.files.line_col(r.file, r.start).0)
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("make.rs".to_string(), 2),
            ("worker.rs".to_string(), 2),
            ("worker.rs".to_string(), 3)
        ]
    );
}
