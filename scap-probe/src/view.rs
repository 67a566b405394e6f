//! [`ScanView`]: one scan's memory of a target's tree.

use std::collections::{HashMap, HashSet};
use std::ffi::{OsStr, OsString};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::error::{Error, Result};
use crate::facts::{ContainerInfo, Facts, Interface, Mount, Process, Uname};
use crate::metadata::{DirEntry, FileType, Metadata};
use crate::resolve::{Follow, Lookup, check_path, resolve};
use crate::target::Target;
use crate::walk::{WalkEntry, WalkOptions, walk};

/// How much a [`ScanView`] may hold, and what it does not cache.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ViewLimits {
    /// Most entries held at once (a path's answers count one, a listing one per name): 50,000
    /// by default, about 25 MiB at most (the 10,997 entries of a debootstrapped Debian 11 tree
    /// fit; on a larger tree what the scan stopped asking about is dropped first). The walks
    /// kept for [`Target::shared_walk`] hold at most as many entries again, about 5 MiB.
    pub max_entries: usize,
    /// Paths beneath these (compared component by component on the path as asked) are passed
    /// to the backend unchanged and not cached. Default: `/proc`, `/sys`, `/dev`.
    pub uncached: Vec<PathBuf>,
}

impl Default for ViewLimits {
    fn default() -> Self {
        ViewLimits {
            max_entries: 50_000,
            uncached: vec!["/proc".into(), "/sys".into(), "/dev".into()],
        }
    }
}

impl ViewLimits {
    /// The same limits with `max_entries` entries at most (0 caches nothing).
    ///
    /// ```
    /// let l = scap_probe::ViewLimits::default().with_max_entries(1000);
    /// assert_eq!(l.max_entries, 1000);
    /// ```
    pub fn with_max_entries(mut self, max_entries: usize) -> ViewLimits {
        self.max_entries = max_entries;
        self
    }

    /// No cache at all: every call goes to the backend unchanged (what the evaluator uses for
    /// a target whose [`Target::wants_scan_view`] is `false`).
    ///
    /// ```
    /// use std::path::Path;
    /// use scap_probe::{MemoryTarget, ScanView, Target, ViewLimits};
    /// let mut tree = MemoryTarget::new();
    /// tree.add_file("/etc/issue", "Debian\n");
    /// let view = ScanView::new(&tree, ViewLimits::passthrough());
    /// view.metadata(Path::new("/etc/issue"))?;
    /// assert_eq!(view.stats().hits + view.stats().backend_metadata, 0);
    /// # Ok::<(), scap_probe::Error>(())
    /// ```
    pub fn passthrough() -> ViewLimits {
        ViewLimits {
            max_entries: 0,
            uncached: vec!["/".into()],
        }
    }
}

/// Counts of what a [`ScanView`] answered from memory and what it asked the backend, for
/// measuring (see [`ScanView::stats`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ViewStats {
    /// Questions answered from the cache (entry types, metadata, links, listings).
    pub hits: u64,
    /// `metadata` calls on the backend.
    pub backend_metadata: u64,
    /// `read_dir` calls on the backend.
    pub backend_read_dir: u64,
    /// `read_link` calls on the backend.
    pub backend_read_link: u64,
    /// `xattr_names` calls on the backend.
    pub backend_xattr_names: u64,
    /// Entries dropped to stay within [`ViewLimits::max_entries`].
    pub evicted: u64,
    /// Walks answered from a walk kept earlier in the scan ([`Target::shared_walk`]).
    pub walks_shared: u64,
    /// Walks made and kept for the rest of the scan.
    pub walks_kept: u64,
}

/// What is known about one physical path.
#[derive(Debug, Clone, Default)]
struct Node {
    /// Its type (not following it); `Some(None)`: it does not exist.
    file_type: Option<Option<FileType>>,
    metadata: Option<Metadata>,
    /// Its entries, sorted by name.
    listing: Option<Arc<[DirEntry]>>,
    /// What only some paths have (links, directories followed, attributes read), boxed: every
    /// slot of the table is as large as a node, and inline these made each slot 232 bytes
    /// instead of 160 (a table of a 10,000-path scan doubles from 2 to 4 MB at once).
    rare: Option<Box<Rare>>,
}

// A node is a slot of the cache's table: keep it from growing back unnoticed (136 bytes on
// 64-bit targets, 208 with the rare fields inline).
#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<Node>() <= 136);

/// The fields of a [`Node`] most paths never get.
#[derive(Debug, Clone, Default)]
struct Rare {
    link: Option<PathBuf>,
    /// The path, followed, is the directory at this physical path (kept for a path as asked,
    /// so that its entries resolve from here; the same path when there is no link on it).
    dir: Option<PathBuf>,
    /// The names of its extended attributes, for the path as asked, following every link
    /// (`[0]`) or only those of the parents (`[1]`).
    xattr_names: [Option<Arc<[OsString]>>; 2],
}

impl Node {
    fn weight(&self) -> usize {
        let xattrs = self.rare.as_ref().map_or(0, |r| {
            r.xattr_names
                .iter()
                .flatten()
                .map(|n| n.len())
                .sum::<usize>()
        });
        1 + self.listing.as_ref().map_or(0, |l| l.len()) + xattrs
    }

    fn rare(&self) -> Option<&Rare> {
        self.rare.as_deref()
    }

    fn rare_mut(&mut self) -> &mut Rare {
        self.rare.get_or_insert_default()
    }
}

/// The slot of [`Rare::xattr_names`] for `follow`.
fn xattr_slot(follow: Follow) -> usize {
    match follow {
        Follow::All => 0,
        Follow::Parents => 1,
    }
}

/// Nodes by path, as the path's bytes: one hash of the bytes, where `Path`'s own `Hash`
/// splits the path into components first (a tenth of a scan's time went there). Two spellings
/// of one path (`/a//b`, `/a/b`) are then two keys: a miss, answered by the backend, never a
/// wrong answer; the view asks with normalised physical paths anyway. foldhash is seeded per
/// process (file names in a scanned image cannot be chosen to collide) and several times faster
/// than the default SipHash on short keys.
type Nodes = HashMap<OsString, Node, foldhash::fast::RandomState>;

#[derive(Debug, Default)]
struct Cache {
    young: Nodes,
    old: Nodes,
    young_weight: usize,
    stats: ViewStats,
    walks: Walks,
}

/// The walks kept for [`Target::shared_walk`], by start and options.
#[derive(Debug, Default)]
struct Walks {
    kept: HashMap<(PathBuf, WalkOptions), Arc<[WalkEntry]>, foldhash::fast::RandomState>,
    /// Entries of all kept walks together, within [`ViewLimits::max_entries`].
    held: usize,
    /// Walks found longer than the limit: not tried again (each try walks up to the limit).
    too_long: HashSet<(PathBuf, WalkOptions), foldhash::fast::RandomState>,
}

impl Cache {
    /// The node of `path`, moved to the young generation if it was old.
    fn get(&mut self, path: &Path, max: usize) -> Option<&Node> {
        let key = path.as_os_str();
        if !self.young.contains_key(key) {
            let node = self.old.remove(key)?;
            self.insert(key.to_owned(), node, max);
        }
        self.young.get(key)
    }

    fn insert(&mut self, path: OsString, node: Node, max: usize) {
        let w = node.weight();
        // Half the cap per generation: both together stay within `max`.
        if self.young_weight.saturating_add(w) > max / 2 {
            let dropped = std::mem::take(&mut self.old);
            self.stats.evicted += dropped.len() as u64;
            self.old = std::mem::take(&mut self.young);
            self.young_weight = 0;
        }
        if w > max / 2 {
            return; // Larger than a generation: answered, not kept.
        }
        if let Some(prev) = self.young.insert(path, node) {
            self.young_weight = self.young_weight.saturating_sub(prev.weight());
        }
        self.young_weight += w;
    }

    /// Update (or create) the node of `path` with `f`.
    fn update(&mut self, path: &Path, max: usize, f: impl FnOnce(&mut Node)) {
        let key = path.as_os_str();
        let mut node = match self.young.remove(key) {
            Some(n) => {
                self.young_weight = self.young_weight.saturating_sub(n.weight());
                n
            }
            None => self.old.remove(key).unwrap_or_default(),
        };
        f(&mut node);
        self.insert(key.to_owned(), node, max);
    }
}

/// One scan's memory of a target's tree, so that each directory is listed at most once, each
/// path's metadata fetched at most once and each link read at most once.
///
/// OVAL content asks the same questions many times: a thousand objects name files under
/// `/etc`, each path is resolved component by component through the jail, and several
/// `recurse` objects walk the same subtree. A backend that answers each call from the file
/// system (as [`RootFs`](crate::RootFs) and [`LiveHost`](crate::LiveHost) do, so that they never
/// answer from a stale picture outside a scan) then makes about a hundred host calls per file
/// of the tree. A `ScanView` sits in front of any target for the duration of one scan and
/// remembers what it saw.
///
/// # Why a wrapper, not caches inside the backends
///
/// The cache belongs to a scan, not to a target: a `RootFs` or `LiveHost` outlives scans, and a
/// second scan must see the tree as it is then. A wrapper that the evaluator creates for one
/// evaluation and drops with it gives that lifetime without any call to "start" or "flush" a
/// scan, works the same over every backend (including a downstream one), and keeps the
/// backends simple and stateless.
///
/// # How it resolves
///
/// The view resolves paths itself, with the one jail resolver ([`resolve()`]), over its cache:
/// the type of a physical path is answered from its parent's listing when that was read, else
/// from the path's cached `lstat`, else by asking the backend once. Each link target is read
/// once. The backend then only ever receives *physical* paths (absolute, normalised, no link
/// in any component but possibly the last), which [`RootFs`](crate::RootFs) answers with one
/// host call each.
///
/// # The jail is intact
///
/// The view has no host access of its own: it holds answers (types, metadata, link targets,
/// listings), never host paths or descriptors, and every read, listing and `lstat` it does
/// not have is a call on the wrapped target with a path *inside the target*. So a cached answer
/// can make the view wrong about a tree that changed during the scan, never make it open a host
/// path: for [`RootFs`](crate::RootFs), the physical path it passes is opened beneath the root's
/// descriptor with `openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS)`, so a component swapped
/// for a link since it was cached makes that call fail instead of being followed
/// (`tests/view.rs` swaps a directory for a link to a host directory between two calls).
///
/// # Volatile trees
///
/// Paths under the [`ViewLimits::uncached`] prefixes (`/proc`, `/sys`, `/dev` by default) go to
/// the backend unchanged and uncached: on a live host they change under the scan, and `/proc`
/// holds "magic" links only the kernel resolves right. On an offline tree they are ordinary
/// (usually empty) directories and lose nothing by not being cached.
///
/// # Memory
///
/// The view holds at most [`ViewLimits::max_entries`] entries (a path's answers count one, a
/// listing one per name) in two generations: when the young one is full the old one is dropped
/// and the young one becomes old, and an answer found in the old generation moves to the young
/// one. So memory is capped whatever the size of the tree (a 400,000-file host included), and
/// what the scan keeps asking about stays cached. Whole walks ([`Target::shared_walk`]) are
/// kept up to as many entries together: a walk longer than that (from `/` on a 400,000-file
/// tree) is not kept, and its objects walk it entry by entry as without a view.
///
/// Host facts ([`uname`](Target::uname), [`processes`](Target::processes), ...) are forwarded
/// unchanged.
///
/// ```
/// use std::path::Path;
/// use scap_probe::{MemoryTarget, ScanView, Target, ViewLimits};
///
/// let mut tree = MemoryTarget::new();
/// tree.add_file("/usr/bin/sh", "#!").add_symlink("/bin", "usr/bin");
/// let view = ScanView::new(&tree, ViewLimits::default());
/// assert_eq!(view.canonicalize(Path::new("/bin/sh"))?, Path::new("/usr/bin/sh"));
/// assert!(view.stat(Path::new("/bin/sh"))?.is_file());
/// assert!(view.metadata(Path::new("/bin"))?.is_symlink());
/// assert!(!view.exists(Path::new("/bin/bash"))?);
/// # Ok::<(), scap_probe::Error>(())
/// ```
#[derive(Debug)]
pub struct ScanView<T> {
    inner: T,
    limits: ViewLimits,
    cache: Mutex<Cache>,
}

impl<T: Target> ScanView<T> {
    /// A view of `inner` with an empty cache.
    pub fn new(inner: T, limits: ViewLimits) -> ScanView<T> {
        ScanView {
            inner,
            limits,
            cache: Mutex::new(Cache::default()),
        }
    }

    /// The wrapped target.
    pub fn inner(&self) -> &T {
        &self.inner
    }

    /// What the view answered from memory and what it asked the backend so far.
    ///
    /// ```
    /// use std::path::Path;
    /// use scap_probe::{MemoryTarget, ScanView, Target, ViewLimits};
    /// let mut tree = MemoryTarget::new();
    /// tree.add_file("/etc/issue", "Debian\n");
    /// let view = ScanView::new(&tree, ViewLimits::default());
    /// view.metadata(Path::new("/etc/issue"))?;
    /// let first = view.stats().backend_metadata;
    /// view.metadata(Path::new("/etc/issue"))?;
    /// assert_eq!(view.stats().backend_metadata, first); // the second came from memory
    /// # Ok::<(), scap_probe::Error>(())
    /// ```
    pub fn stats(&self) -> ViewStats {
        self.lock().stats
    }

    /// The cache; a panic in another thread while it held the lock cannot leave it
    /// inconsistent (every update is a whole-node replace), so a poisoned lock is used as is.
    fn lock(&self) -> MutexGuard<'_, Cache> {
        self.cache.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn uncached(&self, path: &Path) -> bool {
        let bytes = path.as_os_str().as_encoded_bytes();
        if bytes.windows(2).any(|w| w == b"//" || w == b"/.") {
            // Not plain: compare component by component (`//proc/./x` is under `/proc`).
            return self.limits.uncached.iter().any(|p| path.starts_with(p));
        }
        self.limits.uncached.iter().any(|p| {
            let p = p.as_os_str().as_encoded_bytes();
            bytes.starts_with(p)
                && (p.ends_with(b"/") || matches!(bytes.get(p.len()), None | Some(b'/')))
        })
    }

    /// The physical path of `path`. A plain path (no `.`, `..`, `//` or trailing `/`) whose
    /// parent was resolved to a directory before is resolved from there, one lookup for its
    /// last component, instead of from the root: what a walk asks for, entry after entry.
    fn resolve(&self, path: &Path, follow: Follow) -> Result<PathBuf> {
        check_path(path)?;
        let max = self.limits.max_entries;
        let bytes = path.as_os_str().as_encoded_bytes();
        let plain = bytes.len() > 1
            && bytes[1..]
                .split(|b| *b == b'/')
                .all(|seg| !seg.is_empty() && seg != b"." && seg != b"..");
        if let (true, Some(parent), Some(name)) = (plain, path.parent(), path.file_name()) {
            let dir = {
                let mut cache = self.lock();
                let dir = cache.get(parent, max).and_then(|n| n.rare()?.dir.clone());
                if dir.is_some() {
                    cache.stats.hits += 1;
                }
                dir
            };
            if let Some(dir) = dir {
                let physical = dir.join(name);
                match self.entry_type(&physical)? {
                    None => {
                        return Err(Error::NotFound {
                            path: path.to_path_buf(),
                        });
                    }
                    Some(FileType::Symlink) if follow == Follow::All => {}
                    Some(t) => {
                        if t == FileType::Directory {
                            self.remember_dir(path, &physical);
                        }
                        return Ok(physical);
                    }
                }
            }
        }
        let r = resolve(&ViewLookup(self), path, follow)?;
        if r.file_type == FileType::Directory && plain {
            self.remember_dir(path, &r.path);
        }
        Ok(r.path)
    }

    /// The metadata of `path` in one lookup, when `path` is a physical path whose `lstat` is
    /// cached: only physical paths are `lstat`ed (see [`lstat`](Self::lstat)), and a physical
    /// path resolves to itself (no link in any component but the last), so the answer is the
    /// one [`resolve`](Self::resolve) and `lstat` would give; with `Follow::All` only when it
    /// is not a link. The file probe asks this for every file a walk listed (three locks,
    /// three hashes and two allocations through `resolve`, a tenth of a scan's CPU).
    fn known(&self, path: &Path, follow: Follow) -> Option<Metadata> {
        let bytes = path.as_os_str().as_encoded_bytes();
        let plain = bytes.len() > 1
            && bytes[0] == b'/'
            && bytes[1..]
                .split(|b| *b == b'/')
                .all(|seg| !seg.is_empty() && seg != b"." && seg != b"..");
        if !plain {
            return None;
        }
        let mut cache = self.lock();
        let m = cache
            .get(path, self.limits.max_entries)
            .and_then(|n| n.metadata.clone())?;
        if follow == Follow::All && m.is_symlink() {
            return None;
        }
        cache.stats.hits += 1;
        Some(m)
    }

    /// Note that `path`, followed, is the directory at `physical`.
    fn remember_dir(&self, path: &Path, physical: &Path) {
        if self.uncached(path) || self.uncached(physical) {
            return;
        }
        let max = self.limits.max_entries;
        self.lock().update(path, max, |n| {
            n.rare_mut().dir = Some(physical.to_path_buf())
        });
    }

    /// The type of the entry at `physical`, not following it; `None` when it does not exist.
    fn entry_type(&self, physical: &Path) -> Result<Option<FileType>> {
        let max = self.limits.max_entries;
        if !self.uncached(physical) {
            let mut cache = self.lock();
            if let Some(t) = cache.get(physical, max).and_then(|n| n.file_type) {
                cache.stats.hits += 1;
                return Ok(t);
            }
            if let (Some(parent), Some(name)) = (physical.parent(), physical.file_name()) {
                if let Some(listing) = cache.get(parent, max).and_then(|n| n.listing.clone()) {
                    cache.stats.hits += 1;
                    return Ok(find(&listing, name).map(|e| e.file_type));
                }
            }
        }
        match self.lstat(physical) {
            Ok(m) => Ok(Some(m.file_type)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `lstat` of `physical`, from the cache or the backend.
    fn lstat(&self, physical: &Path) -> Result<Metadata> {
        let max = self.limits.max_entries;
        let cached = !self.uncached(physical);
        if cached {
            let mut cache = self.lock();
            match cache.get(physical, max) {
                Some(Node {
                    metadata: Some(m), ..
                }) => {
                    let m = m.clone();
                    cache.stats.hits += 1;
                    return Ok(m);
                }
                Some(Node {
                    file_type: Some(None),
                    ..
                }) => {
                    cache.stats.hits += 1;
                    return Err(Error::NotFound {
                        path: physical.to_path_buf(),
                    });
                }
                _ => cache.stats.backend_metadata += 1,
            }
        }
        let answer = self.inner.metadata(physical);
        if cached {
            let mut cache = self.lock();
            match &answer {
                Ok(m) => cache.update(physical, max, |n| {
                    n.file_type = Some(Some(m.file_type));
                    n.metadata = Some(m.clone());
                }),
                Err(e) if e.is_not_found() => {
                    cache.update(physical, max, |n| n.file_type = Some(None));
                }
                Err(_) => {}
            }
        }
        answer
    }

    fn link_target(&self, physical: &Path) -> Result<PathBuf> {
        let max = self.limits.max_entries;
        let cached = !self.uncached(physical);
        if cached {
            let mut cache = self.lock();
            if let Some(l) = cache
                .get(physical, max)
                .and_then(|n| n.rare()?.link.clone())
            {
                cache.stats.hits += 1;
                return Ok(l);
            }
            cache.stats.backend_read_link += 1;
        }
        let target = self.inner.read_link(physical)?;
        if cached {
            self.lock()
                .update(physical, max, |n| n.rare_mut().link = Some(target.clone()));
        }
        Ok(target)
    }

    fn listing(&self, physical: &Path) -> Result<Arc<[DirEntry]>> {
        let max = self.limits.max_entries;
        let cached = !self.uncached(physical);
        if cached {
            let mut cache = self.lock();
            if let Some(l) = cache.get(physical, max).and_then(|n| n.listing.clone()) {
                cache.stats.hits += 1;
                return Ok(l);
            }
            cache.stats.backend_read_dir += 1;
        }
        let mut entries = self.inner.read_dir(physical)?;
        entries.sort_unstable_by(|a, b| a.name.cmp(&b.name));
        let entries: Arc<[DirEntry]> = entries.into();
        if cached {
            self.lock()
                .update(physical, max, |n| n.listing = Some(entries.clone()));
        }
        Ok(entries)
    }
}

/// The entry called `name` of a listing sorted by name.
fn find<'l>(listing: &'l [DirEntry], name: &OsStr) -> Option<&'l DirEntry> {
    listing
        .binary_search_by(|e| e.name.as_os_str().cmp(name))
        .ok()
        .and_then(|i| listing.get(i))
}

/// The resolver's lookups, answered by the view.
struct ViewLookup<'v, T>(&'v ScanView<T>);

impl<T: Target> Lookup for ViewLookup<'_, T> {
    fn entry_type(&self, physical: &Path) -> Result<FileType> {
        self.0.entry_type(physical)?.ok_or_else(|| Error::NotFound {
            path: physical.to_path_buf(),
        })
    }

    fn link_target(&self, physical: &Path) -> Result<PathBuf> {
        self.0.link_target(physical)
    }
}

// Every method of `Target` is implemented here, the defaulted ones included: a method left to
// its default would answer from the default (say "not collectable") instead of the backend.
// A method added to the trait must be forwarded here too.
impl<T: Target> Target for ScanView<T> {
    fn metadata(&self, path: &Path) -> Result<Metadata> {
        if self.uncached(path) {
            return self.inner.metadata(path);
        }
        if let Some(m) = self.known(path, Follow::Parents) {
            return Ok(m);
        }
        let physical = self.resolve(path, Follow::Parents)?;
        self.lstat(&physical).map_err(|e| e.with_path(path))
    }

    fn stat(&self, path: &Path) -> Result<Metadata> {
        if self.uncached(path) {
            return self.inner.stat(path);
        }
        if let Some(m) = self.known(path, Follow::All) {
            return Ok(m);
        }
        let physical = self.resolve(path, Follow::All)?;
        self.lstat(&physical).map_err(|e| e.with_path(path))
    }

    fn read_dir(&self, path: &Path) -> Result<Vec<DirEntry>> {
        if self.uncached(path) {
            return self.inner.read_dir(path);
        }
        let physical = self.resolve(path, Follow::All)?;
        if self.entry_type(&physical)? != Some(FileType::Directory) {
            return Err(Error::NotADirectory {
                path: path.to_path_buf(),
            });
        }
        self.listing(&physical)
            .map(|l| l.to_vec())
            .map_err(|e| e.with_path(path))
    }

    fn read_link(&self, path: &Path) -> Result<PathBuf> {
        if self.uncached(path) {
            return self.inner.read_link(path);
        }
        let physical = self.resolve(path, Follow::Parents)?;
        if self.entry_type(&physical)? != Some(FileType::Symlink) {
            return Err(Error::NotASymlink {
                path: path.to_path_buf(),
            });
        }
        self.link_target(&physical).map_err(|e| e.with_path(path))
    }

    fn open(&self, path: &Path) -> Result<Box<dyn Read + Send>> {
        if self.uncached(path) {
            return self.inner.open(path);
        }
        let physical = self.resolve(path, Follow::All)?;
        self.inner.open(&physical).map_err(|e| e.with_path(path))
    }

    fn canonicalize(&self, path: &Path) -> Result<PathBuf> {
        if self.uncached(path) {
            return self.inner.canonicalize(path);
        }
        self.resolve(path, Follow::All)
    }

    fn exists(&self, path: &Path) -> Result<bool> {
        match self.stat(path) {
            Ok(_) => Ok(true),
            Err(e) if e.is_absent() => Ok(false),
            Err(e) => Err(e),
        }
    }

    fn read(&self, path: &Path, limit: u64) -> Result<Vec<u8>> {
        if self.uncached(path) {
            return self.inner.read(path, limit);
        }
        let physical = self.resolve(path, Follow::All)?;
        self.inner
            .read(&physical, limit)
            .map_err(|e| e.with_path(path))
    }

    fn facts(&self) -> Option<&Facts> {
        self.inner.facts()
    }

    fn uname(&self) -> Result<Uname> {
        self.inner.uname()
    }

    fn environment(&self) -> Result<Vec<(String, String)>> {
        self.inner.environment()
    }

    fn process_environment(&self, pid: u32) -> Result<Vec<(String, String)>> {
        self.inner.process_environment(pid)
    }

    fn processes(&self) -> Result<Vec<Process>> {
        self.inner.processes()
    }

    fn sysctl(&self, name: &str) -> Result<String> {
        self.inner.sysctl(name)
    }

    fn sysctl_names(&self) -> Result<Vec<String>> {
        self.inner.sysctl_names()
    }

    fn mounts(&self) -> Result<Vec<Mount>> {
        self.inner.mounts()
    }

    fn interfaces(&self) -> Result<Vec<Interface>> {
        self.inner.interfaces()
    }

    fn hostname(&self) -> Result<String> {
        self.inner.hostname()
    }

    fn container(&self) -> Result<ContainerInfo> {
        self.inner.container()
    }

    fn working_directory(&self) -> Result<PathBuf> {
        self.inner.working_directory()
    }

    // Names are cached for the path as given (the file probe asks for every file whether it
    // has an ACL, and several objects reach the same file); the backend answers a miss through
    // its own jail from that path, as it does uncached. Values are not cached: they are read
    // for the few attributes a probe wants.
    fn xattr_names(&self, path: &Path, follow: Follow) -> Result<Vec<std::ffi::OsString>> {
        if self.uncached(path) {
            return self.inner.xattr_names(path, follow);
        }
        let max = self.limits.max_entries;
        let slot = xattr_slot(follow);
        {
            let mut cache = self.lock();
            if let Some(names) = cache
                .get(path, max)
                .and_then(|n| n.rare()?.xattr_names[slot].clone())
            {
                cache.stats.hits += 1;
                return Ok(names.to_vec());
            }
        }
        // The backend gets the physical path, resolved over the cache as for `metadata`: the
        // attributes of the file `path` names with `follow`, and (the last link followed or
        // kept as `follow` says) no link left for the backend to resolve again.
        let physical = self.resolve(path, follow)?;
        let parents = xattr_slot(Follow::Parents);
        // The same file asked under another path (`/lib/x` and `/usr/lib/x` on a merged
        // `/usr`, a link and its target) is the same physical path: listed once.
        let aliased = physical != path || slot != parents;
        let known = aliased.then(|| {
            let mut cache = self.lock();
            let names = cache
                .get(&physical, max)
                .and_then(|n| n.rare()?.xattr_names[parents].clone())?;
            cache.stats.hits += 1;
            cache.update(path, max, |n| {
                n.rare_mut().xattr_names[slot] = Some(names.clone())
            });
            Some(names.to_vec())
        });
        if let Some(Some(names)) = known {
            return Ok(names);
        }
        let names = self.inner.xattr_names(&physical, Follow::Parents)?;
        let mut cache = self.lock();
        cache.stats.backend_xattr_names += 1;
        let shared: Arc<[OsString]> = names.clone().into();
        if aliased {
            let shared = shared.clone();
            cache.update(&physical, max, |n| {
                n.rare_mut().xattr_names[parents] = Some(shared)
            });
        }
        cache.update(path, max, |n| n.rare_mut().xattr_names[slot] = Some(shared));
        Ok(names)
    }

    fn xattr(&self, path: &Path, name: &OsStr, follow: Follow) -> Result<Option<Vec<u8>>> {
        self.inner.xattr(path, name, follow)
    }

    fn routes(&self) -> Result<Vec<crate::RouteEntry>> {
        self.inner.routes()
    }

    fn inet_sockets(&self) -> Result<Vec<crate::InetSocket>> {
        self.inner.inet_sockets()
    }

    fn packet_sockets(&self) -> Result<Vec<crate::PacketSocket>> {
        self.inner.packet_sockets()
    }

    /// `false`: this is a view already.
    fn wants_scan_view(&self) -> bool {
        false
    }

    // One walk per start and options per scan: SSG content has dozens of file objects that
    // walk the same subtree (`recurse_direction="down"` from `/`, patterns under `/etc`), and
    // walking again, even over cached listings, allocated every entry's path each time (a
    // quarter of a scan's CPU). Kept walks hold at most `max_entries` entries together; a
    // longer walk is not kept (the caller walks it as it goes, in bounded memory) and not
    // tried again, and when a new walk does not fit the kept ones are dropped, as the
    // generations of nodes are.
    fn shared_walk(&self, start: &Path, options: WalkOptions) -> Option<Arc<[WalkEntry]>> {
        let max = self.limits.max_entries;
        if max == 0 || self.uncached(start) {
            return None;
        }
        let key = (start.to_path_buf(), options);
        {
            let mut cache = self.lock();
            if let Some(entries) = cache.walks.kept.get(&key).cloned() {
                cache.stats.walks_shared += 1;
                return Some(entries);
            }
            if cache.walks.too_long.contains(&key) {
                return None;
            }
        }
        // Walked outside the lock: the walk asks this view for every listing.
        let mut entries = Vec::new();
        for entry in walk(self, start, options).flatten() {
            if entries.len() == max {
                self.lock().walks.too_long.insert(key);
                return None;
            }
            entries.push(entry);
        }
        let entries: Arc<[WalkEntry]> = entries.into();
        let mut cache = self.lock();
        let walks = &mut cache.walks;
        if walks.held.saturating_add(entries.len()) > max {
            walks.kept.clear();
            walks.held = 0;
        }
        walks.held += entries.len();
        if let Some(prev) = walks.kept.insert(key, Arc::clone(&entries)) {
            // Another thread made the same walk meanwhile.
            walks.held = walks.held.saturating_sub(prev.len());
        }
        cache.stats.walks_kept += 1;
        Some(entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemoryTarget;

    fn tree() -> MemoryTarget {
        let mut t = MemoryTarget::new();
        t.add_file("/usr/bin/sh", "#!")
            .add_file("/usr/bin/ls", "")
            .add_file("/etc/issue", "Debian\n")
            .add_symlink("/bin", "usr/bin")
            .add_symlink("/etc/alt", "../../../../usr/bin")
            .add_symlink("/loop", "/loop");
        t
    }

    /// Every question asked through the view gets the backend's own answer.
    #[test]
    fn answers_are_the_backends() {
        let t = tree();
        let v = ScanView::new(&t, ViewLimits::default());
        let paths = [
            "/",
            "/bin",
            "/bin/",
            "/bin/sh",
            "/etc/alt/ls",
            "/etc/alt/nope",
            "/loop",
            "/loop/x",
            "/etc/issue/x",
            "/usr/bin/../bin/sh",
            "/nope",
            "/etc",
        ];
        // Twice: the second round comes from the cache.
        for _ in 0..2 {
            for p in paths {
                let p = Path::new(p);
                assert_eq!(fmt(v.metadata(p)), fmt(t.metadata(p)), "metadata {p:?}");
                assert_eq!(fmt(v.stat(p)), fmt(t.stat(p)), "stat {p:?}");
                assert_eq!(fmt(v.canonicalize(p)), fmt(t.canonicalize(p)), "{p:?}");
                assert_eq!(fmt(v.read_link(p)), fmt(t.read_link(p)), "read_link {p:?}");
                let sorted = |r: Result<Vec<DirEntry>>| {
                    r.map(|mut l| {
                        l.sort();
                        l
                    })
                };
                assert_eq!(
                    fmt(sorted(v.read_dir(p))),
                    fmt(sorted(t.read_dir(p))),
                    "read_dir {p:?}"
                );
                assert_eq!(fmt(v.read(p, 100)), fmt(t.read(p, 100)), "read {p:?}");
            }
        }
        assert!(v.stats().hits > 0);
    }

    /// Results and errors in a comparable form (errors by their text).
    fn fmt<X: std::fmt::Debug>(r: Result<X>) -> String {
        match r {
            Ok(x) => format!("{x:?}"),
            Err(e) => format!("error: {e}"),
        }
    }

    #[test]
    fn each_path_is_asked_once() {
        let t = tree();
        let v = ScanView::new(&t, ViewLimits::default());
        for _ in 0..10 {
            v.stat(Path::new("/bin/sh")).unwrap();
            v.read_dir(Path::new("/usr/bin")).unwrap();
            let _ = v.stat(Path::new("/usr/bin/missing"));
        }
        let s = v.stats();
        // `/bin`, `/usr`, `/usr/bin`, `/usr/bin/sh`: one lstat each; `/bin`'s target once;
        // `/usr/bin` listed once, and the missing name answered from that listing.
        assert_eq!(s.backend_metadata, 4, "{s:?}");
        assert_eq!(s.backend_read_link, 1, "{s:?}");
        assert_eq!(s.backend_read_dir, 1, "{s:?}");
    }

    #[test]
    fn extended_attribute_names_are_listed_once_per_path() {
        let mut t = MemoryTarget::new();
        t.add_file("/etc/passwd", "");
        t.set_xattr("/etc/passwd", "system.posix_acl_access", b"x");
        let v = ScanView::new(&t, ViewLimits::default());
        for _ in 0..3 {
            assert_eq!(
                v.xattr_names(Path::new("/etc/passwd"), Follow::All)
                    .unwrap(),
                [OsString::from("system.posix_acl_access")]
            );
        }
        v.xattr_names(Path::new("/etc/passwd"), Follow::Parents)
            .unwrap();
        // Not a link: following it or not names the same file, listed once.
        assert_eq!(v.stats().backend_xattr_names, 1);
        assert!(
            v.xattr_names(Path::new("/etc/missing"), Follow::All)
                .is_err()
        );
    }

    #[test]
    fn a_file_reached_through_links_is_listed_once() {
        let mut t = MemoryTarget::new();
        t.add_file("/usr/lib/libc.so", "")
            .add_symlink("/lib", "usr/lib")
            .add_symlink("/usr/lib/libc.so.6", "libc.so")
            .add_file("/usr/lib/other", "");
        t.set_xattr("/usr/lib/libc.so", "user.a", b"1");
        let v = ScanView::new(&t, ViewLimits::default());
        let a = [OsString::from("user.a")];
        for (path, follow) in [
            ("/usr/lib/libc.so", Follow::Parents),
            ("/lib/libc.so", Follow::Parents),
            ("/lib/libc.so", Follow::All),
            ("/lib/libc.so.6", Follow::All),
            ("/usr/lib/libc.so.6", Follow::All),
        ] {
            assert_eq!(v.xattr_names(Path::new(path), follow).unwrap(), a, "{path}");
        }
        assert_eq!(v.stats().backend_xattr_names, 1);
        // The link itself (not followed) is another file, and so is a sibling.
        assert!(
            v.xattr_names(Path::new("/lib/libc.so.6"), Follow::Parents)
                .unwrap()
                .is_empty()
        );
        assert!(
            v.xattr_names(Path::new("/lib/other"), Follow::All)
                .unwrap()
                .is_empty()
        );
        assert_eq!(v.stats().backend_xattr_names, 3);
    }

    #[test]
    fn memory_is_capped() {
        let mut t = MemoryTarget::new();
        for i in 0..500 {
            t.add_file(format!("/d/f{i}"), "");
        }
        let v = ScanView::new(&t, ViewLimits::default().with_max_entries(100));
        for i in 0..500 {
            v.metadata(Path::new(&format!("/d/f{i}"))).unwrap();
        }
        let held = {
            let c = v.lock();
            c.young
                .values()
                .chain(c.old.values())
                .map(Node::weight)
                .sum::<usize>()
        };
        assert!(held <= 100, "{held} entries held");
        assert!(v.stats().evicted > 0);
        // Answers stay right after eviction.
        assert!(v.metadata(Path::new("/d/f3")).unwrap().is_file());
        // A listing larger than a generation is answered, not kept.
        assert_eq!(v.read_dir(Path::new("/d")).unwrap().len(), 500);
    }

    #[test]
    fn uncached_prefixes_go_to_the_backend() {
        let mut t = MemoryTarget::new();
        t.add_file("/proc/1/stat", "1 (init)");
        let v = ScanView::new(&t, ViewLimits::default());
        v.metadata(Path::new("/proc/1/stat")).unwrap();
        v.metadata(Path::new("/proc/1/stat")).unwrap();
        assert_eq!(v.stats(), ViewStats::default());
    }

    #[test]
    fn a_walk_is_made_once_per_start_and_options() {
        let mut t = tree();
        t.add_file("/usr/lib/a/b", "").add_file("/usr/lib/c", "");
        let v = ScanView::new(&t, ViewLimits::default());
        let down = WalkOptions::new();
        let expected: Vec<WalkEntry> = walk(&t, Path::new("/usr"), down).flatten().collect();
        let first = v.shared_walk(Path::new("/usr"), down).unwrap();
        assert_eq!(&first[..], &expected[..]);
        let listings = v.stats().backend_read_dir;
        let again = v.shared_walk(Path::new("/usr"), down).unwrap();
        assert!(Arc::ptr_eq(&first, &again));
        assert_eq!(v.stats().backend_read_dir, listings);
        assert_eq!((v.stats().walks_kept, v.stats().walks_shared), (1, 1));
        // Other options are another walk.
        let shallow = down.max_depth(Some(0));
        let expected: Vec<WalkEntry> = walk(&t, Path::new("/usr"), shallow).flatten().collect();
        assert_eq!(
            &v.shared_walk(Path::new("/usr"), shallow).unwrap()[..],
            &expected[..]
        );
        assert_eq!(v.stats().walks_kept, 2);
    }

    #[test]
    fn a_walk_longer_than_the_limit_is_not_kept() {
        let mut t = tree();
        for i in 0..20 {
            t.add_file(format!("/data/f{i}"), "");
        }
        let v = ScanView::new(&t, ViewLimits::default().with_max_entries(10));
        assert!(
            v.shared_walk(Path::new("/data"), WalkOptions::new())
                .is_none()
        );
        // Not tried again: no listing the second time.
        let listings = v.stats().backend_read_dir;
        assert!(
            v.shared_walk(Path::new("/data"), WalkOptions::new())
                .is_none()
        );
        assert_eq!(v.stats().backend_read_dir, listings);
        assert_eq!(v.stats().walks_kept, 0);
        // A short one still fits; nothing is kept without a cache at all.
        assert!(
            v.shared_walk(Path::new("/usr"), WalkOptions::new())
                .is_some()
        );
        let off = ScanView::new(&t, ViewLimits::passthrough());
        assert!(
            off.shared_walk(Path::new("/usr"), WalkOptions::new())
                .is_none()
        );
    }

    #[test]
    fn a_physical_path_seen_before_is_answered_in_one_lookup() {
        let t = tree();
        let v = ScanView::new(&t, ViewLimits::default());
        let sh = Path::new("/usr/bin/sh");
        let first = v.metadata(sh).unwrap();
        let hits = v.stats().hits;
        assert_eq!(fmt(Ok(v.metadata(sh).unwrap())), fmt(Ok(first)));
        // One hit: the path's own node, not the parent's directory and its listing as well.
        assert_eq!(v.stats().hits, hits + 1);
        // A link's own metadata answers `metadata`, never `stat`.
        let bin = Path::new("/bin");
        assert!(v.metadata(bin).unwrap().is_symlink());
        assert!(v.metadata(bin).unwrap().is_symlink());
        assert!(v.stat(bin).unwrap().is_dir());
    }
}
