//! Fuzz the partition tables: the input is a raw disk with the MBR signature forced; its
//! first byte picks a protective MBR (GPT) or a plain one (primary, extended, logical).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "disk_common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let mut img = common::image(rest, 0, &[(510, &[0x55, 0xAA])]);
    if mode & 1 == 0 {
        img[446 + 4] = 0xEE;
        img[512..520].copy_from_slice(b"EFI PART");
    }
    common::open_and_walk(img);
});
