//! Findings, the end-of-test checks, and the short report of high-water marks.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::Ordering;

use super::cycle::Step;
use super::task::site;
use super::waits::{Wait, WaitKind};
use super::{lock, Monitor};

/// What kind of problem a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FindingKind {
    /// Tasks each waiting to send on a full channel that only the next can drain (BP002).
    Deadlock,
    /// Tasks each waiting for a reply from the next (the ask-cycle lint).
    AskCycle,
    /// An unbounded channel held more messages than the budget (BP001).
    UnboundedGrowth,
    /// More tasks alive at once from one spawn site than the budget (BP004).
    TaskGrowth,
    /// A send into an admission region by a task holding no permit (BP007).
    UnadmittedSend,
    /// Semaphore permits still held when the test ended.
    PermitHeld,
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FindingKind::Deadlock => "deadlock",
            FindingKind::AskCycle => "ask cycle",
            FindingKind::UnboundedGrowth => "unbounded growth",
            FindingKind::TaskGrowth => "task growth",
            FindingKind::UnadmittedSend => "unadmitted send",
            FindingKind::PermitHeld => "permit held",
        })
    }
}

/// A problem the monitor found.
#[derive(Clone, Debug)]
pub struct Finding {
    /// What kind of problem.
    pub kind: FindingKind,
    /// What happened, naming tasks, channels and source locations.
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "bpcheck: {}: {}", self.kind, self.message)
    }
}

/// One channel's line in the report.
#[derive(Clone, Debug)]
pub struct ChannelStats {
    /// Its name, else `the channel created at file:line`.
    pub label: String,
    /// `None` when unbounded.
    pub capacity: Option<usize>,
    /// Most messages queued at once.
    pub high_water: usize,
    /// Messages sent.
    pub sent: u64,
    /// Messages received.
    pub received: u64,
}

/// One spawn site's line in the report.
#[derive(Clone, Debug)]
pub struct SpawnStats {
    /// `file:line` of the `bpcheck::spawn` call.
    pub site: String,
    /// Tasks spawned there.
    pub spawned: u64,
    /// Most of them alive at once.
    pub peak_live: u64,
}

/// High-water marks per channel, live-task peaks per spawn site, and findings.
#[derive(Clone, Debug)]
pub struct Report {
    /// Every channel the monitor saw created.
    pub channels: Vec<ChannelStats>,
    /// Every `bpcheck::spawn` site.
    pub spawn_sites: Vec<SpawnStats>,
    /// The findings so far.
    pub findings: Vec<Finding>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "bpcheck: high-water marks")?;
        for c in &self.channels {
            let cap = c
                .capacity
                .map_or("unbounded".to_string(), |c| c.to_string());
            writeln!(
                f,
                "  {}: {} of {cap} (sent {}, received {})",
                c.label, c.high_water, c.sent, c.received
            )?;
        }
        for s in &self.spawn_sites {
            writeln!(
                f,
                "  tasks spawned at {}: peak {} alive of {}",
                s.site, s.peak_live, s.spawned
            )?;
        }
        for finding in &self.findings {
            writeln!(f, "{finding}")?;
        }
        Ok(())
    }
}

pub(crate) fn build(monitor: &Monitor) -> Report {
    let channels = lock(&monitor.inner.channels)
        .iter()
        .map(|c| ChannelStats {
            label: c.label(),
            capacity: c.capacity,
            high_water: c.high_water.load(Ordering::Relaxed),
            sent: c.sent.load(Ordering::Relaxed),
            received: c.received.load(Ordering::Relaxed),
        })
        .collect();
    let spawn_sites = lock(&monitor.inner.spawn_sites)
        .iter()
        .map(|(s, stats)| SpawnStats {
            site: site(s),
            spawned: stats.spawned,
            peak_live: stats.peak,
        })
        .collect();
    Report {
        channels,
        spawn_sites,
        findings: monitor.findings(),
    }
}

/// The finding for one cycle, in cycle order with each wait's location.
pub(crate) fn cycle_finding(
    monitor: &Monitor,
    waits: &HashMap<u64, Wait>,
    cycle: &[Step],
) -> Finding {
    let mut ask = false;
    let mut parts = Vec::new();
    for step in cycle {
        let wait = &waits[&step.wait];
        let who = monitor.describe(step.task);
        let what = match &wait.kind {
            WaitKind::Reply(_) => {
                ask = true;
                format!(
                    "waits at {} for a reply to its request on {} ({})",
                    site(wait.site),
                    step.channel.label(),
                    step.channel.capacity_text()
                )
            }
            _ => format!(
                "waits at {} to send on {} ({}, full)",
                site(wait.site),
                step.channel.label(),
                step.channel.capacity_text()
            ),
        };
        // Threads and the test body are named as such; tasks get the word.
        let subject = if who.starts_with("thread ") || who == "test body" {
            who
        } else {
            format!("task {who}")
        };
        parts.push(format!("{subject} {what}"));
    }
    let first = monitor.describe(cycle[0].task);
    Finding {
        kind: if ask {
            FindingKind::AskCycle
        } else {
            FindingKind::Deadlock
        },
        message: format!("{} -> back to {first}", parts.join(" -> ")),
    }
}

/// Checks made when the test ends: unbounded channels over budget, spawn peaks over
/// budget, permits still held.
pub(crate) fn end_checks(monitor: &Monitor) {
    let config = &monitor.inner.config;
    let already = |kind: FindingKind, needle: &str| {
        monitor
            .findings()
            .iter()
            .any(|f| f.kind == kind && f.message.contains(needle))
    };
    let channels = lock(&monitor.inner.channels).clone();
    for c in channels {
        let hwm = c.high_water.load(Ordering::Relaxed);
        if c.capacity.is_none()
            && hwm > config.unbounded_budget
            && !already(FindingKind::UnboundedGrowth, &c.label())
        {
            monitor.add_finding(growth_finding(&c.label(), hwm, config.unbounded_budget));
        }
    }
    if let Some(budget) = config.task_budget {
        let sites = lock(&monitor.inner.spawn_sites).clone();
        for (s, stats) in sites {
            if stats.peak > budget {
                monitor.add_finding(Finding {
                    kind: FindingKind::TaskGrowth,
                    message: format!(
                        "{} tasks alive at once spawned at {} (budget {budget})",
                        stats.peak,
                        site(s)
                    ),
                });
            }
        }
    }
    let semaphores = lock(&monitor.inner.semaphores).clone();
    for s in semaphores {
        let held = s.outstanding();
        if held > 0 {
            monitor.add_finding(Finding {
                kind: FindingKind::PermitHeld,
                message: format!(
                    "{held} permit(s) of the semaphore created at {} still held when the test ended",
                    site(s.site)
                ),
            });
        }
    }
}

/// The finding for an unbounded channel past its budget.
pub(crate) fn growth_finding(label: &str, depth: usize, budget: usize) -> Finding {
    Finding {
        kind: FindingKind::UnboundedGrowth,
        message: format!("unbounded channel {label} held {depth} messages (budget {budget})"),
    }
}
