//! Criterion benchmarks of the scap crates; see the `[[bench]]` entries of this crate's manifest.
