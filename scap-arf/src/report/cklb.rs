//! DISA STIG Viewer 3 checklists (`.cklb`, JSON), from the same fields as [`super::ckl`].
//!
//! Statuses: `not_a_finding`, `open`, `not_applicable`, `not_reviewed` (the CKL mapping).
//! Identifiers (checklist, STIG, rule UUIDs) are UUIDv8 (RFC 9562) derived from the
//! benchmark and rule ids, so the same scan content gives the same ids every time.

use serde::Serialize;

use super::ckl;
use super::refs::RefKind;
use super::{RuleStatus, ScanReport};

/// A stable UUID (RFC 9562 version 8 layout) from a name: two FNV-1a 64-bit hashes.
///
/// ```
/// let a = scap_arf::report::cklb::uuid_from("x");
/// assert_eq!(a, scap_arf::report::cklb::uuid_from("x"));
/// assert_eq!(a.len(), 36);
/// assert_eq!(&a[14..15], "8");
/// ```
pub fn uuid_from(name: &str) -> String {
    fn fnv(seed: u64, s: &str) -> u64 {
        let mut h = seed;
        for b in s.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        h
    }
    let hi = fnv(0xcbf2_9ce4_8422_2325, name);
    let lo = fnv(0x8422_2325_cbf2_9ce4, name);
    let mut v = (u128::from(hi) << 64) | u128::from(lo);
    v = (v & !(0xf << 76)) | (0x8 << 76); // version 8
    v = (v & !(0x3 << 62)) | (0x2 << 62); // RFC variant
    let h = format!("{v:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        h.get(0..8).unwrap_or_default(),
        h.get(8..12).unwrap_or_default(),
        h.get(12..16).unwrap_or_default(),
        h.get(16..20).unwrap_or_default(),
        h.get(20..32).unwrap_or_default()
    )
}

/// STIG Viewer 3 status for an XCCDF result.
///
/// ```
/// use scap_arf::report::{cklb::status, RuleStatus};
/// assert_eq!(status(RuleStatus::Fail), "open");
/// assert_eq!(status(RuleStatus::NotApplicable), "not_applicable");
/// ```
pub fn status(result: RuleStatus) -> &'static str {
    match ckl::status(result) {
        "NotAFinding" => "not_a_finding",
        "Open" => "open",
        "Not_Applicable" => "not_applicable",
        _ => "not_reviewed",
    }
}

/// The checklist document.
#[derive(Debug, Serialize)]
pub struct Checklist {
    /// Checklist title.
    pub title: String,
    /// Checklist id.
    pub id: String,
    /// Not an active (open in the viewer) checklist.
    pub active: bool,
    /// Viewer mode (1: single checklist).
    pub mode: u32,
    /// Whether the checklist has a file path.
    pub has_path: bool,
    /// The asset.
    pub target_data: TargetData,
    /// The STIGs (one).
    pub stigs: Vec<Stig>,
    /// Format version.
    pub cklb_version: String,
}

/// `target_data`.
#[derive(Debug, Serialize)]
pub struct TargetData {
    /// `Computing`.
    pub target_type: String,
    /// Host name.
    pub host_name: String,
    /// First IP address.
    pub ip_address: String,
    /// First MAC address.
    pub mac_address: String,
    /// FQDN.
    pub fqdn: String,
    /// Comments.
    pub comments: String,
    /// Role.
    pub role: String,
    /// Web or database target.
    pub is_web_database: bool,
    /// Technology area.
    pub technology_area: String,
    /// Web/DB site.
    pub web_db_site: String,
    /// Web/DB instance.
    pub web_db_instance: String,
}

/// One STIG and its rules.
#[derive(Debug, Serialize)]
pub struct Stig {
    /// STIG name.
    pub stig_name: String,
    /// Display name.
    pub display_name: String,
    /// STIG id (benchmark id).
    pub stig_id: String,
    /// Release info.
    pub release_info: String,
    /// Version.
    pub version: String,
    /// UUID.
    pub uuid: String,
    /// Reference identifier.
    pub reference_identifier: String,
    /// Number of rules.
    pub size: usize,
    /// Rules.
    pub rules: Vec<Rule>,
}

/// One rule.
#[derive(Debug, Serialize)]
pub struct Rule {
    /// UUID.
    pub uuid: String,
    /// The STIG's UUID.
    pub stig_uuid: String,
    /// `V-` number.
    pub group_id: String,
    /// Group title (SRG id in DISA content).
    pub group_title: String,
    /// `SV-..._rule` (or the XCCDF rule id).
    pub rule_id: String,
    /// The rule id without the `_rule` suffix.
    pub rule_id_src: String,
    /// STIG id / rule version.
    pub rule_version: String,
    /// Title.
    pub rule_title: String,
    /// `high`, `medium` or `low`.
    pub severity: String,
    /// Weight.
    pub weight: String,
    /// Classification.
    pub classification: String,
    /// Discussion (description).
    pub discussion: String,
    /// Check text.
    pub check_content: String,
    /// Fix text.
    pub fix_text: String,
    /// CCIs.
    pub ccis: Vec<String>,
    /// Legacy ids.
    pub legacy_ids: Vec<String>,
    /// Status.
    pub status: String,
    /// What the scan found.
    pub finding_details: String,
    /// Comments.
    pub comments: String,
    /// Severity overrides (none).
    pub overrides: serde_json::Map<String, serde_json::Value>,
}

/// Builds the checklist document.
pub fn checklist(r: &ScanReport) -> Checklist {
    let b = &r.benchmark;
    let stig_uuid = uuid_from(&b.id);
    let title = b.title.clone().unwrap_or_else(|| b.id.clone());
    let rules: Vec<Rule> = r
        .rules
        .iter()
        .filter(|x| ckl::in_checklist(x))
        .map(|rule| {
            let rule_id = ckl::rule_id(rule);
            Rule {
                uuid: uuid_from(&format!("{}/{}", b.id, rule.id)),
                stig_uuid: stig_uuid.clone(),
                group_id: ckl::vuln_num(rule),
                group_title: rule
                    .ids(RefKind::Srg)
                    .next()
                    .unwrap_or(&rule.title)
                    .to_string(),
                rule_id_src: rule_id.clone(),
                rule_id: rule_id.trim_end_matches("_rule").to_string(),
                rule_version: ckl::rule_ver(rule),
                rule_title: rule.title.clone(),
                severity: ckl::severity(&rule.severity).to_string(),
                weight: "10.0".into(),
                classification: "UNCLASSIFIED".into(),
                discussion: rule.description.clone(),
                check_content: ckl::check_content(rule),
                fix_text: if rule.fix_text.is_empty() {
                    rule.fix_scripts
                        .first()
                        .map(|f| f.script.clone())
                        .unwrap_or_default()
                } else {
                    rule.fix_text.clone()
                },
                ccis: rule.ids(RefKind::Cci).map(str::to_string).collect(),
                legacy_ids: Vec::new(),
                status: status(rule.result).into(),
                finding_details: ckl::finding_details(rule),
                comments: format!("XCCDF rule {}", rule.id),
                overrides: serde_json::Map::new(),
            }
        })
        .collect();
    Checklist {
        title: title.clone(),
        id: uuid_from(&format!("{}/{}", b.id, r.test_result.id)),
        active: false,
        mode: 1,
        has_path: true,
        target_data: TargetData {
            target_type: "Computing".into(),
            host_name: r.target.hostname.clone().unwrap_or_default(),
            ip_address: r.target.ip_addresses.first().cloned().unwrap_or_default(),
            mac_address: r.target.mac_addresses.first().cloned().unwrap_or_default(),
            fqdn: r.target.fqdn.clone().unwrap_or_default(),
            comments: r.target.platform_summary(),
            role: "None".into(),
            is_web_database: false,
            technology_area: String::new(),
            web_db_site: String::new(),
            web_db_instance: String::new(),
        },
        stigs: vec![Stig {
            stig_name: title.clone(),
            display_name: title,
            stig_id: b.id.clone(),
            release_info: format!(
                "Scanned {}",
                r.test_result.start_time.as_deref().unwrap_or("")
            ),
            version: b.version.clone().unwrap_or_default(),
            uuid: stig_uuid,
            reference_identifier: b.profile_id.clone().unwrap_or_default(),
            size: rules.len(),
            rules,
        }],
        cklb_version: "1.0".into(),
    }
}

/// Renders the checklist as pretty JSON.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"),
///     "/tests/fixtures/arf/ssg-chromium-stig-oscap-arf.xml"))?;
/// let report = scap_arf::report::ScanReport::from_arf(&scap_arf::Arf::parse(&text)?)?;
/// let v: serde_json::Value = serde_json::from_str(&scap_arf::report::cklb::render(&report)?)?;
/// assert_eq!(v["stigs"][0]["rules"].as_array().map(Vec::len), Some(37));
/// # Ok(()) }
/// ```
pub fn render(r: &ScanReport) -> crate::Result<String> {
    Ok(serde_json::to_string_pretty(&checklist(r))?)
}

/// The checklist's JSON streamed to a writer: what [`super::Format::Cklb`] writes.
pub(crate) fn write(r: &ScanReport, out: &mut dyn std::io::Write) -> crate::Result<()> {
    super::format::json_to(out, &checklist(r))
}
