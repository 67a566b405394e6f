//! `ind:xmlfilecontent_object`: the values an XPath 1.0 expression selects in XML files.
//!
//! The file is read through [`Target::read`] (at most [`MAX_XML_SIZE`] bytes) and parsed with
//! `roxmltree`, which refuses a document type declaration: no DTD, no entity expansion, so no
//! "billion laughs" and no external entity fetch (oscap expands internal entities; such a file
//! is an `error` here). The tree is then copied into an `sxd-document` DOM (at most
//! [`MAX_DEPTH`] levels) and the expression evaluated with `sxd-xpath`, a complete XPath 1.0
//! implementation. Expressions are limited in length and bracket nesting, namespace prefixes
//! are refused before sxd-xpath sees them (it panics on an undeclared one), and parsing and
//! evaluation run on a scoped thread with a large stack (sxd-xpath recurses), whose failure,
//! should the engine still panic, is an `error` for that file rather than a crash.
//!
//! Items are as oscap 1.3.7 writes them: `filepath`, `path`, `filename`, `xpath`, then one
//! `value_of` per selected text or attribute node in document order (a selected element gives
//! no `value_of`, but the item still exists); a number result is one `value_of` with datatype
//! `int` (integral) or `float`, a boolean one with datatype `boolean`, a string one plain. An
//! empty node-set gives no item. A file that is not well-formed XML is an `error`, with the
//! message oscap writes (`Can't parse '/path'.`).
//!
//! Namespaces are dropped, as oscap 1.3.7 does: elements and attributes keep only their local
//! names, so on `<a xmlns="urn:x"><b>1</b></a>` the expression `/a/b/text()` gives `1` (plain
//! XPath 1.0 would give nothing: an unprefixed name test means no namespace), `name()` has no
//! prefix and `namespace-uri()` is empty. A prefixed name test is an `error` (oscap's
//! `xmlXPathEvalExpression() error`).

use scap_probe::Target;
use sxd_document::dom::{Document, Element};
use sxd_document::{Package, QName};
use sxd_xpath::nodeset::Node;
use sxd_xpath::{Context, Factory, Value};

use super::fileset::{FileContent, candidates, regular_files};
use super::{Collection, ObjectRequest, Probe};
use crate::items::{Item, ItemEntity};
use crate::types::{Datatype, Flag, Operation};

/// The xmlfilecontent probe.
pub struct XmlFileContentProbe;

/// Largest XML file read: 16 MiB.
pub const MAX_XML_SIZE: u64 = 16 << 20;

/// Deepest element nesting accepted (the XPath engine walks the tree recursively).
pub const MAX_DEPTH: usize = 256;

/// Longest XPath expression accepted, and its deepest bracket nesting (the XPath parser is
/// recursive).
const MAX_XPATH_LEN: usize = 1024;
const MAX_XPATH_NESTING: usize = 64;

/// Most node visits one expression may cost on one file. The cost is bounded before
/// evaluating (sxd-xpath has no hook to count steps as it goes): with `n` nodes in the file
/// (elements, attributes, text and others), a location step visits at most `n` nodes per
/// context node, and a predicate runs once per candidate node, so a descendant-like axis
/// (`//`, `descendant`, `ancestor`, `following`, `preceding`) inside `k` nested predicates
/// costs up to `n^(k+1)`. `count(//*[count(//*[count(//*)>0])>0])` on a 12 KB file, which
/// ran for over a minute, is refused; `/zone/service[@name='ssh']` on a 16 MiB file is not.
/// An expression over the budget is an `error` for that file, with a message.
pub const MAX_XPATH_STEPS: u64 = 10_000_000;

/// What evaluating one expression over one document gave.
#[derive(Debug, Clone, PartialEq)]
enum Selected {
    /// An empty node-set: no item.
    Nothing,
    /// The `value_of` entities (possibly none: elements selected).
    Values(Vec<ItemEntity>),
}

/// Check an expression against the length and nesting limits.
fn check_xpath(xpath: &str) -> Result<(), String> {
    if xpath.len() > MAX_XPATH_LEN {
        return Err(format!("XPath longer than {MAX_XPATH_LEN} bytes"));
    }
    let mut depth = 0usize;
    for c in xpath.chars() {
        match c {
            '(' | '[' => {
                depth += 1;
                if depth > MAX_XPATH_NESTING {
                    return Err(format!("XPath nested deeper than {MAX_XPATH_NESTING}"));
                }
            }
            ')' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if let Some(prefix) = name_prefix(xpath) {
        // No namespace prefixes are declared for the expression (oscap declares none either),
        // and sxd-xpath 0.4 panics on an undeclared prefix instead of failing: refuse here.
        return Err(format!(
            "XPath uses the undeclared namespace prefix {prefix:?}"
        ));
    }
    Ok(())
}

/// The first namespace prefix of a name test (`x:y`, `x:*`) in an expression, outside string
/// literals; the `::` of an axis is not a prefix.
/// An upper bound on the node visits `xpath` costs on a document of `nodes` nodes (see
/// [`MAX_XPATH_STEPS`]): `nodes` to the power of one plus the deepest predicate nesting at
/// which a descendant-like axis appears, saturating. Quoted literals are skipped; a name that
/// merely spells an axis (`/a/following`) over-estimates, which only refuses sooner.
fn xpath_cost(xpath: &str, nodes: u64) -> u64 {
    const AXES: [&str; 5] = ["//", "descendant", "ancestor", "following", "preceding"];
    let mut open: Vec<char> = Vec::new();
    let mut deepest = 0u32;
    let mut quote: Option<char> = None;
    for (i, c) in xpath.char_indices() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' => quote = Some(c),
            '[' | '(' => open.push(c),
            ']' | ')' => {
                open.pop();
            }
            _ => {}
        }
        let rest = xpath.get(i..).unwrap_or_default();
        if AXES.iter().any(|a| rest.starts_with(a)) {
            let predicates = open.iter().filter(|&&b| b == '[').count();
            deepest = deepest.max(u32::try_from(predicates).unwrap_or(u32::MAX));
        }
    }
    nodes.max(1).saturating_pow(deepest.saturating_add(1))
}

fn name_prefix(xpath: &str) -> Option<&str> {
    let name_char = |c: char| c.is_alphanumeric() || matches!(c, '_' | '-' | '.');
    let mut quote: Option<char> = None;
    let mut start: Option<usize> = None;
    let mut chars = xpath.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' => {
                quote = Some(c);
                start = None;
            }
            ':' => match chars.peek() {
                Some((_, ':')) => {
                    chars.next();
                    start = None;
                }
                Some((_, n))
                    if start.is_some() && (n.is_alphabetic() || *n == '_' || *n == '*') =>
                {
                    return start.and_then(|s| xpath.get(s..i));
                }
                _ => start = None,
            },
            c if name_char(c) => {
                if start.is_none() {
                    start = Some(i);
                }
            }
            _ => start = None,
        }
    }
    None
}

/// Copy a roxmltree document into an sxd DOM, iteratively and with a depth limit.
fn copy<'d>(src: &roxmltree::Document<'_>, doc: Document<'d>) -> Result<(), String> {
    fn element<'d>(doc: Document<'d>, node: roxmltree::Node<'_, '_>) -> Element<'d> {
        let tag = node.tag_name();
        // Local names only: oscap evaluates over a document without namespaces (see the
        // module doc).
        let e = doc.create_element(QName::new(tag.name()));
        for a in node.attributes() {
            e.set_attribute_value(QName::new(a.name()), a.value());
        }
        e
    }
    let root = doc.root();
    let mut stack: Vec<(roxmltree::Node<'_, '_>, Element<'d>, usize)> = Vec::new();
    for child in src.root().children() {
        if child.is_element() {
            let e = element(doc, child);
            root.append_child(e);
            stack.push((child, e, 1));
        } else if child.is_comment() {
            root.append_child(doc.create_comment(child.text().unwrap_or("")));
        } else if let Some(pi) = child.pi() {
            root.append_child(doc.create_processing_instruction(pi.target, pi.value));
        }
    }
    while let Some((node, parent, depth)) = stack.pop() {
        if depth > MAX_DEPTH {
            return Err(format!("elements nested deeper than {MAX_DEPTH}"));
        }
        for child in node.children() {
            if child.is_element() {
                let e = element(doc, child);
                parent.append_child(e);
                stack.push((child, e, depth + 1));
            } else if child.is_text() {
                parent.append_child(doc.create_text(child.text().unwrap_or("")));
            } else if child.is_comment() {
                parent.append_child(doc.create_comment(child.text().unwrap_or("")));
            } else if let Some(pi) = child.pi() {
                parent.append_child(doc.create_processing_instruction(pi.target, pi.value));
            }
        }
    }
    Ok(())
}

/// Stack for the thread that parses and evaluates: sxd-xpath parses and evaluates
/// recursively (a chain of unary minus signs recurses once per sign), so the work runs on a
/// thread whose stack is sized for the longest accepted expression, not on the caller's.
const EVAL_STACK: usize = 64 << 20;

/// [`evaluate_here`] on a thread with an [`EVAL_STACK`]-sized stack.
fn evaluate(text: &str, xpaths: &[String]) -> Result<Vec<Result<Selected, String>>, String> {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("xmlfilecontent".to_owned())
            .stack_size(EVAL_STACK)
            .spawn_scoped(scope, || evaluate_here(text, xpaths))
            .map_err(|e| format!("cannot start the XPath thread: {e}"))?
            .join()
            .map_err(|_| "the XPath engine failed".to_owned())?
    })
}

/// Parse `text` and evaluate each expression; `Err` if the text is not acceptable XML.
fn evaluate_here(text: &str, xpaths: &[String]) -> Result<Vec<Result<Selected, String>>, String> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        ..roxmltree::ParsingOptions::default()
    };
    let parsed =
        roxmltree::Document::parse_with_options(text, options).map_err(|e| e.to_string())?;
    let package = Package::new();
    let doc = package.as_document();
    copy(&parsed, doc)?;
    let nodes: u64 = parsed
        .descendants()
        .map(|n| 1 + n.attributes().len() as u64)
        .sum();
    let factory = Factory::new();
    let context = Context::new();
    let mut out = Vec::new();
    for xpath in xpaths {
        let one = check_xpath(xpath).and_then(|()| {
            let cost = xpath_cost(xpath, nodes);
            if cost > MAX_XPATH_STEPS {
                return Err(format!(
                    "XPath {xpath:?}: up to {cost} node visits on the {nodes} nodes of this \
                     file, over the budget of {MAX_XPATH_STEPS} (not evaluated)"
                ));
            }
            let compiled = factory
                .build(xpath)
                .map_err(|e| format!("XPath {xpath:?}: {e}"))?
                .ok_or_else(|| "empty XPath".to_owned())?;
            let value = compiled
                .evaluate(&context, doc.root())
                .map_err(|e| format!("XPath {xpath:?}: {e}"))?;
            Ok(selected(value))
        });
        out.push(one);
    }
    Ok(out)
}

fn selected(value: Value<'_>) -> Selected {
    let v = |dt, s: String| ItemEntity::typed("value_of", dt, s);
    match value {
        Value::Nodeset(nodes) if nodes.size() == 0 => Selected::Nothing,
        Value::Nodeset(nodes) => Selected::Values(
            nodes
                .document_order()
                .into_iter()
                .filter_map(|n| match n {
                    Node::Attribute(a) => Some(v(Datatype::String, a.value().to_owned())),
                    Node::Text(t) => Some(v(Datatype::String, t.text().to_owned())),
                    _ => None,
                })
                .collect(),
        ),
        Value::Boolean(b) => Selected::Values(vec![ItemEntity::boolean("value_of", b)]),
        Value::Number(n) => {
            // Integral values within i64 print as int (oscap: `count(...)` is an int).
            let int = n.fract() == 0.0 && n.abs() < 9.0e15;
            Selected::Values(vec![if int {
                v(Datatype::Int, format!("{n:.0}"))
            } else {
                v(Datatype::Float, n.to_string())
            }])
        }
        Value::String(s) => Selected::Values(vec![v(Datatype::String, s)]),
    }
}

impl Probe for XmlFileContentProbe {
    fn collect(&self, target: &dyn Target, object: &ObjectRequest) -> Collection {
        let Some(xpath) = object.entity("xpath") else {
            return Collection::error(format!("{}: no xpath entity", object.id));
        };
        if xpath.operation != Operation::Equals {
            return Collection::error(format!(
                "{}: xpath operation {} is not supported (only equals)",
                object.id, xpath.operation
            ));
        }
        let files = match candidates(target, object) {
            Ok(f) => f,
            Err(e) => return Collection::error(e.0),
        };
        let mut items = Vec::new();
        let mut messages = Vec::new();
        for file in regular_files(target, files, MAX_XML_SIZE) {
            let FileContent {
                filepath,
                path,
                filename,
                bytes,
            } = match file {
                Ok(f) => f,
                Err(message) => {
                    messages.push(message);
                    continue;
                }
            };
            let Ok(text) = std::str::from_utf8(&bytes) else {
                messages.push(format!("Can't parse '{filepath}': not UTF-8."));
                continue;
            };
            let results = match evaluate(text, &xpath.values) {
                Ok(r) => r,
                Err(e) => {
                    messages.push(format!("Can't parse '{filepath}'. {e}"));
                    continue;
                }
            };
            for (x, r) in xpath.values.iter().zip(results) {
                match r {
                    Ok(Selected::Nothing) => {}
                    Ok(Selected::Values(values)) => {
                        let mut item = Item::new("independent", "xmlfilecontent_item");
                        item.push(ItemEntity::string("filepath", filepath.clone()));
                        item.push(ItemEntity::string("path", path.clone()));
                        item.push(ItemEntity::string("filename", filename.clone()));
                        item.push(ItemEntity::string("xpath", x.clone()));
                        item.entities.extend(values);
                        items.push(item);
                    }
                    Err(e) => messages.push(format!("{filepath}: {e}")),
                }
            }
        }
        let mut c = Collection::from_items(items);
        if !messages.is_empty() {
            c.flag = Flag::Error;
            c.messages = messages;
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ZONE: &str = r#"<?xml version="1.0"?>
<zone xmlns:x="urn:x"><short>Public</short><service name="ssh"/><service name="dhcp"/>
<port port="22" protocol="tcp"/><x:y>n</x:y><!-- c --></zone>"#;

    fn one(text: &str, xpath: &str) -> Result<Selected, String> {
        evaluate(text, &[xpath.to_owned()])?.remove(0)
    }

    fn values(s: Selected) -> Vec<(String, Datatype)> {
        match s {
            Selected::Nothing => panic!("no node selected"),
            Selected::Values(v) => v
                .into_iter()
                .map(|e| (e.value_string(), e.datatype))
                .collect(),
        }
    }

    trait ValueString {
        fn value_string(&self) -> String;
    }
    impl ValueString for ItemEntity {
        fn value_string(&self) -> String {
            match &self.value {
                crate::items::EntityValue::Scalar(s) => s.to_string(),
                _ => String::new(),
            }
        }
    }

    #[test]
    fn attributes_and_text_give_values_elements_none() {
        let s = |v: &str| (v.to_owned(), Datatype::String);
        assert_eq!(
            values(one(ZONE, "/zone/service/@name").unwrap()),
            [s("ssh"), s("dhcp")]
        );
        assert_eq!(
            values(one(ZONE, "/zone/short/text()").unwrap()),
            [s("Public")]
        );
        assert_eq!(values(one(ZONE, "/zone/service[@name='ssh']").unwrap()), []);
        assert_eq!(
            one(ZONE, "/zone/service[@name='telnet']").unwrap(),
            Selected::Nothing
        );
    }

    #[test]
    fn scalar_results_are_typed() {
        assert_eq!(
            values(one(ZONE, "count(/zone/service)").unwrap()),
            [("2".to_owned(), Datatype::Int)]
        );
        assert_eq!(
            values(one(ZONE, "1 div 4").unwrap()),
            [("0.25".to_owned(), Datatype::Float)]
        );
        assert_eq!(
            values(one(ZONE, "count(/zone/port) = 1").unwrap()),
            [("true".to_owned(), Datatype::Boolean)]
        );
        assert_eq!(
            values(one(ZONE, "string(/zone/short)").unwrap()),
            [("Public".to_owned(), Datatype::String)]
        );
    }

    #[test]
    fn namespaces_are_dropped_as_oscap_does() {
        // oscap 1.3.7 on `<a xmlns="urn:x"><b>1</b><b>2</b></a>`: `/a/b/text()` gives 1 and 2,
        // `count(/a)` 1, `namespace-uri(/*)` ""; on `<p:a xmlns:p="urn:p"><p:b>1</p:b>
        // <c xmlns="urn:d">2</c></p:a>`: `/a/b/text()` 1, `/a/c/text()` 2, `name(/*)` "a".
        let text = |doc: &str, xpath: &str| -> Vec<String> {
            values(one(doc, xpath).unwrap())
                .into_iter()
                .map(|(v, _)| v)
                .collect()
        };
        let default = r#"<a xmlns="urn:x"><b>1</b><b>2</b></a>"#;
        assert_eq!(text(default, "/a/b/text()"), ["1", "2"]);
        assert_eq!(text(default, "count(/a)"), ["1"]);
        assert_eq!(text(default, "namespace-uri(/*)"), [""]);
        let prefixed = r#"<p:a xmlns:p="urn:p" p:k="v"><p:b>1</p:b><c xmlns="urn:d">2</c></p:a>"#;
        assert_eq!(text(prefixed, "/a/b/text()"), ["1"]);
        assert_eq!(text(prefixed, "/a/c/text()"), ["2"]);
        assert_eq!(text(prefixed, "name(/*)"), ["a"]);
        assert_eq!(text(prefixed, "/a/@k"), ["v"]);
        assert_eq!(text(ZONE, "/zone/y/text()"), ["n"]);
    }

    #[test]
    fn dtds_malformed_xml_and_bad_xpaths_are_refused() {
        let dtd = "<!DOCTYPE z [<!ENTITY e \"x\">]><z>&e;</z>";
        assert!(evaluate(dtd, &["/z".to_owned()]).is_err());
        assert!(evaluate("<z><a></z>", &["/z".to_owned()]).is_err());
        assert!(one(ZONE, "/zone[").is_err());
        assert!(one(ZONE, &"(".repeat(100)).is_err());
        assert!(one(ZONE, "").is_err());
    }

    #[test]
    fn prefixed_name_tests_are_refused_not_panicked_on() {
        assert_eq!(name_prefix("/x:zone/y"), Some("x"));
        assert_eq!(name_prefix("//a:*"), Some("a"));
        assert_eq!(name_prefix("/zone/child::service"), None);
        assert_eq!(name_prefix("/zone[@name='a:b']"), None);
        assert_eq!(name_prefix("concat(\"x:y\", 'z')"), None);
        assert!(one(ZONE, "/x:zone").is_err());
        assert!(one(ZONE, "/zone/child::service").is_ok());
    }

    #[test]
    fn long_unary_chains_do_not_overflow() {
        let minus = format!("{}1", "-".repeat(MAX_XPATH_LEN - 1));
        assert!(one(ZONE, &minus).is_ok());
        let ors = format!("1{}", " or 1".repeat(MAX_XPATH_LEN / 5 - 1));
        assert!(one(ZONE, &ors).is_ok());
        let steps = format!("/zone{}", "/..".repeat(MAX_XPATH_LEN / 3 - 2));
        assert!(one(ZONE, &steps).is_ok());
    }

    #[test]
    fn an_expression_over_the_step_budget_is_refused_with_a_message() {
        // 300 elements: the three nested descendant scans would cost 301^3 visits (27M), over
        // the budget; one scan or one nested in a predicate stays under it.
        let doc = format!("<r>{}</r>", "<a/>".repeat(300));
        let hostile = "count(//*[count(//*[count(//*)>0])>0])";
        let e = one(&doc, hostile).unwrap_err();
        assert!(e.contains("over the budget"), "{e}");
        assert_eq!(values(one(&doc, "count(//a)").unwrap())[0].0, "300");
        assert_eq!(
            values(one(&doc, "count(//*[count(.//a)=0])").unwrap())[0].0,
            "300"
        );
        // Literals do not count as axes; a name test spelled like an axis over-estimates.
        assert_eq!(xpath_cost("/a[@u='//x']", 10), 10);
        assert_eq!(xpath_cost("//a[b//c]", 10), 100);
        assert_eq!(xpath_cost(hostile, 10), 1000);
    }

    #[test]
    fn deep_documents_are_refused() {
        let deep = format!(
            "{}{}",
            "<a>".repeat(MAX_DEPTH + 1),
            "</a>".repeat(MAX_DEPTH + 1)
        );
        assert!(evaluate(&deep, &["/a".to_owned()]).is_err());
        let ok = format!("{}{}", "<a>".repeat(10), "</a>".repeat(10));
        assert!(evaluate(&ok, &["count(//a)".to_owned()]).is_ok());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// Whatever the expression (built from XPath tokens so it often parses), evaluation
        /// answers without panicking.
        #[test]
        fn any_xpath_is_answered(tokens in proptest::collection::vec(proptest::sample::select(vec![
            "/", "//", "zone", "service", "@name", "@*", "*", "[", "]", "(", ")", "'ssh'", "1",
            "-1", "0.5", "1e308", "NaN", "=", "!=", "<", "and", "or", "div", "mod", "|", ",",
            "count(", "substring(", "string(", "concat(", "translate(", "round(", "sum(",
            "position()", "last()", "text()", "node()", "..", ".", "ancestor::", "following::",
            "id(", "lang(", "name(", "normalize-space(", "string-length(", "x:y", "$v",
        ]), 0..24)) {
            let xpath = tokens.concat();
            let _ = evaluate(ZONE, &[xpath]);
        }

        /// Any file content through the whole probe: items or an error flag, never a panic.
        #[test]
        fn any_file_through_the_probe(content in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            use crate::probes::RequestEntity;
            let mut t = scap_probe::MemoryTarget::new();
            t.add_file("/etc/x.xml", &content);
            let mut o = ObjectRequest::new("oval:t:obj:1", "xmlfilecontent_object");
            o.entities.push(RequestEntity::new("filepath", Datatype::String, Operation::Equals, "/etc/x.xml"));
            o.entities.push(RequestEntity::new("xpath", Datatype::String, Operation::Equals, "//@*|//text()"));
            let c = XmlFileContentProbe.collect(&t, &o);
            proptest::prop_assert!(matches!(c.flag, Flag::Complete | Flag::DoesNotExist | Flag::Error));
        }

        /// Arbitrary documents are accepted or refused, never a panic.
        #[test]
        fn any_document_is_answered(text in "(<[a-z]{1,3}( [a-z]=\"[a-z<&]*\")?>|</[a-z]{1,3}>|[a-z &;]{0,5}|<!--x-->|<\\?p x\\?>){0,30}") {
            let _ = evaluate(&text, &["//*".to_owned(), "string(/)".to_owned()]);
        }
    }
}
