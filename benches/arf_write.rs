//! Writing an ARF report around the largest installed SSG source data stream: the part of a
//! scan's output that grows with the content, since the data stream is carried whole as the
//! report request and checked to be well-formed (a streaming pass) before it is copied. Falls
//! back to the committed Chromium fixture when the SSG content is absent (`$SCAP_SSG_DIR`,
//! default /usr/share/xml/scap/ssg/content).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use scap_arf::{ArfInput, Asset, write_arf};

const TEST_RESULT: &str = r#"<TestResult xmlns="http://checklists.nist.gov/xccdf/1.2" id="xccdf_org.example_testresult_bench" start-time="2026-01-01T00:00:00" end-time="2026-01-01T00:00:01"><benchmark href="ds.xml"/><target>bench</target></TestResult>"#;

fn bench(c: &mut Criterion) {
    let Some((name, ds)) = scap_benches::read_largest_ssg_file(
        "-ds.xml",
        "scap-xccdf/tests/fixtures/ds/ssg-chromium-ds.xml",
    ) else {
        return;
    };
    let mut g = c.benchmark_group("arf_write");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(ds.len() as u64));
    g.bench_function(format!("write_arf/{name}"), |b| {
        b.iter(|| {
            let input = ArfInput::new(Asset::default(), black_box(&ds), TEST_RESULT);
            black_box(write_arf(&input).map(|a| a.len()))
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
