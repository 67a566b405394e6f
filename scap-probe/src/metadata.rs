//! File metadata as a target reports it: the fields of POSIX `stat(2)` that OVAL file tests use.

use std::ffi::OsString;

/// The type of a file, as in the `S_IFMT` bits of `st_mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[non_exhaustive]
pub enum FileType {
    /// A regular file.
    #[default]
    Regular,
    /// A directory.
    Directory,
    /// A symbolic link.
    Symlink,
    /// A block special file.
    BlockDevice,
    /// A character special file.
    CharDevice,
    /// A named pipe.
    Fifo,
    /// A Unix domain socket.
    Socket,
    /// Something the backend could not classify.
    Unknown,
}

impl FileType {
    /// The type encoded in the `S_IFMT` bits of a full `st_mode` value.
    ///
    /// ```
    /// use scap_probe::FileType;
    /// assert_eq!(FileType::from_mode(0o100644), FileType::Regular);
    /// assert_eq!(FileType::from_mode(0o040755), FileType::Directory);
    /// assert_eq!(FileType::from_mode(0o120777), FileType::Symlink);
    /// ```
    pub fn from_mode(mode: u32) -> FileType {
        match mode & 0o170000 {
            0o100000 => FileType::Regular,
            0o040000 => FileType::Directory,
            0o120000 => FileType::Symlink,
            0o060000 => FileType::BlockDevice,
            0o020000 => FileType::CharDevice,
            0o010000 => FileType::Fifo,
            0o140000 => FileType::Socket,
            _ => FileType::Unknown,
        }
    }

    /// The `S_IFMT` bits for this type (0 for [`FileType::Unknown`]).
    pub fn mode_bits(self) -> u32 {
        match self {
            FileType::Regular => 0o100000,
            FileType::Directory => 0o040000,
            FileType::Symlink => 0o120000,
            FileType::BlockDevice => 0o060000,
            FileType::CharDevice => 0o020000,
            FileType::Fifo => 0o010000,
            FileType::Socket => 0o140000,
            FileType::Unknown => 0,
        }
    }

    /// The name OVAL's `unix-def:file_item/type` uses: `"regular"`, `"directory"`,
    /// `"symbolic link"`, `"block special"`, `"character special"`, `"fifo"`, `"socket"`
    /// (and `"unknown"`).
    pub fn oval_name(self) -> &'static str {
        match self {
            FileType::Regular => "regular",
            FileType::Directory => "directory",
            FileType::Symlink => "symbolic link",
            FileType::BlockDevice => "block special",
            FileType::CharDevice => "character special",
            FileType::Fifo => "fifo",
            FileType::Socket => "socket",
            FileType::Unknown => "unknown",
        }
    }

    /// `true` for [`FileType::Directory`].
    pub fn is_dir(self) -> bool {
        self == FileType::Directory
    }

    /// `true` for [`FileType::Regular`].
    pub fn is_file(self) -> bool {
        self == FileType::Regular
    }

    /// `true` for [`FileType::Symlink`].
    pub fn is_symlink(self) -> bool {
        self == FileType::Symlink
    }
}

impl From<std::fs::FileType> for FileType {
    fn from(t: std::fs::FileType) -> FileType {
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if t.is_block_device() {
                return FileType::BlockDevice;
            }
            if t.is_char_device() {
                return FileType::CharDevice;
            }
            if t.is_fifo() {
                return FileType::Fifo;
            }
            if t.is_socket() {
                return FileType::Socket;
            }
        }
        if t.is_symlink() {
            FileType::Symlink
        } else if t.is_dir() {
            FileType::Directory
        } else if t.is_file() {
            FileType::Regular
        } else {
            FileType::Unknown
        }
    }
}

/// A point in time as seconds and nanoseconds since the Unix epoch (seconds may be negative).
///
/// Invariant kept by the backends: `nanos < 1_000_000_000`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp {
    /// Whole seconds since 1970-01-01T00:00:00Z.
    pub secs: i64,
    /// Nanoseconds past `secs`, below one billion.
    pub nanos: u32,
}

impl Timestamp {
    /// A timestamp from seconds and nanoseconds; nanoseconds of a second or more carry into
    /// `secs` so the invariant holds.
    pub fn new(secs: i64, nanos: u32) -> Timestamp {
        Timestamp {
            secs: secs.saturating_add(i64::from(nanos / 1_000_000_000)),
            nanos: nanos % 1_000_000_000,
        }
    }
}

/// What `stat(2)` says about a file, as a target reports it.
///
/// Plain data: every field public, `Default` for building test doubles
/// (`Metadata { mode: 0o4755, ..Metadata::default() }`). `mode` holds only the permission
/// bits including set-user-ID, set-group-ID and sticky (`mode & 0o7777`); the type is in
/// `file_type`. Backends that cannot know a field (an in-memory tree has no real inode) fill in
/// something stable and document it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Metadata {
    /// The file type.
    pub file_type: FileType,
    /// Size in bytes (`st_size`); for a symlink, the length of its target.
    pub size: u64,
    /// Permission bits with suid (0o4000), sgid (0o2000) and sticky (0o1000): `st_mode & 0o7777`.
    pub mode: u32,
    /// Owner user id.
    pub uid: u32,
    /// Owner group id.
    pub gid: u32,
    /// Last access.
    pub atime: Timestamp,
    /// Last modification of the content.
    pub mtime: Timestamp,
    /// Last status change.
    pub ctime: Timestamp,
    /// Inode number.
    pub inode: u64,
    /// Id of the device holding the file (`st_dev`).
    pub device: u64,
    /// Device id this file represents, for block and character special files (`st_rdev`).
    pub rdev: u64,
    /// Number of hard links.
    pub nlink: u64,
}

impl Metadata {
    /// Set-user-ID on execution (`S_ISUID`, 0o4000).
    pub const SUID: u32 = 0o4000;
    /// Set-group-ID on execution (`S_ISGID`, 0o2000).
    pub const SGID: u32 = 0o2000;
    /// Sticky bit (`S_ISVTX`, 0o1000).
    pub const STICKY: u32 = 0o1000;

    /// Metadata of type `file_type` with permission bits `mode` (masked to 0o7777), one link
    /// and everything else zero.
    ///
    /// ```
    /// use scap_probe::{FileType, Metadata};
    /// let m = Metadata::new(FileType::Regular, 0o104755);
    /// assert_eq!(m.mode, 0o4755);
    /// assert!(m.is_suid() && !m.is_sgid());
    /// assert_eq!(m.st_mode(), 0o104755);
    /// ```
    pub fn new(file_type: FileType, mode: u32) -> Metadata {
        Metadata {
            file_type,
            mode: mode & 0o7777,
            nlink: 1,
            ..Metadata::default()
        }
    }

    /// Build from a host `std::fs::Metadata` (Unix: every field; elsewhere: type and size only).
    pub fn from_std(m: &std::fs::Metadata) -> Metadata {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let nanos = |n: i64| u32::try_from(n).unwrap_or(0);
            Metadata {
                file_type: FileType::from(m.file_type()),
                size: m.size(),
                mode: m.mode() & 0o7777,
                uid: m.uid(),
                gid: m.gid(),
                atime: Timestamp::new(m.atime(), nanos(m.atime_nsec())),
                mtime: Timestamp::new(m.mtime(), nanos(m.mtime_nsec())),
                ctime: Timestamp::new(m.ctime(), nanos(m.ctime_nsec())),
                inode: m.ino(),
                device: m.dev(),
                rdev: m.rdev(),
                nlink: m.nlink(),
            }
        }
        #[cfg(not(unix))]
        {
            Metadata {
                file_type: FileType::from(m.file_type()),
                size: m.len(),
                ..Metadata::default()
            }
        }
    }

    /// The full `st_mode`: type bits and permission bits.
    pub fn st_mode(&self) -> u32 {
        self.file_type.mode_bits() | (self.mode & 0o7777)
    }

    /// `true` if the file is a directory.
    pub fn is_dir(&self) -> bool {
        self.file_type.is_dir()
    }

    /// `true` if the file is a regular file.
    pub fn is_file(&self) -> bool {
        self.file_type.is_file()
    }

    /// `true` if the file is a symbolic link.
    pub fn is_symlink(&self) -> bool {
        self.file_type.is_symlink()
    }

    /// `true` if the set-user-ID bit is set.
    pub fn is_suid(&self) -> bool {
        self.mode & Self::SUID != 0
    }

    /// `true` if the set-group-ID bit is set.
    pub fn is_sgid(&self) -> bool {
        self.mode & Self::SGID != 0
    }

    /// `true` if the sticky bit is set.
    pub fn is_sticky(&self) -> bool {
        self.mode & Self::STICKY != 0
    }
}

/// One entry of a directory listing: its name (no `/`, never `.` or `..`) and its type, not
/// following links.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DirEntry {
    /// The file name within the directory; may be non-UTF-8.
    pub name: OsString,
    /// The entry's type as `lstat` would report it.
    pub file_type: FileType,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mode_round_trips_through_type_bits() {
        for t in [
            FileType::Regular,
            FileType::Directory,
            FileType::Symlink,
            FileType::BlockDevice,
            FileType::CharDevice,
            FileType::Fifo,
            FileType::Socket,
        ] {
            assert_eq!(FileType::from_mode(t.mode_bits() | 0o755), t);
        }
        assert_eq!(FileType::from_mode(0o755), FileType::Unknown);
    }

    #[test]
    fn timestamp_carries_nanos() {
        assert_eq!(
            Timestamp::new(1, 2_500_000_000),
            Timestamp {
                secs: 3,
                nanos: 500_000_000
            }
        );
    }

    #[test]
    fn special_bits() {
        let m = Metadata::new(FileType::Directory, 0o1777);
        assert!(m.is_sticky() && !m.is_suid() && !m.is_sgid() && m.is_dir());
        assert_eq!(m.st_mode(), 0o041777);
    }

    #[cfg(unix)]
    #[test]
    fn from_std_reads_host_fields() {
        let dir = tempfile::tempdir().unwrap();
        let m = Metadata::from_std(&std::fs::symlink_metadata(dir.path()).unwrap());
        assert!(m.is_dir());
        assert_ne!(m.inode, 0);
    }
}
