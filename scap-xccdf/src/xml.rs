//! Small helpers over roxmltree: namespaces, attributes, limits and subtree serialization.

use roxmltree::{Document, Node, NodeType, ParsingOptions};

use scap_xml::{Fragment, XmlError};

use crate::error::{Error, Location, Result};

/// XCCDF 1.2 namespace.
pub const XCCDF_1_2: &str = "http://checklists.nist.gov/xccdf/1.2";
/// XCCDF 1.1 namespace.
pub const XCCDF_1_1: &str = "http://checklists.nist.gov/xccdf/1.1";
/// SCAP source data stream namespace (SCAP 1.2 and 1.3).
pub const DS: &str = "http://scap.nist.gov/schema/scap/source/1.2";
/// OASIS XML catalog namespace.
pub const CATALOG: &str = "urn:oasis:names:tc:entity:xmlns:xml:catalog";
/// XLink namespace.
pub const XLINK: &str = "http://www.w3.org/1999/xlink";
/// XHTML namespace.
pub const XHTML: &str = "http://www.w3.org/1999/xhtml";
/// CPE applicability language 2.0 namespace.
pub const CPE_LANG: &str = "http://cpe.mitre.org/language/2.0";
/// CPE dictionary 2.0 namespace.
pub const CPE_DICT: &str = "http://cpe.mitre.org/dictionary/2.0";
/// OVAL definitions 5 namespace.
pub const OVAL_DEFS: &str = "http://oval.mitre.org/XMLSchema/oval-definitions-5";
/// OCIL 2.0 namespace.
pub const OCIL: &str = "http://scap.nist.gov/schema/ocil/2.0";
/// The `xml:` namespace.
pub const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// Limits applied while reading untrusted input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseOptions {
    /// Largest accepted input, in bytes (default 512 MiB).
    pub max_input_bytes: usize,
    /// Largest number of XML nodes roxmltree may build (default 50 million).
    pub max_nodes: u32,
    /// Deepest nesting of Groups and of complex-checks (default 64).
    pub max_depth: usize,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            max_input_bytes: 512 * 1024 * 1024,
            max_nodes: 50_000_000,
            max_depth: 64,
        }
    }
}

impl ParseOptions {
    /// Parses `text` into a roxmltree document, refusing DTDs and applying the limits.
    pub(crate) fn parse_document<'i>(&self, text: &'i str) -> Result<Document<'i>> {
        if text.len() > self.max_input_bytes {
            return Err(Error::InputTooLarge {
                size: text.len(),
                limit: self.max_input_bytes,
            });
        }
        let opts = ParsingOptions {
            allow_dtd: false,
            nodes_limit: self.max_nodes,
            ..ParsingOptions::default()
        };
        Document::parse_with_options(text, opts).map_err(|e| {
            let pos = e.pos();
            Error::Xml(XmlError::new(e.to_string(), pos.row, pos.col))
        })
    }

    /// Parses `fragment` of `text` (see [`Fragment::wrap`]) and reads its root element with
    /// `read`, which also gets the wrapped text (whose positions are `text`'s) and the shift
    /// from its byte offsets to `text`'s.
    pub(crate) fn parse_fragment<T>(
        &self,
        text: &str,
        fragment: &Fragment,
        read: impl FnOnce(Node<'_, '_>, &str, Shift) -> Result<T>,
    ) -> Result<T> {
        if text.len() > self.max_input_bytes {
            return Err(Error::InputTooLarge {
                size: text.len(),
                limit: self.max_input_bytes,
            });
        }
        let wrapped = fragment.wrap(text)?;
        let doc = self.parse_document(&wrapped)?;
        let root = doc
            .root_element()
            .first_element_child()
            .ok_or(Error::Empty("the fragment holds no element"))?;
        let shift = Shift {
            wrapped: root.range().start,
            original: fragment.range.start,
        };
        read(root, &wrapped, shift)
    }
}

/// How byte offsets of a fragment's wrapped text map to the whole text: the fragment's root
/// is at `wrapped` in one and `original` in the other.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Shift {
    wrapped: usize,
    original: usize,
}

impl Shift {
    /// The offset in the whole text of `offset` in the wrapped text.
    pub(crate) fn apply(self, offset: usize) -> usize {
        (offset + self.original).saturating_sub(self.wrapped)
    }
}

/// `{namespace}name` of an element, for messages.
pub(crate) fn expanded(node: Node<'_, '_>) -> String {
    match node.tag_name().namespace() {
        Some(ns) => format!("{{{ns}}}{}", node.tag_name().name()),
        None => node.tag_name().name().to_string(),
    }
}

/// The element children of `node` in namespace `ns` named `name`.
pub(crate) fn children<'a, 'i: 'a>(
    node: Node<'a, 'i>,
    ns: &'a str,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    node.children()
        .filter(move |c| c.is_element() && c.has_tag_name((ns, name)))
}

/// A required attribute.
pub(crate) fn req_attr<'a>(node: Node<'a, '_>, name: &'static str) -> Result<&'a str> {
    node.attribute(name).ok_or_else(|| Error::MissingAttribute {
        location: Location::of(node),
        element: node.tag_name().name().to_string(),
        attribute: name,
    })
}

/// An optional attribute, owned.
pub(crate) fn opt_attr(node: Node<'_, '_>, name: &str) -> Option<String> {
    node.attribute(name).map(str::to_string)
}

/// An `xsd:boolean` attribute; `None` if absent.
pub(crate) fn bool_attr(node: Node<'_, '_>, name: &'static str) -> Result<Option<bool>> {
    match node.attribute(name) {
        None => Ok(None),
        Some(v) => match v.trim() {
            "true" | "1" => Ok(Some(true)),
            "false" | "0" => Ok(Some(false)),
            _ => Err(invalid(node, name, v)),
        },
    }
}

/// An `xsd:decimal`-ish attribute; `None` if absent.
pub(crate) fn f64_attr(node: Node<'_, '_>, name: &'static str) -> Result<Option<f64>> {
    match node.attribute(name) {
        None => Ok(None),
        Some(v) => match v.trim().parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(Some(x)),
            _ => Err(invalid(node, name, v)),
        },
    }
}

/// An [`Error::InvalidValue`] for `node`.
pub(crate) fn invalid(node: Node<'_, '_>, what: &'static str, value: &str) -> Error {
    Error::InvalidValue {
        location: Location::of(node),
        element: node.tag_name().name().to_string(),
        what,
        value: value.to_string(),
    }
}

/// Concatenated text of all descendant text nodes.
pub(crate) fn text_of(node: Node<'_, '_>) -> String {
    let mut out = String::new();
    for d in node.descendants() {
        if d.is_text() {
            if let Some(t) = d.text() {
                out.push_str(t);
            }
        }
    }
    out
}

/// Serializes the children of `node` (its inner XML) as a self-contained fragment: every
/// element whose namespace differs from its parent's carries an `xmlns` declaration, so the
/// fragment parses on its own (wrapped in any element) with the same expanded names.
pub(crate) fn inner_xml(node: Node<'_, '_>) -> String {
    let mut out = String::new();
    // Iterative walk (no recursion on untrusted depth): (node, entering?)
    let mut stack: Vec<(Node<'_, '_>, bool)> = node.children().rev().map(|c| (c, true)).collect();
    while let Some((n, entering)) = stack.pop() {
        match n.node_type() {
            NodeType::Text => {
                if let Some(t) = n.text() {
                    escape_into(&mut out, t, false);
                }
            }
            NodeType::Comment => {
                if let Some(t) = n.text() {
                    out.push_str("<!--");
                    out.push_str(t);
                    out.push_str("-->");
                }
            }
            NodeType::PI => {
                if let Some(pi) = n.pi() {
                    out.push_str("<?");
                    out.push_str(pi.target);
                    if let Some(v) = pi.value {
                        out.push(' ');
                        out.push_str(v);
                    }
                    out.push_str("?>");
                }
            }
            NodeType::Element if entering => {
                let name = n.tag_name().name();
                out.push('<');
                out.push_str(name);
                let ns = n.tag_name().namespace();
                let parent_ns = if n.parent() == Some(node) || n.parent().is_none() {
                    None
                } else {
                    n.parent().and_then(|p| p.tag_name().namespace())
                };
                if ns != parent_ns {
                    out.push_str(" xmlns=\"");
                    escape_into(&mut out, ns.unwrap_or(""), true);
                    out.push('"');
                }
                let mut k = 0usize;
                for a in n.attributes() {
                    out.push(' ');
                    match a.namespace() {
                        None => out.push_str(a.name()),
                        Some(XML_NS) => {
                            out.push_str("xml:");
                            out.push_str(a.name());
                        }
                        Some(ans) => {
                            k += 1;
                            out.push_str(&format!("xmlns:a{k}=\""));
                            escape_into(&mut out, ans, true);
                            out.push_str(&format!("\" a{k}:"));
                            out.push_str(a.name());
                        }
                    }
                    out.push_str("=\"");
                    escape_into(&mut out, a.value(), true);
                    out.push('"');
                }
                if n.has_children() {
                    out.push('>');
                    stack.push((n, false));
                    stack.extend(n.children().rev().map(|c| (c, true)));
                } else {
                    out.push_str("/>");
                }
            }
            NodeType::Element => {
                out.push_str("</");
                out.push_str(n.tag_name().name());
                out.push('>');
            }
            NodeType::Root => {}
        }
    }
    out
}

/// Escapes `&`, `<`, `>` (and `"` in attributes).
pub(crate) fn escape_into(out: &mut String, s: &str, attr: bool) {
    // Runs between the characters to escape are copied whole rather than one character at a
    // time (every description of a benchmark passes through here). The characters escaped are
    // ASCII, so every cut is on a character boundary.
    out.reserve(s.len());
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escaped = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' if attr => "&quot;",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        out.push_str(escaped);
        start = i + 1;
    }
    out.push_str(&s[start..]);
}

/// Checks a nesting depth against the limit.
pub(crate) fn check_depth(node: Node<'_, '_>, depth: usize, limit: usize) -> Result<()> {
    if depth > limit {
        return Err(Error::TooDeep {
            location: Location::of(node),
            element: node.tag_name().name().to_string(),
            limit,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_copies_runs_and_escapes_each_special_character() {
        // The character-by-character definition it replaced.
        fn reference(s: &str, attr: bool) -> String {
            let mut out = String::new();
            for ch in s.chars() {
                match ch {
                    '&' => out.push_str("&amp;"),
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    '"' if attr => out.push_str("&quot;"),
                    _ => out.push(ch),
                }
            }
            out
        }
        for s in [
            "",
            "plain",
            "&",
            "<>",
            "a&b<c>d\"e",
            "\"quoted\"",
            "é&ü<€>😀\"",
            "&&&<<<>>>",
            "ends with &",
            "&starts",
        ] {
            for attr in [false, true] {
                let mut out = String::from("prefix:");
                escape_into(&mut out, s, attr);
                assert_eq!(
                    out,
                    format!("prefix:{}", reference(s, attr)),
                    "{s:?} {attr}"
                );
            }
        }
    }

    #[test]
    fn inner_xml_is_self_contained() {
        let src = r#"<x:d xmlns:x="urn:x" xmlns:h="http://www.w3.org/1999/xhtml">a &amp; <h:em class="q&quot;">b<h:br/></h:em><x:sub idref="v"/> c</x:d>"#;
        let doc = Document::parse(src).unwrap();
        let xml = inner_xml(doc.root_element());
        assert_eq!(
            xml,
            r#"a &amp; <em xmlns="http://www.w3.org/1999/xhtml" class="q&quot;">b<br/></em><sub xmlns="urn:x" idref="v"/> c"#
        );
        // Re-parses to the same structure.
        let wrapped = format!("<w>{xml}</w>");
        let d2 = Document::parse(&wrapped).unwrap();
        let em = d2.root_element().first_element_child().unwrap();
        assert!(em.has_tag_name((XHTML, "em")));
        assert_eq!(em.attribute("class"), Some("q\""));
    }

    #[test]
    fn limits() {
        let o = ParseOptions {
            max_input_bytes: 3,
            ..ParseOptions::default()
        };
        assert!(matches!(
            o.parse_document("<ab/>"),
            Err(Error::InputTooLarge { .. })
        ));
        let o = ParseOptions {
            max_nodes: 3,
            ..ParseOptions::default()
        };
        assert!(matches!(
            o.parse_document("<a><b/><c/><d/></a>"),
            Err(Error::Xml(_))
        ));
    }
}
