//! The default methods of `Target`: a backend that implements only the four required methods
//! (here by delegating them to a `MemoryTarget`) inherits `stat`, `canonicalize`, `exists` and
//! `read` with the same jail semantics as the built-in backends, and every fact as
//! `NotCollectable`.

// Test support code outside #[test] fns: a failed setup step should panic.
#![allow(clippy::unwrap_used)]

use std::io::Read;
use std::path::{Path, PathBuf};

use scap_probe::{DirEntry, Error, Fact, MemoryTarget, Metadata, Result, Target};

/// Only the required methods.
struct Minimal(MemoryTarget);

impl Target for Minimal {
    fn metadata(&self, path: &Path) -> Result<Metadata> {
        self.0.metadata(path)
    }
    fn read_dir(&self, path: &Path) -> Result<Vec<DirEntry>> {
        self.0.read_dir(path)
    }
    fn read_link(&self, path: &Path) -> Result<PathBuf> {
        self.0.read_link(path)
    }
    fn open(&self, path: &Path) -> Result<Box<dyn Read + Send>> {
        self.0.open(path)
    }
}

fn tree() -> MemoryTarget {
    let mut m = MemoryTarget::new();
    m.add_file("/etc/passwd", "root\n")
        .add_symlink("/etc/up", "../../..")
        .add_symlink("/lib", "usr/lib")
        .add_file("/usr/lib/os-release", "ID=x\n")
        .add_symlink("/etc/os-release", "../lib/os-release")
        .add_symlink("/a", "b")
        .add_symlink("/b", "a");
    m.facts.hostname = Some("mem".into());
    m
}

#[test]
fn inherited_methods_match_the_built_in_ones() {
    let min = Minimal(tree());
    let full = tree();
    for q in [
        "/",
        "/etc/up/etc/up/etc/passwd",
        "/etc/os-release",
        "/lib/",
        "/etc/passwd/",
        "/a",
        "/nope",
        "/../lib/../etc",
    ] {
        let q = Path::new(q);
        assert_eq!(
            min.canonicalize(q).map_err(|e| e.to_string()),
            full.canonicalize(q).map_err(|e| e.to_string()),
            "{}",
            q.display()
        );
        assert_eq!(
            min.stat(q).map_err(|e| e.to_string()),
            full.stat(q).map_err(|e| e.to_string())
        );
        assert_eq!(
            min.exists(q).map_err(|e| e.to_string()),
            full.exists(q).map_err(|e| e.to_string())
        );
    }
    assert_eq!(
        min.read(Path::new("/etc/os-release"), 5).unwrap(),
        b"ID=x\n"
    );
    assert!(
        min.read(Path::new("/etc/os-release"), 4)
            .unwrap_err()
            .is_too_large()
    );
    assert!(min.exists(Path::new("/a")).unwrap_err().is_link_loop());
}

#[test]
fn inherited_facts_are_not_collectable() {
    let min = Minimal(tree());
    // The inner target knows its host name; the minimal backend does not pass it on.
    assert_eq!(tree().hostname().unwrap(), "mem");
    match min.hostname() {
        Err(Error::NotCollectable { fact }) => assert_eq!(fact, Fact::Hostname),
        other => panic!("{other:?}"),
    }
    let t: &dyn Target = &min;
    assert!(t.uname().unwrap_err().is_not_collectable());
    assert!(t.processes().unwrap_err().is_not_collectable());
    assert!(t.process_environment(1).unwrap_err().is_not_collectable());
    assert!(t.sysctl("kernel.ostype").unwrap_err().is_not_collectable());
    assert!(t.interfaces().unwrap_err().is_not_collectable());
}

#[test]
fn targets_are_shareable_across_threads() {
    let t: &dyn Target = &Minimal(tree());
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| s.spawn(move || t.read(Path::new("/etc/up/etc/passwd"), 100).unwrap()))
            .collect();
        for h in handles {
            assert_eq!(h.join().unwrap(), b"root\n");
        }
    });
}

#[test]
fn pointers_to_targets_are_targets() {
    fn hostname(t: impl Target) -> String {
        t.hostname().unwrap()
    }
    let shared: std::sync::Arc<dyn Target> = std::sync::Arc::new(tree());
    let boxed: Box<dyn Target> = Box::new(tree());
    assert_eq!(hostname(std::sync::Arc::clone(&shared)), "mem");
    assert_eq!(hostname(&*boxed), "mem");
    assert_eq!(hostname(boxed), "mem");
}
