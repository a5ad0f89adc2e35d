//! The crate users depend on: re-exports the declaration macros of cargo-bpcheck.
//! Checked channel and semaphore wrappers for tests come later.

pub use bpcheck_macros::{actor, allow, channel, gateway, topology};
