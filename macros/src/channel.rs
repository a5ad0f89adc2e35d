//! `channel!`: the constructor call of the chosen flavor, nothing else.

use bpcheck_decl::ChannelArgs;
use proc_macro2::{Span, TokenStream};
use quote::quote;

/// `::tokio::sync::mpsc::channel(64)`, `::flume::unbounded()`, ...
pub fn expand(args: &ChannelArgs) -> TokenStream {
    let bound = args.capacity.bound();
    let path = args.flavor.constructor(bound.is_some());
    let segments = path.iter().map(|s| syn::Ident::new(s, Span::call_site()));
    let name = args
        .flavor
        .takes_name()
        .then(|| proc_macro2::Literal::string(&args.name.to_string()));
    let name = name.iter();
    match bound {
        Some(n) => {
            let n = proc_macro2::Literal::u64_unsuffixed(n);
            quote!(::#(#segments)::*(#(#name,)* #n))
        }
        None => quote!(::#(#segments)::*(#(#name)*)),
    }
}
