//! BP012 `unused-allowance`: an allowance that hides no finding.

use super::LintInfo;
use crate::diagnostic::{Diagnostic, Level};
use crate::lints::LintId;
use crate::suppress::Allowance;

pub(crate) static INFO: LintInfo = LintInfo {
    code: "BP012",
    name: "unused-allowance",
    default_level: Level::Warn,
    summary: "an allowance (attribute or comment) that hides no finding",
    doc: r#"### What it detects
A `#[bpcheck::allow(..)]` attribute or a `// bpcheck:allow(..)` comment under which no finding
of the lints it names is reported: the code it excused changed, or it names the wrong lint or
line. Allow comments in code left out of the analyzed build (`#[cfg(test)]` code without
`--tests`) are not reported.

### Why it matters
An allowance is a reviewed exception with its reason. One that excuses nothing is stale: it
reads as if a risk were known and accepted, and it will silently hide the next finding that
appears on its line or item, which nobody reviewed.

### Example
```rust
// bpcheck:allow(BP001) the queue holds one message per connection
let (tx, rx) = tokio::sync::mpsc::channel(64); // bounded now: nothing to allow
```

### How to fix
Remove the allowance, or move it to the finding it is meant for.

### How to allow
`cargo bpcheck -A BP012` (or `-A unused-allowance`).
"#,
};

/// The finding for an allowance that hid nothing.
pub(crate) fn diagnostic(a: &Allowance) -> Diagnostic {
    let codes = a.codes.join(", ");
    let mut d = Diagnostic::new(
        LintId::UnusedAllowance,
        format!("this allowance of {codes} hides no finding"),
        a.at,
        "nothing here is reported by the lints it names",
    )
    .with_help("remove it, or move it to the finding it is meant for");
    if let Some(r) = &a.reason {
        d = d.with_note(format!("its reason: {r}"));
    }
    d
}
