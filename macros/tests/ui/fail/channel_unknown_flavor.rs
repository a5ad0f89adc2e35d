fn main() {
    let (_tx, _rx) = bpcheck_macros::channel!(jobs, 64, flavor = kafka);
}
