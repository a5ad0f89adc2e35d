use std::sync::mpsc;

fn make() -> u32 {
    let (tx, _rx) = mpsc::channel::<u8>();
    let _ = tx.send(1);
    1
}

fn main() {
    println!("{}", make());
}
