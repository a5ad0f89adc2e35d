//! The observed graph of fixture `shim_observed_registry` (its `system.rs` compiled as it
//! is, with `tokio` naming the shim): the router sends into the sinks' queues through boxed
//! callbacks, which the static graph puts on a callback task of their own; the shim records
//! the router as the sender, which `cargo bpcheck --observed` then reports.

#![cfg(feature = "check")]

extern crate self as tokio;

mod shim;

pub use shim::*;

#[path = "../../fixtures/shim_observed_registry/src/system.rs"]
mod system;

const SYSTEM: &str = "fixtures/shim_observed_registry/src/system.rs";

#[test]
fn the_router_is_recorded_as_the_sender_into_the_sinks_queues() {
    // Each sink's share fits in its queue: no alert is dropped.
    let alerts = 2 * system::QUEUE;
    assert_eq!(
        completed(checked("observed_registry", true, system::run(alerts))),
        alerts
    );
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.join("../target"));
    let text = std::fs::read_to_string(target.join("bpcheck/observed_registry.json")).unwrap();
    let graph: serde_json::Value = serde_json::from_str(&text).unwrap();
    let channels = graph["channels"].as_array().unwrap();
    let queues: Vec<&serde_json::Value> = channels
        .iter()
        .filter(|c| c["site"]["file"] == SYSTEM && c["site"]["line"] == 40)
        .collect();
    assert_eq!(queues.len(), 2, "two sinks: {channels:?}");
    let router = format!("spawned at {SYSTEM}:51");
    for queue in queues {
        let sent_by_router = graph["edges"].as_array().unwrap().iter().any(|e| {
            e["channel"] == queue["id"]
                && e["direction"] == "send"
                && e["task"].as_str().unwrap().ends_with(&router)
                && e["site"]["line"] == 41
        });
        assert!(sent_by_router, "{text}");
        assert_eq!(queue["sent"], system::QUEUE);
        assert_eq!(queue["capacity"], 16);
    }
}
