//! Fuzz the VHD reader: the input is a VHD file whose footer cookie and disk type (dynamic)
//! are forced in its last 512 bytes, so every input exercises the dynamic header and the
//! block allocation table.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "disk_common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    if data.len() < 512 {
        return;
    }
    let mut img = data.to_vec();
    let footer = img.len() - 512;
    img[footer..footer + 8].copy_from_slice(b"conectix");
    img[footer + 60..footer + 64].copy_from_slice(&3u32.to_be_bytes());
    common::open_and_walk(img);
});
