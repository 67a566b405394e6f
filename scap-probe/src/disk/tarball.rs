//! The disk of a GCP image: `disk.raw` inside a tar archive, read in place.
//!
//! Google Compute Engine imports and exports images as `disk.raw` in a gzip-compressed tar
//! made with `tar --format=oldgnu -S`: the entry is a GNU sparse file, its data segments
//! stored one after another and described by a sparse map in the header (four segments,
//! then extension headers of 21 each). An uncompressed `.tar` is read in place: the entry's
//! segments are mapped onto the archive, the gaps between them read as zeros. The
//! `.tar.gz` as shipped goes through `targz`, which decompresses it once into a temporary
//! file with the header parsing of this module.
//!
//! Read: ustar and GNU headers (octal and base-256 sizes), GNU long names (`L`), pax
//! headers (`path`, and the `GNU.sparse.*` records of sparse format 1.0, whose map opens
//! the entry's data: what `tar --format=pax -S` writes), regular, GNU sparse (`S`) and pax
//! sparse 1.0 entries. The disk is the entry named `disk.raw`, else the archive's only
//! regular file (links, devices and directories are never read). Refused: pax sparse
//! formats 0.0 and 0.1, an archive of several files none of them `disk.raw`.
//!
//! Bounds: at most [`MAX_ENTRIES`] entries scanned, [`MAX_SEGMENTS`] sparse segments, long
//! names and pax headers at most [`MAX_EXTENSION`] bytes; segments must be sorted, disjoint,
//! inside the disk's size and their data inside the archive.

use std::sync::Arc;

use super::device::{Device, check_range};
use super::error::{DResult, DiskError};

pub(crate) const LAYER: &str = "tar";
pub(crate) const MAX_ENTRIES: usize = 10_000;
const MAX_SEGMENTS: usize = 1 << 20;
pub(crate) const MAX_EXTENSION: u64 = 1 << 20;
/// The entry name GCP gives the disk.
const DISK_NAME: &[u8] = b"disk.raw";

/// Whether `head` (at least 512 bytes) is a tar header (ustar or GNU magic).
pub(crate) fn is_tar(head: &[u8]) -> bool {
    head.get(257..262) == Some(b"ustar")
}

/// A numeric header field: octal text, or base-256 when the first byte's high bit is set.
fn numeric(field: &[u8]) -> Option<u64> {
    if field.first().is_some_and(|b| b & 0x80 != 0) {
        let mut v: u64 = u64::from(field[0] & 0x7f);
        for &b in &field[1..] {
            v = v.checked_mul(256)?.checked_add(u64::from(b))?;
        }
        return Some(v);
    }
    let text: Vec<u8> = field
        .iter()
        .copied()
        .take_while(|&b| b != 0)
        .filter(|&b| b != b' ')
        .collect();
    if text.is_empty() {
        return Some(0);
    }
    u64::from_str_radix(std::str::from_utf8(&text).ok()?, 8).ok()
}

pub(crate) fn round512(n: u64) -> Option<u64> {
    n.checked_add(511).map(|n| n & !511)
}

/// What the archive readers need of one header block.
pub(crate) struct Header {
    /// The type flag (`0`, `S`, `L`, `x`, ...).
    pub(crate) kind: u8,
    /// The size field: bytes of data after the header (for a sparse entry, the data stored,
    /// not the file's size).
    pub(crate) size: u64,
    /// Whether GNU sparse extension headers follow (an `S` entry with more than four
    /// segments).
    pub(crate) extended: bool,
}

/// The header block `h` found at `at` of the archive, checksum checked; `None` for the
/// all-zero block that ends an archive.
pub(crate) fn header(h: &[u8; 512], at: u64) -> DResult<Option<Header>> {
    let bad = |at: u64, what: &str| DiskError::corrupt(LAYER, at, what.to_string());
    if h.iter().all(|&b| b == 0) {
        return Ok(None);
    }
    let sum: u64 = h
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                32
            } else {
                u64::from(b)
            }
        })
        .sum();
    if numeric(&h[148..156]) != Some(sum) {
        return Err(bad(at, "header checksum mismatch"));
    }
    let size = numeric(&h[124..136]).ok_or_else(|| bad(at + 124, "size field"))?;
    let kind = h[156];
    Ok(Some(Header {
        kind,
        size,
        extended: kind == b'S' && h[482] != 0,
    }))
}

/// The name field of a header (up to its NUL).
pub(crate) fn short_name(h: &[u8; 512]) -> Vec<u8> {
    let n = &h[..100];
    n[..n.iter().position(|&b| b == 0).unwrap_or(100)].to_vec()
}

/// Whether an entry's name is the disk's (`disk.raw`, `./disk.raw`).
pub(crate) fn is_disk(name: &[u8]) -> bool {
    name.strip_prefix(b"./").unwrap_or(name) == DISK_NAME
}

/// What a pax extended header (`x`) says of the entry after it, as far as the disk goes.
#[derive(Debug, Default)]
pub(crate) struct Pax {
    /// `path`: the entry's whole name (the header's own field may be cut short).
    pub(crate) path: Option<Vec<u8>>,
    /// GNU sparse format 1.0 (`GNU.sparse.major=1`, `minor=0`, what `tar --format=pax -S`
    /// writes): the file's name and real size; its map opens the entry's data.
    pub(crate) sparse1: Option<(Vec<u8>, u64)>,
    /// Other `GNU.sparse.*` records (formats 0.0 and 0.1), not read.
    pub(crate) sparse_other: bool,
}

impl Pax {
    /// The records of a pax header's data (`LEN KEY=VALUE\n` each, LEN counting the whole
    /// record), read from `at` of the archive.
    pub(crate) fn parse(data: &[u8], at: u64) -> DResult<Pax> {
        let bad = || DiskError::corrupt(LAYER, at, "pax header record");
        let (mut major, mut minor, mut name, mut real) = (None, None, None, None);
        let mut pax = Pax::default();
        let mut rest = data;
        // Trailing NULs pad some writers' headers.
        while rest.first().is_some_and(|&b| b != 0) {
            let space = rest.iter().position(|&b| b == b' ').ok_or_else(bad)?;
            let len: usize = std::str::from_utf8(&rest[..space])
                .ok()
                .and_then(|t| t.parse().ok())
                .filter(|&n| n > space + 1 && n <= rest.len())
                .ok_or_else(bad)?;
            let record = rest[space + 1..len].strip_suffix(b"\n").ok_or_else(bad)?;
            rest = &rest[len..];
            let eq = record.iter().position(|&b| b == b'=').ok_or_else(bad)?;
            let (key, value) = (&record[..eq], &record[eq + 1..]);
            let decimal = || -> Option<u64> { std::str::from_utf8(value).ok()?.parse().ok() };
            match key {
                b"path" => pax.path = Some(value.to_vec()),
                b"GNU.sparse.major" => major = decimal(),
                b"GNU.sparse.minor" => minor = decimal(),
                b"GNU.sparse.name" => name = Some(value.to_vec()),
                b"GNU.sparse.realsize" => real = decimal(),
                k if k.starts_with(b"GNU.sparse.") => pax.sparse_other = true,
                _ => {}
            }
        }
        match (major, minor, name, real) {
            (Some(1), Some(0), Some(name), Some(real)) => pax.sparse1 = Some((name, real)),
            (None, None, None, None) => {}
            _ => pax.sparse_other = true,
        }
        Ok(pax)
    }
}

/// The error for a `disk.raw` described by pax sparse records of a format other than 1.0.
pub(crate) fn pax_sparse_refused() -> DiskError {
    DiskError::unsupported(
        LAYER,
        "disk.raw is a pax sparse file of format 0.x (GNU.sparse.offset/numbytes or map \
         records); repack it with tar --format=oldgnu -S (or --format=pax -S, format 1.0)",
    )
}

/// The error for an archive with several files, none of them `disk.raw`, naming them.
pub(crate) fn no_disk(names: &[String]) -> DiskError {
    DiskError::unsupported(
        LAYER,
        format!(
            "a tar archive without disk.raw (the GCP image layout) or a single file to read \
             as the disk; entries: [{}]",
            names.join(", ")
        ),
    )
}

/// A GNU sparse entry's map: its real size and its `(offset, length)` segments, from the
/// header `h` at `at` and, while the extension flag is set, the extension blocks `next`
/// gives (each with where it is, for errors). Checked: at most [`MAX_SEGMENTS`], sorted,
/// disjoint, inside the real size, and their lengths adding up to `stored`, the entry's
/// size field.
pub(crate) fn gnu_sparse_map(
    h: &[u8; 512],
    at: u64,
    stored: u64,
    mut next: impl FnMut() -> DResult<(u64, [u8; 512])>,
) -> DResult<(u64, Vec<(u64, u64)>)> {
    let bad = |at: u64, what: String| DiskError::corrupt(LAYER, at, what);
    let size = numeric(&h[483..495]).ok_or_else(|| bad(at + 483, "real size".into()))?;
    let mut map = Vec::new();
    let mut push = |e: &[u8], at: u64| -> DResult<()> {
        let (o, n) = (numeric(&e[..12]), numeric(&e[12..24]));
        let (Some(o), Some(n)) = (o, n) else {
            return Err(bad(at, "sparse map entry".into()));
        };
        // GNU tar pads the map with zeroed entries.
        if e.iter().all(|&b| b == 0) {
            return Ok(());
        }
        if map.len() >= MAX_SEGMENTS {
            return Err(DiskError::limit("tar sparse segments", MAX_SEGMENTS as u64));
        }
        map.push((o, n));
        Ok(())
    };
    for i in 0..4 {
        push(&h[386 + i * 24..410 + i * 24], at + 386)?;
    }
    let mut ext = h[482] != 0;
    while ext {
        let (e_at, e) = next()?;
        for i in 0..21 {
            push(&e[i * 24..(i + 1) * 24], e_at)?;
        }
        ext = e[504] != 0;
    }
    check_map(&map, size, stored, at)?;
    Ok((size, map))
}

/// A pax sparse 1.0 entry's map, at the start of its data: decimal numbers one a line (the
/// count, then each segment's offset and length), padded to whole blocks. `next` gives the
/// data's blocks; `entry` is the entry's size field (map and data), `size` the file's real
/// size. Returns the map and the bytes it took, checked as [`gnu_sparse_map`]'s.
pub(crate) fn pax_sparse_map(
    size: u64,
    entry: u64,
    at: u64,
    mut next: impl FnMut() -> DResult<[u8; 512]>,
) -> DResult<(Vec<(u64, u64)>, u64)> {
    let bad = |what: &str| DiskError::corrupt(LAYER, at, format!("pax sparse map: {what}"));
    let mut numbers: Vec<u64> = Vec::new();
    let mut count: Option<u64> = None;
    let mut cur: Option<u64> = None;
    let mut used = 0u64;
    loop {
        if used.saturating_add(512) > entry {
            return Err(bad("longer than the entry"));
        }
        let block = next()?;
        used += 512;
        for &b in &block {
            match b {
                b'0'..=b'9' => {
                    let v = cur
                        .unwrap_or(0)
                        .checked_mul(10)
                        .and_then(|v| v.checked_add(u64::from(b - b'0')))
                        .ok_or_else(|| bad("number overflows"))?;
                    cur = Some(v);
                }
                b'\n' => {
                    let v = cur.take().ok_or_else(|| bad("empty line"))?;
                    match count {
                        None if v > MAX_SEGMENTS as u64 => {
                            return Err(DiskError::limit(
                                "tar sparse segments",
                                MAX_SEGMENTS as u64,
                            ));
                        }
                        None => count = Some(v),
                        Some(_) => numbers.push(v),
                    }
                }
                _ => return Err(bad("not a decimal number")),
            }
            // Bounded by MAX_SEGMENTS above.
            if count.is_some_and(|n| numbers.len() as u64 == 2 * n) {
                let map: Vec<(u64, u64)> = numbers.chunks(2).map(|p| (p[0], p[1])).collect();
                check_map(&map, size, entry - used, at)?;
                return Ok((map, used));
            }
        }
    }
}

/// Checks a sparse map: sorted, disjoint, inside `size`, its lengths adding up to `stored`
/// (the data stored after it).
fn check_map(map: &[(u64, u64)], size: u64, stored: u64, at: u64) -> DResult<()> {
    let bad = |at: u64, what: String| DiskError::corrupt(LAYER, at, what);
    let mut end = 0u64;
    let mut total = 0u64;
    for &(offset, len) in map {
        end = offset
            .checked_add(len)
            .filter(|&e| offset >= end && e <= size)
            .ok_or_else(|| {
                bad(
                    at,
                    format!("sparse segment at {offset} of {len} bytes out of order or size"),
                )
            })?;
        // Sorted and disjoint inside `size` (checked just above): the sum is at most `size`.
        total += len;
    }
    // The segments' data is stored back to back, `stored` bytes in all.
    if total != stored {
        return Err(bad(
            at,
            format!("sparse map of {total} bytes for {stored} stored bytes"),
        ));
    }
    Ok(())
}

/// One stored data segment: `len` bytes at `offset` of the disk, stored at `stored` in the
/// archive.
#[derive(Debug, Clone, Copy)]
struct Segment {
    offset: u64,
    len: u64,
    stored: u64,
}

/// `disk.raw` of a tar archive as a device.
pub(crate) struct TarDisk {
    file: Arc<dyn Device>,
    size: u64,
    segments: Vec<Segment>,
}

impl TarDisk {
    pub(crate) fn open(file: Arc<dyn Device>) -> DResult<TarDisk> {
        let bad = |at: u64, what: &str| DiskError::corrupt(LAYER, at, what.to_string());
        let mut at = 0u64;
        let mut long_name: Option<Vec<u8>> = None;
        let mut pax = Pax::default();
        let mut names = Vec::new();
        // The first regular entry, the disk if it is the only one.
        let mut first = None;
        for _ in 0..MAX_ENTRIES {
            let mut h = [0u8; 512];
            if at.checked_add(512).is_none_or(|e| e > file.size()) {
                break;
            }
            file.read_at(at, &mut h)?;
            let Some(Header { kind, size, .. }) = header(&h, at)? else {
                break;
            };
            let data_at = at + 512;
            match kind {
                b'L' | b'x' | b'g' => {
                    if size > MAX_EXTENSION {
                        return Err(DiskError::limit(
                            "tar extension header bytes",
                            MAX_EXTENSION,
                        ));
                    }
                    // Bounded just above.
                    let mut data = vec![0u8; size as usize];
                    file.read_at(data_at, &mut data)
                        .map_err(|_| bad(at, "extension header past the end"))?;
                    if kind == b'L' {
                        let end = data.iter().position(|&b| b == 0).unwrap_or(data.len());
                        data.truncate(end);
                        long_name = Some(data);
                    } else if kind == b'x' {
                        pax = Pax::parse(&data, data_at)?;
                    }
                }
                _ => {
                    let pending = std::mem::take(&mut pax);
                    let name = entry_name(&pending, long_name.take(), &h);
                    if matches!(kind, b'0' | 0 | b'S') {
                        if is_disk(&name) {
                            return TarDisk::entry(file, at, &h, kind, size, &pending);
                        }
                        if names.is_empty() {
                            first = Some((at, h, kind, size, pending));
                        }
                        names.push(String::from_utf8_lossy(&name).into_owned());
                    }
                }
            }
            // The next header: after the data (and, for a sparse entry, its extension
            // headers, which precede the data).
            let mut next = data_at;
            if kind == b'S' {
                let mut ext = h[482] != 0;
                while ext {
                    let mut e = [0u8; 512];
                    file.read_at(next, &mut e)
                        .map_err(|_| bad(next, "sparse header past the end"))?;
                    ext = e[504] != 0;
                    next += 512;
                }
            }
            at = round512(size)
                .and_then(|s| next.checked_add(s))
                .ok_or_else(|| bad(at + 124, "entry size overflows"))?;
        }
        match first {
            Some((at, h, kind, size, pax)) if names.len() == 1 => {
                TarDisk::entry(file, at, &h, kind, size, &pax)
            }
            _ => Err(no_disk(&names)),
        }
    }

    /// The entry of type `kind` whose header `h` is at `at`: `stored` bytes of data after
    /// its headers, sparse as its type or `pax` says.
    fn entry(
        file: Arc<dyn Device>,
        at: u64,
        h: &[u8; 512],
        kind: u8,
        stored: u64,
        pax: &Pax,
    ) -> DResult<TarDisk> {
        let bad = |at: u64, what: String| DiskError::corrupt(LAYER, at, what);
        let mut data_at = at + 512;
        // The real size, the map, and the bytes of data stored after the map.
        let (size, map, data_len) = if kind == b'S' {
            // The extension headers come before the data, outside the entry's size.
            let (size, map) = gnu_sparse_map(h, at, stored, || {
                let mut e = [0u8; 512];
                file.read_at(data_at, &mut e)
                    .map_err(|_| bad(data_at, "sparse header past the end".into()))?;
                data_at += 512;
                Ok((data_at - 512, e))
            })?;
            (size, map, stored)
        } else if pax.sparse_other {
            return Err(pax_sparse_refused());
        } else if let Some((_, size)) = pax.sparse1 {
            let mut block_at = data_at;
            let (map, used) = pax_sparse_map(size, stored, at, || {
                let mut e = [0u8; 512];
                file.read_at(block_at, &mut e)
                    .map_err(|_| bad(block_at, "sparse map past the end".into()))?;
                block_at += 512;
                Ok(e)
            })?;
            // The map is inside the entry, at most its size (checked as it was read).
            data_at += used;
            (size, map, stored - used)
        } else {
            (stored, vec![(0, stored)], stored)
        };
        if data_at
            .checked_add(data_len)
            .is_none_or(|e| e > file.size())
        {
            return Err(bad(
                at + 124,
                format!("disk.raw's {data_len} bytes of data extend past the archive's end"),
            ));
        }
        let mut segments = Vec::with_capacity(map.len());
        // The lengths add up to `data_len` (checked by the map readers): in range.
        let mut stored_at = data_at;
        for (offset, len) in map {
            if len > 0 {
                segments.push(Segment {
                    offset,
                    len,
                    stored: stored_at,
                });
            }
            stored_at += len;
        }
        Ok(TarDisk {
            file,
            size,
            segments,
        })
    }
}

/// An entry's name: a pax sparse file's real name, else the pax `path`, else a GNU long
/// name, else the header's own.
pub(crate) fn entry_name(pax: &Pax, long_name: Option<Vec<u8>>, h: &[u8; 512]) -> Vec<u8> {
    if let Some((name, _)) = &pax.sparse1 {
        return name.clone();
    }
    pax.path
        .clone()
        .or(long_name)
        .unwrap_or_else(|| short_name(h))
}

impl Device for TarDisk {
    fn size(&self) -> u64 {
        self.size
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> DResult<()> {
        check_range(LAYER, self.size, offset, buf.len())?;
        let mut done = 0usize;
        while done < buf.len() {
            // In range: checked above.
            let at = offset + done as u64;
            let want = buf.len() - done;
            let i = self.segments.partition_point(|s| s.offset + s.len <= at);
            let n = match self.segments.get(i) {
                Some(s) if s.offset <= at => {
                    let n = want.min(usize::try_from(s.offset + s.len - at).unwrap_or(usize::MAX));
                    self.file
                        .read_at(s.stored + (at - s.offset), &mut buf[done..done + n])?;
                    n
                }
                next => {
                    // A gap: zeros up to the next segment (or the end).
                    let gap = next.map_or(u64::MAX, |s| s.offset - at);
                    let n = want.min(usize::try_from(gap).unwrap_or(usize::MAX));
                    buf[done..done + n].fill(0);
                    n
                }
            };
            done += n;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_fields() {
        assert_eq!(numeric(b"0000644\0"), Some(0o644));
        assert_eq!(numeric(b"  17 \0"), Some(0o17));
        assert_eq!(numeric(&[0x80, 0, 0, 1, 0]), Some(256));
        assert_eq!(numeric(&[0xff; 12]), None);
        assert_eq!(numeric(b"9\0"), None);
    }

    #[test]
    fn pax_records() {
        let v1 = b"22 GNU.sparse.major=1\n22 GNU.sparse.minor=0\n\
                   28 GNU.sparse.name=disk.raw\n30 GNU.sparse.realsize=557056\n\0\0";
        let p = Pax::parse(v1, 0).unwrap();
        assert_eq!(p.sparse1, Some((b"disk.raw".to_vec(), 557_056)));
        assert!(!p.sparse_other);
        // Format 0.1 (a map record, no major/minor): not read, said so.
        let p = Pax::parse(b"24 GNU.sparse.map=0,512\n", 0).unwrap();
        assert!(p.sparse_other && p.sparse1.is_none());
        let p = Pax::parse(b"16 path=a/b/c.d\n", 0).unwrap();
        assert_eq!(p.path.as_deref(), Some(&b"a/b/c.d"[..]));
        // Lengths that do not frame a record: typed errors.
        for bad in [
            &b"99 path=x\n"[..],
            b"3 path=x\n",
            b"x path=x\n",
            b"9 pathx=\n\n",
        ] {
            assert!(
                Pax::parse(bad, 7).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn pax_sparse_maps() {
        let block = |text: &[u8]| {
            let mut b = [0u8; 512];
            b[..text.len()].copy_from_slice(text);
            b
        };
        let read = |text: &[u8], size: u64, entry: u64| {
            let b = block(text);
            pax_sparse_map(size, entry, 0, || Ok(b))
        };
        let (map, used) = read(b"2\n0\n10\n100\n5\n", 200, 512 + 15).unwrap();
        assert_eq!(map, [(0, 10), (100, 5)]);
        assert_eq!(used, 512);
        // Lengths not adding up to the data after the map, overlapping, past the size, a
        // map longer than the entry, a count over the bound, junk: errors.
        assert!(read(b"2\n0\n10\n100\n5\n", 200, 512 + 16).is_err());
        assert!(read(b"2\n0\n10\n5\n5\n", 200, 512 + 15).is_err());
        assert!(read(b"1\n0\n300\n", 200, 512 + 300).is_err());
        assert!(read(b"1\n", 200, 512).is_err());
        assert!(read(b"99999999999\n", 200, 1 << 40).is_err());
        assert!(read(b"1\n0x\n", 200, 1024).is_err());
    }
}
