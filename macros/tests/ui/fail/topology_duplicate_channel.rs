bpcheck_macros::topology! {
    channel jobs: 64;
    channel jobs: 32;
}

fn main() {}
