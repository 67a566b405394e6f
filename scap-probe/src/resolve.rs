//! The jail resolver: turn a path inside a target into the physical path it names, following
//! symbolic links as a `chroot` would, without ever leaving the root.
//!
//! One piece of code used by [`RootFs`](crate::RootFs), [`MemoryTarget`](crate::MemoryTarget)
//! and the default [`Target::canonicalize`](crate::Target::canonicalize). A backend gives it two
//! operations through [`Lookup`], each only ever called on a *physical* path: an absolute path
//! none of whose components except possibly the last is a symbolic link. So a backend never has
//! to follow a link itself, and the host OS is never handed a path with a link in it.
//!
//! Rules, as Linux applies them inside a `chroot`:
//!
//! - the path must be absolute; `//` and `.` components are ignored;
//! - `..` goes to the parent of the directory resolved so far, and at the root stays at the root
//!   (so `/../../etc` is `/etc`);
//! - an absolute link target restarts at the root *of the target*, a relative one at the
//!   directory holding the link;
//! - every component followed by another (including a trailing `/` or `/.`) must be, after
//!   following links, a directory, else [`Error::NotADirectory`];
//! - after [`MAX_LINK_HOPS`] links, [`Error::LinkLoop`]: loops end quickly, never hang;
//! - an empty link target is [`Error::NotFound`].
//!
//! ```
//! use std::path::Path;
//! use scap_probe::{resolve, Follow, MemoryTarget};
//!
//! let mut t = MemoryTarget::new();
//! t.add_file("/etc/passwd", "root:x:0:0::/root:/bin/sh\n")
//!     .add_symlink("/etc/alt", "../../../../etc") // `..` stops at the root
//!     .add_symlink("/loop", "/loop");
//! let r = resolve(&t, Path::new("/etc/alt/passwd"), Follow::All)?;
//! assert_eq!(r.path, Path::new("/etc/passwd"));
//! assert!(resolve(&t, Path::new("/loop"), Follow::All).unwrap_err().is_link_loop());
//! # Ok::<(), scap_probe::Error>(())
//! ```

use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};
use crate::metadata::FileType;

/// Most symbolic links followed while resolving one path before [`Error::LinkLoop`]; Linux's
/// `MAXSYMLINKS` is also 40.
pub const MAX_LINK_HOPS: u32 = 40;

/// What the resolver needs from a backend. Both methods receive only *physical* paths
/// (absolute; no component but possibly the last is a symlink), so they must not follow links.
pub trait Lookup {
    /// The type of the entry at `physical`, not following it if it is a link;
    /// [`Error::NotFound`] if there is none.
    fn entry_type(&self, physical: &Path) -> Result<FileType>;

    /// The target of the symbolic link at `physical`, verbatim.
    fn link_target(&self, physical: &Path) -> Result<PathBuf>;
}

/// Whether the last component is followed when it is a symbolic link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Follow {
    /// Follow every link (`stat`, `open`, `read_dir`, `canonicalize`).
    All,
    /// Follow links in the parent components only (`lstat`, `readlink`).
    Parents,
}

/// A path resolved by [`resolve`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Resolved {
    /// The physical path: absolute, normalised, no symbolic link in any component (except the
    /// last with [`Follow::Parents`]).
    pub path: PathBuf,
    /// The type of the entry at `path`, not following it.
    pub file_type: FileType,
}

/// One step still to take.
enum Part {
    Name(OsString),
    Parent,
    /// "Must be a directory here": from `.` at the end or a trailing `/`.
    Dot,
}

/// Check that `path` is usable as a path inside a target: non-empty, absolute, no NUL byte.
pub fn check_path(path: &Path) -> Result<()> {
    let bytes = path.as_os_str().as_encoded_bytes();
    let reason = if bytes.is_empty() {
        "empty"
    } else if !path.has_root() {
        "not absolute (paths inside a target start with /)"
    } else if bytes.contains(&0) {
        "contains a NUL byte"
    } else {
        return Ok(());
    };
    Err(Error::InvalidPath {
        path: path.to_path_buf(),
        reason,
    })
}

/// Split `path` into steps, pushed onto `pending` in reverse (so popping yields them in order).
fn push_parts(path: &Path, pending: &mut Vec<Part>) {
    let bytes = path.as_os_str().as_encoded_bytes();
    // `Path::components` drops a trailing `/` and `/.`; both mean "must be a directory".
    if bytes.ends_with(b"/") || bytes.ends_with(b"/.") || bytes == b"." {
        pending.push(Part::Dot);
    }
    let mut parts: Vec<Part> = Vec::new();
    for c in path.components() {
        match c {
            Component::Normal(n) => parts.push(Part::Name(n.to_os_string())),
            Component::ParentDir => parts.push(Part::Parent),
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
        }
    }
    pending.extend(parts.into_iter().rev());
}

/// Resolve `path` inside the target behind `lookup` (see the [module docs](self) for the
/// rules). Errors name `path` as given.
pub fn resolve<L: Lookup + ?Sized>(lookup: &L, path: &Path, follow: Follow) -> Result<Resolved> {
    check_path(path)?;
    let mut current = PathBuf::from("/");
    let mut current_type = FileType::Directory;
    let mut pending = Vec::new();
    push_parts(path, &mut pending);
    let mut hops = 0u32;

    while let Some(part) = pending.pop() {
        match part {
            Part::Dot => {}
            Part::Parent => {
                current.pop();
                current_type = FileType::Directory;
            }
            Part::Name(name) => {
                current.push(&name);
                let ft = lookup.entry_type(&current).map_err(|e| e.with_path(path))?;
                let more = !pending.is_empty();
                if ft == FileType::Symlink && (more || follow == Follow::All) {
                    hops += 1;
                    if hops > MAX_LINK_HOPS {
                        return Err(Error::LinkLoop {
                            path: path.to_path_buf(),
                            hops,
                        });
                    }
                    let target = lookup
                        .link_target(&current)
                        .map_err(|e| e.with_path(path))?;
                    if target.as_os_str().is_empty() {
                        return Err(Error::NotFound {
                            path: path.to_path_buf(),
                        });
                    }
                    if target.as_os_str().as_encoded_bytes().contains(&0) {
                        return Err(Error::InvalidPath {
                            path: path.to_path_buf(),
                            reason: "a symbolic link target contains a NUL byte",
                        });
                    }
                    // Back to the directory holding the link, or to the root.
                    current.pop();
                    if target.has_root() {
                        current = PathBuf::from("/");
                    }
                    current_type = FileType::Directory;
                    push_parts(&target, &mut pending);
                    continue;
                }
                if more && ft != FileType::Directory {
                    return Err(Error::NotADirectory {
                        path: path.to_path_buf(),
                    });
                }
                current_type = ft;
            }
        }
    }
    Ok(Resolved {
        path: current,
        file_type: current_type,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// A bare map of physical paths, enough to test the resolver alone.
    #[derive(Default)]
    struct Map(BTreeMap<PathBuf, Option<PathBuf>>);

    impl Map {
        fn dir(mut self, p: &str) -> Self {
            self.0.insert(p.into(), None);
            self
        }
        fn link(mut self, p: &str, t: &str) -> Self {
            self.0.insert(p.into(), Some(t.into()));
            self
        }
    }

    impl Lookup for Map {
        fn entry_type(&self, p: &Path) -> Result<FileType> {
            match self.0.get(p) {
                None => Err(Error::NotFound { path: p.into() }),
                Some(None) => Ok(FileType::Directory),
                Some(Some(_)) => Ok(FileType::Symlink),
            }
        }
        fn link_target(&self, p: &Path) -> Result<PathBuf> {
            match self.0.get(p) {
                Some(Some(t)) => Ok(t.clone()),
                _ => Err(Error::NotASymlink { path: p.into() }),
            }
        }
    }

    fn r(m: &Map, p: &str) -> Result<PathBuf> {
        resolve(m, Path::new(p), Follow::All).map(|r| r.path)
    }

    #[test]
    fn plain_paths_normalise() {
        let m = Map::default().dir("/a").dir("/a/b");
        assert_eq!(r(&m, "/a//b/./").unwrap(), Path::new("/a/b"));
        assert_eq!(r(&m, "/../../a/b/..").unwrap(), Path::new("/a"));
        assert_eq!(r(&m, "/").unwrap(), Path::new("/"));
        assert!(r(&m, "/a/c").unwrap_err().is_not_found());
    }

    #[test]
    fn relative_and_empty_paths_are_invalid() {
        let m = Map::default();
        assert!(matches!(r(&m, "a"), Err(Error::InvalidPath { .. })));
        assert!(matches!(r(&m, ""), Err(Error::InvalidPath { .. })));
    }

    #[test]
    fn links_resolve_inside() {
        let m = Map::default()
            .dir("/a")
            .dir("/a/b")
            .link("/a/up", "../../../..")
            .link("/abs", "/a/b")
            .link("/a/rel", "b")
            .link("/empty", "");
        assert_eq!(r(&m, "/a/up").unwrap(), Path::new("/"));
        assert_eq!(r(&m, "/a/up/a/b").unwrap(), Path::new("/a/b"));
        assert_eq!(r(&m, "/abs/..").unwrap(), Path::new("/a"));
        assert_eq!(r(&m, "/a/rel").unwrap(), Path::new("/a/b"));
        assert!(r(&m, "/empty").unwrap_err().is_not_found());
        let last = resolve(&m, Path::new("/abs"), Follow::Parents).unwrap();
        assert_eq!(last.path, Path::new("/abs"));
        assert_eq!(last.file_type, FileType::Symlink);
        // A trailing slash follows the last link even for lstat.
        let slash = resolve(&m, Path::new("/abs/"), Follow::Parents).unwrap();
        assert_eq!(slash.path, Path::new("/a/b"));
    }

    #[test]
    fn loops_stop_at_the_hop_limit() {
        let m = Map::default()
            .link("/a", "b")
            .link("/b", "/a")
            .link("/s", "s");
        for p in ["/a", "/s", "/s/x"] {
            match r(&m, p) {
                Err(Error::LinkLoop { hops, .. }) => assert_eq!(hops, MAX_LINK_HOPS + 1),
                other => panic!("{p}: {other:?}"),
            }
        }
    }
}
