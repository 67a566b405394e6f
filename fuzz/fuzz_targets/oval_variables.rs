//! Fuzzes `scap_oval::eval::Variables::parse_with_limits` (an `oval_variables` document, as
//! `--variables` and `oval-eval` read them): any bytes give values or a typed error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scap_oval::Limits;
use scap_oval::eval::Variables;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let limits = Limits::default()
        .with_max_input_bytes(1 << 20)
        .with_max_nodes(100_000);
    let _ = Variables::parse_with_limits(text, &limits);
});
