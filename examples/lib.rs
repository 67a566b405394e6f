//! Runnable examples of the scap crates; see the `[[example]]` entries of this crate's manifest.
