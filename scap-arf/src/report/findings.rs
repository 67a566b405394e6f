//! What the scan found, split the way an assessor reads it: open findings (rules that
//! failed), and the checks the scan could not decide, which need a person ("needs manual
//! review").
//!
//! A rule whose result is `error`, `unknown` or `notchecked` says nothing about the target's
//! weakness: the check did not run or could not finish. Listing it as a POA&M item would
//! report a weakness nobody found; dropping it would hide a gap in the assessment. So it goes
//! to its own list ([`ScanReport::needs_review`]), beside the findings
//! ([`ScanReport::findings`]), in the HTML report, the JSON and every POA&M preset's caller.

use serde::{Deserialize, Serialize};

use super::{RuleReport, RuleStatus, ScanReport, Severity};

/// A rule the scan could not decide, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReviewItem {
    /// Rule id.
    pub id: String,
    /// Rule title.
    pub title: String,
    /// `error`, `unknown` or `notchecked`.
    pub result: RuleStatus,
    /// The rule's severity.
    pub severity: String,
    /// Why: the rule result's messages, else what the result word means.
    pub reason: String,
}

impl ReviewItem {
    fn of(rule: &RuleReport) -> ReviewItem {
        let reason = if rule.messages.is_empty() {
            match rule.result {
                RuleStatus::Error => "the check could not complete (no message given)",
                RuleStatus::NotChecked => "no automated check ran for this rule",
                _ => "the check could not decide (no message given)",
            }
            .to_string()
        } else {
            rule.messages.join("\n")
        };
        ReviewItem {
            id: rule.id.clone(),
            title: rule.title.clone(),
            result: rule.result,
            severity: rule.severity.clone(),
            reason,
        }
    }
}

impl ScanReport {
    /// The open findings: rules that failed, most severe first (TestResult order within a
    /// severity). These, and only these, are POA&M items.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"),
    ///     "/tests/fixtures/arf/linux-baseline-debian11-oscap-arf.xml"))?;
    /// let report = scap_arf::report::ScanReport::from_arf(&scap_arf::Arf::parse(&text)?)?;
    /// let findings = report.findings();
    /// assert_eq!(findings.len(), report.count(scap_arf::RuleStatus::Fail));
    /// assert!(findings.windows(2).all(|w| {
    ///     use scap_arf::report::Severity;
    ///     Severity::parse(&w[0].severity) >= Severity::parse(&w[1].severity)
    /// }));
    /// # Ok(()) }
    /// ```
    pub fn findings(&self) -> Vec<&RuleReport> {
        let mut v: Vec<&RuleReport> = self.rules.iter().filter(|r| r.is_open()).collect();
        // A stable sort keeps the TestResult order within one severity.
        v.sort_by_key(|r| Severity::most_urgent_first(&r.severity));
        v
    }

    /// The rules that need manual review: `error`, `unknown` and `notchecked` results, most
    /// severe first, each with its reason.
    ///
    /// ```
    /// use scap_arf::report::ScanReport;
    /// use scap_arf::RuleStatus;
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"),
    ///     "/tests/fixtures/arf/linux-baseline-debian11-oscap-arf.xml"))?;
    /// let mut report = ScanReport::from_arf(&scap_arf::Arf::parse(&text)?)?;
    /// assert!(report.needs_review().is_empty()); // the fixture only has pass and fail
    /// report.rules[0].result = RuleStatus::Error;
    /// report.rules[0].messages = vec!["probe failed".into()];
    /// let review = report.needs_review();
    /// assert_eq!((review.len(), review[0].reason.as_str()), (1, "probe failed"));
    /// assert!(report.findings().iter().all(|f| f.id != review[0].id));
    /// # Ok(()) }
    /// ```
    pub fn needs_review(&self) -> Vec<ReviewItem> {
        let mut v: Vec<ReviewItem> = self
            .rules
            .iter()
            .filter(|r| r.result.needs_review())
            .map(ReviewItem::of)
            .collect();
        v.sort_by_key(|r| Severity::most_urgent_first(&r.severity));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(id: &str, result: RuleStatus, severity: &str) -> RuleReport {
        RuleReport {
            id: id.into(),
            title: id.into(),
            result,
            severity: severity.into(),
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

    #[test]
    fn every_result_lands_in_exactly_one_place() {
        let rules: Vec<RuleReport> = RuleStatus::ALL
            .iter()
            .map(|r| rule(r.as_str(), *r, "medium"))
            .collect();
        let r = report(rules);
        let f: Vec<&str> = r.findings().iter().map(|x| x.id.as_str()).collect();
        let v: Vec<String> = r.needs_review().into_iter().map(|x| x.id).collect();
        assert_eq!(f, ["fail"]);
        assert_eq!(v, ["error", "unknown", "notchecked"]);
    }

    #[test]
    fn findings_sort_by_severity_keeping_scan_order() {
        let r = report(vec![
            rule("a", RuleStatus::Fail, "low"),
            rule("b", RuleStatus::Fail, "high"),
            rule("c", RuleStatus::Fail, "unknown"),
            rule("d", RuleStatus::Fail, "high"),
            rule("e", RuleStatus::Pass, "high"),
        ]);
        let f: Vec<&str> = r.findings().iter().map(|x| x.id.as_str()).collect();
        assert_eq!(f, ["b", "d", "a", "c"]);
    }

    #[test]
    fn a_review_item_without_messages_says_what_its_result_means() {
        let r = report(vec![rule("n", RuleStatus::NotChecked, "low")]);
        assert!(r.needs_review()[0].reason.contains("no automated check"));
    }
}
