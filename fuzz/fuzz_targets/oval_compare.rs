//! Fuzzes the OVAL value comparison and the PCRE translation layer: `compare` and `Pattern`
//! must return a value or a typed error on any input, never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scap_oval::compare::{compare, debian_evr_cmp, evr_cmp, segment_cmp, version_cmp};
use scap_oval::pattern::{Limits, Options, Pattern};
use scap_oval::types::{Datatype, Operation};

fuzz_target!(|data: &[u8]| {
    let [d, o, flags, rest @ ..] = data else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let (actual, expected) = text.split_once('\u{0}').unwrap_or((text, ""));
    let datatype = Datatype::ALL[usize::from(*d) % Datatype::ALL.len()];
    let operation = Operation::ALL[usize::from(*o) % Operation::ALL.len()];
    // Pattern match compiles `expected`; keep runaway patterns cheap.
    if operation != Operation::PatternMatch {
        let _ = compare(datatype, operation, actual, expected);
    }
    let _ = evr_cmp(actual, expected);
    let _ = debian_evr_cmp(actual, expected);
    let _ = version_cmp(actual, expected);
    let _ = segment_cmp(actual, expected);
    let options = Options {
        multiline: flags & 1 != 0,
        singleline: flags & 2 != 0,
        case_insensitive: flags & 4 != 0,
    };
    let limits = Limits { backtrack_limit: 20_000, max_pattern_len: 4096, ..Limits::default() };
    if let Ok(p) = Pattern::with_limits(expected, options, limits) {
        let _ = p.is_match(actual);
        let _ = p.find_all(actual);
        let _ = p.captures(&format!("{actual}\n"));
    }
});
