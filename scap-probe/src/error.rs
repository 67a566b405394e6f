//! The one error type of this crate and the facts a target may be unable to give.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// A result whose error is this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// A host fact a [`Target`](crate::Target) can be asked for.
///
/// Carried by [`Error::NotCollectable`] so the caller knows which question the target could not
/// answer. The `Display` form is the method name (`"uname"`, `"processes"`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Fact {
    /// [`Target::uname`](crate::Target::uname).
    Uname,
    /// [`Target::environment`](crate::Target::environment).
    Environment,
    /// [`Target::process_environment`](crate::Target::process_environment).
    ProcessEnvironment,
    /// [`Target::processes`](crate::Target::processes).
    Processes,
    /// [`Target::sysctl`](crate::Target::sysctl) and [`Target::sysctl_names`](crate::Target::sysctl_names).
    Sysctl,
    /// [`Target::mounts`](crate::Target::mounts).
    Mounts,
    /// [`Target::interfaces`](crate::Target::interfaces).
    Interfaces,
    /// [`Target::hostname`](crate::Target::hostname).
    Hostname,
    /// [`Target::container`](crate::Target::container).
    Container,
    /// [`Target::working_directory`](crate::Target::working_directory).
    WorkingDirectory,
    /// [`Target::xattr_names`](crate::Target::xattr_names) and
    /// [`Target::xattr`](crate::Target::xattr): extended attributes of files.
    ExtendedAttributes,
    /// [`Target::routes`](crate::Target::routes).
    Routes,
    /// [`Target::inet_sockets`](crate::Target::inet_sockets) and
    /// [`Target::packet_sockets`](crate::Target::packet_sockets).
    Sockets,
}

impl Fact {
    /// The method name this fact is asked through, e.g. `"uname"`.
    pub fn name(self) -> &'static str {
        match self {
            Fact::Uname => "uname",
            Fact::Environment => "environment",
            Fact::ProcessEnvironment => "process_environment",
            Fact::Processes => "processes",
            Fact::Sysctl => "sysctl",
            Fact::Mounts => "mounts",
            Fact::Interfaces => "interfaces",
            Fact::Hostname => "hostname",
            Fact::Container => "container",
            Fact::WorkingDirectory => "working_directory",
            Fact::ExtendedAttributes => "xattr",
            Fact::Routes => "routes",
            Fact::Sockets => "sockets",
        }
    }
}

impl fmt::Display for Fact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Everything that can go wrong asking a [`Target`](crate::Target).
///
/// The variants are the distinctions an OVAL evaluator must make: a file that does not exist
/// ([`Error::NotFound`], OVAL "does not exist") is not the same as a fact the target cannot give
/// ([`Error::NotCollectable`], OVAL "not collected"), nor as a read that failed
/// ([`Error::Io`], OVAL "error"). Paths in errors are paths *inside the target*, as the caller
/// passed them, except [`Error::Io`] from a host backend which names the host path too.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No such file, directory or link target (`ENOENT`), or a dangling symlink was followed.
    #[error("{}: not found", path.display())]
    NotFound {
        /// The path asked for.
        path: PathBuf,
    },
    /// A component used as a directory is not one (`ENOTDIR`).
    #[error("{}: not a directory", path.display())]
    NotADirectory {
        /// The path asked for.
        path: PathBuf,
    },
    /// The path names a directory where a file was needed (`EISDIR`), e.g. `open` of a directory.
    #[error("{}: is a directory", path.display())]
    IsADirectory {
        /// The path asked for.
        path: PathBuf,
    },
    /// `read_link` of something that is not a symbolic link (`EINVAL`).
    #[error("{}: not a symbolic link", path.display())]
    NotASymlink {
        /// The path asked for.
        path: PathBuf,
    },
    /// The scanner may not read this (`EACCES`, `EPERM`).
    #[error("{}: permission denied", path.display())]
    PermissionDenied {
        /// The path asked for.
        path: PathBuf,
    },
    /// Resolving the path followed more than [`MAX_LINK_HOPS`](crate::MAX_LINK_HOPS) symbolic
    /// links (`ELOOP`): a loop or an over-long chain.
    #[error("{}: too many levels of symbolic links ({hops} followed)", path.display())]
    LinkLoop {
        /// The path asked for.
        path: PathBuf,
        /// How many links had been followed when resolution stopped.
        hops: u32,
    },
    /// A whole-file read hit its size limit (see [`Target::read`](crate::Target::read)).
    #[error("{}: larger than the read limit of {limit} bytes", path.display())]
    TooLarge {
        /// The path asked for.
        path: PathBuf,
        /// The limit in bytes that was exceeded.
        limit: u64,
    },
    /// The target cannot give this fact at all (the environment of an offline tree, the
    /// processes of an image). Distinct from an empty answer.
    #[error("{fact}: not collectable on this target")]
    NotCollectable {
        /// Which fact.
        fact: Fact,
    },
    /// The path is not usable: relative, empty, or containing a NUL byte; or a name that is not
    /// valid (e.g. a sysctl name with a `/`).
    #[error("{}: invalid path: {reason}", path.display())]
    InvalidPath {
        /// The path asked for.
        path: PathBuf,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Any other I/O failure, or content the backend could not parse (`InvalidData`).
    #[error("{}: {source}", path.display())]
    Io {
        /// The path being accessed (inside the target, or a host path such as `/proc/1/stat`).
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
}

impl Error {
    /// Map a host `io::Error` on `path` to the matching kind.
    ///
    /// `NotFound`, `PermissionDenied`, `NotADirectory`, `IsADirectory` and `ELOOP` get their
    /// own variant; everything else is [`Error::Io`].
    pub fn from_io(path: impl Into<PathBuf>, source: io::Error) -> Error {
        let path = path.into();
        // ELOOP: `io::ErrorKind::FilesystemLoop` is not stable yet.
        const ELOOP: i32 = if cfg!(any(target_os = "linux", target_os = "android")) {
            40
        } else {
            62
        };
        if source.raw_os_error() == Some(ELOOP) {
            return Error::LinkLoop {
                path,
                hops: crate::MAX_LINK_HOPS,
            };
        }
        match source.kind() {
            io::ErrorKind::NotFound => Error::NotFound { path },
            io::ErrorKind::PermissionDenied => Error::PermissionDenied { path },
            io::ErrorKind::NotADirectory => Error::NotADirectory { path },
            io::ErrorKind::IsADirectory => Error::IsADirectory { path },
            _ => Error::Io { path, source },
        }
    }

    /// Shorthand for [`Error::NotCollectable`].
    pub fn not_collectable(fact: Fact) -> Error {
        Error::NotCollectable { fact }
    }

    /// An [`Error::Io`] of kind `InvalidData` for content a backend could not parse.
    pub fn invalid_data(path: impl Into<PathBuf>, what: impl Into<String>) -> Error {
        Error::Io {
            path: path.into(),
            source: io::Error::new(io::ErrorKind::InvalidData, what.into()),
        }
    }

    /// `true` for [`Error::NotFound`].
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::NotFound { .. })
    }

    /// `true` for [`Error::NotADirectory`].
    pub fn is_not_a_directory(&self) -> bool {
        matches!(self, Error::NotADirectory { .. })
    }

    /// `true` for [`Error::PermissionDenied`].
    pub fn is_permission_denied(&self) -> bool {
        matches!(self, Error::PermissionDenied { .. })
    }

    /// `true` for [`Error::LinkLoop`].
    pub fn is_link_loop(&self) -> bool {
        matches!(self, Error::LinkLoop { .. })
    }

    /// `true` for [`Error::TooLarge`].
    pub fn is_too_large(&self) -> bool {
        matches!(self, Error::TooLarge { .. })
    }

    /// `true` for [`Error::NotCollectable`].
    pub fn is_not_collectable(&self) -> bool {
        matches!(self, Error::NotCollectable { .. })
    }

    /// `true` when the path (or a prefix of it) does not exist as asked: [`Error::NotFound`] or
    /// [`Error::NotADirectory`]. This is OVAL's "does not exist" for file-like objects.
    pub fn is_absent(&self) -> bool {
        self.is_not_found() || self.is_not_a_directory()
    }

    /// The path the error is about, if it has one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Error::NotFound { path }
            | Error::NotADirectory { path }
            | Error::IsADirectory { path }
            | Error::NotASymlink { path }
            | Error::PermissionDenied { path }
            | Error::LinkLoop { path, .. }
            | Error::TooLarge { path, .. }
            | Error::InvalidPath { path, .. }
            | Error::Io { path, .. } => Some(path),
            Error::NotCollectable { .. } => None,
        }
    }

    /// The same error about another path (used to report the caller's path rather than an
    /// internal one). [`Error::NotCollectable`] is returned unchanged.
    pub fn with_path(self, new: &Path) -> Error {
        let path = new.to_path_buf();
        match self {
            Error::NotFound { .. } => Error::NotFound { path },
            Error::NotADirectory { .. } => Error::NotADirectory { path },
            Error::IsADirectory { .. } => Error::IsADirectory { path },
            Error::NotASymlink { .. } => Error::NotASymlink { path },
            Error::PermissionDenied { .. } => Error::PermissionDenied { path },
            Error::LinkLoop { hops, .. } => Error::LinkLoop { path, hops },
            Error::TooLarge { limit, .. } => Error::TooLarge { path, limit },
            Error::InvalidPath { reason, .. } => Error::InvalidPath { path, reason },
            Error::Io { source, .. } => Error::Io { path, source },
            other @ Error::NotCollectable { .. } => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_kinds_map_to_variants() {
        let e = Error::from_io("/x", io::Error::from(io::ErrorKind::NotFound));
        assert!(e.is_not_found() && e.is_absent());
        let e = Error::from_io("/x", io::Error::from(io::ErrorKind::PermissionDenied));
        assert!(e.is_permission_denied());
        let e = Error::from_io("/x", io::Error::from(io::ErrorKind::NotADirectory));
        assert!(e.is_not_a_directory() && e.is_absent());
        let e = Error::from_io("/x", io::Error::from(io::ErrorKind::Other));
        assert!(matches!(e, Error::Io { .. }));
        assert_eq!(e.path(), Some(Path::new("/x")));
    }

    #[test]
    fn not_collectable_names_the_fact() {
        let e = Error::not_collectable(Fact::Processes);
        assert!(e.is_not_collectable());
        assert!(!e.is_not_found());
        assert_eq!(e.path(), None);
        assert_eq!(e.to_string(), "processes: not collectable on this target");
    }

    #[test]
    fn with_path_keeps_the_kind() {
        let e = Error::LinkLoop {
            path: "/inner".into(),
            hops: 41,
        }
        .with_path(Path::new("/outer"));
        assert!(matches!(e, Error::LinkLoop { ref path, hops: 41 } if path == Path::new("/outer")));
    }
}
