//! Shared by the `disk_*` targets: open an image from bytes and walk what it assembles,
//! reading every file through the jail. Must never panic, hang or allocate without bound.
// Each target includes this file as its own module and uses only part of it.
#![allow(dead_code)]

use std::path::Path;

use scap_probe::{DiskImage, DiskLimits, Target, WalkOptions};

/// The size the format targets pad their input to, so structures at fixed offsets (a
/// superblock at 1024, a GPT at 512) are inside the image.
pub const MIN_IMAGE: usize = 64 * 1024;

/// What a gzip input (a GCP `.tar.gz`) may decompress to: small, so an input that is a gzip
/// bomb costs a few milliseconds and a small temporary file, not the default 64 GiB.
pub const MAX_DECOMPRESSED: u64 = 8 << 20;

pub fn open_and_walk(bytes: Vec<u8>) {
    let limits = DiskLimits::default().with_max_decompressed(MAX_DECOMPRESSED);
    let Ok(disk) = DiskImage::from_bytes_with(bytes, &limits) else {
        return;
    };
    let t: &dyn Target = &disk;
    for entry in scap_probe::walk(t, Path::new("/"), WalkOptions::default()).take(10_000) {
        let Ok(entry) = entry else { continue };
        let _ = t.metadata(&entry.path);
        let _ = t.read_link(&entry.path);
        let _ = t.canonicalize(&entry.path);
        if let Ok(bytes) = t.read(&entry.path, 1 << 20) {
            assert!(bytes.len() <= 1 << 20);
        }
    }
    let _ = t.mounts();
    let _ = t.hostname();
}

/// `data` copied into an image of at least [`MIN_IMAGE`] bytes at `offset`, with `fixed`
/// byte strings written over it (magic numbers the fuzzer need not find).
pub fn image(data: &[u8], offset: usize, fixed: &[(usize, &[u8])]) -> Vec<u8> {
    let mut img = vec![0u8; (offset + data.len()).max(MIN_IMAGE)];
    img[offset..offset + data.len()].copy_from_slice(data);
    for (at, bytes) in fixed {
        img[*at..*at + bytes.len()].copy_from_slice(bytes);
    }
    img
}
