fn setup() -> usize {
    #[path = "platform/linux.rs"]
    mod imp;
    let (tx, _rx) = imp::event_queue();
    for i in 0..10 { let _ = tx.send(i); }
    10
}

fn main() {
    println!("{}", setup());
}
