//! Fuzzes the OVAL value comparison, the PCRE translation layer and the local_variable
//! functions: `compare`, `Pattern` and `functions::*` must return a value or a typed error on
//! any input, never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scap_oval::compare::{compare, debian_evr_cmp, evr_cmp, segment_cmp, version_cmp};
use scap_oval::functions;
use scap_oval::pattern::{Limits, Options, Pattern};
use scap_oval::types::{ArithmeticOperation, Datatype, DateTimeFormat, Operation};

fuzz_target!(|data: &[u8]| {
    let [d, o, flags, rest @ ..] = data else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
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
    let limits = Limits {
        backtrack_limit: 20_000,
        max_pattern_len: 4096,
        ..Limits::default()
    };
    if let Ok(p) = Pattern::with_limits(expected, options, limits) {
        let _ = p.is_match(actual);
        let _ = p.find_all(actual);
        let _ = p.captures(&format!("{actual}\n"));
    }
    let values = vec![actual.to_owned(), expected.to_owned()];
    let n = i64::from(*d) - 64;
    let _ = functions::glob_to_regex(flags & 8 != 0, &values);
    let _ = functions::substring(n, i64::from(*o) - 64, &values);
    let _ = functions::split(expected, &[actual.to_owned()]);
    let _ = functions::escape_regex(&values);
    let _ = functions::concat(&[values.clone(), values.clone()]);
    let _ = functions::arithmetic(
        ArithmeticOperation::Multiply,
        datatype,
        &[values.clone(), values.clone()],
    );
    let format = DateTimeFormat::ALL[usize::from(*flags) % DateTimeFormat::ALL.len()];
    let _ = functions::time_difference(format, format, &[values.clone(), values], 0);
});
