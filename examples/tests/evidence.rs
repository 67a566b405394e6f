//! `report` and `diff` run as a user runs them on the committed ARF pair: the Debian 11
//! baseline scan (`scap-arf/tests/fixtures/arf/linux-baseline-debian11-oscap-arf.xml`) and a later scan of
//! the same tree with one finding fixed and one new (`...-after-oscap-arf.xml`, made by
//! `scripts/make-arf-pair.sh`).

mod common;

use std::path::Path;
use std::process::Output;

use common::stdout;

fn arf(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../scap-arf/tests/fixtures/arf")
        .join(name)
        .display()
        .to_string()
}

const BEFORE: &str = "linux-baseline-debian11-oscap-arf.xml";
const AFTER: &str = "linux-baseline-debian11-after-oscap-arf.xml";

fn run(example: &str, args: &[&str]) -> Output {
    common::run_in(Path::new(env!("CARGO_MANIFEST_DIR")), example, args)
}

#[test]
fn diff_names_the_new_and_the_fixed_finding_and_gates_on_new_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let json = dir.path().join("diff.json");
    let html = dir.path().join("report.html");
    let (j, h) = (json.display().to_string(), html.display().to_string());
    let o = run(
        "diff",
        &[&arf(BEFORE), &arf(AFTER), "--json", &j, "--html", &h],
    );
    assert_eq!(o.status.code(), Some(2), "a new finding: {}", stdout(&o));
    let text = stdout(&o);
    assert!(
        text.contains("1 new findings, 1 fixed, 2 still open"),
        "{text}"
    );
    assert!(text.contains(
        "pass -> fail          xccdf_io.github.scap-rs_rule_file_permissions_etc_passwd"
    ));
    let d = std::fs::read_to_string(&json).expect("json");
    let fixed = &d[d.find("\"fixed_findings\"").expect("fixed_findings")..];
    let fixed = &fixed[..fixed.find("\"still_open\"").expect("still_open")];
    assert!(fixed.contains("\"xccdf_io.github.scap-rs_rule_accounts_maximum_age_login_defs\""));
    let page = std::fs::read_to_string(&html).expect("html");
    assert!(page.contains("id=\"changes\""));
    // The same scan twice: nothing new, exit 0.
    let o = run("diff", &[&arf(AFTER), &arf(AFTER)]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn report_carries_detection_dates_from_the_previous_poam() {
    let dir = tempfile::tempdir().expect("tempdir");
    let first = dir.path().join("first.csv");
    let second = dir.path().join("second.csv");
    let (f, s) = (first.display().to_string(), second.display().to_string());
    let o = run(
        "report",
        &[&arf(BEFORE), "--poam", &f, "--today", "2026-11-23"],
    );
    assert!(o.status.success(), "{}", stdout(&o));
    let o = run(
        "report",
        &[
            &arf(AFTER),
            "--poam",
            &s,
            "--previous-poam",
            &f,
            "--today",
            "2026-12-10",
        ],
    );
    assert!(o.status.success(), "{}", stdout(&o));
    let csv = std::fs::read_to_string(&second).expect("csv");
    let rows: Vec<&str> = csv.split("\r\n\"SCAP-").skip(1).collect();
    assert_eq!(rows.len(), 3, "three findings in the later scan");
    // The ssh finding was open in the first scan (2026-11-22): that date and its due date
    // carry over, and it is overdue by 2026-12-10. The new /etc/passwd finding counts from
    // the later scan.
    let ssh = rows
        .iter()
        .find(|r| r.contains("sshd_disable_root_login"))
        .expect("ssh row");
    assert!(ssh.contains("\"2026-11-22\",\"2026-12-06\""), "{ssh}");
    assert!(ssh.contains("OVERDUE"));
    let passwd = rows
        .iter()
        .find(|r| r.contains("etc_passwd"))
        .expect("passwd row");
    assert!(passwd.contains("\"2026-12-01\",\"2026-12-15\""), "{passwd}");
    assert!(!passwd.contains("OVERDUE"));
}

/// `report --oval-vulns` takes oscap's feed results (definitions inside) and the JSON
/// `oval-eval --vulns-json` writes, one finding list beside the other.
#[test]
fn report_takes_feed_results_and_vulns_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let vulns = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scap-arf/tests/fixtures/vulns");
    let read = |f: &str| std::fs::read_to_string(vulns.join(f)).expect("fixture");
    // What oval-eval --vulns-json writes for the Red Hat feed on the rpm tree.
    let rh = scap_arf::report::vulns::from_definitions_and_results(
        &read("feed-redhat.xml"),
        &read("results-redhat-scap-rs.xml"),
    )
    .expect("red hat findings");
    let json = dir.path().join("rh.json");
    std::fs::write(&json, scap_arf::report::vulns::to_json(&rh).expect("json")).expect("write");
    let debian = vulns.join("results-debian11.xml").display().to_string();
    let poam = dir.path().join("poam.csv").display().to_string();
    let j = json.display().to_string();
    let o = run(
        "report",
        &[
            &arf(BEFORE),
            "--oval-vulns",
            &debian,
            "--oval-vulns",
            &j,
            "--poam",
            &poam,
        ],
    );
    assert!(o.status.success(), "{}", stdout(&o));
    let csv = std::fs::read_to_string(&poam).expect("csv");
    // 3 failed rules, 3 Debian/Ubuntu CVE items, 3 Red Hat ones.
    assert_eq!(csv.matches("\r\n\"SCAP-").count(), 9, "{csv}");
    for cve in ["CVE-2099-1000", "CVE-2099-3002", "CVE-2099-3003"] {
        assert!(csv.contains(cve), "{cve}");
    }
    // Neither shape: an error naming the file.
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "[{\"nope\": 1}]").expect("write");
    let b = bad.display().to_string();
    let o = run("report", &[&arf(BEFORE), "--oval-vulns", &b]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("bad.json"));
}
