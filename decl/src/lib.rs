//! The grammar of cargo-bpcheck's declarations: `channel!`, `#[actor]`, `#[gateway]`,
//! `topology!` and `#[allow]`, and the allow comment.
//!
//! The proc macros (`bpcheck-macros`) and the analyzer parse declarations with this code
//! only, so a declaration the compiler accepts is read the same way by `cargo bpcheck`,
//! and both reject the same mistakes with the same message at the same token.

mod allow;
mod capacity;
mod channel;
mod lint_codes;
mod role;
mod topology;

pub use allow::{parse_allow_comment, AllowArgs, AllowComment, LintRef};
pub use capacity::Capacity;
pub use channel::{ChannelArgs, Flavor};
pub use lint_codes::{lint_by_selector, LINTS};
pub use role::{ItemShape, Role, RoleArgs};
pub use topology::{Admit, Edge, Topology, TopologyActor, TopologyChannel};

/// The crates the declaration macros are named through: `bpcheck` re-exports
/// `bpcheck_macros`.
pub const CRATES: &[&str] = &["bpcheck", "bpcheck_macros"];

/// The declaration macros and attributes, by name.
pub const MACROS: &[&str] = &["channel", "actor", "gateway", "topology", "allow"];

/// Whether a canonical path is the declaration macro `name` (`bpcheck::channel`).
pub fn is_macro_path(path: &[String], name: &str) -> bool {
    matches!(path, [krate, last] if CRATES.contains(&krate.as_str()) && last == name)
}
