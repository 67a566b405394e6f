//! A Plan of Action and Milestones (POA&M) as CSV: one row per open finding.
//!
//! Columns: weakness name, weakness description, weakness source identifier (the scan:
//! benchmark, profile, TestResult id and time), control (NIST 800-53 controls, else CCIs),
//! CCI, severity, scheduled completion date (scan date plus the [`Sla`] days for the
//! severity), status, comments (the rule id and what the scan found, shortened).
//!
//! Quoting: every field is quoted and inner quotes doubled (RFC 4180 section 2, rules 5-7),
//! lines end in CRLF. That is all RFC 4180 asks of a writer, so no CSV crate is needed; a
//! field that starts with `=`, `+`, `-` or `@` gets a leading `'` so spreadsheets do not
//! evaluate it as a formula (OWASP CSV injection advice).

use chrono::{DateTime, Days, NaiveDate};

use super::refs::RefKind;
use super::{RuleReport, ScanReport};

/// Days allowed to remediate a finding, per severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Sla {
    /// Critical findings (none in XCCDF; kept for callers mapping their own).
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

    /// The days for a severity word.
    pub fn days(&self, severity: &str) -> u64 {
        match severity {
            "critical" => self.critical,
            "high" => self.high,
            "medium" => self.medium,
            _ => self.low,
        }
    }
}

/// The header row's columns.
pub const COLUMNS: &[&str] = &[
    "Weakness Name",
    "Weakness Description",
    "Weakness Source Identifier",
    "Control",
    "CCI",
    "Severity",
    "Scheduled Completion Date",
    "Status",
    "Comments",
];

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

fn row(out: &mut String, fields: &[&str]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        field(out, f);
    }
    out.push_str("\r\n");
}

/// The date the scan started (TestResult start time), else `today`.
fn scan_date(r: &ScanReport, today: NaiveDate) -> NaiveDate {
    let Some(t) = r.test_result.start_time.as_deref() else {
        return today;
    };
    DateTime::parse_from_rfc3339(t)
        .map(|d| d.date_naive())
        .or_else(|_| NaiveDate::parse_from_str(t.get(..10).unwrap_or(t), "%Y-%m-%d"))
        .unwrap_or(today)
}

/// Renders the POA&M: one row per rule whose result is `fail`, `error` or `unknown`.
/// `today` is used when the scan has no start time.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use scap_arf::report::poam::{render, Sla};
/// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"),
///     "/../fixtures/arf/ssg-chromium-stig-oscap-arf.xml"))?;
/// let report = scap_arf::report::ScanReport::from_arf(&scap_arf::Arf::parse(&text)?)?;
/// let today = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
/// let csv = render(&report, &Sla::default(), today);
/// assert_eq!(csv.matches("\r\n").count(), 1 + 31); // records end in CRLF; fields may hold \n
/// # Ok(()) }
/// ```
pub fn render(r: &ScanReport, sla: &Sla, today: NaiveDate) -> String {
    let mut out = String::new();
    row(&mut out, COLUMNS);
    let date = scan_date(r, today);
    let source = format!(
        "{} {} ({} {})",
        r.benchmark.id,
        r.benchmark.profile_id.as_deref().unwrap_or(""),
        r.test_result.id,
        r.test_result.start_time.as_deref().unwrap_or("")
    );
    for rule in r.rules.iter().filter(|x| x.is_open()) {
        row_strs(&mut out, &fields(rule, &source, date, sla));
    }
    out
}

/// [`render`] to a writer: what [`super::Format::Poam`] writes.
pub(crate) fn write(
    r: &ScanReport,
    sla: &Sla,
    today: NaiveDate,
    out: &mut dyn std::io::Write,
) -> crate::Result<()> {
    Ok(out.write_all(render(r, sla, today).as_bytes())?)
}

fn fields(rule: &RuleReport, source: &str, date: NaiveDate, sla: &Sla) -> [String; 9] {
    let nist: Vec<&str> = rule.ids(RefKind::Nist80053).collect();
    let cci: Vec<&str> = rule.ids(RefKind::Cci).collect();
    let control = if nist.is_empty() {
        cci.join(", ")
    } else {
        nist.join(", ")
    };
    let due = date
        .checked_add_days(Days::new(sla.days(&rule.severity)))
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    let mut details = super::ckl::finding_details(rule);
    if details.chars().count() > 1000 {
        details = details.chars().take(1000).collect::<String>() + "...";
    }
    [
        rule.title.clone(),
        if rule.description.is_empty() {
            rule.title.clone()
        } else {
            rule.description.clone()
        },
        source.to_string(),
        control,
        cci.join(", "),
        rule.severity.clone(),
        due,
        "Ongoing".to_string(),
        format!("{}\n{details}", rule.id),
    ]
}

/// The row for one rule (for callers building their own sheet): the [`COLUMNS`] values.
pub fn row_for(rule: &RuleReport, r: &ScanReport, sla: &Sla, today: NaiveDate) -> [String; 9] {
    let source = format!("{} {}", r.benchmark.id, r.test_result.id);
    fields(rule, &source, scan_date(r, today), sla)
}

fn row_strs(out: &mut String, fields: &[String; 9]) {
    let v: Vec<&str> = fields.iter().map(String::as_str).collect();
    row(out, &v);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_and_formula_guard() {
        let mut s = String::new();
        row(&mut s, &["a\"b", "=cmd()", "x,y\nz"]);
        assert_eq!(s, "\"a\"\"b\",\"'=cmd()\",\"x,y\nz\"\r\n");
        let mut t = String::new();
        row_strs(&mut t, &Default::default());
        assert_eq!(t.matches(',').count(), 8);
    }

    #[test]
    fn sla_per_severity_from_the_scan_date() {
        let r = RuleReport {
            severity: "high".into(),
            result: crate::RuleStatus::Fail,
            ..RuleReport::default()
        };
        let today = NaiveDate::from_ymd_opt(2024, 2, 20).unwrap_or_default();
        let f = fields(&r, "s", today, &Sla::new(3, 10, 30, 90));
        assert_eq!(f[6], "2024-03-01");
        let f = fields(&r, "s", today, &Sla::default());
        assert_eq!(f[6], "2024-03-05");
        assert_eq!(Sla::default().days("critical"), 7);
        assert_eq!(Sla::default().days("unknown"), 14);
    }
}
