//! `Scan::vulnerability_feed`: an OVAL vulnerability feed evaluated in the same scan as the
//! benchmark, its CVE findings in every report format.
//!
//! The target is a test double holding what the feed's tests read on the Debian 11 tree of
//! scripts/make-debian-root.sh (its /etc/debian_version and the dpkg status entries of the
//! feed's packages, versions as installed there). oscap 1.3.7 evaluated the same feed on
//! that tree (scap-arf/tests/fixtures/vulns/make-results.sh, results-debian11.xml): the
//! findings of our scan must equal the ones read from oscap's results.

use scap::arf::report::vulns::{self, Vulnerability};
use scap::arf::report::{Format, ScanReport};
use scap::oval::results::Content as OvalContent;
use scap::{Content, Scan, VulnFeed};
use scap_probe::MemoryTarget;

const VULNS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../scap-arf/tests/fixtures/vulns"
);

fn debian11() -> MemoryTarget {
    let mut t = MemoryTarget::new();
    t.add_file("/etc/debian_version", "11.7\n");
    // bash and libc6 older than the feed's fixes, tar newer, nginx absent (as on the tree).
    let status = "Package: bash\nStatus: install ok installed\nArchitecture: amd64\nVersion: 5.1-2+deb11u1\n\n\
                  Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.31-13+deb11u11\n\n\
                  Package: tar\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.34+dfsg-1\n\n";
    t.add_file("/var/lib/dpkg/status", status);
    t
}

fn content() -> Content {
    let p = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/ds/ssg-chromium-ds.xml"
    );
    Content::open(p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

fn oscap_findings() -> Vec<Vulnerability> {
    let p = format!("{VULNS}/results-debian11.xml");
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"));
    vulns::from_oval_results(&text).unwrap_or_else(|e| panic!("{p}: {e}"))
}

#[test]
fn a_scan_with_a_feed_finds_what_oscap_found() -> scap::Result<()> {
    let content = content();
    let target = debian11();
    let outcome = Scan::new(&content)
        .profile("stig")?
        .vulnerability_feed_files([format!("{VULNS}/feed-debian-ubuntu.xml")])
        .run(&target)?;
    let want = oscap_findings();
    assert_eq!(want.len(), 2, "the fixture: libc6 (USN) and bash (Debian)");
    assert_eq!(outcome.vulnerabilities, want);
    Ok(())
}

#[test]
fn the_findings_are_in_every_report_format() -> Result<(), Box<dyn std::error::Error>> {
    let content = content();
    let target = debian11();
    let feed = VulnFeed::open(format!("{VULNS}/feed-debian-ubuntu.xml"))?;
    let outcome = Scan::new(&content).vulnerability_feed(feed).run(&target)?;
    let report = outcome.report(&OvalContent::default())?;
    assert_eq!(report.vulnerabilities.len(), 2);
    // The JSON keeps them (and reads them back).
    let back = ScanReport::from_json(&report.to_json()?)?;
    assert_eq!(back.vulnerabilities, report.vulnerabilities);
    // Every other format names each CVE. The checklists are STIG checklists: no place for a
    // CVE (left out, as documented in scap::vulns).
    for name in Format::NAMES {
        let format = Format::from_name(name)?;
        if matches!(
            format,
            Format::Ckl | Format::Cklb | Format::PoamXlsx | Format::PoamEmassXlsx
        ) {
            continue;
        }
        let mut out = Vec::new();
        format.render(&report, &mut out)?;
        let text = String::from_utf8(out)?;
        for cve in ["CVE-2099-1000", "CVE-2099-2000", "CVE-2099-2001"] {
            assert!(text.contains(cve), "{name} lacks {cve}");
        }
    }
    Ok(())
}

#[test]
fn a_feed_that_cannot_be_read_is_an_error_naming_it() {
    let content = content();
    let target = MemoryTarget::new();
    let e = Scan::new(&content)
        .vulnerability_feed_files(["/nonexistent/feed.xml"])
        .run(&target);
    let msg = e
        .map(|_| ())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(msg.contains("/nonexistent/feed.xml"), "{msg}");
    let e = VulnFeed::from_text("<not-oval/>".into(), "not-oval.xml");
    let msg = e.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        msg.starts_with("vulnerability feed not-oval.xml: "),
        "{msg}"
    );
}
