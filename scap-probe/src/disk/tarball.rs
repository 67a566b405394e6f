//! The disk of a GCP image: `disk.raw` inside a tar archive, read in place.
//!
//! Google Compute Engine imports and exports images as `disk.raw` in a gzip-compressed tar
//! made with `tar --format=oldgnu -S`: the entry is a GNU sparse file, its data segments
//! stored one after another and described by a sparse map in the header (four segments,
//! then extension headers of 21 each). An uncompressed `.tar` is read in place: the entry's
//! segments are mapped onto the archive, the gaps between them read as zeros.
//!
//! A `.tar.gz` is refused with an error saying what to do (`gzip -dc IMAGE.tar.gz >
//! IMAGE.tar`), not read through and not decompressed to a temporary file, because:
//! gzip has no random access, and the filesystems are read in any order (a backward seek
//! would mean decompressing again from the start, minutes for each on a large disk); a
//! temporary copy would break the promise that opening an image writes nothing, in a place
//! the user did not choose, of a size known only once decompressed. The user's own
//! `gzip -d` costs the same disk space (the sparse `.tar` is the size of the data, not of
//! the disk), in a place they choose, once for every later scan.
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

const LAYER: &str = "tar";
const MAX_ENTRIES: usize = 10_000;
const MAX_SEGMENTS: usize = 1 << 20;
const MAX_EXTENSION: u64 = 1 << 20;
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

fn round512(n: u64) -> Option<u64> {
    n.checked_add(511).map(|n| n & !511)
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
        let mut pax_sparse = false;
        let mut names = Vec::new();
        for _ in 0..MAX_ENTRIES {
            let mut h = [0u8; 512];
            if at.checked_add(512).is_none_or(|e| e > file.size()) {
                break;
            }
            file.read_at(at, &mut h)?;
            if h.iter().all(|&b| b == 0) {
                break;
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
            let data_at = at + 512;
            let mut name = long_name.take().unwrap_or_else(|| {
                let n = &h[..100];
                n[..n.iter().position(|&b| b == 0).unwrap_or(100)].to_vec()
            });
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
                        pax_sparse = data.windows(11).any(|w| w == b"GNU.sparse.");
                    }
                }
                b'0' | 0 | b'S' => {
                    if let Some(stripped) = name.strip_prefix(b"./") {
                        name = stripped.to_vec();
                    }
                    if name == DISK_NAME {
                        if pax_sparse {
                            return Err(DiskError::unsupported(
                                LAYER,
                                "disk.raw is a pax-format sparse file (GNU.sparse records); \
                                 repack it with tar --format=oldgnu -S",
                            ));
                        }
                        return TarDisk::entry(file, at, &h, kind == b'S', size);
                    }
                    names.push(String::from_utf8_lossy(&name).into_owned());
                    pax_sparse = false;
                }
                _ => pax_sparse = false,
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
        Err(DiskError::unsupported(
            LAYER,
            format!(
                "a tar archive without disk.raw (the GCP image layout); entries: [{}]",
                names.join(", ")
            ),
        ))
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
            let mut e = [0u8; 512];
            file.read_at(data_at, &mut e)
                .map_err(|_| bad(data_at, "sparse header past the end".into()))?;
            for i in 0..21 {
                push(&e[i * 24..(i + 1) * 24], data_at)?;
            }
            ext = e[504] != 0;
            data_at += 512;
        }
        let mut segments = Vec::with_capacity(map.len());
        let mut stored_at = data_at;
        let mut end = 0u64;
        for (offset, len) in map {
            let seg_end = offset
                .checked_add(len)
                .filter(|&e| offset >= end && e <= size)
                .ok_or_else(|| {
                    bad(
                        at + 386,
                        format!("sparse segment at {offset} of {len} bytes out of order or size"),
                    )
                })?;
            end = seg_end;
            if len > 0 {
                segments.push(Segment {
                    offset,
                    len,
                    stored: stored_at,
                });
            }
            stored_at = stored_at
                .checked_add(len)
                .ok_or_else(|| bad(at, "sparse data overflows".into()))?;
        }
        // The segments' data is stored back to back, `stored` bytes in all.
        if stored_at - data_at != stored || stored_at > file.size() {
            return Err(bad(
                at + 124,
                format!(
                    "sparse map of {} bytes for {stored} stored bytes, or past the archive's end",
                    stored_at - data_at
                ),
            ));
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
