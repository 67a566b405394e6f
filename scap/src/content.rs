//! [`Content`]: what to scan with, parsed once into owned models.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use scap_oval::Definitions;
use scap_xccdf::input::{Input, InputKind, InputOptions};
use scap_xccdf::{ComponentKind, ParseOptions, Policy, Source, Tailoring};

use crate::error::{Error, Result};
use crate::warning::Warning;

/// How to open content: the choices `oscap xccdf eval` takes as options.
///
/// ```
/// let mut options = scap::OpenOptions::default();
/// options.input.datastream_id = Some("scap_org.open-scap_datastream_from_xccdf_ssg-chromium-xccdf.xml".into());
/// assert!(options.tailoring_file.is_none());
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct OpenOptions {
    /// Which data stream, checklist, benchmark and tailoring component; CPE dictionaries and
    /// check files to add; where remote components are found (see
    /// [`scap_xccdf::input::InputOptions`]).
    pub input: InputOptions,
    /// A tailoring file (`--tailoring-file`).
    pub tailoring_file: Option<PathBuf>,
}

/// The OVAL definitions of one component, or why they did not load.
pub type OvalComponent = Arc<std::result::Result<Definitions, scap_oval::Error>>;

/// Content to scan with: a SCAP source data stream, a standalone XCCDF benchmark (composed into
/// a data stream with the check files it names, as oscap does) or an XCCDF tailoring file (with
/// the benchmark it names). Opening reads the file, indexes the data stream in one streaming
/// pass, parses each component it keeps once, alone (no tree of the whole file is built), and
/// keeps owned models only: the resolved benchmark and data stream index
/// ([`Content::source`]), the tailoring, every OVAL component's definitions, the CPE
/// dictionaries and SCE scripts. A `Content` is cheap to
/// clone (shared) and `Send + Sync`: one can serve many scans, on any thread.
///
/// ```
/// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/ds/ssg-chromium-ds.xml");
/// let content = scap::Content::open(path)?;
/// assert_eq!(content.benchmark().id, "xccdf_org.ssgproject.content_benchmark_CHROMIUM");
/// assert_eq!(content.oval_components().count(), 2); // the checks and the CPE checks
/// # Ok::<(), scap::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Content {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    name: String,
    kind: InputKind,
    path: PathBuf,
    text: String,
    composed: bool,
    source: Source,
    tailoring: Option<Tailoring>,
    ovals: BTreeMap<String, OvalComponent>,
    notes: Vec<String>,
}

impl Content {
    /// Opens the content at `path` with default [`OpenOptions`].
    pub fn open(path: impl AsRef<Path>) -> Result<Content> {
        Content::open_with(path, &OpenOptions::default())
    }

    /// Opens the content at `path`: reads it (and the files a benchmark or tailoring names),
    /// parses it once and builds the models.
    pub fn open_with(path: impl AsRef<Path>, options: &OpenOptions) -> Result<Content> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let parse = ParseOptions::default();
        let input = Input::load(path, &options.input, &parse).map_err(|source| Error::Content {
            name: name.clone(),
            source,
        })?;
        Content::build(name, input, options)
    }

    /// Content from text in memory; `name` is what results call it (the benchmark href) and
    /// where relative check files are looked up.
    ///
    /// ```
    /// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/ds/ssg-chromium-ds.xml")).unwrap();
    /// let content = scap::Content::from_text(&text, "ssg-chromium-ds.xml", &Default::default())?;
    /// assert_eq!(content.name(), "ssg-chromium-ds.xml");
    /// # Ok::<(), scap::Error>(())
    /// ```
    pub fn from_text(text: &str, name: &str, options: &OpenOptions) -> Result<Content> {
        let parse = ParseOptions::default();
        let input =
            Input::from_text(text, Path::new(name), &options.input, &parse).map_err(|source| {
                Error::Content {
                    name: name.to_string(),
                    source,
                }
            })?;
        Content::build(name.to_string(), input, options)
    }

    fn build(given: String, input: Input, options: &OpenOptions) -> Result<Content> {
        let parse = ParseOptions::default();
        let name = match input.kind {
            // A tailoring's results name the benchmark it tailors.
            InputKind::Tailoring => input.benchmark_path.display().to_string(),
            _ => given,
        };
        let content_error = |source| Error::Content {
            name: name.clone(),
            source,
        };
        // The data stream was indexed once by `Input` (a streaming pass, no tree of the
        // whole file); each component below is parsed once, alone, from its fragment.
        let source = input
            .source(&options.input, &parse)
            .map_err(content_error)?;
        let tailoring = match (&options.tailoring_file, &options.input.tailoring_id) {
            (Some(p), _) => {
                let text =
                    scap_xccdf::input::read_file(p, parse.max_input_bytes).map_err(|source| {
                        Error::Tailoring {
                            path: p.clone(),
                            source,
                        }
                    })?;
                Some(
                    Tailoring::parse_str(&text, &parse).map_err(|source| Error::Tailoring {
                        path: p.clone(),
                        source,
                    })?,
                )
            }
            (None, Some(id)) => Some(
                scap_xccdf::input::tailoring_component(&input.text, &source, id, &parse)
                    .map_err(content_error)?,
            ),
            (None, None) => input.tailoring.clone(),
        };
        // Every OVAL component, parsed now from its fragment of the text: nothing after this
        // needs the XML (a component that does not load, malformed XML included, errors the
        // rules that use it, not the content).
        let mut ovals = BTreeMap::new();
        if let Some(collection) = &source.collection {
            for component in &collection.components {
                if component.kind != ComponentKind::OvalDefinitions {
                    continue;
                }
                let Some(fragment) = &component.fragment else {
                    continue;
                };
                let defs = Definitions::parse_fragment(
                    &input.text,
                    fragment,
                    &scap_oval::Limits::default(),
                );
                ovals.insert(component.id.clone(), Arc::new(defs));
            }
        }
        Ok(Content {
            inner: Arc::new(Inner {
                name,
                kind: input.kind,
                path: input.benchmark_path,
                text: input.text,
                composed: input.composed,
                source,
                tailoring,
                ovals,
                notes: input.notes,
            }),
        })
    }

    /// What results call this content (the `benchmark href`): its path as given, or for a
    /// tailoring file the benchmark it tailors.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// What the input file was.
    pub fn kind(&self) -> InputKind {
        self.inner.kind
    }

    /// The data stream or benchmark file read (for a tailoring, the benchmark it names).
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// The source data stream as scanned (composed from a standalone benchmark, or with
    /// external components inlined, where [`Content::composed`]): what an ARF report carries.
    pub fn text(&self) -> &str {
        &self.inner.text
    }

    /// Whether [`Content::text`] is not the file as read.
    pub fn composed(&self) -> bool {
        self.inner.composed
    }

    /// The benchmark, its data stream index, CPE dictionaries and scripts.
    pub fn source(&self) -> &Source {
        &self.inner.source
    }

    /// The resolved XCCDF benchmark.
    pub fn benchmark(&self) -> &scap_xccdf::Benchmark {
        &self.inner.source.benchmark
    }

    /// The tailoring: the input file itself, `--tailoring-file` or `--tailoring-id`.
    pub fn tailoring(&self) -> Option<&Tailoring> {
        self.inner.tailoring.as_ref()
    }

    /// The OVAL definitions of a component, by component id.
    pub fn oval(&self, component_id: &str) -> Option<&OvalComponent> {
        self.inner.ovals.get(component_id)
    }

    /// Every OVAL component: id and definitions (or why they did not load).
    pub fn oval_components(&self) -> impl Iterator<Item = (&str, &OvalComponent)> {
        self.inner.ovals.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// What loading noticed and tolerated, each located: files the content names that could
    /// not be used, CPE dictionaries that did not parse, platforms nothing can resolve (so
    /// what needs them is `notapplicable`: this one [affects results](Warning::affects_results)),
    /// OVAL components that did not load, and every schema deviation the OVAL parser tolerated.
    pub fn warnings(&self) -> Vec<Warning> {
        let mut out: Vec<Warning> = self
            .inner
            .notes
            .iter()
            .chain(&self.inner.source.warnings)
            // Their effect is warned about where it happens: a check href of a selected rule
            // that cannot be resolved (`Scan::run`), a platform that cannot be resolved (below).
            .map(|w| Warning::new(w.clone(), false))
            .collect();
        let unresolved = scap_xccdf::input::unresolved_platforms(&self.inner.source);
        if !unresolved.is_empty() {
            let many = unresolved.len() > 1;
            out.push(Warning::new(
                format!(
                    "platform{} {} cannot be resolved (no CPE dictionary or platform definition{}): what needs {} is notapplicable",
                    if many { "s" } else { "" },
                    unresolved.join(", "),
                    if self.inner.kind == InputKind::DataStream {
                        ""
                    } else {
                        "; give one with --cpe FILE"
                    },
                    if many { "them" } else { "it" },
                ),
                true,
            ));
        }
        for (id, defs) in &self.inner.ovals {
            match &**defs {
                Ok(d) => out.extend(
                    d.warnings
                        .iter()
                        .map(|w| Warning::new(format!("{}: {id}: {w}", self.inner.name), false)),
                ),
                // The rules that use it come out `error`, which decides the exit status.
                Err(e) => out.push(Warning::new(format!("OVAL component {id}: {e}"), false)),
            }
        }
        out
    }

    /// The profile id `name` names: a full id, a unique suffix of one (tailoring profiles
    /// first, as oscap) or `(all)`.
    pub fn profile_id(&self, name: &str) -> Result<String> {
        scap_xccdf::find_profile_id(self.benchmark(), self.tailoring(), name).map_err(|source| {
            Error::Profile {
                name: name.to_string(),
                source,
            }
        })
    }

    /// The rule selection and values of a profile (`None`: the benchmark's defaults).
    pub fn policy(&self, profile_id: Option<&str>) -> Result<Policy> {
        Policy::new(self.benchmark(), self.tailoring(), profile_id).map_err(|source| {
            Error::Content {
                name: self.name().to_string(),
                source,
            }
        })
    }
}
