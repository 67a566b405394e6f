//! [`RootFs`]: an offline directory tree (a debootstrap tree, an unpacked image, a mounted disk)
//! scanned as a jail.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::beneath::RootDir;
use crate::error::{Error, Result};
use crate::facts::{Facts, Uname};
use crate::metadata::{DirEntry, FileType, Metadata};
use crate::resolve::{Follow, Lookup, Resolved, resolve};
use crate::target::Target;

/// An offline root filesystem on the host, scanned as a jail.
///
/// Every path is resolved component by component by the shared
/// [`resolve`](crate::resolve()): this crate reads each link with `read_link` and decides
/// where it leads; the host OS is only ever handed paths with no symbolic link in them
/// (`<root>/<physical path>`). Absolute links resolve against the root, `..` stops at the root,
/// more than [`MAX_LINK_HOPS`](crate::MAX_LINK_HOPS) links is [`Error::LinkLoop`]. A link to
/// `/etc/shadow` in a tree without one is [`Error::NotFound`], whatever the host has.
///
/// # Facts
///
/// An offline tree has no running kernel: uname, processes, sysctls, mounts, interfaces and the
/// container facts are [`Error::NotCollectable`] unless the caller supplies them in
/// [`facts`](RootFs::facts). The environment is never the scanner's own: it is the one given
/// with [`with_environment`](RootFs::with_environment), else not collectable. The host name is
/// `facts.hostname` if set, else the first line of the tree's `/etc/hostname`, else not
/// collectable.
///
/// # Races (TOCTOU)
///
/// The tree may change while it is scanned, even by an adversary: the jail holds regardless.
/// Every host call starts at a descriptor of the root opened once, and names the resolved
/// physical path relative to it with `openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS)` (a
/// per-component `openat(O_NOFOLLOW)` walk on kernels without `openat2`), so a directory
/// exchanged for a link to a host directory after resolution makes the call fail instead of
/// being followed: the resolver's own `lstat`/`readlink` lookups, `metadata`, `stat`,
/// `read_dir`, `read_link` and `open` alike. Files are opened `O_NONBLOCK` and checked on the
/// open descriptor: a FIFO or device swapped in is refused, never read or waited on. What a
/// changing tree cannot promise is consistency: a file may be replaced by another file of the
/// tree between two calls. `tests/jail_race.rs` races a swapper against reads.
///
/// ```
/// use std::path::Path;
/// use scap_probe::{RootFs, Target, DEFAULT_READ_LIMIT};
///
/// let dir = tempfile::tempdir()?;
/// std::fs::create_dir(dir.path().join("etc"))?;
/// std::fs::write(dir.path().join("etc/hostname"), "web1\n")?;
/// std::os::unix::fs::symlink("/etc/../../../etc/hostname", dir.path().join("name"))?;
///
/// let root = RootFs::new(dir.path())?;
/// assert_eq!(root.read(Path::new("/name"), DEFAULT_READ_LIMIT)?, b"web1\n");
/// assert_eq!(root.hostname()?, "web1");
/// assert!(root.environment().unwrap_err().is_not_collectable());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct RootFs {
    root: PathBuf,
    /// The root directory's descriptor every host call starts from (shared by clones).
    dir: Arc<RootDir>,
    /// Facts supplied by the caller (see the type docs); `None` fields are not collectable.
    pub facts: Facts,
}

/// Physical lookups on the host below the root: `lstat` and `readlink` beneath the root's
/// descriptor, never following a link.
struct HostLookup<'a>(&'a RootFs);

impl Lookup for HostLookup<'_> {
    fn entry_type(&self, physical: &Path) -> Result<FileType> {
        self.0
            .dir
            .lstat(physical)
            .map(|m| FileType::from(m.file_type()))
            .map_err(|e| Error::from_io(physical, e))
    }

    fn link_target(&self, physical: &Path) -> Result<PathBuf> {
        self.0
            .dir
            .read_link(physical)
            .map_err(|e| Error::from_io(physical, e))
    }
}

impl RootFs {
    /// A jail at host directory `root` (made absolute with the host's `canonicalize`: the root
    /// path itself is trusted). [`Error::NotADirectory`] if it is not a directory.
    pub fn new(root: impl AsRef<Path>) -> Result<RootFs> {
        let given = root.as_ref();
        let root = std::fs::canonicalize(given).map_err(|e| Error::from_io(given, e))?;
        let meta = std::fs::metadata(&root).map_err(|e| Error::from_io(&root, e))?;
        if !meta.is_dir() {
            return Err(Error::NotADirectory { path: root });
        }
        let dir = RootDir::open(&root).map_err(|e| Error::from_io(&root, e))?;
        Ok(RootFs {
            root,
            dir: Arc::new(dir),
            facts: Facts::default(),
        })
    }

    /// The same tree with a caller-supplied environment for
    /// [`environment`](Target::environment).
    pub fn with_environment(mut self, env: Vec<(String, String)>) -> RootFs {
        self.facts.environment = Some(env);
        self
    }

    /// The same tree with a caller-supplied [`Uname`].
    pub fn with_uname(mut self, uname: Uname) -> RootFs {
        self.facts.uname = Some(uname);
        self
    }

    /// The same tree answering host facts from `facts`.
    pub fn with_facts(mut self, facts: Facts) -> RootFs {
        self.facts = facts;
        self
    }

    /// The host directory this jail is rooted at (absolute, canonical).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The host path of `path` inside the tree, with every link resolved inside the jail.
    /// For handing a file to a tool that needs a host path; subject to the races described in
    /// the type docs.
    pub fn host_path(&self, path: &Path) -> Result<PathBuf> {
        let r = self.resolve(path, Follow::All)?;
        Ok(self.host(&r.path))
    }

    /// `<root>/<physical>` for a physical path (absolute, normalised).
    fn host(&self, physical: &Path) -> PathBuf {
        match physical.strip_prefix("/") {
            Ok(rel) if !rel.as_os_str().is_empty() => self.root.join(rel),
            _ => self.root.clone(),
        }
    }

    fn resolve(&self, path: &Path, follow: Follow) -> Result<Resolved> {
        resolve(&HostLookup(self), path, follow)
    }

    /// The fast path for a path that may already be physical (what a
    /// [`ScanView`](crate::ScanView) passes): `op` on `path` as it is, beneath the root's
    /// descriptor with no link followed (see `beneath.rs`). One host call instead of one per
    /// component. `None` when the answer needs the resolver: the path has `.`, `..` or a
    /// trailing `/`, or the call met a link (`ELOOP`, or the kernel's `EXDEV`/`EAGAIN`, all
    /// reported as errors other than "not found"). "Not found" is final: with links refused,
    /// the kernel looked up every component before the missing one as a directory, exactly
    /// as the resolver would have.
    fn plain<R>(
        &self,
        path: &Path,
        op: impl FnOnce(&RootDir, &Path) -> std::io::Result<R>,
    ) -> Option<Result<R>> {
        let bytes = path.as_os_str().as_encoded_bytes();
        // Judged on the bytes: `Path::components` hides a trailing `/` or `/.`, which mean
        // "must be a directory" to the resolver.
        let plain = bytes == b"/"
            || (bytes.first() == Some(&b'/')
                && !bytes.contains(&0)
                && bytes[1..]
                    .split(|b| *b == b'/')
                    .all(|seg| !seg.is_empty() && seg != b"." && seg != b".."));
        if !plain {
            return None;
        }
        match op(&self.dir, path) {
            Ok(r) => Some(Ok(r)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Some(Err(Error::from_io(path, e)))
            }
            Err(_) => None,
        }
    }

    fn lstat_resolved(&self, path: &Path, follow: Follow) -> Result<(Resolved, std::fs::Metadata)> {
        if let Some(answer) = self.plain(path, |d, p| d.lstat(p)) {
            let m = answer?;
            if follow == Follow::Parents || !m.file_type().is_symlink() {
                let r = Resolved {
                    path: path.to_path_buf(),
                    file_type: FileType::from(m.file_type()),
                };
                return Ok((r, m));
            }
        }
        let r = self.resolve(path, follow)?;
        let m = self
            .dir
            .lstat(&r.path)
            .map_err(|e| Error::from_io(path, e))?;
        Ok((r, m))
    }
}

impl Target for RootFs {
    fn metadata(&self, path: &Path) -> Result<Metadata> {
        self.lstat_resolved(path, Follow::Parents)
            .map(|(_, m)| Metadata::from_std(&m))
    }

    fn stat(&self, path: &Path) -> Result<Metadata> {
        // `symlink_metadata` even here: the resolved path has no link left, and if one
        // appeared since, it is reported rather than followed by the host.
        self.lstat_resolved(path, Follow::All)
            .map(|(_, m)| Metadata::from_std(&m))
    }

    fn read_dir(&self, path: &Path) -> Result<Vec<DirEntry>> {
        if let Some(answer) = self.plain(path, |d, p| d.list(p)) {
            return answer;
        }
        let r = self.resolve(path, Follow::All)?;
        self.dir.list(&r.path).map_err(|e| Error::from_io(path, e))
    }

    fn read_link(&self, path: &Path) -> Result<PathBuf> {
        let (r, m) = self.lstat_resolved(path, Follow::Parents)?;
        if !m.file_type().is_symlink() {
            return Err(Error::NotASymlink {
                path: path.to_path_buf(),
            });
        }
        self.dir
            .read_link(&r.path)
            .map_err(|e| Error::from_io(path, e))
    }

    fn open(&self, path: &Path) -> Result<Box<dyn Read + Send>> {
        if let Some(answer) = self.plain(path, |d, p| d.open_file(p)) {
            let (file, _) = answer?;
            return Ok(Box::new(file));
        }
        let r = self.resolve(path, Follow::All)?;
        let (file, _) = self
            .dir
            .open_file(&r.path)
            .map_err(|e| Error::from_io(path, e))?;
        Ok(Box::new(file))
    }

    fn canonicalize(&self, path: &Path) -> Result<PathBuf> {
        self.resolve(path, Follow::All).map(|r| r.path)
    }

    fn facts(&self) -> Option<&Facts> {
        Some(&self.facts)
    }

    fn hostname(&self) -> Result<String> {
        crate::target::hostname_of_tree(self)
    }

    fn xattr_names(&self, path: &Path, follow: Follow) -> Result<Vec<std::ffi::OsString>> {
        // A physical path (what a ScanView passes, with `Follow::Parents`) in one host call:
        // the final component's own attributes, as below; a link on the way sends it to the
        // resolver. Without the fast path, resolving each file's path component by component
        // was a tenth of a scan's CPU (the file probe asks every file for its ACL).
        if follow == Follow::Parents {
            if let Some(answer) = self.plain(path, |d, p| d.xattr_names(p)) {
                return answer;
            }
        }
        // The resolved path has no link left but (with `Follow::Parents`) a final one, whose
        // own attributes are then read: the descriptor is opened without following it.
        let r = self.resolve(path, follow)?;
        self.dir
            .xattr_names(&r.path)
            .map_err(|e| Error::from_io(path, e))
    }

    fn xattr(
        &self,
        path: &Path,
        name: &std::ffi::OsStr,
        follow: Follow,
    ) -> Result<Option<Vec<u8>>> {
        let r = self.resolve(path, follow)?;
        self.dir
            .xattr(&r.path, name)
            .map_err(|e| Error::from_io(path, e))
    }
}
