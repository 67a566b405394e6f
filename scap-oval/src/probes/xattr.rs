//! Extended attributes of files as the probes read them, in one place: the read itself
//! ([`Target::xattr_names`], [`Target::xattr`]) with one mapping of its failures
//! ([`Failure`]), and what the probes make of the attributes: a value as a C string
//! ([`c_string`], `fileextendedattribute` and `selinuxsecuritycontext`), whether a file has an
//! extended POSIX ACL ([`extended_acl`], the file probe's `has_extended_acl`) and its file
//! capabilities ([`Capabilities`], rpmverifyfile's `capabilities_differ`).

use std::ffi::{OsStr, OsString};
use std::path::Path;

use scap_probe::{Follow, Target};

use super::flag_for;
use crate::types::Flag;

/// Why an attribute could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The file is gone (removed since it was listed, or a dangling link).
    Gone,
    /// The target cannot see extended attributes at all: the whole object is `not collected`.
    NotCollectable(Option<String>),
    /// Reading failed (the message names the file).
    Failed(String),
}

fn failure(e: &scap_probe::Error) -> Failure {
    match flag_for(e, Flag::NotCollected) {
        (Flag::DoesNotExist, _) => Failure::Gone,
        (Flag::NotCollected, m) => Failure::NotCollectable(m),
        (_, m) => Failure::Failed(m.unwrap_or_else(|| e.to_string())),
    }
}

/// The names of `path`'s extended attributes, sorted (a stable order whatever the backend's:
/// the kernel gives creation order).
pub(crate) fn names(
    target: &dyn Target,
    path: &Path,
    follow: Follow,
) -> Result<Vec<OsString>, Failure> {
    let mut names = target.xattr_names(path, follow).map_err(|e| failure(&e))?;
    names.sort();
    Ok(names)
}

/// The value of attribute `name` of `path`, `None` when the file has no such attribute.
pub(crate) fn value(
    target: &dyn Target,
    path: &Path,
    name: &OsStr,
    follow: Follow,
) -> Result<Option<Vec<u8>>, Failure> {
    target.xattr(path, name, follow).map_err(|e| failure(&e))
}

/// An attribute value as oscap writes it: a C string (up to the first NUL byte), without the
/// characters XML 1.0 cannot carry.
pub(crate) fn c_string(value: &[u8]) -> String {
    let end = value.iter().position(|&b| b == 0).unwrap_or(value.len());
    String::from_utf8_lossy(value.get(..end).unwrap_or_default())
        .chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{fffe}' && c != '\u{ffff}')
        })
        .collect()
}

/// The access ACL's attribute.
const ACL_ACCESS: &str = "system.posix_acl_access";
/// A directory's default ACL's attribute.
const ACL_DEFAULT: &str = "system.posix_acl_default";
/// The size of an ACL attribute with only the three entries the mode bits already say
/// (owner, group, other): a 4-byte header and three 8-byte entries.
const BASE_ACL_SIZE: usize = 4 + 3 * 8;

/// Whether `path` (links followed) has an ACL beyond its mode bits, as libacl's
/// `acl_extended_file` (what oscap 1.3.7 asks) decides: an access ACL larger than the three
/// base entries, or a default ACL with at least them.
pub(crate) fn extended_acl(target: &dyn Target, path: &Path) -> Result<bool, Failure> {
    let names = names(target, path, Follow::All)?;
    // One listing per file; the values are read only for a file that has an ACL at all.
    for (name, extended) in [
        (
            ACL_ACCESS,
            (|n: usize| n > BASE_ACL_SIZE) as fn(usize) -> bool,
        ),
        (ACL_DEFAULT, |n: usize| n >= BASE_ACL_SIZE),
    ] {
        if names.iter().any(|n| n == name) {
            let v = value(target, path, OsStr::new(name), Follow::All)?;
            if v.is_some_and(|v| extended(v.len())) {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// The capability attribute.
pub(crate) const CAPABILITY: &str = "security.capability";

/// A file's capability sets (bit `n` is capability `n`), as libcap compares them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Capabilities {
    pub(crate) permitted: u64,
    pub(crate) inheritable: u64,
    pub(crate) effective: u64,
}

/// Capability names in number order (`linux/capability.h`), without their `cap_` prefix.
const CAP_NAMES: [&str; 41] = [
    "chown",
    "dac_override",
    "dac_read_search",
    "fowner",
    "fsetid",
    "kill",
    "setgid",
    "setuid",
    "setpcap",
    "linux_immutable",
    "net_bind_service",
    "net_broadcast",
    "net_admin",
    "net_raw",
    "ipc_lock",
    "ipc_owner",
    "sys_module",
    "sys_rawio",
    "sys_chroot",
    "sys_ptrace",
    "sys_pacct",
    "sys_admin",
    "sys_boot",
    "sys_nice",
    "sys_resource",
    "sys_time",
    "sys_tty_config",
    "mknod",
    "lease",
    "audit_write",
    "audit_control",
    "setfcap",
    "mac_override",
    "mac_admin",
    "syslog",
    "wake_alarm",
    "block_suspend",
    "audit_read",
    "perfmon",
    "bpf",
    "checkpoint_restore",
];

impl Capabilities {
    /// The sets of a `security.capability` value (the kernel's `vfs_cap_data`: a
    /// little-endian magic with the revision and the effective flag, then the permitted and
    /// inheritable words, low then high); `None` for a value that is not one.
    pub(crate) fn from_xattr(v: &[u8]) -> Option<Capabilities> {
        let word = |i: usize| -> Option<u64> {
            Some(u64::from(u32::from_le_bytes(
                v.get(i..i + 4)?.try_into().ok()?,
            )))
        };
        let magic = word(0)?;
        let (perm, inh) = match magic & 0xff00_0000 {
            // Revision 1: one 32-bit word of each.
            0x0100_0000 => (word(4)?, word(8)?),
            // Revisions 2 and 3 (3 adds the namespace root id, not compared here).
            0x0200_0000 | 0x0300_0000 => (word(4)? | word(12)? << 32, word(8)? | word(16)? << 32),
            _ => return None,
        };
        // The effective flag makes every permitted or inheritable capability effective.
        let effective = if magic & 1 != 0 { perm | inh } else { 0 };
        Some(Capabilities {
            permitted: perm,
            inheritable: inh,
            effective,
        })
    }

    /// The sets of a capability text as rpm records it (`FILECAPS`, libcap's `cap_from_text`
    /// syntax: clauses like `cap_net_raw=ep` or `cap_a,cap_b+ei-p`); `None` when it does not
    /// parse. The empty text is no capability.
    pub(crate) fn from_text(text: &str) -> Option<Capabilities> {
        let mut c = Capabilities::default();
        for clause in text.split_whitespace() {
            let op_at = clause.find(['=', '+', '-'])?;
            let (list, mut ops) = clause.split_at(op_at);
            let mut bits = 0u64;
            if list.is_empty() || list.eq_ignore_ascii_case("all") {
                bits = (1u64 << CAP_NAMES.len()) - 1;
            } else {
                for name in list.split(',') {
                    let lower = name.to_ascii_lowercase();
                    let n = match lower.strip_prefix("cap_") {
                        Some(s) => CAP_NAMES.iter().position(|&k| k == s)?,
                        None => lower.parse::<usize>().ok().filter(|&n| n < 64)?,
                    };
                    bits |= 1 << n;
                }
            }
            while let Some(op) = ops.chars().next() {
                let rest = &ops[1..];
                let end = rest.find(['=', '+', '-']).unwrap_or(rest.len());
                let (flags, next) = rest.split_at(end);
                if op == '=' {
                    c.permitted &= !bits;
                    c.inheritable &= !bits;
                    c.effective &= !bits;
                }
                for f in flags.chars() {
                    let set = match f.to_ascii_lowercase() {
                        'p' => &mut c.permitted,
                        'i' => &mut c.inheritable,
                        'e' => &mut c.effective,
                        _ => return None,
                    };
                    if op == '-' {
                        *set &= !bits;
                    } else {
                        *set |= bits;
                    }
                }
                ops = next;
            }
        }
        Some(c)
    }

    /// The capabilities of `path` (the link not followed, as rpm's `cap_get_file` on a
    /// regular file); none when it has no capability attribute.
    pub(crate) fn of_file(target: &dyn Target, path: &Path) -> Result<Capabilities, Failure> {
        match value(target, path, OsStr::new(CAPABILITY), Follow::Parents)? {
            None => Ok(Capabilities::default()),
            Some(v) => Capabilities::from_xattr(&v).ok_or_else(|| {
                Failure::Failed(format!(
                    "{}: {CAPABILITY} is not a capability set",
                    path.display()
                ))
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scap_probe::MemoryTarget;

    #[test]
    fn c_strings_stop_at_nul() {
        assert_eq!(c_string(b"abc\0def"), "abc");
        assert_eq!(c_string(b"\0\x01"), "");
        assert_eq!(c_string(b"\xff"), "\u{fffd}");
        assert_eq!(c_string(b"\x01\0\0\x02"), "");
        assert_eq!(c_string(b"a\tb\x1bc\n"), "a\tbc\n");
    }

    #[test]
    fn extended_acls_as_acl_extended_file() {
        // What setfacl wrote (getfattr -e hex): `setfacl -m u:daemon:r` on a file (5 entries),
        // `setfacl -d -m u::rwx` on a directory (a default ACL of the 3 base entries), and an
        // access ACL of the 3 base entries only. oscap 1.3.7 on that tree (OSCAP_PROBE_ROOT):
        // true, true (and true through a link to either), false.
        let named = hex(
            "0200000001000600ffffffff020004000100000004000400ffffffff10000400ffffffff20000400ffffffff",
        );
        let default = hex("0200000001000700ffffffff04000500ffffffff20000500ffffffff");
        let base = hex("0200000001000600ffffffff04000400ffffffff20000400ffffffff");
        let mut t = MemoryTarget::new();
        t.add_file("/f", "a")
            .set_xattr("/f", ACL_ACCESS, named)
            .add_dir("/d")
            .set_xattr("/d", ACL_DEFAULT, default)
            .add_file("/base", "c")
            .set_xattr("/base", ACL_ACCESS, base)
            .add_file("/plain", "")
            .add_symlink("/l", "f");
        let acl = |p: &str| extended_acl(&t, Path::new(p));
        assert_eq!(acl("/f"), Ok(true));
        assert_eq!(acl("/d"), Ok(true));
        assert_eq!(acl("/l"), Ok(true), "links are followed");
        assert_eq!(acl("/base"), Ok(false));
        assert_eq!(acl("/plain"), Ok(false));
        assert_eq!(acl("/none"), Err(Failure::Gone));
    }

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
            .collect()
    }

    #[test]
    fn capability_sets_from_the_attribute_and_from_rpms_text() {
        // setcap cap_net_raw=ep: revision 2, effective flag, bit 13 permitted.
        let raw = hex("0100000200200000000000000000000000000000");
        let ep = Capabilities::from_xattr(&raw).expect("v2");
        assert_eq!(ep.permitted, 1 << 13);
        assert_eq!(ep.effective, 1 << 13);
        assert_eq!(Capabilities::from_text("cap_net_raw=ep"), Some(ep));
        assert_eq!(Capabilities::from_text("cap_net_raw+pe"), Some(ep));
        assert_ne!(Capabilities::from_text("cap_net_raw=p"), Some(ep));
        assert_eq!(
            Capabilities::from_text("cap_net_admin,cap_net_raw=ep cap_net_admin-e"),
            Some(Capabilities {
                permitted: 1 << 12 | 1 << 13,
                inheritable: 0,
                effective: 1 << 13
            })
        );
        assert_eq!(Capabilities::from_text(""), Some(Capabilities::default()));
        assert_eq!(Capabilities::from_text("="), Some(Capabilities::default()));
        for bad in ["cap_nonsense=ep", "cap_net_raw", "cap_net_raw=x"] {
            assert_eq!(Capabilities::from_text(bad), None, "{bad}");
        }
        for cut in 0..raw.len() {
            let _ = Capabilities::from_xattr(&raw[..cut]);
        }
        assert_eq!(Capabilities::from_xattr(&raw[..10]), None);
    }
}
