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
