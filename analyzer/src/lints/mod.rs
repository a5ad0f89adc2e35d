//! The lint registry: every code, its name, default level and documentation.
//!
//! Each lint lives in its own file with its `INFO` (doc in the fixed shape: what it
//! detects, why it matters, example, how to fix, how to allow) and its `check`
//! function, which reads the [`Model`](crate::model::Model) and returns diagnostics.

mod ask_cycle;
mod bounded_cycle;
mod competing_gateways;
mod futurelock;
mod input;
mod permit_dropped;
mod permit_inside_task;
pub mod topology_drift;
mod unadmitted_entry;
mod unbounded_channel;
mod unbounded_spawn;
pub(crate) mod unused_allowance;
mod zero_capacity;

use crate::diagnostic::{Diagnostic, Level};
use crate::model::Model;

/// Static description of one lint.
#[derive(Debug)]
pub struct LintInfo {
    /// Stable code, e.g. `BP001`.
    pub code: &'static str,
    /// Stable kebab-case name, e.g. `unbounded-channel`.
    pub name: &'static str,
    pub default_level: Level,
    /// One line shown in lists.
    pub summary: &'static str,
    /// Markdown doc in the fixed shape, shown by `--explain`.
    pub doc: &'static str,
}

/// Identifies a lint; `info()` gives its static description.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LintId {
    UnboundedChannel,
    BoundedCycle,
    CompetingGateways,
    UnboundedSpawn,
    PermitDropped,
    PermitInsideTask,
    UnadmittedEntry,
    ZeroCapacityChannel,
    AskCycle,
    TopologyDrift,
    Futurelock,
    UnusedAllowance,
    ParseError,
    UnreadableFile,
    MissingModule,
    BadDeclaration,
    TooDeep,
}

impl LintId {
    /// Every lint, in code order.
    pub const ALL: &'static [LintId] = &[
        LintId::UnboundedChannel,
        LintId::BoundedCycle,
        LintId::CompetingGateways,
        LintId::UnboundedSpawn,
        LintId::PermitDropped,
        LintId::PermitInsideTask,
        LintId::UnadmittedEntry,
        LintId::ZeroCapacityChannel,
        LintId::AskCycle,
        LintId::TopologyDrift,
        LintId::Futurelock,
        LintId::UnusedAllowance,
        LintId::ParseError,
        LintId::UnreadableFile,
        LintId::MissingModule,
        LintId::BadDeclaration,
        LintId::TooDeep,
    ];

    /// The lint's static description.
    pub fn info(self) -> &'static LintInfo {
        match self {
            LintId::UnboundedChannel => &unbounded_channel::INFO,
            LintId::BoundedCycle => &bounded_cycle::INFO,
            LintId::CompetingGateways => &competing_gateways::INFO,
            LintId::UnboundedSpawn => &unbounded_spawn::INFO,
            LintId::PermitDropped => &permit_dropped::INFO,
            LintId::PermitInsideTask => &permit_inside_task::INFO,
            LintId::UnadmittedEntry => &unadmitted_entry::INFO,
            LintId::ZeroCapacityChannel => &zero_capacity::INFO,
            LintId::AskCycle => &ask_cycle::INFO,
            LintId::TopologyDrift => &topology_drift::INFO,
            LintId::Futurelock => &futurelock::INFO,
            LintId::UnusedAllowance => &unused_allowance::INFO,
            LintId::ParseError => &input::PARSE_ERROR,
            LintId::UnreadableFile => &input::UNREADABLE_FILE,
            LintId::MissingModule => &input::MISSING_MODULE,
            LintId::BadDeclaration => &input::BAD_DECLARATION,
            LintId::TooDeep => &input::TOO_DEEP,
        }
    }

    /// Looks a lint up by code (`BP001`, any case) or name (`unbounded-channel`, `unbounded_channel`).
    pub fn from_str_loose(s: &str) -> Option<LintId> {
        let norm = s.trim().replace('_', "-").to_ascii_lowercase();
        LintId::ALL.iter().copied().find(|id| {
            let info = id.info();
            info.code.eq_ignore_ascii_case(&norm) || info.name == norm
        })
    }
}

/// Runs every lint over the model.
pub(crate) fn run_all(model: &Model) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    unbounded_channel::check(model, &mut out);
    bounded_cycle::check(model, &mut out);
    competing_gateways::check(model, &mut out);
    unbounded_spawn::check(model, &mut out);
    permit_dropped::check(model, &mut out);
    permit_inside_task::check(model, &mut out);
    unadmitted_entry::check(model, &mut out);
    zero_capacity::check(model, &mut out);
    ask_cycle::check(model, &mut out);
    topology_drift::check(model, &mut out);
    futurelock::check(model, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut codes = std::collections::HashSet::new();
        let mut names = std::collections::HashSet::new();
        for id in LintId::ALL {
            let info = id.info();
            assert!(codes.insert(info.code), "duplicate code {}", info.code);
            assert!(names.insert(info.name), "duplicate name {}", info.name);
            assert!(
                info.code.len() == 5 && info.code.starts_with("BP"),
                "{}",
                info.code
            );
            assert!(info
                .name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-'));
            assert_eq!(LintId::from_str_loose(info.code), Some(*id));
            assert_eq!(
                LintId::from_str_loose(&info.name.replace('-', "_")),
                Some(*id)
            );
        }
    }

    #[test]
    fn the_declaration_grammar_knows_exactly_these_lints() {
        let ours: Vec<(&str, &str)> = LintId::ALL
            .iter()
            .map(|id| (id.info().code, id.info().name))
            .filter(|(code, _)| code < &"BP900")
            .collect();
        assert_eq!(ours, bpcheck_decl::LINTS);
    }

    #[test]
    fn every_doc_has_the_fixed_sections() {
        for id in LintId::ALL {
            let doc = id.info().doc;
            let mut last = 0;
            for heading in [
                "### What it detects",
                "### Why it matters",
                "### Example",
                "### How to fix",
                "### How to allow",
            ] {
                let at = doc
                    .find(heading)
                    .unwrap_or_else(|| panic!("{} doc lacks {heading}", id.info().code));
                assert!(
                    at >= last,
                    "{} doc has {heading} out of order",
                    id.info().code
                );
                last = at;
            }
        }
    }
}
