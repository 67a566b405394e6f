//! Fuzzes the CPE dictionary and applicability-language parsers and the platform evaluator:
//! any input gives a model or a typed error, never a panic, hang or stack overflow. An input
//! may hold a dictionary and a platform-specification separated by a NUL byte; otherwise the
//! whole input is tried as both.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scap_cpe::{ApplicabilityResult, CheckFactRef, Dictionary, PlatformSpecification};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (dict_text, spec_text) = text.split_once('\u{0}').unwrap_or((text, text));
    let dict = dict_text.parse::<Dictionary>().ok();
    let mut checks = |c: &CheckFactRef| match (c.id_ref.len() + c.href.len()) % 3 {
        0 => ApplicabilityResult::True,
        1 => ApplicabilityResult::False,
        _ => ApplicabilityResult::Error,
    };
    let names = match &dict {
        Some(dict) => {
            for item in &dict.items {
                let _ = dict.matching(&item.name).count();
                let _ = dict.get(&item.name);
            }
            dict.applicable_names(&mut checks)
        }
        None => Vec::new(),
    };
    if let Ok(spec) = spec_text.parse::<PlatformSpecification>() {
        for platform in &spec.platforms {
            let _ = platform.evaluate(&names, &mut checks);
            if let Some(dict) = &dict {
                let _ = platform.evaluate_with_dictionary(dict, &mut checks);
            }
        }
    }
});
