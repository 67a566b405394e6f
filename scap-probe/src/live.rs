//! [`LiveHost`]: the running Linux system the scanner is on.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::facts::{ContainerInfo, Interface, Mount, Process, Uname};
use crate::metadata::{DirEntry, FileType, Metadata, Timestamp};
use crate::net::{self, InetSocket, PacketSocket, RouteEntry, SocketOwner};
use crate::procfs;
use crate::resolve::{Follow, check_path};
use crate::target::{Target, sysctl_name, sysctl_path};
use crate::walk::{WalkOptions, walk};

/// Clock ticks per second in `/proc` (`USER_HZ`): 100 on every architecture Linux supports
/// today, and not readable without `sysconf(3)`.
const USER_HZ: u64 = 100;

/// Largest `/proc` or `/sys` file read whole.
const PROC_LIMIT: u64 = 4 * 1024 * 1024;

/// The running system: files at `/` and facts from `/proc`, `/sys` and `std::env`.
///
/// Files: no jail is needed (the target's `/` is the host's), so links are resolved by the
/// kernel, which also gets `/proc`'s "magic" links right. The API and error kinds are those of
/// every target.
///
/// Facts, all read as text without `unsafe` or extra dependencies:
///
/// - `uname`: `/proc/sys/kernel/{ostype,hostname,osrelease,version,arch}` (`arch` missing on
///   old kernels: `std::env::consts::ARCH`); `processor` is the machine name.
/// - `environment`: the scanner's own (`std::env::vars_os`, lossy UTF-8);
///   `process_environment(pid)`: `/proc/[pid]/environ` (needs the right to read it).
/// - `processes`: `/proc/[pid]/{stat,status,cmdline,exe,loginuid,attr/current}`; processes
///   that exit during the scan or cannot be read are skipped; `exe` is `None` where not
///   permitted. Start time:
///   `btime` of `/proc/stat` plus start ticks at 100 Hz.
/// - `sysctl`: `/proc/sys`, name `a.b.c` is file `a/b/c` ([`sysctl_path`]).
/// - `mounts`: `/proc/self/mounts`, octal escapes undone.
/// - `interfaces`: `/sys/class/net/*/{ifindex,type,address,flags,mtu}`; IPv6 addresses from
///   `/proc/net/if_inet6`; IPv4 addresses best effort from `/proc/net/fib_trie` (local
///   addresses) matched to `/proc/net/route` (interface and prefix). Without netlink,
///   an IPv4 address on an interface with no route of its own (a /32 with no connected route,
///   secondary addresses sharing a prefix with another interface) may be missing or attributed
///   to the route's interface; IPv4 labels/aliases (`eth0:1`) are not listed separately.
/// - `hostname`: `/proc/sys/kernel/hostname`.
/// - `container`: `/.dockerenv`, `/run/.containerenv`, `/run/systemd/container`, then
///   `container=` in `/proc/1/environ`, then `/proc/1/cgroup` naming docker, kubepods, lxc or
///   libpod.
///
/// ```no_run
/// use scap_probe::{LiveHost, Target};
/// let host = LiveHost::new();
/// println!("{} on {}", host.uname()?.release, host.hostname()?);
/// for p in host.processes()? {
///     println!("{} {}", p.pid, p.command_line());
/// }
/// # Ok::<(), scap_probe::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct LiveHost {}

impl LiveHost {
    /// The running system.
    pub fn new() -> LiveHost {
        LiveHost {}
    }
}

/// The host call for a [`Follow`]: the live host's paths are the host's own.
fn deref(follow: Follow) -> crate::xattr::Deref {
    match follow {
        Follow::All => crate::xattr::Deref::Follow,
        Follow::Parents => crate::xattr::Deref::NoFollow,
    }
}

/// The process holding each socket inode: the lowest pid whose `/proc/PID/fd` has a link to
/// it. Processes this scanner may not look into are left out.
fn socket_owners() -> std::collections::HashMap<u64, SocketOwner> {
    let mut owners = std::collections::HashMap::new();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return owners;
    };
    let mut pids: Vec<u32> = dir
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    pids.sort_unstable();
    for pid in pids {
        let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
            continue;
        };
        let mut owner: Option<SocketOwner> = None;
        for fd in fds.flatten() {
            let Ok(link) = std::fs::read_link(fd.path()) else {
                continue;
            };
            let Some(inode) = link.to_str().and_then(net::socket_inode) else {
                continue;
            };
            if owners.contains_key(&inode) {
                continue;
            }
            let o = owner.get_or_insert_with(|| {
                let status =
                    read_text(Path::new(&format!("/proc/{pid}/status"))).unwrap_or_default();
                let field = |name: &str| {
                    status
                        .lines()
                        .find_map(|l| l.strip_prefix(name))
                        .map(str::trim)
                        .unwrap_or_default()
                        .to_owned()
                };
                let uid = field("Uid:")
                    .split_whitespace()
                    .next()
                    .and_then(|u| u.parse().ok())
                    .unwrap_or(0);
                SocketOwner {
                    pid,
                    program: field("Name:"),
                    uid,
                }
            });
            owners.insert(inode, o.clone());
        }
    }
    owners
}

/// Read a small kernel text file whole.
fn read_text(path: &Path) -> Result<String> {
    let mut buf = Vec::new();
    File::open(path)
        .and_then(|f| f.take(PROC_LIMIT).read_to_end(&mut buf))
        .map_err(|e| Error::from_io(path, e))?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    File::open(path)
        .and_then(|f| f.take(PROC_LIMIT).read_to_end(&mut buf))
        .map_err(|e| Error::from_io(path, e))?;
    Ok(buf)
}

/// A `/proc/sys/kernel` value without its trailing newline.
fn kernel(name: &str) -> Result<String> {
    let text = read_text(&Path::new("/proc/sys/kernel").join(name))?;
    Ok(text.trim_end_matches('\n').to_string())
}

impl LiveHost {
    fn process(&self, pid: u32, boot: Option<i64>) -> Result<Process> {
        let dir = PathBuf::from(format!("/proc/{pid}"));
        let stat_path = dir.join("stat");
        let stat = read_text(&stat_path)?;
        let mut p = procfs::parse_stat(&stat)
            .ok_or_else(|| Error::invalid_data(&stat_path, "malformed stat line"))?;
        if let Ok(status) = read_text(&dir.join("status")) {
            procfs::apply_status(&mut p, &status);
        }
        if let Ok(cmdline) = read_bytes(&dir.join("cmdline")) {
            p.argv = procfs::parse_cmdline(&cmdline);
        }
        p.exe = std::fs::read_link(dir.join("exe")).ok();
        p.loginuid = read_text(&dir.join("loginuid"))
            .ok()
            .and_then(|s| s.trim().parse().ok());
        p.security_label = read_text(&dir.join("attr/current"))
            .ok()
            .map(|s| s.trim_end_matches(['\n', '\0']).to_string())
            .filter(|s| !s.is_empty());
        p.start_time = boot.map(|b| {
            let secs = i64::try_from(p.start_ticks / USER_HZ).unwrap_or(i64::MAX);
            let frac =
                u32::try_from((p.start_ticks % USER_HZ) * (1_000_000_000 / USER_HZ)).unwrap_or(0);
            Timestamp::new(b.saturating_add(secs), frac)
        });
        Ok(p)
    }
}

impl Target for LiveHost {
    fn metadata(&self, path: &Path) -> Result<Metadata> {
        check_path(path)?;
        std::fs::symlink_metadata(path)
            .map(|m| Metadata::from_std(&m))
            .map_err(|e| Error::from_io(path, e))
    }

    fn stat(&self, path: &Path) -> Result<Metadata> {
        check_path(path)?;
        std::fs::metadata(path)
            .map(|m| Metadata::from_std(&m))
            .map_err(|e| Error::from_io(path, e))
    }

    fn read_dir(&self, path: &Path) -> Result<Vec<DirEntry>> {
        check_path(path)?;
        let mut out = Vec::new();
        for entry in std::fs::read_dir(path).map_err(|e| Error::from_io(path, e))? {
            let entry = entry.map_err(|e| Error::from_io(path, e))?;
            let file_type = match entry.file_type() {
                Ok(t) => FileType::from(t),
                // Vanished between listing and typing.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(Error::from_io(path, e)),
            };
            out.push(DirEntry {
                name: entry.file_name(),
                file_type,
            });
        }
        Ok(out)
    }

    fn read_link(&self, path: &Path) -> Result<PathBuf> {
        let m = self.metadata(path)?;
        if !m.is_symlink() {
            return Err(Error::NotASymlink {
                path: path.to_path_buf(),
            });
        }
        std::fs::read_link(path).map_err(|e| Error::from_io(path, e))
    }

    fn open(&self, path: &Path) -> Result<Box<dyn Read + Send>> {
        use std::os::unix::fs::OpenOptionsExt;
        check_path(path)?;
        // O_NONBLOCK, then the type of what was opened: a file swapped for a FIFO after any
        // earlier stat must not block a worker forever, nor a device be read without end.
        let nonblock = rustix::fs::OFlags::NONBLOCK.bits() | rustix::fs::OFlags::NOCTTY.bits();
        let f = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(i32::try_from(nonblock).unwrap_or(0))
            .open(path)
            .map_err(|e| Error::from_io(path, e))?;
        let m = f.metadata().map_err(|e| Error::from_io(path, e))?;
        if m.is_dir() {
            return Err(Error::IsADirectory {
                path: path.to_path_buf(),
            });
        }
        if !m.is_file() {
            return Err(Error::Io {
                path: path.to_path_buf(),
                source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a regular file"),
            });
        }
        Ok(Box::new(f))
    }

    fn canonicalize(&self, path: &Path) -> Result<PathBuf> {
        check_path(path)?;
        std::fs::canonicalize(path).map_err(|e| Error::from_io(path, e))
    }

    fn xattr_names(&self, path: &Path, follow: Follow) -> Result<Vec<std::ffi::OsString>> {
        check_path(path)?;
        crate::xattr::list(path, deref(follow)).map_err(|e| Error::from_io(path, e))
    }

    fn xattr(
        &self,
        path: &Path,
        name: &std::ffi::OsStr,
        follow: Follow,
    ) -> Result<Option<Vec<u8>>> {
        check_path(path)?;
        crate::xattr::get(path, name, deref(follow)).map_err(|e| Error::from_io(path, e))
    }

    /// `false`: see [`Target::wants_scan_view`]. Measured on this project's build machine (a
    /// host tree of millions of files), the SSG Debian 11 OVAL took 3x the CPU through a
    /// view capped at 200,000 entries than straight.
    fn wants_scan_view(&self) -> bool {
        false
    }

    fn uname(&self) -> Result<Uname> {
        let machine = kernel("arch").unwrap_or_else(|_| std::env::consts::ARCH.to_string());
        Ok(Uname {
            sysname: kernel("ostype")?,
            nodename: kernel("hostname")?,
            release: kernel("osrelease")?,
            version: kernel("version")?,
            processor: machine.clone(),
            machine,
        })
    }

    fn environment(&self) -> Result<Vec<(String, String)>> {
        Ok(std::env::vars_os()
            .map(|(k, v)| {
                (
                    k.to_string_lossy().into_owned(),
                    v.to_string_lossy().into_owned(),
                )
            })
            .collect())
    }

    fn process_environment(&self, pid: u32) -> Result<Vec<(String, String)>> {
        let bytes = read_bytes(Path::new(&format!("/proc/{pid}/environ")))?;
        Ok(procfs::parse_environ(&bytes))
    }

    fn processes(&self) -> Result<Vec<Process>> {
        let boot = read_text(Path::new("/proc/stat"))
            .ok()
            .and_then(|s| procfs::parse_boot_time(&s));
        let mut pids: Vec<u32> = std::fs::read_dir("/proc")
            .map_err(|e| Error::from_io("/proc", e))?
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
            .collect();
        pids.sort_unstable();
        let mut out = Vec::with_capacity(pids.len());
        for pid in pids {
            // A process that exited meanwhile (ENOENT, ESRCH), is hidden (hidepid) or whose
            // stat cannot be parsed is not one we can report: skip it.
            if let Ok(p) = self.process(pid, boot) {
                out.push(p);
            }
        }
        Ok(out)
    }

    fn sysctl(&self, name: &str) -> Result<String> {
        let path = sysctl_path(name)?;
        let m = std::fs::metadata(&path).map_err(|e| Error::from_io(&path, e))?;
        if !m.is_file() {
            return Err(Error::NotFound { path });
        }
        Ok(read_text(&path)?.trim_end_matches('\n').to_string())
    }

    fn sysctl_names(&self) -> Result<Vec<String>> {
        let mut names = Vec::new();
        for entry in walk(self, Path::new("/proc/sys"), WalkOptions::new()) {
            let Ok(entry) = entry else { continue }; // unreadable subtrees are skipped
            if entry.file_type != FileType::Regular {
                continue;
            }
            let readable = self
                .metadata(&entry.path)
                .is_ok_and(|m| m.mode & 0o444 != 0);
            if let (true, Some(name)) = (readable, sysctl_name(&entry.path)) {
                names.push(name);
            }
        }
        names.sort();
        Ok(names)
    }

    fn mounts(&self) -> Result<Vec<Mount>> {
        Ok(procfs::parse_mounts(&read_text(Path::new(
            "/proc/self/mounts",
        ))?))
    }

    fn interfaces(&self) -> Result<Vec<Interface>> {
        let base = Path::new("/sys/class/net");
        let mut names: Vec<String> = std::fs::read_dir(base)
            .map_err(|e| Error::from_io(base, e))?
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .collect();
        names.sort();
        let attr = |name: &str, a: &str| {
            read_text(&base.join(name).join(a))
                .ok()
                .map(|s| s.trim().to_string())
        };
        let mut out = Vec::new();
        for name in names {
            let flags = attr(&name, "flags")
                .and_then(|s| u32::from_str_radix(s.trim_start_matches("0x"), 16).ok())
                .unwrap_or(0);
            out.push(Interface {
                index: attr(&name, "ifindex").and_then(|s| s.parse().ok()),
                hardware_type: attr(&name, "type").and_then(|s| s.parse().ok()),
                hardware_addr: attr(&name, "address").unwrap_or_default(),
                mtu: attr(&name, "mtu").and_then(|s| s.parse().ok()),
                flags,
                name,
                addresses: Vec::new(),
            });
        }
        let loopback = out
            .iter()
            .find(|i| i.flags & 0x8 != 0)
            .map(|i| i.name.clone());
        if let (Ok(fib), Ok(route)) = (
            read_text(Path::new("/proc/net/fib_trie")),
            read_text(Path::new("/proc/net/route")),
        ) {
            let locals = procfs::parse_fib_trie_local(&fib);
            let routes = procfs::parse_route(&route);
            for (iface, addr) in procfs::assign_ipv4(&locals, &routes, loopback.as_deref()) {
                if let Some(i) = out.iter_mut().find(|i| i.name == iface) {
                    i.addresses.push(addr);
                }
            }
        }
        if let Ok(text) = read_text(Path::new("/proc/net/if_inet6")) {
            for (iface, _, addr) in procfs::parse_if_inet6(&text) {
                if let Some(i) = out.iter_mut().find(|i| i.name == iface) {
                    i.addresses.push(addr);
                }
            }
        }
        Ok(out)
    }

    fn hostname(&self) -> Result<String> {
        kernel("hostname")
    }

    fn routes(&self) -> Result<Vec<RouteEntry>> {
        let mut routes = net::parse_route_v4(&read_text(Path::new("/proc/net/route"))?);
        // A kernel without IPv6 has no ipv6_route.
        if let Ok(text) = read_text(Path::new("/proc/net/ipv6_route")) {
            routes.extend(net::parse_route_v6(&text));
        }
        Ok(routes)
    }

    fn inet_sockets(&self) -> Result<Vec<InetSocket>> {
        let mut sockets = Vec::new();
        for (file, protocol, v6) in [
            ("tcp", "tcp", false),
            ("udp", "udp", false),
            ("tcp6", "tcp", true),
            ("udp6", "udp", true),
        ] {
            let path = Path::new("/proc/net").join(file);
            match read_text(&path) {
                Ok(text) => sockets.extend(net::parse_inet_sockets(&text, protocol, v6)),
                // No IPv6 in this kernel.
                Err(e) if v6 && e.is_absent() => {}
                Err(e) => return Err(e),
            }
        }
        let owners = socket_owners();
        for s in &mut sockets {
            s.owner = owners.get(&s.inode).cloned();
        }
        Ok(sockets)
    }

    fn packet_sockets(&self) -> Result<Vec<PacketSocket>> {
        let mut sockets = net::parse_packet_sockets(&read_text(Path::new("/proc/net/packet"))?);
        let owners = socket_owners();
        for s in &mut sockets {
            s.owner = owners.get(&s.inode).cloned();
        }
        Ok(sockets)
    }

    fn working_directory(&self) -> Result<PathBuf> {
        std::env::current_dir().map_err(|e| Error::from_io(Path::new("."), e))
    }

    fn container(&self) -> Result<ContainerInfo> {
        let found = |runtime: &str| {
            Ok(ContainerInfo {
                is_container: true,
                runtime: Some(runtime.to_string()),
            })
        };
        if Path::new("/.dockerenv").exists() {
            return found("docker");
        }
        if Path::new("/run/.containerenv").exists() {
            return found("podman");
        }
        if let Ok(s) = read_text(Path::new("/run/systemd/container")) {
            let s = s.trim();
            if !s.is_empty() {
                return found(s);
            }
        }
        if let Ok(env) = read_bytes(Path::new("/proc/1/environ")) {
            if let Some((_, v)) = procfs::parse_environ(&env)
                .into_iter()
                .find(|(k, v)| k == "container" && !v.is_empty())
            {
                return found(&v);
            }
        }
        if let Ok(cg) = read_text(Path::new("/proc/1/cgroup")) {
            for (needle, runtime) in [
                ("kubepods", "kubernetes"),
                ("docker", "docker"),
                ("libpod", "podman"),
                ("lxc", "lxc"),
            ] {
                if cg.contains(needle) {
                    return found(runtime);
                }
            }
        }
        Ok(ContainerInfo::default())
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn our_own_process_is_listed() {
        let host = LiveHost::new();
        let me = std::process::id();
        let procs = host.processes().unwrap();
        let p = procs.iter().find(|p| p.pid == me).expect("own pid listed");
        assert_eq!(p.ppid, std::os::unix::process::parent_id());
        assert_eq!(p.exe.as_deref(), std::env::current_exe().ok().as_deref());
        assert!(!p.argv.is_empty());
        assert!(p.start_time.is_some());
        assert!(procs.windows(2).all(|w| w[0].pid < w[1].pid));
    }

    #[test]
    fn uname_and_hostname_agree() {
        let host = LiveHost::new();
        let u = host.uname().unwrap();
        assert_eq!(u.sysname, "Linux");
        assert_eq!(u.nodename, host.hostname().unwrap());
        assert!(!u.release.is_empty() && !u.machine.is_empty());
    }

    #[test]
    fn sysctl_round_trip() {
        let host = LiveHost::new();
        let v = host.sysctl("kernel.ostype").unwrap();
        assert_eq!(v, "Linux");
        assert!(
            host.sysctl("kernel.no_such_knob")
                .unwrap_err()
                .is_not_found()
        );
        assert!(matches!(
            host.sysctl("kernel..ostype"),
            Err(Error::InvalidPath { .. })
        ));
        let names = host.sysctl_names().unwrap();
        assert!(names.iter().any(|n| n == "kernel.ostype"));
    }

    #[test]
    fn mounts_include_proc() {
        let m = LiveHost::new().mounts().unwrap();
        assert!(m.iter().any(|m| m.fs_type == "proc"));
    }

    #[test]
    fn interfaces_have_loopback() {
        let i = LiveHost::new().interfaces().unwrap();
        let lo = i.iter().find(|i| i.flags & 0x8 != 0).expect("a loopback");
        assert_eq!(lo.hardware_type_name(), Some("ARPHRD_LOOPBACK"));
    }

    #[test]
    fn a_listening_socket_of_this_process_is_seen_with_its_owner() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let sockets = LiveHost::new().inet_sockets().unwrap();
        let s = sockets
            .iter()
            .find(|s| s.protocol == "tcp" && s.local.port() == port)
            .expect("our listener in /proc/net/tcp");
        assert_eq!(s.state, 0x0A, "TCP_LISTEN");
        assert_eq!(s.local.ip().to_string(), "127.0.0.1");
        let owner = s.owner.as_ref().expect("our own process is visible");
        assert_eq!(owner.pid, std::process::id());
        // Routes: every route names an interface (a host may have none at all).
        for r in LiveHost::new().routes().unwrap() {
            assert!(!r.interface.is_empty());
        }
    }

    #[test]
    fn environment_is_our_own() {
        let env = LiveHost::new().environment().unwrap();
        let path = std::env::var("PATH").unwrap_or_default();
        assert!(env.iter().any(|(k, v)| k == "PATH" && *v == path));
    }

    #[test]
    fn files_use_kernel_resolution() {
        let host = LiveHost::new();
        assert!(host.stat(Path::new("/proc/self")).unwrap().is_dir());
        assert!(host.metadata(Path::new("/proc/self")).unwrap().is_symlink());
        assert!(matches!(
            host.read_link(Path::new("/proc")),
            Err(Error::NotASymlink { .. })
        ));
        assert!(matches!(
            host.metadata(Path::new("relative")),
            Err(Error::InvalidPath { .. })
        ));
        // Relative paths in content are resolved by the caller against this.
        assert_eq!(
            host.working_directory().unwrap(),
            std::env::current_dir().unwrap()
        );
        assert!(
            crate::MemoryTarget::new()
                .working_directory()
                .unwrap_err()
                .is_not_collectable()
        );
        assert!(matches!(
            host.open(Path::new("/proc")),
            Err(Error::IsADirectory { .. })
        ));
        let os = host
            .read(Path::new("/proc/sys/kernel/ostype"), 100)
            .unwrap();
        assert_eq!(os, b"Linux\n");
    }
}
