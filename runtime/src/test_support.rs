//! What `#[bpcheck::test]` expands to: build the test's runtime, install a monitor for this
//! test alone (on the test thread and on every worker thread), run the body against the
//! watchdog, and fail the test on a finding.

use std::future::Future;

/// The arguments of `#[bpcheck::test]`.
#[derive(Clone, Debug, Default)]
pub struct TestOptions {
    /// `flavor = "multi_thread"`.
    pub multi_thread: bool,
    /// `worker_threads = N`.
    pub worker_threads: Option<usize>,
    /// `start_paused = true`.
    pub start_paused: bool,
    /// `unbounded_budget = N`.
    pub unbounded_budget: Option<usize>,
    /// `grace_ms = N`.
    pub grace_ms: Option<u64>,
    /// `task_budget = N`.
    pub task_budget: Option<u64>,
}

fn builder(options: &TestOptions) -> tokio::runtime::Builder {
    let mut builder = if options.multi_thread {
        let mut b = tokio::runtime::Builder::new_multi_thread();
        if let Some(n) = options.worker_threads {
            b.worker_threads(n);
        }
        b
    } else {
        tokio::runtime::Builder::new_current_thread()
    };
    builder.enable_all();
    builder
}

/// Runs a test body on a fresh runtime, checked (see the module doc).
#[cfg(feature = "check")]
pub fn run_test<F: Future>(name: &str, options: TestOptions, body: F) -> F::Output {
    use crate::{Config, Monitor};

    let mut config = Config::default();
    if let Some(b) = options.unbounded_budget {
        config.unbounded_budget = b;
    }
    if let Some(ms) = options.grace_ms {
        config.grace = std::time::Duration::from_millis(ms);
    }
    if options.task_budget.is_some() {
        config.task_budget = options.task_budget;
    }
    let monitor = Monitor::new(name, config);
    let _entered = monitor.enter();
    let _closed = Closer(monitor.clone());
    let mut builder = builder(&options);
    if options.start_paused {
        builder.start_paused(true);
    }
    let on_workers = monitor.clone();
    builder.on_thread_start(move || std::mem::forget(on_workers.enter_worker()));
    let runtime = builder
        .build()
        .expect("bpcheck: could not build the test's runtime");
    let outcome = runtime.block_on(async {
        tokio::select! {
            biased;
            finding = monitor.deadlock() => Err(finding),
            out = body => Ok(out),
        }
    });
    // Ends the tasks still running: their permits go back.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    let path = monitor.finish();
    let report = monitor.report();
    println!("{report}");
    if let Some(path) = path {
        println!("bpcheck: observed graph written to {}", path.display());
    }
    match outcome {
        Err(finding) => panic!("{finding}"),
        Ok(out) => {
            if !report.findings.is_empty() {
                let list: Vec<String> = report.findings.iter().map(|f| f.to_string()).collect();
                panic!("{}", list.join("\n"));
            }
            out
        }
    }
}

/// Runs a test body on a fresh runtime (without `check`: plain tokio).
#[cfg(not(feature = "check"))]
pub fn run_test<F: Future>(name: &str, options: TestOptions, body: F) -> F::Output {
    let _ = name;
    assert!(
        !options.start_paused,
        "bpcheck: `start_paused` needs bpcheck's `check` feature (it enables tokio's test-util)"
    );
    builder(&options)
        .build()
        .expect("bpcheck: could not build the test's runtime")
        .block_on(body)
}

/// Stops the monitor's watchdog even when the test body panics.
#[cfg(feature = "check")]
struct Closer(crate::Monitor);

#[cfg(feature = "check")]
impl Drop for Closer {
    fn drop(&mut self) {
        self.0.close();
        // Channels point back at their monitor: forget them, or each test's would stay.
        self.0.release();
    }
}
