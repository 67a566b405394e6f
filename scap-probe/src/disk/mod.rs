//! [`DiskImage`]: a virtual machine disk read in place: no root, no FUSE, no helper
//! appliance, nothing written (but a GCP `.tar.gz`'s unnamed temporary copy, see
//! [`DiskLimits`]); the image file is the only host path ever opened.
//!
//! Layers, each in its own module, each reading only through the one below:
//!
//! - container: raw, qcow2 v2/v3 (`qcow2`), VHD fixed and dynamic (`vhd`), VMDK
//!   `monolithicSparse` and `streamOptimized` (`vmdk`), `disk.raw` in a tar (`tarball`, read
//!   in place) or in a `.tar.gz` (`targz`: the GCP image as shipped, decompressed once into
//!   a temporary file, within [`DiskLimits`]);
//! - partition table (`partition`): GPT, MBR with extended partitions, or none (a bare
//!   filesystem);
//! - filesystems: ext2/3/4 (`ext4`), XFS (`xfs`), FAT12/16/32 (`fat`, the EFI system
//!   partition);
//! - assembly: the filesystem holding `/etc/os-release` is `/`; the others are mounted where
//!   its `/etc/fstab` says (`UUID=`, `LABEL=`, `PARTUUID=`, `PARTLABEL=`, `/dev/disk/by-*/`,
//!   `/dev/sdXN`-style names), parents before children.
//!
//! Paths resolve over the assembled tree with the same jail rules as [`RootFs`](crate::RootFs)
//! ([`resolve`](crate::resolve())): an absolute link starts at the image's `/` (not at the
//! root of the filesystem holding it), `..` stops at `/`.
//!
//! The fstab is also the target's mount table: [`Target::mounts`] answers from it (device as
//! written in the fstab, mount point, type, options), so OVAL `partition` objects see what
//! the installed system would mount, where an offline tree has no mount table at all.

mod cache;
mod device;
mod error;
mod ext4;
mod fat;
mod fs;
mod fstab;
mod limits;
mod lvm;
mod partition;
mod qcow2;
mod tarball;
mod targz;
mod vhd;
mod vmdk;
mod xfs;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use error::DiskError;
pub use limits::DiskLimits;

use crate::error::Result;
use crate::facts::{Facts, Mount};
use crate::metadata::{DirEntry, FileType, Metadata};
use crate::resolve::{Follow, Lookup, resolve};
use crate::target::Target;
use device::{Device, FileDevice};
use error::DResult;
use fs::{Fs, FsInfo};
use partition::Partition;

/// The container format of a disk image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DiskFormat {
    /// A raw image: the disk's bytes as they are.
    Raw,
    /// QEMU's qcow2 (version 2 or 3).
    Qcow2,
    /// A fixed-size VHD: the disk's bytes followed by a 512-byte footer.
    VhdFixed,
    /// A dynamic (sparse) VHD: blocks mapped by a block allocation table.
    VhdDynamic,
    /// A tar archive holding `disk.raw` (a GCP image, once decompressed), read in place,
    /// sparse (GNU, or pax format 1.0) or not.
    GcpTar,
    /// A gzip-compressed tar holding `disk.raw` (a GCP image as `gcloud compute images
    /// export` writes it), decompressed once into a temporary file (see [`DiskLimits`]).
    GcpTarGz,
    /// A single-file VMDK sparse extent: `monolithicSparse`, or `streamOptimized` (compressed
    /// grains: OVA exports, AWS image exports).
    Vmdk,
}

/// A filesystem found in the image, mounted or not.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Filesystem {
    /// Where it is (`partition 2`, or `image` for a disk without a partition table).
    pub location: String,
    /// Its type (`ext4`, `vfat`, ...).
    pub kind: String,
    /// Its UUID as `blkid` prints it.
    pub uuid: String,
    /// Its label (may be empty).
    pub label: String,
    /// Where the assembly mounted it; `None` if the image's fstab does not mount it.
    pub mount_point: Option<PathBuf>,
}

/// One filesystem of the image with what an fstab can name it by.
struct Found {
    fs: Arc<dyn Fs>,
    info: FsInfo,
    location: String,
    partition: Option<Partition>,
    /// Volume group and logical volume names, for a filesystem on LVM.
    lv: Option<(String, String)>,
}

/// A virtual machine disk image as a [`Target`], read in place: no root, no FUSE, no helper
/// appliance, nothing written (but a GCP `.tar.gz`'s unnamed temporary copy, below); the
/// image file is the only host path ever opened.
///
/// - Containers: raw, qcow2 v2/v3 (compressed clusters, deflate or zstd; a backing file is
///   refused, never opened), VHD fixed and dynamic (a differencing VHD is refused), VMDK in
///   one file (`monolithicSparse`, `streamOptimized`; a descriptor naming other files is
///   refused), a GCP image's `disk.raw` (or the archive's only file) in a `.tar` (GNU or
///   pax 1.0 sparse, or not) read in place, or
///   in the `.tar.gz` GCP ships (see below).
/// - Partition tables: GPT, MBR with extended partitions, or none (a bare filesystem).
/// - Filesystems: ext2/3/4, XFS (v4 and v5) and FAT12/16/32 (the EFI system partition),
///   on a partition or on an LVM2 linear logical volume (`/dev/VG/LV`, `/dev/mapper/VG-LV` in
///   the fstab); other LVM segment types are named in [`warnings`](DiskImage::warnings).
/// - Assembly: the filesystem holding `/etc/os-release` is `/`; the others are mounted where
///   its `/etc/fstab` says (`UUID=`, `LABEL=`, `PARTUUID=`, `PARTLABEL=`, `/dev/disk/by-*/`,
///   `/dev/sdXN`, `/dev/vdXN`, `/dev/nvme0n1pN` names), parents first.
/// - Jail: paths resolve over the assembled tree with the rules of [`RootFs`](crate::RootFs)
///   ([`resolve`](crate::resolve())): an absolute link starts at the image's `/`, not at the
///   root of the filesystem holding it, and `..` stops at `/`.
/// - Mount table: [`Target::mounts`] answers from the fstab (device as written there, mount
///   point, type, options; swap left out), so OVAL `partition` objects see what the installed
///   system mounts, where an offline tree has no mount table.
/// - Bounds: tables, chains and trees in the image are bounded and checked (a table pointing
///   outside the file, overlapping partitions, a loop): a [`DiskError`] when opening, an
///   [`Error`](crate::Error) naming the path when reading a file.
///
/// Every container is read in place but one: a GCP `.tar.gz`. Gzip has no random access and
/// the filesystems are read in any order, so it is decompressed once, as it is read, into an
/// unnamed temporary file (in [`DiskLimits::temp_dir`], by default `$TMPDIR` or `/tmp`;
/// gone when the image is dropped) that is then read as the raw disk. That file needs up to
/// [`DiskLimits::max_decompressed`] (64 GiB by default) of free space, in practice the size
/// of the disk's data: it is sparse where the tar entry is (GCP writes GNU sparse entries) and
/// where the data are whole blocks of zeros. More than that limit decompressed (a gzip
/// bomb), and opening stops with [`DiskError::LimitExceeded`]; a corrupt or truncated
/// stream is a [`DiskError::Corrupt`] (the whole stream is read and its CRC checked), never
/// a partial disk. [`open_with`](DiskImage::open_with) sets the limit and the directory.
///
/// ```
/// use std::path::Path;
/// use scap_probe::{DiskFormat, DiskImage, Target, DEFAULT_READ_LIMIT};
/// # let image = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/disk/gpt-esp-root-var.qcow2");
/// // A GPT disk: an ESP, an ext4 root and an ext4 /var, in a compressed qcow2.
/// let disk = DiskImage::open(image)?;
/// assert_eq!(disk.format(), DiskFormat::Qcow2);
/// for w in disk.warnings() {
///     eprintln!("warning: {w}"); // here: its fstab names a /dev/sda9 the image lacks
/// }
/// let release = disk.read(Path::new("/etc/os-release"), DEFAULT_READ_LIMIT)?;
/// assert!(release.starts_with(b"ID=tiny"));
/// // /var/log is on the third partition, mounted by UUID as the image's fstab says.
/// assert!(disk.exists(Path::new("/var/log/messages"))?);
/// // The mount table is the fstab.
/// let mounts = disk.mounts()?;
/// assert_eq!(mounts[1].mount_point, Path::new("/var"));
/// assert_eq!(mounts[1].options, ["defaults", "nodev", "nosuid"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct DiskImage {
    format: DiskFormat,
    /// Mounted filesystems, longest mount point first (the first prefix match wins).
    mounts: Vec<(PathBuf, Arc<dyn Fs>)>,
    filesystems: Vec<Filesystem>,
    warnings: Vec<String>,
    /// Facts for the [`Target`] defaults: `mounts` is set from the image's fstab.
    pub facts: Facts,
}

impl std::fmt::Debug for DiskImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DiskImage")
            .field("format", &self.format)
            .field("filesystems", &self.filesystems)
            .field("warnings", &self.warnings)
            .finish_non_exhaustive()
    }
}

/// The image as a device of the virtual disk's size, and its format.
fn open_container(
    file: Arc<dyn Device>,
    limits: &DiskLimits,
) -> DResult<(Arc<dyn Device>, DiskFormat)> {
    let mut head = [0u8; 4];
    if file.size() >= 4 {
        file.read_at(0, &mut head)?;
    }
    if qcow2::is_qcow2(&head) {
        return Ok((Arc::new(qcow2::Qcow2::open(file)?), DiskFormat::Qcow2));
    }
    if vmdk::is_vmdk(&head) {
        return Ok((Arc::new(vmdk::Vmdk::open(file)?), DiskFormat::Vmdk));
    }
    let mut text = [0u8; 21];
    if file.size() >= 21 {
        file.read_at(0, &mut text)?;
    }
    if let Some(what) = vmdk::refused(&text) {
        return Err(DiskError::unsupported("vmdk", what));
    }
    if head[..2] == [0x1f, 0x8b] {
        // A GCP image as shipped; why a temporary file: targz.rs.
        return Ok((targz::unpack(&*file, limits)?, DiskFormat::GcpTarGz));
    }
    if file.size() >= 512 {
        let mut h = [0u8; 512];
        file.read_at(0, &mut h)?;
        if tarball::is_tar(&h) {
            return Ok((Arc::new(tarball::TarDisk::open(file)?), DiskFormat::GcpTar));
        }
    }
    match vhd::footer_type(&*file)? {
        None => {}
        Some(2) => return Ok((Arc::new(vhd::fixed(file)), DiskFormat::VhdFixed)),
        Some(3) => {
            return Ok((
                Arc::new(vhd::DynamicVhd::open(file)?),
                DiskFormat::VhdDynamic,
            ));
        }
        Some(4) => {
            return Err(DiskError::unsupported(
                "vhd",
                "differencing VHD (its parent is never opened; merge it first)",
            ));
        }
        Some(t) => return Err(DiskError::unsupported("vhd", format!("disk type {t}"))),
    }
    Ok((file, DiskFormat::Raw))
}

impl DiskImage {
    /// Open the disk image at `path` and assemble its filesystems: the one holding
    /// `/etc/os-release` is `/`, the others are mounted where its `/etc/fstab` says. Fstab entries that cannot be mounted (a filesystem not in the image or of
    /// an unsupported type, a missing mount point) are skipped and listed in
    /// [`warnings`](DiskImage::warnings); an image without a root filesystem is
    /// [`DiskError::NoRoot`].
    ///
    /// A `.tar.gz` is decompressed into a temporary file within the default [`DiskLimits`]
    /// (see [`DiskImage`]); [`open_with`](DiskImage::open_with) sets others.
    pub fn open(path: impl AsRef<Path>) -> std::result::Result<DiskImage, DiskError> {
        DiskImage::open_with(path, &DiskLimits::default())
    }

    /// [`open`](DiskImage::open) within `limits`: the most a compressed image may
    /// decompress to, and where its temporary file goes.
    ///
    /// ```
    /// use std::io::Write;
    /// use scap_probe::{DiskError, DiskImage, DiskLimits};
    /// # let dir = tempfile::tempdir()?;
    /// # let image = dir.path().join("bomb.tar.gz");
    /// // A .tar.gz whose disk.raw is 1 MiB of zeros (1 KiB compressed), over a 64 KiB limit.
    /// let mut tar = tar::Builder::new(Vec::new());
    /// let mut header = tar::Header::new_gnu();
    /// header.set_size(1 << 20);
    /// tar.append_data(&mut header, "disk.raw", &vec![0u8; 1 << 20][..])?;
    /// let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    /// gz.write_all(&tar.into_inner()?)?;
    /// std::fs::write(&image, gz.finish()?)?;
    /// let limits = DiskLimits::default()
    ///     .with_max_decompressed(64 << 10)
    ///     .with_temp_dir(dir.path());
    /// let e = DiskImage::open_with(&image, &limits).unwrap_err();
    /// assert!(matches!(e, DiskError::LimitExceeded { limit: 65536, .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open_with(
        path: impl AsRef<Path>,
        limits: &DiskLimits,
    ) -> std::result::Result<DiskImage, DiskError> {
        DiskImage::assemble(Arc::new(FileDevice::open(path.as_ref())?), limits)
    }

    /// [`open`](DiskImage::open) for an image held in memory (a small image in a test, a
    /// fuzzer's input).
    ///
    /// ```
    /// use scap_probe::{DiskError, DiskImage};
    /// // 64 KiB of zeros: no partition table, no filesystem, so no root.
    /// let e = DiskImage::from_bytes(vec![0; 1 << 16]).unwrap_err();
    /// assert!(matches!(e, DiskError::NoRoot { .. }));
    /// ```
    pub fn from_bytes(bytes: Vec<u8>) -> std::result::Result<DiskImage, DiskError> {
        DiskImage::from_bytes_with(bytes, &DiskLimits::default())
    }

    /// [`from_bytes`](DiskImage::from_bytes) within `limits` (a fuzzer's gzip input stays
    /// small).
    pub fn from_bytes_with(
        bytes: Vec<u8>,
        limits: &DiskLimits,
    ) -> std::result::Result<DiskImage, DiskError> {
        DiskImage::assemble(Arc::new(device::MemDevice(bytes)), limits)
    }

    fn assemble(file: Arc<dyn Device>, limits: &DiskLimits) -> DResult<DiskImage> {
        let (disk, format) = open_container(file, limits)?;
        let mut warnings = Vec::new();
        let mut found = Vec::new();
        let devices: Vec<(Arc<dyn Device>, String, Option<Partition>)> =
            match partition::read_table(&*disk)? {
                None => vec![(Arc::clone(&disk), "image".to_string(), None)],
                Some(parts) => parts
                    .into_iter()
                    .map(|p| (p.device(&disk), format!("partition {}", p.number), Some(p)))
                    .collect(),
            };
        // LVM2 physical volumes are replaced by their logical volumes.
        let mut volumes = Vec::new();
        for (dev, location, partition) in devices {
            if !lvm::is_pv(&*dev) {
                volumes.push((dev, location, partition, None));
                continue;
            }
            match lvm::volumes(&dev, &location) {
                Ok(lvs) => volumes.extend(lvs.into_iter().map(|lv| {
                    let at = format!("{location}, lv {}/{}", lv.vg, lv.name);
                    (lv.dev, at, None, Some((lv.vg, lv.name)))
                })),
                Err(e) => warnings.push(e.to_string()),
            }
        }
        for (i, (dev, location, partition, lv)) in volumes.into_iter().enumerate() {
            // st_dev of each filesystem: distinct per filesystem, stable across runs.
            let device_id = 0x0800 + i as u64 + 1;
            match probe(&dev, &location, device_id) {
                Ok(Some((fs, info))) => found.push(Found {
                    fs,
                    info,
                    location,
                    partition,
                    lv,
                }),
                Ok(None) => {}
                Err(e) => warnings.push(e.to_string()),
            }
        }
        let names = || {
            found
                .iter()
                .map(|f| format!("{} on {}", f.info.kind, f.location))
                .collect::<Vec<_>>()
        };
        let root = found
            .iter()
            .position(|f| {
                ["/etc/os-release", "/usr/lib/os-release"]
                    .iter()
                    .any(|p| f.fs.metadata(Path::new(p)).is_ok())
            })
            .ok_or_else(|| DiskError::NoRoot { found: names() })?;
        let mut image = DiskImage {
            format,
            mounts: vec![(PathBuf::from("/"), Arc::clone(&found[root].fs))],
            filesystems: Vec::new(),
            warnings,
            facts: Facts::default(),
        };
        let mut mount_points: Vec<Option<PathBuf>> = vec![None; found.len()];
        mount_points[root] = Some(PathBuf::from("/"));
        let entries = match image.read(Path::new("/etc/fstab"), 1 << 20) {
            Ok(bytes) => fstab::parse(&String::from_utf8_lossy(&bytes)),
            Err(e) => {
                image.warnings.push(format!("/etc/fstab: {e}"));
                Vec::new()
            }
        };
        let mut table = Vec::new();
        let mut to_mount = Vec::new();
        for e in &entries {
            if !e.file.starts_with('/') || e.vfstype == "swap" {
                continue;
            }
            table.push(Mount {
                device: e.spec.clone(),
                mount_point: PathBuf::from(&e.file),
                fs_type: e.vfstype.clone(),
                options: e.options.clone(),
            });
            if e.file == "/" {
                continue;
            }
            match find(&found, &e.spec) {
                Some(i) => to_mount.push((PathBuf::from(&e.file), i, e.options.clone())),
                None if e.spec.starts_with('/') || e.spec.contains('=') => image.warnings.push(
                    format!("fstab: {} for {}: not in this image", e.spec, e.file),
                ),
                // tmpfs, proc, a network share: nothing to read from the image.
                None => {}
            }
        }
        // Parents before children, whatever the fstab order.
        to_mount.sort_by_key(|(p, _, _)| p.components().count());
        for (at, i, options) in to_mount {
            match image.canonicalize(&at) {
                Ok(physical) if image.metadata(&physical).is_ok_and(|m| m.is_dir()) => {
                    mount_points[i] = Some(physical.clone());
                    let fs = found[i].fs.remount(&options);
                    let fs = fs.unwrap_or_else(|| Arc::clone(&found[i].fs));
                    image.mounts.push((physical, fs));
                    image
                        .mounts
                        .sort_by_key(|(p, _)| std::cmp::Reverse(p.components().count()));
                }
                _ => image.warnings.push(format!(
                    "fstab: mount point {} is not a directory",
                    at.display()
                )),
            }
        }
        image.facts.mounts = Some(table);
        image.filesystems = found
            .iter()
            .zip(mount_points)
            .map(|(f, m)| Filesystem {
                location: f.location.clone(),
                kind: f.info.kind.to_string(),
                uuid: f.info.uuid.clone(),
                label: f.info.label.clone(),
                mount_point: m,
            })
            .collect();
        Ok(image)
    }

    /// The container format the image was read from.
    pub fn format(&self) -> DiskFormat {
        self.format
    }

    /// Every filesystem found, with where it is mounted.
    pub fn filesystems(&self) -> &[Filesystem] {
        &self.filesystems
    }

    /// What could not be assembled (a partition of an unsupported type, an fstab entry naming
    /// a filesystem that is not in the image), one message each.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The mounted filesystem holding physical path `p`, and `p` inside it.
    fn locate(&self, p: &Path) -> (&dyn Fs, PathBuf) {
        for (at, fs) in &self.mounts {
            if let Ok(rest) = p.strip_prefix(at) {
                return (&**fs, Path::new("/").join(rest));
            }
        }
        // The root is always mounted at `/`, which prefixes every physical path.
        (&*self.mounts[self.mounts.len() - 1].1, p.to_path_buf())
    }

    fn physical_metadata(&self, p: &Path) -> Result<Metadata> {
        let (fs, rel) = self.locate(p);
        fs.metadata(&rel)
    }
}

/// The filesystem on `dev`, if one this module reads is there.
fn probe(
    dev: &Arc<dyn Device>,
    location: &str,
    device_id: u64,
) -> DResult<Option<(Arc<dyn Fs>, FsInfo)>> {
    if ext4::is_ext(&**dev) {
        let fs = ext4::Ext4::open(Arc::clone(dev), format!("ext4 on {location}"), device_id)?;
        let info = fs.info().clone();
        return Ok(Some((Arc::new(fs), info)));
    }
    if fat::is_fat(&**dev) {
        let fs = fat::Fat::open(Arc::clone(dev), format!("vfat on {location}"), device_id)?;
        let info = fs.info().clone();
        return Ok(Some((Arc::new(fs), info)));
    }
    if xfs::is_xfs(&**dev) {
        let fs = xfs::Xfs::open(Arc::clone(dev), format!("xfs on {location}"), device_id)?;
        let info = fs.info().clone();
        return Ok(Some((Arc::new(fs), info)));
    }
    Ok(None)
}

/// Which found filesystem an fstab `spec` names.
fn find(found: &[Found], spec: &str) -> Option<usize> {
    let by = |key: &str| -> Option<String> {
        if let Some(v) = spec.strip_prefix(&format!("{key}=")) {
            return Some(v.to_string());
        }
        let dir = format!("/dev/disk/by-{}/", key.to_ascii_lowercase());
        spec.strip_prefix(dir.as_str()).map(str::to_string)
    };
    let unquote = |v: &str| v.trim_matches('"').to_string();
    if let Some(v) = by("UUID") {
        let v = unquote(&v).to_ascii_lowercase();
        return found
            .iter()
            .position(|f| f.info.uuid.to_ascii_lowercase() == v);
    }
    if let Some(v) = by("LABEL") {
        let v = unquote(&v);
        return found.iter().position(|f| f.info.label == v);
    }
    if let Some(v) = by("PARTUUID") {
        let v = unquote(&v).to_ascii_lowercase();
        return found
            .iter()
            .position(|f| f.partition.as_ref().is_some_and(|p| p.part_uuid == v));
    }
    if let Some(v) = by("PARTLABEL") {
        let v = unquote(&v);
        return found
            .iter()
            .position(|f| f.partition.as_ref().is_some_and(|p| p.label == v));
    }
    if let Some((vg, lv)) = lvm_name(spec) {
        return found
            .iter()
            .position(|f| f.lv.as_ref().is_some_and(|(v, l)| *v == vg && *l == lv));
    }
    let number = dev_partition_number(spec)?;
    found
        .iter()
        .position(|f| f.partition.as_ref().is_some_and(|p| p.number == number))
}

/// The volume group and logical volume of `/dev/VG/LV` or `/dev/mapper/VG-LV` (where a `-`
/// inside either name is written `--`).
fn lvm_name(spec: &str) -> Option<(String, String)> {
    if let Some(m) = spec.strip_prefix("/dev/mapper/") {
        // The separator is the first `-` not doubled.
        let b = m.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'-' {
                if b.get(i + 1) == Some(&b'-') {
                    i += 2;
                    continue;
                }
                let (vg, lv) = (&m[..i], &m[i + 1..]);
                return Some((vg.replace("--", "-"), lv.replace("--", "-")));
            }
            i += 1;
        }
        return None;
    }
    let rest = spec.strip_prefix("/dev/")?;
    let (vg, lv) = rest.split_once('/')?;
    (!vg.is_empty() && !lv.is_empty() && !lv.contains('/') && vg != "disk")
        .then(|| (vg.to_string(), lv.to_string()))
}

/// The partition number of the first disk's `/dev` names: `sda2`, `vda2`, `xvda2`, `hda2`
/// (disk letter `a`), `nvme0n1p2`, `mmcblk0p2`.
fn dev_partition_number(spec: &str) -> Option<u32> {
    let name = spec.strip_prefix("/dev/")?;
    let rest = ["sda", "vda", "xvda", "hda", "nvme0n1p", "mmcblk0p"]
        .iter()
        .find_map(|p| name.strip_prefix(p))?;
    if rest.is_empty() || !rest.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    rest.parse().ok()
}

impl Lookup for DiskImage {
    fn entry_type(&self, physical: &Path) -> Result<FileType> {
        self.physical_metadata(physical).map(|m| m.file_type)
    }

    fn link_target(&self, physical: &Path) -> Result<PathBuf> {
        let (fs, rel) = self.locate(physical);
        fs.read_link(&rel)
    }
}

impl Target for DiskImage {
    fn metadata(&self, path: &Path) -> Result<Metadata> {
        let r = resolve(self, path, Follow::Parents)?;
        self.physical_metadata(&r.path)
            .map_err(|e| e.with_path(path))
    }

    fn read_dir(&self, path: &Path) -> Result<Vec<DirEntry>> {
        let r = resolve(self, path, Follow::All)?;
        let (fs, rel) = self.locate(&r.path);
        fs.read_dir(&rel).map_err(|e| e.with_path(path))
    }

    fn read_link(&self, path: &Path) -> Result<PathBuf> {
        let r = resolve(self, path, Follow::Parents)?;
        let (fs, rel) = self.locate(&r.path);
        fs.read_link(&rel).map_err(|e| e.with_path(path))
    }

    fn open(&self, path: &Path) -> Result<Box<dyn Read + Send>> {
        let r = resolve(self, path, Follow::All)?;
        let (fs, rel) = self.locate(&r.path);
        fs.open(&rel).map_err(|e| e.with_path(path))
    }

    fn canonicalize(&self, path: &Path) -> Result<PathBuf> {
        resolve(self, path, Follow::All).map(|r| r.path)
    }

    fn facts(&self) -> Option<&Facts> {
        Some(&self.facts)
    }

    fn hostname(&self) -> Result<String> {
        crate::target::hostname_of_tree(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dev_names() {
        assert_eq!(dev_partition_number("/dev/sda2"), Some(2));
        assert_eq!(dev_partition_number("/dev/nvme0n1p15"), Some(15));
        assert_eq!(dev_partition_number("/dev/xvda1"), Some(1));
        assert_eq!(dev_partition_number("/dev/sdb1"), None);
        assert_eq!(dev_partition_number("/dev/sda"), None);
        assert_eq!(dev_partition_number("/dev/mapper/vg-root"), None);
    }

    #[test]
    fn lvm_names() {
        let pair = |a: &str, b: &str| Some((a.to_string(), b.to_string()));
        assert_eq!(lvm_name("/dev/mapper/vg0-root"), pair("vg0", "root"));
        assert_eq!(
            lvm_name("/dev/mapper/my--vg-lv--var"),
            pair("my-vg", "lv-var")
        );
        assert_eq!(lvm_name("/dev/vg0/root"), pair("vg0", "root"));
        assert_eq!(lvm_name("/dev/disk/by-uuid"), None);
        assert_eq!(lvm_name("/dev/sda1"), None);
    }
}
