//! The one way a [`ScanReport`] leaves the crate: a [`Format`] names an evidence format and
//! [`Format::render`] writes the report in it to any [`std::io::Write`].
//!
//! Each format's code lives in its own module ([`super::html`], [`super::ckl`],
//! [`super::cklb`], [`super::poam`], [`super::json`], ...); this file only names them.
//! Adding a format is its module plus one variant here (and its arms in the matches below,
//! which the compiler points at). Callers that write several formats loop over
//! `(Format, path)` pairs instead of growing one branch per format.

use std::fmt;
use std::io::Write;
use std::str::FromStr;

use super::options::Options;
use super::poam::Layout;
use super::{ScanReport, ckl, cklb, hdf, html, json, oscal_ar, oscal_poam, poam, poam_xlsx, sarif};
use crate::error::{Error, Result};

/// An evidence format a [`ScanReport`] can be rendered in.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use scap_arf::report::{Format, ScanReport};
/// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"),
///     "/tests/fixtures/arf/ssg-chromium-stig-oscap-arf.xml"))?;
/// let report = ScanReport::from_arf(&scap_arf::Arf::parse(&text)?)?;
/// for name in Format::NAMES {
///     let format = Format::from_name(name)?;
///     let mut out = Vec::new();
///     format.render(&report, &mut out)?;
///     assert!(!out.is_empty(), "{name}");
///     assert_eq!(format.name(), *name);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// One self-contained HTML page ([`super::html`]).
    Html,
    /// A DISA STIG Viewer 2 checklist, XML ([`super::ckl`]).
    Ckl,
    /// A DISA STIG Viewer 3 checklist, JSON ([`super::cklb`]).
    Cklb,
    /// A Plan of Action and Milestones, CSV, FedRAMP template layout ([`super::poam`]).
    Poam,
    /// A Plan of Action and Milestones, CSV, eMASS import layout ([`super::poam`]).
    PoamEmass,
    /// The FedRAMP-layout POA&M as an Excel workbook ([`super::poam_xlsx`]).
    PoamXlsx,
    /// The eMASS-layout POA&M as an Excel workbook ([`super::poam_xlsx`]).
    PoamEmassXlsx,
    /// SARIF 2.1.0: failed rules as results, rules as reportingDescriptors ([`super::sarif`]).
    Sarif,
    /// OSCAL 1.1 assessment results, JSON ([`super::oscal_ar`]).
    OscalAssessmentResults,
    /// OSCAL 1.1 plan of action and milestones, JSON ([`super::oscal_poam`]).
    OscalPoam,
    /// Heimdall Data Format, JSON ([`super::hdf`]).
    Hdf,
    /// The report as pretty-printed JSON, with its findings and review list (the schema in
    /// the [module docs](super)).
    Json,
}

impl Format {
    /// Every format's name, in the order of the variants.
    pub const NAMES: &'static [&'static str] = &[
        "html",
        "ckl",
        "cklb",
        "poam",
        "poam-emass",
        "poam-xlsx",
        "poam-emass-xlsx",
        "sarif",
        "oscal-ar",
        "oscal-poam",
        "hdf",
        "json",
    ];

    /// The format called `name` (one of [`Format::NAMES`], ASCII case ignored).
    ///
    /// ```
    /// use scap_arf::report::Format;
    /// assert_eq!(Format::from_name("CKLB").ok(), Some(Format::Cklb));
    /// assert_eq!(Format::from_name("poam-emass").ok(), Some(Format::PoamEmass));
    /// assert!(Format::from_name("pdf").is_err());
    /// ```
    pub fn from_name(name: &str) -> Result<Format> {
        Ok(match name.to_ascii_lowercase().as_str() {
            "html" => Format::Html,
            "ckl" => Format::Ckl,
            "cklb" => Format::Cklb,
            "poam" => Format::Poam,
            "poam-emass" => Format::PoamEmass,
            "poam-xlsx" => Format::PoamXlsx,
            "poam-emass-xlsx" => Format::PoamEmassXlsx,
            "sarif" => Format::Sarif,
            "oscal-ar" => Format::OscalAssessmentResults,
            "oscal-poam" => Format::OscalPoam,
            "hdf" => Format::Hdf,
            "json" => Format::Json,
            _ => {
                return Err(Error::UnknownFormat {
                    name: name.to_string(),
                });
            }
        })
    }

    /// The format's name, as [`Format::from_name`] takes it.
    ///
    /// ```
    /// assert_eq!(scap_arf::report::Format::Ckl.name(), "ckl");
    /// ```
    pub fn name(&self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Ckl => "ckl",
            Format::Cklb => "cklb",
            Format::Poam => "poam",
            Format::PoamEmass => "poam-emass",
            Format::PoamXlsx => "poam-xlsx",
            Format::PoamEmassXlsx => "poam-emass-xlsx",
            Format::Sarif => "sarif",
            Format::OscalAssessmentResults => "oscal-ar",
            Format::OscalPoam => "oscal-poam",
            Format::Hdf => "hdf",
            Format::Json => "json",
        }
    }

    /// The usual file name extension, without the dot (`csv` for the POA&M).
    ///
    /// ```
    /// use scap_arf::report::Format;
    /// assert_eq!(Format::Poam.file_extension(), "csv");
    /// assert_eq!(Format::Html.file_extension(), "html");
    /// ```
    pub fn file_extension(&self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Ckl => "ckl",
            Format::Cklb => "cklb",
            Format::Poam | Format::PoamEmass => "csv",
            Format::PoamXlsx | Format::PoamEmassXlsx => "xlsx",
            Format::Sarif => "sarif",
            Format::OscalAssessmentResults | Format::OscalPoam | Format::Hdf | Format::Json => {
                "json"
            }
        }
    }

    /// Writes `report` in this format to `out` with the default [`Options`] (the default
    /// SLA, as of the scan's date, no history).
    ///
    /// A failing writer is an [`Error::Io`]; the caller, who knows the file, names it.
    /// JSON and CKLB stream into `out`; the others are built in memory first and then
    /// written (a few MB for the largest SSG profiles), which this signature lets change
    /// without touching callers.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use scap_arf::report::{Format, ScanReport};
    /// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"),
    ///     "/tests/fixtures/arf/linux-baseline-debian11-oscap-arf.xml"))?;
    /// let report = ScanReport::from_arf(&scap_arf::Arf::parse(&text)?)?;
    /// let mut ckl = Vec::new();
    /// Format::Ckl.render(&report, &mut ckl)?;
    /// assert_eq!(String::from_utf8(ckl)?, scap_arf::report::ckl::render(&report));
    /// # Ok(()) }
    /// ```
    pub fn render(&self, report: &ScanReport, out: &mut dyn Write) -> Result<()> {
        self.render_with(report, &Options::default(), out)
    }

    /// Writes `report` in this format to `out` with `options` (SLA, as-of date, detection
    /// dates carried over, previous scan, point of contact).
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use scap_arf::report::{Format, Options, ScanReport};
    /// use scap_arf::report::poam::Sla;
    /// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"),
    ///     "/tests/fixtures/arf/linux-baseline-debian11-oscap-arf.xml"))?;
    /// let report = ScanReport::from_arf(&scap_arf::Arf::parse(&text)?)?;
    /// let options = Options::default().with_sla(Sla::new(7, 7, 30, 30));
    /// let mut csv = Vec::new();
    /// Format::Poam.render_with(&report, &options, &mut csv)?;
    /// assert!(String::from_utf8(csv)?.contains("\"2026-12-22\"")); // medium: 30 days
    /// # Ok(()) }
    /// ```
    pub fn render_with(
        &self,
        report: &ScanReport,
        options: &Options,
        out: &mut dyn Write,
    ) -> Result<()> {
        match self {
            Format::Html => html::write(report, options, out),
            Format::Ckl => ckl::write(report, out),
            Format::Cklb => cklb::write(report, out),
            Format::Poam => poam::write(report, Layout::FedRamp, options, out),
            Format::PoamEmass => poam::write(report, Layout::Emass, options, out),
            Format::PoamXlsx => poam_xlsx::write(report, Layout::FedRamp, options, out),
            Format::PoamEmassXlsx => poam_xlsx::write(report, Layout::Emass, options, out),
            Format::Sarif => sarif::write(report, options, out),
            Format::OscalAssessmentResults => oscal_ar::write(report, options, out),
            Format::OscalPoam => oscal_poam::write(report, options, out),
            Format::Hdf => hdf::write(report, options, out),
            Format::Json => json::write(report, options, out),
        }
    }
}

/// Pretty JSON of `value` to `out`; a writer failure is an [`Error::Io`], not a JSON error.
pub(crate) fn json_to<T: serde::Serialize>(out: &mut dyn Write, value: &T) -> Result<()> {
    serde_json::to_writer_pretty(out, value).map_err(|e| {
        if e.is_io() {
            Error::Io(e.into())
        } else {
            Error::Json(e)
        }
    })
}

impl fmt::Display for Format {
    /// The format's [name](Format::name).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = Error;

    /// [`Format::from_name`].
    fn from_str(s: &str) -> Result<Format> {
        Format::from_name(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn empty_report() -> ScanReport {
        ScanReport {
            schema_version: crate::report::SCHEMA_VERSION,
            benchmark: Default::default(),
            test_result: Default::default(),
            target: Default::default(),
            scores: Vec::new(),
            counts: Default::default(),
            rules: Vec::new(),
            vulnerabilities: Vec::new(),
        }
    }

    /// A writer that refuses every byte.
    struct Broken;

    impl Write for Broken {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk full"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn names_round_trip() -> Result<()> {
        for name in Format::NAMES {
            let f: Format = name.parse()?;
            assert_eq!(f.to_string(), *name);
            assert!(!f.file_extension().is_empty());
        }
        let e = Format::from_name("pdf");
        assert!(matches!(e, Err(Error::UnknownFormat { ref name }) if name == "pdf"));
        Ok(())
    }

    #[test]
    fn a_failing_writer_is_an_io_error_in_every_format() -> Result<()> {
        let r = empty_report();
        for name in Format::NAMES {
            let e = Format::from_name(name)?.render(&r, &mut Broken);
            assert!(matches!(e, Err(Error::Io(_))), "{name}: {e:?}");
        }
        Ok(())
    }
}
