bpcheck_macros::topology! {
    channel jobs: 0;
}

fn main() {}
