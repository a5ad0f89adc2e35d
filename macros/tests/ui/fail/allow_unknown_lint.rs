#[bpcheck_macros::allow(BP777, reason = "legacy")]
fn f() {}

fn main() {
    f();
}
