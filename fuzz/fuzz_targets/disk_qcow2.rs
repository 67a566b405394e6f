//! Fuzz the qcow2 reader: the input is a qcow2 file whose magic is forced, so every input
//! exercises the header, L1/L2 tables and compressed clusters.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "disk_common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::open_and_walk(common::image(data, 0, &[(0, b"QFI\xfb")]));
});
