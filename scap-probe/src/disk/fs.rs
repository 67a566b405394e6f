//! What the assembly needs from a filesystem reader: lookups by *physical* path (no
//! symbolic link in any component but possibly the last, relative to that filesystem's
//! root), so the jail rules stay in one place ([`resolve`](crate::resolve())), applied
//! over the assembled tree, never inside a single filesystem.
//!
//! Also what the extent-based readers (ext4, XFS) share: block runs and reading through
//! them ([`read_runs`], [`RunReader`]), directory entries and path lookup ([`lookup`]), so
//! the overflow checks on values read from the image live in one place.

use std::io::Read;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::metadata::{DirEntry, FileType, Metadata};

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

/// A contiguous piece of a file, shared by the extent-based readers (ext4, XFS): `len`
/// blocks from logical block `logical`, stored from byte `physical` of the device; `zero`
/// for an unwritten extent (reads as zeros). Values come from the image: every sum and
/// product over them below is checked or saturating, so a hostile extent near `u64::MAX`
/// reads as a hole or an out-of-range error, never an overflow.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Run {
    pub(crate) logical: u64,
    pub(crate) physical: u64,
    pub(crate) len: u64,
    pub(crate) zero: bool,
}

impl Run {
    /// The first logical block after the run (saturating: a run reaching past `u64::MAX`
    /// ends there).
    fn end(&self) -> u64 {
        self.logical.saturating_add(self.len)
    }
}

/// One directory entry as the readers cache it; `I` is the inode number type.
pub(crate) struct Entry<I> {
    pub(crate) name: Vec<u8>,
    pub(crate) ino: I,
    pub(crate) file_type: FileType,
}

/// Fill `buf` from byte `pos` of a file made of `runs` (sorted by `logical`; a hostile image
/// may make them overlap, which reads as holes, never as a panic). `name` is the layer for
/// errors.
pub(crate) fn read_runs(
    dev: &dyn super::device::Device,
    name: &str,
    block_size: u64,
    path: &Path,
    runs: &[Run],
    pos: u64,
    buf: &mut [u8],
) -> Result<()> {
    if block_size == 0 {
        return Err(corrupt(path, name, "block size 0"));
    }
    let to_usize = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
    if pos.checked_add(buf.len() as u64).is_none() {
        return Err(corrupt(path, name, "read past the largest offset"));
    }
    let mut done = 0usize;
    while done < buf.len() {
        // No overflow: checked for the whole buffer above.
        let at = pos + done as u64;
        let block = at / block_size;
        let within = at % block_size;
        let i = runs.partition_point(|r| r.end() <= block);
        let want = buf.len() - done;
        // How many bytes to take from here, and from where (`None`: zeros).
        let (n, from) = match runs.get(i) {
            Some(r) if r.logical <= block && block < r.end() => {
                // Bytes left in the run from `at`; at least one (block < end).
                let left = (r.end() - block)
                    .saturating_mul(block_size)
                    .saturating_sub(within);
                let phys = if r.zero {
                    None
                } else {
                    let p = (block - r.logical)
                        .checked_mul(block_size)
                        .and_then(|o| o.checked_add(r.physical))
                        .and_then(|o| o.checked_add(within))
                        .ok_or_else(|| corrupt(path, name, "block out of range"))?;
                    Some(p)
                };
                (want.min(to_usize(left)), phys)
            }
            // Overlapping runs (the search assumes disjoint ones): a hole to the block's end.
            Some(r) if r.logical <= block => (want.min(to_usize(block_size - within)), None),
            // A hole up to the next run (or the end).
            next => {
                let left = next.map_or(u64::MAX, |r| {
                    (r.logical - block)
                        .saturating_mul(block_size)
                        .saturating_sub(within)
                });
                (want.min(to_usize(left)), None)
            }
        };
        // n >= 1 in every arm (a run holds `block`, or the next starts after it), so the
        // loop advances.
        let n = n.max(1);
        match from {
            Some(phys) => dev
                .read_at(phys, &mut buf[done..done + n])
                .map_err(|e| corrupt(path, name, e))?,
            None => buf[done..done + n].fill(0),
        }
        done += n;
    }
    Ok(())
}

/// The inode number at physical `path`, from `root`, listing each directory with `dir`
/// (entries sorted by name).
pub(crate) fn lookup<I: Copy>(
    path: &Path,
    root: I,
    mut dir: impl FnMut(I) -> Result<std::sync::Arc<Vec<Entry<I>>>>,
) -> Result<I> {
    use std::path::Component;
    let mut ino = root;
    for c in path.components() {
        match c {
            Component::RootDir | Component::CurDir => {}
            Component::Normal(name) => {
                let d = dir(ino)?;
                let name = name.as_encoded_bytes();
                match d.binary_search_by(|e| e.name.as_slice().cmp(name)) {
                    Ok(i) => ino = d[i].ino,
                    Err(_) => return Err(Error::NotFound { path: path.into() }),
                }
            }
            // Physical paths have no `..` (the resolver removed them).
            _ => {
                return Err(Error::InvalidPath {
                    path: path.into(),
                    reason: "not a physical path",
                });
            }
        }
    }
    Ok(ino)
}

/// A directory's entries as the target returns them.
pub(crate) fn list<I>(dir: &[Entry<I>]) -> Vec<DirEntry> {
    dir.iter()
        .map(|e| DirEntry {
            name: std::ffi::OsString::from_vec(e.name.clone()),
            file_type: e.file_type,
        })
        .collect()
}

/// A streamed regular file of an extent-based filesystem: its runs, or its bytes when
/// stored inside the inode (`inline`).
pub(crate) struct RunReader {
    pub(crate) dev: std::sync::Arc<dyn super::device::Device>,
    pub(crate) name: String,
    pub(crate) block_size: u64,
    pub(crate) path: PathBuf,
    pub(crate) runs: Vec<Run>,
    pub(crate) inline: Option<Vec<u8>>,
    pub(crate) size: u64,
    pub(crate) pos: u64,
}

impl Read for RunReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let left = self.size.saturating_sub(self.pos);
        if left == 0 || buf.is_empty() {
            return Ok(0);
        }
        // At most 1 MiB per call keeps a huge `buf` from meaning one huge device read.
        let n = buf
            .len()
            .min(usize::try_from(left).unwrap_or(usize::MAX))
            .min(1 << 20);
        if let Some(data) = &self.inline {
            let at = usize::try_from(self.pos).unwrap_or(usize::MAX);
            let Some(src) = data.get(at..at.saturating_add(n)) else {
                return Ok(0);
            };
            buf[..n].copy_from_slice(src);
        } else {
            read_runs(
                &*self.dev,
                &self.name,
                self.block_size,
                &self.path,
                &self.runs,
                self.pos,
                &mut buf[..n],
            )
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))?;
        }
        self.pos += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::super::device::MemDevice;
    use super::*;

    fn run(logical: u64, physical: u64, len: u64) -> Run {
        Run {
            logical,
            physical,
            len,
            zero: false,
        }
    }

    #[test]
    fn runs_read_data_and_holes() {
        let dev = MemDevice((0..=255u8).cycle().take(4096).collect());
        // Blocks of 16 bytes: logical 1 at byte 32, logical 3..5 at byte 100.
        let runs = [run(1, 32, 1), run(3, 100, 2)];
        let mut buf = vec![0xAAu8; 80];
        read_runs(&dev, "t", 16, Path::new("/f"), &runs, 0, &mut buf).unwrap();
        assert_eq!(&buf[..16], &[0u8; 16]);
        assert_eq!(buf[16..32], (32..48).collect::<Vec<u8>>()[..]);
        assert_eq!(&buf[32..48], &[0u8; 16]);
        assert_eq!(buf[48..80], (100..132).collect::<Vec<u8>>()[..]);
    }

    /// Extents whose ends would overflow `u64` (the review finding on ext4's
    /// `logical + len`): a hole or a typed error, never a panic.
    #[test]
    fn hostile_extent_near_u64_max() {
        let dev = MemDevice(vec![7u8; 4096]);
        let path = Path::new("/f");
        let runs = [run(u64::MAX - 1, 0, u64::MAX)];
        let mut buf = [1u8; 64];
        // Before the run: a hole.
        read_runs(&dev, "t", 4096, path, &runs, 0, &mut buf).unwrap();
        assert_eq!(buf, [0u8; 64]);
        // Inside it, the physical offset overflows: an error naming the file.
        let at = (u64::MAX - 1) / 4096 * 4096;
        let runs = [run(at / 4096, u64::MAX - 10, u64::MAX)];
        let e = read_runs(&dev, "t", 4096, path, &runs, at + 100, &mut buf).unwrap_err();
        assert!(e.to_string().contains("/f: t: block out of range"), "{e}");
        // A read whose position overflows (inside a hole: no run at all).
        let e = read_runs(&dev, "t", 4096, path, &[], u64::MAX - 4, &mut buf).unwrap_err();
        assert!(e.to_string().contains("largest offset"), "{e}");
        // Overlapping runs read as holes.
        let runs = [run(0, 0, 4), run(1, 8, u64::MAX)];
        let mut buf = [1u8; 8];
        read_runs(&dev, "t", 4, path, &runs, 0, &mut buf).unwrap();
    }
}
