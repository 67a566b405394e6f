//! Fuzzes the XCCDF side end to end: document limits, source data stream indexing, checklist
//! selection, Benchmark / Tailoring parsing, `extends` resolution, profile application and
//! check href resolution. Any panic is a bug; errors are fine.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scap_xccdf::{Benchmark, DataStreamCollection, ParseOptions, Policy, Source, Tailoring};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let opts = ParseOptions {
        max_input_bytes: 1 << 20,
        max_nodes: 200_000,
        max_depth: 32,
    };
    match scap_xccdf::input::root_name(text) {
        Some("Tailoring") => {
            let _ = Tailoring::parse_str(text, &opts);
            return;
        }
        // The streaming index alone, and each component parsed from its fragment.
        Some("data-stream-collection") => {
            if let Ok(index) = DataStreamCollection::parse_str(text, &opts) {
                for c in &index.components {
                    if let Some(f) = &c.fragment {
                        let _ = Benchmark::parse_fragment(text, f, &opts);
                        let _ = Tailoring::parse_fragment(text, f, &opts);
                    }
                }
            }
        }
        // Unresolved parse too, to reach the raw model on inputs resolution rejects.
        _ => {
            let _ = Benchmark::parse_str(text, &opts);
        }
    }
    let Ok(src) = Source::parse_str(text, None, None, &opts) else {
        return;
    };
    let b = &src.benchmark;
    let mut ids: Vec<Option<&str>> = vec![None];
    ids.extend(b.profiles.iter().take(8).map(|p| Some(p.id.as_str())));
    for id in ids {
        let Ok(policy) = Policy::new(b, None, id) else {
            continue;
        };
        let _ = policy.export_warnings();
        for rule in policy.selected_rules().take(64) {
            for check in rule.checks() {
                let _ = policy.exports(check);
                for r in &check.content_refs {
                    let _ = src.resolve_check_href(&r.href);
                }
            }
        }
    }
    for (dict, _) in &src.dictionaries {
        if let Some(dict) = src.component_ref(dict) {
            let _ = src.resolve_dictionary_href(dict, "x.xml");
        }
    }
    let _ = scap_xccdf::sce::SceScripts::from_source(&src);
    let _ = scap_xccdf::input::unresolved_platforms(&src);
});
