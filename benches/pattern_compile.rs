//! Compiling the `textfilecontent54` patterns of the largest installed SSG OVAL file (each
//! distinct pattern once per iteration, with textfilecontent54's flags), reported per pattern:
//! what a scan pays the first time it meets each pattern. `scap_oval::pattern::Pattern`
//! compiles an ASCII pattern regex-lite reads on regex-lite and the rest on fancy-regex; the
//! second function compiles them all on fancy-regex alone (the engine before), for the ratio.
//! Falls back to the largest committed OVAL fixture when the SSG content is absent.

use std::collections::BTreeSet;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use scap_oval::Definitions;
use scap_oval::model::ObjectContent;
use scap_oval::pattern::{EndOfLine, Options, Pattern, translate};

fn bench(c: &mut Criterion) {
    let Some((name, text)) =
        scap_benches::read_largest_ssg_file("-oval.xml", "fixtures/oval/ssg-debian11-cpe-oval.xml")
    else {
        return;
    };
    let defs = match Definitions::parse(text.as_bytes()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{name}: {e}");
            return;
        }
    };
    let patterns: BTreeSet<&str> = defs
        .objects
        .iter()
        .filter(|o| o.kind == "textfilecontent54_object")
        .filter_map(|o| match &o.content {
            ObjectContent::Entities(eo) => Some(eo),
            ObjectContent::Set(_) => None,
        })
        .flat_map(|eo| eo.entities.iter())
        .filter(|e| e.name == "pattern" && e.var_ref.is_none())
        .map(|e| e.value.as_str())
        .collect();
    if patterns.is_empty() {
        return;
    }
    let options = Options::TEXTFILECONTENT;
    let mut group = c.benchmark_group("pattern_compile");
    group.throughput(Throughput::Elements(patterns.len() as u64));
    group.sample_size(10);
    group.bench_function(format!("Pattern {} of {name}", patterns.len()), |b| {
        b.iter(|| {
            patterns
                .iter()
                .filter(|p| Pattern::with_options(black_box(p), options).is_ok())
                .count()
        })
    });
    let translated: Vec<String> = patterns
        .iter()
        .filter_map(|p| translate(p, options, EndOfLine::Fast).ok())
        .collect();
    group.bench_function(
        format!("fancy-regex only, {} of {name}", translated.len()),
        |b| {
            b.iter(|| {
                translated
                    .iter()
                    .filter(|p| {
                        fancy_regex::RegexBuilder::new(black_box(p))
                            .multi_line(true)
                            .build()
                            .is_ok()
                    })
                    .count()
            })
        },
    );
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
