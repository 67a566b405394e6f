//! SARIF 2.1.0 (OASIS Static Analysis Results Interchange Format), so CI systems that show
//! code-scanning alerts show the failed rules of an image or host scan.
//!
//! One run. `tool.driver` is the scanner that produced the results (the TestResult's
//! `test-system`, else scap-rs) and its `rules` are the reportingDescriptors of every rule the
//! scan evaluated (not `notselected` ones): id, title (`shortDescription`), description
//! (`fullDescription`), rationale and fix (`help`), a default level from the severity, and
//! the CCIs, NIST 800-53 controls and STIG id as `properties.tags`. `security-severity`
//! (the property GitHub code scanning sorts by) is 8.9 for high, 5.5 medium, 3.0 low,
//! 9.5 critical.
//!
//! `results` are the failed rules only (SARIF 2.1.0 section 3.27.9 `kind` `fail`): a rule the
//! scan could not decide is no alert; it is in the HTML report's review list. Each result
//! has its rule's index, level (`error` for critical and high, `warning` medium, `note`
//! otherwise), a message with what the scan found, the files the failing OVAL items name
//! as `locations` (paths relative to the scanned root) and the asset as a logical location,
//! and the stable POAM ID as `partialFingerprints["poamId/v1"]` so the next scan's alert is
//! recognised as the same one.
//!
//! Vulnerabilities an OVAL feed found ([`super::vulns`]) are results too, one per POA&M item
//! (a CVE in a package): their reportingDescriptor is the CVE (id the CVE id, tags `CVE`,
//! `SI-2` and the advisories), the result names the package as a logical location beside
//! the asset, and `properties` carry the CVE, package, installed and fixed versions,
//! severity, POAM ID and due date.

use serde_json::{Map, Value, json};

use super::options::Options;
use super::poam::{self, Item, ItemKind};
use super::refs::RefKind;
use super::{RuleReport, RuleStatus, ScanReport, Severity};
use crate::error::Result;

/// The SARIF schema URI written as `$schema`.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(severity: &str) -> &'static str {
    match Severity::parse(severity) {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        _ => "note",
    }
}

fn security_severity(severity: &str) -> &'static str {
    match Severity::parse(severity) {
        Severity::Critical => "9.5",
        Severity::High => "8.9",
        Severity::Medium => "5.5",
        _ => "3.0",
    }
}

fn text(s: &str) -> Value {
    json!({ "text": s })
}

fn descriptor(rule: &RuleReport) -> Value {
    let mut tags: Vec<String> = Vec::new();
    // SARIF tags are a set (uniqueItems): SSG repeats a control under several references.
    let ids = [
        RefKind::Nist80053,
        RefKind::Cci,
        RefKind::StigId,
        RefKind::Srg,
    ]
    .into_iter()
    .flat_map(|kind| rule.ids(kind))
    .chain(rule.version.as_deref());
    for id in ids {
        if !tags.iter().any(|t| t == id) {
            tags.push(id.to_string());
        }
    }
    let mut help = String::new();
    if !rule.rationale.is_empty() {
        help.push_str(&rule.rationale);
    }
    if !rule.fix_text.is_empty() {
        if !help.is_empty() {
            help.push_str("\n\n");
        }
        help.push_str("Fix: ");
        help.push_str(&rule.fix_text);
    }
    let mut d = Map::new();
    d.insert("id".into(), json!(rule.id));
    d.insert("shortDescription".into(), text(&rule.title));
    if !rule.description.is_empty() {
        d.insert("fullDescription".into(), text(&rule.description));
    }
    if !help.is_empty() {
        d.insert("help".into(), text(&help));
    }
    d.insert(
        "defaultConfiguration".into(),
        json!({ "level": level(&rule.severity) }),
    );
    d.insert(
        "properties".into(),
        json!({
            "tags": tags,
            "severity": rule.severity,
            "security-severity": security_severity(&rule.severity),
        }),
    );
    Value::Object(d)
}

/// Files the rule's failing OVAL items name: `filepath`, else `path` + `filename`.
fn files(rule: &RuleReport) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in rule.oval.iter().flat_map(|d| &d.tests) {
        for i in &t.items {
            let get = |k: &str| {
                i.fields
                    .iter()
                    .find(|(n, _)| n == k)
                    .map(|(_, v)| v.as_str())
            };
            let path = match (get("filepath"), get("path"), get("filename")) {
                (Some(f), _, _) => f.to_string(),
                (None, Some(p), Some(f)) => format!("{}/{f}", p.trim_end_matches('/')),
                _ => continue,
            };
            // Relative to the scanned root, as SARIF's artifact locations are to their base.
            let rel = path.trim_start_matches('/').to_string();
            if !rel.is_empty() && !out.contains(&rel) {
                out.push(rel);
            }
        }
    }
    out
}

fn result(rule: &RuleReport, index: usize, item: &Item) -> Value {
    let mut message = format!(
        "{} ({} severity): the rule failed",
        rule.title, rule.severity
    );
    if let Some(due) = item.due {
        message.push_str(&format!("; remediation due {due}"));
        if item.overdue {
            message.push_str(" (overdue)");
        }
    }
    message.push_str(".\n");
    message.push_str(&item.details);
    let mut locations: Vec<Value> = files(rule)
        .into_iter()
        .map(|uri| {
            json!({
                "physicalLocation": {"artifactLocation": {"uri": uri, "uriBaseId": "ROOT"}},
                "logicalLocations": [{"name": item.asset, "kind": "resource"}],
            })
        })
        .collect();
    if locations.is_empty() {
        locations.push(json!({
            "logicalLocations": [{"name": item.asset, "kind": "resource"}],
        }));
    }
    json!({
        "ruleId": rule.id,
        "ruleIndex": index,
        "kind": "fail",
        "level": level(&rule.severity),
        "message": text(&message),
        "locations": locations,
        "partialFingerprints": {"poamId/v1": item.poam_id},
        "properties": {
            "poamId": item.poam_id,
            "detected": item.detected.to_string(),
            "due": item.due.map(|d| d.to_string()),
            "overdue": item.overdue,
        },
    })
}

/// The SARIF rule id of a vulnerability item: its CVE, else its weakness id.
fn vulnerability_rule_id(i: &Item) -> &str {
    i.cves
        .first()
        .map_or(i.weakness_id.as_str(), String::as_str)
}

/// The reportingDescriptor of a vulnerability item's CVE.
fn vulnerability_descriptor(i: &Item) -> Value {
    let mut tags = vec!["CVE".to_string()];
    tags.extend(i.controls.iter().cloned());
    json!({
        "id": vulnerability_rule_id(i),
        "shortDescription": text(&i.title),
        "fullDescription": text(&i.description),
        "help": text(&i.remediation),
        "defaultConfiguration": {"level": level(&i.severity)},
        "properties": {
            "tags": tags,
            "severity": i.severity,
            "security-severity": security_severity(&i.severity),
        },
    })
}

/// A vulnerability item's result.
fn vulnerability_result(i: &Item, index: usize) -> Value {
    let mut message = format!("{} ({} severity)", i.title, i.severity);
    if let Some(due) = i.due {
        message.push_str(&format!("; remediation due {due}"));
        if i.overdue {
            message.push_str(" (overdue)");
        }
    }
    message.push_str(".\n");
    message.push_str(&i.details);
    let mut logical = vec![json!({"name": i.asset, "kind": "resource"})];
    if let Some(p) = &i.package {
        logical.push(json!({
            "name": p.name,
            "fullyQualifiedName": format!("{}/{}", i.asset, p.name),
            "kind": "module",
        }));
    }
    json!({
        "ruleId": vulnerability_rule_id(i),
        "ruleIndex": index,
        "kind": "fail",
        "level": level(&i.severity),
        "message": text(&message),
        "locations": [{"logicalLocations": logical}],
        "partialFingerprints": {"poamId/v1": i.poam_id},
        "properties": {
            "poamId": i.poam_id,
            "cves": i.cves,
            "package": i.package.as_ref().map(|p| &p.name),
            "installedVersion": i.package.as_ref().and_then(|p| p.installed.as_ref()),
            "fixedVersion": i.package.as_ref().and_then(|p| p.fixed.as_ref()),
            "severity": i.severity,
            "detected": i.detected.to_string(),
            "due": i.due.map(|d| d.to_string()),
            "overdue": i.overdue,
        },
    })
}

/// The SARIF log as a JSON value.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use scap_arf::report::{Options, ScanReport, sarif};
/// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"),
///     "/tests/fixtures/arf/linux-baseline-debian11-oscap-arf.xml"))?;
/// let report = ScanReport::from_arf(&scap_arf::Arf::parse(&text)?)?;
/// let log = sarif::log(&report, &Options::default());
/// assert_eq!(log["version"], "2.1.0");
/// let run = &log["runs"][0];
/// assert_eq!(run["results"].as_array().map(Vec::len), Some(3)); // the failed rules
/// assert_eq!(run["tool"]["driver"]["rules"].as_array().map(Vec::len), Some(8));
/// let first = &run["results"][0];
/// let index = first["ruleIndex"].as_u64().unwrap_or(u64::MAX) as usize;
/// assert_eq!(run["tool"]["driver"]["rules"][index]["id"], first["ruleId"]);
/// # Ok(()) }
/// ```
pub fn log(r: &ScanReport, o: &Options) -> Value {
    let rules: Vec<&RuleReport> = r
        .rules
        .iter()
        .filter(|x| x.result != RuleStatus::NotSelected)
        .collect();
    let items = poam::items(r, o);
    let mut descriptors: Vec<Value> = rules.iter().map(|x| descriptor(x)).collect();
    let mut results: Vec<Value> = r
        .findings()
        .iter()
        .zip(&items)
        .filter_map(|(rule, item)| {
            let index = rules.iter().position(|x| x.id == rule.id)?;
            Some(result(rule, index, item))
        })
        .collect();
    // One descriptor per CVE (several packages may share it), after the rules'.
    let mut cve_index: Vec<&str> = Vec::new();
    for i in items.iter().filter(|i| i.kind == ItemKind::Vulnerability) {
        let id = vulnerability_rule_id(i);
        let n = match cve_index.iter().position(|x| *x == id) {
            Some(n) => n,
            None => {
                cve_index.push(id);
                descriptors.push(vulnerability_descriptor(i));
                cve_index.len() - 1
            }
        };
        results.push(vulnerability_result(i, rules.len() + n));
    }
    let tool = r.test_result.test_system.as_deref().unwrap_or("scap-rs");
    let mut invocation = Map::new();
    invocation.insert("executionSuccessful".into(), json!(true));
    if let Some(t) = &r.test_result.start_time {
        invocation.insert("startTimeUtc".into(), json!(t));
    }
    if let Some(t) = &r.test_result.end_time {
        invocation.insert("endTimeUtc".into(), json!(t));
    }
    let review = r.needs_review();
    if !review.is_empty() {
        // Undecided checks are not alerts, but the run says they exist.
        invocation.insert(
            "toolExecutionNotifications".into(),
            Value::Array(
                review
                    .iter()
                    .map(|x| {
                        json!({
                            "level": "warning",
                            "message": text(&format!("{} needs manual review ({}): {}", x.id, x.result, x.reason)),
                            "associatedRule": {"id": x.id},
                        })
                    })
                    .collect(),
            ),
        );
    }
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": tool,
                "fullName": format!("{tool}: {}", r.benchmark.title.as_deref().unwrap_or(&r.benchmark.id)),
                "rules": descriptors,
            }},
            "automationDetails": {"id": format!("{}/{}/", r.benchmark.id, r.benchmark.profile_id.as_deref().unwrap_or("default"))},
            "originalUriBaseIds": {"ROOT": {"uri": "file:///", "description": text("The root of the scanned target")}},
            "invocations": [Value::Object(invocation)],
            "results": results,
        }],
    })
}

/// [`log`] to a writer: what [`super::Format::Sarif`] writes.
pub(crate) fn write(r: &ScanReport, o: &Options, out: &mut dyn std::io::Write) -> Result<()> {
    super::format::json_to(out, &log(r, o))
}
