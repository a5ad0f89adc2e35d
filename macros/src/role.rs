//! `#[actor]` and `#[gateway]`: validate the arguments and the item, return it unchanged.

use bpcheck_decl::{ItemShape, Role, RoleArgs};
use proc_macro::TokenStream;

/// The item unchanged, or a `compile_error!` (before the item, so other errors still show).
pub fn check(role: Role, args: TokenStream, item: TokenStream) -> TokenStream {
    // The attribute itself: the item is what is wrong, not an argument.
    let attr_span = proc_macro2::Span::call_site();
    let checked = syn::parse::<RoleArgs>(args).and_then(|_| {
        let parsed: syn::Item = syn::parse(item.clone())?;
        ItemShape::of(&parsed)
            .actor_name(role, attr_span)
            .map(|_| ())
    });
    match checked {
        Ok(()) => item,
        Err(e) => {
            let mut out: TokenStream = e.to_compile_error().into();
            out.extend(item);
            out
        }
    }
}
