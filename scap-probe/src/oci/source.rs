//! Where the bytes of an image live (a directory or a tar archive on the host) and the reader
//! stack over a blob: a window into the archive, hashing, decompression, size limits.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use super::error::OciError;
use super::limits::OciLimits;
use super::tarx::{EntryKind, TarReader};

/// A readable, seekable blob.
pub(crate) trait Blob: Read + Seek + Send {}
impl<T: Read + Seek + Send> Blob for T {}

/// The host container of an image: a directory, or one tar file whose members are indexed by
/// name (data offset and size) once at open.
#[derive(Debug)]
pub(crate) enum Store {
    Dir(PathBuf),
    Tar {
        file: PathBuf,
        members: HashMap<String, (u64, u64)>,
    },
    /// Members held in memory (an archive given as bytes, or bare layers).
    Memory(HashMap<String, Arc<[u8]>>),
}

/// `name` as a clean relative path (`a/b`), or `None` if it is absolute after cleaning
/// nothing, empty, or climbs with `..`.
pub(crate) fn clean_member(name: &str) -> Option<String> {
    let mut parts = Vec::new();
    for part in name.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            p => parts.push(p),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

impl Store {
    /// Open `path`: a directory as is; a file as a tar archive, indexing its members.
    pub(crate) fn open(path: &Path, limits: &OciLimits) -> Result<Store, OciError> {
        let meta = std::fs::metadata(path).map_err(|e| OciError::io(path, e))?;
        if meta.is_dir() {
            return Ok(Store::Dir(path.to_path_buf()));
        }
        let file = File::open(path).map_err(|e| OciError::io(path, e))?;
        let mut reader = TarReader::new(
            BufReader::new(file),
            limits.clone(),
            path.display().to_string(),
        );
        let mut members = HashMap::new();
        while let Some(entry) = reader.next_entry()? {
            if entry.kind != EntryKind::Regular {
                continue;
            }
            if members.len() as u64 >= limits.max_entries {
                return Err(OciError::LimitExceeded {
                    name: path.display().to_string(),
                    what: "archive members",
                    limit: limits.max_entries,
                });
            }
            let name = String::from_utf8_lossy(&entry.name).into_owned();
            if let Some(clean) = clean_member(&name) {
                // Later members of the same name win, as extraction would have it.
                members.insert(clean, (entry.data_offset, entry.size));
            }
        }
        Ok(Store::Tar {
            file: path.to_path_buf(),
            members,
        })
    }

    /// A tar archive held in memory: its members are copied out.
    pub(crate) fn from_tar_bytes(bytes: &[u8], limits: &OciLimits) -> Result<Store, OciError> {
        let mut reader = TarReader::new(bytes, limits.clone(), "archive".into());
        let mut members = HashMap::new();
        while let Some(entry) = reader.next_entry()? {
            if entry.kind != EntryKind::Regular {
                continue;
            }
            if members.len() as u64 >= limits.max_entries {
                return Err(OciError::LimitExceeded {
                    name: "archive".into(),
                    what: "archive members",
                    limit: limits.max_entries,
                });
            }
            let data = reader.read_data(entry.size)?;
            let name = String::from_utf8_lossy(&entry.name).into_owned();
            if let Some(clean) = clean_member(&name) {
                members.insert(clean, Arc::from(data));
            }
        }
        Ok(Store::Memory(members))
    }

    /// The host path of the image, for messages.
    pub(crate) fn path(&self) -> &Path {
        match self {
            Store::Dir(p) => p,
            Store::Tar { file, .. } => file,
            Store::Memory(_) => Path::new("<memory>"),
        }
    }

    /// Whether member `name` exists (a regular file).
    pub(crate) fn has(&self, name: &str) -> bool {
        let Some(clean) = clean_member(name) else {
            return false;
        };
        match self {
            Store::Dir(root) => std::fs::symlink_metadata(root.join(&clean))
                .map(|m| m.is_file())
                .unwrap_or(false),
            Store::Tar { members, .. } => members.contains_key(&clean),
            Store::Memory(members) => members.contains_key(&clean),
        }
    }

    /// Open member `name` (a relative path; `..` refused) and give its size.
    pub(crate) fn open_member(&self, name: &str) -> Result<(Box<dyn Blob>, u64), OciError> {
        let missing = || OciError::MissingBlob {
            name: name.to_string(),
        };
        let clean = clean_member(name).ok_or_else(missing)?;
        match self {
            Store::Dir(root) => {
                let path = root.join(&clean);
                // Members are plain files of the layout: a symlink could lead anywhere on the
                // host, so it is not followed.
                let meta = std::fs::symlink_metadata(&path).map_err(|e| match e.kind() {
                    io::ErrorKind::NotFound => missing(),
                    _ => OciError::io(&path, e),
                })?;
                if !meta.is_file() {
                    return Err(missing());
                }
                let file = File::open(&path).map_err(|e| OciError::io(&path, e))?;
                Ok((Box::new(file), meta.len()))
            }
            Store::Tar { file, members } => {
                let &(offset, size) = members.get(&clean).ok_or_else(missing)?;
                let f = File::open(file).map_err(|e| OciError::io(file, e))?;
                let w = Window::new(f, offset, size).map_err(|e| OciError::io(file, e))?;
                Ok((Box::new(w), size))
            }
            Store::Memory(members) => {
                let data = members.get(&clean).ok_or_else(missing)?.clone();
                let len = data.len() as u64;
                Ok((Box::new(io::Cursor::new(data)), len))
            }
        }
    }

    /// The whole of a small member (JSON documents), at most `limit` bytes.
    pub(crate) fn read_member(&self, name: &str, limit: u64) -> Result<Vec<u8>, OciError> {
        let (blob, size) = self.open_member(name)?;
        if size > limit {
            return Err(OciError::LimitExceeded {
                name: name.to_string(),
                what: "JSON document size",
                limit,
            });
        }
        let mut buf = Vec::new();
        blob.take(limit)
            .read_to_end(&mut buf)
            .map_err(|e| OciError::io(self.path().join(name), e))?;
        Ok(buf)
    }
}

/// The bytes `start..start+len` of a file, as a file of their own.
pub(crate) struct Window {
    file: File,
    start: u64,
    len: u64,
    pos: u64,
}

impl Window {
    fn new(mut file: File, start: u64, len: u64) -> io::Result<Window> {
        file.seek(SeekFrom::Start(start))?;
        Ok(Window {
            file,
            start,
            len,
            pos: 0,
        })
    }
}

impl Read for Window {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.len.saturating_sub(self.pos);
        let want = usize::try_from(left).unwrap_or(usize::MAX).min(buf.len());
        let Some(buf) = buf.get_mut(..want) else {
            return Ok(0);
        };
        if buf.is_empty() {
            return Ok(0);
        }
        let n = self.file.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for Window {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        let target = target
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before start"))?;
        let abs = self
            .start
            .checked_add(target)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek overflow"))?;
        self.file.seek(SeekFrom::Start(abs))?;
        self.pos = target;
        Ok(target)
    }
}

/// A running sha256 and byte count, shared between a reader and its owner.
#[derive(Default)]
pub(crate) struct Tally {
    hasher: Sha256,
    pub(crate) bytes: u64,
}

impl Tally {
    /// Count and hash more bytes.
    pub(crate) fn update(&mut self, bytes: &[u8]) {
        self.hasher.update(bytes);
        self.bytes += bytes.len() as u64;
    }

    /// `sha256:<hex>` of what was counted so far.
    pub(crate) fn digest(&self) -> String {
        let out = self.hasher.clone().finalize();
        let mut s = String::with_capacity(7 + 64);
        s.push_str("sha256:");
        for b in out.iter() {
            s.push_str(&format!("{b:02x}"));
        }
        s
    }
}

/// Lock a tally; a poisoned lock still holds a usable count (the hasher is only ever updated
/// whole), so poisoning is ignored rather than propagated as a panic.
pub(crate) fn lock(t: &Mutex<Tally>) -> std::sync::MutexGuard<'_, Tally> {
    t.lock().unwrap_or_else(|e| e.into_inner())
}

/// Hashes and counts every byte read through it.
pub(crate) struct Hashing<R> {
    inner: R,
    tally: Arc<Mutex<Tally>>,
}

impl<R> Hashing<R> {
    pub(crate) fn new(inner: R) -> (Hashing<R>, Arc<Mutex<Tally>>) {
        let tally = Arc::new(Mutex::new(Tally::default()));
        (
            Hashing {
                inner,
                tally: tally.clone(),
            },
            tally,
        )
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut t = lock(&self.tally);
        t.hasher.update(buf.get(..n).unwrap_or_default());
        t.bytes += n as u64;
        Ok(n)
    }
}

/// `sha256:<hex>` of a whole reader.
pub(crate) fn digest_of(mut r: impl Read) -> io::Result<String> {
    let (mut h, tally) = Hashing::new(&mut r);
    io::copy(&mut h, &mut io::sink())?;
    let t = lock(&tally);
    Ok(t.digest())
}

/// Validate `digest` and give the layout path of its blob (`blobs/sha256/<hex>`).
pub(crate) fn blob_path(digest: &str) -> Result<String, OciError> {
    let bad = || OciError::InvalidDigest {
        digest: digest.to_string(),
    };
    let hex = digest.strip_prefix("sha256:").ok_or_else(bad)?;
    if hex.len() != 64
        || !hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(bad());
    }
    Ok(format!("blobs/sha256/{hex}"))
}

/// The compression of a layer, told by its magic bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compression {
    None,
    Gzip,
    Zstd,
}

impl Compression {
    /// From the first bytes of a blob.
    pub(crate) fn sniff(head: &[u8]) -> Compression {
        if head.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Compression::Zstd
        } else {
            Compression::None
        }
    }
}

/// Fail once more than `max` bytes came through, or more than `ratio` times what `source`
/// has counted (a decompression bomb); the ratio applies past the first `grace` bytes.
pub(crate) struct Bounded<R> {
    inner: R,
    pub(crate) out: u64,
    max: u64,
    ratio: u64,
    grace: u64,
    source: Option<Arc<Mutex<Tally>>>,
    name: String,
}

impl<R> Bounded<R> {
    pub(crate) fn new(
        inner: R,
        limits: &OciLimits,
        source: Option<Arc<Mutex<Tally>>>,
        name: String,
    ) -> Bounded<R> {
        Bounded {
            inner,
            out: 0,
            max: limits.max_layer_size,
            ratio: limits.max_compression_ratio,
            grace: limits.ratio_grace,
            source,
            name,
        }
    }
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.out += n as u64;
        let over = |what, limit| {
            OciError::LimitExceeded {
                name: self.name.clone(),
                what,
                limit,
            }
            .into_io()
        };
        if self.out > self.max {
            return Err(over("uncompressed layer size", self.max));
        }
        if let Some(src) = &self.source
            && self.out > self.grace
        {
            let inp = lock(src).bytes.max(1);
            if self.out / inp > self.ratio {
                return Err(over("compression ratio", self.ratio));
            }
        }
        Ok(n)
    }
}

/// A decompressed view of a layer blob (gzip members and zstd frames concatenated, as the
/// formats allow).
pub(crate) fn decompress<R: BufRead + Send + 'static>(
    mut raw: R,
) -> io::Result<(Box<dyn Read + Send>, Compression)> {
    let kind = Compression::sniff(raw.fill_buf()?);
    Ok(match kind {
        Compression::None => (Box::new(raw), kind),
        Compression::Gzip => (Box::new(flate2::bufread::MultiGzDecoder::new(raw)), kind),
        Compression::Zstd => (Box::new(ZstdFrames::new(raw)), kind),
    })
}

/// Concatenated zstd frames (skippable frames skipped), decoded with the pure-Rust `ruzstd`.
pub(crate) struct ZstdFrames<R> {
    src: R,
    dec: ruzstd::decoding::FrameDecoder,
    in_frame: bool,
}

impl<R: BufRead> ZstdFrames<R> {
    fn new(src: R) -> ZstdFrames<R> {
        ZstdFrames {
            src,
            dec: ruzstd::decoding::FrameDecoder::new(),
            in_frame: false,
        }
    }
}

impl<R: BufRead> Read for ZstdFrames<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        use ruzstd::decoding::BlockDecodingStrategy;
        use ruzstd::decoding::errors::{FrameDecoderError, ReadFrameHeaderError};
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if !self.in_frame {
                if self.src.fill_buf()?.is_empty() {
                    return Ok(0);
                }
                match self.dec.init(&mut self.src) {
                    Ok(()) => self.in_frame = true,
                    Err(FrameDecoderError::ReadFrameHeaderError(
                        ReadFrameHeaderError::SkipFrame { length, .. },
                    )) => {
                        let want = u64::from(length);
                        let got = io::copy(&mut (&mut self.src).take(want), &mut io::sink())?;
                        if got != want {
                            return Err(io::ErrorKind::UnexpectedEof.into());
                        }
                        continue;
                    }
                    Err(e) => return Err(io::Error::new(io::ErrorKind::InvalidData, e)),
                }
            }
            while self.dec.can_collect() < buf.len() && !self.dec.is_finished() {
                let need = buf.len() - self.dec.can_collect();
                let before = (self.dec.bytes_read_from_source(), self.dec.can_collect());
                self.dec
                    .decode_blocks(&mut self.src, BlockDecodingStrategy::UptoBytes(need))
                    .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
                if (self.dec.bytes_read_from_source(), self.dec.can_collect()) == before
                    && !self.dec.is_finished()
                {
                    // No progress: the frame is truncated.
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
            }
            let n = self.dec.read(buf)?;
            if n > 0 {
                return Ok(n);
            }
            if self.dec.is_finished() && self.dec.can_collect() == 0 {
                self.in_frame = false;
                continue;
            }
        }
    }
}
