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
//! headers (skipped), regular and GNU sparse (`S`) entries. Refused: a pax-format sparse
//! entry (`GNU.sparse.*` records), an archive without `disk.raw`.
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

/// Whether a pax extended header's records describe a sparse file (`GNU.sparse.*`).
pub(crate) fn pax_sparse(data: &[u8]) -> bool {
    data.windows(11).any(|w| w == b"GNU.sparse.")
}

/// The error for a `disk.raw` described by pax sparse records.
pub(crate) fn pax_sparse_refused() -> DiskError {
    DiskError::unsupported(
        LAYER,
        "disk.raw is a pax-format sparse file (GNU.sparse records); \
         repack it with tar --format=oldgnu -S",
    )
}

/// The error for an archive without `disk.raw`, naming the entries it has.
pub(crate) fn no_disk(names: &[String]) -> DiskError {
    DiskError::unsupported(
        LAYER,
        format!(
            "a tar archive without disk.raw (the GCP image layout); entries: [{}]",
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
    let mut end = 0u64;
    let mut total = 0u64;
    for &(offset, len) in &map {
        end = offset
            .checked_add(len)
            .filter(|&e| offset >= end && e <= size)
            .ok_or_else(|| {
                bad(
                    at + 386,
                    format!("sparse segment at {offset} of {len} bytes out of order or size"),
                )
            })?;
        // Sorted and disjoint inside `size` (checked just above): the sum is at most `size`.
        total += len;
    }
    // The segments' data is stored back to back, `stored` bytes in all.
    if total != stored {
        return Err(bad(
            at + 124,
            format!("sparse map of {total} bytes for {stored} stored bytes"),
        ));
    }
    Ok((size, map))
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
        let mut pax_sparse_next = false;
        let mut names = Vec::new();
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
            let name = long_name.take().unwrap_or_else(|| short_name(&h));
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
                        pax_sparse_next = pax_sparse(&data);
                    }
                }
                b'0' | 0 | b'S' => {
                    if is_disk(&name) {
                        if pax_sparse_next {
                            return Err(pax_sparse_refused());
                        }
                        return TarDisk::entry(file, at, &h, kind == b'S', size);
                    }
                    names.push(String::from_utf8_lossy(&name).into_owned());
                    pax_sparse_next = false;
                }
                _ => pax_sparse_next = false,
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
        Err(no_disk(&names))
    }

    /// The entry whose header `h` is at `at`: `stored` bytes of data after its headers.
    fn entry(
        file: Arc<dyn Device>,
        at: u64,
        h: &[u8; 512],
        sparse: bool,
        stored: u64,
    ) -> DResult<TarDisk> {
        let bad = |at: u64, what: String| DiskError::corrupt(LAYER, at, what);
        let mut data_at = at + 512;
        if !sparse {
            if data_at.checked_add(stored).is_none_or(|e| e > file.size()) {
                return Err(bad(
                    at,
                    "disk.raw extends past the end of the archive".into(),
                ));
            }
            return Ok(TarDisk {
                file,
                size: stored,
                segments: vec![Segment {
                    offset: 0,
                    len: stored,
                    stored: data_at,
                }],
            });
        }
        let (size, map) = gnu_sparse_map(h, at, stored, || {
            let mut e = [0u8; 512];
            file.read_at(data_at, &mut e)
                .map_err(|_| bad(data_at, "sparse header past the end".into()))?;
            data_at += 512;
            Ok((data_at - 512, e))
        })?;
        if data_at.checked_add(stored).is_none_or(|e| e > file.size()) {
            return Err(bad(
                at + 124,
                format!("sparse data of {stored} bytes past the archive's end"),
            ));
        }
        let mut segments = Vec::with_capacity(map.len());
        // Sums of lengths up to `stored`: in range, checked just above.
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
}
