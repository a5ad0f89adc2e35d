//! The lint codes and names an allowance may name. The analyzer's registry checks in a test
//! that this table is its own.

/// Every lint an allowance can name: (code, name).
pub const LINTS: &[(&str, &str)] = &[
    ("BP001", "unbounded-channel"),
    ("BP002", "bounded-cycle"),
    ("BP003", "competing-gateways"),
    ("BP004", "unbounded-spawn"),
    ("BP005", "permit-dropped"),
    ("BP006", "permit-inside-task"),
    ("BP007", "unadmitted-entry"),
    ("BP008", "zero-capacity-channel"),
    ("BP009", "ask-cycle"),
    ("BP010", "topology-drift"),
    ("BP011", "futurelock"),
    ("BP012", "unused-allowance"),
];

/// The code of the lint named by `selector`: a code in any case (`bp001`) or a name with
/// `-` or `_` (`unbounded_channel`).
pub fn lint_by_selector(selector: &str) -> Option<&'static str> {
    let norm = selector.trim().replace('_', "-").to_ascii_lowercase();
    LINTS
        .iter()
        .find(|(code, name)| code.eq_ignore_ascii_case(&norm) || *name == norm)
        .map(|(code, _)| *code)
}
