//! Allowances: `#[allow(BP001, reason = "..")]` on an item, `// bpcheck:allow(BP001) reason`
//! where an attribute cannot go. A reason is required.

use crate::lint_codes::{lint_by_selector, LINTS};
use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::{Ident, LitStr, Token};

/// A lint named by an allowance, resolved to its code.
#[derive(Clone, Debug)]
pub struct LintRef {
    pub code: &'static str,
    pub span: Span,
}

/// The arguments of `#[allow(..)]`: lints, then `reason = ".."`.
#[derive(Clone, Debug)]
pub struct AllowArgs {
    pub lints: Vec<LintRef>,
    pub reason: String,
}

fn unknown(selector: &str) -> String {
    format!(
        "unknown lint `{selector}`; expected a code ({}..{}) or a name such as `unbounded-channel`",
        LINTS[0].0,
        LINTS[LINTS.len() - 1].0
    )
}

/// A lint selector: `BP001`, `unbounded_channel` or `unbounded-channel`.
fn selector(input: ParseStream) -> syn::Result<(String, Span)> {
    let first: Ident = input.parse()?;
    let mut text = first.to_string();
    while input.peek(Token![-]) {
        input.parse::<Token![-]>()?;
        let next: Ident = input.parse()?;
        text.push('-');
        text.push_str(&next.to_string());
    }
    Ok((text, first.span()))
}

impl Parse for AllowArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut lints = Vec::new();
        let mut reason = None;
        while !input.is_empty() {
            if input.peek(Ident) && input.peek2(Token![=]) {
                let key: Ident = input.parse()?;
                if key != "reason" {
                    return Err(syn::Error::new(
                        key.span(),
                        format!("unknown argument `{key}`; expected `reason = \"..\"`"),
                    ));
                }
                input.parse::<Token![=]>()?;
                let lit: LitStr = input.parse()?;
                if lit.value().trim().is_empty() {
                    return Err(syn::Error::new(lit.span(), "the reason is empty"));
                }
                reason = Some(lit.value());
            } else {
                let (text, span) = selector(input)?;
                let code =
                    lint_by_selector(&text).ok_or_else(|| syn::Error::new(span, unknown(&text)))?;
                lints.push(LintRef { code, span });
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        if lints.is_empty() {
            return Err(syn::Error::new(
                Span::call_site(),
                "name the lints to allow: `allow(BP001, reason = \"..\")`",
            ));
        }
        let reason = reason.ok_or_else(|| {
            syn::Error::new(
                Span::call_site(),
                "an allowance needs a reason: `allow(BP001, reason = \"..\")`",
            )
        })?;
        Ok(AllowArgs { lints, reason })
    }
}

/// A `// bpcheck:allow(..) reason` comment, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllowComment {
    /// The codes of the lints it names; `all` for every lint.
    pub codes: Vec<&'static str>,
    /// The text after the closing parenthesis, trimmed; `None` when there is none.
    pub reason: Option<String>,
}

/// Reads the part of an allow comment after `bpcheck:allow(`: the selectors up to `)` and the
/// reason after it. An unknown lint or a missing `)` is an error with the message the
/// attribute form gives.
pub fn parse_allow_comment(after_marker: &str) -> Result<AllowComment, String> {
    let close = after_marker
        .find(')')
        .ok_or("an allow comment is `bpcheck:allow(BP001) reason`: `)` is missing")?;
    let mut codes = Vec::new();
    for sel in after_marker[..close].split(',').map(str::trim) {
        if sel.is_empty() {
            continue;
        }
        if sel.eq_ignore_ascii_case("all") {
            codes.push("all");
            continue;
        }
        codes.push(lint_by_selector(sel).ok_or_else(|| unknown(sel))?);
    }
    if codes.is_empty() {
        return Err("name the lints to allow: `bpcheck:allow(BP001) reason`".into());
    }
    // A second comment on the line (`// TODO`, a test marker) is not part of the reason.
    let rest = &after_marker[close + 1..];
    let rest = &rest[..rest.find("//").unwrap_or(rest.len())];
    let reason = rest.trim_start_matches([' ', '\t', ':', '-']).trim();
    Ok(AllowComment {
        codes,
        reason: (!reason.is_empty()).then(|| reason.to_string()),
    })
}
