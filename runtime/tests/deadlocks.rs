//! The deadlocking fixtures, compiled as they are with `tokio` naming the shim, are
//! reported as deadlocks naming their tasks, channels and send sites; their fixed versions
//! complete without a report. Each run is on both runtime flavors.

#![cfg(feature = "check")]

extern crate self as tokio;

mod shim;

pub use shim::*;

#[path = "../../fixtures/graph_gateway_cycle/src/system.rs"]
#[allow(dead_code)]
mod gateway_cycle;

#[path = "../../fixtures/graph_self_send/src/system.rs"]
#[allow(dead_code)]
mod self_send;

#[path = "../../fixtures/graph_gateway_priority/src/system.rs"]
#[allow(dead_code)]
mod gateway_priority;

#[path = "../../fixtures/graph_gateway_select_send/src/system.rs"]
#[allow(dead_code)]
mod gateway_select_send;

#[path = "../../fixtures/graph_try_send_edge/src/system.rs"]
#[allow(dead_code)]
mod try_send_edge;

const GATEWAY: &str = "fixtures/graph_gateway_cycle/src/system.rs";

#[test]
fn gateway_cycle_is_reported_with_tasks_channels_and_sites() {
    for multi in [false, true] {
        let message = reported(checked("gateway_cycle", multi, gateway_cycle::run(100)));
        assert!(message.starts_with("bpcheck: deadlock: "), "{message}");
        // The gateway (spawned at :104) waits at :52 on the engine's mailbox (created at
        // :101); the engine (spawned at :102) waits at :78 on the gateway's (:100).
        for part in [
            format!("spawned at {GATEWAY}:104 waits at {GATEWAY}:52 to send on the channel created at {GATEWAY}:101 (capacity 8, full)"),
            format!("spawned at {GATEWAY}:102 waits at {GATEWAY}:78 to send on the channel created at {GATEWAY}:100 (capacity 8, full)"),
        ] {
            assert!(message.contains(&part), "{part} not in {message}");
        }
        assert!(message.contains(" -> back to #"), "{message}");
    }
}

#[test]
fn self_send_is_reported_as_a_cycle_of_one() {
    const CRAWLER: &str = "fixtures/graph_self_send/src/system.rs";
    for multi in [false, true] {
        let message = reported(checked("self_send", multi, self_send::run(100)));
        assert!(message.starts_with("bpcheck: deadlock: "), "{message}");
        let step = format!("spawned at {CRAWLER}:84 waits at {CRAWLER}:70 to send on the channel created at {CRAWLER}:83 (capacity 16, full) -> back to #");
        assert!(message.contains(&step), "{step} not in {message}");
        assert_eq!(message.matches(" -> ").count(), 1, "{message}");
    }
}

#[test]
fn fixed_gateways_complete() {
    for multi in [false, true] {
        assert_eq!(
            completed(checked(
                "gateway_priority",
                multi,
                gateway_priority::run(200)
            )),
            200
        );
        assert_eq!(
            completed(checked(
                "gateway_select_send",
                multi,
                gateway_select_send::run(200)
            )),
            200
        );
        let answers = completed(checked("try_send_edge", multi, try_send_edge::run(200)));
        assert_eq!(answers.total(), 200);
    }
}
