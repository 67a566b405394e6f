//! Runnable examples of the scap crates; see the `[[example]]` entries of this crate's manifest.
//!
//! This library holds what the example commands share: [`cli`], the command-line parser that
//! makes `scan`, `oval-eval` and `info` accept oscap's command lines.

pub mod cli;
