//! Empty: this package exists only to pin the corpus crates (see corpus/README.md).
