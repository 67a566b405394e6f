//! The XCCDF 1.2 `TestResult` of an ARF report: the one model of `scap_xccdf`
//! ([`scap_xccdf::TestResult`]), read from the report's content, with the id of the report
//! that holds it.

use roxmltree::Node;

use crate::error::{Error, Result};

pub use scap_xccdf::testresult::{Fact, Identity, Message, RuleResult, Score, TestResult};

/// An `arf:report` whose content is an XCCDF `TestResult`.
///
/// ```
/// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"),
///     "/tests/fixtures/arf/ssg-chromium-stig-oscap-arf.xml"))?;
/// let arf = scap_arf::Arf::parse(&text)?;
/// let report = &arf.test_results[0];
/// assert_eq!(report.report_id, "xccdf1");
/// assert!(!report.test_result.rule_results.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct TestResultReport {
    /// The `arf:report` id (the `#id` a check's `href` names for OVAL results, and the
    /// subject of the report's relationships).
    pub report_id: String,
    /// The `TestResult`.
    pub test_result: TestResult,
}

impl TestResultReport {
    /// A report holding `test_result`.
    ///
    /// ```
    /// let r = scap_arf::xccdf::TestResultReport::new("xccdf1", Default::default());
    /// assert_eq!(r.report_id, "xccdf1");
    /// ```
    pub fn new(report_id: impl Into<String>, test_result: TestResult) -> TestResultReport {
        TestResultReport {
            report_id: report_id.into(),
            test_result,
        }
    }
}

/// Reads the `TestResult` element `node` of the ARF `text`, in report `report_id`. The
/// element is read by `scap_xccdf` from its byte range with the namespaces in scope there,
/// so errors name lines of the ARF file.
pub(crate) fn read(node: Node<'_, '_>, text: &str, report_id: &str) -> Result<TestResultReport> {
    let namespaces = node
        .namespaces()
        .map(|ns| scap_xccdf::Namespace::new(ns.name(), ns.uri()))
        .collect();
    let fragment = scap_xccdf::Fragment::new(node.range(), namespaces);
    let opts = scap_xccdf::ParseOptions {
        max_input_bytes: text
            .len()
            .max(scap_xccdf::ParseOptions::default().max_input_bytes),
        ..scap_xccdf::ParseOptions::default()
    };
    let test_result =
        TestResult::parse_fragment(text, &fragment, &opts).map_err(|source| Error::TestResult {
            report: report_id.to_string(),
            source,
        })?;
    Ok(TestResultReport::new(report_id, test_result))
}
