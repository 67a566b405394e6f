//! OVAL results documents (`oval-results-5`) with their system characteristics
//! (`oval-system-characteristics-5`), as oscap writes them and its consumers read them.
//!
//! ```
//! use scap_oval::results::{write_results, SystemInfo};
//! # let defs: scap_oval::Definitions = r#"<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"
//! #   xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5"><generator>
//! #   <oval:schema_version>5.11</oval:schema_version><oval:timestamp>2024-01-01T00:00:00</oval:timestamp>
//! #   </generator></oval_definitions>"#.parse()?;
//! let results = scap_oval::eval::Results::default();
//! let xml = write_results(&defs, &results, &SystemInfo::default());
//! assert!(xml.contains("<oval_results"));
//! # Ok::<(), scap_oval::Error>(())
//! ```

use std::fmt::Write as _;

use quick_xml::escape::escape;

use crate::eval::Results;
use crate::items::{EntityValue, Item};
use crate::model::{Criteria, CriteriaNode, Definitions};
use crate::types::{Datatype, Existence, ItemStatus, ResultValue};

const NS_RESULTS: &str = "http://oval.mitre.org/XMLSchema/oval-results-5";
const NS_COMMON: &str = "http://oval.mitre.org/XMLSchema/oval-common-5";
const NS_SC: &str = "http://oval.mitre.org/XMLSchema/oval-system-characteristics-5";

/// Facts about the scanned system for the `system_info` element.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SystemInfo {
    /// `os_name`.
    pub os_name: String,
    /// `os_version`.
    pub os_version: String,
    /// `architecture`.
    pub architecture: String,
    /// `primary_host_name`.
    pub primary_host_name: String,
    /// `interfaces`: one entry per address of an interface, as oscap lists them (IPv4
    /// addresses first); empty where the target has no network state (an offline tree).
    pub interfaces: Vec<SystemInterface>,
}

/// One `interface` of `system_info`: an interface and one of its addresses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SystemInterface {
    /// `interface_name`.
    pub name: String,
    /// `ip_address`.
    pub ip_address: String,
    /// `mac_address`.
    pub mac_address: String,
}

impl SystemInterface {
    /// An interface entry.
    ///
    /// ```
    /// let i = scap_oval::results::SystemInterface::new("eth0", "192.0.2.2", "02:FC:00:00:00:01");
    /// assert_eq!(i.name, "eth0");
    /// ```
    pub fn new(name: &str, ip_address: &str, mac_address: &str) -> SystemInterface {
        SystemInterface {
            name: name.to_owned(),
            ip_address: ip_address.to_owned(),
            mac_address: mac_address.to_owned(),
        }
    }
}

/// The current time as `xsd:dateTime` (UTC, seconds).
fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S").to_string()
}

fn generator(out: &mut String, prefix: &str) {
    let _ = write!(
        out,
        "<{prefix}generator><oval:product_name>scap-rs</oval:product_name>\
         <oval:product_version>{}</oval:product_version>\
         <oval:schema_version>5.11.2</oval:schema_version>\
         <oval:timestamp>{}</oval:timestamp></{prefix}generator>",
        env!("CARGO_PKG_VERSION"),
        now()
    );
}

/// Write a complete OVAL results document (directives: everything reported in full).
pub fn write_results(defs: &Definitions, results: &Results, info: &SystemInfo) -> String {
    write_results_with(defs, results, info, &Content::default())
}

/// How much an OVAL results document carries (oscap `--without-syschar`, `--thin-results`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Content {
    /// The collected objects and items (`false`: `system_info` only, as oscap
    /// `--without-syschar`).
    pub system_characteristics: bool,
    /// Definitions with their criteria, and the tests (`false`: each definition's result
    /// only, directives `content="thin"`, as oscap `--thin-results`).
    pub full: bool,
}

impl Default for Content {
    /// Everything.
    fn default() -> Content {
        Content {
            system_characteristics: true,
            full: true,
        }
    }
}

impl Content {
    /// oscap `--thin-results`: results only, no system characteristics.
    pub fn thin() -> Content {
        Content {
            system_characteristics: false,
            full: false,
        }
    }

    /// oscap `--without-syschar`: full results, no system characteristics.
    pub fn without_system_characteristics() -> Content {
        Content {
            system_characteristics: false,
            full: true,
        }
    }
}

/// [`write_results`] with less content.
///
/// ```
/// use scap_oval::results::{write_results_with, Content, SystemInfo};
/// # let defs: scap_oval::Definitions = r#"<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"
/// #   xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5"><generator>
/// #   <oval:schema_version>5.11</oval:schema_version><oval:timestamp>2024-01-01T00:00:00</oval:timestamp>
/// #   </generator></oval_definitions>"#.parse()?;
/// let results = scap_oval::eval::Results::default();
/// let xml = write_results_with(&defs, &results, &SystemInfo::default(), &Content::thin());
/// assert!(xml.contains(r#"<definition_true reported="true" content="thin"/>"#));
/// assert!(!xml.contains("<tests>"));
/// # Ok::<(), scap_oval::Error>(())
/// ```
pub fn write_results_with(
    defs: &Definitions,
    results: &Results,
    info: &SystemInfo,
    content: &Content,
) -> String {
    let mut out = String::with_capacity(1 << 20);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = write!(
        out,
        "<oval_results xmlns=\"{NS_RESULTS}\" xmlns:oval=\"{NS_COMMON}\">"
    );
    generator(&mut out, "");
    out.push_str("<directives>");
    for r in [
        "true",
        "false",
        "unknown",
        "error",
        "not_evaluated",
        "not_applicable",
    ] {
        let level = if content.full { "full" } else { "thin" };
        let _ = write!(
            out,
            "<definition_{r} reported=\"true\" content=\"{level}\"/>"
        );
    }
    out.push_str("</directives><results><system><definitions>");
    for (id, result) in &results.definitions {
        let version = defs.definition(id).map(|d| d.version).unwrap_or(1);
        let _ = write!(
            out,
            "<definition definition_id=\"{}\" result=\"{}\" version=\"{version}\">",
            escape(id.as_str()),
            result
        );
        let criteria = defs.definition(id).and_then(|d| d.criteria.as_ref());
        if let Some(c) = criteria.filter(|_| content.full) {
            write_criteria(&mut out, defs, results, c);
        }
        out.push_str("</definition>\n");
    }
    out.push_str("</definitions>");
    // Thin results have no `tests` (oscap omits the element; it may not be empty).
    if content.full {
        out.push_str("<tests>");
    }
    let mut tests: Vec<_> = results.tests.values().filter(|_| content.full).collect();
    tests.sort_by(|a, b| a.id.cmp(&b.id));
    for t in tests {
        let model = defs.test(&t.id);
        let version = model.map(|m| m.version).unwrap_or(1);
        let _ = write!(
            out,
            "<test test_id=\"{}\" version=\"{version}\"",
            escape(t.id.as_str())
        );
        if let Some(m) = model {
            if m.check_existence != Existence::AtLeastOneExists {
                let _ = write!(out, " check_existence=\"{}\"", m.check_existence);
            }
            let _ = write!(out, " check=\"{}\"", m.check);
            if m.state_operator != crate::types::Operator::And {
                let _ = write!(out, " state_operator=\"{}\"", m.state_operator);
            }
        }
        let _ = write!(out, " result=\"{}\">", t.result);
        if t.result != ResultValue::NotEvaluated {
            for (item, r) in &t.items {
                let _ = write!(out, "<tested_item item_id=\"{item}\" result=\"{r}\"/>");
            }
            for (var, value) in &t.bindings {
                let _ = write!(
                    out,
                    "<tested_variable variable_id=\"{}\">{}</tested_variable>",
                    escape(var.as_str()),
                    escape(value.as_str())
                );
            }
        }
        out.push_str("</test>\n");
    }
    if content.full {
        out.push_str("</tests>");
    }
    // Without system characteristics: `system_info` only (the schema requires the element).
    let nothing = Results::default();
    let collected = if content.system_characteristics {
        results
    } else {
        &nothing
    };
    write_system_characteristics(&mut out, defs, collected, info);
    out.push_str("</system></results></oval_results>\n");
    out
}

fn write_criteria(out: &mut String, defs: &Definitions, results: &Results, c: &Criteria) {
    let r = criteria_result(results, c);
    let _ = write!(out, "<criteria operator=\"{}\"", c.operator);
    if c.negate {
        out.push_str(" negate=\"true\"");
    }
    let _ = write!(out, " result=\"{r}\">");
    for child in &c.children {
        match child {
            CriteriaNode::Criteria(sub) => write_criteria(out, defs, results, sub),
            CriteriaNode::Criterion(cr) => {
                let version = defs.test(&cr.test_ref).map(|t| t.version).unwrap_or(1);
                let r = results
                    .tests
                    .get(&cr.test_ref)
                    .map(|t| t.result)
                    .unwrap_or(ResultValue::NotEvaluated);
                let _ = write!(
                    out,
                    "<criterion test_ref=\"{}\" version=\"{version}\"",
                    escape(cr.test_ref.as_str())
                );
                if cr.negate {
                    out.push_str(" negate=\"true\"");
                }
                let _ = write!(out, " result=\"{r}\"/>");
            }
            CriteriaNode::ExtendDefinition(ed) => {
                let version = defs
                    .definition(&ed.definition_ref)
                    .map(|d| d.version)
                    .unwrap_or(1);
                let r = definition_result(results, &ed.definition_ref);
                let _ = write!(
                    out,
                    "<extend_definition definition_ref=\"{}\" version=\"{version}\"",
                    escape(ed.definition_ref.as_str())
                );
                if ed.negate {
                    out.push_str(" negate=\"true\"");
                }
                let _ = write!(out, " result=\"{r}\"/>");
            }
        }
    }
    out.push_str("</criteria>");
}

/// A definition's result as evaluated (never recomputed: a definition may extend itself).
fn definition_result(results: &Results, id: &str) -> ResultValue {
    results
        .evaluated_definitions
        .get(id)
        .copied()
        .unwrap_or(ResultValue::NotEvaluated)
}

/// The result of a criteria node, re-derived from the cached test and definition results (cheap,
/// and keeps the evaluator free of per-node bookkeeping).
fn criteria_result(results: &Results, c: &Criteria) -> ResultValue {
    let test = |id: &str| {
        results
            .tests
            .get(id)
            .map_or(ResultValue::NotEvaluated, |t| t.result)
    };
    crate::eval::criteria_result(c, &test, &|id| definition_result(results, id))
}

fn write_system_characteristics(
    out: &mut String,
    defs: &Definitions,
    results: &Results,
    info: &SystemInfo,
) {
    let _ = write!(
        out,
        "<oval_system_characteristics xmlns=\"{NS_SC}\" xmlns:oval=\"{NS_COMMON}\""
    );
    for family in families(results) {
        let _ = write!(out, " xmlns:{}-sys=\"{NS_SC}#{family}\"", short(&family));
    }
    out.push('>');
    generator(out, "");
    let _ = write!(
        out,
        "<system_info><os_name>{}</os_name><os_version>{}</os_version>\
         <architecture>{}</architecture><primary_host_name>{}</primary_host_name>",
        escape(info.os_name.as_str()),
        escape(info.os_version.as_str()),
        escape(info.architecture.as_str()),
        escape(info.primary_host_name.as_str())
    );
    if info.interfaces.is_empty() {
        out.push_str("<interfaces/>");
    } else {
        out.push_str("<interfaces>");
        for i in &info.interfaces {
            let _ = write!(
                out,
                "<interface><interface_name>{}</interface_name><ip_address>{}</ip_address>\
                 <mac_address>{}</mac_address></interface>",
                escape(i.name.as_str()),
                escape(i.ip_address.as_str()),
                escape(i.mac_address.as_str())
            );
        }
        out.push_str("</interfaces>");
    }
    out.push_str("</system_info>");
    let mut objects: Vec<_> = results.objects.values().collect();
    objects.sort_by(|a, b| a.id.cmp(&b.id));
    if !objects.is_empty() {
        out.push_str("<collected_objects>");
        for o in objects {
            let version = defs.object(&o.id).map(|m| m.version).unwrap_or(1);
            let _ = write!(
                out,
                "<object id=\"{}\" version=\"{version}\" flag=\"{}\">",
                escape(o.id.as_str()),
                o.flag
            );
            for m in &o.messages {
                let _ = write!(
                    out,
                    "<message level=\"info\">{}</message>",
                    escape(m.as_str())
                );
            }
            for (var, value) in &o.bindings {
                let _ = write!(
                    out,
                    "<variable_value variable_id=\"{}\">{}</variable_value>",
                    escape(var.as_str()),
                    escape(value.as_str())
                );
            }
            for item in &o.items {
                let _ = write!(out, "<reference item_ref=\"{item}\"/>");
            }
            out.push_str("</object>\n");
        }
        out.push_str("</collected_objects>");
    }
    if !results.items.is_empty() {
        out.push_str("<system_data>");
        for (id, item) in &results.items {
            write_item(out, *id, item);
        }
        out.push_str("</system_data>");
    }
    out.push_str("</oval_system_characteristics>");
}

fn families(results: &Results) -> Vec<String> {
    let mut f: Vec<String> = results
        .items
        .iter()
        .map(|(_, i)| i.family.to_string())
        .collect();
    f.sort();
    f.dedup();
    f
}

/// The namespace prefix used for a family (`independent` → `ind`).
fn short(family: &str) -> &str {
    match family {
        "independent" => "ind",
        "linux" => "lin",
        other => other,
    }
}

fn write_item(out: &mut String, id: u64, item: &Item) {
    let p = short(&item.family);
    let _ = write!(out, "<{p}-sys:{} id=\"{id}\"", item.kind);
    if item.status != ItemStatus::Exists {
        let _ = write!(out, " status=\"{}\"", item.status);
    }
    out.push('>');
    for e in &item.entities {
        let _ = write!(out, "<{p}-sys:{}", e.name);
        if e.datatype != Datatype::String {
            let _ = write!(out, " datatype=\"{}\"", e.datatype);
        }
        if e.status != ItemStatus::Exists {
            let _ = write!(out, " status=\"{}\"", e.status);
        }
        if e.mask {
            out.push_str(" mask=\"true\"");
        }
        match &e.value {
            EntityValue::Scalar(v) if !e.mask && !v.is_empty() => {
                let _ = write!(out, ">{}</{p}-sys:{}>", escape(&**v), e.name);
            }
            EntityValue::Record(fields) if !e.mask => {
                out.push('>');
                for f in fields {
                    let _ = write!(out, "<{p}-sys:field name=\"{}\"", escape(f.name.as_str()));
                    if f.datatype != Datatype::String {
                        let _ = write!(out, " datatype=\"{}\"", f.datatype);
                    }
                    let _ = write!(out, ">{}</{p}-sys:field>", escape(f.value.as_str()));
                }
                let _ = write!(out, "</{p}-sys:{}>", e.name);
            }
            _ => out.push_str("/>"),
        }
    }
    let _ = writeln!(out, "</{p}-sys:{}>", item.kind);
}

impl Results {
    /// The result of a `criteria` node of definition `criteria` belongs to, as the results
    /// document reports it: derived from the evaluated tests and extended definitions (never
    /// re-evaluated).
    ///
    /// ```
    /// let defs: scap_oval::Definitions = r#"<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"
    ///   xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5"
    ///   xmlns:ind="http://oval.mitre.org/XMLSchema/oval-definitions-5#independent"><generator>
    ///   <oval:schema_version>5.11</oval:schema_version><oval:timestamp>2024-01-01T00:00:00</oval:timestamp>
    ///   </generator><definitions><definition id="oval:x:def:1" version="1" class="compliance">
    ///   <metadata><title>t</title><description>d</description></metadata>
    ///   <criteria operator="OR"><criterion test_ref="oval:x:tst:1"/><criterion test_ref="oval:x:tst:1" negate="true"/></criteria>
    ///   </definition></definitions>
    ///   <tests><ind:family_test id="oval:x:tst:1" version="1" check="all"><ind:object object_ref="oval:x:obj:1"/></ind:family_test></tests>
    ///   <objects><ind:family_object id="oval:x:obj:1" version="1"/></objects></oval_definitions>"#.parse()?;
    /// let criteria = defs.definition("oval:x:def:1").and_then(|d| d.criteria.as_ref()).unwrap();
    /// // Nothing evaluated yet.
    /// let results = scap_oval::eval::Results::default();
    /// assert_eq!(results.criteria_result(criteria), scap_oval::types::ResultValue::NotEvaluated);
    /// # Ok::<(), scap_oval::Error>(())
    /// ```
    pub fn criteria_result(&self, criteria: &Criteria) -> ResultValue {
        criteria_result(self, criteria)
    }
}

/// The external variables an evaluation used, as an OVAL variables document (`oval_variables`,
/// what `Variables::parse` reads back; oscap `xccdf eval --export-variables` writes one per
/// OVAL evaluation). `None` when the evaluation used no external variable.
///
/// ```
/// let defs: scap_oval::Definitions = r#"<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"
///   xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5"><generator>
///   <oval:schema_version>5.11</oval:schema_version><oval:timestamp>2024-01-01T00:00:00</oval:timestamp>
///   </generator><variables><external_variable id="oval:x:var:1" version="1" datatype="int" comment="c"/>
///   </variables></oval_definitions>"#.parse()?;
/// let mut results = scap_oval::eval::Results::default();
/// assert!(scap_oval::results::write_variables(&defs, &results).is_none());
/// let used = scap_oval::eval::VariableValues {
///     flag: scap_oval::types::Flag::Complete,
///     values: vec!["7".into()],
///     messages: Vec::new(),
/// };
/// results.variables.insert("oval:x:var:1".into(), used);
/// let xml = scap_oval::results::write_variables(&defs, &results).unwrap();
/// let back = scap_oval::eval::Variables::parse(&xml)?;
/// assert_eq!(back.values["oval:x:var:1"], ["7"]);
/// # Ok::<(), scap_oval::Error>(())
/// ```
pub fn write_variables(defs: &Definitions, results: &Results) -> Option<String> {
    let mut body = String::new();
    for v in &defs.variables {
        if !matches!(v.kind, crate::model::VariableKind::External(_)) {
            continue;
        }
        let Some(values) = results.variables.get(&v.id) else {
            continue;
        };
        let _ = write!(
            body,
            "<variable id=\"{}\" datatype=\"{}\" comment=\"{}\">",
            escape(v.id.as_str()),
            v.datatype,
            escape(v.comment.as_deref().unwrap_or("Unknown"))
        );
        for value in &values.values {
            let _ = write!(body, "<value>{}</value>", escape(value.as_str()));
        }
        body.push_str("</variable>\n");
    }
    if body.is_empty() {
        return None;
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = write!(
        out,
        "<oval_variables xmlns=\"http://oval.mitre.org/XMLSchema/oval-variables-5\" xmlns:oval=\"{NS_COMMON}\">"
    );
    generator(&mut out, "");
    let _ = write!(out, "<variables>\n{body}</variables></oval_variables>\n");
    Some(out)
}
