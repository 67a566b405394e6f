//! The `scan` example's bundled benchmark (examples/data/linux-baseline-ds.xml) evaluated
//! end to end (data stream, CPE applicability, OVAL with an exported Value, scoring, TestResult)
//! against in-memory hosts whose state decides each rule.
#![allow(clippy::unwrap_used)] // test helpers: a failure is a test failure

use scap::OvalEngine;
use scap_probe::{FileType, MemoryTarget, Metadata};
use scap_xccdf::{EvalOptions, Policy, TestResultInfo, XccdfResult};

const DS: &str = include_str!("fixtures/linux-baseline-ds.xml");

/// A host that satisfies every rule except password expiry (Debian's default 99999 days).
fn good_host() -> MemoryTarget {
    let mut t = MemoryTarget::new();
    t.add_dir("/etc/ssh")
        .add_dir("/usr/sbin")
        .add_dir("/proc/sys/kernel");
    t.add_file(
        "/etc/passwd",
        "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n",
    );
    t.add_file_with(
        "/etc/shadow",
        "root:*:19000:0:99999:7:::\n",
        Metadata::new(FileType::Regular, 0o640),
    );
    t.add_dir_with("/tmp", Metadata::new(FileType::Directory, 0o1777));
    t.add_file(
        "/etc/login.defs",
        "# comment\nPASS_MAX_DAYS\t99999\nPASS_MIN_DAYS\t0\n",
    );
    t.add_file("/proc/sys/kernel/randomize_va_space", "2\n");
    t.add_file_with(
        "/usr/sbin/sshd",
        b"\x7fELF",
        Metadata::new(FileType::Regular, 0o755),
    );
    t.add_file("/etc/ssh/sshd_config", "Port 22\nPermitRootLogin no\n");
    t
}

fn scan(target: &MemoryTarget, profile: Option<&str>) -> Vec<(String, XccdfResult)> {
    let content = scap::Content::from_text(DS, "content.xml", &Default::default()).unwrap();
    let src = content.source();
    let policy = Policy::new(&src.benchmark, None, profile).unwrap();
    let engine = OvalEngine::new(&content, target);
    let res = scap_xccdf::evaluate(src, &policy, &engine, &EvalOptions::default()).unwrap();
    res.rules
        .iter()
        .map(|r| {
            let short = r.rule_id.rsplit("_rule_").next().unwrap().to_string();
            (short, r.result)
        })
        .collect()
}

fn result(results: &[(String, XccdfResult)], rule: &str) -> XccdfResult {
    results.iter().find(|(r, _)| r == rule).unwrap().1
}

#[test]
fn good_host_passes_all_but_password_expiry() {
    let r = scan(&good_host(), None);
    assert_eq!(r.len(), 8);
    for (rule, res) in &r {
        let want = if rule == "accounts_maximum_age_login_defs" {
            XccdfResult::Fail
        } else {
            XccdfResult::Pass
        };
        assert_eq!(*res, want, "{rule}");
    }
}

#[test]
fn exported_value_reaches_oval() {
    // 300 days: within the default Value (365), beyond the strict profile's (60).
    let mut t = good_host();
    t.add_file("/etc/login.defs", "PASS_MAX_DAYS 300\n");
    let default = scan(&t, None);
    assert_eq!(
        result(&default, "accounts_maximum_age_login_defs"),
        XccdfResult::Pass
    );
    let strict = scan(&t, Some("xccdf_io.github.scap-rs_profile_strict"));
    assert_eq!(
        result(&strict, "accounts_maximum_age_login_defs"),
        XccdfResult::Fail
    );
}

#[test]
fn bad_host_fails_each_rule() {
    let mut t = good_host();
    t.add_file(
        "/etc/passwd",
        "root:x:0:0:root:/root:/bin/bash\ntoor::0:0::/root:/bin/sh\n",
    );
    t.add_file_with(
        "/etc/shadow",
        "root:*:1::::::\n",
        Metadata::new(FileType::Regular, 0o644),
    );
    t.add_dir_with("/tmp", Metadata::new(FileType::Directory, 0o777));
    t.add_file("/etc/ssh/sshd_config", "PermitRootLogin yes\n");
    t.add_file("/proc/sys/kernel/randomize_va_space", "0\n");
    let r = scan(&t, None);
    for rule in [
        "file_permissions_etc_shadow",
        "accounts_no_uid_except_zero",
        "no_empty_passwords_etc_passwd",
        "dir_perms_tmp_sticky",
        "sshd_disable_root_login",
        "sysctl_kernel_randomize_va_space",
    ] {
        assert_eq!(result(&r, rule), XccdfResult::Fail, "{rule}");
    }
    assert_eq!(result(&r, "file_permissions_etc_passwd"), XccdfResult::Pass);
}

#[test]
fn platform_decides_applicability() {
    let mut t = good_host();
    t.remove("/usr/sbin/sshd");
    let r = scan(&t, None);
    assert_eq!(
        result(&r, "sshd_disable_root_login"),
        XccdfResult::NotApplicable
    );
    assert_eq!(result(&r, "dir_perms_tmp_sticky"), XccdfResult::Pass);
}

#[test]
fn scores_and_test_result() {
    let t = good_host();
    let content = scap::Content::from_text(DS, "content.xml", &Default::default()).unwrap();
    let src = content.source();
    let policy = Policy::new(&src.benchmark, None, None).unwrap();
    let engine = OvalEngine::new(&content, &t);
    let res = scap_xccdf::evaluate(src, &policy, &engine, &EvalOptions::default()).unwrap();
    // default model: accounts group 4 of 5 pass = 80, system group 3 of 3 = 100 -> mean 90.
    assert_eq!(res.scores[0].system, "urn:xccdf:scoring:default");
    assert!((res.scores[0].value - 90.0).abs() < 1e-9);
    // flat model: 7 of 8 rules of weight 1.
    assert_eq!((res.scores[1].value, res.scores[1].maximum), (7.0, 8.0));
    assert!(res.has_failures());
    let xml =
        scap_xccdf::write_test_result(&res, &TestResultInfo::new("linux-baseline-ds.xml", "mem"));
    let d = roxmltree::Document::parse(&xml).unwrap();
    let results: Vec<&str> = d
        .descendants()
        .filter(|n| n.has_tag_name("result"))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(results.iter().filter(|r| **r == "pass").count(), 7);
    let export = d
        .descendants()
        .find(|n| n.has_tag_name("check-export"))
        .unwrap();
    assert_eq!(
        export.attribute("export-name"),
        Some("oval:io.github.scap-rs:var:1")
    );
    let sv = d
        .descendants()
        .find(|n| n.has_tag_name("set-value"))
        .unwrap();
    assert_eq!(sv.text(), Some("365"));
}

/// With the `serde` feature the scan results are JSON: results as their XML tokens, and a round
/// trip gives the same results.
#[cfg(feature = "serde")]
#[test]
fn scan_results_round_trip_through_json() {
    let content = scap::Content::from_text(DS, "content.xml", &Default::default()).unwrap();
    let src = content.source();
    let policy = Policy::new(&src.benchmark, None, None).unwrap();
    let target = good_host();
    let engine = OvalEngine::new(&content, &target);
    let res = scap_xccdf::evaluate(src, &policy, &engine, &EvalOptions::default()).unwrap();
    let json = serde_json::to_string(&res).unwrap();
    assert!(json.contains(r#""result":"fail""#));
    assert!(json.contains(r#""result":"pass""#));
    let back: scap_xccdf::ScanResults = serde_json::from_str(&json).unwrap();
    assert_eq!(back, res);
}
