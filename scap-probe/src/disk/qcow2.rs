//! qcow2 (versions 2 and 3), decoded on read: the two-level cluster map (L1 table in
//! memory, L2 tables cached), zero clusters, and compressed clusters (deflate, or zstd when
//! the header's compression type says so). Follows QEMU's `docs/interop/qcow2.txt`.
//!
//! Refused with a typed error: a backing file (never opened: its path is the image
//! author's choice, not the user's), encryption, an external data file, extended L2
//! entries, the "corrupt" bit, unknown incompatible features. Snapshots are ignored (the
//! active L1 table is the image as last written).

use std::io::Read;
use std::sync::Arc;

use super::cache::Lru;
use super::device::{Device, be32, be64};
use super::error::{DResult, DiskError};

const LAYER: &str = "qcow2";
/// Largest L1 table held in memory (32 MiB: 4 Mi entries, over 100 TiB of 64 KiB clusters).
const MAX_L1_BYTES: u64 = 32 << 20;
/// Bytes of decoded L2 tables and decompressed clusters kept.
const CACHE_BYTES: usize = 32 << 20;
/// Offset bits of an L1 or standard L2 entry (bits 9-55).
const OFFSET_MASK: u64 = 0x00ff_ffff_ffff_fe00;

/// Whether the first bytes of an image are a qcow2 header.
pub(crate) fn is_qcow2(head: &[u8]) -> bool {
    head.starts_with(b"QFI\xfb")
}

#[derive(Clone, Copy)]
enum Compression {
    Deflate,
    Zstd,
}

/// A qcow2 image as a device of its virtual size.
pub(crate) struct Qcow2 {
    file: Arc<dyn Device>,
    cluster_bits: u32,
    size: u64,
    l1: Vec<u64>,
    compression: Compression,
    l2_cache: Lru<Vec<u64>>,
    cluster_cache: Lru<Vec<u8>>,
}

impl Qcow2 {
    pub(crate) fn open(file: Arc<dyn Device>) -> DResult<Qcow2> {
        let mut h = [0u8; 112];
        let n = h
            .len()
            .min(usize::try_from(file.size()).unwrap_or(usize::MAX));
        file.read_at(0, &mut h[..n])?;
        if !is_qcow2(&h) {
            return Err(DiskError::corrupt(LAYER, 0, "no qcow2 magic"));
        }
        let version = be32(&h, 4);
        if version != 2 && version != 3 {
            return Err(DiskError::unsupported(LAYER, format!("version {version}")));
        }
        let backing_offset = be64(&h, 8);
        let backing_len = be32(&h, 16).min(1023);
        if backing_offset != 0 {
            let mut name = vec![0u8; backing_len as usize];
            // The name is only for the message: an unreadable one is reported empty.
            let _ = file.read_at(backing_offset, &mut name);
            return Err(DiskError::BackingFile {
                backing: String::from_utf8_lossy(&name).into_owned(),
            });
        }
        let cluster_bits = be32(&h, 20);
        if !(9..=21).contains(&cluster_bits) {
            return Err(DiskError::corrupt(
                LAYER,
                20,
                format!("cluster_bits {cluster_bits} outside 9..=21"),
            ));
        }
        let size = be64(&h, 24);
        if be32(&h, 32) != 0 {
            return Err(DiskError::unsupported(LAYER, "encryption"));
        }
        let l1_size = u64::from(be32(&h, 36));
        let l1_offset = be64(&h, 40);
        let mut compression = Compression::Deflate;
        if version == 3 {
            let incompatible = be64(&h, 72);
            let header_length = be32(&h, 100);
            if incompatible & 2 != 0 {
                return Err(DiskError::unsupported(LAYER, "image marked corrupt"));
            }
            if incompatible & 4 != 0 {
                return Err(DiskError::unsupported(LAYER, "external data file"));
            }
            if incompatible & 16 != 0 {
                return Err(DiskError::unsupported(LAYER, "extended L2 entries"));
            }
            if incompatible & !0b1_1111 != 0 {
                return Err(DiskError::unsupported(
                    LAYER,
                    format!("incompatible features {incompatible:#x}"),
                ));
            }
            if incompatible & 8 != 0 && header_length > 104 {
                compression = match h[104] {
                    0 => Compression::Deflate,
                    1 => Compression::Zstd,
                    t => {
                        return Err(DiskError::unsupported(
                            LAYER,
                            format!("compression type {t}"),
                        ));
                    }
                };
            }
        }
        // Each L1 entry maps one L2 table: 2^(cluster_bits - 3) clusters.
        let l2_bits = cluster_bits - 3;
        let per_l1 = 1u128 << (cluster_bits + l2_bits);
        let needed = u128::from(size).div_ceil(per_l1);
        if u128::from(l1_size) < needed {
            return Err(DiskError::corrupt(
                LAYER,
                36,
                format!("L1 table of {l1_size} entries cannot map {size} bytes"),
            ));
        }
        if l1_size * 8 > MAX_L1_BYTES {
            return Err(DiskError::limit("qcow2 L1 table bytes", MAX_L1_BYTES));
        }
        // Only the entries the virtual size needs are read.
        let used = usize::try_from(needed).unwrap_or(0);
        let mut raw = vec![0u8; used * 8];
        file.read_at(l1_offset, &mut raw)
            .map_err(|_| DiskError::corrupt(LAYER, 40, "L1 table outside the file"))?;
        let l1 = raw.chunks_exact(8).map(|c| be64(c, 0)).collect();
        Ok(Qcow2 {
            file,
            cluster_bits,
            size,
            l1,
            compression,
            l2_cache: Lru::new(CACHE_BYTES),
            cluster_cache: Lru::new(CACHE_BYTES),
        })
    }

    fn cluster_size(&self) -> u64 {
        1 << self.cluster_bits
    }

    /// The L2 table at host offset `offset`.
    fn l2(&self, offset: u64) -> DResult<Arc<Vec<u64>>> {
        self.l2_cache.get_or(offset, || {
            if !offset.is_multiple_of(self.cluster_size()) {
                return Err(DiskError::corrupt(LAYER, offset, "unaligned L2 table"));
            }
            let mut raw = vec![0u8; self.cluster_size() as usize];
            self.file
                .read_at(offset, &mut raw)
                .map_err(|_| DiskError::corrupt(LAYER, offset, "L2 table outside the file"))?;
            let t: Vec<u64> = raw.chunks_exact(8).map(|c| be64(c, 0)).collect();
            Ok((t, raw.len()))
        })
    }

    /// Decompress the compressed cluster described by L2 entry `entry`.
    fn compressed(&self, entry: u64) -> DResult<Arc<Vec<u8>>> {
        // Bits 0..x-1: host offset; bits x..61: additional 512-byte sectors.
        let x = 62 - (self.cluster_bits - 8);
        let offset = entry & ((1u64 << x) - 1);
        let sectors = ((entry >> x) & ((1u64 << (self.cluster_bits - 8)) - 1)) + 1;
        let stored = (sectors * 512 - (offset & 511)).min(self.file.size().saturating_sub(offset));
        self.cluster_cache.get_or(offset, || {
            let mut input = vec![0u8; stored as usize];
            self.file.read_at(offset, &mut input).map_err(|_| {
                DiskError::corrupt(LAYER, offset, "compressed cluster outside the file")
            })?;
            let want = self.cluster_size() as usize;
            let mut out = Vec::with_capacity(want);
            let bad = |e: std::io::Error| {
                DiskError::corrupt(LAYER, offset, format!("compressed cluster: {e}"))
            };
            match self.compression {
                Compression::Deflate => {
                    flate2::read::DeflateDecoder::new(&input[..])
                        .take(want as u64)
                        .read_to_end(&mut out)
                        .map_err(bad)?;
                }
                Compression::Zstd => {
                    let dec = ruzstd::decoding::StreamingDecoder::new(&input[..]).map_err(|e| {
                        DiskError::corrupt(LAYER, offset, format!("compressed cluster: {e}"))
                    })?;
                    dec.take(want as u64).read_to_end(&mut out).map_err(bad)?;
                }
            }
            if out.len() != want {
                return Err(DiskError::corrupt(
                    LAYER,
                    offset,
                    format!(
                        "compressed cluster decodes to {} bytes, not {want}",
                        out.len()
                    ),
                ));
            }
            Ok((out, want))
        })
    }

    /// Read from within one cluster.
    fn read_in_cluster(&self, vaddr: u64, buf: &mut [u8]) -> DResult<()> {
        let l2_bits = self.cluster_bits - 3;
        let l1_index = vaddr >> (self.cluster_bits + l2_bits);
        let l2_index = (vaddr >> self.cluster_bits) & ((1 << l2_bits) - 1);
        let within = vaddr & (self.cluster_size() - 1);
        let l1_entry = usize::try_from(l1_index)
            .ok()
            .and_then(|i| self.l1.get(i))
            .copied()
            .unwrap_or(0);
        let l2_offset = l1_entry & OFFSET_MASK;
        if l2_offset == 0 {
            buf.fill(0);
            return Ok(());
        }
        let table = self.l2(l2_offset)?;
        let entry = table.get(l2_index as usize).copied().unwrap_or(0);
        if entry & (1 << 62) != 0 {
            let data = self.compressed(entry & ((1 << 62) - 1))?;
            let from = within as usize;
            match data.get(from..from + buf.len()) {
                Some(src) => buf.copy_from_slice(src),
                None => return Err(DiskError::corrupt(LAYER, vaddr, "read past a cluster")),
            }
            return Ok(());
        }
        let host = entry & OFFSET_MASK;
        // Bit 0: reads as zeros (v3); offset 0: unallocated, and with no backing file zeros.
        if entry & 1 != 0 || host == 0 {
            buf.fill(0);
            return Ok(());
        }
        if !host.is_multiple_of(self.cluster_size()) {
            return Err(DiskError::corrupt(LAYER, vaddr, "unaligned data cluster"));
        }
        self.file.read_at(host + within, buf).map_err(|_| {
            DiskError::corrupt(
                LAYER,
                vaddr,
                format!("L2 entry points at {host}, outside the file"),
            )
        })
    }
}

impl Device for Qcow2 {
    fn size(&self) -> u64 {
        self.size
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> DResult<()> {
        super::device::check_range(LAYER, self.size, offset, buf.len())?;
        super::device::read_by_block(offset, buf, self.cluster_size(), |vaddr, part| {
            self.read_in_cluster(vaddr, part)
        })
    }
}
