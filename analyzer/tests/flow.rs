//! Value flow through enum variants: a variant's fields are not another variant's.

mod common;
use common::{analyze_lib, findings};

#[test]
fn an_iterator_and_a_receiver_kept_in_two_variants_of_one_field() {
    let src = r#"
use std::sync::mpsc::{sync_channel, Receiver};
enum State<I> { Idle(Option<I>), Streaming(Receiver<u32>) }
pub struct Unblock<I> { state: State<I> }
impl<I: Iterator<Item = u32> + Send + 'static> Unblock<I> {
    pub fn start(&mut self) {
        if let State::Idle(iter) = &mut self.state {
            let mut iter = iter.take().unwrap();
            let (sender, receiver) = sync_channel(4);
            std::thread::spawn(move || {
                for item in &mut iter {
                    if sender.send(item).is_err() { break; }
                }
            });
            self.state = State::Streaming(receiver);
        }
    }
    pub fn next(&mut self) -> Option<u32> {
        match &mut self.state {
            State::Streaming(rx) => rx.recv().ok(),
            State::Idle(_) => None,
        }
    }
}
"#;
    let a = analyze_lib(src);
    assert!(
        findings(&a).iter().all(|(_, c)| *c != "BP002"),
        "{:#?}",
        a.diagnostics
    );
    // The receiver is still followed through its own variant: the thread's queue is read.
    assert!(
        a.model
            .recvs
            .iter()
            .any(|r| !a.model.tasks[r.task as usize].thread),
        "{:#?}",
        a.model.recvs
    );
}
