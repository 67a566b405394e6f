//! Extended attributes through every built-in backend: `RootFs` and `LiveHost` on a real
//! temporary directory (`user.*` attributes need no privilege), `MemoryTarget` built to match,
//! and the jail: a link's own attributes unless asked to follow, links resolved inside the root.

// Test support code outside #[test] fns: a failed setup step should panic.
#![allow(clippy::unwrap_used)]

use std::ffi::{OsStr, OsString};
use std::os::unix::fs::symlink;
use std::path::Path;

use scap_probe::{Follow, LiveHost, MemoryTarget, RootFs, Target};

/// A tree with `/etc/f` (user.a=1, user.b=two), `/etc/plain` (none), `/link` -> `/etc/f`
/// (absolute: resolved inside the root), `/rel` -> `etc/f` and, outside the root, a host file with
/// `user.secret`, linked to as `/escape` -> `../host/secret` (`..` stops at the root).
/// `None` when the temporary file system refuses `user.*` attributes.
fn tree() -> Option<(tempfile::TempDir, std::path::PathBuf)> {
    let top = tempfile::tempdir().unwrap();
    let root = top.path().join("root");
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::create_dir_all(top.path().join("host")).unwrap();
    std::fs::write(root.join("etc/f"), "x").unwrap();
    std::fs::write(root.join("etc/plain"), "x").unwrap();
    std::fs::write(top.path().join("host/secret"), "x").unwrap();
    let set = |p: &Path, n: &str, v: &[u8]| {
        rustix::fs::setxattr(p, n, v, rustix::fs::XattrFlags::empty())
    };
    match set(&root.join("etc/f"), "user.a", b"1") {
        Ok(()) => {}
        Err(rustix::io::Errno::NOTSUP | rustix::io::Errno::PERM) => {
            eprintln!(
                "skipped: the temporary file system ({}) refuses user.* extended attributes",
                top.path().display()
            );
            return None;
        }
        Err(e) => panic!("setxattr: {e}"),
    }
    set(&root.join("etc/f"), "user.b", b"two").unwrap();
    set(&top.path().join("host/secret"), "user.secret", b"host").unwrap();
    symlink("/etc/f", root.join("link")).unwrap();
    symlink("etc/f", root.join("rel")).unwrap();
    symlink("../host/secret", root.join("escape")).unwrap();
    Some((top, root))
}

fn sorted(mut v: Vec<OsString>) -> Vec<OsString> {
    v.sort();
    v
}

fn names(list: &[&str]) -> Vec<OsString> {
    list.iter().map(OsString::from).collect()
}

#[test]
fn rootfs_reads_attributes_inside_the_jail() {
    let Some((_top, root)) = tree() else { return };
    let t = RootFs::new(&root).unwrap();
    let f = Path::new("/etc/f");
    assert_eq!(
        sorted(t.xattr_names(f, Follow::Parents).unwrap()),
        names(&["user.a", "user.b"])
    );
    assert_eq!(
        t.xattr(f, OsStr::new("user.b"), Follow::Parents).unwrap(),
        Some(b"two".to_vec())
    );
    assert_eq!(
        t.xattr(f, OsStr::new("user.none"), Follow::All).unwrap(),
        None
    );
    assert!(
        t.xattr_names(Path::new("/etc/plain"), Follow::All)
            .unwrap()
            .is_empty()
    );
    // A link: its own attributes (none: `user.*` cannot be set on a link) unless followed,
    // and followed inside the root.
    let link = Path::new("/link");
    assert!(t.xattr_names(link, Follow::Parents).unwrap().is_empty());
    assert_eq!(
        t.xattr(link, OsStr::new("user.a"), Follow::All).unwrap(),
        Some(b"1".to_vec())
    );
    // `../host/secret` from the root is `/host/secret` inside it: absent, never the host's.
    let escape = Path::new("/escape");
    assert!(
        t.xattr_names(escape, Follow::All)
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        t.xattr(escape, OsStr::new("user.secret"), Follow::All)
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        t.xattr_names(Path::new("/nothing"), Follow::All)
            .unwrap_err()
            .is_not_found()
    );
}

#[test]
fn live_host_reads_host_paths_and_agrees_with_rootfs() {
    let Some((_top, root)) = tree() else { return };
    let live = LiveHost::new();
    let jail = RootFs::new(&root).unwrap();
    for (p, follow) in [
        ("etc/f", Follow::Parents),
        ("etc/plain", Follow::All),
        ("rel", Follow::Parents),
        ("rel", Follow::All),
    ] {
        let host = root.join(p);
        let inside = Path::new("/").join(p);
        assert_eq!(
            sorted(live.xattr_names(&host, follow).unwrap()),
            sorted(jail.xattr_names(&inside, follow).unwrap()),
            "{p}"
        );
        assert_eq!(
            live.xattr(&host, OsStr::new("user.a"), follow).unwrap(),
            jail.xattr(&inside, OsStr::new("user.a"), follow).unwrap(),
            "{p}"
        );
    }
}

#[test]
fn memory_target_has_the_same_semantics() {
    let mut t = MemoryTarget::new();
    t.add_file("/etc/f", "x")
        .set_xattr("/etc/f", "user.b", "two")
        .set_xattr("/etc/f", "user.a", "1")
        .add_symlink("/link", "/etc/f")
        .set_xattr("/nothing", "user.a", "1");
    assert_eq!(
        t.xattr_names(Path::new("/etc/f"), Follow::Parents).unwrap(),
        names(&["user.a", "user.b"])
    );
    assert!(
        t.xattr_names(Path::new("/link"), Follow::Parents)
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        t.xattr(Path::new("/link"), OsStr::new("user.b"), Follow::All)
            .unwrap(),
        Some(b"two".to_vec())
    );
    assert!(
        !t.exists(Path::new("/nothing")).unwrap(),
        "set_xattr creates nothing"
    );
    // Replacing the file drops its attributes.
    t.add_file("/etc/f", "y");
    assert!(
        t.xattr_names(Path::new("/etc/f"), Follow::All)
            .unwrap()
            .is_empty()
    );
}

/// A backend that implements only the four required methods.
struct Minimal;
impl Target for Minimal {
    fn metadata(&self, p: &Path) -> scap_probe::Result<scap_probe::Metadata> {
        Err(scap_probe::Error::NotFound { path: p.into() })
    }
    fn read_dir(&self, p: &Path) -> scap_probe::Result<Vec<scap_probe::DirEntry>> {
        Err(scap_probe::Error::NotFound { path: p.into() })
    }
    fn read_link(&self, p: &Path) -> scap_probe::Result<std::path::PathBuf> {
        Err(scap_probe::Error::NotFound { path: p.into() })
    }
    fn open(&self, p: &Path) -> scap_probe::Result<Box<dyn std::io::Read + Send>> {
        Err(scap_probe::Error::NotFound { path: p.into() })
    }
}

#[test]
fn a_custom_backend_says_not_collectable_and_pointers_forward() {
    let e = Minimal
        .xattr_names(Path::new("/"), Follow::All)
        .unwrap_err();
    assert!(e.is_not_collectable());
    assert!(e.to_string().contains("xattr"), "{e}");
    let mut t = MemoryTarget::new();
    t.add_file("/f", "").set_xattr("/f", "user.a", "1");
    let boxed: Box<dyn Target> = Box::new(t);
    assert_eq!(
        boxed
            .xattr(Path::new("/f"), OsStr::new("user.a"), Follow::All)
            .unwrap(),
        Some(b"1".to_vec())
    );
}
