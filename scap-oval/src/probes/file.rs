//! `unix:file_object`: metadata of files and directories.

use std::path::Path;

use scap_probe::Target;

use super::fileset::{Candidate, candidates};
use super::{Collection, MAX_ITEMS, ObjectRequest, Probe};
use crate::items::{Item, ItemEntity};

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
            let item = file_item(&c, &full, &m);
            if keep(&item) {
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
        }
        Collection::from_items(items)
    }
}

fn file_item(c: &Candidate, full: &str, m: &scap_probe::Metadata) -> Item {
    let mut item = Item::new("unix", "file_item");
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
    item.push(ItemEntity::string("type", m.file_type.oval_name()));
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
    item.push(ItemEntity::boolean("has_extended_acl", false));
    item
}
