//! `unix:symlink_object`: where a symbolic link finally points.
//!
//! For each link the `filepath` entity names, the item gives the link's path and the canonical
//! path of its target, every intermediate link followed. Resolution happens inside the target
//! ([`Target::canonicalize`]): on an offline root an absolute link target starts at the root and
//! `..` stops there, so a link can never resolve onto the scanning host.
//!
//! As the schema says (and oscap 1.3.7 does): a path that does not exist or is not a symbolic
//! link gives no item (`does not exist`, with an info message naming the path); a dangling or
//! circular link is an `error` with a message. Unlike oscap, an operation other than `equals`
//! on `filepath` (a `pattern match`) enumerates the matching links as the schema allows; oscap
//! takes the pattern as a literal path and finds nothing.

use std::path::Path;

use scap_probe::{FileType, Target};

use super::fileset::candidates;
use super::{Collection, ObjectRequest, Probe, flag_for};
use crate::items::{Item, ItemEntity};
use crate::types::Flag;

/// The symlink probe.
pub struct SymlinkProbe;

/// What one path gave.
enum Outcome {
    Item(Item),
    /// No item; the info message says why.
    Absent(String),
    /// The link could not be resolved; the error message says why.
    Failed(String),
}

impl Probe for SymlinkProbe {
    fn collect(&self, target: &dyn Target, object: &ObjectRequest) -> Collection {
        let Some(fp) = object.entity("filepath") else {
            return Collection::error(format!("{}: no filepath entity", object.id));
        };
        let paths: Vec<String> = match fp.exact_values() {
            Some(values) => values.to_vec(),
            None => match candidates(target, object) {
                Ok(c) => c.iter().map(|c| c.filepath()).collect(),
                Err(e) => return Collection::error(e.0),
            },
        };
        let mut items = Vec::new();
        let mut info = Vec::new();
        let mut errors = Vec::new();
        for p in &paths {
            match link(target, p) {
                Outcome::Item(i) => items.push(i),
                Outcome::Absent(m) => info.push(m),
                Outcome::Failed(m) => errors.push(m),
            }
        }
        if errors.is_empty() {
            let mut c = Collection::from_items(items);
            if c.flag == Flag::DoesNotExist {
                c.messages = info;
            }
            c
        } else {
            Collection {
                flag: Flag::Error,
                items,
                messages: errors,
            }
        }
    }
}

fn link(target: &dyn Target, path: &str) -> Outcome {
    let p = Path::new(path);
    match target.metadata(p) {
        Ok(m) if m.file_type == FileType::Symlink => {}
        Ok(_) => return Outcome::Absent(format!("File '{path}' is not a symlink.")),
        Err(e) => {
            return match flag_for(&e, Flag::Error) {
                (_, None) => Outcome::Absent(format!("File '{path}' does not exist.")),
                (_, Some(message)) => Outcome::Failed(message),
            };
        }
    }
    // Resolving an existing link is another matter: a dangling or circular link is an error
    // of the object (oscap 1.3.7's messages), not an absent file, so `flag_for` is not asked.
    match target.canonicalize(p) {
        Ok(real) => {
            let mut item = Item::new("unix", "symlink_item");
            item.push(ItemEntity::string("filepath", path));
            item.push(ItemEntity::string(
                "canonical_path",
                real.to_string_lossy().into_owned(),
            ));
            Outcome::Item(item)
        }
        Err(e) if e.is_absent() => {
            Outcome::Failed(format!("Link target of symlink '{path}' does not exist."))
        }
        Err(e) if e.is_link_loop() => Outcome::Failed(format!("Link '{path}' is a circular link.")),
        Err(e) => Outcome::Failed(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probes::RequestEntity;
    use crate::types::{Datatype, Operation};
    use scap_probe::MemoryTarget;

    fn object(op: Operation, value: &str) -> ObjectRequest {
        let mut o = ObjectRequest::new("oval:t:obj:1", "symlink_object");
        o.entities
            .push(RequestEntity::new("filepath", Datatype::String, op, value));
        o
    }

    fn tree() -> MemoryTarget {
        let mut t = MemoryTarget::new();
        t.add_file("/usr/share/zoneinfo/Etc/UTC", "TZif")
            .add_symlink("/etc/localtime", "/usr/share/zoneinfo/Etc/UTC")
            .add_symlink("/etc/rel", "../usr/share/zoneinfo/Etc/UTC")
            .add_symlink("/etc/dotdot", "../../../../usr/share/zoneinfo/Etc/UTC")
            .add_symlink("/etc/dangling", "/nowhere")
            .add_symlink("/etc/loop1", "loop2")
            .add_symlink("/etc/loop2", "loop1")
            .add_file("/etc/passwd", "root:x:0:0::/root:/bin/sh\n");
        t
    }

    #[test]
    fn absolute_relative_and_dotdot_links_resolve_inside_the_target() {
        let t = tree();
        for p in ["/etc/localtime", "/etc/rel", "/etc/dotdot"] {
            let c = SymlinkProbe.collect(&t, &object(Operation::Equals, p));
            assert_eq!(c.flag, Flag::Complete, "{p}");
            assert_eq!(c.items[0].value("filepath"), Some(p));
            assert_eq!(
                c.items[0].value("canonical_path"),
                Some("/usr/share/zoneinfo/Etc/UTC")
            );
        }
    }

    #[test]
    fn missing_and_regular_files_give_no_item_with_oscaps_messages() {
        let t = tree();
        let c = SymlinkProbe.collect(&t, &object(Operation::Equals, "/etc/none"));
        assert_eq!(c.flag, Flag::DoesNotExist);
        assert_eq!(c.messages, ["File '/etc/none' does not exist."]);
        let c = SymlinkProbe.collect(&t, &object(Operation::Equals, "/etc/passwd"));
        assert_eq!(c.flag, Flag::DoesNotExist);
        assert_eq!(c.messages, ["File '/etc/passwd' is not a symlink."]);
    }

    #[test]
    fn dangling_and_circular_links_are_errors() {
        let t = tree();
        let c = SymlinkProbe.collect(&t, &object(Operation::Equals, "/etc/dangling"));
        assert_eq!(c.flag, Flag::Error);
        assert_eq!(
            c.messages,
            ["Link target of symlink '/etc/dangling' does not exist."]
        );
        let c = SymlinkProbe.collect(&t, &object(Operation::Equals, "/etc/loop1"));
        assert_eq!(c.flag, Flag::Error);
        assert_eq!(c.messages, ["Link '/etc/loop1' is a circular link."]);
    }

    #[test]
    fn pattern_match_enumerates_links_only() {
        let t = tree();
        let c = SymlinkProbe.collect(
            &t,
            &object(Operation::PatternMatch, r"^/etc/(rel|localtime|passwd)$"),
        );
        assert_eq!(c.flag, Flag::Complete);
        let paths: Vec<_> = c.items.iter().filter_map(|i| i.value("filepath")).collect();
        assert_eq!(paths, ["/etc/localtime", "/etc/rel"]);
    }
}
