//! OVAL evaluation: every definition of an SSG OVAL file against a root filesystem, the same
//! work `scripts/diff-oval.sh` times against `oscap oval eval`.
//!
//! The root is `$SCAP_BENCH_ROOT` (e.g. the tree `scripts/make-debian-root.sh` builds) and the
//! content `$SCAP_SSG_DIR/ssg-debian11-oval.xml`; without them the bench evaluates the committed
//! fixtures `fixtures/oval/ssg-debian11-cpe-oval.xml` and `fixtures/oval/probes/files.xml` on the
//! small committed tree `fixtures/oval/probes/root`.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use scap_oval::Definitions;
use scap_oval::eval::{Evaluator, Variables};
use scap_oval::probes::Registry;
use scap_probe::RootFs;

fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures")
        .join(rel)
}

/// (name, definitions file, root) pairs to evaluate.
fn cases() -> Vec<(String, PathBuf, PathBuf)> {
    let mut cases = vec![
        (
            "cpe-oval on the fixture tree".to_owned(),
            fixture("oval/ssg-debian11-cpe-oval.xml"),
            fixture("oval/probes/root"),
        ),
        (
            "file probes on the fixture tree".to_owned(),
            fixture("oval/probes/files.xml"),
            fixture("oval/probes/root"),
        ),
    ];
    if let Ok(root) = std::env::var("SCAP_BENCH_ROOT") {
        let dir = std::env::var("SCAP_SSG_DIR")
            .unwrap_or_else(|_| "/usr/share/xml/scap/ssg/content".into());
        cases.push((
            "ssg-debian11-oval on SCAP_BENCH_ROOT".to_owned(),
            PathBuf::from(dir).join("ssg-debian11-oval.xml"),
            PathBuf::from(root),
        ));
    }
    cases
}

fn bench(c: &mut Criterion) {
    let registry = Registry::builtin();
    let mut group = c.benchmark_group("oval_eval");
    group.sample_size(10);
    for (name, defs, root) in cases() {
        let Ok(text) = std::fs::read(&defs) else {
            eprintln!("skipping {name}: cannot read {}", defs.display());
            continue;
        };
        let Ok(defs) = Definitions::parse(&text) else {
            eprintln!("skipping {name}: {} does not parse", defs.display());
            continue;
        };
        let Ok(target) = RootFs::new(&root) else {
            eprintln!("skipping {name}: no root at {}", root.display());
            continue;
        };
        group.bench_function(&name, |b| {
            b.iter(|| {
                let results =
                    Evaluator::new(&defs, &target, &registry, Variables::default()).evaluate_all();
                black_box(results.definitions.len())
            })
        });
        // The same on the calling thread alone: what the worker threads add.
        group.bench_function(format!("{name}, one thread"), |b| {
            b.iter(|| {
                let results = Evaluator::new(&defs, &target, &registry, Variables::default())
                    .threads(1)
                    .evaluate_all();
                black_box(results.definitions.len())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
