//! Canonical XML 1.0 and Exclusive XML Canonicalization 1.0 over a parsed document: the bytes a
//! digest or a signature is computed over.
//!
//! Specs: Canonical XML 1.0 (W3C REC 2001-03-15), Exclusive XML Canonicalization 1.0 (W3C REC
//! 2002-07-18). The node set is always "a subtree (or the whole document), less comments unless
//! asked for, less one excluded subtree" (what the same-document references and the enveloped
//! signature transform of XML-DSig produce); no XPath node sets beyond that.
//!
//! The parser (roxmltree) gives namespace URIs, not the prefixes an element or attribute was
//! written with, and canonical XML writes those prefixes: they are read from the source text at
//! the node's position. Text and attribute values come from the parser, already normalised as
//! the XPath data model says (line ends, attribute-value normalisation, references expanded).

use roxmltree::{Node, NodeId, NodeType};

/// The XML namespace: its prefix is never declared in canonical output.
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// Which canonicalization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Method {
    /// Canonical XML 1.0: every namespace in scope is rendered where it changes.
    Inclusive,
    /// Canonical XML 1.1: as 1.0, but `xml:id` is not inherited by the apex of a subset
    /// (C14N 1.1 section 2.4). Its `xml:base` fixup is not implemented: a subset that would
    /// need one is refused before canonicalization ([`needs_base_fixup`]).
    Inclusive11,
    /// Exclusive canonicalization: only the namespaces an element or its attributes use, plus
    /// the `InclusiveNamespaces PrefixList` ones (`None` is the default namespace).
    Exclusive(Vec<Option<String>>),
}

/// What to canonicalize.
pub(crate) struct Subset {
    /// The subtree's root element; `None` for the whole document.
    pub apex: Option<NodeId>,
    /// Keep comments (the `#WithComments` algorithms and `#xpointer` references).
    pub comments: bool,
    /// A subtree left out (the enveloped signature).
    pub exclude: Option<NodeId>,
}

/// Where the canonical bytes go: a buffer or a running digest.
pub(crate) trait Sink {
    /// Appends bytes.
    fn put(&mut self, bytes: &[u8]);
}

impl Sink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// The prefix (`None`: no prefix) of the qualified name that starts at `at` in `text`.
fn prefix_at(text: &str, at: usize) -> Option<&str> {
    let rest = text.get(at..)?;
    let end = rest
        .find(|c: char| c.is_whitespace() || matches!(c, '/' | '>' | '='))
        .unwrap_or(rest.len());
    let qname = &rest[..end];
    qname.split_once(':').map(|(p, _)| p)
}

/// The prefix an element was written with.
fn element_prefix<'a>(node: Node<'a, '_>) -> Option<&'a str> {
    let text = node.document().input_text();
    // An element's range starts at its '<'.
    prefix_at(text, node.range().start + 1)
}

/// A namespace declaration as rendered: prefix (`""` for the default) and URI.
type Decl = (String, String);

/// Canonicalizes `subset` of `doc` into `out`.
pub(crate) fn canonicalize(
    doc: &roxmltree::Document<'_>,
    subset: &Subset,
    method: &Method,
    out: &mut dyn Sink,
) {
    let text = doc.input_text();
    let (start, whole) = match subset.apex.and_then(|id| doc.get_node(id)) {
        Some(apex) => (apex, false),
        None => (doc.root(), true),
    };
    // Rendered namespace declarations of the open output elements, innermost last; each frame
    // holds only the declarations rendered on that element.
    let mut frames: Vec<Vec<Decl>> = Vec::new();
    let mut open: Vec<Node<'_, '_>> = Vec::new();
    let mut skip_until: Option<Node<'_, '_>> = None;
    let root_element = doc.root_element();
    let mut seen_root = false;

    for node in start.descendants() {
        // Inside the excluded subtree: nothing is written and nothing closes (the elements
        // open around it are still open).
        if let Some(skip) = skip_until {
            // An element's range spans its whole subtree.
            if skip.range().contains(&node.range().start) {
                continue;
            }
            skip_until = None;
        }
        // Close the elements this node is not inside (in document order, its parent is the
        // innermost open element it is inside).
        while let Some(top) = open.last() {
            if node.parent() == Some(*top) {
                break;
            }
            let top = *top;
            open.pop();
            frames.pop();
            write_end(top, text, out);
        }
        if Some(node.id()) == subset.exclude {
            skip_until = Some(node);
            continue;
        }
        let top_level = whole && node.parent() == Some(doc.root());
        match node.node_type() {
            NodeType::Root => {}
            NodeType::Element => {
                if node == root_element {
                    seen_root = true;
                }
                let decls = namespace_decls(node, &frames, method, node == start);
                // Exclusive canonicalization inherits no xml: attribute; 1.1 not xml:id.
                let xml_attrs = match method {
                    Method::Inclusive if node == start => inherited_xml_attributes(node, true),
                    Method::Inclusive11 if node == start => inherited_xml_attributes(node, false),
                    _ => Vec::new(),
                };
                write_start(node, text, &decls, &xml_attrs, out);
                frames.push(decls);
                open.push(node);
            }
            NodeType::Text => {
                if let Some(t) = node.text() {
                    escape_text(t, out);
                }
            }
            NodeType::Comment => {
                if subset.comments {
                    if top_level && seen_root {
                        out.put(b"\n");
                    }
                    out.put(b"<!--");
                    out.put(node.text().unwrap_or("").as_bytes());
                    out.put(b"-->");
                    if top_level && !seen_root {
                        out.put(b"\n");
                    }
                }
            }
            NodeType::PI => {
                if let Some(pi) = node.pi() {
                    if top_level && seen_root {
                        out.put(b"\n");
                    }
                    out.put(b"<?");
                    out.put(pi.target.as_bytes());
                    if let Some(value) = pi.value.filter(|v| !v.is_empty()) {
                        out.put(b" ");
                        out.put(value.as_bytes());
                    }
                    out.put(b"?>");
                    if top_level && !seen_root {
                        out.put(b"\n");
                    }
                }
            }
        }
    }
    while let Some(top) = open.pop() {
        write_end(top, text, out);
    }
}

/// The URI `prefix` (`""`: the default) was last rendered with by an output ancestor.
fn rendered<'f>(frames: &'f [Vec<Decl>], prefix: &str) -> Option<&'f str> {
    frames
        .iter()
        .rev()
        .flat_map(|f| f.iter())
        .find(|(p, _)| p == prefix)
        .map(|(_, u)| u.as_str())
}

/// The namespace declarations to render on `node`, sorted by prefix (the default first).
fn namespace_decls(
    node: Node<'_, '_>,
    frames: &[Vec<Decl>],
    method: &Method,
    is_apex: bool,
) -> Vec<Decl> {
    let in_scope = |prefix: &str| -> Option<&str> {
        node.namespaces()
            .find(|ns| ns.name().unwrap_or("") == prefix)
            .map(|ns| ns.uri())
    };
    let mut wanted: Vec<String> = Vec::new();
    match method {
        Method::Inclusive | Method::Inclusive11 => {
            for ns in node.namespaces() {
                wanted.push(ns.name().unwrap_or("").to_string());
            }
            // An element outside any default namespace under an output ancestor that rendered
            // one undeclares it.
            if node.default_namespace().is_none() {
                wanted.push(String::new());
            }
        }
        Method::Exclusive(list) => {
            wanted.push(element_prefix(node).unwrap_or("").to_string());
            let text = node.document().input_text();
            for attr in node.attributes() {
                if let Some(p) = prefix_at(text, attr.range_qname().start) {
                    wanted.push(p.to_string());
                }
            }
            for p in list {
                let p = p.as_deref().unwrap_or("");
                if in_scope(p).is_some() || p.is_empty() {
                    wanted.push(p.to_string());
                }
            }
        }
    }
    wanted.sort();
    wanted.dedup();
    let mut decls = Vec::new();
    for prefix in wanted {
        if prefix == "xml" {
            continue;
        }
        let uri = in_scope(&prefix).unwrap_or("");
        if uri == XML_NS {
            continue;
        }
        let before = rendered(frames, &prefix);
        let render = if prefix.is_empty() && uri.is_empty() {
            // xmlns="" only undoes a default an output ancestor rendered.
            before.is_some_and(|b| !b.is_empty())
        } else {
            before != Some(uri) || (is_apex && before.is_none())
        };
        if render {
            decls.push((prefix, uri.to_string()));
        }
    }
    decls
}

/// `xml:*` attributes of the apex's ancestors that Canonical XML 1.0 carries onto the apex
/// (those the apex does not set itself).
fn inherited_xml_attributes(node: Node<'_, '_>, with_id: bool) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = Vec::new();
    for anc in node.ancestors().skip(1) {
        for attr in anc.attributes() {
            if attr.namespace() == Some(XML_NS)
                && (with_id || attr.name() != "id")
                && node.attribute((XML_NS, attr.name())).is_none()
                && !found.iter().any(|(n, _)| n == attr.name())
            {
                found.push((attr.name().to_string(), attr.value().to_string()));
            }
        }
    }
    found
}

/// Whether Canonical XML 1.1 would have to join `xml:base` values to canonicalize the subtree
/// at `apex` (C14N 1.1 section 2.4): the apex has an `xml:base` and an ancestor has one too,
/// or two ancestors have one. One inherited `xml:base` is copied as it is, as in 1.0.
pub(crate) fn needs_base_fixup(apex: Node<'_, '_>) -> bool {
    let above = apex
        .ancestors()
        .skip(1)
        .filter(|a| a.attribute((XML_NS, "base")).is_some())
        .take(2)
        .count();
    above >= 2 || (above == 1 && apex.attribute((XML_NS, "base")).is_some())
}

/// Writes a start tag: name, namespace declarations, attributes in canonical order.
fn write_start(
    node: Node<'_, '_>,
    text: &str,
    decls: &[Decl],
    xml_attrs: &[(String, String)],
    out: &mut dyn Sink,
) {
    out.put(b"<");
    out.put(qname(node, text).as_bytes());
    for (prefix, uri) in decls {
        if prefix.is_empty() {
            out.put(b" xmlns=\"");
        } else {
            out.put(b" xmlns:");
            out.put(prefix.as_bytes());
            out.put(b"=\"");
        }
        escape_attr(uri, out);
        out.put(b"\"");
    }
    // Attributes sort by namespace URI (none first), then local name.
    let mut attrs: Vec<(&str, &str, String, &str)> = node
        .attributes()
        .map(|a| {
            let q = text
                .get(a.range_qname())
                .map(str::to_string)
                .unwrap_or_else(|| a.name().to_string());
            (a.namespace().unwrap_or(""), a.name(), q, a.value())
        })
        .collect();
    for (name, value) in xml_attrs {
        attrs.push((XML_NS, name, format!("xml:{name}"), value));
    }
    attrs.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    for (_, _, q, value) in attrs {
        out.put(b" ");
        out.put(q.as_bytes());
        out.put(b"=\"");
        escape_attr(value, out);
        out.put(b"\"");
    }
    out.put(b">");
}

fn write_end(node: Node<'_, '_>, text: &str, out: &mut dyn Sink) {
    out.put(b"</");
    out.put(qname(node, text).as_bytes());
    out.put(b">");
}

/// The element's qualified name as written.
fn qname<'t>(node: Node<'_, '_>, text: &'t str) -> std::borrow::Cow<'t, str> {
    let at = node.range().start + 1;
    match text.get(at..) {
        Some(rest) => {
            let end = rest
                .find(|c: char| c.is_whitespace() || matches!(c, '/' | '>'))
                .unwrap_or(rest.len());
            std::borrow::Cow::Borrowed(&rest[..end])
        }
        None => std::borrow::Cow::Owned(node.tag_name().name().to_string()),
    }
}

fn escape_text(s: &str, out: &mut dyn Sink) {
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'\r' => b"&#xD;",
            _ => continue,
        };
        out.put(&s.as_bytes()[last..i]);
        out.put(rep);
        last = i + 1;
    }
    out.put(&s.as_bytes()[last..]);
}

fn escape_attr(s: &str, out: &mut dyn Sink) {
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'"' => b"&quot;",
            b'\t' => b"&#x9;",
            b'\n' => b"&#xA;",
            b'\r' => b"&#xD;",
            _ => continue,
        };
        out.put(&s.as_bytes()[last..i]);
        out.put(rep);
        last = i + 1;
    }
    out.put(&s.as_bytes()[last..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c14n(xml: &str, apex: Option<&str>, method: Method, comments: bool) -> String {
        let doc = roxmltree::Document::parse(xml).expect("test input is well-formed");
        let apex = apex.map(|name| {
            doc.descendants()
                .find(|n| n.tag_name().name() == name)
                .expect("test names an element of its input")
                .id()
        });
        let mut out = Vec::new();
        let subset = Subset {
            apex,
            comments,
            exclude: None,
        };
        canonicalize(&doc, &subset, &method, &mut out);
        String::from_utf8(out).expect("canonical output of a str is UTF-8")
    }

    // The examples of Canonical XML 1.0 section 3.1 (PIs, comments, outside the root).
    #[test]
    fn whole_document_with_and_without_comments() {
        let xml = "<?xml version=\"1.0\"?>\n\n<?xml-stylesheet href=\"doc.xsl\"\n   type=\"text/xsl\"   ?>\n\n<doc>Hello, world!<!-- Comment 1 --></doc>\n\n<?pi-without-data     ?>\n\n<!-- Comment 2 -->\n\n<!-- Comment 3 -->";
        assert_eq!(
            c14n(xml, None, Method::Inclusive, false),
            "<?xml-stylesheet href=\"doc.xsl\"\n   type=\"text/xsl\"   ?>\n<doc>Hello, world!</doc>\n<?pi-without-data?>"
        );
        assert_eq!(
            c14n(xml, None, Method::Inclusive, true),
            "<?xml-stylesheet href=\"doc.xsl\"\n   type=\"text/xsl\"   ?>\n<doc>Hello, world!<!-- Comment 1 --></doc>\n<?pi-without-data?>\n<!-- Comment 2 -->\n<!-- Comment 3 -->"
        );
    }

    // Canonical XML 1.0 section 3.3: empty elements expanded, attributes sorted (namespace
    // URI, then local name), superfluous declarations dropped, quotes normalised.
    #[test]
    fn start_tags_attributes_and_namespaces() {
        let xml = r#"<doc><e1   /><e2   ></e2  ><e3   name = "elem3"   id="elem3"   /><e5 a:attr="out" b:attr="sorted" attr2="all" attr="I'm"
   xmlns:b="http://www.ietf.org" xmlns:a="http://www.w3.org" xmlns="http://example.org"/><e6 xmlns="" xmlns:a="http://www.w3.org"><e7 xmlns="http://www.ietf.org"><e8 xmlns="" xmlns:a="http://www.w3.org"><e9 xmlns="" xmlns:a="http://www.ietf.org"/></e8></e7></e6></doc>"#;
        assert_eq!(
            c14n(xml, None, Method::Inclusive, false),
            r#"<doc><e1></e1><e2></e2><e3 id="elem3" name="elem3"></e3><e5 xmlns="http://example.org" xmlns:a="http://www.w3.org" xmlns:b="http://www.ietf.org" attr="I'm" attr2="all" b:attr="sorted" a:attr="out"></e5><e6 xmlns:a="http://www.w3.org"><e7 xmlns="http://www.ietf.org"><e8 xmlns=""><e9 xmlns:a="http://www.ietf.org"></e9></e8></e7></e6></doc>"#
        );
    }

    // Exclusive c14n renders a namespace where it is used, not where it was declared; the
    // inclusive form of the same subtree carries every namespace in scope.
    #[test]
    fn exclusive_renders_only_visibly_used_namespaces() {
        let xml = r#"<r xmlns:a="urn:a" xmlns:b="urn:b" xmlns="urn:d"><a:x b:y="1"><z>t &amp; &lt;</z></a:x></r>"#;
        assert_eq!(
            c14n(xml, Some("x"), Method::Exclusive(Vec::new()), false),
            r#"<a:x xmlns:a="urn:a" xmlns:b="urn:b" b:y="1"><z xmlns="urn:d">t &amp; &lt;</z></a:x>"#
        );
        assert_eq!(
            c14n(xml, Some("x"), Method::Inclusive, false),
            r#"<a:x xmlns="urn:d" xmlns:a="urn:a" xmlns:b="urn:b" b:y="1"><z>t &amp; &lt;</z></a:x>"#
        );
    }

    // Attribute values: whitespace characters that survive normalisation (character
    // references) are written as references; text escapes '>' and CR.
    #[test]
    fn escapes() {
        let xml = "<r a=\"x&#9;y&#10;z&quot;&lt;\">a&gt;b&#13;</r>";
        assert_eq!(
            c14n(xml, None, Method::Exclusive(Vec::new()), false),
            "<r a=\"x&#x9;y&#xA;z&quot;&lt;\">a&gt;b&#xD;</r>"
        );
    }
}
