//! What the assembly needs from a filesystem reader: lookups by *physical* path (no
//! symbolic link in any component but possibly the last, relative to that filesystem's
//! root), so the jail rules stay in one place ([`resolve`](crate::resolve())), applied
//! over the assembled tree, never inside a single filesystem.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::metadata::{DirEntry, Metadata};

/// A read-only filesystem inside the image.
pub(crate) trait Fs: Send + Sync {
    /// `lstat` of `path` (absolute within this filesystem).
    fn metadata(&self, path: &Path) -> Result<Metadata>;
    /// The entries of the directory `path`.
    fn read_dir(&self, path: &Path) -> Result<Vec<DirEntry>>;
    /// The target of the symbolic link `path`.
    fn read_link(&self, path: &Path) -> Result<PathBuf>;
    /// A reader of the regular file `path`.
    fn open(&self, path: &Path) -> Result<Box<dyn Read + Send>>;
    /// This filesystem as mounted with fstab `options`, where they change what it shows
    /// (FAT's `umask=`, `uid=`); `None`: the options change nothing here.
    fn remount(&self, _options: &[String]) -> Option<std::sync::Arc<dyn Fs>> {
        None
    }
}

/// Identity of a filesystem, what an fstab names it by.
#[derive(Debug, Clone, Default)]
pub(crate) struct FsInfo {
    /// `ext4`, `vfat`, ...
    pub(crate) kind: &'static str,
    /// `UUID=` value as blkid prints it.
    pub(crate) uuid: String,
    /// `LABEL=` value.
    pub(crate) label: String,
}

/// An error inside a filesystem's structures, as a target error naming the path asked for.
pub(crate) fn corrupt(path: &Path, layer: &str, what: impl std::fmt::Display) -> Error {
    Error::invalid_data(path, format!("{layer}: {what}"))
}
