//! Admission regions: a semaphore whose permits admit messages into a channel. With
//! `check`, a send into the channel from a task that holds no permit is a finding (the
//! twin of BP007).

/// Declares that messages enter `sender`'s channel only under a permit of `semaphore`.
/// A no-op without the `check` feature.
///
/// ```
/// let semaphore = bpcheck::sync::Semaphore::new(8);
/// let (tx, _rx) = bpcheck::sync::mpsc::channel::<u32>(8);
/// bpcheck::sync::declare_admission(&semaphore, &tx);
/// ```
pub fn declare_admission<T>(semaphore: &super::Semaphore, sender: &super::mpsc::Sender<T>) {
    #[cfg(feature = "check")]
    {
        use std::sync::atomic::Ordering;
        semaphore.meta.admission.store(true, Ordering::Relaxed);
        let _ = sender.meta().admission.set(semaphore.meta.clone());
    }
    #[cfg(not(feature = "check"))]
    let _ = (semaphore, sender);
}

/// A send into an admission channel: the sending task, or the task that spawned it, must
/// hold a permit.
#[cfg(feature = "check")]
pub(crate) fn check_send(
    meta: &crate::monitor::registry::ChannelMeta,
    site: &'static std::panic::Location<'static>,
) {
    use crate::monitor::{lock, Finding, FindingKind, TaskKey};

    let Some(semaphore) = meta.admission.get() else {
        return;
    };
    let task = TaskKey::current();
    let monitor = &meta.monitor;
    if semaphore.held_by(task) || lock(&monitor.inner.admitted).contains(&(task, semaphore.id)) {
        return;
    }
    let at = format!("{}:{}", site.file(), site.line());
    let reported = monitor
        .findings()
        .iter()
        .any(|f| f.kind == FindingKind::UnadmittedSend && f.message.contains(&at));
    if !reported {
        monitor.add_finding(Finding {
            kind: FindingKind::UnadmittedSend,
            message: format!(
                "{} sent on {} at {at} holding no permit of the admission semaphore created at {}:{}",
                monitor.describe(task),
                meta.label(),
                semaphore.site.file(),
                semaphore.site.line()
            ),
        });
    }
}
