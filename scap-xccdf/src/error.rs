//! The crate's error type and the non-fatal [`Warning`]s collected while resolving.

use std::fmt;

/// A position in an XML document: 1-based line and column (in characters) of the whole file,
/// also for what was read from one component of a data stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Location {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

impl Location {
    /// The location of `node` in its document (a fragment's wrapped text keeps the whole
    /// file's positions: see `scap_xml::Fragment::wrap`).
    pub(crate) fn of(node: roxmltree::Node<'_, '_>) -> Self {
        let pos = node.document().text_pos_at(node.range().start);
        Location {
            line: pos.row,
            column: pos.col,
        }
    }
}

/// Everything that can go wrong while reading a data stream, benchmark or tailoring, or while
/// resolving and applying a profile.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The XML itself is malformed, uses a DTD, or exceeds the node limit
    /// ([`crate::ParseOptions::max_nodes`]).
    #[error("XML error: {0}")]
    Xml(#[from] scap_xml::XmlError),
    /// An embedded CPE document (dictionary, platform-specification) is invalid.
    #[error("CPE: {0}")]
    Cpe(#[from] scap_cpe::Error),
    /// Reading a file failed.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The input is larger than [`crate::ParseOptions::max_input_bytes`].
    #[error("input of {size} bytes exceeds the limit of {limit} bytes")]
    InputTooLarge {
        /// Input size in bytes.
        size: usize,
        /// The configured limit.
        limit: usize,
    },
    /// Groups or complex-checks nest deeper than [`crate::ParseOptions::max_depth`].
    #[error("{location}: <{element}> nested deeper than {limit} levels")]
    TooDeep {
        /// Where the limit was hit.
        location: Location,
        /// The element that was too deep.
        element: String,
        /// The configured limit.
        limit: usize,
    },
    /// The root element is not what the caller asked for.
    #[error("{location}: unexpected root element <{found}>, expected {expected}")]
    UnexpectedRoot {
        /// Where the root starts.
        location: Location,
        /// `{namespace}local-name` of the root found.
        found: String,
        /// What was expected.
        expected: &'static str,
    },
    /// A required attribute is absent.
    #[error("{location}: <{element}> lacks the required attribute {attribute}")]
    MissingAttribute {
        /// Where the element starts.
        location: Location,
        /// The element's local name.
        element: String,
        /// The attribute's name.
        attribute: &'static str,
    },
    /// An attribute or text value does not parse as its schema type.
    #[error("{location}: <{element}> has invalid {what} {value:?}")]
    InvalidValue {
        /// Where the element starts.
        location: Location,
        /// The element's local name.
        element: String,
        /// Which attribute or content.
        what: &'static str,
        /// The offending value.
        value: String,
    },
    /// Two items, profiles, values, data streams or components share one id.
    #[error("{location}: duplicate {kind} id {id:?}")]
    DuplicateId {
        /// Where the second occurrence starts.
        location: Location,
        /// Kind of object ("item", "profile", "component", ...).
        kind: &'static str,
        /// The id.
        id: String,
    },
    /// A data stream, checklist, component, profile or other object asked for by id does not
    /// exist.
    #[error("{kind} {id:?} not found")]
    NotFound {
        /// Kind of object.
        kind: &'static str,
        /// The id (or href) that was looked up.
        id: String,
    },
    /// A `--profile` suffix names more than one profile (of the tailoring, or of the
    /// benchmark): see [`crate::find_profile_id`].
    #[error("profile {name:?} is ambiguous: it matches {}", matches.join(", "))]
    AmbiguousProfile {
        /// The suffix asked for.
        name: String,
        /// The ids of the profiles it matches.
        matches: Vec<String>,
    },
    /// An error in a file other than the one the caller named (a tailoring's benchmark, a
    /// CPE dictionary, a component's file).
    #[error("{path}: {source}")]
    InFile {
        /// The file.
        path: String,
        /// What went wrong in it.
        #[source]
        source: Box<Error>,
    },
    /// A check href resolves to a component-ref whose `xlink:href` is not local (`#id`) but a
    /// remote resource, such as Red Hat's OVAL feed in SSG's RHEL data streams (oscap needs
    /// `--fetch-remote-resources` for these; fetching is up to the caller).
    #[error("check href {href:?} refers to the remote resource {url:?}")]
    RemoteComponent {
        /// The href as written in the check.
        href: String,
        /// The component-ref's `xlink:href`.
        url: String,
    },
    /// A data stream collection has no data stream, or a data stream no checklist.
    #[error("{0}")]
    Empty(&'static str),
    /// An `extends` attribute names an item or profile that does not exist.
    #[error("{location}: {kind} {id:?} extends unknown {target:?}")]
    DanglingExtends {
        /// Where the extending object starts.
        location: Location,
        /// "profile" or "item".
        kind: &'static str,
        /// The extending object.
        id: String,
        /// The missing target.
        target: String,
    },
    /// `extends` chains form a cycle.
    #[error("{kind} {id:?}: extends chain forms a cycle")]
    ExtendsCycle {
        /// "profile" or "item".
        kind: &'static str,
        /// One id on the cycle.
        id: String,
    },
    /// An `extends` attribute names an object of another kind (a Rule extending a Group).
    #[error("{kind} {id:?} extends {target:?}, which is of another type")]
    ExtendsTypeMismatch {
        /// Kind of the extending object.
        kind: &'static str,
        /// The extending object.
        id: String,
        /// The target.
        target: String,
    },
}

/// Convenience alias.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A problem that oscap reports as a warning and skips over; resolution and profile application
/// collect these instead of failing.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Warning {
    /// A profile `select` names no rule, group or cluster-id.
    UnknownSelect {
        /// The profile.
        profile: String,
        /// The dangling idref.
        idref: String,
    },
    /// A `set-value`, `set-complex-value` or `refine-value` names no Value.
    UnknownValue {
        /// The profile.
        profile: String,
        /// The dangling idref.
        idref: String,
    },
    /// A `refine-rule` names no rule, group or cluster-id.
    UnknownRefineRule {
        /// The profile.
        profile: String,
        /// The dangling idref.
        idref: String,
    },
    /// A `refine-value` selector matches no `value` of the Value; the default is used.
    UnknownSelector {
        /// The Value.
        value: String,
        /// The selector asked for.
        selector: String,
    },
    /// A check-export names no Value.
    UnknownExport {
        /// The rule.
        rule: String,
        /// The Value id.
        value: String,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::UnknownSelect { profile, idref } => {
                write!(f, "profile {profile}: select of unknown item {idref}")
            }
            Warning::UnknownValue { profile, idref } => {
                write!(
                    f,
                    "profile {profile}: value setting for unknown Value {idref}"
                )
            }
            Warning::UnknownRefineRule { profile, idref } => {
                write!(f, "profile {profile}: refine-rule of unknown item {idref}")
            }
            Warning::UnknownSelector { value, selector } => {
                write!(
                    f,
                    "Value {value}: no instance with selector {selector:?}, using the default"
                )
            }
            Warning::UnknownExport { rule, value } => {
                write!(f, "rule {rule}: check-export of unknown Value {value}")
            }
        }
    }
}
