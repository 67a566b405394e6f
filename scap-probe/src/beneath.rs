//! Host operations on a physical path beneath a root directory's descriptor, refusing every
//! symbolic link on the way, so the kernel itself keeps [`RootFs`](crate::RootFs) inside its
//! root even while the tree changes under the scan.
//!
//! The jail resolver ([`resolve`](crate::resolve())) turns a path of the scanned system into a
//! physical path with no link in it. Between that resolution and the use of its result, a
//! process on the host could exchange a directory of the tree for a symbolic link to a host
//! directory (`renameat2(RENAME_EXCHANGE)`); a host call on `<root>/<physical>` would follow
//! it out of the root. Here every host call starts at the root's descriptor and names the
//! physical path relative to it, with `openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS)`: a link
//! anywhere on that path (or `..` leaving the root) makes the call fail with `ELOOP` / `EXDEV`
//! instead of being followed. Where the kernel has no `openat2` (before Linux 5.6) the same
//! guarantee comes from a walk, one `openat(O_NOFOLLOW)` per component from the root's
//! descriptor. Either way what is read, listed or stat'ed is an inode reached from the root
//! through directories only: never outside the tree. (What it is may have changed since it was
//! resolved; a tree that changes during a scan gives results about a changing tree, not about
//! the host.)

use std::ffi::OsStr;
use std::fs::File;
use std::io;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use rustix::fs::{Dir, Mode, OFlags, ResolveFlags};

use crate::metadata::{DirEntry, FileType};

/// An open root directory and the operations beneath it.
#[derive(Debug)]
pub(crate) struct RootDir {
    fd: OwnedFd,
    /// Cleared on the first `ENOSYS` from `openat2`: use the component walk from then on.
    has_openat2: AtomicBool,
}

/// How the last component is opened.
#[derive(Clone, Copy)]
pub(crate) enum Open {
    /// A handle on the entry itself, not followed even when it is a link (`O_PATH |
    /// O_NOFOLLOW`): for `lstat` and `readlink`.
    Entry,
    /// A directory to list.
    Directory,
    /// A file to read; `O_NONBLOCK` so that a FIFO put in the file's place cannot block the
    /// open (the caller refuses anything but a regular file).
    File,
}

impl Open {
    fn flags(self) -> OFlags {
        let base = OFlags::CLOEXEC | OFlags::NOFOLLOW;
        match self {
            Open::Entry => base | OFlags::PATH,
            Open::Directory => base | OFlags::RDONLY | OFlags::DIRECTORY,
            Open::File => base | OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY,
        }
    }
}

impl RootDir {
    /// Opens the root directory `root` (a trusted, canonical host path).
    pub(crate) fn open(root: &Path) -> io::Result<RootDir> {
        let fd = rustix::fs::open(
            root,
            OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        Ok(RootDir {
            fd,
            has_openat2: AtomicBool::new(true),
        })
    }

    /// Opens `physical` (absolute and normalised, as the resolver gives it) beneath the root,
    /// following no link.
    pub(crate) fn open_beneath(&self, physical: &Path, how: Open) -> io::Result<OwnedFd> {
        self.open_beneath_raw(physical, how).map_err(|e| {
            // The path was resolved to have no link in it and stays beneath the root: a link
            // (ELOOP) or an escape (EXDEV) now means the tree changed since.
            if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error())
                || e.raw_os_error() == Some(rustix::io::Errno::XDEV.raw_os_error())
            {
                io::Error::other("a symbolic link appeared on the resolved path (the tree changed during the scan); not followed")
            } else {
                e
            }
        })
    }

    fn open_beneath_raw(&self, physical: &Path, how: Open) -> io::Result<OwnedFd> {
        let rel = relative(physical)?;
        if self.has_openat2.load(Ordering::Relaxed) {
            let resolve = ResolveFlags::BENEATH | ResolveFlags::NO_SYMLINKS;
            match rustix::fs::openat2(&self.fd, rel, how.flags(), Mode::empty(), resolve) {
                Err(rustix::io::Errno::NOSYS) => self.has_openat2.store(false, Ordering::Relaxed),
                // Interrupted by a concurrent rename anywhere on the system (openat2 with
                // RESOLVE_BENEATH may give up then): this call takes the walk, which has no
                // such condition; the next call tries openat2 again.
                Err(rustix::io::Errno::AGAIN) => {}
                other => return other.map_err(io::Error::from),
            }
        }
        self.walk(rel, how)
    }

    /// `open_beneath` without `openat2`: one `openat(O_NOFOLLOW)` per component.
    fn walk(&self, rel: &Path, how: Open) -> io::Result<OwnedFd> {
        let names: Vec<&OsStr> = rel
            .components()
            .filter_map(|c| match c {
                Component::Normal(n) => Some(n),
                _ => None,
            })
            .collect();
        let dir_flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let Some((last, parents)) = names.split_last() else {
            return rustix::fs::openat(&self.fd, ".", how.flags(), Mode::empty())
                .map_err(io::Error::from);
        };
        let mut dir = rustix::fs::openat(&self.fd, ".", dir_flags, Mode::empty())?;
        for name in parents {
            dir = rustix::fs::openat(&dir, *name, dir_flags, Mode::empty())?;
        }
        rustix::fs::openat(&dir, *last, how.flags(), Mode::empty()).map_err(io::Error::from)
    }

    /// The entries of the directory at `physical`. An entry whose type the file system does
    /// not report is typed with `fstatat(AT_SYMLINK_NOFOLLOW)` on the open directory; one that
    /// vanished meanwhile is left out.
    pub(crate) fn list(&self, physical: &Path) -> io::Result<Vec<DirEntry>> {
        // The directory reads from the descriptor opened here (`Dir::read_from` would open
        // it again and ask its flags: two more calls per directory listed).
        let mut dir = Dir::new(self.open_beneath(physical, Open::Directory)?)?;
        let mut out = Vec::new();
        while let Some(entry) = dir.next() {
            let entry = entry?;
            let name = entry.file_name().to_bytes();
            if name == b"." || name == b".." {
                continue;
            }
            let file_type = match file_type(entry.file_type()) {
                Some(t) => t,
                None => {
                    let fd = dir.fd()?;
                    match rustix::fs::statat(fd, name, rustix::fs::AtFlags::SYMLINK_NOFOLLOW) {
                        Ok(st) => file_type(rustix::fs::FileType::from_raw_mode(st.st_mode))
                            .unwrap_or(FileType::Unknown),
                        Err(rustix::io::Errno::NOENT) => continue,
                        Err(e) => return Err(e.into()),
                    }
                }
            };
            out.push(DirEntry {
                name: OsStr::from_bytes(name).to_owned(),
                file_type,
            });
        }
        Ok(out)
    }

    /// The host metadata of the entry at `physical` (not followed if it is a link).
    pub(crate) fn lstat(&self, physical: &Path) -> io::Result<std::fs::Metadata> {
        File::from(self.open_beneath(physical, Open::Entry)?).metadata()
    }

    /// The target of the link at `physical`.
    pub(crate) fn read_link(&self, physical: &Path) -> io::Result<PathBuf> {
        let fd = self.open_beneath(physical, Open::Entry)?;
        // An empty path reads the link an `O_PATH | O_NOFOLLOW` descriptor refers to.
        let target = rustix::fs::readlinkat(&fd, "", Vec::new())?;
        Ok(PathBuf::from(OsStr::from_bytes(target.as_bytes())))
    }

    /// The names of the extended attributes of the entry at `physical` (a link's own).
    ///
    /// The entry is opened `O_PATH | O_NOFOLLOW` beneath the root like every other call here,
    /// so the jail holds: the inode whose attributes are read is the one that descriptor
    /// holds, reached from the root through directories only. The attributes are then read
    /// through that descriptor ([`crate::xattr::list_fd`] says why through `/proc/self/fd`),
    /// never through a path the kernel would resolve again.
    pub(crate) fn xattr_names(&self, physical: &Path) -> io::Result<Vec<std::ffi::OsString>> {
        let fd = self.open_beneath(physical, Open::Entry)?;
        crate::xattr::list_fd(&fd)
    }

    /// The value of extended attribute `name` of the entry at `physical` (a link's own); see
    /// [`RootDir::xattr_names`] for how the jail holds.
    pub(crate) fn xattr(&self, physical: &Path, name: &OsStr) -> io::Result<Option<Vec<u8>>> {
        let fd = self.open_beneath(physical, Open::Entry)?;
        crate::xattr::get_fd(&fd, name)
    }

    /// The regular file at `physical`, open for reading, and its metadata. Anything else
    /// (a FIFO, a device, a directory, a link put there meanwhile) is refused without reading.
    pub(crate) fn open_file(&self, physical: &Path) -> io::Result<(File, std::fs::Metadata)> {
        let file = File::from(self.open_beneath(physical, Open::File)?);
        let meta = file.metadata()?;
        if meta.is_dir() {
            return Err(io::ErrorKind::IsADirectory.into());
        }
        if !meta.is_file() {
            // Opening a FIFO would block and a device may never end.
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a regular file",
            ));
        }
        Ok((file, meta))
    }
}

/// `physical` without its leading `/` (`.` for the root); a physical path is absolute and
/// normalised, so anything else is a caller's bug reported as an error, not a panic.
fn relative(physical: &Path) -> io::Result<&Path> {
    let rel = physical.strip_prefix("/").map_err(|_| {
        io::Error::new(io::ErrorKind::InvalidInput, "physical path is not absolute")
    })?;
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "physical path is not normalised",
        ));
    }
    Ok(if rel.as_os_str().is_empty() {
        Path::new(".")
    } else {
        rel
    })
}

fn file_type(t: rustix::fs::FileType) -> Option<FileType> {
    use rustix::fs::FileType as R;
    Some(match t {
        R::RegularFile => FileType::Regular,
        R::Directory => FileType::Directory,
        R::Symlink => FileType::Symlink,
        R::Fifo => FileType::Fifo,
        R::Socket => FileType::Socket,
        R::CharacterDevice => FileType::CharDevice,
        R::BlockDevice => FileType::BlockDevice,
        R::Unknown => return None,
    })
}
