//! `ind:textfilecontent54_object` (and the deprecated `textfilecontent_object`): lines or blocks
//! of text files matching a regular expression, with their capture groups.

use std::path::Path;

use scap_probe::{FileType, Target};

use super::fileset::{Candidate, candidates};
use super::{Collection, MAX_FILE_SIZE, ObjectRequest, Probe, patterns};
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
    for Candidate { path, filename } in files {
        let Some(filename) = filename else { continue };
        let filepath = super::fileset::join(&path, &filename);
        match target.stat(Path::new(&filepath)) {
            Ok(m) if m.file_type == FileType::Regular => {}
            _ => continue,
        }
        let bytes = match target.read(Path::new(&filepath), MAX_FILE_SIZE) {
            Ok(b) => b,
            Err(e) => {
                messages.push(format!("{filepath}: {e}"));
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
            let matches = match compiled.find_all(&text) {
                Ok(m) => m,
                Err(e) => {
                    messages.push(format!("{filepath}: pattern {regex:?}: {e}"));
                    errored = true;
                    continue;
                }
            };
            for (n, m) in matches.iter().enumerate() {
                let number = n + 1;
                if let Some(inst) = instance {
                    match inst.matches(&number.to_string()) {
                        Ok(true) => {}
                        Ok(false) => continue,
                        Err(e) => return Collection::error(e.to_string()),
                    }
                }
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
    if errored && c.flag == Flag::DoesNotExist {
        c.flag = Flag::Error;
    }
    c.messages = messages;
    c
}
