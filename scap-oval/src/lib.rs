//! OVAL 5.11 definitions: model, parser, evaluator, probes and results.

pub mod compare;
pub mod functions;
pub mod logic;
pub mod pattern;
pub mod types;
