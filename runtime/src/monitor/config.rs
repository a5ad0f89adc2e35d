//! What a monitor checks, and how patiently.

use std::time::Duration;

/// Settings of a [`Monitor`](crate::Monitor).
///
/// ```
/// let config = bpcheck::Config {
///     unbounded_budget: 1_000,
///     ..bpcheck::Config::default()
/// };
/// assert_eq!(config.unbounded_budget, 1_000);
/// ```
#[derive(Clone, Debug)]
pub struct Config {
    /// How long a wait cycle must stay still (no message moved on its channels, no task in
    /// it woken) before it is reported. Default 250 ms, or `BPCHECK_GRACE_MS`.
    pub grace: Duration,
    /// Most messages an unbounded channel may hold before the test fails. Default 10 000,
    /// or `BPCHECK_UNBOUNDED_BUDGET`.
    pub unbounded_budget: usize,
    /// Most tasks alive at once per `bpcheck::spawn` site; `None` (default) only reports
    /// the peaks. `BPCHECK_TASK_BUDGET` sets it.
    pub task_budget: Option<u64>,
    /// Write the observed graph under `target/bpcheck/` at the end. Default true.
    pub export: bool,
}

impl Default for Config {
    fn default() -> Config {
        let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
        Config {
            grace: Duration::from_millis(env("BPCHECK_GRACE_MS").unwrap_or(250)),
            unbounded_budget: env("BPCHECK_UNBOUNDED_BUDGET").unwrap_or(10_000) as usize,
            task_budget: env("BPCHECK_TASK_BUDGET"),
            export: true,
        }
    }
}
