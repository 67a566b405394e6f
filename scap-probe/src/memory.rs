//! [`MemoryTarget`]: an in-memory target for tests, with the same jail semantics as
//! [`RootFs`](crate::RootFs).

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::io::{Cursor, Read};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::facts::Facts;
use crate::metadata::{DirEntry, FileType, Metadata};
use crate::resolve::{Follow, Lookup, Resolved, resolve};
use crate::target::Target;

#[derive(Debug, Clone)]
enum Content {
    File(Arc<[u8]>),
    Dir(BTreeSet<OsString>),
    Symlink(PathBuf),
    /// A device, FIFO or socket: metadata only.
    Special,
}

#[derive(Debug, Clone)]
struct Node {
    meta: Metadata,
    content: Content,
    /// Extended attributes by name.
    xattrs: BTreeMap<OsString, Vec<u8>>,
}

/// A filesystem tree and host facts held in memory: the test double other crates' tests use.
///
/// Build the tree with [`add_file`](MemoryTarget::add_file), [`add_dir`](MemoryTarget::add_dir),
/// [`add_symlink`](MemoryTarget::add_symlink) and their `_with` forms (which take the
/// [`Metadata`]); set host facts through the public [`facts`](MemoryTarget::facts) field (a fact
/// left `None` is not collectable). Paths given to the `add_*` methods are normalised
/// lexically (`.` dropped, `..` removes the previous component, relative paths start at `/`);
/// missing parent directories are created (mode 0o755, root-owned), and whatever stood in the
/// way (a file or link where a directory is needed, or an entry being replaced) is replaced:
/// the last write wins. The root `/` is always a directory and cannot be replaced.
///
/// Reads resolve symbolic links exactly as [`RootFs`](crate::RootFs) does (the shared
/// [`resolve`](crate::resolve())): absolute targets start at this tree's root, `..` stops there.
///
/// Inode numbers are assigned in insertion order from 2 unless given; the device is 1 unless
/// given; times are zero unless given.
///
/// ```
/// use std::path::Path;
/// use scap_probe::{MemoryTarget, Target, Uname, DEFAULT_READ_LIMIT};
///
/// let mut t = MemoryTarget::new();
/// t.add_file("/etc/os-release", "ID=debian\n").add_symlink("/usr/lib/os-release", "/etc/os-release");
/// let mut uname = Uname::default();
/// uname.sysname = "Linux".into();
/// t.facts.uname = Some(uname);
///
/// let bytes = t.read(Path::new("/usr/lib/os-release"), DEFAULT_READ_LIMIT)?;
/// assert_eq!(bytes, b"ID=debian\n");
/// assert_eq!(t.uname()?.sysname, "Linux");
/// assert!(t.processes().unwrap_err().is_not_collectable());
/// # Ok::<(), scap_probe::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct MemoryTarget {
    nodes: BTreeMap<PathBuf, Node>,
    next_inode: u64,
    /// The host facts this target answers with; `None` fields are not collectable.
    pub facts: Facts,
}

impl Default for MemoryTarget {
    fn default() -> Self {
        MemoryTarget::new()
    }
}

/// Lexical normalisation for the builder methods.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::from("/");
    for c in path.components() {
        match c {
            Component::Normal(n) => out.push(n),
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
        }
    }
    out
}

impl MemoryTarget {
    /// An empty tree (just `/`, mode 0o755) with no facts.
    pub fn new() -> MemoryTarget {
        let mut nodes = BTreeMap::new();
        let mut meta = Metadata::new(FileType::Directory, 0o755);
        meta.inode = 2;
        meta.device = 1;
        meta.nlink = 2;
        nodes.insert(
            PathBuf::from("/"),
            Node {
                meta,
                content: Content::Dir(BTreeSet::new()),
                xattrs: BTreeMap::new(),
            },
        );
        MemoryTarget {
            nodes,
            next_inode: 3,
            facts: Facts::default(),
        }
    }

    /// Add (or replace) a regular file with mode 0o644, owned by root.
    pub fn add_file(&mut self, path: impl AsRef<Path>, content: impl AsRef<[u8]>) -> &mut Self {
        let meta = Metadata::new(FileType::Regular, 0o644);
        self.add_file_with(path, content, meta)
    }

    /// Add (or replace) a regular file with the given metadata; its `file_type` is set to
    /// regular and `size` to the content length.
    pub fn add_file_with(
        &mut self,
        path: impl AsRef<Path>,
        content: impl AsRef<[u8]>,
        mut meta: Metadata,
    ) -> &mut Self {
        let bytes: Arc<[u8]> = Arc::from(content.as_ref());
        meta.file_type = FileType::Regular;
        meta.size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        self.insert(path.as_ref(), meta, Content::File(bytes))
    }

    /// Add a directory with mode 0o755 owned by root (an existing directory is kept as is).
    pub fn add_dir(&mut self, path: impl AsRef<Path>) -> &mut Self {
        let p = normalise(path.as_ref());
        if matches!(self.nodes.get(&p), Some(n) if matches!(n.content, Content::Dir(_))) {
            return self;
        }
        let mut meta = Metadata::new(FileType::Directory, 0o755);
        meta.nlink = 2;
        self.insert(&p, meta, Content::Dir(BTreeSet::new()))
    }

    /// Add a directory with the given metadata (its `file_type` is set to directory); an
    /// existing directory keeps its entries and takes the new metadata.
    pub fn add_dir_with(&mut self, path: impl AsRef<Path>, mut meta: Metadata) -> &mut Self {
        let p = normalise(path.as_ref());
        meta.file_type = FileType::Directory;
        let entries = match self.nodes.get(&p) {
            Some(Node {
                content: Content::Dir(e),
                ..
            }) => e.clone(),
            _ => BTreeSet::new(),
        };
        self.insert(&p, meta, Content::Dir(entries))
    }

    /// Add (or replace) a symbolic link to `target`, stored verbatim (it may be relative,
    /// absolute, dangling, or point "outside" with `..`).
    pub fn add_symlink(&mut self, path: impl AsRef<Path>, target: impl AsRef<Path>) -> &mut Self {
        let mut meta = Metadata::new(FileType::Symlink, 0o777);
        meta.size = u64::try_from(target.as_ref().as_os_str().len()).unwrap_or(u64::MAX);
        self.insert(
            path.as_ref(),
            meta,
            Content::Symlink(target.as_ref().to_path_buf()),
        )
    }

    /// Add (or replace) a device, FIFO or socket described by `meta` (no content; `open`
    /// refuses it). A `meta.file_type` of regular, directory or symlink is stored as given but
    /// without content.
    pub fn add_special(&mut self, path: impl AsRef<Path>, meta: Metadata) -> &mut Self {
        self.insert(path.as_ref(), meta, Content::Special)
    }

    /// Set extended attribute `name` of the entry `path` (not following a final link: the
    /// link's own attribute, as `lsetxattr`) to `value`, replacing any earlier value. An
    /// entry that does not exist is left absent (nothing is created). Replacing the entry with
    /// an `add_*` call drops its attributes.
    ///
    /// ```
    /// use std::ffi::OsStr;
    /// use std::path::Path;
    /// use scap_probe::{Follow, MemoryTarget, Target};
    ///
    /// let mut t = MemoryTarget::new();
    /// t.add_file("/f", "").add_symlink("/l", "/f").set_xattr("/f", "user.a", "1");
    /// let name = OsStr::new("user.a");
    /// assert_eq!(t.xattr(Path::new("/l"), name, Follow::All)?.as_deref(), Some(&b"1"[..]));
    /// assert_eq!(t.xattr(Path::new("/l"), name, Follow::Parents)?, None);
    /// # Ok::<(), scap_probe::Error>(())
    /// ```
    pub fn set_xattr(
        &mut self,
        path: impl AsRef<Path>,
        name: impl AsRef<std::ffi::OsStr>,
        value: impl AsRef<[u8]>,
    ) -> &mut Self {
        if let Some(node) = self.nodes.get_mut(&normalise(path.as_ref())) {
            node.xattrs
                .insert(name.as_ref().to_owned(), value.as_ref().to_vec());
        }
        self
    }

    /// Remove `path` and everything below it (no-op if absent; the root cannot be removed).
    pub fn remove(&mut self, path: impl AsRef<Path>) -> &mut Self {
        let p = normalise(path.as_ref());
        if p.parent().is_none() {
            return self;
        }
        self.remove_subtree(&p);
        if let (Some(parent), Some(name)) = (p.parent(), p.file_name()) {
            if let Some(Node {
                content: Content::Dir(entries),
                ..
            }) = self.nodes.get_mut(parent)
            {
                entries.remove(name);
            }
        }
        self
    }

    fn remove_subtree(&mut self, p: &Path) {
        let doomed: Vec<PathBuf> = self
            .nodes
            .range(p.to_path_buf()..)
            .take_while(|(k, _)| k.starts_with(p))
            .map(|(k, _)| k.clone())
            .collect();
        for k in doomed {
            self.nodes.remove(&k);
        }
    }

    fn insert(&mut self, path: &Path, mut meta: Metadata, content: Content) -> &mut Self {
        let p = normalise(path);
        let (Some(parent), Some(name)) = (p.parent(), p.file_name()) else {
            return self; // the root itself: never replaced
        };
        let (parent, name) = (parent.to_path_buf(), name.to_os_string());
        self.ensure_dir(&parent);
        let keep_entries = matches!(content, Content::Dir(_));
        if !keep_entries {
            self.remove_subtree(&p);
        }
        if meta.inode == 0 {
            meta.inode = self.next_inode;
            self.next_inode += 1;
        }
        if meta.device == 0 {
            meta.device = 1;
        }
        self.nodes.insert(
            p,
            Node {
                meta,
                content,
                xattrs: BTreeMap::new(),
            },
        );
        if let Some(Node {
            content: Content::Dir(entries),
            ..
        }) = self.nodes.get_mut(&parent)
        {
            entries.insert(name);
        }
        self
    }

    /// Make every component of the normalised `dir` a directory.
    fn ensure_dir(&mut self, dir: &Path) {
        let mut cur = PathBuf::from("/");
        for c in dir.components() {
            let Component::Normal(name) = c else { continue };
            let parent = cur.clone();
            cur.push(name);
            if matches!(self.nodes.get(&cur), Some(n) if matches!(n.content, Content::Dir(_))) {
                continue;
            }
            self.remove_subtree(&cur);
            let mut meta = Metadata::new(FileType::Directory, 0o755);
            meta.nlink = 2;
            meta.inode = self.next_inode;
            meta.device = 1;
            self.next_inode += 1;
            self.nodes.insert(
                cur.clone(),
                Node {
                    meta,
                    content: Content::Dir(BTreeSet::new()),
                    xattrs: BTreeMap::new(),
                },
            );
            if let Some(Node {
                content: Content::Dir(entries),
                ..
            }) = self.nodes.get_mut(&parent)
            {
                entries.insert(name.to_os_string());
            }
        }
    }

    fn resolve(&self, path: &Path, follow: Follow) -> Result<(Resolved, &Node)> {
        let r = resolve(self, path, follow)?;
        match self.nodes.get(&r.path) {
            Some(n) => Ok((r, n)),
            None => Err(Error::NotFound {
                path: path.to_path_buf(),
            }),
        }
    }
}

/// Physical lookups for the resolver: a plain map access, never following anything.
impl Lookup for MemoryTarget {
    fn entry_type(&self, physical: &Path) -> Result<FileType> {
        match self.nodes.get(physical) {
            Some(n) => Ok(n.meta.file_type),
            None => Err(Error::NotFound {
                path: physical.to_path_buf(),
            }),
        }
    }

    fn link_target(&self, physical: &Path) -> Result<PathBuf> {
        match self.nodes.get(physical) {
            Some(Node {
                content: Content::Symlink(t),
                ..
            }) => Ok(t.clone()),
            Some(_) => Err(Error::NotASymlink {
                path: physical.to_path_buf(),
            }),
            None => Err(Error::NotFound {
                path: physical.to_path_buf(),
            }),
        }
    }
}

impl Target for MemoryTarget {
    fn metadata(&self, path: &Path) -> Result<Metadata> {
        self.resolve(path, Follow::Parents)
            .map(|(_, n)| n.meta.clone())
    }

    fn stat(&self, path: &Path) -> Result<Metadata> {
        self.resolve(path, Follow::All).map(|(_, n)| n.meta.clone())
    }

    fn read_dir(&self, path: &Path) -> Result<Vec<DirEntry>> {
        let (r, node) = self.resolve(path, Follow::All)?;
        let Content::Dir(names) = &node.content else {
            return Err(Error::NotADirectory {
                path: path.to_path_buf(),
            });
        };
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            let child = r.path.join(name);
            if let Some(n) = self.nodes.get(&child) {
                out.push(DirEntry {
                    name: name.clone(),
                    file_type: n.meta.file_type,
                });
            }
        }
        Ok(out)
    }

    fn read_link(&self, path: &Path) -> Result<PathBuf> {
        let (_, node) = self.resolve(path, Follow::Parents)?;
        match &node.content {
            Content::Symlink(t) => Ok(t.clone()),
            _ => Err(Error::NotASymlink {
                path: path.to_path_buf(),
            }),
        }
    }

    fn open(&self, path: &Path) -> Result<Box<dyn Read + Send>> {
        let (_, node) = self.resolve(path, Follow::All)?;
        match &node.content {
            Content::File(bytes) => Ok(Box::new(Cursor::new(Arc::clone(bytes)))),
            Content::Dir(_) => Err(Error::IsADirectory {
                path: path.to_path_buf(),
            }),
            Content::Symlink(_) | Content::Special => Err(Error::Io {
                path: path.to_path_buf(),
                source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a regular file"),
            }),
        }
    }

    fn canonicalize(&self, path: &Path) -> Result<PathBuf> {
        resolve(self, path, Follow::All).map(|r| r.path)
    }

    fn facts(&self) -> Option<&Facts> {
        Some(&self.facts)
    }

    fn xattr_names(&self, path: &Path, follow: Follow) -> Result<Vec<OsString>> {
        let (_, node) = self.resolve(path, follow)?;
        Ok(node.xattrs.keys().cloned().collect())
    }

    fn xattr(
        &self,
        path: &Path,
        name: &std::ffi::OsStr,
        follow: Follow,
    ) -> Result<Option<Vec<u8>>> {
        let (_, node) = self.resolve(path, follow)?;
        Ok(node.xattrs.get(name).cloned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DEFAULT_READ_LIMIT;

    fn p(s: &str) -> &Path {
        Path::new(s)
    }

    #[test]
    fn builds_parents_and_lists() {
        let mut t = MemoryTarget::new();
        t.add_file("etc/ssh/sshd_config", "PermitRootLogin no\n")
            .add_file("/etc/passwd", "");
        let mut names: Vec<_> = t
            .read_dir(p("/etc"))
            .unwrap()
            .into_iter()
            .map(|e| (e.name, e.file_type))
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                (OsString::from("passwd"), FileType::Regular),
                (OsString::from("ssh"), FileType::Directory)
            ]
        );
        assert_eq!(t.stat(p("/etc/ssh/sshd_config")).unwrap().size, 19);
    }

    #[test]
    fn replacing_a_dir_with_a_file_drops_its_subtree() {
        let mut t = MemoryTarget::new();
        t.add_file("/a/b/c", "x").add_file("/a/b", "now a file");
        assert!(t.metadata(p("/a/b")).unwrap().is_file());
        assert!(t.metadata(p("/a/b/c")).unwrap_err().is_not_a_directory());
        assert!(!t.nodes.contains_key(p("/a/b/c")));
        t.remove("/a");
        assert!(t.read_dir(p("/")).unwrap().is_empty());
    }

    #[test]
    fn metadata_is_lstat_and_stat_follows() {
        let mut t = MemoryTarget::new();
        let mut m = Metadata::new(FileType::Regular, 0o4755);
        m.uid = 0;
        m.gid = 42;
        t.add_file_with("/usr/bin/su", "ELF", m)
            .add_symlink("/bin", "usr/bin");
        assert!(t.metadata(p("/bin")).unwrap().is_symlink());
        assert!(t.stat(p("/bin")).unwrap().is_dir());
        let su = t.metadata(p("/bin/su")).unwrap();
        assert!(su.is_suid());
        assert_eq!((su.gid, su.size), (42, 3));
        assert_eq!(t.read_link(p("/bin")).unwrap(), p("usr/bin"));
        assert!(matches!(
            t.read_link(p("/bin/su")),
            Err(Error::NotASymlink { .. })
        ));
    }

    #[test]
    fn open_refuses_non_files() {
        let mut t = MemoryTarget::new();
        t.add_special("/dev/null", Metadata::new(FileType::CharDevice, 0o666))
            .add_dir("/d");
        assert!(matches!(t.open(p("/d")), Err(Error::IsADirectory { .. })));
        assert!(matches!(t.open(p("/dev/null")), Err(Error::Io { .. })));
    }

    #[test]
    fn read_limit_is_enforced() {
        let mut t = MemoryTarget::new();
        t.add_file("/big", vec![b'x'; 100]);
        assert_eq!(t.read(p("/big"), 100).unwrap().len(), 100);
        match t.read(p("/big"), 99) {
            Err(Error::TooLarge { limit: 99, path }) => assert_eq!(path, p("/big")),
            other => panic!("{other:?}"),
        }
        assert_eq!(t.read(p("/big"), DEFAULT_READ_LIMIT).unwrap().len(), 100);
    }

    #[test]
    fn facts_none_is_not_collectable_and_empty_is_empty() {
        let mut t = MemoryTarget::new();
        assert!(t.environment().unwrap_err().is_not_collectable());
        t.facts.environment = Some(Vec::new());
        assert_eq!(t.environment().unwrap(), Vec::new());
        t.facts.sysctls = Some(BTreeMap::from([("kernel.x".into(), "1".into())]));
        assert_eq!(t.sysctl("kernel.x").unwrap(), "1");
        assert!(t.sysctl("kernel.y").unwrap_err().is_not_found());
    }
}
