//! Real behaviour of the message-graph fixtures. The `system.rs` module of a fixture, the
//! code whose findings `fixtures.rs` checks, is compiled here as it is and run: with tokio
//! on a paused clock, where a timer fires as soon as every task is blocked, so a deadlock
//! shows up as a timeout without waiting for it in real time; or with real OS threads and a
//! bounded wait.
//!
//! Every system that BP002 or BP003 flags is shown to stop under a flood and to finish under
//! a load its queues can hold (so the stall is the cycle, not a bug in the system); every
//! fix the lints recognise is shown to deliver everything under the same flood.

use std::time::Duration;

use tokio::time::timeout;

#[path = "../../fixtures/graph_cycle_through_struct/src/system.rs"]
mod cycle_through_struct;
#[path = "../../fixtures/graph_gateway_cycle/src/system.rs"]
mod gateway_cycle;
#[path = "../../fixtures/graph_gateway_per_connection/src/system.rs"]
mod gateway_per_connection;
#[path = "../../fixtures/graph_gateway_priority/src/system.rs"]
mod gateway_priority;
#[path = "../../fixtures/graph_gateway_select_send/src/system.rs"]
mod gateway_select_send;
#[path = "../../fixtures/graph_gateway_stream_priority/src/system.rs"]
mod gateway_stream_priority;
#[path = "../../fixtures/graph_self_send/src/system.rs"]
mod self_send;
#[path = "../../fixtures/graph_spawn_wrapper/src/system.rs"]
mod spawn_wrapper;
#[path = "../../fixtures/graph_std_thread_cycle/src/system.rs"]
mod std_thread_cycle;
#[path = "../../fixtures/graph_try_send_edge/src/system.rs"]
mod try_send_edge;

/// Virtual time a system gets. Each system needs a few virtual seconds at most for the
/// loads below (1 ms or less of simulated work per message); the paused clock jumps to
/// this deadline only when every task is blocked.
const PATIENCE: Duration = Duration::from_secs(60);

/// Requests in a flood: far more than all the queues of any of the systems hold.
const FLOOD: usize = 1_000;

/// Runs `system` on the paused clock; `None` when it stopped making progress.
async fn finishes<T>(system: impl std::future::Future<Output = T>) -> Option<T> {
    timeout(PATIENCE, system).await.ok()
}

// graph_gateway_cycle: BP002.

#[tokio::test(start_paused = true)]
async fn gateway_cycle_stops_when_flooded() {
    assert_eq!(finishes(gateway_cycle::run(FLOOD)).await, None);
}

#[tokio::test(start_paused = true)]
async fn gateway_cycle_finishes_a_load_its_mailboxes_hold() {
    let load = gateway_cycle::MAILBOX_CAPACITY;
    assert_eq!(finishes(gateway_cycle::run(load)).await, Some(load));
}

// graph_gateway_priority, graph_gateway_stream_priority, graph_gateway_select_send: fixed.

// While a prioritised gateway waits to send, the quotes that can arrive are those of the
// orders in the engine (its queue plus the one being priced): its quote queue holds more.
const _: () = assert!(gateway_priority::QUOTE_QUEUE > gateway_priority::ENGINE_QUEUE + 1);
const _: () =
    assert!(gateway_stream_priority::QUOTE_QUEUE > gateway_stream_priority::ENGINE_QUEUE + 1);

#[tokio::test(start_paused = true)]
async fn gateway_with_prioritised_quote_queue_delivers_every_quote_of_a_flood() {
    assert_eq!(finishes(gateway_priority::run(FLOOD)).await, Some(FLOOD));
}

#[tokio::test(start_paused = true)]
async fn gateway_with_quote_stream_polled_first_delivers_every_quote_of_a_flood() {
    assert_eq!(
        finishes(gateway_stream_priority::run(FLOOD)).await,
        Some(FLOOD)
    );
}

#[tokio::test(start_paused = true)]
async fn gateway_waiting_for_room_inside_select_delivers_every_quote_of_a_flood() {
    assert_eq!(finishes(gateway_select_send::run(FLOOD)).await, Some(FLOOD));
}

// graph_gateway_per_connection: BP003.

#[tokio::test(start_paused = true)]
async fn prioritised_gateways_per_connection_stop_when_flooded() {
    assert_eq!(finishes(gateway_per_connection::run(FLOOD)).await, None);
}

#[tokio::test(start_paused = true)]
async fn one_prioritised_gateway_with_the_same_quote_queue_finishes_the_flood() {
    // The same code with one connection: the priority fix holds for a single gateway even
    // with a quote queue much smaller than the engine's.
    const _: () =
        assert!(gateway_per_connection::QUOTE_QUEUE < gateway_per_connection::ENGINE_QUEUE);
    let quote_queue = gateway_per_connection::QUOTE_QUEUE;
    assert_eq!(
        finishes(gateway_per_connection::serve(1, FLOOD, quote_queue)).await,
        Some(FLOOD)
    );
}

/// Not what BP003's documentation says ("more buffering only moves the threshold"): a
/// gateway only takes a new order when its quote queue is empty, and then has at most
/// `ENGINE_QUEUE + 1` orders in the engine (its queue plus the one being priced), so a quote
/// queue of that size never fills while the gateway waits to send, however many gateways
/// compete. BP003 reports this configuration all the same (it does not look at capacities).
#[tokio::test(start_paused = true)]
async fn gateways_per_connection_finish_the_flood_when_each_quote_queue_covers_the_engine() {
    use gateway_per_connection::{serve, CONNECTIONS, ENGINE_QUEUE};
    for connections in [CONNECTIONS, 4 * CONNECTIONS] {
        let per_connection = FLOOD / connections;
        assert_eq!(
            finishes(serve(connections, per_connection, ENGINE_QUEUE + 1)).await,
            Some(connections * per_connection),
            "{connections} connections"
        );
    }
}

// graph_try_send_edge: no cycle of waiting sends.

#[tokio::test(start_paused = true)]
async fn gateway_shedding_with_try_send_answers_every_order_of_a_flood() {
    let answers = finishes(try_send_edge::run(FLOOD))
        .await
        .expect("the gateway never waits, so it never stops");
    assert_eq!(answers.total(), FLOOD);
    assert!(answers.rejected > 0, "the flood was shed: {answers:?}");
    assert!(answers.quoted > 0, "{answers:?}");
}

// graph_cycle_through_struct: BP002.

#[tokio::test(start_paused = true)]
async fn dispatcher_struct_cycle_stops_when_flooded() {
    assert_eq!(finishes(cycle_through_struct::run(FLOOD)).await, None);
}

#[tokio::test(start_paused = true)]
async fn dispatcher_struct_cycle_finishes_a_load_its_queues_hold() {
    let load = cycle_through_struct::EVENT_QUEUE;
    assert_eq!(finishes(cycle_through_struct::run(load)).await, Some(load));
}

// graph_spawn_wrapper: BP002.

#[tokio::test(start_paused = true)]
async fn hub_started_through_spawn_wrapper_stops_when_flooded() {
    assert_eq!(finishes(spawn_wrapper::run(FLOOD)).await, None);
}

#[tokio::test(start_paused = true)]
async fn hub_started_through_spawn_wrapper_finishes_a_load_its_queues_hold() {
    let load = spawn_wrapper::HUB_MAILBOX;
    assert_eq!(finishes(spawn_wrapper::run(load)).await, Some(load));
}

// graph_self_send: BP002.

#[tokio::test(start_paused = true)]
async fn crawler_sending_into_its_own_mailbox_stops_once_the_frontier_outgrows_it() {
    // After visiting k pages the frontier holds 1 + 2k links (each page adds 3, takes 1).
    let last_safe = (self_send::FRONTIER_CAPACITY - 1) / 2;
    assert_eq!(finishes(self_send::run(last_safe)).await, Some(last_safe));
    assert_eq!(finishes(self_send::run(last_safe + 1)).await, None);
    assert_eq!(finishes(self_send::run(FLOOD)).await, None);
}

// graph_std_thread_cycle: BP002, with real threads.

/// Runs the thread system on its own thread; `None` when it has not finished after `wait`.
fn std_threads_finish(files: usize, wait: Duration) -> Option<usize> {
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = done_tx.send(std_thread_cycle::run(files));
    });
    // A stalled system's threads stay blocked until the test process exits.
    done_rx.recv_timeout(wait).ok()
}

#[test]
fn thread_cycle_on_sync_channels_stops_when_flooded() {
    // Unblocked, 2 000 blobs take 0.4 s of hashing.
    assert_eq!(std_threads_finish(2_000, Duration::from_secs(5)), None);
}

#[test]
fn thread_cycle_on_sync_channels_finishes_a_load_its_queues_hold() {
    let load = std_thread_cycle::WORK_QUEUE_CAPACITY;
    assert_eq!(
        std_threads_finish(load, Duration::from_secs(30)),
        Some(load)
    );
}
