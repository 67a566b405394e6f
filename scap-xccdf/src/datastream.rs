//! SCAP source data streams (SCAP 1.2 and 1.3, NIST SP 800-126 section 3): an owned index of
//! a `data-stream-collection` that finds components by id and resolves check hrefs through the
//! checklists' OASIS XML catalogs, without parsing or copying the component contents.
//!
//! [`DataStreamCollection::parse_str`] reads the collection in one streaming pass (quick-xml;
//! DTDs refused, [`ParseOptions::max_input_bytes`] applied): the data streams, their
//! component-refs and catalogs are read into the index; of each component only where its
//! content lies is recorded, as a [`Fragment`] (the byte range of its root element and the
//! namespaces the collection and the `ds:component` declare there). Each crate then parses the
//! components it needs from the same text, once, with positions of the whole file:
//! [`Benchmark::parse_fragment`], `scap_oval::Definitions::parse_fragment`,
//! `scap_cpe::Dictionary::parse_fragment`. No tree of the whole file is ever built.
//!
//! The content of a component nobody parses is checked only as far as the streaming pass
//! needs (tags balanced and named alike, attributes well formed); a component that is parsed
//! is checked by its parser as a standalone document would be.

use std::collections::HashMap;
use std::ops::Range;

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;
use scap_xml::{Fragment, Namespace, XmlError};

use crate::error::{Error, Location, Result};
use crate::model::Benchmark;
use crate::xml::{CATALOG, CPE_DICT, DS, OCIL, OVAL_DEFS, ParseOptions, XLINK};

/// What a component holds, from the namespace and name of its root element.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ComponentKind {
    /// An XCCDF 1.2 or 1.1 `Benchmark`.
    XccdfBenchmark,
    /// An XCCDF `Tailoring`.
    XccdfTailoring,
    /// OVAL `oval_definitions`.
    OvalDefinitions,
    /// OCIL `ocil`.
    Ocil,
    /// CPE 2.x dictionary `cpe-list`.
    CpeDictionary,
    /// Anything else: `{namespace}name` of the root element (empty if the component is empty).
    Other(String),
}

/// A `component` or `extended-component`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Component {
    /// `id`.
    pub id: String,
    /// `timestamp`.
    pub timestamp: Option<String>,
    /// True for an `extended-component`.
    pub extended: bool,
    /// Kind of content.
    pub kind: ComponentKind,
    /// Where the component's content (its root element: `Benchmark`, `oval_definitions`,
    /// `cpe-list`...) lies in the indexed text, with the namespaces it inherits; `None` for an
    /// empty component. What the `parse_fragment` functions read.
    pub fragment: Option<Fragment>,
    /// The `id` attribute of the content's root element (a `Benchmark@id`: oscap
    /// `--benchmark-id` picks a checklist by it).
    pub content_id: Option<String>,
}

/// A `cat:uri` catalog entry: `name` (as used in check hrefs) maps to `uri` (`#component-ref-id`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CatalogEntry {
    /// `name`, e.g. `ssg-debian11-oval.xml`.
    pub name: String,
    /// `uri`, e.g. `#scap_org.open-scap_cref_ssg-debian11-oval.xml`.
    pub uri: String,
}

/// A `component-ref`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ComponentRef {
    /// `id`.
    pub id: String,
    /// `xlink:href`, e.g. `#scap_org.open-scap_comp_ssg-debian11-oval.xml`.
    pub href: String,
    /// Its `cat:catalog` entries.
    pub catalog: Vec<CatalogEntry>,
    /// Where the `xlink:href` value is written in the indexed text (to point it elsewhere).
    pub(crate) href_range: Option<Range<usize>>,
}

impl ComponentRef {
    /// The component id this ref points to (`href` without the leading `#`), if it is a local
    /// reference.
    pub fn component_id(&self) -> Option<&str> {
        self.href.strip_prefix('#')
    }
}

/// A `data-stream`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DataStream {
    /// `id`.
    pub id: String,
    /// `scap-version` ("1.2", "1.3").
    pub scap_version: String,
    /// `use-case` (CONFIGURATION, VULNERABILITY, INVENTORY, OTHER).
    pub use_case: String,
    /// `timestamp`.
    pub timestamp: Option<String>,
    /// `dictionaries/component-ref`s.
    pub dictionaries: Vec<ComponentRef>,
    /// `checklists/component-ref`s.
    pub checklists: Vec<ComponentRef>,
    /// `checks/component-ref`s.
    pub checks: Vec<ComponentRef>,
    /// `extended-components/component-ref`s.
    pub extended_components: Vec<ComponentRef>,
    /// Where its end tag starts in the indexed text (`None` for an empty element).
    pub(crate) end_tag: Option<usize>,
}

impl DataStream {
    /// All component-refs of this data stream (dictionaries, checklists, checks, extended).
    pub fn component_refs(&self) -> impl Iterator<Item = &ComponentRef> {
        self.dictionaries
            .iter()
            .chain(&self.checklists)
            .chain(&self.checks)
            .chain(&self.extended_components)
    }

    /// The component-ref with this id.
    pub fn component_ref(&self, id: &str) -> Option<&ComponentRef> {
        self.component_refs().find(|r| r.id == id)
    }

    /// The checklist component-ref with id `xccdf_id`, or the first checklist (oscap's
    /// `--xccdf-id` default).
    pub fn checklist(&self, xccdf_id: Option<&str>) -> Result<&ComponentRef> {
        match xccdf_id {
            Some(id) => {
                self.checklists
                    .iter()
                    .find(|r| r.id == id)
                    .ok_or_else(|| Error::NotFound {
                        kind: "checklist component-ref",
                        id: id.to_string(),
                    })
            }
            None => self
                .checklists
                .first()
                .ok_or(Error::Empty("the data stream has no checklist")),
        }
    }
}

/// An owned index of a `data-stream-collection`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DataStreamCollection {
    /// `id`.
    pub id: String,
    /// `schematron-version`.
    pub schematron_version: Option<String>,
    /// The data streams in document order.
    pub data_streams: Vec<DataStream>,
    /// `component`s and `extended-component`s in document order.
    pub components: Vec<Component>,
    by_id: HashMap<String, usize>,
    /// Where the collection's end tag starts in the indexed text (`None` when it is empty).
    pub(crate) end_tag: Option<usize>,
}

impl DataStreamCollection {
    /// Indexes the source data stream collection `text` in one streaming pass: data streams,
    /// component-refs and catalogs, and where each component's content lies
    /// ([`Component::fragment`]). Refuses DTDs and input larger than
    /// [`ParseOptions::max_input_bytes`]; errors name their line and column.
    ///
    /// ```
    /// let src = r##"<ds:data-stream-collection xmlns:ds="http://scap.nist.gov/schema/scap/source/1.2"
    ///     xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:cat="urn:oasis:names:tc:entity:xmlns:xml:catalog" id="c">
    ///   <ds:data-stream id="d" scap-version="1.3" use-case="OTHER">
    ///     <ds:checklists><ds:component-ref id="cref-x" xlink:href="#comp-x">
    ///       <cat:catalog><cat:uri name="o.xml" uri="#cref-o"/></cat:catalog></ds:component-ref></ds:checklists>
    ///     <ds:checks><ds:component-ref id="cref-o" xlink:href="#comp-o"/></ds:checks>
    ///   </ds:data-stream>
    ///   <ds:component id="comp-x"><Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2" id="b"/></ds:component>
    ///   <ds:component id="comp-o"><oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"/></ds:component>
    /// </ds:data-stream-collection>"##;
    /// let dsc = scap_xccdf::DataStreamCollection::parse_str(src, &Default::default())?;
    /// let ds = dsc.data_stream(None)?;
    /// let checklist = ds.checklist(None)?;
    /// let oval = dsc.resolve_href(ds, checklist, "o.xml")?;
    /// assert_eq!(oval.id, "comp-o");
    /// let fragment = oval.fragment.as_ref().unwrap();
    /// assert!(src[fragment.range.clone()].starts_with("<oval_definitions"));
    /// # Ok::<(), scap_xccdf::Error>(())
    /// ```
    pub fn parse_str(text: &str, opts: &ParseOptions) -> Result<Self> {
        if text.len() > opts.max_input_bytes {
            return Err(Error::InputTooLarge {
                size: text.len(),
                limit: opts.max_input_bytes,
            });
        }
        Indexer::new(text).collection()
    }

    /// The data stream with this id, or the first one (oscap's `--datastream-id` default).
    pub fn data_stream(&self, id: Option<&str>) -> Result<&DataStream> {
        match id {
            Some(id) => self
                .data_streams
                .iter()
                .find(|d| d.id == id)
                .ok_or_else(|| Error::NotFound {
                    kind: "data-stream",
                    id: id.to_string(),
                }),
            None => self
                .data_streams
                .first()
                .ok_or(Error::Empty("the collection has no data stream")),
        }
    }

    /// The component with this id.
    pub fn component(&self, id: &str) -> Option<&Component> {
        self.by_id.get(id).and_then(|&i| self.components.get(i))
    }

    /// The component a component-ref points to.
    pub fn referenced_component(&self, cref: &ComponentRef) -> Result<&Component> {
        cref.component_id()
            .and_then(|id| self.component(id))
            .ok_or_else(|| Error::NotFound {
                kind: "component",
                id: cref.href.clone(),
            })
    }

    /// Resolves a check `href` (as written in an XCCDF `check-content-ref` or a CPE dictionary
    /// `check`) the way oscap does: look `href` up in the catalog of `from` (the checklist or
    /// dictionary component-ref holding the reference), follow the catalog URI `#cref-id` to a
    /// component-ref of the data stream and then to its component. An href of the form
    /// `#component-ref-id` is followed directly.
    ///
    /// Errors: [`Error::NotFound`] when the href or the component is unknown,
    /// [`Error::RemoteComponent`] when the component-ref points to a remote URL or the href is
    /// itself a URL (`scheme://...`) that no catalog entry maps.
    pub fn resolve_href(
        &self,
        ds: &DataStream,
        from: &ComponentRef,
        href: &str,
    ) -> Result<&Component> {
        let target = match from.catalog.iter().find(|e| e.name == href) {
            Some(e) => e.uri.as_str(),
            None => href,
        };
        let not_found = || Error::NotFound {
            kind: "check href",
            id: href.to_string(),
        };
        if !target.starts_with('#') && target.contains("://") {
            // A URL with no component-ref (SSG's SCAP 1.2 RHEL data streams name Red Hat's
            // OVAL feed this way).
            return Err(Error::RemoteComponent {
                href: href.to_string(),
                url: target.to_string(),
            });
        }
        let cref_id = target.strip_prefix('#').ok_or_else(not_found)?;
        let cref = ds.component_ref(cref_id).ok_or_else(not_found)?;
        if cref.component_id().is_none() {
            return Err(Error::RemoteComponent {
                href: href.to_string(),
                url: cref.href.clone(),
            });
        }
        self.referenced_component(cref)
    }

    /// Selects a data stream and checklist (oscap `--datastream-id`, `--xccdf-id`; `None`
    /// takes the first of each).
    pub fn select(
        &self,
        datastream_id: Option<&str>,
        xccdf_id: Option<&str>,
    ) -> Result<Selection<'_>> {
        let data_stream = self.data_stream(datastream_id)?;
        let checklist = data_stream.checklist(xccdf_id)?;
        let component = self.referenced_component(checklist)?;
        Ok(Selection {
            collection: self,
            data_stream,
            checklist,
            component,
        })
    }
}

/// A chosen data stream and checklist: the starting point of an evaluation.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Selection<'c> {
    /// The collection.
    pub collection: &'c DataStreamCollection,
    /// The data stream.
    pub data_stream: &'c DataStream,
    /// The checklist component-ref.
    pub checklist: &'c ComponentRef,
    /// The checklist's component.
    pub component: &'c Component,
}

impl<'c> Selection<'c> {
    /// Parses the checklist's XCCDF Benchmark from `text`, the text the collection was
    /// indexed from.
    pub fn benchmark(&self, text: &str, opts: &ParseOptions) -> Result<Benchmark> {
        let fragment = self
            .component
            .fragment
            .as_ref()
            .ok_or_else(|| Error::NotFound {
                kind: "checklist component content",
                id: self.component.id.clone(),
            })?;
        Benchmark::parse_fragment(text, fragment, opts)
    }

    /// Resolves a check href of the benchmark through the checklist's catalog.
    pub fn resolve_check_href(&self, href: &str) -> Result<&'c Component> {
        self.collection
            .resolve_href(self.data_stream, self.checklist, href)
    }

    /// The components of the data stream's dictionaries (CPE dictionaries).
    pub fn dictionaries(&self) -> impl Iterator<Item = (&'c ComponentRef, &'c Component)> + 'c {
        let coll = self.collection;
        self.data_stream
            .dictionaries
            .iter()
            .filter_map(move |r| coll.referenced_component(r).ok().map(|c| (r, c)))
    }

    /// Resolves an href used by a dictionary (e.g. a CPE dictionary's `check href` naming the
    /// CPE OVAL file) through that dictionary's catalog.
    pub fn resolve_dictionary_href(
        &self,
        dictionary: &ComponentRef,
        href: &str,
    ) -> Result<&'c Component> {
        self.collection
            .resolve_href(self.data_stream, dictionary, href)
    }
}

/// An attribute of a start tag, as the index needs it.
struct Attr {
    /// The name as written (`xlink:href`, `xmlns:ds`).
    qname: String,
    /// The namespace it is in (`None` for an unprefixed attribute).
    namespace: Option<String>,
    /// Its local name.
    local: String,
    /// The value, entity and character references replaced.
    value: String,
    /// Where the value is written in the text (between the quotes).
    range: Option<Range<usize>>,
}

impl Attr {
    /// The namespace this attribute declares, if it is a declaration.
    fn declaration(&self) -> Option<Namespace> {
        if self.qname == "xmlns" {
            Some(Namespace::new(None, &self.value))
        } else {
            let prefix = self.qname.strip_prefix("xmlns:")?;
            Some(Namespace::new(Some(prefix), &self.value))
        }
    }
}

/// An unprefixed attribute's value.
fn attr<'a>(attrs: &'a [Attr], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|a| a.namespace.is_none() && a.qname == name)
        .map(|a| a.value.as_str())
}

/// The streaming pass of [`DataStreamCollection::parse_str`]. It walks the collection's own
/// elements (data streams, their component-refs and catalogs, the components' start and end
/// tags) and skips every component's content in one call, recording only its range.
struct Indexer<'i> {
    text: &'i str,
    reader: NsReader<&'i [u8]>,
}

/// A start tag read: the tag, where it starts, and whether it is empty (`<x/>`).
type Tag<'i> = (BytesStart<'i>, usize, bool);

impl<'i> Indexer<'i> {
    fn new(text: &'i str) -> Self {
        let mut reader = NsReader::from_str(text);
        let config = reader.config_mut();
        config.check_end_names = true;
        config.expand_empty_elements = false;
        Indexer { text, reader }
    }

    fn location(&self, offset: usize) -> Location {
        let (line, column) = scap_xml::line_column(self.text, offset);
        Location { line, column }
    }

    fn xml_error(&self, offset: usize, message: String) -> Error {
        let at = self.location(offset);
        Error::Xml(XmlError::new(message, at.line, at.column))
    }

    fn position(&self) -> usize {
        usize::try_from(self.reader.buffer_position()).unwrap_or(usize::MAX)
    }

    /// The next event and the offset where it starts. A DTD is refused: the content needs
    /// none, and entity expansion is where hostile XML does harm.
    fn next(&mut self) -> Result<(Event<'i>, usize)> {
        let at = self.position();
        match self.reader.read_event() {
            Ok(Event::DocType(_)) => Err(self.xml_error(at, "a DTD is not allowed".into())),
            Ok(e) => Ok((e, at)),
            Err(e) => {
                let at = usize::try_from(self.reader.error_position()).unwrap_or(at);
                Err(self.xml_error(at, e.to_string()))
            }
        }
    }

    /// The next child element of the element being read, or `None` at its end tag.
    fn next_child(&mut self) -> Result<Option<Tag<'i>>> {
        loop {
            match self.next()? {
                (Event::Start(e), at) => return Ok(Some((e, at, false))),
                (Event::Empty(e), at) => return Ok(Some((e, at, true))),
                (Event::End(_), _) => return Ok(None),
                (Event::Eof, at) => {
                    return Err(self.xml_error(at, "unexpected end of the document".into()));
                }
                _ => {}
            }
        }
    }

    /// Skips the content and end tag of `tag` (nothing for an empty one); returns where the
    /// element ends.
    fn skip(&mut self, (e, at, empty): &Tag<'i>) -> Result<usize> {
        if !*empty {
            if let Err(err) = self.reader.read_to_end(e.name()) {
                let at = usize::try_from(self.reader.error_position()).unwrap_or(*at);
                return Err(self.xml_error(at, err.to_string()));
            }
        }
        Ok(self.position())
    }

    /// Whether the element just read is `{ns}local`.
    fn is(&self, e: &BytesStart<'_>, ns: &str, local: &str) -> bool {
        let (resolved, name) = self.reader.resolver().resolve_element(e.name());
        name.as_ref() == local && matches!(resolved, ResolveResult::Bound(n) if n.as_ref() == ns)
    }

    /// `{namespace}local-name` of the element just read, for messages and
    /// [`ComponentKind::Other`].
    fn expanded(&self, e: &BytesStart<'_>) -> String {
        let (resolved, name) = self.reader.resolver().resolve_element(e.name());
        match resolved {
            ResolveResult::Bound(n) => format!("{{{}}}{}", n.as_ref(), name.as_ref()),
            _ => name.as_ref().to_string(),
        }
    }

    fn attributes(&self, (e, at, _): &Tag<'i>) -> Result<Vec<Attr>> {
        let mut out = Vec::new();
        for a in e.attributes().with_checks(true) {
            let a = a.map_err(|err| self.xml_error(*at, err.to_string()))?;
            let (resolved, local) = self.reader.resolver().resolve_attribute(a.key);
            let namespace = match resolved {
                ResolveResult::Bound(n) => Some(n.as_ref().to_string()),
                _ => None,
            };
            let value = a
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|err| self.xml_error(*at, err.to_string()))?
                .into_owned();
            out.push(Attr {
                qname: a.key.as_ref().to_string(),
                namespace,
                local: local.as_ref().to_string(),
                value,
                range: self.range_of(&a.value),
            });
        }
        Ok(out)
    }

    /// Where `slice` lies in the text, if it is a slice of it (the reader hands out borrowed
    /// values when nothing needed decoding, which is always the case for `&str` input).
    fn range_of(&self, slice: &str) -> Option<Range<usize>> {
        let base = self.text.as_ptr() as usize;
        let start = (slice.as_ptr() as usize).checked_sub(base)?;
        let range = start..start.checked_add(slice.len())?;
        (self.text.get(range.clone()) == Some(slice)).then_some(range)
    }

    fn required(&self, attrs: &[Attr], tag: &Tag<'i>, name: &'static str) -> Result<String> {
        match attr(attrs, name) {
            Some(v) => Ok(v.to_string()),
            None => Err(Error::MissingAttribute {
                location: self.location(tag.1),
                element: self.local_name(&tag.0),
                attribute: name,
            }),
        }
    }

    fn local_name(&self, e: &BytesStart<'_>) -> String {
        e.local_name().as_ref().to_string()
    }

    fn collection(mut self) -> Result<DataStreamCollection> {
        let root = loop {
            match self.next()? {
                (Event::Start(e), at) => break (e, at, false),
                (Event::Empty(e), at) => break (e, at, true),
                (Event::Eof, at) => {
                    return Err(self.xml_error(at, "the document has no root element".into()));
                }
                _ => {}
            }
        };
        if !self.is(&root.0, DS, "data-stream-collection") {
            return Err(Error::UnexpectedRoot {
                location: self.location(root.1),
                found: self.expanded(&root.0),
                expected: "a source data stream collection",
            });
        }
        let attrs = self.attributes(&root)?;
        let inherited: Vec<Namespace> = attrs.iter().filter_map(Attr::declaration).collect();
        let mut dsc = DataStreamCollection {
            id: attr(&attrs, "id").unwrap_or("").to_string(),
            schematron_version: attr(&attrs, "schematron-version").map(str::to_string),
            data_streams: Vec::new(),
            components: Vec::new(),
            by_id: HashMap::new(),
            end_tag: None,
        };
        if !root.2 {
            while let Some(tag) = self.next_child()? {
                if self.is(&tag.0, DS, "data-stream") {
                    let ds = self.data_stream(&tag)?;
                    if dsc.data_streams.iter().any(|d| d.id == ds.id) {
                        return Err(Error::DuplicateId {
                            location: self.location(tag.1),
                            kind: "data-stream",
                            id: ds.id,
                        });
                    }
                    dsc.data_streams.push(ds);
                } else if self.is(&tag.0, DS, "component")
                    || self.is(&tag.0, DS, "extended-component")
                {
                    let extended = self.is(&tag.0, DS, "extended-component");
                    let component = self.component(&tag, extended, &inherited)?;
                    if dsc.by_id.contains_key(&component.id) {
                        return Err(Error::DuplicateId {
                            location: self.location(tag.1),
                            kind: "component",
                            id: component.id,
                        });
                    }
                    dsc.by_id.insert(component.id.clone(), dsc.components.len());
                    dsc.components.push(component);
                } else {
                    self.skip(&tag)?;
                }
            }
            // `next_child` returned at the end tag, which starts where the reader was before it.
            dsc.end_tag = self.text.get(..self.position()).and_then(|t| t.rfind("</"));
        }
        // After the root: comments, processing instructions and white space only.
        loop {
            match self.next()? {
                (Event::Eof, _) => break,
                (Event::Start(_) | Event::Empty(_) | Event::End(_), at) => {
                    return Err(self.xml_error(at, "content after the root element".into()));
                }
                (Event::Text(t), at) if !t.as_ref().trim().is_empty() => {
                    return Err(self.xml_error(at, "text after the root element".into()));
                }
                _ => {}
            }
        }
        Ok(dsc)
    }

    /// A `ds:component` or `ds:extended-component`: its attributes and where its content's
    /// root element lies (the first child element; the schema allows one).
    fn component(
        &mut self,
        tag: &Tag<'i>,
        extended: bool,
        inherited: &[Namespace],
    ) -> Result<Component> {
        let attrs = self.attributes(tag)?;
        let id = self.required(&attrs, tag, "id")?;
        let mut kind = ComponentKind::Other(String::new());
        let mut fragment = None;
        let mut content_id = None;
        if !tag.2 {
            while let Some(child) = self.next_child()? {
                if fragment.is_some() {
                    self.skip(&child)?;
                    continue;
                }
                kind = self.kind_of(&child.0);
                content_id = attr(&self.attributes(&child)?, "id").map(str::to_string);
                let end = self.skip(&child)?;
                let mut namespaces = inherited.to_vec();
                namespaces.extend(attrs.iter().filter_map(Attr::declaration));
                fragment = Some(Fragment::new(child.1..end, namespaces));
            }
        }
        Ok(Component {
            id,
            timestamp: attr(&attrs, "timestamp").map(str::to_string),
            extended,
            kind,
            fragment,
            content_id,
        })
    }

    fn kind_of(&self, e: &BytesStart<'_>) -> ComponentKind {
        let is = |ns: &str, name: &str| self.is(e, ns, name);
        if is(crate::xml::XCCDF_1_2, "Benchmark") || is(crate::xml::XCCDF_1_1, "Benchmark") {
            ComponentKind::XccdfBenchmark
        } else if is(crate::xml::XCCDF_1_2, "Tailoring") || is(crate::xml::XCCDF_1_1, "Tailoring") {
            ComponentKind::XccdfTailoring
        } else if is(OVAL_DEFS, "oval_definitions") {
            ComponentKind::OvalDefinitions
        } else if is(OCIL, "ocil") {
            ComponentKind::Ocil
        } else if is(CPE_DICT, "cpe-list") {
            ComponentKind::CpeDictionary
        } else {
            ComponentKind::Other(self.expanded(e))
        }
    }

    /// A `ds:data-stream`: its attributes and the component-refs of its four sections.
    fn data_stream(&mut self, tag: &Tag<'i>) -> Result<DataStream> {
        let attrs = self.attributes(tag)?;
        let mut ds = DataStream {
            id: self.required(&attrs, tag, "id")?,
            scap_version: attr(&attrs, "scap-version").unwrap_or("").to_string(),
            use_case: attr(&attrs, "use-case").unwrap_or("").to_string(),
            timestamp: attr(&attrs, "timestamp").map(str::to_string),
            dictionaries: Vec::new(),
            checklists: Vec::new(),
            checks: Vec::new(),
            extended_components: Vec::new(),
            end_tag: None,
        };
        if tag.2 {
            return Ok(ds);
        }
        while let Some(section) = self.next_child()? {
            let list = if self.is(&section.0, DS, "dictionaries") {
                &mut ds.dictionaries
            } else if self.is(&section.0, DS, "checklists") {
                &mut ds.checklists
            } else if self.is(&section.0, DS, "checks") {
                &mut ds.checks
            } else if self.is(&section.0, DS, "extended-components") {
                &mut ds.extended_components
            } else {
                self.skip(&section)?;
                continue;
            };
            if !section.2 {
                self.component_refs(list)?;
            }
        }
        ds.end_tag = self.text.get(..self.position()).and_then(|t| t.rfind("</"));
        Ok(ds)
    }

    /// The `ds:component-ref`s of a section, with their catalogs.
    fn component_refs(&mut self, out: &mut Vec<ComponentRef>) -> Result<()> {
        while let Some(tag) = self.next_child()? {
            if !self.is(&tag.0, DS, "component-ref") {
                self.skip(&tag)?;
                continue;
            }
            let attrs = self.attributes(&tag)?;
            let id = self.required(&attrs, &tag, "id")?;
            let href = attrs
                .iter()
                .find(|a| a.namespace.as_deref() == Some(XLINK) && a.local == "href")
                .ok_or_else(|| Error::MissingAttribute {
                    location: self.location(tag.1),
                    element: "component-ref".into(),
                    attribute: "xlink:href",
                })?;
            let mut catalog = Vec::new();
            if !tag.2 {
                while let Some(cat) = self.next_child()? {
                    if self.is(&cat.0, CATALOG, "catalog") && !cat.2 {
                        self.catalog(&mut catalog)?;
                    } else {
                        self.skip(&cat)?;
                    }
                }
            }
            out.push(ComponentRef {
                id,
                href: href.value.clone(),
                catalog,
                href_range: href.range.clone(),
            });
        }
        Ok(())
    }

    /// The `cat:uri` entries of a `cat:catalog`.
    fn catalog(&mut self, out: &mut Vec<CatalogEntry>) -> Result<()> {
        while let Some(tag) = self.next_child()? {
            if self.is(&tag.0, CATALOG, "uri") {
                let attrs = self.attributes(&tag)?;
                out.push(CatalogEntry {
                    name: self.required(&attrs, &tag, "name")?,
                    uri: self.required(&attrs, &tag, "uri")?,
                });
            }
            self.skip(&tag)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(text: &str) -> Result<DataStreamCollection> {
        DataStreamCollection::parse_str(text, &ParseOptions::default())
    }

    const HEAD: &str = "<ds:data-stream-collection xmlns:ds=\"http://scap.nist.gov/schema/scap/source/1.2\" \
        xmlns:xlink=\"http://www.w3.org/1999/xlink\" id=\"c\">\n";

    #[test]
    fn a_fragment_inherits_the_declarations_of_the_collection_and_the_component() {
        let text = format!(
            "{HEAD}<ds:component id=\"x\" xmlns:o=\"urn:o\" xmlns:ds=\"{DS}\">\n  \
             <o:thing id=\"inner\"><o:deep/></o:thing>\n</ds:component></ds:data-stream-collection>"
        );
        let dsc = index(&text).unwrap();
        let c = dsc.component("x").unwrap();
        let f = c.fragment.as_ref().unwrap();
        assert_eq!(
            &text[f.range.clone()],
            "<o:thing id=\"inner\"><o:deep/></o:thing>"
        );
        let prefixes: Vec<Option<&str>> =
            f.namespaces.iter().map(|n| n.prefix.as_deref()).collect();
        assert_eq!(prefixes, [Some("ds"), Some("xlink"), Some("o"), Some("ds")]);
        assert_eq!(c.kind, ComponentKind::Other("{urn:o}thing".into()));
        assert_eq!(c.content_id.as_deref(), Some("inner"));
        assert!(
            dsc.end_tag
                .is_some_and(|e| text[e..].starts_with("</ds:data-stream-collection>"))
        );
    }

    #[test]
    fn errors_name_their_line_and_column() {
        // A component without an id, on line 2, column 1.
        let text = format!("{HEAD}<ds:component/></ds:data-stream-collection>");
        let err = index(&text).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("2:1: <component> lacks the required attribute id"),
            "{err}"
        );
        // A duplicate data stream id, on line 3.
        let text = format!(
            "{HEAD}<ds:data-stream id=\"d\"/>\n<ds:data-stream id=\"d\"/></ds:data-stream-collection>"
        );
        assert!(matches!(
            index(&text),
            Err(Error::DuplicateId {
                location: Location { line: 3, column: 1 },
                ..
            })
        ));
        // A component-ref without xlink:href.
        let text = format!(
            "{HEAD}<ds:data-stream id=\"d\"><ds:checks>\n  <ds:component-ref id=\"r\" href=\"#x\"/></ds:checks></ds:data-stream></ds:data-stream-collection>"
        );
        assert!(matches!(
            index(&text),
            Err(Error::MissingAttribute {
                location: Location { line: 3, column: 3 },
                attribute: "xlink:href",
                ..
            })
        ));
        // Not a data stream.
        let err = index("<?xml version=\"1.0\"?>\n<Benchmark xmlns=\"urn:b\"/>").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("2:1: unexpected root element <{urn:b}Benchmark>"),
            "{err}"
        );
        // Mismatched tags inside a component: the pass that skips it still sees them.
        let text = format!(
            "{HEAD}<ds:component id=\"x\"><a>\n<b></a></b></ds:component></ds:data-stream-collection>"
        );
        let Err(Error::Xml(e)) = index(&text) else {
            panic!("not an XML error")
        };
        assert_eq!(e.line, 3, "{e}");
    }

    #[test]
    fn dtds_and_oversized_input_are_refused() {
        let text = format!("<!DOCTYPE x [<!ENTITY e \"e\">]>\n{HEAD}</ds:data-stream-collection>");
        assert!(matches!(index(&text), Err(Error::Xml(e)) if e.message.contains("DTD")));
        let opts = ParseOptions {
            max_input_bytes: 10,
            ..ParseOptions::default()
        };
        assert!(matches!(
            DataStreamCollection::parse_str(HEAD, &opts),
            Err(Error::InputTooLarge { limit: 10, .. })
        ));
    }

    #[test]
    fn deep_content_is_skipped_without_recursion() {
        // 200 000 nested elements in a component: the index walks them with no stack growth
        // (the component's own parser applies its limits when it is parsed).
        let depth = 200_000;
        let mut text = format!("{HEAD}<ds:component id=\"x\">");
        text.push_str(&"<a>".repeat(depth));
        text.push_str(&"</a>".repeat(depth));
        text.push_str("</ds:component></ds:data-stream-collection>");
        let dsc = index(&text).unwrap();
        let f = dsc.component("x").unwrap().fragment.as_ref().unwrap();
        assert_eq!(f.range.len(), depth * 7);
    }

    #[test]
    fn truncated_or_trailing_input_is_an_error() {
        let text = format!("{HEAD}<ds:component id=\"x\"><a>");
        assert!(matches!(index(&text), Err(Error::Xml(_))));
        let text = format!("{HEAD}</ds:data-stream-collection><x/>");
        assert!(matches!(index(&text), Err(Error::Xml(_))));
        assert!(matches!(index(""), Err(Error::Xml(_))));
    }
}
