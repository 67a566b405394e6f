//! `ind:textfilecontent54_object` (and the deprecated `textfilecontent_object`): lines or blocks
//! of text files matching a regular expression, with their capture groups.
//!
//! As in oscap 1.3.7: a pattern that fails while matching one file (the backtracking limit,
//! see [`crate::pattern`]) flags the whole object `error`, with a message naming the file,
//! and keeps the items of the other files; a file that cannot be read only flags `error` when
//! nothing else was found. Matches are iterated as oscap does ([`crate::pattern::Pattern::find_all`]):
//! in multiline mode no empty item is made after the newline that ends a file (PCRE's `^` does
//! not match there), and an empty match found past the search start is reported twice.

use scap_probe::Target;

use super::fileset::{FileContent, candidates, regular_files};
use super::{Collection, MAX_FILE_SIZE, MAX_ITEMS, ObjectRequest, Probe, patterns};
use crate::items::{Item, ItemEntity};
use crate::pattern::Options;
use crate::types::Flag;

/// The textfilecontent54 probe.
pub struct TextFileContent54;

/// The deprecated textfilecontent probe (`line` instead of `pattern`, no instance).
pub struct TextFileContent;

impl Probe for TextFileContent54 {
    fn collect(&self, target: &dyn Target, object: &ObjectRequest) -> Collection {
        collect(target, object, "pattern")
    }
}

impl Probe for TextFileContent {
    fn collect(&self, target: &dyn Target, object: &ObjectRequest) -> Collection {
        collect(target, object, "line")
    }
}

fn options(object: &ObjectRequest) -> Options {
    let flag = |name: &str, default: bool| match object.behavior(name) {
        Some(v) => v == "true" || v == "1",
        None => default,
    };
    Options {
        multiline: flag("multiline", true),
        singleline: flag("singleline", false),
        case_insensitive: flag("ignore_case", false),
    }
}

fn collect(target: &dyn Target, object: &ObjectRequest, pattern_entity: &str) -> Collection {
    let Some(pattern) = object.entity(pattern_entity) else {
        return Collection::error(format!("{}: no {pattern_entity} entity", object.id));
    };
    let files = match candidates(target, object) {
        Ok(f) => f,
        Err(e) => return Collection::error(e.0),
    };
    let opts = options(object);
    let instance = object.entity("instance");
    let mut items = Vec::new();
    let mut messages = Vec::new();
    let mut errored = false;
    let mut match_failed = false;
    for file in regular_files(target, files, MAX_FILE_SIZE) {
        let FileContent {
            filepath,
            path,
            filename,
            bytes,
        } = match file {
            Ok(f) => f,
            Err(message) => {
                messages.push(message);
                errored = true;
                continue;
            }
        };
        let text = String::from_utf8_lossy(&bytes);
        for regex in &pattern.values {
            let compiled = match patterns().get(regex, opts) {
                Ok(p) => p,
                Err(e) => {
                    return Collection::error(format!("{}: pattern {regex:?}: {e}", object.id));
                }
            };
            // Matches are numbered (the instance) and filtered as they are found, and the
            // search stops one item past the per-object limit: the matches of a pattern that
            // hits every character of a large file are never all held.
            let room = MAX_ITEMS.saturating_sub(items.len());
            let mut matches = Vec::new();
            let mut number = 0usize;
            let mut instance_error = None;
            let found = compiled.for_each_match(&text, &mut |m| {
                number += 1;
                if let Some(inst) = instance {
                    match inst.matches(&number.to_string()) {
                        Ok(true) => {}
                        Ok(false) => return true,
                        Err(e) => {
                            instance_error = Some(e.to_string());
                            return false;
                        }
                    }
                }
                matches.push((number, m));
                matches.len() <= room
            });
            if let Some(e) = instance_error {
                return Collection::error(e);
            }
            if let Err(e) = found {
                messages.push(format!(
                    "regular expression pattern match failed in file {filepath}: {e}"
                ));
                match_failed = true;
                continue;
            }
            if matches.len() > room {
                // The items already made are dropped too: a partial set would make a test's
                // result depend on where the limit fell.
                return Collection::error(format!(
                    "{}: more than {MAX_ITEMS} items (the per-object item limit was hit)",
                    object.id
                ));
            }
            for (number, m) in matches {
                let mut item = Item::new("independent", "textfilecontent_item");
                item.push(ItemEntity::string("filepath", filepath.clone()));
                item.push(ItemEntity::string("path", path.clone()));
                item.push(ItemEntity::string("filename", filename.clone()));
                if pattern_entity == "pattern" {
                    item.push(ItemEntity::string("pattern", regex.clone()));
                    item.push(ItemEntity::int("instance", number));
                }
                item.push(ItemEntity::string("line", regex.clone()));
                let whole = m.groups.first().cloned().flatten().unwrap_or_default();
                item.push(ItemEntity::string("text", whole));
                for g in m.groups.iter().skip(1) {
                    item.push(ItemEntity::string(
                        "subexpression",
                        g.clone().unwrap_or_default(),
                    ));
                }
                items.push(item);
            }
        }
    }
    let mut c = Collection::from_items(items);
    if match_failed || errored && c.flag == Flag::DoesNotExist {
        c.flag = Flag::Error;
    }
    c.messages = messages;
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probes::RequestEntity;
    use crate::types::{Datatype, Operation};
    use scap_probe::MemoryTarget;

    fn object(path: &str, filename: &str, pattern: &str) -> ObjectRequest {
        let mut o = ObjectRequest::new("oval:t:obj:1", "textfilecontent54_object");
        let e = |n: &str, op, v: &str| RequestEntity::new(n, Datatype::String, op, v);
        o.entities.push(e("path", Operation::Equals, path));
        o.entities
            .push(e("filename", Operation::PatternMatch, filename));
        o.entities
            .push(e("pattern", Operation::PatternMatch, pattern));
        o
    }

    fn texts(c: &Collection) -> Vec<&str> {
        c.items.iter().filter_map(|i| i.value("text")).collect()
    }

    #[test]
    fn no_empty_item_after_the_final_newline() {
        // oscap 1.3.7 on "a\nx\n" with `^.*$`: two items, "a" and "x".
        let mut t = MemoryTarget::new();
        t.add_file("/etc/f", "a\nx\n").add_file("/etc/g", "a\n\n");
        let c = TextFileContent54.collect(&t, &object("/etc", "^f$", "^.*$"));
        assert_eq!(texts(&c), ["a", "x"]);
        // oscap over "a\n\n": "a" and the empty line twice (instances 1 to 3; see
        // `Pattern::find_all`), nothing after the final newline.
        let c = TextFileContent54.collect(&t, &object("/etc", "^g$", "^.*$"));
        assert_eq!(texts(&c), ["a", "", ""]);
    }

    #[test]
    fn a_pattern_that_gives_up_flags_the_object_error() {
        // oscap 1.3.7, `^(a|a)*\1c` over /etc/bt.txt (40 `a`, then "bc") and /etc/ok.txt
        // ("aac"): flag="error", "Regular expression pattern match failed in file /etc/bt.txt
        // with error -8.", and the item of ok.txt kept.
        let mut t = MemoryTarget::new();
        t.add_file("/etc/bt.txt", format!("{}bc\n", "a".repeat(40)))
            .add_file("/etc/ok.txt", "aac\n");
        let c = TextFileContent54.collect(&t, &object("/etc", r"^(bt|ok)\.txt$", r"^(a|a)*\1c"));
        assert_eq!(c.flag, Flag::Error);
        assert_eq!(texts(&c), ["aac"]);
        assert!(
            c.messages
                .iter()
                .any(|m| m.contains("/etc/bt.txt") && m.contains("backtracking limit"))
        );
    }

    #[test]
    fn an_object_over_the_item_limit_is_an_error() {
        // One item per `a`: one past the limit is an error with no items; at the limit, all.
        let mut t = MemoryTarget::new();
        t.add_file("/etc/over", "a".repeat(MAX_ITEMS + 1))
            .add_file("/etc/at", "a".repeat(MAX_ITEMS));
        let c = TextFileContent54.collect(&t, &object("/etc", "^over$", "a"));
        assert_eq!((c.flag, c.items.len()), (Flag::Error, 0));
        assert!(
            c.messages.iter().any(|m| m.contains("item limit")),
            "{:?}",
            c.messages
        );
        let c = TextFileContent54.collect(&t, &object("/etc", "^at$", "a"));
        assert_eq!((c.flag, c.items.len()), (Flag::Complete, MAX_ITEMS));
    }
}
