//! Probes over host facts rather than files: uname, sysctl, environmentvariable58, the
//! deprecated environmentvariable, and partition (the systemd unit probes read unit files:
//! `systemd.rs`).
//!
//! A fact the target cannot give ([`scap_probe::Error::NotCollectable`]) is never an empty
//! answer. `uname` and `sysctl` of an offline tree are `not applicable` (runtime kernel state
//! does not apply to a tree on disk; oscap gives the same flag); the environment and mounts of an
//! offline tree are `not collected`, except for the deprecated `environmentvariable_object`,
//! which oscap flags `not applicable` offline.

use scap_probe::Target;

use super::{Collection, ObjectRequest, Probe, RequestEntity};
use crate::items::{Item, ItemEntity};
use crate::types::Flag;

/// The uname probe.
pub struct UnameProbe;
/// The sysctl probe.
pub struct SysctlProbe;
/// The environmentvariable58 probe.
pub struct EnvironmentProbe;
/// The partition probe.
pub struct PartitionProbe;

impl Probe for UnameProbe {
    fn collect(&self, target: &dyn Target, _object: &ObjectRequest) -> Collection {
        match target.uname() {
            Ok(u) => {
                let mut item = Item::new("unix", "uname_item");
                item.push(ItemEntity::string("machine_class", u.machine.clone()));
                item.push(ItemEntity::string("node_name", u.nodename.clone()));
                item.push(ItemEntity::string("os_name", u.sysname.clone()));
                item.push(ItemEntity::string("os_release", u.release.clone()));
                item.push(ItemEntity::string("os_version", u.version.clone()));
                item.push(ItemEntity::string("processor_type", u.processor.clone()));
                Collection::from_items(vec![item])
            }
            Err(e) => Collection::from_error(&e, Flag::NotApplicable),
        }
    }
}

impl Probe for SysctlProbe {
    fn collect(&self, target: &dyn Target, object: &ObjectRequest) -> Collection {
        let Some(name) = object.entity("name") else {
            return Collection::error(format!("{}: no name entity", object.id));
        };
        let names: Vec<String> = match name.exact_values() {
            Some(v) => v.to_vec(),
            None => match target.sysctl_names() {
                Ok(all) => {
                    let mut keep = Vec::new();
                    for n in all {
                        match name.matches(&n) {
                            Ok(true) => keep.push(n),
                            Ok(false) => {}
                            Err(e) => return Collection::error(e.to_string()),
                        }
                    }
                    keep
                }
                Err(e) => return Collection::from_error(&e, Flag::NotApplicable),
            },
        };
        let mut items = Vec::new();
        for n in names {
            match target.sysctl(&n) {
                Ok(v) => {
                    let mut item = Item::new("unix", "sysctl_item");
                    item.push(ItemEntity::string("name", n.clone()));
                    // Multi-valued parameters (tab separated) give one value entity each.
                    for part in v.trim_end_matches('\n').split('\t') {
                        item.push(ItemEntity::string("value", part));
                    }
                    items.push(item);
                }
                Err(e) => {
                    // An absent parameter is one name without an item, not the answer for all.
                    let c = Collection::from_error(&e, Flag::NotApplicable);
                    if c.flag != Flag::DoesNotExist {
                        return c;
                    }
                }
            }
        }
        Collection::from_items(items)
    }
}

impl Probe for EnvironmentProbe {
    fn collect(&self, target: &dyn Target, object: &ObjectRequest) -> Collection {
        let Some(name) = object.entity("name") else {
            return Collection::error(format!("{}: no name entity", object.id));
        };
        let pid = object.entity("pid").filter(|p| !p.nil);
        let env = match pid.and_then(|p| p.values.first()) {
            Some(p) => match p.parse::<u32>() {
                Ok(pid) => target.process_environment(pid),
                Err(_) => return Collection::error(format!("{}: bad pid {p:?}", object.id)),
            },
            None => target.environment(),
        };
        let env = match env {
            Ok(e) => e,
            Err(e) => return Collection::from_error(&e, Flag::NotCollected),
        };
        let env = match matching(name, env) {
            Ok(e) => e,
            Err(c) => return c,
        };
        let items = env
            .into_iter()
            .map(|(n, v)| {
                let mut item = Item::new("independent", "environmentvariable58_item");
                if let Some(p) = pid.and_then(|p| p.values.first()) {
                    item.push(ItemEntity::int("pid", p));
                }
                item.push(ItemEntity::string("name", n));
                item.push(ItemEntity::string("value", v));
                item
            })
            .collect();
        Collection::from_items(items)
    }
}

/// The deprecated environmentvariable probe (`environmentvariable_object`: `name` only, items
/// `name` and `value` of the evaluator's environment). oscap 1.3.7 does not run it offline
/// ("Requested offline mode is not supported by environmentvariable probe") and flags the
/// object `not applicable`; so does this probe when the target's environment is not
/// collectable (an offline target given no environment).
pub struct EnvironmentVariableProbe;

impl Probe for EnvironmentVariableProbe {
    fn collect(&self, target: &dyn Target, object: &ObjectRequest) -> Collection {
        let Some(name) = object.entity("name") else {
            return Collection::error(format!("{}: no name entity", object.id));
        };
        let env = match target.environment() {
            Ok(e) => e,
            Err(e) => return Collection::from_error(&e, Flag::NotApplicable),
        };
        let env = match matching(name, env) {
            Ok(e) => e,
            Err(c) => return c,
        };
        let items = env
            .into_iter()
            .map(|(n, v)| {
                let mut item = Item::new("independent", "environmentvariable_item");
                item.push(ItemEntity::string("name", n));
                item.push(ItemEntity::string("value", v));
                item
            })
            .collect();
        Collection::from_items(items)
    }
}

/// The variables whose name the `name` entity accepts (an invalid comparison is an `error`
/// collection).
fn matching(
    name: &RequestEntity,
    env: Vec<(String, String)>,
) -> Result<Vec<(String, String)>, Collection> {
    let mut keep = Vec::new();
    for (n, v) in env {
        match name.matches(&n) {
            Ok(true) => keep.push((n, v)),
            Ok(false) => {}
            Err(e) => return Err(Collection::error(e.to_string())),
        }
    }
    Ok(keep)
}

impl Probe for PartitionProbe {
    fn collect(&self, target: &dyn Target, object: &ObjectRequest) -> Collection {
        let Some(mp) = object.entity("mount_point") else {
            return Collection::error(format!("{}: no mount_point entity", object.id));
        };
        let mounts = match target.mounts() {
            Ok(m) => m,
            Err(e) => return Collection::from_error(&e, Flag::NotCollected),
        };
        let mut items = Vec::new();
        for m in mounts {
            let point = m.mount_point.to_string_lossy().into_owned();
            match mp.matches(&point) {
                Ok(true) => {
                    let mut item = Item::new("linux", "partition_item");
                    item.push(ItemEntity::string("mount_point", point));
                    item.push(ItemEntity::string("device", m.device.clone()));
                    item.push(ItemEntity::string("fs_type", m.fs_type.clone()));
                    for o in &m.options {
                        item.push(ItemEntity::string("mount_options", o.clone()));
                    }
                    items.push(item);
                }
                Ok(false) => {}
                Err(e) => return Collection::error(e.to_string()),
            }
        }
        Collection::from_items(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{Datatype, Operation};
    use scap_probe::MemoryTarget;

    #[test]
    fn deprecated_environmentvariable_object() {
        // oscap 1.3.7, environmentvariable_object `^(HOME|PATH)$` on the live host: items with
        // `name` and `value` only; offline: flag `not applicable`.
        let mut o = ObjectRequest::new("oval:t:obj:1", "environmentvariable_object");
        o.entities.push(RequestEntity::new(
            "name",
            Datatype::String,
            Operation::PatternMatch,
            "^(HOME|PATH)$",
        ));
        let mut t = MemoryTarget::new();
        assert_eq!(
            EnvironmentVariableProbe.collect(&t, &o).flag,
            Flag::NotApplicable
        );
        t.facts.environment = Some(vec![
            ("HOME".into(), "/root".into()),
            ("SHELL".into(), "/bin/sh".into()),
        ]);
        let c = EnvironmentVariableProbe.collect(&t, &o);
        assert_eq!(c.items.len(), 1);
        let names: Vec<_> = c.items[0].entities.iter().map(|e| &*e.name).collect();
        assert_eq!(names, ["name", "value"]);
        assert_eq!(c.items[0].value("value"), Some("/root"));
        assert_eq!(c.items[0].kind, "environmentvariable_item");
    }
}
