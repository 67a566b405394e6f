//! OSCAL 1.1 assessment results (JSON): one result for the scan, one observation per rule
//! result and per vulnerability found (a CVE in a package), one finding and one risk per
//! open finding (the mapping in [`super::oscal`]).
//!
//! `import-ap` points at a back-matter resource naming the benchmark and profile: a scan
//! has no OSCAL assessment plan, and the benchmark is what planned it. `reviewed-controls`
//! includes all controls (the benchmark's rules, not a control catalog, decided what was
//! checked).

use serde_json::{Value, json};

use super::options::Options;
use super::oscal::{self, line, set_list};
use super::poam::{Item, ItemKind};
use super::{RuleStatus, ScanReport};
use crate::error::Result;

/// The assessment results document as a JSON value.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use scap_arf::report::{Options, ScanReport, oscal_ar};
/// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"),
///     "/tests/fixtures/arf/linux-baseline-debian11-oscap-arf.xml"))?;
/// let report = ScanReport::from_arf(&scap_arf::Arf::parse(&text)?)?;
/// let doc = oscal_ar::document(&report, &Options::default());
/// let result = &doc["assessment-results"]["results"][0];
/// assert_eq!(result["observations"].as_array().map(Vec::len), Some(8));
/// assert_eq!(result["findings"].as_array().map(Vec::len), Some(3));
/// assert_eq!(result["findings"][0]["target"]["status"]["state"], "not-satisfied");
/// # Ok(()) }
/// ```
pub fn document(r: &ScanReport, o: &Options) -> Value {
    let asset = super::poam::asset_identifier(r);
    let scan_key = format!(
        "{asset}:{}:{}",
        r.test_result.id,
        r.test_result.start_time.as_deref().unwrap_or("")
    );
    let title = format!(
        "Assessment results: {} on {asset}",
        r.benchmark.title.as_deref().unwrap_or(&r.benchmark.id)
    );
    let plan = oscal::uuid(&format!(
        "benchmark:{}:{}",
        r.benchmark.id,
        r.benchmark.profile_id.as_deref().unwrap_or("")
    ));
    let mut observations: Vec<Value> = r
        .rules
        .iter()
        .filter(|x| x.result != RuleStatus::NotSelected)
        .map(|rule| oscal::observation(r, o, rule))
        .collect();
    let rules_evaluated = observations.len();
    let pairs = oscal::findings_with_items(r, o);
    let vulns: Vec<Item> = super::poam::items(r, o)
        .into_iter()
        .filter(|i| i.kind == ItemKind::Vulnerability)
        .collect();
    observations.extend(vulns.iter().map(|i| oscal::item_observation(r, o, i)));
    let risks: Vec<Value> = pairs
        .iter()
        .map(|(rule, i)| oscal::risk(r, i, Some(rule)))
        .chain(vulns.iter().map(|i| oscal::risk(r, i, None)))
        .collect();
    let vuln_findings = vulns.iter().map(|i| {
        let mut props = Vec::new();
        props.extend(
            i.cves
                .iter()
                .map(|c| json!({"name": "cve-id", "ns": oscal::NS, "value": c})),
        );
        props.push(json!({"name": "poam-id", "ns": oscal::NS, "value": i.poam_id}));
        json!({
            "uuid": oscal::uuid(&format!("finding:{scan_key}:{}", i.weakness_id)),
            "title": line(&i.title),
            "description": i.description,
            "props": props,
            "target": {
                "type": "objective-id",
                "target-id": "si-2",
                "status": {"state": "not-satisfied", "reason": "fail"},
            },
            "related-observations": [{"observation-uuid": oscal::item_observation_uuid(r, i)}],
            "related-risks": [{"risk-uuid": oscal::risk_uuid(i)}],
        })
    });
    let findings: Vec<Value> = pairs
        .iter()
        .map(|(rule, i)| {
            json!({
                "uuid": oscal::uuid(&format!("finding:{scan_key}:{}", rule.id)),
                "title": line(&rule.title),
                "description": i.description,
                "target": {
                    "type": "objective-id",
                    "target-id": rule.id,
                    "status": {"state": "not-satisfied", "reason": "fail"},
                },
                "related-observations": [{"observation-uuid": oscal::observation_uuid(r, rule)}],
                "related-risks": [{"risk-uuid": oscal::risk_uuid(i)}],
            })
        })
        .chain(vuln_findings)
        .collect();
    let review = r.needs_review();
    let mut result = json!({
        "uuid": oscal::uuid(&format!("result:{scan_key}")),
        "title": line(&title),
        "description": format!(
            "{rules_evaluated} rules evaluated, {} vulnerabilities (CVE in a package) found: {} open findings, {} need manual review (error, unknown or notchecked: not findings).",
            vulns.len(), findings.len(), review.len()
        ),
        "start": oscal::scan_time(r, o),
        "end": oscal::end_time(r, o),
        "local-definitions": {"inventory-items": oscal::inventory(r)},
        "reviewed-controls": {"control-selections": [{"include-all": {}}]},
    });
    set_list(&mut result, "observations", observations);
    set_list(&mut result, "risks", risks);
    set_list(&mut result, "findings", findings);
    let profile = r
        .benchmark
        .profile_title
        .as_deref()
        .or(r.benchmark.profile_id.as_deref())
        .unwrap_or("(default selection)");
    json!({"assessment-results": {
        "uuid": oscal::uuid(&format!("assessment-results:{scan_key}")),
        "metadata": oscal::metadata(r, o, &title),
        "import-ap": {"href": format!("#{plan}")},
        "results": [result],
        "back-matter": {"resources": [{
            "uuid": plan,
            "title": line(&format!("{}, profile {profile}", r.benchmark.title.as_deref().unwrap_or(&r.benchmark.id))),
            "description": format!("The XCCDF benchmark {} that planned this assessment.", r.benchmark.id),
        }]},
    }})
}

/// [`document`] to a writer: what [`super::Format::OscalAssessmentResults`] writes.
pub(crate) fn write(r: &ScanReport, o: &Options, out: &mut dyn std::io::Write) -> Result<()> {
    super::format::json_to(out, &document(r, o))
}
