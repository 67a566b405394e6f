//! [`DiskLimits`]: what opening a disk image may cost beyond reading it, set by the caller.

use std::path::PathBuf;

/// Bounds on opening a disk image, for
/// [`DiskImage::open_with`](super::DiskImage::open_with).
///
/// Every container but one is read in place. The exception is a GCP image as shipped,
/// `disk.raw` in a gzip-compressed tar (`.tar.gz`): gzip has no random access, and the
/// filesystems are read in any order, so the stream is decompressed once, as it is read,
/// into an unnamed temporary file (deleted when the [`DiskImage`](super::DiskImage) is
/// dropped, or if the process dies, since it never had a name), which is then read as the
/// raw disk. These bounds say how much that may take.
///
/// ```
/// use scap_probe::DiskLimits;
/// let limits = DiskLimits::default()
///     .with_max_decompressed(20 << 30)
///     .with_temp_dir("/var/tmp");
/// assert_eq!(limits.max_decompressed, 20 << 30);
/// assert_eq!(DiskLimits::default().max_decompressed, DiskLimits::DEFAULT_MAX_DECOMPRESSED);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DiskLimits {
    /// The most bytes a compressed image may decompress to: the whole tar stream (headers,
    /// other entries, padding), and also the size of its `disk.raw`, which is the
    /// temporary file's length. Over it, opening stops with
    /// [`DiskError::LimitExceeded`](super::DiskError::LimitExceeded) naming this limit, so a
    /// gzip bomb is never decompressed further. Default
    /// [`DEFAULT_MAX_DECOMPRESSED`](DiskLimits::DEFAULT_MAX_DECOMPRESSED).
    ///
    /// The temporary file needs at most this much free space, and in practice only the
    /// size of the disk's data: it is sparse where `disk.raw` is a sparse tar entry (as GCP
    /// writes it) and wherever its data are whole 4 KiB blocks of zeros, which are skipped
    /// rather than written.
    pub max_decompressed: u64,
    /// The directory of the temporary file; `None` is [`std::env::temp_dir`] (`$TMPDIR`,
    /// else `/tmp`). Choose one on a disk with the space, not a small RAM-backed `/tmp`.
    pub temp_dir: Option<PathBuf>,
}

impl Default for DiskLimits {
    fn default() -> DiskLimits {
        DiskLimits {
            max_decompressed: DiskLimits::DEFAULT_MAX_DECOMPRESSED,
            temp_dir: None,
        }
    }
}

impl DiskLimits {
    /// The default of [`max_decompressed`](DiskLimits::max_decompressed): 64 GiB, above the
    /// disk sizes of the usual cloud images (10 to 50 GB), far below what a runaway stream
    /// could fill.
    pub const DEFAULT_MAX_DECOMPRESSED: u64 = 64 << 30;

    /// These limits with [`max_decompressed`](DiskLimits::max_decompressed) set to `bytes`.
    pub fn with_max_decompressed(mut self, bytes: u64) -> DiskLimits {
        self.max_decompressed = bytes;
        self
    }

    /// These limits with the temporary file in `dir`
    /// ([`temp_dir`](DiskLimits::temp_dir)).
    pub fn with_temp_dir(mut self, dir: impl Into<PathBuf>) -> DiskLimits {
        self.temp_dir = Some(dir.into());
        self
    }
}
