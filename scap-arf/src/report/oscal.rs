//! What OSCAL 1.1 assessment results ([`super::oscal_ar`]) and POA&M
//! ([`super::oscal_poam`]) share: deterministic UUIDs, metadata, the asset as an inventory
//! item, one observation per rule result and one risk per open finding.
//!
//! # UUIDs
//!
//! OSCAL asks for version 4 or 5 UUIDs and that one subject keep its UUID across revisions
//! of a document. Ours are version 5 (RFC 9562 section 5.5: SHA-1 of the URL namespace
//! `6ba7b811-9dad-11d1-80b4-00c04fd430c8` and a name), the name being
//! `urn:scap-rs:oscal:` followed by what the UUID stands for: a POA&M item's and its risk's
//! names hold the POAM ID (stable per asset and rule), an observation's the TestResult id,
//! start time and rule, so the same scan always writes the same document.
//!
//! # Mapping
//!
//! - each evaluated rule (not `notselected`) is an observation: method `TEST`, the asset as
//!   subject, the result word and rule id as properties, what the scan found as relevant
//!   evidence;
//! - each open finding (XCCDF `fail`) is a risk (status `open`, deadline its POA&M due date)
//!   and, in the assessment results, a finding whose target is the rule
//!   (`objective-id` = the XCCDF rule id, state `not-satisfied`);
//! - each vulnerability an OVAL feed found, per CVE and package (a POA&M item), is an
//!   observation (properties: CVE id, package, installed and fixed versions, severity, due
//!   date), a risk, and in the assessment results a finding whose target is the control
//!   `si-2` (flaw remediation; a CVE id with its package is no OSCAL token).
//!
//! Property names outside OSCAL's own set carry our namespace ([`NS`]); the POAM ID uses
//! FedRAMP's `POAM-ID` in FedRAMP's namespace, as its OSCAL POA&M guide does.

use std::fmt::Write as _;

use serde_json::{Value, json};
use sha1::{Digest, Sha1};

use super::options::Options;
use super::poam::{self, Item};
use super::refs::RefKind;
use super::{RuleReport, RuleStatus, ScanReport};

/// The OSCAL version written in `metadata/oscal-version`.
pub const OSCAL_VERSION: &str = "1.1.2";
/// The namespace of our properties.
pub const NS: &str = "https://scap-rs.invalid/ns/oscal";
/// FedRAMP's OSCAL namespace (its `POAM-ID` property).
pub const FEDRAMP_NS: &str = "https://fedramp.gov/ns/oscal";

/// RFC 9562 `NameSpace_URL`.
const NAMESPACE_URL: [u8; 16] = [
    0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8,
];

/// The version 5 UUID of `urn:scap-rs:oscal:{name}` (see the [module docs](self)).
///
/// ```
/// let u = scap_arf::report::oscal::uuid("poam-item:SCAP-0123");
/// assert_eq!(u.len(), 36);
/// assert_eq!(&u[14..15], "5");
/// assert_eq!(u, scap_arf::report::oscal::uuid("poam-item:SCAP-0123"));
/// ```
pub fn uuid(name: &str) -> String {
    let mut h = Sha1::new();
    h.update(NAMESPACE_URL);
    h.update(b"urn:scap-rs:oscal:");
    h.update(name.as_bytes());
    let d = h.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let mut s = String::with_capacity(36);
    for (i, x) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        let _ = write!(s, "{x:02x}");
    }
    s
}

/// A title: OSCAL titles are one line.
pub(crate) fn line(s: &str) -> String {
    let one: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.is_empty() {
        "(untitled)".into()
    } else {
        one
    }
}

/// A property value: OSCAL property values are one line without outer spaces.
fn prop(name: &str, ns: &str, value: &str) -> Option<Value> {
    let v = line(value);
    (!value.trim().is_empty()).then(|| json!({"name": name, "ns": ns, "value": v}))
}

/// A date-time with a zone: the scan's start (else end) time if it parses, else midnight
/// UTC of the as-of date.
pub(crate) fn scan_time(r: &ScanReport, o: &Options) -> String {
    let ok = |t: &&String| chrono::DateTime::parse_from_rfc3339(t).is_ok();
    r.test_result
        .start_time
        .as_ref()
        .filter(ok)
        .or(r.test_result.end_time.as_ref().filter(ok))
        .cloned()
        .unwrap_or_else(|| format!("{}T00:00:00Z", poam::as_of(r, o)))
}

/// The scan's end time if it parses, else its start.
pub(crate) fn end_time(r: &ScanReport, o: &Options) -> String {
    r.test_result
        .end_time
        .as_ref()
        .filter(|t| chrono::DateTime::parse_from_rfc3339(t).is_ok())
        .cloned()
        .unwrap_or_else(|| scan_time(r, o))
}

/// `metadata`.
pub(crate) fn metadata(r: &ScanReport, o: &Options, title: &str) -> Value {
    let mut props = Vec::new();
    props.extend(prop("benchmark-id", NS, &r.benchmark.id));
    if let Some(p) = &r.benchmark.profile_id {
        props.extend(prop("profile-id", NS, p));
    }
    if let Some(t) = &r.test_result.test_system {
        props.extend(prop("test-system", NS, t));
    }
    let mut m = json!({
        "title": line(title),
        "last-modified": end_time(r, o),
        "version": r.benchmark.version.as_deref().map(line).unwrap_or_else(|| "1".into()),
        "oscal-version": OSCAL_VERSION,
    });
    if !props.is_empty() {
        m["props"] = Value::Array(props);
    }
    m
}

/// The asset's UUID (an inventory item).
pub(crate) fn asset_uuid(r: &ScanReport) -> String {
    uuid(&format!("asset:{}", poam::asset_identifier(r)))
}

/// `local-definitions/inventory-items`: the asset.
pub(crate) fn inventory(r: &ScanReport) -> Value {
    let t = &r.target;
    let mut props = Vec::new();
    props.extend(prop("asset-id", NS, &poam::asset_identifier(r)));
    if let Some(h) = &t.hostname {
        props.extend(prop("host-name", NS, h));
    }
    if let Some(f) = &t.fqdn {
        props.extend(prop("fqdn", NS, f));
    }
    for ip in &t.ip_addresses {
        let name = if ip.contains(':') {
            "ipv6-address"
        } else {
            "ipv4-address"
        };
        props.extend(prop(name, NS, ip));
    }
    for mac in &t.mac_addresses {
        props.extend(prop("mac-address", NS, mac));
    }
    json!([{
        "uuid": asset_uuid(r),
        "description": format!("The scanned asset {}", poam::asset_identifier(r)),
        "props": props,
    }])
}

/// The observation UUID of a rule's result in this scan.
pub(crate) fn observation_uuid(r: &ScanReport, rule: &RuleReport) -> String {
    uuid(&format!(
        "observation:{}:{}:{}:{}",
        poam::asset_identifier(r),
        r.test_result.id,
        r.test_result.start_time.as_deref().unwrap_or(""),
        rule.id
    ))
}

/// One observation per rule result.
pub(crate) fn observation(r: &ScanReport, o: &Options, rule: &RuleReport) -> Value {
    let mut props = Vec::new();
    props.extend(prop("rule-id", NS, &rule.id));
    props.extend(prop("result", NS, rule.result.as_str()));
    props.extend(prop("severity", NS, &rule.severity));
    for kind in [RefKind::Nist80053, RefKind::Cci] {
        for id in rule.ids(kind) {
            let name = if kind == RefKind::Cci {
                "cci"
            } else {
                "nist-800-53"
            };
            props.extend(prop(name, NS, id));
        }
    }
    let mut v = json!({
        "uuid": observation_uuid(r, rule),
        "title": line(&rule.title),
        "description": format!("XCCDF rule {}: result {}.", rule.id, rule.result),
        "props": props,
        "methods": ["TEST"],
        "subjects": [{"subject-uuid": asset_uuid(r), "type": "inventory-item"}],
        "collected": scan_time(r, o),
        "relevant-evidence": [{"description": super::ckl::finding_details(rule)}],
    });
    if rule.result == RuleStatus::Fail {
        v["types"] = json!(["finding"]);
    }
    v
}

/// The risk UUID of a POA&M item (stable per POAM ID).
pub(crate) fn risk_uuid(i: &Item) -> String {
    uuid(&format!("risk:{}", i.poam_id))
}

/// One risk per open finding: open, deadline the due date. `rule` is the failed rule, `None`
/// for a vulnerability item.
pub(crate) fn risk(r: &ScanReport, i: &Item, rule: Option<&RuleReport>) -> Value {
    let mut props = Vec::new();
    props.extend(prop("poam-id", NS, &i.poam_id));
    props.extend(prop("severity", NS, &i.severity));
    props.extend(prop("detected", NS, &i.detected.to_string()));
    for c in &i.cves {
        props.extend(prop("cve-id", NS, c));
    }
    props.extend(package_props(i));
    if i.overdue {
        props.extend(prop("overdue", NS, "true"));
    }
    let statement = match rule {
        Some(rule) if !rule.rationale.is_empty() => rule.rationale.clone(),
        _ => i.description.clone(),
    };
    let observation = match rule {
        Some(rule) => observation_uuid(r, rule),
        None => item_observation_uuid(r, i),
    };
    let mut v = json!({
        "uuid": risk_uuid(i),
        "title": line(&i.title),
        "description": i.description,
        "statement": statement,
        "props": props,
        "status": "open",
        "related-observations": [{"observation-uuid": observation}],
    });
    if let Some(d) = i.due {
        v["deadline"] = json!(format!("{d}T23:59:59Z"));
    }
    v
}

/// A vulnerability item's package and versions as properties (none for a rule).
fn package_props(i: &Item) -> Vec<Value> {
    let Some(p) = &i.package else {
        return Vec::new();
    };
    let mut props = Vec::new();
    props.extend(prop("package", NS, &p.name));
    if let Some(v) = &p.installed {
        props.extend(prop("installed-version", NS, v));
    }
    if let Some(v) = &p.fixed {
        props.extend(prop("fixed-version", NS, v));
    }
    props
}

/// The observation UUID of a vulnerability item in this scan.
pub(crate) fn item_observation_uuid(r: &ScanReport, i: &Item) -> String {
    uuid(&format!(
        "observation:{}:{}:{}:{}",
        i.asset,
        r.test_result.id,
        r.test_result.start_time.as_deref().unwrap_or(""),
        i.weakness_id
    ))
}

/// The observation of a vulnerability item: what the OVAL feed found.
pub(crate) fn item_observation(r: &ScanReport, o: &Options, i: &Item) -> Value {
    let mut props = Vec::new();
    props.extend(prop("weakness-id", NS, &i.weakness_id));
    props.extend(prop("severity", NS, &i.severity));
    for c in &i.cves {
        props.extend(prop("cve-id", NS, c));
    }
    props.extend(package_props(i));
    if let Some(d) = i.due {
        props.extend(prop("due-date", NS, &d.to_string()));
    }
    json!({
        "uuid": item_observation_uuid(r, i),
        "title": line(&i.title),
        "description": i.description,
        "props": props,
        "methods": ["TEST"],
        "types": ["finding"],
        "subjects": [{"subject-uuid": asset_uuid(r), "type": "inventory-item"}],
        "collected": scan_time(r, o),
        "relevant-evidence": [{"description": i.details}],
    })
}

/// The POA&M items of `r` with their rules (the two lists are in the same order).
pub(crate) fn findings_with_items<'a>(
    r: &'a ScanReport,
    o: &Options,
) -> Vec<(&'a RuleReport, Item)> {
    r.findings().into_iter().zip(poam::items(r, o)).collect()
}

/// Sets `key` of `obj` to `list` unless it is empty (OSCAL arrays hold at least one member).
pub(crate) fn set_list(obj: &mut Value, key: &str, list: Vec<Value>) {
    if !list.is_empty() {
        obj[key] = Value::Array(list);
    }
}
