//! The crate's one error type.

use crate::wfn::Attribute;

/// Everything that can go wrong in this crate, each variant saying what and where.
///
/// ```
/// use scap_cpe::{Error, Name};
/// let err = Name::parse("cpe:2.3:a:vendor:pro*duct:*:*:*:*:*:*:*:*").unwrap_err();
/// assert!(matches!(err, Error::Name { offset: 20, .. }));
/// assert!(err.to_string().contains("product"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A bound CPE name (URI or formatted string) is malformed.
    #[error("invalid CPE name at byte {offset}{}: {kind}", attribute_suffix(*.attribute))]
    Name {
        /// Byte offset into the input where the problem was found.
        offset: usize,
        /// The WFN attribute being decoded, when known.
        attribute: Option<Attribute>,
        /// What is wrong.
        kind: NameErrorKind,
    },
    /// An attribute value given to a WFN constructor is invalid.
    #[error("invalid value{}: {kind}", attribute_suffix(*.attribute))]
    Value {
        /// The attribute the value was meant for, when known.
        attribute: Option<Attribute>,
        /// What is wrong.
        kind: NameErrorKind,
    },
    /// The XML is not well-formed, uses a DTD, or exceeds the node limit (or a fragment does
    /// not lie in its text).
    #[error("XML error: {0}")]
    Xml(#[from] scap_xml::XmlError),
    /// The XML is well-formed but does not follow the CPE dictionary or language schema.
    #[error("line {line}, element <{element}>: {reason}")]
    Document {
        /// 1-based line of the offending element.
        line: u32,
        /// Local name of the offending element.
        element: String,
        /// What is wrong.
        reason: String,
    },
    /// A CPE name inside an XML document is malformed.
    #[error("line {line}, element <{element}>: bad CPE name {name:?}: {source}")]
    NameInDocument {
        /// 1-based line of the element carrying the name.
        line: u32,
        /// Local name of the element carrying the name.
        element: String,
        /// The name as written (truncated to 200 bytes).
        name: String,
        /// Why the name is invalid.
        source: Box<Error>,
    },
}

fn attribute_suffix(attribute: Option<Attribute>) -> String {
    match attribute {
        Some(a) => format!(" (attribute {a})"),
        None => String::new(),
    }
}

/// Why a CPE name or attribute value is invalid.
///
/// ```
/// use scap_cpe::{Error, Name, NameErrorKind};
/// match Name::parse("cpe:/x:vendor") {
///     Err(Error::Name { kind: NameErrorKind::InvalidPart, .. }) => {}
///     other => panic!("{other:?}"),
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NameErrorKind {
    /// The name starts with neither `cpe:/` nor `cpe:2.3:`.
    #[error("expected prefix `cpe:/` (URI) or `cpe:2.3:` (formatted string)")]
    BadPrefix,
    /// A formatted string has fewer than eleven components.
    #[error("expected 11 components, found {0}")]
    TooFewComponents(usize),
    /// Too many components (more than 7 in a URI, more than 11 in a formatted string).
    #[error("too many components")]
    TooManyComponents,
    /// A character that is not allowed here.
    #[error("character {0:?} not allowed here")]
    InvalidCharacter(char),
    /// A character that must be quoted with `\` (formatted string) or percent-encoded (URI).
    #[error("character {0:?} must be quoted")]
    Unquoted(char),
    /// A backslash at the end of a value.
    #[error("backslash at the end of the value")]
    DanglingEscape,
    /// A `%` not followed by one of the percent-encodings the URI binding allows.
    #[error("invalid percent-encoding")]
    BadPercentEncoding,
    /// An unquoted `*` or `?` somewhere other than the start or end of a value,
    /// or a `*` next to another wildcard.
    #[error("wildcard `*` or `?` allowed only at the start or end of a value")]
    MisplacedWildcard,
    /// An empty value, or one made only of `*` (a run of `?` alone is allowed).
    #[error("value must contain at least one character besides `*`")]
    EmptyValue,
    /// The part is not `a`, `o` or `h` (or ANY/NA).
    #[error("part must be `a`, `o` or `h`")]
    InvalidPart,
    /// The language is not a language tag `ll[l][-RR|-DDD]`.
    #[error("language must be a tag like `en` or `en-us` without wildcards")]
    InvalidLanguage,
    /// A packed URI edition (starting with `~`) without exactly five `~`.
    #[error("packed edition must have the form ~edition~sw_edition~target_sw~target_hw~other")]
    BadPackedEdition,
    /// A WFN text (`wfn:[...]`) is malformed.
    #[error("malformed WFN text: {0}")]
    BadWfn(&'static str),
}
