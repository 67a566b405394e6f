//! Parsing the largest installed SSG OVAL definitions file into the `scap_oval` model, reported
//! in MB/s: the whole `Definitions::parse`, the `roxmltree` XML pass alone, and
//! `Definitions::parse_fragment` of the root element (what a data stream component costs:
//! the same outline and runs, over the fragment in place). The roxmltree pass over the whole
//! text is what the parser did before it read documents in runs. Falls back to the largest committed
//! OVAL fixture when the SSG content is absent (`$SCAP_SSG_DIR`, default
//! /usr/share/xml/scap/ssg/content).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use scap_oval::{Definitions, Fragment, Limits};

fn bench(c: &mut Criterion) {
    let Some((name, text)) =
        scap_benches::read_largest_ssg_file("-oval.xml", "fixtures/oval/ssg-debian11-cpe-oval.xml")
    else {
        return;
    };
    let mut group = c.benchmark_group("oval_parse");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(20);

    group.bench_function(format!("Definitions::parse {name}"), |b| {
        b.iter(|| Definitions::parse(black_box(text.as_bytes())))
    });
    group.bench_function(format!("roxmltree only {name}"), |b| {
        b.iter(|| roxmltree::Document::parse(black_box(&text)).map(|d| d.descendants().count()))
    });
    if let Ok(doc) = roxmltree::Document::parse(&text) {
        let limits = Limits::default();
        let fragment = Fragment::new(doc.root_element().range(), Vec::new());
        group.bench_function(format!("Definitions::parse_fragment {name}"), |b| {
            b.iter(|| Definitions::parse_fragment(black_box(&text), &fragment, &limits))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
