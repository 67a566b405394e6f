//! The crate's error type.

use thiserror::Error;

/// Everything that can go wrong reading or writing ARF and the reports made from it.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Error {
    /// The text is not well-formed XML (or breaks the parser's limits).
    #[error("{what}: XML at {line}:{column}: {message}")]
    Xml {
        /// Which document ("ARF", "data stream", "XCCDF TestResult", ...).
        what: &'static str,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
        /// The parser's message.
        message: String,
    },
    /// A required element is missing or a different element is where it should be.
    #[error("{what}: line {line}: expected <{expected}>, found <{found}>")]
    UnexpectedElement {
        /// Which document.
        what: &'static str,
        /// 1-based line of the element found (or of its parent when nothing was found).
        line: u32,
        /// The element expected (local name).
        expected: &'static str,
        /// The element found (local name), empty when none.
        found: String,
    },
    /// A required attribute is missing.
    #[error("{what}: line {line}: <{element}> has no {attribute} attribute")]
    MissingAttribute {
        /// Which document.
        what: &'static str,
        /// 1-based line of the element.
        line: u32,
        /// The element (local name).
        element: String,
        /// The attribute.
        attribute: &'static str,
    },
    /// An attribute or text value that does not parse.
    #[error("{what}: line {line}: <{element}> has an invalid {field}: {value:?}")]
    InvalidValue {
        /// Which document.
        what: &'static str,
        /// 1-based line of the element.
        line: u32,
        /// The element (local name).
        element: String,
        /// Which attribute or text.
        field: &'static str,
        /// The value found.
        value: String,
    },
    /// The document nests elements deeper than the limit this crate walks.
    #[error("{what}: line {line}: elements nested deeper than {limit}")]
    TooDeep {
        /// Which document.
        what: &'static str,
        /// 1-based line of the element.
        line: u32,
        /// The depth limit.
        limit: usize,
    },
    /// An ARF to write lacks something it must hold, or two parts share an id.
    #[error("ARF: {0}")]
    Invalid(String),
    /// The embedded data stream did not parse as XCCDF content.
    #[error("data stream in report-request {request}: {source}")]
    DataStream {
        /// The `report-request` id.
        request: String,
        /// What scap-xccdf said.
        source: scap_xccdf::Error,
    },
    /// An ARF report's XCCDF `TestResult` did not read (an unknown result word, a missing
    /// attribute, ...); the location is the ARF file's.
    #[error("XCCDF TestResult in report {report}: {source}")]
    TestResult {
        /// The `arf:report` id.
        report: String,
        /// What scap-xccdf said.
        source: scap_xccdf::Error,
    },
    /// JSON (de)serialization of a report.
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// Writing a rendered report failed (the writer's error; the caller knows the file).
    #[error("writing the report: {0}")]
    Io(#[from] std::io::Error),
    /// A word that is not one of its enumeration's values (a result, flag or status; see
    /// [`crate::status`]).
    #[error("{word:?} is not a {kind} value")]
    UnknownWord {
        /// The enumeration (`RuleStatus`, ...).
        kind: &'static str,
        /// The word found.
        word: String,
    },
    /// A report format name that [`crate::report::Format::from_name`] does not know.
    #[error("unknown report format {name:?} (known: {})", crate::report::Format::NAMES.join(", "))]
    UnknownFormat {
        /// The name given.
        name: String,
    },
    /// A previous POA&M (CSV) that cannot be read ([`crate::report::poam::History::from_csv`]).
    #[error("POA&M CSV: line {line}: {message}")]
    Csv {
        /// 1-based line of the record.
        line: u32,
        /// What is wrong.
        message: String,
    },
    /// The spreadsheet writer failed (its message; the `.xlsx` POA&M).
    #[error("xlsx: {0}")]
    Xlsx(String),
}

/// This crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An [`Error::Xml`] from a roxmltree error.
pub(crate) fn xml_error(what: &'static str, e: &roxmltree::Error) -> Error {
    let pos = e.pos();
    Error::Xml {
        what,
        line: pos.row,
        column: pos.col,
        message: e.to_string(),
    }
}

/// Parses `text` (a document named `what` in errors) with DTDs refused.
pub(crate) fn parse_document<'i>(
    what: &'static str,
    text: &'i str,
) -> Result<roxmltree::Document<'i>> {
    roxmltree::Document::parse_with_options(
        text,
        roxmltree::ParsingOptions {
            allow_dtd: false,
            nodes_limit: u32::MAX,
            ..roxmltree::ParsingOptions::default()
        },
    )
    .map_err(|e| xml_error(what, &e))
}

/// The 1-based line of a node.
pub(crate) fn line_of(node: roxmltree::Node<'_, '_>) -> u32 {
    node.document().text_pos_at(node.range().start).row
}
