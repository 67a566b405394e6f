//! `rpmverifyfile_object` (and the OVAL 5.x `rpmverify_object`): the files rpm recorded for a package
//! compared with the target's tree, as `rpm -V` compares them (rpm's `rpmVerifyFile`), through
//! [`Target`] only.
//!
//! Per file, as rpm does: a file whose state is "not installed" or "net shared" is not checked
//! (every attribute passes); a "replaced" one only has to exist; `%ghost` files skip digest,
//! size, mtime and link; the file's type on disk decides what applies (a directory has no
//! digest, size, mtime or link target; a symlink no digest, size, mtime or mode; a device no
//! digest, size or mtime; a regular file no link target or device number); the package's
//! `FILEVERIFYFLAGS` turns checks off; owner and group compare the names rpm recorded with the
//! names the target's `/etc/passwd` and `/etc/group` give the file's uid and gid. An attribute
//! is `fail` when its check ran and differed, `not performed` when the object's behaviors turn
//! it off (oscap's reading), else `pass`. A file that is missing from the tree (lstat fails)
//! makes every attribute `fail`... see [`MISSING`].
//!
//! File capabilities (`capabilities_differ`) compare the `security.capability` attribute with
//! the `FILECAPS` text rpm recorded, as sets (libcap's `cap_compare`: permitted, inheritable,
//! effective), for regular files only; on a target that reads no extended attributes the
//! check is `not performed`.

use std::collections::HashMap;
use std::path::Path;

use scap_probe::{FileType, Metadata, Target};
use scap_rpmdb::package::file_flags;
use scap_rpmdb::{DigestAlgo, File, Package};

use super::{Installed, accepts, arch_text, epoch_text, extended_name};
use crate::items::{Item, ItemEntity};
use crate::probes::xattr::Capabilities;
use crate::probes::{Collection, MAX_FILE_SIZE, MAX_ITEMS, ObjectRequest};

/// `RPMVERIFY_*` bits: which checks to run, and which differed.
mod bit {
    pub const DIGEST: u32 = 1;
    pub const SIZE: u32 = 1 << 1;
    pub const LINKTO: u32 = 1 << 2;
    pub const USER: u32 = 1 << 3;
    pub const GROUP: u32 = 1 << 4;
    pub const MTIME: u32 = 1 << 5;
    pub const MODE: u32 = 1 << 6;
    pub const RDEV: u32 = 1 << 7;
    pub const CAPS: u32 = 1 << 8;
    /// The capabilities could not be read (the target sees no extended attributes).
    pub const CAPS_UNKNOWN: u32 = 1 << 30;
    /// The file could not be lstat'ed.
    pub const LSTATFAIL: u32 = 1 << 31;
}

/// What a file missing from the tree gives for every attribute: oscap 1.3.7 reports each check
/// of a file that is not on disk as `not performed` (`scripts/diff-rpm.sh`'s damaged tree);
/// the item is still there, so a test can see the file is gone from its `filepath`.
pub(super) const MISSING: &str = "not performed";

/// The target's user or group names by id (the first entry wins, as `getpwuid` does). Id 0
/// is `root` whatever the file says, as rpm's own lookup has it (a tree without an
/// `/etc/passwd` still verifies root-owned files, as oscap 1.3.7 reports them).
fn names(target: &dyn Target, file: &str) -> HashMap<u32, String> {
    let mut out = HashMap::from([(0, "root".to_owned())]);
    let Ok(bytes) = target.read(Path::new(file), MAX_FILE_SIZE) else {
        return out;
    };
    for line in String::from_utf8_lossy(&bytes).lines() {
        let f: Vec<&str> = line.split(':').collect();
        if let (Some(name), Some(Ok(id))) = (f.first(), f.get(2).map(|s| s.parse::<u32>())) {
            out.entry(id).or_insert_with(|| (*name).to_owned());
        }
    }
    out
}

/// The `st_mode` type bits of a file type.
fn type_bits(t: FileType) -> u32 {
    match t {
        FileType::Regular => 0o100000,
        FileType::Directory => 0o040000,
        FileType::Symlink => 0o120000,
        FileType::BlockDevice => 0o060000,
        FileType::CharDevice => 0o020000,
        FileType::Fifo => 0o010000,
        FileType::Socket => 0o140000,
        _ => 0,
    }
}

fn digest_kind(a: DigestAlgo) -> Option<&'static str> {
    Some(match a {
        DigestAlgo::Md5 => "MD5",
        DigestAlgo::Sha1 => "SHA-1",
        DigestAlgo::Sha224 => "SHA-224",
        DigestAlgo::Sha256 => "SHA-256",
        DigestAlgo::Sha384 => "SHA-384",
        DigestAlgo::Sha512 => "SHA-512",
        _ => return None,
    })
}

/// The users and groups of the target, read once per object.
struct Ids {
    users: HashMap<u32, String>,
    groups: HashMap<u32, String>,
}

/// rpm's verification of one file: the `RPMVERIFY_*` bits that differed.
fn verify_file(target: &dyn Target, f: &File, ids: &Ids) -> u32 {
    let path = Path::new(&f.path);
    let mut flags = match f.state {
        // not installed, net shared: nothing to check.
        2 | 3 => return 0,
        // replaced: it only has to exist.
        1 => 0,
        _ => f.verify_flags,
    };
    if f.flags & file_flags::GHOST != 0 {
        flags &= !(bit::DIGEST | bit::SIZE | bit::MTIME | bit::LINKTO);
    }
    let Ok(m) = target.metadata(path) else {
        return bit::LSTATFAIL;
    };
    // Capabilities are a regular file's only, as in rpm.
    let not_regular = bit::CAPS;
    flags &= match m.file_type {
        FileType::Directory => !(bit::DIGEST | bit::SIZE | bit::MTIME | bit::LINKTO | not_regular),
        FileType::Symlink => !(bit::DIGEST | bit::SIZE | bit::MTIME | bit::MODE | not_regular),
        FileType::Fifo => !(bit::DIGEST | bit::SIZE | bit::MTIME | bit::LINKTO | not_regular),
        FileType::CharDevice | FileType::BlockDevice => {
            !(bit::DIGEST | bit::SIZE | bit::MTIME | not_regular)
        }
        _ => !(bit::LINKTO | bit::RDEV),
    };
    let mut res = 0;
    if flags & bit::DIGEST != 0 {
        let same = digest_kind(f.digest_algo).is_some_and(|kind| {
            target
                .open(path)
                .ok()
                .and_then(|r| crate::probes::filehash::digests(r, &[kind]).ok())
                .and_then(|d| d.into_iter().next())
                .is_some_and(|(_, hex)| hex == f.digest)
        });
        if !same {
            res |= bit::DIGEST;
        }
    }
    if flags & bit::LINKTO != 0 {
        let same = target
            .read_link(path)
            .is_ok_and(|l| l.as_os_str().as_encoded_bytes() == f.link_to.as_bytes());
        if !same {
            res |= bit::LINKTO;
        }
    }
    if flags & bit::SIZE != 0 && m.size != f.size {
        res |= bit::SIZE;
    }
    res |= mode_and_rdev(flags, f, &m);
    if flags & bit::CAPS != 0 {
        // rpm compares libcap's sets: a text that does not parse, like no text, is none.
        let recorded = Capabilities::from_text(&f.caps).unwrap_or_default();
        match Capabilities::of_file(target, path) {
            Ok(on_disk) if on_disk != recorded => res |= bit::CAPS,
            Ok(_) => {}
            Err(_) => res |= bit::CAPS_UNKNOWN,
        }
    }
    if flags & bit::MTIME != 0 && m.mtime.secs != i64::from(f.mtime) {
        res |= bit::MTIME;
    }
    if flags & bit::USER != 0 && ids.users.get(&m.uid).map(String::as_str) != Some(&f.user) {
        res |= bit::USER;
    }
    if flags & bit::GROUP != 0 && ids.groups.get(&m.gid).map(String::as_str) != Some(&f.group) {
        res |= bit::GROUP;
    }
    res
}

fn mode_and_rdev(flags: u32, f: &File, m: &Metadata) -> u32 {
    let mut res = 0;
    let disk = type_bits(m.file_type) | (m.mode & 0o7777);
    let mut recorded = u32::from(f.mode);
    let mut on_disk = disk;
    if f.flags & file_flags::GHOST != 0 {
        // The type of a %ghost file means nothing; its permissions do.
        recorded &= 0o7777;
        on_disk &= 0o7777;
    }
    if flags & bit::MODE != 0 && recorded != on_disk {
        res |= bit::MODE;
    }
    if flags & bit::RDEV != 0 {
        let (rec_t, disk_t) = (u32::from(f.mode) & 0o170000, disk & 0o170000);
        let device = |t: u32| t == 0o020000 || t == 0o060000;
        // A device on one side only differs; two devices compare their numbers (the low 16
        // bits, rpm's FILERDEVS width).
        let differs = if rec_t != disk_t {
            device(rec_t) || device(disk_t)
        } else {
            device(rec_t) && (m.rdev & 0xffff) as u16 != f.rdev
        };
        if differs {
            res |= bit::RDEV;
        }
    }
    res
}

/// `pass`, `fail` or `not performed` for one attribute.
fn outcome(res: u32, check: u32, skipped: bool) -> &'static str {
    if skipped {
        "not performed"
    } else if res & bit::LSTATFAIL != 0 {
        MISSING
    } else if res & check != 0 {
        "fail"
    } else {
        "pass"
    }
}

/// The package entities an rpmverify object selects packages by.
fn package_matches(object: &ObjectRequest, p: &Package) -> Result<bool, String> {
    Ok(accepts(object, "name", &p.name)?
        && accepts(object, "epoch", &epoch_text(p))?
        && accepts(object, "version", &p.version)?
        && accepts(object, "release", &p.release)?
        && accepts(object, "arch", arch_text(p))?)
}

fn push_package(item: &mut Item, p: &Package) {
    item.push(ItemEntity::string("name", p.name.clone()));
    item.push(ItemEntity::string("epoch", epoch_text(p)));
    item.push(ItemEntity::string("version", p.version.clone()));
    item.push(ItemEntity::string("release", p.release.clone()));
    item.push(ItemEntity::string("arch", arch_text(p)));
}

/// `rpmverifyfile_object` (`deprecated` false) or the OVAL 5.x `rpmverify_object` (true: its
/// object has only `name` and `filepath`, its item no epoch, version, release, arch,
/// extended_name or filedigest_differs, as oscap 1.3.7 writes it).
pub(super) fn files(
    target: &dyn Target,
    object: &ObjectRequest,
    packages: &[Installed],
    deprecated: bool,
) -> Collection {
    let on = |b: &str| object.behavior(b) == Some("true");
    let ids = Ids {
        users: names(target, "/etc/passwd"),
        groups: names(target, "/etc/group"),
    };
    let mut items = Vec::new();
    for installed in packages {
        let p = &installed.package;
        match package_matches(object, p) {
            Ok(true) => {}
            Ok(false) => continue,
            Err(e) => return Collection::error(e),
        }
        let files = match installed.files() {
            Ok(f) => f,
            Err(e) => return Collection::error(format!("{}: {e}", object.id)),
        };
        for f in &files {
            match accepts(object, "filepath", &f.path) {
                Ok(true) => {}
                Ok(false) => continue,
                Err(e) => return Collection::error(e),
            }
            let config = f.flags & file_flags::CONFIG != 0;
            let ghost = f.flags & file_flags::GHOST != 0;
            if (config && on("noconfigfiles")) || (ghost && on("noghostfiles")) {
                continue;
            }
            if items.len() >= MAX_ITEMS {
                return Collection::error(format!(
                    "{}: more than {MAX_ITEMS} files match",
                    object.id
                ));
            }
            let res = verify_file(target, f, &ids);
            let mut item;
            if deprecated {
                item = Item::new("linux", "rpmverify_item");
                item.push(ItemEntity::string("name", p.name.clone()));
                item.push(ItemEntity::string("filepath", f.path.clone()));
            } else {
                item = Item::new("linux", "rpmverifyfile_item");
                push_package(&mut item, p);
                item.push(ItemEntity::string("filepath", f.path.clone()));
                item.push(ItemEntity::string("extended_name", extended_name(p)));
            }
            let digest_off = on("nomd5") || on("nofiledigest");
            for (name, check, skipped) in [
                ("size_differs", bit::SIZE, on("nosize")),
                ("mode_differs", bit::MODE, on("nomode")),
                ("md5_differs", bit::DIGEST, digest_off),
                ("filedigest_differs", bit::DIGEST, digest_off),
                ("device_differs", bit::RDEV, on("nordev")),
                ("link_mismatch", bit::LINKTO, on("nolinkto")),
                ("ownership_differs", bit::USER, on("nouser")),
                ("group_differs", bit::GROUP, on("nogroup")),
                ("mtime_differs", bit::MTIME, on("nomtime")),
            ] {
                if deprecated && name == "filedigest_differs" {
                    continue;
                }
                item.push(ItemEntity::string(name, outcome(res, check, skipped)));
            }
            // A target that cannot read extended attributes could not check them.
            let caps_off = on("nocaps") || res & bit::CAPS_UNKNOWN != 0;
            item.push(ItemEntity::string(
                "capabilities_differ",
                outcome(res, bit::CAPS, caps_off),
            ));
            for (name, flag) in [
                ("configuration_file", file_flags::CONFIG),
                ("documentation_file", file_flags::DOC),
                ("ghost_file", file_flags::GHOST),
                ("license_file", file_flags::LICENSE),
                ("readme_file", file_flags::README),
            ] {
                item.push(ItemEntity::boolean(name, f.flags & flag != 0));
            }
            items.push(item);
        }
    }
    Collection::from_items(items)
}
