//! Criterion benchmarks of scap-cpe: parsing both bindings, comparing names, and parsing the
//! largest fixture dictionary.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use scap_cpe::{Dictionary, Name, PlatformSpecification};

const DICTIONARY: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../fixtures/cpe/ssg-rhel8-cpe-dictionary.xml"
));
const PLATFORMS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../fixtures/cpe/ssg-rhel8-platform-specification.xml"
));

const FORMATTED: &str =
    r"cpe:2.3:a:foo\\bar:big\$money_manager_2010:8.0.*:sp?:*:en-us:special:ipod_touch:80gb:*";
const URI: &str =
    "cpe:/a:foo%5cbar:big%24money_manager_2010:8.0.%02:sp%01:~~special~ipod_touch~80gb~:en-us";

fn parsing(c: &mut Criterion) {
    c.bench_function("cpe/parse formatted string", |b| {
        b.iter(|| Name::parse(black_box(FORMATTED)))
    });
    c.bench_function("cpe/parse URI", |b| b.iter(|| Name::parse(black_box(URI))));
    let name = Name::parse(FORMATTED).expect("valid name");
    c.bench_function("cpe/bind formatted string", |b| {
        b.iter(|| black_box(&name).to_formatted_string())
    });
    c.bench_function("cpe/bind URI", |b| b.iter(|| black_box(&name).to_uri()));
}

fn matching(c: &mut Criterion) {
    let source = Name::parse("cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*")
        .expect("valid name");
    let target = Name::parse("cpe:2.3:a:microsoft:internet_explorer:8.0.6001:sp1:*:*:*:*:*:*")
        .expect("valid name");
    c.bench_function("cpe/compare names", |b| {
        b.iter(|| black_box(&source).compare(black_box(&target)))
    });
}

fn documents(c: &mut Criterion) {
    c.bench_function("cpe/parse ssg-rhel8 dictionary", |b| {
        b.iter(|| black_box(DICTIONARY).parse::<Dictionary>())
    });
    c.bench_function("cpe/parse ssg-rhel8 platform-specification", |b| {
        b.iter(|| black_box(PLATFORMS).parse::<PlatformSpecification>())
    });
    let dict: Dictionary = DICTIONARY.parse().expect("valid fixture");
    let query = Name::parse("cpe:2.3:o:redhat:enterprise_linux:8.*:*:*:*:*:*:*:*").expect("valid");
    c.bench_function("cpe/dictionary matching", |b| {
        b.iter(|| dict.matching(black_box(&query)).count())
    });
}

criterion_group!(benches, parsing, matching, documents);
criterion_main!(benches);
