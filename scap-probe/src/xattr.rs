//! Extended attributes on the host: the `listxattr`/`getxattr` family, with the answers the
//! [`Target`](crate::Target) methods give (a missing attribute is `None`, a file system without
//! extended attributes has none).
//!
//! Linux bounds both a value and a whole name list at 64 KiB (`XATTR_SIZE_MAX`,
//! `XATTR_LIST_MAX`), so a buffer of that size always suffices (it is used only when a small
//! one was too small) and nothing read here can grow past it.

use std::ffi::{OsStr, OsString};
use std::io;
use std::os::fd::{AsFd, AsRawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use rustix::io::Errno;

/// `XATTR_SIZE_MAX` and `XATTR_LIST_MAX` of Linux: the most a value or a name list can be.
const XATTR_MAX: usize = 64 * 1024;

/// Whether a final symbolic link is followed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Deref {
    /// `getxattr`: the link's target.
    Follow,
    /// `lgetxattr`: the link itself.
    NoFollow,
}

/// The names in a `listxattr` buffer (NUL-terminated, back to back).
fn split_names(buf: &[u8]) -> Vec<OsString> {
    buf.split(|&b| b == 0)
        .filter(|n| !n.is_empty())
        .map(|n| OsStr::from_bytes(n).to_owned())
        .collect()
}

/// The names of the extended attributes of host path `path`. A file system that does not
/// support extended attributes (`ENOTSUP`) has none.
pub(crate) fn list(path: &Path, deref: Deref) -> io::Result<Vec<OsString>> {
    let got = read_sized(|buf| match deref {
        Deref::Follow => rustix::fs::listxattr(path, buf),
        Deref::NoFollow => rustix::fs::llistxattr(path, buf),
    });
    match got {
        Ok(names) => Ok(split_names(&names)),
        Err(Errno::NOTSUP) => Ok(Vec::new()),
        Err(e) => Err(e.into()),
    }
}

/// What `call` writes into a buffer it is given: first a small one on the stack, which holds
/// the answer for nearly every file (no attributes, or a label and an ACL), then, if that was
/// too small (`ERANGE`), one of the largest size Linux allows. A scan lists the attributes of
/// every file item; a zeroed 64 KiB allocation for each was a measurable share of its time.
fn read_sized(call: impl Fn(&mut [u8]) -> Result<usize, Errno>) -> Result<Vec<u8>, Errno> {
    let mut small = [0u8; 512];
    match call(&mut small[..]) {
        Ok(n) => return Ok(small.get(..n).unwrap_or_default().to_vec()),
        Err(Errno::RANGE) => {}
        Err(e) => return Err(e),
    }
    let mut buf = vec![0u8; XATTR_MAX];
    let n = call(&mut buf[..])?;
    buf.truncate(n);
    Ok(buf)
}

/// The value of extended attribute `name` of host path `path`; `None` if it has none of that
/// name (`ENODATA`) or the file system has no extended attributes (`ENOTSUP`).
pub(crate) fn get(path: &Path, name: &OsStr, deref: Deref) -> io::Result<Option<Vec<u8>>> {
    if name.is_empty() || name.as_bytes().contains(&0) {
        return Ok(None);
    }
    let got = read_sized(|buf| match deref {
        Deref::Follow => rustix::fs::getxattr(path, name, buf),
        Deref::NoFollow => rustix::fs::lgetxattr(path, name, buf),
    });
    match got {
        Ok(value) => Ok(Some(value)),
        Err(Errno::NODATA | Errno::NOTSUP) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The same on an open descriptor (any kind, including `O_PATH`).
///
/// `fgetxattr`/`flistxattr` refuse an `O_PATH` descriptor with `EBADF` (checked on Linux 6.18;
/// `getxattrat(2)`, which would take one, is 6.13 and later only). The kernel's own way to name
/// exactly the inode a descriptor holds is its `/proc/self/fd/N` magic link: following it jumps
/// to that inode without resolving any path text again, so what is read is the file the
/// descriptor was opened on, and for a descriptor on a symbolic link (`O_PATH | O_NOFOLLOW`)
/// the link's own attributes, not its target's. (libselinux reads a file's label through the
/// same path for the same reason.) The `/proc` consulted is the scanning host's own, not the
/// scanned tree's.
pub(crate) fn list_fd(fd: impl AsFd) -> io::Result<Vec<OsString>> {
    list(&proc_fd(&fd), Deref::Follow).map_err(no_proc)
}

/// [`get`] on an open descriptor; see [`list_fd`].
pub(crate) fn get_fd(fd: impl AsFd, name: &OsStr) -> io::Result<Option<Vec<u8>>> {
    get(&proc_fd(&fd), name, Deref::Follow).map_err(no_proc)
}

fn proc_fd(fd: &impl AsFd) -> PathBuf {
    PathBuf::from(format!("/proc/self/fd/{}", fd.as_fd().as_raw_fd()))
}

/// `ENOENT` on the magic link of an open descriptor means there is no procfs at `/proc`.
fn no_proc(e: io::Error) -> io::Error {
    if e.kind() == io::ErrorKind::NotFound {
        io::Error::other(
            "extended attributes of an offline tree are read through /proc/self/fd, and /proc is not mounted",
        )
    } else {
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_list_splits_on_nul() {
        assert_eq!(
            split_names(b"user.a\0security.selinux\0"),
            [OsString::from("user.a"), OsString::from("security.selinux")]
        );
        assert!(split_names(b"").is_empty());
    }

    #[test]
    fn answers_larger_than_the_first_buffer_are_read_whole() {
        // A stand-in for the syscall: `ERANGE` until the buffer holds the answer, as Linux.
        let answer: Vec<u8> = (0..3000u32).map(|i| (i % 251) as u8).collect();
        let calls = std::cell::Cell::new(0);
        let got = read_sized(|buf| {
            calls.set(calls.get() + 1);
            let dst = buf.get_mut(..answer.len()).ok_or(Errno::RANGE)?;
            dst.copy_from_slice(&answer);
            Ok(answer.len())
        });
        assert_eq!(got, Ok(answer));
        assert_eq!(calls.get(), 2);
        assert_eq!(read_sized(|_| Ok(0)), Ok(Vec::new()));
        assert_eq!(read_sized(|_| Err(Errno::NODATA)), Err(Errno::NODATA));
    }

    #[test]
    fn a_name_with_nul_is_no_attribute() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        assert_eq!(
            get(dir.path(), OsStr::new("user.a\0b"), Deref::Follow).expect("no host call"),
            None
        );
    }
}
