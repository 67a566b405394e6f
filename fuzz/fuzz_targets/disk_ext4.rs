//! Fuzz the ext2/3/4 reader: the input is a bare filesystem with the superblock magic forced
//! (inodes, extent trees, indirect maps, directories, links).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "disk_common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::open_and_walk(common::image(data, 0, &[(1024 + 56, &[0x53, 0xEF])]));
});
