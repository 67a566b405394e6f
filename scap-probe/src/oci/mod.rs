//! [`OciImage`]: a container image scanned in place, without a daemon, without root and
//! without unpacking it to disk.
//!
//! Reads an OCI image layout (a directory with `oci-layout`, `index.json` and
//! `blobs/sha256/…`, or the same packed as a tar) and `docker save` / `podman save` archives
//! (`manifest.json` plus layer tars, the pre-25 format and the OCI-layout format of docker
//! 25+), as a directory or a tar. Implements OCI image-spec v1.1: `image-layout.md`,
//! `image-index.md` (nested indexes, platform selection), `manifest.md`, `descriptor.md`
//! (sha256 digests verified), `layer.md` (changesets, whiteouts `.wh.NAME`, opaque
//! directories `.wh..wh..opq`) and `config.md` (`Env`, `rootfs.diff_ids` verified).

mod error;
mod json;
mod limits;
mod source;
mod tarx;
mod tree;

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::io::{self, BufReader, Cursor, Read, Seek, SeekFrom};
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use error::OciError;
pub use limits::OciLimits;

use crate::error::{Error, Result};
use crate::facts::{ContainerInfo, Facts};
use crate::metadata::{DirEntry, FileType, Metadata, Timestamp};
use crate::resolve::{Follow, resolve};
use crate::target::Target;
use json::{Descriptor, DockerManifest, ImageConfig, IndexOrManifest};
use source::{Bounded, Compression, Hashing, Store, blob_path, decompress, digest_of, lock};
use tarx::{EntryKind, TarReader};
use tree::{Data, Kind, Tree};

/// How to pick and read an image.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OciOptions {
    /// Which image, when the index or archive holds several: a name as in
    /// `org.opencontainers.image.ref.name` / `io.containerd.image.name` annotations or
    /// `RepoTags` (`debian:11`, `11`, `docker.io/library/debian:11`), or a manifest digest
    /// (`sha256:…`). `None`: the only image there.
    pub reference: Option<String>,
    /// The platform to take from a multi-platform index, `os/architecture[/variant]`
    /// (default `linux/amd64`). Manifests without a platform always match.
    pub platform: String,
    /// Bounds on sizes and counts.
    pub limits: OciLimits,
    /// Make `/.dockerenv` exist (an empty file, mode 0o755) as `oscap-docker` scans see it, so
    /// content that tells containers from machines by it behaves the same (default `true`).
    /// An image's own `/.dockerenv` is kept either way.
    pub dockerenv: bool,
}

impl Default for OciOptions {
    fn default() -> OciOptions {
        OciOptions {
            reference: None,
            platform: "linux/amd64".into(),
            limits: OciLimits::default(),
            dockerenv: true,
        }
    }
}

/// Which container format an image was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ImageFormat {
    /// An OCI image layout (`index.json`), as a directory or a tar; also docker 25+ `save`.
    OciLayout,
    /// A `docker save` archive of the older format (`manifest.json`, `<id>/layer.tar`).
    DockerArchive,
    /// Bare layers ([`OciImage::from_layers`]).
    Layers,
}

/// One layer as read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LayerInfo {
    /// Member path inside the image (`blobs/sha256/…` or `<id>/layer.tar`).
    pub member: String,
    /// The blob digest the manifest gives (verified), if any.
    pub digest: Option<String>,
    /// The uncompressed digest (the config's `diff_ids` entry, verified), if any.
    pub diff_id: Option<String>,
    /// The media type the manifest gives, if any.
    pub media_type: Option<String>,
    /// `"none"`, `"gzip"` or `"zstd"`, from the blob's magic bytes.
    pub compression: &'static str,
    /// Size of the blob in bytes.
    pub size: u64,
    /// Size of the uncompressed tar stream in bytes.
    pub uncompressed_size: u64,
    /// Tar entries in the layer (extension headers not counted).
    pub entries: u64,
}

/// What was read about an image.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImageInfo {
    /// The container format.
    pub format: ImageFormat,
    /// The image's name or tag, if it has one.
    pub reference: Option<String>,
    /// Digest of the manifest (OCI layouts).
    pub manifest_digest: Option<String>,
    /// Digest of the config.
    pub config_digest: Option<String>,
    /// `os/architecture` from the config.
    pub platform: String,
    /// The layers, bottom first.
    pub layers: Vec<LayerInfo>,
    /// `Env` of the image config, as (name, value).
    pub env: Vec<(String, String)>,
    /// Entries in the merged tree, the root included.
    pub entries: usize,
}

/// A container image as a [`Target`]: layers merged in memory, file contents read lazily.
///
/// # How it reads
///
/// [`open`](OciImage::open) reads each layer once, bottom first, hashing the blob (sha256,
/// against the manifest's digest) and the uncompressed stream (against the config's
/// `diff_ids`); a mismatch is [`OciError::DigestMismatch`]. As it goes it builds one merged
/// index in memory: path → metadata as the tar header gives it (mode, uid/gid, mtime, device
/// numbers; hard links share an inode) and where the content is. Whiteouts and opaque
/// directories hide what lower layers put there; a directory over a directory merges; anything
/// else replaces (last entry wins, also within a layer). Nothing is written to disk and no
/// privilege is needed.
///
/// Content is read when asked for:
///
/// - an *uncompressed* layer is seekable: `open` seeks to the entry's data (O(1));
/// - from a *compressed* (gzip, zstd) layer, files up to
///   [`OciLimits::inline_file_size`] (64 KiB) are kept in memory while indexing, up to
///   [`OciLimits::inline_budget`] (32 MiB) for the whole image. Any other file is read by
///   re-streaming its layer: each layer keeps one decompressor *cursor*; a file at or after
///   the cursor is reached by decompressing forward from it, one before it restarts the
///   layer from its first byte. Files are laid out in tar order, which is the order a tree
///   walk visits them, so a scan costs about one decompression of each layer rather than one
///   per file. Such a file (up to [`OciLimits::max_buffered_read`], 64 MiB) is read whole
///   into memory at `open`; a larger one gets a decoder of its own and is streamed. The
///   files read this way last are kept, up to [`OciLimits::read_cache`] (32 MiB), since
///   probes read some files many times.
///
/// So memory is O(entries) for the index, plus at most the inline budget, plus one
/// decompressor per compressed layer (gzip 32 KiB window; zstd up to the frame's window),
/// plus the read cache, plus the file being read. The blob is assumed
/// not to change after `open`; a later re-read is bounded by the same limits and a short read
/// is an error, but it is not hashed again.
///
/// # The jail
///
/// Paths resolve with the shared [`resolve`](crate::resolve()) over the merged index, as in
/// [`RootFs`](crate::RootFs): absolute links restart at the image root, `..` stops there,
/// loops end in [`Error::LinkLoop`]. Tar entry names are cleaned (`./`, a leading `/`
/// dropped); a name with a `..` component is refused ([`OciError::UnsafeEntry`]) rather than
/// clamped, and a hard link must name an existing non-directory in the image. Nothing an entry
/// says can reach outside the image: there is no outside, only the index.
///
/// # Facts
///
/// [`container`](Target::container) is `is_container: true, runtime: "oci"`;
/// [`environment`](Target::environment) is the config's `Env` unless replaced with
/// [`with_environment`](OciImage::with_environment); the host name is `facts.hostname`, else
/// the image's `/etc/hostname`, else not collectable; every other fact (uname, processes,
/// sysctls, mounts, interfaces) is not collectable unless set in [`facts`](OciImage::facts).
///
/// # Limits
///
/// See [`OciLimits`]. Not handled: GNU and PAX sparse files and encrypted layers
/// ([`OciError::Unsupported`]); extended attributes and file capabilities (the `Target`
/// trait has no place for them); digests other than sha256.
///
/// ```no_run
/// use std::path::Path;
/// use scap_probe::{OciImage, Target, DEFAULT_READ_LIMIT};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // An OCI image layout directory (`skopeo copy docker://debian:11 oci:debian11`), or a
/// // `docker save debian:11 > debian11.tar` archive.
/// let image = OciImage::open("debian11")?;
/// assert_eq!(image.read(Path::new("/etc/os-release"), DEFAULT_READ_LIMIT)?, b"ID=debian\n");
/// assert!(image.exists(Path::new("/.dockerenv"))?);
/// assert!(image.container()?.is_container);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct OciImage {
    store: Store,
    layers: Vec<(LayerInfo, Compression)>,
    tree: Tree,
    info: ImageInfo,
    limits: OciLimits,
    cache: Cache,
    /// Host facts; `environment` and `container` are filled from the image (see the type
    /// docs), `None` fields are not collectable.
    pub facts: Facts,
}

/// Split an `--image` argument `PATH[:REF]`: the longest prefix before a `:` that exists on
/// the host is the path, the rest the reference (which may itself contain `:`, as in
/// `img.tar:sha256:…`). A path that exists as given has no reference.
pub fn split_image_arg(arg: &str) -> (PathBuf, Option<String>) {
    if Path::new(arg).exists() {
        return (PathBuf::from(arg), None);
    }
    let cuts: Vec<usize> = arg.match_indices(':').map(|(i, _)| i).collect();
    for &i in cuts.iter().rev() {
        let (p, r) = (
            arg.get(..i).unwrap_or_default(),
            arg.get(i + 1..).unwrap_or_default(),
        );
        if !p.is_empty() && Path::new(p).exists() {
            return (PathBuf::from(p), Some(r.to_string()));
        }
    }
    (PathBuf::from(arg), None)
}

/// Parse `NAME=value` lines (an env file, or `OSCAP_CONTAINER_VARS` as `oscap-docker` sets
/// it): blank lines and lines starting with `#` are skipped, a line without `=` is a name with
/// an empty value, the value is everything after the first `=` (not unquoted).
///
/// ```
/// let env = scap_probe::parse_env_lines("PATH=/usr/bin\n# comment\n\nA=b=c\nEMPTY\n");
/// assert_eq!(env, [("PATH".into(), "/usr/bin".into()), ("A".into(), "b=c".into()), ("EMPTY".into(), String::new())]);
/// ```
pub fn parse_env_lines(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(split_env)
        .collect()
}

fn split_env(entry: &str) -> (String, String) {
    match entry.split_once('=') {
        Some((n, v)) => (n.to_string(), v.to_string()),
        None => (entry.to_string(), String::new()),
    }
}

/// Strip the registry and library prefixes docker adds to short names.
fn short_name(s: &str) -> &str {
    let s = s.strip_prefix("docker.io/").unwrap_or(s);
    let s = s.strip_prefix("library/").unwrap_or(s);
    s.strip_prefix("localhost/").unwrap_or(s)
}

/// Whether a wanted reference names an image called `name`.
fn ref_matches(wanted: &str, name: &str) -> bool {
    let (w, n) = (short_name(wanted), short_name(name));
    w == n
        || n.strip_suffix(w).is_some_and(|p| p.ends_with(':'))
        || w.strip_suffix(n).is_some_and(|p| p.ends_with(':'))
        || (!w.contains(':') && n.strip_prefix(w).is_some_and(|r| r.starts_with(':')))
}

/// The names of an index entry.
fn names_of(d: &Descriptor) -> Vec<String> {
    [json::REF_NAME, json::CONTAINERD_NAME]
        .iter()
        .filter_map(|k| d.annotations.get(*k).cloned())
        .collect()
}

fn parse_json<T: serde::de::DeserializeOwned>(
    name: &str,
    bytes: &[u8],
) -> std::result::Result<T, OciError> {
    serde_json::from_slice(bytes).map_err(|source| OciError::Json {
        name: name.to_string(),
        source,
    })
}

/// Reads and checks that an `io::Error` from the reader stack carries an [`OciError`].
fn unwrap_oci(e: io::Error, layer: usize, name: &str) -> OciError {
    if e.get_ref().is_some_and(|i| i.is::<OciError>()) {
        let kind = e.kind();
        if let Some(inner) = e.into_inner() {
            return match inner.downcast::<OciError>() {
                Ok(o) => *o,
                Err(other) => OciError::Layer {
                    layer,
                    name: name.to_string(),
                    source: io::Error::new(kind, other),
                },
            };
        }
        return OciError::Layer {
            layer,
            name: name.to_string(),
            source: kind.into(),
        };
    }
    OciError::Layer {
        layer,
        name: name.to_string(),
        source: e,
    }
}

/// A reader that fails if its inner reader ends before `left` bytes.
struct Exact<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Exact<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 || buf.is_empty() {
            return Ok(0);
        }
        let want = usize::try_from(self.left)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let n = self.inner.read(buf.get_mut(..want).unwrap_or_default())?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the layer ended before the file did (changed since it was indexed?)",
            ));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// A layer to read: member, digest, size, media type.
type PlannedLayer = (String, Option<String>, Option<u64>, Option<String>);

/// What the manifest says to read.
struct Plan {
    format: ImageFormat,
    reference: Option<String>,
    manifest_digest: Option<String>,
    config_digest: Option<String>,
    config: ImageConfig,
    layers: Vec<PlannedLayer>,
}

impl OciImage {
    /// Open the image at `path` (directory or tar) with default [`OciOptions`].
    pub fn open(path: impl AsRef<Path>) -> std::result::Result<OciImage, OciError> {
        OciImage::open_with(path, &OciOptions::default())
    }

    /// Open the image at `path` with `options`: pick the image, verify and index its layers.
    pub fn open_with(
        path: impl AsRef<Path>,
        options: &OciOptions,
    ) -> std::result::Result<OciImage, OciError> {
        let path = path.as_ref();
        let store = Store::open(path, &options.limits)?;
        OciImage::from_store(store, options)
    }

    /// An image from an archive held in memory (an OCI layout or `docker save` as tar bytes).
    /// The members are copied into memory; prefer [`open_with`](OciImage::open_with) for
    /// anything large.
    pub fn from_archive_bytes(
        bytes: &[u8],
        options: &OciOptions,
    ) -> std::result::Result<OciImage, OciError> {
        let store = Store::from_tar_bytes(bytes, &options.limits)?;
        OciImage::from_store(store, options)
    }

    /// An image made of bare layer blobs, bottom first (tar, tar+gzip or tar+zstd, told by
    /// their magic bytes): `docker export` output, or layers taken from elsewhere. No digest
    /// is checked (there is no manifest) and the environment is empty.
    ///
    /// ```
    /// use std::path::Path;
    /// use scap_probe::{OciImage, OciOptions, Target, DEFAULT_READ_LIMIT};
    ///
    /// // A one-file tar layer: a ustar header, the data, the end-of-archive blocks.
    /// let mut layer = tar::Builder::new(Vec::new());
    /// let mut h = tar::Header::new_ustar();
    /// h.set_size(10);
    /// h.set_mode(0o644);
    /// h.set_cksum();
    /// layer.append_data(&mut h, "etc/os-release", &b"ID=debian\n"[..])?;
    /// let lower = layer.into_inner()?;
    ///
    /// let image = OciImage::from_layers(vec![lower], &OciOptions::default())?;
    /// assert_eq!(image.read(Path::new("/etc/os-release"), DEFAULT_READ_LIMIT)?, b"ID=debian\n");
    /// assert!(image.exists(Path::new("/.dockerenv"))?); // as under oscap-docker
    /// assert!(image.container()?.is_container);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_layers(
        layers: Vec<Vec<u8>>,
        options: &OciOptions,
    ) -> std::result::Result<OciImage, OciError> {
        let mut members = std::collections::HashMap::new();
        let mut planned = Vec::new();
        for (i, l) in layers.into_iter().enumerate() {
            let name = format!("layer{i}");
            members.insert(name.clone(), Arc::from(l));
            planned.push((name, None, None, None));
        }
        let plan = Plan {
            format: ImageFormat::Layers,
            reference: None,
            manifest_digest: None,
            config_digest: None,
            config: ImageConfig::default(),
            layers: planned,
        };
        OciImage::from_plan(Store::Memory(members), plan, options)
    }

    fn from_store(store: Store, options: &OciOptions) -> std::result::Result<OciImage, OciError> {
        let plan = if store.has("index.json") {
            plan_oci(&store, options)?
        } else if store.has("manifest.json") {
            plan_docker(&store, options)?
        } else {
            return Err(OciError::NotAnImage {
                path: store.path().to_path_buf(),
                reason: "no index.json (OCI image layout) nor manifest.json (docker save)",
            });
        };
        OciImage::from_plan(store, plan, options)
    }

    fn from_plan(
        store: Store,
        plan: Plan,
        options: &OciOptions,
    ) -> std::result::Result<OciImage, OciError> {
        let limits = options.limits.clone();
        if plan.layers.len() > limits.max_layers {
            return Err(OciError::LimitExceeded {
                name: store.path().display().to_string(),
                what: "number of layers",
                limit: limits.max_layers as u64,
            });
        }
        let diff_ids = plan
            .config
            .rootfs
            .as_ref()
            .map(|r| r.diff_ids.clone())
            .unwrap_or_default();
        if !diff_ids.is_empty() && diff_ids.len() != plan.layers.len() {
            return Err(OciError::Invalid {
                name: "config".into(),
                reason: format!(
                    "rootfs.diff_ids has {} entries for {} layers",
                    diff_ids.len(),
                    plan.layers.len()
                ),
            });
        }
        let mut tree = Tree::new();
        let mut layers = Vec::new();
        let mut entries_total = 0u64;
        for (i, (member, digest, size, media_type)) in plan.layers.iter().enumerate() {
            if let Some(mt) = media_type
                && (mt.contains("encrypted") || !(mt.contains("tar") || mt.contains("rootfs.diff")))
            {
                return Err(OciError::Unsupported {
                    name: member.clone(),
                    what: format!("layer media type {mt}"),
                });
            }
            let diff_id = diff_ids.get(i).cloned();
            let info = index_layer(
                &store,
                &mut tree,
                i,
                member,
                digest.as_deref(),
                *size,
                diff_id.as_deref(),
                &limits,
                &mut entries_total,
            )?;
            let mut info = info;
            info.0.media_type = media_type.clone();
            info.0.diff_id = diff_id;
            layers.push(info);
        }
        if options.dockerenv && tree.get(Path::new("/.dockerenv")).is_none() {
            let meta = Metadata::new(FileType::Regular, 0o755);
            tree.put(
                &[],
                ".dockerenv".into(),
                meta,
                Kind::File(Data::Inline(Arc::from(Vec::new()))),
                usize::MAX,
            );
        }
        tree.finish();
        let env: Vec<(String, String)> = plan
            .config
            .config
            .as_ref()
            .and_then(|c| c.env.as_ref())
            .map(|e| e.iter().map(|s| split_env(s)).collect())
            .unwrap_or_default();
        let info = ImageInfo {
            format: plan.format,
            reference: plan.reference,
            manifest_digest: plan.manifest_digest,
            config_digest: plan.config_digest,
            platform: format!("{}/{}", plan.config.os, plan.config.architecture),
            layers: layers.iter().map(|(l, _)| l.clone()).collect(),
            env: env.clone(),
            entries: tree.len(),
        };
        let facts = Facts {
            environment: Some(env),
            container: Some(ContainerInfo {
                is_container: true,
                runtime: Some("oci".into()),
            }),
            ..Facts::default()
        };
        Ok(OciImage {
            store,
            layers,
            tree,
            info,
            limits,
            cache: Cache::default(),
            facts,
        })
    }

    /// What was read: format, reference, digests, layers, `Env`.
    pub fn info(&self) -> &ImageInfo {
        &self.info
    }

    /// The same image answering [`environment`](Target::environment) with `env` instead of
    /// the config's `Env`.
    pub fn with_environment(mut self, env: Vec<(String, String)>) -> OciImage {
        self.facts.environment = Some(env);
        self
    }

    /// The same image answering host facts from `facts`.
    pub fn with_facts(mut self, facts: Facts) -> OciImage {
        self.facts = facts;
        self
    }

    fn node(&self, path: &Path, follow: Follow) -> Result<(&tree::Node, PathBuf)> {
        let r = resolve(&self.tree, path, follow)?;
        match self.tree.get(&r.path) {
            Some(n) => Ok((n, r.path)),
            None => Err(Error::NotFound { path: path.into() }),
        }
    }

    fn layer_reader(
        &self,
        path: &Path,
        layer: usize,
        offset: u64,
        size: u64,
    ) -> Result<Box<dyn Read + Send>> {
        let to_err = |e: OciError| Error::Io {
            path: path.into(),
            source: e.into_io(),
        };
        let (info, comp) = self
            .layers
            .get(layer)
            .ok_or_else(|| Error::invalid_data(path, "entry names a layer that is not there"))?;
        if *comp == Compression::None {
            let (mut blob, _) = self.store.open_member(&info.member).map_err(to_err)?;
            blob.seek(SeekFrom::Start(offset))
                .map_err(|e| Error::from_io(path, e))?;
            return Ok(Box::new(Exact {
                inner: blob.take(size),
                left: size,
            }));
        }
        let gone = || {
            Error::invalid_data(
                path,
                "the layer ended before the file (changed since it was indexed?)",
            )
        };
        let fresh = || -> Result<LayerCursor> {
            let (blob, _) = self.store.open_member(&info.member).map_err(to_err)?;
            let (dec, _) = decompress(BufReader::new(blob)).map_err(|e| Error::from_io(path, e))?;
            Ok(LayerCursor {
                reader: Bounded::new(dec, &self.limits, None, info.member.clone()),
                pos: 0,
            })
        };
        if size > self.limits.max_buffered_read {
            // Too large to buffer: a decoder of its own, streamed.
            let mut c = fresh()?;
            let skipped = io::copy(&mut (&mut c.reader).take(offset), &mut io::sink())
                .map_err(|e| Error::from_io(path, e))?;
            if skipped != offset {
                return Err(gone());
            }
            return Ok(Box::new(Exact {
                inner: c.reader.take(size),
                left: size,
            }));
        }
        if let Some(hit) = lock_cache(&self.cache).files.get(&(layer, offset)) {
            return Ok(Box::new(Cursor::new(hit.clone())));
        }
        // Reuse the layer's cursor when the file lies ahead of it (reads in tree order, as a
        // walk makes them, then cost one decompression of the layer in all).
        let cached = lock_cache(&self.cache).cursors.remove(&layer);
        let mut c = match cached {
            Some(c) if c.pos <= offset => c,
            _ => fresh()?,
        };
        let gap = offset - c.pos;
        let skipped = io::copy(&mut (&mut c.reader).take(gap), &mut io::sink())
            .map_err(|e| Error::from_io(path, e))?;
        if skipped != gap {
            return Err(gone());
        }
        let mut buf = Vec::with_capacity(usize::try_from(size.min(1 << 20)).unwrap_or(0));
        let got = (&mut c.reader)
            .take(size)
            .read_to_end(&mut buf)
            .map_err(|e| Error::from_io(path, e))?;
        if got as u64 != size {
            return Err(gone());
        }
        c.pos = offset + size;
        let bytes: Arc<[u8]> = Arc::from(buf);
        let mut cache = lock_cache(&self.cache);
        cache.cursors.insert(layer, c);
        cache.keep((layer, offset), bytes.clone(), self.limits.read_cache);
        Ok(Box::new(Cursor::new(bytes)))
    }
}

/// A decompressor of one layer, positioned `pos` bytes into the uncompressed stream.
struct LayerCursor {
    reader: Bounded<Box<dyn Read + Send>>,
    pos: u64,
}

impl std::fmt::Debug for LayerCursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LayerCursor")
            .field("pos", &self.pos)
            .finish()
    }
}

/// Re-streamed reads: one cursor per compressed layer, and the most recent files read
/// (first in, first out, at most [`OciLimits::read_cache`] bytes), since probes read the same
/// file many times (`/var/lib/dpkg/status` once per package object).
#[derive(Debug, Default)]
struct ReadCache {
    cursors: std::collections::HashMap<usize, LayerCursor>,
    files: std::collections::HashMap<(usize, u64), Arc<[u8]>>,
    order: std::collections::VecDeque<(usize, u64)>,
    bytes: u64,
}

impl ReadCache {
    fn keep(&mut self, key: (usize, u64), data: Arc<[u8]>, limit: u64) {
        let len = data.len() as u64;
        if len > limit || self.files.contains_key(&key) {
            return;
        }
        while self.bytes + len > limit {
            let Some(old) = self.order.pop_front() else {
                break;
            };
            if let Some(d) = self.files.remove(&old) {
                self.bytes -= d.len() as u64;
            }
        }
        self.bytes += len;
        self.files.insert(key, data);
        self.order.push_back(key);
    }
}

type Cache = std::sync::Mutex<ReadCache>;

/// Lock the read cache; a poisoned lock only means a read panicked midway, and the cache is
/// consistent at every unlock (a cursor is put back only after its read completed), so its
/// data is used as is rather than propagating the panic.
fn lock_cache(c: &Cache) -> std::sync::MutexGuard<'_, ReadCache> {
    c.lock().unwrap_or_else(|e| e.into_inner())
}

/// Read a blob named by a descriptor, checking its size and digest.
fn read_blob(
    store: &Store,
    d: &Descriptor,
    limits: &OciLimits,
) -> std::result::Result<(String, Vec<u8>), OciError> {
    let name = blob_path(&d.digest)?;
    let bytes = store.read_member(&name, limits.max_json_size)?;
    if let Some(size) = d.size
        && size != bytes.len() as u64
    {
        return Err(OciError::SizeMismatch {
            name,
            expected: size,
            actual: bytes.len() as u64,
        });
    }
    let actual = digest_of(&bytes[..]).map_err(|e| OciError::io(store.path().join(&name), e))?;
    if actual != d.digest {
        return Err(OciError::DigestMismatch {
            name,
            expected: d.digest.clone(),
            actual,
        });
    }
    Ok((name, bytes))
}

fn is_index(d: &Descriptor, doc: &IndexOrManifest) -> bool {
    let mt = doc
        .media_type
        .as_deref()
        .or(d.media_type.as_deref())
        .unwrap_or_default();
    mt.contains("index")
        || mt.contains("manifest.list")
        || (doc.manifests.is_some() && doc.layers.is_none())
}

struct Chosen {
    descriptor: Descriptor,
    manifest: IndexOrManifest,
    name: Option<String>,
}

fn choose(
    store: &Store,
    manifests: &[Descriptor],
    options: &OciOptions,
    depth: u32,
    name: Option<String>,
) -> std::result::Result<Chosen, OciError> {
    let limits = &options.limits;
    if depth > limits.max_index_depth {
        return Err(OciError::LimitExceeded {
            name: "index.json".into(),
            what: "index nesting depth",
            limit: u64::from(limits.max_index_depth),
        });
    }
    let wanted = json::Platform {
        os: options
            .platform
            .split('/')
            .next()
            .unwrap_or_default()
            .to_string(),
        architecture: options
            .platform
            .split('/')
            .nth(1)
            .unwrap_or_default()
            .to_string(),
        variant: options.platform.split('/').nth(2).map(str::to_string),
    };
    let mut seen = Vec::new();
    for d in manifests {
        if let Some(p) = &d.platform {
            let ok = p.os == wanted.os
                && p.architecture == wanted.architecture
                && (wanted.variant.is_none() || wanted.variant == p.variant);
            if !ok {
                seen.push(p.spelled());
                continue;
            }
        }
        let (blob, bytes) = read_blob(store, d, limits)?;
        let doc: IndexOrManifest = parse_json(&blob, &bytes)?;
        let name = name.clone().or_else(|| names_of(d).into_iter().next());
        if is_index(d, &doc) {
            let inner = doc.manifests.clone().unwrap_or_default();
            match choose(store, &inner, options, depth + 1, name) {
                Ok(c) => return Ok(c),
                Err(OciError::PlatformNotFound { available, .. }) => seen.extend(available),
                Err(e) => return Err(e),
            }
            continue;
        }
        return Ok(Chosen {
            descriptor: d.clone(),
            manifest: doc,
            name,
        });
    }
    Err(OciError::PlatformNotFound {
        wanted: options.platform.clone(),
        available: seen,
    })
}

fn plan_oci(store: &Store, options: &OciOptions) -> std::result::Result<Plan, OciError> {
    let limits = &options.limits;
    let bytes = store.read_member("index.json", limits.max_json_size)?;
    let index: IndexOrManifest = parse_json("index.json", &bytes)?;
    let all = index.manifests.clone().ok_or_else(|| OciError::Invalid {
        name: "index.json".into(),
        reason: "no `manifests` array".into(),
    })?;
    let available: Vec<String> = all
        .iter()
        .flat_map(|d| {
            let mut n = names_of(d);
            n.push(d.digest.clone());
            n
        })
        .collect();
    let candidates: Vec<Descriptor> = match &options.reference {
        Some(r) => {
            let hits: Vec<Descriptor> = all
                .iter()
                .filter(|d| d.digest == *r || names_of(d).iter().any(|n| ref_matches(r, n)))
                .cloned()
                .collect();
            if hits.is_empty() {
                return Err(OciError::ImageNotFound {
                    reference: r.clone(),
                    available,
                });
            }
            hits
        }
        None => {
            let names: BTreeSet<Vec<String>> =
                all.iter().map(names_of).filter(|n| !n.is_empty()).collect();
            if names.len() > 1 {
                return Err(OciError::AmbiguousImage { available });
            }
            all
        }
    };
    let chosen = choose(store, &candidates, options, 0, None)?;
    let m = &chosen.manifest;
    let config_d = m.config.clone().ok_or_else(|| OciError::Invalid {
        name: chosen.descriptor.digest.clone(),
        reason: "manifest has no config".into(),
    })?;
    let (config_name, config_bytes) = read_blob(store, &config_d, limits)?;
    let config: ImageConfig = parse_json(&config_name, &config_bytes)?;
    let mut layers = Vec::new();
    for l in m.layers.clone().unwrap_or_default() {
        layers.push((
            blob_path(&l.digest)?,
            Some(l.digest.clone()),
            l.size,
            l.media_type.clone(),
        ));
    }
    Ok(Plan {
        format: ImageFormat::OciLayout,
        reference: chosen.name,
        manifest_digest: Some(chosen.descriptor.digest),
        config_digest: Some(config_d.digest),
        config,
        layers,
    })
}

fn plan_docker(store: &Store, options: &OciOptions) -> std::result::Result<Plan, OciError> {
    let limits = &options.limits;
    let bytes = store.read_member("manifest.json", limits.max_json_size)?;
    let images: Vec<DockerManifest> = parse_json("manifest.json", &bytes)?;
    let available: Vec<String> = images
        .iter()
        .flat_map(|m| m.repo_tags.clone().unwrap_or_default())
        .collect();
    let chosen = match &options.reference {
        Some(r) => images
            .iter()
            .find(|m| m.repo_tags.iter().flatten().any(|t| ref_matches(r, t)))
            .ok_or_else(|| OciError::ImageNotFound {
                reference: r.clone(),
                available: available.clone(),
            })?,
        None => match images.as_slice() {
            [one] => one,
            [] => {
                return Err(OciError::Invalid {
                    name: "manifest.json".into(),
                    reason: "no images".into(),
                });
            }
            _ => return Err(OciError::AmbiguousImage { available }),
        },
    };
    let config_bytes = store.read_member(&chosen.config, limits.max_json_size)?;
    // The config's file name is its digest (`<hex>.json`, or `blobs/sha256/<hex>`).
    let base = chosen.config.rsplit('/').next().unwrap_or_default();
    let hex = base.strip_suffix(".json").unwrap_or(base);
    let actual = digest_of(&config_bytes[..]).map_err(|e| OciError::io(store.path(), e))?;
    let config_digest = if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        let expected = format!("sha256:{hex}");
        if expected != actual {
            return Err(OciError::DigestMismatch {
                name: chosen.config.clone(),
                expected,
                actual,
            });
        }
        Some(expected)
    } else {
        Some(actual)
    };
    let config: ImageConfig = parse_json(&chosen.config, &config_bytes)?;
    let layers = chosen
        .layers
        .iter()
        .map(|l| {
            // Newer archives name layers by blob path: verify that digest too.
            let digest = l
                .strip_prefix("blobs/sha256/")
                .filter(|h| h.len() == 64)
                .map(|h| format!("sha256:{h}"));
            (l.clone(), digest, None, None)
        })
        .collect();
    Ok(Plan {
        format: ImageFormat::DockerArchive,
        reference: chosen.repo_tags.as_ref().and_then(|t| t.first().cloned()),
        manifest_digest: None,
        config_digest,
        config,
        layers,
    })
}

/// Split a cleaned entry name into components; `None` for the root itself.
fn entry_parts(
    name: &[u8],
    layer: usize,
    offset: u64,
) -> std::result::Result<Option<(Vec<OsString>, OsString)>, OciError> {
    let unsafe_entry = |reason| OciError::UnsafeEntry {
        layer,
        entry: String::from_utf8_lossy(name).into_owned(),
        offset,
        reason,
    };
    if name.contains(&0) {
        return Err(unsafe_entry("NUL byte in name"));
    }
    let mut parts: Vec<OsString> = Vec::new();
    for p in name.split(|b| *b == b'/') {
        match p {
            b"" | b"." => {}
            b".." => return Err(unsafe_entry("`..` component: would leave the image root")),
            p => parts.push(OsString::from_vec(p.to_vec())),
        }
    }
    Ok(parts.pop().map(|last| (parts, last)))
}

fn ts((secs, nanos): (i64, u32)) -> Timestamp {
    Timestamp::new(secs, nanos)
}

/// Linux `makedev`.
fn makedev(major: u32, minor: u32) -> u64 {
    let (ma, mi) = (u64::from(major), u64::from(minor));
    ((ma & 0xffff_f000) << 32) | ((ma & 0xfff) << 8) | ((mi & 0xffff_ff00) << 12) | (mi & 0xff)
}

#[allow(clippy::too_many_arguments)]
fn index_layer(
    store: &Store,
    tree: &mut Tree,
    layer: usize,
    member: &str,
    digest: Option<&str>,
    size: Option<u64>,
    diff_id: Option<&str>,
    limits: &OciLimits,
    entries_total: &mut u64,
) -> std::result::Result<(LayerInfo, Compression), OciError> {
    let (blob, blob_size) = store.open_member(member)?;
    if let Some(s) = size
        && s != blob_size
    {
        return Err(OciError::SizeMismatch {
            name: member.to_string(),
            expected: s,
            actual: blob_size,
        });
    }
    let (raw, raw_tally) = Hashing::new(blob);
    let (dec, comp) = decompress(BufReader::with_capacity(64 << 10, raw))
        .map_err(|e| unwrap_oci(e, layer, member))?;
    let ratio_source = (comp != Compression::None).then(|| raw_tally.clone());
    let bounded = Bounded::new(dec, limits, ratio_source, member.to_string());
    let (plain, plain_tally) = Hashing::new(bounded);
    let stream: Box<dyn Read + Send> = Box::new(plain);
    let mut tar = TarReader::new(stream, limits.clone(), member.to_string());
    let relabel = |e: OciError| match e {
        OciError::Layer { source, .. } => OciError::Layer {
            layer,
            name: member.to_string(),
            source,
        },
        other => other,
    };
    let mut entries = 0u64;
    // Whiteouts apply to lower layers only, whatever their order in this layer, so they are
    // collected and applied before this layer's own entries... except that entries of this
    // layer must survive them: `Tree::whiteout`/`opaque` spare nodes this layer touched, so
    // applying them in stream order is equivalent.
    while let Some(e) = tar.next_entry().map_err(relabel)? {
        entries += 1;
        *entries_total += 1;
        if *entries_total > limits.max_entries {
            return Err(OciError::LimitExceeded {
                name: member.to_string(),
                what: "tar entries",
                limit: limits.max_entries,
            });
        }
        let Some((parent, name)) = entry_parts(&e.name, layer, e.header_offset)? else {
            // `./` itself: the root's metadata.
            if e.kind == EntryKind::Directory {
                let mut m = Metadata::new(FileType::Directory, e.mode);
                m.size = 4096;
                m.uid = u32::try_from(e.uid).unwrap_or(u32::MAX);
                m.gid = u32::try_from(e.gid).unwrap_or(u32::MAX);
                m.mtime = ts(e.mtime);
                m.atime = e.atime.map(ts).unwrap_or(m.mtime);
                m.ctime = e.ctime.map(ts).unwrap_or(m.mtime);
                tree.set_root_meta(m);
            }
            continue;
        };
        if tree.symlink_created_in(&parent, layer) {
            // A runtime extracting this layer writes `a/x` through the link `a` this layer
            // made (scoped to the root), so the tree it builds is not the one the names say.
            // (A link from a LOWER layer is different: there overlayfs shows this layer's
            // directory `a` over it, which is what `Tree::put` does.) Refused, not guessed.
            return Err(OciError::UnsafeEntry {
                layer,
                entry: String::from_utf8_lossy(&e.name).into_owned(),
                offset: e.header_offset,
                reason: "a parent is a symbolic link created by the same layer (a runtime would write through it)",
            });
        }
        let name_bytes = name.as_encoded_bytes();
        if name_bytes == b".wh..wh..opq" {
            tree.opaque(&parent, layer);
            continue;
        }
        if let Some(hidden) = name_bytes.strip_prefix(b".wh.") {
            if hidden.starts_with(b".wh.") {
                continue; // other AUFS metadata (`.wh..wh.plnk`, ...): not content
            }
            if !hidden.is_empty() {
                tree.whiteout(&parent, &OsString::from_vec(hidden.to_vec()), layer);
            }
            continue;
        }
        let file_type = match e.kind {
            EntryKind::Regular | EntryKind::HardLink => FileType::Regular,
            EntryKind::Directory => FileType::Directory,
            EntryKind::Symlink => FileType::Symlink,
            EntryKind::CharDevice => FileType::CharDevice,
            EntryKind::BlockDevice => FileType::BlockDevice,
            EntryKind::Fifo => FileType::Fifo,
            EntryKind::Other(_) => continue,
        };
        let mut meta = Metadata::new(file_type, e.mode);
        meta.uid = u32::try_from(e.uid).unwrap_or(u32::MAX);
        meta.gid = u32::try_from(e.gid).unwrap_or(u32::MAX);
        meta.mtime = ts(e.mtime);
        meta.atime = e.atime.map(ts).unwrap_or(meta.mtime);
        meta.ctime = e.ctime.map(ts).unwrap_or(meta.mtime);
        let kind = match e.kind {
            EntryKind::Directory => {
                meta.size = 4096;
                Kind::Dir(Default::default())
            }
            EntryKind::Symlink => {
                meta.size = e.link.len() as u64;
                Kind::Symlink(PathBuf::from(OsString::from_vec(e.link.clone())))
            }
            EntryKind::CharDevice | EntryKind::BlockDevice | EntryKind::Fifo => {
                meta.rdev = makedev(e.dev_major, e.dev_minor);
                Kind::Special
            }
            EntryKind::HardLink => {
                let refused = |reason| OciError::HardLink {
                    layer,
                    entry: String::from_utf8_lossy(&e.name).into_owned(),
                    target: String::from_utf8_lossy(&e.link).into_owned(),
                    reason,
                };
                let target = entry_parts(&e.link, layer, e.header_offset)?
                    .ok_or_else(|| refused("links to the root"))?;
                let mut path = target.0;
                path.push(target.1);
                let (target_meta, kind, xattrs) = tree
                    .link_to(&path)
                    .ok_or_else(|| refused("no such entry in this or a lower layer"))?;
                if matches!(kind, Kind::Dir(_)) {
                    return Err(refused("links to a directory"));
                }
                // A hard link is the same file: same inode, type, mode, owner, times and
                // extended attributes.
                let idx = tree.put(&parent, name, target_meta, kind, layer);
                tree.set_xattrs(idx, xattrs);
                continue;
            }
            EntryKind::Regular => {
                meta.size = e.size;
                let keep = comp != Compression::None
                    && e.size <= limits.inline_file_size
                    && tree.inline_bytes.saturating_add(e.size) <= limits.inline_budget;
                if keep {
                    let bytes = tar.read_data(e.size).map_err(relabel)?;
                    tree.inline_bytes += bytes.len() as u64;
                    Kind::File(Data::Inline(Arc::from(bytes)))
                } else {
                    Kind::File(Data::InLayer {
                        layer,
                        offset: e.data_offset,
                        size: e.size,
                    })
                }
            }
            EntryKind::Other(_) => continue,
        };
        let idx = tree.put(&parent, name, meta, kind, layer);
        if !e.xattrs.is_empty() {
            // Extended attributes are held in memory: all of them together get a budget of
            // the inline budget's size (their own, so inlined files never crowd them out).
            let bytes: u64 = e
                .xattrs
                .iter()
                .map(|(n, v)| (n.len() + v.len()) as u64)
                .sum();
            tree.xattr_bytes = tree.xattr_bytes.saturating_add(bytes);
            if tree.xattr_bytes > limits.inline_budget {
                return Err(OciError::LimitExceeded {
                    name: member.to_string(),
                    what: "bytes of extended attributes held in memory",
                    limit: limits.inline_budget,
                });
            }
            tree.set_xattrs(idx, e.xattrs);
        }
    }
    // Drain: the rest of the uncompressed stream (padding after the end marker) and then of
    // the blob, so both digests cover every byte.
    let mut rest = tar.into_inner();
    io::copy(&mut rest, &mut io::sink()).map_err(|e| unwrap_oci(e, layer, member))?;
    drop(rest);
    let consumed = lock(&raw_tally).bytes;
    if consumed < blob_size {
        let (mut again, _) = store.open_member(member)?;
        again
            .seek(SeekFrom::Start(consumed))
            .map_err(|e| OciError::io(store.path(), e))?;
        let mut buf = vec![0u8; 64 << 10];
        loop {
            let n = again
                .read(&mut buf)
                .map_err(|e| OciError::io(store.path(), e))?;
            if n == 0 {
                break;
            }
            lock(&raw_tally).update(buf.get(..n).unwrap_or_default());
        }
    }
    let raw_digest = lock(&raw_tally).digest();
    if let Some(d) = digest
        && d != raw_digest
    {
        return Err(OciError::DigestMismatch {
            name: member.to_string(),
            expected: d.to_string(),
            actual: raw_digest,
        });
    }
    let (plain_digest, plain_bytes) = {
        let t = lock(&plain_tally);
        (t.digest(), t.bytes)
    };
    if let Some(d) = diff_id
        && d != plain_digest
    {
        return Err(OciError::DigestMismatch {
            name: format!("{member} (uncompressed, config diff_id)"),
            expected: d.to_string(),
            actual: plain_digest,
        });
    }
    Ok((
        LayerInfo {
            member: member.to_string(),
            digest: Some(raw_digest),
            diff_id: None,
            media_type: None,
            compression: match comp {
                Compression::None => "none",
                Compression::Gzip => "gzip",
                Compression::Zstd => "zstd",
            },
            size: blob_size,
            uncompressed_size: plain_bytes,
            entries,
        },
        comp,
    ))
}

impl Target for OciImage {
    fn metadata(&self, path: &Path) -> Result<Metadata> {
        self.node(path, Follow::Parents)
            .map(|(n, _)| n.meta.clone())
    }

    fn read_dir(&self, path: &Path) -> Result<Vec<DirEntry>> {
        let (node, _) = self.node(path, Follow::All)?;
        match &node.kind {
            Kind::Dir(children) => Ok(children
                .iter()
                .map(|(name, &i)| DirEntry {
                    name: name.clone(),
                    file_type: self
                        .tree
                        .at(i)
                        .map_or(FileType::Unknown, |n| n.meta.file_type),
                })
                .collect()),
            _ => Err(Error::NotADirectory { path: path.into() }),
        }
    }

    fn read_link(&self, path: &Path) -> Result<PathBuf> {
        let (node, _) = self.node(path, Follow::Parents)?;
        match &node.kind {
            Kind::Symlink(t) => Ok(t.clone()),
            _ => Err(Error::NotASymlink { path: path.into() }),
        }
    }

    fn open(&self, path: &Path) -> Result<Box<dyn Read + Send>> {
        let (node, _) = self.node(path, Follow::All)?;
        match &node.kind {
            Kind::Dir(_) => Err(Error::IsADirectory { path: path.into() }),
            Kind::File(Data::Inline(bytes)) => Ok(Box::new(Cursor::new(bytes.clone()))),
            Kind::File(Data::InLayer {
                layer,
                offset,
                size,
            }) => self.layer_reader(path, *layer, *offset, *size),
            _ => Err(Error::Io {
                path: path.into(),
                source: io::Error::new(io::ErrorKind::InvalidInput, "not a regular file"),
            }),
        }
    }

    fn canonicalize(&self, path: &Path) -> Result<PathBuf> {
        resolve(&self.tree, path, Follow::All).map(|r| r.path)
    }

    fn facts(&self) -> Option<&Facts> {
        Some(&self.facts)
    }

    /// `false`: the image's merged tree is already in memory, indexed by path, and every
    /// answer is a lookup in it with no host call; a [`ScanView`](crate::ScanView) would only
    /// hold a second copy of each entry it is asked about.
    fn wants_scan_view(&self) -> bool {
        false
    }

    fn hostname(&self) -> Result<String> {
        crate::target::hostname_of_tree(self)
    }

    fn xattr_names(&self, path: &Path, follow: Follow) -> Result<Vec<OsString>> {
        let (node, _) = self.node(path, follow)?;
        Ok(node.xattrs.iter().map(|(n, _)| n.clone()).collect())
    }

    fn xattr(
        &self,
        path: &Path,
        name: &std::ffi::OsStr,
        follow: Follow,
    ) -> Result<Option<Vec<u8>>> {
        let (node, _) = self.node(path, follow)?;
        Ok(node
            .xattrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_match_short_and_full_names() {
        assert!(ref_matches("debian:11", "docker.io/library/debian:11"));
        assert!(ref_matches("debian:11", "11"));
        assert!(ref_matches("debian", "debian:latest"));
        assert!(ref_matches("localhost/app:1", "app:1"));
        assert!(!ref_matches("debian:12", "debian:11"));
        assert!(!ref_matches("deb", "debian:11"));
    }

    #[test]
    fn read_cache_evicts_oldest_first_within_its_limit() {
        let mut c = ReadCache::default();
        let data = |n: usize| -> Arc<[u8]> { Arc::from(vec![0u8; n]) };
        c.keep((0, 0), data(40), 100);
        c.keep((0, 1), data(40), 100);
        c.keep((0, 2), data(40), 100); // evicts (0, 0)
        assert!(!c.files.contains_key(&(0, 0)));
        assert!(c.files.contains_key(&(0, 1)) && c.files.contains_key(&(0, 2)));
        assert_eq!(c.bytes, 80);
        c.keep((0, 3), data(101), 100); // larger than the cache: not kept
        assert!(!c.files.contains_key(&(0, 3)));
        assert_eq!(c.bytes, 80);
    }

    #[test]
    fn devices_and_entry_names() {
        assert_eq!(makedev(8, 1), 0x801);
        assert_eq!(makedev(259, 65536), (259 << 8 & 0xfff00) | (65536 << 12));
        assert!(entry_parts(b"./", 0, 0).ok().flatten().is_none());
        let (parent, name) = entry_parts(b"/./a//b/c", 0, 0)
            .ok()
            .flatten()
            .unwrap_or_default();
        assert_eq!(parent, [OsString::from("a"), OsString::from("b")]);
        assert_eq!(name, "c");
        assert!(entry_parts(b"a/../../b", 0, 0).is_err());
    }
}
