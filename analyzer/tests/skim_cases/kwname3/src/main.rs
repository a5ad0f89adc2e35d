use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

fn union<T>() -> (UnboundedSender<T>, UnboundedReceiver<T>) {
    tokio::sync::mpsc::unbounded_channel()
}

fn wire() -> bool {
    let (tx, rx) = union::<u8>();
    let ok = tx.send(1).is_ok();
    drop(rx);
    ok
}

fn main() {
    println!("{}", wire());
}
