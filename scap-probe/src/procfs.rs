//! Parsers for the text files of Linux `/proc` that [`LiveHost`](crate::LiveHost) reads.
//!
//! Public so a backend that fetches these files another way (over SSH, from a saved
//! `sosreport`) can reuse them, and so they can be fuzzed. Each takes the file's text and never
//! panics; malformed lines are skipped.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::PathBuf;

use crate::facts::{InterfaceAddress, Mount, Process};

/// Fill a [`Process`] from the text of `/proc/[pid]/stat`: pid, comm, state, ppid, session,
/// tty, CPU ticks, priority, nice, start ticks, real-time priority and policy. `None` if the
/// line is malformed. The command name may contain spaces and parentheses: it runs to the
/// *last* `)`.
///
/// ```
/// let p = scap_probe::procfs::parse_stat(
///     "42 (my (odd) cmd) S 1 42 42 34816 42 4194560 1 0 0 0 3 4 0 0 20 0 1 0 777 0 0 \
///      18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0",
/// ).unwrap();
/// assert_eq!((p.pid, p.ppid, p.comm.as_str(), p.state), (42, 1, "my (odd) cmd", 'S'));
/// assert_eq!((p.cpu_ticks, p.priority, p.start_ticks, p.policy), (7, 20, 777, Some(0)));
/// ```
pub fn parse_stat(text: &str) -> Option<Process> {
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    let pid = text.get(..open)?.trim().parse().ok()?;
    let comm = text.get(open + 1..close)?.to_string();
    let rest: Vec<&str> = text.get(close + 1..)?.split_whitespace().collect();
    // rest[0] is field 3 (state); field n is rest[n - 3].
    let field = |n: usize| rest.get(n - 3).copied();
    let num = |n: usize| field(n).and_then(|s| s.parse::<u64>().ok());
    let inum = |n: usize| field(n).and_then(|s| s.parse::<i64>().ok());
    Some(Process {
        pid,
        comm,
        state: field(3)?.chars().next()?,
        ppid: u32::try_from(num(4)?).ok()?,
        session_id: u32::try_from(inum(6)?).unwrap_or(0),
        tty_nr: u64::try_from(inum(7)?).unwrap_or(0),
        cpu_ticks: num(14)?.saturating_add(num(15)?),
        priority: inum(18)?,
        nice: inum(19)?,
        start_ticks: num(22)?,
        rt_priority: num(40).and_then(|v| u32::try_from(v).ok()),
        policy: num(41).and_then(|v| u32::try_from(v).ok()),
        ..Process::default()
    })
}

/// Fill the ids and capabilities of `p` from the text of `/proc/[pid]/status` (`Uid:`, `Gid:`,
/// `CapEff:`, `CapPrm:` lines). Missing lines leave fields unchanged.
pub fn apply_status(p: &mut Process, text: &str) {
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let ids: Vec<u32> = value
            .split_whitespace()
            .filter_map(|s| s.parse().ok())
            .collect();
        match (key, ids.as_slice()) {
            ("Uid", [r, e, s, f, ..]) => (p.uid, p.euid, p.suid, p.fsuid) = (*r, *e, *s, *f),
            ("Gid", [r, e, s, f, ..]) => (p.gid, p.egid, p.sgid, p.fsgid) = (*r, *e, *s, *f),
            ("CapEff", _) => p.cap_effective = u64::from_str_radix(value.trim(), 16).ok(),
            ("CapPrm", _) => p.cap_permitted = u64::from_str_radix(value.trim(), 16).ok(),
            _ => {}
        }
    }
}

/// Split `/proc/[pid]/cmdline` at NUL bytes (lossy UTF-8; a trailing NUL ends the last
/// argument).
pub fn parse_cmdline(bytes: &[u8]) -> Vec<String> {
    let bytes = bytes.strip_suffix(&[0]).unwrap_or(bytes);
    if bytes.is_empty() {
        return Vec::new();
    }
    bytes
        .split(|b| *b == 0)
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect()
}

/// Split `/proc/[pid]/environ` (NUL-separated `NAME=value`) into pairs; entries without `=`
/// are skipped.
pub fn parse_environ(bytes: &[u8]) -> Vec<(String, String)> {
    bytes
        .split(|b| *b == 0)
        .filter_map(|e| {
            let e = String::from_utf8_lossy(e);
            let (k, v) = e.split_once('=')?;
            Some((k.to_string(), v.to_string()))
        })
        .collect()
}

/// The boot time (`btime` line of `/proc/stat`) in seconds since the epoch.
pub fn parse_boot_time(text: &str) -> Option<i64> {
    text.lines()
        .find_map(|l| l.strip_prefix("btime "))
        .and_then(|v| v.trim().parse().ok())
}

/// Undo the octal escapes (`\040` space, `\011` tab, `\012` newline, `\134` backslash) of
/// `/proc/self/mounts` fields. Anything else is kept verbatim.
///
/// ```
/// assert_eq!(scap_probe::procfs::unescape_octal(r"/mnt/my\040disk\134x"), r"/mnt/my disk\x");
/// ```
pub fn unescape_octal(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if let (b'\\', Some(digits)) = (b[i], b.get(i + 1..i + 4)) {
            if digits.iter().all(|d| (b'0'..=b'7').contains(d)) {
                let v = digits
                    .iter()
                    .fold(0u32, |acc, d| acc * 8 + u32::from(d - b'0'));
                if let Ok(byte) = u8::try_from(v) {
                    out.push(byte);
                    i += 4;
                    continue;
                }
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Parse `/proc/self/mounts` (or `/etc/mtab`, `/etc/fstab`-shaped text): device, mount point,
/// type, options per line; comment and short lines skipped.
pub fn parse_mounts(text: &str) -> Vec<Mount> {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|line| {
            let mut f = line.split_whitespace();
            let (device, point, fs_type, options) = (f.next()?, f.next()?, f.next()?, f.next()?);
            Some(Mount {
                device: unescape_octal(device),
                mount_point: PathBuf::from(unescape_octal(point)),
                fs_type: unescape_octal(fs_type),
                options: options.split(',').map(unescape_octal).collect(),
            })
        })
        .collect()
}

/// One line of `/proc/net/if_inet6`: (interface name, interface index, address).
pub fn parse_if_inet6(text: &str) -> Vec<(String, u32, InterfaceAddress)> {
    text.lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let [hex, index, prefix, _scope, _flags, name] = f.as_slice() else {
                return None;
            };
            let addr = u128::from_str_radix(hex, 16)
                .ok()
                .filter(|_| hex.len() == 32)?;
            Some((
                (*name).to_string(),
                u32::from_str_radix(index, 16).ok()?,
                InterfaceAddress {
                    addr: IpAddr::V6(Ipv6Addr::from(addr)),
                    prefix_len: u8::from_str_radix(prefix, 16).ok()?,
                },
            ))
        })
        .collect()
}

/// The local IPv4 addresses in `/proc/net/fib_trie`: each leaf `|-- a.b.c.d` followed by a
/// `/32 host LOCAL` line. Sorted, without duplicates (the trie lists tables twice).
pub fn parse_fib_trie_local(text: &str) -> Vec<Ipv4Addr> {
    let mut leaf: Option<Ipv4Addr> = None;
    let mut out = Vec::new();
    for line in text.lines() {
        let t = line.trim();
        if let Some(a) = t.strip_prefix("|-- ") {
            leaf = a.trim().parse().ok();
        } else if t.starts_with("/32 host LOCAL") {
            if let Some(a) = leaf {
                out.push(a);
            }
        } else if t.starts_with("+--") {
            leaf = None;
        }
    }
    out.sort();
    out.dedup();
    out
}

/// One route of `/proc/net/route`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// Interface name.
    pub iface: String,
    /// Destination network.
    pub destination: Ipv4Addr,
    /// Network mask.
    pub mask: Ipv4Addr,
}

/// Parse `/proc/net/route` (addresses are printed as native-endian hex of network-order
/// values).
pub fn parse_route(text: &str) -> Vec<Route> {
    let hex = |s: &str| {
        u32::from_str_radix(s, 16)
            .ok()
            .map(|v| Ipv4Addr::from(v.to_ne_bytes()))
    };
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            Some(Route {
                iface: (*f.first()?).to_string(),
                destination: hex(f.get(1)?)?,
                mask: hex(f.get(7)?)?,
            })
        })
        .collect()
}

/// Assign local IPv4 addresses to interfaces without netlink: each address goes to the
/// interface of the most specific non-default route containing it, with that route's prefix;
/// loopback addresses (127/8) go to `loopback` with prefix 8. Addresses no route covers are
/// left out.
pub fn assign_ipv4(
    locals: &[Ipv4Addr],
    routes: &[Route],
    loopback: Option<&str>,
) -> Vec<(String, InterfaceAddress)> {
    let mut out = Vec::new();
    for a in locals {
        if a.is_loopback() {
            if let Some(lo) = loopback {
                out.push((
                    lo.to_string(),
                    InterfaceAddress {
                        addr: IpAddr::V4(*a),
                        prefix_len: 8,
                    },
                ));
            }
            continue;
        }
        let best = routes
            .iter()
            .filter(|r| u32::from(r.mask) != 0)
            .filter(|r| u32::from(*a) & u32::from(r.mask) == u32::from(r.destination))
            .max_by_key(|r| u32::from(r.mask).count_ones());
        if let Some(r) = best {
            let prefix_len = u8::try_from(u32::from(r.mask).count_ones()).unwrap_or(32);
            out.push((
                r.iface.clone(),
                InterfaceAddress {
                    addr: IpAddr::V4(*a),
                    prefix_len,
                },
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_survives_garbage() {
        for s in [
            "",
            "(",
            ")",
            "1 (x",
            "x (y) S",
            "1 () S 1",
            "1 (a) S 2 3 4 5",
        ] {
            assert!(parse_stat(s).is_none(), "{s:?}");
        }
    }

    #[test]
    fn status_ids_and_caps() {
        let mut p = Process::default();
        apply_status(
            &mut p,
            "Name:\tsshd\nUid:\t1000\t0\t2\t3\nGid:\t4\t5\t6\t7\nCapPrm:\t000001ffffffffff\nCapEff:\t0000000000000000\n",
        );
        assert_eq!((p.uid, p.euid, p.suid, p.fsuid), (1000, 0, 2, 3));
        assert_eq!((p.gid, p.egid, p.sgid, p.fsgid), (4, 5, 6, 7));
        assert_eq!(p.cap_permitted, Some(0x1ff_ffff_ffff));
        assert_eq!(p.cap_effective, Some(0));
    }

    #[test]
    fn cmdline_and_environ() {
        assert_eq!(
            parse_cmdline(b"/bin/sh\0-c\0echo hi\0"),
            ["/bin/sh", "-c", "echo hi"]
        );
        assert!(parse_cmdline(b"").is_empty());
        assert_eq!(
            parse_environ(b"A=1\0B=x=y\0junk\0"),
            [("A".into(), "1".into()), ("B".into(), "x=y".into())]
        );
    }

    #[test]
    fn mounts_unescape() {
        let m = parse_mounts(
            "/dev/sda1 / ext4 rw,relatime 0 0\n# c\nfoo\n/dev/sdb1 /mnt/a\\040b vfat ro 0 0\n",
        );
        assert_eq!(m.len(), 2);
        assert_eq!(m[1].mount_point, PathBuf::from("/mnt/a b"));
        assert_eq!(m[0].options, ["rw", "relatime"]);
        assert_eq!(unescape_octal("\\777\\0"), "\\777\\0");
    }

    const FIB: &str = include_str!("../tests/data/proc-net-fib_trie.txt");
    const ROUTE: &str = include_str!("../tests/data/proc-net-route.txt");
    const INET6: &str = include_str!("../tests/data/proc-net-if_inet6.txt");

    // The route fixture was captured on a little-endian host.
    #[cfg(target_endian = "little")]
    #[test]
    fn ipv4_from_fib_trie_and_routes() {
        let locals = parse_fib_trie_local(FIB);
        assert_eq!(
            locals,
            ["127.0.0.1", "192.0.2.2"].map(|s| s.parse::<Ipv4Addr>().unwrap())
        );
        let routes = parse_route(ROUTE);
        assert_eq!(routes.len(), 2);
        let got = assign_ipv4(&locals, &routes, Some("lo"));
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0, "lo");
        assert_eq!((got[1].0.as_str(), got[1].1.prefix_len), ("eth0", 24));
    }

    #[test]
    fn ipv6_lines() {
        let v = parse_if_inet6(INET6);
        assert_eq!(v.len(), 3);
        assert_eq!(v[0].0, "lo");
        assert_eq!(v[0].2.addr.to_string(), "::1");
        assert_eq!(v[0].2.prefix_len, 128);
        assert_eq!(
            (v[1].0.as_str(), v[1].1, v[1].2.prefix_len),
            ("eth0", 4, 64)
        );
    }
}
