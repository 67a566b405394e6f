//! Fuzzes fix generation (`scap_xccdf::fix::generate`, what `oscap xccdf generate fix` does):
//! the input is an XCCDF benchmark; for the default selection, `(all)` and each of its
//! profiles, the script of every fix type is generated from the profile and from an
//! evaluation in which every rule of the benchmark (and one it does not have) failed. Any
//! panic is a bug; a benchmark or profile that does not load is fine, and generation itself
//! never fails (its documented contract).
#![no_main]

use libfuzzer_sys::fuzz_target;
use scap_xccdf::fix::{Evaluation, FixOptions, FixType, generate};
use scap_xccdf::{ALL_PROFILE, Benchmark, ParseOptions, Policy};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let opts = ParseOptions {
        max_input_bytes: 1 << 20,
        max_nodes: 100_000,
        max_depth: 32,
    };
    let Ok(benchmark) = Benchmark::parse_str(text, &opts) else {
        return;
    };
    let mut profiles: Vec<Option<&str>> = vec![None, Some(ALL_PROFILE)];
    profiles.extend(benchmark.profiles.iter().map(|p| Some(p.id.as_str())));
    for profile in profiles {
        let Ok(policy) = Policy::new(&benchmark, None, profile) else {
            continue;
        };
        let mut failed = Evaluation::new("xccdf_f_testresult_t");
        failed.rule_results = policy
            .rules
            .iter()
            .map(|r| (r.id().to_string(), "fail".to_string()))
            .chain([("xccdf_f_rule_absent".to_string(), "fail".to_string())])
            .collect();
        for fix_type in FixType::ALL {
            let mut options = FixOptions::new(fix_type);
            options.all_profile = profile == Some(ALL_PROFILE);
            for result in [None, Some(&failed)] {
                let script = generate(&benchmark, None, &policy, result, &options)
                    .expect("fix generation has no error case");
                if fix_type == FixType::Bash {
                    assert!(script.text.starts_with("#!/usr/bin/env bash\n"));
                }
            }
        }
    }
});
