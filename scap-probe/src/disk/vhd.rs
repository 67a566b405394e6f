//! VHD (Virtual Hard Disk, the format Azure and Hyper-V use), fixed and dynamic, per
//! Microsoft's "Virtual Hard Disk Image Format Specification" (version 1.0):
//!
//! - fixed: the disk's bytes followed by a 512-byte footer;
//! - dynamic: a copy of the footer, a 1024-byte dynamic header (`cxsparse`), the block
//!   allocation table (BAT: one big-endian sector number per block, `0xFFFFFFFF` for a block
//!   never written, which reads as zeros), then blocks, each a sector bitmap followed by the
//!   block's data.
//!
//! The sector bitmap of a dynamic disk's block is not consulted: it matters to differencing
//! disks (which sectors come from the parent), and for a dynamic disk every sector of an
//! allocated block is read from the block, as QEMU does. Differencing disks are refused
//! (their parent is a path chosen by the image's author, never opened). Checksums are not
//! verified: every offset they would protect is range-checked instead.
//!
//! Bounds: a block size a power of two from 512 bytes to [`MAX_BLOCK`], a BAT of at most
//! [`MAX_BAT_BYTES`], a virtual size the BAT covers.

use std::sync::Arc;

use super::device::{Device, Slice, be32, be64, check_range, read_by_block};
use super::error::{DResult, DiskError};

const LAYER: &str = "vhd";
/// Largest BAT held in memory (16 MiB: 4 Mi blocks, 8 TiB of 2 MiB blocks).
const MAX_BAT_BYTES: u64 = 16 << 20;
/// Largest block (the specification's default is 2 MiB).
const MAX_BLOCK: u32 = 256 << 20;
const UNALLOCATED: u32 = 0xFFFF_FFFF;

/// The disk type of a VHD footer ending `file`, if it has one.
pub(crate) fn footer_type(file: &dyn Device) -> DResult<Option<u32>> {
    if file.size() < 512 {
        return Ok(None);
    }
    let mut footer = [0u8; 512];
    file.read_at(file.size() - 512, &mut footer)?;
    Ok(footer.starts_with(b"conectix").then(|| be32(&footer, 60)))
}

/// The disk inside a fixed VHD: the file without its footer.
pub(crate) fn fixed(file: Arc<dyn Device>) -> Slice {
    Slice {
        len: file.size().saturating_sub(512),
        inner: file,
        start: 0,
        name: LAYER.into(),
    }
}

/// A dynamic VHD as a device of its virtual size.
pub(crate) struct DynamicVhd {
    file: Arc<dyn Device>,
    size: u64,
    block_size: u64,
    /// Bytes of each block's sector bitmap (a whole number of sectors).
    bitmap_bytes: u64,
    bat: Vec<u32>,
}

impl DynamicVhd {
    pub(crate) fn open(file: Arc<dyn Device>) -> DResult<DynamicVhd> {
        let end = file.size().saturating_sub(512);
        let mut footer = [0u8; 512];
        file.read_at(end, &mut footer)?;
        let size = be64(&footer, 48);
        let header_at = be64(&footer, 16);
        let mut h = [0u8; 1024];
        file.read_at(header_at, &mut h)
            .map_err(|_| DiskError::corrupt(LAYER, end + 16, "dynamic header outside the file"))?;
        if !h.starts_with(b"cxsparse") {
            return Err(DiskError::corrupt(
                LAYER,
                header_at,
                "no dynamic header (cxsparse)",
            ));
        }
        let bat_at = be64(&h, 16);
        let entries = be32(&h, 28);
        let block = be32(&h, 32);
        if !block.is_power_of_two() || !(512..=MAX_BLOCK).contains(&block) {
            return Err(DiskError::corrupt(
                LAYER,
                header_at + 32,
                format!("block size {block}"),
            ));
        }
        let block_size = u64::from(block);
        let needed = size.div_ceil(block_size);
        if u64::from(entries) < needed {
            return Err(DiskError::corrupt(
                LAYER,
                header_at + 28,
                format!("{entries} BAT entries cannot map {size} bytes"),
            ));
        }
        if needed * 4 > MAX_BAT_BYTES {
            return Err(DiskError::limit(
                "vhd block allocation table bytes",
                MAX_BAT_BYTES,
            ));
        }
        // Only the entries the virtual size needs are read. Fits: bounded just above.
        let mut raw = vec![0u8; needed as usize * 4];
        file.read_at(bat_at, &mut raw)
            .map_err(|_| DiskError::corrupt(LAYER, header_at + 16, "BAT outside the file"))?;
        let bat = raw.chunks_exact(4).map(|c| be32(c, 0)).collect();
        // One bit per sector, padded to a whole sector.
        let bitmap_bytes = (block_size / 512).div_ceil(8).div_ceil(512) * 512;
        Ok(DynamicVhd {
            file,
            size,
            block_size,
            bitmap_bytes,
            bat,
        })
    }

    /// Read from within one block.
    fn read_in_block(&self, vaddr: u64, buf: &mut [u8]) -> DResult<()> {
        let index = vaddr / self.block_size;
        let within = vaddr % self.block_size;
        let entry = usize::try_from(index)
            .ok()
            .and_then(|i| self.bat.get(i))
            .copied()
            .unwrap_or(UNALLOCATED);
        if entry == UNALLOCATED {
            buf.fill(0);
            return Ok(());
        }
        let host = (u64::from(entry) * 512)
            .checked_add(self.bitmap_bytes + within)
            .ok_or_else(|| DiskError::corrupt(LAYER, vaddr, "block offset overflows"))?;
        self.file.read_at(host, buf).map_err(|_| {
            DiskError::corrupt(
                LAYER,
                vaddr,
                format!("BAT entry {index} points at sector {entry}, outside the file"),
            )
        })
    }
}

impl Device for DynamicVhd {
    fn size(&self) -> u64 {
        self.size
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> DResult<()> {
        check_range(LAYER, self.size, offset, buf.len())?;
        read_by_block(offset, buf, self.block_size, |vaddr, part| {
            self.read_in_block(vaddr, part)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::device::MemDevice;
    use super::*;

    /// A dynamic VHD of `blocks` blocks of 4 KiB with the given BAT, each allocated block
    /// filled with its index + 1.
    fn image(bat: &[u32], size: u64) -> Vec<u8> {
        let mut footer = vec![0u8; 512];
        footer[..8].copy_from_slice(b"conectix");
        footer[16..24].copy_from_slice(&512u64.to_be_bytes());
        footer[48..56].copy_from_slice(&size.to_be_bytes());
        footer[60..64].copy_from_slice(&3u32.to_be_bytes());
        let mut f = footer.clone();
        let mut h = vec![0u8; 1024];
        h[..8].copy_from_slice(b"cxsparse");
        h[16..24].copy_from_slice(&1536u64.to_be_bytes());
        h[28..32].copy_from_slice(&(bat.len() as u32).to_be_bytes());
        h[32..36].copy_from_slice(&4096u32.to_be_bytes());
        f.extend_from_slice(&h);
        let mut table = vec![0u8; 512];
        for (i, e) in bat.iter().enumerate() {
            table[i * 4..i * 4 + 4].copy_from_slice(&e.to_be_bytes());
        }
        f.extend_from_slice(&table);
        // Blocks from sector 4: a 512-byte bitmap, then 4 KiB of data.
        // Entries past sector 1000 are left pointing outside the file.
        for (i, e) in bat.iter().enumerate() {
            if *e < 1000 {
                let at = *e as usize * 512;
                f.resize(f.len().max(at + 512 + 4096), 0);
                f[at..at + 512].fill(0xff);
                f[at + 512..at + 512 + 4096].fill(i as u8 + 1);
            }
        }
        f.extend_from_slice(&footer);
        f
    }

    #[test]
    fn blocks_in_any_order_and_holes_read_as_zeros() {
        // Block 0 stored second, block 1 never written, block 2 stored first.
        let f = image(&[13, UNALLOCATED, 4], 3 * 4096);
        let vhd = DynamicVhd::open(Arc::new(MemDevice(f))).unwrap();
        assert_eq!(vhd.size(), 3 * 4096);
        let mut all = vec![0xAAu8; 3 * 4096];
        vhd.read_at(0, &mut all).unwrap();
        assert!(all[..4096].iter().all(|&b| b == 1));
        assert!(all[4096..8192].iter().all(|&b| b == 0));
        assert!(all[8192..].iter().all(|&b| b == 3));
        // A read across a block boundary.
        let mut two = [0u8; 2];
        vhd.read_at(8191, &mut two).unwrap();
        assert_eq!(two, [0, 3]);
        assert!(vhd.read_at(3 * 4096 - 1, &mut two).is_err());
    }

    #[test]
    fn hostile_tables_are_typed_errors() {
        // A BAT entry pointing past the end of the file: an error on read, naming it.
        let f = image(&[4, 0x00ff_ffff], 2 * 4096);
        let vhd = DynamicVhd::open(Arc::new(MemDevice(f))).unwrap();
        let e = vhd.read_at(4096, &mut [0u8; 16]).unwrap_err();
        assert!(e.to_string().contains("BAT entry 1"), "{e}");
        // A virtual size the BAT cannot map.
        let f = image(&[4], 1 << 40);
        let e = DynamicVhd::open(Arc::new(MemDevice(f))).err().unwrap();
        assert!(e.to_string().contains("cannot map"), "{e}");
        // A BAT over the limit.
        let mut f = image(&[4], 4096);
        f[512 + 28..512 + 32].copy_from_slice(&u32::MAX.to_be_bytes());
        let n = f.len();
        f[n - 512 + 48..n - 512 + 56].copy_from_slice(&(u64::from(u32::MAX) * 4096).to_be_bytes());
        let e = DynamicVhd::open(Arc::new(MemDevice(f))).err().unwrap();
        assert!(matches!(e, DiskError::LimitExceeded { .. }), "{e}");
        // A block size that is not a power of two.
        let mut f = image(&[4], 4096);
        f[512 + 32..512 + 36].copy_from_slice(&3000u32.to_be_bytes());
        assert!(DynamicVhd::open(Arc::new(MemDevice(f))).is_err());
    }
}
