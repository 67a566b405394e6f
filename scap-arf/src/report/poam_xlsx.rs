//! The POA&M as an Excel workbook (`.xlsx`), in either [`Layout`]: the same items and cells
//! as the CSV ([`super::poam`]), dates as real dates (`yyyy-mm-dd`), the header bold, frozen
//! and filterable. A second sheet, "Needs manual review", lists the rules the scan could not
//! decide (they are not POA&M items).
//!
//! Written with `rust_xlsxwriter` (pure Rust, MIT/Apache, maintained by the author of Python's
//! XlsxWriter, which the FedRAMP and eMASS templates open like any Excel file). The
//! workbook's creation time is the as-of date, so one report renders to the same bytes.
//! Strings are written as strings: a cell starting with `=` is text, not a formula.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use super::ScanReport;
use super::options::Options;
use super::poam::{self, Layout};
use crate::error::{Error, Result};

/// Excel's limit on the characters of one cell.
const MAX_CELL: usize = 32_767;
/// The review sheet's header.
const REVIEW_COLUMNS: &[&str] = &["Rule ID", "Title", "Result", "Severity", "Reason"];

fn xlsx(e: XlsxError) -> Error {
    Error::Xlsx(e.to_string())
}

fn clip(s: &str) -> String {
    if s.chars().count() <= MAX_CELL {
        s.to_string()
    } else {
        s.chars().take(MAX_CELL - 3).collect::<String>() + "..."
    }
}

fn excel_date(s: &str) -> Option<ExcelDateTime> {
    let d = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    use chrono::Datelike;
    let year = u16::try_from(d.year()).ok()?;
    // Month and day come from a valid date: 1-12 and 1-31 fit in a u8.
    ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8).ok()
}

fn sheet(
    ws: &mut Worksheet,
    name: &str,
    header: &[&str],
    rows: &[Vec<String>],
) -> std::result::Result<(), XlsxError> {
    let bold = Format::new().set_bold().set_text_wrap();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let wrap = Format::new().set_text_wrap();
    ws.set_name(name)?;
    for (c, h) in header.iter().enumerate() {
        let c = u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)?;
        ws.write_string_with_format(0, c, *h, &bold)?;
        ws.set_column_width(c, 18)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (c, cell) in row.iter().enumerate() {
            let is_date = header.get(c).is_some_and(|h| h.contains("Date"));
            let c = u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)?;
            match excel_date(cell).filter(|_| is_date) {
                Some(d) => ws.write_datetime_with_format(r, c, d, &date)?,
                None => ws.write_string_with_format(r, c, clip(cell), &wrap)?,
            };
        }
    }
    ws.set_freeze_panes(1, 0)?;
    let last_row = u32::try_from(rows.len()).map_err(|_| XlsxError::RowColumnLimitError)?;
    let last_col = u16::try_from(header.len().saturating_sub(1))
        .map_err(|_| XlsxError::RowColumnLimitError)?;
    ws.autofilter(0, 0, last_row, last_col)?;
    Ok(())
}

/// The workbook's bytes.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use scap_arf::report::poam::Layout;
/// use scap_arf::report::{Options, ScanReport, poam_xlsx};
/// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"),
///     "/tests/fixtures/arf/linux-baseline-debian11-oscap-arf.xml"))?;
/// let report = ScanReport::from_arf(&scap_arf::Arf::parse(&text)?)?;
/// let bytes = poam_xlsx::render(&report, Layout::FedRamp, &Options::default())?;
/// assert!(bytes.starts_with(b"PK")); // a zip archive, as every .xlsx is
/// assert_eq!(bytes, poam_xlsx::render(&report, Layout::FedRamp, &Options::default())?);
/// # Ok(()) }
/// ```
pub fn render(r: &ScanReport, layout: Layout, o: &Options) -> Result<Vec<u8>> {
    let rows: Vec<Vec<String>> = poam::items(r, o)
        .iter()
        .map(|i| poam::cells(i, layout, o))
        .collect();
    let review: Vec<Vec<String>> = r
        .needs_review()
        .into_iter()
        .map(|x| vec![x.id, x.title, x.result.to_string(), x.severity, x.reason])
        .collect();
    let as_of = poam::as_of(r, o);
    let name = match layout {
        Layout::FedRamp => "Open POA&M Items",
        Layout::Emass => "POA&M",
    };
    let mut wb = Workbook::new();
    let mut props = DocProperties::new().set_title(format!("POA&M: {}", r.benchmark.id));
    if let Some(d) = excel_date(&as_of.format("%Y-%m-%d").to_string()) {
        props = props.set_creation_datetime(&d);
    }
    wb.set_properties(&props);
    sheet(wb.add_worksheet(), name, layout.columns(), &rows).map_err(xlsx)?;
    sheet(
        wb.add_worksheet(),
        "Needs manual review",
        REVIEW_COLUMNS,
        &review,
    )
    .map_err(xlsx)?;
    wb.save_to_buffer().map_err(xlsx)
}

/// [`render`] to a writer: what [`super::Format::PoamXlsx`] and
/// [`super::Format::PoamEmassXlsx`] write.
pub(crate) fn write(
    r: &ScanReport,
    layout: Layout,
    o: &Options,
    out: &mut dyn std::io::Write,
) -> Result<()> {
    Ok(out.write_all(&render(r, layout, o)?)?)
}
