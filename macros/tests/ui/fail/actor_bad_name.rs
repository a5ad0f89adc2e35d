#[bpcheck_macros::actor(name = "the processor")]
struct Processor;

fn main() {
    let _ = Processor;
}
