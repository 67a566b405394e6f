//! OVAL 5.11 definitions: model, parser, evaluator, probes and results.

pub mod compare;
pub mod error;
pub mod eval;
pub mod functions;
pub mod items;
pub mod logic;
pub mod model;
mod parse;
pub mod pattern;
pub mod probes;
pub mod results;
pub mod types;

pub use error::{Error, Position};
pub use model::Definitions;
pub use parse::Limits;
