//! A read-only scan of rpm's own "NDB" package database, `Packages.db` (SUSE Linux Enterprise
//! 15 and openSUSE since 2019).
//!
//! Layout (rpm's `lib/backend/ndb`, as its format is described; every number is in the byte
//! order of the machine that wrote it, told by the magic): the file starts with slot pages of
//! 4096 bytes. The first 32 bytes are the database header: magic `RpmP`, version 0, a
//! generation counter, the number of slot pages, 16 unused bytes. The rest of the slot pages are
//! 16-byte slots (`Slot` magic, package index or 0 for a free slot, block offset and block
//! count, in 16-byte blocks), 256 per page less the two the header takes. A used slot points at
//! a blob: a 16-byte blob header (`BlbS` magic, the package index again, a generation, the
//! blob length), the header blob, and a tail (checksum, length, `BlbE`) inside the slot's blocks.
//!
//! The tail's checksum is not verified. Every slot, offset and length is checked against the
//! file and the slot's own extent.

use crate::Error;

const DB_MAGIC: u32 = u32::from_le_bytes(*b"RpmP");
const SLOT_MAGIC: u32 = u32::from_le_bytes(*b"Slot");
const BLOB_MAGIC: u32 = u32::from_le_bytes(*b"BlbS");
const SLOT_PAGE: usize = 4096;
const BLOCK: usize = 16;
/// Most slot pages a database may claim (half a million packages).
pub const MAX_SLOT_PAGES: u32 = 2048;

fn err(offset: usize, what: &'static str) -> Error {
    Error::Ndb { offset, what }
}

/// The header blobs of a `Packages.db`, with their package indexes, in index order.
///
/// # Errors
/// [`Error::Ndb`] naming the byte offset: not an NDB database, an unknown version, more slot
/// pages than the file or the limit, a slot or blob out of bounds or whose magic or package
/// index does not match.
pub fn packages(file: &[u8]) -> Result<Vec<(u32, Vec<u8>)>, Error> {
    let magic = file.get(..4).ok_or(err(0, "truncated database header"))?;
    let big = match [magic[0], magic[1], magic[2], magic[3]] {
        m if u32::from_le_bytes(m) == DB_MAGIC => false,
        m if u32::from_be_bytes(m) == DB_MAGIC => true,
        _ => return Err(err(0, "not an NDB database (magic)")),
    };
    let word = |at: usize| -> Option<u32> {
        let b: [u8; 4] = file.get(at..at + 4)?.try_into().ok()?;
        Some(if big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    };
    if word(4) != Some(0) {
        return Err(err(4, "unknown NDB version"));
    }
    let pages = word(12).ok_or(err(12, "truncated database header"))?;
    if pages == 0 || pages > MAX_SLOT_PAGES || pages as usize * SLOT_PAGE > file.len() {
        return Err(err(
            12,
            "slot page count is 0, over the limit or past the file",
        ));
    }
    let mut out = Vec::new();
    // Bytes copied so far: blobs do not overlap in a valid file, so more than the file holds
    // means slots share blobs (which would multiply the bytes copied).
    let mut copied = 0usize;
    // The header takes the first two slots of the first page.
    for slot in 2..pages as usize * (SLOT_PAGE / BLOCK) {
        let at = slot * BLOCK;
        let field = |k: usize| word(at + 4 * k).ok_or(err(at, "truncated slot"));
        if field(0)? != SLOT_MAGIC {
            return Err(err(at, "slot without its magic"));
        }
        let index = field(1)?;
        if index == 0 {
            continue;
        }
        let (offset, count) = (field(2)? as usize, field(3)? as usize);
        let start = offset
            .checked_mul(BLOCK)
            .filter(|&s| s >= pages as usize * SLOT_PAGE)
            .ok_or(err(at + 8, "blob offset inside the slot pages"))?;
        let end = count
            .checked_mul(BLOCK)
            .and_then(|n| start.checked_add(n))
            .filter(|&e| e <= file.len())
            .ok_or(err(at + 12, "blob blocks past the file"))?;
        let blob_word = |k: usize| word(start + 4 * k).ok_or(err(start, "truncated blob header"));
        if blob_word(0)? != BLOB_MAGIC {
            return Err(err(start, "blob without its magic"));
        }
        if blob_word(1)? != index {
            return Err(err(start + 4, "blob of another package than its slot"));
        }
        let len = blob_word(3)? as usize;
        let blob = file
            .get(start + BLOCK..end)
            .and_then(|b| b.get(..len))
            .ok_or(err(start + 12, "blob longer than its blocks"))?;
        copied += blob.len();
        if copied > file.len() {
            return Err(err(at, "slots share their blobs"));
        }
        out.push((index, blob.to_vec()));
    }
    out.sort_by_key(|(n, _)| *n);
    Ok(out)
}
