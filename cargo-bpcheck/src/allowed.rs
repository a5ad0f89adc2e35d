//! `--show-allowed`: the findings that allowances hid, each shown as a note with the
//! allowance and its reason.

use bpcheck_analyzer::suppress::Allowed;
use bpcheck_analyzer::{Diagnostic, Label, Level};

/// The hidden finding as a note-level diagnostic that also points at its allowance.
pub fn as_note(a: &Allowed) -> Diagnostic {
    let mut d = a.diagnostic.clone();
    d.level = Level::Allow;
    d.message = format!("allowed: {}", d.message);
    d.labels.push(Label {
        range: a.at,
        message: "allowed here".to_string(),
        primary: false,
    });
    d.notes.insert(
        0,
        match &a.reason {
            Some(r) => format!("reason: {r}"),
            None => "no reason given".to_string(),
        },
    );
    d
}
