//! The XCCDF `TestResult` (XCCDF 1.2 section 6.6): the one model of a scan's results as a
//! document holds them ([`TestResult`], read from a results file, a Benchmark or an ARF
//! report, or built from an evaluation with [`TestResult::from_results`]), and the writer
//! (element order of `cdf:testResultType` in `xccdf_1.2.xsd`), laid out like oscap 1.3's.
//!
//! The evaluator's own results are [`ScanResults`]; everything downstream (ARF, reports,
//! remediation from results) reads a [`TestResult`], so a report built from a scan in memory
//! and one built from the ARF it wrote see the same data.
//!
//! The document's root is the `TestResult` element itself (a global element of the XCCDF 1.2
//! schema), in the XCCDF 1.2 namespace: id `xccdf_org.open-scap_testresult_<profile>` (or
//! `_default-profile`), `start-time`, `end-time`, `version` (the benchmark's), `test-system`;
//! then `benchmark`, `title`, `identity`, `profile`, `target`, `target-address`es,
//! `target-facts`, a `set-value` per Value, a `rule-result` per Rule result and a `score` per
//! scoring model.

use std::fmt::Write as _;

use quick_xml::escape::escape;

use crate::engine::XccdfResult;
use crate::eval::{RuleOutcome, ScanResults};
use crate::model::{Check, CheckNode, ComplexCheck, Ident, Role, SetValue, Severity};
use crate::text::Text;
use crate::xml::ParseOptions;
use crate::{Fragment, Result};

/// The XCCDF 1.2 namespace.
const NS: &str = "http://checklists.nist.gov/xccdf/1.2";

/// How deep a `complex-check` is written before the writer stops descending.
const MAX_DEPTH: usize = 64;

/// What the results do not know about the scan: where the benchmark came from and what was
/// scanned.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct TestResultInfo {
    /// `benchmark href`: the file the benchmark came from.
    pub benchmark_href: String,
    /// `test-system`: the scanner's CPE name.
    pub test_system: String,
    /// `target`: the target's host name.
    pub target: String,
    /// `target-address`es.
    pub target_addresses: Vec<String>,
    /// `target-facts`.
    pub facts: Vec<Fact>,
    /// `identity`: the account that ran the scan.
    pub identity: Option<Identity>,
}

impl TestResultInfo {
    /// Info for a target name, with this crate as the test system and the scanner facts oscap
    /// writes.
    ///
    /// ```
    /// let i = scap_xccdf::TestResultInfo::new("bench.xml", "host1");
    /// assert_eq!(i.target, "host1");
    /// assert!(i.test_system.starts_with("cpe:/a:scap-rs:scap-xccdf:"));
    /// ```
    pub fn new(benchmark_href: impl Into<String>, target: impl Into<String>) -> TestResultInfo {
        let version = env!("CARGO_PKG_VERSION");
        TestResultInfo {
            benchmark_href: benchmark_href.into(),
            test_system: format!("cpe:/a:scap-rs:scap-xccdf:{version}"),
            target: target.into(),
            target_addresses: Vec::new(),
            facts: vec![
                Fact::new("urn:xccdf:fact:scanner:name", "string", "scap-rs"),
                Fact::new("urn:xccdf:fact:scanner:version", "string", version),
            ],
            identity: None,
        }
    }
}

/// An XCCDF `TestResult` (XCCDF 1.2 section 6.6, `cdf:testResultType`), as read.
///
/// ```
/// let xml = r#"<TestResult xmlns="http://checklists.nist.gov/xccdf/1.2" id="xccdf_x_testresult_t">
///   <benchmark id="xccdf_x_benchmark_b"/><target>host1</target>
///   <rule-result idref="xccdf_x_rule_r" severity="high"><result>fail</result></rule-result>
///   <score system="urn:xccdf:scoring:default" maximum="100">0.0</score></TestResult>"#;
/// let tr = scap_xccdf::TestResult::parse_str(xml, &Default::default())?;
/// assert_eq!(tr.benchmark_id.as_deref(), Some("xccdf_x_benchmark_b"));
/// assert_eq!(tr.rule_results[0].result, scap_xccdf::XccdfResult::Fail);
/// assert_eq!(tr.rule_results[0].severity, Some(scap_xccdf::Severity::High));
/// assert_eq!(tr.scores[0].maximum, Some(100.0));
/// # Ok::<(), scap_xccdf::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct TestResult {
    /// `id`.
    pub id: String,
    /// `start-time`.
    pub start_time: Option<String>,
    /// `end-time`.
    pub end_time: Option<String>,
    /// `version` (of the benchmark).
    pub version: Option<String>,
    /// `test-system`.
    pub test_system: Option<String>,
    /// `benchmark id` (XCCDF 1.2; a TestResult inside its Benchmark has none).
    pub benchmark_id: Option<String>,
    /// `benchmark href`.
    pub benchmark_href: Option<String>,
    /// `title`s.
    pub title: Vec<Text>,
    /// `identity`: the account that ran the scan.
    pub identity: Option<Identity>,
    /// `profile idref`.
    pub profile: Option<String>,
    /// `target`s (trimmed).
    pub targets: Vec<String>,
    /// `target-address`es (trimmed).
    pub target_addresses: Vec<String>,
    /// `target-facts/fact`s.
    pub facts: Vec<Fact>,
    /// `set-value`s.
    pub set_values: Vec<SetValue>,
    /// `rule-result`s in document order.
    pub rule_results: Vec<RuleResult>,
    /// `score`s.
    pub scores: Vec<Score>,
}

/// The `identity` of a TestResult.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Identity {
    /// The account name (trimmed).
    pub name: String,
    /// `authenticated`.
    pub authenticated: bool,
    /// `privileged`.
    pub privileged: bool,
}

impl Identity {
    /// The identity of account `name`.
    ///
    /// ```
    /// let i = scap_xccdf::testresult::Identity::new("root", true, true);
    /// assert!(i.privileged);
    /// ```
    pub fn new(name: impl Into<String>, authenticated: bool, privileged: bool) -> Identity {
        Identity {
            name: name.into(),
            authenticated,
            privileged,
        }
    }
}

/// A `target-facts/fact`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Fact {
    /// `name` (a URN such as `urn:xccdf:fact:asset:identifier:fqdn`).
    pub name: String,
    /// `type`: `string`, `number` or `boolean` (the schema's default).
    pub type_: String,
    /// The value, as written.
    pub value: String,
}

/// One `rule-result`.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct RuleResult {
    /// `idref`: the rule.
    pub idref: String,
    /// `result`.
    pub result: XccdfResult,
    /// `time`.
    pub time: Option<String>,
    /// `version` (of the rule).
    pub version: Option<String>,
    /// `severity` (a word outside the schema's list is left out).
    pub severity: Option<Severity>,
    /// `role` (likewise).
    pub role: Option<Role>,
    /// `weight`.
    pub weight: Option<f64>,
    /// `ident`s (values trimmed).
    pub idents: Vec<Ident>,
    /// `message`s.
    pub messages: Vec<Message>,
    /// The `check`s (direct children; the checks of a `complex-check` are in it).
    pub checks: Vec<Check>,
    /// The `complex-check`.
    pub complex_check: Option<ComplexCheck>,
}

/// A `message` of a rule-result.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Message {
    /// `severity`: `error`, `warning` or `info` (the default).
    pub severity: String,
    /// The text (trimmed).
    pub text: String,
}

/// A `score`.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Score {
    /// `system`: the scoring model.
    pub system: Option<String>,
    /// `maximum`.
    pub maximum: Option<f64>,
    /// The score.
    pub value: f64,
}

impl TestResult {
    /// Reads a document whose root is a `TestResult` (XCCDF 1.2 or 1.1): a results file of
    /// its own, as `oscap xccdf eval --results` writes one. A result word outside the schema's
    /// list is an [`Error::InvalidValue`](crate::Error::InvalidValue) naming its line: a result
    /// is never guessed.
    pub fn parse_str(text: &str, opts: &ParseOptions) -> Result<TestResult> {
        let doc = opts.parse_document(text)?;
        crate::parse::read_test_result(doc.root_element(), opts, crate::xml::Shift::default())
    }

    /// Reads the `TestResult` element at `fragment` of `text` (e.g. the content of an ARF
    /// report); locations in errors are the whole `text`'s.
    ///
    /// ```
    /// let text = r#"<report id="xccdf1"><content>
    /// <TestResult xmlns="http://checklists.nist.gov/xccdf/1.2" id="t">
    ///   <rule-result idref="r"><result>passed</result></rule-result></TestResult></content></report>"#;
    /// let start = text.find("<TestResult").unwrap();
    /// let end = text.find("</content>").unwrap();
    /// let fragment = scap_xccdf::Fragment::new(start..end, Vec::new());
    /// let e = scap_xccdf::TestResult::parse_fragment(text, &fragment, &Default::default());
    /// assert!(e.unwrap_err().to_string().starts_with("3:"));
    /// ```
    pub fn parse_fragment(
        text: &str,
        fragment: &Fragment,
        opts: &ParseOptions,
    ) -> Result<TestResult> {
        opts.parse_fragment(text, fragment, |node, _, shift| {
            crate::parse::read_test_result(node, opts, shift)
        })
    }

    /// The values of the facts named `name` (full URN), in order.
    ///
    /// ```
    /// let mut tr = scap_xccdf::TestResult::default();
    /// tr.facts.push(scap_xccdf::testresult::Fact::new("urn:xccdf:fact:asset:identifier:fqdn", "string", "h"));
    /// assert_eq!(tr.facts_named("urn:xccdf:fact:asset:identifier:fqdn").collect::<Vec<_>>(), ["h"]);
    /// ```
    pub fn facts_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.facts
            .iter()
            .filter(move |f| f.name == name)
            .map(|f| f.value.as_str())
    }

    /// The `TestResult` that [`write_test_result`] writes for `results` and `info`, without
    /// writing or reading XML: what reading the written document back gives (texts the reader
    /// trims are trimmed, scores carry the six decimals the XML carries), so evidence built
    /// from a scan in memory equals evidence built from its results file.
    ///
    /// ```
    /// let text = r#"<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2" id="xccdf_x_benchmark_b">
    ///   <Rule id="xccdf_x_rule_a" selected="true" severity="high"><title>A</title></Rule></Benchmark>"#;
    /// let b = scap_xccdf::Benchmark::parse_str(text, &Default::default())?;
    /// let p = scap_xccdf::Policy::new(&b, None, None)?;
    /// let results = scap_xccdf::unevaluated(&b, &p);
    /// let info = scap_xccdf::TestResultInfo::new("b.xml", "host1");
    /// let tr = scap_xccdf::TestResult::from_results(&results, &info);
    /// assert_eq!(tr.rule_results[0].idref, "xccdf_x_rule_a");
    /// assert_eq!(tr.rule_results[0].result, scap_xccdf::XccdfResult::NotChecked);
    /// assert_eq!(tr.targets, ["host1"]);
    /// let written = scap_xccdf::write_test_result(&results, &info);
    /// assert_eq!(scap_xccdf::TestResult::parse_str(&written, &Default::default())?, tr);
    /// # Ok::<(), scap_xccdf::Error>(())
    /// ```
    pub fn from_results(results: &ScanResults, info: &TestResultInfo) -> TestResult {
        let six_decimals = |x: f64| num(x).parse().unwrap_or(x);
        TestResult {
            id: test_result_id(results.profile_id.as_deref()),
            start_time: Some(results.start_time.clone()),
            end_time: Some(results.end_time.clone()),
            version: Some(results.benchmark_version.clone().unwrap_or_default()),
            test_system: Some(info.test_system.clone()).filter(|s| !s.is_empty()),
            benchmark_id: Some(results.benchmark_id.clone()),
            benchmark_href: Some(info.benchmark_href.clone()),
            title: vec![Text::plain_str(RESULT_TITLE)],
            identity: info.identity.as_ref().map(|i| Identity {
                name: i.name.trim().to_string(),
                ..i.clone()
            }),
            profile: results.profile_id.clone(),
            targets: vec![info.target.trim().to_string()],
            target_addresses: info
                .target_addresses
                .iter()
                .map(|a| a.trim().to_string())
                .collect(),
            facts: info.facts.clone(),
            set_values: results
                .values
                .iter()
                .map(|(idref, value)| SetValue {
                    idref: idref.clone(),
                    value: value.clone(),
                })
                .collect(),
            rule_results: results.rules.iter().map(rule_result_of).collect(),
            scores: results
                .scores
                .iter()
                .map(|s| Score {
                    system: Some(s.system.clone()),
                    maximum: Some(six_decimals(s.maximum)),
                    value: six_decimals(s.value),
                })
                .collect(),
        }
    }
}

impl Fact {
    /// A fact.
    ///
    /// ```
    /// let f = scap_xccdf::testresult::Fact::new("urn:xccdf:fact:scanner:name", "string", "scap-rs");
    /// assert_eq!(f.type_, "string");
    /// ```
    pub fn new(
        name: impl Into<String>,
        type_: impl Into<String>,
        value: impl Into<String>,
    ) -> Fact {
        Fact {
            name: name.into(),
            type_: type_.into(),
            value: value.into(),
        }
    }
}

/// The `title` oscap gives a TestResult, and so do we.
const RESULT_TITLE: &str = "OSCAP Scan Result";

/// A rule outcome as the reader sees the `rule-result` the writer makes of it.
fn rule_result_of(r: &RuleOutcome) -> RuleResult {
    RuleResult {
        idref: r.rule_id.clone(),
        result: r.result,
        time: Some(r.time.clone()),
        version: r.version.clone(),
        severity: Some(r.severity),
        role: Some(r.role),
        weight: Some(num(r.weight).parse().unwrap_or(r.weight)),
        idents: r
            .idents
            .iter()
            .map(|i| Ident {
                system: i.system.clone(),
                value: i.value.trim().to_string(),
            })
            .collect(),
        messages: r
            .messages
            .iter()
            .map(|m| Message {
                severity: "info".into(),
                text: m.trim().to_string(),
            })
            .collect(),
        checks: r.check.iter().cloned().collect(),
        complex_check: if r.check.is_none() {
            r.complex_check.clone()
        } else {
            None
        },
    }
}

fn esc(s: &str) -> std::borrow::Cow<'_, str> {
    escape(s)
}

/// The TestResult id oscap gives: `xccdf_org.open-scap_testresult_` + profile id (or
/// `default-profile`).
///
/// ```
/// assert_eq!(scap_xccdf::testresult::test_result_id(None), "xccdf_org.open-scap_testresult_default-profile");
/// ```
pub fn test_result_id(profile: Option<&str>) -> String {
    format!(
        "xccdf_org.open-scap_testresult_{}",
        profile.unwrap_or("default-profile")
    )
}

fn num(x: f64) -> String {
    format!("{x:.6}")
}

/// The fix a remediation ran, in a rule-result as oscap 1.3.7 writes it (observed): the
/// `xhtml` namespace declared, the attributes `id`, `system`, `platform`, `complexity`,
/// `disruption`, `reboot` (only when true), `strategy` in that order, the substituted text
/// (or, when substitution failed, the `sub` elements as written).
fn write_fix(out: &mut String, fix: &crate::model::Fix) {
    out.push_str("    <fix xmlns:xhtml=\"http://www.w3.org/1999/xhtml\"");
    let attrs = [
        ("id", fix.id.as_deref()),
        ("system", fix.system.as_deref()),
        ("platform", fix.platform.as_deref()),
        ("complexity", fix.complexity.as_deref()),
        ("disruption", fix.disruption.as_deref()),
        ("reboot", fix.reboot.filter(|r| *r).map(|_| "true")),
        ("strategy", fix.strategy.as_deref()),
    ];
    for (name, value) in attrs {
        if let Some(v) = value {
            let _ = write!(out, " {name}=\"{}\"", esc(v));
        }
    }
    out.push('>');
    for piece in &fix.content {
        match piece {
            crate::model::FixPiece::Text(t) => out.push_str(&quick_xml::escape::partial_escape(t)),
            crate::model::FixPiece::Sub { idref, use_ } => {
                let _ = write!(out, "<sub xmlns=\"{NS}\" idref=\"{}\"", esc(idref));
                if let Some(u) = use_ {
                    let _ = write!(out, " use=\"{}\"", esc(u));
                }
                out.push_str("/>");
            }
            crate::model::FixPiece::Instance { context } => {
                let _ = write!(out, "<instance xmlns=\"{NS}\"");
                if let Some(c) = context {
                    let _ = write!(out, " context=\"{}\"", esc(c));
                }
                out.push_str("/>");
            }
        }
    }
    out.push_str("</fix>\n");
}

fn write_check(out: &mut String, check: &Check, indent: &str) {
    let _ = write!(out, "{indent}<check system=\"{}\"", esc(&check.system));
    if check.negate {
        out.push_str(" negate=\"true\"");
    }
    if let Some(id) = &check.id {
        let _ = write!(out, " id=\"{}\"", esc(id));
    }
    if let Some(s) = &check.selector {
        let _ = write!(out, " selector=\"{}\"", esc(s));
    }
    if check.multi_check {
        out.push_str(" multi-check=\"true\"");
    }
    out.push_str(">\n");
    for i in &check.imports {
        let _ = write!(
            out,
            "{indent}  <check-import import-name=\"{}\"",
            esc(&i.import_name)
        );
        if let Some(x) = &i.import_xpath {
            let _ = write!(out, " import-xpath=\"{}\"", esc(x));
        }
        match &i.content {
            Some(c) => {
                let _ = writeln!(out, ">{}</check-import>", esc(c));
            }
            None => out.push_str("/>\n"),
        }
    }
    for e in &check.exports {
        let _ = writeln!(
            out,
            "{indent}  <check-export value-id=\"{}\" export-name=\"{}\"/>",
            esc(&e.value_id),
            esc(&e.export_name)
        );
    }
    for r in &check.content_refs {
        let _ = write!(out, "{indent}  <check-content-ref");
        if let Some(n) = &r.name {
            let _ = write!(out, " name=\"{}\"", esc(n));
        }
        let _ = writeln!(out, " href=\"{}\"/>", esc(&r.href));
    }
    if check.content_refs.is_empty() {
        if let Some(c) = &check.content {
            // check-content is mixed content in the source; it is kept as text here.
            let _ = writeln!(out, "{indent}  <check-content>{}</check-content>", esc(c));
        }
    }
    let _ = writeln!(out, "{indent}</check>");
}

fn write_complex(out: &mut String, cc: &ComplexCheck, indent: &str, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let op = match cc.operator {
        crate::model::CheckOperator::Or => "OR",
        _ => "AND",
    };
    let _ = write!(out, "{indent}<complex-check operator=\"{op}\"");
    if cc.negate {
        out.push_str(" negate=\"true\"");
    }
    out.push_str(">\n");
    let inner = format!("{indent}  ");
    for c in &cc.checks {
        match c {
            CheckNode::Check(c) => write_check(out, c, &inner),
            CheckNode::Complex(c) => write_complex(out, c, &inner, depth + 1),
        }
    }
    let _ = writeln!(out, "{indent}</complex-check>");
}

/// The `reference href`s whose text is a STIG Viewer rule id (`SV-230221r743913_rule`), as
/// oscap 1.3.7 recognises them for `--stig-viewer`.
pub const STIG_VIEWER_HREFS: [&str; 2] = [
    "https://public.cyber.mil/stigs/srg-stig-tools/",
    "http://iase.disa.mil/stigs/Pages/stig-viewing-guidance.aspx",
];

/// The results as oscap `--stig-viewer` writes them for DISA STIG Viewer: one rule-result per
/// STIG rule id reference of a rule ([`STIG_VIEWER_HREFS`]), the STIG id as its `idref`; rules
/// without one are left out (oscap on SSG Chromium's `stig` profile, whose references are not
/// STIG Viewer ones, writes a TestResult with no rule-result).
///
/// ```
/// let text = r#"<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2" id="xccdf_x_benchmark_b">
///   <Rule id="xccdf_x_rule_a" selected="true"><title>A</title>
///     <reference href="https://public.cyber.mil/stigs/srg-stig-tools/">SV-1r1_rule</reference></Rule>
///   <Rule id="xccdf_x_rule_b" selected="true"><title>B</title></Rule></Benchmark>"#;
/// let b = scap_xccdf::Benchmark::parse_str(text, &Default::default())?;
/// let p = scap_xccdf::Policy::new(&b, None, None)?;
/// let r = scap_xccdf::unevaluated(&b, &p);
/// let stig = scap_xccdf::testresult::stig_viewer_ids(&r, &b);
/// assert_eq!(stig.rules.len(), 1);
/// assert_eq!(stig.rules[0].rule_id, "SV-1r1_rule");
/// # Ok::<(), scap_xccdf::Error>(())
/// ```
pub fn stig_viewer_ids(results: &ScanResults, benchmark: &crate::model::Benchmark) -> ScanResults {
    let mut refs: std::collections::HashMap<&str, Vec<String>> = Default::default();
    let mut stack: Vec<&crate::model::Item> = benchmark.items.iter().collect();
    while let Some(item) = stack.pop() {
        match item {
            crate::model::Item::Rule(r) => {
                let ids = r
                    .common
                    .references
                    .iter()
                    .filter(|x| {
                        x.href
                            .as_deref()
                            .is_some_and(|h| STIG_VIEWER_HREFS.contains(&h))
                    })
                    .map(|x| x.text.text.trim().to_string())
                    .collect();
                refs.insert(&r.common.id, ids);
            }
            crate::model::Item::Group(g) => stack.extend(&g.items),
        }
    }
    let mut out = results.clone();
    out.rules = results
        .rules
        .iter()
        .flat_map(|r| {
            refs.get(r.rule_id.as_str())
                .into_iter()
                .flatten()
                .map(move |id| {
                    let mut x = r.clone();
                    x.rule_id = id.clone();
                    x
                })
        })
        .collect();
    out
}

/// Writes the results as an XCCDF 1.2 `TestResult` document.
///
/// ```
/// let text = r#"<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2" id="xccdf_x_benchmark_b">
///   <version>1.0</version><Rule id="xccdf_x_rule_a" selected="true"/></Benchmark>"#;
/// let b = scap_xccdf::Benchmark::parse_str(text, &Default::default())?;
/// let p = scap_xccdf::Policy::new(&b, None, None)?;
/// let res = scap_xccdf::unevaluated(&b, &p);
/// let xml = scap_xccdf::write_test_result(&res, &scap_xccdf::TestResultInfo::new("b.xml", "host"));
/// assert!(xml.contains(r#"<rule-result idref="xccdf_x_rule_a""#));
/// assert!(xml.contains("<result>notchecked</result>"));
/// # Ok::<(), scap_xccdf::Error>(())
/// ```
pub fn write_test_result(results: &ScanResults, info: &TestResultInfo) -> String {
    let mut out = String::with_capacity(512 + results.rules.len() * 512);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = write!(
        out,
        "<TestResult xmlns=\"{NS}\" id=\"{}\" start-time=\"{}\" end-time=\"{}\" version=\"{}\"",
        esc(&test_result_id(results.profile_id.as_deref())),
        esc(&results.start_time),
        esc(&results.end_time),
        esc(results.benchmark_version.as_deref().unwrap_or("")),
    );
    if !info.test_system.is_empty() {
        let _ = write!(out, " test-system=\"{}\"", esc(&info.test_system));
    }
    out.push_str(">\n");
    let _ = writeln!(
        out,
        "  <benchmark href=\"{}\" id=\"{}\"/>",
        esc(&info.benchmark_href),
        esc(&results.benchmark_id)
    );
    out.push_str("  <title>OSCAP Scan Result</title>\n");
    if let Some(Identity {
        name,
        authenticated: auth,
        privileged: priv_,
    }) = &info.identity
    {
        let _ = writeln!(
            out,
            "  <identity authenticated=\"{auth}\" privileged=\"{priv_}\">{}</identity>",
            esc(name)
        );
    }
    if let Some(p) = &results.profile_id {
        let _ = writeln!(out, "  <profile idref=\"{}\"/>", esc(p));
    }
    let _ = writeln!(out, "  <target>{}</target>", esc(&info.target));
    for a in &info.target_addresses {
        let _ = writeln!(out, "  <target-address>{}</target-address>", esc(a));
    }
    if !info.facts.is_empty() {
        out.push_str("  <target-facts>\n");
        for Fact {
            name,
            type_: ty,
            value,
        } in &info.facts
        {
            let _ = writeln!(
                out,
                "    <fact name=\"{}\" type=\"{}\">{}</fact>",
                esc(name),
                esc(ty),
                esc(value)
            );
        }
        out.push_str("  </target-facts>\n");
    }
    for (id, value) in &results.values {
        let _ = writeln!(
            out,
            "  <set-value idref=\"{}\">{}</set-value>",
            esc(id),
            esc(value)
        );
    }
    for r in &results.rules {
        let _ = write!(
            out,
            "  <rule-result idref=\"{}\" role=\"{}\" time=\"{}\" severity=\"{}\" weight=\"{}\"",
            esc(&r.rule_id),
            r.role.as_str(),
            esc(&r.time),
            r.severity.as_str(),
            num(r.weight)
        );
        if let Some(v) = &r.version {
            let _ = write!(out, " version=\"{}\"", esc(v));
        }
        out.push_str(">\n");
        let _ = writeln!(out, "    <result>{}</result>", r.result.as_str());
        for i in &r.idents {
            let _ = writeln!(
                out,
                "    <ident system=\"{}\">{}</ident>",
                esc(&i.system),
                esc(&i.value)
            );
        }
        for m in &r.messages {
            let _ = writeln!(out, "    <message severity=\"info\">{}</message>", esc(m));
        }
        if let Some(f) = &r.fix {
            write_fix(&mut out, f);
        }
        if let Some(c) = &r.check {
            write_check(&mut out, c, "    ");
        } else if let Some(cc) = &r.complex_check {
            write_complex(&mut out, cc, "    ", 0);
        }
        out.push_str("  </rule-result>\n");
    }
    for s in &results.scores {
        let _ = writeln!(
            out,
            "  <score system=\"{}\" maximum=\"{}\">{}</score>",
            esc(&s.system),
            num(s.maximum),
            num(s.value)
        );
    }
    out.push_str("</TestResult>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::XccdfResult;
    use crate::model::Benchmark;
    use crate::policy::Policy;

    const BENCH: &str = r#"<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2" id="xccdf_x_benchmark_b">
      <version>2.0</version>
      <Profile id="xccdf_x_profile_p"><title>P</title><set-value idref="xccdf_x_value_v">a&lt;b</set-value></Profile>
      <Value id="xccdf_x_value_v"><value>1</value></Value>
      <Rule id="xccdf_x_rule_a" selected="true" severity="high">
        <ident system="https://ncp.nist.gov/cce">CCE-1</ident>
        <check system="http://oval.mitre.org/XMLSchema/oval-definitions-5" negate="true">
          <check-export value-id="xccdf_x_value_v" export-name="oval:x:var:1"/>
          <check-content-ref href="x.xml" name="oval:x:def:1"/></check></Rule>
      <Rule id="xccdf_x_rule_b" selected="false"><complex-check operator="OR" negate="true">
          <check system="urn:a"><check-content-ref href="a"/></check></complex-check></Rule>
    </Benchmark>"#;

    fn doc() -> String {
        let b = Benchmark::parse_str(BENCH, &Default::default()).unwrap();
        let p = Policy::new(&b, None, Some("xccdf_x_profile_p")).unwrap();
        let mut res = crate::eval::unevaluated(&b, &p);
        res.rules[0].result = XccdfResult::Fail;
        res.rules[0].check = Some(p.rules[0].rule.checks[0].clone());
        res.rules[0].messages.push("m & m".into());
        res.rules[1].complex_check = p.rules[1].rule.complex_check.clone();
        res.scores = crate::eval::score::scores(&b, &p, &res.rules);
        let mut info = TestResultInfo::new("bench & co.xml", "host");
        info.target_addresses.push("127.0.0.1".into());
        info.identity = Some(Identity::new("root", false, true));
        write_test_result(&res, &info)
    }

    #[test]
    fn a_remediated_rule_records_its_fix_as_oscap() {
        // oscap 1.3.7 after --remediate (scap/tests/fixtures/remediate/oscap-results.xml):
        // `<fix xmlns:xhtml=... id=".." system=".." complexity=".." disruption=".."
        // strategy="..">`, reboot only when true, the text with `"` and `'` as they are.
        let b = Benchmark::parse_str(BENCH, &Default::default()).unwrap();
        let p = Policy::new(&b, None, Some("xccdf_x_profile_p")).unwrap();
        let mut res = crate::eval::unevaluated(&b, &p);
        let fix = crate::model::Fix {
            id: Some("m".into()),
            system: Some("urn:xccdf:fix:script:sh".into()),
            platform: None,
            complexity: Some("low".into()),
            disruption: Some("medium".into()),
            reboot: Some(false),
            strategy: Some("enable".into()),
            content: vec![
                crate::model::FixPiece::Text("echo \"a\" 'b' >&2; touch /root/".into()),
                crate::model::FixPiece::Sub {
                    idref: "xccdf_x_value_v".into(),
                    use_: None,
                },
            ],
        };
        res.rules[0].result = XccdfResult::Fixed;
        res.rules[0].fix = Some(fix);
        let text = write_test_result(&res, &TestResultInfo::new("b.xml", "host"));
        assert!(
            text.contains(
                "    <fix xmlns:xhtml=\"http://www.w3.org/1999/xhtml\" id=\"m\" \
                 system=\"urn:xccdf:fix:script:sh\" complexity=\"low\" disruption=\"medium\" \
                 strategy=\"enable\">echo \"a\" 'b' &gt;&amp;2; touch /root/<sub \
                 xmlns=\"http://checklists.nist.gov/xccdf/1.2\" idref=\"xccdf_x_value_v\"/></fix>\n"
            ),
            "{text}"
        );
        assert!(roxmltree::Document::parse(&text).is_ok());
    }

    #[test]
    fn structure() {
        let text = doc();
        let d = roxmltree::Document::parse(&text).unwrap();
        let root = d.root_element();
        assert_eq!(root.tag_name().namespace(), Some(NS));
        assert_eq!(root.tag_name().name(), "TestResult");
        assert_eq!(
            root.attribute("id"),
            Some("xccdf_org.open-scap_testresult_xccdf_x_profile_p")
        );
        assert_eq!(root.attribute("version"), Some("2.0"));
        let names: Vec<&str> = root
            .children()
            .filter(|n| n.is_element())
            .map(|n| n.tag_name().name())
            .collect();
        assert_eq!(
            names,
            [
                "benchmark",
                "title",
                "identity",
                "profile",
                "target",
                "target-address",
                "target-facts",
                "set-value",
                "rule-result",
                "rule-result",
                "score"
            ]
        );
        let bench = root
            .children()
            .find(|n| n.has_tag_name("benchmark"))
            .unwrap();
        assert_eq!(bench.attribute("href"), Some("bench & co.xml"));
        let sv = root
            .children()
            .find(|n| n.has_tag_name("set-value"))
            .unwrap();
        assert_eq!(sv.text(), Some("a<b"));
        let rr: Vec<_> = root
            .children()
            .filter(|n| n.has_tag_name("rule-result"))
            .collect();
        assert_eq!(rr[0].attribute("severity"), Some("high"));
        assert_eq!(rr[0].attribute("weight"), Some("1.000000"));
        let kids: Vec<&str> = rr[0]
            .children()
            .filter(|n| n.is_element())
            .map(|n| n.tag_name().name())
            .collect();
        assert_eq!(kids, ["result", "ident", "message", "check"]);
        let check = rr[0].children().find(|n| n.has_tag_name("check")).unwrap();
        assert_eq!(check.attribute("negate"), Some("true"));
        let cref = check
            .children()
            .find(|n| n.has_tag_name("check-content-ref"))
            .unwrap();
        assert_eq!(cref.attribute("name"), Some("oval:x:def:1"));
        assert_eq!(
            rr[1]
                .children()
                .find(|n| n.has_tag_name("result"))
                .unwrap()
                .text(),
            Some("notselected")
        );
        assert!(rr[1].children().any(|n| n.has_tag_name("complex-check")));
        let score = root.children().find(|n| n.has_tag_name("score")).unwrap();
        assert_eq!(score.attribute("system"), Some("urn:xccdf:scoring:default"));
        assert_eq!(score.text(), Some("0.000000"));
    }

    #[test]
    #[ignore = "needs xmllint and the openscap XSDs (/usr/share/openscap/schemas)"]
    fn valid_against_xccdf_1_2_xsd() {
        let xsd = "/usr/share/openscap/schemas/xccdf/1.2/xccdf_1.2.xsd";
        let dir = std::env::temp_dir().join(format!("scap-xccdf-tr-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("tr.xml");
        std::fs::write(&file, doc()).unwrap();
        let out = std::process::Command::new("xmllint")
            .args(["--noout", "--schema", xsd])
            .arg(&file)
            .output()
            .unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
