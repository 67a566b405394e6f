//! Every rendering of the committed ARF fixtures, compared byte for byte with the outputs
//! committed under `tests/golden/`. The goldens were written before the output seam and the
//! typed results went in, so any change in what a format writes shows up here.
//!
//! After a deliberate change in a format, rewrite the goldens with
//! `SCAP_BLESS=1 cargo test -p scap-arf --test golden` and review the diff.

use std::path::{Path, PathBuf};

use scap_arf::Arf;
use scap_arf::report::{Format, ScanReport, ckl, cklb, html, poam};

const FIXTURES: &[&str] = &[
    "ssg-chromium-stig-oscap-arf.xml",
    "linux-baseline-debian11-oscap-arf.xml",
];

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn report(name: &str) -> ScanReport {
    let p = manifest().join("../fixtures/arf").join(name);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let arf = Arf::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    ScanReport::from_arf(&arf).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The POA&M's `today` (only used when a scan has no start time; both fixtures have one).
fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2030, 1, 1).unwrap_or_default()
}

fn golden_path(fixture: &str, ext: &str) -> PathBuf {
    let stem = fixture.trim_end_matches(".xml");
    manifest()
        .join("tests/golden")
        .join(format!("{stem}.{ext}"))
}

/// Compares `got` with the golden file (or writes it when `SCAP_BLESS` is set), naming the
/// first line that differs.
fn check(fixture: &str, ext: &str, got: &[u8]) {
    let p = golden_path(fixture, ext);
    if std::env::var_os("SCAP_BLESS").is_some() {
        std::fs::write(&p, got).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        return;
    }
    let want = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    if want == got {
        return;
    }
    let (w, g) = (String::from_utf8_lossy(&want), String::from_utf8_lossy(got));
    let line = w
        .lines()
        .zip(g.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| w.lines().count().min(g.lines().count()));
    panic!(
        "{}: differs at line {}:\n  want: {:?}\n  got:  {:?}",
        p.display(),
        line + 1,
        w.lines().nth(line),
        g.lines().nth(line)
    );
}

/// The goldens' `Format` for a file extension (the POA&M with a fixed `today`).
fn format_for(ext: &str) -> scap_arf::Result<Format> {
    Ok(match ext {
        "csv" => Format::Poam {
            sla: poam::Sla::default(),
            today: today(),
        },
        name => Format::from_name(name)?,
    })
}

#[test]
fn every_format_through_the_seam_matches_its_golden_file() -> scap_arf::Result<()> {
    for f in FIXTURES {
        let r = report(f);
        for name in Format::NAMES {
            let format = format_for(Format::from_name(name)?.file_extension())?;
            let mut out = Vec::new();
            format.render(&r, &mut out)?;
            check(f, format.file_extension(), &out);
        }
    }
    Ok(())
}

/// The modules' own `render` functions (kept for callers wanting a `String`) write the same.
#[test]
fn every_format_matches_its_golden_file() -> scap_arf::Result<()> {
    for f in FIXTURES {
        let r = report(f);
        check(f, "html", html::render(&r).as_bytes());
        check(f, "ckl", ckl::render(&r).as_bytes());
        check(f, "cklb", cklb::render(&r)?.as_bytes());
        check(
            f,
            "csv",
            poam::render(&r, &poam::Sla::default(), today()).as_bytes(),
        );
        check(f, "json", r.to_json()?.as_bytes());
    }
    Ok(())
}
