//! Nothing lost: random workloads go through shim channels and raw tokio channels, with
//! closes and drops in between, and the same messages arrive in the same per-sender order.
//!
//! One property drives both from a single task with non-waiting operations, so both runs
//! are the same run and every outcome must be equal. The other runs senders as tasks that
//! wait, and checks on both that each sender's messages arrive exactly in order: all of
//! those whose send succeeded, and no other.

#![cfg(feature = "check")]

use proptest::prelude::*;

/// One step of the single-task script.
#[derive(Clone, Debug)]
enum Op {
    TrySend { sender: usize, value: u32 },
    TryRecv,
    DropSender(usize),
    CloneSender(usize),
    Close,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..4usize, any::<u32>()).prop_map(|(sender, value)| Op::TrySend { sender, value }),
        3 => Just(Op::TryRecv),
        1 => (0..4usize).prop_map(Op::DropSender),
        1 => (0..4usize).prop_map(Op::CloneSender),
        1 => Just(Op::Close),
    ]
}

/// Runs a script over one implementation's `mpsc`; returns every outcome as text.
macro_rules! script_runner {
    ($name:ident, $($mpsc:tt)*) => {
        fn $name(capacity: Option<usize>, ops: &[Op]) -> Vec<String> {
            use $($mpsc)* as mpsc;
            enum Tx {
                Bounded(mpsc::Sender<u32>),
                Unbounded(mpsc::UnboundedSender<u32>),
            }
            enum Rx {
                Bounded(mpsc::Receiver<u32>),
                Unbounded(mpsc::UnboundedReceiver<u32>),
            }
            let (first, mut rx) = match capacity {
                Some(c) => {
                    let (tx, rx) = mpsc::channel(c);
                    (Tx::Bounded(tx), Rx::Bounded(rx))
                }
                None => {
                    let (tx, rx) = mpsc::unbounded_channel();
                    (Tx::Unbounded(tx), Rx::Unbounded(rx))
                }
            };
            let clone = |tx: &Tx| match tx {
                Tx::Bounded(t) => Tx::Bounded(t.clone()),
                Tx::Unbounded(t) => Tx::Unbounded(t.clone()),
            };
            let mut senders: Vec<Option<Tx>> = vec![Some(clone(&first)), Some(clone(&first))];
            senders.push(Some(clone(&first)));
            senders.push(Some(first));
            let mut out = Vec::new();
            for op in ops {
                let line = match op {
                    Op::TrySend { sender, value } => match &senders[*sender] {
                        None => "dropped".to_string(),
                        Some(Tx::Bounded(t)) => format!("{:?}", t.try_send(*value)),
                        Some(Tx::Unbounded(t)) => format!("{:?}", t.send(*value)),
                    },
                    Op::TryRecv => match &mut rx {
                        Rx::Bounded(r) => format!("{:?} {}", r.try_recv(), r.len()),
                        Rx::Unbounded(r) => format!("{:?} {}", r.try_recv(), r.len()),
                    },
                    Op::DropSender(s) => format!("{}", senders[*s].take().is_some()),
                    Op::CloneSender(s) => {
                        let copy = senders[*s].as_ref().map(clone);
                        if let Some(copy) = copy {
                            let free = (0..senders.len()).find(|i| senders[*i].is_none());
                            if let Some(free) = free {
                                senders[free] = Some(copy);
                            }
                        }
                        "cloned".to_string()
                    }
                    Op::Close => match &mut rx {
                        Rx::Bounded(r) => {
                            r.close();
                            format!("{}", r.is_closed())
                        }
                        Rx::Unbounded(r) => {
                            r.close();
                            format!("{}", r.is_closed())
                        }
                    },
                };
                out.push(line);
            }
            // Drain what is left.
            drop(senders);
            loop {
                let next = match &mut rx {
                    Rx::Bounded(r) => r.try_recv(),
                    Rx::Unbounded(r) => r.try_recv(),
                };
                out.push(format!("{next:?}"));
                if next.is_err() {
                    break;
                }
            }
            out
        }
    };
}

script_runner!(run_shim, bpcheck::sync::mpsc);
script_runner!(run_tokio, tokio_rt::sync::mpsc);

/// Senders as tasks that wait: returns, per sender, the values whose send succeeded and
/// the values received from it, in order.
macro_rules! concurrent_runner {
    ($name:ident, $($mpsc:tt)*) => {
        fn $name(
            capacity: usize,
            scripts: &[Vec<u32>],
            stop_after: &[usize],
            close_after: Option<usize>,
        ) -> (Vec<Vec<u32>>, Vec<Vec<u32>>) {
            use $($mpsc)* as mpsc;
            let runtime = tokio_rt::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .build()
                .expect("runtime");
            runtime.block_on(async {
                let (tx, mut rx) = mpsc::channel::<(usize, u32)>(capacity);
                let mut handles = Vec::new();
                for (s, script) in scripts.iter().enumerate() {
                    let tx = tx.clone();
                    let script = script.clone();
                    let stop = stop_after[s];
                    handles.push(tokio_rt::spawn(async move {
                        let mut ok = Vec::new();
                        for (i, v) in script.into_iter().enumerate() {
                            if i == stop {
                                // Dropped mid-script.
                                break;
                            }
                            if tx.send((s, v)).await.is_ok() {
                                ok.push(v);
                            }
                            if i % 3 == 0 {
                                tokio_rt::task::yield_now().await;
                            }
                        }
                        ok
                    }));
                }
                drop(tx);
                let mut received = vec![Vec::new(); scripts.len()];
                let mut count = 0;
                while let Some((s, v)) = rx.recv().await {
                    received[s].push(v);
                    count += 1;
                    if Some(count) == close_after {
                        rx.close();
                    }
                }
                let mut sent = Vec::new();
                for h in handles {
                    sent.push(h.await.expect("sender task"));
                }
                (sent, received)
            })
        }
    };
}

concurrent_runner!(concurrent_shim, bpcheck::sync::mpsc);
concurrent_runner!(concurrent_tokio, tokio_rt::sync::mpsc);

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn single_task_outcomes_equal_tokio(
        capacity in prop_oneof![Just(None), (1..6usize).prop_map(Some)],
        ops in prop::collection::vec(op(), 0..80),
    ) {
        let monitor = bpcheck::Monitor::new("nothing_lost_single", bpcheck::Config { export: false, ..bpcheck::Config::default() });
        let _entered = monitor.enter();
        prop_assert_eq!(run_shim(capacity, &ops), run_tokio(capacity, &ops));
        let report = monitor.report();
        let channel = &report.channels[0];
        // Every message sent was received by the drain, as the counters tell.
        prop_assert_eq!(channel.sent, channel.received);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn per_sender_order_kept_with_drops_and_closes(
        capacity in 1..5usize,
        scripts in prop::collection::vec(prop::collection::vec(any::<u32>(), 0..40), 1..5),
        stops in prop::collection::vec(0..50usize, 5),
        close_after in prop_oneof![Just(None), (1..60usize).prop_map(Some)],
    ) {
        let monitor = bpcheck::Monitor::new("nothing_lost_concurrent", bpcheck::Config { export: false, ..bpcheck::Config::default() });
        let _entered = monitor.enter();
        for run in [concurrent_shim, concurrent_tokio] {
            let (sent, received) = run(capacity, &scripts, &stops, close_after);
            for (s, script) in scripts.iter().enumerate() {
                // Exactly the values whose send succeeded, in order.
                prop_assert_eq!(&received[s], &sent[s]);
                let stop = stops[s].min(script.len());
                if close_after.is_none() {
                    prop_assert_eq!(&sent[s][..], &script[..stop]);
                } else {
                    // A prefix: sends fail only once the receiver closed.
                    prop_assert_eq!(&sent[s][..], &script[..sent[s].len()]);
                }
            }
        }
        prop_assert!(monitor.findings().is_empty());
    }
}
