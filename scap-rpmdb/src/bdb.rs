//! A read-only scan of a Berkeley DB hash database: rpm's `Packages` before 4.16 (RHEL 7/8,
//! CentOS 7/8, Amazon Linux 2), one record per package keyed by its instance number.
//!
//! Layout (Berkeley DB's on-disk format as its documentation and `db_page.h` describe it):
//! fixed-size pages; page 0 is the hash metadata page (magic 0x061561 at byte 12, in the byte
//! order of the machine that wrote the file, which is how the order is told; page size at
//! byte 20; the last page number at byte 32). Every page starts with a 26-byte header (page
//! number at 8, next page at 16, entry count at 20, free-area offset at 22, page type at 25)
//! followed by an array of 16-bit item offsets. Hash pages (types 2 and 13) hold key/data pairs
//! as alternating items, packed from the page's end, so item `i` ends where item `i - 1`
//! starts; an item's first byte is its kind: 1 the bytes in place, 3 an off-page item (page
//! number and total length, the bytes in a chain of overflow pages, type 7, whose free-area
//! offset is the number of bytes each holds).
//!
//! Rather than follow the hash buckets, every page of the file is visited once and the hash
//! pages' pairs are read: the same records, with no chain to loop on. Overflow chains are
//! bounded by the length the item claims, which is bounded by the file.

use crate::Error;

/// The hash access method's magic number.
const HASH_MAGIC: u32 = 0x0006_1561;
/// Page header size.
const PAGE_HEADER: usize = 26;

fn err(page: u32, what: &'static str) -> Error {
    Error::Bdb { page, what }
}

#[derive(Clone, Copy)]
struct Order {
    big: bool,
}

impl Order {
    fn u32(self, b: &[u8], at: usize) -> Option<u32> {
        let a: [u8; 4] = b.get(at..at + 4)?.try_into().ok()?;
        Some(if self.big {
            u32::from_be_bytes(a)
        } else {
            u32::from_le_bytes(a)
        })
    }
    fn u16(self, b: &[u8], at: usize) -> Option<u16> {
        let a: [u8; 2] = b.get(at..at + 2)?.try_into().ok()?;
        Some(if self.big {
            u16::from_be_bytes(a)
        } else {
            u16::from_le_bytes(a)
        })
    }
}

/// A record: key and data.
pub type Record = (Vec<u8>, Vec<u8>);

/// The records of a hash database: (key, data) in page order.
///
/// # Errors
/// [`Error::Bdb`] naming the page: not a hash database, an invalid page size, an item or
/// overflow chain out of bounds.
pub fn records(file: &[u8]) -> Result<Vec<Record>, Error> {
    let magic = file.get(12..16).ok_or(err(0, "truncated metadata page"))?;
    let order = match [magic[0], magic[1], magic[2], magic[3]] {
        m if u32::from_le_bytes(m) == HASH_MAGIC => Order { big: false },
        m if u32::from_be_bytes(m) == HASH_MAGIC => Order { big: true },
        _ => return Err(err(0, "not a Berkeley DB hash database (magic)")),
    };
    let page_size = order
        .u32(file, 20)
        .ok_or(err(0, "truncated metadata page"))? as usize;
    if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
        return Err(err(0, "invalid page size"));
    }
    let pages = file.len() / page_size;
    let page = |n: u32| -> Option<&[u8]> {
        let start = (n as usize).checked_mul(page_size)?;
        file.get(start..start + page_size)
    };
    let mut out = Vec::new();
    // Overflow pages already copied: in a valid file each belongs to one item, so a chain
    // shared by many items (which would multiply the bytes copied) is an error.
    let mut used = vec![false; pages];
    for n in 1..pages as u32 {
        let Some(p) = page(n) else { break };
        // Hash pages: 2 (unsorted, older releases) and 13.
        if !matches!(p[25], 2 | 13) {
            continue;
        }
        let entries = usize::from(order.u16(p, 20).ok_or(err(n, "truncated page header"))?);
        if PAGE_HEADER + 2 * entries > page_size {
            return Err(err(n, "more items than the page holds"));
        }
        let item = |i: usize| -> Result<&[u8], Error> {
            let at = |i: usize| order.u16(p, PAGE_HEADER + 2 * i).map(usize::from);
            let start = at(i).ok_or(err(n, "truncated item index"))?;
            let end = if i == 0 {
                page_size
            } else {
                at(i - 1).ok_or(err(n, "truncated item index"))?
            };
            p.get(start..end)
                .filter(|s| !s.is_empty())
                .ok_or(err(n, "item out of the page"))
        };
        for pair in 0..entries / 2 {
            let key = resolve(file, page_size, &mut used, order, n, item(2 * pair)?)?;
            let data = resolve(file, page_size, &mut used, order, n, item(2 * pair + 1)?)?;
            out.push((key, data));
        }
    }
    Ok(out)
}

/// The bytes of an item: in place (kind 1) or off-page (kind 3).
fn resolve(
    file: &[u8],
    page_size: usize,
    used: &mut [bool],
    order: Order,
    n: u32,
    item: &[u8],
) -> Result<Vec<u8>, Error> {
    match item[0] {
        1 => Ok(item[1..].to_vec()),
        3 => {
            let mut next = order
                .u32(item, 4)
                .ok_or(err(n, "truncated off-page item"))?;
            let total = order
                .u32(item, 8)
                .ok_or(err(n, "truncated off-page item"))? as usize;
            if total > file.len() {
                return Err(err(n, "off-page item longer than the file"));
            }
            let mut out = Vec::with_capacity(total);
            // Each overflow page adds at least one byte or the chain is refused, so the loop
            // runs at most `total` times.
            while out.len() < total {
                match used.get_mut(next as usize) {
                    _ if next == 0 => return Err(err(n, "overflow chain leaves the file")),
                    Some(u) if !*u => *u = true,
                    Some(_) => return Err(err(next, "overflow page reached twice")),
                    None => return Err(err(n, "overflow chain leaves the file")),
                }
                let start = next as usize * page_size;
                let p = &file[start..start + page_size];
                if p[25] != 7 {
                    return Err(err(
                        next,
                        "overflow chain reaches a page that is not overflow",
                    ));
                }
                let len = usize::from(order.u16(p, 22).ok_or(err(next, "truncated page"))?);
                let chunk = p
                    .get(PAGE_HEADER..PAGE_HEADER + len)
                    .filter(|c| !c.is_empty())
                    .ok_or(err(next, "overflow length out of the page"))?;
                let take = chunk.len().min(total - out.len());
                out.extend_from_slice(&chunk[..take]);
                next = order.u32(p, 16).ok_or(err(next, "truncated page header"))?;
            }
            Ok(out)
        }
        _ => Err(err(n, "duplicate items are not used by rpm's Packages")),
    }
}

/// The header blobs of rpm's `Packages`: records whose key is a 4-byte instance number other
/// than 0 (record 0 holds rpm's next instance number, not a header). The key is in the byte
/// order the database was written in.
///
/// ```
/// let db = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/Packages"))?;
/// let blobs = scap_rpmdb::bdb::packages(&db)?;
/// assert_eq!(blobs.len(), 4); // three packages and an imported key
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// As [`records`].
pub fn packages(file: &[u8]) -> Result<Vec<(u32, Vec<u8>)>, Error> {
    let big = file
        .get(12..16)
        .is_some_and(|m| m == HASH_MAGIC.to_be_bytes());
    let order = Order { big };
    let mut out: Vec<(u32, Vec<u8>)> = records(file)?
        .into_iter()
        .filter_map(|(k, v)| {
            let n = if k.len() == 4 {
                order.u32(&k, 0)?
            } else {
                return None;
            };
            (n != 0).then_some((n, v))
        })
        .collect();
    out.sort_by_key(|(n, _)| *n);
    Ok(out)
}
