//! Fuzzes reading vulnerability findings (`scap_arf::report::vulns`): the input is an OVAL
//! results document read alone (`from_oval_results`, oscap's shape with the definitions
//! inside), then split at the first NUL byte into a feed and its results
//! (`from_definitions_and_results`, ours), and read as the JSON `oval-eval --vulns-json`
//! writes (`from_json`); what is found goes through the POA&M items. Any panic is a bug;
//! errors are fine.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scap_arf::report::vulns;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut found = Vec::new();
    if let Ok(v) = vulns::from_oval_results(text) {
        found.extend(v);
    }
    if let Some((feed, results)) = text.split_once('\0') {
        if let Ok(v) = vulns::from_definitions_and_results(feed, results) {
            found.extend(v);
        }
    }
    if let Ok(v) = vulns::from_json(text) {
        found.extend(v);
    }
    for v in &found {
        let _ = v.weakness_ids();
        for c in &v.cves {
            let _ = v.severity_of(c);
        }
    }
});
