//! The report as JSON for tools: the [`ScanReport`] fields (schema in the
//! [module docs](super)), then its POA&M items (`poam`: open findings with POAM ID, detection
//! and due dates, `overdue`) and the rules that need manual review (`needs_review`).
//!
//! [`ScanReport::from_json`] reads it back: it ignores the two derived lists, which are
//! recomputed from the rules.

use serde::Serialize;

use super::ScanReport;
use super::findings::ReviewItem;
use super::options::Options;
use super::poam::{self, Item};
use crate::error::Result;

/// The JSON document: the report's own fields, flattened, and the derived lists.
#[derive(Serialize)]
struct Evidence<'a> {
    #[serde(flatten)]
    report: &'a ScanReport,
    poam: Vec<Item>,
    needs_review: Vec<ReviewItem>,
}

/// The report's JSON with `options` (SLA, as-of date and history set the POA&M items'
/// dates).
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use scap_arf::report::{Options, ScanReport, json};
/// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"),
///     "/tests/fixtures/arf/linux-baseline-debian11-oscap-arf.xml"))?;
/// let report = ScanReport::from_arf(&scap_arf::Arf::parse(&text)?)?;
/// let text = json::render(&report, &Options::default())?;
/// let v: serde_json::Value = serde_json::from_str(&text)?;
/// assert_eq!(v["poam"].as_array().map(Vec::len), Some(3));
/// assert_eq!(v["poam"][0]["overdue"], false);
/// assert_eq!(v["needs_review"].as_array().map(Vec::len), Some(0));
/// assert_eq!(ScanReport::from_json(&text)?, report);
/// # Ok(()) }
/// ```
pub fn render(r: &ScanReport, o: &Options) -> Result<String> {
    Ok(serde_json::to_string_pretty(&evidence(r, o))?)
}

fn evidence<'a>(r: &'a ScanReport, o: &Options) -> Evidence<'a> {
    Evidence {
        report: r,
        poam: poam::items(r, o),
        needs_review: r.needs_review(),
    }
}

/// [`render`] to a writer: what [`super::Format::Json`] writes.
pub(crate) fn write(r: &ScanReport, o: &Options, out: &mut dyn std::io::Write) -> Result<()> {
    super::format::json_to(out, &evidence(r, o))
}
