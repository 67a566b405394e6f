//! DISA STIG Viewer 2 checklists (`.ckl`, XML): one `iSTIG` with a `VULN` per rule result.
//!
//! STIG Viewer's own fields come from the rule: `Rule_ID` from an `SV-..._rule` reference
//! (else the XCCDF rule id), `Rule_Ver` from the STIG id reference (else the rule's
//! `version`), `Vuln_Num` from the STIG rule number (`SV-230221r..` gives `V-230221`; else the
//! STIG id; else the rule id), `CCI_REF` from CCI references. `STATUS` maps the XCCDF result:
//! pass/fixed: `NotAFinding`; fail: `Open`; notapplicable: `Not_Applicable`; anything else:
//! `Not_Reviewed`; `notselected` rules are not in the checklist. `FINDING_DETAILS` lists the OVAL tests, objects and item values.
//! STIG Viewer only knows the severities high, medium and low: any other is written `medium`.

use std::fmt::Write as _;

use quick_xml::escape::escape;

use super::refs::RefKind;
use super::{RuleReport, RuleStatus, ScanReport, Severity};
use crate::status::{ItemStatus, OvalResult};

/// The longest entity value quoted in finding details (longer ones end in "...").
const MAX_VALUE: usize = 2000;

/// STIG Viewer 2 `STATUS` for an XCCDF result.
///
/// ```
/// use scap_arf::report::{ckl::status, RuleStatus};
/// assert_eq!(status(RuleStatus::Fail), "Open");
/// assert_eq!(status(RuleStatus::Pass), "NotAFinding");
/// assert_eq!(status(RuleStatus::NotChecked), "Not_Reviewed");
/// ```
pub fn status(result: RuleStatus) -> &'static str {
    match result {
        RuleStatus::Pass | RuleStatus::Fixed => "NotAFinding",
        RuleStatus::Fail => "Open",
        RuleStatus::NotApplicable => "Not_Applicable",
        // error, unknown, notchecked, notselected, informational, and any result a later
        // XCCDF adds: nobody has reviewed it.
        _ => "Not_Reviewed",
    }
}

/// Whether a rule belongs in a checklist: every rule of the profile (oscap also reports
/// the benchmark's unselected rules, as `notselected`; those are left out).
pub fn in_checklist(r: &RuleReport) -> bool {
    r.result != RuleStatus::NotSelected
}

/// The severity STIG Viewer accepts.
pub(crate) fn severity(s: &str) -> &'static str {
    // STIG Viewer knows three CAT levels: critical (feeds only) is CAT I; info and unknown
    // stay at the middle one, as before this used `Severity`.
    match Severity::parse(s) {
        Severity::Critical | Severity::High => "high",
        Severity::Low => "low",
        _ => "medium",
    }
}

/// `SV-230221r743913_rule` or the XCCDF rule id.
pub(crate) fn rule_id(r: &RuleReport) -> String {
    r.ids(RefKind::StigRule).next().unwrap_or(&r.id).to_string()
}

/// The STIG id (`RHEL-08-010010`) or the rule's version.
pub(crate) fn rule_ver(r: &RuleReport) -> String {
    r.ids(RefKind::StigId)
        .next()
        .map(str::to_string)
        .or_else(|| r.version.clone())
        .unwrap_or_default()
}

/// `V-230221` from `SV-230221r743913_rule`, else the STIG id, else the rule id.
pub(crate) fn vuln_num(r: &RuleReport) -> String {
    if let Some(sv) = r.ids(RefKind::StigRule).next() {
        let digits: String = sv
            .trim_start_matches("SV-")
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if !digits.is_empty() {
            return format!("V-{digits}");
        }
    }
    let v = rule_ver(r);
    if v.is_empty() { r.id.clone() } else { v }
}

/// The check text: the OVAL definition(s) the rule ran.
pub(crate) fn check_content(r: &RuleReport) -> String {
    let mut s = String::new();
    if let Some(c) = &r.check {
        let _ = write!(s, "Automated check ({})", c.system);
        if let Some(n) = &c.name {
            let _ = write!(s, ": {n}");
        }
    }
    for d in &r.oval {
        if let Some(t) = &d.title {
            let _ = write!(s, "\n{}: {t}", d.definition_id);
        }
    }
    s
}

fn clip(v: &str) -> String {
    if v.chars().count() <= MAX_VALUE {
        return v.to_string();
    }
    let mut s: String = v.chars().take(MAX_VALUE).collect();
    s.push_str("...");
    s
}

/// What the scan found for a rule, in words: result, OVAL tests, objects and items.
///
/// ```
/// let r = scap_arf::report::RuleReport::default();
/// assert!(scap_arf::report::ckl::finding_details(&r).starts_with("XCCDF result"));
/// ```
pub fn finding_details(r: &RuleReport) -> String {
    let mut s = format!("XCCDF result: {}", r.result);
    for m in &r.messages {
        let _ = write!(s, "\nMessage: {m}");
    }
    for d in &r.oval {
        let _ = write!(s, "\nOVAL definition {}: {}", d.definition_id, d.result);
        for t in &d.tests {
            let _ = write!(
                s,
                "\n  Test {} ({}): {}",
                t.id,
                t.comment.as_deref().unwrap_or(""),
                t.result.map_or("", OvalResult::as_str)
            );
            if let (Some(o), Some(f)) = (&t.object_id, &t.object_flag) {
                let _ = write!(s, "\n    Object {o}: {f}");
            }
            for (id, value) in &t.variables {
                let _ = write!(s, "\n    Compared with variable {id} = {}", clip(value));
            }
            for i in &t.items {
                let _ = write!(
                    s,
                    "\n    Item {} {} ({}): {}",
                    i.kind,
                    i.id,
                    i.status.map_or("", ItemStatus::as_str),
                    i.result.map_or("", OvalResult::as_str)
                );
                for (k, v) in &i.fields {
                    let _ = write!(s, "\n      {k} = {}", clip(v));
                }
            }
        }
    }
    s
}

fn data(o: &mut String, attr: &str, value: &str) {
    let _ = write!(
        o,
        "\t\t\t\t<STIG_DATA>\n\t\t\t\t\t<VULN_ATTRIBUTE>{attr}</VULN_ATTRIBUTE>\n\t\t\t\t\t<ATTRIBUTE_DATA>{}</ATTRIBUTE_DATA>\n\t\t\t\t</STIG_DATA>\n",
        escape(value)
    );
}

fn si(o: &mut String, name: &str, value: &str) {
    let _ = write!(
        o,
        "\t\t\t\t<SI_DATA>\n\t\t\t\t\t<SID_NAME>{name}</SID_NAME>\n\t\t\t\t\t<SID_DATA>{}</SID_DATA>\n\t\t\t\t</SI_DATA>\n",
        escape(value)
    );
}

/// Renders a STIG Viewer 2 checklist.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"),
///     "/tests/fixtures/arf/ssg-chromium-stig-oscap-arf.xml"))?;
/// let report = scap_arf::report::ScanReport::from_arf(&scap_arf::Arf::parse(&text)?)?;
/// let ckl = scap_arf::report::ckl::render(&report);
/// assert_eq!(ckl.matches("<STATUS>Open</STATUS>").count(), 31);
/// # Ok(()) }
/// ```
pub fn render(r: &ScanReport) -> String {
    let mut o = String::with_capacity(r.rules.len() * 4096 + 4096);
    o.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!--DISA STIG Viewer :: 2.17-->\n<CHECKLIST>\n\t<ASSET>\n\t\t<ROLE>None</ROLE>\n\t\t<ASSET_TYPE>Computing</ASSET_TYPE>\n\t\t<MARKING>CUI</MARKING>\n");
    let t = &r.target;
    let _ = write!(
        o,
        "\t\t<HOST_NAME>{}</HOST_NAME>\n\t\t<HOST_IP>{}</HOST_IP>\n\t\t<HOST_MAC>{}</HOST_MAC>\n\t\t<HOST_FQDN>{}</HOST_FQDN>\n",
        escape(t.hostname.as_deref().unwrap_or("")),
        escape(t.ip_addresses.first().map(String::as_str).unwrap_or("")),
        escape(t.mac_addresses.first().map(String::as_str).unwrap_or("")),
        escape(t.fqdn.as_deref().unwrap_or(""))
    );
    // STIG Viewer's free-text target comment: where the platform facts have a place.
    let _ = writeln!(
        o,
        "\t\t<TARGET_COMMENT>{}</TARGET_COMMENT>",
        escape(r.target.platform_summary().as_str())
    );
    o.push_str("\t\t<TECH_AREA></TECH_AREA>\n\t\t<TARGET_KEY></TARGET_KEY>\n\t\t<WEB_OR_DATABASE>false</WEB_OR_DATABASE>\n\t\t<WEB_DB_SITE></WEB_DB_SITE>\n\t\t<WEB_DB_INSTANCE></WEB_DB_INSTANCE>\n\t</ASSET>\n\t<STIGS>\n\t\t<iSTIG>\n\t\t\t<STIG_INFO>\n");
    let b = &r.benchmark;
    si(&mut o, "version", b.version.as_deref().unwrap_or(""));
    si(&mut o, "classification", "UNCLASSIFIED");
    si(&mut o, "customname", "");
    si(&mut o, "stigid", &b.id);
    si(
        &mut o,
        "description",
        b.profile_title.as_deref().unwrap_or(""),
    );
    si(&mut o, "filename", "");
    si(
        &mut o,
        "releaseinfo",
        &format!(
            "Scanned {}",
            r.test_result.start_time.as_deref().unwrap_or("")
        ),
    );
    si(&mut o, "title", b.title.as_deref().unwrap_or(&b.id));
    si(&mut o, "uuid", &super::cklb::uuid_from(&b.id));
    si(&mut o, "notice", "terms-of-use");
    si(&mut o, "source", b.profile_id.as_deref().unwrap_or(""));
    o.push_str("\t\t\t</STIG_INFO>\n");
    for rule in r.rules.iter().filter(|x| in_checklist(x)) {
        o.push_str("\t\t\t<VULN>\n");
        data(&mut o, "Vuln_Num", &vuln_num(rule));
        data(&mut o, "Severity", severity(&rule.severity));
        data(
            &mut o,
            "Group_Title",
            rule.ids(RefKind::Srg).next().unwrap_or(&rule.title),
        );
        data(&mut o, "Rule_ID", &rule_id(rule));
        data(&mut o, "Rule_Ver", &rule_ver(rule));
        data(&mut o, "Rule_Title", &rule.title);
        data(&mut o, "Vuln_Discuss", &rule.description);
        data(&mut o, "IA_Controls", "");
        data(&mut o, "Check_Content", &check_content(rule));
        let fix = if rule.fix_text.is_empty() {
            rule.fix_scripts
                .first()
                .map(|f| f.script.as_str())
                .unwrap_or("")
        } else {
            &rule.fix_text
        };
        data(&mut o, "Fix_Text", fix);
        for a in ["False_Positives", "False_Negatives"] {
            data(&mut o, a, "");
        }
        data(&mut o, "Documentable", "false");
        for a in [
            "Mitigations",
            "Potential_Impact",
            "Third_Party_Tools",
            "Mitigation_Control",
            "Responsibility",
            "Security_Override_Guidance",
        ] {
            data(&mut o, a, "");
        }
        data(
            &mut o,
            "Check_Content_Ref",
            rule.check
                .as_ref()
                .and_then(|c| c.name.as_deref())
                .unwrap_or("M"),
        );
        data(&mut o, "Weight", "10.0");
        data(&mut o, "Class", "Unclass");
        data(&mut o, "STIGRef", b.title.as_deref().unwrap_or(&b.id));
        data(&mut o, "TargetKey", "");
        data(&mut o, "STIG_UUID", &super::cklb::uuid_from(&b.id));
        data(&mut o, "LEGACY_ID", "");
        for cci in rule.ids(RefKind::Cci) {
            data(&mut o, "CCI_REF", cci);
        }
        let _ = write!(
            o,
            "\t\t\t\t<STATUS>{}</STATUS>\n\t\t\t\t<FINDING_DETAILS>{}</FINDING_DETAILS>\n\t\t\t\t<COMMENTS>{}</COMMENTS>\n\t\t\t\t<SEVERITY_OVERRIDE></SEVERITY_OVERRIDE>\n\t\t\t\t<SEVERITY_JUSTIFICATION></SEVERITY_JUSTIFICATION>\n\t\t\t</VULN>\n",
            status(rule.result),
            escape(finding_details(rule).as_str()),
            escape(format!("XCCDF rule {}", rule.id).as_str())
        );
    }
    o.push_str("\t\t</iSTIG>\n\t</STIGS>\n</CHECKLIST>\n");
    o
}

/// [`render`] to a writer: what [`super::Format::Ckl`] writes.
pub(crate) fn write(r: &ScanReport, out: &mut dyn std::io::Write) -> crate::Result<()> {
    Ok(out.write_all(render(r).as_bytes())?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::refs::classify;

    #[test]
    fn disa_ids_come_from_references() {
        let mut r = RuleReport {
            id: "xccdf_x_rule_a".into(),
            ..RuleReport::default()
        };
        assert_eq!(vuln_num(&r), "xccdf_x_rule_a");
        r.refs.extend(classify(
            "https://public.cyber.mil/stigs/downloads/?x",
            "RHEL-08-010010",
        ));
        assert_eq!(vuln_num(&r), "RHEL-08-010010");
        r.refs.extend(classify(
            "https://public.cyber.mil/stigs/srg-stig-tools/",
            "SV-230221r743913_rule",
        ));
        assert_eq!(vuln_num(&r), "V-230221");
        assert_eq!(rule_id(&r), "SV-230221r743913_rule");
        assert_eq!(rule_ver(&r), "RHEL-08-010010");
    }

    #[test]
    fn notselected_rules_are_left_out() {
        let rule = |id: &str, result: RuleStatus| RuleReport {
            id: id.into(),
            result,
            ..RuleReport::default()
        };
        let mut counts = std::collections::BTreeMap::new();
        counts.insert(RuleStatus::Fail, 1);
        counts.insert(RuleStatus::NotSelected, 1);
        let r = ScanReport {
            schema_version: crate::report::SCHEMA_VERSION,
            benchmark: Default::default(),
            test_result: Default::default(),
            target: Default::default(),
            scores: Vec::new(),
            counts,
            rules: vec![
                rule("in", RuleStatus::Fail),
                rule("out", RuleStatus::NotSelected),
            ],
            vulnerabilities: Vec::new(),
        };
        let x = render(&r);
        assert_eq!(x.matches("<VULN>").count(), 1);
        assert!(x.contains("XCCDF rule in<"));
        let cklb = crate::report::cklb::checklist(&r);
        assert_eq!(cklb.stigs[0].size, 1);
    }

    #[test]
    fn long_values_are_clipped_on_a_char_boundary() {
        let v = "é".repeat(MAX_VALUE + 5);
        let c = clip(&v);
        assert!(c.ends_with("..."));
        assert_eq!(c.chars().count(), MAX_VALUE + 3);
    }
}
