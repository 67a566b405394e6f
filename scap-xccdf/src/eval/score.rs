//! The four XCCDF scoring models (NISTIR 7275r4 section 7.3), computed like oscap 1.3.
//!
//! Rules whose result is `notselected`, `notapplicable`, `informational` or `notchecked`, and
//! rules whose role is not `full`, take no part in any model. A rule scores when its result is `pass` or `fixed`; every other
//! counted result (fail, error, unknown) scores zero.
//!
//! - `urn:xccdf:scoring:default`: a rule scores 100 or 0; a Group or the Benchmark scores the
//!   weighted mean of its counted children (children with nothing counted are skipped; if the
//!   weights of the counted children sum to zero the sum of weighted scores is kept, which is
//!   0). Maximum 100.
//! - `urn:xccdf:scoring:flat`: the sum of the weights of passing rules, out of the sum of the
//!   weights of counted rules (the maximum). Rules of weight 0 take no part.
//! - `urn:xccdf:scoring:flat-unweighted`: the same with every weight 1.
//! - `urn:xccdf:scoring:absolute`: 1 if the flat score equals its maximum, else 0; the maximum
//!   written is the flat maximum (as oscap writes it).
//!
//! Arithmetic is in single precision, as oscap's, so that written scores are identical to
//! oscap's (`39.166664`, not `39.166667`).

use std::collections::HashMap;

use crate::engine::XccdfResult;
use crate::eval::RuleOutcome;
use crate::model::{Benchmark, Item, Role};
use crate::policy::Policy;

/// The default model's URI.
pub const DEFAULT: &str = "urn:xccdf:scoring:default";
/// The flat model's URI.
pub const FLAT: &str = "urn:xccdf:scoring:flat";
/// The flat unweighted model's URI.
pub const FLAT_UNWEIGHTED: &str = "urn:xccdf:scoring:flat-unweighted";
/// The absolute model's URI.
pub const ABSOLUTE: &str = "urn:xccdf:scoring:absolute";

/// How deep Groups may nest before scoring ignores the deeper ones.
const MAX_DEPTH: usize = 256;

/// One score (a TestResult `score` element).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ScoreValue {
    /// The model URI.
    pub system: String,
    /// The score.
    pub value: f64,
    /// The maximum.
    pub maximum: f64,
}

/// Inputs of scoring: weights (refined by the profile) and the first result of each rule.
struct Scorer<'a> {
    results: HashMap<&'a str, (XccdfResult, f32)>,
    group_weights: HashMap<&'a str, f32>,
}

fn counted(r: XccdfResult) -> bool {
    !matches!(
        r,
        XccdfResult::NotSelected
            | XccdfResult::NotApplicable
            | XccdfResult::Informational
            | XccdfResult::NotChecked
    )
}

fn passed(r: XccdfResult) -> bool {
    matches!(r, XccdfResult::Pass | XccdfResult::Fixed)
}

impl<'a> Scorer<'a> {
    fn new(policy: &'a Policy, rules: &'a [RuleOutcome]) -> Scorer<'a> {
        let mut results = HashMap::new();
        // Only `role="full"` rules score (XCCDF 1.2 section 6.4.4.2; oscap 1.3.7 leaves out an
        // unscored rule whose export is unbound, which stays `unknown`).
        for r in rules.iter().filter(|r| r.role == Role::Full) {
            results
                .entry(r.rule_id.as_str())
                .or_insert((r.result, r.weight as f32));
        }
        let group_weights = policy
            .groups
            .iter()
            .map(|g| (g.id.as_str(), g.weight as f32))
            .collect();
        Scorer {
            results,
            group_weights,
        }
    }

    fn weight(&self, item: &Item) -> f32 {
        match item {
            Item::Rule(r) => self
                .results
                .get(r.common.id.as_str())
                .map(|x| x.1)
                .unwrap_or(r.common.weight as f32),
            Item::Group(g) => self
                .group_weights
                .get(g.common.id.as_str())
                .copied()
                .unwrap_or(g.common.weight as f32),
        }
    }

    /// Default model: (score, count) of the children of a node, or of a rule.
    fn default_item(&self, item: &Item, depth: usize) -> Option<(f32, usize)> {
        match item {
            Item::Rule(r) => {
                let (res, _) = *self.results.get(r.common.id.as_str())?;
                if !counted(res) {
                    return None;
                }
                Some((if passed(res) { 100.0 } else { 0.0 }, 1))
            }
            Item::Group(g) => Some(self.default_node(&g.items, depth + 1)),
        }
    }

    fn default_node(&self, items: &[Item], depth: usize) -> (f32, usize) {
        if depth > MAX_DEPTH {
            return (0.0, 0);
        }
        let (mut score, mut count, mut acc) = (0.0, 0usize, 0.0);
        for child in items {
            let Some((s, c)) = self.default_item(child, depth) else {
                continue;
            };
            if c == 0 {
                continue;
            }
            let w = self.weight(child);
            score += s * w;
            count += 1;
            acc += w;
        }
        if count > 0 && acc != 0.0 {
            score /= acc;
        }
        (score, count)
    }

    /// Flat model: (score, maximum).
    fn flat(&self, items: &[Item], unweighted: bool, depth: usize) -> (f32, f32) {
        if depth > MAX_DEPTH {
            return (0.0, 0.0);
        }
        let (mut score, mut max) = (0.0, 0.0);
        for child in items {
            let (s, w) = match child {
                Item::Rule(r) => {
                    let Some(&(res, weight)) = self.results.get(r.common.id.as_str()) else {
                        continue;
                    };
                    if !counted(res) {
                        continue;
                    }
                    let w = if unweighted { 1.0 } else { weight };
                    (if passed(res) { w } else { 0.0 }, w)
                }
                Item::Group(g) => self.flat(&g.items, unweighted, depth + 1),
            };
            if w == 0.0 {
                continue;
            }
            score += s;
            max += w;
        }
        (score, max)
    }
}

/// The score of `rules` under the model `system` (`None` for an unknown model).
///
/// ```
/// # use scap_xccdf::eval::score;
/// let text = r#"<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2" id="xccdf_x_benchmark_b">
///   <Rule id="xccdf_x_rule_a" selected="true" weight="3"/><Rule id="xccdf_x_rule_b" selected="true"/></Benchmark>"#;
/// let b = scap_xccdf::Benchmark::parse_str(text, &Default::default())?;
/// let p = scap_xccdf::Policy::new(&b, None, None)?;
/// let mut res = scap_xccdf::unevaluated(&b, &p);
/// res.rules[0].result = scap_xccdf::XccdfResult::Pass;
/// res.rules[1].result = scap_xccdf::XccdfResult::Fail;
/// let s = score::score(&b, &p, &res.rules, score::FLAT).unwrap();
/// assert_eq!((s.value, s.maximum), (3.0, 4.0));
/// # Ok::<(), scap_xccdf::Error>(())
/// ```
pub fn score(
    benchmark: &Benchmark,
    policy: &Policy,
    rules: &[RuleOutcome],
    system: &str,
) -> Option<ScoreValue> {
    let s = Scorer::new(policy, rules);
    let (value, maximum) = match system {
        DEFAULT => (s.default_node(&benchmark.items, 0).0, 100.0),
        FLAT => s.flat(&benchmark.items, false, 0),
        FLAT_UNWEIGHTED => s.flat(&benchmark.items, true, 0),
        ABSOLUTE => {
            let (v, m) = s.flat(&benchmark.items, false, 0);
            (if v == m { 1.0 } else { 0.0 }, m)
        }
        _ => return None,
    };
    Some(ScoreValue {
        system: system.to_string(),
        value: f64::from(value),
        maximum: f64::from(maximum),
    })
}

/// The scores of the benchmark's `model`s (unknown models skipped), or the default model's
/// score if it names none (as oscap).
pub fn scores(benchmark: &Benchmark, policy: &Policy, rules: &[RuleOutcome]) -> Vec<ScoreValue> {
    let mut systems: Vec<&str> = benchmark.models.iter().map(|m| m.system.as_str()).collect();
    if systems.is_empty() {
        systems.push(DEFAULT);
    }
    systems
        .into_iter()
        .filter_map(|s| score(benchmark, policy, rules, s))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::unevaluated;
    use XccdfResult::*;

    /// Benchmark: R1 (w1) at top; G1 (w2) { R2 (w1), R3 (w3) }; G2 (w1) { R4 (w0) }.
    const BENCH: &str = r#"<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2" id="xccdf_x_benchmark_b">
      <Rule id="xccdf_x_rule_1" selected="true"/>
      <Group id="xccdf_x_group_1" weight="2">
        <Rule id="xccdf_x_rule_2" selected="true"/>
        <Rule id="xccdf_x_rule_3" selected="true" weight="3"/>
      </Group>
      <Group id="xccdf_x_group_2">
        <Rule id="xccdf_x_rule_4" selected="true" weight="0"/>
      </Group>
    </Benchmark>"#;

    fn scores_for(results: [XccdfResult; 4]) -> [(f64, f64); 4] {
        let b = Benchmark::parse_str(BENCH, &Default::default()).unwrap();
        let p = Policy::new(&b, None, None).unwrap();
        let mut res = unevaluated(&b, &p);
        for (r, x) in res.rules.iter_mut().zip(results) {
            r.result = x;
        }
        [DEFAULT, FLAT, FLAT_UNWEIGHTED, ABSOLUTE].map(|m| {
            let s = score(&b, &p, &res.rules, m).unwrap();
            (s.value, s.maximum)
        })
    }

    #[test]
    fn mixed_results() {
        // R1 pass, R2 fail, R3 pass, R4 pass (weight 0).
        // default: G1 = (0*1 + 100*3)/4 = 75; G2 = (100*0)/0 -> 0 with count 1 (acc 0, kept);
        // top = (100*1 + 75*2 + 0*1) / (1+2+1) = 250/4 = 62.5
        // flat: pass weights 1+3 = 4 of 1+1+3 = 5 (R4 weight 0 skipped)
        // flat-unweighted: 3 of 4; absolute: 0 of max 5.
        let s = scores_for([Pass, Fail, Pass, Pass]);
        assert_eq!(s[0], (62.5, 100.0));
        assert_eq!(s[1], (4.0, 5.0));
        assert_eq!(s[2], (3.0, 4.0));
        assert_eq!(s[3], (0.0, 5.0));
    }

    #[test]
    fn uncounted_results_are_skipped() {
        // R1 notapplicable, R2 error, R3 fixed, R4 notchecked.
        // default: G1 = (0 + 300)/4 = 75; G2 has nothing counted; top = 75*2/2 = 75.
        let s = scores_for([NotApplicable, Error, Fixed, NotChecked]);
        assert_eq!(s[0], (75.0, 100.0));
        assert_eq!(s[1], (3.0, 4.0));
        assert_eq!(s[2], (1.0, 2.0));
        assert_eq!(s[3], (0.0, 4.0));
    }

    #[test]
    fn all_pass_is_absolute_one() {
        let s = scores_for([Pass, Pass, Pass, NotSelected]);
        assert_eq!(s[0], (100.0, 100.0));
        assert_eq!(s[3], (1.0, 5.0));
    }

    #[test]
    fn nothing_counted() {
        let s = scores_for([NotSelected, NotApplicable, NotChecked, Informational]);
        assert_eq!(s[0], (0.0, 100.0));
        assert_eq!(s[1], (0.0, 0.0));
        // 0 == 0: oscap's absolute model says 1 when nothing was counted.
        assert_eq!(s[3], (1.0, 0.0));
    }

    #[test]
    fn invariants_over_every_combination() {
        let b = Benchmark::parse_str(BENCH, &Default::default()).unwrap();
        let p = Policy::new(&b, None, None).unwrap();
        let mut res = unevaluated(&b, &p);
        let all = XccdfResult::ALL;
        let n = all.len();
        for code in 0..n.pow(4) {
            let mut c = code;
            for r in res.rules.iter_mut() {
                r.result = all[c % n];
                c /= n;
            }
            let d = score(&b, &p, &res.rules, DEFAULT).unwrap();
            let f = score(&b, &p, &res.rules, FLAT).unwrap();
            let u = score(&b, &p, &res.rules, FLAT_UNWEIGHTED).unwrap();
            let a = score(&b, &p, &res.rules, ABSOLUTE).unwrap();
            assert!((0.0..=100.0).contains(&d.value), "{d:?}");
            assert!(f.value <= f.maximum && u.value <= u.maximum, "{f:?} {u:?}");
            assert_eq!(a.value == 1.0, f.value == f.maximum);
            // A fail anywhere among weighted rules keeps the default score below 100.
            let weighted_fail = res.rules[..3].iter().any(|r| {
                matches!(
                    r.result,
                    XccdfResult::Fail | XccdfResult::Error | XccdfResult::Unknown
                )
            });
            assert_eq!(
                weighted_fail,
                f.value < f.maximum,
                "{:?}",
                res.rules.iter().map(|r| r.result).collect::<Vec<_>>()
            );
            if weighted_fail {
                assert!(d.value < 100.0);
            }
        }
    }

    #[test]
    fn single_precision_like_oscap() {
        let text = r#"<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2" id="xccdf_x_benchmark_b">
          <Rule id="xccdf_x_rule_1" selected="true"/><Rule id="xccdf_x_rule_2" selected="true"/>
          <Rule id="xccdf_x_rule_3" selected="true"/></Benchmark>"#;
        let b = Benchmark::parse_str(text, &Default::default()).unwrap();
        let p = Policy::new(&b, None, None).unwrap();
        let mut res = unevaluated(&b, &p);
        res.rules[0].result = Pass;
        res.rules[1].result = Fail;
        res.rules[2].result = Unknown;
        let s = score(&b, &p, &res.rules, DEFAULT).unwrap();
        // 100/3 in f32, as oscap writes it.
        assert_eq!(format!("{:.6}", s.value), "33.333332");
    }
}
