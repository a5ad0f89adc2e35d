pub fn event_queue() -> (tokio::sync::mpsc::UnboundedSender<u32>, tokio::sync::mpsc::UnboundedReceiver<u32>) {
    tokio::sync::mpsc::unbounded_channel()
}
