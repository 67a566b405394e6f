//! The input file of a scan, as `oscap xccdf eval INPUT_FILE` takes it, turned into one source
//! data stream text, indexed once ([`crate::DataStreamCollection::parse_str`]), that
//! [`Input::source`] reads:
//!
//! - a **source data stream** is used as it is, except that component-refs whose `xlink:href`
//!   is not local (`file:x.xml`, `x.xml`, or a URL found in [`InputOptions::local_files`] by its
//!   last path segment) get their file inlined as a component, the href pointing at it;
//! - a standalone **XCCDF benchmark** is composed into a data stream with the files its checks
//!   name (relative to it) and the CPE dictionaries given ([`InputOptions::cpe`], with the OVAL
//!   files their checks name, relative to the dictionary), as `oscap ds sds-compose` would and
//!   as oscap does in memory for an ARF; the component ids are oscap's
//!   (`scap_org.open-scap_comp_NAME`), so the ARF looks like oscap's;
//! - an **XCCDF tailoring** file: its `benchmark href` (relative to the tailoring file) is loaded
//!   as above and the tailoring is kept ([`Input::tailoring`]).
//!
//! Files are read only when they are regular files no larger than
//! [`ParseOptions::max_input_bytes`]; nothing is downloaded. A file that cannot be read is a
//! note ([`Input::notes`]), not an error: the checks that need it are `notchecked`, as in oscap.
//!
//! [`unresolved_platforms`] says which platforms can never apply for want of a CPE dictionary
//! or platform specification (a standalone SSG benchmark without `--cpe` is all
//! `notapplicable`, in oscap too).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use roxmltree::{Document, Node};

use crate::datastream::{ComponentKind, DataStreamCollection};
use crate::error::{Error, Location, Result};
use crate::source::Source;
use crate::tailoring::Tailoring;
use crate::xml::{self, CPE_DICT, DS, ParseOptions, XLINK};

/// The Script Check Engine's check system.
const SCE_SYSTEM: &str = "http://open-scap.org/page/SCE";

/// oscap's prefix of the ids it gives composed components (`scap_org.open-scap_comp_NAME`).
const COMP_PREFIX: &str = "scap_org.open-scap_comp_";
/// ... and component-refs.
const CREF_PREFIX: &str = "scap_org.open-scap_cref_";

/// What to add to the input and how to choose in it (oscap `xccdf eval` options).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct InputOptions {
    /// `--datastream-id`.
    pub datastream_id: Option<String>,
    /// `--xccdf-id`: a checklist component-ref id.
    pub xccdf_id: Option<String>,
    /// `--benchmark-id`: the `Benchmark@id` of a checklist (when no `--xccdf-id` is given).
    pub benchmark_id: Option<String>,
    /// `--tailoring-id`: a tailoring component (or component-ref) id in the data stream.
    pub tailoring_id: Option<String>,
    /// `--cpe`: CPE dictionaries for a standalone benchmark.
    pub cpe: Vec<PathBuf>,
    /// `--local-files`: where a remote component is found, by the last segment of its URL.
    pub local_files: Option<PathBuf>,
    /// OVAL files given after the input (oscap `xccdf eval INPUT [oval-definitions-files]`):
    /// a check href whose file name is one of these names uses it.
    pub check_files: Vec<PathBuf>,
}

/// What the input file was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum InputKind {
    /// A source data stream collection.
    DataStream,
    /// A standalone XCCDF benchmark (composed into a data stream).
    Benchmark,
    /// An XCCDF tailoring file; [`Input::benchmark_path`] is what it tailors.
    Tailoring,
}

/// A loaded input: one source data stream text, and what was found on the way.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Input {
    /// The kind of the file given.
    pub kind: InputKind,
    /// The data stream or benchmark file read (for a tailoring, the benchmark it names).
    pub benchmark_path: PathBuf,
    /// A source data stream collection (composed or completed when [`Input::composed`]).
    pub text: String,
    /// True when `text` is not the file as read.
    pub composed: bool,
    /// The tailoring file given as the input.
    pub tailoring: Option<Tailoring>,
    /// Files named by the content that could not be used, and why.
    pub notes: Vec<String>,
    /// The index of `text`.
    collection: DataStreamCollection,
}

impl Input {
    /// Reads `path` (data stream, benchmark or tailoring) and what it names.
    ///
    /// ```
    /// use scap_xccdf::input::{Input, InputKind, InputOptions};
    /// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/xccdf/input");
    /// let input = Input::load(format!("{dir}/benchmark-with-oval.xml").as_ref(),
    ///     &InputOptions::default(), &Default::default())?;
    /// assert_eq!(input.kind, InputKind::Benchmark);
    /// let opts = scap_xccdf::ParseOptions::default();
    /// let source = input.source(&InputOptions::default(), &opts)?;
    /// let oval = source.resolve_check_href("checks-oval.xml")?;
    /// assert_eq!(oval.id, "scap_org.open-scap_comp_checks-oval.xml");
    /// # Ok::<(), scap_xccdf::Error>(())
    /// ```
    pub fn load(path: &Path, opts: &InputOptions, parse: &ParseOptions) -> Result<Input> {
        let text = read_limited(path, parse)?;
        Input::from_cow(std::borrow::Cow::Owned(text), path, opts, parse)
    }

    /// [`Input::load`] of a document already in memory; `path` is where it would be (what
    /// relative hrefs are resolved against, and the name in messages).
    ///
    /// ```
    /// use scap_xccdf::input::{Input, InputKind, InputOptions};
    /// let text = r#"<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2" id="xccdf_x_benchmark_b">
    ///   <Rule id="xccdf_x_rule_a"/></Benchmark>"#;
    /// let input = Input::from_text(text, "in-memory.xml".as_ref(), &InputOptions::default(),
    ///     &Default::default())?;
    /// assert_eq!(input.kind, InputKind::Benchmark);
    /// assert!(input.text.contains("<ds:data-stream-collection"));
    /// # Ok::<(), scap_xccdf::Error>(())
    /// ```
    pub fn from_text(
        text: &str,
        path: &Path,
        opts: &InputOptions,
        parse: &ParseOptions,
    ) -> Result<Input> {
        Input::from_cow(std::borrow::Cow::Borrowed(text), path, opts, parse)
    }

    /// [`Input::from_text`], keeping the text without a copy when it is owned and kept as is
    /// (a data stream read from a file: a copy of several megabytes otherwise).
    fn from_cow(
        given: std::borrow::Cow<'_, str>,
        path: &Path,
        opts: &InputOptions,
        parse: &ParseOptions,
    ) -> Result<Input> {
        let text: &str = &given;
        let mut notes = Vec::new();
        if root_name(text) == Some("data-stream-collection") {
            // A data stream is indexed, never parsed whole: its components are parsed by
            // whoever needs them.
            let collection =
                DataStreamCollection::parse_str(text, parse).map_err(|e| in_file(path, e))?;
            let completed = complete_data_stream(&collection, text, path, opts, parse, &mut notes)
                .map_err(|e| in_file(path, e))?;
            let composed = completed.is_some();
            let (text, collection) = match completed {
                Some(text) => {
                    let collection = DataStreamCollection::parse_str(&text, parse)
                        .map_err(|e| in_file(path, e))?;
                    (text, collection)
                }
                None => (given.into_owned(), collection),
            };
            return Ok(Input {
                kind: InputKind::DataStream,
                benchmark_path: path.to_path_buf(),
                composed,
                text,
                tailoring: None,
                notes,
                collection,
            });
        }
        let doc = parse.parse_document(text).map_err(|e| in_file(path, e))?;
        let root = doc.root_element();
        match (
            crate::parse::xccdf_version(root).is_some(),
            root.tag_name().name(),
        ) {
            (true, "Benchmark") => {
                let text = compose_benchmark(&doc, path, opts, parse, &mut notes)?;
                let collection = DataStreamCollection::parse_str(&text, parse)?;
                Ok(Input {
                    kind: InputKind::Benchmark,
                    benchmark_path: path.to_path_buf(),
                    text,
                    composed: true,
                    tailoring: None,
                    notes,
                    collection,
                })
            }
            (true, "Tailoring") => {
                let tailoring = Tailoring::from_node(root, parse, crate::xml::Shift::default())
                    .map_err(|e| in_file(path, e))?;
                let href = tailoring
                    .benchmark_href
                    .clone()
                    .ok_or_else(|| Error::NotFound {
                        kind: "benchmark href of the tailoring file",
                        id: path.display().to_string(),
                    })?;
                let bench = local_path(&href, path).ok_or_else(|| Error::RemoteComponent {
                    href: href.clone(),
                    url: href.clone(),
                })?;
                let inner = Input::load(&bench, opts, parse)?;
                if inner.kind == InputKind::Tailoring {
                    return Err(Error::UnexpectedRoot {
                        location: Location::default(),
                        found: format!("{} (a tailoring)", bench.display()),
                        expected: "a data stream or benchmark as a tailoring's benchmark",
                    });
                }
                Ok(Input {
                    kind: InputKind::Tailoring,
                    tailoring: Some(tailoring),
                    ..inner
                })
            }
            _ => Err(in_file(
                path,
                Error::UnexpectedRoot {
                    location: Location::of(root),
                    found: xml::expanded(root),
                    expected: "a source data stream, an XCCDF benchmark or an XCCDF tailoring",
                },
            )),
        }
    }

    /// The [`Source`] of [`Input::text`]: the data stream and checklist of `--datastream-id`
    /// and `--xccdf-id`, or the checklist whose benchmark has the id `--benchmark-id`.
    pub fn source(&self, opts: &InputOptions, parse: &ParseOptions) -> Result<Source> {
        let coll = &self.collection;
        let mut xccdf_id = opts.xccdf_id.clone();
        if let (None, Some(bid)) = (&xccdf_id, &opts.benchmark_id) {
            let ds = coll.data_stream(opts.datastream_id.as_deref())?;
            let cref = ds.checklists.iter().find(|r| {
                coll.referenced_component(r)
                    .is_ok_and(|c| c.content_id.as_deref() == Some(bid.as_str()))
            });
            let cref = cref.ok_or_else(|| Error::NotFound {
                kind: "checklist with the benchmark id",
                id: bid.clone(),
            })?;
            xccdf_id = Some(cref.id.clone());
        }
        Source::from_collection(
            &self.text,
            coll.clone(),
            opts.datastream_id.as_deref(),
            xccdf_id.as_deref(),
            parse,
        )
    }

    /// The index of [`Input::text`].
    pub fn collection(&self) -> &DataStreamCollection {
        &self.collection
    }
}

/// The local name of a document's root element, found without parsing the document (to
/// choose how to read it): the first tag after the prolog (XML declaration, comments,
/// processing instructions, DOCTYPE). `None` when there is none.
///
/// ```
/// let text = "<?xml version=\"1.0\"?>\n<!-- <Benchmark> -->\n<ds:data-stream-collection xmlns:ds=\"x\">";
/// assert_eq!(scap_xccdf::input::root_name(text), Some("data-stream-collection"));
/// assert_eq!(scap_xccdf::input::root_name("no markup"), None);
/// ```
pub fn root_name(text: &str) -> Option<&str> {
    let mut rest = text;
    loop {
        let i = rest.find('<')?;
        rest = rest.get(i..)?;
        let skip_to = if rest.starts_with("<!--") {
            "-->"
        } else if rest.starts_with("<?") {
            "?>"
        } else if rest.starts_with("<!") {
            ">"
        } else {
            let name = rest
                .get(1..)?
                .split(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .next()?;
            return Some(name.rsplit(':').next().unwrap_or(name));
        };
        let end = rest.find(skip_to)?;
        rest = rest.get(end + skip_to.len()..)?;
    }
}

/// The tailoring component `id` (a component id, or a component-ref id of the chosen data
/// stream) of `text`, the data stream `source` was loaded from (oscap `--tailoring-id`).
pub fn tailoring_component(
    text: &str,
    source: &Source,
    id: &str,
    parse: &ParseOptions,
) -> Result<Tailoring> {
    let not_found = || Error::NotFound {
        kind: "tailoring component",
        id: id.to_string(),
    };
    let coll = source.collection.as_ref().ok_or_else(not_found)?;
    let component_id = match source
        .selection()
        .and_then(|s| s.data_stream.component_ref(id))
    {
        Some(cref) => coll.referenced_component(cref)?.id.clone(),
        None => id.to_string(),
    };
    let component = coll.component(&component_id).ok_or_else(not_found)?;
    if component.kind != ComponentKind::XccdfTailoring {
        return Err(Error::NotFound {
            kind: "tailoring component (the component holds something else)",
            id: id.to_string(),
        });
    }
    let fragment = component.fragment.as_ref().ok_or_else(not_found)?;
    Tailoring::parse_fragment(text, fragment, parse)
}

/// The platforms of the benchmark, its groups and rules that cannot apply whatever the target:
/// a CPE name when the data stream has no CPE dictionary, a `#id` the benchmark's platform
/// specification does not define. Each is listed once.
pub fn unresolved_platforms(source: &Source) -> Vec<String> {
    let has_dictionary = !source.dictionaries.is_empty();
    let spec_ids: Vec<String> = source
        .platform_specification
        .as_ref()
        .map(|s| s.platforms.iter().map(|p| p.id.clone()).collect())
        .unwrap_or_default();
    let mut all: Vec<&String> = source.benchmark.platforms.iter().collect();
    let mut stack: Vec<&crate::model::Item> = source.benchmark.items.iter().collect();
    while let Some(item) = stack.pop() {
        all.extend(&item.common().platforms);
        if let crate::model::Item::Group(g) = item {
            stack.extend(&g.items);
        }
    }
    let mut out: Vec<String> = Vec::new();
    for p in all {
        let unresolved = match p.strip_prefix('#') {
            Some(id) => !spec_ids.iter().any(|s| s == id),
            None => !has_dictionary && !spec_ids.iter().any(|s| s == p),
        };
        if unresolved && !out.contains(p) {
            out.push(p.clone());
        }
    }
    out
}

/// Names an error with the file it came from.
fn in_file(path: &Path, e: Error) -> Error {
    match e {
        Error::Io { .. } | Error::InFile { .. } => e,
        e => Error::InFile {
            path: path.display().to_string(),
            source: Box::new(e),
        },
    }
}

/// Reads a regular file of at most `parse.max_input_bytes`.
fn read_limited(path: &Path, parse: &ParseOptions) -> Result<String> {
    read_file(path, parse.max_input_bytes)
}

/// Reads an input file (content, tailoring, variables, an ARF) as UTF-8 text, refusing what
/// is not a regular file of at most `max_bytes`: the file is opened non-blocking (a FIFO or
/// device given, or swapped in, never blocks or streams without end), its type and size are
/// checked on the open descriptor before a byte is read, and the read itself stops past the
/// limit (a file that grows meanwhile is still refused).
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let p = dir.path().join("x.xml");
/// std::fs::write(&p, "<a/>")?;
/// assert_eq!(scap_xccdf::input::read_file(&p, 100)?, "<a/>");
/// assert!(matches!(scap_xccdf::input::read_file(&p, 2), Err(scap_xccdf::Error::InputTooLarge { .. })));
/// assert!(scap_xccdf::input::read_file(std::path::Path::new("/dev/zero"), 100).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_file(path: &Path, max_bytes: usize) -> Result<String> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let io = |source| Error::Io {
        path: path.display().to_string(),
        source,
    };
    let nonblock = rustix::fs::OFlags::NONBLOCK | rustix::fs::OFlags::NOCTTY;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(i32::try_from(nonblock.bits()).unwrap_or(0))
        .open(path)
        .map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(io(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        )));
    }
    let too_large = |size: usize| Error::InputTooLarge {
        size,
        limit: max_bytes,
    };
    let size = usize::try_from(meta.len()).unwrap_or(usize::MAX);
    if size > max_bytes {
        return Err(too_large(size));
    }
    let mut bytes = Vec::with_capacity(size);
    let limit = u64::try_from(max_bytes)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    file.take(limit).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() > max_bytes {
        return Err(too_large(bytes.len()));
    }
    String::from_utf8(bytes).map_err(|e| {
        io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("not UTF-8 (byte {})", e.utf8_error().valid_up_to()),
        ))
    })
}

/// The local file an href names, relative to the file `from` that holds it: `file:x` or a
/// plain relative path, resolved in `from`'s directory and required to stay there by name
/// (#17: a content file must not make the scanner read `/etc/passwd` or `../../secret`).
/// `None` for an absolute path, any `..` and a URL: those are found only by name in
/// `--local-files`, or not at all. A symbolic link inside the directory is followed: whoever
/// assembled the directory put it there (a tailoring next to a link to the data stream is a
/// common layout), and what it names is still read only as a regular file within the size
/// limit.
fn local_path(href: &str, from: &Path) -> Option<PathBuf> {
    let p = if let Some(rest) = href.strip_prefix("file:") {
        rest
    } else if href.contains("://") {
        return None;
    } else {
        href
    };
    let p = Path::new(p);
    if p.is_absolute() || p.components().any(|c| c == std::path::Component::ParentDir) {
        return None;
    }
    Some(from.parent().unwrap_or(Path::new("")).join(p))
}

/// The file an href of `from` names: a local path, else (a URL) its last segment in
/// `--local-files`; an OVAL file given on the command line wins by file name.
fn find_file(href: &str, from: &Path, opts: &InputOptions) -> Option<PathBuf> {
    let name = href.rsplit('/').next().unwrap_or(href);
    if let Some(f) = opts
        .check_files
        .iter()
        .find(|f| f.file_name().and_then(|n| n.to_str()) == Some(name))
    {
        return Some(f.clone());
    }
    match local_path(href, from) {
        Some(p) => Some(p),
        None => opts.local_files.as_ref().map(|d| d.join(name)),
    }
}

/// An NCName piece from an href, as oscap builds component ids (`/` becomes `--`).
fn id_part(href: &str) -> String {
    let mut out = String::with_capacity(href.len());
    for c in href.chars() {
        match c {
            '/' => out.push_str("--"),
            c if c.is_ascii_alphanumeric() || "-_.".contains(c) => out.push(c),
            _ => out.push('_'),
        }
    }
    out
}

/// XML attribute escaping.
fn attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;")
}

/// One file to become a component: its id and its root element's text.
struct Part {
    id: String,
    body: String,
    timestamp: Option<String>,
}

/// Reads a file into a [`Part`], or says why not in `notes`.
fn part(path: &Path, id: String, parse: &ParseOptions, notes: &mut Vec<String>) -> Option<Part> {
    let text = match read_limited(path, parse) {
        Ok(t) => t,
        Err(e) => {
            notes.push(e.to_string());
            return None;
        }
    };
    let range = match parse.parse_document(&text) {
        Ok(doc) => doc.root_element().range(),
        Err(e) => {
            notes.push(format!("{}: {e}", path.display()));
            return None;
        }
    };
    let timestamp = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .map(|t| {
            chrono::DateTime::<chrono::Local>::from(t)
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
        });
    Some(Part {
        id,
        body: text.get(range)?.to_string(),
        timestamp,
    })
}

fn component_xml(p: &Part) -> String {
    let ts = p
        .timestamp
        .as_deref()
        .map(|t| format!(" timestamp=\"{}\"", attr(t)))
        .unwrap_or_default();
    format!(
        "<ds:component id=\"{}\"{ts}>{}</ds:component>\n",
        attr(&p.id),
        p.body
    )
}

/// The component-ref's catalog: href name → component-ref id.
fn catalog_xml(entries: &BTreeMap<String, String>) -> String {
    if entries.is_empty() {
        return String::new();
    }
    let mut s = String::from("<cat:catalog>");
    for (name, cref) in entries {
        s.push_str(&format!(
            "<cat:uri name=\"{}\" uri=\"#{}\"/>",
            attr(name),
            attr(cref)
        ));
    }
    s.push_str("</cat:catalog>");
    s
}

/// Check files composed so far: resolved path → component-ref id, and their parts.
#[derive(Default)]
struct Checks {
    by_path: HashMap<PathBuf, String>,
    parts: Vec<Part>,
    /// Component and component-ref ids already used in the collection.
    taken: std::collections::HashSet<String>,
}

impl Checks {
    /// The component-ref id for the file `href` (written in `from`) names, reading it once.
    fn add(
        &mut self,
        href: &str,
        from: &Path,
        opts: &InputOptions,
        parse: &ParseOptions,
        notes: &mut Vec<String>,
    ) -> Option<String> {
        let path = find_file(href, from, opts);
        let Some(path) = path else {
            notes.push(format!(
                "{href} (named in {}) is remote: not fetched (give --local-files DIR)",
                from.display()
            ));
            return None;
        };
        let key = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        if let Some(cref) = self.by_path.get(&key) {
            return Some(cref.clone());
        }
        let mut name = id_part(href);
        while self.taken.contains(&format!("{COMP_PREFIX}{name}"))
            || self.taken.contains(&format!("{CREF_PREFIX}{name}"))
        {
            name.push('_');
        }
        let p = part(&path, format!("{COMP_PREFIX}{name}"), parse, notes)?;
        let cref = format!("{CREF_PREFIX}{name}");
        self.taken.insert(p.id.clone());
        self.taken.insert(cref.clone());
        self.parts.push(p);
        self.by_path.insert(key, cref.clone());
        Some(cref)
    }
}

const HEADER: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

/// A `--cpe` dictionary as a component: its component-ref id, its catalog (each check href to
/// the component-ref of the file it names, added to `checks`) and its part (`None`, with a
/// note, when it cannot be read). A file that is not a CPE dictionary is an error.
fn dictionary_part(
    dict: &Path,
    checks: &mut Checks,
    opts: &InputOptions,
    parse: &ParseOptions,
    notes: &mut Vec<String>,
) -> Result<(String, BTreeMap<String, String>, Option<Part>)> {
    let text = read_limited(dict, parse)?;
    let ddoc = parse.parse_document(&text).map_err(|e| in_file(dict, e))?;
    let droot = ddoc.root_element();
    if !droot.has_tag_name((CPE_DICT, "cpe-list")) {
        return Err(in_file(
            dict,
            Error::UnexpectedRoot {
                location: Location::of(droot),
                found: xml::expanded(droot),
                expected: "a CPE dictionary (cpe-list)",
            },
        ));
    }
    let mut catalog = BTreeMap::new();
    for c in droot
        .descendants()
        .filter(|c| c.has_tag_name((CPE_DICT, "check")))
    {
        if let Some(href) = c.attribute("href") {
            if let Some(cref) = checks.add(href, dict, opts, parse, notes) {
                catalog.insert(href.to_string(), cref);
            }
        }
    }
    let name = id_part(&dict.display().to_string());
    let p = part(dict, format!("{COMP_PREFIX}{name}"), parse, notes);
    Ok((format!("{CREF_PREFIX}{name}"), catalog, p))
}

/// A data stream made of a standalone benchmark, the check files it names and the CPE
/// dictionaries given.
fn compose_benchmark(
    doc: &Document<'_>,
    path: &Path,
    opts: &InputOptions,
    parse: &ParseOptions,
    notes: &mut Vec<String>,
) -> Result<String> {
    let root = doc.root_element();
    let mut checks = Checks::default();
    let mut checklist_catalog = BTreeMap::new();
    for n in root.descendants().filter(Node::is_element) {
        let name = n.tag_name().name();
        // The checks of an XCCDF 1.1 benchmark's embedded CPE list name check files too.
        let cpe_check = name == "check"
            && n.tag_name()
                .namespace()
                .is_some_and(|ns| ns.starts_with("http://cpe.mitre.org/dictionary/"));
        if name != "check-content-ref" && name != "check-fact-ref" && !cpe_check {
            continue;
        }
        let Some(href) = n.attribute("href") else {
            continue;
        };
        // Script Check Engine checks name scripts, not XML: they stay files beside the
        // benchmark, run from there.
        let system = n.parent().and_then(|c| c.attribute("system"));
        if system == Some(SCE_SYSTEM) || checklist_catalog.contains_key(href) {
            continue;
        }
        if let Some(cref) = checks.add(href, path, opts, parse, notes) {
            checklist_catalog.insert(href.to_string(), cref);
        }
    }
    let mut dictionaries = String::new();
    let mut dict_parts = Vec::new();
    for dict in &opts.cpe {
        let (cref, catalog, p) = dictionary_part(dict, &mut checks, opts, parse, notes)?;
        let Some(p) = p else { continue };
        dictionaries.push_str(&format!(
            "<ds:component-ref id=\"{}\" xlink:href=\"#{}\">{}</ds:component-ref>",
            attr(&cref),
            attr(&p.id),
            catalog_xml(&catalog)
        ));
        dict_parts.push(p);
    }
    let name = id_part(&path.display().to_string());
    let bench = Part {
        id: format!("{COMP_PREFIX}{name}"),
        body: doc
            .input_text()
            .get(root.range())
            .unwrap_or_default()
            .to_string(),
        timestamp: None,
    };
    let mut s = String::with_capacity(
        doc.input_text().len() + checks.parts.iter().map(|p| p.body.len()).sum::<usize>() + 4096,
    );
    s.push_str(HEADER);
    s.push_str(&format!(
        "<ds:data-stream-collection xmlns:ds=\"{DS}\" xmlns:xlink=\"{XLINK}\" xmlns:cat=\"{}\" \
         id=\"scap_org.open-scap_collection_from_xccdf_{n}\" schematron-version=\"1.3\">\n\
         <ds:data-stream id=\"scap_org.open-scap_datastream_from_xccdf_{n}\" scap-version=\"1.3\" \
         use-case=\"OTHER\">\n",
        xml::CATALOG,
        n = attr(&name)
    ));
    if !dictionaries.is_empty() {
        s.push_str(&format!(
            "<ds:dictionaries>{dictionaries}</ds:dictionaries>\n"
        ));
    }
    s.push_str(&format!(
        "<ds:checklists><ds:component-ref id=\"{CREF_PREFIX}{}\" xlink:href=\"#{}\">{}</ds:component-ref></ds:checklists>\n",
        attr(&name),
        attr(&bench.id),
        catalog_xml(&checklist_catalog)
    ));
    if !checks.parts.is_empty() {
        s.push_str("<ds:checks>");
        for p in &checks.parts {
            let cref = p.id.replacen(COMP_PREFIX, CREF_PREFIX, 1);
            s.push_str(&format!(
                "<ds:component-ref id=\"{}\" xlink:href=\"#{}\"/>",
                attr(&cref),
                attr(&p.id)
            ));
        }
        s.push_str("</ds:checks>\n");
    }
    s.push_str("</ds:data-stream>\n");
    for p in dict_parts
        .iter()
        .chain(std::iter::once(&bench))
        .chain(&checks.parts)
    {
        s.push_str(&component_xml(p));
    }
    s.push_str("</ds:data-stream-collection>\n");
    Ok(s)
}

/// A data stream whose non-local component-refs are made local: each file is appended as a
/// component and the ref's `xlink:href` points at it. `None` (nothing copied) when every ref is
/// local or nothing could be read. CPE dictionaries given are appended to the chosen data
/// stream's dictionaries. `coll` is the index of `text`.
fn complete_data_stream(
    coll: &DataStreamCollection,
    text: &str,
    path: &Path,
    opts: &InputOptions,
    parse: &ParseOptions,
    notes: &mut Vec<String>,
) -> Result<Option<String>> {
    // (byte range to replace, replacement), applied back to front.
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let mut parts: Vec<Part> = Vec::new();
    let mut by_path: HashMap<PathBuf, String> = HashMap::new();
    let existing: Vec<&str> = coll
        .data_streams
        .iter()
        .map(|d| d.id.as_str())
        .chain(coll.components.iter().map(|c| c.id.as_str()))
        .collect();
    let all_refs = || coll.data_streams.iter().flat_map(|d| d.component_refs());
    for r in all_refs() {
        let href = r.href.as_str();
        if href.starts_with('#') {
            continue;
        }
        let Some(file) = find_file(href, path, opts) else {
            notes.push(format!(
                "component-ref {} points to the remote {href}: not fetched (give --local-files DIR)",
                r.id
            ));
            continue;
        };
        let Some(range) = r.href_range.clone() else {
            continue;
        };
        let key = std::fs::canonicalize(&file).unwrap_or_else(|_| file.clone());
        let id = match by_path.get(&key) {
            Some(id) => id.clone(),
            None => {
                let mut id = format!("{COMP_PREFIX}{}", id_part(href));
                while existing.contains(&id.as_str()) || parts.iter().any(|p| p.id == id) {
                    id.push('_');
                }
                let Some(p) = part(&file, id.clone(), parse, notes) else {
                    continue;
                };
                parts.push(p);
                by_path.insert(key, id.clone());
                id
            }
        };
        edits.push((range, attr(&format!("#{id}"))));
    }
    let mut dict_refs = String::new();
    let mut dict_checks = Checks {
        taken: all_refs()
            .map(|r| r.id.clone())
            .chain(existing.iter().map(|id| id.to_string()))
            .chain(parts.iter().map(|p| p.id.clone()))
            .collect(),
        ..Checks::default()
    };
    for dict in &opts.cpe {
        let (cref, catalog, p) = dictionary_part(dict, &mut dict_checks, opts, parse, notes)?;
        let Some(mut p) = p else { continue };
        // Unique in this collection.
        while existing.contains(&p.id.as_str()) || parts.iter().any(|x| x.id == p.id) {
            p.id.push('_');
        }
        dict_refs.push_str(&format!(
            "<ds:component-ref id=\"{}\" xlink:href=\"#{}\">{}</ds:component-ref>",
            attr(&cref),
            attr(&p.id),
            catalog_xml(&catalog)
        ));
        parts.push(p);
    }
    // The dictionaries' check files, and their component-refs beside the dictionaries.
    for p in &dict_checks.parts {
        dict_refs.push_str(&format!(
            "<ds:component-ref id=\"{}\" xlink:href=\"#{}\"/>",
            attr(&p.id.replacen(COMP_PREFIX, CREF_PREFIX, 1)),
            attr(&p.id)
        ));
    }
    parts.append(&mut dict_checks.parts);
    if parts.is_empty() {
        return Ok(None);
    }
    if !dict_refs.is_empty() {
        let chosen = coll.data_stream(opts.datastream_id.as_deref())?;
        if let Some(end) = chosen.end_tag {
            edits.push((
                end..end,
                format!("<ds:dictionaries xmlns:ds=\"{DS}\" xmlns:xlink=\"{XLINK}\">{dict_refs}</ds:dictionaries>"),
            ));
        }
    }
    let Some(end) = coll.end_tag else {
        return Ok(None);
    };
    let mut added = String::new();
    for p in &parts {
        added.push_str(&component_xml(p).replacen(
            "<ds:component ",
            &format!("<ds:component xmlns:ds=\"{DS}\" "),
            1,
        ));
    }
    edits.push((end..end, added));
    edits.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
    let mut out = text.to_string();
    for (range, with) in edits {
        if out.get(range.clone()).is_some() {
            out.replace_range(range, &with);
        }
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixtures() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/xccdf/input")
    }

    fn fixture(name: &str) -> PathBuf {
        fixtures().join(name)
    }

    fn load(name: &str, opts: &InputOptions) -> (Input, Source) {
        let parse = ParseOptions::default();
        let input = Input::load(&fixture(name), opts, &parse).expect("input loads");
        let source = input.source(opts, &parse).expect("source");
        (input, source)
    }

    /// A FIFO or device as an input file is refused without blocking or reading without end
    /// (#17: a FIFO hung the scan, /dev/zero read 2.1 GB); an oversized file is refused before
    /// it is read.
    #[test]
    fn inputs_must_be_regular_files_within_the_limit() {
        let dir = tempfile::tempdir().expect("tempdir");
        let fifo = dir.path().join("ds.xml");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o644),
            0,
        )
        .expect("mkfifo");
        let parse = ParseOptions::default();
        let err = Input::load(&fifo, &InputOptions::default(), &parse).expect_err("a FIFO");
        assert!(err.to_string().contains("not a regular file"), "{err}");
        let err = read_file(Path::new("/dev/zero"), 1 << 20).expect_err("a device");
        assert!(err.to_string().contains("not a regular file"), "{err}");
        let big = dir.path().join("big.xml");
        std::fs::write(&big, vec![b' '; 4096]).expect("write");
        assert!(matches!(
            read_file(&big, 4095),
            Err(Error::InputTooLarge {
                size: 4096,
                limit: 4095
            })
        ));
        assert_eq!(read_file(&big, 4096).expect("fits").len(), 4096);
    }

    #[test]
    fn a_benchmark_is_composed_with_its_check_files_and_dictionary() {
        let opts = InputOptions {
            cpe: vec![fixture("cpe-dictionary.xml")],
            ..InputOptions::default()
        };
        let (input, source) = load("benchmark-with-oval.xml", &opts);
        assert_eq!(input.kind, InputKind::Benchmark);
        assert!(input.composed);
        // missing-oval.xml is named but absent: a note, not an error.
        assert_eq!(input.notes.len(), 1, "{:?}", input.notes);
        assert!(input.notes[0].contains("missing-oval.xml"));
        let c = source
            .resolve_check_href("checks-oval.xml")
            .expect("resolves");
        assert_eq!(c.kind, ComponentKind::OvalDefinitions);
        let dicts = &source.dictionaries;
        assert_eq!(dicts.len(), 1);
        let dict_ref = source
            .component_ref(&dicts[0].0)
            .expect("its component-ref");
        let cpe_oval = source
            .resolve_dictionary_href(dict_ref, "cpe-oval.xml")
            .expect("the dictionary's check file is a component");
        assert_eq!(cpe_oval.kind, ComponentKind::OvalDefinitions);
        assert!(unresolved_platforms(&source).is_empty());
    }

    #[test]
    fn without_a_dictionary_the_cpe_platform_is_unresolved() {
        let (_, source) = load("benchmark-with-oval.xml", &InputOptions::default());
        assert_eq!(unresolved_platforms(&source), ["cpe:/o:example:os:1"]);
    }

    #[test]
    fn a_tailoring_input_loads_its_benchmark() {
        let (input, source) = load("tailoring.xml", &InputOptions::default());
        assert_eq!(input.kind, InputKind::Tailoring);
        assert!(input.benchmark_path.ends_with("benchmark-with-oval.xml"));
        let t = input.tailoring.as_ref().expect("tailoring kept");
        let id = crate::find_profile_id(&source.benchmark, Some(t), "tailored").expect("found");
        assert_eq!(id, "xccdf_t_profile_tailored");
    }

    #[test]
    fn external_component_refs_are_inlined() {
        let (input, source) = load("ds-external.xml", &InputOptions::default());
        assert!(input.composed);
        assert!(input.notes.is_empty(), "{:?}", input.notes);
        let c = source
            .resolve_check_href("checks-oval.xml")
            .expect("resolves");
        assert_eq!(c.kind, ComponentKind::OvalDefinitions);
        // The tailoring component of the same data stream.
        let parse = ParseOptions::default();
        let t = tailoring_component(&input.text, &source, "cref-tailoring", &parse).expect("found");
        assert_eq!(t.profiles[0].id, "xccdf_t_profile_tailored");
        assert!(tailoring_component(&input.text, &source, "cref-oval", &parse).is_err());
    }

    #[test]
    fn a_dictionary_is_added_to_a_data_stream() {
        let opts = InputOptions {
            cpe: vec![fixture("cpe-dictionary.xml")],
            ..InputOptions::default()
        };
        let (_, source) = load("ds-external.xml", &opts);
        let dicts = &source.dictionaries;
        assert_eq!(dicts.len(), 1);
        let dict_ref = source
            .component_ref(&dicts[0].0)
            .expect("its component-ref");
        let c = source
            .resolve_dictionary_href(dict_ref, "cpe-oval.xml")
            .expect("the dictionary's check file is a component");
        assert_eq!(c.kind, ComponentKind::OvalDefinitions);
        // The data stream's own component still resolves.
        assert!(source.resolve_check_href("checks-oval.xml").is_ok());
    }

    #[test]
    fn benchmark_id_picks_the_checklist() {
        let opts = InputOptions {
            benchmark_id: Some("xccdf_t_benchmark_b".into()),
            ..InputOptions::default()
        };
        let (_, source) = load("ds-external.xml", &opts);
        assert_eq!(source.benchmark.id, "xccdf_t_benchmark_b");
        let opts = InputOptions {
            benchmark_id: Some("xccdf_t_benchmark_nope".into()),
            ..InputOptions::default()
        };
        let parse = ParseOptions::default();
        let input = Input::load(&fixture("ds-external.xml"), &opts, &parse).expect("loads");
        assert!(matches!(
            input.source(&opts, &parse),
            Err(Error::NotFound { .. })
        ));
    }

    #[test]
    fn a_remote_component_comes_from_local_files_or_is_a_note() {
        // ds-external.xml with its OVAL component-ref pointing at a URL instead of a file.
        let text = std::fs::read_to_string(fixture("ds-external.xml"))
            .expect("fixture")
            .replace(
                "file:checks-oval.xml",
                "https://example.invalid/feeds/checks-oval.xml",
            );
        let dir = std::env::temp_dir().join(format!("scap-xccdf-input-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let ds = dir.join("ds-remote.xml");
        std::fs::write(&ds, text).expect("written");
        let parse = ParseOptions::default();
        let none = Input::load(&ds, &InputOptions::default(), &parse).expect("loads");
        assert!(!none.composed);
        assert!(none.notes[0].contains("not fetched"), "{:?}", none.notes);
        let opts = InputOptions {
            local_files: Some(fixtures()),
            ..InputOptions::default()
        };
        let local = Input::load(&ds, &opts, &parse).expect("loads");
        let _ = std::fs::remove_dir_all(&dir);
        assert!(
            local.composed && local.notes.is_empty(),
            "{:?}",
            local.notes
        );
        let source = local.source(&opts, &parse).expect("source");
        let c = source
            .resolve_check_href("checks-oval.xml")
            .expect("resolves");
        assert_eq!(c.kind, ComponentKind::OvalDefinitions);
    }

    #[test]
    fn local_paths() {
        let from = Path::new("/c/ds.xml");
        assert_eq!(local_path("x.xml", from), Some(PathBuf::from("/c/x.xml")));
        assert_eq!(
            local_path("file:x.xml", from),
            Some(PathBuf::from("/c/x.xml"))
        );
        // Out of the content's directory: refused (found only by name in --local-files).
        assert_eq!(local_path("file:///a/x.xml", from), None);
        assert_eq!(local_path("/etc/passwd", from), None);
        assert_eq!(local_path("../x.xml", from), None);
        assert_eq!(local_path("sub/../../x.xml", from), None);
        assert_eq!(local_path("https://h/x.xml", from), None);

        assert_eq!(id_part("/a b/x.xml"), "--a_b--x.xml");
    }
}
