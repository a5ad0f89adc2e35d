#[bpcheck_macros::allow(unbounded-channel)]
fn f() {}

fn main() {
    f();
}
