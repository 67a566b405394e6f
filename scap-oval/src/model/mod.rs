//! The typed model of an OVAL 5.11 `oval_definitions` document (the OVAL 5.11
//! definitions schema): plain data with owned strings, so it outlives the XML it came from.
//!
//! [`Definitions`] is the document; it keeps every element in document order and an index from
//! id to position for O(1) lookup ([`Definitions::test`], [`Definitions::object`], ...).

mod definition;
mod diagnostic;
mod entity;
pub mod namespaces;
mod object;
mod reach;
mod state;
mod test;
mod variable;

use std::collections::HashMap;

pub use definition::{
    Affected, Criteria, CriteriaNode, Criterion, Definition, ExtendDefinition, Metadata, Reference,
};
pub use diagnostic::{ElementKind, InvalidElement, Warning};
pub use entity::Entity;
pub use object::{Behavior, EntityObject, Filter, Object, ObjectContent, ObjectSet};
pub use state::State;
pub use test::Test;
pub use variable::{
    Component, ConstantVariable, ExternalVariable, PossibleRestriction, PossibleValue, Restriction,
    Variable, VariableKind,
};

/// The `generator` of a document: who wrote it, when, against which schema version.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Generator {
    /// `product_name`.
    pub product_name: Option<String>,
    /// `product_version`.
    pub product_version: Option<String>,
    /// `schema_version`, e.g. `5.11` or `5.11.2`.
    pub schema_version: String,
    /// `timestamp` as written (`xsd:dateTime`, e.g. `2022-12-20T09:54:05`).
    pub timestamp: String,
}

/// A parsed `oval_definitions` document.
///
/// The vectors keep document order. The lookup methods use an index built by the parser; after
/// changing the vectors by hand call [`Definitions::rebuild_index`] (a stale index makes lookups
/// miss, never return the wrong element).
///
/// ```
/// let xml = r#"<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"
///     xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5">
///   <generator><oval:schema_version>5.11</oval:schema_version>
///     <oval:timestamp>2024-01-01T00:00:00</oval:timestamp></generator>
/// </oval_definitions>"#;
/// let defs: scap_oval::Definitions = xml.parse()?;
/// assert_eq!(defs.generator.schema_version, "5.11");
/// assert!(defs.definitions.is_empty() && defs.test("oval:x:tst:1").is_none());
/// # Ok::<(), scap_oval::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Definitions {
    /// The `generator`.
    pub generator: Generator,
    /// Every `definition`.
    pub definitions: Vec<Definition>,
    /// Every test.
    pub tests: Vec<Test>,
    /// Every object.
    pub objects: Vec<Object>,
    /// Every state.
    pub states: Vec<State>,
    /// Every variable.
    pub variables: Vec<Variable>,
    /// The schema deviations the parser tolerated, in document order (see the crate docs,
    /// "Parsing policy").
    pub warnings: Vec<Warning>,
    /// The elements the parser could not load; what refers to them evaluates to `error`.
    pub invalid: Vec<InvalidElement>,
    index: Index,
}

/// Id to position in the vectors of [`Definitions`]. foldhash, seeded per process: SipHash
/// over every id was a twentieth of parsing a large document.
#[derive(Debug, Clone, Default)]
struct Index {
    definitions: IdIndex,
    tests: IdIndex,
    objects: IdIndex,
    states: IdIndex,
    variables: IdIndex,
}

type IdIndex = HashMap<String, usize, foldhash::fast::RandomState>;

fn index_of<T>(items: &[T], id: impl Fn(&T) -> &str) -> IdIndex {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| (id(item).to_owned(), i))
        .collect()
}

impl Definitions {
    /// Assemble a document from its parts and index it. Where an id occurs twice, lookups find
    /// the last one (the parser refuses duplicate ids).
    pub fn new(
        generator: Generator,
        definitions: Vec<Definition>,
        tests: Vec<Test>,
        objects: Vec<Object>,
        states: Vec<State>,
        variables: Vec<Variable>,
    ) -> Self {
        let mut defs = Definitions {
            generator,
            definitions,
            tests,
            objects,
            states,
            variables,
            warnings: Vec::new(),
            invalid: Vec::new(),
            index: Index::default(),
        };
        defs.rebuild_index();
        defs
    }

    /// Rebuild the id index after the public vectors were changed.
    pub fn rebuild_index(&mut self) {
        self.index = Index {
            definitions: index_of(&self.definitions, |d| &d.id),
            tests: index_of(&self.tests, |t| &t.id),
            objects: index_of(&self.objects, |o| &o.id),
            states: index_of(&self.states, |s| &s.id),
            variables: index_of(&self.variables, |v| &v.id),
        };
    }

    /// The definition with this id.
    pub fn definition(&self, id: &str) -> Option<&Definition> {
        self.index
            .definitions
            .get(id)
            .and_then(|&i| self.definitions.get(i))
            .filter(|x| x.id == id)
    }

    /// The test with this id.
    pub fn test(&self, id: &str) -> Option<&Test> {
        self.index
            .tests
            .get(id)
            .and_then(|&i| self.tests.get(i))
            .filter(|x| x.id == id)
    }

    /// The object with this id.
    pub fn object(&self, id: &str) -> Option<&Object> {
        self.index
            .objects
            .get(id)
            .and_then(|&i| self.objects.get(i))
            .filter(|x| x.id == id)
    }

    /// The state with this id.
    pub fn state(&self, id: &str) -> Option<&State> {
        self.index
            .states
            .get(id)
            .and_then(|&i| self.states.get(i))
            .filter(|x| x.id == id)
    }

    /// The element with this id that the parser could not load, if it is one.
    pub fn invalid(&self, id: &str) -> Option<&InvalidElement> {
        self.invalid.iter().find(|x| x.id == id)
    }

    /// The variable with this id.
    pub fn variable(&self, id: &str) -> Option<&Variable> {
        self.index
            .variables
            .get(id)
            .and_then(|&i| self.variables.get(i))
            .filter(|x| x.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test(id: &str) -> Test {
        Test {
            id: id.to_owned(),
            ..Test::default()
        }
    }

    #[test]
    fn lookups_follow_the_index_and_rebuild() {
        let mut defs = Definitions::new(
            Generator::default(),
            Vec::new(),
            vec![test("oval:a:tst:1"), test("oval:a:tst:2")],
            Vec::new(),
            Vec::new(),
            Vec::new(),
        );
        assert_eq!(
            defs.test("oval:a:tst:2").map(|t| t.id.as_str()),
            Some("oval:a:tst:2")
        );
        assert!(defs.test("oval:a:tst:3").is_none());
        defs.tests.remove(0);
        // Stale until rebuilt: lookups miss rather than return the wrong test.
        assert!(defs.test("oval:a:tst:2").is_none());
        assert!(defs.test("oval:a:tst:1").is_none());
        defs.rebuild_index();
        assert_eq!(
            defs.test("oval:a:tst:2").map(|t| t.id.as_str()),
            Some("oval:a:tst:2")
        );
        assert!(defs.test("oval:a:tst:1").is_none());
    }
}
