//! File capabilities: the `security.capability` extended attribute (Linux `vfs_cap_data`,
//! revisions 1 to 3), read with [`Target::xattr`](crate::Target::xattr).
//!
//! OVAL asks about file capabilities only through `rpmverifyfile` (`capabilities_differ`: the
//! file's capabilities against the package database's), so this module gives the decoded form
//! to compare and a text form (`cap_net_raw=ep`, as `cap_to_text(3)` writes one group).
//!
//! The layout (`linux/capability.h`), all words little-endian: `magic_etc` (revision in the top
//! byte: `0x01`, `0x02` or `0x03`; bit 0 the effective flag), then per 32-bit half `permitted`
//! and `inheritable` (one half for revision 1, two for 2 and 3), then for revision 3 the user id
//! of the root of the user namespace the capabilities apply in.

use std::fmt;

/// The capability names of Linux, by bit (`CAP_CHOWN` is 0), lower case as `cap_to_text` writes
/// them.
const NAMES: [&str; 41] = [
    "cap_chown",
    "cap_dac_override",
    "cap_dac_read_search",
    "cap_fowner",
    "cap_fsetid",
    "cap_kill",
    "cap_setgid",
    "cap_setuid",
    "cap_setpcap",
    "cap_linux_immutable",
    "cap_net_bind_service",
    "cap_net_broadcast",
    "cap_net_admin",
    "cap_net_raw",
    "cap_ipc_lock",
    "cap_ipc_owner",
    "cap_sys_module",
    "cap_sys_rawio",
    "cap_sys_chroot",
    "cap_sys_ptrace",
    "cap_sys_pacct",
    "cap_sys_admin",
    "cap_sys_boot",
    "cap_sys_nice",
    "cap_sys_resource",
    "cap_sys_time",
    "cap_sys_tty_config",
    "cap_mknod",
    "cap_lease",
    "cap_audit_write",
    "cap_audit_control",
    "cap_setfcap",
    "cap_mac_override",
    "cap_mac_admin",
    "cap_syslog",
    "cap_wake_alarm",
    "cap_block_suspend",
    "cap_audit_read",
    "cap_perfmon",
    "cap_bpf",
    "cap_checkpoint_restore",
];

/// The decoded `security.capability` of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct FileCapabilities {
    /// The `vfs_cap_data` revision (1, 2 or 3).
    pub revision: u8,
    /// The effective flag: permitted capabilities are raised on `execve`.
    pub effective: bool,
    /// Permitted capabilities, bit N for capability N.
    pub permitted: u64,
    /// Inheritable capabilities.
    pub inheritable: u64,
    /// Revision 3: the root user id of the user namespace they apply in.
    pub root_id: Option<u32>,
}

impl FileCapabilities {
    /// Decode a `security.capability` value; `None` if it is not one (an unknown revision, or
    /// a length that does not match its revision).
    ///
    /// ```
    /// use scap_probe::FileCapabilities;
    /// // Revision 2, effective, cap_net_raw (13) permitted: what `setcap cap_net_raw=ep` writes.
    /// let raw = [1, 0, 0, 2, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    /// let caps = FileCapabilities::parse(&raw).unwrap();
    /// assert!(caps.effective);
    /// assert_eq!(caps.permitted, 1 << 13);
    /// assert_eq!(caps.to_string(), "cap_net_raw=ep");
    /// assert_eq!(FileCapabilities::parse(&raw[..8]), None);
    /// ```
    pub fn parse(value: &[u8]) -> Option<FileCapabilities> {
        let word = |i: usize| -> Option<u32> {
            let b = value.get(i * 4..i * 4 + 4)?;
            Some(u32::from_le_bytes(b.try_into().ok()?))
        };
        let magic = word(0)?;
        let revision = u8::try_from(magic >> 24).ok()?;
        let (halves, len) = match revision {
            1 => (1, 12),
            2 => (2, 20),
            3 => (2, 24),
            _ => return None,
        };
        if value.len() != len {
            return None;
        }
        let mut permitted = 0u64;
        let mut inheritable = 0u64;
        for half in 0..halves {
            permitted |= u64::from(word(1 + 2 * half)?) << (32 * half);
            inheritable |= u64::from(word(2 + 2 * half)?) << (32 * half);
        }
        Some(FileCapabilities {
            revision,
            effective: magic & 1 != 0,
            permitted,
            inheritable,
            root_id: if revision == 3 { word(5) } else { None },
        })
    }
}

/// Text in the form of `cap_to_text(3)`, which rpm records: capabilities grouped by the flags
/// they have, `names=flags` groups separated by spaces (`cap_net_bind_service,cap_net_raw=ep
/// cap_sys_admin=i`), `=` alone for none, unknown bits as numbers. For a value with one group
/// (what `setcap` is usually given) this is `cap_to_text`'s text; with several, libcap may
/// spell the same set with `+` clauses, so compare decoded values, not text.
impl fmt::Display for FileCapabilities {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Group capabilities by their flag set: e(ffective), i(nheritable), p(ermitted).
        let mut groups: Vec<(String, Vec<String>)> = Vec::new();
        for bit in 0..64u32 {
            let p = self.permitted >> bit & 1 != 0;
            let i = self.inheritable >> bit & 1 != 0;
            if !p && !i {
                continue;
            }
            let mut flags = String::new();
            if self.effective && p {
                flags.push('e');
            }
            if i {
                flags.push('i');
            }
            if p {
                flags.push('p');
            }
            let name = NAMES
                .get(bit as usize)
                .map_or_else(|| bit.to_string(), |n| (*n).to_owned());
            match groups.iter_mut().find(|(fl, _)| *fl == flags) {
                Some((_, names)) => names.push(name),
                None => groups.push((flags, vec![name])),
            }
        }
        if groups.is_empty() {
            return f.write_str("=");
        }
        let text: Vec<String> = groups
            .iter()
            .map(|(flags, names)| format!("{}={flags}", names.join(",")))
            .collect();
        f.write_str(&text.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(magic: u32, words: &[u32]) -> Vec<u8> {
        std::iter::once(magic)
            .chain(words.iter().copied())
            .flat_map(u32::to_le_bytes)
            .collect()
    }

    #[test]
    fn revisions_and_text() {
        let v3 = raw(0x0300_0000, &[1 << 21, 0, 1 << 6, 0, 100_000]);
        let c = FileCapabilities::parse(&v3).unwrap();
        assert_eq!(
            (c.revision, c.effective, c.root_id),
            (3, false, Some(100_000))
        );
        assert_eq!(c.to_string(), "cap_sys_admin,cap_perfmon=p");
        let v1 = raw(0x0100_0001, &[1, 1]);
        let c = FileCapabilities::parse(&v1).unwrap();
        assert_eq!(c.to_string(), "cap_chown=eip");
        let two_groups = raw(0x0200_0001, &[(1 << 13) | (1 << 10), 1 << 21, 0, 0]);
        assert_eq!(
            FileCapabilities::parse(&two_groups).unwrap().to_string(),
            "cap_net_bind_service,cap_net_raw=ep cap_sys_admin=i"
        );
        assert_eq!(
            FileCapabilities::parse(&raw(0x0200_0000, &[0; 4]))
                .unwrap()
                .to_string(),
            "="
        );
        assert_eq!(FileCapabilities::parse(&raw(0x0400_0000, &[0; 4])), None);
        assert_eq!(FileCapabilities::parse(&[]), None);
    }
}
