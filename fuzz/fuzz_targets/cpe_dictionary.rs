//! Fuzzes the CPE dictionary and applicability-language parsers and the platform evaluator:
//! any input gives a model or a typed error, never a panic, hang or stack overflow.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scap_cpe::{ApplicabilityResult, CheckFactRef, Dictionary, PlatformSpecification};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let names = match text.parse::<Dictionary>() {
        Ok(dict) => {
            let mut checks = |c: &CheckFactRef| match c.id_ref.len() % 3 {
                0 => ApplicabilityResult::True,
                1 => ApplicabilityResult::False,
                _ => ApplicabilityResult::Error,
            };
            for item in &dict.items {
                let _ = dict.matching(&item.name).count();
                let _ = dict.get(&item.name);
            }
            dict.applicable_names(&mut checks)
        }
        Err(_) => Vec::new(),
    };
    if let Ok(spec) = text.parse::<PlatformSpecification>() {
        let mut checks = |c: &CheckFactRef| ApplicabilityResult::from(c.href.len() % 2 == 0);
        for platform in &spec.platforms {
            let _ = platform.evaluate(&names, &mut checks);
        }
    }
});
