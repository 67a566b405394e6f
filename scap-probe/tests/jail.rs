//! Adversarial tests of the jail: `RootFs` on real host directories, with a host-side sentinel
//! file that must never be reachable from inside the root, and the same scenarios on
//! `MemoryTarget` to prove both backends share one set of semantics.

// Test support code outside #[test] fns: a failed setup step should panic.
#![allow(clippy::unwrap_used)]

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use scap_probe::{
    DEFAULT_READ_LIMIT, Error, MAX_LINK_HOPS, MemoryTarget, RootFs, Target, WalkOptions, walk,
};
use tempfile::TempDir;

const SECRET: &[u8] = b"HOST SECRET - must never be read through the jail\n";

/// A root directory plus, outside it, a host directory holding the sentinel `secret`.
struct Fixture {
    root: TempDir,
    host: TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let f = Fixture {
            root: tempfile::tempdir().unwrap(),
            host: tempfile::tempdir().unwrap(),
        };
        std::fs::write(f.host.path().join("secret"), SECRET).unwrap();
        std::fs::create_dir_all(f.root.path().join("etc")).unwrap();
        std::fs::write(f.root.path().join("etc/passwd"), b"jailed passwd\n").unwrap();
        f
    }

    /// The host path of the sentinel file.
    fn secret(&self) -> PathBuf {
        self.host.path().join("secret")
    }

    fn file(&self, p: &str, content: &[u8]) {
        let host = self.root.path().join(p.trim_start_matches('/'));
        std::fs::create_dir_all(host.parent().unwrap()).unwrap();
        std::fs::write(host, content).unwrap();
    }

    fn link(&self, p: &str, target: impl AsRef<Path>) {
        let host = self.root.path().join(p.trim_start_matches('/'));
        std::fs::create_dir_all(host.parent().unwrap()).unwrap();
        symlink(target, host).unwrap();
    }

    fn target(&self) -> RootFs {
        RootFs::new(self.root.path()).unwrap()
    }
}

fn p(s: &str) -> &Path {
    Path::new(s)
}

fn read(t: &dyn Target, path: &str) -> Result<Vec<u8>, Error> {
    t.read(p(path), DEFAULT_READ_LIMIT)
}

/// Every way to reach a file: each must say NotFound.
fn assert_all_not_found(t: &dyn Target, path: &str) {
    assert!(t.stat(p(path)).unwrap_err().is_not_found(), "stat {path}");
    assert!(
        t.canonicalize(p(path)).unwrap_err().is_not_found(),
        "canon {path}"
    );
    assert!(t.open(p(path)).err().unwrap().is_not_found(), "open {path}");
    assert!(read(t, path).unwrap_err().is_not_found(), "read {path}");
    assert!(!t.exists(p(path)).unwrap(), "exists {path}");
}

#[test]
fn absolute_link_to_root_stays_in_root() {
    let f = Fixture::new();
    f.link("/loopy/etc", "/");
    let t = f.target();
    assert_eq!(
        read(&t, "/loopy/etc/etc/passwd").unwrap(),
        b"jailed passwd\n"
    );
    assert_eq!(
        t.canonicalize(p("/loopy/etc/loopy/etc/etc")).unwrap(),
        p("/etc")
    );
}

#[test]
fn dot_dot_chains_stop_at_the_root() {
    let f = Fixture::new();
    f.link("/usr/share/x", "../../../../etc/passwd");
    let t = f.target();
    assert_eq!(read(&t, "/usr/share/x").unwrap(), b"jailed passwd\n");
    assert_eq!(t.canonicalize(p("/../../..")).unwrap(), p("/"));
    let mut top: Vec<_> = t.read_dir(p("/../..")).unwrap();
    let mut root = t.read_dir(p("/")).unwrap();
    top.sort();
    root.sort();
    assert_eq!(top, root);
}

#[test]
fn links_to_host_paths_never_reach_the_host() {
    let f = Fixture::new();
    let secret = f.secret();
    let ups = "../".repeat(30);
    f.link("/abs", &secret);
    f.link("/rel", format!("{ups}{}", secret.display()));
    f.link("/shadow", "/etc/shadow"); // the host has one; the root does not
    f.link("/hostdir", f.host.path());
    f.link("/hostdir-rel", format!("{ups}{}", f.host.path().display()));
    let t = f.target();
    for path in [
        "/abs",
        "/rel",
        "/shadow",
        "/hostdir/secret",
        "/hostdir-rel/secret",
    ] {
        assert_all_not_found(&t, path);
    }
    for dir in ["/hostdir", "/hostdir-rel"] {
        assert!(t.read_dir(p(dir)).unwrap_err().is_not_found(), "{dir}");
        // The link itself is there and says where it points.
        assert!(t.metadata(p(dir)).unwrap().is_symlink());
    }
    // Had the sentinel's path existed inside the root, *that* file is what is read.
    f.file(&secret.to_string_lossy(), b"jailed copy\n");
    assert_eq!(read(&t, "/abs").unwrap(), b"jailed copy\n");
    assert_eq!(read(&t, "/rel").unwrap(), b"jailed copy\n");
    assert_eq!(read(&t, "/hostdir/secret").unwrap(), b"jailed copy\n");
}

#[test]
fn read_dir_of_a_link_leading_up_lists_the_root() {
    let f = Fixture::new();
    f.link("/var/up", "../../../..");
    let t = f.target();
    let mut names: Vec<_> = t
        .read_dir(p("/var/up"))
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
    names.sort();
    assert_eq!(names, ["etc", "var"]);
}

#[test]
fn loops_fail_fast() {
    let f = Fixture::new();
    f.link("/a", "b");
    f.link("/b", "/a");
    f.link("/self", "self");
    f.link("/dir/self", "../dir/self/x");
    let t = f.target();
    let start = Instant::now();
    for path in ["/a", "/b", "/self", "/self/x", "/dir/self", "/a/../etc"] {
        let e = t.stat(p(path)).unwrap_err();
        assert!(
            matches!(e, Error::LinkLoop { hops, path: ref at } if hops == MAX_LINK_HOPS + 1 && at == Path::new(path)),
            "{path}: {e:?}"
        );
        assert!(t.read_dir(p(path)).unwrap_err().is_link_loop());
        assert!(t.open(p(path)).err().unwrap().is_link_loop());
    }
    // lstat of the link itself is fine.
    assert!(t.metadata(p("/self")).unwrap().is_symlink());
    assert!(start.elapsed() < Duration::from_secs(5));
}

#[test]
fn chains_of_exactly_the_limit_resolve() {
    let f = Fixture::new();
    let n = usize::try_from(MAX_LINK_HOPS).unwrap();
    for i in 0..n {
        f.link(&format!("/l{i}"), format!("/l{}", i + 1));
    }
    f.link(&format!("/l{n}"), "etc/passwd");
    let t = f.target();
    // /l1 needs MAX_LINK_HOPS links, /l0 one more.
    assert_eq!(read(&t, "/l1").unwrap(), b"jailed passwd\n");
    assert!(read(&t, "/l0").unwrap_err().is_link_loop());
}

#[test]
fn slashes_dots_and_trailing_slashes() {
    let f = Fixture::new();
    f.link("/etclink", "etc");
    f.link("/passlink", "etc/passwd");
    let t = f.target();
    assert_eq!(read(&t, "//etc//./passwd").unwrap(), b"jailed passwd\n");
    assert!(t.stat(p("/etc/passwd/")).unwrap_err().is_not_a_directory());
    assert!(t.stat(p("/etc/passwd/.")).unwrap_err().is_not_a_directory());
    assert!(t.stat(p("/passlink/")).unwrap_err().is_not_a_directory());
    assert!(
        t.stat(p("/etc/passwd/.."))
            .unwrap_err()
            .is_not_a_directory()
    );
    // A trailing slash follows the final link even for lstat.
    assert!(t.metadata(p("/etclink")).unwrap().is_symlink());
    assert!(t.metadata(p("/etclink/")).unwrap().is_dir());
    assert!(t.metadata(p("/etclink/.")).unwrap().is_dir());
    assert!(matches!(
        t.stat(p("etc/passwd")),
        Err(Error::InvalidPath { .. })
    ));
    assert!(matches!(t.stat(p("")), Err(Error::InvalidPath { .. })));
}

#[test]
fn non_utf8_names_round_trip() {
    let f = Fixture::new();
    let name = OsStr::from_bytes(b"caf\xe9-\xff");
    std::fs::write(f.root.path().join("etc").join(name), b"latin-1").unwrap();
    symlink(
        Path::new("/etc").join(name),
        f.root.path().join(OsStr::from_bytes(b"\xfe")),
    )
    .unwrap();
    let t = f.target();
    let entries = t.read_dir(p("/etc")).unwrap();
    assert!(entries.iter().any(|e| e.name == name));
    let link = Path::new("/").join(OsStr::from_bytes(b"\xfe"));
    assert_eq!(t.read(&link, 100).unwrap(), b"latin-1");
    assert_eq!(t.canonicalize(&link).unwrap(), Path::new("/etc").join(name));
}

#[test]
fn errors_name_the_callers_path_and_read_limit_is_typed() {
    let f = Fixture::new();
    f.file("/big", &[b'x'; 1000]);
    let t = f.target();
    match t.read(p("/big"), 999) {
        Err(Error::TooLarge { path, limit: 999 }) => assert_eq!(path, p("/big")),
        other => panic!("{other:?}"),
    }
    match t.stat(p("/etc/nope")) {
        Err(Error::NotFound { path }) => assert_eq!(path, p("/etc/nope")),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        t.read_link(p("/etc/passwd")),
        Err(Error::NotASymlink { .. })
    ));
    assert!(matches!(t.open(p("/etc")), Err(Error::IsADirectory { .. })));
}

#[test]
fn fifos_are_refused_not_blocking() {
    let f = Fixture::new();
    let fifo = f.root.path().join("fifo");
    let ok = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(ok.success());
    let t = f.target();
    assert_eq!(
        t.metadata(p("/fifo")).unwrap().file_type,
        scap_probe::FileType::Fifo
    );
    assert!(matches!(t.open(p("/fifo")), Err(Error::Io { .. })));
}

#[test]
fn host_paths_stay_below_the_root() {
    let f = Fixture::new();
    f.link("/etc/up", "../../..");
    f.link("/abs", f.host.path());
    let t = f.target();
    let root = t.root().to_path_buf();
    for q in ["/", "/etc/up", "/etc/up/etc/up/etc", "/../etc/passwd"] {
        let h = t.host_path(p(q)).unwrap();
        assert!(h.starts_with(&root), "{q} -> {}", h.display());
    }
    assert!(t.host_path(p("/abs")).unwrap_err().is_not_found());
}

#[test]
fn walking_with_links_followed_terminates_inside() {
    let f = Fixture::new();
    f.link("/etc/root", "/");
    f.link("/etc/up", "..");
    f.link("/etc/host", f.host.path());
    f.file("/var/lib/x", b"x");
    let t = f.target();
    let opts = WalkOptions::new().follow_symlinks(true);
    let mut n = 0;
    for e in walk(&t, p("/"), opts) {
        n += 1;
        assert!(n < 1000, "walk did not terminate");
        let Ok(e) = e else { continue };
        if e.file_type.is_file() {
            let bytes = read(&t, &e.path.to_string_lossy()).unwrap();
            assert_ne!(bytes, SECRET);
        }
    }
    // Root: etc, etc/{passwd,root,up,host}, var, var/lib, var/lib/x.
    assert_eq!(n, 9);
}

#[test]
fn fact_answers_of_an_offline_tree() {
    let f = Fixture::new();
    let t = f.target();
    for e in [
        t.uname().err(),
        t.processes().err(),
        t.sysctl("kernel.ostype").err(),
        t.sysctl_names().err(),
        t.mounts().err(),
        t.interfaces().err(),
        t.environment().err(),
        t.hostname().err(),
        t.container().err(),
        t.process_environment(1).err(),
    ] {
        assert!(e.unwrap().is_not_collectable());
    }
    f.file("/etc/hostname", b"# comment\n\n  db7  \n");
    assert_eq!(t.hostname().unwrap(), "db7");
    let t = t.with_environment(vec![("LANG".into(), "C".into())]);
    assert_eq!(t.environment().unwrap(), [("LANG".into(), "C".into())]);
}

/// The same adversarial tree in memory gives the same answers.
#[test]
fn memory_target_agrees_with_rootfs() {
    let f = Fixture::new();
    let mut m = MemoryTarget::new();
    m.add_file("/etc/passwd", "jailed passwd\n");
    let secret = f.secret();
    let links: Vec<(&str, String)> = vec![
        ("/loopy/etc", "/".into()),
        ("/usr/share/x", "../../../../etc/passwd".into()),
        ("/abs", secret.display().to_string()),
        ("/shadow", "/etc/shadow".into()),
        ("/a", "b".into()),
        ("/b", "/a".into()),
        ("/self", "self".into()),
        ("/var/up", "../../..".into()),
        ("/etc/dirlink", "/etc/".into()),
        ("/dangling", "".into()),
    ];
    for (l, target) in &links {
        if target.is_empty() {
            continue; // the host cannot create an empty link
        }
        f.link(l, target);
        m.add_symlink(l, target);
    }
    let r = f.target();
    let queries = [
        "/",
        "/loopy/etc/etc/passwd",
        "/usr/share/x",
        "/abs",
        "/shadow",
        "/a",
        "/self",
        "/var/up/etc/passwd",
        "/var/up/",
        "/etc/dirlink/passwd",
        "/etc/dirlink/passwd/",
        "/etc/passwd/..",
        "/nope/../etc",
        "/etc/./dirlink/../passwd",
    ];
    for q in queries {
        let (a, b) = (r.canonicalize(p(q)), m.canonicalize(p(q)));
        match (&a, &b) {
            (Ok(x), Ok(y)) => assert_eq!(x, y, "{q}"),
            (Err(x), Err(y)) => assert_eq!(
                std::mem::discriminant(x),
                std::mem::discriminant(y),
                "{q}: {x:?} vs {y:?}"
            ),
            _ => panic!("{q}: {a:?} vs {b:?}"),
        }
        let (a, b) = (r.metadata(p(q)), m.metadata(p(q)));
        assert_eq!(
            a.map(|x| x.file_type).map_err(|e| e.to_string()),
            b.map(|x| x.file_type).map_err(|e| e.to_string()),
            "{q}"
        );
    }
}
