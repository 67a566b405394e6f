//! The report a scan builds from its typed results (`ScanOutcome::report`) must be the report
//! read back from the ARF the same scan writes (`ScanReport::from_arf`): the two paths share the
//! join, so any difference is in how the typed results are turned into the report's view of
//! the TestResult and the OVAL results. Checked on the bundled baseline (an exported value,
//! scores, a failing and a passing host) and Chainguard's STIG on a Wolfi-like tree, with every kind of OVAL results content.
#![allow(clippy::unwrap_used)] // test helpers: a failure is a test failure

use std::path::Path;

use scap::{Content, Scan};
use scap_arf::Arf;
use scap_arf::report::ScanReport;
use scap_oval::results::Content as OvalContent;
use scap_probe::{FileType, MemoryTarget, Metadata, RootFs, Target};

const BASELINE: &str = include_str!("fixtures/linux-baseline-ds.xml");

fn both_ways_agree(content: &Content, profile: Option<&str>, target: &dyn Target) -> ScanReport {
    let mut scan = Scan::new(content);
    if let Some(p) = profile {
        scan = scan.profile(p).unwrap();
    }
    let outcome = scan.run(target).unwrap();
    // The TestResult model built from the results is the one read from the written document.
    let written = outcome.test_result();
    let read = scap_xccdf::TestResult::parse_str(&written, &Default::default()).unwrap();
    assert_eq!(outcome.typed_test_result(), read);
    let mut last = None;
    for what in [
        OvalContent::default(),
        OvalContent::thin(),
        OvalContent::without_system_characteristics(),
    ] {
        let typed = outcome.report(&what).unwrap();
        let arf = Arf::parse(&outcome.arf(&what).unwrap()).unwrap();
        let read = ScanReport::from_arf(&arf).unwrap();
        for (a, b) in typed.rules.iter().zip(&read.rules) {
            assert_eq!(a, b, "rule {} differs ({what:?})", a.id);
        }
        assert_eq!(typed, read, "{what:?}");
        last = Some(typed);
    }
    last.unwrap()
}

fn host(shadow_max_days: u32) -> MemoryTarget {
    let mut t = MemoryTarget::new();
    t.add_dir("/etc/ssh")
        .add_dir("/usr/sbin")
        .add_dir("/proc/sys/kernel");
    t.add_file("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n");
    t.add_file_with(
        "/etc/shadow",
        format!("root:*:19000:0:{shadow_max_days}:7:::\n"),
        Metadata::new(FileType::Regular, 0o640),
    );
    t.add_file(
        "/etc/login.defs",
        format!("PASS_MAX_DAYS\t{shadow_max_days}\n"),
    );
    t.add_file("/proc/sys/kernel/randomize_va_space", "2\n");
    t.add_file("/etc/ssh/sshd_config", "PermitRootLogin yes\n");
    t
}

#[test]
fn baseline_reports_agree() {
    let content =
        Content::from_text(BASELINE, "linux-baseline-ds.xml", &Default::default()).unwrap();
    for days in [60, 99999] {
        assert!(
            !both_ways_agree(&content, None, &host(days))
                .rules
                .is_empty()
        );
    }
}

#[test]
fn chainguard_reports_agree() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("wolfi-hardened");
    let status = std::process::Command::new("bash")
        .arg(here.join("tests/fixtures/make-wolfi-root.sh"))
        .arg("hardened")
        .arg(&root)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let content =
        Content::open(here.join("tests/fixtures/ds/chainguard/ssg-chainguard-gpos-ds.xml"))
            .unwrap();
    let target = RootFs::new(&root).unwrap();
    let report = both_ways_agree(&content, Some("xccdf_basic_profile_.check"), &target);
    assert_eq!(report.rules.len(), 198);
    // The hardened tree has no boot configuration; its OpenSSL makes the FIPS provider the
    // default (the platform facts travel through the TestResult's facts both ways).
    let fips = report.target.fips_mode.clone().unwrap();
    assert_eq!(fips.answer, "enabled", "{}", fips.evidence);
    assert!(
        fips.evidence.contains("/etc/ssl/openssl.cnf"),
        "{}",
        fips.evidence
    );
    assert_eq!(
        report.target.secure_boot.as_ref().unwrap().answer,
        "not collectable"
    );
    // The assessor sees both in the HTML header, with the evidence as a tooltip.
    let mut html = Vec::new();
    scap_arf::report::Format::Html
        .render(&report, &mut html)
        .unwrap();
    let html = String::from_utf8(html).unwrap();
    assert!(html.contains("FIPS mode: <span title=\""), "{html}");
    assert!(html.contains(">enabled</span>"));
    assert!(html.contains("Secure Boot: <span"));
    // The OS (os-release PRETTY_NAME) travels the same way; the checklists carry all three
    // where STIG Viewer has a place for them (TARGET_COMMENT; CKLB target_data.comments).
    assert_eq!(report.target.os.as_deref(), Some("Wolfi"));
    assert!(html.contains("OS: Wolfi"));
    let comment = report.target.platform_summary();
    assert!(
        comment.starts_with("OS: Wolfi; FIPS mode: enabled (")
            && comment.contains("; Secure Boot: not collectable"),
        "{comment}"
    );
    let ckl = scap_arf::report::ckl::render(&report);
    assert!(
        ckl.contains("<TARGET_COMMENT>OS: Wolfi; FIPS mode: enabled ("),
        "{ckl}"
    );
    let cklb: serde_json::Value =
        serde_json::from_str(&scap_arf::report::cklb::render(&report).unwrap()).unwrap();
    assert_eq!(cklb["target_data"]["comments"], comment.as_str());
}

/// The verdict on a signed data stream travels with the results: a TestResult fact, read back
/// into the report (both paths) and shown in the HTML header.
#[cfg(feature = "signatures")]
#[test]
fn the_signature_verdict_is_in_the_results_and_the_report() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/signed");
    let mut options = scap::OpenOptions::default();
    options.trust =
        scap::dsig::Trust::from_pem(&std::fs::read_to_string(dir.join("ca-root.pem")).unwrap())
            .unwrap();
    let content = Content::open_with(dir.join("signed-by-id.xml"), &options).unwrap();
    let verdict = content.signature().unwrap().to_string();
    let report = both_ways_agree(&content, None, &MemoryTarget::new());
    assert_eq!(
        report.benchmark.signature.as_deref(),
        Some(verdict.as_str())
    );
    assert!(verdict.starts_with("valid"), "{verdict}");
    let mut html = Vec::new();
    scap_arf::report::Format::Html
        .render(&report, &mut html)
        .unwrap();
    assert!(
        String::from_utf8(html)
            .unwrap()
            .contains("Content signature: valid")
    );
}
