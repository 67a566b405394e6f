//! Probes: how an OVAL object is collected from a [`Target`] into [`Item`]s.
//!
//! Every built-in probe is written once against `&dyn Target`, so it works the same on an
//! offline root, the live host, a container image or a backend of your own. A probe does not see
//! the definitions model: the evaluator hands it an [`ObjectRequest`], the object with every
//! variable already resolved, and gets back a [`Collection`] (a flag and the items).
//!
//! The [`Registry`] maps an object's namespace and element name (`unix` `file_object`) to the
//! probe that collects it; replace one entry to plug in your own (say an `rpminfo` backed by
//! your package database: [`Registry`] has the whole example, evaluated).
//!
//! ```
//! use scap_oval::probes::{Collection, ObjectRequest, Probe, Registry};
//! use scap_oval::types::Flag;
//! use scap_probe::Target;
//!
//! struct NoRpm;
//! impl Probe for NoRpm {
//!     fn collect(&self, _target: &dyn Target, _object: &ObjectRequest) -> Collection {
//!         Collection::flag(Flag::DoesNotExist)
//!     }
//! }
//! let mut registry = Registry::builtin();
//! registry.insert("linux", "rpminfo_object", Box::new(NoRpm));
//! assert!(registry.get_family("linux", "rpminfo_object").is_some());
//! ```

use scap_probe::Target;

use crate::compare::compare;
use crate::items::Item;
use crate::types::{Check, Datatype, Flag, Operation};

mod dpkginfo;
mod family;
mod file;
mod fileextendedattribute;
mod filehash;
mod fileset;
mod flag;
mod interface;
mod netstate;
mod password;
mod process;
mod registry;
mod rpm;
mod runlevel;
mod selinux;
mod symlink;
mod system;
mod systemd;
mod textfilecontent;
mod unanswered;
mod xattr;
mod xinetd;
mod xmlfilecontent;
mod yamlfilecontent;

pub use fileset::{Behaviors, Candidate, FilesetError, RecurseDirection, candidates};
pub use flag::flag_for;
pub use registry::{Registry, family_namespace};
pub use xmlfilecontent::MAX_XPATH_STEPS;

/// An object ready for collection: its entities with variables resolved to values.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct ObjectRequest {
    /// The object id (for messages).
    pub id: String,
    /// The element name, e.g. `file_object`.
    pub kind: String,
    /// The entities in document order.
    pub entities: Vec<RequestEntity>,
    /// The `behaviors` element's attributes, name and value.
    pub behaviors: Vec<(String, String)>,
}

impl ObjectRequest {
    /// A request for an object of the given kind with no entities yet.
    pub fn new(id: &str, kind: &str) -> ObjectRequest {
        ObjectRequest {
            id: id.to_owned(),
            kind: kind.to_owned(),
            ..ObjectRequest::default()
        }
    }

    /// The entity called `name`, if the object has one.
    pub fn entity(&self, name: &str) -> Option<&RequestEntity> {
        self.entities.iter().find(|e| e.name == name)
    }

    /// The value of the behavior `name`, if set.
    pub fn behavior(&self, name: &str) -> Option<&str> {
        self.behaviors
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// One object entity with its values resolved.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct RequestEntity {
    /// The element name, e.g. `filepath`.
    pub name: String,
    /// The datatype values are compared as.
    pub datatype: Datatype,
    /// The comparison a collected value must pass.
    pub operation: Operation,
    /// How many of several values (a multi-valued variable) must match.
    pub var_check: Check,
    /// The values: one for a literal, all of a variable's values for a `var_ref`.
    pub values: Vec<String>,
    /// `xsi:nil="true"`: the entity is present but empty (e.g. a `file_object` without filename).
    pub nil: bool,
}

impl RequestEntity {
    /// A literal entity with one value.
    pub fn new(name: &str, datatype: Datatype, operation: Operation, value: &str) -> RequestEntity {
        RequestEntity {
            name: name.to_owned(),
            datatype,
            operation,
            var_check: Check::All,
            values: vec![value.to_owned()],
            nil: false,
        }
    }

    /// Whether a collected value satisfies this entity: the comparison with each value, the
    /// per-value results combined by `var_check`.
    pub fn matches(&self, actual: &str) -> Result<bool, crate::compare::CompareError> {
        let mut hits = 0usize;
        for expected in &self.values {
            if compare(self.datatype, self.operation, actual, expected)? {
                hits += 1;
            }
        }
        Ok(match self.var_check {
            Check::All => hits == self.values.len() && hits > 0,
            Check::AtLeastOne => hits > 0,
            Check::NoneExist | Check::NoneSatisfy => hits == 0,
            Check::OnlyOne => hits == 1,
        })
    }

    /// The exact values a collected value must equal, when the entity is an `equals` whose
    /// values can be looked up directly instead of enumerated and filtered.
    pub fn exact_values(&self) -> Option<&[String]> {
        let any = self.values.len() <= 1 || matches!(self.var_check, Check::AtLeastOne);
        (self.operation == Operation::Equals && any && !self.nil).then_some(&self.values[..])
    }
}

/// What collecting one object gave: the flag and the items.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Collection {
    /// The collected-object flag.
    pub flag: Flag,
    /// The items (empty unless the flag is `complete`, `incomplete` or `error`).
    pub items: Vec<Item>,
    /// Messages for the results document (why something could not be collected).
    pub messages: Vec<String>,
}

impl Collection {
    /// The flag that follows from the items: `complete` when there are any, else
    /// `does not exist`.
    pub fn from_items(items: Vec<Item>) -> Collection {
        let flag = if items.is_empty() {
            Flag::DoesNotExist
        } else {
            Flag::Complete
        };
        Collection {
            flag,
            items,
            messages: Vec::new(),
        }
    }

    /// No items, with a flag.
    pub fn flag(flag: Flag) -> Collection {
        Collection {
            flag,
            items: Vec::new(),
            messages: Vec::new(),
        }
    }

    /// No items, with a flag and the reason.
    pub fn with_message(flag: Flag, message: impl Into<String>) -> Collection {
        Collection {
            flag,
            items: Vec::new(),
            messages: vec![message.into()],
        }
    }

    /// An `error` collection carrying a message.
    pub fn error(message: impl Into<String>) -> Collection {
        Collection::with_message(Flag::Error, message)
    }
}

/// A probe: collects one kind of object from a target.
pub trait Probe: Send + Sync {
    /// Collect the items the object describes.
    fn collect(&self, target: &dyn Target, object: &ObjectRequest) -> Collection;

    /// Collect, keeping only the items `keep` accepts (the object's filters). The default
    /// collects everything, then filters; a probe that can make many items (a file object over
    /// a whole tree) overrides it so a rejected item is dropped as soon as it is made.
    fn collect_filtered(
        &self,
        target: &dyn Target,
        object: &ObjectRequest,
        keep: &mut dyn FnMut(&Item) -> bool,
    ) -> Collection {
        let mut c = self.collect(target, object);
        c.items.retain(|i| keep(i));
        c
    }
}

/// Most items one object may have, whatever its probe; past it the object is an `error` with a
/// message and the items are dropped (the evaluator checks every collection). The probes that
/// can make many (textfilecontent54: a pattern matching every character of a large file, 990k
/// items and 3.3 GB for `a` over 1 MB; file: a walk over a million image entries) stop making
/// items one past it, so such an object costs no more than this many.
pub const MAX_ITEMS: usize = 100_000;

/// Largest file a built-in probe reads whole (textfilecontent54, password, dpkg status...).
pub const MAX_FILE_SIZE: u64 = 256 << 20;

/// The pattern cache shared by the built-in probes.
pub(crate) fn patterns() -> &'static crate::pattern::PatternCache {
    static CACHE: std::sync::OnceLock<crate::pattern::PatternCache> = std::sync::OnceLock::new();
    CACHE.get_or_init(crate::pattern::PatternCache::default)
}

/// A target for the probes' tests that counts what costs host calls on a real tree.
#[cfg(test)]
pub(crate) mod counting {
    use std::ffi::{OsStr, OsString};
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicUsize, Ordering};

    use scap_probe::{DirEntry, Follow, MemoryTarget, Metadata, Result, Target};

    /// `inner`, counting its directory listings and extended-attribute listings.
    pub(crate) struct Counting {
        inner: MemoryTarget,
        listings: AtomicUsize,
        xattr_listings: AtomicUsize,
    }

    impl Counting {
        pub(crate) fn new(inner: MemoryTarget) -> Counting {
            Counting {
                inner,
                listings: AtomicUsize::new(0),
                xattr_listings: AtomicUsize::new(0),
            }
        }

        /// Directory listings so far.
        pub(crate) fn listings(&self) -> usize {
            self.listings.load(Ordering::Relaxed)
        }

        /// Extended-attribute listings since the last call.
        pub(crate) fn take_xattr_listings(&self) -> usize {
            self.xattr_listings.swap(0, Ordering::Relaxed)
        }
    }

    impl Target for Counting {
        fn metadata(&self, path: &Path) -> Result<Metadata> {
            self.inner.metadata(path)
        }
        fn read_dir(&self, path: &Path) -> Result<Vec<DirEntry>> {
            self.listings.fetch_add(1, Ordering::Relaxed);
            self.inner.read_dir(path)
        }
        fn read_link(&self, path: &Path) -> Result<PathBuf> {
            self.inner.read_link(path)
        }
        fn open(&self, path: &Path) -> Result<Box<dyn std::io::Read + Send>> {
            self.inner.open(path)
        }
        fn stat(&self, path: &Path) -> Result<Metadata> {
            self.inner.stat(path)
        }
        fn canonicalize(&self, path: &Path) -> Result<PathBuf> {
            self.inner.canonicalize(path)
        }
        fn xattr_names(&self, path: &Path, follow: Follow) -> Result<Vec<OsString>> {
            self.xattr_listings.fetch_add(1, Ordering::Relaxed);
            self.inner.xattr_names(path, follow)
        }
        fn xattr(&self, path: &Path, name: &OsStr, follow: Follow) -> Result<Option<Vec<u8>>> {
            self.inner.xattr(path, name, follow)
        }
    }
}
