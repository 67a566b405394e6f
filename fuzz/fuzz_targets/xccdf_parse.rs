//! Fuzzes the XCCDF side end to end: document limits, source data stream indexing, checklist
//! selection, Benchmark / Tailoring parsing, `extends` resolution, profile application and
//! check href resolution. Any panic is a bug; errors are fine.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scap_xccdf::{Benchmark, ParseOptions, Policy, Source, Tailoring};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let opts = ParseOptions {
        max_input_bytes: 1 << 20,
        max_nodes: 200_000,
        max_depth: 32,
    };
    let Ok(doc) = opts.parse_document(text) else {
        return;
    };
    let root = doc.root_element();
    if root.tag_name().name() == "Tailoring" {
        let _ = Tailoring::from_node(root, &opts);
        return;
    }
    // Unresolved parse too, to reach the raw model on inputs resolution rejects.
    let _ = Benchmark::from_node(root, &opts);
    let Ok(src) = Source::from_document(&doc, text, None, None, &opts) else {
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
