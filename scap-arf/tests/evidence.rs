//! The evidence formats on a scan with every kind of result: the linux-baseline fixture's
//! report with some results rewritten in memory (the committed oscap ARFs hold only `pass`
//! and `fail`), so each format is seen to keep `error`, `unknown` and `notchecked` out of the
//! findings and to say them where the format can.

use scap_arf::report::{Format, Options, ScanReport, hdf, oscal_ar, oscal_poam, poam, sarif};
use scap_arf::{Arf, RuleStatus};
use serde_json::Value;

fn mixed() -> ScanReport {
    let p = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/arf/linux-baseline-debian11-oscap-arf.xml"
    );
    let text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{p}: {e}"));
    let arf = Arf::parse(&text).unwrap_or_else(|e| panic!("{p}: {e}"));
    let mut r = ScanReport::from_arf(&arf).unwrap_or_else(|e| panic!("{p}: {e}"));
    // 8 rules: 3 fail, 5 pass. Turn three passes into error, notchecked, notapplicable.
    let passes: Vec<usize> = (0..r.rules.len())
        .filter(|i| r.rules[*i].result == RuleStatus::Pass)
        .collect();
    for (i, result) in passes.iter().zip([
        RuleStatus::Error,
        RuleStatus::NotChecked,
        RuleStatus::NotApplicable,
    ]) {
        r.rules[*i].result = result;
    }
    r.rules[passes[0]].messages = vec!["probe failed".into()];
    r
}

fn count(v: &Value) -> usize {
    v.as_array().map_or(0, Vec::len)
}

#[test]
fn findings_and_review_list_split_every_result() {
    let r = mixed();
    assert_eq!(r.findings().len(), 3);
    let review = r.needs_review();
    let results: Vec<RuleStatus> = review.iter().map(|x| x.result).collect();
    assert_eq!(results.len(), 2);
    assert!(results.contains(&RuleStatus::Error) && results.contains(&RuleStatus::NotChecked));
    assert!(review.iter().any(|x| x.reason == "probe failed"));
}

#[test]
fn every_poam_layout_and_the_json_list_only_failed_rules() -> scap_arf::Result<()> {
    let r = mixed();
    let o = Options::default();
    for layout in [poam::Layout::FedRamp, poam::Layout::Emass] {
        let csv = poam::render(&r, layout, &o);
        assert_eq!(csv.matches("\r\n").count(), 1 + 3, "{layout:?}");
    }
    let j: Value = serde_json::from_str(&r.to_json()?)?;
    assert_eq!(count(&j["poam"]), 3);
    assert_eq!(count(&j["needs_review"]), 2);
    Ok(())
}

#[test]
fn the_html_report_puts_findings_then_review_then_the_rest() {
    let html = scap_arf::report::html::render(&mixed());
    let at = |s: &str| html.find(s).unwrap_or_else(|| panic!("no {s}"));
    assert!(at("id=\"findings\"") < at("id=\"review\""));
    assert!(at("id=\"review\"") < at("id=\"other\""));
    let review = &html[at("id=\"review\"")..at("id=\"other\"")];
    assert_eq!(review.matches("<details class=\"rule\"").count(), 2);
    assert!(review.contains("probe failed"));
    let findings = &html[at("id=\"findings\"")..at("id=\"review\"")];
    assert_eq!(findings.matches("data-result=\"fail\"").count(), 3);
    assert_eq!(findings.matches("class=\"due\"").count(), 3);
}

#[test]
fn sarif_alerts_on_failures_and_notes_the_undecided() {
    let log = sarif::log(&mixed(), &Options::default());
    let run = &log["runs"][0];
    assert_eq!(count(&run["results"]), 3);
    // Notapplicable, error and notchecked rules are still described, not alerted.
    assert_eq!(count(&run["tool"]["driver"]["rules"]), 8);
    let notes = &run["invocations"][0]["toolExecutionNotifications"];
    assert_eq!(count(notes), 2);
    // The failing PASS_MAX_DAYS item names /etc/login.defs: a physical location.
    let uris: Vec<&str> = run["results"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|r| r["locations"].as_array().into_iter().flatten())
        .filter_map(|l| l["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .collect();
    assert_eq!(uris, ["etc/login.defs"]);
}

#[test]
fn hdf_maps_results_to_heimdall_statuses() {
    let doc = hdf::document(&mixed(), &Options::default());
    let controls = doc["profiles"][0]["controls"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let status = |s: &str| {
        controls
            .iter()
            .filter(|c| c["results"][0]["status"] == s)
            .count()
    };
    assert_eq!(
        (
            status("passed"),
            status("failed"),
            status("error"),
            status("skipped")
        ),
        (2, 3, 1, 2)
    );
    let na = controls.iter().filter(|c| c["impact"] == 0.0).count();
    assert_eq!(na, 1, "notapplicable has impact 0");
}

#[test]
fn oscal_has_a_finding_and_risk_per_failure_and_an_observation_per_rule() {
    let r = mixed();
    let ar = oscal_ar::document(&r, &Options::default());
    let result = &ar["assessment-results"]["results"][0];
    assert_eq!(count(&result["observations"]), 8);
    assert_eq!(count(&result["findings"]), 3);
    assert_eq!(count(&result["risks"]), 3);
    let p = oscal_poam::document(&r, &Options::default());
    let doc = &p["plan-of-action-and-milestones"];
    assert_eq!(count(&doc["poam-items"]), 3);
    // Every related UUID points at something the document holds.
    let risks: Vec<&Value> = doc["risks"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| &r["uuid"])
        .collect();
    for item in doc["poam-items"].as_array().into_iter().flatten() {
        assert!(risks.contains(&&item["related-risks"][0]["risk-uuid"]));
    }
    // The POA&M's UUIDs do not depend on the scan time; the assessment's do.
    let mut later = r.clone();
    later.test_result.start_time = Some("2027-01-01T00:00:00+00:00".into());
    let p2 = oscal_poam::document(&later, &Options::default());
    let ar2 = oscal_ar::document(&later, &Options::default());
    assert_eq!(p2["plan-of-action-and-milestones"]["uuid"], doc["uuid"]);
    assert_eq!(
        p2["plan-of-action-and-milestones"]["poam-items"][0]["uuid"],
        doc["poam-items"][0]["uuid"]
    );
    assert_ne!(
        ar2["assessment-results"]["uuid"],
        ar["assessment-results"]["uuid"]
    );
}

#[test]
fn every_format_renders_the_mixed_report() -> scap_arf::Result<()> {
    let r = mixed();
    for name in Format::NAMES {
        let mut out = Vec::new();
        Format::from_name(name)?.render(&r, &mut out)?;
        assert!(!out.is_empty(), "{name}");
        if Format::from_name(name)?.file_extension() == "json" {
            let _: Value = serde_json::from_slice(&out)?;
        }
    }
    Ok(())
}

#[test]
fn sarif_tags_are_a_set_even_when_references_repeat() {
    let mut r = mixed();
    let refs = scap_arf::report::refs::classify("NIST SP 800-53", "CM-6(a),CM-6(a),AC-12");
    r.rules[0].refs = refs;
    let log = sarif::log(&r, &Options::default());
    let tags = &log["runs"][0]["tool"]["driver"]["rules"][0]["properties"]["tags"];
    assert_eq!(tags, &serde_json::json!(["CM-6(a)", "AC-12"]));
}

/// The text of one part of an `.xlsx` (a zip archive).
fn xlsx_part(bytes: &[u8], name: &str) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .unwrap_or_else(|e| panic!("not a zip: {e}"));
    let mut part = zip
        .by_name(name)
        .unwrap_or_else(|e| panic!("no {name}: {e}"));
    let mut s = String::new();
    part.read_to_string(&mut s)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    s
}

#[test]
fn the_xlsx_poam_holds_the_csv_rows_and_the_review_sheet() -> scap_arf::Result<()> {
    let r = mixed();
    let o = Options::default();
    for (format, layout, sheet) in [
        (
            Format::PoamXlsx,
            poam::Layout::FedRamp,
            "Open POA&amp;M Items",
        ),
        (Format::PoamEmassXlsx, poam::Layout::Emass, "POA&amp;M"),
    ] {
        let mut bytes = Vec::new();
        format.render_with(&r, &o, &mut bytes)?;
        let book = xlsx_part(&bytes, "xl/workbook.xml");
        assert!(book.contains(&format!("name=\"{sheet}\"")), "{book}");
        assert!(book.contains("name=\"Needs manual review\""));
        // Rows: the header and one per failed rule; the review sheet: header and 2.
        let items = xlsx_part(&bytes, "xl/worksheets/sheet1.xml");
        assert_eq!(items.matches("<row ").count(), 1 + 3, "{format}");
        let review = xlsx_part(&bytes, "xl/worksheets/sheet2.xml");
        assert_eq!(review.matches("<row ").count(), 1 + 2, "{format}");
        // Every header and every POAM ID is a shared string of the workbook.
        let strings = xlsx_part(&bytes, "xl/sharedStrings.xml");
        for h in layout.columns() {
            let h = h.replace('&', "&amp;");
            assert!(strings.contains(&format!(">{h}<")), "{format}: header {h}");
        }
        for i in poam::items(&r, &o) {
            assert!(strings.contains(&i.poam_id), "{format}: {}", i.poam_id);
        }
    }
    Ok(())
}

#[test]
fn vulnerabilities_flow_into_the_poam_html_json_and_oscal() -> scap_arf::Result<()> {
    let mut r = mixed();
    let feed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/vulns/results-debian11.xml"
    ))
    .unwrap_or_default();
    assert_eq!(r.add_oval_vulnerabilities(&feed)?, 2);
    let o = Options::default();
    // 3 failed rules + CVE-2099-1000 in bash + CVE-2099-2000/2001 in libc6.
    let items = poam::items(&r, &o);
    assert_eq!(items.len(), 6);
    let csv = poam::render(&r, poam::Layout::FedRamp, &o);
    assert_eq!(csv.matches("\r\n\"SCAP-").count(), 6);
    assert!(csv.contains("\"CVE-2099-2001\""), "the CVE column");
    assert!(csv.contains("Upgrade libc6 to 0:2.31-13+deb11u99 or later."));
    let html = scap_arf::report::html::render(&r);
    assert!(html.contains("Findings <span class=\"n\">(6)</span>"));
    assert_eq!(html.matches("class=\"rule vuln\"").count(), 3);
    let back = ScanReport::from_json(&r.to_json()?)?;
    assert_eq!(back.vulnerabilities, r.vulnerabilities);
    let p = oscal_poam::document(&r, &o);
    let doc = &p["plan-of-action-and-milestones"];
    assert_eq!(count(&doc["poam-items"]), 6);
    assert_eq!(count(&doc["observations"]), 6);
    // The due date of the high USN item: 14 days after the scan (2026-11-22).
    let high = items.iter().find(|i| i.cves == ["CVE-2099-2000"]);
    assert_eq!(
        high.and_then(|i| i.due).map(|d| d.to_string()).as_deref(),
        Some("2026-12-06")
    );
    Ok(())
}

/// `mixed()` with the committed Debian/Ubuntu feed results added: 3 failed rules and 3
/// vulnerability items (CVE-2099-1000 in bash, CVE-2099-2000 and -2001 in libc6).
fn mixed_with_vulnerabilities() -> ScanReport {
    let mut r = mixed();
    let p = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/vulns/results-debian11.xml"
    );
    let feed = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{p}: {e}"));
    let n = r
        .add_oval_vulnerabilities(&feed)
        .unwrap_or_else(|e| panic!("{p}: {e}"));
    assert_eq!(n, 2);
    r
}

#[test]
fn vulnerabilities_are_sarif_results_with_package_versions_and_due_date() {
    let r = mixed_with_vulnerabilities();
    let log = sarif::log(&r, &Options::default());
    let run = &log["runs"][0];
    let results = run["results"].as_array().cloned().unwrap_or_default();
    let rules = &run["tool"]["driver"]["rules"];
    let cve: Vec<&Value> = results
        .iter()
        .filter(|x| x["ruleId"].as_str().is_some_and(|s| s.starts_with("CVE-")))
        .collect();
    assert_eq!((results.len(), cve.len()), (6, 3));
    for x in &cve {
        // Each result's index names its CVE's descriptor.
        let i = x["ruleIndex"].as_u64().unwrap_or(u64::MAX) as usize;
        assert_eq!(rules[i]["id"], x["ruleId"]);
        assert!(x["partialFingerprints"]["poamId/v1"].is_string());
    }
    let libc = cve
        .iter()
        .find(|x| x["ruleId"] == "CVE-2099-2001")
        .copied()
        .cloned()
        .unwrap_or_default();
    let p = &libc["properties"];
    assert_eq!(p["package"], "libc6");
    assert_eq!(p["installedVersion"], "0:2.31-13+deb11u11");
    assert_eq!(p["fixedVersion"], "0:2.31-13+deb11u99");
    // The USN is rated High, this CVE's own priority medium: the CVE's rating wins.
    assert_eq!(p["severity"], "medium");
    assert_eq!(p["due"], "2026-12-06"); // medium: 14 days after the scan of 2026-11-22
    assert_eq!(libc["level"], "warning");
    let locations = &libc["locations"][0]["logicalLocations"];
    assert_eq!(locations[1]["name"], "libc6");
    // Three CVEs, three descriptors after the 8 evaluated rules'.
    assert_eq!(count(rules), 8 + 3);
}

#[test]
fn vulnerabilities_are_failed_hdf_controls_with_cve_tags() {
    let r = mixed_with_vulnerabilities();
    let doc = hdf::document(&r, &Options::default());
    let controls = doc["profiles"][0]["controls"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let vulns: Vec<&Value> = controls
        .iter()
        .filter(|c| c["tags"]["cve"].as_array().is_some_and(|a| !a.is_empty()))
        .collect();
    assert_eq!(vulns.len(), 3);
    let bash = vulns
        .iter()
        .find(|c| c["id"] == "CVE-2099-1000:bash")
        .copied()
        .cloned()
        .unwrap_or_default();
    assert_eq!(bash["results"][0]["status"], "failed");
    assert_eq!(bash["tags"]["package"], "bash");
    assert_eq!(bash["tags"]["installed_version"], "0:5.1-2+deb11u1");
    assert_eq!(bash["tags"]["fixed_version"], "0:5.1-2+deb11u2");
    assert_eq!(bash["tags"]["nist"][0], "SI-2");
    // Debian gives no severity: unknown, impact 0.5 (HDF has no "unknown"), due after 14 days.
    assert_eq!(bash["impact"], 0.5);
    assert_eq!(bash["tags"]["due_date"], "2026-12-06");
}

#[test]
fn vulnerabilities_are_oscal_observations_risks_and_findings() {
    let r = mixed_with_vulnerabilities();
    let doc = oscal_ar::document(&r, &Options::default());
    let result = &doc["assessment-results"]["results"][0];
    // 8 evaluated rules + 3 vulnerability items; 3 failed rules + 3 vulnerabilities.
    assert_eq!(count(&result["observations"]), 8 + 3);
    assert_eq!(count(&result["findings"]), 3 + 3);
    assert_eq!(count(&result["risks"]), 3 + 3);
    let obs = result["observations"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let prop = |o: &Value, name: &str| -> Vec<String> {
        o["props"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["name"] == name)
            .filter_map(|p| p["value"].as_str().map(str::to_string))
            .collect()
    };
    let libc = obs
        .iter()
        .find(|o| prop(o, "cve-id") == ["CVE-2099-2000"])
        .cloned()
        .unwrap_or_default();
    assert_eq!(prop(&libc, "package"), ["libc6"]);
    assert_eq!(prop(&libc, "installed-version"), ["0:2.31-13+deb11u11"]);
    assert_eq!(prop(&libc, "fixed-version"), ["0:2.31-13+deb11u99"]);
    assert_eq!(prop(&libc, "severity"), ["high"]);
    assert_eq!(prop(&libc, "due-date"), ["2026-12-06"]);
    // Its finding points at it and at its risk, whose deadline is the due date.
    let uuid = libc["uuid"].clone();
    let finding = result["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["related-observations"][0]["observation-uuid"] == uuid)
        .cloned()
        .unwrap_or_default();
    assert_eq!(finding["target"]["target-id"], "si-2");
    let risk_uuid = finding["related-risks"][0]["risk-uuid"].clone();
    let risk = result["risks"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|x| x["uuid"] == risk_uuid)
        .cloned()
        .unwrap_or_default();
    assert_eq!(risk["deadline"], "2026-12-06T23:59:59Z");
}

/// Red Hat's advisory shape (feed-redhat.xml evaluated on an rpm tree by oval-eval; see
/// make-results-redhat.sh): each CVE gets its own rating's due date and its CVSS in the
/// details, in every format that lists vulnerabilities.
#[test]
fn red_hat_cves_get_their_own_severity_and_due_date() -> scap_arf::Result<()> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/vulns");
    let read = |f: &str| {
        std::fs::read_to_string(format!("{dir}/{f}")).unwrap_or_else(|e| panic!("{f}: {e}"))
    };
    let mut r = mixed();
    r.vulnerabilities
        .extend(scap_arf::report::vulns::from_definitions_and_results(
            &read("feed-redhat.xml"),
            &read("results-redhat-scap-rs.xml"),
        )?);
    let o = Options::default();
    let items = poam::items(&r, &o);
    let vulns: Vec<(&str, &str, String)> = items
        .iter()
        .filter(|i| i.kind == poam::ItemKind::Vulnerability)
        .map(|i| {
            let due = i.due.map(|d| d.to_string()).unwrap_or_default();
            (i.weakness_id.as_str(), i.severity.as_str(), due)
        })
        .collect();
    // Scanned 2026-11-22: critical due in 7 days, the others in 14; most urgent first.
    assert_eq!(
        vulns,
        [
            (
                "CVE-2099-3002:openssh-server",
                "critical",
                "2026-11-29".into()
            ),
            ("CVE-2099-3001:sudo", "high", "2026-12-06".into()),
            (
                "CVE-2099-3003:openssh-server",
                "medium",
                "2026-12-06".into()
            ),
        ]
    );
    let ssh = items
        .iter()
        .find(|i| i.weakness_id == "CVE-2099-3002:openssh-server")
        .map(|i| i.details.clone())
        .unwrap_or_default();
    assert!(ssh.contains("Advisories: RHSA-2099:0002"), "{ssh}");
    assert!(
        ssh.contains("CVSS v3 base score 9.8 (CVSS:3.1/AV:N/"),
        "{ssh}"
    );
    assert!(
        ssh.contains("installed 0:8.7p1-29.el9, fixed in 0:8.7p1-34.el9_3"),
        "{ssh}"
    );
    let log = sarif::log(&r, &o);
    let critical = log["runs"][0]["results"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|x| x["ruleId"] == "CVE-2099-3002")
        .cloned()
        .unwrap_or_default();
    assert_eq!(critical["level"], "error");
    assert_eq!(critical["properties"]["due"], "2026-11-29");
    Ok(())
}
