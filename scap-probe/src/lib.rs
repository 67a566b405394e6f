//! The probe interface shared by the scap crates: the [`Target`] trait and its backends.
//!
//! An OVAL probe asks a handful of questions of the system it checks: stat this file, read
//! it, list that directory, read this link; what does `uname` say, which processes run, what is
//! `net.ipv4.ip_forward`, what is mounted. [`Target`] is those questions as one small,
//! object-safe trait, and every probe in `scap-oval` is written once against `&dyn Target`.
//! What differs between a running host, an unpacked image and a test fixture is only the
//! backend:
//!
//! - [`LiveHost`]: the running system (files at `/`, facts from `/proc`, `/sys`, `std::env`);
//! - [`RootFs`]: an offline directory tree, scanned as a jail;
//! - [`MemoryTarget`]: a tree and facts in memory, for tests;
//! - [`OciImage`] (feature `oci`, on by default): a container image (OCI image layout or
//!   `docker save` archive) read in place, layers merged in memory, no daemon, no root;
//! - [`DiskImage`] (feature `disk`): a virtual machine disk (raw, qcow2, VHD, VMDK, a GCP
//!   `.tar`; GPT or MBR; LVM2; ext2/3/4, XFS and FAT) read in place and assembled by its own
//!   `/etc/fstab`; a GCP `.tar.gz` is decompressed once into a temporary file, within
//!   `DiskLimits`;
//! - anything a downstream tool writes (an SSH session, a VM disk reader, ...).
//!
//! # The trait
//!
//! Paths are paths *as seen inside the target*: absolute (`/etc/passwd`), never host paths. A
//! backend implements four filesystem methods, [`metadata`](Target::metadata) (`lstat`),
//! [`read_dir`](Target::read_dir), [`read_link`](Target::read_link) and
//! [`open`](Target::open), and inherits the rest: [`stat`](Target::stat),
//! [`canonicalize`](Target::canonicalize), [`exists`](Target::exists) and
//! [`read`](Target::read) are built on the four, and each host fact has a default. The trait is
//! `Send + Sync` because the evaluator calls probes from several threads.
//!
//! # The jail
//!
//! Inside a target, `/` is the target's root. An absolute symbolic link in an image
//! (`/etc/localtime -> /usr/share/zoneinfo/UTC`) must be read from the image, never from the
//! scanning host, and `../../../../etc/shadow` must not climb out of it. [`resolve()`] is the
//! one implementation of those rules, shared by [`RootFs`], [`MemoryTarget`] and the default
//! [`Target::canonicalize`]: it walks the path one component at a time, reads each link itself,
//! restarts absolute targets at the root, stops `..` at the root and gives up after
//! [`MAX_LINK_HOPS`] links with [`Error::LinkLoop`]. Backends only ever look at *physical*
//! paths, ones without links, so the host OS never follows a link on the target's behalf.
//!
//! # Facts a target cannot give
//!
//! An offline tree has no processes and no environment; an image has no mounts. Such a
//! question is answered with [`Error::NotCollectable`] naming the [`Fact`], which is distinct
//! from an empty answer (`Ok(vec![])`: the host has no processes) and from
//! [`Error::NotFound`] (this sysctl does not exist). OVAL turns the first into "not collected",
//! never into a silent "does not exist". Every fact method defaults to `NotCollectable`, so a
//! backend that knows only files implements only files. Caller-supplied facts go in
//! [`Facts`].
//!
//! # Writing a backend
//!
//! A complete (if tiny) backend: a flat set of files in `/`, no links, no facts.
//!
//! ```
//! use std::collections::BTreeMap;
//! use std::io::{Cursor, Read};
//! use std::path::{Path, PathBuf};
//! use scap_probe::{DirEntry, Error, FileType, Metadata, Result, Target, DEFAULT_READ_LIMIT};
//!
//! struct Flat(BTreeMap<String, Vec<u8>>);
//!
//! impl Flat {
//!     /// The file name of a path directly under `/`.
//!     fn name(path: &Path) -> Option<String> {
//!         let s = path.to_str()?.strip_prefix('/')?;
//!         (!s.is_empty() && !s.contains('/')).then(|| s.to_string())
//!     }
//! }
//!
//! impl Target for Flat {
//!     fn metadata(&self, path: &Path) -> Result<Metadata> {
//!         if path == Path::new("/") {
//!             return Ok(Metadata::new(FileType::Directory, 0o755));
//!         }
//!         match Flat::name(path).and_then(|n| self.0.get(&n)) {
//!             Some(bytes) => {
//!                 let mut m = Metadata::new(FileType::Regular, 0o644);
//!                 m.size = bytes.len() as u64;
//!                 Ok(m)
//!             }
//!             None => Err(Error::NotFound { path: path.into() }),
//!         }
//!     }
//!
//!     fn read_dir(&self, path: &Path) -> Result<Vec<DirEntry>> {
//!         if path != Path::new("/") {
//!             self.metadata(path)?; // NotFound if absent
//!             return Err(Error::NotADirectory { path: path.into() });
//!         }
//!         let entry = |n: &String| DirEntry { name: n.into(), file_type: FileType::Regular };
//!         Ok(self.0.keys().map(entry).collect())
//!     }
//!
//!     fn read_link(&self, path: &Path) -> Result<PathBuf> {
//!         self.metadata(path)?;
//!         Err(Error::NotASymlink { path: path.into() })
//!     }
//!
//!     fn open(&self, path: &Path) -> Result<Box<dyn Read + Send>> {
//!         match Flat::name(path).and_then(|n| self.0.get(&n)) {
//!             Some(bytes) => Ok(Box::new(Cursor::new(bytes.clone()))),
//!             None if path == Path::new("/") => Err(Error::IsADirectory { path: path.into() }),
//!             None => Err(Error::NotFound { path: path.into() }),
//!         }
//!     }
//! }
//!
//! let t = Flat(BTreeMap::from([("motd".to_string(), b"hello\n".to_vec())]));
//! let t: &dyn Target = &t;
//! // Inherited: stat, canonicalize, exists, read.
//! assert_eq!(t.canonicalize(Path::new("/./motd"))?, Path::new("/motd"));
//! assert_eq!(t.read(Path::new("/motd"), DEFAULT_READ_LIMIT)?, b"hello\n");
//! assert!(!t.exists(Path::new("/nope"))?);
//! // Inherited: every fact is "not collectable", not "empty".
//! assert!(t.processes().unwrap_err().is_not_collectable());
//! # Ok::<(), Error>(())
//! ```
//!
//! A backend that stores a tree *with* links and can only look up physical paths implements
//! [`Lookup`] (two methods) and calls [`resolve()`] at the top of each of the four methods, as
//! [`MemoryTarget`] does.
//!
//! # One scan, one look at each file
//!
//! [`ScanView`] wraps any target for the duration of one scan: each directory listed at most
//! once, each path's metadata fetched at most once, links resolved from what was seen, memory
//! capped by [`ViewLimits`]. The OVAL evaluator puts one in front of the target it is given.
//!
//! # Also here
//!
//! [`walk()`] and [`list_matching`] traverse any target the way OVAL file objects need
//! (`recurse`, `recurse_direction`, `max_depth`, `recurse_file_system`), so every backend
//! shares one traversal.
//!
//! # Specifications
//!
//! The facts follow what the OVAL 5.11 items they feed need: `unix-def` `file_item`,
//! `uname_item`, `process58_item`, `interface_item`, `sysctl_item`; `ind-def`
//! `environmentvariable58_item`, `family_item`; `linux-def` `partition_item`. Path resolution
//! follows POSIX.1-2017 §4.13 (pathname resolution) as Linux applies it under `chroot(2)`.
//!
//! # Features
//!
#![doc = document_features::document_features!()]
// Without the `disk` feature the type is not in this build of the docs: the link goes to the
// published page (built with every feature) instead of breaking.
#![cfg_attr(
    not(all(unix, feature = "disk")),
    doc = "\n\n[`DiskImage`]: https://docs.rs/scap-probe/latest/scap_probe/struct.DiskImage.html"
)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod beneath;
mod caps;
#[cfg(all(unix, feature = "disk"))]
mod disk;
mod error;
mod facts;
mod live;
mod memory;
mod metadata;
pub mod net;
#[cfg(all(unix, feature = "oci"))]
mod oci;
pub mod platform;
pub mod procfs;
pub mod resolve;
mod rootfs;
mod target;
mod view;
mod walk;
mod xattr;

pub use caps::FileCapabilities;
#[cfg(all(unix, feature = "disk"))]
#[cfg_attr(docsrs, doc(cfg(all(unix, feature = "disk"))))]
pub use disk::{DiskError, DiskFormat, DiskImage, DiskLimits, Filesystem};
pub use error::{Error, Fact, Result};
pub use facts::{ContainerInfo, Facts, Interface, InterfaceAddress, Mount, Process, Uname};
pub use live::LiveHost;
pub use memory::MemoryTarget;
pub use metadata::{DirEntry, FileType, Metadata, Timestamp};
pub use net::{InetSocket, PacketSocket, RouteEntry, SocketOwner};
#[cfg(all(unix, feature = "oci"))]
#[cfg_attr(docsrs, doc(cfg(all(unix, feature = "oci"))))]
pub use oci::{
    ImageFormat, ImageInfo, LayerInfo, OciError, OciImage, OciLimits, OciOptions, parse_env_lines,
    split_image_arg,
};
pub use resolve::{Follow, Lookup, MAX_LINK_HOPS, Resolved, check_path, resolve};
pub use rootfs::RootFs;
pub use target::{DEFAULT_READ_LIMIT, Target, sysctl_name, sysctl_path};
pub use view::{ScanView, ViewLimits, ViewStats};
pub use walk::{Direction, Walk, WalkEntry, WalkOptions, list_matching, walk};
