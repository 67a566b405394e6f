//! Host facts beyond the filesystem: uname, processes, mounts, network interfaces, ...
//!
//! Plain data. The structs are `#[non_exhaustive]` (the OVAL items they feed grow) and
//! implement `Default`, so outside this crate build one with `let mut p = Process::default();`
//! and assign fields.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::PathBuf;

use crate::error::{Error, Fact, Result};
use crate::metadata::Timestamp;

/// What `uname(2)` reports (OVAL `unix-def:uname_item`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Uname {
    /// Operating system name, e.g. `"Linux"` (`uname -s`).
    pub sysname: String,
    /// Network node host name (`uname -n`).
    pub nodename: String,
    /// Kernel release, e.g. `"6.1.0-13-amd64"` (`uname -r`).
    pub release: String,
    /// Kernel version string, e.g. `"#1 SMP PREEMPT_DYNAMIC ..."` (`uname -v`).
    pub version: String,
    /// Hardware name, e.g. `"x86_64"` (`uname -m`).
    pub machine: String,
    /// Processor type (`uname -p`); on Linux the same as `machine` unless known better.
    pub processor: String,
}

/// One running process (OVAL `unix-def:process58_item`).
///
/// Numbers are as `/proc/[pid]/stat` and `/proc/[pid]/status` give them; fields a backend
/// cannot read (another user's `exe` link without privileges) are `None`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Process {
    /// Process id.
    pub pid: u32,
    /// Parent process id.
    pub ppid: u32,
    /// The executable name as the kernel keeps it (`comm`, at most 15 bytes on Linux).
    pub comm: String,
    /// Argument vector (`/proc/[pid]/cmdline` split at NUL); empty for kernel threads.
    pub argv: Vec<String>,
    /// Path of the executable (`/proc/[pid]/exe`), if readable.
    pub exe: Option<PathBuf>,
    /// Process state letter (`R`, `S`, `D`, `Z`, ...).
    pub state: char,
    /// Real user id.
    pub uid: u32,
    /// Effective user id.
    pub euid: u32,
    /// Saved set-user id.
    pub suid: u32,
    /// Filesystem user id.
    pub fsuid: u32,
    /// Real group id.
    pub gid: u32,
    /// Effective group id.
    pub egid: u32,
    /// Saved set-group id.
    pub sgid: u32,
    /// Filesystem group id.
    pub fsgid: u32,
    /// Audit login uid (`/proc/[pid]/loginuid`), `None` if unavailable; 4294967295 means unset.
    pub loginuid: Option<u32>,
    /// Session id.
    pub session_id: u32,
    /// Controlling terminal device number (`tty_nr`), 0 for none.
    pub tty_nr: u64,
    /// Start time in clock ticks after boot (`starttime`).
    pub start_ticks: u64,
    /// Start time as wall-clock time, when the boot time is known.
    pub start_time: Option<Timestamp>,
    /// CPU time used (user + system) in clock ticks.
    pub cpu_ticks: u64,
    /// Kernel scheduling priority (`priority` field of `stat`).
    pub priority: i64,
    /// Nice value.
    pub nice: i64,
    /// Scheduling policy number (`SCHED_OTHER` = 0, `FIFO` = 1, `RR` = 2, `BATCH` = 3,
    /// `IDLE` = 5, `DEADLINE` = 6), if known.
    pub policy: Option<u32>,
    /// Real-time priority, if known.
    pub rt_priority: Option<u32>,
    /// Effective capability set (`CapEff`), if known.
    pub cap_effective: Option<u64>,
    /// Permitted capability set (`CapPrm`), if known.
    pub cap_permitted: Option<u64>,
    /// SELinux (or other LSM) label (`/proc/[pid]/attr/current`), if any.
    pub security_label: Option<String>,
}

impl Process {
    /// The command line as OVAL reports it: `argv` joined with single spaces.
    pub fn command_line(&self) -> String {
        self.argv.join(" ")
    }

    /// The scheduling class in `ps -o class` spelling: `TS`, `FF`, `RR`, `B`, `ISO`, `IDL`,
    /// `DLN`, or `?` when unknown.
    pub fn scheduling_class(&self) -> &'static str {
        match self.policy {
            Some(0) => "TS",
            Some(1) => "FF",
            Some(2) => "RR",
            Some(3) => "B",
            Some(4) => "ISO",
            Some(5) => "IDL",
            Some(6) => "DLN",
            _ => "?",
        }
    }
}

/// One mounted filesystem (OVAL `linux-def:partition_item`), as `/proc/self/mounts` lists it.
///
/// Space figures (`total_space`, `space_used`, `space_left`, block size) need `statvfs(2)`,
/// which std does not expose and this crate does not call (no `unsafe`, no new dependency):
/// they are not part of this fact.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Mount {
    /// The mounted device or source (`/dev/sda1`, `tmpfs`, `overlay`), unescaped.
    pub device: String,
    /// Where it is mounted, unescaped.
    pub mount_point: PathBuf,
    /// Filesystem type (`ext4`, `tmpfs`, ...).
    pub fs_type: String,
    /// Mount options in order (`rw`, `nosuid`, `relatime`, ...).
    pub options: Vec<String>,
}

/// An address configured on an interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InterfaceAddress {
    /// The address.
    pub addr: IpAddr,
    /// Network prefix length (24 for a /24); the netmask is [`InterfaceAddress::netmask`].
    pub prefix_len: u8,
}

impl InterfaceAddress {
    /// The netmask for `prefix_len` in the address's family (a prefix longer than the address
    /// is treated as full length).
    ///
    /// ```
    /// use scap_probe::InterfaceAddress;
    /// let a = InterfaceAddress { addr: "192.0.2.7".parse().unwrap(), prefix_len: 24 };
    /// assert_eq!(a.netmask().to_string(), "255.255.255.0");
    /// assert_eq!(a.broadcast().map(|b| b.to_string()).as_deref(), Some("192.0.2.255"));
    /// ```
    pub fn netmask(&self) -> IpAddr {
        match self.addr {
            IpAddr::V4(_) => {
                let n = u32::from(self.prefix_len.min(32));
                let mask = u32::MAX.checked_shl(32 - n).unwrap_or(0);
                IpAddr::V4(mask.into())
            }
            IpAddr::V6(_) => {
                let n = u32::from(self.prefix_len.min(128));
                let mask = u128::MAX.checked_shl(128 - n).unwrap_or(0);
                IpAddr::V6(mask.into())
            }
        }
    }

    /// The IPv4 broadcast address of the network (`None` for IPv6).
    pub fn broadcast(&self) -> Option<IpAddr> {
        match (self.addr, self.netmask()) {
            (IpAddr::V4(a), IpAddr::V4(m)) => {
                Some(IpAddr::V4((u32::from(a) | !u32::from(m)).into()))
            }
            _ => None,
        }
    }
}

/// One network interface (OVAL `unix-def:interface_item`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Interface {
    /// Interface name (`eth0`, `lo`).
    pub name: String,
    /// Interface index, if known.
    pub index: Option<u32>,
    /// ARP hardware type (`ARPHRD_ETHER` = 1, `ARPHRD_LOOPBACK` = 772, ...), if known; see
    /// [`Interface::hardware_type_name`].
    pub hardware_type: Option<u16>,
    /// Hardware address as lowercase colon-separated hex (`"52:54:00:12:34:56"`); empty if none.
    pub hardware_addr: String,
    /// Configured addresses, IPv4 and IPv6.
    pub addresses: Vec<InterfaceAddress>,
    /// Interface flags (`IFF_UP` = 0x1, `IFF_BROADCAST` = 0x2, ...); see
    /// [`Interface::flag_names`].
    pub flags: u32,
    /// MTU, if known.
    pub mtu: Option<u32>,
}

impl Interface {
    /// Names of the set `IFF_*` flags in bit order, without the `IFF_` prefix
    /// (`["UP", "BROADCAST", "RUNNING", "MULTICAST"]`).
    pub fn flag_names(&self) -> Vec<&'static str> {
        const NAMES: [&str; 19] = [
            "UP",
            "BROADCAST",
            "DEBUG",
            "LOOPBACK",
            "POINTOPOINT",
            "NOTRAILERS",
            "RUNNING",
            "NOARP",
            "PROMISC",
            "ALLMULTI",
            "MASTER",
            "SLAVE",
            "MULTICAST",
            "PORTSEL",
            "AUTOMEDIA",
            "DYNAMIC",
            "LOWER_UP",
            "DORMANT",
            "ECHO",
        ];
        NAMES
            .iter()
            .enumerate()
            .filter(|(bit, _)| self.flags & (1u32 << bit) != 0)
            .map(|(_, name)| *name)
            .collect()
    }

    /// The OVAL `interface_item/type` name for the hardware type (`"ARPHRD_ETHER"`, ...), or
    /// `None` when unknown or not one OVAL names.
    pub fn hardware_type_name(&self) -> Option<&'static str> {
        Some(match self.hardware_type? {
            1 => "ARPHRD_ETHER",
            6 => "ARPHRD_IEEE802",
            512 => "ARPHRD_PPP",
            772 => "ARPHRD_LOOPBACK",
            768 => "ARPHRD_TUNNEL",
            769 => "ARPHRD_TUNNEL6",
            776 => "ARPHRD_SIT",
            65534 => "ARPHRD_VOID",
            65535 => "ARPHRD_NONE",
            _ => return None,
        })
    }
}

/// Whether the target is a container and which runtime made it, as far as can be told.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ContainerInfo {
    /// `true` if the target looks like a container (its processes run in one).
    pub is_container: bool,
    /// The runtime if known: `"docker"`, `"podman"`, `"lxc"`, `"kubernetes"`, or whatever
    /// `container=` / `/run/systemd/container` says.
    pub runtime: Option<String>,
}

/// Caller-supplied host facts: every fact a target may be told rather than find out.
///
/// `None` means "not collectable": the matching [`Target`](crate::Target) method returns
/// [`Error::NotCollectable`](crate::Error::NotCollectable). `Some(empty)` is an empty answer.
/// [`MemoryTarget`](crate::MemoryTarget) answers only from these; [`RootFs`](crate::RootFs)
/// answers from these where it cannot look itself (an offline tree has no processes).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Facts {
    /// For [`Target::uname`](crate::Target::uname).
    pub uname: Option<Uname>,
    /// For [`Target::environment`](crate::Target::environment).
    pub environment: Option<Vec<(String, String)>>,
    /// For [`Target::process_environment`](crate::Target::process_environment), by pid; a pid
    /// missing here is `NotFound` when `processes` is set, else not collectable.
    pub process_environments: BTreeMap<u32, Vec<(String, String)>>,
    /// For [`Target::processes`](crate::Target::processes).
    pub processes: Option<Vec<Process>>,
    /// For [`Target::sysctl`](crate::Target::sysctl), by dotted name.
    pub sysctls: Option<BTreeMap<String, String>>,
    /// For [`Target::mounts`](crate::Target::mounts).
    pub mounts: Option<Vec<Mount>>,
    /// For [`Target::interfaces`](crate::Target::interfaces).
    pub interfaces: Option<Vec<Interface>>,
    /// For [`Target::hostname`](crate::Target::hostname).
    pub hostname: Option<String>,
    /// For [`Target::container`](crate::Target::container).
    pub container: Option<ContainerInfo>,
    /// For [`Target::routes`](crate::Target::routes).
    pub routes: Option<Vec<crate::net::RouteEntry>>,
    /// For [`Target::inet_sockets`](crate::Target::inet_sockets).
    pub inet_sockets: Option<Vec<crate::net::InetSocket>>,
    /// For [`Target::packet_sockets`](crate::Target::packet_sockets).
    pub packet_sockets: Option<Vec<crate::net::PacketSocket>>,
}

impl Facts {
    fn get<T: Clone>(v: &Option<T>, fact: Fact) -> Result<T> {
        v.clone().ok_or(Error::NotCollectable { fact })
    }

    /// Answer [`Target::routes`](crate::Target::routes) from these facts.
    pub fn routes(&self) -> Result<Vec<crate::net::RouteEntry>> {
        Self::get(&self.routes, Fact::Routes)
    }

    /// Answer [`Target::inet_sockets`](crate::Target::inet_sockets) from these facts.
    pub fn inet_sockets(&self) -> Result<Vec<crate::net::InetSocket>> {
        Self::get(&self.inet_sockets, Fact::Sockets)
    }

    /// Answer [`Target::packet_sockets`](crate::Target::packet_sockets) from these facts.
    pub fn packet_sockets(&self) -> Result<Vec<crate::net::PacketSocket>> {
        Self::get(&self.packet_sockets, Fact::Sockets)
    }

    /// Answer [`Target::uname`](crate::Target::uname) from these facts.
    pub fn uname(&self) -> Result<Uname> {
        Self::get(&self.uname, Fact::Uname)
    }

    /// Answer [`Target::environment`](crate::Target::environment) from these facts.
    pub fn environment(&self) -> Result<Vec<(String, String)>> {
        Self::get(&self.environment, Fact::Environment)
    }

    /// Answer [`Target::process_environment`](crate::Target::process_environment): the pid's
    /// entry, else `NotFound` when `processes` is known, else not collectable.
    pub fn process_environment(&self, pid: u32) -> Result<Vec<(String, String)>> {
        match self.process_environments.get(&pid) {
            Some(env) => Ok(env.clone()),
            None if self.processes.is_some() => Err(Error::NotFound {
                path: PathBuf::from(format!("/proc/{pid}/environ")),
            }),
            None => Err(Error::NotCollectable {
                fact: Fact::ProcessEnvironment,
            }),
        }
    }

    /// Answer [`Target::processes`](crate::Target::processes), sorted by pid.
    pub fn processes(&self) -> Result<Vec<Process>> {
        let mut p = Self::get(&self.processes, Fact::Processes)?;
        p.sort_by_key(|p| p.pid);
        Ok(p)
    }

    /// Answer [`Target::sysctl`](crate::Target::sysctl): `NotFound` for an unknown name.
    pub fn sysctl(&self, name: &str) -> Result<String> {
        let map = self
            .sysctls
            .as_ref()
            .ok_or(Error::NotCollectable { fact: Fact::Sysctl })?;
        match map.get(name) {
            Some(v) => Ok(v.clone()),
            None => Err(Error::NotFound {
                path: crate::target::sysctl_path(name)?,
            }),
        }
    }

    /// Answer [`Target::sysctl_names`](crate::Target::sysctl_names), sorted.
    pub fn sysctl_names(&self) -> Result<Vec<String>> {
        let map = self
            .sysctls
            .as_ref()
            .ok_or(Error::NotCollectable { fact: Fact::Sysctl })?;
        Ok(map.keys().cloned().collect())
    }

    /// Answer [`Target::mounts`](crate::Target::mounts).
    pub fn mounts(&self) -> Result<Vec<Mount>> {
        Self::get(&self.mounts, Fact::Mounts)
    }

    /// Answer [`Target::interfaces`](crate::Target::interfaces), sorted by name.
    pub fn interfaces(&self) -> Result<Vec<Interface>> {
        let mut i = Self::get(&self.interfaces, Fact::Interfaces)?;
        i.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(i)
    }

    /// Answer [`Target::hostname`](crate::Target::hostname).
    pub fn hostname(&self) -> Result<String> {
        Self::get(&self.hostname, Fact::Hostname)
    }

    /// Answer [`Target::container`](crate::Target::container).
    pub fn container(&self) -> Result<ContainerInfo> {
        Self::get(&self.container, Fact::Container)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn netmasks() {
        let a = |s: &str, p| InterfaceAddress {
            addr: s.parse().unwrap(),
            prefix_len: p,
        };
        assert_eq!(a("10.0.0.1", 0).netmask().to_string(), "0.0.0.0");
        assert_eq!(a("10.0.0.1", 32).netmask().to_string(), "255.255.255.255");
        assert_eq!(a("10.0.0.1", 99).netmask().to_string(), "255.255.255.255");
        assert_eq!(
            a("fe80::1", 64).netmask().to_string(),
            "ffff:ffff:ffff:ffff::"
        );
        assert_eq!(a("fe80::1", 64).broadcast(), None);
    }

    #[test]
    fn flag_names_follow_bits() {
        let i = Interface {
            flags: 0x1 | 0x8 | 0x40,
            ..Interface::default()
        };
        assert_eq!(i.flag_names(), ["UP", "LOOPBACK", "RUNNING"]);
    }

    #[test]
    fn process_derived_fields() {
        let p = Process {
            argv: vec!["/usr/sbin/sshd".into(), "-D".into()],
            policy: Some(2),
            ..Process::default()
        };
        assert_eq!(p.command_line(), "/usr/sbin/sshd -D");
        assert_eq!(p.scheduling_class(), "RR");
        assert_eq!(Process::default().scheduling_class(), "?");
    }
}
