//! `DiskImage` over the committed images of `tests/fixtures/disk/` (made by `make.sh` there
//! from a small tree with mkfs.ext4/ext2/ext3 -d, mkfs.vfat + mcopy, sgdisk, sfdisk and
//! qemu-img): every file, directory and link of the source tree, as its manifest lists it,
//! read back through the image; then the assembly (fstab mounts, jail rules across
//! filesystems, the mount table) and hostile variants of the images.
#![cfg(all(unix, feature = "disk"))]
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use scap_probe::{
    DEFAULT_READ_LIMIT, DiskError, DiskFormat, DiskImage, DiskLimits, FileType, Target,
};
use sha2::{Digest, Sha256};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/disk")
        .join(name)
}

fn sha(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Compare every manifest line (path, type, mode, uid, gid, size, link target or sha256)
/// with what the image says; returns the number of entries checked.
fn check_manifest(t: &DiskImage, manifest: &str) -> usize {
    check_manifest_times(t, manifest, true)
}

/// [`check_manifest`], with or without the times (mkfs.xfs -p sets them to its own now).
fn check_manifest_times(t: &DiskImage, manifest: &str, times: bool) -> usize {
    let mount_points: Vec<&Path> = t
        .filesystems()
        .iter()
        .filter_map(|f| f.mount_point.as_deref())
        .collect();
    let text = std::fs::read_to_string(fixture(manifest)).unwrap();
    let mut n = 0;
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        let (path, kind, mode, uid, gid, size, extra) = (f[0], f[1], f[2], f[3], f[4], f[5], f[6]);
        let p = Path::new(path);
        let m = t.metadata(p).unwrap_or_else(|e| panic!("{path}: {e}"));
        if mount_points.contains(&p) {
            // What shows there is the root of the filesystem mounted over the directory.
            assert!(m.is_dir(), "{path}");
            continue;
        }
        let want = match kind {
            "directory" => FileType::Directory,
            "symbolic link" => FileType::Symlink,
            _ => FileType::Regular,
        };
        assert_eq!(m.file_type, want, "{path}");
        assert_eq!(format!("{:o}", m.mode), mode, "{path}");
        assert_eq!(m.uid.to_string(), uid, "{path}");
        assert_eq!(m.gid.to_string(), gid, "{path}");
        // The script set every time to this instant.
        if times {
            assert_eq!(m.mtime.secs, 1_700_000_000, "{path}");
        }
        match want {
            FileType::Regular => {
                assert_eq!(m.size.to_string(), size, "{path}");
                assert_eq!(
                    sha(&t.read(p, DEFAULT_READ_LIMIT).unwrap()),
                    extra,
                    "{path}"
                );
            }
            FileType::Symlink => {
                assert_eq!(m.size.to_string(), size, "{path}");
                assert_eq!(t.read_link(p).unwrap(), Path::new(extra), "{path}");
            }
            _ => {
                let names: Vec<_> = t.read_dir(p).unwrap().into_iter().map(|e| e.name).collect();
                let below = text
                    .lines()
                    .filter_map(|l| l.split('\t').next())
                    .filter(|q| Path::new(q).parent() == Some(p))
                    .count();
                // Mount points add nothing to a listing; `lost+found` is the filesystem's own.
                let extra = names.iter().filter(|n| *n == "lost+found").count();
                assert_eq!(names.len() - extra, below, "{path}: {names:?}");
            }
        }
        n += 1;
    }
    n
}

#[test]
fn gpt_qcow2_reads_like_its_tree() {
    let disk = DiskImage::open(fixture("gpt-esp-root-var.qcow2")).unwrap();
    assert_eq!(disk.format(), DiskFormat::Qcow2);
    let checked = check_manifest(&disk, "gpt-esp-root-var.manifest");
    assert!(checked > 300, "{checked}");
    // The ESP: contents, long names, names compared without case, umask=0077 from fstab.
    let esp = std::fs::read_to_string(fixture("gpt-esp-root-var.esp-manifest")).unwrap();
    for line in esp.lines() {
        let (path, hash) = line.split_once('\t').unwrap();
        let bytes = disk.read(Path::new(path), DEFAULT_READ_LIMIT).unwrap();
        assert_eq!(sha(&bytes), hash, "{path}");
        // vfat gives files every permission the mask leaves, x included (no `showexec`).
        assert_eq!(
            disk.metadata(Path::new(path)).unwrap().mode,
            0o700,
            "{path}"
        );
    }
    let shim = disk
        .read(Path::new("/boot/efi/efi/DEBIAN/SHIMX64.EFI"), 100)
        .unwrap();
    assert_eq!(shim, b"shim\n");
    assert_eq!(
        disk.metadata(Path::new("/boot/efi/EFI")).unwrap().mode,
        0o700
    );
}

#[test]
fn zstd_clusters_read_the_same() {
    let a = DiskImage::open(fixture("gpt-esp-root-var.qcow2")).unwrap();
    let b = DiskImage::open(fixture("gpt-zstd.qcow2")).unwrap();
    check_manifest(&b, "gpt-esp-root-var.manifest");
    let p = Path::new("/usr/bin/big");
    assert_eq!(
        a.read(p, DEFAULT_READ_LIMIT).unwrap(),
        b.read(p, DEFAULT_READ_LIMIT).unwrap()
    );
}

#[test]
fn fstab_assembles_and_is_the_mount_table() {
    let disk = DiskImage::open(fixture("gpt-esp-root-var.qcow2")).unwrap();
    let mounted: Vec<_> = disk
        .filesystems()
        .iter()
        .map(|f| (f.kind.as_str(), f.mount_point.clone()))
        .collect();
    assert_eq!(
        mounted,
        [
            ("vfat", Some(PathBuf::from("/boot/efi"))),
            ("ext4", Some(PathBuf::from("/"))),
            ("ext4", Some(PathBuf::from("/var"))),
        ]
    );
    let mounts = disk.mounts().unwrap();
    let points: Vec<_> = mounts.iter().map(|m| m.mount_point.clone()).collect();
    // Swap is not a mount; tmpfs and a device absent from the image are (as on the system).
    assert_eq!(
        points,
        ["/", "/var", "/boot/efi", "/tmp", "/srv"].map(PathBuf::from)
    );
    assert_eq!(mounts[1].options, ["defaults", "nodev", "nosuid"]);
    assert_eq!(mounts[1].fs_type, "ext4");
    assert!(mounts[1].device.starts_with("UUID="));
    let w = disk.warnings();
    assert!(w.len() == 1 && w[0].contains("/dev/sda9"), "{w:?}");
    // Each filesystem its own st_dev, as `recurse_file_system` needs.
    let dev = |p: &str| disk.metadata(Path::new(p)).unwrap().device;
    assert_ne!(dev("/etc"), dev("/var/log"));
    assert_eq!(disk.hostname().unwrap(), "disk-fixture");
}

#[test]
fn links_resolve_inside_the_assembled_image() {
    let disk = DiskImage::open(fixture("gpt-esp-root-var.qcow2")).unwrap();
    // /var/run -> /run is on the /var filesystem: it must land on the image's /run.
    assert_eq!(
        disk.canonicalize(Path::new("/var/run")).unwrap(),
        Path::new("/run")
    );
    assert_eq!(
        disk.read(Path::new("/etc/localtime"), 100).unwrap(),
        b"UTC0\n"
    );
    // ../../../../../etc/passwd from /usr climbs no higher than the image's root.
    let passwd = disk.read(Path::new("/usr/escape"), 1000).unwrap();
    assert!(passwd.starts_with(b"root:x:0:0"));
    assert_eq!(
        disk.canonicalize(Path::new("/var/../../etc")).unwrap(),
        Path::new("/etc")
    );
    assert!(
        disk.metadata(Path::new("/nope"))
            .unwrap_err()
            .is_not_found()
    );
    assert!(disk.read(Path::new("/etc"), 100).is_err());
}

#[test]
fn mbr_logical_ext2_and_ext3_by_label() {
    let disk = DiskImage::open(fixture("mbr-logical.qcow2")).unwrap();
    check_manifest(&disk, "mbr-logical.manifest");
    let at: Vec<_> = disk
        .filesystems()
        .iter()
        .map(|f| (f.location.as_str(), f.kind.as_str(), f.mount_point.clone()))
        .collect();
    assert_eq!(
        at,
        [
            ("partition 5", "ext2", Some(PathBuf::from("/"))),
            ("partition 6", "ext3", Some(PathBuf::from("/home"))),
        ]
    );
}

#[test]
fn bare_filesystem_in_a_fixed_vhd() {
    let disk = DiskImage::open(fixture("bare-ext4.vhd")).unwrap();
    assert_eq!(disk.format(), DiskFormat::VhdFixed);
    check_manifest(&disk, "bare-ext4.manifest");
    assert_eq!(disk.filesystems()[0].location, "image");
    // No fstab: an empty mount table, said in a warning.
    assert!(disk.mounts().unwrap().is_empty());
}

#[test]
fn bare_filesystem_in_a_dynamic_vhd() {
    // The same filesystem as bare-ext4.vhd, in a dynamic VHD (qemu-img -O vpc, make.sh).
    let disk = DiskImage::open(fixture("bare-ext4-dynamic.vhd")).unwrap();
    assert_eq!(disk.format(), DiskFormat::VhdDynamic);
    check_manifest(&disk, "bare-ext4.manifest");
    // 4 KiB blocks, zero blocks unallocated, stored in reverse order (vhd-small-blocks.py;
    // qemu-img compare finds it identical to the raw filesystem).
    let disk = DiskImage::open(fixture("bare-ext4-4k-blocks.vhd")).unwrap();
    assert_eq!(disk.format(), DiskFormat::VhdDynamic);
    check_manifest(&disk, "bare-ext4.manifest");
}

#[test]
fn vmdk_sparse_and_stream_optimized_read_like_the_tree() {
    let qcow2 = DiskImage::open(fixture("gpt-esp-root-var.qcow2")).unwrap();
    for name in ["gpt-esp-root-var.vmdk", "gpt-stream-optimized.vmdk"] {
        let disk = DiskImage::open(fixture(name)).unwrap();
        assert_eq!(disk.format(), DiskFormat::Vmdk, "{name}");
        let checked = check_manifest(&disk, "gpt-esp-root-var.manifest");
        assert!(checked > 300, "{name}: {checked}");
        // The ESP and /var assemble as from the qcow2 of the same disk.
        assert_eq!(disk.filesystems(), qcow2.filesystems(), "{name}");
        assert_eq!(disk.mounts().unwrap(), qcow2.mounts().unwrap(), "{name}");
        let shim = disk.read(Path::new("/boot/efi/EFI/debian/shimx64.efi"), 100);
        assert_eq!(shim.unwrap(), b"shim\n", "{name}");
    }
}

#[test]
fn vmdk_grain_directory_found_through_the_footer() {
    // VMware's streamOptimized writer (unlike qemu-img's) puts the grain directory at the
    // end: the header says GD_AT_END (all ones) and the real header is the footer, before
    // the end-of-stream marker. Made from qemu's file: footer marker, header copy, marker.
    let (_d, p) = patched("gpt-stream-optimized.vmdk", |b| {
        let header = b[..512].to_vec();
        let mut marker = vec![0u8; 512];
        marker[12..16].copy_from_slice(&3u32.to_le_bytes()); // MARKER_FOOTER
        b.extend_from_slice(&marker);
        b.extend_from_slice(&header);
        b.extend_from_slice(&[0u8; 512]); // end of stream
        b[56..64].copy_from_slice(&u64::MAX.to_le_bytes());
    });
    let disk = DiskImage::open(&p).unwrap();
    check_manifest(&disk, "gpt-esp-root-var.manifest");
    // Without the footer, a typed error.
    let (_d, p) = patched("gpt-stream-optimized.vmdk", |b| {
        b[56..64].copy_from_slice(&u64::MAX.to_le_bytes());
    });
    let e = DiskImage::open(&p).unwrap_err();
    assert!(e.to_string().contains("no footer header"), "{e}");
}

#[test]
fn gcp_sparse_tar_reads_like_the_tree() {
    // disk.raw in a GNU sparse tar (tar --format=oldgnu -S, as GCP's docs say; make.sh):
    // the 40 MiB disk is 1 MiB of archive, its gaps read as zeros.
    let disk = DiskImage::open(fixture("gpt-gcp.tar")).unwrap();
    assert_eq!(disk.format(), DiskFormat::GcpTar);
    let checked = check_manifest(&disk, "gpt-esp-root-var.manifest");
    assert!(checked > 300, "{checked}");
    let qcow2 = DiskImage::open(fixture("gpt-esp-root-var.qcow2")).unwrap();
    assert_eq!(disk.filesystems(), qcow2.filesystems());
}

/// A tar built here with the `tar` crate: `entries` (name, bytes) in order.
fn tar_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        b.append_data(&mut h, name, *data).unwrap();
    }
    b.into_inner().unwrap()
}

#[test]
fn gcp_plain_tar_with_other_entries_first() {
    // A plain (not sparse) disk.raw after a long-named entry (a GNU `L` header): the bare
    // ext4 of bare-ext4.vhd without its footer.
    let vhd = std::fs::read(fixture("bare-ext4.vhd")).unwrap();
    let raw = &vhd[..vhd.len() - 512];
    let long = format!("{}/README", "d".repeat(150));
    let bytes = tar_of(&[(long.as_str(), b"hello\n"), ("./disk.raw", raw)]);
    let disk = DiskImage::from_bytes(bytes).unwrap();
    assert_eq!(disk.format(), DiskFormat::GcpTar);
    check_manifest(&disk, "bare-ext4.manifest");
    single_file_or_disk_raw(raw, DiskImage::from_bytes);
}

/// No disk.raw: the only regular file is the disk (beside a directory and a symlink, which
/// are never read), and several files are an error naming them. `open` is given the tar.
fn single_file_or_disk_raw(raw: &[u8], open: impl Fn(Vec<u8>) -> Result<DiskImage, DiskError>) {
    let mut b = tar::Builder::new(Vec::new());
    let mut dir = tar::Header::new_gnu();
    dir.set_entry_type(tar::EntryType::Directory);
    dir.set_size(0);
    b.append_data(&mut dir, "images/", &[][..]).unwrap();
    let mut link = tar::Header::new_gnu();
    link.set_entry_type(tar::EntryType::Symlink);
    link.set_size(0);
    b.append_link(&mut link, "disk.raw", "/etc/shadow").unwrap();
    let mut file = tar::Header::new_gnu();
    file.set_size(raw.len() as u64);
    b.append_data(&mut file, "images/debian-11.img", raw)
        .unwrap();
    let disk = open(b.into_inner().unwrap()).unwrap();
    check_manifest(&disk, "bare-ext4.manifest");
    let e = open(tar_of(&[("a.img", raw), ("b.img", raw)])).unwrap_err();
    assert!(e.to_string().contains("without disk.raw"), "{e}");
    assert!(e.to_string().contains("a.img, b.img"), "{e}");
    // disk.raw after two other files (the first written, then dropped, by the .tar.gz
    // reader): the disk.
    let disk = open(tar_of(&[("a", b"x"), ("b", b"y"), ("disk.raw", raw)])).unwrap();
    check_manifest(&disk, "bare-ext4.manifest");
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// Limits whose temporary file goes to a fresh directory, returned to look into.
fn limits_in_temp_dir() -> (tempfile::TempDir, DiskLimits) {
    let dir = tempfile::tempdir().unwrap();
    let limits = DiskLimits::default().with_temp_dir(dir.path());
    (dir, limits)
}

#[test]
fn gcp_tar_gz_reads_like_the_tar() {
    // The GCP image as shipped: gpt-gcp.tar (GNU sparse disk.raw) gzip'd, as `tar -Sczf`
    // makes it. Decompressed into a temporary file that has no name: the directory it went
    // to stays empty while the image is open.
    let tar = std::fs::read(fixture("gpt-gcp.tar")).unwrap();
    let (dir, limits) = limits_in_temp_dir();
    let image = tempfile::tempdir().unwrap();
    let p = image.path().join("disk.tar.gz");
    std::fs::write(&p, gzip(&tar)).unwrap();
    let disk = DiskImage::open_with(&p, &limits).unwrap();
    assert_eq!(disk.format(), DiskFormat::GcpTarGz);
    let checked = check_manifest(&disk, "gpt-esp-root-var.manifest");
    assert!(checked > 300, "{checked}");
    let plain = DiskImage::open(fixture("gpt-gcp.tar")).unwrap();
    assert_eq!(disk.filesystems(), plain.filesystems());
    assert_eq!(disk.mounts().unwrap(), plain.mounts().unwrap());
    assert_eq!(disk.warnings(), plain.warnings());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn gcp_tar_gz_plain_entry_after_others() {
    // Not sparse, after a long-named entry (a GNU `L` header): only disk.raw is written.
    let vhd = std::fs::read(fixture("bare-ext4.vhd")).unwrap();
    let raw = &vhd[..vhd.len() - 512];
    let long = format!("{}/README", "d".repeat(150));
    let bytes = tar_of(&[(long.as_str(), b"hello\n"), ("./disk.raw", raw)]);
    let disk = DiskImage::from_bytes(gzip(&bytes)).unwrap();
    assert_eq!(disk.format(), DiskFormat::GcpTarGz);
    check_manifest(&disk, "bare-ext4.manifest");
    // No disk.raw: as for a plain tar.
    single_file_or_disk_raw(raw, |tar| DiskImage::from_bytes(gzip(&tar)));
}

#[test]
fn gcp_pax_sparse_tar_and_tar_gz() {
    // disk.raw as `tar --format=pax -S` writes it (sparse format 1.0; make.sh): read in
    // place in the .tar, and from the .tar.gz.
    let tar = std::fs::read(fixture("bare-ext4-pax.tar")).unwrap();
    assert!(tar.windows(18).any(|w| w == b"GNU.sparse.major=1"));
    let disk = DiskImage::open(fixture("bare-ext4-pax.tar")).unwrap();
    assert_eq!(disk.format(), DiskFormat::GcpTar);
    check_manifest(&disk, "bare-ext4.manifest");
    let disk = DiskImage::from_bytes(gzip(&tar)).unwrap();
    assert_eq!(disk.format(), DiskFormat::GcpTarGz);
    check_manifest(&disk, "bare-ext4.manifest");
    // The map (the data's first block: count, then offset and length per line) claiming
    // more data than the entry holds: an error from both readers.
    let map_at = tar
        .windows(4)
        .position(|w| w == b"GNUS")
        .map(|p| p / 512 * 512 + 512)
        .unwrap();
    let mut bad = tar.clone();
    let lines: Vec<&[u8]> = bad[map_at..map_at + 512].split(|&b| b == b'\n').collect();
    let last_len = lines[lines.len() - 2].len();
    let end: usize = lines[..lines.len() - 1].iter().map(|l| l.len() + 1).sum();
    // The last length, made 9s: past the real size or the stored data.
    bad[map_at + end - 1 - last_len..map_at + end - 1].fill(b'9');
    let e = DiskImage::from_bytes(bad.clone()).unwrap_err();
    assert!(e.to_string().contains("sparse"), "{e}");
    let e = DiskImage::from_bytes(gzip(&bad)).unwrap_err();
    assert!(e.to_string().contains("sparse"), "{e}");
}

#[test]
fn gcp_tar_gz_bomb_stops_at_the_limit() {
    let vhd = std::fs::read(fixture("bare-ext4.vhd")).unwrap();
    let raw = &vhd[..vhd.len() - 512];
    let zeros = vec![0u8; 8 << 20];
    let limit = 2u64 << 20;
    let (dir, limits) = limits_in_temp_dir();
    let limits = limits.with_max_decompressed(limit);
    // 8 MiB of zeros (8 KiB compressed) in an entry before disk.raw...
    let padded = gzip(&tar_of(&[("pad", &zeros), ("disk.raw", raw)]));
    // (Compressed 100 to 1000 times, depending on flate2's backend.)
    assert!(padded.len() * 50 < zeros.len(), "{}", padded.len());
    // ... and after the end of the archive (read to check the gzip trailer).
    let mut trailing = tar_of(&[("disk.raw", raw)]);
    trailing.extend_from_slice(&zeros);
    for bomb in [padded, gzip(&trailing)] {
        // Within a larger limit, each opens: the bound is what refuses them.
        let ok = DiskImage::from_bytes_with(
            bomb.clone(),
            &limits.clone().with_max_decompressed(16 << 20),
        );
        assert!(ok.is_ok(), "{:?}", ok.err());
        let e = DiskImage::from_bytes_with(bomb, &limits).unwrap_err();
        assert!(
            matches!(e, DiskError::LimitExceeded { limit: l, .. } if l == limit),
            "{e}"
        );
        assert!(
            e.to_string().contains("DiskLimits::max_decompressed"),
            "{e}"
        );
    }
    // A sparse disk.raw larger than the limit is refused at its header, before any write.
    let tar = std::fs::read(fixture("gpt-gcp.tar")).unwrap();
    let e = DiskImage::from_bytes_with(gzip(&tar), &limits).unwrap_err();
    assert!(e.to_string().contains("disk.raw of 41943040 bytes"), "{e}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn gcp_tar_gz_corrupt_or_truncated_is_an_error() {
    let gz = gzip(&std::fs::read(fixture("gpt-gcp.tar")).unwrap());
    let n = gz.len();
    let cut = |len: usize| gz[..len].to_vec();
    let flip = |at: usize| {
        let mut b = gz.clone();
        b[at] ^= 0x40;
        b
    };
    let cases = [
        ("cut in the middle of disk.raw", cut(n / 2), "ends early"),
        ("cut in the trailer", cut(n - 3), "ends early"),
        (
            "trailer CRC wrong",
            flip(n - 8),
            "corrupt compressed stream",
        ),
        (
            "trailer length wrong",
            flip(n - 2),
            "corrupt compressed stream",
        ),
        ("only the gzip header", cut(10), "ends early"),
    ];
    for (what, bytes, says) in cases {
        let e = DiskImage::from_bytes(bytes).unwrap_err();
        assert!(
            matches!(&e, DiskError::Corrupt { layer, .. } if layer == "gzip"),
            "{what}: {e}"
        );
        assert!(e.to_string().contains(says), "{what}: {e}");
    }
    // A byte of deflate data flipped: an error, whichever layer notices first (deflate,
    // the tar checksum, the CRC)...
    assert!(DiskImage::from_bytes(flip(n / 2)).is_err());
    // ... or, where the flipped bits are ones the decoder never uses (seen with flate2's
    // zlib-rs backend, 100 bytes before the end), the very data the CRC vouches for.
    for at in [n / 3, n - 100] {
        if let Ok(disk) = DiskImage::from_bytes(flip(at)) {
            check_manifest(&disk, "gpt-esp-root-var.manifest");
        }
    }
}

#[test]
fn gcp_tar_gz_temp_dir_missing_is_an_io_error() {
    let gz = gzip(&std::fs::read(fixture("gpt-gcp.tar")).unwrap());
    let limits = DiskLimits::default().with_temp_dir("/nonexistent/scap-disk-tmp");
    let e = DiskImage::from_bytes_with(gz, &limits).unwrap_err();
    assert!(matches!(e, DiskError::Io { .. }), "{e}");
    assert!(e.to_string().contains("/nonexistent/scap-disk-tmp"), "{e}");
}

#[test]
fn gcp_sparse_map_out_of_order_is_an_error() {
    let (_d, p) = patched("gpt-gcp.tar", |b| {
        // Second sparse map entry's offset (header 386 + 24) moved before the first's.
        b[410..422].copy_from_slice(b"00000000000\0");
        // Keep the header checksum right so the map itself is what is refused.
        let sum: u32 = b[..512]
            .iter()
            .enumerate()
            .map(|(i, &x)| {
                if (148..156).contains(&i) {
                    32
                } else {
                    u32::from(x)
                }
            })
            .sum();
        b[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    });
    let e = DiskImage::open(&p).unwrap_err();
    assert!(e.to_string().contains("out of order"), "{e}");
}

#[test]
fn vmdk_descriptor_naming_other_files_is_refused() {
    // A monolithicFlat descriptor: its extent is a path the image's author chose.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("flat.vmdk");
    std::fs::write(
        &p,
        "# Disk DescriptorFile\nversion=1\ncreateType=\"monolithicFlat\"\n\
         RW 81920 FLAT \"/etc/shadow\" 0\n",
    )
    .unwrap();
    let e = DiskImage::open(&p).unwrap_err();
    assert!(matches!(e, DiskError::Unsupported { .. }), "{e}");
    assert!(e.to_string().contains("never opened"), "{e}");
}

#[test]
fn vmdk_grain_directory_outside_the_file_is_an_error() {
    let (_d, p) = patched("gpt-esp-root-var.vmdk", |b| {
        // gdOffset (sectors, little-endian at 56) far past the end.
        b[56..64].copy_from_slice(&(1u64 << 40).to_le_bytes());
    });
    let e = DiskImage::open(&p).unwrap_err();
    assert!(e.to_string().contains("vmdk: at offset 56"), "{e}");
}

#[test]
fn bare_xfs_reads_like_its_tree() {
    let disk = DiskImage::open(fixture("bare-xfs.qcow2")).unwrap();
    let fs = &disk.filesystems()[0];
    assert_eq!((fs.kind.as_str(), fs.label.as_str()), ("xfs", "xroot"));
    // Short-form and block/leaf directories, inline links, a file of several extents, a
    // setuid file, a file owned by uid 1000.
    let checked = check_manifest_times(&disk, "bare-xfs.manifest", false);
    assert!(checked > 300, "{checked}");
    assert_eq!(disk.read_dir(Path::new("/many")).unwrap().len(), 300);
}

#[test]
fn lvm_linear_volumes_named_by_mapper_and_vg_paths() {
    let disk = DiskImage::open(fixture("lvm-linear.qcow2")).unwrap();
    // /var is lv-var: two segments with another volume's extents between them.
    check_manifest(&disk, "lvm-linear.manifest");
    let at: Vec<_> = disk
        .filesystems()
        .iter()
        .map(|f| (f.location.as_str(), f.mount_point.clone()))
        .collect();
    assert_eq!(
        at,
        [
            ("partition 1, lv tinyvg/root", Some(PathBuf::from("/"))),
            ("partition 1, lv tinyvg/lv-var", Some(PathBuf::from("/var"))),
        ]
    );
    assert!(disk.warnings().is_empty(), "{:?}", disk.warnings());
}

/// A copy of fixture `name` with `patch` applied, in a temporary file.
fn patched(name: &str, patch: impl FnOnce(&mut Vec<u8>)) -> (tempfile::TempDir, PathBuf) {
    let mut bytes = std::fs::read(fixture(name)).unwrap();
    patch(&mut bytes);
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    (dir, p)
}

fn be64_at(b: &[u8], at: usize) -> u64 {
    u64::from_be_bytes(b[at..at + 8].try_into().unwrap())
}

#[test]
fn qcow2_backing_file_is_refused_not_followed() {
    let (_d, p) = patched("gpt-esp-root-var.qcow2", |b| {
        // backing_file_offset = 4000 (inside the header cluster), size 11.
        b[8..16].copy_from_slice(&4000u64.to_be_bytes());
        b[16..20].copy_from_slice(&11u32.to_be_bytes());
        b[4000..4011].copy_from_slice(b"/etc/shadow");
    });
    match DiskImage::open(&p) {
        Err(DiskError::BackingFile { backing }) => assert_eq!(backing, "/etc/shadow"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn qcow2_tables_outside_the_file_are_errors() {
    // Every L1 entry pointing past the end of the file.
    let (_d, p) = patched("gpt-esp-root-var.qcow2", |b| {
        let l1 = be64_at(b, 40) as usize;
        let n = u32::from_be_bytes(b[36..40].try_into().unwrap()) as usize;
        for i in 0..n {
            b[l1 + i * 8..l1 + i * 8 + 8].copy_from_slice(&(1u64 << 40).to_be_bytes());
        }
    });
    let e = DiskImage::open(&p).unwrap_err();
    assert!(matches!(e, DiskError::Corrupt { .. }), "{e}");
    assert!(e.to_string().contains("qcow2"), "{e}");
}

#[test]
fn overlapping_gpt_partitions_are_refused() {
    // A protective MBR and a GPT of two partitions, LBA 34..=50 and 40..=60.
    let raw = {
        let mut d = vec![0u8; 64 * 512];
        d[446 + 4] = 0xEE;
        d[510] = 0x55;
        d[511] = 0xAA;
        d[512..520].copy_from_slice(b"EFI PART");
        d[512 + 72..512 + 80].copy_from_slice(&2u64.to_le_bytes());
        d[512 + 80..512 + 84].copy_from_slice(&2u32.to_le_bytes());
        d[512 + 84..512 + 88].copy_from_slice(&128u32.to_le_bytes());
        for (i, (first, last)) in [(34u64, 50u64), (40, 60)].iter().enumerate() {
            let e = 1024 + i * 128;
            d[e] = 1; // a non-zero type GUID
            d[e + 32..e + 40].copy_from_slice(&first.to_le_bytes());
            d[e + 40..e + 48].copy_from_slice(&last.to_le_bytes());
        }
        d
    };
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("overlap.raw");
    std::fs::write(&p, raw).unwrap();
    let e = DiskImage::open(&p).unwrap_err();
    assert!(e.to_string().contains("overlap"), "{e}");
}

#[test]
fn no_root_filesystem_is_a_typed_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("zeros.raw");
    std::fs::write(&p, vec![0u8; 1 << 16]).unwrap();
    assert!(matches!(DiskImage::open(&p), Err(DiskError::NoRoot { .. })));
}

/// Every file of the target, read; errors are fine, panics are not.
fn read_everything(t: &dyn Target) {
    let mut stack = vec![PathBuf::from("/")];
    let mut seen = 0;
    while let Some(dir) = stack.pop() {
        let Ok(entries) = t.read_dir(&dir) else {
            continue;
        };
        for e in entries {
            seen += 1;
            if seen > 5000 {
                return;
            }
            let p = dir.join(&e.name);
            drop(t.metadata(&p));
            match e.file_type {
                FileType::Directory => stack.push(p),
                FileType::Symlink => drop(t.read_link(&p)),
                _ => drop(t.read(&p, 1 << 20)),
            }
        }
    }
}

#[test]
fn damaged_images_give_errors_not_panics() {
    // Deterministic byte damage all over each fixture (xorshift, fixed seed).
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    // More rounds for a longer hunt: DISK_DAMAGE_ROUNDS=500 cargo test ... damaged
    let rounds: usize = std::env::var("DISK_DAMAGE_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(12);
    for name in [
        "gpt-esp-root-var.qcow2",
        "mbr-logical.qcow2",
        "bare-ext4.vhd",
        "bare-ext4-4k-blocks.vhd",
        "gpt-esp-root-var.vmdk",
        "gpt-stream-optimized.vmdk",
        "gpt-gcp.tar",
    ] {
        let original = std::fs::read(fixture(name)).unwrap();
        for _ in 0..rounds {
            let mut b = original.clone();
            for _ in 0..64 {
                let at = (next() % b.len() as u64) as usize;
                b[at] = next() as u8;
            }
            let dir = tempfile::tempdir().unwrap();
            let p = dir.path().join(name);
            std::fs::write(&p, &b).unwrap();
            if let Ok(disk) = DiskImage::open(&p) {
                read_everything(&disk);
            }
        }
    }
}

#[test]
fn a_fifo_or_device_is_refused_without_blocking() {
    // Opening a FIFO for reading blocks until a writer comes: `--disk FIFO` hung. It is
    // refused as not a regular file, as every other input path is.
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("disk.qcow2");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        let (tx, rx) = std::sync::mpsc::channel();
        let path = fifo.clone();
        std::thread::spawn(move || {
            let _ = tx.send(
                DiskImage::open(&path)
                    .map(|_| ())
                    .map_err(|e| e.to_string()),
            );
        });
        let got = rx
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("opening a FIFO returns, it does not wait for a writer");
        let e = got.expect_err("a FIFO is no disk image");
        assert!(e.contains("not a regular file"), "{e}");
    }
    let e = DiskImage::open("/dev/zero").unwrap_err();
    assert!(e.to_string().contains("not a regular file"), "{e}");
}
