//! `OciImage` over images built here with the `tar` crate: OCI layouts (directory and tar),
//! docker-save archives, whiteouts, opaque directories, links, hostile entries, digests.
#![cfg(all(unix, feature = "oci"))]
#![allow(clippy::unwrap_used)]

use std::ffi::OsStr;
use std::io::Write;
use std::path::Path;

use flate2::write::GzEncoder;
use scap_probe::{
    DEFAULT_READ_LIMIT, FileType, Follow, MemoryTarget, OciError, OciImage, OciOptions, RootFs,
    Target, WalkOptions,
};
use sha2::{Digest, Sha256};

/// One tar entry to write.
#[derive(Clone, Copy)]
enum E<'a> {
    File(&'a str, &'a [u8], u32),
    Dir(&'a str, u32),
    Link(&'a str, &'a str),
    Hard(&'a str, &'a str),
    Char(&'a str, u32, u32),
    /// A raw header name, written without the tar crate's path checks.
    RawFile(&'a [u8], &'a [u8]),
}

fn header(kind: tar::EntryType, mode: u32, size: u64) -> tar::Header {
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(kind);
    h.set_mode(mode);
    h.set_size(size);
    h.set_uid(1000);
    h.set_gid(100);
    h.set_mtime(1_700_000_000);
    h
}

fn layer_tar(entries: &[E]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for e in entries {
        match e {
            E::File(p, data, mode) => {
                let mut h = header(tar::EntryType::Regular, *mode, data.len() as u64);
                b.append_data(&mut h, p, *data).unwrap();
            }
            E::Dir(p, mode) => {
                let mut h = header(tar::EntryType::Directory, *mode, 0);
                b.append_data(&mut h, p, &[][..]).unwrap();
            }
            E::Link(p, t) => {
                let mut h = header(tar::EntryType::Symlink, 0o777, 0);
                b.append_link(&mut h, p, t).unwrap();
            }
            E::Hard(p, t) => {
                let mut h = header(tar::EntryType::Link, 0o644, 0);
                b.append_link(&mut h, p, t).unwrap();
            }
            E::Char(p, ma, mi) => {
                let mut h = header(tar::EntryType::Char, 0o666, 0);
                h.set_device_major(*ma).unwrap();
                h.set_device_minor(*mi).unwrap();
                b.append_data(&mut h, p, &[][..]).unwrap();
            }
            E::RawFile(name, data) => {
                let mut h = header(tar::EntryType::Regular, 0o644, data.len() as u64);
                let gnu = h.as_gnu_mut().unwrap();
                gnu.name = [0; 100];
                gnu.name[..name.len()].copy_from_slice(name);
                h.set_cksum();
                b.append(&h, *data).unwrap();
            }
        }
    }
    b.into_inner().unwrap()
}

#[derive(Clone, Copy)]
enum Comp {
    None,
    Gzip,
    Zstd,
}

fn compress(tar: &[u8], c: Comp) -> (Vec<u8>, &'static str) {
    match c {
        Comp::None => (tar.to_vec(), "application/vnd.oci.image.layer.v1.tar"),
        Comp::Gzip => {
            let mut g = GzEncoder::new(Vec::new(), flate2::Compression::fast());
            g.write_all(tar).unwrap();
            (
                g.finish().unwrap(),
                "application/vnd.oci.image.layer.v1.tar+gzip",
            )
        }
        Comp::Zstd => (
            ruzstd::encoding::compress_to_vec(tar, ruzstd::encoding::CompressionLevel::Fastest),
            "application/vnd.oci.image.layer.v1.tar+zstd",
        ),
    }
}

fn sha(b: &[u8]) -> String {
    let d = Sha256::digest(b);
    let hex: String = d.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

fn put_blob(dir: &Path, b: &[u8]) -> String {
    let d = sha(b);
    let p = dir
        .join("blobs/sha256")
        .join(d.trim_start_matches("sha256:"));
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, b).unwrap();
    d
}

fn descriptor(mt: &str, digest: &str, size: usize) -> serde_json::Value {
    serde_json::json!({"mediaType": mt, "digest": digest, "size": size})
}

/// Write an image (layers bottom first) into layout `dir`; return the manifest descriptor.
fn write_image(dir: &Path, layers: &[Vec<E>], comp: Comp, env: &[&str]) -> serde_json::Value {
    let mut descs = Vec::new();
    let mut diff_ids = Vec::new();
    for l in layers {
        let tar = layer_tar(l);
        diff_ids.push(sha(&tar));
        let (blob, mt) = compress(&tar, comp);
        let d = put_blob(dir, &blob);
        descs.push(descriptor(mt, &d, blob.len()));
    }
    let config = serde_json::json!({
        "architecture": "amd64", "os": "linux",
        "config": {"Env": env},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
    });
    let config = serde_json::to_vec(&config).unwrap();
    let cd = put_blob(dir, &config);
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": descriptor("application/vnd.oci.image.config.v1+json", &cd, config.len()),
        "layers": descs,
    });
    let manifest = serde_json::to_vec(&manifest).unwrap();
    let md = put_blob(dir, &manifest);
    descriptor(
        "application/vnd.oci.image.manifest.v1+json",
        &md,
        manifest.len(),
    )
}

fn write_index(dir: &Path, manifests: Vec<serde_json::Value>) {
    std::fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
    let index = serde_json::json!({"schemaVersion": 2, "manifests": manifests});
    std::fs::write(dir.join("index.json"), serde_json::to_vec(&index).unwrap()).unwrap();
}

fn layout(layers: &[Vec<E>], comp: Comp) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let m = write_image(
        dir.path(),
        layers,
        comp,
        &["PATH=/usr/bin:/bin", "LANG=C.UTF-8"],
    );
    write_index(dir.path(), vec![m]);
    dir
}

fn read(t: &dyn Target, p: &str) -> Vec<u8> {
    t.read(Path::new(p), DEFAULT_READ_LIMIT).unwrap()
}

fn base() -> Vec<E<'static>> {
    vec![
        E::Dir("etc", 0o755),
        E::File("etc/os-release", b"ID=debian\nVERSION_ID=\"11\"\n", 0o644),
        E::File("etc/shadow", b"root:*:19000:0:99999:7:::\n", 0o640),
        E::Dir("etc/ssh", 0o755),
        E::File("etc/ssh/sshd_config", b"PermitRootLogin yes\n", 0o600),
        E::File("etc/ssh/moduli", b"moduli\n", 0o644),
        E::Dir("usr/lib", 0o755),
        E::File("usr/lib/os-release", b"ID=debian\n", 0o644),
        E::Dir("var/cache", 0o755),
        E::File("var/cache/big", &[7u8; 300_000], 0o644),
        E::File("var/cache/small", b"small", 0o644),
        E::File("etc/hostname", b"image-host\n", 0o644),
    ]
}

#[test]
fn layers_merge_with_whiteouts_and_opaque_dirs_in_every_compression() {
    for comp in [Comp::None, Comp::Gzip, Comp::Zstd] {
        let upper = vec![
            E::File("etc/os-release", b"ID=debian\nVERSION_ID=\"12\"\n", 0o644),
            E::File("etc/.wh.shadow", b"", 0o644),
            E::Dir("etc/ssh", 0o700),
            E::File("etc/ssh/.wh..wh..opq", b"", 0o644),
            E::File("etc/ssh/ssh_config", b"Host *\n", 0o644),
            E::File("var/cache/.wh.big", b"", 0o644),
            E::File("usr/bin/new", b"#!/bin/sh\n", 0o4755),
        ];
        let dir = layout(&[base(), upper], comp);
        let img = OciImage::open(dir.path()).unwrap();
        let t: &dyn Target = &img;
        assert_eq!(
            read(t, "/etc/os-release"),
            b"ID=debian\nVERSION_ID=\"12\"\n"
        );
        assert!(!t.exists(Path::new("/etc/shadow")).unwrap());
        assert!(!t.exists(Path::new("/etc/.wh.shadow")).unwrap());
        assert!(!t.exists(Path::new("/etc/ssh/sshd_config")).unwrap());
        assert!(!t.exists(Path::new("/var/cache/big")).unwrap());
        assert_eq!(read(t, "/var/cache/small"), b"small");
        let mut names: Vec<_> = t
            .read_dir(Path::new("/etc/ssh"))
            .unwrap()
            .into_iter()
            .map(|e| e.name.into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["ssh_config"]);
        let ssh = t.metadata(Path::new("/etc/ssh")).unwrap();
        assert_eq!(ssh.mode, 0o700);
        let new = t.metadata(Path::new("/usr/bin/new")).unwrap();
        assert!(new.is_suid() && new.uid == 1000 && new.gid == 100);
        assert_eq!(new.mtime.secs, 1_700_000_000);
        assert_eq!(img.info().layers.len(), 2);
        let expect = match comp {
            Comp::None => "none",
            Comp::Gzip => "gzip",
            Comp::Zstd => "zstd",
        };
        assert_eq!(img.info().layers[0].compression, expect);
    }
}

#[test]
fn large_files_of_compressed_layers_are_restreamed() {
    for comp in [Comp::None, Comp::Gzip, Comp::Zstd] {
        let dir = layout(&[base()], comp);
        let img = OciImage::open(dir.path()).unwrap();
        // 300 000 bytes: above the inline limit, read back from the layer.
        assert_eq!(read(&img, "/var/cache/big"), vec![7u8; 300_000]);
        // A tiny inline budget: every file is re-streamed, same bytes.
        let mut opts = OciOptions::default();
        opts.limits.inline_budget = 0;
        let img = OciImage::open_with(dir.path(), &opts).unwrap();
        assert_eq!(read(&img, "/etc/ssh/moduli"), b"moduli\n");
        assert_eq!(read(&img, "/var/cache/big").len(), 300_000);
        // Backwards from the layer cursor (a restart), forwards again, and twice the same.
        for p in [
            "/var/cache/small",
            "/etc/os-release",
            "/var/cache/small",
            "/etc/hostname",
        ] {
            let want = base()
                .into_iter()
                .find_map(|e| match e {
                    E::File(n, d, _) if format!("/{n}") == p => Some(d.to_vec()),
                    _ => None,
                })
                .unwrap();
            assert_eq!(read(&img, p), want, "{p}");
        }
        // Too large to buffer: streamed by a decoder of its own.
        opts.limits.max_buffered_read = 1000;
        let img = OciImage::open_with(dir.path(), &opts).unwrap();
        let mut r = img.open(Path::new("/var/cache/big")).unwrap();
        let mut n = 0;
        let mut buf = [0u8; 4096];
        loop {
            let k = std::io::Read::read(&mut r, &mut buf).unwrap();
            if k == 0 {
                break;
            }
            assert!(buf[..k].iter().all(|b| *b == 7));
            n += k;
        }
        assert_eq!(n, 300_000);
    }
}

#[test]
fn links_devices_and_the_jail() {
    let layer = vec![
        E::Dir("etc", 0o755),
        E::File("etc/passwd", b"root:x:0:0::/root:/bin/sh\n", 0o644),
        E::Hard("etc/passwd-hard", "etc/passwd"),
        E::Link("escape", "../../../../etc/passwd"),
        E::Link("abs", "/etc"),
        E::Link("loop", "loop"),
        E::Link("dangling", "/nonexistent/file"),
        E::Char("dev/null", 1, 3),
    ];
    let dir = layout(&[layer], Comp::Gzip);
    let img = OciImage::open(dir.path()).unwrap();
    let t: &dyn Target = &img;
    assert_eq!(read(t, "/escape"), b"root:x:0:0::/root:/bin/sh\n");
    assert_eq!(
        read(t, "/abs/../abs/passwd-hard"),
        b"root:x:0:0::/root:/bin/sh\n"
    );
    let a = t.metadata(Path::new("/etc/passwd")).unwrap();
    let b = t.metadata(Path::new("/etc/passwd-hard")).unwrap();
    assert_eq!((a.inode, a.nlink), (b.inode, 2));
    assert!(t.stat(Path::new("/loop")).unwrap_err().is_link_loop());
    assert!(t.stat(Path::new("/dangling")).unwrap_err().is_not_found());
    assert_eq!(
        t.read_link(Path::new("/escape")).unwrap(),
        Path::new("../../../../etc/passwd")
    );
    let null = t.metadata(Path::new("/dev/null")).unwrap();
    assert_eq!(null.file_type, FileType::CharDevice);
    assert_eq!(null.rdev, (1 << 8) | 3);
    assert!(t.open(Path::new("/dev/null")).is_err());
    assert!(t.read(Path::new("/etc"), 10).is_err());
}

#[test]
fn dot_dot_entries_are_refused() {
    let dir = layout(&[vec![E::RawFile(b"../../evil", b"x")]], Comp::None);
    match OciImage::open(dir.path()) {
        Err(OciError::UnsafeEntry { layer: 0, .. }) => {}
        other => panic!("{other:?}"),
    }
    // An absolute name is taken relative to the image root.
    let dir = layout(&[vec![E::RawFile(b"/etc/abs", b"x")]], Comp::None);
    let img = OciImage::open(dir.path()).unwrap();
    assert_eq!(read(&img, "/etc/abs"), b"x");
}

/// `a -> /etc` then `a/passwd`. In one layer a runtime writes through the link (to
/// /etc/passwd), so the names do not say what the tree is: refused. Across layers overlayfs
/// shows the upper layer's directory `a` over the lower link, and /etc/passwd stays.
#[test]
fn entries_beneath_a_symlink_follow_what_the_runtime_builds() {
    let lower = [
        E::Dir("etc", 0o755),
        E::File("etc/passwd", b"root:x:0:0::/root:/bin/sh\n", 0o644),
        E::Link("a", "/etc"),
    ];
    let same = [lower
        .iter()
        .copied()
        .chain([E::File("a/passwd", b"evil\n", 0o644)])
        .collect::<Vec<_>>()];
    match OciImage::open(layout(&same, Comp::None).path()) {
        Err(OciError::UnsafeEntry {
            layer: 0, entry, ..
        }) => assert_eq!(entry, "a/passwd"),
        other => panic!("{other:?}"),
    }
    let whiteout = [lower
        .iter()
        .copied()
        .chain([E::File("a/.wh.passwd", b"", 0o644)])
        .collect::<Vec<_>>()];
    assert!(matches!(
        OciImage::open(layout(&whiteout, Comp::None).path()),
        Err(OciError::UnsafeEntry { .. })
    ));
    let next = [
        lower.to_vec(),
        vec![E::Dir("a", 0o755), E::File("a/passwd", b"new\n", 0o644)],
    ];
    let dir = layout(&next, Comp::None); // kept: the image reads its blobs lazily
    let img = OciImage::open(dir.path()).unwrap();
    assert_eq!(read(&img, "/etc/passwd"), b"root:x:0:0::/root:/bin/sh\n");
    assert_eq!(read(&img, "/a/passwd"), b"new\n");
    assert!(img.metadata(Path::new("/a")).unwrap().is_dir());
}

#[test]
fn hard_link_to_nothing_is_refused() {
    let dir = layout(&[vec![E::Hard("a", "missing")]], Comp::None);
    assert!(matches!(
        OciImage::open(dir.path()),
        Err(OciError::HardLink { .. })
    ));
}

#[test]
fn a_changed_blob_is_a_digest_mismatch() {
    let dir = layout(&[base()], Comp::Gzip);
    // Find the layer blob (the largest) and flip a byte in its gzip trailer.
    let blobs = dir.path().join("blobs/sha256");
    let mut largest = None;
    for e in std::fs::read_dir(&blobs).unwrap() {
        let p = e.unwrap().path();
        let len = std::fs::metadata(&p).unwrap().len();
        if largest.as_ref().is_none_or(|(l, _)| len > *l) {
            largest = Some((len, p));
        }
    }
    let (_, p) = largest.unwrap();
    let mut bytes = std::fs::read(&p).unwrap();
    bytes.push(0); // trailing garbage: same content, different digest
    std::fs::write(&p, &bytes).unwrap();
    match OciImage::open(dir.path()) {
        Err(OciError::SizeMismatch { .. }) | Err(OciError::DigestMismatch { .. }) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn environment_and_container_facts() {
    let dir = layout(&[base()], Comp::None);
    let img = OciImage::open(dir.path()).unwrap();
    let env = img.environment().unwrap();
    assert_eq!(env[0], ("PATH".to_string(), "/usr/bin:/bin".to_string()));
    assert!(img.container().unwrap().is_container);
    assert_eq!(img.container().unwrap().runtime.as_deref(), Some("oci"));
    assert!(img.exists(Path::new("/.dockerenv")).unwrap());
    assert_eq!(img.hostname().unwrap(), "image-host");
    assert!(img.processes().unwrap_err().is_not_collectable());
    let img = img.with_environment(vec![("A".into(), "b".into())]);
    assert_eq!(
        img.environment().unwrap(),
        [("A".to_string(), "b".to_string())]
    );
    let mut opts = OciOptions::default();
    opts.dockerenv = false;
    let img = OciImage::open_with(dir.path(), &opts).unwrap();
    assert!(!img.exists(Path::new("/.dockerenv")).unwrap());
}

/// Tar a directory's files (relative names) into one archive.
fn tar_dir(dir: &Path) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    b.append_dir_all(".", dir).unwrap();
    b.into_inner().unwrap()
}

#[test]
fn an_oci_layout_packed_as_a_tar() {
    let dir = layout(&[base()], Comp::Zstd);
    let out = tempfile::tempdir().unwrap();
    let tar_path = out.path().join("image.tar");
    std::fs::write(&tar_path, tar_dir(dir.path())).unwrap();
    let img = OciImage::open(&tar_path).unwrap();
    assert_eq!(
        read(&img, "/etc/os-release"),
        b"ID=debian\nVERSION_ID=\"11\"\n"
    );
    assert_eq!(read(&img, "/var/cache/big").len(), 300_000);
    // The same archive held in memory.
    let bytes = std::fs::read(&tar_path).unwrap();
    let img = OciImage::from_archive_bytes(&bytes, &OciOptions::default()).unwrap();
    assert_eq!(read(&img, "/var/cache/small"), b"small");
    assert_eq!(img.info().format, scap_probe::ImageFormat::OciLayout);
    // Cut short: a typed error, not a panic.
    let half = &bytes[..bytes.len() / 2];
    assert!(OciImage::from_archive_bytes(half, &OciOptions::default()).is_err());
}

#[test]
fn references_and_platforms_pick_the_image() {
    let dir = tempfile::tempdir().unwrap();
    let a = write_image(
        dir.path(),
        &[vec![E::File("which", b"amd64", 0o644)]],
        Comp::Gzip,
        &[],
    );
    let b = write_image(
        dir.path(),
        &[vec![E::File("which", b"arm64", 0o644)]],
        Comp::Gzip,
        &[],
    );
    let with_platform = |mut d: serde_json::Value, arch: &str| {
        d["platform"] = serde_json::json!({"os": "linux", "architecture": arch});
        d
    };
    // A nested multi-platform index, named `debian:11`.
    let nested = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [with_platform(b.clone(), "arm64"), with_platform(a.clone(), "amd64")],
    });
    let nested = serde_json::to_vec(&nested).unwrap();
    let nd = put_blob(dir.path(), &nested);
    let mut top = descriptor("application/vnd.oci.image.index.v1+json", &nd, nested.len());
    top["annotations"] = serde_json::json!({"org.opencontainers.image.ref.name": "debian:11"});
    let mut other = b.clone();
    other["annotations"] = serde_json::json!({"org.opencontainers.image.ref.name": "other:1"});
    write_index(dir.path(), vec![top, other]);

    assert!(matches!(
        OciImage::open(dir.path()),
        Err(OciError::AmbiguousImage { .. })
    ));
    let mut opts = OciOptions::default();
    opts.reference = Some("debian:11".into());
    let img = OciImage::open_with(dir.path(), &opts).unwrap();
    assert_eq!(read(&img, "/which"), b"amd64");
    opts.platform = "linux/arm64".into();
    assert_eq!(
        read(&OciImage::open_with(dir.path(), &opts).unwrap(), "/which"),
        b"arm64"
    );
    opts.platform = "linux/s390x".into();
    assert!(matches!(
        OciImage::open_with(dir.path(), &opts),
        Err(OciError::PlatformNotFound { .. })
    ));
    opts.platform = "linux/amd64".into();
    opts.reference = Some("other:1".into());
    assert_eq!(
        read(&OciImage::open_with(dir.path(), &opts).unwrap(), "/which"),
        b"arm64"
    );
    opts.reference = Some("nope".into());
    assert!(matches!(
        OciImage::open_with(dir.path(), &opts),
        Err(OciError::ImageNotFound { .. })
    ));
}

#[test]
fn docker_save_archive() {
    let dir = tempfile::tempdir().unwrap();
    let l1 = layer_tar(&base());
    let l2 = layer_tar(&[
        E::File("etc/.wh.shadow", b"", 0o644),
        E::File("etc/motd", b"hi\n", 0o644),
    ]);
    std::fs::create_dir_all(dir.path().join("aaa")).unwrap();
    std::fs::create_dir_all(dir.path().join("bbb")).unwrap();
    std::fs::write(dir.path().join("aaa/layer.tar"), &l1).unwrap();
    std::fs::write(dir.path().join("bbb/layer.tar"), &l2).unwrap();
    let config = serde_json::json!({
        "architecture": "amd64", "os": "linux", "config": {"Env": ["X=1"]},
        "rootfs": {"type": "layers", "diff_ids": [sha(&l1), sha(&l2)]},
    });
    let config = serde_json::to_vec(&config).unwrap();
    let cname = format!("{}.json", sha(&config).trim_start_matches("sha256:"));
    std::fs::write(dir.path().join(&cname), &config).unwrap();
    let manifest = serde_json::json!([{"Config": cname, "RepoTags": ["debian:11"], "Layers": ["aaa/layer.tar", "bbb/layer.tar"]}]);
    std::fs::write(
        dir.path().join("manifest.json"),
        serde_json::to_vec(&manifest).unwrap(),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let tar_path = out.path().join("save.tar");
    std::fs::write(&tar_path, tar_dir(dir.path())).unwrap();

    let img = OciImage::open(&tar_path).unwrap();
    assert_eq!(img.info().reference.as_deref(), Some("debian:11"));
    assert_eq!(read(&img, "/etc/motd"), b"hi\n");
    assert!(!img.exists(Path::new("/etc/shadow")).unwrap());
    assert_eq!(
        img.environment().unwrap(),
        [("X".to_string(), "1".to_string())]
    );
    // The same as a directory (`docker save | tar x`).
    let img = OciImage::open(dir.path()).unwrap();
    assert_eq!(read(&img, "/var/cache/big").len(), 300_000);
    // A layer that does not match its diff_id.
    std::fs::write(
        dir.path().join("bbb/layer.tar"),
        layer_tar(&[E::File("etc/motd", b"ho\n", 0o644)]),
    )
    .unwrap();
    assert!(matches!(
        OciImage::open(dir.path()),
        Err(OciError::DigestMismatch { .. })
    ));
}

#[test]
fn decompression_bombs_hit_the_ratio_limit() {
    let dir = layout(
        &[vec![E::File("zeros", &vec![0u8; 4 << 20], 0o644)]],
        Comp::Zstd,
    );
    let mut opts = OciOptions::default();
    opts.limits.ratio_grace = 1 << 20;
    opts.limits.max_compression_ratio = 10;
    assert!(matches!(
        OciImage::open_with(dir.path(), &opts),
        Err(OciError::LimitExceeded {
            what: "compression ratio",
            ..
        })
    ));
    let mut opts = OciOptions::default();
    opts.limits.max_layer_size = 1 << 20;
    assert!(matches!(
        OciImage::open_with(dir.path(), &opts),
        Err(OciError::LimitExceeded { .. })
    ));
}

#[test]
fn not_an_image() {
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(
        OciImage::open(dir.path()),
        Err(OciError::NotAnImage { .. })
    ));
    let f = dir.path().join("garbage.tar");
    std::fs::write(&f, [0x42u8; 2000]).unwrap();
    assert!(OciImage::open(&f).is_err());
}

/// The same tree as an image, unpacked on disk (RootFs) and in memory (MemoryTarget): every
/// walked path has the same type, mode, owner, size and content.
#[test]
fn same_answers_as_rootfs_and_memory_target() {
    let entries = base();
    let dir = layout(&[entries], Comp::Gzip);
    let img = OciImage::open(dir.path()).unwrap();
    // Unpack the same layer with the tar crate into a directory.
    let root = tempfile::tempdir().unwrap();
    let bytes = layer_tar(&base());
    let mut ar = tar::Archive::new(&bytes[..]);
    ar.set_preserve_permissions(true);
    ar.unpack(root.path()).unwrap();
    std::fs::write(root.path().join(".dockerenv"), "").unwrap();
    let rootfs = RootFs::new(root.path()).unwrap();
    let mut mem = MemoryTarget::new();
    for e in base() {
        if let E::File(p, data, mode) = e {
            let mut m = scap_probe::Metadata::new(FileType::Regular, mode);
            m.size = data.len() as u64;
            mem.add_file_with(p, data, m);
        }
    }
    mem.add_file("/.dockerenv", "");
    let walk = |t: &dyn Target| {
        let mut out = Vec::new();
        for e in scap_probe::walk(t, Path::new("/"), WalkOptions::default()) {
            let e = e.unwrap();
            let m = t.metadata(&e.path).unwrap();
            let content = if m.is_file() {
                t.read(&e.path, DEFAULT_READ_LIMIT).unwrap()
            } else {
                Vec::new()
            };
            out.push((
                e.path.clone(),
                m.file_type,
                m.is_file().then_some(m.size),
                content,
            ));
        }
        out.sort();
        out
    };
    let a = walk(&img);
    assert_eq!(a, walk(&rootfs));
    assert_eq!(a, walk(&mem));
    // The image is its own index: a scan asks it directly, not through a ScanView holding a
    // second copy (a directory tree on disk is asked through one).
    assert!(!img.wants_scan_view());
    assert!(rootfs.wants_scan_view());
    for p in ["/etc/shadow", "/etc/ssh/sshd_config"] {
        let (x, y) = (
            img.metadata(Path::new(p)).unwrap(),
            rootfs.metadata(Path::new(p)).unwrap(),
        );
        assert_eq!((x.mode, x.mtime.secs), (y.mode, y.mtime.secs));
    }
}

/// A raw tar of (header, data) pairs, for entries the `tar` crate's builder would refuse.
fn raw_tar(entries: Vec<(tar::Header, Vec<u8>)>) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (mut h, data) in entries {
        h.set_size(data.len() as u64);
        h.set_cksum();
        b.append(&h, &data[..]).unwrap();
    }
    b.into_inner().unwrap()
}

fn ustar(kind: tar::EntryType, name: &str) -> tar::Header {
    let mut h = tar::Header::new_ustar();
    h.set_entry_type(kind);
    h.set_path(name).unwrap();
    h.set_mode(0o644);
    h
}

#[test]
fn huge_extension_headers_are_refused_before_being_read() {
    let pax = ustar(tar::EntryType::XHeader, "PaxHeaders/x");
    let layer = raw_tar(vec![
        (pax, vec![b'a'; 2 << 20]),
        (ustar(tar::EntryType::Regular, "x"), b"x".to_vec()),
    ]);
    match OciImage::from_layers(vec![layer], &OciOptions::default()) {
        Err(OciError::LimitExceeded { what, .. }) => assert_eq!(what, "extension header size"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn pax_and_gnu_long_names_and_pax_metadata() {
    let long = format!("usr/share/{}/file", "d".repeat(150));
    // The tar crate writes a GNU long-name entry for a GNU header.
    let gnu = layer_tar(&[E::File(&long, b"gnu", 0o644)]);
    // A PAX record set: path, uid and a fractional mtime.
    // A PAX record is "LEN KEY=VALUE\n" where LEN counts its own digits too.
    let records = |k: &str, v: &str| {
        let body = format!(" {k}={v}\n");
        let n = (1..5)
            .map(|digits| body.len() + digits)
            .find(|n| n.to_string().len() + body.len() == *n)
            .unwrap();
        format!("{n}{body}")
    };
    let data = format!(
        "{}{}{}",
        records("path", "etc/pax-named-this"),
        records("uid", "4000000"),
        records("mtime", "1700000000.5")
    );
    let pax = raw_tar(vec![
        (
            ustar(tar::EntryType::XHeader, "PaxHeaders/short"),
            data.into_bytes(),
        ),
        (ustar(tar::EntryType::Regular, "short"), b"pax".to_vec()),
    ]);
    let img = OciImage::from_layers(vec![gnu, pax], &OciOptions::default()).unwrap();
    assert_eq!(read(&img, &format!("/{long}")), b"gnu");
    assert_eq!(read(&img, "/etc/pax-named-this"), b"pax");
    assert!(!img.exists(Path::new("/short")).unwrap());
    let m = img.metadata(Path::new("/etc/pax-named-this")).unwrap();
    assert_eq!(m.uid, 4_000_000);
    assert_eq!((m.mtime.secs, m.mtime.nanos), (1_700_000_000, 500_000_000));
}

#[test]
fn duplicates_last_wins_and_whiteouts_spare_their_own_layer() {
    let lower = layer_tar(&[
        E::File("a/old", b"lower", 0o644),
        E::File("dir/sub/deep", b"lower", 0o644),
        E::Link("lib", "usr/lib"),
        E::File("usr/lib/libc.so", b"libc", 0o644),
    ]);
    let upper = layer_tar(&[
        E::File("a/x", b"first", 0o644),
        E::File("a/x", b"second", 0o600),
        E::File("a/new", b"this layer", 0o644),
        // Opaque after this layer's own entry: the entry stays, the lower one goes.
        E::File("a/.wh..wh..opq", b"", 0o644),
        // A whiteout of a directory removes its whole subtree.
        E::File(".wh.dir", b"", 0o644),
        // A directory entry over a lower symlink replaces it (overlayfs semantics).
        E::Dir("lib", 0o755),
        E::File("lib/own", b"own", 0o644),
    ]);
    let img = OciImage::from_layers(vec![lower, upper], &OciOptions::default()).unwrap();
    assert_eq!(read(&img, "/a/x"), b"second");
    assert_eq!(img.metadata(Path::new("/a/x")).unwrap().mode, 0o600);
    assert_eq!(read(&img, "/a/new"), b"this layer");
    assert!(!img.exists(Path::new("/a/old")).unwrap());
    assert!(!img.exists(Path::new("/dir")).unwrap());
    assert!(img.metadata(Path::new("/lib")).unwrap().is_dir());
    assert!(!img.exists(Path::new("/lib/libc.so")).unwrap());
    assert_eq!(read(&img, "/usr/lib/libc.so"), b"libc");
    assert_eq!(img.info().layers[1].entries, 7);
}

#[test]
fn entry_and_layer_limits() {
    let layer = layer_tar(&[
        E::File("a", b"1", 0o644),
        E::File("b", b"2", 0o644),
        E::File("c", b"3", 0o644),
    ]);
    let mut opts = OciOptions::default();
    opts.limits.max_entries = 2;
    assert!(matches!(
        OciImage::from_layers(vec![layer.clone()], &opts),
        Err(OciError::LimitExceeded {
            what: "tar entries",
            ..
        })
    ));
    let mut opts = OciOptions::default();
    opts.limits.max_layers = 1;
    assert!(matches!(
        OciImage::from_layers(vec![layer.clone(), layer], &opts),
        Err(OciError::LimitExceeded {
            what: "number of layers",
            ..
        })
    ));
}

#[test]
fn truncated_and_corrupt_layers_are_typed_errors() {
    let tar = layer_tar(&base());
    let (gz, _) = compress(&tar, Comp::Gzip);
    let (zst, _) = compress(&tar, Comp::Zstd);
    for bad in [
        tar[..1000].to_vec(),
        gz[..gz.len() / 2].to_vec(),
        zst[..zst.len() / 2].to_vec(),
    ] {
        match OciImage::from_layers(vec![bad], &OciOptions::default()) {
            Err(OciError::Layer { layer: 0, .. }) => {}
            other => panic!("{:?}", other.map(|i| i.info().clone())),
        }
    }
}

#[test]
fn image_arguments_and_env_lines() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("img.tar");
    std::fs::write(&p, b"").unwrap();
    let arg = format!("{}:debian:11", p.display());
    assert_eq!(
        scap_probe::split_image_arg(&arg),
        (p.clone(), Some("debian:11".to_string()))
    );
    let arg = format!("{}:sha256:abc", p.display());
    assert_eq!(
        scap_probe::split_image_arg(&arg),
        (p.clone(), Some("sha256:abc".to_string()))
    );
    assert_eq!(
        scap_probe::split_image_arg(&p.display().to_string()),
        (p, None)
    );
    let env = scap_probe::parse_env_lines("A=1\r\nB=x=y\n\n#c\n");
    assert_eq!(
        env,
        [
            ("A".to_string(), "1".to_string()),
            ("B".to_string(), "x=y".to_string())
        ]
    );
}

#[test]
fn rootfs_environment_is_never_the_scanners_own() {
    let dir = tempfile::tempdir().unwrap();
    let root = RootFs::new(dir.path()).unwrap();
    assert!(root.environment().unwrap_err().is_not_collectable());
    let root = root.with_environment(scap_probe::parse_env_lines("PATH=/bin\n"));
    assert_eq!(
        root.environment().unwrap(),
        [("PATH".to_string(), "/bin".to_string())]
    );
}

#[test]
fn pax_xattr_records_are_extended_attributes() {
    // `SCHILY.xattr.NAME` records, as Docker, BuildKit and GNU tar write them (a file
    // capability and an SELinux label), on a file, then a hard link to it and a directory
    // merged by an upper layer that carries none.
    let record = |k: &str, v: &[u8]| {
        let mut body = format!(" {k}=").into_bytes();
        body.extend_from_slice(v);
        body.push(b'\n');
        let n = (1..5)
            .map(|digits| body.len() + digits)
            .find(|n| n.to_string().len() + body.len() == *n)
            .unwrap();
        let mut out = n.to_string().into_bytes();
        out.extend(body);
        out
    };
    let cap: &[u8] = &[
        0, 0, 0, 2, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ];
    let mut data = record("SCHILY.xattr.security.capability", cap);
    data.extend(record(
        "SCHILY.xattr.security.selinux",
        b"system_u:object_r:ping_exec_t:s0\0",
    ));
    let mut dir_pax = record("SCHILY.xattr.user.dir", b"lower");
    dir_pax.extend(record("SCHILY.xattr.user.dir", b"last wins"));
    let mut link = ustar(tar::EntryType::Link, "usr/bin/ping6");
    link.set_link_name("usr/bin/ping").unwrap();
    let lower = raw_tar(vec![
        (ustar(tar::EntryType::XHeader, "PaxHeaders/d"), dir_pax),
        (ustar(tar::EntryType::Directory, "d/"), Vec::new()),
        (ustar(tar::EntryType::XHeader, "PaxHeaders/ping"), data),
        (
            ustar(tar::EntryType::Regular, "usr/bin/ping"),
            b"elf".to_vec(),
        ),
        (link, Vec::new()),
    ]);
    let upper = raw_tar(vec![(ustar(tar::EntryType::Directory, "d/"), Vec::new())]);
    let img = OciImage::from_layers(vec![lower.clone(), upper], &OciOptions::default()).unwrap();
    for p in ["/usr/bin/ping", "/usr/bin/ping6"] {
        let p = Path::new(p);
        assert_eq!(
            img.xattr_names(p, Follow::Parents).unwrap(),
            ["security.capability", "security.selinux"]
        );
        let got = img.xattr(p, OsStr::new("security.capability"), Follow::All);
        assert_eq!(got.unwrap().as_deref(), Some(cap));
    }
    // The upper layer's directory replaced the lower one's metadata, attributes included.
    assert!(
        img.xattr_names(Path::new("/d"), Follow::All)
            .unwrap()
            .is_empty()
    );
    let only_lower = OciImage::from_layers(vec![lower], &OciOptions::default()).unwrap();
    assert_eq!(
        only_lower
            .xattr(Path::new("/d"), OsStr::new("user.dir"), Follow::All)
            .unwrap(),
        Some(b"last wins".to_vec())
    );
    assert!(
        only_lower
            .xattr_names(Path::new("/none"), Follow::All)
            .unwrap_err()
            .is_not_found()
    );
}
