//! Fuzzes a tailoring applied to a benchmark: the input is an XCCDF `Tailoring` document,
//! parsed and applied to a small benchmark (groups, rules, values with selectors, profiles that
//! extend each other) with each tailored profile and with none, then the policy's values and
//! selections are walked. Any panic is a
//! bug; errors are fine.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use scap_xccdf::{Benchmark, ParseOptions, Policy, Tailoring};

const BENCHMARK: &str = r#"<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2" id="xccdf_f_benchmark_b">
  <status>draft</status><version>1</version>
  <Profile id="xccdf_f_profile_base"><title>base</title>
    <select idref="xccdf_f_rule_a" selected="true"/><set-value idref="xccdf_f_value_v">5</set-value></Profile>
  <Profile id="xccdf_f_profile_more" extends="xccdf_f_profile_base"><title>more</title>
    <select idref="xccdf_f_group_g" selected="false"/><refine-value idref="xccdf_f_value_v" selector="high"/>
    <refine-rule idref="xccdf_f_rule_b" severity="high" weight="2.5"/></Profile>
  <Value id="xccdf_f_value_v" type="number" operator="less than or equal">
    <value>1</value><value selector="high">9</value><lower-bound>0</lower-bound><upper-bound>10</upper-bound></Value>
  <Value id="xccdf_f_value_s" type="string"><value>x</value><choices mustMatch="true"><choice>x</choice><choice>y</choice></choices></Value>
  <Group id="xccdf_f_group_g" selected="true"><title>g</title>
    <Rule id="xccdf_f_rule_a" selected="false" severity="low"><title>a</title></Rule>
    <Group id="xccdf_f_group_h"><Rule id="xccdf_f_rule_b" selected="true"><title>b</title>
      <requires idref="xccdf_f_rule_a"/><conflicts idref="xccdf_f_rule_c"/></Rule></Group>
  </Group>
  <Rule id="xccdf_f_rule_c" selected="true" role="unscored"><title>c</title></Rule>
</Benchmark>"#;

fn benchmark() -> &'static Benchmark {
    static B: OnceLock<Benchmark> = OnceLock::new();
    B.get_or_init(|| {
        Benchmark::parse_str(BENCHMARK, &ParseOptions::default())
            .expect("the fuzz target's own benchmark parses")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let opts = ParseOptions {
        max_input_bytes: 1 << 20,
        max_nodes: 100_000,
        max_depth: 32,
    };
    let Ok(tailoring) = Tailoring::parse_str(text, &opts) else {
        return;
    };
    let b = benchmark();
    let mut ids: Vec<Option<&str>> = vec![None];
    ids.extend(tailoring.profiles.iter().map(|p| Some(p.id.as_str())));
    for id in ids {
        if let Ok(policy) = Policy::new(b, Some(&tailoring), id) {
            let _ = policy.selected_rules().count();
            let _ = policy.values.len();
        }
    }
});
