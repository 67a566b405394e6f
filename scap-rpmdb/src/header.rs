//! The rpm header blob: an index of typed entries over a data store, as an installed-package
//! database keeps it (no lead, no magic: `il`, `dl`, `il` index entries, `dl` data bytes).
//!
//! Layout (rpm's file format documentation, "Header structure"): two big-endian `u32`s, the
//! index entry count `il` and the data length `dl`; `il` entries of 16 bytes (tag, type, offset
//! into the data, count); then the data. The first entry of a header read from a package is
//! usually a *region* tag (`HEADER_IMMUTABLE`, 63) whose data is a 16-byte trailer entry with a
//! negative offset `-16 * n`: the first `n` entries are the signed, immutable region; entries
//! after it were added at install time. Every offset, count and string is checked against the
//! blob before it is used, and nothing is allocated in proportion to a count the blob claims
//! without the bytes to back it.

use crate::Error;

/// Most index entries a header may have (rpm refuses more than 0xffff as well).
pub const MAX_ENTRIES: u32 = 0xffff;
/// Largest data store a header may have (rpm's own limit, 256 MiB).
pub const MAX_DATA: u32 = 0x0fff_ffff;

/// The region tags: an entry with one of these as the first index entry marks a region.
const REGION_TAGS: [u32; 3] = [61, 62, 63];

/// The type of a header entry's data (rpm's `rpmTagType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kind {
    /// 0: no data.
    Null,
    /// 1: `char`s.
    Char,
    /// 2: 8-bit integers.
    Int8,
    /// 3: big-endian 16-bit integers.
    Int16,
    /// 4: big-endian 32-bit integers.
    Int32,
    /// 5: big-endian 64-bit integers.
    Int64,
    /// 6: one NUL-terminated string.
    String,
    /// 7: opaque bytes.
    Bin,
    /// 8: NUL-terminated strings.
    StringArray,
    /// 9: translated strings (NUL-terminated, one per locale).
    I18nString,
}

impl Kind {
    fn from_u32(v: u32) -> Option<Kind> {
        Some(match v {
            0 => Kind::Null,
            1 => Kind::Char,
            2 => Kind::Int8,
            3 => Kind::Int16,
            4 => Kind::Int32,
            5 => Kind::Int64,
            6 => Kind::String,
            7 => Kind::Bin,
            8 => Kind::StringArray,
            9 => Kind::I18nString,
            _ => return None,
        })
    }

    /// Bytes per element for the fixed-size kinds.
    fn width(self) -> Option<usize> {
        match self {
            Kind::Null => Some(0),
            Kind::Char | Kind::Int8 | Kind::Bin => Some(1),
            Kind::Int16 => Some(2),
            Kind::Int32 => Some(4),
            Kind::Int64 => Some(8),
            Kind::String | Kind::StringArray | Kind::I18nString => None,
        }
    }
}

/// One index entry, checked: its data lies inside the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    tag: u32,
    kind: Kind,
    /// Start of the data in the store.
    start: usize,
    /// End (exclusive) of the data in the store.
    end: usize,
    count: u32,
}

/// A parsed header that borrows the blob.
///
/// ```
/// // il = 1, dl = 6: NAME (1000), STRING (6), offset 0, count 1, then "hello\0".
/// let mut blob = vec![0, 0, 0, 1, 0, 0, 0, 6];
/// blob.extend_from_slice(&[0, 0, 0x03, 0xe8, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0, 1]);
/// blob.extend_from_slice(b"hello\0");
/// let h = scap_rpmdb::Header::parse(&blob)?;
/// assert_eq!(h.string(1000), Some("hello"));
/// # Ok::<(), scap_rpmdb::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Header<'a> {
    entries: Vec<Entry>,
    /// The index entries as stored (16 bytes each), for [`Header::signed_region`].
    index: &'a [u8],
    data: &'a [u8],
    region: usize,
}

/// The header's immutable region laid out as the package file had it: the bytes rpm's header
/// digests (`SHA256HEADER`, `SHA1HEADER`) and header signatures (`RSAHEADER`, `DSAHEADER`)
/// cover, in three parts to be hashed in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignedRegion<'a> {
    /// The header magic (`8e ad e8 01`, four zero bytes), then the region's entry count and
    /// data length as big-endian `u32`s.
    pub preamble: [u8; 16],
    /// The region's index entries (16 bytes each), the region tag's first.
    pub index: &'a [u8],
    /// The region's data, up to and including its 16-byte trailer.
    pub data: &'a [u8],
}

/// The magic a header has in a package file (and not in a database): digests cover it.
const HEADER_MAGIC: [u8; 8] = [0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0];

/// `HEADER_IMMUTABLE`: the region tag of a header installed from a package.
const IMMUTABLE: u32 = 63;

fn be32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

fn herr(offset: usize, what: &'static str) -> Error {
    Error::Header { offset, what }
}

impl<'a> Header<'a> {
    /// Parse and check a header blob.
    ///
    /// # Errors
    /// [`Error::Header`] naming the byte offset and what is wrong: a count past the limits, an
    /// entry whose data leaves the store, an unknown type, a string without its NUL, a region
    /// trailer that does not fit.
    pub fn parse(blob: &'a [u8]) -> Result<Header<'a>, Error> {
        let il = be32(blob, 0).ok_or(herr(0, "shorter than the 8-byte preamble"))?;
        let dl = be32(blob, 4).ok_or(herr(4, "shorter than the 8-byte preamble"))?;
        if il == 0 || il > MAX_ENTRIES {
            return Err(herr(0, "index entry count is 0 or over 65535"));
        }
        if dl > MAX_DATA {
            return Err(herr(4, "data length over 256 MiB"));
        }
        // Both are bounded above, so this cannot overflow even on 32-bit targets.
        let index_end = 8 + il as usize * 16;
        let data_end = index_end + dl as usize;
        if blob.len() < data_end {
            return Err(herr(
                blob.len(),
                "shorter than its index and data length say",
            ));
        }
        let data = &blob[index_end..data_end];
        // `il` entries are backed by `il * 16` bytes that exist: the allocation is bounded by
        // the blob.
        let mut entries = Vec::with_capacity(il as usize);
        // Bytes of string data scanned for NULs, over all entries: entries do not overlap in a
        // real header, so past twice the store they overlap on purpose and the scans (65535
        // entries over the same megabytes) would be quadratic.
        let mut scanned = 0usize;
        for i in 0..il as usize {
            let at = 8 + i * 16;
            let field = |k: usize| be32(blob, at + k * 4).ok_or(herr(at, "truncated index entry"));
            let (tag, kind, offset, count) = (field(0)?, field(1)?, field(2)?, field(3)?);
            let kind = Kind::from_u32(kind).ok_or(herr(at + 4, "unknown entry type"))?;
            let start = offset as usize;
            if start > data.len() {
                return Err(herr(at + 8, "entry offset past the data store"));
            }
            let end = match kind.width() {
                Some(w) => (count as usize)
                    .checked_mul(w)
                    .and_then(|n| start.checked_add(n))
                    .filter(|&e| e <= data.len())
                    .ok_or(herr(at + 12, "entry data past the data store"))?,
                None => {
                    // `count` NUL-terminated strings; a string type claims exactly one.
                    if kind == Kind::String && count != 1 {
                        return Err(herr(at + 12, "string entry with a count other than 1"));
                    }
                    let mut end = start;
                    for _ in 0..count {
                        let nul = data[end..]
                            .iter()
                            .position(|&b| b == 0)
                            .ok_or(herr(index_end + end, "string without its NUL"))?;
                        end += nul + 1;
                    }
                    scanned += end - start;
                    if scanned > 2 * data.len() + 64 {
                        return Err(herr(at, "string entries overlap"));
                    }
                    end
                }
            };
            entries.push(Entry {
                tag,
                kind,
                start,
                end,
                count,
            });
        }
        let region = Self::region(&entries, data, index_end)?;
        Ok(Header {
            entries,
            index: &blob[8..index_end],
            data,
            region,
        })
    }

    /// The number of entries in the immutable region (0 when the header has none), checked
    /// against its trailer.
    fn region(entries: &[Entry], data: &[u8], index_end: usize) -> Result<usize, Error> {
        let Some(first) = entries.first() else {
            return Ok(0);
        };
        if !REGION_TAGS.contains(&first.tag) {
            return Ok(0);
        }
        if first.kind != Kind::Bin || first.count != 16 {
            return Err(herr(8, "region tag that is not a 16-byte trailer"));
        }
        let t = &data[first.start..first.end];
        let at = index_end + first.start;
        let (tag, offset) = (
            be32(t, 0).ok_or(herr(at, "truncated region trailer"))?,
            be32(t, 8).ok_or(herr(at, "truncated region trailer"))?,
        );
        // The trailer's offset is -(16 * entries in the region), as a two's-complement i32.
        let span = (offset as i32)
            .checked_neg()
            .filter(|s| *s > 0 && s % 16 == 0);
        let n = span.map(|s| s as usize / 16);
        match n {
            Some(n) if tag == first.tag && n <= entries.len() => Ok(n),
            _ => Err(herr(at, "region trailer does not match its region")),
        }
    }

    /// The size of the data store in bytes.
    pub fn data_len(&self) -> usize {
        self.data.len()
    }

    /// How many index entries the header has.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the header has no entries (never true for a parsed header: `il` is at least 1).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// How many of the entries, from the first, form the immutable (signed) region; 0 when the
    /// header has no region tag.
    pub fn region_len(&self) -> usize {
        self.region
    }

    /// The immutable region as it was signed, when the header has one (`HEADER_IMMUTABLE`):
    /// its entries are the first [`region_len`](Header::region_len) and its data ends with
    /// the trailer the region tag points at, as rpm rebuilds it to check a header read from
    /// a database.
    ///
    /// ```
    /// let db = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/rpmdb.sqlite"))?;
    /// let (_, blob) = &scap_rpmdb::read_blobs(scap_rpmdb::Format::Sqlite, &db, None)?[0];
    /// let h = scap_rpmdb::Header::parse(blob)?;
    /// let r = h.signed_region().expect("an installed package has one");
    /// assert_eq!(r.index.len(), 16 * h.region_len());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn signed_region(&self) -> Option<SignedRegion<'a>> {
        let first = self.entries.first()?;
        if self.region == 0 || first.tag != IMMUTABLE {
            return None;
        }
        // `region` was checked against the index, and the trailer's 16 bytes against the
        // store, when the header was parsed; `get` keeps a slip from being a panic.
        let index = self.index.get(..16 * self.region)?;
        let data = self.data.get(..first.end)?;
        let mut preamble = [0u8; 16];
        preamble[..8].copy_from_slice(&HEADER_MAGIC);
        preamble[8..12].copy_from_slice(&(self.region as u32).to_be_bytes());
        preamble[12..].copy_from_slice(&(data.len() as u32).to_be_bytes());
        Some(SignedRegion {
            preamble,
            index,
            data,
        })
    }

    /// The entry for `tag`. rpm reads a header's entries by tag, and an entry added at install
    /// time after the region does not replace one inside it, so the first is taken.
    fn entry(&self, tag: u32) -> Option<&Entry> {
        self.entries.iter().find(|e| e.tag == tag)
    }

    /// The tags present, in index order.
    pub fn tags(&self) -> impl Iterator<Item = u32> + '_ {
        self.entries.iter().map(|e| e.tag)
    }

    /// The raw bytes of a `BIN` (or any fixed-size) entry.
    pub fn bin(&self, tag: u32) -> Option<&'a [u8]> {
        let e = self.entry(tag)?;
        e.kind.width()?;
        Some(&self.data[e.start..e.end])
    }

    /// The first string of a `STRING`, `STRING_ARRAY` or `I18NSTRING` entry, if it is UTF-8.
    pub fn string(&self, tag: u32) -> Option<&'a str> {
        self.strings(tag)?.next()
    }

    /// Every string of a string entry. A string that is not UTF-8 comes back empty, so the
    /// strings keep their positions (file `i` of BASENAMES is file `i` of FILEMODES).
    pub fn strings(&self, tag: u32) -> Option<impl Iterator<Item = &'a str> + 'a> {
        let e = *self.entry(tag)?;
        if e.kind.width().is_some() {
            return None;
        }
        let bytes = &self.data[e.start..e.end];
        Some(
            bytes
                .split(|&b| b == 0)
                .take(e.count as usize)
                .map(|s| std::str::from_utf8(s).unwrap_or("")),
        )
    }

    /// The values of an integer entry (`INT8` to `INT64`, and `CHAR`), widened to `u64`.
    pub fn ints(&self, tag: u32) -> Option<impl Iterator<Item = u64> + 'a> {
        let e = *self.entry(tag)?;
        let w = match e.kind {
            Kind::Char | Kind::Int8 | Kind::Int16 | Kind::Int32 | Kind::Int64 => e.kind.width()?,
            _ => return None,
        };
        let bytes = &self.data[e.start..e.end];
        Some(
            bytes
                .chunks_exact(w)
                .map(|c| c.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b))),
        )
    }

    /// The first value of an integer entry.
    pub fn int(&self, tag: u32) -> Option<u64> {
        self.ints(tag)?.next()
    }

    /// The type of the entry for `tag`.
    pub fn kind(&self, tag: u32) -> Option<Kind> {
        self.entry(tag).map(|e| e.kind)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A blob from (tag, type, count, data) entries, in order, each at the next offset.
    pub(crate) fn blob(entries: &[(u32, u32, u32, &[u8])]) -> Vec<u8> {
        let mut index = Vec::new();
        let mut data = Vec::new();
        for (tag, kind, count, bytes) in entries {
            for v in [*tag, *kind, data.len() as u32, *count] {
                index.extend_from_slice(&v.to_be_bytes());
            }
            data.extend_from_slice(bytes);
        }
        let mut out = Vec::new();
        out.extend_from_slice(&(entries.len() as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend(index);
        out.extend(data);
        out
    }

    #[test]
    fn typed_values_come_back() {
        let b = blob(&[
            (1000, 6, 1, b"name\0"),
            (1117, 8, 2, b"a\0bc\0"),
            (1030, 3, 2, &[0x81, 0xa4, 0x41, 0xed]),
            (5008, 5, 1, &[0, 0, 0, 1, 0, 0, 0, 0]),
        ]);
        let h = Header::parse(&b).expect("well-formed blob");
        assert_eq!(h.string(1000), Some("name"));
        assert_eq!(
            h.strings(1117).expect("array").collect::<Vec<_>>(),
            ["a", "bc"]
        );
        assert_eq!(
            h.ints(1030).expect("int16").collect::<Vec<_>>(),
            [0o100644, 0o40755]
        );
        assert_eq!(h.int(5008), Some(1 << 32));
        assert_eq!(h.region_len(), 0);
        assert_eq!(h.string(9999), None);
        assert_eq!(h.int(1000), None, "a string is not an integer");
    }

    #[test]
    fn hostile_blobs_are_errors_naming_the_offset() {
        let good = blob(&[(1000, 6, 1, b"name\0")]);
        for cut in 0..good.len() {
            assert!(Header::parse(&good[..cut]).is_err(), "cut at {cut}");
        }
        // A count that would need 4 GiB of data.
        let huge = blob(&[(1030, 4, u32::MAX, &[0, 0, 0, 1])]);
        assert!(matches!(
            Header::parse(&huge),
            Err(Error::Header { offset: 20, .. })
        ));
        // A string array claiming more strings than NULs.
        let short = blob(&[(1117, 8, 3, b"a\0b\0")]);
        assert!(Header::parse(&short).is_err());
        let unknown = blob(&[(1000, 42, 1, b"x\0")]);
        assert!(matches!(
            Header::parse(&unknown),
            Err(Error::Header { offset: 12, .. })
        ));
    }

    #[test]
    fn overlapping_string_entries_are_refused_not_rescanned() {
        // 1000 string arrays all over the same 1000 NULs: a million bytes scanned for a 17 kB
        // blob, so the parser stops at the overlap.
        let nuls = vec![0u8; 1000];
        let mut entries: Vec<(u32, u32, u32, &[u8])> = vec![(1117, 8, 1000, &nuls)];
        entries.extend((0..999).map(|i| (2000 + i, 8, 1000, &[][..])));
        let b = blob(&entries);
        // Every entry after the first starts at the end of the data: point them at 0.
        let mut b = b;
        for i in 1..1000usize {
            let at = 8 + i * 16 + 8;
            b[at..at + 4].copy_from_slice(&0u32.to_be_bytes());
        }
        let e = Header::parse(&b).expect_err("overlap");
        assert!(e.to_string().contains("overlap"), "{e}");
    }

    #[test]
    fn a_region_trailer_is_checked() {
        let trailer = |n: i32| -> Vec<u8> {
            let mut t = Vec::new();
            for v in [63u32, 7, (-16 * n) as u32, 16] {
                t.extend_from_slice(&v.to_be_bytes());
            }
            t
        };
        let ok = trailer(2);
        let b = blob(&[(63, 7, 16, &ok), (1000, 6, 1, b"n\0")]);
        assert_eq!(Header::parse(&b).expect("region").region_len(), 2);
        let bad = trailer(5);
        let b = blob(&[(63, 7, 16, &bad), (1000, 6, 1, b"n\0")]);
        assert!(Header::parse(&b).is_err(), "a region longer than the index");
    }
}
