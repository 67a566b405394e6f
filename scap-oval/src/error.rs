//! The one error type of this crate.

use std::fmt;

use crate::types::UnknownValue;

/// A 1-based line and column in the parsed text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Position {
    /// Line, from 1.
    pub line: u32,
    /// Column (in characters), from 1.
    pub column: u32,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// The id of the enclosing definition, test, object, state or variable, for messages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Context(pub Option<String>);

impl fmt::Display for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(id) => write!(f, " (in {id})"),
            None => Ok(()),
        }
    }
}

/// Everything that can go wrong reading an OVAL definitions document.
///
/// Every variant that comes from a place in the document carries its [`Position`], the element
/// name and, through [`Context`], the id of the enclosing definition, test, object, state or
/// variable.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input is larger than [`crate::Limits::max_input_bytes`].
    #[error("input of {size} bytes exceeds the limit of {limit} bytes")]
    TooLarge {
        /// Input size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The input is not UTF-8.
    #[error("input is not UTF-8: invalid byte at offset {offset}")]
    Encoding {
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// The XML is not well formed, has a DTD, or exceeds the node limit (the message carries
    /// the position).
    #[error("XML syntax error: {0}")]
    Xml(#[from] scap_xml::XmlError),
    /// The root (or given) element is not an OVAL 5 `oval_definitions`.
    #[error("{position}: expected an oval_definitions element, found `{found}`")]
    NotOvalDefinitions {
        /// The element found (`{namespace}local`).
        found: String,
        /// Where.
        position: Position,
    },
    /// A required attribute is absent.
    #[error("{position}: <{element}> has no `{attribute}` attribute{context}")]
    MissingAttribute {
        /// The element.
        element: String,
        /// The attribute.
        attribute: &'static str,
        /// The enclosing id.
        context: Context,
        /// Where.
        position: Position,
    },
    /// A required child element is absent.
    #[error("{position}: <{element}> has no <{child}> child{context}")]
    MissingElement {
        /// The parent element.
        element: String,
        /// The missing child.
        child: &'static str,
        /// The enclosing id.
        context: Context,
        /// Where (the parent).
        position: Position,
    },
    /// A child element that the schema does not allow there.
    #[error("{position}: unexpected <{element}> inside <{parent}>{context}")]
    UnexpectedElement {
        /// The unexpected element (local name).
        element: String,
        /// Its parent.
        parent: String,
        /// The enclosing id.
        context: Context,
        /// Where.
        position: Position,
    },
    /// An attribute or text is not a member of its OVAL enumeration.
    #[error("{position}: <{element}> `{attribute}`: {source}{context}")]
    UnknownEnumeration {
        /// The element.
        element: String,
        /// The attribute (or `#text`).
        attribute: &'static str,
        /// The enumeration and the value that did not match.
        source: UnknownValue,
        /// The enclosing id.
        context: Context,
        /// Where.
        position: Position,
    },
    /// An attribute or text of the wrong lexical form (not an integer, not a boolean, ...).
    #[error("{position}: <{element}> `{attribute}` = `{value}` is not {expected}{context}")]
    InvalidValue {
        /// The element.
        element: String,
        /// The attribute (or `#text`).
        attribute: &'static str,
        /// The value as written.
        value: String,
        /// What was expected, e.g. `a non-negative integer`.
        expected: &'static str,
        /// The enclosing id.
        context: Context,
        /// Where.
        position: Position,
    },
    /// Two elements of the same kind share an id.
    #[error("{second}: duplicate {element} id `{id}`, first defined at {first}")]
    DuplicateId {
        /// The element (e.g. `test`).
        element: String,
        /// The id.
        id: String,
        /// The first occurrence.
        first: Position,
        /// The second occurrence.
        second: Position,
    },
    /// A reference names an id that no element of the right kind has.
    #[error(
        "{position}: <{element}> `{attribute}` of {from} refers to {target} `{missing}`, which does not exist"
    )]
    DanglingReference {
        /// The referring element (e.g. `criterion`, `object_component`, `filter`).
        element: String,
        /// The attribute (or `#text`) holding the reference.
        attribute: &'static str,
        /// The id of the referring definition, test, object, state or variable.
        from: String,
        /// What kind of element the reference must name (`test`, `object`, `state`,
        /// `variable`, `definition`).
        target: &'static str,
        /// The id that was not found.
        missing: String,
        /// Where the reference is.
        position: Position,
    },
    /// Criteria, sets or components nest deeper than [`crate::Limits::max_depth`].
    #[error("{position}: <{element}> nests deeper than {limit} levels{context}")]
    TooDeep {
        /// The element at which the limit was hit.
        element: String,
        /// The limit.
        limit: usize,
        /// The enclosing id.
        context: Context,
        /// Where.
        position: Position,
    },
}
