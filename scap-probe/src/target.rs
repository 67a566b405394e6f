//! The [`Target`] trait: the one seam between probes and the system they look at.

use std::ffi::{OsStr, OsString};
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{Error, Fact, Result};
use crate::facts::{ContainerInfo, Facts, Interface, Mount, Process, Uname};
use crate::metadata::{DirEntry, FileType, Metadata};
use crate::net::{InetSocket, PacketSocket, RouteEntry};
use crate::resolve::{Follow, Lookup, resolve};

/// The size limit [`Target::read`] callers use unless they have a reason not to: 64 MiB.
pub const DEFAULT_READ_LIMIT: u64 = 64 * 1024 * 1024;

/// A system to be probed: a filesystem plus host facts.
///
/// Every path is a path *as seen inside the target*: absolute (`/etc/passwd`), never a host
/// path. A relative path is [`Error::InvalidPath`].
///
/// # What a backend implements
///
/// Four required methods, with the semantics of the POSIX calls they are named after, applied
/// inside the target: symbolic links in every component but the last are followed (for
/// `open` and `read_dir` the last too), absolute link targets start at the target's root, and
/// `..` at the root stays there. [`resolve`](crate::resolve()) does that resolution for a
/// backend that can only look at physical paths.
///
/// - [`metadata`](Target::metadata): `lstat(2)`.
/// - [`read_dir`](Target::read_dir): the entries of a directory.
/// - [`read_link`](Target::read_link): `readlink(2)`.
/// - [`open`](Target::open): a streamed reader of a regular file.
///
/// Everything else has a default: [`stat`](Target::stat) and
/// [`canonicalize`](Target::canonicalize) resolve links through the four, [`read`](Target::read)
/// reads through `open` with a size limit, and every host fact ([`uname`](Target::uname),
/// [`processes`](Target::processes), ...) answers [`Error::NotCollectable`]: a target that cannot
/// give a fact says so, which is a different answer from an empty list. Override what the
/// backend can do better.
///
/// `Target` is object safe and `Send + Sync`: probes take `&dyn Target` and may call it from
/// several threads at once.
pub trait Target: Send + Sync {
    /// Metadata of `path` without following it if it is a symbolic link (`lstat`).
    fn metadata(&self, path: &Path) -> Result<Metadata>;

    /// The entries of the directory `path` (following links), in any order, without `.` and
    /// `..`. Entry types are as `lstat` gives them.
    fn read_dir(&self, path: &Path) -> Result<Vec<DirEntry>>;

    /// The target of the symbolic link `path`, verbatim; [`Error::NotASymlink`] if it is not
    /// one.
    fn read_link(&self, path: &Path) -> Result<PathBuf>;

    /// A streamed reader of the regular file `path` (following links).
    /// [`Error::IsADirectory`] for a directory; backends may refuse other non-regular files
    /// (a FIFO would block) with [`Error::Io`].
    fn open(&self, path: &Path) -> Result<Box<dyn Read + Send>>;

    /// Metadata of `path`, following symbolic links (`stat`).
    ///
    /// Default: [`canonicalize`](Target::canonicalize) then [`metadata`](Target::metadata).
    fn stat(&self, path: &Path) -> Result<Metadata> {
        let real = self.canonicalize(path)?;
        self.metadata(&real).map_err(|e| e.with_path(path))
    }

    /// The physical path `path` names inside the target: absolute, no `.`/`..`, no symbolic
    /// links (each followed with the jail rules of [`resolve`](crate::resolve())). The file must
    /// exist.
    ///
    /// Default: [`resolve`](crate::resolve()) over [`metadata`](Target::metadata) and
    /// [`read_link`](Target::read_link).
    fn canonicalize(&self, path: &Path) -> Result<PathBuf> {
        resolve(&AsLookup(self), path, Follow::All).map(|r| r.path)
    }

    /// Whether `path` exists (following links): `Ok(false)` for [`Error::NotFound`] and
    /// [`Error::NotADirectory`], other errors (a link loop, no permission) are passed on.
    fn exists(&self, path: &Path) -> Result<bool> {
        match self.stat(path) {
            Ok(_) => Ok(true),
            Err(e) if e.is_absent() => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The whole content of the regular file `path`, at most `limit` bytes; a longer file is
    /// [`Error::TooLarge`] (nothing is returned rather than a truncated file). Use
    /// [`DEFAULT_READ_LIMIT`] unless there is a reason for another.
    ///
    /// Default: reads [`open`](Target::open) up to `limit + 1` bytes.
    fn read(&self, path: &Path, limit: u64) -> Result<Vec<u8>> {
        let reader = self.open(path)?;
        let mut buf = Vec::new();
        reader
            .take(limit.saturating_add(1))
            .read_to_end(&mut buf)
            .map_err(|e| Error::from_io(path, e))?;
        if u64::try_from(buf.len()).unwrap_or(u64::MAX) > limit {
            return Err(Error::TooLarge {
                path: path.to_path_buf(),
                limit,
            });
        }
        Ok(buf)
    }

    /// Facts a caller supplied for this target (an offline tree's environment, an image's
    /// config). The fact methods below answer from them by default, so a backend that keeps a
    /// [`Facts`] only returns it here. Default: none, every fact not collectable.
    fn facts(&self) -> Option<&Facts> {
        None
    }

    /// The kernel identification (`uname(2)`). Default: from [`Target::facts`], else not
    /// collectable.
    fn uname(&self) -> Result<Uname> {
        self.facts()
            .map_or(Err(Error::not_collectable(Fact::Uname)), Facts::uname)
    }

    /// The environment variables of the scan context (name, value) in the order found: on a
    /// live host, the scanner's own environment. Default: from [`Target::facts`], else not
    /// collectable.
    fn environment(&self) -> Result<Vec<(String, String)>> {
        self.facts().map_or(
            Err(Error::not_collectable(Fact::Environment)),
            Facts::environment,
        )
    }

    /// The environment of process `pid` (OVAL `environmentvariable58`); [`Error::NotFound`]
    /// if there is no such process. Default: from [`Target::facts`], else not collectable.
    fn process_environment(&self, pid: u32) -> Result<Vec<(String, String)>> {
        match self.facts() {
            Some(f) => f.process_environment(pid),
            None => Err(Error::not_collectable(Fact::ProcessEnvironment)),
        }
    }

    /// The running processes, ordered by pid. Default: from [`Target::facts`], else not
    /// collectable.
    fn processes(&self) -> Result<Vec<Process>> {
        self.facts().map_or(
            Err(Error::not_collectable(Fact::Processes)),
            Facts::processes,
        )
    }

    /// The value of kernel parameter `name` in dotted form (`net.ipv4.ip_forward`), as text
    /// without the trailing newline; [`Error::NotFound`] if there is no such parameter (its
    /// path is [`sysctl_path`](crate::sysctl_path)`(name)`). Default: from
    /// [`Target::facts`], else not collectable.
    fn sysctl(&self, name: &str) -> Result<String> {
        match self.facts() {
            Some(f) => f.sysctl(name),
            None => Err(Error::not_collectable(Fact::Sysctl)),
        }
    }

    /// The names of all readable kernel parameters, sorted. Default: from [`Target::facts`],
    /// else not collectable.
    fn sysctl_names(&self) -> Result<Vec<String>> {
        self.facts().map_or(
            Err(Error::not_collectable(Fact::Sysctl)),
            Facts::sysctl_names,
        )
    }

    /// The mounted filesystems in mount order. Default: from [`Target::facts`], else not
    /// collectable.
    fn mounts(&self) -> Result<Vec<Mount>> {
        self.facts()
            .map_or(Err(Error::not_collectable(Fact::Mounts)), Facts::mounts)
    }

    /// The network interfaces, ordered by name. Default: from [`Target::facts`], else not
    /// collectable.
    fn interfaces(&self) -> Result<Vec<Interface>> {
        self.facts().map_or(
            Err(Error::not_collectable(Fact::Interfaces)),
            Facts::interfaces,
        )
    }

    /// The host name. Default: from [`Target::facts`], else not collectable.
    fn hostname(&self) -> Result<String> {
        self.facts()
            .map_or(Err(Error::not_collectable(Fact::Hostname)), Facts::hostname)
    }

    /// Whether the target is a container, and which runtime. Default: from
    /// [`Target::facts`], else not collectable.
    fn container(&self) -> Result<ContainerInfo> {
        self.facts().map_or(
            Err(Error::not_collectable(Fact::Container)),
            Facts::container,
        )
    }

    /// The absolute directory a relative path in content (`./x` in an OVAL `filepath`) names
    /// a file under: on a live host the scanner's working directory, as oscap resolves it.
    /// Default: not collectable (an offline tree or an image has no working directory; oscap
    /// with `OSCAP_PROBE_ROOT` finds nothing at a relative path either).
    fn working_directory(&self) -> Result<PathBuf> {
        Err(Error::not_collectable(Fact::WorkingDirectory))
    }

    /// The kernel's routes, IPv4 then IPv6 (OVAL `routingtable`). Default: from
    /// [`Target::facts`], else not collectable (a tree on disk has no routes).
    fn routes(&self) -> Result<Vec<RouteEntry>> {
        self.facts()
            .map_or(Err(Error::not_collectable(Fact::Routes)), Facts::routes)
    }

    /// The TCP and UDP sockets, IPv4 and IPv6, with the process holding each where it can be
    /// seen (OVAL `inetlisteningservers`). Default: from [`Target::facts`], else not
    /// collectable.
    fn inet_sockets(&self) -> Result<Vec<InetSocket>> {
        self.facts().map_or(
            Err(Error::not_collectable(Fact::Sockets)),
            Facts::inet_sockets,
        )
    }

    /// The packet sockets, with the process holding each where it can be seen (OVAL
    /// `iflisteners`). Default: from [`Target::facts`], else not collectable.
    fn packet_sockets(&self) -> Result<Vec<PacketSocket>> {
        self.facts().map_or(
            Err(Error::not_collectable(Fact::Sockets)),
            Facts::packet_sockets,
        )
    }

    /// The names of the extended attributes of `path` (`user.*`, `security.selinux`,
    /// `security.capability`...), in the order the backend keeps them. With
    /// [`Follow::Parents`] a final symbolic link is not followed (`llistxattr`: the link's own
    /// attributes), with [`Follow::All`] it is. A file system without extended attributes
    /// gives an empty list.
    ///
    /// Default: not collectable ([`Fact::ExtendedAttributes`]), for a backend that cannot see
    /// them; the built-in backends all can.
    ///
    /// ```
    /// use std::path::Path;
    /// use scap_probe::{Follow, MemoryTarget, Target};
    ///
    /// let mut t = MemoryTarget::new();
    /// t.add_file("/usr/bin/ping", "").set_xattr("/usr/bin/ping", "security.capability", [1, 0, 0, 2]);
    /// let names = t.xattr_names(Path::new("/usr/bin/ping"), Follow::Parents)?;
    /// assert_eq!(names, ["security.capability"]);
    /// # Ok::<(), scap_probe::Error>(())
    /// ```
    fn xattr_names(&self, path: &Path, follow: Follow) -> Result<Vec<OsString>> {
        let _ = (path, follow);
        Err(Error::not_collectable(Fact::ExtendedAttributes))
    }

    /// The value of extended attribute `name` of `path`; `Ok(None)` if the file has no
    /// attribute of that name. `follow` as for [`xattr_names`](Target::xattr_names).
    ///
    /// Default: not collectable ([`Fact::ExtendedAttributes`]).
    ///
    /// ```
    /// use std::ffi::OsStr;
    /// use std::path::Path;
    /// use scap_probe::{Follow, MemoryTarget, Target};
    ///
    /// let mut t = MemoryTarget::new();
    /// t.add_file("/etc/shadow", "")
    ///     .set_xattr("/etc/shadow", "security.selinux", "system_u:object_r:shadow_t:s0\0");
    /// let label = t.xattr(Path::new("/etc/shadow"), OsStr::new("security.selinux"), Follow::All)?;
    /// assert_eq!(label.as_deref(), Some(&b"system_u:object_r:shadow_t:s0\0"[..]));
    /// assert_eq!(t.xattr(Path::new("/etc/shadow"), OsStr::new("user.x"), Follow::All)?, None);
    /// # Ok::<(), scap_probe::Error>(())
    /// ```
    fn xattr(&self, path: &Path, name: &OsStr, follow: Follow) -> Result<Option<Vec<u8>>> {
        let _ = (path, name, follow);
        Err(Error::not_collectable(Fact::ExtendedAttributes))
    }

    /// Whether a scan should ask this target through a [`ScanView`](crate::ScanView) (one
    /// look at each path per scan). Default `true`. [`LiveHost`](crate::LiveHost) says
    /// `false`: the kernel resolves and caches its paths already, in one call each, and a
    /// host's tree is larger than any cap, so a view would only add work;
    /// `OciImage` says `false`, its tree being in memory already; a
    /// `ScanView` says `false`, being one.
    fn wants_scan_view(&self) -> bool {
        true
    }

    /// Every entry a [`walk`](crate::walk()) from `start` with `options` yields (its errors
    /// left out), when this target keeps walks for the scan: the file objects over one subtree
    /// then filter one walk instead of walking it each. `None`: not kept, walk it yourself.
    ///
    /// Default `None`. A [`ScanView`](crate::ScanView) keeps walks within its
    /// [`ViewLimits`](crate::ViewLimits).
    ///
    /// ```
    /// use std::path::Path;
    /// use scap_probe::{MemoryTarget, Target, WalkOptions};
    /// let mut t = MemoryTarget::new();
    /// t.add_file("/etc/issue", "");
    /// assert!(t.shared_walk(Path::new("/etc"), WalkOptions::new()).is_none());
    /// ```
    fn shared_walk(
        &self,
        start: &Path,
        options: crate::WalkOptions,
    ) -> Option<std::sync::Arc<[crate::WalkEntry]>> {
        let _ = (start, options);
        None
    }
}

/// The host name of a target that is a tree on disk (an offline root, an image): the facts'
/// host name if the caller set one, else the first line of the tree's `/etc/hostname`.
pub(crate) fn hostname_of_tree<T: Target + ?Sized>(target: &T) -> Result<String> {
    if let Some(h) = target.facts().and_then(|f| f.hostname.as_ref()) {
        return Ok(h.clone());
    }
    match target.read(Path::new("/etc/hostname"), 64 * 1024) {
        Ok(bytes) => String::from_utf8_lossy(&bytes)
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .ok_or(Error::not_collectable(Fact::Hostname)),
        Err(e) if e.is_absent() => Err(Error::not_collectable(Fact::Hostname)),
        Err(e) => Err(e),
    }
}

/// Let the resolver look through a target's own `metadata` and `read_link`.
struct AsLookup<'a, T: ?Sized>(&'a T);

impl<T: Target + ?Sized> Lookup for AsLookup<'_, T> {
    fn entry_type(&self, physical: &Path) -> Result<FileType> {
        self.0.metadata(physical).map(|m| m.file_type)
    }

    fn link_target(&self, physical: &Path) -> Result<PathBuf> {
        self.0.read_link(physical)
    }
}

/// Forward every method (defaults included, so overrides are kept) through a pointer type.
macro_rules! forward_target {
    ($($ptr:ty),*) => {$(
        impl<T: Target + ?Sized> Target for $ptr {
            fn metadata(&self, path: &Path) -> Result<Metadata> {
                (**self).metadata(path)
            }
            fn read_dir(&self, path: &Path) -> Result<Vec<DirEntry>> {
                (**self).read_dir(path)
            }
            fn read_link(&self, path: &Path) -> Result<PathBuf> {
                (**self).read_link(path)
            }
            fn open(&self, path: &Path) -> Result<Box<dyn Read + Send>> {
                (**self).open(path)
            }
            fn stat(&self, path: &Path) -> Result<Metadata> {
                (**self).stat(path)
            }
            fn canonicalize(&self, path: &Path) -> Result<PathBuf> {
                (**self).canonicalize(path)
            }
            fn exists(&self, path: &Path) -> Result<bool> {
                (**self).exists(path)
            }
            fn read(&self, path: &Path, limit: u64) -> Result<Vec<u8>> {
                (**self).read(path, limit)
            }
            fn facts(&self) -> Option<&Facts> {
                (**self).facts()
            }
            fn uname(&self) -> Result<Uname> {
                (**self).uname()
            }
            fn environment(&self) -> Result<Vec<(String, String)>> {
                (**self).environment()
            }
            fn process_environment(&self, pid: u32) -> Result<Vec<(String, String)>> {
                (**self).process_environment(pid)
            }
            fn processes(&self) -> Result<Vec<Process>> {
                (**self).processes()
            }
            fn sysctl(&self, name: &str) -> Result<String> {
                (**self).sysctl(name)
            }
            fn sysctl_names(&self) -> Result<Vec<String>> {
                (**self).sysctl_names()
            }
            fn mounts(&self) -> Result<Vec<Mount>> {
                (**self).mounts()
            }
            fn interfaces(&self) -> Result<Vec<Interface>> {
                (**self).interfaces()
            }
            fn hostname(&self) -> Result<String> {
                (**self).hostname()
            }
            fn container(&self) -> Result<ContainerInfo> {
                (**self).container()
            }
            fn working_directory(&self) -> Result<PathBuf> {
                (**self).working_directory()
            }
            fn xattr_names(&self, path: &Path, follow: Follow) -> Result<Vec<OsString>> {
                (**self).xattr_names(path, follow)
            }
            fn routes(&self) -> Result<Vec<RouteEntry>> {
                (**self).routes()
            }
            fn inet_sockets(&self) -> Result<Vec<InetSocket>> {
                (**self).inet_sockets()
            }
            fn packet_sockets(&self) -> Result<Vec<PacketSocket>> {
                (**self).packet_sockets()
            }
            fn xattr(&self, path: &Path, name: &OsStr, follow: Follow) -> Result<Option<Vec<u8>>> {
                (**self).xattr(path, name, follow)
    }

            fn wants_scan_view(&self) -> bool {
                (**self).wants_scan_view()
            }
            fn shared_walk(
                &self,
                start: &Path,
                options: crate::WalkOptions,
            ) -> Option<std::sync::Arc<[crate::WalkEntry]>> {
                (**self).shared_walk(start, options)
            }
        }
    )*};
}

// `&T`, `Box<T>` and `Arc<T>` of a target are targets, so `&dyn Target`, `Box<dyn Target>` and
// `Arc<dyn Target>` can be passed where an `impl Target` is wanted.
forward_target!(&T, Box<T>, std::sync::Arc<T>);

/// The `/proc/sys` path of kernel parameter `name`.
///
/// Dotted names map dots to `/` (`net.ipv4.ip_forward` is `/proc/sys/net/ipv4/ip_forward`).
/// As in `sysctl(8)`, a name whose first `/` comes before its first `.` is taken as written in
/// slash form, so components that contain dots stay reachable
/// (`net/ipv4/conf/eth0.100/rp_filter`). [`sysctl_name`] is the inverse.
///
/// ```
/// use std::path::Path;
/// use scap_probe::{sysctl_name, sysctl_path};
/// let p = sysctl_path("net.ipv4.ip_forward")?;
/// assert_eq!(p, Path::new("/proc/sys/net/ipv4/ip_forward"));
/// let vlan = sysctl_path("net/ipv4/conf/eth0.100/rp_filter")?;
/// assert_eq!(sysctl_name(&vlan).as_deref(), Some("net.ipv4.conf.eth0/100.rp_filter"));
/// assert!(sysctl_path("kernel..x").is_err());
/// # Ok::<(), scap_probe::Error>(())
/// ```
pub fn sysctl_path(name: &str) -> Result<PathBuf> {
    let invalid = |reason| Error::InvalidPath {
        path: PathBuf::from(name),
        reason,
    };
    let slash_form = match (name.find('/'), name.find('.')) {
        (Some(s), Some(d)) => s < d,
        (Some(_), None) => true,
        _ => false,
    };
    let sep = if slash_form { '/' } else { '.' };
    let mut path = PathBuf::from("/proc/sys");
    for comp in name.split(sep) {
        let comp = if slash_form {
            comp.to_string()
        } else {
            comp.replace('/', ".")
        };
        if comp.is_empty() || comp == "." || comp == ".." {
            return Err(invalid("not a sysctl name (empty, `.` or `..` component)"));
        }
        if comp.contains('\0') {
            return Err(invalid("contains a NUL byte"));
        }
        path.push(comp);
    }
    Ok(path)
}

/// The dotted kernel parameter name of a `/proc/sys` path (dots inside a component become
/// `/`, as `sysctl -a` prints them); `None` for a path outside `/proc/sys` or not UTF-8.
pub fn sysctl_name(path: &Path) -> Option<String> {
    let rest = path.strip_prefix("/proc/sys").ok()?;
    let mut parts = Vec::new();
    for c in rest.components() {
        match c {
            std::path::Component::Normal(n) => parts.push(n.to_str()?.replace('.', "/")),
            _ => return None,
        }
    }
    if parts.is_empty() {
        return None;
    }
    Some(parts.join("."))
}
