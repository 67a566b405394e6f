//! The `RootFs` jail under a race: while a thread keeps exchanging a directory of the tree with
//! a symbolic link to a host directory (`renameat2(RENAME_EXCHANGE)`), reads, listings and
//! stats of paths through that directory must never see the host's files. Before the
//! descriptor-based calls (path-based host calls with an lstat re-check), the host file's
//! content showed up in every run.
#![allow(clippy::unwrap_used)] // test helpers: a failure is a test failure

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rustix::fs::{CWD, RenameFlags, renameat_with};
use scap_probe::{DEFAULT_READ_LIMIT, RootFs, Target};

const DEPTH: usize = 20;
/// Where the exchanged directory sits in the chain.
const SWAPPED: usize = 10;

/// `d1/d2/.../dN`.
fn chain(n: std::ops::RangeInclusive<usize>) -> PathBuf {
    n.map(|i| format!("d{i}")).collect()
}

#[test]
fn a_directory_exchanged_for_a_host_link_is_never_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    let host = tmp.path().join("host");
    // Inside: root/d1/.../d20/file = "inside". Outside, the same tail under host/.
    let inside = root.join(chain(1..=DEPTH));
    std::fs::create_dir_all(&inside).unwrap();
    std::fs::write(inside.join("file"), "inside").unwrap();
    let outside = host.join(chain(SWAPPED + 1..=DEPTH));
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("file"), "HOST SECRET").unwrap();
    std::fs::write(outside.join("host-only"), "x").unwrap();
    // root/.../d9/swap -> <host>: exchanged with root/.../d9/d10 over and over.
    let parent = root.join(chain(1..=SWAPPED - 1));
    let swapped_dir = parent.join(format!("d{SWAPPED}"));
    let link = parent.join("swap");
    std::os::unix::fs::symlink(&host, &link).unwrap();

    let stop = Arc::new(AtomicBool::new(false));
    let swapper = {
        let stop = stop.clone();
        let (a, b) = (swapped_dir.clone(), link.clone());
        std::thread::spawn(move || {
            let mut swaps = 0u64;
            while !stop.load(Ordering::Relaxed) {
                renameat_with(CWD, &a, CWD, &b, RenameFlags::EXCHANGE).unwrap();
                swaps += 1;
            }
            // Leave the tree as it was.
            if swaps % 2 == 1 {
                renameat_with(CWD, &a, CWD, &b, RenameFlags::EXCHANGE).unwrap();
            }
            swaps
        })
    };

    let jail = RootFs::new(&root).unwrap();
    let file = Path::new("/").join(chain(1..=DEPTH)).join("file");
    let dir = Path::new("/").join(chain(1..=DEPTH));
    let (mut reads, mut listings, mut seen_inside) = (0, 0, 0);
    for _ in 0..4000 {
        if let Ok(bytes) = jail.read(&file, DEFAULT_READ_LIMIT) {
            assert_ne!(bytes, b"HOST SECRET", "read a host file through the jail");
            seen_inside += usize::from(bytes == b"inside");
            reads += 1;
        }
        if let Ok(meta) = jail.metadata(&file) {
            assert_eq!(meta.size, 6, "stat'ed a host file through the jail");
        }
        if let Ok(entries) = jail.read_dir(&dir) {
            assert!(
                entries.iter().all(|e| e.name != "host-only"),
                "listed a host directory through the jail"
            );
            listings += 1;
        }
    }
    stop.store(true, Ordering::Relaxed);
    let swaps = swapper.join().unwrap();
    // The race really ran, and reads still succeed whenever the tree is in place.
    assert!(swaps > 100, "only {swaps} exchanges");
    assert!(reads > 0 && listings > 0 && seen_inside > 0);
}

#[test]
fn a_fifo_in_place_of_a_file_is_refused_without_blocking_offline_and_live() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("etc")).unwrap();
    rustix::fs::mknodat(
        CWD,
        tmp.path().join("etc/fifo"),
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o644),
        0,
    )
    .unwrap();
    let jail = RootFs::new(tmp.path()).unwrap();
    // Would block forever if the FIFO were opened for reading without O_NONBLOCK.
    let err = jail.open(Path::new("/etc/fifo")).err().unwrap();
    assert!(err.to_string().contains("not a regular file"), "{err}");
    // The live host opens it non-blocking and refuses it on the open descriptor.
    let live = scap_probe::LiveHost::new();
    let err = live.open(&tmp.path().join("etc/fifo")).err().unwrap();
    assert!(err.to_string().contains("not a regular file"), "{err}");
    // A directory is reported as one.
    let err = jail.open(Path::new("/etc")).err().unwrap();
    assert!(
        matches!(err, scap_probe::Error::IsADirectory { .. }),
        "{err:?}"
    );
}
