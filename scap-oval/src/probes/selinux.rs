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
//! Security contexts of files live in the `security.selinux` extended attribute, which the
//! [`Target`] interface does not expose (a tracked gap). On a target where SELinux is active
//! (`/sys/fs/selinux` exists) file objects are `not collected`, with a message. Where it is not
//! active, files carry no label, and each file gives what oscap gives there: an item with status
//! `error` (its path entities only) and the object flag `error`, with oscap's message
//! `Can't get context for PATH: No data available`.

use std::path::Path;

use scap_probe::Target;

use super::fileset::candidates;
use super::process::processes;
use super::{Collection, ObjectRequest, Probe, RequestEntity};
use crate::items::{Item, ItemEntity};
use crate::types::{Flag, ItemStatus};

/// The selinuxboolean probe.
pub struct SelinuxBooleanProbe;

/// The selinuxsecuritycontext probe.
pub struct SelinuxSecurityContextProbe;

const SELINUXFS: &str = "/sys/fs/selinux";
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
            None => (level(range), level(range)),
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
    item.push(ItemEntity::string("user", c.user.clone()));
    item.push(ItemEntity::string("role", c.role.clone()));
    item.push(ItemEntity::string("type", c.kind.clone()));
    // No MCS/MLS translation daemon is consulted: the translated levels are the raw ones.
    for prefix in ["", "raw"] {
        item.push(ItemEntity::string(
            &format!("{prefix}low_sensitivity"),
            c.low.0.clone(),
        ));
        item.push(ItemEntity::string(
            &format!("{prefix}low_category"),
            c.low.1.clone(),
        ));
        item.push(ItemEntity::string(
            &format!("{prefix}high_sensitivity"),
            c.high.0.clone(),
        ));
        item.push(ItemEntity::string(
            &format!("{prefix}high_category"),
            c.high.1.clone(),
        ));
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
        if files.is_empty() {
            return Collection::flag(Flag::DoesNotExist);
        }
        if target.metadata(Path::new(SELINUXFS)).is_ok() {
            return Collection::with_message(
                Flag::NotCollected,
                format!(
                    "{}: file security contexts (the security.selinux extended attribute) \
                     are not readable through this target",
                    object.id
                ),
            );
        }
        let mut items = Vec::new();
        let mut messages = Vec::new();
        for c in files {
            let full = c.filepath();
            let mut item = Item::new("linux", "selinuxsecuritycontext_item");
            item.status = ItemStatus::Error;
            match &c.filename {
                Some(f) => {
                    item.push(ItemEntity::string("filepath", full.clone()));
                    item.push(ItemEntity::string("path", c.path.clone()));
                    item.push(ItemEntity::string("filename", f.clone()));
                }
                None => item.push(ItemEntity::string("path", c.path.clone())),
            }
            messages.push(format!("Can't get context for {full}: No data available"));
            items.push(item);
        }
        Collection {
            flag: Flag::Error,
            items,
            messages,
        }
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
        let c = parse_context("u:r:t:s0:c1").unwrap();
        assert_eq!(c.high, c.low);
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
        let names: Vec<_> = c.items[0]
            .entities
            .iter()
            .map(|e| e.name.as_str())
            .collect();
        assert_eq!(names[..4], ["pid", "user", "role", "type"]);
        assert_eq!(names.last(), Some(&"rawhigh_category"));
        assert_eq!(c.items[0].value("type"), Some("init_t"));
    }

    #[test]
    fn file_contexts_without_and_with_selinuxfs() {
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
        t.add_dir("/sys/fs/selinux");
        assert_eq!(
            SelinuxSecurityContextProbe.collect(&t, &o).flag,
            Flag::NotCollected
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
