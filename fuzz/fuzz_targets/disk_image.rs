//! Fuzz `DiskImage` on arbitrary bytes as a whole image (container, partition table and
//! filesystems detected as for a file). See `disk_common.rs` for the walk every disk target
//! does once an image opens.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "disk_common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::open_and_walk(data.to_vec());
});
