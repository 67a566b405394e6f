//! A streaming tar reader (POSIX.1-2017 `pax` and `ustar`, GNU long names) with bounded
//! extension headers and exact offsets.
//!
//! Written here rather than taken from the `tar` crate because an image reader needs three
//! things that crate does not give: extension headers (PAX records, GNU long names) bounded in
//! size before they are read into memory, the offset of each entry's data in the uncompressed
//! stream (to read it again later), and forward skipping over a seekable archive. The `tar`
//! crate builds the archives of this module's tests, so the two check each other.

use std::ffi::{OsStr, OsString};
use std::io::{self, BufReader, Read};
use std::os::unix::ffi::OsStrExt;

use super::error::OciError;
use super::limits::OciLimits;

/// What a tar entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EntryKind {
    Regular,
    HardLink,
    Symlink,
    CharDevice,
    BlockDevice,
    Directory,
    Fifo,
    /// A type this reader does not apply (GNU volume headers, ...): skipped.
    Other(u8),
}

/// One entry, extension headers applied.
#[derive(Debug, Clone)]
pub(crate) struct TarEntry {
    pub(crate) name: Vec<u8>,
    pub(crate) link: Vec<u8>,
    pub(crate) kind: EntryKind,
    pub(crate) mode: u32,
    pub(crate) uid: u64,
    pub(crate) gid: u64,
    pub(crate) mtime: (i64, u32),
    pub(crate) atime: Option<(i64, u32)>,
    pub(crate) ctime: Option<(i64, u32)>,
    pub(crate) size: u64,
    pub(crate) dev_major: u32,
    pub(crate) dev_minor: u32,
    pub(crate) header_offset: u64,
    pub(crate) data_offset: u64,
    /// Extended attributes (name, value), from PAX `SCHILY.xattr.NAME` records (the keys GNU
    /// tar, Docker, BuildKit and podman write), in record order.
    pub(crate) xattrs: Vec<(OsString, Vec<u8>)>,
}

/// Forward skipping: by seeking where the source can, else by reading.
pub(crate) trait Skip: Read {
    /// Skip `n` bytes.
    fn skip(&mut self, n: u64) -> io::Result<()> {
        let got = io::copy(&mut self.take(n), &mut io::sink())?;
        if got != n {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        Ok(())
    }
}

impl Skip for Box<dyn Read + Send> {}
impl<R: Read> Skip for super::source::Bounded<R> {}
impl<R: Read> Skip for super::source::Hashing<R> {}
impl Skip for &[u8] {}

impl Skip for BufReader<std::fs::File> {
    fn skip(&mut self, n: u64) -> io::Result<()> {
        let n = i64::try_from(n).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
        self.seek_relative(n)
    }
}

/// Reads entries one by one; the data of the current entry may be read with
/// [`TarReader::read_data`] before asking for the next.
pub(crate) struct TarReader<R> {
    inner: R,
    limits: OciLimits,
    name: String,
    /// Bytes consumed from `inner`.
    pos: u64,
    /// Where the next header starts.
    next_header: u64,
    /// Unread data bytes of the current entry.
    data_left: u64,
    done: bool,
}

/// One parsed PAX record set.
#[derive(Default)]
struct Pax {
    path: Option<Vec<u8>>,
    linkpath: Option<Vec<u8>>,
    size: Option<u64>,
    uid: Option<u64>,
    gid: Option<u64>,
    mtime: Option<(i64, u32)>,
    atime: Option<(i64, u32)>,
    ctime: Option<(i64, u32)>,
    xattrs: Vec<(OsString, Vec<u8>)>,
}

fn round512(n: u64) -> Option<u64> {
    n.checked_add(511).map(|v| v & !511)
}

/// A numeric header field: octal text (NUL/space padded), or GNU base-256 (high bit set).
fn numeric(field: &[u8]) -> Option<u64> {
    if let Some((&first, rest)) = field.split_first()
        && first & 0x80 != 0
    {
        if first & 0x40 != 0 {
            return None; // negative
        }
        let mut v: u64 = u64::from(first & 0x3f);
        for &b in rest {
            v = v.checked_mul(256)?.checked_add(u64::from(b))?;
        }
        return Some(v);
    }
    let text: Vec<u8> = field
        .iter()
        .copied()
        .skip_while(|b| *b == b' ')
        .take_while(|b| *b != 0 && *b != b' ')
        .collect();
    if text.is_empty() {
        return Some(0);
    }
    let mut v: u64 = 0;
    for b in text {
        if !(b'0'..=b'7').contains(&b) {
            return None;
        }
        v = v.checked_mul(8)?.checked_add(u64::from(b - b'0'))?;
    }
    Some(v)
}

/// A NUL-terminated string field.
fn cstr(field: &[u8]) -> &[u8] {
    let end = field.iter().position(|b| *b == 0).unwrap_or(field.len());
    field.get(..end).unwrap_or_default()
}

/// A PAX time value: `[-]secs[.fraction]`; `None` if it is not one or does not fit an `i64`
/// of seconds (checked arithmetic: `-9223372036854775808` is the lowest that does).
fn pax_time(v: &[u8]) -> Option<(i64, u32)> {
    let s = std::str::from_utf8(v).ok()?;
    let (neg, s) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let (secs, frac) = s.split_once('.').unwrap_or((s, ""));
    if secs.starts_with(['+', '-']) {
        return None;
    }
    let secs: i128 = secs.parse().ok()?;
    let mut nanos: u32 = 0;
    let mut scale = 100_000_000u32;
    for c in frac.bytes().take(9) {
        if !c.is_ascii_digit() {
            return None;
        }
        nanos += u32::from(c - b'0') * scale;
        scale /= 10;
    }
    let (secs, nanos) = match (neg, nanos) {
        (false, _) => (secs, nanos),
        (true, 0) => (-secs, 0),
        // -1.25 is 1.25 s before the epoch: secs -2, nanos 0.75e9.
        (true, _) => (-secs - 1, 1_000_000_000 - nanos),
    };
    Some((i64::try_from(secs).ok()?, nanos))
}

impl<R: Skip> TarReader<R> {
    /// A reader over the tar stream `inner`; `name` says which stream in errors.
    pub(crate) fn new(inner: R, limits: OciLimits, name: String) -> TarReader<R> {
        TarReader {
            inner,
            limits,
            name,
            pos: 0,
            next_header: 0,
            data_left: 0,
            done: false,
        }
    }

    /// The stream, positioned after the last header or data read.
    pub(crate) fn into_inner(self) -> R {
        self.inner
    }

    fn err(&self, what: impl Into<String>) -> OciError {
        OciError::Layer {
            layer: 0,
            name: self.name.clone(),
            source: io::Error::new(io::ErrorKind::InvalidData, what.into()),
        }
    }

    fn io(&self, e: io::Error) -> OciError {
        // A limit hit below (decompression bomb) travels as InvalidData with an OciError in it.
        if e.get_ref().is_some_and(|inner| inner.is::<OciError>()) {
            if let Some(inner) = e.into_inner()
                && let Ok(oci) = inner.downcast::<OciError>()
            {
                return *oci;
            }
            return self.err("limit exceeded");
        }
        OciError::Layer {
            layer: 0,
            name: self.name.clone(),
            source: e,
        }
    }

    fn skip_to(&mut self, target: u64) -> Result<(), OciError> {
        if target > self.pos {
            let n = target - self.pos;
            self.inner.skip(n).map_err(|e| self.io(e))?;
            self.pos = target;
        }
        Ok(())
    }

    /// Read a 512-byte block; `None` at a clean end of stream.
    fn block(&mut self) -> Result<Option<[u8; 512]>, OciError> {
        let mut b = [0u8; 512];
        let mut got = 0;
        while got < 512 {
            let slot = b.get_mut(got..).unwrap_or_default();
            match self.inner.read(slot) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.io(e)),
            }
        }
        self.pos += got as u64;
        match got {
            0 => Ok(None),
            512 => Ok(Some(b)),
            _ => Err(self.err(format!(
                "truncated header at offset {}",
                self.pos - got as u64
            ))),
        }
    }

    /// Read `n` bytes of the current entry's data (extension headers, inline files).
    pub(crate) fn read_data(&mut self, n: u64) -> Result<Vec<u8>, OciError> {
        let n = n.min(self.data_left);
        let mut buf = Vec::with_capacity(usize::try_from(n.min(1 << 20)).unwrap_or(0));
        let got = (&mut self.inner)
            .take(n)
            .read_to_end(&mut buf)
            .map_err(|e| self.io(e))?;
        self.pos += got as u64;
        self.data_left -= got as u64;
        if (got as u64) < n {
            return Err(self.err("truncated entry data"));
        }
        Ok(buf)
    }

    fn extension(&mut self, size: u64, what: &'static str) -> Result<Vec<u8>, OciError> {
        if size > self.limits.max_header_size {
            return Err(OciError::LimitExceeded {
                name: self.name.clone(),
                what,
                limit: self.limits.max_header_size,
            });
        }
        self.read_data(size)
    }

    fn parse_pax(&self, data: &[u8], pax: &mut Pax) -> Result<(), OciError> {
        let mut rest = data;
        while !rest.is_empty() {
            let sp = rest
                .iter()
                .position(|b| *b == b' ')
                .ok_or_else(|| self.err("PAX record without a length"))?;
            let len: usize = std::str::from_utf8(rest.get(..sp).unwrap_or_default())
                .ok()
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| self.err("PAX record length is not a number"))?;
            let record = rest
                .get(sp + 1..len)
                .ok_or_else(|| self.err("PAX record length out of range"))?;
            rest = rest.get(len..).unwrap_or_default();
            let record = record
                .strip_suffix(b"\n")
                .ok_or_else(|| self.err("PAX record without a newline"))?;
            let eq = record
                .iter()
                .position(|b| *b == b'=')
                .ok_or_else(|| self.err("PAX record without '='"))?;
            let key = record.get(..eq).unwrap_or_default();
            let value = record.get(eq + 1..).unwrap_or_default();
            let num = |v: &[u8]| {
                std::str::from_utf8(v)
                    .ok()
                    .and_then(|s| s.parse::<u64>().ok())
                    .ok_or_else(|| self.err("PAX numeric value is not a number"))
            };
            let time = |v: &[u8]| pax_time(v).ok_or_else(|| self.err("PAX time is not a number"));
            match key {
                b"path" => pax.path = Some(value.to_vec()),
                b"linkpath" => pax.linkpath = Some(value.to_vec()),
                b"size" => pax.size = Some(num(value)?),
                b"uid" => pax.uid = Some(num(value)?),
                b"gid" => pax.gid = Some(num(value)?),
                b"mtime" => pax.mtime = Some(time(value)?),
                b"atime" => pax.atime = Some(time(value)?),
                b"ctime" => pax.ctime = Some(time(value)?),
                k if k.starts_with(b"SCHILY.xattr.") => {
                    let name = k.get(b"SCHILY.xattr.".len()..).unwrap_or_default();
                    if !name.is_empty() {
                        // A later record for the same name wins, as a later header field does.
                        pax.xattrs.retain(|(n, _)| n.as_bytes() != name);
                        pax.xattrs
                            .push((OsStr::from_bytes(name).to_owned(), value.to_vec()));
                    }
                }
                k if k.starts_with(b"GNU.sparse.") => {
                    return Err(OciError::Unsupported {
                        name: self.name.clone(),
                        what: "PAX sparse file".into(),
                    });
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The next entry (extension headers folded in), or `None` at the end of the archive.
    pub(crate) fn next_entry(&mut self) -> Result<Option<TarEntry>, OciError> {
        if self.done {
            return Ok(None);
        }
        let mut pax = Pax::default();
        let mut long_name: Option<Vec<u8>> = None;
        let mut long_link: Option<Vec<u8>> = None;
        let mut extensions = 0u32;
        loop {
            self.skip_to(self.next_header)?;
            let header_offset = self.pos;
            let Some(h) = self.block()? else {
                self.done = true;
                return if extensions > 0 {
                    Err(self.err("extension header at the end of the archive"))
                } else {
                    Ok(None)
                };
            };
            if h.iter().all(|b| *b == 0) {
                self.done = true;
                return Ok(None);
            }
            let field = |a: usize, b: usize| h.get(a..b).unwrap_or_default();
            let stored =
                numeric(field(148, 156)).ok_or_else(|| self.err("bad header checksum field"))?;
            let sum: u64 = h
                .iter()
                .enumerate()
                .map(|(i, b)| {
                    if (148..156).contains(&i) {
                        32
                    } else {
                        u64::from(*b)
                    }
                })
                .sum();
            let signed: i64 = h
                .iter()
                .enumerate()
                .map(|(i, b)| {
                    if (148..156).contains(&i) {
                        32
                    } else {
                        i64::from(*b as i8)
                    }
                })
                .sum();
            if stored != sum && i64::try_from(stored).ok() != Some(signed) {
                return Err(self.err(format!(
                    "header checksum mismatch at offset {header_offset}"
                )));
            }
            let typeflag = h.get(156).copied().unwrap_or(0);
            let mut size = numeric(field(124, 136)).ok_or_else(|| self.err("bad size field"))?;
            let ustar = field(257, 262) == b"ustar";
            let data_offset = self.pos;
            self.data_left = size;
            let overflow = self.err("entry size overflows");
            let advance = move |size: u64| {
                round512(size)
                    .and_then(|s| data_offset.checked_add(s))
                    .ok_or(overflow)
            };
            match typeflag {
                b'x' | b'g' | b'L' | b'K' => {
                    extensions += 1;
                    if extensions > 16 {
                        return Err(self.err("too many extension headers for one entry"));
                    }
                    self.next_header = advance(size)?;
                    let data = self.extension(size, "extension header size")?;
                    match typeflag {
                        b'x' => self.parse_pax(&data, &mut pax)?,
                        b'L' => long_name = Some(cstr(&data).to_vec()),
                        b'K' => long_link = Some(cstr(&data).to_vec()),
                        // Global PAX headers (`g`) set defaults this reader does not need.
                        _ => {}
                    }
                    continue;
                }
                b'S' => {
                    return Err(OciError::Unsupported {
                        name: self.name.clone(),
                        what: format!("GNU sparse file at offset {header_offset}"),
                    });
                }
                _ => {}
            }
            if let Some(s) = pax.size {
                size = s;
                self.data_left = s;
            }
            let mut name = match (pax.path.take(), long_name.take()) {
                (Some(p), _) | (None, Some(p)) => p,
                (None, None) => {
                    let base = cstr(field(0, 100));
                    let prefix = if ustar { cstr(field(345, 500)) } else { &[] };
                    if prefix.is_empty() {
                        base.to_vec()
                    } else {
                        let mut n = prefix.to_vec();
                        n.push(b'/');
                        n.extend_from_slice(base);
                        n
                    }
                }
            };
            let link = match (pax.linkpath.take(), long_link.take()) {
                (Some(p), _) | (None, Some(p)) => p,
                (None, None) => cstr(field(157, 257)).to_vec(),
            };
            if name.len() > self.limits.max_path_len || link.len() > self.limits.max_path_len {
                return Err(OciError::LimitExceeded {
                    name: self.name.clone(),
                    what: "entry name or link target length",
                    limit: self.limits.max_path_len as u64,
                });
            }
            let kind = match typeflag {
                0 | b'0' | b'7' if name.ends_with(b"/") => EntryKind::Directory,
                0 | b'0' | b'7' => EntryKind::Regular,
                b'1' => EntryKind::HardLink,
                b'2' => EntryKind::Symlink,
                b'3' => EntryKind::CharDevice,
                b'4' => EntryKind::BlockDevice,
                b'5' => EntryKind::Directory,
                b'6' => EntryKind::Fifo,
                other => EntryKind::Other(other),
            };
            // Links, devices and directories carry no data whatever the size field says
            // (POSIX: the size of a hard link may be nonzero only in pax archives, where it
            // still has no data in practice); only regular files and unknown types do.
            let has_data = matches!(kind, EntryKind::Regular | EntryKind::Other(_));
            if !has_data {
                size = 0;
                self.data_left = 0;
            }
            self.next_header = advance(size)?;
            while name.len() > 1 && name.ends_with(b"/") {
                name.pop();
            }
            let mtime = match pax.mtime {
                Some(t) => t,
                None => {
                    let m = numeric(field(136, 148)).ok_or_else(|| self.err("bad mtime field"))?;
                    (i64::try_from(m).unwrap_or(i64::MAX), 0)
                }
            };
            let num = |a, b, what: &str| {
                numeric(field(a, b)).ok_or_else(|| self.err(format!("bad {what} field")))
            };
            let mode = u32::try_from(num(100, 108, "mode")? & 0o7777).unwrap_or(0);
            let uid = match pax.uid {
                Some(u) => u,
                None => num(108, 116, "uid")?,
            };
            let gid = match pax.gid {
                Some(g) => g,
                None => num(116, 124, "gid")?,
            };
            let (dev_major, dev_minor) =
                if ustar && matches!(kind, EntryKind::CharDevice | EntryKind::BlockDevice) {
                    (
                        u32::try_from(num(329, 337, "devmajor")?).unwrap_or(0),
                        u32::try_from(num(337, 345, "devminor")?).unwrap_or(0),
                    )
                } else {
                    (0, 0)
                };
            return Ok(Some(TarEntry {
                name,
                link,
                kind,
                mode,
                uid,
                gid,
                mtime,
                atime: pax.atime,
                ctime: pax.ctime,
                size,
                dev_major,
                dev_minor,
                header_offset,
                data_offset,
                xattrs: std::mem::take(&mut pax.xattrs),
            }));
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn numeric_fields() {
        assert_eq!(numeric(b"0000644\0"), Some(0o644));
        assert_eq!(numeric(b"  755 \0"), Some(0o755));
        assert_eq!(numeric(b"\0\0\0"), Some(0));
        assert_eq!(numeric(&[0x80, 0, 0, 1, 0]), Some(256));
        assert_eq!(numeric(b"89"), None);
        assert_eq!(numeric(&[0xff, 0xff]), None);
    }

    #[test]
    fn pax_times() {
        assert_eq!(pax_time(b"10.5"), Some((10, 500_000_000)));
        assert_eq!(pax_time(b"-1.25"), Some((-2, 750_000_000)));
        assert_eq!(pax_time(b"7"), Some((7, 0)));
        assert_eq!(pax_time(b"x"), None);
        // The extremes of i64 seconds, and one past them: refused, not an overflow.
        assert_eq!(pax_time(b"-9223372036854775808"), Some((i64::MIN, 0)));
        assert_eq!(
            pax_time(b"9223372036854775807.5"),
            Some((i64::MAX, 500_000_000))
        );
        assert_eq!(pax_time(b"-9223372036854775808.5"), None);
        assert_eq!(pax_time(b"9223372036854775808"), None);
        assert_eq!(pax_time(b"--5"), None);
        assert_eq!(pax_time(b"-+5"), None);
        assert_eq!(pax_time(&[b'9'; 60]), None);
    }

    #[test]
    fn truncated_and_garbage_streams_are_errors() {
        let limits = OciLimits::default();
        let mut r = TarReader::new(&[1u8; 100][..], limits.clone(), "t".into());
        assert!(r.next_entry().is_err());
        let mut r = TarReader::new(&[7u8; 512][..], limits.clone(), "t".into());
        assert!(r.next_entry().is_err());
        let mut r = TarReader::new(&[][..], limits, "t".into());
        assert!(r.next_entry().unwrap().is_none());
    }
}
