//! scap-probe: the cost of jail resolution and traversal.
//!
//! - `resolve/memory-*`: resolving paths through symlink chains in a `MemoryTarget`;
//! - `walk/*`: walking a real directory (`SCAP_BENCH_WALK_DIR`, default `/usr/share/doc`)
//!   through `RootFs` at `/` (user-space resolution of every component) against `LiveHost`
//!   (kernel resolution), which measures what the jail costs; through a `ScanView` the second
//!   walk of the scan, walked again over the cached listings (`rootfs-view-again`) and as the
//!   walk the view kept (`rootfs-view-shared`, what every file object after the first costs).

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use scap_probe::{LiveHost, MemoryTarget, RootFs, ScanView, Target, ViewLimits, WalkOptions, walk};

fn resolve(c: &mut Criterion) {
    let mut t = MemoryTarget::new();
    t.add_file("/usr/share/zoneinfo/Etc/UTC", "TZif2")
        .add_symlink("/etc/localtime", "/usr/share/zoneinfo/Etc/UTC");
    // A chain of 20 relative links, each one directory deeper.
    let mut dir = PathBuf::from("/chain");
    for i in 0..20 {
        t.add_symlink(dir.join(format!("l{i}")), format!("d/l{}", i + 1));
        dir.push("d");
    }
    t.add_file(dir.join("l20"), "end");
    c.bench_function("resolve/memory-direct", |b| {
        b.iter(|| t.canonicalize(black_box(Path::new("/usr/share/zoneinfo/Etc/UTC"))))
    });
    c.bench_function("resolve/memory-one-link", |b| {
        b.iter(|| t.canonicalize(black_box(Path::new("/etc/localtime"))))
    });
    c.bench_function("resolve/memory-20-link-chain", |b| {
        b.iter(|| t.canonicalize(black_box(Path::new("/chain/l0"))))
    });
}

fn count(t: &dyn Target, start: &Path) -> usize {
    walk(t, start, WalkOptions::new())
        .filter(Result::is_ok)
        .count()
}

fn walk_real(c: &mut Criterion) {
    let dir = std::env::var("SCAP_BENCH_WALK_DIR").unwrap_or_else(|_| "/usr/share/doc".into());
    let start = Path::new(&dir);
    let Ok(root) = RootFs::new("/") else { return };
    let live = LiveHost::new();
    eprintln!(
        "walk {}: {} entries (RootFs), {} (LiveHost)",
        start.display(),
        count(&root, start),
        count(&live, start)
    );
    let mut g = c.benchmark_group("walk");
    g.sample_size(10);
    g.bench_function("rootfs", |b| b.iter(|| count(&root, start)));
    g.bench_function("livehost", |b| b.iter(|| count(&live, start)));
    // One view for every iteration: the second walk of a subtree in one scan (what several
    // recurse objects over the same directory cost), answered from memory.
    let view = ScanView::new(&root, ViewLimits::default());
    g.bench_function("rootfs-view-again", |b| b.iter(|| count(&view, start)));
    // The same second walk as a file object now makes it: the walk the view kept for the scan
    // (`Target::shared_walk`), filtered by the object without walking again.
    g.bench_function("rootfs-view-shared", |b| {
        b.iter(|| {
            view.shared_walk(start, WalkOptions::new())
                .map_or(0, |entries| entries.len())
        })
    });
    // A fresh view each time: the first walk, with the cache being filled.
    g.bench_function("rootfs-view-first", |b| {
        b.iter(|| count(&ScanView::new(&root, ViewLimits::default()), start))
    });
    g.finish();
}

criterion_group!(benches, resolve, walk_real);
criterion_main!(benches);
