//! The grammar accepts what the docs show and rejects each mistake with a message that
//! names it.

use bpcheck_decl::*;

fn err<T: syn::parse::Parse>(src: &str) -> String {
    match syn::parse_str::<T>(src) {
        Ok(_) => String::new(),
        Err(e) => e.to_string(),
    }
}

#[test]
fn channel_args() {
    let c: ChannelArgs = syn::parse_str("jobs, 64").unwrap();
    assert_eq!(
        (c.name.to_string(), c.capacity.bound()),
        ("jobs".into(), Some(64))
    );
    assert_eq!(c.flavor, Flavor::Tokio);
    let c: ChannelArgs = syn::parse_str("events, unbounded, flavor = flume").unwrap();
    assert_eq!((c.capacity.bound(), c.flavor), (None, Flavor::Flume));
    assert_eq!(
        Flavor::Std.constructor(true),
        ["std", "sync", "mpsc", "sync_channel"]
    );
    assert!(err::<ChannelArgs>("jobs, 0").contains("at least 1"));
    assert!(err::<ChannelArgs>("jobs, lots").contains("expected a capacity"));
    assert!(err::<ChannelArgs>("jobs, -3").contains("expected a capacity"));
    assert!(err::<ChannelArgs>("jobs, 4, flavor = kafka").contains("unknown flavor `kafka`"));
    assert!(err::<ChannelArgs>("jobs, 4, colour = red").contains("unknown argument `colour`"));
}

#[test]
fn role_args() {
    let r: RoleArgs = syn::parse_str(r#"name = "processor", mailbox = 64"#).unwrap();
    assert_eq!(r.name.unwrap().0, "processor");
    assert_eq!(r.mailbox.unwrap().bound(), Some(64));
    assert!(syn::parse_str::<RoleArgs>("").unwrap().name.is_none());
    assert!(err::<RoleArgs>(r#"name = "two words""#).contains("must be an identifier"));
    assert!(err::<RoleArgs>("mailbox = 0").contains("at least 1"));
    assert!(err::<RoleArgs>("size = 3").contains("unknown argument `size`"));
    let item: syn::Item = syn::parse_str("const X: u8 = 1;").unwrap();
    let e = ItemShape::of(&item).actor_name(Role::Actor, proc_macro2::Span::call_site());
    assert!(e.unwrap_err().to_string().contains("not a const"));
    let item: syn::Item = syn::parse_str("impl Worker { fn run(self) {} }").unwrap();
    let name = ItemShape::of(&item).actor_name(Role::Gateway, proc_macro2::Span::call_site());
    assert_eq!(name.unwrap(), "Worker");
}

#[test]
fn topology() {
    let t: Topology = syn::parse_str(
        "channel jobs: 64; channel replies: unbounded; gateway front; actor proc;
         front -> proc via jobs; proc -> front via replies;
         admit front -> proc with ADMISSION; closed;",
    )
    .unwrap();
    assert_eq!((t.channels.len(), t.actors.len(), t.edges.len()), (2, 2, 2));
    assert!(t.actor("front").unwrap().gateway && t.closed.is_some());
    assert_eq!(t.admits[0].semaphore, "ADMISSION");
    assert!(
        err::<Topology>("channel a: 1; channel a: 2;").contains("channel `a` is declared twice")
    );
    assert!(err::<Topology>("actor a; gateway a;").contains("actor `a` is declared twice"));
    assert!(err::<Topology>("actor a; a -> b via c;").contains("`b` is not a declared actor"));
    assert!(err::<Topology>("actor a; actor b; a -> b via c;")
        .contains("`c` is not a declared channel"));
    assert!(err::<Topology>("actor a; actor b; admit a -> b with S;").contains("no declared edge"));
    assert!(err::<Topology>("closed; closed;").contains("twice"));
    assert!(err::<Topology>("queue a: 1;").contains("expected `channel NAME"));
    assert!(err::<Topology>("channel a: 0;").contains("at least 1"));
}

#[test]
fn allowances() {
    let a: AllowArgs =
        syn::parse_str(r#"BP001, unbounded-spawn, reason = "bounded upstream""#).unwrap();
    let codes: Vec<_> = a.lints.iter().map(|l| l.code).collect();
    assert_eq!(codes, ["BP001", "BP004"]);
    assert_eq!(a.reason, "bounded upstream");
    assert!(err::<AllowArgs>("BP001").contains("needs a reason"));
    assert!(err::<AllowArgs>(r#"BP001, reason = " ""#).contains("reason is empty"));
    assert!(err::<AllowArgs>(r#"BP777, reason = "x""#).contains("unknown lint `BP777`"));
    assert!(err::<AllowArgs>(r#"reason = "x""#).contains("name the lints"));
    let c = parse_allow_comment("bp001, unbounded_channel) - drained by a timer").unwrap();
    assert_eq!(c.codes, ["BP001", "BP001"]);
    assert_eq!(c.reason.as_deref(), Some("drained by a timer"));
    assert_eq!(parse_allow_comment("BP004)").unwrap().reason, None);
    assert_eq!(
        parse_allow_comment("all) // TODO").unwrap(),
        AllowComment {
            codes: vec!["all"],
            reason: None
        }
    );
    assert!(parse_allow_comment("BP999) x")
        .unwrap_err()
        .contains("unknown lint `BP999`"));
    assert!(parse_allow_comment("BP001 x")
        .unwrap_err()
        .contains("`)` is missing"));
}
