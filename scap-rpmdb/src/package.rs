//! An installed package as the OVAL rpm probes need it, read from its [`Header`].

use crate::header::Header;
use crate::{Error, pgp, tag};

/// One installed package.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Package {
    /// `NAME`.
    pub name: String,
    /// `EPOCH`, when the package has one.
    pub epoch: Option<u32>,
    /// `VERSION`.
    pub version: String,
    /// `RELEASE`.
    pub release: String,
    /// `ARCH` (empty for a header without one, such as a `gpg-pubkey` entry).
    pub arch: String,
    /// The signer's key id of the header-only signature (`RSAHEADER`, else `DSAHEADER`): what
    /// `rpmsign` writes by default since rpm 4.16.
    pub header_key_id: Option<[u8; 8]>,
    /// The signer's key id of the header+payload signature (`SIGPGP`, else `SIGGPG`): the
    /// "v3" signature older rpms wrote and `rpmsign --rpmv3` still does.
    pub payload_key_id: Option<[u8; 8]>,
    /// The files the package owns, in header order.
    pub files: Vec<File>,
}

/// The digest algorithm of a package's `FILEDIGESTS` (`FILEDIGESTALGO`, RFC 4880 numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DigestAlgo {
    /// 1: MD5, the default when a header has no `FILEDIGESTALGO`.
    Md5,
    /// 2: SHA-1.
    Sha1,
    /// 8: SHA-256.
    Sha256,
    /// 9: SHA-384.
    Sha384,
    /// 10: SHA-512.
    Sha512,
    /// 11: SHA-224.
    Sha224,
    /// Another number.
    Other(u32),
}

impl DigestAlgo {
    /// The algorithm for a `FILEDIGESTALGO` value.
    pub fn from_number(n: u32) -> DigestAlgo {
        match n {
            1 => DigestAlgo::Md5,
            2 => DigestAlgo::Sha1,
            8 => DigestAlgo::Sha256,
            9 => DigestAlgo::Sha384,
            10 => DigestAlgo::Sha512,
            11 => DigestAlgo::Sha224,
            n => DigestAlgo::Other(n),
        }
    }
}

/// One file of a package, as rpm recorded it at install time.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct File {
    /// The absolute path (`DIRNAMES[DIRINDEXES[i]] + BASENAMES[i]`, or `OLDFILENAMES[i]`).
    pub path: String,
    /// `FILESIZES` or `LONGFILESIZES`.
    pub size: u64,
    /// `FILEMODES` (type and permission bits).
    pub mode: u16,
    /// `FILEMTIMES`, seconds since the epoch.
    pub mtime: u32,
    /// `FILEDIGESTS`: lowercase hex, empty for a non-regular file.
    pub digest: String,
    /// The algorithm of every digest of the package.
    pub digest_algo: DigestAlgo,
    /// `FILELINKTOS`: the symlink target, empty for a non-link.
    pub link_to: String,
    /// `FILEUSERNAME`.
    pub user: String,
    /// `FILEGROUPNAME`.
    pub group: String,
    /// `FILEFLAGS` (`RPMFILE_CONFIG` 1, `DOC` 2, `MISSINGOK` 8, `NOREPLACE` 16, `GHOST` 64,
    /// `LICENSE` 128, `README` 256...).
    pub flags: u32,
    /// `FILEVERIFYFLAGS`: which attributes `rpm -V` checks (all when absent).
    pub verify_flags: u32,
    /// `FILERDEVS`: the device number of a device file.
    pub rdev: u16,
    /// `FILESTATES`: 0 normal, 1 replaced, 2 not installed, 3 net shared, 4 wrong color.
    pub state: u8,
    /// `FILECAPS`: the file capabilities rpm set, in libcap's text form (`cap_net_raw=ep`),
    /// empty for none.
    pub caps: String,
}

/// `RPMFILE_*` bits of [`File::flags`].
pub mod file_flags {
    /// `%config`.
    pub const CONFIG: u32 = 1;
    /// `%doc`.
    pub const DOC: u32 = 2;
    /// `%ghost`.
    pub const GHOST: u32 = 64;
    /// `%license`.
    pub const LICENSE: u32 = 128;
    /// `%readme`.
    pub const README: u32 = 256;
}

/// Most files one package may list: a header's index is at most 65535 entries but an array
/// entry may hold more; rpm itself has packages of some 100k files.
pub const MAX_FILES: usize = 1 << 20;

impl Package {
    /// The package a header describes.
    ///
    /// # Errors
    /// [`Error::Package`] when NAME, VERSION or RELEASE is missing, or the per-file arrays
    /// disagree in length.
    pub fn from_header(h: &Header<'_>) -> Result<Package, Error> {
        let mut p = Package::without_files(h)?;
        p.files = File::all(h).map_err(|e| match e {
            Error::Package { what, .. } => Error::Package {
                name: p.name.clone(),
                what,
            },
            e => e,
        })?;
        Ok(p)
    }

    /// The package a header describes, with [`files`](Package::files) left empty: what a
    /// caller that keeps many packages and needs the files of few reads first (the files come
    /// from the same header with [`File::all`]).
    ///
    /// # Errors
    /// [`Error::Package`] when NAME, VERSION or RELEASE is missing.
    pub fn without_files(h: &Header<'_>) -> Result<Package, Error> {
        let required = |t: u32, what: &'static str| {
            h.string(t).map(str::to_owned).ok_or(Error::Package {
                name: h.string(tag::NAME).unwrap_or("").to_owned(),
                what,
            })
        };
        let name = required(tag::NAME, "no NAME")?;
        let version = required(tag::VERSION, "no VERSION")?;
        let release = required(tag::RELEASE, "no RELEASE")?;
        let arch = h.string(tag::ARCH).unwrap_or("").to_owned();
        let epoch = h.int(tag::EPOCH).map(|e| e as u32);
        let key_id = |tags: [u32; 2]| {
            tags.iter()
                .find_map(|&t| h.bin(t).and_then(pgp::signature_key_id))
        };
        let header_key_id = key_id([tag::RSAHEADER, tag::DSAHEADER]);
        let payload_key_id = key_id([tag::SIGPGP, tag::SIGGPG]);
        Ok(Package {
            name,
            epoch,
            version,
            release,
            arch,
            header_key_id,
            payload_key_id,
            files: Vec::new(),
        })
    }

    /// `epoch:version-release`, epoch `0` when absent (the OVAL `evr_string`).
    pub fn evr(&self) -> String {
        format!(
            "{}:{}-{}",
            self.epoch.unwrap_or(0),
            self.version,
            self.release
        )
    }
}

impl File {
    /// The files a header lists. An array missing altogether gives defaults; one present with
    /// the wrong length is an error, since pairing it with the names would misattribute values.
    ///
    /// # Errors
    /// [`Error::Package`] naming the package and the fault.
    pub fn all(h: &Header<'_>) -> Result<Vec<File>, Error> {
        files(h).map_err(|what| Error::Package {
            name: h.string(tag::NAME).unwrap_or("").to_owned(),
            what,
        })
    }
}

fn files(h: &Header<'_>) -> Result<Vec<File>, &'static str> {
    let paths: Vec<String> = match (h.strings(tag::BASENAMES), h.strings(tag::OLDFILENAMES)) {
        (Some(base), _) => {
            let dirs: Vec<&str> = h
                .strings(tag::DIRNAMES)
                .ok_or("BASENAMES without DIRNAMES")?
                .collect();
            let idx = h
                .ints(tag::DIRINDEXES)
                .ok_or("BASENAMES without DIRINDEXES")?;
            let mut out = Vec::new();
            let mut idx = idx.fuse();
            // Paths repeat their directory: bound the bytes they take by the header's size,
            // so DIRINDEXES all naming one long directory cannot multiply it a million times.
            let budget = 16 * h.data_len() + 4096;
            let mut total = 0usize;
            for b in base {
                let i = idx.next().ok_or("fewer DIRINDEXES than BASENAMES")? as usize;
                let d = dirs.get(i).ok_or("DIRINDEXES past DIRNAMES")?;
                total += d.len() + b.len();
                if total > budget {
                    return Err("file paths longer than 16 times the header");
                }
                out.push(format!("{d}{b}"));
                if out.len() > MAX_FILES {
                    return Err("more than 1048576 files");
                }
            }
            out
        }
        (None, Some(old)) => old.take(MAX_FILES + 1).map(str::to_owned).collect(),
        (None, None) => return Ok(Vec::new()),
    };
    if paths.len() > MAX_FILES {
        return Err("more than 1048576 files");
    }
    let n = paths.len();
    let ints = |t: u32| -> Result<Option<Vec<u64>>, &'static str> {
        match h.ints(t) {
            None => Ok(None),
            Some(v) => {
                let v: Vec<u64> = v.take(n + 1).collect();
                if v.len() == n {
                    Ok(Some(v))
                } else {
                    Err("a per-file array of the wrong length")
                }
            }
        }
    };
    let strs = |t: u32| -> Result<Option<Vec<&str>>, &'static str> {
        match h.strings(t) {
            None => Ok(None),
            Some(v) => {
                let v: Vec<&str> = v.take(n + 1).collect();
                if v.len() == n {
                    Ok(Some(v))
                } else {
                    Err("a per-file array of the wrong length")
                }
            }
        }
    };
    let sizes = match ints(tag::LONGFILESIZES)? {
        Some(v) => Some(v),
        None => ints(tag::FILESIZES)?,
    };
    let modes = ints(tag::FILEMODES)?;
    let mtimes = ints(tag::FILEMTIMES)?;
    let digests = strs(tag::FILEDIGESTS)?;
    let links = strs(tag::FILELINKTOS)?;
    let users = strs(tag::FILEUSERNAME)?;
    let groups = strs(tag::FILEGROUPNAME)?;
    let flags = ints(tag::FILEFLAGS)?;
    let vflags = ints(tag::FILEVERIFYFLAGS)?;
    let rdevs = ints(tag::FILERDEVS)?;
    let states = ints(tag::FILESTATES)?;
    let caps = strs(tag::FILECAPS)?;
    let algo = DigestAlgo::from_number(h.int(tag::FILEDIGESTALGO).map_or(1, |a| a as u32));
    let at = |v: &Option<Vec<u64>>, i: usize, d: u64| v.as_ref().map_or(d, |v| v[i]);
    let st = |v: &Option<Vec<&str>>, i: usize| v.as_ref().map_or("", |v| v[i]).to_owned();
    Ok(paths
        .into_iter()
        .enumerate()
        .map(|(i, path)| File {
            path,
            size: at(&sizes, i, 0),
            mode: at(&modes, i, 0) as u16,
            mtime: at(&mtimes, i, 0) as u32,
            digest: st(&digests, i),
            digest_algo: algo,
            link_to: st(&links, i),
            user: st(&users, i),
            group: st(&groups, i),
            flags: at(&flags, i, 0) as u32,
            verify_flags: at(&vflags, i, u64::from(u32::MAX)) as u32,
            rdev: at(&rdevs, i, 0) as u16,
            state: at(&states, i, 0) as u8,
            caps: st(&caps, i),
        })
        .collect())
}

/// One dependency of a package: a `Requires`, `Provides`, `Conflicts` or `Obsoletes` entry
/// (`NAME`, `FLAGS`, `VERSION` arrays of the header, entry by entry).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Dependency {
    /// What is required or provided: a capability, a file path (`/bin/sh`), an `rpmlib(...)`
    /// feature or a boolean expression (`(a or b)`).
    pub name: String,
    /// `RPMSENSE_*` bits ([`sense`]): the comparison, and the kind of dependency.
    pub flags: u32,
    /// `[epoch:]version[-release]`, empty when the dependency has no version.
    pub version: String,
}

/// Which dependencies of a header to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DependencyKind {
    /// `REQUIRENAME`, `REQUIREFLAGS`, `REQUIREVERSION`.
    Requires,
    /// `PROVIDENAME`, `PROVIDEFLAGS`, `PROVIDEVERSION`.
    Provides,
    /// `CONFLICTNAME`, `CONFLICTFLAGS`, `CONFLICTVERSION`.
    Conflicts,
    /// `OBSOLETENAME`, `OBSOLETEFLAGS`, `OBSOLETEVERSION`.
    Obsoletes,
}

/// `RPMSENSE_*` bits of [`Dependency::flags`].
pub mod sense {
    /// `<`.
    pub const LESS: u32 = 1 << 1;
    /// `>`.
    pub const GREATER: u32 = 1 << 2;
    /// `=`.
    pub const EQUAL: u32 = 1 << 3;
    /// The comparison bits.
    pub const MASK: u32 = LESS | GREATER | EQUAL;
    /// A weak requirement rpm does not insist on.
    pub const MISSINGOK: u32 = 1 << 19;
    /// An `rpmlib(...)` feature of rpm itself.
    pub const RPMLIB: u32 = 1 << 24;
}

impl Dependency {
    /// The dependencies of one kind a header lists (none when it has no such arrays).
    ///
    /// # Errors
    /// [`Error::Package`] when the flags or versions array is not as long as the names.
    pub fn all(h: &Header<'_>, kind: DependencyKind) -> Result<Vec<Dependency>, Error> {
        let (n, f, v) = match kind {
            DependencyKind::Requires => (tag::REQUIRENAME, tag::REQUIREFLAGS, tag::REQUIREVERSION),
            DependencyKind::Provides => (tag::PROVIDENAME, tag::PROVIDEFLAGS, tag::PROVIDEVERSION),
            DependencyKind::Conflicts => {
                (tag::CONFLICTNAME, tag::CONFLICTFLAGS, tag::CONFLICTVERSION)
            }
            DependencyKind::Obsoletes => {
                (tag::OBSOLETENAME, tag::OBSOLETEFLAGS, tag::OBSOLETEVERSION)
            }
        };
        let Some(names) = h.strings(n) else {
            return Ok(Vec::new());
        };
        let err = |what| Error::Package {
            name: h.string(tag::NAME).unwrap_or("").to_owned(),
            what,
        };
        // Names are backed by the header's bytes (at least one NUL each): the vector is
        // bounded by the blob.
        let names: Vec<&str> = names.collect();
        let flags: Vec<u64> = match h.ints(f) {
            Some(i) => i.take(names.len() + 1).collect(),
            None => vec![0; names.len()],
        };
        let versions: Vec<&str> = match h.strings(v) {
            Some(s) => s.take(names.len() + 1).collect(),
            None => vec![""; names.len()],
        };
        if flags.len() != names.len() || versions.len() != names.len() {
            return Err(err("a dependency array of the wrong length"));
        }
        Ok(names
            .into_iter()
            .zip(flags)
            .zip(versions)
            .map(|((name, flags), version)| Dependency {
                name: name.to_owned(),
                flags: flags as u32,
                version: version.to_owned(),
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::tests::blob;

    #[test]
    fn files_join_dirnames_and_basenames() {
        let b = blob(&[
            (tag::NAME, 6, 1, b"p\0"),
            (tag::VERSION, 6, 1, b"1\0"),
            (tag::RELEASE, 6, 1, b"2\0"),
            (tag::EPOCH, 4, 1, &[0, 0, 0, 3]),
            (tag::BASENAMES, 8, 2, b"a\0b\0"),
            (tag::DIRNAMES, 8, 2, b"/x/\0/y/\0"),
            (tag::DIRINDEXES, 4, 2, &[0, 0, 0, 1, 0, 0, 0, 0]),
            (tag::FILEMODES, 3, 2, &[0x81, 0xa4, 0xa1, 0xff]),
        ]);
        let h = Header::parse(&b).expect("well-formed");
        let p = Package::from_header(&h).expect("complete");
        assert_eq!(p.evr(), "3:1-2");
        let paths: Vec<_> = p.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["/y/a", "/x/b"]);
        assert_eq!(p.files[1].mode, 0o120777);
        assert_eq!(p.files[0].digest_algo, DigestAlgo::Md5);
    }

    #[test]
    fn paths_cannot_multiply_one_long_directory() {
        // 2000 files all in one 1000-byte directory: 2 MB of paths from a 12 kB header.
        let dir = format!("/{}/\0", "d".repeat(998));
        let names = "a\0".repeat(2000);
        let idx = vec![0u8; 4 * 2000];
        let b = blob(&[
            (tag::NAME, 6, 1, b"p\0"),
            (tag::VERSION, 6, 1, b"1\0"),
            (tag::RELEASE, 6, 1, b"2\0"),
            (tag::BASENAMES, 8, 2000, names.as_bytes()),
            (tag::DIRNAMES, 8, 1, dir.as_bytes()),
            (tag::DIRINDEXES, 4, 2000, &idx),
        ]);
        let h = Header::parse(&b).expect("well-formed");
        let e = Package::from_header(&h).expect_err("over the budget");
        assert!(e.to_string().contains("16 times"), "{e}");
    }

    #[test]
    fn mismatched_arrays_are_an_error() {
        let b = blob(&[
            (tag::NAME, 6, 1, b"p\0"),
            (tag::VERSION, 6, 1, b"1\0"),
            (tag::RELEASE, 6, 1, b"2\0"),
            (tag::BASENAMES, 8, 2, b"a\0b\0"),
            (tag::DIRNAMES, 8, 1, b"/x/\0"),
            (tag::DIRINDEXES, 4, 2, &[0, 0, 0, 0, 0, 0, 0, 0]),
            (tag::FILEMODES, 3, 1, &[0x81, 0xa4]),
        ]);
        let h = Header::parse(&b).expect("well-formed");
        assert!(matches!(
            Package::from_header(&h),
            Err(Error::Package { .. })
        ));
    }
}
