//! `unix:process58_object` and the deprecated `unix:process_object`: running processes, from
//! [`Target::processes`].
//!
//! Items follow what oscap 1.3.7 writes: `exec_time` is the CPU time as `HH:MM:SS`,
//! `start_time` the wall-clock start as `HH:MM:SS` (UTC), `tty` the terminal name (`pts/0`,
//! `tty1`) or `?`, `user_id` the effective uid, `exec_shield` `true` (always on for the
//! kernels oscap reads it from), `posix_capability` one `CAP_*` name per effective capability,
//! and `selinux_domain_label` only when the process has a label.
//!
//! An offline tree has no processes. oscap 1.3.7 answers `does not exist` when it finds no
//! `/proc` data under the probe root, and this probe gives the same flag for
//! [`scap_probe::Error::NotCollectable`] so definition results agree (a `none_exist` "service X
//! is not running" check passes on an image, as with oscap), with a message saying processes
//! were not collectable; [`PROCESSES_NOT_COLLECTABLE`] is that flag.
//!
//! The deprecated `process_object` selects by `command`, the process name (`comm`, as
//! `/proc/PID/stat` gives it, at most 15 bytes), and its items are what oscap 1.3.7 writes:
//! `command`, `exec_time`, `pid`, `ppid`, `priority`, `scheduling_class`, `start_time`, `tty`,
//! `user_id`. oscap does not run this probe offline ("Requested offline mode is not supported
//! by process probe") and flags the object `not applicable`; so does this one when the
//! target's processes are not collectable.

use scap_probe::{Process, Target};

use super::{Collection, ObjectRequest, Probe};
use crate::items::{Item, ItemEntity};
use crate::types::{Datatype, Flag};

/// The process58 probe.
pub struct Process58Probe;

/// The deprecated process probe (`process_object`, by `command`).
pub struct ProcessProbe;

/// The flag for a target whose processes are not collectable (oscap's offline answer).
pub const PROCESSES_NOT_COLLECTABLE: Flag = Flag::DoesNotExist;

/// Clock ticks per second the tick counts of [`Process`] are in (`USER_HZ`, 100 on Linux).
const TICKS_PER_SECOND: u64 = 100;

/// Capability names by bit number (`linux/capability.h`), as far as the 5.11.3 schema's
/// `EntityItemCapabilityType` enumerates them (up to `CAP_AUDIT_READ`, bit 37); later bits
/// (`CAP_PERFMON`, `CAP_BPF`, ...) are not written, as oscap does not write them.
const CAPABILITIES: [&str; 38] = [
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
];

/// The processes the target has, or the collection to answer when it has none to give.
pub(crate) fn processes(target: &dyn Target) -> Result<Vec<Process>, Collection> {
    match target.processes() {
        Ok(p) => Ok(p),
        Err(e) => Err(Collection::from_error(&e, PROCESSES_NOT_COLLECTABLE)),
    }
}

impl Probe for Process58Probe {
    fn collect(&self, target: &dyn Target, object: &ObjectRequest) -> Collection {
        let Some(command_line) = object.entity("command_line") else {
            return Collection::error(format!("{}: no command_line entity", object.id));
        };
        let pid = object.entity("pid").filter(|p| !p.nil);
        let all = match processes(target) {
            Ok(p) => p,
            Err(c) => return c,
        };
        let mut items = Vec::new();
        for p in &all {
            let line = p.command_line();
            let keep = command_line.matches(&line).and_then(|ok| match pid {
                Some(e) if ok => e.matches(&p.pid.to_string()),
                _ => Ok(ok),
            });
            match keep {
                Ok(true) => items.push(item(p, line)),
                Ok(false) => {}
                Err(e) => return Collection::error(e.to_string()),
            }
        }
        Collection::from_items(items)
    }
}

impl Probe for ProcessProbe {
    fn collect(&self, target: &dyn Target, object: &ObjectRequest) -> Collection {
        let Some(command) = object.entity("command") else {
            return Collection::error(format!("{}: no command entity", object.id));
        };
        let all = match target.processes() {
            Ok(p) => p,
            Err(e) => return Collection::from_error(&e, Flag::NotApplicable),
        };
        let mut items = Vec::new();
        for p in &all {
            match command.matches(&p.comm) {
                Ok(true) => {
                    let mut item = Item::new("unix", "process_item");
                    item.push(ItemEntity::string("command", p.comm.clone()));
                    item.push(exec_time(p));
                    item.push(ItemEntity::int("pid", p.pid));
                    item.push(ItemEntity::int("ppid", p.ppid));
                    item.push(ItemEntity::int("priority", p.priority));
                    item.push(ItemEntity::string("scheduling_class", p.scheduling_class()));
                    item.push(start_time(p));
                    item.push(ItemEntity::string("tty", tty_name(p.tty_nr)));
                    item.push(ItemEntity::int("user_id", p.euid));
                    items.push(item);
                }
                Ok(false) => {}
                Err(e) => return Collection::error(e.to_string()),
            }
        }
        Collection::from_items(items)
    }
}

/// `exec_time`: the CPU time as `HH:MM:SS`.
fn exec_time(p: &Process) -> ItemEntity {
    ItemEntity::string("exec_time", hms(p.cpu_ticks / TICKS_PER_SECOND))
}

/// `start_time`: the wall-clock start as `HH:MM:SS` (UTC), absent when unknown.
fn start_time(p: &Process) -> ItemEntity {
    match p.start_time {
        Some(t) => {
            let secs = u64::try_from(t.secs.rem_euclid(86_400)).unwrap_or(0);
            ItemEntity::string("start_time", hms(secs))
        }
        None => ItemEntity::does_not_exist("start_time", Datatype::String),
    }
}

/// `HH:MM:SS` of a number of seconds (hours not wrapped).
fn hms(secs: u64) -> String {
    format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

/// The terminal name of a `tty_nr` device number, `?` for none or an unknown device.
fn tty_name(tty_nr: u64) -> String {
    // Linux encodes dev_t as major in bits 8..20 (and 32..), minor in bits 0..8 and 20...
    let major = ((tty_nr >> 8) & 0xfff) | ((tty_nr >> 32) & !0xfff);
    let minor = (tty_nr & 0xff) | ((tty_nr >> 12) & !0xff);
    match major {
        0 => "?".to_owned(),
        4 if minor < 64 => format!("tty{minor}"),
        4 => format!("ttyS{}", minor - 64),
        136..=143 => format!("pts/{}", (major - 136) * 256 + minor),
        _ => "?".to_owned(),
    }
}

fn item(p: &Process, command_line: String) -> Item {
    let mut item = Item::new("unix", "process58_item");
    item.push(ItemEntity::string("command_line", command_line));
    item.push(exec_time(p));
    item.push(ItemEntity::int("pid", p.pid));
    item.push(ItemEntity::int("ppid", p.ppid));
    item.push(ItemEntity::int("priority", p.priority));
    item.push(ItemEntity::int("ruid", p.uid));
    item.push(ItemEntity::string("scheduling_class", p.scheduling_class()));
    item.push(start_time(p));
    item.push(ItemEntity::string("tty", tty_name(p.tty_nr)));
    item.push(ItemEntity::int("user_id", p.euid));
    item.push(ItemEntity::boolean("exec_shield", true));
    item.push(match p.loginuid {
        Some(l) => ItemEntity::int("loginuid", l),
        None => ItemEntity::does_not_exist("loginuid", Datatype::Int),
    });
    if let Some(caps) = p.cap_effective {
        for (bit, name) in CAPABILITIES.iter().enumerate() {
            if caps & (1u64 << bit) != 0 {
                item.push(ItemEntity::string("posix_capability", *name));
            }
        }
    }
    if let Some(label) = &p.security_label {
        item.push(ItemEntity::string("selinux_domain_label", label.clone()));
    }
    item.push(ItemEntity::int("session_id", p.session_id));
    item
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probes::RequestEntity;
    use crate::types::Operation;
    use scap_probe::{MemoryTarget, Timestamp};

    fn object(command: &str) -> ObjectRequest {
        let mut o = ObjectRequest::new("oval:t:obj:1", "process58_object");
        o.entities.push(RequestEntity::new(
            "command_line",
            Datatype::String,
            Operation::PatternMatch,
            command,
        ));
        o.entities.push(RequestEntity::new(
            "pid",
            Datatype::Int,
            Operation::GreaterThan,
            "0",
        ));
        o
    }

    fn sshd() -> Process {
        let mut p = Process::default();
        p.pid = 612;
        p.ppid = 1;
        p.argv = vec!["/usr/sbin/sshd".into(), "-D".into()];
        p.euid = 0;
        p.priority = 20;
        p.policy = Some(0);
        p.cpu_ticks = 367_100;
        p.start_time = Some(Timestamp {
            secs: 86_400 * 3 + 3600 + 62,
            nanos: 0,
        });
        p.tty_nr = (136 << 8) | 3;
        p.loginuid = Some(u32::MAX);
        p.cap_effective = Some(0b101 | (1 << 38));
        p.session_id = 612;
        p
    }

    #[test]
    fn matching_processes_give_oscap_shaped_items() {
        let mut t = MemoryTarget::new();
        let mut bash = Process::default();
        bash.pid = 700;
        bash.argv = vec!["-bash".into()];
        t.facts.processes = Some(vec![sshd(), bash]);
        let c = Process58Probe.collect(&t, &object("^/usr/sbin/sshd"));
        assert_eq!(c.flag, Flag::Complete);
        assert_eq!(c.items.len(), 1);
        let i = &c.items[0];
        assert_eq!(i.value("command_line"), Some("/usr/sbin/sshd -D"));
        assert_eq!(i.value("exec_time"), Some("01:01:11"));
        assert_eq!(i.value("start_time"), Some("01:01:02"));
        assert_eq!(i.value("tty"), Some("pts/3"));
        assert_eq!(i.value("scheduling_class"), Some("TS"));
        assert_eq!(i.value("loginuid"), Some("4294967295"));
        let caps: Vec<_> = i.values("posix_capability").collect();
        assert_eq!(caps, ["CAP_CHOWN", "CAP_DAC_READ_SEARCH"]);
        assert_eq!(i.value("selinux_domain_label"), None);
        let names: Vec<_> = i.entities.iter().map(|e| &*e.name).collect();
        assert_eq!(names.first(), Some(&"command_line"));
        assert_eq!(names.last(), Some(&"session_id"));
    }

    #[test]
    fn offline_target_answers_like_oscap() {
        let t = MemoryTarget::new();
        let c = Process58Probe.collect(&t, &object(".*"));
        assert_eq!(c.flag, PROCESSES_NOT_COLLECTABLE);
        assert_eq!(c.messages.len(), 1);
    }

    #[test]
    fn deprecated_process_object_matches_the_name() {
        // oscap 1.3.7, process_object `^sleep` on the live host: items with command "sleep",
        // exec_time, pid, ppid, priority, scheduling_class, start_time, tty, user_id.
        let mut t = MemoryTarget::new();
        let mut p = sshd();
        p.comm = "sshd".into();
        t.facts.processes = Some(vec![p]);
        let mut o = ObjectRequest::new("oval:t:obj:1", "process_object");
        o.entities.push(RequestEntity::new(
            "command",
            Datatype::String,
            Operation::Equals,
            "sshd",
        ));
        let c = ProcessProbe.collect(&t, &o);
        assert_eq!(c.flag, Flag::Complete);
        let names: Vec<_> = c.items[0].entities.iter().map(|e| &*e.name).collect();
        assert_eq!(
            names,
            [
                "command",
                "exec_time",
                "pid",
                "ppid",
                "priority",
                "scheduling_class",
                "start_time",
                "tty",
                "user_id"
            ]
        );
        assert_eq!(c.items[0].value("command"), Some("sshd"));
        assert_eq!(c.items[0].value("start_time"), Some("01:01:02"));
        // The full command line is not the name.
        o.entities[0].values = vec!["/usr/sbin/sshd -D".into()];
        assert_eq!(ProcessProbe.collect(&t, &o).flag, Flag::DoesNotExist);
        // Offline, oscap 1.3.7 flags process_object `not applicable`.
        let c = ProcessProbe.collect(&MemoryTarget::new(), &o);
        assert_eq!(c.flag, Flag::NotApplicable);
    }

    #[test]
    fn tty_names() {
        assert_eq!(tty_name(0), "?");
        assert_eq!(tty_name((4 << 8) | 1), "tty1");
        assert_eq!(tty_name((4 << 8) | 65), "ttyS1");
        assert_eq!(tty_name((137 << 8) | 2), "pts/258");
    }
}
