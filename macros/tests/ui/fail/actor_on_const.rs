#[bpcheck_macros::actor(name = "limits")]
const LIMIT: usize = 4;

fn main() {
    let _ = LIMIT;
}
