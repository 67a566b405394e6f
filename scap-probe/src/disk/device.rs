//! Block devices: a byte-addressed, read-only view of an image file, a partition, a
//! decoded qcow2. Every layer above reads through [`Device::read_at`], so no layer sees
//! the host file except through the image it was given.

use std::fs::File;
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::error::{DResult, DiskError};

/// A read-only device of `size` bytes. `Send + Sync` so a target can be shared between the
/// evaluator's threads: implementations read with `pread` or behind a lock.
pub(crate) trait Device: Send + Sync {
    /// Size in bytes.
    fn size(&self) -> u64;
    /// Fill `buf` from byte `offset`; a read past [`size`](Device::size) is
    /// [`DiskError::Corrupt`] (a structure pointing outside its container).
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> DResult<()>;
}

/// Check that `len` bytes from `offset` lie inside a device of `size` bytes.
pub(crate) fn check_range(name: &str, size: u64, offset: u64, len: usize) -> DResult<()> {
    let end = offset.checked_add(len as u64);
    match end {
        Some(end) if end <= size => Ok(()),
        _ => Err(DiskError::corrupt(
            name,
            offset,
            format!("read of {len} bytes past the end ({size} bytes)"),
        )),
    }
}

/// Reads `buf` from `offset` of a device made of `block`-byte units (clusters, blocks,
/// grains), one unit at a time through `read_in`, which gets each piece's address and the part
/// of `buf` inside that unit. `block` is non-zero (the readers check it on open).
pub(crate) fn read_by_block(
    offset: u64,
    buf: &mut [u8],
    block: u64,
    mut read_in: impl FnMut(u64, &mut [u8]) -> DResult<()>,
) -> DResult<()> {
    let mut done = 0usize;
    while done < buf.len() {
        let vaddr = offset + done as u64;
        let left = block - vaddr % block;
        let n = (buf.len() - done).min(usize::try_from(left).unwrap_or(usize::MAX));
        read_in(vaddr, &mut buf[done..done + n])?;
        done += n;
    }
    Ok(())
}

/// The image file itself, read with `pread` (no shared cursor, so no lock).
pub(crate) struct FileDevice {
    file: File,
    size: u64,
    path: PathBuf,
}

impl FileDevice {
    pub(crate) fn open(path: &Path) -> DResult<FileDevice> {
        let io = |source| DiskError::Io {
            path: path.into(),
            source,
        };
        // Non-blocking, so that a FIFO given as the image is refused below instead of waiting
        // for a writer (regular files ignore the flag); a terminal never becomes ours.
        let flags = rustix::fs::OFlags::NONBLOCK | rustix::fs::OFlags::NOCTTY;
        let file = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(i32::try_from(flags.bits()).unwrap_or(0))
            .open(path)
            .map_err(io)?;
        let meta = file.metadata().map_err(io)?;
        if !meta.is_file() {
            return Err(DiskError::Io {
                path: path.into(),
                source: std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "not a regular file (give the image file, not a device or directory)",
                ),
            });
        }
        Ok(FileDevice {
            file,
            size: meta.len(),
            path: path.into(),
        })
    }

    /// An open file of `size` bytes (the decompressed copy of a compressed image), named
    /// `path` in errors.
    pub(crate) fn from_file(file: File, size: u64, path: PathBuf) -> FileDevice {
        FileDevice { file, size, path }
    }
}

impl Device for FileDevice {
    fn size(&self) -> u64 {
        self.size
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> DResult<()> {
        check_range("image", self.size, offset, buf.len())?;
        self.file
            .read_exact_at(buf, offset)
            .map_err(|source| DiskError::Io {
                path: self.path.clone(),
                source,
            })
    }
}

/// An image held in memory (tests, fuzzing, an image fetched by the caller).
pub(crate) struct MemDevice(pub(crate) Vec<u8>);

impl Device for MemDevice {
    fn size(&self) -> u64 {
        self.0.len() as u64
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> DResult<()> {
        check_range("image", self.size(), offset, buf.len())?;
        // In range: checked just above.
        let at = offset as usize;
        buf.copy_from_slice(&self.0[at..at + buf.len()]);
        Ok(())
    }
}

/// `len` bytes of another device from `start`: a partition, or a fixed VHD without its
/// footer.
pub(crate) struct Slice {
    pub(crate) inner: Arc<dyn Device>,
    pub(crate) start: u64,
    pub(crate) len: u64,
    pub(crate) name: String,
}

impl Device for Slice {
    fn size(&self) -> u64 {
        self.len
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> DResult<()> {
        check_range(&self.name, self.len, offset, buf.len())?;
        // In range of the slice, and the slice was checked against the device when made.
        self.inner.read_at(self.start + offset, buf)
    }
}

/// Little-endian integers at an offset of a buffer; 0 past its end (callers size their
/// buffers for the structure they parse, so a short buffer only happens on a truncated
/// structure, which the checks after it reject).
pub(crate) fn le16(b: &[u8], at: usize) -> u16 {
    b.get(at..at.saturating_add(2))
        .map_or(0, |s| u16::from_le_bytes([s[0], s[1]]))
}

/// See [`le16`].
pub(crate) fn le32(b: &[u8], at: usize) -> u32 {
    b.get(at..at.saturating_add(4))
        .map_or(0, |s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// See [`le16`].
pub(crate) fn le64(b: &[u8], at: usize) -> u64 {
    u64::from(le32(b, at)) | (u64::from(le32(b, at.saturating_add(4))) << 32)
}

/// Big-endian (qcow2, VHD).
pub(crate) fn be32(b: &[u8], at: usize) -> u32 {
    b.get(at..at.saturating_add(4))
        .map_or(0, |s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

/// See [`be32`].
pub(crate) fn be64(b: &[u8], at: usize) -> u64 {
    (u64::from(be32(b, at)) << 32) | u64::from(be32(b, at.saturating_add(4)))
}

/// A UUID in its usual text form from 16 bytes as stored (ext4, XFS: big-endian fields).
pub(crate) fn uuid_text(b: &[u8]) -> String {
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    if h.len() != 32 {
        return h;
    }
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// A GPT GUID in text form: the first three fields are stored little-endian.
pub(crate) fn guid_text(b: &[u8]) -> String {
    if b.len() != 16 {
        return uuid_text(b);
    }
    let mut s = [0u8; 16];
    s.copy_from_slice(b);
    s[0..4].reverse();
    s[4..6].reverse();
    s[6..8].reverse();
    uuid_text(&s)
}
