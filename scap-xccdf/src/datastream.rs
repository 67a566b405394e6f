//! SCAP source data streams (SCAP 1.2 and 1.3, NIST SP 800-126 section 3): an owned index over
//! a parsed `data-stream-collection` that finds components by id and resolves check hrefs
//! through the checklists' OASIS XML catalogs, without copying the component contents.
//!
//! The collection is parsed once with roxmltree; [`DataStreamCollection`] stores
//! [`roxmltree::NodeId`]s, so each crate parses the component it needs (an OVAL
//! `oval_definitions`, a CPE `cpe-list`, an XCCDF `Benchmark`) from the same [`Document`].

use std::collections::HashMap;

use roxmltree::{Document, Node, NodeId};

use crate::error::{Error, Location, Result};
use crate::model::Benchmark;
use crate::xml::{self, CATALOG, CPE_DICT, DS, OCIL, OVAL_DEFS, ParseOptions, XLINK};

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
    /// The `ds:component` element.
    pub node: NodeId,
    /// Its content's root element, if any.
    pub content: Option<NodeId>,
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
}

impl DataStreamCollection {
    /// Indexes a document whose root is a `ds:data-stream-collection`.
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
    /// let doc = roxmltree::Document::parse(src).unwrap();
    /// let dsc = scap_xccdf::DataStreamCollection::from_document(&doc).unwrap();
    /// let ds = dsc.data_stream(None).unwrap();
    /// let checklist = ds.checklist(None).unwrap();
    /// let oval = dsc.resolve_href(ds, checklist, "o.xml").unwrap();
    /// assert_eq!(oval.id, "comp-o");
    /// let node = dsc.component_node(&doc, &oval.id).unwrap();
    /// assert_eq!(node.tag_name().name(), "oval_definitions");
    /// ```
    pub fn from_document(doc: &Document<'_>) -> Result<Self> {
        Self::from_node(doc.root_element())
    }

    /// Indexes a `ds:data-stream-collection` element.
    pub fn from_node(root: Node<'_, '_>) -> Result<Self> {
        if !root.has_tag_name((DS, "data-stream-collection")) {
            return Err(Error::UnexpectedRoot {
                location: Location::of(root),
                found: xml::expanded(root),
                expected: "a source data stream collection",
            });
        }
        let mut dsc = DataStreamCollection {
            id: root.attribute("id").unwrap_or("").to_string(),
            schematron_version: xml::opt_attr(root, "schematron-version"),
            data_streams: Vec::new(),
            components: Vec::new(),
            by_id: HashMap::new(),
        };
        for c in root
            .children()
            .filter(|c| c.is_element() && c.tag_name().namespace() == Some(DS))
        {
            match c.tag_name().name() {
                "data-stream" => {
                    let ds = data_stream(c)?;
                    if dsc.data_streams.iter().any(|d| d.id == ds.id) {
                        return Err(Error::DuplicateId {
                            location: Location::of(c),
                            kind: "data-stream",
                            id: ds.id,
                        });
                    }
                    dsc.data_streams.push(ds);
                }
                name @ ("component" | "extended-component") => {
                    let id = xml::req_attr(c, "id")?.to_string();
                    if dsc.by_id.contains_key(&id) {
                        return Err(Error::DuplicateId {
                            location: Location::of(c),
                            kind: "component",
                            id,
                        });
                    }
                    let content = c.children().find(Node::is_element);
                    let kind = content.map_or(ComponentKind::Other(String::new()), kind_of);
                    dsc.by_id.insert(id.clone(), dsc.components.len());
                    dsc.components.push(Component {
                        id,
                        timestamp: xml::opt_attr(c, "timestamp"),
                        extended: name == "extended-component",
                        kind,
                        node: c.id(),
                        content: content.map(|n| n.id()),
                    });
                }
                _ => {}
            }
        }
        Ok(dsc)
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

    /// The root element of a component's content (e.g. `oval_definitions`, `cpe-list`,
    /// `Benchmark`) in `doc`, the document this index was built from.
    pub fn component_node<'a, 'i>(
        &self,
        doc: &'a Document<'i>,
        component_id: &str,
    ) -> Option<Node<'a, 'i>> {
        let c = self.component(component_id)?;
        let n = doc.get_node(c.content?)?;
        // Guard against a document other than the indexed one.
        let parent = n.parent()?;
        (parent.id() == c.node && parent.attribute("id") == Some(component_id)).then_some(n)
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
    /// Parses the checklist's XCCDF Benchmark from `doc`.
    pub fn benchmark(&self, doc: &Document<'_>, opts: &ParseOptions) -> Result<Benchmark> {
        let node = self
            .collection
            .component_node(doc, &self.component.id)
            .ok_or_else(|| Error::NotFound {
                kind: "checklist component content",
                id: self.component.id.clone(),
            })?;
        Benchmark::from_node(node, opts)
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

fn kind_of(n: Node<'_, '_>) -> ComponentKind {
    let name = n.tag_name().name();
    match (n.tag_name().namespace(), name) {
        (Some(xml::XCCDF_1_2 | xml::XCCDF_1_1), "Benchmark") => ComponentKind::XccdfBenchmark,
        (Some(xml::XCCDF_1_2 | xml::XCCDF_1_1), "Tailoring") => ComponentKind::XccdfTailoring,
        (Some(OVAL_DEFS), "oval_definitions") => ComponentKind::OvalDefinitions,
        (Some(OCIL), "ocil") => ComponentKind::Ocil,
        (Some(CPE_DICT), "cpe-list") => ComponentKind::CpeDictionary,
        _ => ComponentKind::Other(xml::expanded(n)),
    }
}

fn data_stream(node: Node<'_, '_>) -> Result<DataStream> {
    let mut ds = DataStream {
        id: xml::req_attr(node, "id")?.to_string(),
        scap_version: node.attribute("scap-version").unwrap_or("").to_string(),
        use_case: node.attribute("use-case").unwrap_or("").to_string(),
        timestamp: xml::opt_attr(node, "timestamp"),
        dictionaries: Vec::new(),
        checklists: Vec::new(),
        checks: Vec::new(),
        extended_components: Vec::new(),
    };
    for section in node
        .children()
        .filter(|c| c.is_element() && c.tag_name().namespace() == Some(DS))
    {
        let list = match section.tag_name().name() {
            "dictionaries" => &mut ds.dictionaries,
            "checklists" => &mut ds.checklists,
            "checks" => &mut ds.checks,
            "extended-components" => &mut ds.extended_components,
            _ => continue,
        };
        for r in xml::children(section, DS, "component-ref") {
            let id = xml::req_attr(r, "id")?.to_string();
            let href = r
                .attribute((XLINK, "href"))
                .ok_or_else(|| Error::MissingAttribute {
                    location: Location::of(r),
                    element: "component-ref".into(),
                    attribute: "xlink:href",
                })?
                .to_string();
            let mut catalog = Vec::new();
            for cat in xml::children(r, CATALOG, "catalog") {
                for u in xml::children(cat, CATALOG, "uri") {
                    catalog.push(CatalogEntry {
                        name: xml::req_attr(u, "name")?.to_string(),
                        uri: xml::req_attr(u, "uri")?.to_string(),
                    });
                }
            }
            list.push(ComponentRef { id, href, catalog });
        }
    }
    Ok(ds)
}
