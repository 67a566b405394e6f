//! `linux:dpkginfo_object`: installed Debian packages, read from the target's dpkg status
//! database (`/var/lib/dpkg/status`), never from the scanning host's.

use std::path::Path;

use scap_probe::Target;

use super::{Collection, MAX_FILE_SIZE, ObjectRequest, Probe};
use crate::items::{Item, ItemEntity};
use crate::types::{Datatype, Flag};

/// The dpkginfo probe.
pub struct DpkgInfo;

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
        let text = String::from_utf8_lossy(&bytes);
        let mut items = Vec::new();
        for p in parse_status(&text) {
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
}
