//! Shared XML plumbing: safe parsing options and located errors.

use roxmltree::{Document, Node, ParsingOptions};
use scap_xml::{Fragment, XmlError};

use crate::error::Error;
use crate::wfn::Name;

/// Most nodes a document parsed by this crate may have: generous for real dictionaries and data
/// streams (the largest SSG data stream has well under a million), small enough to bound memory
/// on hostile input.
///
/// ```
/// assert_eq!(scap_cpe::NODE_LIMIT, 50_000_000);
/// ```
pub const NODE_LIMIT: u32 = 50_000_000;

/// Parses `text` with DTDs refused and the node limit applied.
pub(crate) fn parse_document(text: &str) -> Result<Document<'_>, Error> {
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: NODE_LIMIT,
        ..ParsingOptions::default()
    };
    Document::parse_with_options(text, options).map_err(|e| {
        let pos = e.pos();
        Error::Xml(XmlError::new(e.to_string(), pos.row, pos.col))
    })
}

/// The root element of a document made by [`Fragment::wrap`]: the wrapper's first element
/// child.
pub(crate) fn fragment_root<'a, 'i>(doc: &'a Document<'i>) -> Result<Node<'a, 'i>, Error> {
    doc.root_element()
        .first_element_child()
        .ok_or_else(|| error(doc.root_element(), "the fragment holds no element"))
}

/// Parses `fragment` of `text` and reads its root element with `read`.
pub(crate) fn parse_fragment<T>(
    text: &str,
    fragment: &Fragment,
    read: impl FnOnce(Node<'_, '_>) -> Result<T, Error>,
) -> Result<T, Error> {
    let wrapped = fragment.wrap(text)?;
    let doc = parse_document(&wrapped)?;
    read(fragment_root(&doc)?)
}

/// 1-based line of a node.
pub(crate) fn line(node: Node<'_, '_>) -> u32 {
    node.document().text_pos_at(node.range().start).row
}

/// A [`Error::Document`] located at `node`.
pub(crate) fn error(node: Node<'_, '_>, reason: impl Into<String>) -> Error {
    Error::Document {
        line: line(node),
        element: node.tag_name().name().to_owned(),
        reason: reason.into(),
    }
}

/// A required attribute.
pub(crate) fn required<'a>(node: Node<'a, '_>, name: &str) -> Result<&'a str, Error> {
    node.attribute(name)
        .ok_or_else(|| error(node, format!("missing attribute `{name}`")))
}

/// An `xsd:boolean` attribute (`true`, `false`, `1`, `0`, surrounding whitespace allowed).
pub(crate) fn boolean(node: Node<'_, '_>, name: &str) -> Result<Option<bool>, Error> {
    match node.attribute(name).map(str::trim) {
        None => Ok(None),
        Some("true" | "1") => Ok(Some(true)),
        Some("false" | "0") => Ok(Some(false)),
        Some(other) => Err(error(
            node,
            format!(
                "attribute `{name}` must be a boolean, not {:?}",
                truncate(other)
            ),
        )),
    }
}

/// A CPE name held in an attribute, parsed in either binding.
pub(crate) fn name_attribute(node: Node<'_, '_>, attribute: &str) -> Result<Name, Error> {
    let text = required(node, attribute)?;
    parse_name(node, text)
}

/// Parses a CPE name found at `node`, locating any error there.
pub(crate) fn parse_name(node: Node<'_, '_>, text: &str) -> Result<Name, Error> {
    Name::parse(text.trim()).map_err(|e| Error::NameInDocument {
        line: line(node),
        element: node.tag_name().name().to_owned(),
        name: truncate(text).to_owned(),
        source: Box::new(e),
    })
}

/// The concatenated text of a node's direct text children.
pub(crate) fn text(node: Node<'_, '_>) -> String {
    node.children()
        .filter(|c| c.is_text())
        .filter_map(|c| c.text())
        .collect()
}

/// `xml:lang` of an element.
pub(crate) fn lang(node: Node<'_, '_>) -> Option<String> {
    node.attribute((roxmltree::NS_XML_URI, "lang"))
        .map(str::to_owned)
}

/// At most 200 bytes of `s`, cut at a character boundary.
pub(crate) fn truncate(s: &str) -> &str {
    let mut end = s.len().min(200);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
}
