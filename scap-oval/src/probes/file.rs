//! `unix:file_object`: metadata of files and directories, and whether each has an extended
//! POSIX ACL (`has_extended_acl`, from its `system.posix_acl_*` attributes as libacl's
//! `acl_extended_file` reads them, which oscap 1.3.7 calls: links followed).

use std::path::Path;

use scap_probe::Target;

use super::fileset::{Candidate, candidates};
use super::{Collection, MAX_ITEMS, ObjectRequest, Probe, xattr};
use crate::items::{EntityValue, Item, ItemEntity};
use crate::types::{Datatype, ItemStatus};

/// The file probe.
pub struct FileProbe;

impl Probe for FileProbe {
    fn collect(&self, target: &dyn Target, object: &ObjectRequest) -> Collection {
        self.collect_filtered(target, object, &mut |_| true)
    }

    fn collect_filtered(
        &self,
        target: &dyn Target,
        object: &ObjectRequest,
        keep: &mut dyn FnMut(&Item) -> bool,
    ) -> Collection {
        let files = match candidates(target, object) {
            Ok(f) => f,
            Err(e) => return Collection::error(e.0),
        };
        let mut items = Vec::new();
        for c in files {
            let full = c.filepath();
            // The last component is not followed: a link is reported as a link.
            let Ok(m) = target.metadata(Path::new(&full)) else {
                continue;
            };
            let Some(item) = kept_file_item(target, &c, &full, &m, keep) else {
                continue;
            };
            if items.len() == MAX_ITEMS {
                // Stop making items (an object over a million image entries would hold
                // gigabytes); the evaluator turns the object into an error.
                return Collection::error(format!(
                    "{}: more than {MAX_ITEMS} items (the per-object item limit was hit)",
                    object.id
                ));
            }
            items.push(item);
        }
        Collection::from_items(items)
    }
}

/// An item of `family`/`kind` for a candidate file, with the entities that say which file:
/// `filepath`, `path` and `filename` for a file, `path` alone for a directory object (every
/// file-based probe starts its items so).
pub(super) fn located_item(
    family: &'static str,
    kind: &'static str,
    c: &Candidate,
    full: &str,
) -> Item {
    let mut item = Item::new(family, kind);
    match &c.filename {
        Some(f) => {
            item.push(ItemEntity::string("filepath", full));
            item.push(ItemEntity::string("path", c.path.clone()));
            item.push(ItemEntity::string("filename", f.clone()));
        }
        None => {
            item.push(ItemEntity::string("path", c.path.clone()));
        }
    }
    item
}

/// The file item of `c` if the object's filters (`keep`) keep it. Its `has_extended_acl` costs
/// host calls (the extended attributes, through the jail) where the rest is the `lstat`
/// already made, and a filter over a whole tree (SSG's permission rules: every file under
/// `/usr/lib`, keep those with a wrong mode) rejects nearly every item without looking at it.
/// So the filters are first asked with both values of `has_extended_acl`: when neither keeps
/// the item, it is dropped unread; otherwise the ACL is read and the filters decide on the
/// real value, as they always did.
fn kept_file_item(
    target: &dyn Target,
    c: &Candidate,
    full: &str,
    m: &scap_probe::Metadata,
    keep: &mut dyn FnMut(&Item) -> bool,
) -> Option<Item> {
    let mut item = file_item(c, full, m);
    item.push(ItemEntity::boolean("has_extended_acl", false));
    let without = keep(&item);
    if !without {
        set_last(&mut item, ItemEntity::boolean("has_extended_acl", true));
        if !keep(&item) {
            return None;
        }
    }
    let acl = has_extended_acl(target, full);
    // Kept with `false` and it is `false`: decided already.
    let decided = without && acl == ItemEntity::boolean("has_extended_acl", false);
    set_last(&mut item, acl);
    (decided || keep(&item)).then_some(item)
}

fn set_last(item: &mut Item, entity: ItemEntity) {
    if let Some(last) = item.entities.last_mut() {
        *last = entity;
    }
}

/// A file item without its last entity, `has_extended_acl`.
fn file_item(c: &Candidate, full: &str, m: &scap_probe::Metadata) -> Item {
    let mut item = located_item("unix", "file_item", c, full);
    // The 24 entities below, in one allocation instead of the vector's doublings.
    item.entities.reserve(24);
    item.push(ItemEntity::fixed(
        "type",
        Datatype::String,
        m.file_type.oval_name().into(),
    ));
    item.push(ItemEntity::int("group_id", m.gid));
    item.push(ItemEntity::int("user_id", m.uid));
    item.push(ItemEntity::int("a_time", m.atime.secs));
    item.push(ItemEntity::int("c_time", m.ctime.secs));
    item.push(ItemEntity::int("m_time", m.mtime.secs));
    item.push(ItemEntity::int("size", m.size));
    let bit = |b: u32| m.mode & b != 0;
    item.push(ItemEntity::boolean("suid", bit(0o4000)));
    item.push(ItemEntity::boolean("sgid", bit(0o2000)));
    item.push(ItemEntity::boolean("sticky", bit(0o1000)));
    for (name, b) in [
        ("uread", 0o400),
        ("uwrite", 0o200),
        ("uexec", 0o100),
        ("gread", 0o040),
        ("gwrite", 0o020),
        ("gexec", 0o010),
        ("oread", 0o004),
        ("owrite", 0o002),
        ("oexec", 0o001),
    ] {
        item.push(ItemEntity::boolean(name, bit(b)));
    }
    item
}

/// `has_extended_acl` as oscap 1.3.7 gives it (libacl's `acl_extended_file`, links
/// followed): `true` for an ACL beyond the mode bits. A target that cannot read extended
/// attributes leaves the entity `not collected`, a failed read `error`.
fn has_extended_acl(target: &dyn Target, full: &str) -> ItemEntity {
    let status = match xattr::extended_acl(target, Path::new(full)) {
        Ok(b) => return ItemEntity::boolean("has_extended_acl", b),
        // A dangling link: no file, no ACL (acl_extended_file fails; oscap writes false).
        Err(xattr::Failure::Gone) => return ItemEntity::boolean("has_extended_acl", false),
        Err(xattr::Failure::NotCollectable(_)) => ItemStatus::NotCollected,
        Err(xattr::Failure::Failed(_)) => ItemStatus::Error,
    };
    ItemEntity {
        status,
        value: EntityValue::Nil,
        ..ItemEntity::boolean("has_extended_acl", false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probes::RequestEntity;
    use crate::probes::counting::Counting;
    use crate::types::{Datatype, Operation};
    use scap_probe::MemoryTarget;

    /// The access ACL `setfacl -m u:daemon:r` writes: 5 entries (a named user beside the three
    /// the mode bits say), 44 bytes; its first 28 bytes are an ACL of the base entries only.
    fn named_acl() -> Vec<u8> {
        [
            &[2, 0, 0, 0][..],
            &[1, 0, 6, 0, 0xff, 0xff, 0xff, 0xff],
            &[2, 0, 4, 0, 1, 0, 0, 0],
            &[4, 0, 4, 0, 0xff, 0xff, 0xff, 0xff],
            &[0x10, 0, 4, 0, 0xff, 0xff, 0xff, 0xff],
            &[0x20, 0, 4, 0, 0xff, 0xff, 0xff, 0xff],
        ]
        .concat()
    }

    #[test]
    fn has_extended_acl_reads_the_acl_attributes() {
        // `setfacl -m u:daemon:r` (5 entries) versus the 3 base entries only; oscap 1.3.7
        // says true and false for them (and true through a link), see probes::xattr.
        let named = named_acl();
        let mut t = MemoryTarget::new();
        t.add_file("/etc/acl", "a")
            .set_xattr("/etc/acl", "system.posix_acl_access", &named)
            .add_file("/etc/base", "b")
            .set_xattr("/etc/base", "system.posix_acl_access", &named[..28])
            .add_file("/etc/plain", "c")
            .add_symlink("/etc/link", "acl");
        let mut o = ObjectRequest::new("oval:t:obj:1", "file_object");
        o.entities = vec![
            RequestEntity::new("path", Datatype::String, Operation::Equals, "/etc"),
            RequestEntity::new("filename", Datatype::String, Operation::PatternMatch, ".*"),
        ];
        let c = FileProbe.collect(&t, &o);
        let mut got: Vec<(&str, &str)> = c
            .items
            .iter()
            .map(|i| {
                (
                    i.value("filename").unwrap_or_default(),
                    i.value("has_extended_acl").unwrap_or_default(),
                )
            })
            .collect();
        got.sort();
        assert_eq!(
            got,
            [
                ("acl", "true"),
                ("base", "false"),
                ("link", "true"),
                ("plain", "false")
            ]
        );
    }

    #[test]
    fn the_acl_of_a_file_the_filters_reject_either_way_is_not_read() {
        // 20 files; `f3` has an extended ACL.
        let named = named_acl();
        let mut inner = MemoryTarget::new();
        for i in 0..20 {
            inner.add_file(format!("/d/f{i}"), "");
        }
        inner.set_xattr("/d/f3", "system.posix_acl_access", &named);
        let t = Counting::new(inner);
        let mut o = ObjectRequest::new("oval:t:obj:1", "file_object");
        o.entities = vec![
            RequestEntity::new("path", Datatype::String, Operation::Equals, "/d"),
            RequestEntity::new("filename", Datatype::String, Operation::PatternMatch, ".*"),
        ];
        let listings = || t.take_xattr_listings();
        let names = |c: &Collection| {
            let mut n: Vec<String> = c
                .items
                .iter()
                .map(|i| i.value("filename").unwrap_or_default().to_owned())
                .collect();
            n.sort();
            n
        };
        // A filter on the name only (as a mode filter): the ACL is read for the kept file only.
        let c = FileProbe.collect_filtered(&t, &o, &mut |i| i.value("filename") == Some("f7"));
        assert_eq!(names(&c), ["f7"]);
        assert_eq!(c.items[0].value("has_extended_acl"), Some("false"));
        assert_eq!(listings(), 1);
        // A filter on the ACL itself: every file's ACL is read, and decides.
        let c = FileProbe
            .collect_filtered(&t, &o, &mut |i| i.value("has_extended_acl") == Some("true"));
        assert_eq!(names(&c), ["f3"]);
        assert_eq!(listings(), 20);
        let c = FileProbe.collect_filtered(&t, &o, &mut |i| {
            i.value("has_extended_acl") == Some("false")
        });
        assert_eq!(c.items.len(), 19);
        assert!(!names(&c).contains(&"f3".to_owned()));
        assert_eq!(listings(), 20);
        // No filter: every item complete.
        let c = FileProbe.collect(&t, &o);
        assert_eq!(c.items.len(), 20);
        assert!(
            c.items
                .iter()
                .all(|i| i.value("has_extended_acl").is_some())
        );
        assert_eq!(listings(), 20);
    }
}
