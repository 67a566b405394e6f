//! The merged tree of an image: every path after all layers are applied, with where each
//! regular file's bytes are.

use std::collections::{BTreeMap, HashMap};
use std::ffi::{OsStr, OsString};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::metadata::{FileType, Metadata};
use crate::resolve::Lookup;

/// Where a regular file's content is.
#[derive(Debug, Clone)]
pub(crate) enum Data {
    /// Kept in memory while indexing.
    Inline(Arc<[u8]>),
    /// `size` bytes at `offset` of layer `layer`'s uncompressed tar stream.
    InLayer {
        layer: usize,
        offset: u64,
        size: u64,
    },
}

#[derive(Debug, Clone)]
pub(crate) enum Kind {
    Dir(BTreeMap<OsString, usize>),
    File(Data),
    Symlink(PathBuf),
    /// Device, FIFO: metadata only.
    Special,
    /// Removed by a later layer (kept so indexes stay valid).
    Removed,
}

#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub(crate) meta: Metadata,
    pub(crate) kind: Kind,
    /// Extended attributes (name, value) from the entry's PAX `SCHILY.xattr.*` records.
    pub(crate) xattrs: Vec<(OsString, Vec<u8>)>,
    /// The last layer that wrote something at or below this node.
    touched: usize,
}

/// The merged tree: an arena of nodes, index 0 the root.
#[derive(Debug, Clone)]
pub(crate) struct Tree {
    nodes: Vec<Node>,
    pub(crate) inline_bytes: u64,
    /// Bytes of extended attribute names and values held.
    pub(crate) xattr_bytes: u64,
}

fn dir_meta() -> Metadata {
    let mut m = Metadata::new(FileType::Directory, 0o755);
    m.size = 4096;
    m
}

impl Tree {
    pub(crate) fn new() -> Tree {
        Tree {
            nodes: vec![Node {
                meta: dir_meta(),
                kind: Kind::Dir(BTreeMap::new()),
                xattrs: Vec::new(),
                touched: 0,
            }],
            inline_bytes: 0,
            xattr_bytes: 0,
        }
    }

    /// The node at arena index `idx`.
    pub(crate) fn at(&self, idx: usize) -> Option<&Node> {
        self.nodes.get(idx)
    }

    /// The node at physical path `path` (no link followed).
    pub(crate) fn get(&self, path: &Path) -> Option<&Node> {
        let mut idx = 0usize;
        for c in path.components() {
            match c {
                Component::Normal(n) => {
                    let Kind::Dir(children) = &self.nodes.get(idx)?.kind else {
                        return None;
                    };
                    idx = *children.get(n)?;
                }
                Component::RootDir | Component::CurDir => {}
                Component::ParentDir | Component::Prefix(_) => return None,
            }
        }
        self.nodes.get(idx)
    }

    fn child(&self, dir: usize, name: &OsStr) -> Option<usize> {
        match &self.nodes.get(dir)?.kind {
            Kind::Dir(c) => c.get(name).copied(),
            _ => None,
        }
    }

    /// The directory at `parts` (created, as 0o755 root-owned, where missing; a non-directory
    /// in the way is replaced, as an upper overlayfs directory hides a lower file).
    fn ensure_dir(&mut self, parts: &[OsString], layer: usize) -> usize {
        let mut idx = 0usize;
        self.touch(idx, layer);
        for name in parts {
            idx = match self.child(idx, name) {
                Some(c) if matches!(self.nodes.get(c).map(|n| &n.kind), Some(Kind::Dir(_))) => c,
                existing => {
                    if let Some(old) = existing {
                        self.remove_subtree(old);
                    }
                    self.push_child(
                        idx,
                        name.clone(),
                        dir_meta(),
                        Kind::Dir(BTreeMap::new()),
                        layer,
                    )
                }
            };
            self.touch(idx, layer);
        }
        idx
    }

    fn touch(&mut self, idx: usize, layer: usize) {
        if let Some(n) = self.nodes.get_mut(idx) {
            n.touched = n.touched.max(layer);
        }
    }

    fn push_child(
        &mut self,
        dir: usize,
        name: OsString,
        meta: Metadata,
        kind: Kind,
        layer: usize,
    ) -> usize {
        let idx = self.nodes.len();
        self.nodes.push(Node {
            meta,
            kind,
            xattrs: Vec::new(),
            touched: layer,
        });
        if let Some(Node {
            kind: Kind::Dir(c), ..
        }) = self.nodes.get_mut(dir)
        {
            c.insert(name, idx);
        }
        idx
    }

    /// Mark a subtree removed (iteratively: no recursion on deep trees) and free inline data.
    fn remove_subtree(&mut self, root: usize) {
        let mut stack = vec![root];
        while let Some(i) = stack.pop() {
            let Some(n) = self.nodes.get_mut(i) else {
                continue;
            };
            match std::mem::replace(&mut n.kind, Kind::Removed) {
                Kind::Dir(c) => stack.extend(c.into_values()),
                Kind::File(Data::Inline(b)) => {
                    self.inline_bytes = self.inline_bytes.saturating_sub(b.len() as u64);
                }
                _ => {}
            }
        }
    }

    fn unlink(&mut self, dir: usize, name: &OsStr) {
        let removed = match self.nodes.get_mut(dir).map(|n| &mut n.kind) {
            Some(Kind::Dir(c)) => c.remove(name),
            _ => None,
        };
        if let Some(i) = removed {
            self.remove_subtree(i);
        }
    }

    /// Put an entry at `parent/name` in layer `layer`: a directory over a directory merges
    /// (metadata and extended attributes replaced, children kept); anything else replaces what
    /// was there. Returns the node's index.
    pub(crate) fn put(
        &mut self,
        parent: &[OsString],
        name: OsString,
        meta: Metadata,
        kind: Kind,
        layer: usize,
    ) -> usize {
        let dir = self.ensure_dir(parent, layer);
        if let Some(existing) = self.child(dir, &name) {
            let both_dirs = matches!(kind, Kind::Dir(_))
                && matches!(
                    self.nodes.get(existing).map(|n| &n.kind),
                    Some(Kind::Dir(_))
                );
            if both_dirs {
                if let Some(n) = self.nodes.get_mut(existing) {
                    n.meta = meta;
                    n.xattrs = Vec::new();
                    n.touched = layer;
                }
                return existing;
            }
            self.unlink(dir, &name);
        }
        self.push_child(dir, name, meta, kind, layer)
    }

    /// Set the extended attributes of the node at `idx`.
    pub(crate) fn set_xattrs(&mut self, idx: usize, xattrs: Vec<(OsString, Vec<u8>)>) {
        if let Some(n) = self.nodes.get_mut(idx) {
            n.xattrs = xattrs;
        }
    }

    /// Whether a component of `parts` is a symbolic link that layer `layer` itself put there.
    pub(crate) fn symlink_created_in(&self, parts: &[OsString], layer: usize) -> bool {
        let mut idx = 0usize;
        for p in parts {
            let Some(c) = self.child(idx, p) else {
                return false;
            };
            match self.nodes.get(c) {
                Some(n) if matches!(n.kind, Kind::Symlink(_)) => return n.touched == layer,
                Some(_) => idx = c,
                None => return false,
            }
        }
        false
    }

    /// Set the root's metadata (an entry `./` in a layer).
    pub(crate) fn set_root_meta(&mut self, meta: Metadata) {
        if let Some(n) = self.nodes.first_mut() {
            n.meta = meta;
        }
    }

    /// `.wh.NAME` in layer `layer`: remove `parent/name` if it came from a lower layer.
    pub(crate) fn whiteout(&mut self, parent: &[OsString], name: &OsStr, layer: usize) {
        let dir = self.ensure_dir(parent, layer);
        if let Some(c) = self.child(dir, name)
            && self.nodes.get(c).is_some_and(|n| n.touched < layer)
        {
            self.unlink(dir, name);
        }
    }

    /// `.wh..wh..opq` in layer `layer`: hide everything lower layers put under `parent`,
    /// keeping what this layer put there (whatever the order of entries in the layer).
    pub(crate) fn opaque(&mut self, parent: &[OsString], layer: usize) {
        let dir = self.ensure_dir(parent, layer);
        let mut stack = vec![dir];
        while let Some(d) = stack.pop() {
            let children: Vec<(OsString, usize)> = match self.nodes.get(d).map(|n| &n.kind) {
                Some(Kind::Dir(c)) => c.iter().map(|(k, v)| (k.clone(), *v)).collect(),
                _ => continue,
            };
            for (name, c) in children {
                let Some(node) = self.nodes.get(c) else {
                    continue;
                };
                if node.touched < layer {
                    self.unlink(d, &name);
                } else if matches!(node.kind, Kind::Dir(_)) {
                    stack.push(c);
                }
            }
        }
    }

    /// The live node at `parts` for a hard link to it: its metadata (with its inode fixed, so
    /// both names share it), content and extended attributes.
    #[allow(clippy::type_complexity)] // three parts of one node, named in the docs
    pub(crate) fn link_to(
        &mut self,
        parts: &[OsString],
    ) -> Option<(Metadata, Kind, Vec<(OsString, Vec<u8>)>)> {
        let mut idx = 0usize;
        for p in parts {
            idx = self.child(idx, p)?;
        }
        let n = self.nodes.get_mut(idx)?;
        if n.meta.inode == 0 {
            n.meta.inode = idx as u64 + 2;
        }
        Some((n.meta.clone(), n.kind.clone(), n.xattrs.clone()))
    }

    /// Number the inodes (hard links share their target's) and count links. Inodes are the
    /// arena index plus 2 unless a hard link set one (`meta.inode != 0`).
    pub(crate) fn finish(&mut self) {
        for (i, n) in self.nodes.iter_mut().enumerate() {
            if n.meta.inode == 0 {
                n.meta.inode = i as u64 + 2;
            }
            n.meta.device = 1;
        }
        let mut live: Vec<usize> = Vec::new();
        let mut stack = vec![0usize];
        while let Some(i) = stack.pop() {
            live.push(i);
            if let Some(Node {
                kind: Kind::Dir(c), ..
            }) = self.nodes.get(i)
            {
                stack.extend(c.values().copied());
            }
        }
        let mut links: HashMap<u64, u64> = HashMap::new();
        for &i in &live {
            if let Some(n) = self.nodes.get(i)
                && !matches!(n.kind, Kind::Dir(_))
            {
                *links.entry(n.meta.inode).or_default() += 1;
            }
        }
        for &i in &live {
            let subdirs = match self.nodes.get(i).map(|n| &n.kind) {
                Some(Kind::Dir(c)) => Some(
                    c.values()
                        .filter(|&&c| {
                            matches!(self.nodes.get(c).map(|n| &n.kind), Some(Kind::Dir(_)))
                        })
                        .count() as u64,
                ),
                _ => None,
            };
            if let Some(n) = self.nodes.get_mut(i) {
                n.meta.nlink = match subdirs {
                    Some(s) => 2 + s,
                    None => links.get(&n.meta.inode).copied().unwrap_or(1),
                };
            }
        }
    }

    /// Number of live entries (the root included).
    pub(crate) fn len(&self) -> usize {
        let mut count = 0;
        let mut stack = vec![0usize];
        while let Some(i) = stack.pop() {
            count += 1;
            if let Some(Node {
                kind: Kind::Dir(c), ..
            }) = self.nodes.get(i)
            {
                stack.extend(c.values().copied());
            }
        }
        count
    }
}

impl Lookup for Tree {
    fn entry_type(&self, physical: &Path) -> Result<FileType> {
        self.get(physical)
            .map(|n| n.meta.file_type)
            .ok_or_else(|| Error::NotFound {
                path: physical.into(),
            })
    }

    fn link_target(&self, physical: &Path) -> Result<PathBuf> {
        match self.get(physical) {
            Some(Node {
                kind: Kind::Symlink(t),
                ..
            }) => Ok(t.clone()),
            Some(_) => Err(Error::NotASymlink {
                path: physical.into(),
            }),
            None => Err(Error::NotFound {
                path: physical.into(),
            }),
        }
    }
}
