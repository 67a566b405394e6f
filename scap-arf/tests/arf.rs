//! ARF reading, writing and the reports made from it, on oscap-produced fixtures.

use std::path::PathBuf;

use scap_arf::report::{ScanReport, ckl, cklb, html, poam};
use scap_arf::status::ObjectFlag;
use scap_arf::{Arf, ArfInput, Asset, RuleStatus, write_arf};

fn fixture(name: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/arf")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

const CHROMIUM: &str = "ssg-chromium-stig-oscap-arf.xml";
const BASELINE: &str = "linux-baseline-debian11-oscap-arf.xml";
const NOTIFICATIONS: &str =
    "xccdf_org.ssgproject.content_rule_chromium_block_desktop_notifications";
const PLUGINS: &str = "xccdf_org.ssgproject.content_rule_chromium_default_block_plugins";
const MAX_AGE: &str = "xccdf_io.github.scap-rs_rule_accounts_maximum_age_login_defs";

/// The text of the element in `report` `id`'s content, from the ARF source.
fn report_text(text: &str, id: &str) -> String {
    let doc = roxmltree::Document::parse_with_options(
        text,
        roxmltree::ParsingOptions {
            nodes_limit: u32::MAX,
            ..Default::default()
        },
    )
    .expect("fixture parses");
    let report = doc
        .descendants()
        .find(|n| n.tag_name().name() == "report" && n.attribute("id") == Some(id))
        .expect("report present");
    let content = report
        .descendants()
        .find(|n| n.tag_name().name() == "content")
        .expect("content");
    let root = content.children().find(|n| n.is_element()).expect("root");
    text[root.range()].to_string()
}

#[test]
fn reads_oscap_arf() -> scap_arf::Result<()> {
    let text = fixture(CHROMIUM);
    let arf = Arf::parse(&text)?;
    assert_eq!(arf.assets.len(), 1);
    assert_eq!(arf.assets[0].id, "asset0");
    assert_eq!(arf.relationships.len(), 2);
    assert_eq!(
        arf.request_for("xccdf1").map(|r| r.id.as_str()),
        Some("collection1")
    );
    assert_eq!(
        arf.asset_for("xccdf1").map(|a| a.id.as_str()),
        Some("asset0")
    );
    assert_eq!(arf.test_results[0].report_id, "xccdf1");
    let tr = &arf.test_results[0].test_result;
    assert_eq!(
        tr.profile.as_deref(),
        Some("xccdf_org.ssgproject.content_profile_stig")
    );
    assert_eq!(tr.rule_results.len(), 37);
    assert_eq!(
        tr.rule_results
            .iter()
            .filter(|r| r.result == RuleStatus::Fail)
            .count(),
        31
    );
    let rr = tr
        .rule_results
        .iter()
        .find(|r| r.idref == PLUGINS)
        .expect("rule");
    let check_ref = &rr.checks[0].content_refs[0];
    assert_eq!(check_ref.href, "#oval0");
    let oval = arf.oval_report(&check_ref.href).expect("oval0");
    let name = check_ref.name.as_deref().expect("name");
    assert_eq!(
        oval.definition(name).map(|d| d.result.as_str()),
        Some("false")
    );
    assert_eq!(
        oval.objects["oval:ssg-object_chromium_default_block_plugins:obj:1"].flag,
        ObjectFlag::DoesNotExist
    );
    let ds = arf.data_stream().expect("data stream");
    assert!(ds.starts_with("<ds:data-stream-collection"));
    assert!(ds.ends_with("</ds:data-stream-collection>"));
    Ok(())
}

#[test]
fn report_joins_rules_results_and_oval_items() -> scap_arf::Result<()> {
    let arf = Arf::parse(&fixture(BASELINE))?;
    let r = ScanReport::from_arf(&arf)?;
    assert_eq!(
        (r.count(RuleStatus::Pass), r.count(RuleStatus::Fail)),
        (5, 3)
    );
    let rule = r.rules.iter().find(|x| x.id == MAX_AGE).expect("rule");
    assert_eq!(rule.result, RuleStatus::Fail);
    assert_eq!(rule.severity, "low");
    assert!(rule.title.contains("PASS_MAX_DAYS"));
    let t = &rule.oval[0].tests[0];
    assert_eq!(t.object_flag, Some(ObjectFlag::Complete));
    let item = &t.items[0];
    assert!(
        item.fields
            .contains(&("subexpression".to_string(), "99999".to_string()))
    );
    assert!(
        item.fields
            .contains(&("filepath".to_string(), "/etc/login.defs".to_string()))
    );
    // The failing value reaches every rendering.
    assert!(html::render(&r).contains("99999"));
    assert!(ckl::finding_details(rule).contains("subexpression = 99999"));
    // ... and what it was compared with.
    assert_eq!(
        t.variables,
        [(
            "oval:io.github.scap-rs:var:1".to_string(),
            "365".to_string()
        )]
    );
    assert!(ckl::finding_details(rule).contains("= 365"));
    Ok(())
}

#[test]
fn report_has_disa_ids_and_fix_scripts() -> scap_arf::Result<()> {
    let r = ScanReport::from_arf(&Arf::parse(&fixture(CHROMIUM))?)?;
    assert_eq!(
        r.benchmark.profile_title.as_deref(),
        Some("Upstream STIG for Google Chromium")
    );
    let n = r
        .rules
        .iter()
        .find(|x| x.id == NOTIFICATIONS)
        .expect("rule");
    assert_eq!(n.result, RuleStatus::Pass);
    assert_eq!(
        n.ids(scap_arf::report::refs::RefKind::StigId)
            .collect::<Vec<_>>(),
        ["DTBC0003"]
    );
    assert!(n.description.contains("DefaultNotificationsSetting"));
    assert!(
        n.fix_scripts[0]
            .script
            .contains("DefaultNotificationsSetting")
    );
    let p = r.rules.iter().find(|x| x.id == PLUGINS).expect("rule");
    assert_eq!(
        p.oval[0].tests[0].object_flag,
        Some(ObjectFlag::DoesNotExist)
    );
    Ok(())
}

#[test]
fn json_round_trips() -> scap_arf::Result<()> {
    let r = ScanReport::from_arf(&Arf::parse(&fixture(BASELINE))?)?;
    let j = r.to_json()?;
    assert_eq!(ScanReport::from_json(&j)?, r);
    let v: serde_json::Value = serde_json::from_str(&j)?;
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["counts"]["fail"], 3);
    Ok(())
}

#[test]
fn checklists_and_poam() -> scap_arf::Result<()> {
    let r = ScanReport::from_arf(&Arf::parse(&fixture(CHROMIUM))?)?;
    let x = ckl::render(&r);
    let doc = roxmltree::Document::parse(&x).expect("CKL is well-formed XML");
    let vulns: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("VULN"))
        .collect();
    assert_eq!(vulns.len(), 37);
    let status = |s: &str| {
        vulns
            .iter()
            .filter(|v| {
                v.children()
                    .any(|c| c.has_tag_name("STATUS") && c.text() == Some(s))
            })
            .count()
    };
    assert_eq!((status("Open"), status("NotAFinding")), (31, 6));
    let rule_ver = vulns[1]
        .children()
        .filter(|c| c.has_tag_name("STIG_DATA"))
        .find(|d| d.children().any(|c| c.text() == Some("Rule_Ver")))
        .and_then(|d| d.children().find(|c| c.has_tag_name("ATTRIBUTE_DATA")))
        .and_then(|c| c.text());
    assert_eq!(rule_ver, Some("DTBC0003"));

    let j: serde_json::Value = serde_json::from_str(&cklb::render(&r)?)?;
    let rules = j["stigs"][0]["rules"].as_array().expect("rules");
    assert_eq!(rules.iter().filter(|x| x["status"] == "open").count(), 31);
    assert_eq!(rules[1]["group_id"], "DTBC0003");

    let today = chrono::NaiveDate::from_ymd_opt(2030, 1, 1).expect("date");
    let options = scap_arf::report::Options::default().with_today(today);
    let csv = poam::render(&r, poam::Layout::FedRamp, &options);
    assert_eq!(csv.matches("\r\n").count(), 32);
    // Scheduled from the scan date (2026-11-22) plus 14 days for an unknown severity.
    assert!(csv.contains("\"2026-12-06\""));
    assert!(
        !csv.contains(NOTIFICATIONS),
        "a passing rule is not in the POA&M"
    );
    Ok(())
}

/// Rewrites the fixture's parts (data stream, TestResult, every OVAL results report) with our
/// writer.
fn rewritten(name: &str, asset: Asset) -> scap_arf::Result<String> {
    let text = fixture(name);
    let arf = Arf::parse(&text)?;
    let ds = arf.data_stream().expect("ds").to_string();
    let tr = report_text(&text, "xccdf1");
    let ovals: Vec<(String, String)> = arf
        .oval_results
        .iter()
        .map(|o| (o.report_id.clone(), report_text(&text, &o.report_id)))
        .collect();
    let mut input = ArfInput::new(asset, &ds, &tr);
    for (id, oval) in &ovals {
        input = input.with_oval(id.clone(), oval);
    }
    write_arf(&input)
}

fn sample_asset() -> Asset {
    let mut a = Asset::default();
    a.hostname = Some("vm".into());
    a.fqdn = Some("vm.example.org".into());
    a.ip_addresses = vec![
        "192.0.2.2".parse().expect("ip"),
        "fd00::2".parse().expect("ip"),
    ];
    a.mac_addresses = vec!["02:FC:00:00:00:01".into()];
    a
}

#[test]
fn written_arf_reads_back_the_same() -> scap_arf::Result<()> {
    let ours = rewritten(BASELINE, sample_asset())?;
    let theirs = Arf::parse(&fixture(BASELINE))?;
    let back = Arf::parse(&ours)?;
    assert_eq!(back.test_results, theirs.test_results);
    assert_eq!(back.oval_results, theirs.oval_results);
    assert_eq!(back.relationships, theirs.relationships);
    assert_eq!(back.data_stream(), theirs.data_stream());
    let mut want = sample_asset();
    want.id = "asset0".into();
    assert_eq!(back.assets, vec![want]);
    Ok(())
}

fn tool(cmd: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd}: {e}"))
}

fn write_temp(name: &str, text: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write temp file");
    p
}

#[test]
#[ignore = "needs xmllint and the OpenSCAP schemas (/usr/share/openscap/schemas)"]
fn written_arf_is_valid_against_the_xsd() -> scap_arf::Result<()> {
    let dir = std::env::var("SCAP_SCHEMA_DIR").unwrap_or("/usr/share/openscap/schemas".into());
    for name in [BASELINE, CHROMIUM] {
        let p = write_temp(&format!("ours-{name}"), &rewritten(name, sample_asset())?);
        let out = tool(
            "xmllint",
            &[
                "--noout",
                "--schema",
                &format!("{dir}/arf/1.1/asset-reporting-format_1.1.0.xsd"),
                p.to_str().expect("utf-8 path"),
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // The embedded TestResult against the XCCDF 1.2 schema too.
        let tr = write_temp(
            "tr.xml",
            &report_text(&std::fs::read_to_string(&p).expect("read"), "xccdf1"),
        );
        let out = tool(
            "xmllint",
            &[
                "--noout",
                "--schema",
                &format!("{dir}/xccdf/1.2/xccdf_1.2.xsd"),
                tr.to_str().expect("utf-8"),
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

#[test]
#[ignore = "needs oscap"]
fn oscap_accepts_written_arf() -> scap_arf::Result<()> {
    for name in [BASELINE, CHROMIUM] {
        let p = write_temp(&format!("oscap-{name}"), &rewritten(name, sample_asset())?);
        let p = p.to_str().expect("utf-8 path");
        let info = tool("oscap", &["info", p]);
        assert!(
            info.status.success(),
            "{}",
            String::from_utf8_lossy(&info.stderr)
        );
        assert!(String::from_utf8_lossy(&info.stdout).contains("Result Data Stream"));
        let v = tool("oscap", &["ds", "rds-validate", p]);
        assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stderr));
        let rep = tool("oscap", &["xccdf", "generate", "report", p]);
        assert!(
            rep.status.success(),
            "{}",
            String::from_utf8_lossy(&rep.stderr)
        );
        // oscap's report lists every rule result of our TestResult.
        let html = String::from_utf8_lossy(&rep.stdout);
        let arf = Arf::parse(&fixture(name))?;
        for rr in &arf.test_results[0].test_result.rule_results {
            assert!(
                html.contains(&rr.idref),
                "{} missing from oscap's report",
                rr.idref
            );
        }
    }
    Ok(())
}

/// `text` without its first `oval_definitions` element (as a results writer that does not
/// embed the definitions would write it).
fn without_definitions(text: &str) -> String {
    let doc = roxmltree::Document::parse(text).expect("OVAL results parse");
    let defs = doc
        .descendants()
        .find(|n| n.tag_name().name() == "oval_definitions")
        .expect("definitions embedded");
    let r = defs.range();
    format!("{}{}", &text[..r.start], &text[r.end..])
}

#[test]
fn results_without_definitions_take_tests_from_the_data_stream() -> scap_arf::Result<()> {
    let text = fixture(BASELINE);
    let arf = Arf::parse(&text)?;
    let ds = arf.data_stream().expect("ds").to_string();
    let tr = report_text(&text, "xccdf1");
    let oval = without_definitions(&report_text(&text, "oval0"));
    let ours = write_arf(&ArfInput::new(sample_asset(), &ds, &tr).with_oval("oval0", &oval))?;
    let back = Arf::parse(&ours)?;
    assert!(back.oval_results[0].test_info.is_empty());
    let r = ScanReport::from_arf(&back)?;
    let rule = r.rules.iter().find(|x| x.id == MAX_AGE).expect("rule");
    let t = &rule.oval[0].tests[0];
    assert_eq!(t.comment.as_deref(), Some("PASS_MAX_DAYS within limit"));
    assert_eq!(t.object_flag, Some(ObjectFlag::Complete));
    assert_eq!(rule.oval[0].title.as_deref(), Some("Passwords expire"));
    assert_eq!(r.target.hostname.as_deref(), Some("vm"));
    assert_eq!(r.target.ip_addresses, ["192.0.2.2", "fd00::2"]);
    Ok(())
}

/// oscap's ARF of the SSG RHEL 8 DISA STIG profile (on an empty tree: every rule is
/// notapplicable, which is quick) turned into a checklist: the DISA ids come from the rules'
/// references.
#[test]
#[ignore = "needs oscap and the ssg-* packages: scripts/corpus.sh"]
fn ssg_rhel8_stig_checklist_has_disa_ids() -> scap_arf::Result<()> {
    let dir = std::env::var("SCAP_SSG_DIR").unwrap_or("/usr/share/xml/scap/ssg/content".into());
    let ds = format!("{dir}/ssg-rhel8-ds.xml");
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let root = tmp.join("empty-root");
    std::fs::create_dir_all(&root).expect("temp root");
    let arf_path = tmp.join("rhel8-stig-arf.xml");
    let out = std::process::Command::new("oscap")
        .env("OSCAP_PROBE_ROOT", &root)
        .args([
            "xccdf",
            "eval",
            "--profile",
            "xccdf_org.ssgproject.content_profile_stig",
        ])
        .arg("--results-arf")
        .arg(&arf_path)
        .arg(&ds)
        .output()
        .expect("oscap runs");
    assert!(
        out.status.code().is_some_and(|c| c == 0 || c == 2),
        "oscap failed"
    );
    let text = std::fs::read_to_string(&arf_path).expect("ARF written");
    let r = ScanReport::from_arf(&Arf::parse(&text)?)?;
    let x = ckl::render(&r);
    let doc = roxmltree::Document::parse(&x).expect("CKL parses");
    let data = |v: roxmltree::Node<'_, '_>, attr: &str| -> Vec<String> {
        v.children()
            .filter(|c| c.has_tag_name("STIG_DATA"))
            .filter(|d| d.children().any(|c| c.text() == Some(attr)))
            .filter_map(|d| d.children().find(|c| c.has_tag_name("ATTRIBUTE_DATA")))
            .filter_map(|c| c.text().map(str::to_string))
            .collect()
    };
    let vulns: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("VULN"))
        .collect();
    assert!(vulns.len() > 300, "{} VULNs", vulns.len());
    let with_sv = vulns
        .iter()
        .filter(|v| data(**v, "Rule_ID").iter().any(|id| id.starts_with("SV-")))
        .count();
    let with_cci = vulns
        .iter()
        .filter(|v| !data(**v, "CCI_REF").is_empty())
        .count();
    let with_stig_id = vulns
        .iter()
        .filter(|v| {
            data(**v, "Rule_Ver")
                .iter()
                .any(|id| id.starts_with("RHEL-08-"))
        })
        .count();
    // SSG's STIG profile has a few rules without a DISA mapping; nearly all have one.
    assert!(
        with_sv * 10 > vulns.len() * 9,
        "{with_sv} of {} with SV- ids",
        vulns.len()
    );
    assert!(with_cci * 10 > vulns.len() * 9, "{with_cci} with CCIs");
    assert!(
        with_stig_id * 10 > vulns.len() * 9,
        "{with_stig_id} with RHEL-08 ids"
    );
    Ok(())
}
