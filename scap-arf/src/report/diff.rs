//! Comparing two scans of one asset: which rules changed result, which findings are new and
//! which were fixed ("what changed since the last scan of this image").
//!
//! Rules are matched by id. A finding is a rule that failed ([`RuleStatus::is_open`]):
//!
//! - new: it fails now and did not fail before (or was not in the earlier scan);
//! - fixed: it failed before and now passes, is fixed, or no longer applies (`pass`,
//!   `fixed`, `notapplicable`, `notselected`, `informational`);
//! - still open: it failed in both;
//! - undecided: it failed before and now needs review (`error`, `unknown`, `notchecked`):
//!   neither fixed nor open, so listed apart;
//! - changed: every rule in both scans whose result differs, whatever the words;
//! - CVEs opened and closed: vulnerabilities ([`super::vulns`]) by `CVE-ID:package`, when
//!   both reports have some (a report without any is taken as one no feed was evaluated
//!   for, so a scan whose every CVE was fixed shows no closures here).
//!
//! [`diff`] builds a [`Diff`]; [`Diff::to_text`] prints it for people, serde gives its JSON,
//! and the HTML report has it as a section when [`super::Options::previous`] is set.

use std::collections::HashMap;
use std::fmt::Write as _;

use quick_xml::escape::escape;
use serde::{Deserialize, Serialize};

use super::{RuleReport, RuleStatus, ScanReport, Severity};

/// One rule's results in the two scans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RuleChange {
    /// Rule id.
    pub id: String,
    /// Rule title (the later scan's when both have it).
    pub title: String,
    /// Severity (the later scan's when both have it).
    pub severity: String,
    /// The result in the earlier scan; `None` when it had no such rule.
    pub before: Option<RuleStatus>,
    /// The result in the later scan; `None` when it has no such rule.
    pub after: Option<RuleStatus>,
}

/// What changed between two scans (see the [module docs](self)).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Diff {
    /// The earlier scan's TestResult start time.
    pub before_time: Option<String>,
    /// The later scan's TestResult start time.
    pub after_time: Option<String>,
    /// Findings of the later scan that the earlier one did not have.
    pub new_findings: Vec<RuleChange>,
    /// Findings of the earlier scan that are now resolved.
    pub fixed_findings: Vec<RuleChange>,
    /// Findings in both scans.
    pub still_open: Vec<RuleChange>,
    /// Findings of the earlier scan whose check could not decide this time.
    pub undecided: Vec<RuleChange>,
    /// Every rule whose result differs (including rules only one scan has).
    pub changed: Vec<RuleChange>,
    /// Vulnerabilities (`CVE-ID:package`, [`super::vulns::Vulnerability::weakness_ids`])
    /// the later scan has and the earlier did not.
    #[serde(default)]
    pub cves_opened: Vec<String>,
    /// Vulnerabilities the earlier scan had and the later does not.
    #[serde(default)]
    pub cves_closed: Vec<String>,
}

fn change(id: &str, before: Option<&RuleReport>, after: Option<&RuleReport>) -> RuleChange {
    let either = after.or(before);
    RuleChange {
        id: id.to_string(),
        title: either.map(|r| r.title.clone()).unwrap_or_default(),
        severity: either.map(|r| r.severity.clone()).unwrap_or_default(),
        before: before.map(|r| r.result),
        after: after.map(|r| r.result),
    }
}

/// Compares scan `before` with the later scan `after`.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use scap_arf::report::{ScanReport, diff::diff};
/// use scap_arf::RuleStatus;
/// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"),
///     "/tests/fixtures/arf/linux-baseline-debian11-oscap-arf.xml"))?;
/// let before = ScanReport::from_arf(&scap_arf::Arf::parse(&text)?)?;
/// let mut after = before.clone();
/// let failed = after.findings()[0].id.clone();
/// after.rules.iter_mut().filter(|r| r.id == failed).for_each(|r| r.result = RuleStatus::Pass);
/// let d = diff(&before, &after);
/// assert_eq!(d.fixed_findings.len(), 1);
/// assert_eq!((d.new_findings.len(), d.still_open.len(), d.changed.len()), (0, 2, 1));
/// # Ok(()) }
/// ```
pub fn diff(before: &ScanReport, after: &ScanReport) -> Diff {
    let old: HashMap<&str, &RuleReport> = before.rules.iter().map(|r| (r.id.as_str(), r)).collect();
    let now: HashMap<&str, &RuleReport> = after.rules.iter().map(|r| (r.id.as_str(), r)).collect();
    let mut d = Diff {
        before_time: before.test_result.start_time.clone(),
        after_time: after.test_result.start_time.clone(),
        ..Diff::default()
    };
    // The later scan's order, then rules only the earlier scan has, in its order.
    let ids = after.rules.iter().map(|r| r.id.as_str()).chain(
        before
            .rules
            .iter()
            .map(|r| r.id.as_str())
            .filter(|id| !now.contains_key(id)),
    );
    for id in ids {
        let (b, a) = (old.get(id).copied(), now.get(id).copied());
        let c = change(id, b, a);
        let failed_before = c.before.is_some_and(RuleStatus::is_open);
        let fails_now = c.after.is_some_and(RuleStatus::is_open);
        match (failed_before, fails_now) {
            (false, true) => d.new_findings.push(c.clone()),
            (true, true) => d.still_open.push(c.clone()),
            (true, false) if c.after.is_some_and(RuleStatus::needs_review) => {
                d.undecided.push(c.clone())
            }
            // Gone from the later scan: not evaluated, so not known to be fixed.
            (true, false) if c.after.is_none() => d.undecided.push(c.clone()),
            (true, false) => d.fixed_findings.push(c.clone()),
            (false, false) => {}
        }
        if c.before != c.after {
            d.changed.push(c);
        }
    }
    let weaknesses = |r: &ScanReport| -> Vec<String> {
        let mut v: Vec<String> = r
            .vulnerabilities
            .iter()
            .flat_map(|x| x.weakness_ids())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let (was, is) = (weaknesses(before), weaknesses(after));
    // A report without vulnerabilities is taken as one no feed was evaluated for (an ARF
    // carries none): comparing it would call every CVE of the other scan opened or closed.
    if !was.is_empty() && !is.is_empty() {
        d.cves_opened = is.iter().filter(|w| !was.contains(w)).cloned().collect();
        d.cves_closed = was.iter().filter(|w| !is.contains(w)).cloned().collect();
    }
    for list in [
        &mut d.new_findings,
        &mut d.fixed_findings,
        &mut d.still_open,
        &mut d.undecided,
    ] {
        list.sort_by_key(|c| Severity::most_urgent_first(&c.severity));
    }
    d
}

fn word(r: Option<RuleStatus>) -> &'static str {
    r.map_or("(absent)", RuleStatus::as_str)
}

impl Diff {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.cves_opened.is_empty() && self.cves_closed.is_empty()
    }

    /// The comparison as pretty-printed JSON (its fields, as named here).
    ///
    /// ```
    /// use scap_arf::report::diff::Diff;
    /// let d: serde_json::Value = serde_json::from_str(&Diff::default().to_json()?)?;
    /// assert_eq!(d["new_findings"], serde_json::json!([]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_json(&self) -> crate::Result<String> {
        Ok(serde_json::to_string_pretty(self)?)
    }

    /// The comparison for people: counts, then each list, one rule a line.
    ///
    /// ```
    /// use scap_arf::report::diff::Diff;
    /// assert!(Diff::default().to_text().contains("0 new findings, 0 fixed"));
    /// ```
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{} -> {}: {} new findings, {} fixed, {} still open, {} no longer decided, {} rules changed result, {} CVEs opened, {} closed",
            self.before_time.as_deref().unwrap_or("earlier scan"),
            self.after_time.as_deref().unwrap_or("later scan"),
            self.new_findings.len(),
            self.fixed_findings.len(),
            self.still_open.len(),
            self.undecided.len(),
            self.changed.len(),
            self.cves_opened.len(),
            self.cves_closed.len()
        );
        for (name, list) in [
            ("CVEs opened", &self.cves_opened),
            ("CVEs closed", &self.cves_closed),
        ] {
            if !list.is_empty() {
                let _ = writeln!(s, "\n{name}:");
                for w in list {
                    let _ = writeln!(s, "  {w}");
                }
            }
        }
        for (name, list) in [
            ("New findings", &self.new_findings),
            ("Fixed", &self.fixed_findings),
            ("No longer decided (needs review)", &self.undecided),
            ("Changed result", &self.changed),
        ] {
            if list.is_empty() {
                continue;
            }
            let _ = writeln!(s, "\n{name}:");
            for c in list {
                let _ = writeln!(
                    s,
                    "  {:<8} {:>13} -> {:<13} {}  {}",
                    c.severity,
                    word(c.before),
                    word(c.after),
                    c.id,
                    c.title
                );
            }
        }
        s
    }
}

/// The "what changed" section of the HTML report.
pub(crate) fn html_section(o: &mut String, d: &Diff) {
    let _ = write!(
        o,
        "<section id=\"changes\"><h2>What changed since the last scan <span class=\"n\">({} new, {} fixed, {} still open, {} no longer decided)</span></h2>",
        d.new_findings.len(),
        d.fixed_findings.len(),
        d.still_open.len(),
        d.undecided.len()
    );
    let _ = write!(
        o,
        "<p>Compared with the scan started {}.</p>",
        escape(d.before_time.as_deref().unwrap_or("(unknown time)"))
    );
    for (name, list) in [
        ("CVEs opened", &d.cves_opened),
        ("CVEs closed", &d.cves_closed),
    ] {
        if !list.is_empty() {
            let _ = write!(o, "<p>{name}: <code>{}</code></p>", escape(list.join(", ")));
        }
    }
    if d.changed.is_empty() {
        o.push_str("<p class=\"none\">No rule changed result.</p></section>\n");
        return;
    }
    o.push_str("<table class=\"changes\"><tr><th>Change</th><th>Severity</th><th>Before</th><th>Now</th><th>Rule</th></tr>");
    for (kind, list) in [
        ("new finding", &d.new_findings),
        ("fixed", &d.fixed_findings),
        ("no longer decided", &d.undecided),
    ] {
        for c in list {
            let _ = write!(
                o,
                "<tr><td>{kind}</td><td>{}</td><td>{}</td><td>{}</td><td>{} <code>{}</code></td></tr>",
                escape(&c.severity),
                word(c.before),
                word(c.after),
                escape(&c.title),
                escape(&c.id)
            );
        }
    }
    // Other changes (pass -> notapplicable, ...) are counted, not listed: they are no
    // finding's story.
    let listed = d.new_findings.len() + d.fixed_findings.len() + d.undecided.len();
    let other = d.changed.len().saturating_sub(listed);
    if other > 0 {
        let _ = write!(
            o,
            "<tr><td colspan=\"5\">{other} other rules changed result (neither before nor now a finding)</td></tr>"
        );
    }
    o.push_str("</table></section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(id: &str, result: RuleStatus) -> RuleReport {
        RuleReport {
            id: id.into(),
            title: id.into(),
            result,
            severity: "medium".into(),
            ..RuleReport::default()
        }
    }

    fn report(rules: Vec<RuleReport>) -> ScanReport {
        ScanReport {
            schema_version: crate::report::SCHEMA_VERSION,
            benchmark: Default::default(),
            test_result: Default::default(),
            target: Default::default(),
            scores: Vec::new(),
            counts: Default::default(),
            rules,
            vulnerabilities: Vec::new(),
        }
    }

    fn ids(v: &[RuleChange]) -> Vec<&str> {
        v.iter().map(|c| c.id.as_str()).collect()
    }

    #[test]
    fn every_transition_is_classified() {
        use scap_xccdf::XccdfResult::*;
        let before = report(vec![
            rule("fixed", Fail),
            rule("open", Fail),
            rule("new", Pass),
            rule("err", Fail),
            rule("gone", Fail),
            rule("na", Pass),
            rule("same", Pass),
        ]);
        let after = report(vec![
            rule("fixed", Pass),
            rule("open", Fail),
            rule("new", Fail),
            rule("err", Error),
            rule("na", NotApplicable),
            rule("same", Pass),
            rule("added", Fail),
        ]);
        let d = diff(&before, &after);
        assert_eq!(ids(&d.new_findings), ["new", "added"]);
        assert_eq!(ids(&d.fixed_findings), ["fixed"]);
        assert_eq!(ids(&d.still_open), ["open"]);
        assert_eq!(ids(&d.undecided), ["err", "gone"]);
        assert_eq!(
            ids(&d.changed),
            ["fixed", "new", "err", "na", "added", "gone"]
        );
        let text = d.to_text();
        assert!(text.contains("2 new findings, 1 fixed, 1 still open, 2 no longer decided"));
        assert!(text.contains("(absent) -> fail"));
        let mut html = String::new();
        html_section(&mut html, &d);
        assert!(html.contains("1 other rules changed result"));
        let back: Diff = serde_json::from_str(&serde_json::to_string(&d).unwrap_or_default())
            .unwrap_or_default();
        assert_eq!(back, d);
    }

    #[test]
    fn a_scan_compared_with_itself_has_no_changes() {
        let r = report(vec![
            rule("a", RuleStatus::Fail),
            rule("b", RuleStatus::Pass),
        ]);
        let d = diff(&r, &r);
        assert!(d.is_empty());
        assert_eq!(ids(&d.still_open), ["a"]);
    }

    #[test]
    fn cves_opened_and_closed_by_cve_and_package() {
        use crate::report::vulns::{AffectedPackage, Vulnerability};
        let vuln = |cve: &str, pkg: &str| Vulnerability {
            cves: vec![cve.into()],
            packages: vec![AffectedPackage {
                name: pkg.into(),
                ..AffectedPackage::default()
            }],
            ..Vulnerability::default()
        };
        let mut before = report(vec![]);
        before.vulnerabilities = vec![vuln("CVE-1", "a"), vuln("CVE-2", "b")];
        let mut after = report(vec![]);
        after.vulnerabilities = vec![vuln("CVE-2", "b"), vuln("CVE-3", "c")];
        let d = diff(&before, &after);
        assert_eq!(
            (d.cves_opened.as_slice(), d.cves_closed.as_slice()),
            (&["CVE-3:c".to_string()][..], &["CVE-1:a".to_string()][..])
        );
        assert!(!d.is_empty());
        assert!(d.to_text().contains("1 CVEs opened, 1 closed"));
        // Against a report with no feed results, nothing is compared.
        let d = diff(&report(vec![]), &after);
        assert!(d.cves_opened.is_empty() && d.is_empty());
    }
}
