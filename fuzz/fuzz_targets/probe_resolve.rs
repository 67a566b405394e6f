//! Fuzz the jail resolver of scap-probe through `MemoryTarget`: the input is a list of lines,
//! `L path target` adds a symlink, `F path` a file, `D path` a directory, anything else is a
//! query. Resolution must terminate, never panic, and every resolved path must be absolute
//! and normalised (no `.` or `..` component).
#![no_main]

use std::path::{Component, Path};

use libfuzzer_sys::fuzz_target;
use scap_probe::{MemoryTarget, Target};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut t = MemoryTarget::new();
    let mut queries = Vec::new();
    for line in text.lines().take(64) {
        let mut f = line.splitn(3, ' ');
        match (f.next(), f.next(), f.next()) {
            (Some("L"), Some(p), Some(target)) => {
                t.add_symlink(p, target);
            }
            (Some("F"), Some(p), _) => {
                t.add_file(p, p);
            }
            (Some("D"), Some(p), _) => {
                t.add_dir(p);
            }
            _ => queries.push(format!("/{line}")),
        }
    }
    for q in queries {
        let q = Path::new(&q);
        if let Ok(r) = t.canonicalize(q) {
            assert!(r.is_absolute());
            assert!(r
                .components()
                .all(|c| matches!(c, Component::RootDir | Component::Normal(_))));
            assert!(t.metadata(&r).is_ok());
        }
        let _ = t.metadata(q);
        let _ = t.read_dir(q);
        let _ = t.read(q, 1 << 20);
    }
});
