//! Small helpers over `roxmltree` nodes: typed attributes and texts whose errors carry the
//! position, element name and enclosing id.

use std::cell::Cell;
use std::str::FromStr;

use roxmltree::Node;

use crate::error::{Context, Error, Position};
use crate::model::{Warning, namespaces};
use crate::types::UnknownValue;

/// Parses `text` with DTDs refused and the node limit applied.
pub(crate) fn parse_document<'i>(
    text: &'i str,
    limits: &crate::Limits,
) -> Result<roxmltree::Document<'i>, Error> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: limits.max_nodes,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(text, options).map_err(|e| {
        let pos = e.pos();
        let (line, column) = shifted(pos.row, pos.col);
        // roxmltree's message names its position ("... at 1:552 ..."): in a run, the run's.
        let message = e.to_string().replacen(
            &format!("{}:{}", pos.row, pos.col),
            &format!("{line}:{column}"),
            1,
        );
        Error::Xml(scap_xml::XmlError::new(message, line, column))
    })
}

/// Line and column of a node's start.
pub(crate) fn position(node: Node<'_, '_>) -> Position {
    let pos = node.document().text_pos_at(node.range().start);
    let (line, column) = shifted(pos.row, pos.col);
    Position { line, column }
}

/// Where the document being parsed lies in the whole text: it is a chunk of it after a head
/// of `head_columns` characters on its first line, the chunk starting at `line`, `column` of
/// the text (see `Parser::chunks`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shift {
    pub(crate) line: u32,
    pub(crate) column: u32,
    pub(crate) head_columns: u32,
}

thread_local! {
    /// The shift of the chunk this thread is parsing. A thread-local rather than a parameter:
    /// positions are taken from nodes deep in every element parser, and a chunk is parsed on
    /// one thread from start to end.
    static SHIFT: Cell<Option<Shift>> = const { Cell::new(None) };
}

/// Sets the shift of positions until the guard is dropped (the one before is then restored).
pub(crate) fn shift_positions(shift: Shift) -> ShiftGuard {
    ShiftGuard(SHIFT.replace(Some(shift)))
}

/// Restores the shift before [`shift_positions`].
pub(crate) struct ShiftGuard(Option<Shift>);

impl Drop for ShiftGuard {
    fn drop(&mut self) {
        SHIFT.set(self.0);
    }
}

/// A line and column of the document being parsed, as a line and column of the whole text.
fn shifted(row: u32, col: u32) -> (u32, u32) {
    match SHIFT.get() {
        None => (row, col),
        Some(s) if row > 1 => (s.line.saturating_add(row - 1), col),
        // On the head's line: the chunk's first line, or (not for a node: the head is not
        // read) the head itself, reported where the chunk starts.
        Some(s) => (
            s.line,
            s.column
                .saturating_add(col.saturating_sub(s.head_columns.saturating_add(1))),
        ),
    }
}

/// The enclosing id as an error context.
pub(crate) fn context(ctx: Option<&str>) -> Context {
    Context(ctx.map(str::to_owned))
}

/// The element's local name.
pub(crate) fn name<'a>(node: Node<'a, '_>) -> &'a str {
    node.tag_name().name()
}

/// Whether the element is in the core definitions namespace.
pub(crate) fn is_core(node: Node<'_, '_>) -> bool {
    node.tag_name().namespace() == Some(namespaces::DEFINITIONS)
}

/// Whether the element is one the parser skips wherever it occurs: `ds:Signature` and
/// `oval-def:notes` (notes are read only on definitions).
pub(crate) fn is_skipped(node: Node<'_, '_>) -> bool {
    match node.tag_name().namespace() {
        Some(namespaces::XMLDSIG) => true,
        Some(namespaces::DEFINITIONS) => name(node) == "notes",
        _ => false,
    }
}

/// The element children of a node.
pub(crate) fn elements<'a, 'i>(node: Node<'a, 'i>) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children().filter(Node::is_element)
}

/// The element children, without `ds:Signature` and `notes`.
pub(crate) fn content<'a, 'i>(node: Node<'a, 'i>) -> impl Iterator<Item = Node<'a, 'i>> {
    elements(node).filter(|n| !is_skipped(*n))
}

/// The concatenated text (and CDATA) children of an element, as written.
pub(crate) fn text(node: Node<'_, '_>) -> String {
    let mut texts = node
        .children()
        .filter(Node::is_text)
        .filter_map(|n| n.text());
    let first = texts.next().unwrap_or("");
    let mut out = first.to_owned();
    for t in texts {
        out.push_str(t);
    }
    out
}

/// An error for an element the schema does not allow here.
pub(crate) fn unexpected(node: Node<'_, '_>, ctx: Option<&str>) -> Error {
    Error::UnexpectedElement {
        element: name(node).to_owned(),
        parent: node
            .parent_element()
            .map(|p| name(p).to_owned())
            .unwrap_or_default(),
        context: context(ctx),
        position: position(node),
    }
}

/// A tolerated deviation at `node`.
pub(crate) fn warning(
    node: Node<'_, '_>,
    ctx: Option<&str>,
    message: impl Into<String>,
) -> Warning {
    Warning {
        position: position(node),
        element: name(node).to_owned(),
        id: ctx.map(str::to_owned),
        message: message.into(),
    }
}

/// An error for a missing child element.
pub(crate) fn missing_child(node: Node<'_, '_>, child: &'static str, ctx: Option<&str>) -> Error {
    Error::MissingElement {
        element: name(node).to_owned(),
        child,
        context: context(ctx),
        position: position(node),
    }
}

/// A required attribute.
pub(crate) fn required<'a>(
    node: Node<'a, '_>,
    attribute: &'static str,
    ctx: Option<&str>,
) -> Result<&'a str, Error> {
    node.attribute(attribute)
        .ok_or_else(|| Error::MissingAttribute {
            element: name(node).to_owned(),
            attribute,
            context: context(ctx),
            position: position(node),
        })
}

/// An optional string attribute, owned.
pub(crate) fn optional(node: Node<'_, '_>, attribute: &str) -> Option<String> {
    node.attribute(attribute).map(str::to_owned)
}

/// Parse an enumeration value, mapping the error to the node.
pub(crate) fn enumeration<T: FromStr<Err = UnknownValue>>(
    node: Node<'_, '_>,
    attribute: &'static str,
    value: &str,
    ctx: Option<&str>,
) -> Result<T, Error> {
    value.parse().map_err(|source| Error::UnknownEnumeration {
        element: name(node).to_owned(),
        attribute,
        source,
        context: context(ctx),
        position: position(node),
    })
}

/// An optional enumeration attribute; absent means the schema default.
pub(crate) fn enum_attr<T: FromStr<Err = UnknownValue> + Default>(
    node: Node<'_, '_>,
    attribute: &'static str,
    ctx: Option<&str>,
) -> Result<T, Error> {
    match node.attribute(attribute) {
        Some(v) => enumeration(node, attribute, v, ctx),
        None => Ok(T::default()),
    }
}

/// A required enumeration attribute.
pub(crate) fn enum_required<T: FromStr<Err = UnknownValue>>(
    node: Node<'_, '_>,
    attribute: &'static str,
    ctx: Option<&str>,
) -> Result<T, Error> {
    enumeration(node, attribute, required(node, attribute, ctx)?, ctx)
}

fn invalid(
    node: Node<'_, '_>,
    attribute: &'static str,
    value: &str,
    expected: &'static str,
    ctx: Option<&str>,
) -> Error {
    Error::InvalidValue {
        element: name(node).to_owned(),
        attribute,
        value: value.to_owned(),
        expected,
        context: context(ctx),
        position: position(node),
    }
}

/// An optional `xsd:boolean` attribute (`true`, `false`, `1`, `0`, surrounding blanks allowed).
pub(crate) fn bool_attr(
    node: Node<'_, '_>,
    attribute: &'static str,
    ctx: Option<&str>,
) -> Result<Option<bool>, Error> {
    match node.attribute(attribute) {
        None => Ok(None),
        Some(v) => match v.trim() {
            "true" | "1" => Ok(Some(true)),
            "false" | "0" => Ok(Some(false)),
            _ => Err(invalid(node, attribute, v, "a boolean", ctx)),
        },
    }
}

/// A required `xsd:nonNegativeInteger` attribute (the `version` of every OVAL element).
pub(crate) fn u64_required(
    node: Node<'_, '_>,
    attribute: &'static str,
    ctx: Option<&str>,
) -> Result<u64, Error> {
    let v = required(node, attribute, ctx)?;
    v.trim()
        .parse()
        .map_err(|_| invalid(node, attribute, v, "a non-negative integer", ctx))
}

/// A required `xsd:int` attribute.
pub(crate) fn i64_required(
    node: Node<'_, '_>,
    attribute: &'static str,
    ctx: Option<&str>,
) -> Result<i64, Error> {
    let v = required(node, attribute, ctx)?;
    v.trim()
        .parse()
        .map_err(|_| invalid(node, attribute, v, "an integer", ctx))
}

/// The `xsi:nil` attribute.
pub(crate) fn nil(node: Node<'_, '_>, ctx: Option<&str>) -> Result<bool, Error> {
    match node.attribute((namespaces::XSI, "nil")) {
        None => Ok(false),
        Some(v) => match v.trim() {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err(invalid(node, "xsi:nil", v, "a boolean", ctx)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_root<R>(xml: &str, f: impl FnOnce(Node<'_, '_>) -> R) -> R {
        let doc = roxmltree::Document::parse(xml).unwrap();
        f(doc.root_element())
    }

    #[test]
    fn text_joins_text_and_cdata_around_comments() {
        let t = with_root("<a>x<!-- c --><![CDATA[<y>]]> z<b>no</b></a>", text);
        assert_eq!(t, "x<y> z");
        assert_eq!(with_root("<a/>", text), "");
    }

    #[test]
    fn booleans_follow_xsd() {
        let xml = r#"<a t="true" o=" 1 " f="0" bad="True"/>"#;
        with_root(xml, |n| {
            assert_eq!(bool_attr(n, "t", None).unwrap(), Some(true));
            assert_eq!(bool_attr(n, "o", None).unwrap(), Some(true));
            assert_eq!(bool_attr(n, "f", None).unwrap(), Some(false));
            assert_eq!(bool_attr(n, "absent", None).unwrap(), None);
            assert!(matches!(
                bool_attr(n, "bad", None),
                Err(Error::InvalidValue { .. })
            ));
        });
    }

    #[test]
    fn integers_and_positions() {
        let xml = "<r>\n  <a v=\"18446744073709551616\" w=\"-3\"/></r>";
        with_root(xml, |r| {
            let a = elements(r).next().unwrap();
            assert_eq!(position(a), Position { line: 2, column: 3 });
            let err = u64_required(a, "v", Some("oval:x:obj:1")).unwrap_err();
            assert!(matches!(
                &err,
                Error::InvalidValue {
                    position: Position { line: 2, .. },
                    ..
                }
            ));
            assert!(err.to_string().contains("(in oval:x:obj:1)"), "{err}");
            assert_eq!(i64_required(a, "w", None).unwrap(), -3);
            assert!(matches!(
                u64_required(a, "w", None),
                Err(Error::InvalidValue { .. })
            ));
            assert!(matches!(
                required(a, "x", None),
                Err(Error::MissingAttribute { attribute: "x", .. })
            ));
        });
    }

    #[test]
    fn signature_and_notes_are_skipped() {
        let xml = r#"<t xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"
            xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><notes/><ds:Signature/><set/></t>"#;
        let names: Vec<String> =
            with_root(xml, |n| content(n).map(|c| name(c).to_owned()).collect());
        assert_eq!(names, ["set"]);
    }
}
