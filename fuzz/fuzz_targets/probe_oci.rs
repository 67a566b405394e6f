//! Fuzz the OCI image reader: arbitrary bytes as an archive (OCI layout or `docker save` tar),
//! or as bare layers (tar, gzip, zstd) merged into an image; then walk the merged tree and
//! read every file through the jail. Must never panic, hang or allocate without bound.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use scap_probe::{OciImage, OciOptions, Target, WalkOptions};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let mut options = OciOptions::default();
    options.limits.max_layer_size = 8 << 20;
    options.limits.ratio_grace = 1 << 20;
    options.limits.max_entries = 10_000;
    options.limits.max_json_size = 1 << 20;
    let image = if mode & 1 == 0 {
        OciImage::from_archive_bytes(rest, &options)
    } else {
        // Layers separated by the marker `LAYR`.
        let mut layers = Vec::new();
        let mut cur = rest;
        while let Some(i) = cur.windows(4).position(|w| w == b"LAYR") {
            layers.push(cur[..i].to_vec());
            cur = &cur[i + 4..];
        }
        layers.push(cur.to_vec());
        OciImage::from_layers(layers, &options)
    };
    let Ok(image) = image else {
        return;
    };
    let t: &dyn Target = &image;
    for entry in scap_probe::walk(t, Path::new("/"), WalkOptions::default()).take(10_000) {
        let Ok(entry) = entry else { continue };
        let _ = t.metadata(&entry.path);
        let _ = t.stat(&entry.path);
        let _ = t.read_link(&entry.path);
        let _ = t.canonicalize(&entry.path);
        if let Ok(bytes) = t.read(&entry.path, 1 << 20) {
            assert!(bytes.len() <= 1 << 20);
        }
    }
    let _ = t.environment();
    let _ = t.hostname();
});
