//! Placeholder until scap-cpe lands.
fn main() {}
