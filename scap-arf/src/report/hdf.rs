//! Heimdall Data Format (HDF, MITRE's InSpec-compatible `exec-json`), which Heimdall and the
//! SAF CLI read.
//!
//! One profile, the benchmark (`name` its id, `title` its title and profile); one control
//! per evaluated rule (`notselected` rules are left out). Results map to HDF as Heimdall
//! reads them:
//!
//! | XCCDF | HDF result `status` | impact | Heimdall shows |
//! |---|---|---|---|
//! | `pass`, `fixed` | `passed` | from severity | Passed |
//! | `fail` | `failed` | from severity | Failed |
//! | `error` | `error` | from severity | Profile Error |
//! | `unknown`, `notchecked` | `skipped` | from severity | Not Reviewed |
//! | `notapplicable`, `informational` | `skipped` | 0.0 | Not Applicable |
//!
//! Impact from severity: critical 0.9, high 0.7, medium 0.5, low 0.3, info and unknown 0.5
//! (HDF has no "unknown"; Heimdall would call 0.0 not applicable). `tags` carry `nist`
//! (NIST 800-53 controls), `cci`, `severity`, `stig_id`, the XCCDF rule id (`rid`), and
//! for failed rules the POA&M's `poam_id` and `due_date`.
//!
//! Vulnerabilities an OVAL feed found ([`super::vulns`]) follow the rules, one `failed`
//! control per POA&M item (a CVE in a package): id the weakness (`CVE-ID:package`), impact
//! from its severity, tags `nist` (`SI-2`), `cve`, `severity`, `package`,
//! `installed_version`, `fixed_version`, `detector` (the OVAL definition), `poam_id` and
//! `due_date`.
//!
//! The profile's `sha256` is the
//! SHA-256 of the benchmark id, version and profile id (HDF wants one; the content's bytes
//! are not in the report).

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::options::Options;
use super::poam;
use super::refs::RefKind;
use super::{RuleReport, RuleStatus, ScanReport, Severity};
use crate::error::Result;

fn impact(rule: &RuleReport) -> f64 {
    if matches!(
        rule.result,
        RuleStatus::NotApplicable | RuleStatus::Informational
    ) {
        return 0.0;
    }
    severity_impact(&rule.severity)
}

/// HDF's impact for a severity word (see the [module docs](self)).
fn severity_impact(severity: &str) -> f64 {
    match Severity::parse(severity) {
        Severity::Critical => 0.9,
        Severity::High => 0.7,
        Severity::Low => 0.3,
        _ => 0.5,
    }
}

fn status(r: RuleStatus) -> &'static str {
    match r {
        RuleStatus::Pass | RuleStatus::Fixed => "passed",
        RuleStatus::Fail => "failed",
        RuleStatus::Error => "error",
        _ => "skipped",
    }
}

fn control(r: &ScanReport, rule: &RuleReport, item: Option<&poam::Item>) -> Value {
    let ids = |k: RefKind| rule.ids(k).map(str::to_string).collect::<Vec<_>>();
    let mut tags = Map::new();
    tags.insert("nist".into(), json!(ids(RefKind::Nist80053)));
    tags.insert("cci".into(), json!(ids(RefKind::Cci)));
    tags.insert("severity".into(), json!(rule.severity));
    tags.insert("rid".into(), json!(rule.id));
    if let Some(v) = &rule.version {
        tags.insert("stig_id".into(), json!(v));
    }
    if let Some(i) = item {
        tags.insert("poam_id".into(), json!(i.poam_id));
        tags.insert("due_date".into(), json!(i.due.map(|d| d.to_string())));
    }
    let mut descriptions = vec![json!({"label": "default", "data": rule.description})];
    if !rule.rationale.is_empty() {
        descriptions.push(json!({"label": "rationale", "data": rule.rationale}));
    }
    if let Some(c) = &rule.check {
        let what = c.name.as_deref().unwrap_or(&c.href);
        descriptions
            .push(json!({"label": "check", "data": format!("{} {what} ({})", c.system, c.href)}));
    }
    if !rule.fix_text.is_empty() {
        descriptions.push(json!({"label": "fix", "data": rule.fix_text}));
    }
    let details = super::ckl::finding_details(rule);
    let mut result = json!({
        "status": status(rule.result),
        "code_desc": format!("XCCDF rule {} ({})", rule.id, rule.result),
        "start_time": r.test_result.start_time.clone().unwrap_or_default(),
    });
    match rule.result {
        RuleStatus::Pass | RuleStatus::Fixed => {}
        RuleStatus::Fail | RuleStatus::Error => result["message"] = json!(details),
        _ => result["skip_message"] = json!(details),
    }
    json!({
        "id": rule.version.clone().unwrap_or_else(|| rule.id.clone()),
        "title": rule.title,
        "desc": rule.description,
        "descriptions": descriptions,
        "impact": impact(rule),
        "refs": [],
        "tags": tags,
        "code": null,
        "source_location": {},
        "results": [result],
    })
}

/// The control of a vulnerability item.
fn vulnerability_control(r: &ScanReport, i: &poam::Item) -> Value {
    let package = i.package.as_ref();
    let tags = json!({
        "nist": i.controls,
        "cve": i.cves,
        "severity": i.severity,
        "package": package.map(|p| &p.name),
        "installed_version": package.and_then(|p| p.installed.as_ref()),
        "fixed_version": package.and_then(|p| p.fixed.as_ref()),
        "detector": i.detector,
        "poam_id": i.poam_id,
        "due_date": i.due.map(|d| d.to_string()),
    });
    json!({
        "id": i.weakness_id,
        "title": i.title,
        "desc": i.description,
        "descriptions": [
            {"label": "default", "data": i.description},
            {"label": "fix", "data": i.remediation},
        ],
        "impact": severity_impact(&i.severity),
        "refs": [],
        "tags": tags,
        "code": null,
        "source_location": {},
        "results": [{
            "status": "failed",
            "code_desc": format!("OVAL vulnerability check for {}", i.weakness_id),
            "start_time": r.test_result.start_time.clone().unwrap_or_default(),
            "message": i.details,
        }],
    })
}

/// Seconds between two RFC 3339 times, if both parse.
fn duration(r: &ScanReport) -> Option<f64> {
    let t = |s: &Option<String>| chrono::DateTime::parse_from_rfc3339(s.as_deref()?).ok();
    let (a, b) = (t(&r.test_result.start_time)?, t(&r.test_result.end_time)?);
    Some((b - a).num_milliseconds() as f64 / 1000.0)
}

/// The HDF document as a JSON value.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use scap_arf::report::{Options, ScanReport, hdf};
/// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"),
///     "/tests/fixtures/arf/ssg-chromium-stig-oscap-arf.xml"))?;
/// let report = ScanReport::from_arf(&scap_arf::Arf::parse(&text)?)?;
/// let doc = hdf::document(&report, &Options::default());
/// let controls = doc["profiles"][0]["controls"].as_array().map(Vec::len);
/// assert_eq!(controls, Some(37));
/// let failed = doc["profiles"][0]["controls"].as_array().into_iter().flatten()
///     .filter(|c| c["results"][0]["status"] == "failed").count();
/// assert_eq!(failed, 31);
/// # Ok(()) }
/// ```
pub fn document(r: &ScanReport, o: &Options) -> Value {
    let items = poam::items(r, o);
    let by_rule = |id: &str| items.iter().find(|i| i.weakness_id == id);
    let mut controls: Vec<Value> = r
        .rules
        .iter()
        .filter(|x| x.result != RuleStatus::NotSelected)
        .map(|rule| control(r, rule, by_rule(&rule.id)))
        .collect();
    controls.extend(
        items
            .iter()
            .filter(|i| i.kind == poam::ItemKind::Vulnerability)
            .map(|i| vulnerability_control(r, i)),
    );
    let mut h = Sha256::new();
    for part in [
        r.benchmark.id.as_str(),
        r.benchmark.version.as_deref().unwrap_or(""),
        r.benchmark.profile_id.as_deref().unwrap_or(""),
    ] {
        h.update(part.as_bytes());
        h.update([0x1f]);
    }
    let sha256: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    let title = match &r.benchmark.profile_title {
        Some(p) => format!(
            "{} ({p})",
            r.benchmark.title.as_deref().unwrap_or(&r.benchmark.id)
        ),
        None => r
            .benchmark
            .title
            .clone()
            .unwrap_or_else(|| r.benchmark.id.clone()),
    };
    json!({
        "platform": {
            "name": r.test_result.test_system.as_deref().unwrap_or("scap-rs"),
            "release": env!("CARGO_PKG_VERSION"),
            "target_id": poam::asset_identifier(r),
        },
        "version": env!("CARGO_PKG_VERSION"),
        "statistics": {"duration": duration(r)},
        "profiles": [{
            "name": r.benchmark.id,
            "title": title,
            "version": r.benchmark.version,
            "summary": r.benchmark.profile_id,
            "sha256": sha256,
            "supports": [],
            "attributes": [],
            "groups": [],
            "status": "loaded",
            "controls": controls,
        }],
    })
}

/// [`document`] to a writer: what [`super::Format::Hdf`] writes.
pub(crate) fn write(r: &ScanReport, o: &Options, out: &mut dyn std::io::Write) -> Result<()> {
    super::format::json_to(out, &document(r, o))
}
