//! Parsing the largest installed SSG source data stream: the streaming data stream index, the
//! checklist's Benchmark model + resolution from it, and applying every profile. Falls back to the committed
//! Chromium fixture when the SSG content is absent (`$SCAP_SSG_DIR`, default
//! /usr/share/xml/scap/ssg/content).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use scap_xccdf::{DataStreamCollection, ParseOptions, Policy, Source};

fn bench(c: &mut Criterion) {
    let Some((name, text)) = scap_benches::read_largest_ssg_file(
        "-ds.xml",
        "scap-xccdf/tests/fixtures/ds/ssg-chromium-ds.xml",
    ) else {
        return;
    };
    let opts = ParseOptions::default();
    let mut g = c.benchmark_group("xccdf_parse");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function(format!("datastream_index/{name}"), |b| {
        b.iter(|| {
            black_box(
                DataStreamCollection::parse_str(black_box(&text), &opts)
                    .map(|d| d.components.len()),
            )
        })
    });
    let Ok(index) = DataStreamCollection::parse_str(&text, &opts) else {
        return;
    };
    g.bench_function(format!("benchmark_model_resolved/{name}"), |b| {
        b.iter(|| {
            black_box(
                Source::from_collection(&text, index.clone(), None, None, &opts)
                    .map(|s| s.benchmark.profiles.len()),
            )
        })
    });
    g.bench_function(format!("parse_and_apply_all_profiles/{name}"), |b| {
        b.iter(|| {
            let src = Source::parse_str(&text, None, None, &opts).ok()?;
            let mut n = 0;
            for p in &src.benchmark.profiles {
                n += Policy::new(&src.benchmark, None, Some(&p.id))
                    .ok()?
                    .selected_rules()
                    .count();
            }
            Some(black_box(n))
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
