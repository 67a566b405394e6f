//! Fuzzes the input composer (`scap_xccdf::input`): a data stream, a standalone benchmark
//! composed into one, or a tailoring, then the source built from the result. The input names
//! a directory that does not exist, so every file it refers to is a note, never a read. Any
//! panic is a bug; errors are fine.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scap_xccdf::ParseOptions;
use scap_xccdf::input::{Input, InputOptions};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parse = ParseOptions {
        max_input_bytes: 1 << 20,
        max_nodes: 200_000,
        max_depth: 32,
    };
    let opts = InputOptions::default();
    let path = std::path::Path::new("/nonexistent-scap-fuzz/input.xml");
    let Ok(input) = Input::from_text(text, path, &opts, &parse) else {
        return;
    };
    if let Ok(source) = input.source(&opts, &parse) {
        let _ = scap_xccdf::input::unresolved_platforms(&source);
    }
});
