//! ARF 1.1 (Asset Reporting Format, NISTIR 7694) reports, and the evidence an assessor asks
//! for, made from them without rescanning.
//!
//! - [`write_arf`] writes an `asset-report-collection` laid out as `oscap xccdf eval
//!   --results-arf` does: `core:relationships` (`arfvocab:createdFor` the report request,
//!   `arfvocab:isAbout` the asset), the source data stream as the report request, the asset
//!   as an Asset Identification 1.1 `ai:computing-device` ([`Asset::new`] and its `with_*`
//!   methods take the host name and addresses the caller found), the XCCDF TestResult and
//!   the OVAL results (with system characteristics) as reports.
//! - [`Arf::parse`] reads one back (ours or oscap's) into plain data: assets, the XCCDF
//!   [`TestResult`] rule results, the OVAL definition, test, object and item results
//!   ([`OvalResults`]), the embedded data stream text.
//! - [`report`] joins those with the rules of the embedded data stream into a
//!   [`report::ScanReport`] (stable JSON) and renders it, through one seam
//!   ([`report::Format::render`] to any `std::io::Write`), as a self-contained HTML report,
//!   STIG Viewer checklists (CKL, CKLB), a POA&M (FedRAMP and eMASS layouts; open findings
//!   only, with SLA due dates), SARIF 2.1.0, OSCAL 1.1 assessment results and POA&M, Heimdall
//!   HDF, or its JSON; [`report::diff`] compares two scans.
//! - [`status`] holds the XCCDF and OVAL result words as enums ([`RuleStatus`], ...), so
//!   a result this crate does not know is an error where it is read, never a string passed on.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"),
//!     "/tests/fixtures/arf/ssg-chromium-stig-oscap-arf.xml"))?;
//! let arf = scap_arf::Arf::parse(&text)?;
//! let report = scap_arf::report::ScanReport::from_arf(&arf)?;
//! let failed = report.rules.iter().filter(|r| r.result == scap_arf::RuleStatus::Fail).count();
//! assert_eq!(failed, 31);
//! let mut html = Vec::new();
//! scap_arf::report::Format::Html.render(&report, &mut html)?;
//! assert!(html.starts_with(b"<!DOCTYPE html>"));
//! # Ok(()) }
//! ```
//!
//! Specifications: ARF 1.1 (NISTIR 7694) sections 4 (data model) and 5 (relationships,
//! `arfvocab` vocabulary); Asset Identification 1.1 (NISTIR 7693) section 5.4
//! (`computing-device`, `connections`, `fqdn`, `hostname`); Reporting Core 1.1; XCCDF 1.2
//! TestResult (NISTIR 7275r4 section 6.6); OVAL 5.11 results and system characteristics.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod asset;
pub mod error;
pub mod oval;
pub mod read;
pub mod report;
pub mod status;
pub mod write;
pub mod xccdf;

pub use asset::Asset;
pub use error::{Error, Result};
pub use oval::OvalResults;
pub use read::{Arf, Relationship, ReportInfo, ReportRequest};
pub use status::RuleStatus;
pub use write::{ArfInput, REQUEST_ID, XCCDF_REPORT_ID, write_arf};
pub use xccdf::{TestResult, TestResultReport};

/// ARF 1.1 namespace.
pub const ARF_NS: &str = "http://scap.nist.gov/schema/asset-reporting-format/1.1";
/// Reporting Core 1.1 namespace.
pub const CORE_NS: &str = "http://scap.nist.gov/schema/reporting-core/1.1";
/// Asset Identification 1.1 namespace.
pub const AI_NS: &str = "http://scap.nist.gov/schema/asset-identification/1.1";
/// The ARF relationship vocabulary (`arfvocab:`).
pub const ARFVOCAB_NS: &str =
    "http://scap.nist.gov/specifications/arf/vocabulary/relationships/1.0#";
/// SCAP 1.2/1.3 source data stream namespace.
pub const DS_NS: &str = "http://scap.nist.gov/schema/scap/source/1.2";
/// XCCDF 1.2 namespace.
pub const XCCDF12_NS: &str = "http://checklists.nist.gov/xccdf/1.2";
/// OVAL 5 results namespace.
pub const OVAL_RES_NS: &str = "http://oval.mitre.org/XMLSchema/oval-results-5";
/// OVAL 5 definitions namespace.
pub const OVAL_DEF_NS: &str = "http://oval.mitre.org/XMLSchema/oval-definitions-5";
/// OVAL 5 system characteristics namespace.
pub const OVAL_SC_NS: &str = "http://oval.mitre.org/XMLSchema/oval-system-characteristics-5";
