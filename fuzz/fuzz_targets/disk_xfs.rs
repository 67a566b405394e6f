//! Fuzz the XFS reader: the input is a bare filesystem with the superblock magic forced
//! (inodes, extent lists and B+trees, short-form and block directories, links).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "disk_common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::open_and_walk(common::image(data, 0, &[(0, b"XFSB")]));
});
