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

use std::cell::RefCell;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::str::FromStr;

use roxmltree::Node;
use scap_xml::Fragment;

use crate::error::Error;
use crate::model::{Definitions, ElementKind, Generator, InvalidElement, Warning, namespaces};
pub(crate) use xml::parse_document;
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
    /// Largest accepted input, in bytes (default 256 MiB); for
    /// [`Definitions::parse_fragment`], the size of the fragment.
    pub max_input_bytes: usize,
    /// Largest number of XML nodes (elements, texts, comments...) in the input (default
    /// 32 million).
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
        let doc = xml::parse_document(text, limits)?;
        Self::from_node(doc.root_element(), limits)
    }

    /// Parse the `oval_definitions` element at `fragment` of `text`: an OVAL component of a
    /// SCAP source data stream (`scap_xccdf::Component::fragment` records where it is and the
    /// namespaces it inherits). Only the fragment is parsed; every position (of errors,
    /// warnings, [`Definitions::warnings`]) is a line and column of the whole `text`.
    ///
    /// ```
    /// let ds = r#"<ds:data-stream-collection xmlns:ds="http://scap.nist.gov/schema/scap/source/1.2"
    ///     xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5">
    ///  <ds:component id="c1"><oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5">
    ///   <generator><oval:schema_version>5.11</oval:schema_version></generator>
    ///  </oval_definitions></ds:component></ds:data-stream-collection>"#;
    /// let start = ds.find("<oval_definitions").unwrap();
    /// let end = ds.find("</ds:component>").unwrap();
    /// let oval = scap_oval::Namespace::new(Some("oval"), "http://oval.mitre.org/XMLSchema/oval-common-5");
    /// let fragment = scap_oval::Fragment::new(start..end, vec![oval]);
    /// let defs = scap_oval::Definitions::parse_fragment(ds, &fragment, &Default::default())?;
    /// assert_eq!(defs.generator.schema_version, "5.11");
    /// // The missing timestamp, located in the data stream.
    /// assert_eq!(defs.warnings[0].position.to_string(), "4:3");
    /// # Ok::<(), scap_oval::Error>(())
    /// ```
    pub fn parse_fragment(text: &str, fragment: &Fragment, limits: &Limits) -> Result<Self, Error> {
        let size = fragment.range.len();
        if size > limits.max_input_bytes {
            return Err(Error::TooLarge {
                size,
                limit: limits.max_input_bytes,
            });
        }
        let wrapped = fragment.wrap(text)?;
        let doc = xml::parse_document(&wrapped, limits)?;
        let root = doc.root_element();
        let node = root
            .first_element_child()
            .ok_or(Error::NotOvalDefinitions {
                found: String::new(),
                position: position(root),
            })?;
        Self::from_node(node, limits)
    }

    /// Read an `oval_definitions` element of a parsed document. Only [`Limits::max_depth`]
    /// applies.
    pub(crate) fn from_node(node: Node<'_, '_>, limits: &Limits) -> Result<Self, Error> {
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
        let warnings = RefCell::new(Vec::new());
        let ids = Ids::collect(node, &warnings)?;
        let parser = Parser {
            limits,
            ids: &ids,
            warnings,
        };
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
    /// The ids of every section; an element without an id cannot be referred to, so it is
    /// skipped with a warning (pass two skips it too).
    fn collect(root: Node<'a, 'i>, warnings: &RefCell<Vec<Warning>>) -> Result<Self, Error> {
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
                let Some(id) = item.attribute("id") else {
                    warnings.borrow_mut().push(xml::warning(
                        item,
                        None,
                        "has no `id`: nothing can refer to it; skipped",
                    ));
                    continue;
                };
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

/// Pass two: builds the model, checking references against the ids of pass one.
pub(crate) struct Parser<'p, 'a, 'i> {
    limits: &'p Limits,
    ids: &'p Ids<'a, 'i>,
    /// The deviations tolerated so far, in document order.
    warnings: RefCell<Vec<Warning>>,
}

impl Parser<'_, '_, '_> {
    /// Check that `id` names an element of kind `target`; `node` is the referring element,
    /// `from` the id of the enclosing definition, test, object, state or variable.
    pub(crate) fn check_ref(
        &self,
        node: Node<'_, '_>,
        attribute: &'static str,
        from: &str,
        target: ElementKind,
        id: &str,
    ) -> Result<(), Error> {
        let map = match target {
            ElementKind::Definition => &self.ids.definitions,
            ElementKind::Test => &self.ids.tests,
            ElementKind::Object => &self.ids.objects,
            ElementKind::State => &self.ids.states,
            ElementKind::Variable => &self.ids.variables,
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

    /// Records a tolerated deviation at `node`.
    pub(crate) fn warn(&self, node: Node<'_, '_>, ctx: Option<&str>, message: impl Into<String>) {
        self.warnings
            .borrow_mut()
            .push(xml::warning(node, ctx, message));
    }

    /// Parses each element of a section with `parse`. An element that fails is left out and
    /// kept in `invalid`, so what refers to it errors and the rest loads; only the limits
    /// (nesting depth) fail the whole document, as they bound the parser itself.
    fn section<T>(
        &self,
        section: Node<'_, '_>,
        kind: ElementKind,
        out: &mut Vec<T>,
        invalid: &mut Vec<InvalidElement>,
        parse: impl Fn(&Self, Node<'_, '_>) -> Result<T, Error>,
    ) -> Result<(), Error> {
        for n in xml::content(section) {
            let Some(id) = n.attribute("id") else {
                continue; // warned about in pass one
            };
            match parse(self, n) {
                Ok(x) => out.push(x),
                Err(e @ Error::TooDeep { .. }) => return Err(e),
                Err(error) => invalid.push(InvalidElement {
                    kind,
                    id: id.to_owned(),
                    error,
                }),
            }
        }
        Ok(())
    }

    fn document(&self, root: Node<'_, '_>) -> Result<Definitions, Error> {
        let mut generator = None;
        let (mut definitions, mut tests, mut objects, mut states, mut variables) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut invalid = Vec::new();
        for section in elements(root).filter(|n| is_core(*n)) {
            match name(section) {
                "generator" => generator = Some(self.generator(section)),
                "definitions" => {
                    definitions.reserve(self.ids.definitions.len());
                    self.section(
                        section,
                        ElementKind::Definition,
                        &mut definitions,
                        &mut invalid,
                        Self::definition,
                    )?;
                }
                "tests" => {
                    tests.reserve(self.ids.tests.len());
                    self.section(
                        section,
                        ElementKind::Test,
                        &mut tests,
                        &mut invalid,
                        Self::test,
                    )?;
                }
                "objects" => {
                    objects.reserve(self.ids.objects.len());
                    self.section(
                        section,
                        ElementKind::Object,
                        &mut objects,
                        &mut invalid,
                        Self::object,
                    )?;
                }
                "states" => {
                    states.reserve(self.ids.states.len());
                    self.section(
                        section,
                        ElementKind::State,
                        &mut states,
                        &mut invalid,
                        Self::state,
                    )?;
                }
                "variables" => {
                    variables.reserve(self.ids.variables.len());
                    self.section(
                        section,
                        ElementKind::Variable,
                        &mut variables,
                        &mut invalid,
                        Self::variable,
                    )?;
                }
                _ => self.warn(section, None, "is not an OVAL 5.11 section; skipped"),
            }
        }
        let generator = match generator {
            Some(g) => g,
            None => {
                self.warn(root, None, "has no <generator>; read as empty");
                Generator::default()
            }
        };
        let mut defs = Definitions::new(generator, definitions, tests, objects, states, variables);
        defs.warnings = self.warnings.take();
        defs.invalid = invalid;
        Ok(defs)
    }

    /// The `generator`: its children are in the common namespace. The schema requires
    /// `schema_version` and `timestamp`; evaluation needs neither, so a missing one is a
    /// warning and reads as empty.
    fn generator(&self, node: Node<'_, '_>) -> Generator {
        let mut g = Generator::default();
        let (mut schema_version, mut timestamp) = (None, None);
        for child in elements(node).filter(|n| n.tag_name().namespace() == Some(namespaces::COMMON))
        {
            match name(child) {
                "product_name" => g.product_name = Some(xml::text(child)),
                "product_version" => g.product_version = Some(xml::text(child)),
                "schema_version" => schema_version = Some(xml::text(child)),
                "timestamp" => timestamp = Some(xml::text(child)),
                _ => {}
            }
        }
        for (value, child) in [
            (&schema_version, "schema_version"),
            (&timestamp, "timestamp"),
        ] {
            if value.is_none() {
                self.warn(node, None, format!("has no <oval:{child}>; read as empty"));
            }
        }
        g.schema_version = schema_version.unwrap_or_default();
        g.timestamp = timestamp.unwrap_or_default();
        g
    }
}
