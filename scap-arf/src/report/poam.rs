//! A Plan of Action and Milestones (POA&M): one item per open finding, laid out as FedRAMP's
//! POA&M template or eMASS's POA&M import, as CSV.
//!
//! # What is an item
//!
//! Only open findings: failed rules ([`ScanReport::findings`]: XCCDF `fail`) and the
//! vulnerabilities OVAL feeds found ([`ScanReport::vulnerabilities`], one item per CVE and
//! package, control SI-2, the CVE in the CVE column). Rules the scan could not
//! decide (`error`, `unknown`, `notchecked`) are not weaknesses; they are listed apart
//! ([`ScanReport::needs_review`]) in the HTML report and the JSON.
//!
//! # POAM ID
//!
//! Stable per (asset, weakness), so the next scan of the same asset updates its rows instead
//! of adding new ones: `SCAP-` followed by the first 16 hex digits (uppercase) of the SHA-256
//! of the asset identifier, one byte `0x1F` (unit separator, which neither part contains),
//! and the weakness id (the XCCDF rule id, or `CVE-ID:package` for a vulnerability). The asset identifier is the report's host name,
//! else its FQDN, else its first IP address, else `unknown-asset` ([`asset_identifier`]).
//! See [`poam_id`].
//!
//! # Dates
//!
//! The original detection date of an item is the one carried over from an earlier POA&M or
//! scan of the asset for the same POAM ID ([`History`]), else the date of this scan (the
//! TestResult's start time), else the [as-of date](super::Options::today). The scheduled
//! completion date is the detection date plus the [`Sla`] days for the finding's severity;
//! an item whose scheduled date is before the as-of date is overdue, which its Comments
//! (and the HTML report, and the JSON's `overdue`) say. Dates are ISO 8601 (`2026-12-06`).
//!
//! # Layouts
//!
//! - [`Layout::FedRamp`]: the columns of the "Open POA&M Items" sheet of FedRAMP's POA&M
//!   template ([`FEDRAMP_COLUMNS`]), in its order. Risk ratings are FedRAMP's words
//!   (`high` → High, `medium` → Moderate, `low`, `info` and `unknown` → Low, `critical`
//!   → Critical). Columns a scan cannot know (vendor dependency, deviations, resources) are
//!   left for the system owner: empty, or `No` where the template asks Yes/No.
//! - [`Layout::Emass`]: eMASS's POA&M import columns ([`EMASS_COLUMNS`]), our POAM ID first.
//!   Raw Severity is the DISA category (`high` → I, `medium` → II, `low` and below → III),
//!   Severity the eMASS word (Very High, High, Moderate, Low). eMASS has no detection date
//!   column: a previous eMASS sheet carries no dates over.
//!
//! # CSV
//!
//! Every field is quoted and inner quotes doubled (RFC 4180 section 2, rules 5-7), records end
//! in CRLF. That is all RFC 4180 asks of a writer, so no CSV crate is needed; a field that
//! starts with `=`, `+`, `-` or `@` gets a leading `'` so spreadsheets do not evaluate it as
//! a formula (OWASP CSV injection advice). [`History::from_csv`] reads the same quoting back.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{DateTime, Days, NaiveDate};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::options::Options;
use super::refs::RefKind;
use super::vulns::{AffectedPackage, Vulnerability};
use super::{RuleReport, ScanReport, Severity};
use crate::error::{Error, Result};

/// Days allowed to remediate a finding, per severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Sla {
    /// Critical findings (none in XCCDF; vulnerability feeds have them).
    pub critical: u64,
    /// High severity.
    pub high: u64,
    /// Medium severity.
    pub medium: u64,
    /// Low severity (also info and unknown).
    pub low: u64,
}

impl Default for Sla {
    /// 7 days for critical, 14 for high, medium and low.
    fn default() -> Sla {
        Sla {
            critical: 7,
            high: 14,
            medium: 14,
            low: 14,
        }
    }
}

impl Sla {
    /// An SLA with the given days per severity.
    pub fn new(critical: u64, high: u64, medium: u64, low: u64) -> Sla {
        Sla {
            critical,
            high,
            medium,
            low,
        }
    }

    /// The days for a severity word (`info`, `unknown` and any other word: low's).
    ///
    /// ```
    /// use scap_arf::report::poam::Sla;
    /// assert_eq!(Sla::default().days("critical"), 7);
    /// assert_eq!(Sla::default().days("unknown"), 14);
    /// ```
    pub fn days(&self, severity: &str) -> u64 {
        match Severity::parse(severity) {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            _ => self.low,
        }
    }

    /// The due date of a finding of `severity` first detected on `detected` (`None` past
    /// the end of the calendar).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use scap_arf::report::poam::Sla;
    /// let d = NaiveDate::from_ymd_opt(2024, 2, 20).unwrap_or_default();
    /// assert_eq!(Sla::new(3, 10, 30, 90).due("high", d), NaiveDate::from_ymd_opt(2024, 3, 1));
    /// ```
    pub fn due(&self, severity: &str, detected: NaiveDate) -> Option<NaiveDate> {
        detected.checked_add_days(Days::new(self.days(severity)))
    }
}

/// Which POA&M template the columns follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Layout {
    /// FedRAMP's POA&M template, "Open POA&M Items" ([`FEDRAMP_COLUMNS`]).
    FedRamp,
    /// eMASS's POA&M import ([`EMASS_COLUMNS`]).
    Emass,
}

impl Layout {
    /// The header row.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Layout::FedRamp => FEDRAMP_COLUMNS,
            Layout::Emass => EMASS_COLUMNS,
        }
    }
}

/// FedRAMP POA&M template, "Open POA&M Items": the header row, columns A to AE.
pub const FEDRAMP_COLUMNS: &[&str] = &[
    "POAM ID",
    "Controls",
    "Weakness Name",
    "Weakness Description",
    "Weakness Detector Source",
    "Weakness Source Identifier",
    "Asset Identifier",
    "Point of Contact",
    "Resources Required",
    "Overall Remediation Plan",
    "Original Detection Date",
    "Scheduled Completion Date",
    "Planned Milestones",
    "Milestone Changes",
    "Status Date",
    "Vendor Dependency",
    "Last Vendor Check-in Date",
    "Vendor Dependent Product Name",
    "Original Risk Rating",
    "Adjusted Risk Rating",
    "Risk Adjustment",
    "False Positive",
    "Operational Requirement",
    "Deviation Rationale",
    "Supporting Documents",
    "Comments",
    "Auto-Approve",
    "Binding Operational Directive 22-01 tracking",
    "Binding Operational Directive 22-01 Due Date",
    "CVE",
    "Service Name",
];

/// eMASS POA&M import: our POAM ID, then the template's columns (C to AA of its sheet).
pub const EMASS_COLUMNS: &[&str] = &[
    "POAM ID",
    "Control Vulnerability Description",
    "Controls / APs",
    "Office/Org",
    "Security Checks",
    "Resources Required",
    "Scheduled Completion Date",
    "Milestone ID",
    "Milestone with Completion Dates",
    "Milestone Changes",
    "Source Identifying Vulnerability",
    "Status",
    "Comments",
    "Raw Severity",
    "Devices Affected",
    "Mitigations",
    "Predisposing Conditions",
    "Severity",
    "Relevance of Threat",
    "Threat Description",
    "Likelihood",
    "Impact",
    "Impact Description",
    "Residual Risk Level",
    "Recommendations",
    "Resulting Residual Risk after Proposed Mitigations",
];

/// The longest finding details kept in Comments (characters); the HTML report has them all.
const MAX_DETAILS: usize = 1000;
/// The largest previous POA&M [`History::from_csv`] reads (bytes).
pub const MAX_HISTORY_BYTES: usize = 64 << 20;

/// The asset identifier POAM IDs are made from: host name, else FQDN, else first IP address,
/// else `unknown-asset`.
pub fn asset_identifier(r: &ScanReport) -> String {
    let t = &r.target;
    t.hostname
        .as_deref()
        .filter(|h| !h.is_empty() && *h != "unknown")
        .or(t.fqdn.as_deref().filter(|f| !f.is_empty()))
        .or(t.ip_addresses.first().map(String::as_str))
        .unwrap_or("unknown-asset")
        .to_string()
}

/// The stable POAM ID of `weakness` (a rule id or CVE id) on `asset` (see the
/// [module docs](self)).
///
/// ```
/// use scap_arf::report::poam::poam_id;
/// let id = poam_id("web01", "xccdf_org.ssgproject.content_rule_sshd_disable_root_login");
/// assert_eq!(id.len(), 5 + 16);
/// assert!(id.starts_with("SCAP-"));
/// assert_eq!(id, poam_id("web01", "xccdf_org.ssgproject.content_rule_sshd_disable_root_login"));
/// assert_ne!(id, poam_id("web02", "xccdf_org.ssgproject.content_rule_sshd_disable_root_login"));
/// ```
pub fn poam_id(asset: &str, weakness: &str) -> String {
    let mut h = Sha256::new();
    h.update(asset.as_bytes());
    h.update([0x1f]);
    h.update(weakness.as_bytes());
    let digest = h.finalize();
    let mut s = String::from("SCAP-");
    for b in digest.iter().take(8) {
        let _ = write!(s, "{b:02X}");
    }
    s
}

/// The date of the scan (TestResult start time), if it has a readable one.
pub fn scan_date(r: &ScanReport) -> Option<NaiveDate> {
    let t = r.test_result.start_time.as_deref()?;
    DateTime::parse_from_rfc3339(t)
        .map(|d| d.date_naive())
        .or_else(|_| NaiveDate::parse_from_str(t.get(..10).unwrap_or(t), "%Y-%m-%d"))
        .ok()
}

/// The date a rendering is as of: [`Options::today`], else the scan's date, else the local
/// date now.
pub fn as_of(r: &ScanReport, o: &Options) -> NaiveDate {
    o.today
        .or_else(|| scan_date(r))
        .unwrap_or_else(|| chrono::Local::now().date_naive())
}

/// Original detection dates by POAM ID, carried over from an earlier POA&M or scan.
///
/// ```
/// use scap_arf::report::poam::History;
/// let csv = "\"POAM ID\",\"Original Detection Date\"\r\n\"SCAP-00AA\",\"2024-05-01\"\r\n";
/// let h = History::from_csv(csv)?;
/// assert_eq!(h.get("SCAP-00AA"), chrono::NaiveDate::from_ymd_opt(2024, 5, 1));
/// # Ok::<(), scap_arf::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    dates: BTreeMap<String, NaiveDate>,
}

impl History {
    /// The detection date recorded for `poam_id`.
    pub fn get(&self, poam_id: &str) -> Option<NaiveDate> {
        self.dates.get(poam_id).copied()
    }

    /// Records `date` for `poam_id`, keeping the earlier date if one is already there.
    pub fn insert(&mut self, poam_id: impl Into<String>, date: NaiveDate) {
        let e = self.dates.entry(poam_id.into()).or_insert(date);
        *e = (*e).min(date);
    }

    /// How many POAM IDs have a date.
    pub fn len(&self) -> usize {
        self.dates.len()
    }

    /// Whether no POAM ID has a date.
    pub fn is_empty(&self) -> bool {
        self.dates.is_empty()
    }

    /// Adds the dates of `other` (the earlier of two dates wins).
    pub fn merge(&mut self, other: &History) {
        for (k, v) in &other.dates {
            self.insert(k.clone(), *v);
        }
    }

    /// The dates of a previous POA&M CSV (ours, or the FedRAMP template saved as CSV): the
    /// columns headed `POAM ID` and `Original Detection Date` (found by name, in any
    /// order; dates as `YYYY-MM-DD` or `MM/DD/YYYY`). Rows with an empty ID or date are
    /// skipped; a date that does not parse is an [`Error::Csv`] naming its line.
    pub fn from_csv(text: &str) -> Result<History> {
        if text.len() > MAX_HISTORY_BYTES {
            return Err(Error::Csv {
                line: 1,
                message: format!("larger than {MAX_HISTORY_BYTES} bytes"),
            });
        }
        let mut records = csv_records(text.strip_prefix('\u{feff}').unwrap_or(text));
        let (_, header) = records.next().ok_or(Error::Csv {
            line: 1,
            message: "empty file".into(),
        })??;
        let find = |name: &str| {
            header
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name))
                .ok_or_else(|| Error::Csv {
                    line: 1,
                    message: format!("no {name:?} column in the header"),
                })
        };
        let (id_col, date_col) = (find("POAM ID")?, find("Original Detection Date")?);
        let mut h = History::default();
        for rec in records {
            let (line, rec) = rec?;
            let (Some(id), Some(date)) = (rec.get(id_col), rec.get(date_col)) else {
                continue;
            };
            let (id, date) = (id.trim(), date.trim());
            if id.is_empty() || date.is_empty() {
                continue;
            }
            let d = NaiveDate::parse_from_str(date, "%Y-%m-%d")
                .or_else(|_| NaiveDate::parse_from_str(date, "%m/%d/%Y"))
                .map_err(|_| Error::Csv {
                    line,
                    message: format!("Original Detection Date {date:?} is not a date"),
                })?;
            h.insert(id, d);
        }
        Ok(h)
    }

    /// The dates of a previous scan: each of its findings was detected no later than that
    /// scan's date (or the date its own history gives, when `carried` has one).
    pub fn from_report(previous: &ScanReport, carried: &History) -> History {
        let mut h = History::default();
        let Some(date) = scan_date(previous) else {
            return h;
        };
        let asset = asset_identifier(previous);
        for f in previous.findings() {
            let id = poam_id(&asset, &f.id);
            let d = carried.get(&id).map_or(date, |c| c.min(date));
            h.insert(id, d);
        }
        h
    }
}

/// Splits RFC 4180 text into records (each with its 1-based starting line): quoted fields
/// may hold commas, doubled quotes and line breaks; CRLF or LF ends a record.
fn csv_records(text: &str) -> impl Iterator<Item = Result<(u32, Vec<String>)>> + '_ {
    let mut chars = text.chars().peekable();
    let mut line: u32 = 1;
    std::iter::from_fn(move || {
        chars.peek()?;
        let start = line;
        let mut rec = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        loop {
            let Some(c) = chars.next() else {
                if quoted {
                    return Some(Err(Error::Csv {
                        line: start,
                        message: "a quoted field is not closed".into(),
                    }));
                }
                rec.push(field);
                return Some(Ok((start, rec)));
            };
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                (true, '"') => quoted = false,
                (false, '"') if field.is_empty() => quoted = true,
                (false, ',') => rec.push(std::mem::take(&mut field)),
                (false, '\r') if chars.peek() == Some(&'\n') => {}
                (false, '\n') => {
                    line = line.saturating_add(1);
                    rec.push(field);
                    return Some(Ok((start, rec)));
                }
                (_, c) => {
                    if c == '\n' {
                        line = line.saturating_add(1);
                    }
                    field.push(c);
                }
            }
        }
    })
}

/// What a POA&M item tracks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ItemKind {
    /// A failed XCCDF rule.
    Rule,
    /// A vulnerability an OVAL feed found ([`super::vulns`]): one CVE in one package.
    Vulnerability,
}

/// One POA&M item: an open finding with its dates. Both layouts, the HTML report and the
/// JSON are made from these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Item {
    /// The stable POAM ID ([`poam_id`]).
    pub poam_id: String,
    /// A failed rule or a vulnerability.
    pub kind: ItemKind,
    /// The asset ([`asset_identifier`]).
    pub asset: String,
    /// The weakness: the XCCDF rule id, or `CVE-ID:package` for a vulnerability.
    pub weakness_id: String,
    /// The rule's title.
    pub title: String,
    /// The rule's description (its title when it has none).
    pub description: String,
    /// NIST 800-53 controls, else CCIs.
    pub controls: Vec<String>,
    /// CCIs.
    pub ccis: Vec<String>,
    /// The DISA STIG id (the rule's `version` or a STIG id reference), if any.
    pub stig_id: Option<String>,
    /// CVE ids (vulnerability findings).
    pub cves: Vec<String>,
    /// The package and its installed and fixed versions (vulnerability findings; `None`
    /// for a rule, JSON `null`).
    #[serde(default)]
    pub package: Option<AffectedPackage>,
    /// Severity word (`critical`, `high`, `medium`, `low`, `info`, `unknown`).
    pub severity: String,
    /// Original detection date.
    pub detected: NaiveDate,
    /// Scheduled completion date (`None` past the end of the calendar).
    pub due: Option<NaiveDate>,
    /// Whether `due` is before the as-of date.
    pub overdue: bool,
    /// The as-of date (FedRAMP's Status Date).
    pub status_date: NaiveDate,
    /// The tool and benchmark that found it.
    pub detector: String,
    /// The rule's fix text (empty when the content has none).
    pub remediation: String,
    /// What the scan found (result, OVAL tests and items), shortened.
    pub details: String,
}

/// The POA&M items of `r`: one per open finding, most severe first.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use scap_arf::report::{Options, ScanReport, poam};
/// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"),
///     "/tests/fixtures/arf/linux-baseline-debian11-oscap-arf.xml"))?;
/// let report = ScanReport::from_arf(&scap_arf::Arf::parse(&text)?)?;
/// let items = poam::items(&report, &Options::default());
/// assert_eq!(items.len(), 3); // the three failed rules, nothing else
/// // Scanned 2026-11-22: due 14 days later, not overdue as of the scan date.
/// assert_eq!(items[0].due.map(|d| d.to_string()).as_deref(), Some("2026-12-06"));
/// assert!(!items[0].overdue);
/// # Ok(()) }
/// ```
pub fn items(r: &ScanReport, o: &Options) -> Vec<Item> {
    let today = as_of(r, o);
    let scanned = scan_date(r).unwrap_or(today);
    let asset = asset_identifier(r);
    let detector = detector(r);
    let detected = |id: &str| o.history.get(id).map_or(scanned, |d| d.min(scanned));
    let mut out: Vec<Item> = r
        .findings()
        .into_iter()
        .map(|rule| {
            let id = poam_id(&asset, &rule.id);
            let detected = detected(&id);
            let due = o.sla.due(&rule.severity, detected);
            item(rule, id, &asset, &detector, detected, due, today)
        })
        .collect();
    // Vulnerabilities after the rules (callers pair the first items with
    // `ScanReport::findings`), most severe first.
    let mut vulns: Vec<Item> = r
        .vulnerabilities
        .iter()
        .flat_map(|v| vulnerability_items(v, &asset, today, &detected, o))
        .collect();
    vulns.sort_by_key(|i| Severity::most_urgent_first(&i.severity));
    out.extend(vulns);
    out
}

/// The items of one vulnerability: one per CVE and package ([`Vulnerability::weakness_ids`]).
/// Controls: SI-2 (flaw remediation), the NIST 800-53 control a missing fix is a finding of.
fn vulnerability_items(
    v: &Vulnerability,
    asset: &str,
    today: NaiveDate,
    detected: &dyn Fn(&str) -> NaiveDate,
    o: &Options,
) -> Vec<Item> {
    let cves: Vec<Option<&str>> = if v.cves.is_empty() {
        vec![None]
    } else {
        v.cves.iter().map(|c| Some(c.as_str())).collect()
    };
    let packages: Vec<Option<&AffectedPackage>> = if v.packages.is_empty() {
        vec![None]
    } else {
        v.packages.iter().map(Some).collect()
    };
    let mut out = Vec::new();
    for cve in &cves {
        for p in &packages {
            let base = cve.unwrap_or(&v.definition_id);
            let weakness = match p {
                Some(p) => format!("{base}:{}", p.name),
                None => base.to_string(),
            };
            let id = poam_id(asset, &weakness);
            let found = detected(&id);
            // Each CVE at its own rating when the feed gives one (Red Hat's `impact`).
            let severity = cve.map_or(v.severity.as_str(), |c| v.severity_of(c));
            let due = o.sla.due(severity, found);
            let name = p.map_or("", |p| p.name.as_str());
            let installed = p.and_then(|p| p.installed.as_deref()).unwrap_or("?");
            let fixed = p.and_then(|p| p.fixed.as_deref());
            let mut details = format!("OVAL {} definition {}: true", v.class, v.definition_id);
            if !v.advisories.is_empty() {
                let _ = write!(details, "\nAdvisories: {}", v.advisories.join(", "));
            }
            if let Some(s) = &v.vendor_severity {
                let _ = write!(details, "\nVendor severity: {s}");
            }
            if let Some(d) = cve.and_then(|c| v.detail_of(c)) {
                if let Some(i) = &d.impact {
                    let _ = write!(details, "\n{} impact: {i}", d.cve);
                }
                if let Some(score) = &d.cvss3_score {
                    let vector = d.cvss3_vector.as_deref().unwrap_or("no vector given");
                    let _ = write!(details, "\nCVSS v3 base score {score} ({vector})");
                }
                if let Some(cwe) = &d.cwe {
                    let _ = write!(details, "\n{cwe}");
                }
            }
            if p.is_some() {
                let _ = write!(
                    details,
                    "\nPackage {name}: installed {installed}, fixed in {}",
                    fixed.unwrap_or("(no fix given)")
                );
            }
            out.push(Item {
                poam_id: id,
                kind: ItemKind::Vulnerability,
                asset: asset.to_string(),
                weakness_id: weakness,
                title: match (cve, p) {
                    (Some(c), Some(_)) => format!("{c} in {name} {installed}"),
                    _ => v.title.clone(),
                },
                description: if v.description.is_empty() {
                    v.title.clone()
                } else {
                    format!("{}: {}", v.title, v.description)
                },
                controls: vec!["SI-2".into()],
                ccis: Vec::new(),
                stig_id: None,
                cves: cve.map(|c| vec![c.to_string()]).unwrap_or_default(),
                package: p.cloned(),
                severity: severity.to_string(),
                detected: found,
                due,
                overdue: due.is_some_and(|d| d < today),
                status_date: today,
                detector: format!("OVAL vulnerability definitions ({})", v.definition_id),
                remediation: match fixed {
                    Some(f) => format!("Upgrade {name} to {f} or later."),
                    None => format!("Apply the fix of {}.", v.definition_id),
                },
                details,
            });
        }
    }
    out
}

fn detector(r: &ScanReport) -> String {
    let tool = r
        .test_result
        .test_system
        .as_deref()
        .unwrap_or(concat!("scap-rs ", env!("CARGO_PKG_VERSION")));
    let mut s = format!("{tool}: {}", r.benchmark.id);
    if let Some(p) = &r.benchmark.profile_id {
        let _ = write!(s, " profile {p}");
    }
    s
}

fn item(
    rule: &RuleReport,
    poam_id: String,
    asset: &str,
    detector: &str,
    detected: NaiveDate,
    due: Option<NaiveDate>,
    today: NaiveDate,
) -> Item {
    let nist: Vec<String> = rule.ids(RefKind::Nist80053).map(str::to_string).collect();
    let ccis: Vec<String> = rule.ids(RefKind::Cci).map(str::to_string).collect();
    let mut details = super::ckl::finding_details(rule);
    if details.chars().count() > MAX_DETAILS {
        details = details.chars().take(MAX_DETAILS).collect::<String>() + "...";
    }
    Item {
        poam_id,
        kind: ItemKind::Rule,
        asset: asset.to_string(),
        weakness_id: rule.id.clone(),
        title: rule.title.clone(),
        description: if rule.description.is_empty() {
            rule.title.clone()
        } else {
            rule.description.clone()
        },
        controls: if nist.is_empty() { ccis.clone() } else { nist },
        ccis,
        stig_id: rule
            .version
            .clone()
            .or_else(|| rule.ids(RefKind::StigId).next().map(str::to_string)),
        cves: Vec::new(),
        package: None,
        severity: rule.severity.clone(),
        detected,
        due,
        overdue: due.is_some_and(|d| d < today),
        status_date: today,
        detector: detector.to_string(),
        remediation: rule.fix_text.clone(),
        details,
    }
}

fn date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// FedRAMP's risk rating word for a severity.
pub fn fedramp_rating(severity: &str) -> &'static str {
    match Severity::parse(severity) {
        Severity::Critical => "Critical",
        Severity::High => "High",
        Severity::Medium => "Moderate",
        _ => "Low",
    }
}

/// eMASS's Raw Severity (DISA category) and Severity words for a severity.
pub fn emass_severity(severity: &str) -> (&'static str, &'static str) {
    match Severity::parse(severity) {
        Severity::Critical => ("I", "Very High"),
        Severity::High => ("I", "High"),
        Severity::Medium => ("II", "Moderate"),
        _ => ("III", "Low"),
    }
}

/// The Comments cell: the rule, its STIG id, overdue if so, and what the scan found.
fn comments(i: &Item) -> String {
    let mut s = String::new();
    if i.overdue {
        let _ = writeln!(s, "OVERDUE: scheduled for {}", date(i.due));
    }
    let _ = write!(s, "Rule {}", i.weakness_id);
    if let Some(v) = &i.stig_id {
        let _ = write!(s, " (STIG ID {v})");
    }
    let _ = write!(s, "\n{}", i.details);
    s
}

fn milestone(i: &Item) -> String {
    format!(
        "Remediate and verify with a rescan by {}",
        date(i.due).as_str()
    )
}

/// One item's cells, in the order of [`Layout::columns`].
pub fn cells(i: &Item, layout: Layout, o: &Options) -> Vec<String> {
    let controls = i.controls.join(", ");
    let remediation = if i.remediation.is_empty() {
        format!("Bring the asset in line with rule {}", i.weakness_id)
    } else {
        i.remediation.clone()
    };
    let due = date(i.due);
    let s = String::from;
    match layout {
        Layout::FedRamp => {
            let rating = fedramp_rating(&i.severity);
            vec![
                i.poam_id.clone(),
                controls,
                i.title.clone(),
                i.description.clone(),
                i.detector.clone(),
                i.weakness_id.clone(),
                i.asset.clone(),
                o.point_of_contact.clone(),
                String::new(),
                remediation,
                date(Some(i.detected)),
                due,
                milestone(i),
                String::new(),
                date(Some(i.status_date)),
                s("No"),
                String::new(),
                String::new(),
                s(rating),
                s(rating),
                s("No"),
                s("No"),
                s("No"),
                String::new(),
                String::new(),
                comments(i),
                s("No"),
                String::new(),
                String::new(),
                i.cves.join(", "),
                String::new(),
            ]
        }
        Layout::Emass => {
            let (raw, sev) = emass_severity(&i.severity);
            let check = i.stig_id.clone().unwrap_or_else(|| i.weakness_id.clone());
            vec![
                i.poam_id.clone(),
                format!("{}\n{}", i.title, i.description),
                controls,
                o.point_of_contact.clone(),
                check,
                String::new(),
                due,
                s("1"),
                milestone(i),
                String::new(),
                i.detector.clone(),
                s("Ongoing"),
                comments(i),
                s(raw),
                i.asset.clone(),
                String::new(),
                String::new(),
                s(sev),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                s(sev),
                remediation,
                String::new(),
            ]
        }
    }
}

/// One CSV field, quoted.
fn field(out: &mut String, s: &str) {
    out.push('"');
    if s.starts_with(['=', '+', '-', '@']) {
        out.push('\'');
    }
    for c in s.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    out.push('"');
}

fn row<S: AsRef<str>>(out: &mut String, fields: &[S]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        field(out, f.as_ref());
    }
    out.push_str("\r\n");
}

/// Renders the POA&M as CSV in `layout`: the header row, then one row per open finding.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use scap_arf::report::poam::{render, Layout};
/// use scap_arf::report::{Options, ScanReport};
/// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"),
///     "/tests/fixtures/arf/ssg-chromium-stig-oscap-arf.xml"))?;
/// let report = ScanReport::from_arf(&scap_arf::Arf::parse(&text)?)?;
/// let today = chrono::NaiveDate::from_ymd_opt(2030, 1, 1).unwrap_or_default();
/// let csv = render(&report, Layout::FedRamp, &Options::default().with_today(today));
/// assert!(csv.starts_with("\"POAM ID\",\"Controls\",\"Weakness Name\""));
/// assert_eq!(csv.matches("\r\n").count(), 1 + 31); // records end in CRLF; fields may hold \n
/// assert_eq!(csv.matches("OVERDUE").count(), 31); // due in 2026, as of 2030
/// # Ok(()) }
/// ```
pub fn render(r: &ScanReport, layout: Layout, o: &Options) -> String {
    let mut out = String::new();
    row(&mut out, layout.columns());
    for i in items(r, o) {
        row(&mut out, &cells(&i, layout, o));
    }
    out
}

/// [`render`] to a writer: what [`super::Format::Poam`] and [`super::Format::PoamEmass`]
/// write.
pub(crate) fn write(
    r: &ScanReport,
    layout: Layout,
    o: &Options,
    out: &mut dyn std::io::Write,
) -> Result<()> {
    Ok(out.write_all(render(r, layout, o).as_bytes())?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RuleStatus;

    fn report(rules: Vec<RuleReport>) -> ScanReport {
        ScanReport {
            schema_version: crate::report::SCHEMA_VERSION,
            benchmark: Default::default(),
            test_result: crate::report::TestResultInfo {
                start_time: Some("2024-02-20T10:00:00+00:00".into()),
                ..Default::default()
            },
            target: crate::report::TargetInfo {
                hostname: Some("web01".into()),
                ..Default::default()
            },
            scores: Vec::new(),
            counts: Default::default(),
            rules,
            vulnerabilities: Vec::new(),
        }
    }

    fn rule(id: &str, result: RuleStatus, severity: &str) -> RuleReport {
        RuleReport {
            id: id.into(),
            title: id.into(),
            result,
            severity: severity.into(),
            ..RuleReport::default()
        }
    }

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn quoting_and_formula_guard() {
        let mut s = String::new();
        row(&mut s, &["a\"b", "=cmd()", "x,y\nz"]);
        assert_eq!(s, "\"a\"\"b\",\"'=cmd()\",\"x,y\nz\"\r\n");
    }

    #[test]
    fn only_failed_rules_are_items() {
        let r = report(
            RuleStatus::ALL
                .iter()
                .map(|s| rule(s.as_str(), *s, "high"))
                .collect(),
        );
        let items = items(&r, &Options::default());
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].weakness_id, "fail");
        for layout in [Layout::FedRamp, Layout::Emass] {
            let csv = render(&r, layout, &Options::default());
            assert_eq!(csv.matches("\r\n").count(), 2, "{layout:?}");
            assert!(!csv.contains("Rule error"), "{layout:?}");
        }
    }

    #[test]
    fn sla_per_severity_from_the_detection_date_and_overdue() {
        let r = report(vec![
            rule("h", RuleStatus::Fail, "high"),
            rule("c", RuleStatus::Fail, "critical"),
        ]);
        let o = Options::default().with_sla(Sla::new(3, 10, 30, 90));
        let i = items(&r, &o);
        // Critical sorts first; the scan (2024-02-20) is the detection date.
        assert_eq!(
            (i[0].weakness_id.as_str(), i[0].due),
            ("c", Some(ymd(2024, 2, 23)))
        );
        assert_eq!(i[1].due, Some(ymd(2024, 3, 1)));
        assert!(!i[0].overdue && !i[1].overdue);
        // As of 2024-02-24 the critical one is late, the high one is not.
        let i = items(&r, &o.clone().with_today(ymd(2024, 2, 24)));
        assert_eq!((i[0].overdue, i[1].overdue), (true, false));
        // A detection date carried over from an earlier POA&M moves the due date back.
        let mut h = History::default();
        h.insert(poam_id("web01", "h"), ymd(2024, 1, 1));
        let i = items(&r, &o.with_history(h));
        assert_eq!(
            (i[1].detected, i[1].due),
            (ymd(2024, 1, 1), Some(ymd(2024, 1, 11)))
        );
        assert!(i[1].overdue, "overdue as of the scan date");
    }

    #[test]
    fn history_reads_back_what_the_fedramp_layout_writes() -> Result<()> {
        let r = report(vec![
            rule("a", RuleStatus::Fail, "low"),
            rule("b\"quoted\", with comma", RuleStatus::Fail, "high"),
        ]);
        let mut h = History::default();
        h.insert(poam_id("web01", "a"), ymd(2023, 12, 31));
        let o = Options::default().with_history(h);
        let csv = render(&r, Layout::FedRamp, &o);
        let back = History::from_csv(&csv)?;
        assert_eq!(back.len(), 2);
        assert_eq!(back.get(&poam_id("web01", "a")), Some(ymd(2023, 12, 31)));
        assert_eq!(
            back.get(&poam_id("web01", "b\"quoted\", with comma")),
            Some(ymd(2024, 2, 20))
        );
        Ok(())
    }

    #[test]
    fn history_errors_name_the_line() {
        let e = History::from_csv("\"POAM ID\",\"Original Detection Date\"\n\"x\",\"y\"\n");
        assert!(matches!(e, Err(Error::Csv { line: 2, .. })), "{e:?}");
        let e = History::from_csv("\"POAM ID\"\n");
        assert!(matches!(e, Err(Error::Csv { line: 1, .. })), "{e:?}");
        let e = History::from_csv("POAM ID,Original Detection Date\n\"open");
        assert!(matches!(e, Err(Error::Csv { line: 2, .. })), "{e:?}");
        let ok = History::from_csv("POAM ID,Original Detection Date\r\nP,05/01/2024\r\n,\r\n");
        assert_eq!(ok.ok().and_then(|h| h.get("P")), Some(ymd(2024, 5, 1)));
    }

    #[test]
    fn history_from_a_previous_scan_keeps_the_earliest_date() {
        let prev = report(vec![rule("a", RuleStatus::Fail, "low")]);
        let h = History::from_report(&prev, &History::default());
        assert_eq!(h.get(&poam_id("web01", "a")), Some(ymd(2024, 2, 20)));
        let mut older = History::default();
        older.insert(poam_id("web01", "a"), ymd(2023, 1, 1));
        let h = History::from_report(&prev, &older);
        assert_eq!(h.get(&poam_id("web01", "a")), Some(ymd(2023, 1, 1)));
    }

    #[test]
    fn both_layouts_fill_every_column() {
        let r = report(vec![rule("a", RuleStatus::Fail, "medium")]);
        let i = &items(&r, &Options::default())[0];
        for layout in [Layout::FedRamp, Layout::Emass] {
            assert_eq!(
                cells(i, layout, &Options::default()).len(),
                layout.columns().len()
            );
        }
        let e = cells(i, Layout::Emass, &Options::default());
        assert_eq!((e[13].as_str(), e[17].as_str()), ("II", "Moderate"));
        let f = cells(i, Layout::FedRamp, &Options::default());
        assert_eq!(
            (f[10].as_str(), f[11].as_str()),
            ("2024-02-20", "2024-03-05")
        );
        assert_eq!(f[18], "Moderate");
    }
}
