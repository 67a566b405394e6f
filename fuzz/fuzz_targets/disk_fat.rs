//! Fuzz the FAT reader: the input is a bare FAT volume with its boot sector signatures
//! forced. The root is whichever filesystem holds /etc/os-release, a FAT one too, so the
//! seed (`corpus/disk_fat/`, a FAT12 volume with /etc/os-release) makes the walk list and
//! read the volume's directories, long names and cluster chains.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "disk_common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let img = common::image(
        data,
        0,
        &[(0, &[0xEB]), (54, b"FAT"), (510, &[0x55, 0xAA])],
    );
    common::open_and_walk(img);
});
