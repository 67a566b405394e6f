//! A read-only scan of one table of an SQLite 3 database file: what rpm 4.16+ keeps in
//! `rpmdb.sqlite` (table `Packages(hnum INTEGER PRIMARY KEY, blob BLOB)`).
//!
//! Written from the file format's documentation (sqlite.org, "Database File Format"): the
//! 100-byte header (page size, usable size, page count), table b-tree pages (interior 0x05,
//! leaf 0x0d) walked from the root page named in `sqlite_schema`, cells with varint payload
//! sizes and rowids, payloads that spill into overflow page chains (the local part computed
//! from the usable size as section 1.6 says), records (a header of serial types, then values),
//! and the write-ahead log (`rpmdb.sqlite-wal`, section 4): committed frames, whose salts and
//! running checksums match, replace the pages they carry, so a database that rpm left in WAL
//! mode reads as rpm would see it.
//!
//! Why not rusqlite: its `bundled` build compiles the SQLite C library (a C toolchain in every
//! build, a `build.rs` and unsafe FFI under a `forbid(unsafe_code)` workspace), and a scan of
//! one table is a few hundred lines of safe, bounds-checked, fuzzable Rust over bytes.
//!
//! Every page number, offset, length and chain is checked; a page is visited at most once per
//! scan (a cycle in a corrupt b-tree ends with an error, not a loop); a payload is never larger
//! than the file that would hold it.

use std::collections::HashMap;

use crate::Error;

/// The 16-byte magic at the start of every SQLite 3 database.
pub const MAGIC: &[u8; 16] = b"SQLite format 3\0";

fn err(page: u32, what: &'static str) -> Error {
    Error::Sqlite { page, what }
}

/// What [`Database::scan`] calls for each row: the rowid and the record payload.
pub type Visit<'v> = dyn FnMut(i64, &[u8]) -> Result<(), Error> + 'v;

/// A database file (and its WAL, if any) opened for reading.
#[derive(Debug)]
pub struct Database<'a> {
    file: &'a [u8],
    page_size: usize,
    usable: usize,
    page_count: u32,
    /// Pages the write-ahead log replaces, by page number.
    wal: HashMap<u32, &'a [u8]>,
}

/// One row of a table: its rowid and its column values.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// NULL (also the column that aliases the rowid).
    Null,
    /// An integer.
    Int(i64),
    /// A floating-point number.
    Real(f64),
    /// TEXT, as the bytes stored (UTF-8 in rpm's databases).
    Text(Vec<u8>),
    /// A BLOB.
    Blob(Vec<u8>),
}

impl<'a> Database<'a> {
    /// Open a database file; `wal` is the content of its `-wal` file when there is one.
    ///
    /// # Errors
    /// [`Error::Sqlite`] when the header is not an SQLite 3 header or its page size is invalid.
    /// A WAL that is not valid is ignored, as SQLite ignores it.
    pub fn open(file: &'a [u8], wal: Option<&'a [u8]>) -> Result<Database<'a>, Error> {
        if file.get(..16) != Some(&MAGIC[..]) {
            return Err(err(1, "not an SQLite 3 database (magic)"));
        }
        let hdr = file.get(..100).ok_or(err(1, "truncated database header"))?;
        let raw = usize::from(u16::from_be_bytes([hdr[16], hdr[17]]));
        let page_size = if raw == 1 { 65536 } else { raw };
        if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
            return Err(err(1, "invalid page size"));
        }
        let reserved = usize::from(hdr[20]);
        let usable = page_size - reserved;
        if usable < 480 {
            return Err(err(1, "usable page size under 480"));
        }
        if be32(hdr, 56) > 1 {
            return Err(err(1, "text encoding is not UTF-8"));
        }
        let in_file = (file.len() / page_size).min(u32::MAX as usize) as u32;
        let mut db = Database {
            file,
            page_size,
            usable,
            page_count: in_file,
            wal: HashMap::new(),
        };
        if let Some(wal) = wal {
            db.apply_wal(wal);
        }
        Ok(db)
    }

    /// Read the committed frames of a WAL; stop at the first frame whose salt or checksum does
    /// not continue the chain (what SQLite does on recovery).
    fn apply_wal(&mut self, wal: &'a [u8]) {
        let Some(h) = wal.get(..32) else { return };
        let magic = be32(h, 0);
        if magic & !1 != 0x377f_0682 || be32(h, 8) as usize != self.page_size {
            return;
        }
        let big = magic & 1 == 1;
        let (salt1, salt2) = (be32(h, 16), be32(h, 20));
        let mut sum = checksum(big, (0, 0), &h[..24]);
        if sum != (be32(h, 24), be32(h, 28)) {
            return;
        }
        let mut pending: Vec<(u32, &'a [u8])> = Vec::new();
        let mut at = 32;
        let frame = 24 + self.page_size;
        while let Some(f) = wal.get(at..at + frame) {
            let (pgno, commit) = (be32(f, 0), be32(f, 4));
            if be32(f, 8) != salt1 || be32(f, 12) != salt2 || pgno == 0 {
                break;
            }
            sum = checksum(big, sum, &f[..8]);
            sum = checksum(big, sum, &f[24..]);
            if sum != (be32(f, 16), be32(f, 20)) {
                break;
            }
            pending.push((pgno, &f[24..]));
            if commit != 0 {
                // A commit frame: everything up to here is committed.
                self.wal.extend(pending.drain(..));
                // The size is the frame's word; it cannot name more pages than the file and
                // the log hold (a hostile size would otherwise size the visited set).
                let held = (self.file.len() / self.page_size + wal.len() / frame) as u64;
                self.page_count = u64::from(commit).min(held) as u32;
            }
            at += frame;
        }
    }

    /// Page `n` (1-based), from the WAL if it replaces it.
    fn page(&self, n: u32) -> Result<&'a [u8], Error> {
        if n == 0 || n > self.page_count {
            return Err(err(n, "page number out of range"));
        }
        if let Some(p) = self.wal.get(&n) {
            return Ok(p);
        }
        let start = (n as usize - 1) * self.page_size;
        self.file
            .get(start..start + self.page_size)
            .ok_or(err(n, "page past the end of the file"))
    }

    /// The root page of the table `name`, from `sqlite_schema`.
    ///
    /// # Errors
    /// [`Error::Sqlite`] for a corrupt schema table, [`Error::NoTable`] when there is no such
    /// table.
    pub fn table_root(&self, name: &str) -> Result<u32, Error> {
        let mut root = None;
        self.scan(1, &mut |_, rec| {
            let cols = record(rec, 1)?;
            if let [Value::Text(t), Value::Text(n), _, Value::Int(r), ..] = cols.as_slice() {
                if t == b"table" && n.eq_ignore_ascii_case(name.as_bytes()) {
                    root = u32::try_from(*r).ok();
                }
            }
            Ok(())
        })?;
        root.ok_or_else(|| Error::NoTable(name.to_owned()))
    }

    /// Every row of the table whose b-tree starts at `root`: `visit(rowid, record payload)` in
    /// rowid order. Decode the payload with [`record`].
    ///
    /// # Errors
    /// [`Error::Sqlite`] naming the page: a page that is not a table b-tree page, a cell or
    /// overflow chain out of bounds, a page reached twice, a tree deeper than 64 levels; and
    /// whatever `visit` returns.
    pub fn scan(&self, root: u32, visit: &mut Visit<'_>) -> Result<(), Error> {
        let mut seen = vec![false; self.page_count as usize + 1];
        self.walk(root, 0, &mut seen, visit)
    }

    fn walk(
        &self,
        n: u32,
        depth: u32,
        seen: &mut [bool],
        visit: &mut Visit<'_>,
    ) -> Result<(), Error> {
        if depth > 64 {
            return Err(err(n, "b-tree deeper than 64 levels"));
        }
        let page = self.page(n)?;
        match seen.get_mut(n as usize) {
            Some(s) if !*s => *s = true,
            _ => return Err(err(n, "page reached twice (a cycle)")),
        }
        // Page 1 starts with the 100-byte database header.
        let h = if n == 1 { 100 } else { 0 };
        let kind = *page.get(h).ok_or(err(n, "truncated page header"))?;
        let cells = usize::from(be16(page, h + 3).ok_or(err(n, "truncated page header"))?);
        let (ptrs, interior) = match kind {
            0x0d => (h + 8, false),
            0x05 => (h + 12, true),
            _ => return Err(err(n, "not a table b-tree page")),
        };
        for i in 0..cells {
            let off =
                usize::from(be16(page, ptrs + 2 * i).ok_or(err(n, "cell pointer past the page"))?);
            let cell = page
                .get(off..self.usable.min(page.len()))
                .filter(|c| !c.is_empty())
                .ok_or(err(n, "cell offset past the page"))?;
            if interior {
                let child = be32_checked(cell, 0).ok_or(err(n, "truncated interior cell"))?;
                self.walk(child, depth + 1, seen, visit)?;
            } else {
                let (size, a) = varint(cell).ok_or(err(n, "truncated cell"))?;
                let (rowid, b) = varint(&cell[a..]).ok_or(err(n, "truncated cell"))?;
                let payload = self.payload(n, &cell[a + b..], size, seen)?;
                visit(rowid as i64, &payload)?;
            }
        }
        if interior {
            let right = be32_checked(page, h + 8).ok_or(err(n, "truncated page header"))?;
            self.walk(right, depth + 1, seen, visit)?;
        }
        Ok(())
    }

    /// A leaf cell's payload of `size` bytes: the local part, then the overflow chain.
    /// Overflow pages are marked in `seen` like b-tree pages: in a valid file each belongs to
    /// one cell, so a chain shared by many cells (which would multiply the bytes copied) is an
    /// error.
    fn payload(&self, n: u32, cell: &[u8], size: u64, seen: &mut [bool]) -> Result<Vec<u8>, Error> {
        let u = self.usable;
        // No payload can be larger than the pages that would hold it.
        let max = (self.page_count as u64).saturating_mul(u as u64);
        if size > max {
            return Err(err(n, "payload larger than the database"));
        }
        let p = size as usize;
        let x = u - 35;
        let local = if p <= x {
            p
        } else {
            let m = ((u - 12) * 32 / 255) - 23;
            let k = m + (p - m) % (u - 4);
            if k <= x { k } else { m }
        };
        let mut out = Vec::with_capacity(p);
        out.extend_from_slice(cell.get(..local).ok_or(err(n, "payload past the page"))?);
        if local == p {
            return Ok(out);
        }
        let mut next = be32_checked(cell, local).ok_or(err(n, "overflow pointer past the page"))?;
        // Each overflow page carries u - 4 bytes, so the chain length is bounded by the size.
        while out.len() < p {
            let page = self
                .page(next)
                .map_err(|_| err(n, "overflow chain leaves the file"))?;
            match seen.get_mut(next as usize) {
                Some(s) if !*s => *s = true,
                _ => return Err(err(next, "overflow page reached twice")),
            }
            let take = (p - out.len()).min(u - 4);
            out.extend_from_slice(&page[4..4 + take]);
            next = be32(page, 0);
        }
        Ok(out)
    }
}

/// Decode a record: its header of serial types, then the values. `min_cols` columns must be
/// there.
///
/// # Errors
/// [`Error::Sqlite`] (page 0: the record is already out of its page) for a header or value
/// past the payload.
pub fn record(rec: &[u8], min_cols: usize) -> Result<Vec<Value>, Error> {
    let bad = || err(0, "corrupt record");
    let (hlen, mut at) = varint(rec).ok_or_else(bad)?;
    let hlen = usize::try_from(hlen)
        .ok()
        .filter(|&h| h <= rec.len())
        .ok_or_else(bad)?;
    let mut body = hlen;
    let mut out = Vec::new();
    while at < hlen {
        let (t, k) = varint(&rec[at..hlen]).ok_or_else(bad)?;
        at += k;
        let int = |len: usize, body: usize| -> Result<i64, Error> {
            let b = rec.get(body..body + len).ok_or_else(bad)?;
            // Sign-extend from the first byte.
            let init = if b.first().is_some_and(|&x| x & 0x80 != 0) {
                -1i64
            } else {
                0
            };
            Ok(b.iter().fold(init, |acc, &x| (acc << 8) | i64::from(x)))
        };
        let (v, len) = match t {
            0 => (Value::Null, 0),
            1..=6 => {
                let len = [1, 2, 3, 4, 6, 8][t as usize - 1];
                (Value::Int(int(len, body)?), len)
            }
            7 => {
                let b = rec.get(body..body + 8).ok_or_else(bad)?;
                let bits = b.iter().fold(0u64, |acc, &x| (acc << 8) | u64::from(x));
                (Value::Real(f64::from_bits(bits)), 8)
            }
            8 => (Value::Int(0), 0),
            9 => (Value::Int(1), 0),
            10 | 11 => return Err(bad()),
            t => {
                let len = usize::try_from((t - 12) / 2).map_err(|_| bad())?;
                let b = rec
                    .get(body..body.checked_add(len).ok_or_else(bad)?)
                    .ok_or_else(bad)?;
                let v = if t % 2 == 0 {
                    Value::Blob(b.to_vec())
                } else {
                    Value::Text(b.to_vec())
                };
                (v, len)
            }
        };
        body += len;
        out.push(v);
    }
    if out.len() < min_cols {
        return Err(bad());
    }
    Ok(out)
}

/// The header blobs of rpm's `Packages` table, with their instance numbers (`hnum`).
///
/// ```
/// let db = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/rpmdb.sqlite"))?;
/// let blobs = scap_rpmdb::sqlite::packages(&db, None)?;
/// assert_eq!(blobs.len(), 4); // three packages and an imported key
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// As [`Database::open`], [`Database::table_root`] and [`Database::scan`]; a row whose blob
/// column is not a BLOB is an [`Error::Sqlite`].
pub fn packages(file: &[u8], wal: Option<&[u8]>) -> Result<Vec<(u32, Vec<u8>)>, Error> {
    let db = Database::open(file, wal)?;
    let root = db.table_root("Packages")?;
    let mut out = Vec::new();
    db.scan(root, &mut |rowid, rec| {
        let mut cols = record(rec, 2)?;
        match cols.swap_remove(1) {
            Value::Blob(b) => out.push((rowid as u32, b)),
            _ => return Err(err(root, "a Packages row whose blob is not a BLOB")),
        }
        Ok(())
    })?;
    Ok(out)
}

/// SQLite's varint: 1-9 bytes, big-endian, 7 bits a byte with the high bit as continuation,
/// the ninth byte whole. The value and the bytes it took.
fn varint(b: &[u8]) -> Option<(u64, usize)> {
    let mut v = 0u64;
    for i in 0..9 {
        let x = *b.get(i)?;
        if i == 8 {
            return Some(((v << 8) | u64::from(x), 9));
        }
        v = (v << 7) | u64::from(x & 0x7f);
        if x & 0x80 == 0 {
            return Some((v, i + 1));
        }
    }
    None
}

/// WAL checksum over `data` (a multiple of 8 bytes), continuing from `s`.
fn checksum(big: bool, s: (u32, u32), data: &[u8]) -> (u32, u32) {
    let (mut s0, mut s1) = s;
    for w in data.chunks_exact(8) {
        let word = |b: &[u8]| {
            let a = [b[0], b[1], b[2], b[3]];
            if big {
                u32::from_be_bytes(a)
            } else {
                u32::from_le_bytes(a)
            }
        };
        s0 = s0.wrapping_add(word(&w[..4])).wrapping_add(s1);
        s1 = s1.wrapping_add(word(&w[4..])).wrapping_add(s0);
    }
    (s0, s1)
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn be32_checked(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// A big-endian u32 at `at`; 0 when the bytes are not there (callers check lengths first or
/// treat 0 as invalid: page 0 does not exist).
fn be32(b: &[u8], at: usize) -> u32 {
    be32_checked(b, at).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints() {
        assert_eq!(varint(&[0x05]), Some((5, 1)));
        assert_eq!(varint(&[0x81, 0x00]), Some((128, 2)));
        assert_eq!(varint(&[0xff; 9]), Some((u64::MAX, 9)));
        assert_eq!(varint(&[0x81]), None);
    }

    #[test]
    fn records_decode_serial_types() {
        // header: len 4, NULL, int8, blob(2); body: 0x7f, "ab"
        let rec = [4, 0, 1, 16, 0x7f, b'a', b'b'];
        assert_eq!(
            record(&rec, 3).expect("valid"),
            [Value::Null, Value::Int(127), Value::Blob(b"ab".to_vec())]
        );
        assert!(record(&rec[..6], 3).is_err(), "blob past the payload");
        assert!(record(&[2, 0xff], 0).is_err(), "truncated serial type");
    }

    #[test]
    fn not_a_database() {
        assert!(matches!(
            Database::open(b"hello", None),
            Err(Error::Sqlite { .. })
        ));
    }
}
