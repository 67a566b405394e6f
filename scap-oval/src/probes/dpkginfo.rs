//! `linux:dpkginfo_object`: installed Debian packages, read from the target's dpkg status
//! database (`/var/lib/dpkg/status`), never from the scanning host's.

use std::hash::BuildHasher;
use std::path::Path;
use std::sync::{Arc, Mutex};

use scap_probe::Target;

use super::{Collection, MAX_FILE_SIZE, ObjectRequest, Probe};
use crate::items::{Item, ItemEntity};
use crate::types::{Datatype, Flag};

/// The dpkginfo probe.
///
/// It keeps the packages of the last status file it parsed, by that file's content: SSG's
/// Debian 11 content has 66 dpkginfo objects, and each parsed the whole file again (a
/// tenth of a one-profile scan's collection on a 150 KB file; a host's is some megabytes).
/// The file is still read for every object, so a changed file is parsed again.
#[derive(Default)]
pub struct DpkgInfo {
    last: Mutex<Option<Parsed>>,
    /// Seeded once per probe: the content hash cannot be aimed at from a scanned image.
    hasher: foldhash::quality::RandomState,
}

/// The packages of one status file, with its length and content hash.
struct Parsed {
    len: usize,
    hash: u64,
    packages: Arc<Vec<Package>>,
}

impl DpkgInfo {
    /// The installed packages of a status file's `bytes`, parsed once while it does not
    /// change.
    fn packages(&self, bytes: &[u8]) -> Arc<Vec<Package>> {
        let hash = self.hasher.hash_one(bytes);
        let mut last = match self.last.lock() {
            Ok(g) => g,
            // A panic elsewhere while holding the lock leaves only a cache entry behind.
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(p) = last
            .as_ref()
            .filter(|p| p.len == bytes.len() && p.hash == hash)
        {
            return Arc::clone(&p.packages);
        }
        let packages = Arc::new(parse_status(&String::from_utf8_lossy(bytes)));
        *last = Some(Parsed {
            len: bytes.len(),
            hash,
            packages: Arc::clone(&packages),
        });
        packages
    }
}

/// Where dpkg keeps the installed-package database.
pub const DPKG_STATUS: &str = "/var/lib/dpkg/status";

/// One installed package as the status file gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// `Package:`.
    pub name: String,
    /// `Architecture:`.
    pub arch: String,
    /// `Version:` (`[epoch:]upstream[-revision]`).
    pub version: String,
}

/// The installed packages of a dpkg status file (paragraphs whose `Status:` ends in
/// `installed`).
pub fn parse_status(text: &str) -> Vec<Package> {
    let mut out = Vec::new();
    for para in text.split("\n\n") {
        let (mut name, mut arch, mut version, mut installed) = (None, None, None, false);
        for line in para.lines() {
            if let Some(v) = line.strip_prefix("Package:") {
                name = Some(v.trim());
            } else if let Some(v) = line.strip_prefix("Architecture:") {
                arch = Some(v.trim());
            } else if let Some(v) = line.strip_prefix("Version:") {
                version = Some(v.trim());
            } else if let Some(v) = line.strip_prefix("Status:") {
                installed = v.trim().ends_with(" installed");
            }
        }
        if let (Some(n), Some(v), true) = (name, version, installed) {
            out.push(Package {
                name: n.to_owned(),
                arch: arch.unwrap_or("").to_owned(),
                version: v.to_owned(),
            });
        }
    }
    out
}

/// Split a Debian version into (epoch, upstream version, revision); epoch defaults to `0`.
pub fn split_version(v: &str) -> (&str, &str, &str) {
    let (epoch, rest) = match v.split_once(':') {
        Some((e, r)) => (e, r),
        None => ("0", v),
    };
    let (upstream, revision) = match rest.rsplit_once('-') {
        Some((u, r)) => (u, r),
        None => (rest, ""),
    };
    (epoch, upstream, revision)
}

impl Probe for DpkgInfo {
    fn collect(&self, target: &dyn Target, object: &ObjectRequest) -> Collection {
        let Some(name) = object.entity("name") else {
            return Collection::error(format!("{}: no name entity", object.id));
        };
        let bytes = match target.read(Path::new(DPKG_STATUS), MAX_FILE_SIZE) {
            Ok(b) => b,
            Err(e) => return Collection::from_error(&e, Flag::NotCollected),
        };
        let mut items = Vec::new();
        for p in self.packages(&bytes).iter() {
            match name.matches(&p.name) {
                Ok(true) => {}
                Ok(false) => continue,
                Err(e) => return Collection::error(e.to_string()),
            }
            let (epoch, version, release) = split_version(&p.version);
            let mut item = Item::new("linux", "dpkginfo_item");
            item.push(ItemEntity::string("name", p.name.clone()));
            item.push(ItemEntity::string("arch", p.arch.clone()));
            item.push(ItemEntity::string("epoch", epoch));
            item.push(ItemEntity::string("release", release));
            item.push(ItemEntity::string("version", version));
            item.push(ItemEntity::typed(
                "evr",
                Datatype::EvrString,
                format!("{epoch}:{version}-{release}"),
            ));
            items.push(item);
        }
        Collection::from_items(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_paragraphs_give_installed_packages_only() {
        let text = "Package: sudo\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.9.5p2-3+deb11u1\n\nPackage: gone\nStatus: deinstall ok config-files\nVersion: 1\n\nPackage: login\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1:4.8.1-1\n";
        let p = parse_status(text);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].name, "sudo");
        assert_eq!(split_version(&p[1].version), ("1", "4.8.1", "1"));
        assert_eq!(split_version("1.2-3-4"), ("0", "1.2-3", "4"));
    }

    /// One status file is parsed once however many objects read it; a changed one (another
    /// target, or the file rewritten) is parsed again, and each object sees its own file.
    #[test]
    fn a_status_file_is_parsed_once_while_it_does_not_change() {
        use crate::types::{Datatype, Operation};
        use scap_probe::MemoryTarget;

        let status = |version: &str| {
            format!(
                "Package: bash\nStatus: install ok installed\nArchitecture: amd64\nVersion: {version}\n"
            )
        };
        let probe = DpkgInfo::default();
        let first = probe.packages(status("5.1-2").as_bytes());
        assert!(Arc::ptr_eq(
            &first,
            &probe.packages(status("5.1-2").as_bytes())
        ));
        // Same length, other content.
        let other = probe.packages(status("5.1-3").as_bytes());
        assert!(!Arc::ptr_eq(&first, &other));
        assert_eq!(other[0].version, "5.1-3");

        let mut object = ObjectRequest::new("oval:x:obj:1", "dpkginfo_object");
        object.entities.push(crate::probes::RequestEntity::new(
            "name",
            Datatype::String,
            Operation::Equals,
            "bash",
        ));
        let evr = |t: &MemoryTarget| {
            let c = probe.collect(t, &object);
            c.items[0].value("evr").map(str::to_string)
        };
        let (mut a, mut b) = (MemoryTarget::new(), MemoryTarget::new());
        a.add_file(DPKG_STATUS, status("5.1-2"));
        b.add_file(DPKG_STATUS, status("5.2-1"));
        assert_eq!(evr(&a).as_deref(), Some("0:5.1-2"));
        assert_eq!(evr(&b).as_deref(), Some("0:5.2-1"));
        assert_eq!(evr(&a).as_deref(), Some("0:5.1-2"));
    }
}
