//! Runnable examples of the scap crates; see the `[[example]]` entries of this crate's manifest.
//!
//! This library holds what the example commands share: [`cli`], the command-line parser that
//! makes `scan`, `oval-eval` and `info` accept oscap's command lines, [`scan_cli`], the
//! options of `scan`, and [`output`], how every example writes its files.

pub mod cli;
pub mod output;
pub mod scan_cli;
