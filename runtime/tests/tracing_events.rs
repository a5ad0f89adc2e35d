//! Findings and high-water marks are `tracing` events with target `bpcheck`, for any
//! subscriber: a process-wide one here collects them (the watchdog reports from its own
//! thread).

#![cfg(feature = "check")]

mod shim;

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use bpcheck::sync::mpsc;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// Keeps every event as `target level field=value ...`.
struct Collect(Arc<Mutex<Vec<String>>>);

struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={value:?}", field.name());
    }
}

impl Subscriber for Collect {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields(String::new());
        event.record(&mut fields);
        let meta = event.metadata();
        let line = format!("{} {}{}", meta.target(), meta.level(), fields.0);
        self.0.lock().unwrap().push(line);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[test]
fn a_deadlock_and_the_high_water_marks_are_tracing_events() {
    let events = Arc::new(Mutex::new(Vec::new()));
    tracing::subscriber::set_global_default(Collect(events.clone())).unwrap();
    let stuck = async {
        let (a_tx, mut a_rx) = mpsc::channel_named::<u32>("loop", 1);
        let again = a_tx.clone();
        bpcheck::spawn_named("self-sender", async move {
            while let Some(n) = a_rx.recv().await {
                again.send(n).await.unwrap();
                again.send(n).await.unwrap();
            }
        });
        a_tx.send(0).await.unwrap();
        std::future::pending::<()>().await
    };
    let message = shim::reported(shim::checked("tracing_events", false, stuck));
    assert!(
        message.starts_with("bpcheck: deadlock: task self-sender waits at "),
        "{message}"
    );
    let events = events.lock().unwrap();
    let finding = events
        .iter()
        .find(|e| e.starts_with("bpcheck ERROR") && e.contains("kind=deadlock"))
        .unwrap_or_else(|| panic!("no finding event in {events:?}"));
    assert!(finding.contains("task self-sender waits at "), "{finding}");
    assert!(finding.contains("monitor=tracing_events"), "{finding}");
    let high_water = events
        .iter()
        .find(|e| e.starts_with("bpcheck INFO") && e.contains("channel=loop"))
        .unwrap_or_else(|| panic!("no high-water event in {events:?}"));
    assert!(high_water.contains("high_water=1"), "{high_water}");
    assert!(high_water.contains("capacity=Some(1)"), "{high_water}");
}
