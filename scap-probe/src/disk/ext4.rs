//! A read-only ext2/ext3/ext4 reader over a [`Device`]: superblock, group descriptors (32
//! and 64 bit), inodes, extent trees and the older indirect block maps, linear directory
//! blocks (hashed-tree directories read linearly, which their compatible layout allows),
//! fast and slow symbolic links. Layout per the kernel's `Documentation/filesystems/ext4`.
//!
//! Written here rather than taken from the `ext4-view` crate: that crate's filesystem handle
//! is an `Rc` (not `Send`), so it cannot sit behind a `Target`, which the evaluator shares
//! between threads; and it resolves symbolic links itself, inside one filesystem, where a
//! disk's links must resolve across the assembled mounts.
//!
//! Not read: inline data (`inline_data`, not a mkfs default) and encrypted directories, each
//! a typed error on the file concerned; the journal is not replayed (an image is read as last
//! checkpointed, as a read-only mount with `noload` would).
//!
//! Bounds: extent trees at most 5 levels with depths strictly decreasing (so no loop) and
//! [`MAX_NODES`] nodes and [`MAX_RUNS`] runs per file; indirect maps at most
//! [`MAX_INDIRECT_BLOCKS`] blocks; directories at
//! most [`MAX_DIR_BYTES`]; cached directory entries at most [`MAX_CACHED_ENTRIES`].

use std::collections::HashMap;
use std::ffi::OsString;
use std::io::{self, Read};
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::device::{Device, le16, le32, uuid_text};
use super::error::{DResult, DiskError};
use super::fs::{Entry, Fs, FsInfo, Run, RunReader, corrupt, list, lookup, read_runs};
use crate::error::{Error, Result};
use crate::metadata::{DirEntry, FileType, Metadata, Timestamp};

const ROOT_INO: u32 = 2;
const EXTENTS_FL: u32 = 0x8_0000;
const INLINE_DATA_FL: u32 = 0x1000_0000;
const ENCRYPT_FL: u32 = 0x800;
const INCOMPAT_FILETYPE: u32 = 0x2;
const INCOMPAT_64BIT: u32 = 0x80;
/// Extent tree nodes read for one file.
const MAX_NODES: usize = 1 << 16;
/// Block runs held for one file (32 MiB of runs): a hostile map of scattered single blocks
/// stops here.
const MAX_RUNS: usize = 1 << 20;
/// Indirect map blocks read for one file.
const MAX_INDIRECT_BLOCKS: usize = 1 << 16;
/// Largest directory listed (64 MiB: over a million entries).
const MAX_DIR_BYTES: u64 = 64 << 20;
/// Directory entries kept in the listing cache before it is emptied.
const MAX_CACHED_ENTRIES: usize = 2_000_000;
/// Most block groups (a 16 MiB descriptor table at 64-byte descriptors).
const MAX_GROUPS: u64 = 1 << 18;

/// Whether `dev` holds an ext2/3/4 superblock.
pub(crate) fn is_ext(dev: &dyn Device) -> bool {
    let mut m = [0u8; 2];
    dev.read_at(1024 + 56, &mut m).is_ok() && m == [0x53, 0xEF]
}

struct Inode {
    mode: u16,
    flags: u32,
    size: u64,
    block: [u8; 60],
    meta: Metadata,
}

/// A directory's entries, sorted by name for lookups.
type Dir = Arc<Vec<Entry<u32>>>;

/// An ext2/3/4 filesystem.
pub(crate) struct Ext4 {
    dev: Arc<dyn Device>,
    name: String,
    block_size: u64,
    inodes_count: u32,
    inodes_per_group: u32,
    inode_size: u64,
    inode_tables: Vec<u64>,
    filetype: bool,
    device_id: u64,
    info: FsInfo,
    dirs: Mutex<HashMap<u32, Dir>>,
}

impl Ext4 {
    /// Read the superblock and group descriptors of the filesystem on `dev`. `name` is used
    /// in errors (`ext4 on partition 2`); `device_id` becomes every file's `st_dev`.
    pub(crate) fn open(dev: Arc<dyn Device>, name: String, device_id: u64) -> DResult<Ext4> {
        let mut sb = [0u8; 1024];
        dev.read_at(1024, &mut sb)?;
        if le16(&sb, 56) != 0xEF53 {
            return Err(DiskError::corrupt(&name, 1024, "no ext2/3/4 superblock"));
        }
        let log = le32(&sb, 24);
        if log > 6 {
            return Err(DiskError::corrupt(
                &name,
                1024 + 24,
                format!("block size 2^{}", log + 10),
            ));
        }
        let block_size = 1024u64 << log;
        let blocks = u64::from(le32(&sb, 4));
        let incompat = le32(&sb, 96);
        let blocks = if incompat & INCOMPAT_64BIT != 0 {
            blocks | (u64::from(le32(&sb, 336)) << 32)
        } else {
            blocks
        };
        let first_data_block = u64::from(le32(&sb, 20));
        let blocks_per_group = u64::from(le32(&sb, 32));
        let inodes_per_group = le32(&sb, 40);
        let inodes_count = le32(&sb, 0);
        let rev = le32(&sb, 76);
        let inode_size = if rev == 0 {
            128
        } else {
            u64::from(le16(&sb, 88))
        };
        if blocks_per_group == 0 || inodes_per_group == 0 {
            return Err(DiskError::corrupt(
                &name,
                1024 + 32,
                "zero blocks or inodes per group",
            ));
        }
        if !(128..=block_size).contains(&inode_size) || !inode_size.is_power_of_two() {
            return Err(DiskError::corrupt(
                &name,
                1024 + 88,
                format!("inode size {inode_size}"),
            ));
        }
        let groups = blocks
            .saturating_sub(first_data_block)
            .div_ceil(blocks_per_group);
        if groups > MAX_GROUPS {
            return Err(DiskError::limit(
                format!("{name}: block groups"),
                MAX_GROUPS,
            ));
        }
        if groups * u64::from(inodes_per_group) < u64::from(inodes_count) {
            return Err(DiskError::corrupt(
                &name,
                1024,
                "more inodes than the groups hold",
            ));
        }
        let desc_size = if incompat & INCOMPAT_64BIT != 0 {
            u64::from(le16(&sb, 254)).max(32)
        } else {
            32
        };
        if desc_size > 1024 {
            return Err(DiskError::corrupt(
                &name,
                1024 + 254,
                format!("descriptor size {desc_size}"),
            ));
        }
        let table_at = (first_data_block + 1) * block_size;
        let mut table = vec![0u8; (groups * desc_size) as usize];
        dev.read_at(table_at, &mut table)?;
        let inode_tables = table
            .chunks_exact(desc_size as usize)
            .map(|d| {
                let lo = u64::from(le32(d, 8));
                if desc_size >= 64 {
                    lo | (u64::from(le32(d, 0x28)) << 32)
                } else {
                    lo
                }
            })
            .collect();
        let kind = if incompat & 0x40 != 0 || incompat & INCOMPAT_64BIT != 0 {
            "ext4"
        } else if le32(&sb, 92) & 0x4 != 0 {
            "ext3"
        } else {
            "ext2"
        };
        let label: Vec<u8> = sb[120..136]
            .iter()
            .copied()
            .take_while(|&b| b != 0)
            .collect();
        Ok(Ext4 {
            info: FsInfo {
                kind,
                uuid: uuid_text(&sb[104..120]),
                label: String::from_utf8_lossy(&label).into_owned(),
            },
            dev,
            name,
            block_size,
            inodes_count,
            inodes_per_group,
            inode_size,
            inode_tables,
            filetype: incompat & INCOMPAT_FILETYPE != 0,
            device_id,
            dirs: Mutex::new(HashMap::new()),
        })
    }

    /// The filesystem's type, UUID and label.
    pub(crate) fn info(&self) -> &FsInfo {
        &self.info
    }

    fn bad(&self, path: &Path, what: impl std::fmt::Display) -> Error {
        corrupt(path, &self.name, what)
    }

    fn read(&self, path: &Path, offset: u64, buf: &mut [u8]) -> Result<()> {
        self.dev.read_at(offset, buf).map_err(|e| self.bad(path, e))
    }

    fn block_offset(&self, path: &Path, block: u64) -> Result<u64> {
        block
            .checked_mul(self.block_size)
            .ok_or_else(|| self.bad(path, format!("block {block} out of range")))
    }

    fn inode(&self, path: &Path, ino: u32) -> Result<Inode> {
        if ino == 0 || ino > self.inodes_count {
            return Err(self.bad(path, format!("inode {ino} out of range")));
        }
        let index = ino - 1;
        let group = (index / self.inodes_per_group) as usize;
        let table = *self
            .inode_tables
            .get(group)
            .ok_or_else(|| self.bad(path, format!("inode {ino} in no group")))?;
        let at = self
            .block_offset(path, table)?
            .saturating_add(u64::from(index % self.inodes_per_group) * self.inode_size);
        let mut raw = vec![0u8; self.inode_size as usize];
        self.read(path, at, &mut raw)?;
        let mode = le16(&raw, 0);
        let flags = le32(&raw, 32);
        let size = u64::from(le32(&raw, 4)) | (u64::from(le32(&raw, 108)) << 32);
        let mut block = [0u8; 60];
        block.copy_from_slice(&raw[40..100]);
        let extra = if self.inode_size > 128 {
            le16(&raw, 128)
        } else {
            0
        };
        // Seconds are signed 32-bit; the extra word's low 2 bits extend them, the rest are
        // nanoseconds (present when the extra area reaches that field).
        let time = |at: usize, extra_at: usize| {
            let secs = i64::from(le32(&raw, at) as i32);
            if usize::from(extra) + 128 >= extra_at + 4 {
                let x = le32(&raw, extra_at);
                Timestamp::new(secs + (i64::from(x & 3) << 32), x >> 2)
            } else {
                Timestamp::new(secs, 0)
            }
        };
        let file_type = FileType::from_mode(u32::from(mode));
        let rdev = if matches!(file_type, FileType::CharDevice | FileType::BlockDevice) {
            let (old, new) = (le32(&block, 0), le32(&block, 4));
            let (major, minor) = if old != 0 {
                ((old >> 8) & 0xff, old & 0xff)
            } else {
                ((new & 0xfff00) >> 8, (new & 0xff) | ((new >> 12) & 0xfff00))
            };
            makedev(major, minor)
        } else {
            0
        };
        let meta = Metadata {
            file_type,
            size,
            mode: u32::from(mode) & 0o7777,
            uid: u32::from(le16(&raw, 2)) | (u32::from(le16(&raw, 120)) << 16),
            gid: u32::from(le16(&raw, 24)) | (u32::from(le16(&raw, 122)) << 16),
            atime: time(8, 140),
            mtime: time(16, 136),
            ctime: time(12, 132),
            inode: u64::from(ino),
            device: self.device_id,
            rdev,
            nlink: u64::from(le16(&raw, 26)),
        };
        Ok(Inode {
            mode,
            flags,
            size,
            block,
            meta,
        })
    }

    /// The file's block runs, sorted by logical block.
    fn runs(&self, path: &Path, inode: &Inode) -> Result<Vec<Run>> {
        if inode.flags & INLINE_DATA_FL != 0 {
            return Err(Error::Io {
                path: path.into(),
                source: io::Error::new(
                    io::ErrorKind::Unsupported,
                    format!("{}: inline data is not read", self.name),
                ),
            });
        }
        if inode.flags & ENCRYPT_FL != 0 {
            return Err(Error::PermissionDenied { path: path.into() });
        }
        let mut runs = Vec::new();
        if inode.flags & EXTENTS_FL != 0 {
            let mut budget = MAX_NODES;
            self.extent_node(path, &inode.block, None, &mut runs, &mut budget)?;
        } else {
            self.indirect(path, inode, &mut runs)?;
        }
        runs.sort_by_key(|r| r.logical);
        // Block numbers to byte offsets, the unit the shared reader takes.
        for r in &mut runs {
            r.physical = self.block_offset(path, r.physical)?;
        }
        Ok(runs)
    }

    fn extent_node(
        &self,
        path: &Path,
        node: &[u8],
        depth_wanted: Option<u16>,
        runs: &mut Vec<Run>,
        budget: &mut usize,
    ) -> Result<()> {
        if le16(node, 0) != 0xF30A {
            return Err(self.bad(path, "extent node without magic"));
        }
        let entries = usize::from(le16(node, 2));
        let depth = le16(node, 6);
        if depth > 5 || depth_wanted.is_some_and(|d| d != depth) {
            return Err(self.bad(path, format!("extent tree depth {depth}")));
        }
        if 12 + entries * 12 > node.len() {
            return Err(self.bad(path, "extent node overflows its block"));
        }
        for i in 0..entries {
            let e = &node[12 + i * 12..24 + i * 12];
            if runs.len() >= MAX_RUNS {
                return Err(self.bad(path, format!("more than {MAX_RUNS} extents")));
            }
            if depth == 0 {
                let len = u64::from(le16(e, 4));
                let (len, zero) = if len > 32768 {
                    (len - 32768, true)
                } else {
                    (len, false)
                };
                runs.push(Run {
                    logical: u64::from(le32(e, 0)),
                    physical: u64::from(le32(e, 8)) | (u64::from(le16(e, 6)) << 32),
                    len,
                    zero,
                });
            } else {
                if *budget == 0 {
                    return Err(self.bad(path, format!("more than {MAX_NODES} extent nodes")));
                }
                *budget -= 1;
                let child = u64::from(le32(e, 4)) | (u64::from(le16(e, 8)) << 32);
                let mut buf = vec![0u8; self.block_size as usize];
                self.read(path, self.block_offset(path, child)?, &mut buf)?;
                // Depth strictly decreases, so a child pointing back up is rejected above.
                self.extent_node(path, &buf, Some(depth - 1), runs, budget)?;
            }
        }
        Ok(())
    }

    fn indirect(&self, path: &Path, inode: &Inode, runs: &mut Vec<Run>) -> Result<()> {
        let blocks = inode.size.div_ceil(self.block_size);
        let mut budget = MAX_INDIRECT_BLOCKS;
        let mut logical = 0u64;
        for i in 0..12 {
            if logical >= blocks {
                return Ok(());
            }
            push_block(runs, logical, u64::from(le32(&inode.block, i * 4)));
            logical += 1;
        }
        // i_block[12..15]: single, double and triple indirect blocks.
        for level in 1..=3u32 {
            if logical >= blocks {
                break;
            }
            let top = u64::from(le32(&inode.block, 48 + (level as usize - 1) * 4));
            self.indirect_block(path, top, level, blocks, &mut logical, runs, &mut budget)?;
        }
        Ok(())
    }

    /// Map the blocks under indirect block `block` of `level` (1: it holds data block
    /// numbers). Block 0 is a hole of the whole span. Recursion is at most 3 deep.
    #[allow(clippy::too_many_arguments)]
    fn indirect_block(
        &self,
        path: &Path,
        block: u64,
        level: u32,
        blocks: u64,
        logical: &mut u64,
        runs: &mut Vec<Run>,
        budget: &mut usize,
    ) -> Result<()> {
        let per = self.block_size / 4;
        if block == 0 {
            *logical = logical.saturating_add(per.saturating_pow(level));
            return Ok(());
        }
        if *budget == 0 {
            return Err(self.bad(
                path,
                format!("more than {MAX_INDIRECT_BLOCKS} indirect blocks"),
            ));
        }
        *budget -= 1;
        let mut buf = vec![0u8; self.block_size as usize];
        self.read(path, self.block_offset(path, block)?, &mut buf)?;
        for c in buf.chunks_exact(4) {
            if *logical >= blocks {
                break;
            }
            let p = u64::from(le32(c, 0));
            if runs.len() >= MAX_RUNS {
                return Err(self.bad(path, format!("more than {MAX_RUNS} block runs")));
            }
            if level == 1 {
                push_block(runs, *logical, p);
                *logical += 1;
            } else {
                self.indirect_block(path, p, level - 1, blocks, logical, runs, budget)?;
            }
        }
        Ok(())
    }

    /// The entries of directory inode `ino` (cached).
    fn dir(&self, path: &Path, ino: u32) -> Result<Dir> {
        if let Some(d) = self.lock_dirs().get(&ino) {
            return Ok(Arc::clone(d));
        }
        let inode = self.inode(path, ino)?;
        if FileType::from_mode(u32::from(inode.mode)) != FileType::Directory {
            return Err(Error::NotADirectory { path: path.into() });
        }
        if inode.size > MAX_DIR_BYTES {
            return Err(Error::TooLarge {
                path: path.into(),
                limit: MAX_DIR_BYTES,
            });
        }
        let runs = self.runs(path, &inode)?;
        let mut data = vec![0u8; inode.size as usize];
        self.read_runs(path, &runs, 0, &mut data)?;
        let mut entries = Vec::new();
        for block in data.chunks(self.block_size as usize) {
            let mut at = 0usize;
            while at + 8 <= block.len() {
                let child = le32(block, at);
                let rec_len = usize::from(le16(block, at + 4));
                let name_len = usize::from(block[at + 6]);
                if rec_len < 8 || at + rec_len > block.len() || 8 + name_len > rec_len {
                    return Err(self.bad(path, format!("directory entry at {at}: bad length")));
                }
                let name = &block[at + 8..at + 8 + name_len];
                if child != 0 && name != b"." && name != b".." && !name.is_empty() {
                    let file_type = if self.filetype {
                        match block[at + 7] {
                            1 => FileType::Regular,
                            2 => FileType::Directory,
                            3 => FileType::CharDevice,
                            4 => FileType::BlockDevice,
                            5 => FileType::Fifo,
                            6 => FileType::Socket,
                            7 => FileType::Symlink,
                            _ => FileType::Unknown,
                        }
                    } else {
                        self.inode(path, child)?.meta.file_type
                    };
                    entries.push(Entry {
                        name: name.to_vec(),
                        ino: child,
                        file_type,
                    });
                }
                at += rec_len;
            }
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

    fn lock_dirs(&self) -> std::sync::MutexGuard<'_, HashMap<u32, Dir>> {
        // A panic while holding the lock leaves a valid map (inserts are whole).
        self.dirs.lock().unwrap_or_else(|p| p.into_inner())
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

    /// The inode number at `path` (physical, within this filesystem).
    fn lookup(&self, path: &Path) -> Result<u32> {
        lookup(path, ROOT_INO, |ino| self.dir(path, ino))
    }
}

/// Add data block `physical` (0: a hole) at `logical`, growing the last run when
/// contiguous.
fn push_block(runs: &mut Vec<Run>, logical: u64, physical: u64) {
    if physical == 0 {
        return;
    }
    if let Some(last) = runs.last_mut() {
        // Block numbers from the image are 32-bit here, and logical counts blocks of one
        // file, so these sums cannot overflow; saturating all the same.
        if last.logical.saturating_add(last.len) == logical
            && last.physical.saturating_add(last.len) == physical
        {
            last.len += 1;
            return;
        }
    }
    runs.push(Run {
        logical,
        physical,
        len: 1,
        zero: false,
    });
}

/// `st_rdev` as glibc's `makedev` encodes it.
fn makedev(major: u32, minor: u32) -> u64 {
    let (major, minor) = (u64::from(major), u64::from(minor));
    ((major & 0xffff_f000) << 32)
        | ((major & 0xfff) << 8)
        | ((minor & 0xffff_ff00) << 12)
        | (minor & 0xff)
}

impl Fs for Ext4 {
    fn metadata(&self, path: &Path) -> Result<Metadata> {
        let ino = self.lookup(path)?;
        Ok(self.inode(path, ino)?.meta)
    }

    fn read_dir(&self, path: &Path) -> Result<Vec<DirEntry>> {
        let ino = self.lookup(path)?;
        let dir = self.dir(path, ino)?;
        Ok(list(&dir))
    }

    fn read_link(&self, path: &Path) -> Result<PathBuf> {
        let inode = self.inode(path, self.lookup(path)?)?;
        if inode.meta.file_type != FileType::Symlink {
            return Err(Error::NotASymlink { path: path.into() });
        }
        if inode.size > 4096 {
            return Err(self.bad(path, format!("symbolic link of {} bytes", inode.size)));
        }
        // A fast symlink keeps its target in the block map area.
        let bytes = if inode.size < 60 && inode.flags & (EXTENTS_FL | INLINE_DATA_FL) == 0 {
            inode.block[..inode.size as usize].to_vec()
        } else {
            let runs = self.runs(path, &inode)?;
            let mut buf = vec![0u8; inode.size as usize];
            self.read_runs(path, &runs, 0, &mut buf)?;
            buf
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
        let runs = self.runs(path, &inode)?;
        Ok(Box::new(RunReader {
            dev: Arc::clone(&self.dev),
            name: self.name.clone(),
            block_size: self.block_size,
            path: path.into(),
            runs,
            inline: None,
            size: inode.size,
            pos: 0,
        }))
    }
}
