//! OVAL 5.11 results (with system characteristics) of an ARF report, read into plain data:
//! enough to say which items and values made a definition true or false.

use std::collections::BTreeMap;

use roxmltree::Node;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, line_of};
use crate::status::{ItemStatus, ObjectFlag, OvalResult};
use crate::{OVAL_DEF_NS, OVAL_RES_NS, OVAL_SC_NS};

const WHAT: &str = "OVAL results";

/// How deep `criteria` may nest before reading stops with [`Error::TooDeep`].
pub const MAX_CRITERIA_DEPTH: usize = 64;

/// One `oval_results` document (OVAL 5.11 results schema, section 3).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OvalResults {
    /// The `arf:report` id holding it (`oval0`, ...).
    pub report_id: String,
    /// Definition results of every `results/system`, in document order.
    pub definitions: Vec<DefinitionResult>,
    /// Test results by test id.
    pub tests: BTreeMap<String, TestResult>,
    /// Collected objects by object id.
    pub objects: BTreeMap<String, CollectedObject>,
    /// System-characteristics items by item id.
    pub items: BTreeMap<String, Item>,
    /// What the embedded `oval_definitions` say about each test (comment, object).
    pub test_info: BTreeMap<String, TestInfo>,
    /// Definition titles and classes from the embedded `oval_definitions`.
    pub definition_info: BTreeMap<String, DefinitionInfo>,
}

/// A `definition` result.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DefinitionResult {
    /// `definition_id`.
    pub id: String,
    /// `result`.
    pub result: OvalResult,
    /// The criteria tree with per-node results.
    pub criteria: Option<Criteria>,
}

/// A node of a definition's criteria tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Criteria {
    /// `criteria`.
    Criteria {
        /// `operator` (AND when absent).
        operator: String,
        /// `negate`.
        negate: bool,
        /// `result` (`None` when the document leaves it out).
        result: Option<OvalResult>,
        /// The children.
        children: Vec<Criteria>,
    },
    /// `criterion`.
    Criterion {
        /// `test_ref`.
        test_ref: String,
        /// `negate`.
        negate: bool,
        /// `result` (`None` when the document leaves it out).
        result: Option<OvalResult>,
    },
    /// `extend_definition`.
    ExtendDefinition {
        /// `definition_ref`.
        definition_ref: String,
        /// `negate`.
        negate: bool,
        /// `result` (`None` when the document leaves it out).
        result: Option<OvalResult>,
    },
}

impl Criteria {
    /// The test ids under this node, depth first (extended definitions not followed).
    pub fn test_refs(&self) -> Vec<&str> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(n) = stack.pop() {
            match n {
                Criteria::Criteria { children, .. } => stack.extend(children.iter().rev()),
                Criteria::Criterion { test_ref, .. } => out.push(test_ref.as_str()),
                Criteria::ExtendDefinition { .. } => {}
            }
        }
        out
    }
}

/// A `test` result.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TestResult {
    /// `test_id`.
    pub id: String,
    /// `check`.
    pub check: Option<String>,
    /// `check_existence`.
    pub check_existence: Option<String>,
    /// `result`.
    pub result: OvalResult,
    /// `tested_item`s: item id and its result against the states (`None` when the document
    /// leaves it out).
    pub tested_items: Vec<(String, Option<OvalResult>)>,
    /// `tested_variable`s: variable id and value.
    pub tested_variables: Vec<(String, String)>,
}

/// What the definitions say about a test.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TestInfo {
    /// The test element's local name (`textfilecontent54_test`).
    pub kind: String,
    /// `comment`.
    pub comment: Option<String>,
    /// `object object_ref`.
    pub object_ref: Option<String>,
    /// `state state_ref`s.
    pub state_refs: Vec<String>,
}

/// What the definitions say about a definition.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DefinitionInfo {
    /// `class`.
    pub class: Option<String>,
    /// `metadata/title`.
    pub title: Option<String>,
}

/// A `collected_objects/object`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CollectedObject {
    /// `id`.
    pub id: String,
    /// `flag`.
    pub flag: ObjectFlag,
    /// The items collected (`reference item_ref`).
    pub item_refs: Vec<String>,
    /// `message`s.
    pub messages: Vec<String>,
}

/// A system-characteristics item.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Item {
    /// `id`.
    pub id: String,
    /// The element's local name (`textfilecontent_item`).
    pub kind: String,
    /// `status` (`exists` when absent, the schema's default).
    pub status: ItemStatus,
    /// The entities in document order: name and value (a record's fields as `name.field`).
    pub fields: Vec<(String, String)>,
}

fn attr(n: Node<'_, '_>, name: &str) -> Option<String> {
    n.attribute(name).map(str::to_string)
}

fn req(n: Node<'_, '_>, name: &'static str) -> Result<String> {
    attr(n, name).ok_or_else(|| Error::MissingAttribute {
        what: WHAT,
        line: line_of(n),
        element: n.tag_name().name().to_string(),
        attribute: name,
    })
}

/// Attribute `name` as one of the words of `T`, or `None` when absent; another word is an
/// [`Error::InvalidValue`] naming the line.
fn word<T: std::str::FromStr>(n: Node<'_, '_>, name: &'static str) -> Result<Option<T>> {
    let Some(v) = n.attribute(name) else {
        return Ok(None);
    };
    v.parse().map(Some).map_err(|_| Error::InvalidValue {
        what: WHAT,
        line: line_of(n),
        element: n.tag_name().name().to_string(),
        field: name,
        value: v.to_string(),
    })
}

/// Required attribute `name` as one of the words of `T`.
fn req_word<T: std::str::FromStr>(n: Node<'_, '_>, name: &'static str) -> Result<T> {
    word(n, name)?.ok_or_else(|| Error::MissingAttribute {
        what: WHAT,
        line: line_of(n),
        element: n.tag_name().name().to_string(),
        attribute: name,
    })
}

fn elements<'a, 'i>(n: Node<'a, 'i>) -> impl Iterator<Item = Node<'a, 'i>> {
    n.children().filter(Node::is_element)
}

fn child<'a, 'i>(n: Node<'a, 'i>, ns: &str, name: &str) -> Option<Node<'a, 'i>> {
    elements(n).find(|c| c.tag_name().namespace() == Some(ns) && c.tag_name().name() == name)
}

fn text(n: Node<'_, '_>) -> String {
    n.descendants()
        .filter(|d| d.is_text())
        .filter_map(|d| d.text())
        .collect()
}

fn negate(n: Node<'_, '_>) -> bool {
    matches!(n.attribute("negate"), Some("true" | "1"))
}

impl OvalResults {
    /// Reads an `oval_results` element.
    ///
    /// ```
    /// let xml = r#"<oval_results xmlns="http://oval.mitre.org/XMLSchema/oval-results-5"><results><system>
    ///   <definitions><definition definition_id="oval:x:def:1" result="false">
    ///     <criteria result="false"><criterion test_ref="oval:x:tst:1" result="false"/></criteria>
    ///   </definition></definitions>
    ///   <tests><test test_id="oval:x:tst:1" check="all" result="false"/></tests>
    /// </system></results></oval_results>"#;
    /// let r = scap_arf::OvalResults::parse_str(xml, "oval0").unwrap();
    /// assert_eq!(r.definition("oval:x:def:1").unwrap().result.as_str(), "false");
    /// assert_eq!(r.tests["oval:x:tst:1"].check.as_deref(), Some("all"));
    /// ```
    pub fn parse_str(text: &str, report_id: &str) -> Result<OvalResults> {
        let doc = crate::error::parse_document(WHAT, text)?;
        OvalResults::from_node(doc.root_element(), report_id)
    }

    /// Reads an `oval_results` element; `report_id` is the ARF report holding it.
    pub(crate) fn from_node(node: Node<'_, '_>, report_id: &str) -> Result<OvalResults> {
        if node.tag_name().namespace() != Some(OVAL_RES_NS)
            || node.tag_name().name() != "oval_results"
        {
            return Err(Error::UnexpectedElement {
                what: WHAT,
                line: line_of(node),
                expected: "oval_results",
                found: node.tag_name().name().to_string(),
            });
        }
        let mut r = OvalResults {
            report_id: report_id.to_string(),
            ..OvalResults::default()
        };
        if let Some(defs) = child(node, OVAL_DEF_NS, "oval_definitions") {
            r.add_definitions_info(defs);
        }
        let Some(results) = child(node, OVAL_RES_NS, "results") else {
            return Ok(r);
        };
        for system in elements(results).filter(|s| s.tag_name().name() == "system") {
            if let Some(defs) = child(system, OVAL_RES_NS, "definitions") {
                for d in elements(defs) {
                    let criteria = match child(d, OVAL_RES_NS, "criteria") {
                        Some(c) => Some(read_criteria(c, 0)?),
                        None => None,
                    };
                    r.definitions.push(DefinitionResult {
                        id: req(d, "definition_id")?,
                        result: req_word(d, "result")?,
                        criteria,
                    });
                }
            }
            if let Some(tests) = child(system, OVAL_RES_NS, "tests") {
                for t in elements(tests) {
                    let mut tr = TestResult {
                        id: req(t, "test_id")?,
                        check: attr(t, "check"),
                        check_existence: attr(t, "check_existence"),
                        result: req_word(t, "result")?,
                        ..TestResult::default()
                    };
                    for c in elements(t) {
                        match c.tag_name().name() {
                            "tested_item" => tr
                                .tested_items
                                .push((req(c, "item_id")?, word(c, "result")?)),
                            "tested_variable" => {
                                tr.tested_variables.push((req(c, "variable_id")?, text(c)))
                            }
                            _ => {}
                        }
                    }
                    r.tests.insert(tr.id.clone(), tr);
                }
            }
            if let Some(sc) = child(system, OVAL_SC_NS, "oval_system_characteristics") {
                r.read_system_characteristics(sc)?;
            }
        }
        Ok(r)
    }

    /// Adds what an `oval_definitions` element says about its tests and definitions to
    /// [`OvalResults::test_info`] and [`OvalResults::definition_info`], keeping entries
    /// already there. oscap embeds the definitions in its results; a writer that does not
    /// leaves these maps empty, and the definitions can come from the data stream instead.
    pub(crate) fn add_definitions_info(&mut self, defs: Node<'_, '_>) {
        if let Some(list) = child(defs, OVAL_DEF_NS, "definitions") {
            for d in elements(list) {
                let Some(id) = attr(d, "id") else { continue };
                let title = child(d, OVAL_DEF_NS, "metadata")
                    .and_then(|m| child(m, OVAL_DEF_NS, "title"))
                    .map(|t| text(t).trim().to_string());
                self.definition_info.entry(id).or_insert(DefinitionInfo {
                    class: attr(d, "class"),
                    title,
                });
            }
        }
        if let Some(list) = child(defs, OVAL_DEF_NS, "tests") {
            for t in elements(list) {
                let Some(id) = attr(t, "id") else { continue };
                let mut info = TestInfo {
                    kind: t.tag_name().name().to_string(),
                    comment: attr(t, "comment"),
                    ..TestInfo::default()
                };
                for c in elements(t) {
                    match c.tag_name().name() {
                        "object" => info.object_ref = attr(c, "object_ref"),
                        "state" => info.state_refs.extend(attr(c, "state_ref")),
                        _ => {}
                    }
                }
                self.test_info.entry(id).or_insert(info);
            }
        }
    }

    fn read_system_characteristics(&mut self, sc: Node<'_, '_>) -> Result<()> {
        if let Some(objs) = child(sc, OVAL_SC_NS, "collected_objects") {
            for o in elements(objs) {
                let mut co = CollectedObject {
                    id: req(o, "id")?,
                    flag: req_word(o, "flag")?,
                    ..CollectedObject::default()
                };
                for c in elements(o) {
                    match c.tag_name().name() {
                        "reference" => co.item_refs.extend(attr(c, "item_ref")),
                        "message" => co.messages.push(text(c).trim().to_string()),
                        _ => {}
                    }
                }
                self.objects.insert(co.id.clone(), co);
            }
        }
        if let Some(data) = child(sc, OVAL_SC_NS, "system_data") {
            for i in elements(data) {
                let mut item = Item {
                    id: req(i, "id")?,
                    kind: i.tag_name().name().to_string(),
                    status: word(i, "status")?.unwrap_or_default(),
                    fields: Vec::new(),
                };
                for f in elements(i) {
                    let name = f.tag_name().name();
                    let fields: Vec<_> = elements(f).collect();
                    if fields.is_empty() {
                        item.fields.push((name.to_string(), text(f)));
                    } else {
                        for g in fields {
                            let field = g.attribute("name").unwrap_or(g.tag_name().name());
                            item.fields.push((format!("{name}.{field}"), text(g)));
                        }
                    }
                }
                self.items.insert(item.id.clone(), item);
            }
        }
        Ok(())
    }

    /// The (first) result of definition `id`.
    pub fn definition(&self, id: &str) -> Option<&DefinitionResult> {
        self.definitions.iter().find(|d| d.id == id)
    }
}

fn read_criteria(n: Node<'_, '_>, depth: usize) -> Result<Criteria> {
    if depth > MAX_CRITERIA_DEPTH {
        return Err(Error::TooDeep {
            what: WHAT,
            line: line_of(n),
            limit: MAX_CRITERIA_DEPTH,
        });
    }
    let result = word(n, "result")?;
    Ok(match n.tag_name().name() {
        "criterion" => Criteria::Criterion {
            test_ref: req(n, "test_ref")?,
            negate: negate(n),
            result,
        },
        "extend_definition" => Criteria::ExtendDefinition {
            definition_ref: req(n, "definition_ref")?,
            negate: negate(n),
            result,
        },
        _ => Criteria::Criteria {
            operator: attr(n, "operator").unwrap_or_else(|| "AND".into()),
            negate: negate(n),
            result,
            children: elements(n)
                .map(|c| read_criteria(c, depth + 1))
                .collect::<Result<_>>()?,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_criteria_stop_at_the_limit() {
        let mut xml = String::from(
            "<oval_results xmlns=\"http://oval.mitre.org/XMLSchema/oval-results-5\"><results><system><definitions><definition definition_id=\"d\" result=\"true\">",
        );
        for _ in 0..200 {
            xml.push_str("<criteria>");
        }
        for _ in 0..200 {
            xml.push_str("</criteria>");
        }
        xml.push_str("</definition></definitions></system></results></oval_results>");
        let doc = roxmltree::Document::parse(&xml);
        let Ok(doc) = doc else {
            // roxmltree's own depth limit refused it first: also fine.
            return;
        };
        let r = OvalResults::from_node(doc.root_element(), "oval0");
        assert!(matches!(
            r,
            Err(Error::TooDeep {
                limit: MAX_CRITERIA_DEPTH,
                ..
            })
        ));
    }

    fn parse(xml: &str) -> Result<OvalResults> {
        OvalResults::parse_str(xml, "oval0")
    }

    const HEAD: &str = "<oval_results xmlns=\"http://oval.mitre.org/XMLSchema/oval-results-5\"><results><system>\n";
    const TAIL: &str = "</system></results></oval_results>";

    #[test]
    fn words_outside_oval_are_errors_naming_line_and_attribute() {
        let cases = [
            "<tests><test test_id=\"t\" result=\"True\"/></tests>",
            "<definitions><definition definition_id=\"d\" result=\"passed\"/></definitions>",
            "<tests><test test_id=\"t\" result=\"true\"><tested_item item_id=\"1\" result=\"not_evaluated\"/></test></tests>",
            "<oval_system_characteristics xmlns=\"http://oval.mitre.org/XMLSchema/oval-system-characteristics-5\"><collected_objects><object id=\"o\" flag=\"done\"/></collected_objects></oval_system_characteristics>",
            "<oval_system_characteristics xmlns=\"http://oval.mitre.org/XMLSchema/oval-system-characteristics-5\"><system_data><x:i xmlns:x=\"urn:x\" id=\"1\" status=\"present\"/></system_data></oval_system_characteristics>",
        ];
        for body in cases {
            let e = parse(&format!("{HEAD}{body}{TAIL}"));
            assert!(
                matches!(e, Err(Error::InvalidValue { line: 2, .. })),
                "{body}: {e:?}"
            );
        }
    }

    #[test]
    fn absent_optional_words_are_none_and_a_missing_required_one_an_error() -> Result<()> {
        let r = parse(&format!(
            "{HEAD}<definitions><definition definition_id=\"d\" result=\"true\"><criteria><criterion test_ref=\"t\"/></criteria></definition></definitions>\
             <tests><test test_id=\"t\" result=\"not evaluated\"><tested_item item_id=\"1\"/></test></tests>{TAIL}"
        ))?;
        let Some(Criteria::Criteria {
            result, children, ..
        }) = &r.definitions[0].criteria
        else {
            panic!("criteria read as {:?}", r.definitions[0].criteria);
        };
        assert_eq!(*result, None);
        assert!(matches!(
            children[0],
            Criteria::Criterion { result: None, .. }
        ));
        assert_eq!(r.tests["t"].result, OvalResult::NotEvaluated);
        assert_eq!(r.tests["t"].tested_items, [("1".to_string(), None)]);
        let e = parse(&format!("{HEAD}<tests><test test_id=\"t\"/></tests>{TAIL}"));
        assert!(matches!(
            e,
            Err(Error::MissingAttribute {
                attribute: "result",
                ..
            })
        ));
        Ok(())
    }

    #[test]
    fn record_fields_are_flattened() -> Result<()> {
        let xml = r#"<oval_results xmlns="http://oval.mitre.org/XMLSchema/oval-results-5"><results><system>
          <oval_system_characteristics xmlns="http://oval.mitre.org/XMLSchema/oval-system-characteristics-5"><system_data>
            <x:sql_item xmlns:x="urn:x" id="7"><x:result datatype="record"><x:field name="a">1</x:field></x:result><x:name>n</x:name></x:sql_item>
          </system_data></oval_system_characteristics></system></results></oval_results>"#;
        let r = OvalResults::parse_str(xml, "oval0")?;
        let item = &r.items["7"];
        assert_eq!(item.status, ItemStatus::Exists);
        assert_eq!(
            item.fields,
            vec![
                ("result.a".to_string(), "1".to_string()),
                ("name".to_string(), "n".to_string())
            ]
        );
        Ok(())
    }
}
