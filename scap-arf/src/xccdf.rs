//! The XCCDF 1.2 `TestResult` of an ARF report, read into plain data.

use roxmltree::Node;
use serde::{Deserialize, Serialize};

use crate::XCCDF12_NS;
use crate::error::{Error, Result, line_of};
use crate::status::RuleStatus;

const WHAT: &str = "XCCDF TestResult";

/// An XCCDF `TestResult` (XCCDF 1.2 section 6.6) as read from a report.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TestResult {
    /// The `arf:report` id holding it (empty for a standalone document).
    pub report_id: String,
    /// `id`.
    pub id: String,
    /// `benchmark id`.
    pub benchmark_id: Option<String>,
    /// `benchmark href`.
    pub benchmark_href: Option<String>,
    /// `version` (of the benchmark).
    pub version: Option<String>,
    /// `start-time`.
    pub start_time: Option<String>,
    /// `end-time`.
    pub end_time: Option<String>,
    /// `test-system`.
    pub test_system: Option<String>,
    /// The first `title`.
    pub title: Option<String>,
    /// `identity` text.
    pub identity: Option<String>,
    /// `profile idref`.
    pub profile: Option<String>,
    /// The first `target`.
    pub target: Option<String>,
    /// `target-address`es.
    pub target_addresses: Vec<String>,
    /// `target-facts/fact`s.
    pub facts: Vec<Fact>,
    /// `set-value`s: value id and value.
    pub set_values: Vec<(String, String)>,
    /// `rule-result`s in document order.
    pub rule_results: Vec<RuleResult>,
    /// `score`s.
    pub scores: Vec<Score>,
}

/// A `target-facts/fact`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Fact {
    /// `name` (a URN such as `urn:xccdf:fact:asset:identifier:fqdn`).
    pub name: String,
    /// `type`.
    pub type_: String,
    /// The value.
    pub value: String,
}

/// One `rule-result`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RuleResult {
    /// `idref`: the rule.
    pub idref: String,
    /// `result`.
    pub result: RuleStatus,
    /// `severity`.
    pub severity: Option<String>,
    /// `role`.
    pub role: Option<String>,
    /// `weight`.
    pub weight: Option<String>,
    /// `time`.
    pub time: Option<String>,
    /// `ident`s: system and value.
    pub idents: Vec<(String, String)>,
    /// The `check/check-content-ref`s.
    pub checks: Vec<CheckRef>,
    /// `message`s: severity and text.
    pub messages: Vec<(String, String)>,
}

/// A `check` of a rule result and the content it ran.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CheckRef {
    /// `check system`.
    pub system: String,
    /// `check-content-ref href` (`#oval0` in ARF: the report holding the OVAL results).
    pub href: String,
    /// `check-content-ref name` (the OVAL definition id).
    pub name: Option<String>,
}

/// A `score`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Score {
    /// `system`.
    pub system: Option<String>,
    /// `maximum`.
    pub maximum: Option<f64>,
    /// The score.
    pub value: f64,
}

fn attr(n: Node<'_, '_>, name: &str) -> Option<String> {
    n.attribute(name).map(str::to_string)
}

fn text(n: Node<'_, '_>) -> String {
    n.descendants()
        .filter(|d| d.is_text())
        .filter_map(|d| d.text())
        .collect::<String>()
}

fn xccdf_children<'a, 'i>(n: Node<'a, 'i>) -> impl Iterator<Item = Node<'a, 'i>> {
    n.children()
        .filter(|c| c.is_element() && c.tag_name().namespace() == Some(XCCDF12_NS))
}

impl TestResult {
    /// Reads a `TestResult` element.
    ///
    /// ```
    /// let xml = r#"<TestResult xmlns="http://checklists.nist.gov/xccdf/1.2" id="t">
    ///   <rule-result idref="r1" severity="high"><result>fail</result></rule-result>
    ///   <score system="urn:xccdf:scoring:default" maximum="100">0.0</score></TestResult>"#;
    /// let tr = scap_arf::TestResult::parse_str(xml, "xccdf1").unwrap();
    /// assert_eq!(tr.rule_results[0].result, scap_arf::RuleStatus::Fail);
    /// assert_eq!(tr.scores[0].maximum, Some(100.0));
    /// ```
    pub fn parse_str(text: &str, report_id: &str) -> Result<TestResult> {
        let doc = crate::error::parse_document(WHAT, text)?;
        TestResult::from_node(doc.root_element(), report_id)
    }

    /// Reads a `TestResult` element; `report_id` is the ARF report holding it.
    pub(crate) fn from_node(node: Node<'_, '_>, report_id: &str) -> Result<TestResult> {
        if node.tag_name().namespace() != Some(XCCDF12_NS) || node.tag_name().name() != "TestResult"
        {
            return Err(Error::UnexpectedElement {
                what: WHAT,
                line: line_of(node),
                expected: "TestResult",
                found: node.tag_name().name().to_string(),
            });
        }
        let mut t = TestResult {
            report_id: report_id.to_string(),
            id: attr(node, "id").ok_or_else(|| Error::MissingAttribute {
                what: WHAT,
                line: line_of(node),
                element: "TestResult".into(),
                attribute: "id",
            })?,
            version: attr(node, "version"),
            start_time: attr(node, "start-time"),
            end_time: attr(node, "end-time"),
            test_system: attr(node, "test-system"),
            ..TestResult::default()
        };
        for c in xccdf_children(node) {
            match c.tag_name().name() {
                "benchmark" => {
                    t.benchmark_id = attr(c, "id");
                    t.benchmark_href = attr(c, "href");
                }
                "title" if t.title.is_none() => t.title = Some(text(c).trim().to_string()),
                "identity" => t.identity = Some(text(c).trim().to_string()),
                "profile" => t.profile = attr(c, "idref"),
                "target" if t.target.is_none() => t.target = Some(text(c).trim().to_string()),
                "target-address" => t.target_addresses.push(text(c).trim().to_string()),
                "target-facts" => {
                    for f in xccdf_children(c).filter(|f| f.tag_name().name() == "fact") {
                        t.facts.push(Fact {
                            name: attr(f, "name").unwrap_or_default(),
                            type_: attr(f, "type").unwrap_or_else(|| "boolean".into()),
                            value: text(f),
                        });
                    }
                }
                "set-value" => t
                    .set_values
                    .push((attr(c, "idref").unwrap_or_default(), text(c))),
                "rule-result" => t.rule_results.push(rule_result(c)?),
                "score" => {
                    let v = text(c);
                    let invalid = |field: &'static str, value: &str| Error::InvalidValue {
                        what: WHAT,
                        line: line_of(c),
                        element: "score".into(),
                        field,
                        value: value.to_string(),
                    };
                    let maximum = match c.attribute("maximum") {
                        None => None,
                        Some(m) => Some(m.trim().parse().map_err(|_| invalid("maximum", m))?),
                    };
                    t.scores.push(Score {
                        system: attr(c, "system"),
                        maximum,
                        value: v.trim().parse().map_err(|_| invalid("value", &v))?,
                    });
                }
                _ => {}
            }
        }
        Ok(t)
    }

    /// The values of the facts named `name` (full URN).
    pub fn facts_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.facts
            .iter()
            .filter(move |f| f.name == name)
            .map(|f| f.value.as_str())
    }
}

impl TestResult {
    /// The report view of a scan's typed results: what reading back the `TestResult` that
    /// [`scap_xccdf::write_test_result`] writes for `results` and `info` gives, without writing
    /// or parsing XML. Texts the reader trims are trimmed here too, and scores carry the six
    /// decimals the XML carries, so a report built either way is the same.
    ///
    /// ```
    /// let text = r#"<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2" id="xccdf_x_benchmark_b">
    ///   <Rule id="xccdf_x_rule_a" selected="true" severity="high"><title>A</title></Rule></Benchmark>"#;
    /// let b = scap_xccdf::Benchmark::parse_str(text, &Default::default())?;
    /// let p = scap_xccdf::Policy::new(&b, None, None)?;
    /// let results = scap_xccdf::unevaluated(&b, &p);
    /// let info = scap_xccdf::TestResultInfo::new("b.xml", "host1");
    /// let tr = scap_arf::TestResult::from_results(&results, &info, "xccdf1");
    /// assert_eq!(tr.rule_results[0].idref, "xccdf_x_rule_a");
    /// assert_eq!(tr.rule_results[0].result, scap_arf::RuleStatus::NotChecked);
    /// assert_eq!(tr.target.as_deref(), Some("host1"));
    /// # Ok::<(), scap_xccdf::Error>(())
    /// ```
    pub fn from_results(
        results: &scap_xccdf::ScanResults,
        info: &scap_xccdf::TestResultInfo,
        report_id: &str,
    ) -> TestResult {
        let six_decimals = |x: f64| format!("{x:.6}").parse().unwrap_or(x);
        TestResult {
            report_id: report_id.to_string(),
            id: scap_xccdf::testresult::test_result_id(results.profile_id.as_deref()),
            benchmark_id: Some(results.benchmark_id.clone()),
            benchmark_href: Some(info.benchmark_href.clone()),
            version: Some(results.benchmark_version.clone().unwrap_or_default()),
            start_time: Some(results.start_time.clone()),
            end_time: Some(results.end_time.clone()),
            test_system: Some(info.test_system.clone()).filter(|s| !s.is_empty()),
            title: Some("OSCAP Scan Result".into()),
            identity: info.identity.as_ref().map(|(n, _, _)| n.trim().to_string()),
            profile: results.profile_id.clone(),
            target: Some(info.target.trim().to_string()),
            target_addresses: info
                .target_addresses
                .iter()
                .map(|a| a.trim().to_string())
                .collect(),
            facts: info
                .facts
                .iter()
                .map(|(name, type_, value)| Fact {
                    name: name.clone(),
                    type_: type_.clone(),
                    value: value.clone(),
                })
                .collect(),
            set_values: results.values.clone(),
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

fn rule_result_of(r: &scap_xccdf::RuleOutcome) -> RuleResult {
    // A rule-result's `check` children as the reader sees them: one per content ref, or one
    // bare check; the checks inside a complex-check are not direct children.
    let checks = match &r.check {
        Some(c) if c.content_refs.is_empty() => vec![CheckRef {
            system: c.system.clone(),
            ..CheckRef::default()
        }],
        Some(c) => c
            .content_refs
            .iter()
            .map(|x| CheckRef {
                system: c.system.clone(),
                href: x.href.clone(),
                name: x.name.clone(),
            })
            .collect(),
        None => Vec::new(),
    };
    RuleResult {
        idref: r.rule_id.clone(),
        result: RuleStatus::from(r.result),
        severity: Some(r.severity.as_str().to_string()),
        role: Some(r.role.as_str().to_string()),
        weight: Some(format!("{:.6}", r.weight)),
        time: Some(r.time.clone()),
        idents: r
            .idents
            .iter()
            .map(|i| (i.system.clone(), i.value.trim().to_string()))
            .collect(),
        checks,
        messages: r
            .messages
            .iter()
            .map(|m| ("info".to_string(), m.trim().to_string()))
            .collect(),
    }
}

fn rule_result(c: Node<'_, '_>) -> Result<RuleResult> {
    let mut r = RuleResult {
        idref: attr(c, "idref").ok_or_else(|| Error::MissingAttribute {
            what: WHAT,
            line: line_of(c),
            element: "rule-result".into(),
            attribute: "idref",
        })?,
        severity: attr(c, "severity"),
        role: attr(c, "role"),
        weight: attr(c, "weight"),
        time: attr(c, "time"),
        ..RuleResult::default()
    };
    let mut result = None;
    for g in xccdf_children(c) {
        match g.tag_name().name() {
            "result" => {
                let word = text(g);
                let word = word.trim();
                result = Some(word.parse().map_err(|_| Error::InvalidValue {
                    what: WHAT,
                    line: line_of(g),
                    element: "result".into(),
                    field: "text",
                    value: word.to_string(),
                })?);
            }
            "ident" => r.idents.push((
                attr(g, "system").unwrap_or_default(),
                text(g).trim().to_string(),
            )),
            "message" => r.messages.push((
                attr(g, "severity").unwrap_or_else(|| "info".into()),
                text(g).trim().to_string(),
            )),
            "check" => {
                let system = attr(g, "system").unwrap_or_default();
                let refs: Vec<_> = xccdf_children(g)
                    .filter(|x| x.tag_name().name() == "check-content-ref")
                    .collect();
                if refs.is_empty() {
                    r.checks.push(CheckRef {
                        system: system.clone(),
                        ..CheckRef::default()
                    });
                }
                for x in refs {
                    r.checks.push(CheckRef {
                        system: system.clone(),
                        href: attr(x, "href").unwrap_or_default(),
                        name: attr(x, "name"),
                    });
                }
            }
            _ => {}
        }
    }
    r.result = result.ok_or_else(|| Error::UnexpectedElement {
        what: WHAT,
        line: line_of(c),
        expected: "result",
        found: String::new(),
    })?;
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(xml: &str) -> Result<TestResult> {
        TestResult::parse_str(xml, "xccdf1")
    }

    #[test]
    fn a_result_word_outside_xccdf_is_an_error_naming_its_line() {
        let xml = "<TestResult xmlns=\"http://checklists.nist.gov/xccdf/1.2\" id=\"t\">\n\
                   <rule-result idref=\"r\">\n<result>passed</result></rule-result></TestResult>";
        let e = parse(xml);
        assert!(
            matches!(e, Err(Error::InvalidValue { line: 3, ref value, .. }) if value == "passed"),
            "{e:?}"
        );
    }

    #[test]
    fn result_words_are_read_trimmed() -> Result<()> {
        let xml = "<TestResult xmlns=\"http://checklists.nist.gov/xccdf/1.2\" id=\"t\">\
                   <rule-result idref=\"r\"><result> notchecked\n</result></rule-result></TestResult>";
        assert_eq!(parse(xml)?.rule_results[0].result, RuleStatus::NotChecked);
        Ok(())
    }
}
