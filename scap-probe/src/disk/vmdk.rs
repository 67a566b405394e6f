//! VMDK sparse extents in one file, per VMware's "Virtual Disk Format 5.0": the
//! `monolithicSparse` layout (hosted products, `qemu-img -O vmdk`) and `streamOptimized`
//! (OVA/OVF exports, what AWS's image export writes), whose grains are deflate-compressed
//! (zlib streams) and whose grain directory may sit at the end of the file, found through
//! the footer copy of the header.
//!
//! Layout: a 512-byte header (`KDMV`), a grain directory (one little-endian sector number
//! per grain table), grain tables (one sector number per grain; 0: never written, reads as
//! zeros; 1: a zero grain), grains. A compressed grain starts with a 12-byte marker (its
//! first sector and its compressed length) when the header says markers are present.
//!
//! Refused with a typed error: a text descriptor naming extent files (`monolithicFlat`,
//! `twoGbMaxExtentSparse`, a snapshot's parent: paths chosen by the image's author, never
//! opened), the older `COWD` format, an unknown compression algorithm. The redundant grain
//! directory is not read (the primary is).
//!
//! Bounds: grains of 1 to [`MAX_GRAIN_SECTORS`] sectors, grain tables of at most
//! [`MAX_GTES`] entries, a grain directory of at most [`MAX_GD_BYTES`], cached tables and
//! decompressed grains at most [`CACHE_BYTES`].

use std::io::Read;
use std::sync::Arc;

use super::cache::Lru;
use super::device::{Device, check_range, le16, le32, le64, read_by_block};
use super::error::{DResult, DiskError};

const LAYER: &str = "vmdk";
/// Largest grain (1 MiB; VMware and QEMU write 64 KiB).
const MAX_GRAIN_SECTORS: u64 = 2048;
/// Largest grain table (VMware and QEMU write 512 entries).
const MAX_GTES: u32 = 1 << 16;
/// Largest grain directory held in memory (16 MiB).
const MAX_GD_BYTES: u64 = 16 << 20;
/// Bytes of decoded grain tables and decompressed grains kept.
const CACHE_BYTES: usize = 32 << 20;
const FLAG_COMPRESSED: u32 = 1 << 16;
const FLAG_MARKERS: u32 = 1 << 17;
/// The grain directory offset of a streamOptimized header written before the directory:
/// the real one is in the footer.
const GD_AT_END: u64 = u64::MAX;

/// Whether the first bytes of an image are a VMDK sparse extent header.
pub(crate) fn is_vmdk(head: &[u8]) -> bool {
    head.starts_with(b"KDMV")
}

/// Whether the first bytes of an image are a VMDK text descriptor or the older COWD
/// format: both refused (see the module docs).
pub(crate) fn refused(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(b"# Disk DescriptorFile") {
        Some(
            "a VMDK descriptor naming extent files, which are never opened; convert to a \
             single file (qemu-img convert -O vmdk -o subformat=streamOptimized)",
        )
    } else if head.starts_with(b"COWD") {
        Some("the VMDK 3 (COWD) format")
    } else {
        None
    }
}

/// A VMDK sparse extent as a device of its capacity.
pub(crate) struct Vmdk {
    file: Arc<dyn Device>,
    size: u64,
    grain_bytes: u64,
    gtes: u64,
    /// Sector of each grain table (0: none, the whole table's grains read as zeros).
    gd: Vec<u32>,
    compressed: bool,
    markers: bool,
    gt_cache: Lru<Vec<u32>>,
    grain_cache: Lru<Vec<u8>>,
}

impl Vmdk {
    pub(crate) fn open(file: Arc<dyn Device>) -> DResult<Vmdk> {
        let mut h = [0u8; 512];
        file.read_at(0, &mut h)?;
        if !is_vmdk(&h) {
            return Err(DiskError::corrupt(LAYER, 0, "no VMDK magic"));
        }
        if le64(&h, 56) == GD_AT_END {
            // streamOptimized: the footer copy of the header, before the end-of-stream
            // marker (the last 1024 bytes: footer, end-of-stream marker).
            let at = file
                .size()
                .checked_sub(1024)
                .ok_or_else(|| DiskError::corrupt(LAYER, 56, "no footer"))?;
            file.read_at(at, &mut h)?;
            if !is_vmdk(&h) || le64(&h, 56) == GD_AT_END {
                return Err(DiskError::corrupt(
                    LAYER,
                    at,
                    "grain directory at the end, but no footer header",
                ));
            }
        }
        let version = le32(&h, 4);
        if !(1..=3).contains(&version) {
            return Err(DiskError::unsupported(LAYER, format!("version {version}")));
        }
        let flags = le32(&h, 8);
        let capacity = le64(&h, 12);
        let grain = le64(&h, 20);
        let gtes = le32(&h, 44);
        let gd_at = le64(&h, 56);
        let compression = le16(&h, 77);
        if !grain.is_power_of_two() || grain > MAX_GRAIN_SECTORS {
            return Err(DiskError::corrupt(
                LAYER,
                20,
                format!("grain of {grain} sectors"),
            ));
        }
        if gtes == 0 || gtes > MAX_GTES {
            return Err(DiskError::corrupt(
                LAYER,
                44,
                format!("{gtes} entries per grain table"),
            ));
        }
        let compressed = flags & FLAG_COMPRESSED != 0;
        if compressed && compression != 1 {
            return Err(DiskError::unsupported(
                LAYER,
                format!("compression algorithm {compression}"),
            ));
        }
        let size = capacity
            .checked_mul(512)
            .ok_or_else(|| DiskError::corrupt(LAYER, 12, "capacity overflows"))?;
        let grain_bytes = grain * 512;
        let per_table = grain_bytes * u64::from(gtes);
        let tables = size.div_ceil(per_table);
        if tables * 4 > MAX_GD_BYTES {
            return Err(DiskError::limit("vmdk grain directory bytes", MAX_GD_BYTES));
        }
        // Fits: bounded just above.
        let mut raw = vec![0u8; tables as usize * 4];
        let gd_bytes = gd_at
            .checked_mul(512)
            .ok_or_else(|| DiskError::corrupt(LAYER, 56, "grain directory offset overflows"))?;
        file.read_at(gd_bytes, &mut raw)
            .map_err(|_| DiskError::corrupt(LAYER, 56, "grain directory outside the file"))?;
        let gd = raw.chunks_exact(4).map(|c| le32(c, 0)).collect();
        Ok(Vmdk {
            file,
            size,
            grain_bytes,
            gtes: u64::from(gtes),
            gd,
            compressed,
            markers: flags & FLAG_MARKERS != 0,
            gt_cache: Lru::new(CACHE_BYTES),
            grain_cache: Lru::new(CACHE_BYTES),
        })
    }

    /// The grain table at sector `sector`.
    fn table(&self, sector: u32) -> DResult<Arc<Vec<u32>>> {
        self.gt_cache.get_or(u64::from(sector), || {
            // gtes <= MAX_GTES: a table of at most 256 KiB.
            let mut raw = vec![0u8; self.gtes as usize * 4];
            self.file
                .read_at(u64::from(sector) * 512, &mut raw)
                .map_err(|_| {
                    DiskError::corrupt(
                        LAYER,
                        u64::from(sector) * 512,
                        "grain table outside the file",
                    )
                })?;
            let t: Vec<u32> = raw.chunks_exact(4).map(|c| le32(c, 0)).collect();
            Ok((t, raw.len()))
        })
    }

    /// The decompressed grain stored at `sector`.
    fn compressed_grain(&self, sector: u32, vaddr: u64) -> DResult<Arc<Vec<u8>>> {
        let at = u64::from(sector) * 512;
        self.grain_cache.get_or(at, || {
            let bad = |what: String| DiskError::corrupt(LAYER, vaddr, what);
            let (data_at, len) = if self.markers {
                let mut m = [0u8; 12];
                self.file
                    .read_at(at, &mut m)
                    .map_err(|_| bad(format!("grain marker at {at} outside the file")))?;
                (at + 12, u64::from(le32(&m, 8)))
            } else {
                // Without markers the stream's own end bounds it: read what can hold one
                // grain compressed (deflate's worst case is a little over the input).
                let len = (self.grain_bytes + 1024).min(self.file.size().saturating_sub(at));
                (at, len)
            };
            // A compressed grain larger than the grain plus deflate's overhead is corrupt.
            if len > self.grain_bytes + 1024 {
                return Err(bad(format!("compressed grain of {len} bytes")));
            }
            // Bounded just above: at most a grain plus 1 KiB.
            let mut input = vec![0u8; len as usize];
            self.file
                .read_at(data_at, &mut input)
                .map_err(|_| bad(format!("compressed grain at {at} outside the file")))?;
            // Bounded: grain_bytes <= 1 MiB.
            let want = self.grain_bytes as usize;
            let mut out = Vec::with_capacity(want);
            flate2::read::ZlibDecoder::new(&input[..])
                .take(want as u64)
                .read_to_end(&mut out)
                .map_err(|e| bad(format!("compressed grain at {at}: {e}")))?;
            // The last grain of a disk whose size is not a multiple of the grain may be
            // short; what is missing reads as zeros.
            out.resize(want, 0);
            Ok((out, want))
        })
    }

    /// Read from within one grain.
    fn read_in_grain(&self, vaddr: u64, buf: &mut [u8]) -> DResult<()> {
        let grain = vaddr / self.grain_bytes;
        let within = vaddr % self.grain_bytes;
        let table = usize::try_from(grain / self.gtes).unwrap_or(usize::MAX);
        let gt = self.gd.get(table).copied().unwrap_or(0);
        if gt == 0 {
            buf.fill(0);
            return Ok(());
        }
        let entry = self
            .table(gt)?
            .get((grain % self.gtes) as usize)
            .copied()
            .unwrap_or(0);
        // 0: never written; 1: a zero grain. No parent is ever read, so both are zeros.
        if entry <= 1 {
            buf.fill(0);
            return Ok(());
        }
        if self.compressed {
            let data = self.compressed_grain(entry, vaddr)?;
            // In range: within + buf.len() <= grain_bytes == data.len() (the caller stays
            // inside one grain).
            let from = within as usize;
            match data.get(from..from + buf.len()) {
                Some(src) => buf.copy_from_slice(src),
                None => return Err(DiskError::corrupt(LAYER, vaddr, "read past a grain")),
            }
            return Ok(());
        }
        let host = u64::from(entry) * 512 + within;
        self.file.read_at(host, buf).map_err(|_| {
            DiskError::corrupt(
                LAYER,
                vaddr,
                format!("grain table entry points at sector {entry}, outside the file"),
            )
        })
    }
}

impl Device for Vmdk {
    fn size(&self) -> u64 {
        self.size
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> DResult<()> {
        check_range(LAYER, self.size, offset, buf.len())?;
        read_by_block(offset, buf, self.grain_bytes, |vaddr, part| {
            self.read_in_grain(vaddr, part)
        })
    }
}
