//! The rpm probes: `linux:rpminfo_object`, `rpmverifyfile_object`, `rpmverifypackage_object`
//! and `rpmverify_object`, answered from the target's installed-package database read in
//! place through [`Target`] ([`scap_rpmdb`]: `rpmdb.sqlite`, a Berkeley DB `Packages` or an
//! NDB `Packages.db`), never from the scanning host's and without librpm.
//!
//! The database is looked for where rpm keeps it, `/var/lib/rpm` then `/usr/lib/sysimage/rpm`
//! (a `/var/lib/rpm` symlink to the latter, as on Fedora and SUSE, is followed inside the
//! target). No database gives `does not exist`, as oscap gives; a database that cannot be read
//! (corrupt, too large) is `error` with the reason, never a silent "not installed". The
//! packages are read once per database file and shared by every rpm object of a scan
//! ([`RpmDb`]).
//!
//! Items as oscap 1.3.7 writes them (checked on trees made by rpm 4.18, `scripts/diff-rpm.sh`):
//! `epoch` is `(none)` for a package without one while `evr` and `extended_name` use `0`;
//! `signature_keyid` is the 16-hex key id of the header+payload signature (`SIGPGP`) and `0`
//! without one (oscap does not look at the header-only `RSAHEADER` that `rpmsign` writes by
//! default). Difference, on purpose: `rpminfo` with `filepaths="true"` lists each file once
//! (oscap lists every file twice). `capabilities_differ` compares the `security.capability`
//! attribute with rpm's `FILECAPS` (see [`verify`]).
//! `rpmverify_object` (OVAL 5.x, deprecated) is `rpmverifyfile` by name and filepath.
//! `rpmverifypackage_object` checks dependencies, header digests and signatures and never runs
//! a script ([`verifypackage`], with its differences from oscap).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use scap_probe::Target;
use scap_rpmdb::{Format, Package};

use super::{Collection, ObjectRequest, Probe};
use crate::items::{Item, ItemEntity};
use crate::types::{Datatype, Flag};

mod deps;
mod verify;
mod verifypackage;

/// Where rpm keeps its database, in the order they are tried.
pub const RPM_DB_DIRS: [&str; 2] = ["/var/lib/rpm", "/usr/lib/sysimage/rpm"];

/// Largest database file read (a RHEL 9 host with a few thousand packages has some 100 MiB).
pub const MAX_DB_SIZE: u64 = 1 << 30;

/// The rpm probes, sharing one [`RpmDb`]; clone it to register it under each object kind.
#[derive(Clone, Default)]
pub struct RpmProbe {
    db: Arc<RpmDb>,
}

/// The packages of the last database read, with what identifies that file, so a scan reads
/// and parses the database once however many rpm objects it has.
#[derive(Default)]
pub struct RpmDb {
    last: Mutex<Option<(DbKey, Arc<Loaded>)>>,
}

/// What a database read gave.
type Loaded = Result<Option<Vec<Installed>>, String>;

/// One installed package: what every rpm object compares (name, version...), and its header
/// blob, from which the files are read only for the objects that need them (a host's files
/// would take several times the database's size in memory).
pub(crate) struct Installed {
    pub(crate) package: Package,
    pub(crate) blob: Vec<u8>,
}

impl Installed {
    /// The package's files, read from its header.
    pub(crate) fn files(&self) -> Result<Vec<scap_rpmdb::File>, String> {
        scap_rpmdb::Header::parse(&self.blob)
            .and_then(|h| scap_rpmdb::File::all(&h))
            .map_err(|e| format!("{}: {e}", self.package.name))
    }
}

/// A target (by address) and the database files' identity (path, size, times, inode).
#[derive(Debug, Clone, PartialEq)]
struct DbKey {
    target: usize,
    files: Vec<(PathBuf, u64, i64, u32, u64, u64)>,
}

fn identity(target: &dyn Target, path: &Path) -> Option<(PathBuf, u64, i64, u32, u64, u64)> {
    let m = target.stat(path).ok()?;
    Some((
        path.to_owned(),
        m.size,
        m.mtime.secs,
        m.mtime.nanos,
        m.inode,
        m.device,
    ))
}

/// The database file to read on a target: the first directory of [`RPM_DB_DIRS`] that has one
/// of rpm's database files, the file found first in [`Format::FILES`] order.
fn locate(target: &dyn Target) -> Option<(PathBuf, Format)> {
    for dir in RPM_DB_DIRS {
        for (name, format) in Format::FILES {
            let path = Path::new(dir).join(name);
            if target.stat(&path).is_ok_and(|m| m.size > 0) {
                return Some((path, format));
            }
        }
    }
    None
}

impl RpmDb {
    /// The installed packages of `target`: `Ok(None)` when it has no rpm database.
    fn packages(&self, target: &dyn Target) -> Arc<Loaded> {
        let found = locate(target);
        let wal = found
            .as_ref()
            .filter(|(_, f)| *f == Format::Sqlite)
            .map(|(p, _)| PathBuf::from(format!("{}-wal", p.display())));
        // The target's address identifies it for the duration of a scan; the files' identity
        // makes a reused address or a changed database a miss.
        let key = DbKey {
            target: target as *const dyn Target as *const () as usize,
            files: [found.as_ref().map(|(p, _)| p.clone()), wal.clone()]
                .into_iter()
                .flatten()
                .filter_map(|p| identity(target, &p))
                .collect(),
        };
        let mut last = match self.last.lock() {
            Ok(g) => g,
            // A panic elsewhere while holding the lock leaves only a cache entry behind.
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some((k, loaded)) = last.as_ref() {
            if *k == key {
                return loaded.clone();
            }
        }
        let loaded = Arc::new(load(target, found, wal));
        *last = Some((key, loaded.clone()));
        loaded
    }
}

fn load(target: &dyn Target, found: Option<(PathBuf, Format)>, wal: Option<PathBuf>) -> Loaded {
    let Some((path, format)) = found else {
        return Ok(None);
    };
    let bytes = target
        .read(&path, MAX_DB_SIZE)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let wal = wal.and_then(|w| target.read(&w, MAX_DB_SIZE).ok());
    let blobs = scap_rpmdb::read_blobs(format, &bytes, wal.as_deref())
        .map_err(|e| format!("{}: {e}", path.display()))?;
    drop(bytes);
    blobs
        .into_iter()
        .map(|(instance, blob)| {
            let package = scap_rpmdb::Header::parse(&blob)
                .and_then(|h| Package::without_files(&h))
                .map_err(|e| format!("{}: package record {instance}: {e}", path.display()))?;
            Ok(Installed { package, blob })
        })
        .collect::<Result<Vec<_>, String>>()
        .map(Some)
}

/// `epoch` as oscap writes it: `(none)` when the package has none.
pub(crate) fn epoch_text(p: &Package) -> String {
    p.epoch
        .map_or_else(|| "(none)".to_owned(), |e| e.to_string())
}

/// `arch` as rpm prints a missing one (a `gpg-pubkey` header has none).
pub(crate) fn arch_text(p: &Package) -> &str {
    if p.arch.is_empty() { "(none)" } else { &p.arch }
}

/// `name-epoch:version-release.arch`, epoch `0` when absent.
pub(crate) fn extended_name(p: &Package) -> String {
    format!("{}-{}.{}", p.name, p.evr(), arch_text(p))
}

/// Whether `value` satisfies the object's entity `name`; an absent entity accepts anything.
fn accepts(object: &ObjectRequest, name: &str, value: &str) -> Result<bool, String> {
    match object.entity(name) {
        None => Ok(true),
        Some(e) => e
            .matches(value)
            .map_err(|err| format!("{}: {name}: {err}", object.id)),
    }
}

impl RpmProbe {
    /// The rpm probes with an empty database cache.
    pub fn new() -> RpmProbe {
        RpmProbe::default()
    }

    fn rpminfo(&self, object: &ObjectRequest, packages: &[Installed]) -> Collection {
        if object.entity("name").is_none() {
            return Collection::error(format!("{}: no name entity", object.id));
        }
        let filepaths = object.behavior("filepaths") == Some("true");
        let mut items = Vec::new();
        for installed in packages {
            let p = &installed.package;
            match accepts(object, "name", &p.name) {
                Ok(true) => {}
                Ok(false) => continue,
                Err(e) => return Collection::error(e),
            }
            let mut item = Item::new("linux", "rpminfo_item");
            item.push(ItemEntity::string("name", p.name.clone()));
            item.push(ItemEntity::string("arch", arch_text(p)));
            item.push(ItemEntity::string("epoch", epoch_text(p)));
            item.push(ItemEntity::string("release", p.release.clone()));
            item.push(ItemEntity::string("version", p.version.clone()));
            item.push(ItemEntity::typed("evr", Datatype::EvrString, p.evr()));
            // oscap: the header+payload signature's key id, `0` without one.
            let keyid = p.payload_key_id.map_or_else(
                || "0".to_owned(),
                |id| id.iter().map(|b| format!("{b:02x}")).collect(),
            );
            item.push(ItemEntity::string("signature_keyid", keyid));
            item.push(ItemEntity::string("extended_name", extended_name(p)));
            if filepaths {
                match installed.files() {
                    Ok(files) => {
                        for f in files {
                            item.push(ItemEntity::string("filepath", f.path));
                        }
                    }
                    Err(e) => return Collection::error(format!("{}: {e}", object.id)),
                }
            }
            items.push(item);
        }
        Collection::from_items(items)
    }
}

impl Probe for RpmProbe {
    fn collect(&self, target: &dyn Target, object: &ObjectRequest) -> Collection {
        let loaded = self.db.packages(target);
        let packages = match loaded.as_ref() {
            Ok(Some(p)) => p,
            Ok(None) => return Collection::flag(Flag::DoesNotExist),
            Err(e) => return Collection::error(format!("{}: {e}", object.id)),
        };
        match object.kind.as_str() {
            "rpminfo_object" => self.rpminfo(object, packages),
            "rpmverifyfile_object" => verify::files(target, object, packages, false),
            "rpmverify_object" => verify::files(target, object, packages, true),
            "rpmverifypackage_object" => verifypackage::collect(object, packages),
            kind => Collection::with_message(
                Flag::NotCollected,
                format!("{}: {kind} is not collected by the rpm probe", object.id),
            ),
        }
    }
}
