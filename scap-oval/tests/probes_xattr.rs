//! `tests/fixtures/xattr/xattr.xml` (fileextendedattribute and selinuxsecuritycontext objects)
//! against oscap 1.3.7's results on the tree `tests/fixtures/xattr/make-tree.sh` builds.
//!
//! Git keeps no extended attributes, so the tree is built here: on a `MemoryTarget` with every
//! attribute, and on a real directory through `RootFs`. `security.*` attributes need
//! `CAP_SYS_ADMIN` to set; without it the `RootFs` run sets the `user.*` ones and checks the
//! definitions that need only those (the `MemoryTarget` run checks them all).

// Test support code outside #[test] fns: a failed setup step should panic.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::Path;

use scap_oval::Definitions;
use scap_oval::eval::{Evaluator, Results, Variables};
use scap_oval::probes::Registry;
use scap_oval::types::{Flag, ResultValue};
use scap_probe::{MemoryTarget, RootFs, Target};

/// Every attribute of the tree: (path, name, value, set on the link itself).
const ATTRIBUTES: &[(&str, &str, &[u8], bool)] = &[
    ("/etc/f", "user.a", b"1", false),
    ("/etc/f", "user.bin", b"\x00\x01\xffz", false),
    (
        "/etc/f",
        "security.selinux",
        b"system_u:object_r:etc_t:s0\0",
        false,
    ),
    (
        "/etc/g",
        "security.selinux",
        b"staff_u:staff_r:user_home_t:s0-s15:c0.c1023\0",
        false,
    ),
    ("/etc/sub/h", "user.h", b"deep", false),
    (
        "/etc/l",
        "security.selinux",
        b"system_u:object_r:link_t:s0\0",
        true,
    ),
    (
        "/bin/ping",
        "security.capability",
        &[
            1, 0, 0, 2, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ],
        false,
    ),
];

const FILES: &[(&str, &str)] = &[
    ("/etc/f", "a\n"),
    ("/etc/g", "b\n"),
    ("/etc/sub/h", "h\n"),
    ("/etc/plain", ""),
    ("/bin/ping", "elf\n"),
];

/// oscap 1.3.7: `sudo make-tree.sh --oscap` (`OSCAP_PROBE_ROOT=TREE oscap oval eval xattr.xml`).
fn oscap() -> BTreeMap<u32, ResultValue> {
    use ResultValue::*;
    BTreeMap::from([
        (1, True),
        (2, True),
        (3, True),
        (4, True),
        (5, True),
        (6, False),
        (7, True),
        (8, True),
        (9, True),
        (10, True),
        (11, Error),
        (12, Unknown),
        (13, False),
        (14, False),
    ])
}

/// The definitions that need no `security.*` attribute.
const USER_ONLY: &[u32] = &[1, 2, 3, 6, 7, 13];

fn evaluate(target: &dyn Target) -> Results {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/xattr/xattr.xml");
    let defs: Definitions = std::fs::read_to_string(path).unwrap().parse().unwrap();
    Evaluator::new(&defs, target, &Registry::builtin(), Variables::default()).evaluate_all()
}

fn by_number(r: &Results) -> BTreeMap<u32, ResultValue> {
    r.definitions
        .iter()
        .map(|(id, v)| (id.rsplit(':').next().unwrap().parse().unwrap(), *v))
        .collect()
}

fn memory_tree() -> MemoryTarget {
    let mut t = MemoryTarget::new();
    for (p, content) in FILES {
        t.add_file(p, content);
    }
    t.add_symlink("/etc/l", "/etc/f")
        .add_symlink("/etc/l2", "f");
    for (p, name, value, _) in ATTRIBUTES {
        t.set_xattr(p, name, value);
    }
    t
}

#[test]
fn memory_tree_matches_oscap() {
    let r = evaluate(&memory_tree());
    assert_eq!(by_number(&r), oscap());
    // The items oscap collects for object 1 (the attributes of /etc/f, C-string values).
    let items: Vec<(String, String)> = r.objects["oval:x:obj:1"]
        .items
        .iter()
        .map(|&id| {
            let (_, item) = r.items.iter().find(|(i, _)| *i == id).unwrap();
            let v = |n| item.value(n).unwrap_or_default().to_owned();
            (v("attribute_name"), v("value"))
        })
        .collect();
    let expected = [
        ("security.selinux", "system_u:object_r:etc_t:s0"),
        ("user.a", "1"),
        ("user.bin", ""),
    ];
    assert_eq!(
        items,
        expected.map(|(a, b)| (a.to_owned(), b.to_owned())),
        "oscap's items of oval:x:obj:1, in any order"
    );
    assert_eq!(r.objects["oval:x:obj:11"].flag, Flag::Error);
    assert_eq!(r.objects["oval:x:obj:13"].flag, Flag::DoesNotExist);
}

#[test]
fn real_tree_matches_oscap() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for (p, content) in FILES {
        let host = root.join(p.trim_start_matches('/'));
        std::fs::create_dir_all(host.parent().unwrap()).unwrap();
        std::fs::write(host, content).unwrap();
    }
    std::os::unix::fs::symlink("/etc/f", root.join("etc/l")).unwrap();
    std::os::unix::fs::symlink("f", root.join("etc/l2")).unwrap();
    let mut all = true;
    for (p, name, value, on_link) in ATTRIBUTES {
        let host = root.join(p.trim_start_matches('/'));
        let flags = rustix::fs::XattrFlags::empty();
        let set = if *on_link {
            rustix::fs::lsetxattr(&host, *name, value, flags)
        } else {
            rustix::fs::setxattr(&host, *name, value, flags)
        };
        match set {
            Ok(()) => {}
            Err(rustix::io::Errno::PERM) if name.starts_with("security.") => all = false,
            Err(rustix::io::Errno::NOTSUP) => {
                eprintln!(
                    "skipped: the temporary file system ({}) refuses extended attributes",
                    root.display()
                );
                return;
            }
            Err(e) => panic!("setxattr {p} {name}: {e}"),
        }
    }
    let got = by_number(&evaluate(&RootFs::new(root).unwrap()));
    let expected = oscap();
    if all {
        assert_eq!(got, expected);
    } else {
        eprintln!("security.* attributes need CAP_SYS_ADMIN: checking the user.* definitions");
        for n in USER_ONLY {
            assert_eq!(got[n], expected[n], "oval:x:def:{n}");
        }
    }
}
