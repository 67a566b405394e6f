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
    /// Who vouches for a data stream's signature: trust anchors and keys (`--trust-anchors
    /// PEM`). Empty, a signature is checked with the key it carries, for integrity only.
    #[cfg(feature = "signatures")]
    pub trust: scap_dsig::Trust,
    /// Refuse a data stream that is not signed, or whose signature is not valid with a key
    /// [`OpenOptions::trust`] vouches for (`--enforce-signature`).
    #[cfg(feature = "signatures")]
    pub enforce_signature: bool,
    /// Do not verify a signature (`--skip-signature-validation`); conflicts with
    /// `enforce_signature`.
    #[cfg(feature = "signatures")]
    pub skip_signature: bool,
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
/// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ds/ssg-chromium-ds.xml");
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
    #[cfg(feature = "signatures")]
    signature: Option<scap_dsig::Verification>,
}

impl Content {
    /// Opens the content at `path` with default [`OpenOptions`].
    pub fn open(path: impl AsRef<Path>) -> Result<Content> {
        Content::open_with(path, &OpenOptions::default())
    }

    /// Opens the content at `path`: reads it (and the files a benchmark or tailoring names),
    /// parses it once and builds the models. OVAL components of 256 KiB or more together are
    /// parsed on a second thread, beside the benchmark.
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
    /// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ds/ssg-chromium-ds.xml")).unwrap();
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
        #[cfg(feature = "signatures")]
        let signature = verify_signature(&name, &input, options)?;
        // The data stream was indexed once by `Input` (a streaming pass, no tree of the
        // whole file); each component below is parsed once, alone, from its fragment. The OVAL
        // components are parsed on a second thread while this one parses the benchmark: the
        // two are independent, and together they are most of a one-profile scan's time.
        let (source, tailoring, ovals) = std::thread::scope(|scope| {
            let ovals = (oval_bytes(&input) >= PARALLEL_OVAL_BYTES)
                .then(|| scope.spawn(|| parse_ovals(&input)));
            let source = input.source(&options.input, &parse).map_err(content_error);
            let tailoring = source
                .as_ref()
                .ok()
                .map(|source| load_tailoring(&name, &input, source, options, &parse));
            let ovals = match ovals {
                // A panic in the parser is the parser's bug: raised here, as it would have been
                // on this thread.
                Some(handle) => handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                None => parse_ovals(&input),
            };
            (source, tailoring, ovals)
        });
        let source = source?;
        let tailoring = match tailoring {
            Some(t) => t?,
            None => None,
        };
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
                #[cfg(feature = "signatures")]
                signature,
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

    /// The data stream's signature as verified on opening (the text verified is the text
    /// parsed): `None` for a benchmark or tailoring file, or a data stream composed from one.
    ///
    /// ```
    /// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../scap-dsig/tests/fixtures/");
    /// let mut options = scap::OpenOptions::default();
    /// options.trust = scap::dsig::Trust::from_pem(&std::fs::read_to_string(format!("{dir}ca-root.pem"))?)?;
    /// options.enforce_signature = true;
    /// let content = scap::Content::open_with(format!("{dir}signed-by-id.xml"), &options)?;
    /// assert!(content.signature().is_some_and(|v| v.is_trusted()));
    ///
    /// // One byte changed after signing: refused, saying which component.
    /// let err = scap::Content::open_with(format!("{dir}tampered-byte-by-id.xml"), &options)
    ///     .unwrap_err();
    /// assert!(err.to_string().contains("digest of reference '#scap_t_comp_xccdf'"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "signatures")]
    pub fn signature(&self) -> Option<&scap_dsig::Verification> {
        self.inner.signature.as_ref()
    }

    /// What loading noticed and tolerated, each located: files the content names that could
    /// not be used, CPE dictionaries that did not parse, platforms nothing can resolve (so
    /// what needs them is `notapplicable`: this one [affects results](Warning::affects_results)),
    /// OVAL components that did not load, a data stream signature that is not trusted, and
    /// every schema deviation the OVAL parser tolerated.
    pub fn warnings(&self) -> Vec<Warning> {
        let mut out: Vec<Warning> = Vec::new();
        #[cfg(feature = "signatures")]
        if let Some(v) = &self.inner.signature {
            if !v.is_trusted() && *v != scap_dsig::Verification::Unsigned {
                out.push(Warning::new(
                    format!("{}: signature: {v}", self.inner.name),
                    false,
                ));
            }
        }
        out.extend(
            self.inner
                .notes
                .iter()
                .chain(&self.inner.source.warnings)
                // Their effect is warned about where it happens: a check href of a selected
                // rule that cannot be resolved (`Scan::run`), a platform that cannot be
                // resolved (below).
                .map(|w| Warning::new(w.clone(), false)),
        );
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

/// Verifies a source data stream's signature (the text as read, before parsing: the bytes
/// verified are the bytes evaluated), refusing what `enforce_signature` does not accept.
#[cfg(feature = "signatures")]
fn verify_signature(
    name: &str,
    input: &Input,
    options: &OpenOptions,
) -> Result<Option<scap_dsig::Verification>> {
    let refuse = |reason: String| Error::Signature {
        name: name.to_string(),
        reason,
    };
    if options.skip_signature {
        return if options.enforce_signature {
            Err(refuse(
                "skip_signature and enforce_signature both asked for".into(),
            ))
        } else {
            Ok(None)
        };
    }
    if input.kind != InputKind::DataStream || input.composed {
        return if options.enforce_signature {
            Err(refuse(
                "not a source data stream: only a data stream can carry a signature".into(),
            ))
        } else {
            Ok(None)
        };
    }
    // Verifying parses the whole document; one that never names the XML-DSig namespace has no
    // signature to find, so an unsigned data stream is still parsed once (and a component's own
    // XML error stays that component's, not the content's).
    let v = if input.text.contains(scap_dsig::DSIG) {
        scap_dsig::verify(&input.text, &options.trust).map_err(|e| refuse(e.to_string()))?
    } else {
        scap_dsig::Verification::Unsigned
    };
    if options.enforce_signature && !v.is_trusted() {
        let hint = match &v {
            scap_dsig::Verification::Valid(_) => {
                ": refused, nothing vouches for the key (give trust anchors or the key)"
            }
            _ => ": refused",
        };
        return Err(refuse(format!("{v}{hint}")));
    }
    Ok(Some(v))
}

/// OVAL components at least this large (their XML, together) are parsed on a thread of their
/// own while the benchmark is parsed; smaller ones are not worth a thread.
const PARALLEL_OVAL_BYTES: usize = 256 << 10;

/// The OVAL components of the data stream, with where each lies in its text.
fn oval_fragments(
    input: &Input,
) -> impl Iterator<Item = (&scap_xccdf::Component, &scap_oval::Fragment)> {
    input
        .collection()
        .components
        .iter()
        .filter(|c| c.kind == ComponentKind::OvalDefinitions)
        .filter_map(|c| Some((c, c.fragment.as_ref()?)))
}

/// The size of the OVAL components' XML.
fn oval_bytes(input: &Input) -> usize {
    oval_fragments(input).map(|(_, f)| f.range.len()).sum()
}

/// Every OVAL component, parsed from its fragment of the text: nothing after this needs the
/// XML (a component that does not load, malformed XML included, errors the rules that use it,
/// not the content).
fn parse_ovals(input: &Input) -> BTreeMap<String, OvalComponent> {
    oval_fragments(input)
        .map(|(component, fragment)| {
            let defs =
                Definitions::parse_fragment(&input.text, fragment, &scap_oval::Limits::default());
            (component.id.clone(), Arc::new(defs))
        })
        .collect()
}

/// The tailoring: `--tailoring-file`, `--tailoring-id`, or the input itself (content `name`
/// for errors).
fn load_tailoring(
    name: &str,
    input: &Input,
    source: &Source,
    options: &OpenOptions,
    parse: &ParseOptions,
) -> Result<Option<Tailoring>> {
    match (&options.tailoring_file, &options.input.tailoring_id) {
        (Some(p), _) => {
            let in_file = |source| Error::Tailoring {
                path: p.clone(),
                source,
            };
            let text = scap_xccdf::input::read_file(p, parse.max_input_bytes).map_err(in_file)?;
            Tailoring::parse_str(&text, parse)
                .map(Some)
                .map_err(in_file)
        }
        (None, Some(id)) => scap_xccdf::input::tailoring_component(&input.text, source, id, parse)
            .map(Some)
            .map_err(|source| Error::Content {
                name: name.to_owned(),
                source,
            }),
        (None, None) => Ok(input.tailoring.clone()),
    }
}
