//! Declarations for cargo-bpcheck: name channels, give their capacities, mark actors.
//!
//! Every macro validates its arguments at compile time (a `compile_error!` at the span of
//! the bad token) and expands to nothing that runs: declarations cost nothing at run time.
//! The analyzer reads the same declarations from source.

mod topology;

mod test_attr;

use proc_macro::TokenStream;

/// Declares the message topology of a system: named channels with their capacities.
///
/// ```text
/// bpcheck::topology! {
///     channel jobs: 64;
///     channel replies: unbounded;
/// }
/// ```
///
/// Each name may be declared once; a capacity is a positive integer or `unbounded`.
/// Expands to an empty `const _: () = ();`.
#[proc_macro]
pub fn topology(input: TokenStream) -> TokenStream {
    match syn::parse::<topology::Topology>(input) {
        Ok(t) => t.expand().into(),
        Err(e) => e.to_compile_error().into(),
    }
}

/// Marks a type or function as an actor (a task with a mailbox). Returns the item unchanged.
///
/// ```text
/// #[bpcheck::actor]
/// struct Processor { inbox: tokio::sync::mpsc::Receiver<Job> }
/// ```
#[proc_macro_attribute]
pub fn actor(args: TokenStream, item: TokenStream) -> TokenStream {
    let args = proc_macro2::TokenStream::from(args);
    if let Some(tok) = args.into_iter().next() {
        return syn::Error::new(tok.span(), "`#[bpcheck::actor]` takes no arguments")
            .to_compile_error()
            .into();
    }
    item
}

/// Runs an `async fn` test like `#[tokio::test]` (same arguments: `flavor`,
/// `worker_threads`, `start_paused`), with a bpcheck monitor for this test alone. With
/// bpcheck's `check` feature, a deadlock, an ask cycle, growth past budget or a leaked
/// permit fails the test, and a short report of high-water marks is printed. Also takes
/// `unbounded_budget = N`, `grace_ms = N` and `task_budget = N`.
///
/// ```text
/// #[bpcheck::test(flavor = "multi_thread", worker_threads = 2)]
/// async fn pipeline_drains() {
///     let (tx, mut rx) = bpcheck::sync::mpsc::channel(4);
///     tx.send(1).await.unwrap();
///     assert_eq!(rx.recv().await, Some(1));
/// }
/// ```
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    match test_attr::expand(args.into(), item.into()) {
        Ok(t) => t.into(),
        Err(e) => e.to_compile_error().into(),
    }
}
