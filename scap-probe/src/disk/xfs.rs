//! A read-only XFS reader (version 4 and 5 filesystems) over a [`Device`]: superblock, inode
//! location from the inode number, inode cores (v2 and v3, big timestamps, 64-bit extent
//! counts), data forks in local, extents and B+tree form, directories in short form and in
//! block/leaf/node form (the data blocks are read; hash indexes are not needed for a full
//! listing), local and remote symbolic links. Layout per the "XFS Algorithms & Data
//! Structures" documentation of the Linux kernel.
//!
//! Not read: the real-time device, and the log (not replayed: the image is read as last
//! written back, as `mount -o norecovery` would).
//!
//! Bounds: B+tree depth at most [`MAX_LEVELS`] with levels strictly decreasing (no loop),
//! at most [`MAX_NODES`] B+tree blocks and [`MAX_EXTENTS`] extents per file, directories at most [`MAX_DIR_BYTES`].

use std::collections::HashMap;
use std::ffi::OsString;
use std::io::{self, Read};
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::device::{Device, be32, be64, uuid_text};
use super::error::{DResult, DiskError};
use super::fs::{Entry, Fs, FsInfo, Run, RunReader, corrupt, list, lookup, read_runs};
use crate::error::{Error, Result};
use crate::metadata::{DirEntry, FileType, Metadata, Timestamp};

const MAX_LEVELS: u16 = 8;
/// B+tree blocks read for one file (nodes may share children in a hostile image: this stops
/// the walk, where the extent limit would not if the leaves are empty).
const MAX_NODES: usize = 1 << 16;
const MAX_EXTENTS: usize = 1 << 20;
const MAX_DIR_BYTES: u64 = 64 << 20;
const MAX_CACHED_ENTRIES: usize = 2_000_000;
const INCOMPAT_FTYPE: u32 = 1;
const INCOMPAT_NREXT64: u32 = 32;
const DIFLAG2_BIGTIME: u64 = 8;

fn be16(b: &[u8], at: usize) -> u16 {
    b.get(at..at.saturating_add(2))
        .map_or(0, |s| u16::from_be_bytes([s[0], s[1]]))
}

/// Whether `dev` starts with an XFS superblock.
pub(crate) fn is_xfs(dev: &dyn Device) -> bool {
    let mut m = [0u8; 4];
    dev.size() >= 512 && dev.read_at(0, &mut m).is_ok() && &m == b"XFSB"
}

struct Inode {
    format: u8,
    size: u64,
    nextents: u64,
    /// The data fork's bytes (inside the inode).
    fork: Vec<u8>,
    meta: Metadata,
}

type Dir = Arc<Vec<Entry<u64>>>;

/// An XFS filesystem.
pub(crate) struct Xfs {
    dev: Arc<dyn Device>,
    name: String,
    block_size: u64,
    dir_block_size: u64,
    ag_blocks: u64,
    ag_count: u64,
    agblklog: u32,
    inopblog: u32,
    inode_size: u64,
    root_ino: u64,
    v5: bool,
    ftype: bool,
    nrext64: bool,
    device_id: u64,
    info: FsInfo,
    dirs: Mutex<HashMap<u64, Dir>>,
}

impl Xfs {
    pub(crate) fn open(dev: Arc<dyn Device>, name: String, device_id: u64) -> DResult<Xfs> {
        let mut sb = [0u8; 512];
        dev.read_at(0, &mut sb)?;
        if &sb[0..4] != b"XFSB" {
            return Err(DiskError::corrupt(&name, 0, "no XFS superblock"));
        }
        let block_size = u64::from(be32(&sb, 4));
        let version = be16(&sb, 100) & 0xf;
        let inode_size = u64::from(be16(&sb, 104));
        let (blocklog, inopblog, agblklog) = (sb[120], sb[123], sb[124]);
        let dirblklog = sb[192];
        if !(9..=16).contains(&blocklog) || block_size != 1 << blocklog {
            return Err(DiskError::corrupt(
                &name,
                4,
                format!("block size {block_size}"),
            ));
        }
        if !(256..=2048).contains(&inode_size) && inode_size != 512 && inode_size != 256 {
            return Err(DiskError::corrupt(
                &name,
                104,
                format!("inode size {inode_size}"),
            ));
        }
        if u64::from(inopblog) > 8 || 1u64 << inopblog != block_size / inode_size.max(1) {
            return Err(DiskError::corrupt(
                &name,
                123,
                "inodes per block inconsistent",
            ));
        }
        if agblklog == 0 || agblklog > 31 || dirblklog > 6 {
            return Err(DiskError::corrupt(&name, 124, "AG or directory block size"));
        }
        if version < 4 {
            return Err(DiskError::unsupported(
                &name,
                format!("XFS version {version}"),
            ));
        }
        let v5 = version == 5;
        let incompat = if v5 { be32(&sb, 216) } else { 0 };
        let known = INCOMPAT_FTYPE | 2 | 4 | 8 | INCOMPAT_NREXT64;
        if incompat & !known != 0 {
            return Err(DiskError::unsupported(
                &name,
                format!("incompatible features {:#x}", incompat & !known),
            ));
        }
        // v4: the ftype bit is in features2 (XFS_SB_VERSION2_FTYPE).
        let ftype = if v5 {
            incompat & INCOMPAT_FTYPE != 0
        } else {
            be32(&sb, 200) & 0x200 != 0
        };
        let label: Vec<u8> = sb[108..120]
            .iter()
            .copied()
            .take_while(|&b| b != 0)
            .collect();
        Ok(Xfs {
            info: FsInfo {
                kind: "xfs",
                uuid: uuid_text(&sb[32..48]),
                label: String::from_utf8_lossy(&label).into_owned(),
            },
            dev,
            name,
            block_size,
            dir_block_size: block_size << dirblklog,
            ag_blocks: u64::from(be32(&sb, 84)),
            ag_count: u64::from(be32(&sb, 88)),
            agblklog: u32::from(agblklog),
            inopblog: u32::from(inopblog),
            inode_size,
            root_ino: be64(&sb, 56),
            v5,
            ftype,
            nrext64: incompat & INCOMPAT_NREXT64 != 0,
            device_id,
            dirs: Mutex::new(HashMap::new()),
        })
    }

    pub(crate) fn info(&self) -> &FsInfo {
        &self.info
    }

    fn bad(&self, path: &Path, what: impl std::fmt::Display) -> Error {
        corrupt(path, &self.name, what)
    }

    /// Byte offset of filesystem block `fsb` (AG number in the high bits).
    fn fsb_offset(&self, path: &Path, fsb: u64) -> Result<u64> {
        let agno = fsb >> self.agblklog;
        let agbno = fsb & ((1u64 << self.agblklog) - 1);
        if agno >= self.ag_count || agbno >= self.ag_blocks {
            return Err(self.bad(path, format!("block {fsb} outside the filesystem")));
        }
        agno.checked_mul(self.ag_blocks)
            .and_then(|b| b.checked_add(agbno))
            .and_then(|b| b.checked_mul(self.block_size))
            .ok_or_else(|| self.bad(path, format!("block {fsb} out of range")))
    }

    fn read(&self, path: &Path, offset: u64, buf: &mut [u8]) -> Result<()> {
        self.dev.read_at(offset, buf).map_err(|e| self.bad(path, e))
    }

    fn inode(&self, path: &Path, ino: u64) -> Result<Inode> {
        let agno = ino >> (self.agblklog + self.inopblog);
        let agbno = (ino >> self.inopblog) & ((1u64 << self.agblklog) - 1);
        let index = ino & ((1u64 << self.inopblog) - 1);
        if agno >= self.ag_count || agbno >= self.ag_blocks {
            return Err(self.bad(path, format!("inode {ino} outside the filesystem")));
        }
        let at = agno
            .checked_mul(self.ag_blocks)
            .and_then(|b| b.checked_add(agbno))
            .and_then(|b| b.checked_mul(self.block_size))
            .and_then(|b| b.checked_add(index * self.inode_size))
            .ok_or_else(|| self.bad(path, format!("inode {ino} out of range")))?;
        let mut raw = vec![0u8; self.inode_size as usize];
        self.read(path, at, &mut raw)?;
        if be16(&raw, 0) != 0x494e {
            return Err(self.bad(path, format!("inode {ino} without magic")));
        }
        let version = raw[4];
        let core = if version >= 3 { 176 } else { 100 };
        let forkoff = usize::from(raw[82]) * 8;
        let fork_end = if forkoff == 0 {
            raw.len()
        } else {
            (core + forkoff).min(raw.len())
        };
        let fork = raw.get(core..fork_end).unwrap_or(&[]).to_vec();
        let flags2 = if version >= 3 { be64(&raw, 120) } else { 0 };
        let time = |at: usize| {
            if flags2 & DIFLAG2_BIGTIME != 0 {
                // Nanoseconds since the smallest 32-bit time (1901-12-13T20:45:52Z).
                let ns = be64(&raw, at);
                let secs = (ns / 1_000_000_000) as i64 - (1i64 << 31);
                Timestamp::new(secs, (ns % 1_000_000_000) as u32)
            } else {
                Timestamp::new(i64::from(be32(&raw, at) as i32), be32(&raw, at + 4))
            }
        };
        let mode = u32::from(be16(&raw, 2));
        let file_type = FileType::from_mode(mode);
        let nextents = if self.nrext64 && version >= 3 {
            be64(&raw, 24)
        } else {
            u64::from(be32(&raw, 76))
        };
        let format = raw[5];
        let rdev =
            if format == 0 && matches!(file_type, FileType::CharDevice | FileType::BlockDevice) {
                // Linux's "new" encoding: 12-bit major, 20-bit minor.
                let d = be32(&fork, 0);
                let (major, minor) = (u64::from(d >> 20), u64::from(d & 0xfffff));
                ((major & 0xfff) << 8) | (minor & 0xff) | ((minor & !0xff) << 12)
            } else {
                0
            };
        let size = be64(&raw, 56);
        Ok(Inode {
            format,
            size,
            nextents,
            fork,
            meta: Metadata {
                file_type,
                size,
                mode: mode & 0o7777,
                uid: be32(&raw, 8),
                gid: be32(&raw, 12),
                atime: time(32),
                mtime: time(40),
                ctime: time(48),
                inode: ino,
                device: self.device_id,
                rdev,
                nlink: if version == 1 {
                    u64::from(be16(&raw, 6))
                } else {
                    u64::from(be32(&raw, 16))
                },
            },
        })
    }

    /// Decode a 16-byte extent record.
    fn extent(&self, path: &Path, r: &[u8]) -> Result<Run> {
        let hi = be64(r, 0);
        let lo = be64(r, 8);
        let zero = hi >> 63 != 0;
        let logical = (hi >> 9) & ((1u64 << 54) - 1);
        let fsb = ((hi & 0x1ff) << 43) | (lo >> 21);
        let len = lo & ((1u64 << 21) - 1);
        Ok(Run {
            logical,
            physical: self.fsb_offset(path, fsb)?,
            len,
            zero,
        })
    }

    /// The extents of a file in extents or B+tree format, sorted by logical block.
    fn runs(&self, path: &Path, inode: &Inode) -> Result<Vec<Run>> {
        let mut runs = Vec::new();
        match inode.format {
            2 => {
                let n = usize::try_from(inode.nextents).unwrap_or(usize::MAX);
                if n > inode.fork.len() / 16 {
                    return Err(self.bad(path, "more extents than the inode holds"));
                }
                for i in 0..n {
                    runs.push(self.extent(path, &inode.fork[i * 16..i * 16 + 16])?);
                }
            }
            3 => {
                // The root in the inode: level, numrecs, keys[maxrecs], ptrs[maxrecs].
                let level = be16(&inode.fork, 0);
                let numrecs = usize::from(be16(&inode.fork, 2));
                let maxrecs = inode.fork.len().saturating_sub(4) / 16;
                if level == 0 || level > MAX_LEVELS || numrecs > maxrecs {
                    return Err(self.bad(path, "bad B+tree root"));
                }
                let mut budget = MAX_NODES;
                for i in 0..numrecs {
                    let ptr = be64(&inode.fork, 4 + maxrecs * 8 + i * 8);
                    self.btree_block(path, ptr, level - 1, &mut runs, &mut budget)?;
                }
            }
            f => return Err(self.bad(path, format!("data fork format {f} has no extents"))),
        }
        runs.sort_by_key(|r| r.logical);
        Ok(runs)
    }

    fn btree_block(
        &self,
        path: &Path,
        fsb: u64,
        level: u16,
        runs: &mut Vec<Run>,
        budget: &mut usize,
    ) -> Result<()> {
        if *budget == 0 {
            return Err(self.bad(path, format!("more than {MAX_NODES} B+tree blocks")));
        }
        *budget -= 1;
        let mut b = vec![0u8; self.block_size as usize];
        self.read(path, self.fsb_offset(path, fsb)?, &mut b)?;
        let magic = &b[0..4];
        let header = match magic {
            b"BMA3" => 72,
            b"BMAP" => 24,
            _ => return Err(self.bad(path, "B+tree block without magic")),
        };
        // Levels strictly decrease down the tree, so a pointer back up is rejected here.
        if be16(&b, 4) != level {
            return Err(self.bad(path, "B+tree level out of order"));
        }
        let numrecs = usize::from(be16(&b, 6));
        if level == 0 {
            if header + numrecs * 16 > b.len() {
                return Err(self.bad(path, "B+tree leaf overflows its block"));
            }
            if runs.len() + numrecs > MAX_EXTENTS {
                return Err(self.bad(path, format!("more than {MAX_EXTENTS} extents")));
            }
            for i in 0..numrecs {
                runs.push(self.extent(path, &b[header + i * 16..header + i * 16 + 16])?);
            }
            return Ok(());
        }
        let maxrecs = (b.len() - header) / 16;
        if numrecs > maxrecs {
            return Err(self.bad(path, "B+tree node overflows its block"));
        }
        for i in 0..numrecs {
            let ptr = be64(&b, header + maxrecs * 8 + i * 8);
            self.btree_block(path, ptr, level - 1, runs, budget)?;
        }
        Ok(())
    }

    fn read_runs(&self, path: &Path, runs: &[Run], pos: u64, buf: &mut [u8]) -> Result<()> {
        read_runs(
            &*self.dev,
            &self.name,
            self.block_size,
            path,
            runs,
            pos,
            buf,
        )
    }

    fn dir(&self, path: &Path, ino: u64) -> Result<Dir> {
        if let Some(d) = self.lock_dirs().get(&ino) {
            return Ok(Arc::clone(d));
        }
        let inode = self.inode(path, ino)?;
        if inode.meta.file_type != FileType::Directory {
            return Err(Error::NotADirectory { path: path.into() });
        }
        let mut entries = Vec::new();
        if inode.format == 1 {
            self.short_form(path, &inode.fork, &mut entries)?;
        } else {
            self.block_form(path, &inode, &mut entries)?;
        }
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        let dir = Arc::new(entries);
        let mut cache = self.lock_dirs();
        let cached: usize = cache.values().map(|d| d.len()).sum();
        if cached + dir.len() > MAX_CACHED_ENTRIES {
            cache.clear();
        }
        cache.insert(ino, Arc::clone(&dir));
        Ok(dir)
    }

    fn lock_dirs(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Dir>> {
        // A panic while holding the lock leaves a valid map (inserts are whole).
        self.dirs.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn file_type(&self, path: &Path, ftype: Option<u8>, ino: u64) -> Result<FileType> {
        Ok(match ftype {
            Some(1) => FileType::Regular,
            Some(2) => FileType::Directory,
            Some(3) => FileType::CharDevice,
            Some(4) => FileType::BlockDevice,
            Some(5) => FileType::Fifo,
            Some(6) => FileType::Socket,
            Some(7) => FileType::Symlink,
            _ => self.inode(path, ino)?.meta.file_type,
        })
    }

    /// A short-form directory (entries inside the inode).
    fn short_form(&self, path: &Path, f: &[u8], out: &mut Vec<Entry<u64>>) -> Result<()> {
        let count = usize::from(*f.first().unwrap_or(&0));
        let i8count = usize::from(*f.get(1).unwrap_or(&0));
        let ino_len = if i8count > 0 { 8 } else { 4 };
        let count = if i8count > 0 { i8count } else { count };
        let mut at = 2 + ino_len;
        for _ in 0..count {
            let namelen = usize::from(*f.get(at).ok_or_else(|| self.bad(path, "short directory"))?);
            let name_at = at + 3;
            let ft_at = name_at + namelen;
            let ino_at = ft_at + usize::from(self.ftype);
            let end = ino_at + ino_len;
            if end > f.len() || namelen == 0 {
                return Err(self.bad(path, "short-form entry overflows the inode"));
            }
            let ino = if ino_len == 8 {
                be64(f, ino_at)
            } else {
                u64::from(be32(f, ino_at))
            };
            let ftype = self.ftype.then(|| f[ft_at]);
            out.push(Entry {
                name: f[name_at..name_at + namelen].to_vec(),
                ino,
                file_type: self.file_type(path, ftype, ino)?,
            });
            at = end;
        }
        Ok(())
    }

    /// A directory in block, leaf or node form: its data blocks, below the leaf offset.
    fn block_form(&self, path: &Path, inode: &Inode, out: &mut Vec<Entry<u64>>) -> Result<()> {
        let runs = self.runs(path, inode)?;
        // Data blocks live below 32 GiB of directory address space; leaves and free-space
        // indexes above it.
        let leaf_block = (32u64 << 30) / self.block_size;
        let per_dir_block = self.dir_block_size / self.block_size;
        let mut total = 0u64;
        for r in runs.iter().filter(|r| !r.zero && r.logical < leaf_block) {
            let blocks = r.len.min(leaf_block - r.logical);
            let mut b = 0;
            while b < blocks {
                total += self.dir_block_size;
                if total > MAX_DIR_BYTES {
                    return Err(Error::TooLarge {
                        path: path.into(),
                        limit: MAX_DIR_BYTES,
                    });
                }
                let mut data = vec![0u8; self.dir_block_size as usize];
                let logical = r.logical + b;
                self.read_runs(path, &runs, logical * self.block_size, &mut data)?;
                self.data_block(path, &data, out)?;
                b += per_dir_block;
            }
        }
        Ok(())
    }

    fn data_block(&self, path: &Path, d: &[u8], out: &mut Vec<Entry<u64>>) -> Result<()> {
        let (header, single) = match &d[0..4] {
            b"XDB3" => (64, true),
            b"XDD3" => (64, false),
            b"XD2B" => (16, true),
            b"XD2D" => (16, false),
            _ => return Err(self.bad(path, "directory block without magic")),
        };
        let mut end = d.len();
        if single {
            // The block tail: leaf entry count and stale count, after the leaf entries.
            let count = be32(d, d.len() - 8) as usize;
            end = d
                .len()
                .checked_sub(8 + count.saturating_mul(8))
                .filter(|&e| e >= header)
                .ok_or_else(|| self.bad(path, "directory block tail"))?;
        }
        let mut at = header;
        while at + 8 <= end {
            if be16(d, at) == 0xffff {
                let len = usize::from(be16(d, at + 2));
                if len < 8 || len % 8 != 0 {
                    return Err(self.bad(path, "free directory space of bad length"));
                }
                at += len;
                continue;
            }
            let ino = be64(d, at);
            let namelen = usize::from(d[at + 8]);
            let name_end = at + 9 + namelen;
            let size = (9 + namelen + usize::from(self.ftype) + 2).div_ceil(8) * 8;
            if namelen == 0 || at + size > end {
                return Err(self.bad(path, "directory entry overflows its block"));
            }
            let name = &d[at + 9..name_end];
            if name != b"." && name != b".." {
                let ftype = self.ftype.then(|| d[name_end]);
                out.push(Entry {
                    name: name.to_vec(),
                    ino,
                    file_type: self.file_type(path, ftype, ino)?,
                });
            }
            at += size;
        }
        Ok(())
    }

    fn lookup(&self, path: &Path) -> Result<u64> {
        lookup(path, self.root_ino, |ino| self.dir(path, ino))
    }
}

impl Fs for Xfs {
    fn metadata(&self, path: &Path) -> Result<Metadata> {
        Ok(self.inode(path, self.lookup(path)?)?.meta)
    }

    fn read_dir(&self, path: &Path) -> Result<Vec<DirEntry>> {
        let dir = self.dir(path, self.lookup(path)?)?;
        Ok(list(&dir))
    }

    fn read_link(&self, path: &Path) -> Result<PathBuf> {
        let inode = self.inode(path, self.lookup(path)?)?;
        if inode.meta.file_type != FileType::Symlink {
            return Err(Error::NotASymlink { path: path.into() });
        }
        let size = inode.size;
        if size > 4096 {
            return Err(self.bad(path, format!("symbolic link of {size} bytes")));
        }
        let size = size as usize;
        let bytes = if inode.format == 1 {
            inode
                .fork
                .get(..size)
                .ok_or_else(|| self.bad(path, "inline link longer than its fork"))?
                .to_vec()
        } else {
            let runs = self.runs(path, &inode)?;
            let mut out = Vec::with_capacity(size);
            let mut block = 0u64;
            // v5 remote link blocks each start with a 56-byte header.
            let header = if self.v5 { 56 } else { 0 };
            while out.len() < size {
                let mut b = vec![0u8; self.block_size as usize];
                self.read_runs(path, &runs, block * self.block_size, &mut b)?;
                if self.v5 && &b[0..4] != b"XSLM" {
                    return Err(self.bad(path, "remote link block without magic"));
                }
                let take = (size - out.len()).min(b.len() - header);
                out.extend_from_slice(&b[header..header + take]);
                block += 1;
            }
            out
        };
        Ok(PathBuf::from(OsString::from_vec(bytes)))
    }

    fn open(&self, path: &Path) -> Result<Box<dyn Read + Send>> {
        let inode = self.inode(path, self.lookup(path)?)?;
        match inode.meta.file_type {
            FileType::Regular => {}
            FileType::Directory => return Err(Error::IsADirectory { path: path.into() }),
            _ => {
                return Err(Error::Io {
                    path: path.into(),
                    source: io::Error::new(io::ErrorKind::InvalidInput, "not a regular file"),
                });
            }
        }
        let (runs, inline) = if inode.format == 1 {
            (Vec::new(), Some(inode.fork.clone()))
        } else {
            (self.runs(path, &inode)?, None)
        };
        Ok(Box::new(RunReader {
            dev: Arc::clone(&self.dev),
            name: self.name.clone(),
            block_size: self.block_size,
            path: path.into(),
            runs,
            inline,
            size: inode.size,
            pos: 0,
        }))
    }
}
