//! Read the installed-package database of an RPM-based system from its bytes: no librpm, no
//! SQLite or Berkeley DB library, no file system access (the caller reads the files, from an
//! offline tree, a container image or the live host).
//!
//! ```
//! use scap_rpmdb::{Format, read_packages};
//!
//! let db = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/rpmdb.sqlite"))?;
//! let packages = read_packages(Format::Sqlite, &db, None)?;
//! let hello = packages.iter().find(|p| p.name == "tinyhello").expect("installed");
//! assert_eq!((hello.version.as_str(), hello.release.as_str()), ("1.2", "3.fc40"));
//! assert_eq!(hello.files.len(), 4);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Layers, each a module: [`header`] parses one header blob (the index, typed entries, the
//! immutable region), [`package`] turns a header into a [`Package`] with its files, [`pgp`]
//! finds the signer's key id in a signature, [`verify`] checks a header's digests and its
//! signature against the imported keys, and one module per storage format yields the
//! blobs: [`sqlite`] (`rpmdb.sqlite`, rpm 4.16 and later: RHEL 9, Fedora 33+, Amazon Linux
//! 2023), [`bdb`] (`Packages`, a Berkeley DB hash: RHEL 7/8, Amazon Linux 2) and [`ndb`]
//! (`Packages.db`, rpm's own format: SUSE 15).
//!
//! This is a crate of its own so it can be fuzzed on bytes alone and used without the OVAL
//! engine. Every reader is bounds-checked and bounded: a corrupt or hostile database is an
//! [`Error`] naming the page or byte, never a panic, and no allocation is larger than the
//! input that would back it.

pub mod bdb;
pub mod header;
pub mod ndb;
pub mod package;
pub mod pgp;
pub mod sqlite;
pub mod tag;
pub mod verify;

pub use header::{Header, SignedRegion};
pub use package::{Dependency, DependencyKind, DigestAlgo, File, Package};

/// What went wrong reading a database.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A header blob is malformed.
    #[error("rpm header: {what} (byte {offset})")]
    Header {
        /// The byte offset in the blob.
        offset: usize,
        /// What is wrong.
        what: &'static str,
    },
    /// A header lacks what a package needs, or its file arrays disagree.
    #[error("rpm package {name:?}: {what}")]
    Package {
        /// The package name, if the header has one.
        name: String,
        /// What is wrong.
        what: &'static str,
    },
    /// An SQLite database file is malformed.
    #[error("sqlite database: {what} (page {page})")]
    Sqlite {
        /// The page (1-based; 0 when the fault is in a record already read).
        page: u32,
        /// What is wrong.
        what: &'static str,
    },
    /// An SQLite database has no such table.
    #[error("sqlite database: no table {0:?}")]
    NoTable(String),
    /// A Berkeley DB file is malformed.
    #[error("Berkeley DB hash database: {what} (page {page})")]
    Bdb {
        /// The page (0-based, as Berkeley DB numbers them).
        page: u32,
        /// What is wrong.
        what: &'static str,
    },
    /// An NDB `Packages.db` is malformed.
    #[error("NDB database: {what} (byte {offset})")]
    Ndb {
        /// The byte offset in the file.
        offset: usize,
        /// What is wrong.
        what: &'static str,
    },
    /// A header blob of a package (its instance number) could not be read.
    #[error("package record {instance}: {source}")]
    Record {
        /// The instance number (`hnum`, the Berkeley DB key).
        instance: u32,
        /// Why.
        source: Box<Error>,
    },
}

/// The storage format of an rpm database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// `rpmdb.sqlite`.
    Sqlite,
    /// `Packages`, a Berkeley DB hash.
    Bdb,
    /// `Packages.db`, rpm's own NDB format.
    Ndb,
}

impl Format {
    /// The database file names rpm uses, with their formats, in the order rpm would pick
    /// one when a directory has several (its configured backend first; sqlite is the default
    /// of every current distribution).
    pub const FILES: [(&'static str, Format); 3] = [
        ("rpmdb.sqlite", Format::Sqlite),
        ("Packages", Format::Bdb),
        ("Packages.db", Format::Ndb),
    ];
}

/// The header blobs of a database file of the given format, with their instance numbers, in
/// instance order: what [`read_packages`] parses. `wal` as there.
///
/// # Errors
/// The format reader's error.
pub fn read_blobs(
    format: Format,
    file: &[u8],
    wal: Option<&[u8]>,
) -> Result<Vec<(u32, Vec<u8>)>, Error> {
    match format {
        Format::Sqlite => sqlite::packages(file, wal),
        Format::Bdb => bdb::packages(file),
        Format::Ndb => ndb::packages(file),
    }
}

/// The packages of a database file of the given format. `wal` is an SQLite database's
/// `-wal` file, when there is one (ignored for the other formats).
///
/// # Errors
/// The format reader's error, or [`Error::Record`] for a header that does not parse: a
/// database with a corrupt record is not read partly, since a package missing from the list
/// would read as "not installed".
pub fn read_packages(
    format: Format,
    file: &[u8],
    wal: Option<&[u8]>,
) -> Result<Vec<Package>, Error> {
    read_blobs(format, file, wal)?
        .iter()
        .map(|(instance, blob)| {
            Header::parse(blob)
                .and_then(|h| Package::from_header(&h))
                .map_err(|e| Error::Record {
                    instance: *instance,
                    source: Box::new(e),
                })
        })
        .collect()
}
