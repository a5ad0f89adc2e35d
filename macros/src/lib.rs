//! Declarations for cargo-bpcheck: named, sized channels, actors, gateways, the intended
//! topology and allowances with reasons.
//!
//! Every macro validates its arguments with the grammar of `bpcheck-decl` (the analyzer reads
//! the same declarations with the same code) and reports a mistake as a `compile_error!` at
//! the offending token. Nothing runs: attributes return their item unchanged, `topology!`
//! expands to an empty constant and `channel!` to exactly the constructor call. Users name
//! them through the `bpcheck` crate.

mod channel;
mod role;
mod test_attr;

use bpcheck_decl::{AllowArgs, Role, Topology};
use proc_macro::TokenStream;

/// A named, sized channel, made where it is declared: expands to exactly the constructor
/// call, so the name and the capacity live at the creation site.
///
/// `channel!(NAME, CAPACITY [, flavor = FLAVOR])`: the capacity is a positive integer or
/// `unbounded` (written out); the flavor is `tokio` (default, `tokio::sync::mpsc`), `std`,
/// `crossbeam`, `flume`, `async_channel`, `futures`, or `bpcheck` (the runtime shim's
/// `bpcheck::sync::mpsc::channel_named("NAME", CAPACITY)`, so its reports use the declared
/// name). The crate of the flavor must be a dependency.
///
/// ```
/// use bpcheck_macros::channel;
///
/// let (tx, rx) = channel!(jobs, 8, flavor = std); // std::sync::mpsc::sync_channel(8)
/// tx.send(1u32).unwrap();
/// assert_eq!(rx.recv().unwrap(), 1);
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let (tx, mut rx) = channel!(replies, 4); // tokio::sync::mpsc::channel(4)
/// tx.send("done").await.unwrap();
/// assert_eq!(rx.recv().await, Some("done"));
/// # });
/// ```
#[proc_macro]
pub fn channel(input: TokenStream) -> TokenStream {
    match syn::parse::<bpcheck_decl::ChannelArgs>(input) {
        Ok(args) => channel::expand(&args).into(),
        Err(e) => e.to_compile_error().into(),
    }
}

/// Marks an actor: a struct, enum or `impl` whose methods run as a task with a mailbox, or
/// the function a task runs. `name` (default: the item's own name) is how `topology!`,
/// diagnostics and the graph call it; `mailbox` is the capacity of the channel it receives
/// on, which `cargo bpcheck` holds the code to. Returns the item unchanged.
///
/// ```
/// #[bpcheck_macros::actor(name = "processor", mailbox = 64)]
/// async fn process(mut inbox: tokio::sync::mpsc::Receiver<u64>) {
///     while let Some(job) = inbox.recv().await {
///         let _ = job;
///     }
/// }
/// ```
#[proc_macro_attribute]
pub fn actor(args: TokenStream, item: TokenStream) -> TokenStream {
    role::check(Role::Actor, args, item)
}

/// Marks a gateway: an actor that faces the outside world and takes work in from clients.
/// The same arguments as [`macro@actor`]. Returns the item unchanged.
///
/// ```
/// struct Frontend {
///     jobs: tokio::sync::mpsc::Sender<u64>,
/// }
///
/// #[bpcheck_macros::gateway(name = "frontend")]
/// impl Frontend {
///     async fn accept(&self, job: u64) {
///         let _ = self.jobs.send(job).await;
///     }
/// }
/// ```
#[proc_macro_attribute]
pub fn gateway(args: TokenStream, item: TokenStream) -> TokenStream {
    role::check(Role::Gateway, args, item)
}

/// Declares the intended topology: channels with capacities, actors and gateways, the edges
/// between them, admission and whether other edges may exist. `cargo bpcheck` reports where
/// the code differs (BP010 `topology-drift`) and reads admission for BP007. Expands to an
/// empty constant, in item or statement position.
///
/// ```
/// bpcheck_macros::topology! {
///     channel jobs: 64;
///     channel replies: 64;
///     gateway frontend;
///     actor processor;
///     frontend -> processor via jobs;
///     processor -> frontend via replies;
///     admit frontend -> processor with ADMISSION;
///     closed;
/// }
/// # fn main() {}
/// ```
///
/// Each channel and actor is declared once; edges connect declared actors through declared
/// channels; an admission names a declared edge and the semaphore (binding, field or static)
/// whose permits the messages carry; `closed` means no other edges between declared actors.
#[proc_macro]
pub fn topology(input: TokenStream) -> TokenStream {
    match syn::parse::<Topology>(input) {
        Ok(_) => quote::quote!(
            const _: () = ();
        )
        .into(),
        Err(e) => e.to_compile_error().into(),
    }
}

/// Allows lints on an item, with a reason (required): `#[bpcheck::allow(BP001, reason =
/// "..")]`. Lints are named by code or name. `cargo bpcheck` hides their findings inside the
/// item, lists them with `--show-allowed`, and reports an allowance that hides nothing
/// (BP012). Where an attribute cannot go, write `// bpcheck:allow(BP001) reason` on the line
/// or the line above. Returns the item unchanged. Write it with its path (`bpcheck::allow`):
/// a bare `allow` is rustc's own.
///
/// ```
/// #[bpcheck_macros::allow(unbounded-channel, reason = "one message per connection")]
/// fn events() -> std::sync::mpsc::Receiver<u8> {
///     let (tx, rx) = std::sync::mpsc::channel();
///     tx.send(1).unwrap();
///     rx
/// }
/// # fn main() { events(); }
/// ```
#[proc_macro_attribute]
pub fn allow(args: TokenStream, item: TokenStream) -> TokenStream {
    match syn::parse::<AllowArgs>(args) {
        Ok(_) => item,
        Err(e) => {
            let mut out: TokenStream = e.to_compile_error().into();
            out.extend(item);
            out
        }
    }
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
