//! Every rendering of the committed ARF fixtures, compared byte for byte with the outputs
//! committed under `tests/golden/`. The goldens were written before the output seam and the
//! typed results went in, so any change in what a format writes shows up here.
//!
//! After a deliberate change in a format, rewrite the goldens with
//! `SCAP_BLESS=1 cargo test -p scap-arf --test golden` and review the diff.

use std::path::{Path, PathBuf};

use scap_arf::Arf;
use scap_arf::report::{Format, Options, ScanReport, ckl, cklb, html, poam};

const FIXTURES: &[&str] = &[
    "ssg-chromium-stig-oscap-arf.xml",
    "linux-baseline-debian11-oscap-arf.xml",
];

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn report(name: &str) -> ScanReport {
    let p = manifest().join("tests/fixtures/arf").join(name);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let arf = Arf::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    ScanReport::from_arf(&arf).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The as-of date of the POA&M due dates: a fixed day after both fixtures' due dates, so
/// the goldens show overdue items and do not change with the calendar.
fn options() -> Options {
    Options::default().with_today(chrono::NaiveDate::from_ymd_opt(2030, 1, 1).unwrap_or_default())
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

/// The golden file of a format: its extension, preceded by its name where that differs
/// (`poam.csv` and `poam-emass.csv`, `oscal-ar.json` beside the report's `json`).
fn golden_ext(format: Format) -> String {
    match format.file_extension() {
        ext if ext == format.name() => ext.to_string(),
        ext => format!("{}.{ext}", format.name()),
    }
}

#[test]
fn every_format_through_the_seam_matches_its_golden_file() -> scap_arf::Result<()> {
    for f in FIXTURES {
        let r = report(f);
        for name in Format::NAMES {
            let format = Format::from_name(name)?;
            // A workbook is a zip archive, not a reviewable golden file: tests/evidence.rs
            // reads it back instead.
            if format.file_extension() == "xlsx" {
                continue;
            }
            let mut out = Vec::new();
            format.render_with(&r, &options(), &mut out)?;
            check(f, &golden_ext(format), &out);
        }
    }
    Ok(())
}

/// The modules' own `render` functions (kept for callers wanting a `String`) write the same.
#[test]
fn every_format_matches_its_golden_file() -> scap_arf::Result<()> {
    for f in FIXTURES {
        let r = report(f);
        check(f, "html", html::render_with(&r, &options()).as_bytes());
        check(f, "ckl", ckl::render(&r).as_bytes());
        check(f, "cklb", cklb::render(&r)?.as_bytes());
        for (layout, ext) in [
            (poam::Layout::FedRamp, "poam.csv"),
            (poam::Layout::Emass, "poam-emass.csv"),
        ] {
            check(f, ext, poam::render(&r, layout, &options()).as_bytes());
        }
        check(
            f,
            "json",
            scap_arf::report::json::render(&r, &options())?.as_bytes(),
        );
    }
    Ok(())
}
