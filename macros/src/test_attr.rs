//! `#[bpcheck::test]`: `#[tokio::test]` with a bpcheck monitor for the test alone.
//!
//! Takes tokio's arguments (`flavor`, `worker_threads`, `start_paused`, `crate`) and
//! bpcheck's (`unbounded_budget`, `grace_ms`, `task_budget`), and expands to a plain
//! `#[test]` function that hands the body to `::bpcheck::__private::run_test`.

use proc_macro2::TokenStream;
use quote::quote;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, ItemFn, Lit, MetaNameValue, Token};

/// Expands `#[bpcheck::test(args)]` on `item`.
pub(crate) fn expand(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let mut func: ItemFn = syn::parse2(item)?;
    if func.sig.asyncness.is_none() {
        return Err(syn::Error::new_spanned(
            func.sig.fn_token,
            "`#[bpcheck::test]` goes on an `async fn`",
        ));
    }
    if !func.sig.inputs.is_empty() {
        return Err(syn::Error::new_spanned(
            &func.sig.inputs,
            "a test function takes no arguments",
        ));
    }
    let pairs = Punctuated::<MetaNameValue, Token![,]>::parse_terminated.parse2(args)?;
    let mut fields = Vec::new();
    for pair in pairs {
        let key = pair
            .path
            .get_ident()
            .map(|i| i.to_string())
            .unwrap_or_default();
        match key.as_str() {
            "flavor" => {
                let flavor = string(&pair.value)?;
                match flavor.as_str() {
                    "multi_thread" => fields.push(quote!(multi_thread: true)),
                    "current_thread" => fields.push(quote!(multi_thread: false)),
                    _ => {
                        return Err(syn::Error::new_spanned(
                            &pair.value,
                            "`flavor` is \"current_thread\" or \"multi_thread\"",
                        ))
                    }
                }
            }
            "worker_threads" => {
                let n = int(&pair.value)?;
                fields.push(quote!(worker_threads: ::core::option::Option::Some(#n)));
            }
            "start_paused" => {
                let b = boolean(&pair.value)?;
                fields.push(quote!(start_paused: #b));
            }
            "unbounded_budget" => {
                let n = int(&pair.value)?;
                fields.push(quote!(unbounded_budget: ::core::option::Option::Some(#n)));
            }
            "grace_ms" => {
                let n = int(&pair.value)?;
                fields.push(quote!(grace_ms: ::core::option::Option::Some(#n)));
            }
            "task_budget" => {
                let n = int(&pair.value)?;
                fields.push(quote!(task_budget: ::core::option::Option::Some(#n)));
            }
            // The runtime comes from bpcheck: tokio's `crate` argument has nothing to do.
            "crate" => {}
            _ => {
                return Err(syn::Error::new_spanned(
                    &pair.path,
                    "unknown argument: `#[bpcheck::test]` takes flavor, worker_threads, start_paused, crate, unbounded_budget, grace_ms and task_budget",
                ))
            }
        }
    }
    func.sig.asyncness = None;
    let name = func.sig.ident.to_string();
    let body = &func.block;
    let attrs = &func.attrs;
    let vis = &func.vis;
    let sig = &func.sig;
    Ok(quote! {
        #[::core::prelude::v1::test]
        #(#attrs)*
        #vis #sig {
            ::bpcheck::__private::run_test(
                ::core::concat!(::core::module_path!(), "::", #name),
                ::bpcheck::__private::TestOptions {
                    #(#fields,)*
                    ..::core::default::Default::default()
                },
                async move #body,
            )
        }
    })
}

fn lit(value: &Expr) -> syn::Result<&Lit> {
    match value {
        Expr::Lit(ExprLit { lit, .. }) => Ok(lit),
        _ => Err(syn::Error::new_spanned(value, "expected a literal")),
    }
}

fn string(value: &Expr) -> syn::Result<String> {
    match lit(value)? {
        Lit::Str(s) => Ok(s.value()),
        _ => Err(syn::Error::new_spanned(value, "expected a string")),
    }
}

fn int(value: &Expr) -> syn::Result<proc_macro2::Literal> {
    match lit(value)? {
        Lit::Int(i) => {
            let n: u64 = i.base10_parse()?;
            Ok(proc_macro2::Literal::u64_unsuffixed(n))
        }
        _ => Err(syn::Error::new_spanned(value, "expected an integer")),
    }
}

fn boolean(value: &Expr) -> syn::Result<bool> {
    match lit(value)? {
        Lit::Bool(b) => Ok(b.value),
        _ => Err(syn::Error::new_spanned(value, "expected `true` or `false`")),
    }
}
