//! Fuzz the LVM2 reader: the input is a physical volume with its label forced (sector 1,
//! `LABELONE` / `LVM2 001`); the PV header, the metadata area and its text are the input's
//! (the metadata text parser, segment mapping and concatenation).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "disk_common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::open_and_walk(common::image(
        data,
        0,
        &[(512, b"LABELONE"), (512 + 24, b"LVM2 001")],
    ));
});
