//! The parser: `oval_definitions` XML (standalone, or inside a data stream) to
//! [`Definitions`](crate::Definitions).
//!
//! It runs in two passes over a `roxmltree` document. The first collects the id of every
//! definition, test, object, state and variable (refusing duplicates); the second builds the
//! model and checks each reference against those ids as it goes, so a dangling reference is
//! reported at its own position, naming both the referring element and the missing id.

mod definition;
mod objects;
mod variable;
mod xml;

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::str::FromStr;

use roxmltree::Node;

use crate::error::Error;
use crate::model::{Definitions, Generator, namespaces};
use xml::{elements, is_core, name, position};

/// Resource limits of the parser. The defaults accept every SCAP Security Guide file with a
/// wide margin; lower them for untrusted input.
///
/// ```
/// use scap_oval::{Definitions, Error, Limits};
/// let limits = Limits::default().with_max_input_bytes(16);
/// let err = Definitions::parse_with_limits(b"<oval_definitions/>     ", &limits).unwrap_err();
/// assert!(matches!(err, Error::TooLarge { limit: 16, .. }));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Largest accepted input, in bytes (default 256 MiB). Not applied by
    /// [`Definitions::from_node`], whose caller parsed the XML.
    pub max_input_bytes: usize,
    /// Largest number of XML nodes (elements, texts, comments...) in the input (default
    /// 32 million). Not applied by [`Definitions::from_node`].
    pub max_nodes: u32,
    /// Deepest nesting of `criteria`, of object `set`s and of variable components (default 64).
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: 256 << 20,
            max_nodes: 32_000_000,
            max_depth: 64,
        }
    }
}

impl Limits {
    /// These limits with another [`Limits::max_input_bytes`].
    pub fn with_max_input_bytes(mut self, bytes: usize) -> Self {
        self.max_input_bytes = bytes;
        self
    }

    /// These limits with another [`Limits::max_nodes`].
    pub fn with_max_nodes(mut self, nodes: u32) -> Self {
        self.max_nodes = nodes;
        self
    }

    /// These limits with another [`Limits::max_depth`].
    pub fn with_max_depth(mut self, depth: usize) -> Self {
        self.max_depth = depth;
        self
    }
}

impl Definitions {
    /// Parse a standalone `oval_definitions` document with the default [`Limits`].
    ///
    /// ```
    /// let xml = br#"<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"
    ///     xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5">
    ///   <generator><oval:schema_version>5.11</oval:schema_version>
    ///     <oval:timestamp>2024-01-01T00:00:00</oval:timestamp></generator>
    /// </oval_definitions>"#;
    /// let defs = scap_oval::Definitions::parse(xml)?;
    /// assert_eq!(defs.generator.timestamp, "2024-01-01T00:00:00");
    /// # Ok::<(), scap_oval::Error>(())
    /// ```
    pub fn parse(bytes: &[u8]) -> Result<Self, Error> {
        Self::parse_with_limits(bytes, &Limits::default())
    }

    /// Parse a standalone `oval_definitions` document (UTF-8; DTDs refused).
    pub fn parse_with_limits(bytes: &[u8], limits: &Limits) -> Result<Self, Error> {
        if bytes.len() > limits.max_input_bytes {
            return Err(Error::TooLarge {
                size: bytes.len(),
                limit: limits.max_input_bytes,
            });
        }
        let text = std::str::from_utf8(bytes).map_err(|e| Error::Encoding {
            offset: e.valid_up_to(),
        })?;
        let options = roxmltree::ParsingOptions {
            allow_dtd: false,
            nodes_limit: limits.max_nodes,
            ..roxmltree::ParsingOptions::default()
        };
        let doc = roxmltree::Document::parse_with_options(text, options)?;
        Self::from_node(doc.root_element(), limits)
    }

    /// Read an `oval_definitions` element of an already parsed document, e.g. the child of a
    /// `ds:component` of a SCAP 1.2 source data stream. Only [`Limits::max_depth`] applies.
    ///
    /// ```
    /// let ds = r#"<ds:data-stream-collection xmlns:ds="http://scap.nist.gov/schema/scap/source/1.2">
    ///  <ds:component id="c1"><oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"
    ///     xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5"><generator>
    ///     <oval:schema_version>5.11</oval:schema_version><oval:timestamp>2024-01-01T00:00:00</oval:timestamp>
    ///  </generator></oval_definitions></ds:component></ds:data-stream-collection>"#;
    /// let doc = roxmltree::Document::parse(ds).unwrap();
    /// let node = doc.descendants().find(|n| n.has_tag_name("oval_definitions")).unwrap();
    /// let defs = scap_oval::Definitions::from_node(node, &Default::default())?;
    /// assert_eq!(defs.generator.schema_version, "5.11");
    /// # Ok::<(), scap_oval::Error>(())
    /// ```
    pub fn from_node(node: Node<'_, '_>, limits: &Limits) -> Result<Self, Error> {
        if !(is_core(node) && name(node) == "oval_definitions") {
            let tag = node.tag_name();
            let found = match tag.namespace() {
                Some(ns) => format!("{{{ns}}}{}", tag.name()),
                None => tag.name().to_owned(),
            };
            return Err(Error::NotOvalDefinitions {
                found,
                position: position(node),
            });
        }
        let ids = Ids::collect(node)?;
        let parser = Parser { limits, ids: &ids };
        parser.document(node)
    }
}

impl FromStr for Definitions {
    type Err = Error;

    /// [`Definitions::parse`] of the string's bytes.
    fn from_str(s: &str) -> Result<Self, Error> {
        Self::parse(s.as_bytes())
    }
}

/// The ids of one kind of element, with the node defining each.
type IdMap<'a, 'i> = HashMap<&'a str, Node<'a, 'i>>;

/// Pass one: every id the document defines, by kind.
#[derive(Default)]
struct Ids<'a, 'i> {
    definitions: IdMap<'a, 'i>,
    tests: IdMap<'a, 'i>,
    objects: IdMap<'a, 'i>,
    states: IdMap<'a, 'i>,
    variables: IdMap<'a, 'i>,
}

impl<'a, 'i> Ids<'a, 'i> {
    fn collect(root: Node<'a, 'i>) -> Result<Self, Error> {
        let mut ids = Ids::default();
        for section in elements(root).filter(|n| is_core(*n)) {
            let (map, element) = match name(section) {
                "definitions" => (&mut ids.definitions, "definition"),
                "tests" => (&mut ids.tests, "test"),
                "objects" => (&mut ids.objects, "object"),
                "states" => (&mut ids.states, "state"),
                "variables" => (&mut ids.variables, "variable"),
                _ => continue,
            };
            for item in xml::content(section) {
                let id = xml::required(item, "id", None)?;
                match map.entry(id) {
                    Entry::Vacant(v) => {
                        v.insert(item);
                    }
                    Entry::Occupied(o) => {
                        return Err(Error::DuplicateId {
                            element: element.to_owned(),
                            id: id.to_owned(),
                            first: position(*o.get()),
                            second: position(item),
                        });
                    }
                }
            }
        }
        Ok(ids)
    }
}

/// What a reference must name.
#[derive(Clone, Copy)]
pub(crate) enum Target {
    Definition,
    Test,
    Object,
    State,
    Variable,
}

impl Target {
    fn as_str(self) -> &'static str {
        match self {
            Target::Definition => "definition",
            Target::Test => "test",
            Target::Object => "object",
            Target::State => "state",
            Target::Variable => "variable",
        }
    }
}

/// Pass two: builds the model, checking references against the ids of pass one.
pub(crate) struct Parser<'p, 'a, 'i> {
    limits: &'p Limits,
    ids: &'p Ids<'a, 'i>,
}

impl Parser<'_, '_, '_> {
    /// Check that `id` names an element of kind `target`; `node` is the referring element,
    /// `from` the id of the enclosing definition, test, object, state or variable.
    pub(crate) fn check_ref(
        &self,
        node: Node<'_, '_>,
        attribute: &'static str,
        from: &str,
        target: Target,
        id: &str,
    ) -> Result<(), Error> {
        let map = match target {
            Target::Definition => &self.ids.definitions,
            Target::Test => &self.ids.tests,
            Target::Object => &self.ids.objects,
            Target::State => &self.ids.states,
            Target::Variable => &self.ids.variables,
        };
        if map.contains_key(id) {
            Ok(())
        } else {
            Err(Error::DanglingReference {
                element: name(node).to_owned(),
                attribute,
                from: from.to_owned(),
                target: target.as_str(),
                missing: id.to_owned(),
                position: position(node),
            })
        }
    }

    /// Fail when `depth` exceeds the limit.
    pub(crate) fn check_depth(
        &self,
        node: Node<'_, '_>,
        depth: usize,
        ctx: &str,
    ) -> Result<(), Error> {
        if depth > self.limits.max_depth {
            Err(Error::TooDeep {
                element: name(node).to_owned(),
                limit: self.limits.max_depth,
                context: xml::context(Some(ctx)),
                position: position(node),
            })
        } else {
            Ok(())
        }
    }

    fn document(&self, root: Node<'_, '_>) -> Result<Definitions, Error> {
        let mut generator = None;
        let (mut definitions, mut tests, mut objects, mut states, mut variables) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for section in elements(root).filter(|n| is_core(*n)) {
            match name(section) {
                "generator" => generator = Some(generator_of(section)?),
                "definitions" => {
                    definitions.reserve(self.ids.definitions.len());
                    for n in xml::content(section) {
                        definitions.push(self.definition(n)?);
                    }
                }
                "tests" => {
                    tests.reserve(self.ids.tests.len());
                    for n in xml::content(section) {
                        tests.push(self.test(n)?);
                    }
                }
                "objects" => {
                    objects.reserve(self.ids.objects.len());
                    for n in xml::content(section) {
                        objects.push(self.object(n)?);
                    }
                }
                "states" => {
                    states.reserve(self.ids.states.len());
                    for n in xml::content(section) {
                        states.push(self.state(n)?);
                    }
                }
                "variables" => {
                    variables.reserve(self.ids.variables.len());
                    for n in xml::content(section) {
                        variables.push(self.variable(n)?);
                    }
                }
                _ => return Err(xml::unexpected(section, None)),
            }
        }
        let generator = generator.ok_or_else(|| xml::missing_child(root, "generator", None))?;
        Ok(Definitions::new(
            generator,
            definitions,
            tests,
            objects,
            states,
            variables,
        ))
    }
}

/// The `generator`: its children are in the common namespace.
fn generator_of(node: Node<'_, '_>) -> Result<Generator, Error> {
    let mut g = Generator::default();
    let (mut schema_version, mut timestamp) = (None, None);
    for child in elements(node).filter(|n| n.tag_name().namespace() == Some(namespaces::COMMON)) {
        match name(child) {
            "product_name" => g.product_name = Some(xml::text(child)),
            "product_version" => g.product_version = Some(xml::text(child)),
            "schema_version" => schema_version = Some(xml::text(child)),
            "timestamp" => timestamp = Some(xml::text(child)),
            _ => {}
        }
    }
    g.schema_version =
        schema_version.ok_or_else(|| xml::missing_child(node, "schema_version", None))?;
    g.timestamp = timestamp.ok_or_else(|| xml::missing_child(node, "timestamp", None))?;
    Ok(g)
}
