//! Partition tables: GPT (UEFI 2.10 §5.3) and MBR with extended partitions (EBR chains).
//! Partitions are numbered as Linux names them (`/dev/sda2` is number 2; logical MBR
//! partitions from 5), which is what an fstab's `/dev/...` names refer to.
//!
//! Checked: every partition lies inside the disk, none overlaps another, the EBR chain has
//! no loop and at most [`MAX_LOGICAL`] links. Not checked: the GPT CRCs (a wrong CRC is
//! read as if right; the layout checks above still hold).

use std::sync::Arc;

use super::device::{Device, Slice, guid_text, le16, le32, le64};
use super::error::{DResult, DiskError};

/// Sector size assumed by both tables (512-byte logical sectors, what image tools write).
const SECTOR: u64 = 512;
/// Most GPT entries read.
const MAX_GPT_ENTRIES: u32 = 1024;
/// Most logical partitions followed in an EBR chain.
const MAX_LOGICAL: usize = 128;

/// One partition of a disk.
#[derive(Clone)]
pub(crate) struct Partition {
    /// Linux's number for it (1-based).
    pub(crate) number: u32,
    /// First byte on the disk.
    pub(crate) start: u64,
    /// Length in bytes.
    pub(crate) len: u64,
    /// `PARTUUID=` value: the GPT unique GUID, or the MBR `SSSSSSSS-NN` form.
    pub(crate) part_uuid: String,
    /// `PARTLABEL=` value (GPT name); empty on MBR.
    pub(crate) label: String,
}

impl Partition {
    pub(crate) fn device(&self, disk: &Arc<dyn Device>) -> Arc<dyn Device> {
        Arc::new(Slice {
            inner: Arc::clone(disk),
            start: self.start,
            len: self.len,
            name: format!("partition {}", self.number),
        })
    }
}

/// The partitions of `disk`: `None` if it has no partition table (a bare filesystem).
pub(crate) fn read_table(disk: &dyn Device) -> DResult<Option<Vec<Partition>>> {
    if disk.size() < 2 * SECTOR {
        return Ok(None);
    }
    let mut mbr = [0u8; 512];
    disk.read_at(0, &mut mbr)?;
    if mbr[510..512] != [0x55, 0xAA] {
        return Ok(None);
    }
    let entries: Vec<&[u8]> = (0..4).map(|i| &mbr[446 + 16 * i..462 + 16 * i]).collect();
    if entries.iter().any(|e| e[4] == 0xEE) {
        return gpt(disk).map(Some);
    }
    // A FAT or NTFS boot sector also ends in 55 AA: an MBR's entries have status 0 or 0x80.
    if entries.iter().any(|e| e[0] != 0 && e[0] != 0x80) {
        return Ok(None);
    }
    if entries.iter().all(|e| e[4] == 0) {
        return Ok(None);
    }
    mbr_table(disk, &mbr).map(Some)
}

fn gpt(disk: &dyn Device) -> DResult<Vec<Partition>> {
    let mut h = [0u8; 92];
    disk.read_at(SECTOR, &mut h)?;
    if &h[0..8] != b"EFI PART" {
        return Err(DiskError::corrupt(
            "gpt",
            SECTOR,
            "protective MBR but no GPT header",
        ));
    }
    let entries_lba = le64(&h, 72);
    let count = le32(&h, 80);
    let entry_size = le32(&h, 84);
    if count > MAX_GPT_ENTRIES {
        return Err(DiskError::limit(
            "GPT partition entries",
            MAX_GPT_ENTRIES.into(),
        ));
    }
    if !(128..=4096).contains(&entry_size) || !entry_size.is_multiple_of(8) {
        return Err(DiskError::corrupt(
            "gpt",
            SECTOR + 84,
            format!("entry size {entry_size}"),
        ));
    }
    let table_at = entries_lba
        .checked_mul(SECTOR)
        .ok_or_else(|| DiskError::corrupt("gpt", SECTOR + 72, "entry table LBA overflows"))?;
    let mut table = vec![0u8; count as usize * entry_size as usize];
    disk.read_at(table_at, &mut table)?;
    let sectors = disk.size() / SECTOR;
    let mut parts = Vec::new();
    for (i, e) in table.chunks_exact(entry_size as usize).enumerate() {
        if e[0..16].iter().all(|&b| b == 0) {
            continue; // unused entry
        }
        let first = le64(e, 32);
        let last = le64(e, 40);
        let at = table_at + (i as u64) * u64::from(entry_size);
        if first > last || last >= sectors {
            return Err(DiskError::corrupt(
                "gpt",
                at,
                format!(
                    "partition {} spans LBA {first}..={last} of {sectors}",
                    i + 1
                ),
            ));
        }
        let name: Vec<u16> = e[56..128]
            .chunks_exact(2)
            .map(|c| le16(c, 0))
            .take_while(|&c| c != 0)
            .collect();
        parts.push(Partition {
            number: i as u32 + 1,
            start: first * SECTOR,
            len: (last - first + 1) * SECTOR,
            part_uuid: guid_text(&e[16..32]),
            label: String::from_utf16_lossy(&name),
        });
    }
    check_overlaps("gpt", &parts)?;
    Ok(parts)
}

fn mbr_table(disk: &dyn Device, mbr: &[u8; 512]) -> DResult<Vec<Partition>> {
    let signature = le32(mbr, 440);
    let sectors = disk.size() / SECTOR;
    let mut parts = Vec::new();
    let mut extended = None;
    let in_disk = |start: u64, count: u64, at: u64| -> DResult<()> {
        if count == 0 || start.saturating_add(count) > sectors {
            return Err(DiskError::corrupt(
                "mbr",
                at,
                format!("partition at LBA {start} of {count} sectors outside the disk ({sectors})"),
            ));
        }
        Ok(())
    };
    for i in 0..4u32 {
        let e = &mbr[446 + 16 * i as usize..462 + 16 * i as usize];
        let (kind, start, count) = (e[4], u64::from(le32(e, 8)), u64::from(le32(e, 12)));
        if kind == 0 {
            continue;
        }
        in_disk(start, count, 446 + 16 * u64::from(i))?;
        if matches!(kind, 0x05 | 0x0F | 0x85) {
            extended = Some((start, count));
            continue;
        }
        parts.push(mbr_part(i + 1, start, count, signature));
    }
    if let Some((ext_start, ext_count)) = extended {
        let mut next = ext_start;
        let mut seen = std::collections::BTreeSet::new();
        let mut number = 5;
        loop {
            if !seen.insert(next) {
                return Err(DiskError::corrupt("mbr", next * SECTOR, "EBR chain loops"));
            }
            if seen.len() > MAX_LOGICAL {
                return Err(DiskError::limit("logical partitions", MAX_LOGICAL as u64));
            }
            let mut ebr = [0u8; 512];
            disk.read_at(next * SECTOR, &mut ebr)?;
            if ebr[510..512] != [0x55, 0xAA] {
                return Err(DiskError::corrupt(
                    "mbr",
                    next * SECTOR,
                    "EBR without signature",
                ));
            }
            let (l, n) = (&ebr[446..462], &ebr[462..478]);
            if l[4] != 0 {
                let start = next + u64::from(le32(l, 8));
                let count = u64::from(le32(l, 12));
                in_disk(start, count, next * SECTOR + 446)?;
                if start + count > ext_start + ext_count {
                    return Err(DiskError::corrupt(
                        "mbr",
                        next * SECTOR + 446,
                        "logical partition outside its extended partition",
                    ));
                }
                parts.push(mbr_part(number, start, count, signature));
                number += 1;
            }
            if n[4] == 0 {
                break;
            }
            next = ext_start + u64::from(le32(n, 8));
        }
    }
    check_overlaps("mbr", &parts)?;
    Ok(parts)
}

fn mbr_part(number: u32, start: u64, count: u64, signature: u32) -> Partition {
    Partition {
        number,
        start: start * SECTOR,
        len: count * SECTOR,
        // What blkid reports as PARTUUID on an MBR disk.
        part_uuid: format!("{signature:08x}-{number:02x}"),
        label: String::new(),
    }
}

fn check_overlaps(layer: &str, parts: &[Partition]) -> DResult<()> {
    let mut sorted: Vec<&Partition> = parts.iter().collect();
    sorted.sort_by_key(|p| p.start);
    for w in sorted.windows(2) {
        if w[0].start + w[0].len > w[1].start {
            return Err(DiskError::corrupt(
                layer,
                w[1].start,
                format!("partitions {} and {} overlap", w[0].number, w[1].number),
            ));
        }
    }
    Ok(())
}
