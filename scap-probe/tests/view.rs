//! `ScanView` over a real `RootFs`: the same answers as the tree itself, far fewer host calls,
//! and no escape when the tree changes between two calls of one scan.

// Test support code outside #[test] fns: a failed setup step should panic.
#![allow(clippy::unwrap_used)]

use std::os::unix::fs::symlink;
use std::path::Path;

use scap_probe::{DEFAULT_READ_LIMIT, RootFs, ScanView, Target, ViewLimits, WalkOptions, walk};

const SECRET: &[u8] = b"HOST SECRET - must never be read through the jail\n";

/// A directory cached by the view is swapped for a link to a host directory holding a file of
/// the same name: reading through the cached resolution must not reach the host file. The
/// view hands `RootFs` the physical path `/etc/passwd`, which `RootFs` opens beneath the
/// root's descriptor refusing links; the link makes that fail and `RootFs` resolves again,
/// inside the jail (where the link's absolute target does not exist).
#[test]
fn a_directory_swapped_for_a_link_after_caching_does_not_escape() {
    let root = tempfile::tempdir().unwrap();
    let host = tempfile::tempdir().unwrap();
    std::fs::create_dir(root.path().join("etc")).unwrap();
    std::fs::write(root.path().join("etc/passwd"), b"jailed\n").unwrap();
    std::fs::write(host.path().join("passwd"), SECRET).unwrap();

    let fs = RootFs::new(root.path()).unwrap();
    let view = ScanView::new(&fs, ViewLimits::default());
    let passwd = Path::new("/etc/passwd");
    assert_eq!(view.read(passwd, DEFAULT_READ_LIMIT).unwrap(), b"jailed\n");
    assert!(view.stat(passwd).unwrap().is_file());
    assert!(view.read_dir(Path::new("/etc")).is_ok());

    // The swap: /etc becomes a link to the host directory.
    std::fs::rename(root.path().join("etc"), root.path().join("etc.old")).unwrap();
    symlink(host.path(), root.path().join("etc")).unwrap();

    // The view still believes /etc is a directory; the read must not be the host's file.
    match view.read(passwd, DEFAULT_READ_LIMIT) {
        Ok(bytes) => assert_ne!(bytes, SECRET),
        Err(e) => assert!(e.is_absent(), "{e}"),
    }
    // A relative link to the host directory (`../..`-style) is caught the same way.
    std::fs::remove_file(root.path().join("etc")).unwrap();
    let up = pathdiff(root.path(), host.path());
    symlink(&up, root.path().join("etc")).unwrap();
    match view.read(passwd, DEFAULT_READ_LIMIT) {
        Ok(bytes) => assert_ne!(bytes, SECRET),
        Err(e) => assert!(e.is_absent() || e.path().is_some(), "{e}"),
    }
}

/// `to` relative to `from` through `..` (both absolute host directories).
fn pathdiff(from: &Path, to: &Path) -> std::path::PathBuf {
    let mut up = std::path::PathBuf::new();
    for _ in from.components().skip(1) {
        up.push("..");
    }
    up.join(to.strip_prefix("/").unwrap())
}

/// A tree with links of every kind: the view and the tree give the same answers for every
/// path a walk finds and for paths through the links.
#[test]
fn the_view_answers_as_the_tree_does() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    for d in ["usr/bin", "usr/lib/x", "etc/ssh", "var/empty"] {
        std::fs::create_dir_all(r.join(d)).unwrap();
    }
    std::fs::write(r.join("usr/bin/sh"), b"sh").unwrap();
    std::fs::write(r.join("etc/ssh/sshd_config"), b"PermitRootLogin no\n").unwrap();
    symlink("usr/bin", r.join("bin")).unwrap();
    symlink("/usr/lib", r.join("lib")).unwrap();
    symlink("../../../../../etc", r.join("usr/lib/x/etc")).unwrap();
    symlink("/nowhere", r.join("etc/dangling")).unwrap();
    symlink("loop", r.join("etc/loop")).unwrap();

    let fs = RootFs::new(r).unwrap();
    let view = ScanView::new(&fs, ViewLimits::default());
    let mut paths: Vec<String> = walk(&fs, Path::new("/"), WalkOptions::new())
        .filter_map(Result::ok)
        .map(|e| e.path.display().to_string())
        .collect();
    paths.extend(
        [
            "/bin/sh",
            "/lib/x/etc/ssh/sshd_config",
            "/etc/dangling/x",
            "/etc/loop",
            "/etc/loop/x",
            "/bin/../etc",
            "/etc/ssh/",
            "/etc/ssh/sshd_config/",
            "/missing/x",
        ]
        .map(String::from),
    );
    assert!(paths.len() > 15, "{paths:?}");
    for _round in 0..2 {
        for p in &paths {
            let p = Path::new(p);
            let same = |a: String, b: String| assert_eq!(a, b, "{p:?}");
            same(fmt(meta(view.metadata(p))), fmt(meta(fs.metadata(p))));
            same(fmt(meta(view.stat(p))), fmt(meta(fs.stat(p))));
            same(fmt(view.canonicalize(p)), fmt(fs.canonicalize(p)));
            same(fmt(view.read_link(p)), fmt(fs.read_link(p)));
            same(fmt(view.read(p, 64)), fmt(fs.read(p, 64)));
            same(fmt(sorted(view.read_dir(p))), fmt(sorted(fs.read_dir(p))));
        }
    }
}

/// Metadata without its access time: the test's own reads move it (the view keeps what it
/// saw first, as a scan should).
fn meta(r: scap_probe::Result<scap_probe::Metadata>) -> scap_probe::Result<scap_probe::Metadata> {
    r.map(|mut m| {
        m.atime = Default::default();
        m
    })
}

fn sorted(r: scap_probe::Result<Vec<scap_probe::DirEntry>>) -> scap_probe::Result<Vec<String>> {
    r.map(|l| {
        let mut names: Vec<String> = l
            .into_iter()
            .map(|e| format!("{:?} {:?}", e.name, e.file_type))
            .collect();
        names.sort();
        names
    })
}

/// Results compared by value; errors by kind and path (the message of an I/O error may
/// differ in wording, not in meaning).
fn fmt<X: std::fmt::Debug>(r: scap_probe::Result<X>) -> String {
    match r {
        Ok(x) => format!("{x:?}"),
        Err(e) => format!("error: {e}"),
    }
}

/// Every fact a probe asks for reaches the backend through the view: a method the view did
/// not forward would answer with the trait's default ("not collectable") and silently change
/// results (the extended attributes and network methods were added beside the view).
#[test]
fn the_view_forwards_what_it_does_not_cache() {
    use scap_probe::{Follow, MemoryTarget};
    use std::ffi::OsStr;
    let mut t = MemoryTarget::new();
    t.add_file("/usr/bin/ping", "")
        .set_xattr("/usr/bin/ping", "security.capability", [1, 0, 0, 2]);
    let view = ScanView::new(&t, ViewLimits::default());
    let ping = Path::new("/usr/bin/ping");
    assert_eq!(
        view.xattr_names(ping, Follow::Parents).unwrap(),
        t.xattr_names(ping, Follow::Parents).unwrap()
    );
    let cap = OsStr::new("security.capability");
    assert_eq!(
        view.xattr(ping, cap, Follow::All).unwrap(),
        Some(vec![1, 0, 0, 2])
    );
    // The network facts the backend has (empty lists, not "not collectable").
    t.facts.routes = Some(Vec::new());
    t.facts.inet_sockets = Some(Vec::new());
    t.facts.packet_sockets = Some(Vec::new());
    let view = ScanView::new(&t, ViewLimits::default());
    assert!(view.routes().unwrap().is_empty());
    assert!(view.inet_sockets().unwrap().is_empty());
    assert!(view.packet_sockets().unwrap().is_empty());
}
