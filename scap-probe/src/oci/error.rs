//! [`OciError`]: why an image could not be opened.

use std::io;
use std::path::PathBuf;

/// Why [`OciImage::open`](crate::OciImage::open) refused an image.
///
/// Every variant says where: the image path, the blob or archive member, the layer index
/// (0 = bottom layer) and the tar entry. Errors met later, while reading a file's content from
/// its layer, reach the caller as [`Error::Io`](crate::Error::Io) of kind `InvalidData` whose
/// source is one of these (`downcast_ref::<OciError>()` gets it back).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OciError {
    /// Reading the image (a directory, an archive, a blob) failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The host path being read.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// The path is neither an OCI image layout (`oci-layout` + `index.json`) nor a
    /// `docker save` archive (`manifest.json`), as a directory or a tar.
    #[error("{}: not an image: {reason}", path.display())]
    NotAnImage {
        /// The image path.
        path: PathBuf,
        /// What was missing.
        reason: &'static str,
    },
    /// A JSON document (index, manifest, config, `manifest.json`) did not parse.
    #[error("{name}: invalid JSON: {source}")]
    Json {
        /// The blob or member name.
        name: String,
        /// The parser's error (with line and column).
        #[source]
        source: serde_json::Error,
    },
    /// A document is well-formed JSON but not what the spec says it must be.
    #[error("{name}: {reason}")]
    Invalid {
        /// The blob or member name.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// A blob named by a descriptor (or `manifest.json`) is not in the image.
    #[error("{name}: missing from the image")]
    MissingBlob {
        /// The member or blob path inside the image.
        name: String,
    },
    /// A digest string is not `algorithm:hex` with a known algorithm and the right length.
    #[error("{digest:?}: not a supported digest (only sha256 with 64 lowercase hex digits)")]
    InvalidDigest {
        /// The digest as written.
        digest: String,
    },
    /// A blob's content does not hash to the digest that names it: the image is corrupt or
    /// has been tampered with.
    #[error("{name}: digest mismatch: expected {expected}, got {actual}")]
    DigestMismatch {
        /// What was hashed (blob name, and `uncompressed` for a layer's diff id).
        name: String,
        /// The digest the manifest, index or config gives.
        expected: String,
        /// The digest of the bytes read.
        actual: String,
    },
    /// A blob's size does not match its descriptor.
    #[error("{name}: size mismatch: descriptor says {expected} bytes, blob has {actual}")]
    SizeMismatch {
        /// The blob name.
        name: String,
        /// The descriptor's size.
        expected: u64,
        /// The blob's size.
        actual: u64,
    },
    /// No image in the index or archive carries the reference asked for.
    #[error("no image {reference:?} here; available: {available:?}")]
    ImageNotFound {
        /// The reference asked for.
        reference: String,
        /// The references (names, tags, digests) that are there.
        available: Vec<String>,
    },
    /// Several images are there and no reference was given to pick one.
    #[error("several images here, pick one by reference: {available:?}")]
    AmbiguousImage {
        /// The references that are there.
        available: Vec<String>,
    },
    /// No manifest of the index is for the platform asked for.
    #[error("no image for platform {wanted}; available: {available:?}")]
    PlatformNotFound {
        /// The platform asked for (`os/architecture[/variant]`).
        wanted: String,
        /// The platforms that are there.
        available: Vec<String>,
    },
    /// A media type, tar entry type or feature this reader does not handle (an encrypted
    /// layer, a sparse file, a non-sha256 digest, ...).
    #[error("{name}: unsupported: {what}")]
    Unsupported {
        /// Where (blob, layer, entry).
        name: String,
        /// What is not supported.
        what: String,
    },
    /// A layer could not be read as a tar stream (bad header, truncated data, corrupt
    /// compression).
    #[error("layer {layer} ({name}): {source}")]
    Layer {
        /// Index of the layer, 0 at the bottom.
        layer: usize,
        /// The blob name.
        name: String,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// A tar entry would land outside the image root (a `..` component) or has an unusable
    /// name.
    #[error("layer {layer}, entry {entry:?} at offset {offset}: {reason}")]
    UnsafeEntry {
        /// Index of the layer, 0 at the bottom.
        layer: usize,
        /// The entry name as written in the archive.
        entry: String,
        /// Offset of the entry's header in the uncompressed layer.
        offset: u64,
        /// Why it was refused.
        reason: &'static str,
    },
    /// A hard link names an entry that does not exist (in this or a lower layer) or is a
    /// directory.
    #[error("layer {layer}, hard link {entry:?} -> {target:?}: {reason}")]
    HardLink {
        /// Index of the layer, 0 at the bottom.
        layer: usize,
        /// The link's name.
        entry: String,
        /// The name it links to.
        target: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// A configured limit ([`OciLimits`](crate::OciLimits)) was exceeded: a decompression bomb,
    /// too many entries, a huge extension header, too deep an index nesting.
    #[error("{name}: {what} exceeds the limit of {limit}")]
    LimitExceeded {
        /// Where (blob, layer, entry).
        name: String,
        /// Which limit.
        what: &'static str,
        /// The limit's value.
        limit: u64,
    },
}

impl OciError {
    /// An [`OciError::Io`] on `path`.
    pub(crate) fn io(path: impl Into<PathBuf>, source: io::Error) -> OciError {
        OciError::Io {
            path: path.into(),
            source,
        }
    }

    /// Carry this error in an `io::Error` of kind `InvalidData` (for readers).
    pub(crate) fn into_io(self) -> io::Error {
        match self {
            OciError::Io { source, .. } => source,
            other => io::Error::new(io::ErrorKind::InvalidData, other),
        }
    }
}
