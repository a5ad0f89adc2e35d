//! Real behaviour behind BP004 `unbounded-spawn` at a crate-local spawn helper, with real
//! tokio: the workflow step runners of fixtures `spawn_per_item_vec_param` (reported: one
//! task per element of the `Vec` it is handed, through `crate::utils::spawn_task`) and
//! `spawn_per_item_with_permit` (silent: an owned permit taken before each spawn and moved
//! into the task) are compiled here from the fixtures' own `lib.rs` and `utils.rs` and
//! handed batches of executions.
//!
//! Each execution sleeps 50 ms of the paused clock, so the runtime jumps from one batch of
//! timers to the next and every state in between is one where all tasks are blocked. The
//! test samples the runtime's alive tasks each virtual millisecond while the runner works:
//! the reported runner holds a task per execution, however large the batch; the fixed one
//! never more than its permits.

use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;

use tokio::runtime::Handle;
use tokio::time::Instant;

/// The `crate::utils` that both fixtures' `lib.rs` import (`use crate::utils::spawn_task;`
/// names the crate root, which here is this test crate). The two fixtures' `utils.rs` are
/// the same file, checked below. Each `lib.rs` also declares its own `mod utils;`, which is
/// compiled (hence the duplicate) but private to it and unused.
#[allow(clippy::duplicate_mod)]
#[path = "../../fixtures/spawn_per_item_vec_param/src/utils.rs"]
mod utils;

#[allow(dead_code)]
#[path = "../../fixtures/spawn_per_item_vec_param/src/lib.rs"]
mod vec_param;

#[allow(dead_code)]
#[path = "../../fixtures/spawn_per_item_with_permit/src/lib.rs"]
mod with_permit;

/// `SWEEPERS` in both fixtures (private there; checked against their source below).
const SWEEPERS: usize = 4;

/// `MAX_IN_FLIGHT` in `spawn_per_item_with_permit` (checked against its source below).
const MAX_IN_FLIGHT: usize = 64;

/// How long one execution sleeps in the fixtures' `execute`.
const EXECUTION: Duration = Duration::from_millis(50);

/// Two batch sizes, both well above the permits: the reported runner's task count must
/// follow the batch.
const SIZES: [usize; 2] = [200, 2_000];

/// Tasks alive in this runtime, besides the test's own body.
fn alive_tasks() -> usize {
    Handle::current().metrics().num_alive_tasks()
}

/// What one run of a step runner showed.
#[derive(Debug)]
struct Observed {
    /// Most tasks alive at once, sampled each virtual millisecond: the runner itself, its
    /// sweepers and the executions in flight.
    peak_alive: usize,
    /// Virtual time until the runner returned.
    elapsed: Duration,
    /// Outcomes returned, and how many of them succeeded.
    outcomes: usize,
    succeeded: usize,
    /// Alive tasks once the runner returned and its aborted sweepers are gone.
    alive_at_end: usize,
}

/// Runs `runner` as a task of its own and samples the alive tasks until it returns.
async fn observe<O, F>(runner: F, succeeded: fn(&O) -> bool) -> Observed
where
    F: Future<Output = HashMap<u64, O>> + Send + 'static,
    O: Send + 'static,
{
    assert_eq!(alive_tasks(), 0, "a previous run left tasks behind");
    let start = Instant::now();
    let runner = tokio::spawn(runner);
    let mut peak_alive = 0;
    while !runner.is_finished() {
        peak_alive = peak_alive.max(alive_tasks());
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let elapsed = start.elapsed();
    let outcomes = runner.await.expect("runner panicked");
    // The sweepers were aborted; let the runtime drop them.
    tokio::time::sleep(Duration::from_millis(1)).await;
    Observed {
        peak_alive,
        elapsed,
        outcomes: outcomes.len(),
        succeeded: outcomes.values().filter(|o| succeeded(o)).count(),
        alive_at_end: alive_tasks(),
    }
}

async fn run_vec_param(n: usize) -> Observed {
    let batch = (0..n as u64)
        .map(|id| {
            let input = vec_param::Input {
                step: "resize".into(),
                args: vec![format!("image-{id}.png"), "512".into()],
            };
            (id, input)
        })
        .collect();
    observe(vec_param::run_executions(batch), |outcome| {
        matches!(outcome, vec_param::Outcome::Succeeded(_))
    })
    .await
}

async fn run_with_permit(n: usize) -> Observed {
    let batch = (0..n as u64)
        .map(|id| {
            let input = with_permit::Input {
                step: "resize".into(),
                args: vec![format!("image-{id}.png"), "512".into()],
            };
            (id, input)
        })
        .collect();
    observe(with_permit::run_executions(batch), |outcome| {
        matches!(outcome, with_permit::Outcome::Succeeded(_))
    })
    .await
}

#[tokio::test(start_paused = true)]
async fn spawn_per_element_of_the_vec_grows_with_the_batch() {
    for n in SIZES {
        let seen = run_vec_param(n).await;
        // Every execution of the batch alive at once, beside the runner and its sweepers.
        assert_eq!(seen.peak_alive, 1 + SWEEPERS + n, "n = {n}: {seen:?}");
        // All of them sleep together: one round, whatever the batch.
        assert!(seen.elapsed < 2 * EXECUTION, "n = {n}: {seen:?}");
        assert_eq!(seen.outcomes, n, "n = {n}: {seen:?}");
        assert_eq!(seen.succeeded, n, "n = {n}: {seen:?}");
        assert_eq!(seen.alive_at_end, 0, "n = {n}: {seen:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn permit_moved_into_each_task_caps_the_executions_in_flight() {
    for n in SIZES {
        let seen = run_with_permit(n).await;
        // `MAX_IN_FLIGHT` executions at most, however large the batch; the runner waits
        // for a permit before each further spawn.
        assert_eq!(
            seen.peak_alive,
            1 + SWEEPERS + MAX_IN_FLIGHT,
            "n = {n}: {seen:?}"
        );
        // So the batch runs in rounds of `MAX_IN_FLIGHT` executions.
        let rounds = n.div_ceil(MAX_IN_FLIGHT) as u32;
        assert!(seen.elapsed >= rounds * EXECUTION, "n = {n}: {seen:?}");
        assert!(seen.elapsed < (rounds + 1) * EXECUTION, "n = {n}: {seen:?}");
        // And every execution still runs.
        assert_eq!(seen.outcomes, n, "n = {n}: {seen:?}");
        assert_eq!(seen.succeeded, n, "n = {n}: {seen:?}");
        assert_eq!(seen.alive_at_end, 0, "n = {n}: {seen:?}");
    }
}

/// The code compiled above is the fixtures' code: the one `utils.rs` compiled as
/// `crate::utils` stands for both, and the constants mirrored here are theirs.
#[test]
fn the_fixture_code_compiled_here_is_the_fixtures_code() {
    assert_eq!(
        include_str!("../../fixtures/spawn_per_item_vec_param/src/utils.rs"),
        include_str!("../../fixtures/spawn_per_item_with_permit/src/utils.rs"),
        "the fixtures' utils.rs differ: compile each with its own"
    );
    let vec_param = include_str!("../../fixtures/spawn_per_item_vec_param/src/lib.rs");
    let with_permit = include_str!("../../fixtures/spawn_per_item_with_permit/src/lib.rs");
    let sweepers = format!("const SWEEPERS: usize = {SWEEPERS};");
    assert!(vec_param.contains(&sweepers), "{sweepers}");
    assert!(with_permit.contains(&sweepers), "{sweepers}");
    let permits = format!("const MAX_IN_FLIGHT: usize = {MAX_IN_FLIGHT};");
    assert!(with_permit.contains(&permits), "{permits}");
    for lib in [vec_param, with_permit] {
        assert!(lib.contains("tokio::time::sleep(Duration::from_millis(50))"));
    }
}

/// The two fixtures differ in what the tool says about them.
#[test]
fn the_reported_runner_is_the_one_that_grows() {
    use bpcheck_tests::{expected_findings, fixture_dir};
    let marked = |name: &str| -> Vec<String> {
        expected_findings(&fixture_dir(name))
            .into_iter()
            .map(|k| k.to_string())
            .collect()
    };
    let unbounded = marked("spawn_per_item_vec_param");
    assert_eq!(unbounded.len(), 1, "{unbounded:?}");
    assert!(
        unbounded[0].starts_with("src/lib.rs:") && unbounded[0].ends_with(" BP004"),
        "{unbounded:?}"
    );
    assert!(
        marked("spawn_per_item_with_permit").is_empty(),
        "the runner with permits must stay silent"
    );
}
