//! What a [`scap_probe::Error`] means for an OVAL collection: the one mapping every built-in
//! probe uses, public for downstream probes.

use super::Collection;
use crate::types::Flag;

/// The collection flag, and the message for the results document, that a target error gives.
///
/// Every built-in probe maps a [`scap_probe::Error`] that ends its collection (or drops one
/// file of it) through this function:
///
/// | error | flag | message |
/// |-------|------|---------|
/// | [`NotFound`](scap_probe::Error::NotFound), [`NotADirectory`](scap_probe::Error::NotADirectory) ([`is_absent`](scap_probe::Error::is_absent)) | `does not exist` | none: absence is an answer, not a problem |
/// | [`NotCollectable`](scap_probe::Error::NotCollectable) | `not_collectable`, the probe's choice (below) | the error (`"processes: not collectable on this target"`) |
/// | [`PermissionDenied`](scap_probe::Error::PermissionDenied) | `error` | the error, naming the path |
/// | every other ([`Io`](scap_probe::Error::Io), [`TooLarge`](scap_probe::Error::TooLarge), [`LinkLoop`](scap_probe::Error::LinkLoop), [`IsADirectory`](scap_probe::Error::IsADirectory), [`NotASymlink`](scap_probe::Error::NotASymlink), [`InvalidPath`](scap_probe::Error::InvalidPath), and any added later) | `error` | the error |
///
/// A fact the target cannot give at all (the processes of a tree on disk) has no single OVAL
/// meaning, so the probe says what it is for its object, following what oscap 1.3.7 gives for
/// the same object offline:
///
/// | objects | `not_collectable` |
/// |---------|-------------------|
/// | `uname`, `sysctl`, `interface` (runtime kernel state does not apply to a tree), the deprecated `process` and `environmentvariable` (oscap does not run them offline) | `not applicable` |
/// | `environmentvariable58`, `partition` | `not collected` |
/// | `process58` (oscap finds no `/proc` under its root: no processes) | `does not exist` |
/// | `selinuxsecuritycontext` by `pid` (the processes, as `process58`) | `does not exist` |
/// | the file-based probes (they never ask for a fact) | `not collected` |
///
/// A probe that skips one unreadable file of many keeps the file's message and flags the
/// collection `error` when this gives `error`, and skips the file silently when it gives
/// `does not exist`.
///
/// ```
/// use scap_oval::probes::flag_for;
/// use scap_oval::types::Flag;
/// use scap_probe::{Error, Fact};
///
/// let gone = Error::NotFound { path: "/etc/motd".into() };
/// assert_eq!(flag_for(&gone, Flag::NotCollected), (Flag::DoesNotExist, None));
///
/// let offline = Error::not_collectable(Fact::Uname);
/// assert_eq!(
///     flag_for(&offline, Flag::NotApplicable),
///     (Flag::NotApplicable, Some("uname: not collectable on this target".to_owned()))
/// );
///
/// let denied = Error::PermissionDenied { path: "/etc/shadow".into() };
/// assert_eq!(
///     flag_for(&denied, Flag::NotCollected),
///     (Flag::Error, Some("/etc/shadow: permission denied".to_owned()))
/// );
/// ```
pub fn flag_for(error: &scap_probe::Error, not_collectable: Flag) -> (Flag, Option<String>) {
    if error.is_absent() {
        (Flag::DoesNotExist, None)
    } else if error.is_not_collectable() {
        (not_collectable, Some(error.to_string()))
    } else {
        (Flag::Error, Some(error.to_string()))
    }
}

impl Collection {
    /// The collection a target error ends a probe with: no items, the flag and message of
    /// [`flag_for`].
    ///
    /// ```
    /// use scap_oval::probes::Collection;
    /// use scap_oval::types::Flag;
    /// use scap_probe::{Error, Fact};
    ///
    /// let c = Collection::from_error(&Error::not_collectable(Fact::Mounts), Flag::NotCollected);
    /// assert_eq!(c.flag, Flag::NotCollected);
    /// assert_eq!(c.messages, ["mounts: not collectable on this target"]);
    /// assert!(c.items.is_empty());
    /// ```
    pub fn from_error(error: &scap_probe::Error, not_collectable: Flag) -> Collection {
        match flag_for(error, not_collectable) {
            (flag, Some(message)) => Collection::with_message(flag, message),
            (flag, None) => Collection::flag(flag),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scap_probe::{Error, Fact};
    use std::io;

    /// One error of every variant, with the flag the table gives it when the probe's choice
    /// for a fact it cannot have is `not applicable`.
    fn every_variant() -> Vec<(Error, Flag)> {
        let p = || std::path::PathBuf::from("/x");
        vec![
            (Error::NotFound { path: p() }, Flag::DoesNotExist),
            (Error::NotADirectory { path: p() }, Flag::DoesNotExist),
            (Error::IsADirectory { path: p() }, Flag::Error),
            (Error::NotASymlink { path: p() }, Flag::Error),
            (Error::PermissionDenied { path: p() }, Flag::Error),
            (
                Error::LinkLoop {
                    path: p(),
                    hops: 41,
                },
                Flag::Error,
            ),
            (
                Error::TooLarge {
                    path: p(),
                    limit: 1,
                },
                Flag::Error,
            ),
            (Error::not_collectable(Fact::Processes), Flag::NotApplicable),
            (
                Error::InvalidPath {
                    path: p(),
                    reason: "relative",
                },
                Flag::Error,
            ),
            (
                Error::from_io(p(), io::Error::other("disk on fire")),
                Flag::Error,
            ),
        ]
    }

    #[test]
    fn every_variant_follows_the_table() {
        for (e, flag) in every_variant() {
            let (got, message) = flag_for(&e, Flag::NotApplicable);
            assert_eq!(got, flag, "{e:?}");
            // Absence carries no message; every other answer says what happened.
            assert_eq!(message.is_none(), flag == Flag::DoesNotExist, "{e:?}");
            if let Some(m) = message {
                assert_eq!(m, e.to_string());
            }
        }
    }

    #[test]
    fn only_not_collectable_takes_the_probe_choice() {
        for (e, _) in every_variant() {
            let a = flag_for(&e, Flag::NotCollected).0;
            let b = flag_for(&e, Flag::DoesNotExist).0;
            assert_eq!(a != b, e.is_not_collectable(), "{e:?}");
        }
    }

    #[test]
    fn from_error_is_flag_for_as_a_collection() {
        for (e, _) in every_variant() {
            let (flag, message) = flag_for(&e, Flag::NotCollected);
            let c = Collection::from_error(&e, Flag::NotCollected);
            assert_eq!(c.flag, flag);
            assert_eq!(c.messages, message.into_iter().collect::<Vec<_>>());
            assert!(c.items.is_empty());
        }
    }

    /// A tree whose files all exist and none can be opened.
    struct Unreadable(scap_probe::MemoryTarget);

    impl scap_probe::Target for Unreadable {
        fn metadata(&self, path: &std::path::Path) -> scap_probe::Result<scap_probe::Metadata> {
            self.0.metadata(path)
        }
        fn read_dir(
            &self,
            path: &std::path::Path,
        ) -> scap_probe::Result<Vec<scap_probe::DirEntry>> {
            self.0.read_dir(path)
        }
        fn read_link(&self, path: &std::path::Path) -> scap_probe::Result<std::path::PathBuf> {
            self.0.read_link(path)
        }
        fn open(&self, path: &std::path::Path) -> scap_probe::Result<Box<dyn io::Read + Send>> {
            Err(Error::PermissionDenied { path: path.into() })
        }
    }

    fn object(kind: &str, entities: &[(&str, &str)]) -> crate::probes::ObjectRequest {
        use crate::types::{Datatype, Operation};
        let mut o = crate::probes::ObjectRequest::new("oval:t:obj:1", kind);
        for (name, value) in entities {
            o.entities.push(crate::probes::RequestEntity::new(
                name,
                Datatype::String,
                Operation::Equals,
                value,
            ));
        }
        o
    }

    #[test]
    fn probes_that_cannot_read_a_file_answer_the_table() {
        let mut tree = scap_probe::MemoryTarget::new();
        tree.add_file("/etc/passwd", "root:x:0:0::/root:/bin/sh\n")
            .add_file(
                "/var/lib/dpkg/status",
                "Package: bash\nStatus: install ok installed\n",
            );
        let target = Unreadable(tree);
        let registry = crate::probes::Registry::builtin();
        for (family, kind, entities, path) in [
            (
                "unix",
                "password_object",
                &[("username", "root")][..],
                "/etc/passwd",
            ),
            (
                "linux",
                "dpkginfo_object",
                &[("name", "bash")][..],
                "/var/lib/dpkg/status",
            ),
            (
                "independent",
                "textfilecontent54_object",
                &[("filepath", "/etc/passwd"), ("pattern", "^root")][..],
                "/etc/passwd",
            ),
        ] {
            let probe = registry.get_family(family, kind).expect("a built-in probe");
            let c = probe.collect(&target, &object(kind, entities));
            assert_eq!(c.flag, Flag::Error, "{kind}");
            // The error's own text, naming the path once.
            assert_eq!(c.messages, [format!("{path}: permission denied")], "{kind}");
        }
    }

    #[test]
    fn probes_over_facts_an_offline_tree_lacks_follow_their_choice() {
        // A memory tree gives no runtime facts: each probe's `not_collectable` choice shows.
        let target = scap_probe::MemoryTarget::new();
        let registry = crate::probes::Registry::builtin();
        for (family, kind, entities, flag) in [
            ("unix", "uname_object", &[][..], Flag::NotApplicable),
            (
                "unix",
                "interface_object",
                &[("name", "lo")][..],
                Flag::NotApplicable,
            ),
            (
                "unix",
                "process_object",
                &[("command", "sshd")][..],
                Flag::NotApplicable,
            ),
            (
                "unix",
                "process58_object",
                &[("command_line", "sshd")][..],
                Flag::DoesNotExist,
            ),
            (
                "linux",
                "partition_object",
                &[("mount_point", "/")][..],
                Flag::NotCollected,
            ),
        ] {
            let probe = registry.get_family(family, kind).expect("a built-in probe");
            let c = probe.collect(&target, &object(kind, entities));
            assert_eq!(c.flag, flag, "{kind}: {:?}", c.messages);
            assert_eq!(c.messages.len(), 1, "{kind}: says which fact");
            assert!(
                c.messages[0].contains("not collectable"),
                "{kind}: {:?}",
                c.messages
            );
        }
    }
}
