//! A read-only FAT12/16/32 reader for the EFI system partition: boot sector, the FAT (held
//! in memory, at most [`MAX_FAT_BYTES`]), cluster chains (a loop or a chain longer than the
//! volume is an error), directories with long (VFAT) names. Layout per Microsoft's "FAT32
//! File System Specification" (1.03).
//!
//! Written here: the `fatfs` crate wants a `Read + Write + Seek` device behind a `RefCell`
//! (neither `Sync` nor read-only), and an ESP needs only this much.
//!
//! As Linux's `vfat` shows it: names compare without regard to ASCII case; permission bits
//! are `0777` less the mount's `fmask`/`dmask`/`umask` (default `022`, what a boot-time
//! mount gets) and less the write bits of read-only files; owner from `uid=`/`gid=`
//! (default root); timestamps are taken as UTC (`tz=UTC`); `ctime` is the modification time;
//! inode numbers are synthetic (the entry's byte position), as Linux's are.

use std::ffi::OsString;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use super::device::{Device, le16, le32};
use super::error::{DResult, DiskError};
use super::fs::{Fs, FsInfo, corrupt};
use crate::error::{Error, Result};
use crate::metadata::{DirEntry, FileType, Metadata, Timestamp};

/// Largest FAT held in memory.
const MAX_FAT_BYTES: u64 = 16 << 20;
/// Largest directory read (in bytes).
const MAX_DIR_BYTES: u64 = 4 << 20;

/// Whether `dev` starts with a FAT boot sector.
pub(crate) fn is_fat(dev: &dyn Device) -> bool {
    let mut b = [0u8; 512];
    if dev.size() < 512 || dev.read_at(0, &mut b).is_err() {
        return false;
    }
    let bps = le16(&b, 11);
    let spc = b[13];
    b[510..512] == [0x55, 0xAA]
        && matches!(b[0], 0xEB | 0xE9)
        && matches!(bps, 512 | 1024 | 2048 | 4096)
        && spc.is_power_of_two()
        && le16(&b, 14) >= 1
        && b[16] >= 1
        && (b[54..57] == *b"FAT" || b[82..85] == *b"FAT")
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Fat12,
    Fat16,
    Fat32,
}

/// Mount options that change what files look like.
#[derive(Clone, Copy)]
struct Options {
    fmask: u32,
    dmask: u32,
    uid: u32,
    gid: u32,
}

struct Volume {
    dev: Arc<dyn Device>,
    name: String,
    kind: Kind,
    cluster_size: u64,
    data_start: u64,
    clusters: u32,
    /// FAT12/16: the fixed root directory area (offset, bytes); FAT32: root cluster.
    root_area: (u64, u64),
    root_cluster: u32,
    fat: Vec<u8>,
    device_id: u64,
}

/// A FAT filesystem.
pub(crate) struct Fat {
    vol: Arc<Volume>,
    opts: Options,
    info: FsInfo,
}

/// Where a file's bytes are: a cluster chain, or the FAT12/16 root area.
#[derive(Clone)]
enum Data {
    Chain(u32),
    RootArea,
}

#[derive(Clone)]
struct Entry {
    name: String,
    dir: bool,
    read_only: bool,
    data: Data,
    size: u64,
    mtime: Timestamp,
    atime: Timestamp,
    inode: u64,
}

impl Fat {
    pub(crate) fn open(dev: Arc<dyn Device>, name: String, device_id: u64) -> DResult<Fat> {
        let mut b = [0u8; 512];
        dev.read_at(0, &mut b)?;
        let bps = u64::from(le16(&b, 11));
        let spc = u64::from(b[13]);
        let reserved = u64::from(le16(&b, 14));
        let fats = u64::from(b[16]);
        let root_entries = u64::from(le16(&b, 17));
        let total = match le16(&b, 19) {
            0 => u64::from(le32(&b, 32)),
            n => u64::from(n),
        };
        let fat_sectors = match le16(&b, 22) {
            0 => u64::from(le32(&b, 36)),
            n => u64::from(n),
        };
        if bps == 0 || spc == 0 {
            return Err(DiskError::corrupt(&name, 11, "zero sector or cluster size"));
        }
        let root_sectors = (root_entries * 32).div_ceil(bps);
        let data_sector = reserved + fats * fat_sectors + root_sectors;
        if total <= data_sector || total * bps > dev.size() {
            return Err(DiskError::corrupt(&name, 19, "volume size inconsistent"));
        }
        let clusters = (total - data_sector) / spc;
        let kind = if clusters < 4085 {
            Kind::Fat12
        } else if clusters < 65525 {
            Kind::Fat16
        } else {
            Kind::Fat32
        };
        let fat_bytes = fat_sectors * bps;
        if fat_bytes > MAX_FAT_BYTES {
            return Err(DiskError::limit(
                format!("{name}: FAT bytes"),
                MAX_FAT_BYTES,
            ));
        }
        let mut fat = vec![0u8; fat_bytes as usize];
        dev.read_at(reserved * bps, &mut fat)?;
        let (id_at, label_at) = if kind == Kind::Fat32 {
            (67, 71)
        } else {
            (39, 43)
        };
        let id = le32(&b, id_at);
        let label = String::from_utf8_lossy(&b[label_at..label_at + 11])
            .trim_end()
            .to_string();
        let label = if label == "NO NAME" {
            String::new()
        } else {
            label
        };
        Ok(Fat {
            info: FsInfo {
                kind: "vfat",
                uuid: format!("{:04X}-{:04X}", id >> 16, id & 0xffff),
                label,
            },
            vol: Arc::new(Volume {
                dev,
                name,
                kind,
                cluster_size: spc * bps,
                data_start: data_sector * bps,
                clusters: u32::try_from(clusters).unwrap_or(u32::MAX),
                root_area: ((reserved + fats * fat_sectors) * bps, root_sectors * bps),
                root_cluster: le32(&b, 44),
                fat,
                device_id,
            }),
            opts: Options {
                fmask: 0o022,
                dmask: 0o022,
                uid: 0,
                gid: 0,
            },
        })
    }

    pub(crate) fn info(&self) -> &FsInfo {
        &self.info
    }

    /// The same filesystem as mounted with fstab `options` (`umask=`, `fmask=`, `dmask=`,
    /// `uid=`, `gid=`).
    pub(crate) fn with_options(&self, options: &[String]) -> Fat {
        let mut o = self.opts;
        for opt in options {
            let Some((k, v)) = opt.split_once('=') else {
                continue;
            };
            let octal = u32::from_str_radix(v, 8).ok().map(|m| m & 0o777);
            match (k, octal) {
                ("umask", Some(m)) => {
                    o.fmask = m;
                    o.dmask = m;
                }
                ("fmask", Some(m)) => o.fmask = m,
                ("dmask", Some(m)) => o.dmask = m,
                _ => {}
            }
            match k {
                "uid" => o.uid = v.parse().unwrap_or(o.uid),
                "gid" => o.gid = v.parse().unwrap_or(o.gid),
                _ => {}
            }
        }
        Fat {
            vol: Arc::clone(&self.vol),
            opts: o,
            info: self.info.clone(),
        }
    }

    fn root(&self) -> Entry {
        Entry {
            name: String::new(),
            dir: true,
            read_only: false,
            data: match self.vol.kind {
                Kind::Fat32 => Data::Chain(self.vol.root_cluster),
                _ => Data::RootArea,
            },
            size: 0,
            mtime: Timestamp::default(),
            atime: Timestamp::default(),
            inode: 1,
        }
    }

    fn entry(&self, path: &Path) -> Result<Entry> {
        let mut e = self.root();
        for c in path.components() {
            match c {
                Component::RootDir | Component::CurDir => {}
                Component::Normal(name) => {
                    if !e.dir {
                        return Err(Error::NotADirectory { path: path.into() });
                    }
                    let want = name.to_string_lossy();
                    let list = self.vol.list(path, &e)?;
                    e = list
                        .into_iter()
                        .find(|x| x.name.eq_ignore_ascii_case(&want))
                        .ok_or_else(|| Error::NotFound { path: path.into() })?;
                }
                _ => {
                    return Err(Error::InvalidPath {
                        path: path.into(),
                        reason: "not a physical path",
                    });
                }
            }
        }
        Ok(e)
    }

    fn meta(&self, path: &Path, e: &Entry) -> Result<Metadata> {
        let (file_type, mut mode, size) = if e.dir {
            let bytes = self.vol.bytes_of(path, &e.data)?;
            (FileType::Directory, 0o777 & !self.opts.dmask, bytes)
        } else {
            (FileType::Regular, 0o777 & !self.opts.fmask, e.size)
        };
        if e.read_only && !e.dir {
            mode &= !0o222;
        }
        Ok(Metadata {
            file_type,
            size,
            mode,
            uid: self.opts.uid,
            gid: self.opts.gid,
            atime: e.atime,
            mtime: e.mtime,
            ctime: e.mtime,
            inode: e.inode,
            device: self.vol.device_id,
            rdev: 0,
            nlink: if e.dir { 2 } else { 1 },
        })
    }
}

impl Volume {
    fn bad(&self, path: &Path, what: impl std::fmt::Display) -> Error {
        corrupt(path, &self.name, what)
    }

    /// The FAT entry of cluster `c`.
    fn next(&self, c: u32) -> Option<u32> {
        let c = c as usize;
        let (v, end) = match self.kind {
            Kind::Fat12 => {
                let at = c + c / 2;
                let raw = u32::from(le16(&self.fat, at));
                (if c % 2 == 1 { raw >> 4 } else { raw & 0xfff }, 0xff8)
            }
            Kind::Fat16 => (u32::from(le16(&self.fat, c * 2)), 0xfff8),
            Kind::Fat32 => (le32(&self.fat, c * 4) & 0x0fff_ffff, 0x0fff_fff8),
        };
        (v < end).then_some(v)
    }

    /// The clusters of the chain starting at `start` (empty for 0: an empty file).
    fn chain(&self, path: &Path, start: u32) -> Result<Vec<u32>> {
        let mut out = Vec::new();
        let mut c = start;
        while c != 0 {
            if c < 2 || c >= self.clusters.saturating_add(2) {
                return Err(self.bad(path, format!("cluster {c} outside the volume")));
            }
            if out.len() > self.clusters as usize {
                return Err(self.bad(path, "cluster chain loops"));
            }
            out.push(c);
            match self.next(c) {
                Some(n) => c = n,
                None => break,
            }
        }
        Ok(out)
    }

    fn cluster_offset(&self, c: u32) -> u64 {
        self.data_start + u64::from(c - 2) * self.cluster_size
    }

    fn bytes_of(&self, path: &Path, data: &Data) -> Result<u64> {
        Ok(match data {
            Data::RootArea => self.root_area.1,
            Data::Chain(c) => self.chain(path, *c)?.len() as u64 * self.cluster_size,
        })
    }

    /// The whole content of a directory.
    fn dir_bytes(&self, path: &Path, e: &Entry) -> Result<Vec<u8>> {
        let dev =
            |at: u64, buf: &mut [u8]| self.dev.read_at(at, buf).map_err(|x| self.bad(path, x));
        match e.data {
            Data::RootArea => {
                let mut buf = vec![0u8; self.root_area.1.min(MAX_DIR_BYTES) as usize];
                dev(self.root_area.0, &mut buf)?;
                Ok(buf)
            }
            Data::Chain(start) => {
                let chain = self.chain(path, start)?;
                if chain.len() as u64 * self.cluster_size > MAX_DIR_BYTES {
                    return Err(Error::TooLarge {
                        path: path.into(),
                        limit: MAX_DIR_BYTES,
                    });
                }
                let mut buf = vec![0u8; chain.len() * self.cluster_size as usize];
                for (i, c) in chain.iter().enumerate() {
                    let cs = self.cluster_size as usize;
                    dev(self.cluster_offset(*c), &mut buf[i * cs..(i + 1) * cs])?;
                }
                Ok(buf)
            }
        }
    }

    fn list(&self, path: &Path, dir: &Entry) -> Result<Vec<Entry>> {
        let bytes = self.dir_bytes(path, dir)?;
        let base = match dir.data {
            Data::Chain(c) => u64::from(c) << 16,
            Data::RootArea => 0,
        };
        let mut out = Vec::new();
        let mut long: Vec<(u8, [u16; 13])> = Vec::new();
        for (i, d) in bytes.chunks_exact(32).enumerate() {
            match d[0] {
                0 => break,
                0xE5 => {
                    long.clear();
                    continue;
                }
                _ => {}
            }
            let attr = d[11];
            if attr & 0x3f == 0x0f {
                let mut part = [0u16; 13];
                let idx = [1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30];
                for (k, &at) in idx.iter().enumerate() {
                    part[k] = le16(d, at);
                }
                long.push((d[13], part));
                continue;
            }
            if attr & 0x08 != 0 {
                long.clear();
                continue; // volume label
            }
            let short = short_name(d);
            if short == "." || short == ".." {
                long.clear();
                continue;
            }
            let sum = d[..11]
                .iter()
                .fold(0u8, |s, &b| (s >> 1 | (s & 1) << 7).wrapping_add(b));
            let name = if !long.is_empty() && long.iter().all(|(c, _)| *c == sum) {
                // Long entries precede the short one last part first.
                let units: Vec<u16> = long
                    .iter()
                    .rev()
                    .flat_map(|(_, p)| p.iter().copied())
                    .take_while(|&u| u != 0)
                    .collect();
                String::from_utf16_lossy(&units)
            } else {
                short
            };
            long.clear();
            let cluster = (u32::from(le16(d, 20)) << 16) | u32::from(le16(d, 26));
            out.push(Entry {
                name,
                dir: attr & 0x10 != 0,
                read_only: attr & 0x01 != 0,
                data: Data::Chain(cluster),
                size: u64::from(le32(d, 28)),
                mtime: fat_time(le16(d, 24), le16(d, 22)),
                atime: fat_time(le16(d, 18), 0),
                inode: base + i as u64 + 2,
            });
        }
        Ok(out)
    }
}

/// The 8.3 name, lowercased where the NT case flags (byte 12) say so.
fn short_name(d: &[u8]) -> String {
    let mut base: Vec<u8> = d[0..8].to_vec();
    if base[0] == 0x05 {
        base[0] = 0xE5;
    }
    let mut ext: Vec<u8> = d[8..11].to_vec();
    if d[12] & 0x08 != 0 {
        base.make_ascii_lowercase();
    }
    if d[12] & 0x10 != 0 {
        ext.make_ascii_lowercase();
    }
    let base = String::from_utf8_lossy(&base).trim_end().to_string();
    let ext = String::from_utf8_lossy(&ext).trim_end().to_string();
    if ext.is_empty() {
        base
    } else {
        format!("{base}.{ext}")
    }
}

/// A FAT date and time (local time, taken as UTC) as a timestamp.
fn fat_time(date: u16, time: u16) -> Timestamp {
    if date == 0 {
        return Timestamp::default();
    }
    let y = 1980 + i64::from(date >> 9);
    let m = i64::from((date >> 5) & 0xf).clamp(1, 12);
    let d = i64::from(date & 0x1f).clamp(1, 31);
    // Days from civil (proleptic Gregorian), Howard Hinnant's algorithm.
    let (y2, m2) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let doy = (153 * m2 + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = i64::from(time >> 11) * 3600
        + i64::from((time >> 5) & 0x3f) * 60
        + i64::from(time & 0x1f) * 2;
    Timestamp::new(days * 86_400 + secs, 0)
}

impl Fs for Fat {
    fn remount(&self, options: &[String]) -> Option<Arc<dyn Fs>> {
        Some(Arc::new(self.with_options(options)))
    }

    fn metadata(&self, path: &Path) -> Result<Metadata> {
        let e = self.entry(path)?;
        self.meta(path, &e)
    }

    fn read_dir(&self, path: &Path) -> Result<Vec<DirEntry>> {
        let e = self.entry(path)?;
        if !e.dir {
            return Err(Error::NotADirectory { path: path.into() });
        }
        Ok(self
            .vol
            .list(path, &e)?
            .into_iter()
            .map(|x| DirEntry {
                name: OsString::from(x.name),
                file_type: if x.dir {
                    FileType::Directory
                } else {
                    FileType::Regular
                },
            })
            .collect())
    }

    fn read_link(&self, path: &Path) -> Result<PathBuf> {
        self.entry(path)?;
        Err(Error::NotASymlink { path: path.into() })
    }

    fn open(&self, path: &Path) -> Result<Box<dyn Read + Send>> {
        let e = self.entry(path)?;
        if e.dir {
            return Err(Error::IsADirectory { path: path.into() });
        }
        let chain = match e.data {
            Data::Chain(c) => self.vol.chain(path, c)?,
            Data::RootArea => Vec::new(),
        };
        if (chain.len() as u64) * self.vol.cluster_size < e.size {
            return Err(self.vol.bad(path, "file larger than its cluster chain"));
        }
        Ok(Box::new(FatReader {
            vol: Arc::clone(&self.vol),
            path: path.into(),
            chain,
            size: e.size,
            pos: 0,
        }))
    }
}

struct FatReader {
    vol: Arc<Volume>,
    path: PathBuf,
    chain: Vec<u32>,
    size: u64,
    pos: u64,
}

impl Read for FatReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.size.saturating_sub(self.pos);
        if left == 0 || buf.is_empty() {
            return Ok(0);
        }
        let cs = self.vol.cluster_size;
        let index = (self.pos / cs) as usize;
        let within = self.pos % cs;
        let Some(&c) = self.chain.get(index) else {
            return Ok(0);
        };
        let n = (buf.len() as u64).min(left).min(cs - within) as usize;
        self.vol
            .dev
            .read_at(self.vol.cluster_offset(c) + within, &mut buf[..n])
            .map_err(|e| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{}: {e}", self.path.display()),
                )
            })?;
        self.pos += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        // 2024-02-29 13:45:58: date = (44 << 9) | (2 << 5) | 29, time = (13 << 11) | (45 << 5) | 29.
        let t = fat_time((44 << 9) | (2 << 5) | 29, (13 << 11) | (45 << 5) | 29);
        assert_eq!(t.secs, 1_709_214_358);
    }
}
