//! What the parser tolerated ([`Warning`]) and what it could not load ([`InvalidElement`]).
//!
//! Content in the field is not always schema-valid, and oscap evaluates much of what the
//! schema would refuse. The parser follows that policy (written down in the crate docs,
//! "Parsing policy"): a deviation that does not change what evaluation means is a
//! [`Warning`] and the element loads; an element that cannot be evaluated correctly (an
//! unknown operation, a dangling reference, a malformed criteria tree) is an
//! [`InvalidElement`]: it is left out of the model, and whatever refers to it evaluates to
//! `error`, naming why. The rest of the document loads and evaluates as usual.

use std::fmt;

use crate::error::{Error, Position};

/// A deviation from the OVAL schema that the parser tolerated, with where it is.
///
/// ```
/// let xml = r#"<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"
///     xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5">
///   <generator><oval:schema_version>5.11</oval:schema_version>
///     <oval:timestamp>2024-01-01T00:00:00</oval:timestamp></generator>
///   <definitions><definition id="oval:x:def:1" version="1" class="compliance">
///     <metadata><title>t</title><description/><reference source="CIS"/></metadata>
///   </definition></definitions>
/// </oval_definitions>"#;
/// let defs: scap_oval::Definitions = xml.parse()?;
/// let w = &defs.warnings[0];
/// assert_eq!((w.element.as_str(), w.id.as_deref()), ("reference", Some("oval:x:def:1")));
/// assert_eq!(w.position.line, 6);
/// assert!(w.to_string().contains("no `ref_id`"), "{w}");
/// # Ok::<(), scap_oval::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Warning {
    /// Where the element starts.
    pub position: Position,
    /// The element's local name.
    pub element: String,
    /// The id of the enclosing definition, test, object, state or variable, if any.
    pub id: Option<String>,
    /// What was tolerated, and what the parser did instead.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: <{}> {}", self.position, self.element, self.message)?;
        if let Some(id) = &self.id {
            write!(f, " (in {id})")?;
        }
        Ok(())
    }
}

/// Which section of the document an element belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ElementKind {
    /// A `definition`.
    Definition,
    /// A test.
    Test,
    /// An object.
    Object,
    /// A state.
    State,
    /// A variable.
    Variable,
}

impl ElementKind {
    /// The kind's name as the schema spells the element (`definition`, `test`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ElementKind::Definition => "definition",
            ElementKind::Test => "test",
            ElementKind::Object => "object",
            ElementKind::State => "state",
            ElementKind::Variable => "variable",
        }
    }
}

impl fmt::Display for ElementKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A definition, test, object, state or variable the parser could not load. It is not in
/// the model's vectors; what refers to it evaluates to `error` with [`InvalidElement::error`]
/// as the reason.
///
/// ```
/// use scap_oval::model::ElementKind;
/// let xml = r#"<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"
///     xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5"
///     xmlns:ind="http://oval.mitre.org/XMLSchema/oval-definitions-5#independent">
///   <generator><oval:schema_version>5.11</oval:schema_version>
///     <oval:timestamp>2024-01-01T00:00:00</oval:timestamp></generator>
///   <tests><ind:family_test id="oval:x:tst:1" version="1" check="most">
///     <ind:object object_ref="oval:x:obj:1"/></ind:family_test></tests>
///   <objects><ind:family_object id="oval:x:obj:1" version="1"/></objects>
/// </oval_definitions>"#;
/// let defs: scap_oval::Definitions = xml.parse()?;
/// assert!(defs.test("oval:x:tst:1").is_none());
/// let bad = defs.invalid("oval:x:tst:1").expect("kept as invalid");
/// assert_eq!(bad.kind, ElementKind::Test);
/// assert!(bad.error.to_string().contains("most"), "{}", bad.error);
/// assert!(defs.object("oval:x:obj:1").is_some());
/// # Ok::<(), scap_oval::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct InvalidElement {
    /// Its section.
    pub kind: ElementKind,
    /// Its id.
    pub id: String,
    /// Why it could not be loaded (with the position).
    pub error: Error,
}

impl fmt::Display for InvalidElement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} could not be loaded: {}",
            self.kind, self.id, self.error
        )
    }
}
