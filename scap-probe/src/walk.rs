//! Directory traversal over any [`Target`]: what OVAL file objects need for `recurse`,
//! `recurse_direction`, `max_depth` and `recurse_file_system`.
//!
//! Iterative (an explicit stack, no recursion), deterministic (entries in byte order of their
//! names), loop-safe: symbolic links to directories are descended only when asked, and a
//! directory whose (device, inode) was already descended is not descended again.

use std::collections::HashSet;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::metadata::FileType;
use crate::target::Target;

/// Which way a walk goes from its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Direction {
    /// Into subdirectories (OVAL `recurse_direction="down"`).
    #[default]
    Down,
    /// Towards the root: the start's parent, its parent, ... `/` (OVAL `"up"`).
    Up,
}

/// How to walk. `Default` is: down, unlimited depth, descend real directories, do not follow
/// symbolic links, cross filesystems.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct WalkOptions {
    /// Down or up.
    pub direction: Direction,
    /// How many levels below (or above) the start to go; `None` is unlimited, `Some(0)` lists
    /// only the start's own entries. This is OVAL's `max_depth` (`-1` is `None`).
    pub max_depth: Option<usize>,
    /// Descend into real subdirectories (OVAL `recurse` contains "directories").
    pub descend_directories: bool,
    /// Descend into symbolic links that lead to directories (OVAL `recurse` contains
    /// "symlinks").
    pub follow_symlinks: bool,
    /// Stay on the start's filesystem: do not descend into a directory whose device differs
    /// from the start's (OVAL `recurse_file_system="defined"`).
    pub same_device: bool,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            direction: Direction::Down,
            max_depth: None,
            descend_directories: true,
            follow_symlinks: false,
            same_device: false,
        }
    }
}

impl WalkOptions {
    /// The defaults (see the type docs).
    pub fn new() -> WalkOptions {
        WalkOptions::default()
    }

    /// With `direction`.
    pub fn direction(mut self, direction: Direction) -> WalkOptions {
        self.direction = direction;
        self
    }

    /// With `max_depth` (`None`: unlimited).
    pub fn max_depth(mut self, max_depth: Option<usize>) -> WalkOptions {
        self.max_depth = max_depth;
        self
    }

    /// With `descend_directories`.
    pub fn descend_directories(mut self, yes: bool) -> WalkOptions {
        self.descend_directories = yes;
        self
    }

    /// With `follow_symlinks`.
    pub fn follow_symlinks(mut self, yes: bool) -> WalkOptions {
        self.follow_symlinks = yes;
        self
    }

    /// With `same_device`.
    pub fn same_device(mut self, yes: bool) -> WalkOptions {
        self.same_device = yes;
        self
    }
}

/// One path met by a walk.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WalkEntry {
    /// The path as reached (below a followed link it stays under the link's path, like
    /// `find -L`).
    pub path: PathBuf,
    /// The type as `lstat` gives it.
    pub file_type: FileType,
    /// `true` if the path is a directory or (when links are followed) a link to one.
    pub is_dir: bool,
    /// Levels from the start (0 for the start itself).
    pub depth: usize,
}

/// An iterator over a walk; see [`walk`].
pub struct Walk<'a> {
    target: &'a dyn Target,
    options: WalkOptions,
    /// Entries still to yield, the next one last.
    stack: Vec<WalkEntry>,
    /// (device, inode) of every directory already listed.
    visited: HashSet<(u64, u64)>,
    start_device: Option<u64>,
    /// For `Direction::Up`: the first error, yielded once.
    pending_error: Option<crate::Error>,
}

/// Walk `target` from `start`.
///
/// Down: yields `start` itself (depth 0), then, depth first in name order, every entry of each
/// directory it descends. A directory at depth `d` is listed if `d <= max_depth`; which
/// subdirectories are descended follows the options. The start is always listed if it is a
/// directory or a link to one. Up: yields `start` (canonicalized) and its ancestors up to `/`,
/// at most `max_depth` of them. Errors (a directory that vanished, no permission) are yielded
/// in place and the walk goes on.
///
/// ```
/// use std::path::{Path, PathBuf};
/// use scap_probe::{walk, MemoryTarget, WalkOptions};
///
/// let mut t = MemoryTarget::new();
/// t.add_file("/etc/ssh/sshd_config", "").add_file("/etc/hosts", "").add_symlink("/etc/up", "/");
/// let paths: Vec<PathBuf> = walk(&t, Path::new("/etc"), WalkOptions::new())
///     .filter_map(Result::ok)
///     .map(|e| e.path)
///     .collect();
/// // `/etc/up` is listed but not followed.
/// let want = ["/etc", "/etc/hosts", "/etc/ssh", "/etc/ssh/sshd_config", "/etc/up"];
/// assert_eq!(paths, want.map(PathBuf::from));
/// ```
pub fn walk<'a>(target: &'a dyn Target, start: &Path, options: WalkOptions) -> Walk<'a> {
    let mut w = Walk {
        target,
        options,
        stack: Vec::new(),
        visited: HashSet::new(),
        start_device: None,
        pending_error: None,
    };
    match options.direction {
        Direction::Down => match target.metadata(start) {
            Ok(m) => {
                let stat = if m.is_symlink() {
                    target.stat(start).ok()
                } else {
                    Some(m.clone())
                };
                w.start_device = stat.as_ref().map(|s| s.device);
                w.stack.push(WalkEntry {
                    path: start.to_path_buf(),
                    file_type: m.file_type,
                    is_dir: stat.is_some_and(|s| s.is_dir()),
                    depth: 0,
                });
            }
            Err(e) => w.pending_error = Some(e),
        },
        Direction::Up => match target.canonicalize(start) {
            Ok(real) => {
                let limit = options.max_depth.unwrap_or(usize::MAX);
                let chain: Vec<PathBuf> = real
                    .ancestors()
                    .take(limit.saturating_add(1))
                    .map(Path::to_path_buf)
                    .collect();
                for (depth, path) in chain.into_iter().enumerate().rev() {
                    let file_type = target
                        .metadata(&path)
                        .map(|m| m.file_type)
                        .unwrap_or(FileType::Unknown);
                    w.stack.push(WalkEntry {
                        is_dir: file_type.is_dir(),
                        path,
                        file_type,
                        depth,
                    });
                }
            }
            Err(e) => w.pending_error = Some(e),
        },
    }
    w
}

impl Walk<'_> {
    /// Push the entries of directory `dir` (already yielded) if the options allow.
    fn descend(&mut self, dir: &WalkEntry) -> Result<()> {
        if !dir.is_dir || self.options.direction != Direction::Down {
            return Ok(());
        }
        if self.options.max_depth.is_some_and(|max| dir.depth > max) {
            return Ok(());
        }
        if dir.depth > 0 {
            let wanted = if dir.file_type.is_symlink() {
                self.options.follow_symlinks
            } else {
                self.options.descend_directories
            };
            if !wanted {
                return Ok(());
            }
        }
        let stat = self.target.stat(&dir.path)?;
        if dir.depth > 0 && self.options.same_device && Some(stat.device) != self.start_device {
            return Ok(());
        }
        if !self.visited.insert((stat.device, stat.inode)) {
            return Ok(());
        }
        let mut entries = self.target.read_dir(&dir.path)?;
        entries.sort_by(|a, b| b.name.cmp(&a.name));
        for e in entries {
            let path = dir.path.join(&e.name);
            let is_dir = match e.file_type {
                FileType::Directory => true,
                FileType::Symlink if self.options.follow_symlinks => {
                    self.target.stat(&path).is_ok_and(|m| m.is_dir())
                }
                _ => false,
            };
            self.stack.push(WalkEntry {
                path,
                file_type: e.file_type,
                is_dir,
                depth: dir.depth + 1,
            });
        }
        Ok(())
    }
}

impl Iterator for Walk<'_> {
    type Item = Result<WalkEntry>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(e) = self.pending_error.take() {
            return Some(Err(e));
        }
        let entry = self.stack.pop()?;
        if let Err(e) = self.descend(&entry) {
            // Yield the entry now, its error next.
            self.pending_error = Some(e);
        }
        Some(Ok(entry))
    }
}

/// The paths of the entries of directory `dir` whose names `keep` accepts, sorted: the listing
/// step of an OVAL file object with a `filename` pattern, with the matching left to the caller
/// (its own regex engine, an equality test, ...).
///
/// ```
/// use std::path::{Path, PathBuf};
/// use scap_probe::{list_matching, MemoryTarget};
///
/// let mut t = MemoryTarget::new();
/// t.add_file("/etc/cron.d/a", "").add_file("/etc/cron.d/b.dpkg-old", "");
/// let found = list_matching(&t, Path::new("/etc/cron.d"), &mut |n| {
///     !n.to_string_lossy().ends_with(".dpkg-old")
/// })?;
/// assert_eq!(found, [PathBuf::from("/etc/cron.d/a")]);
/// # Ok::<(), scap_probe::Error>(())
/// ```
pub fn list_matching(
    target: &dyn Target,
    dir: &Path,
    keep: &mut dyn FnMut(&OsStr) -> bool,
) -> Result<Vec<PathBuf>> {
    let mut out: Vec<PathBuf> = target
        .read_dir(dir)?
        .into_iter()
        .filter(|e| keep(&e.name))
        .map(|e| dir.join(e.name))
        .collect();
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{MemoryTarget, Metadata};

    fn paths(t: &dyn Target, start: &str, o: WalkOptions) -> Vec<(String, usize)> {
        walk(t, Path::new(start), o)
            .map(|r| r.unwrap())
            .map(|e| (e.path.to_string_lossy().into_owned(), e.depth))
            .collect()
    }

    fn tree() -> MemoryTarget {
        let mut t = MemoryTarget::new();
        t.add_file("/a/b/c/d", "")
            .add_file("/a/x", "")
            .add_symlink("/a/loop", "/a")
            .add_symlink("/a/self", ".");
        t
    }

    #[test]
    fn max_depth_bounds_the_listed_directories() {
        let t = tree();
        let o = WalkOptions::new().max_depth(Some(0));
        assert_eq!(
            paths(&t, "/a", o),
            [
                ("/a", 0),
                ("/a/b", 1),
                ("/a/loop", 1),
                ("/a/self", 1),
                ("/a/x", 1)
            ]
            .map(|(p, d)| (p.to_string(), d))
        );
        let o = WalkOptions::new().max_depth(Some(1));
        assert!(paths(&t, "/a", o).contains(&("/a/b/c".into(), 2)));
        assert!(!paths(&t, "/a", o).iter().any(|(p, _)| p == "/a/b/c/d"));
    }

    #[test]
    fn followed_link_loops_terminate() {
        let t = tree();
        let o = WalkOptions::new().follow_symlinks(true);
        let all = paths(&t, "/a", o);
        // /a is visited once: the links back to it are listed, not descended.
        assert_eq!(all.iter().filter(|(p, _)| p.ends_with("/x")).count(), 1);
        assert!(all.contains(&("/a/b/c/d".into(), 3)));
    }

    #[test]
    fn symlinks_only_recursion_skips_real_dirs() {
        let mut t = MemoryTarget::new();
        t.add_file("/s/real/f", "")
            .add_file("/t/g", "")
            .add_symlink("/s/link", "/t");
        let o = WalkOptions::new()
            .descend_directories(false)
            .follow_symlinks(true);
        let all = paths(&t, "/s", o);
        assert!(all.contains(&("/s/link/g".into(), 2)));
        assert!(!all.iter().any(|(p, _)| p == "/s/real/f"));
    }

    #[test]
    fn same_device_stays_on_the_start_filesystem() {
        let mut t = MemoryTarget::new();
        let mut other = Metadata::new(FileType::Directory, 0o755);
        other.device = 7;
        t.add_file("/r/f", "").add_dir_with("/r/mnt", other);
        t.add_file("/r/mnt/inner", "");
        let o = WalkOptions::new().same_device(true);
        let all = paths(&t, "/r", o);
        assert!(all.contains(&("/r/mnt".into(), 1)));
        assert!(!all.iter().any(|(p, _)| p == "/r/mnt/inner"));
        assert!(paths(&t, "/r", WalkOptions::new()).contains(&("/r/mnt/inner".into(), 2)));
    }

    #[test]
    fn up_walks_to_the_root() {
        let t = tree();
        let o = WalkOptions::new().direction(Direction::Up);
        assert_eq!(
            paths(&t, "/a/b/c", o),
            [("/a/b/c", 0), ("/a/b", 1), ("/a", 2), ("/", 3)].map(|(p, d)| (p.to_string(), d))
        );
        let o = o.max_depth(Some(1));
        assert_eq!(paths(&t, "/a/b/c", o).len(), 2);
    }

    #[test]
    fn missing_start_is_one_error() {
        let t = tree();
        let r: Vec<_> = walk(&t, Path::new("/nope"), WalkOptions::new()).collect();
        assert_eq!(r.len(), 1);
        assert!(r[0].as_ref().unwrap_err().is_not_found());
    }
}
