//! The whole loading flow: a source data stream collection (indexed in one streaming pass,
//! then only its checklist's benchmark and dictionaries parsed) or a standalone XCCDF
//! Benchmark, to a resolved [`Benchmark`] plus what is needed to find its check and
//! dictionary components.

use std::collections::BTreeMap;

use crate::datastream::{Component, ComponentKind, ComponentRef, DataStreamCollection, Selection};
use crate::error::{Error, Location, Result};
use crate::model::Benchmark;
use crate::xml::{self, ParseOptions};

/// A loaded benchmark and, for a data stream, the index and the chosen data stream/checklist.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Source {
    /// The data stream index (`None` for a standalone XCCDF file).
    pub collection: Option<DataStreamCollection>,
    /// The chosen data stream id.
    pub data_stream_id: Option<String>,
    /// The chosen checklist component-ref id.
    pub checklist_ref_id: Option<String>,
    /// The benchmark, resolved (`extends`, abstract items removed).
    pub benchmark: Benchmark,
    /// The data stream's CPE dictionaries, parsed on load, each with the id of its
    /// component-ref (whose catalog resolves the dictionary's check hrefs: see
    /// [`Source::resolve_dictionary_href`]). A dictionary that does not parse is left out with
    /// a warning in [`Source::warnings`], as oscap warns and goes on.
    pub dictionaries: Vec<(String, scap_cpe::Dictionary)>,
    /// The benchmark's embedded `cpe2:platform-specification`, parsed on load (rules and groups
    /// name its platforms as `platform idref="#id"`).
    pub platform_specification: Option<scap_cpe::PlatformSpecification>,
    /// The scripts the data stream carries (`ds:extended-component`s holding an SCE
    /// `script`), by component id: what [`SceScripts::from_source`](crate::sce::SceScripts::from_source)
    /// runs.
    pub scripts: BTreeMap<String, String>,
    /// What loading tolerated, located (`component ...: ...`).
    pub warnings: Vec<String>,
}

impl Source {
    /// Loads from `text`: a `ds:data-stream-collection` (choosing the data stream and
    /// checklist like oscap `--datastream-id` / `--xccdf-id`, first ones by default) or an
    /// XCCDF `Benchmark`. Of a data stream only the collection's index, the checklist's
    /// benchmark, the CPE dictionaries and SCE scripts are read; other components are
    /// parsed by whoever needs them, from their [`Component::fragment`].
    ///
    /// ```
    /// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ds/ssg-chromium-ds.xml"))?;
    /// let opts = scap_xccdf::ParseOptions::default();
    /// let src = scap_xccdf::Source::parse_str(&text, None, None, &opts)?;
    /// let policy = scap_xccdf::Policy::new(&src.benchmark, None, None)?;
    /// for rule in policy.selected_rules() {
    ///     for check in rule.checks() {
    ///         for r in &check.content_refs {
    ///             let component = src.resolve_check_href(&r.href)?;
    ///             assert_eq!(component.kind, scap_xccdf::ComponentKind::OvalDefinitions);
    ///         }
    ///     }
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn parse_str(
        text: &str,
        datastream_id: Option<&str>,
        xccdf_id: Option<&str>,
        opts: &ParseOptions,
    ) -> Result<Source> {
        if crate::input::root_name(text) == Some("data-stream-collection") {
            let collection = DataStreamCollection::parse_str(text, opts)?;
            return Source::from_collection(text, collection, datastream_id, xccdf_id, opts);
        }
        let mut benchmark = Benchmark::parse_str(text, opts)?;
        benchmark.resolve(text)?;
        let mut source = Source {
            collection: None,
            data_stream_id: None,
            checklist_ref_id: None,
            benchmark,
            dictionaries: Vec::new(),
            platform_specification: None,
            scripts: BTreeMap::new(),
            warnings: Vec::new(),
        };
        source.load_components(text, opts)?;
        Ok(source)
    }

    /// [`Source::parse_str`] of a data stream already indexed: `collection` is the index of
    /// `text`.
    pub fn from_collection(
        text: &str,
        collection: DataStreamCollection,
        datastream_id: Option<&str>,
        xccdf_id: Option<&str>,
        opts: &ParseOptions,
    ) -> Result<Source> {
        let sel = collection.select(datastream_id, xccdf_id)?;
        let mut benchmark = sel.benchmark(text, opts)?;
        benchmark.resolve(text)?;
        let data_stream_id = Some(sel.data_stream.id.clone());
        let checklist_ref_id = Some(sel.checklist.id.clone());
        let mut source = Source {
            collection: Some(collection),
            data_stream_id,
            checklist_ref_id,
            benchmark,
            dictionaries: Vec::new(),
            platform_specification: None,
            scripts: BTreeMap::new(),
            warnings: Vec::new(),
        };
        source.load_components(text, opts)?;
        Ok(source)
    }

    /// Reads what evaluation needs from the other components of `text`, so that nothing
    /// after loading needs the text: the CPE dictionaries, the platform specification and
    /// the SCE scripts.
    fn load_components(&mut self, text: &str, opts: &ParseOptions) -> Result<()> {
        self.platform_specification = match &self.benchmark.platform_specification_fragment {
            None => None,
            Some(f) => Some(scap_cpe::PlatformSpecification::parse_fragment(text, f)?),
        };
        let mut dictionaries = Vec::new();
        let mut warnings = Vec::new();
        for (cref, component) in self.dictionary_components() {
            let Some(fragment) = &component.fragment else {
                continue;
            };
            if component.kind != ComponentKind::CpeDictionary {
                continue;
            }
            match scap_cpe::Dictionary::parse_fragment(text, fragment) {
                Ok(d) => dictionaries.push((cref.id.clone(), d)),
                Err(e) => {
                    let (line, column) = scap_xml::line_column(text, fragment.range.start);
                    warnings.push(format!(
                        "CPE dictionary {} ({}): {e}; its platforms are unavailable",
                        cref.id,
                        Location { line, column }
                    ));
                }
            }
        }
        self.dictionaries = dictionaries;
        self.warnings.extend(warnings);
        let script = format!("{{{}}}script", crate::sce::SCE_STREAM_NS);
        if let Some(c) = &self.collection {
            for component in &c.components {
                let (ComponentKind::Other(kind), Some(fragment)) =
                    (&component.kind, &component.fragment)
                else {
                    continue;
                };
                if *kind == script {
                    let body =
                        opts.parse_fragment(text, fragment, |node, _, _| Ok(xml::text_of(node)))?;
                    self.scripts.insert(component.id.clone(), body);
                }
            }
        }
        Ok(())
    }

    /// The data stream selection (`None` for a standalone benchmark).
    pub fn selection(&self) -> Option<Selection<'_>> {
        let c = self.collection.as_ref()?;
        c.select(
            self.data_stream_id.as_deref(),
            self.checklist_ref_id.as_deref(),
        )
        .ok()
    }

    /// Resolves a check-content-ref `href` to its component in the data stream. For a
    /// standalone benchmark this is [`Error::NotFound`]: the href is a file name relative to
    /// the benchmark file, for the caller to open.
    pub fn resolve_check_href(&self, href: &str) -> Result<&Component> {
        match self.selection() {
            Some(sel) => sel.resolve_check_href(href),
            None => Err(Error::NotFound {
                kind: "check component (standalone benchmark)",
                id: href.to_string(),
            }),
        }
    }

    /// The name the content calls a component by: the first catalog entry of the checklist,
    /// then of the dictionaries, that leads to it (`ssg-debian11-oval.xml`), else its id. oscap
    /// names `--oval-results` files after it (`NAME.result.xml`).
    pub fn component_name(&self, component_id: &str) -> String {
        let (Some(coll), Some(sel)) = (self.collection.as_ref(), self.selection()) else {
            return component_id.to_string();
        };
        let refs = std::iter::once(sel.checklist).chain(&sel.data_stream.dictionaries);
        for from in refs {
            for e in &from.catalog {
                let hit = coll
                    .resolve_href(sel.data_stream, from, &e.name)
                    .is_ok_and(|c| c.id == component_id);
                if hit {
                    return e.name.clone();
                }
            }
        }
        component_id.to_string()
    }

    /// The data stream's dictionary component-refs with their components.
    fn dictionary_components(&self) -> Vec<(&ComponentRef, &Component)> {
        let Some(sel) = self.selection() else {
            return Vec::new();
        };
        sel.dictionaries().collect()
    }

    /// The component-ref of the data stream with this id (a dictionary's, for
    /// [`Source::resolve_dictionary_href`]).
    pub fn component_ref(&self, id: &str) -> Option<&ComponentRef> {
        self.selection()?.data_stream.component_ref(id)
    }

    /// Resolves an href written inside a dictionary (the CPE dictionary's `check href`, e.g.
    /// `ssg-debian11-cpe-oval.xml`) through that dictionary's catalog.
    pub fn resolve_dictionary_href(
        &self,
        dictionary: &ComponentRef,
        href: &str,
    ) -> Result<&Component> {
        match (self.collection.as_ref(), self.selection()) {
            (Some(c), Some(sel)) => c.resolve_href(sel.data_stream, dictionary, href),
            _ => Err(Error::NotFound {
                kind: "dictionary component",
                id: href.to_string(),
            }),
        }
    }
}
