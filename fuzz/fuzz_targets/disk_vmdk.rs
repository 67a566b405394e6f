//! Fuzz the VMDK reader: the input is a VMDK sparse extent whose magic is forced, so every
//! input exercises the header (and its footer copy), the grain directory and tables, and
//! compressed grains.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "disk_common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::open_and_walk(common::image(data, 0, &[(0, b"KDMV")]));
});
