//! `unix:fileextendedattribute_object` (OVAL 5.11 unix schema): the extended attributes of
//! files, one item per (file, attribute) whose name matches `attribute_name`, read through
//! the probes' shared [`xattr`] helper ([`Target::xattr_names`], [`Target::xattr`]).
//!
//! As oscap 1.3.7 collects them (checked with `OSCAP_PROBE_ROOT` on a tree with `user.*`,
//! `security.selinux` and `security.capability` attributes, `tests/fixtures/xattr/`):
//!
//! - a symbolic link's own attributes are read, the link is not followed (`llistxattr`);
//! - `value` is the attribute as a C string: up to its first NUL byte, so the trailing NUL of
//!   `security.selinux` is dropped and a binary value that starts with a zero byte (a
//!   `security.capability`) is empty. Characters XML 1.0 cannot carry (control characters
//!   but tab and line ends) are dropped, as oscap's writer drops them (a capability of
//!   revision 2 with the effective flag, `01 00 00 02...`, is empty too); bytes that are not
//!   UTF-8 are replaced (U+FFFD) where oscap writes them raw;
//! - a file with no matching attribute gives no item.
//!
//! A target that cannot see extended attributes ([`scap_probe::Fact::ExtendedAttributes`])
//! makes the object `not collected`.

use std::path::Path;

use scap_probe::{Follow, Target};

use super::file::located_item;
use super::fileset::candidates;
use super::xattr::{self, Failure};
use super::{Collection, ObjectRequest, Probe};
use crate::items::{Item, ItemEntity};
use crate::types::Flag;

/// The fileextendedattribute probe.
pub struct FileExtendedAttributeProbe;

impl Probe for FileExtendedAttributeProbe {
    fn collect(&self, target: &dyn Target, object: &ObjectRequest) -> Collection {
        self.collect_filtered(target, object, &mut |_| true)
    }

    fn collect_filtered(
        &self,
        target: &dyn Target,
        object: &ObjectRequest,
        keep: &mut dyn FnMut(&Item) -> bool,
    ) -> Collection {
        let Some(wanted) = object.entity("attribute_name") else {
            return Collection::error(format!("{}: no attribute_name entity", object.id));
        };
        let files = match candidates(target, object) {
            Ok(f) => f,
            Err(e) => return Collection::error(e.0),
        };
        let mut items = Vec::new();
        let mut messages = Vec::new();
        let mut failed = false;
        for c in files {
            let full = c.filepath();
            let path = Path::new(&full);
            let names = match xattr::names(target, path, Follow::Parents) {
                Ok(n) => n,
                Err(Failure::Gone) => continue,
                Err(Failure::NotCollectable(m)) => {
                    return Collection {
                        flag: Flag::NotCollected,
                        items: Vec::new(),
                        messages: m.into_iter().collect(),
                    };
                }
                Err(Failure::Failed(m)) => {
                    failed = true;
                    messages.push(m);
                    continue;
                }
            };
            for name in names {
                let text = name.to_string_lossy();
                match wanted.matches(&text) {
                    Ok(true) => {}
                    Ok(false) => continue,
                    Err(e) => return Collection::error(format!("{}: {e}", object.id)),
                }
                let value = match xattr::value(target, path, &name, Follow::Parents) {
                    Ok(Some(v)) => v,
                    // Removed since it was listed, or the file with it.
                    Ok(None) | Err(Failure::Gone) => continue,
                    Err(Failure::NotCollectable(m)) => {
                        failed = true;
                        messages.extend(m);
                        continue;
                    }
                    Err(Failure::Failed(m)) => {
                        failed = true;
                        messages.push(m);
                        continue;
                    }
                };
                let mut item = located_item("unix", "fileextendedattribute_item", &c, &full);
                item.push(ItemEntity::string(
                    "attribute_name",
                    name.to_string_lossy().into_owned(),
                ));
                item.push(ItemEntity::string("value", xattr::c_string(&value)));
                if keep(&item) {
                    items.push(item);
                }
            }
        }
        let mut collection = Collection::from_items(items);
        if failed {
            collection.flag = Flag::Error;
        }
        collection.messages = messages;
        collection
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probes::RequestEntity;
    use crate::types::{Datatype, Operation};
    use scap_probe::MemoryTarget;

    fn object(entities: Vec<RequestEntity>) -> ObjectRequest {
        let mut o = ObjectRequest::new("oval:t:obj:1", "fileextendedattribute_object");
        o.entities = entities;
        o
    }

    fn s(name: &str, op: Operation, v: &str) -> RequestEntity {
        RequestEntity::new(name, Datatype::String, op, v)
    }

    fn target() -> MemoryTarget {
        let mut t = MemoryTarget::new();
        t.add_file("/etc/f", "a")
            .set_xattr("/etc/f", "user.a", "1")
            .set_xattr("/etc/f", "user.bin", b"\0\x01z")
            .set_xattr("/etc/f", "security.selinux", "system_u:object_r:etc_t:s0\0")
            .add_symlink("/etc/l", "/etc/f")
            .set_xattr(
                "/etc/l",
                "security.selinux",
                "system_u:object_r:link_t:s0\0",
            )
            .add_file("/etc/plain", "");
        t
    }

    #[test]
    fn every_matching_attribute_is_an_item_with_its_c_string_value() {
        let o = object(vec![
            s("path", Operation::Equals, "/etc"),
            s("filename", Operation::PatternMatch, "^(f|plain)$"),
            s("attribute_name", Operation::PatternMatch, ".*"),
        ]);
        let c = FileExtendedAttributeProbe.collect(&target(), &o);
        assert_eq!(c.flag, Flag::Complete);
        let got: Vec<_> = c
            .items
            .iter()
            .map(|i| {
                (
                    i.value("attribute_name").unwrap(),
                    i.value("value").unwrap(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("security.selinux", "system_u:object_r:etc_t:s0"),
                ("user.a", "1"),
                ("user.bin", ""),
            ]
        );
        assert_eq!(c.items[0].value("filepath"), Some("/etc/f"));
        assert_eq!(c.items[0].value("filename"), Some("f"));
    }

    #[test]
    fn a_link_gives_its_own_attributes() {
        let o = object(vec![
            s("filepath", Operation::Equals, "/etc/l"),
            s("attribute_name", Operation::Equals, "security.selinux"),
        ]);
        let c = FileExtendedAttributeProbe.collect(&target(), &o);
        assert_eq!(c.items.len(), 1);
        assert_eq!(
            c.items[0].value("value"),
            Some("system_u:object_r:link_t:s0")
        );
    }

    #[test]
    fn no_match_and_no_file_do_not_exist() {
        for (path, name) in [("/etc/plain", "user.a"), ("/etc/none", "user.a")] {
            let o = object(vec![
                s("filepath", Operation::Equals, path),
                s("attribute_name", Operation::Equals, name),
            ]);
            assert_eq!(
                FileExtendedAttributeProbe.collect(&target(), &o).flag,
                Flag::DoesNotExist,
                "{path}"
            );
        }
        let o = object(vec![s("filepath", Operation::Equals, "/etc/f")]);
        assert_eq!(
            FileExtendedAttributeProbe.collect(&target(), &o).flag,
            Flag::Error
        );
    }
}
