//! `unix:runlevel_object`: whether a SysV init script is started or killed in a runlevel, read
//! from the `rcN.d` links (offline trees included: it is all files).
//!
//! For every entry of the init directory whose name the `service_name` entity accepts, and for
//! every runlevel `0` to `6` the `runlevel` entity accepts whose `rcN.d` directory exists, one
//! `runlevel_item`: `service_name`, `runlevel`, and `start` / `kill`, true when an entry of
//! `rcN.d` that resolves to the same file as the script begins with `S` / `K` (the first such
//! entry decides). With no such entry both are false.
//!
//! The init directory is `/etc/rc.d/init.d` (Red Hat) or else `/etc/init.d` (Debian, SUSE);
//! `rcN.d` is the first of `/etc/rcN.d`, `/etc/rc.d/rcN.d` and `/etc/init.d/rcN.d` that
//! exists. No init directory: `does not exist`.
//!
//! Differences from oscap 1.3.7, which picks a layout by distribution: on Debian and Ubuntu
//! (`/etc/debian_version`) its probe is not implemented and every runlevel object is flagged
//! `error` ("get_runlevel failed."), and on SUSE a link to the script counts as started
//! whatever its letter. Here every layout is read the same way.

use std::path::{Path, PathBuf};

use scap_probe::Target;

use super::{Collection, ObjectRequest, Probe};
use crate::items::{Item, ItemEntity};

/// The runlevel probe.
pub struct RunlevelProbe;

const INIT_DIRS: [&str; 2] = ["/etc/rc.d/init.d", "/etc/init.d"];
const RC_DIRS: [&str; 3] = ["/etc/rc{}.d", "/etc/rc.d/rc{}.d", "/etc/init.d/rc{}.d"];

/// The first of `candidates` that is a directory.
fn first_dir<I: IntoIterator<Item = String>>(target: &dyn Target, candidates: I) -> Option<String> {
    candidates.into_iter().find(|d| {
        target
            .stat(Path::new(d))
            .is_ok_and(|m| m.file_type.is_dir())
    })
}

/// Where each `rcN.d` entry of `dir` leads (entries that do not resolve are skipped), with
/// the entry's first letter.
fn links(target: &dyn Target, dir: &str) -> Vec<(char, PathBuf)> {
    let Ok(entries) = target.read_dir(Path::new(dir)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in entries {
        let name = e.name.to_string_lossy();
        let Some(first) = name.chars().next() else {
            continue;
        };
        if let Ok(real) = target.canonicalize(&Path::new(dir).join(name.as_ref())) {
            out.push((first, real));
        }
    }
    out
}

impl Probe for RunlevelProbe {
    fn collect(&self, target: &dyn Target, object: &ObjectRequest) -> Collection {
        let (Some(service), Some(level)) =
            (object.entity("service_name"), object.entity("runlevel"))
        else {
            return Collection::error(format!(
                "{}: a runlevel_object needs service_name and runlevel",
                object.id
            ));
        };
        let Some(init) = first_dir(target, INIT_DIRS.map(str::to_owned)) else {
            return Collection::with_message(
                crate::types::Flag::DoesNotExist,
                "no SysV init directory (/etc/rc.d/init.d, /etc/init.d)",
            );
        };
        let mut levels = Vec::new();
        for n in '0'..='6' {
            match level.matches(&n.to_string()) {
                Ok(true) => {}
                Ok(false) => continue,
                Err(e) => return Collection::error(e.to_string()),
            }
            let dirs = RC_DIRS.map(|d| d.replace("{}", &n.to_string()));
            if let Some(dir) = first_dir(target, dirs) {
                levels.push((n, links(target, &dir)));
            }
        }
        let mut entries = match target.read_dir(Path::new(&init)) {
            Ok(e) => e,
            Err(e) => return Collection::from_error(&e, crate::types::Flag::NotCollected),
        };
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        let mut items = Vec::new();
        for e in entries {
            let name = e.name.to_string_lossy().into_owned();
            match service.matches(&name) {
                Ok(true) => {}
                Ok(false) => continue,
                Err(e) => return Collection::error(e.to_string()),
            }
            let Ok(script) = target.canonicalize(&Path::new(&init).join(&name)) else {
                continue;
            };
            for (n, links) in &levels {
                let letter = links
                    .iter()
                    .find(|(first, real)| *real == script && matches!(first, 'S' | 'K'))
                    .map(|(first, _)| *first);
                let mut item = Item::new("unix", "runlevel_item");
                item.push(ItemEntity::string("service_name", name.clone()));
                item.push(ItemEntity::string("runlevel", n.to_string()));
                item.push(ItemEntity::boolean("start", letter == Some('S')));
                item.push(ItemEntity::boolean("kill", letter == Some('K')));
                items.push(item);
            }
        }
        Collection::from_items(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probes::RequestEntity;
    use crate::types::{Datatype, Flag, Operation};
    use scap_probe::MemoryTarget;

    fn object(service: &str, level: &str) -> ObjectRequest {
        let mut o = ObjectRequest::new("oval:t:obj:1", "runlevel_object");
        o.entities.push(RequestEntity::new(
            "service_name",
            Datatype::String,
            Operation::PatternMatch,
            service,
        ));
        o.entities.push(RequestEntity::new(
            "runlevel",
            Datatype::String,
            Operation::PatternMatch,
            level,
        ));
        o
    }

    /// A Debian-style tree: cron started in 2, killed in 0; ssh started in 2; no rc1.d.
    fn debian() -> MemoryTarget {
        let mut t = MemoryTarget::new();
        t.add_file("/etc/init.d/cron", "#!/bin/sh\n")
            .add_file("/etc/init.d/ssh", "#!/bin/sh\n")
            .add_symlink("/etc/rc2.d/S01cron", "../init.d/cron")
            .add_symlink("/etc/rc2.d/S01ssh", "/etc/init.d/ssh")
            .add_symlink("/etc/rc0.d/K01cron", "../init.d/cron")
            .add_symlink("/etc/rc0.d/K01gone", "../init.d/gone");
        t
    }

    fn rows(c: &Collection) -> Vec<(String, String, String, String)> {
        c.items
            .iter()
            .map(|i| {
                let v = |n| i.value(n).unwrap_or_default().to_owned();
                (v("service_name"), v("runlevel"), v("start"), v("kill"))
            })
            .collect()
    }

    fn row(s: &str, l: &str, start: bool, kill: bool) -> (String, String, String, String) {
        (s.into(), l.into(), start.to_string(), kill.to_string())
    }

    #[test]
    fn links_decide_start_and_kill() {
        let c = RunlevelProbe.collect(&debian(), &object("^cron$", "^[0-2]$"));
        assert_eq!(c.flag, Flag::Complete);
        assert_eq!(
            rows(&c),
            [row("cron", "0", false, true), row("cron", "2", true, false)]
        );
        let c = RunlevelProbe.collect(&debian(), &object(".*", "^2$"));
        assert_eq!(
            rows(&c),
            [row("cron", "2", true, false), row("ssh", "2", true, false)]
        );
        // A runlevel directory without a link to the script: neither.
        let c = RunlevelProbe.collect(&debian(), &object("^ssh$", "^0$"));
        assert_eq!(rows(&c), [row("ssh", "0", false, false)]);
    }

    #[test]
    fn red_hat_layout_and_no_init_directory() {
        let mut t = MemoryTarget::new();
        t.add_file("/etc/rc.d/init.d/network", "#!/bin/sh\n")
            .add_symlink("/etc/rc.d/rc3.d/S10network", "../init.d/network")
            .add_symlink("/etc/rc3.d", "rc.d/rc3.d");
        let c = RunlevelProbe.collect(&t, &object("network", "3"));
        assert_eq!(rows(&c), [row("network", "3", true, false)]);
        let c = RunlevelProbe.collect(&MemoryTarget::new(), &object(".*", ".*"));
        assert_eq!(c.flag, Flag::DoesNotExist);
    }
}
