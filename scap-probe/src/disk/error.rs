//! [`DiskError`]: why a disk image could not be opened or assembled.

use std::io;
use std::path::PathBuf;

/// Why a disk image could not be opened, or a structure inside it could not be read.
///
/// Every variant names the layer (`qcow2`, `gpt`, `ext4 on partition 2`, ...) and, where
/// there is one, the byte offset in that layer, so a report on a broken image says where.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DiskError {
    /// Reading the image file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The image file.
        path: PathBuf,
        /// What the OS said.
        #[source]
        source: io::Error,
    },
    /// A structure is inconsistent (a table pointing outside the image, a bad magic number,
    /// overlapping partitions, a loop).
    #[error("{layer}: at offset {offset}: {reason}")]
    Corrupt {
        /// Which layer (`qcow2`, `gpt`, `mbr`, `ext4 on partition 1`, ...).
        layer: String,
        /// Byte offset in that layer's address space.
        offset: u64,
        /// What is wrong.
        reason: String,
    },
    /// A valid feature this reader does not implement (an encrypted qcow2, a differencing VHD,
    /// a VMDK descriptor naming other files, ...).
    #[error("{layer}: unsupported: {what}")]
    Unsupported {
        /// Which layer.
        layer: String,
        /// The feature.
        what: String,
    },
    /// A qcow2 image that is an overlay over another image. The backing path is never
    /// opened: it is a path chosen by whoever made the image, outside the user's control.
    #[error(
        "qcow2: the image has a backing file {backing:?}, which is never followed; \
         flatten it first (qemu-img convert -O qcow2 IMAGE FLAT.qcow2)"
    )]
    BackingFile {
        /// The backing file name as stored in the image (at most 1023 bytes, lossy UTF-8).
        backing: String,
    },
    /// A size or count is over a bound (a table too large to hold, a chain too long).
    #[error("{what} exceeds the limit of {limit}")]
    LimitExceeded {
        /// What was counted.
        what: String,
        /// The bound.
        limit: u64,
    },
    /// No filesystem of the image holds `/etc/os-release` (or `/usr/lib/os-release`).
    #[error("no root filesystem (one with /etc/os-release) among the filesystems found: [{}]", found.join(", "))]
    NoRoot {
        /// The filesystems that were examined (`ext4 on partition 2`, ...).
        found: Vec<String>,
    },
}

impl DiskError {
    pub(crate) fn corrupt(
        layer: impl Into<String>,
        offset: u64,
        reason: impl Into<String>,
    ) -> Self {
        DiskError::Corrupt {
            layer: layer.into(),
            offset,
            reason: reason.into(),
        }
    }

    pub(crate) fn unsupported(layer: impl Into<String>, what: impl Into<String>) -> Self {
        DiskError::Unsupported {
            layer: layer.into(),
            what: what.into(),
        }
    }

    pub(crate) fn limit(what: impl Into<String>, limit: u64) -> Self {
        DiskError::LimitExceeded {
            what: what.into(),
            limit,
        }
    }
}

/// Result with [`DiskError`].
pub(crate) type DResult<T> = std::result::Result<T, DiskError>;
