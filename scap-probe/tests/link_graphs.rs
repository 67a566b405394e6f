//! Property: for random trees of directories, files and symbolic links (relative, absolute,
//! `..`-laden, pointing at a host sentinel), resolution always terminates, never yields a
//! host path outside the root or the sentinel's content, and `RootFs` and `MemoryTarget`
//! agree on every answer.

// Test support code outside #[test] fns: a failed setup step should panic.
#![allow(clippy::unwrap_used)]

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use scap_probe::{DEFAULT_READ_LIMIT, Error, MAX_LINK_HOPS, MemoryTarget, RootFs, Target};

const DIRS: [&str; 4] = ["/", "/d1", "/d1/d2", "/d3"];
const SECRET: &[u8] = b"HOST SECRET\n";

/// A path fragment from a small alphabet that makes collisions (and loops) likely.
fn fragment() -> impl Strategy<Value = String> {
    let comp = prop::sample::select(vec![
        "d1", "d2", "d3", "f", "l0", "l1", "l2", "l3", "l4", "..", ".", "",
    ]);
    (
        any::<bool>(),
        prop::collection::vec(comp, 0..6),
        any::<bool>(),
    )
        .prop_map(|(abs, comps, trailing)| {
            let mut s = comps.join("/");
            if abs {
                s.insert(0, '/');
            }
            if trailing {
                s.push('/');
            }
            s
        })
}

/// A link target: a fragment, or the host sentinel's absolute path (possibly climbing to it).
fn link_target() -> impl Strategy<Value = LinkTarget> {
    prop_oneof![
        4 => fragment().prop_map(LinkTarget::Fragment),
        1 => Just(LinkTarget::HostSecret),
        1 => Just(LinkTarget::HostSecretViaDotDot),
    ]
}

#[derive(Debug, Clone)]
enum LinkTarget {
    Fragment(String),
    HostSecret,
    HostSecretViaDotDot,
}

#[derive(Debug, Clone)]
struct Spec {
    /// (directory index, link number, target)
    links: Vec<(usize, usize, LinkTarget)>,
    queries: Vec<String>,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        prop::collection::vec((0..DIRS.len(), 0..5usize, link_target()), 1..10),
        prop::collection::vec(fragment(), 1..12),
    )
        .prop_map(|(links, queries)| Spec { links, queries })
}

fn run(spec: &Spec) -> Result<(), TestCaseError> {
    let host = tempfile::tempdir().unwrap();
    let secret = host.path().join("secret");
    std::fs::write(&secret, SECRET).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut mem = MemoryTarget::new();
    for d in DIRS {
        let h = dir.path().join(d.trim_start_matches('/'));
        std::fs::create_dir_all(&h).unwrap();
        mem.add_dir(d);
        // Each directory holds a file `f` whose content is its own path.
        let f = Path::new(d).join("f");
        std::fs::write(h.join("f"), f.to_string_lossy().as_bytes()).unwrap();
        mem.add_file(&f, f.to_string_lossy().as_bytes());
    }
    let mut made = std::collections::BTreeSet::new();
    for (d, n, target) in &spec.links {
        let at = Path::new(DIRS[*d]).join(format!("l{n}"));
        if !made.insert(at.clone()) {
            continue;
        }
        let target = match target {
            LinkTarget::Fragment(s) if s.is_empty() => continue, // not creatable on the host
            LinkTarget::Fragment(s) => PathBuf::from(s),
            LinkTarget::HostSecret => secret.clone(),
            LinkTarget::HostSecretViaDotDot => {
                PathBuf::from(format!("{}{}", "../".repeat(12), secret.display()))
            }
        };
        symlink(&target, dir.path().join(at.strip_prefix("/").unwrap())).unwrap();
        mem.add_symlink(&at, &target);
    }
    let root = RootFs::new(dir.path()).unwrap();

    for q in &spec.queries {
        let q = format!("/{q}");
        let q = Path::new(&q);
        let (a, b) = (root.canonicalize(q), mem.canonicalize(q));
        match (&a, &b) {
            (Ok(x), Ok(y)) => prop_assert_eq!(x, y, "{}", q.display()),
            (Err(x), Err(y)) => prop_assert_eq!(x.to_string(), y.to_string()),
            _ => prop_assert!(false, "{}: {:?} vs {:?}", q.display(), a, b),
        }
        if let Err(Error::LinkLoop { hops, .. }) = &a {
            prop_assert_eq!(*hops, MAX_LINK_HOPS + 1);
        }
        if let Ok(h) = root.host_path(q) {
            prop_assert!(
                h.starts_with(root.root()),
                "{} escaped to {}",
                q.display(),
                h.display()
            );
        }
        match (
            root.read(q, DEFAULT_READ_LIMIT),
            mem.read(q, DEFAULT_READ_LIMIT),
        ) {
            (Ok(x), Ok(y)) => {
                prop_assert_ne!(&x, SECRET);
                prop_assert_eq!(x, y);
            }
            (Err(x), Err(y)) => prop_assert_eq!(x.to_string(), y.to_string()),
            (x, y) => prop_assert!(false, "{}: {:?} vs {:?}", q.display(), x, y),
        }
        let (a, b) = (root.metadata(q), mem.metadata(q));
        prop_assert_eq!(
            a.map(|m| m.file_type).map_err(|e| e.to_string()),
            b.map(|m| m.file_type).map_err(|e| e.to_string())
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn random_link_graphs_stay_in_the_jail(s in spec()) {
        run(&s)?;
    }
}
