bpcheck_macros::topology! {
    channel jobs: 64;
    gateway frontend;
    frontend -> processor via jobs;
}

fn main() {}
