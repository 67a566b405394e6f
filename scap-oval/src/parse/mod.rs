//! The parser: `oval_definitions` XML (standalone, or inside a data stream) to
//! [`Definitions`](crate::Definitions).
//!
//! It runs in two passes. The first reads the document's outline in one streaming pass
//! ([`outline`]): where each definition, test, object, state and variable lies, and its id
//! (duplicates refused). The second builds the model from `roxmltree` documents of a few
//! elements each (the whole document's tree would be larger than the model) and checks each
//! reference against those ids as it goes, so a dangling reference is reported at its own
//! position, naming both the referring element and the missing id.

mod definition;
mod objects;
mod outline;
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
use outline::{CHUNK_BYTES, LineCursor, Outline, Top};
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
        let outline = Outline::read(text, 0..text.len(), &[])?;
        Self::from_outline(text, &outline, None, limits)
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
        let outline = Outline::read(text, fragment.range.clone(), &fragment.namespaces)?;
        Self::from_outline(text, &outline, Some(fragment), limits)
    }

    /// Read the `oval_definitions` element outlined in `text` (the fragment's, when it is
    /// one).
    fn from_outline(
        text: &str,
        outline: &Outline<'_>,
        fragment: Option<&Fragment>,
        limits: &Limits,
    ) -> Result<Self, Error> {
        let skeleton = outline.skeleton(fragment)?;
        let doc = xml::parse_document(&skeleton, limits)?;
        let mut node = doc.root_element();
        if fragment.is_some() {
            node = node
                .first_element_child()
                .ok_or(Error::NotOvalDefinitions {
                    found: String::new(),
                    position: position(node),
                })?;
        }
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
        // The skeleton has an element for each of the root's children, in order.
        let tops: Vec<_> = elements(node).zip(&outline.tops).collect();
        let warnings = RefCell::new(Vec::new());
        let ids = Ids::collect(text, &tops, &warnings)?;
        let parser = Parser {
            limits,
            ids: &ids,
            warnings,
            nodes: std::cell::Cell::new(doc.descendants().count()),
        };
        parser.document(text, outline, node, &tops)
    }
}

impl FromStr for Definitions {
    type Err = Error;

    /// [`Definitions::parse`] of the string's bytes.
    fn from_str(s: &str) -> Result<Self, Error> {
        Self::parse(s.as_bytes())
    }
}

/// The ids of one kind of element, with the byte offset of the element defining each.
type IdMap<'o> = HashMap<&'o str, usize, foldhash::fast::RandomState>;

/// Pass one: every id the document defines, by kind.
#[derive(Default)]
struct Ids<'o> {
    definitions: IdMap<'o>,
    tests: IdMap<'o>,
    objects: IdMap<'o>,
    states: IdMap<'o>,
    variables: IdMap<'o>,
}

/// A child of the root: its element in the skeleton document and its outline.
type TopNode<'s, 'o> = (Node<'s, 's>, &'o Top<'o>);

impl<'o> Ids<'o> {
    /// The ids of every section; an element without an id cannot be referred to, so it is
    /// skipped with a warning (pass two skips it too).
    fn collect(
        text: &str,
        tops: &[TopNode<'_, 'o>],
        warnings: &RefCell<Vec<Warning>>,
    ) -> Result<Self, Error> {
        let mut ids = Ids::default();
        let mut cursor = LineCursor::new(text);
        for (section, top) in tops.iter().filter(|(n, _)| is_core(*n)) {
            let (map, element) = match name(*section) {
                "definitions" => (&mut ids.definitions, "definition"),
                "tests" => (&mut ids.tests, "test"),
                "objects" => (&mut ids.objects, "object"),
                "states" => (&mut ids.states, "state"),
                "variables" => (&mut ids.variables, "variable"),
                _ => continue,
            };
            map.reserve(top.items.len());
            for item in top.items.iter().filter(|i| !i.skipped) {
                let Some(id) = item.id.as_deref() else {
                    warnings.borrow_mut().push(Warning {
                        position: cursor.position(item.range.start),
                        element: item.local.to_owned(),
                        id: None,
                        message: "has no `id`: nothing can refer to it; skipped".to_owned(),
                    });
                    continue;
                };
                match map.entry(id) {
                    Entry::Vacant(v) => {
                        v.insert(item.range.start);
                    }
                    Entry::Occupied(o) => {
                        return Err(Error::DuplicateId {
                            element: element.to_owned(),
                            id: id.to_owned(),
                            first: cursor.position(*o.get()),
                            second: cursor.position(item.range.start),
                        });
                    }
                }
            }
        }
        Ok(ids)
    }
}

/// The text being parsed, its outline, and where pass two has got to in it.
struct Source<'t, 'o> {
    text: &'t str,
    outline: &'o Outline<'t>,
    cursor: LineCursor<'t>,
}

/// Pass two: builds the model, checking references against the ids of pass one.
pub(crate) struct Parser<'p, 'o> {
    limits: &'p Limits,
    ids: &'p Ids<'o>,
    /// The deviations tolerated so far, in document order.
    warnings: RefCell<Vec<Warning>>,
    /// The XML nodes of the documents parsed so far (the skeleton's and the chunks'), against
    /// [`Limits::max_nodes`].
    nodes: std::cell::Cell<usize>,
}

impl Parser<'_, '_> {
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

    /// Parses the items of `top` (a section) a chunk at a time: each chunk is a small
    /// document of the section's text from one item to another, framed by the root's and the
    /// section's start tags, its positions shifted to the whole text's.
    fn chunks<T>(
        &self,
        source: &mut Source<'_, '_>,
        top: &Top<'_>,
        kind: ElementKind,
        out: &mut Vec<T>,
        invalid: &mut Vec<InvalidElement>,
        parse: impl Fn(&Self, Node<'_, '_>) -> Result<T, Error> + Copy,
    ) -> Result<(), Error> {
        let (head, tail) = source.outline.chunk_frame(top);
        let head_columns = u32::try_from(head.chars().count()).unwrap_or(u32::MAX);
        let mut doc_text = String::new();
        let mut rest = top.items.as_slice();
        while let Some(first) = rest.first() {
            let n = rest
                .iter()
                .position(|i| i.range.end - first.range.start >= CHUNK_BYTES)
                .map_or(rest.len(), |i| i + 1);
            let (chunk, after) = rest.split_at(n);
            rest = after;
            let range = first.range.start..chunk.last().map_or(first.range.end, |i| i.range.end);
            doc_text.clear();
            doc_text.push_str(&head);
            doc_text.push_str(source.text.get(range.clone()).unwrap_or(""));
            doc_text.push_str(&tail);
            let (line, column) = source.cursor.at(range.start);
            let _shift = xml::shift_positions(xml::Shift {
                line,
                column,
                head_columns,
            });
            let left = Limits {
                max_nodes: u32::try_from(self.nodes.get())
                    .map_or(0, |used| self.limits.max_nodes.saturating_sub(used))
                    .saturating_add(3),
                ..*self.limits
            };
            let doc = xml::parse_document(&doc_text, &left)?;
            // Less the frame's three (the document, the root, the section).
            let nodes = doc.descendants().count().saturating_sub(3);
            self.nodes.set(self.nodes.get().saturating_add(nodes));
            let section = doc
                .root_element()
                .first_element_child()
                .ok_or_else(|| Error::Xml(scap_xml::XmlError::new("empty chunk", line, column)))?;
            self.section(section, kind, out, invalid, parse)?;
        }
        Ok(())
    }

    fn document(
        &self,
        text: &str,
        outline: &Outline<'_>,
        root: Node<'_, '_>,
        tops: &[TopNode<'_, '_>],
    ) -> Result<Definitions, Error> {
        let mut generator = None;
        let (mut definitions, mut tests, mut objects, mut states, mut variables) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut invalid = Vec::new();
        let source = &mut Source {
            text,
            outline,
            cursor: LineCursor::new(text),
        };
        for (section, top) in tops.iter().filter(|(n, _)| is_core(*n)) {
            let section = *section;
            match name(section) {
                "generator" => generator = Some(self.generator(section)),
                "definitions" => {
                    definitions.reserve(self.ids.definitions.len());
                    self.chunks(
                        source,
                        top,
                        ElementKind::Definition,
                        &mut definitions,
                        &mut invalid,
                        Self::definition,
                    )?;
                }
                "tests" => {
                    tests.reserve(self.ids.tests.len());
                    self.chunks(
                        source,
                        top,
                        ElementKind::Test,
                        &mut tests,
                        &mut invalid,
                        Self::test,
                    )?;
                }
                "objects" => {
                    objects.reserve(self.ids.objects.len());
                    self.chunks(
                        source,
                        top,
                        ElementKind::Object,
                        &mut objects,
                        &mut invalid,
                        Self::object,
                    )?;
                }
                "states" => {
                    states.reserve(self.ids.states.len());
                    self.chunks(
                        source,
                        top,
                        ElementKind::State,
                        &mut states,
                        &mut invalid,
                        Self::state,
                    )?;
                }
                "variables" => {
                    variables.reserve(self.ids.variables.len());
                    self.chunks(
                        source,
                        top,
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
