bpcheck_macros::topology! {
    gateway frontend;
    actor processor;
    frontend -> processor via jobs;
}

fn main() {}
