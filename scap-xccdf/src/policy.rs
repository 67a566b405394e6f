//! Profile application: from a resolved [`Benchmark`], an optional [`Tailoring`] and a profile
//! id to an owned, evaluation-ready [`Policy`] (XCCDF 1.2 sections 6.5 and 7.2.3, as oscap
//! applies them).
//!
//! - Selection: every Group and Rule starts with its `selected` attribute; the profile's
//!   `select`s are applied in order (ancestor profiles' first, later ones win), each matching
//!   an item id or a `cluster-id` (all items of the cluster). A Rule is selected only if it and
//!   every ancestor Group are selected. Abstract items take no part.
//! - Values: `set-value` (or `set-complex-value`) > the instance chosen by the `refine-value`
//!   selector > the default instance (no selector), later settings winning; `refine-value`
//!   may also replace the operator. `idref`s match Value ids or cluster-ids.
//! - `refine-rule` replaces a Rule's weight, severity, role and check selector (and a Group's
//!   weight), matching item ids or cluster-ids.
//!
//! Dangling `select`/`set-value`/`refine-*` idrefs are not errors (oscap only warns): they are
//! collected in [`Policy::warnings`].

use std::collections::{BTreeMap, HashMap};

use crate::error::{Error, Result, Warning};
use crate::model::*;
use crate::resolve::flatten_profile;
use crate::tailoring::Tailoring;

/// Where an effective value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ValueSource {
    /// A profile `set-value` / `set-complex-value`.
    SetValue,
    /// The instance chosen by a profile `refine-value` selector.
    Refined,
    /// The Value's default instance.
    Default,
}

/// The effective setting of one Value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EffectiveValue {
    /// The Value id.
    pub id: String,
    /// Its type.
    pub value_type: ValueType,
    /// Its operator (possibly refined).
    pub operator: ValueOperator,
    /// The selector in effect (`None`: default instance or set-value).
    pub selector: Option<String>,
    /// The value (for a complex value, its items joined by nothing: use `complex`).
    pub value: String,
    /// The items of a complex value, when it is one.
    pub complex: Option<Vec<String>>,
    /// Where it came from.
    pub source: ValueSource,
}

/// A check-export bound to its effective value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BoundExport {
    /// `value-id`.
    pub value_id: String,
    /// `export-name` (OVAL external variable id).
    pub export_name: String,
    /// The effective value (`None` if the Value does not exist; see [`Warning::UnknownExport`]).
    pub value: Option<EffectiveValue>,
}

/// One Rule as the profile sees it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PolicyRule {
    /// The rule, with `severity`, `role` and `common.weight` refined by the profile; the
    /// benchmark's own Rule, shared, unless the profile refines it.
    pub rule: std::sync::Arc<Rule>,
    /// Effective selection (rule and all ancestor groups selected).
    pub selected: bool,
    /// Ancestor Group ids, outermost first.
    pub groups: Vec<String>,
    /// The check selector in effect (`refine-rule selector`).
    pub check_selector: Option<String>,
}

impl PolicyRule {
    /// The rule id.
    pub fn id(&self) -> &str {
        &self.rule.common.id
    }

    /// The candidate checks for the selector in effect, in document order: those with that
    /// selector, or if none, those without a selector (XCCDF 1.2 section 7.2.3.5.3). Empty
    /// when the rule has a `complex-check`, which takes precedence.
    ///
    /// The evaluator ([`crate::evaluate`]) runs the *last* candidate whose `system` an engine
    /// supports, as oscap 1.3.7 does (a rule with an OVAL check then an SCE check runs the SCE
    /// one); see [`crate::eval`].
    ///
    /// ```
    /// let text = r#"<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2" id="xccdf_x_benchmark_b">
    ///   <Rule id="xccdf_x_rule_r" selected="true">
    ///     <check system="urn:a"><check-content-ref href="a"/></check>
    ///     <check system="urn:b" selector="s"><check-content-ref href="b"/></check>
    ///     <check system="urn:c"><check-content-ref href="c"/></check></Rule></Benchmark>"#;
    /// let b = scap_xccdf::Benchmark::parse_str(text, &Default::default())?;
    /// let p = scap_xccdf::Policy::new(&b, None, None)?;
    /// let systems: Vec<&str> = p.rules[0].checks().iter().map(|c| c.system.as_str()).collect();
    /// assert_eq!(systems, ["urn:a", "urn:c"]);
    /// # Ok::<(), scap_xccdf::Error>(())
    /// ```
    pub fn checks(&self) -> Vec<&Check> {
        if self.rule.complex_check.is_some() {
            return Vec::new();
        }
        let with_sel: Vec<&Check> = self
            .rule
            .checks
            .iter()
            .filter(|c| c.selector.is_some() && c.selector == self.check_selector)
            .collect();
        if !with_sel.is_empty() {
            return with_sel;
        }
        self.rule
            .checks
            .iter()
            .filter(|c| c.selector.is_none())
            .collect()
    }
}

/// One Group as the profile sees it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PolicyGroup {
    /// Group id.
    pub id: String,
    /// Effective selection (group and all ancestors selected).
    pub selected: bool,
    /// Weight, possibly refined.
    pub weight: f64,
    /// Parent Group id.
    pub parent: Option<String>,
}

/// The evaluation-ready result of applying a profile (or the default selection) to a
/// benchmark.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Policy {
    /// The applied profile, flattened (`None`: default selection).
    pub profile: Option<Profile>,
    /// All Rules in document order (depth first), selected or not.
    pub rules: Vec<PolicyRule>,
    /// All Groups in document order.
    pub groups: Vec<PolicyGroup>,
    /// Effective value of every Value, by id.
    pub values: BTreeMap<String, EffectiveValue>,
    /// Dangling idrefs and unknown selectors met on the way.
    pub warnings: Vec<Warning>,
}

/// oscap's pseudo-profile that selects every Rule and Group of the benchmark (`--profile
/// '(all)'`), values at their defaults. [`Policy::new`] and [`find_profile_id`] accept it.
pub const ALL_PROFILE: &str = "(all)";

/// Finds the profile `--profile name` means, as oscap 1.3.7 does:
///
/// 1. a profile whose id is `name` (tailoring first, then benchmark), or [`ALL_PROFILE`];
/// 2. else the profiles whose id ends with `name` (a plain suffix: `standard`, `_standard`,
///    `content_profile_standard` and even `ard` all name `..._profile_standard`), looked for
///    in the tailoring first: one tailoring match wins even if benchmark profiles match too;
///    two or more are [`Error::AmbiguousProfile`]; with no tailoring match, the same rule
///    over the benchmark's profiles.
///
/// No match is [`Error::NotFound`] (a caller points the user at a list of profiles, as oscap
/// points at `oscap info`).
///
/// ```
/// let b = scap_xccdf::Benchmark::parse_str(r#"<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2" id="xccdf_x_benchmark_b">
///   <Profile id="xccdf_x_profile_cis_server_l1"><title>S</title></Profile>
///   <Profile id="xccdf_x_profile_cis_workstation_l1"><title>W</title></Profile>
///   <Rule id="xccdf_x_rule_a"/></Benchmark>"#, &Default::default())?;
/// assert_eq!(scap_xccdf::find_profile_id(&b, None, "server_l1")?, "xccdf_x_profile_cis_server_l1");
/// let err = scap_xccdf::find_profile_id(&b, None, "l1").unwrap_err();
/// assert!(matches!(err, scap_xccdf::Error::AmbiguousProfile { ref matches, .. } if matches.len() == 2));
/// # Ok::<(), scap_xccdf::Error>(())
/// ```
pub fn find_profile_id(
    benchmark: &Benchmark,
    tailoring: Option<&Tailoring>,
    name: &str,
) -> Result<String> {
    let tailored: &[Profile] = tailoring.map_or(&[], |t| t.profiles.as_slice());
    if name == ALL_PROFILE
        || tailored
            .iter()
            .chain(&benchmark.profiles)
            .any(|p| p.id == name)
    {
        return Ok(name.to_string());
    }
    // oscap (xccdf_session.c, 1.3.7) matches with a plain "ends with"; checked on SSG content:
    // `--profile ard` selects xccdf_org.ssgproject.content_profile_standard.
    for profiles in [tailored, benchmark.profiles.as_slice()] {
        let matches: Vec<String> = profiles
            .iter()
            .filter(|p| !name.is_empty() && p.id.ends_with(name))
            .map(|p| p.id.clone())
            .collect();
        match matches.as_slice() {
            [] => continue,
            [only] => return Ok(only.clone()),
            _ => {
                return Err(Error::AmbiguousProfile {
                    name: name.to_string(),
                    matches,
                });
            }
        }
    }
    Err(Error::NotFound {
        kind: "profile",
        id: name.to_string(),
    })
}

struct Walk<'b> {
    rules: Vec<(&'b std::sync::Arc<Rule>, Vec<String>)>,
    groups: Vec<(&'b Group, Option<String>)>,
    values: Vec<&'b Value>,
}

fn walk(b: &Benchmark) -> Walk<'_> {
    let mut w = Walk {
        rules: Vec::new(),
        groups: Vec::new(),
        values: b.values.iter().collect(),
    };
    // Iterative depth-first, document order: stack of (item, ancestor path).
    let mut stack: Vec<(&Item, Vec<String>)> =
        b.items.iter().rev().map(|i| (i, Vec::new())).collect();
    while let Some((item, path)) = stack.pop() {
        if item.common().abstract_ {
            continue;
        }
        match item {
            Item::Rule(r) => w.rules.push((r, path)),
            Item::Group(g) => {
                w.groups.push((g, path.last().cloned()));
                w.values.extend(g.values.iter().filter(|v| !v.abstract_));
                let mut p = path;
                p.push(g.common.id.clone());
                stack.extend(g.items.iter().rev().map(|i| (i, p.clone())));
            }
        }
    }
    w
}

impl Policy {
    /// Applies `profile_id` (searched in `tailoring` first, then in `benchmark`; `None` for
    /// the default selection). The benchmark should be resolved ([`Benchmark::resolve`]).
    ///
    /// ```
    /// let src = r#"<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2" id="xccdf_x_benchmark_b">
    ///   <Profile id="xccdf_x_profile_p"><title>P</title>
    ///     <select idref="xccdf_x_rule_b" selected="true"/>
    ///     <refine-value idref="xccdf_x_value_v" selector="strict"/></Profile>
    ///   <Value id="xccdf_x_value_v"><value>1</value><value selector="strict">9</value></Value>
    ///   <Rule id="xccdf_x_rule_a" selected="true"/>
    ///   <Rule id="xccdf_x_rule_b" selected="false"/>
    /// </Benchmark>"#;
    /// let b = scap_xccdf::Benchmark::parse_str(src, &Default::default()).unwrap();
    /// let p = scap_xccdf::Policy::new(&b, None, Some("xccdf_x_profile_p")).unwrap();
    /// let sel: Vec<&str> = p.selected_rules().map(|r| r.id()).collect();
    /// assert_eq!(sel, ["xccdf_x_rule_a", "xccdf_x_rule_b"]);
    /// assert_eq!(p.values["xccdf_x_value_v"].value, "9");
    /// let d = scap_xccdf::Policy::new(&b, None, None).unwrap();
    /// assert_eq!(d.selected_rules().count(), 1);
    /// assert_eq!(d.values["xccdf_x_value_v"].value, "1");
    /// ```
    pub fn new(
        benchmark: &Benchmark,
        tailoring: Option<&Tailoring>,
        profile_id: Option<&str>,
    ) -> Result<Policy> {
        if profile_id == Some(ALL_PROFILE) {
            let mut all = Policy::new(benchmark, tailoring, None)?;
            all.select_all();
            return Ok(all);
        }
        let mut warnings = Vec::new();
        let profile = match profile_id {
            None => None,
            Some(pid) => {
                let all: Vec<&Profile> = tailoring
                    .map(|t| t.profiles.iter().collect::<Vec<_>>())
                    .unwrap_or_default()
                    .into_iter()
                    .chain(benchmark.profiles.iter())
                    .collect();
                let idx = all
                    .iter()
                    .position(|p| p.id == pid)
                    .ok_or_else(|| Error::NotFound {
                        kind: "profile",
                        id: pid.to_string(),
                    })?;
                Some(flatten_profile(&all, idx)?)
            }
        };
        let w = walk(benchmark);

        // Index items and clusters.
        let mut item_sel: HashMap<&str, bool> = HashMap::new();
        let mut clusters: HashMap<&str, Vec<&str>> = HashMap::new();
        for (r, _) in &w.rules {
            item_sel.insert(&r.common.id, r.common.selected);
            if let Some(c) = &r.common.cluster_id {
                clusters.entry(c).or_default().push(&r.common.id);
            }
        }
        for (g, _) in &w.groups {
            item_sel.insert(&g.common.id, g.common.selected);
            if let Some(c) = &g.common.cluster_id {
                clusters.entry(c).or_default().push(&g.common.id);
            }
        }
        let mut value_by_id: HashMap<&str, &Value> = HashMap::new();
        let mut value_clusters: HashMap<&str, Vec<&str>> = HashMap::new();
        for v in &w.values {
            value_by_id.insert(&v.id, v);
            if let Some(c) = &v.cluster_id {
                value_clusters.entry(c).or_default().push(&v.id);
            }
        }

        #[derive(Default, Clone)]
        struct RuleRefine {
            weight: Option<f64>,
            selector: Option<String>,
            severity: Option<Severity>,
            role: Option<Role>,
        }
        enum ValSet {
            Set(String),
            SetComplex(Vec<String>),
        }
        let mut refines: HashMap<String, RuleRefine> = HashMap::new();
        let mut val_set: HashMap<String, ValSet> = HashMap::new();
        let mut val_sel: HashMap<String, Option<String>> = HashMap::new();
        let mut val_op: HashMap<String, ValueOperator> = HashMap::new();

        if let Some(p) = &profile {
            let pid = &p.id;
            for s in &p.settings {
                match s {
                    ProfileSetting::Select(sel) => {
                        let mut hit = false;
                        if let Some(x) = item_sel.get_mut(sel.idref.as_str()) {
                            *x = sel.selected;
                            hit = true;
                        }
                        if let Some(members) = clusters.get(sel.idref.as_str()) {
                            for m in members {
                                item_sel.insert(m, sel.selected);
                            }
                            hit = true;
                        }
                        if !hit {
                            warnings.push(Warning::UnknownSelect {
                                profile: pid.clone(),
                                idref: sel.idref.clone(),
                            });
                        }
                    }
                    ProfileSetting::SetValue(_)
                    | ProfileSetting::SetComplexValue(_)
                    | ProfileSetting::RefineValue(_) => {
                        let idref = match s {
                            ProfileSetting::SetValue(x) => &x.idref,
                            ProfileSetting::SetComplexValue(x) => &x.idref,
                            ProfileSetting::RefineValue(x) => &x.idref,
                            _ => continue,
                        };
                        let mut targets: Vec<&str> = Vec::new();
                        if value_by_id.contains_key(idref.as_str()) {
                            targets.push(idref);
                        }
                        if let Some(m) = value_clusters.get(idref.as_str()) {
                            targets.extend(m.iter().copied());
                        }
                        if targets.is_empty() {
                            warnings.push(Warning::UnknownValue {
                                profile: pid.clone(),
                                idref: idref.clone(),
                            });
                        }
                        for t in targets {
                            match s {
                                ProfileSetting::SetValue(x) => {
                                    val_set.insert(t.to_string(), ValSet::Set(x.value.clone()));
                                }
                                ProfileSetting::SetComplexValue(x) => {
                                    val_set
                                        .insert(t.to_string(), ValSet::SetComplex(x.items.clone()));
                                }
                                ProfileSetting::RefineValue(x) => {
                                    // A later refine-value overrides an earlier set-value.
                                    val_set.remove(t);
                                    val_sel.insert(t.to_string(), x.selector.clone());
                                    if let Some(op) = x.operator {
                                        val_op.insert(t.to_string(), op);
                                    }
                                }
                                _ => {}
                            }
                        }
                    }
                    ProfileSetting::RefineRule(rr) => {
                        let mut targets: Vec<&str> = Vec::new();
                        if item_sel.contains_key(rr.idref.as_str()) {
                            targets.push(&rr.idref);
                        }
                        if let Some(m) = clusters.get(rr.idref.as_str()) {
                            targets.extend(m.iter().copied());
                        }
                        if targets.is_empty() {
                            warnings.push(Warning::UnknownRefineRule {
                                profile: pid.clone(),
                                idref: rr.idref.clone(),
                            });
                        }
                        for t in targets {
                            let e = refines.entry(t.to_string()).or_default();
                            if rr.weight.is_some() {
                                e.weight = rr.weight;
                            }
                            if rr.selector.is_some() {
                                e.selector = rr.selector.clone();
                            }
                            if rr.severity.is_some() {
                                e.severity = rr.severity;
                            }
                            if rr.role.is_some() {
                                e.role = rr.role;
                            }
                        }
                    }
                }
            }
        }

        // Effective group selection (parents come before children in document order).
        let mut group_eff: HashMap<&str, bool> = HashMap::new();
        let mut groups = Vec::with_capacity(w.groups.len());
        for (g, parent) in &w.groups {
            let own = item_sel
                .get(g.common.id.as_str())
                .copied()
                .unwrap_or(g.common.selected);
            let par = parent
                .as_deref()
                .is_none_or(|p| group_eff.get(p).copied().unwrap_or(true));
            group_eff.insert(&g.common.id, own && par);
            groups.push(PolicyGroup {
                id: g.common.id.clone(),
                selected: own && par,
                weight: refines
                    .get(&g.common.id)
                    .and_then(|r| r.weight)
                    .unwrap_or(g.common.weight),
                parent: parent.clone(),
            });
        }
        let rules = w
            .rules
            .iter()
            .map(|(r, path)| {
                let own = item_sel
                    .get(r.common.id.as_str())
                    .copied()
                    .unwrap_or(r.common.selected);
                let par = path
                    .last()
                    .is_none_or(|p| group_eff.get(p.as_str()).copied().unwrap_or(true));
                // Shared with the benchmark; copied only when the profile refines it.
                let mut rule = std::sync::Arc::clone(r);
                let mut check_selector = None;
                if let Some(rf) = refines.get(&r.common.id) {
                    if let Some(wt) = rf.weight {
                        std::sync::Arc::make_mut(&mut rule).common.weight = wt;
                    }
                    if let Some(s) = rf.severity {
                        std::sync::Arc::make_mut(&mut rule).severity = s;
                    }
                    if let Some(ro) = rf.role {
                        std::sync::Arc::make_mut(&mut rule).role = ro;
                    }
                    check_selector = rf.selector.clone();
                }
                PolicyRule {
                    rule,
                    selected: own && par,
                    groups: path.clone(),
                    check_selector,
                }
            })
            .collect();

        let mut values = BTreeMap::new();
        for v in &w.values {
            let operator = val_op.get(&v.id).copied().unwrap_or(v.operator);
            let ev = match val_set.get(&v.id) {
                Some(ValSet::Set(s)) => EffectiveValue {
                    id: v.id.clone(),
                    value_type: v.value_type,
                    operator,
                    selector: None,
                    value: s.clone(),
                    complex: None,
                    source: ValueSource::SetValue,
                },
                Some(ValSet::SetComplex(items)) => EffectiveValue {
                    id: v.id.clone(),
                    value_type: v.value_type,
                    operator,
                    selector: None,
                    value: items.concat(),
                    complex: Some(items.clone()),
                    source: ValueSource::SetValue,
                },
                None => {
                    let wanted = val_sel.get(&v.id).cloned().flatten();
                    let mut source = if wanted.is_some() {
                        ValueSource::Refined
                    } else {
                        ValueSource::Default
                    };
                    let mut selector = wanted.clone();
                    let found = instance(v, wanted.as_deref());
                    let (value, complex) = match found {
                        Some(x) => x,
                        None => {
                            if let Some(sel) = &wanted {
                                warnings.push(Warning::UnknownSelector {
                                    value: v.id.clone(),
                                    selector: sel.clone(),
                                });
                            }
                            source = ValueSource::Default;
                            selector = None;
                            instance(v, None)
                                .or_else(|| v.values.first().map(|s| (s.value.clone(), None)))
                                .unwrap_or_default()
                        }
                    };
                    EffectiveValue {
                        id: v.id.clone(),
                        value_type: v.value_type,
                        operator,
                        selector,
                        value,
                        complex,
                        source,
                    }
                }
            };
            values.insert(v.id.clone(), ev);
        }
        Ok(Policy {
            profile,
            rules,
            groups,
            values,
            warnings,
        })
    }

    /// Selects every Rule and Group, as oscap's `(all)` pseudo-profile ([`ALL_PROFILE`]).
    ///
    /// ```
    /// let b = scap_xccdf::Benchmark::parse_str(r#"<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2" id="xccdf_x_benchmark_b">
    ///   <Group id="xccdf_x_group_g" selected="false"><Rule id="xccdf_x_rule_a" selected="false"/></Group>
    ///   <Rule id="xccdf_x_rule_b" selected="false"/></Benchmark>"#, &Default::default())?;
    /// let p = scap_xccdf::Policy::new(&b, None, Some(scap_xccdf::ALL_PROFILE))?;
    /// assert_eq!(p.selected_rules().count(), 2);
    /// # Ok::<(), scap_xccdf::Error>(())
    /// ```
    pub fn select_all(&mut self) {
        for r in &mut self.rules {
            r.selected = true;
        }
        for g in &mut self.groups {
            g.selected = true;
        }
    }

    /// The selected rules, in document order.
    pub fn selected_rules(&self) -> impl Iterator<Item = &PolicyRule> {
        self.rules.iter().filter(|r| r.selected)
    }

    /// The rule with this id.
    pub fn rule(&self, id: &str) -> Option<&PolicyRule> {
        self.rules.iter().find(|r| r.id() == id)
    }

    /// The check-exports of `check` with their effective values.
    pub fn exports(&self, check: &Check) -> Vec<BoundExport> {
        check
            .exports
            .iter()
            .map(|e| BoundExport {
                value_id: e.value_id.clone(),
                export_name: e.export_name.clone(),
                value: self.values.get(&e.value_id).cloned(),
            })
            .collect()
    }

    /// Dangling check-export value ids of the selected rules, as warnings.
    pub fn export_warnings(&self) -> Vec<Warning> {
        let mut out = Vec::new();
        for r in self.selected_rules() {
            for c in &r.rule.checks {
                for e in &c.exports {
                    if !self.values.contains_key(&e.value_id) {
                        out.push(Warning::UnknownExport {
                            rule: r.id().to_string(),
                            value: e.value_id.clone(),
                        });
                    }
                }
            }
        }
        out
    }
}

/// The instance of `v` for `selector`: `value`/`complex-value`, then `default`/
/// `complex-default`.
fn instance(v: &Value, selector: Option<&str>) -> Option<(String, Option<Vec<String>>)> {
    if let Some(s) = select_instance(&v.values, selector) {
        return Some((s.clone(), None));
    }
    if let Some(c) = select_instance(&v.complex_values, selector) {
        return Some((c.concat(), Some(c.clone())));
    }
    if let Some(s) = select_instance(&v.defaults, selector) {
        return Some((s.clone(), None));
    }
    select_instance(&v.complex_defaults, selector).map(|c| (c.concat(), Some(c.clone())))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BENCH: &str = r#"<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2" id="xccdf_x_benchmark_b">
  <Profile id="xccdf_x_profile_standard"><title>S</title></Profile>
  <Profile id="xccdf_x_profile_anssi_high"><title>H</title></Profile>
  <Rule id="xccdf_x_rule_a" selected="true"/><Rule id="xccdf_x_rule_b" selected="false"/>
</Benchmark>"#;

    const TAILORING: &str = r#"<Tailoring xmlns="http://checklists.nist.gov/xccdf/1.2" id="xccdf_t_tailoring_t">
  <Profile id="xccdf_t_profile_standard" extends="xccdf_x_profile_standard"><title>T</title>
    <select idref="xccdf_x_rule_a" selected="false"/></Profile>
  <Profile id="xccdf_t_profile_high"><title>T1</title></Profile>
  <Profile id="xccdf_t_profile_x_high"><title>T2</title></Profile>
</Tailoring>"#;

    fn load() -> (Benchmark, Tailoring) {
        let opts = crate::ParseOptions::default();
        let b = Benchmark::parse_str(BENCH, &opts).expect("valid benchmark");
        let t = Tailoring::parse_str(TAILORING, &opts).expect("valid tailoring");
        (b, t)
    }

    #[test]
    fn rules_are_shared_with_the_benchmark_unless_refined() {
        let bench = r#"<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2" id="xccdf_x_benchmark_b">
  <Profile id="xccdf_x_profile_p"><title>P</title>
    <refine-rule idref="xccdf_x_rule_b" severity="high" weight="2"/></Profile>
  <Rule id="xccdf_x_rule_a" severity="low"/><Rule id="xccdf_x_rule_b" severity="low"/>
</Benchmark>"#;
        let b = Benchmark::parse_str(bench, &crate::ParseOptions::default()).expect("valid");
        let in_benchmark = |id: &str| match b.items.iter().find(|i| i.id() == id) {
            Some(Item::Rule(r)) => std::sync::Arc::clone(r),
            _ => panic!("no rule {id}"),
        };
        let p = Policy::new(&b, None, Some("xccdf_x_profile_p")).expect("policy");
        let a = p.rule("xccdf_x_rule_a").expect("a");
        let refined = p.rule("xccdf_x_rule_b").expect("b");
        assert!(std::sync::Arc::ptr_eq(
            &a.rule,
            &in_benchmark("xccdf_x_rule_a")
        ));
        assert!(!std::sync::Arc::ptr_eq(
            &refined.rule,
            &in_benchmark("xccdf_x_rule_b")
        ));
        assert_eq!(refined.rule.severity, Severity::High);
        assert_eq!(refined.rule.common.weight, 2.0);
        // The benchmark's own Rule is unchanged by the refinement.
        assert_eq!(in_benchmark("xccdf_x_rule_b").severity, Severity::Low);
    }

    #[test]
    fn profile_suffix_is_a_plain_ends_with() {
        let (b, _) = load();
        // oscap 1.3.7 on ssg-debian11-ds.xml: `--profile ard`, `d` and `_standard` all
        // evaluate xccdf_org.ssgproject.content_profile_standard.
        for name in [
            "standard",
            "_standard",
            "profile_standard",
            "ard",
            "xccdf_x_profile_standard",
        ] {
            assert_eq!(
                find_profile_id(&b, None, name).ok().as_deref(),
                Some("xccdf_x_profile_standard"),
                "{name}"
            );
        }
        assert!(matches!(
            find_profile_id(&b, None, "stand"),
            Err(Error::NotFound { .. })
        ));
        assert!(matches!(
            find_profile_id(&b, None, ""),
            Err(Error::NotFound { .. })
        ));
        assert_eq!(
            find_profile_id(&b, None, ALL_PROFILE).ok().as_deref(),
            Some(ALL_PROFILE)
        );
    }

    #[test]
    fn tailoring_profiles_come_first() {
        let (b, t) = load();
        // oscap 1.3.7 with a tailoring file holding xccdf_t_profile_standard: `--profile
        // standard` evaluates the tailoring's profile although the benchmark's also matches.
        assert_eq!(
            find_profile_id(&b, Some(&t), "standard").ok().as_deref(),
            Some("xccdf_t_profile_standard")
        );
        // An exact id still finds a benchmark profile.
        assert_eq!(
            find_profile_id(&b, Some(&t), "xccdf_x_profile_standard")
                .ok()
                .as_deref(),
            Some("xccdf_x_profile_standard")
        );
        // oscap: "At least two profiles matched suffix "_high"" (two tailoring profiles),
        // even though the benchmark has one more.
        match find_profile_id(&b, Some(&t), "_high") {
            Err(Error::AmbiguousProfile { matches, .. }) => {
                assert_eq!(matches, ["xccdf_t_profile_high", "xccdf_t_profile_x_high"]);
            }
            other => panic!("expected an ambiguity, got {other:?}"),
        }
        // No tailoring match: the benchmark's.
        assert_eq!(
            find_profile_id(&b, Some(&t), "anssi_high").ok().as_deref(),
            Some("xccdf_x_profile_anssi_high")
        );
    }

    #[test]
    fn all_selects_every_rule() {
        let (b, _) = load();
        let p = Policy::new(&b, None, Some(ALL_PROFILE)).expect("(all) applies");
        assert!(p.profile.is_none());
        assert_eq!(p.selected_rules().count(), 2);
        assert_eq!(
            Policy::new(&b, None, None)
                .expect("default")
                .selected_rules()
                .count(),
            1
        );
    }
}
