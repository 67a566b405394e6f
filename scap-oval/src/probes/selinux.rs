//! `linux:selinuxboolean_object` and `linux:selinuxsecuritycontext_object`.
//!
//! Booleans are read from `/sys/fs/selinux/booleans/NAME` inside the target (the file holds the
//! current and pending values, `"1 0"`); a target without that directory (SELinux disabled, or an
//! offline tree: selinuxfs is a runtime filesystem) has no booleans, `does not exist`, as oscap
//! 1.3.7 answers offline.
//!
//! Security contexts of processes come from [`Target::processes`] (the label in
//! `/proc/PID/attr/current`); an offline tree has no processes, answered as the process58 probe
//! does ([`super::process::PROCESSES_NOT_COLLECTABLE`], oscap's `does not exist`).
//!
//! Security contexts of files are the `security.selinux` extended attribute
//! ([`Target::xattr`]), read on any target (a tree or an image keeps its labels whether or not
//! SELinux runs on the scanning host), following a final symbolic link (`getfilecon`: oscap
//! 1.3.7 gives the target's label for a link, checked). A file without the attribute gives what
//! oscap gives: an item with status `error` (its path entities only), the object flag `error`,
//! and oscap's message `Can't get context for PATH: No data available`. A target that cannot
//! see extended attributes makes file objects `not collected`.
//!
//! Items carry only the parts a context has, as oscap writes them: `system_u:object_r:etc_t:s0`
//! gives `low_sensitivity` `s0` and no category nor high level; `s0-s15:c0.c1023` gives
//! `low_sensitivity`, `high_sensitivity` and `high_category` (checked with `OSCAP_PROBE_ROOT`,
//! `tests/fixtures/xattr/`). Process contexts are written the same way (oscap builds both
//! with one function).

use std::ffi::OsStr;
use std::path::Path;

use scap_probe::{Follow, Target};

use super::file::located_item;
use super::fileset::candidates;
use super::process::processes;
use super::xattr::{self, Failure};
use super::{Collection, ObjectRequest, Probe, RequestEntity};
use crate::items::{Item, ItemEntity, Text};
use crate::types::{Flag, ItemStatus};

/// The selinuxboolean probe.
pub struct SelinuxBooleanProbe;

/// The selinuxsecuritycontext probe.
pub struct SelinuxSecurityContextProbe;

/// The extended attribute holding a file's security context.
const SELINUX_XATTR: &str = "security.selinux";
const BOOLEANS: &str = "/sys/fs/selinux/booleans";

/// Largest boolean file read (it holds `"1 0"`).
const MAX_BOOLEAN_SIZE: u64 = 64;

fn matching(entity: &RequestEntity, value: &str) -> Result<bool, Collection> {
    entity
        .matches(value)
        .map_err(|e| Collection::error(e.to_string()))
}

impl Probe for SelinuxBooleanProbe {
    fn collect(&self, target: &dyn Target, object: &ObjectRequest) -> Collection {
        let Some(name) = object.entity("name") else {
            return Collection::error(format!("{}: no name entity", object.id));
        };
        let names: Vec<String> = match name.exact_values() {
            Some(v) => v.to_vec(),
            None => match target.read_dir(Path::new(BOOLEANS)) {
                Ok(entries) => {
                    let mut keep = Vec::new();
                    for e in entries {
                        let Some(n) = e.name.to_str() else { continue };
                        match matching(name, n) {
                            Ok(true) => keep.push(n.to_owned()),
                            Ok(false) => {}
                            Err(c) => return c,
                        }
                    }
                    keep.sort();
                    keep
                }
                Err(e) => match Collection::from_error(&e, Flag::NotCollected) {
                    // No booleans directory: no booleans.
                    c if c.flag == Flag::DoesNotExist => Vec::new(),
                    c => return c,
                },
            },
        };
        let mut items = Vec::new();
        for n in names {
            if n.is_empty() || n.contains('/') || n == "." || n == ".." {
                continue;
            }
            let path = format!("{BOOLEANS}/{n}");
            let bytes = match target.read(Path::new(&path), MAX_BOOLEAN_SIZE) {
                Ok(b) => b,
                Err(e) => match Collection::from_error(&e, Flag::NotCollected) {
                    c if c.flag == Flag::DoesNotExist => continue,
                    c => return c,
                },
            };
            let text = String::from_utf8_lossy(&bytes);
            let mut fields = text.split_whitespace();
            let (Some(current), Some(pending)) = (fields.next(), fields.next()) else {
                return Collection::error(format!("{path}: unexpected content {text:?}"));
            };
            let mut item = Item::new("linux", "selinuxboolean_item");
            item.push(ItemEntity::string("name", n.clone()));
            item.push(ItemEntity::boolean("current_status", current == "1"));
            item.push(ItemEntity::boolean("pending_status", pending == "1"));
            items.push(item);
        }
        Collection::from_items(items)
    }
}

/// The parts of a security context `user:role:type[:low[-high]]`, a level being
/// `sensitivity[:categories]`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Context {
    user: String,
    role: String,
    kind: String,
    low: (String, String),
    high: (String, String),
}

fn parse_context(label: &str) -> Option<Context> {
    let label = label.trim_end_matches(['\0', '\n']);
    let mut parts = label.splitn(4, ':');
    let user = parts.next()?.to_owned();
    let role = parts.next()?.to_owned();
    let kind = parts.next()?.to_owned();
    let level = |l: &str| match l.split_once(':') {
        Some((s, c)) => (s.to_owned(), c.to_owned()),
        None => (l.to_owned(), String::new()),
    };
    let (low, high) = match parts.next() {
        Some(range) => match range.split_once('-') {
            Some((l, h)) => (level(l), level(h)),
            None => (level(range), Default::default()),
        },
        None => Default::default(),
    };
    Some(Context {
        user,
        role,
        kind,
        low,
        high,
    })
}

fn push_context(item: &mut Item, c: &Context) {
    let mut push = |name: Text, value: &str| {
        if !value.is_empty() {
            item.push(ItemEntity::string(name, value));
        }
    };
    push("user".into(), &c.user);
    push("role".into(), &c.role);
    push("type".into(), &c.kind);
    // No MCS/MLS translation daemon is consulted: the translated levels are the raw ones.
    for prefix in ["", "raw"] {
        push(format!("{prefix}low_sensitivity").into(), &c.low.0);
        push(format!("{prefix}low_category").into(), &c.low.1);
        push(format!("{prefix}high_sensitivity").into(), &c.high.0);
        push(format!("{prefix}high_category").into(), &c.high.1);
    }
}

impl Probe for SelinuxSecurityContextProbe {
    fn collect(&self, target: &dyn Target, object: &ObjectRequest) -> Collection {
        if let Some(pid) = object.entity("pid") {
            return by_pid(target, pid);
        }
        let files = match candidates(target, object) {
            Ok(f) => f,
            Err(e) => return Collection::error(e.0),
        };
        let mut items = Vec::new();
        let mut messages = Vec::new();
        let mut failed = false;
        for c in files {
            let full = c.filepath();
            let mut item = located_item("linux", "selinuxsecuritycontext_item", &c, &full);
            let label = xattr::value(
                target,
                Path::new(&full),
                OsStr::new(SELINUX_XATTR),
                Follow::All,
            );
            let message = match label {
                Ok(Some(bytes)) => {
                    let text = xattr::c_string(&bytes);
                    match parse_context(&text) {
                        Some(context) => {
                            push_context(&mut item, &context);
                            items.push(item);
                            continue;
                        }
                        None => format!("Can't parse context {text:?} of {full}"),
                    }
                }
                Ok(None) => format!("Can't get context for {full}: No data available"),
                Err(Failure::Gone) => continue,
                Err(Failure::NotCollectable(m)) => {
                    return Collection {
                        flag: Flag::NotCollected,
                        items: Vec::new(),
                        messages: m.into_iter().collect(),
                    };
                }
                Err(Failure::Failed(m)) => m,
            };
            failed = true;
            item.status = ItemStatus::Error;
            messages.push(message);
            items.push(item);
        }
        let mut collection = Collection::from_items(items);
        if failed {
            collection.flag = Flag::Error;
        }
        collection.messages = messages;
        collection
    }
}

fn by_pid(target: &dyn Target, pid: &RequestEntity) -> Collection {
    let all = match processes(target) {
        Ok(p) => p,
        Err(c) => return c,
    };
    let mut items = Vec::new();
    for p in &all {
        if !pid.nil {
            match matching(pid, &p.pid.to_string()) {
                Ok(true) => {}
                Ok(false) => continue,
                Err(c) => return c,
            }
        }
        let Some(context) = p.security_label.as_deref().and_then(parse_context) else {
            continue;
        };
        let mut item = Item::new("linux", "selinuxsecuritycontext_item");
        item.push(ItemEntity::int("pid", p.pid));
        push_context(&mut item, &context);
        items.push(item);
    }
    Collection::from_items(items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{Datatype, Operation};
    use scap_probe::{MemoryTarget, Process};

    fn object(kind: &str, entities: Vec<RequestEntity>) -> ObjectRequest {
        let mut o = ObjectRequest::new("oval:t:obj:1", kind);
        o.entities = entities;
        o
    }

    fn s(name: &str, op: Operation, v: &str) -> RequestEntity {
        RequestEntity::new(name, Datatype::String, op, v)
    }

    #[test]
    fn booleans_from_selinuxfs() {
        let mut t = MemoryTarget::new();
        t.add_file("/sys/fs/selinux/booleans/httpd_can_network_connect", "0 1")
            .add_file("/sys/fs/selinux/booleans/ssh_sysadm_login", "1 1");
        let o = object(
            "selinuxboolean_object",
            vec![s("name", Operation::Equals, "httpd_can_network_connect")],
        );
        let c = SelinuxBooleanProbe.collect(&t, &o);
        assert_eq!(c.flag, Flag::Complete);
        assert_eq!(c.items[0].value("current_status"), Some("false"));
        assert_eq!(c.items[0].value("pending_status"), Some("true"));
        let o = object(
            "selinuxboolean_object",
            vec![s("name", Operation::PatternMatch, "^ssh_")],
        );
        let c = SelinuxBooleanProbe.collect(&t, &o);
        assert_eq!(c.items.len(), 1);
        assert_eq!(c.items[0].value("name"), Some("ssh_sysadm_login"));
        let o = object(
            "selinuxboolean_object",
            vec![s("name", Operation::Equals, "../../x")],
        );
        assert_eq!(SelinuxBooleanProbe.collect(&t, &o).flag, Flag::DoesNotExist);
    }

    #[test]
    fn no_selinuxfs_means_no_booleans() {
        let t = MemoryTarget::new();
        let o = object(
            "selinuxboolean_object",
            vec![s("name", Operation::PatternMatch, ".*")],
        );
        assert_eq!(SelinuxBooleanProbe.collect(&t, &o).flag, Flag::DoesNotExist);
    }

    #[test]
    fn contexts_parse_into_levels() {
        let c = parse_context("system_u:system_r:sshd_t:s0-s0:c0.c1023\n").unwrap();
        assert_eq!(
            (c.user.as_str(), c.role.as_str(), c.kind.as_str()),
            ("system_u", "system_r", "sshd_t")
        );
        assert_eq!(c.low, ("s0".to_owned(), String::new()));
        assert_eq!(c.high, ("s0".to_owned(), "c0.c1023".to_owned()));
        // A single level is the low one only (oscap writes no high level for it).
        let c = parse_context("u:r:t:s0:c1").unwrap();
        assert_eq!(c.low, ("s0".to_owned(), "c1".to_owned()));
        assert_eq!(c.high, Default::default());
        assert_eq!(parse_context("unconfined"), None);
    }

    #[test]
    fn process_contexts() {
        let mut t = MemoryTarget::new();
        let mut p = Process::default();
        p.pid = 1;
        p.security_label = Some("system_u:system_r:init_t:s0".into());
        let mut q = Process::default();
        q.pid = 2;
        t.facts.processes = Some(vec![p, q]);
        let pid = RequestEntity::new("pid", Datatype::Int, Operation::GreaterThan, "0");
        let c = SelinuxSecurityContextProbe
            .collect(&t, &object("selinuxsecuritycontext_object", vec![pid]));
        assert_eq!(c.items.len(), 1);
        let names: Vec<_> = c.items[0].entities.iter().map(|e| &*e.name).collect();
        assert_eq!(
            names,
            [
                "pid",
                "user",
                "role",
                "type",
                "low_sensitivity",
                "rawlow_sensitivity"
            ]
        );
        assert_eq!(c.items[0].value("type"), Some("init_t"));
    }

    #[test]
    fn file_contexts_from_the_xattr_with_oscaps_entities() {
        // oscap 1.3.7 on tests/fixtures/xattr (made by make-tree.sh): /etc/f labelled
        // `system_u:object_r:etc_t:s0`, /etc/g `staff_u:staff_r:user_home_t:s0-s15:c0.c1023`.
        let mut t = MemoryTarget::new();
        t.add_file("/etc/f", "")
            .set_xattr("/etc/f", "security.selinux", "system_u:object_r:etc_t:s0\0")
            .add_file("/etc/g", "")
            .set_xattr(
                "/etc/g",
                "security.selinux",
                "staff_u:staff_r:user_home_t:s0-s15:c0.c1023\0",
            )
            .add_symlink("/etc/l", "f")
            .set_xattr(
                "/etc/l",
                "security.selinux",
                "system_u:object_r:link_t:s0\0",
            );
        let o = object(
            "selinuxsecuritycontext_object",
            vec![
                s("path", Operation::Equals, "/etc"),
                s("filename", Operation::PatternMatch, "^[fgl]$"),
            ],
        );
        let c = SelinuxSecurityContextProbe.collect(&t, &o);
        assert_eq!(c.flag, Flag::Complete);
        let shape = |i: &Item| -> Vec<(String, String)> {
            i.entities
                .iter()
                .map(|e| {
                    (
                        e.name.to_string(),
                        i.value(&e.name).unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        };
        let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
            v.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect()
        };
        assert_eq!(
            shape(&c.items[0]),
            pairs(&[
                ("filepath", "/etc/f"),
                ("path", "/etc"),
                ("filename", "f"),
                ("user", "system_u"),
                ("role", "object_r"),
                ("type", "etc_t"),
                ("low_sensitivity", "s0"),
                ("rawlow_sensitivity", "s0"),
            ])
        );
        assert_eq!(
            shape(&c.items[1])[3..],
            pairs(&[
                ("user", "staff_u"),
                ("role", "staff_r"),
                ("type", "user_home_t"),
                ("low_sensitivity", "s0"),
                ("high_sensitivity", "s15"),
                ("high_category", "c0.c1023"),
                ("rawlow_sensitivity", "s0"),
                ("rawhigh_sensitivity", "s15"),
                ("rawhigh_category", "c0.c1023"),
            ])
        );
        // A link gives its target's label (getfilecon follows).
        assert_eq!(c.items[2].value("type"), Some("etc_t"));
    }

    #[test]
    fn unlabelled_missing_and_unreadable() {
        let mut t = MemoryTarget::new();
        t.add_file("/etc/passwd", "");
        let o = object(
            "selinuxsecuritycontext_object",
            vec![s("filepath", Operation::Equals, "/etc/passwd")],
        );
        let c = SelinuxSecurityContextProbe.collect(&t, &o);
        assert_eq!(c.flag, Flag::Error);
        assert_eq!(c.items[0].status, ItemStatus::Error);
        assert_eq!(
            c.messages,
            ["Can't get context for /etc/passwd: No data available"]
        );
        let o = object(
            "selinuxsecuritycontext_object",
            vec![s("filepath", Operation::Equals, "/etc/none")],
        );
        assert_eq!(
            SelinuxSecurityContextProbe.collect(&t, &o).flag,
            Flag::DoesNotExist
        );
    }
}
