//! Fuzz the GCP `.tar.gz` path of `DiskImage` (decompressed once into a temporary file
//! while its tar headers are parsed). The first byte picks what the rest is: even, the tar
//! itself, gzip'd here so every input reaches the streaming tar reader (sparse maps, long
//! names, entries skipped, disk.raw written with its holes); odd, the gzip stream as is
//! (corrupt, truncated and multi-member streams, bombs). Opened within `disk_common`'s 8 MiB
//! decompression limit, then walked like every disk target.
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;

#[path = "disk_common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let bytes = if mode & 1 == 0 {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        // Writing to a Vec cannot fail.
        if gz.write_all(rest).is_err() {
            return;
        }
        match gz.finish() {
            Ok(b) => b,
            Err(_) => return,
        }
    } else {
        rest.to_vec()
    };
    common::open_and_walk(bytes);
});
