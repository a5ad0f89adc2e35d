bpcheck_macros::topology! {
    gateway frontend;
    actor frontend;
}

fn main() {}
