//! A GCP image as shipped: `disk.raw` in a gzip-compressed tar (`gcloud compute images
//! export` writes `tar --format=oldgnu -Sczf`), decompressed once into a temporary file.
//!
//! Why a temporary file: gzip has no random access (a seek backward means decompressing
//! again from the start), and the filesystems are read in any order, so the stream is
//! decompressed once, front to back, while its tar headers are parsed (with `tarball`'s
//! header code). Only `disk.raw` is written: at its offsets in an unnamed temporary file
//! (`tempfile`, `O_TMPFILE` where the OS has it, so it never has a name and goes when the
//! image is dropped or the process dies) that is set to the disk's size first, so what is
//! not written reads as zeros and takes no space: the gaps of a GNU sparse entry, and every
//! whole 4 KiB block of zeros in the data. The file is then read as a raw disk.
//!
//! Bounds ([`DiskLimits`]): at most `max_decompressed` bytes are decompressed in all (a gzip
//! bomb stops there, before it is written) and `disk.raw` is at most that size; the free
//! space of the temporary directory is checked against a sparse entry's data before the
//! first write. A stream that is corrupt (a bad CRC or length in its trailer, a bad deflate
//! block) or ends early is an error, checked to the end of the stream after `disk.raw`:
//! never a partial disk read as if complete.
//!
//! The disk is chosen as in a plain tar: the entry named `disk.raw`, else the archive's
//! only regular file (written as it comes, in case it is the only one: emptied again if
//! `disk.raw` follows, refused if another file does); links, devices and directories are
//! read past, never written. A regular, GNU sparse or pax sparse 1.0 entry.

use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use flate2::read::MultiGzDecoder;

use super::device::{Device, FileDevice};
use super::error::{DResult, DiskError};
use super::limits::DiskLimits;
use super::tarball::{self, Header, Pax};

/// Zero runs of at least this many bytes (aligned in the disk) are left as holes.
const BLOCK: usize = 4096;
/// Bytes decompressed per read and write.
const CHUNK: usize = 1 << 16;

/// The disk of the gzip'd tar `file` as a device over a temporary file in
/// `limits.temp_dir`.
pub(crate) fn unpack(file: &dyn Device, limits: &DiskLimits) -> DResult<Arc<dyn Device>> {
    let (out, size, name) = unpack_file(file, limits)?;
    Ok(Arc::new(FileDevice::from_file(out, size, name)))
}

/// [`unpack`]'s temporary file (the tests count its blocks), the disk's size in it, and the
/// name errors give it.
fn unpack_file(file: &dyn Device, limits: &DiskLimits) -> DResult<(File, u64, PathBuf)> {
    let dir = limits.temp_dir.clone().unwrap_or_else(std::env::temp_dir);
    let out = Out::new(&dir)?;
    let mut s = Stream {
        gz: MultiGzDecoder::new(DeviceReader { dev: file, pos: 0 }),
        pos: 0,
        limit: limits.max_decompressed,
    };
    let mut long_name: Option<Vec<u8>> = None;
    let mut pax = Pax::default();
    let mut names = Vec::new();
    // The size of the first regular entry, written in case it is the archive's only one
    // (the disk, when there is no disk.raw).
    let mut first: Option<u64> = None;
    for _ in 0..tarball::MAX_ENTRIES {
        let at = s.pos;
        let mut h = [0u8; 512];
        if !s.block(&mut h)? {
            break;
        }
        let Some(Header {
            kind,
            size,
            extended,
        }) = tarball::header(&h, at)?
        else {
            break;
        };
        let padded = tarball::round512(size)
            .ok_or_else(|| DiskError::corrupt(tarball::LAYER, at + 124, "entry size overflows"))?;
        match kind {
            b'L' | b'x' | b'g' => {
                if size > tarball::MAX_EXTENSION {
                    return Err(DiskError::limit(
                        "tar extension header bytes",
                        tarball::MAX_EXTENSION,
                    ));
                }
                // Bounded just above.
                let mut data = vec![0u8; size as usize];
                s.exact(&mut data)?;
                s.skip(padded - size)?;
                if kind == b'L' {
                    let end = data.iter().position(|&b| b == 0).unwrap_or(data.len());
                    data.truncate(end);
                    long_name = Some(data);
                } else if kind == b'x' {
                    pax = Pax::parse(&data, at + 512)?;
                }
                continue;
            }
            _ => {
                let pending = std::mem::take(&mut pax);
                let name = tarball::entry_name(&pending, long_name.take(), &h);
                if matches!(kind, b'0' | 0 | b'S') {
                    let disk = tarball::is_disk(&name);
                    if first.take().is_some() {
                        // The file written in case it was the only one is not: empty it.
                        out.file.set_len(0).map_err(|e| out.io(e))?;
                    }
                    let write = disk || names.is_empty();
                    names.push(String::from_utf8_lossy(&name).into_owned());
                    if write {
                        let disk_size =
                            write_disk(&mut s, &out, &h, at, kind, size, &pending, limits)?;
                        if disk {
                            // The rest of the stream (end-of-archive blocks, other entries)
                            // is read to its end so that the gzip trailer's CRC and length
                            // are checked.
                            s.drain()?;
                            return Ok((out.file, disk_size, dir.join("(decompressed disk.raw)")));
                        }
                        first = Some(disk_size);
                        // write_disk read the data and its padding.
                        continue;
                    }
                }
            }
        }
        if extended {
            // A sparse entry's extension headers come before its data.
            let mut e = [0u8; 512];
            loop {
                s.exact(&mut e)?;
                if e[504] == 0 {
                    break;
                }
            }
        }
        s.skip(padded)?;
    }
    match first {
        Some(size) if names.len() == 1 => {
            s.drain()?;
            Ok((
                out.file,
                size,
                dir.join(format!("(decompressed {})", names[0])),
            ))
        }
        _ => Err(tarball::no_disk(&names)),
    }
}

/// Writes `disk.raw` (the entry of type `kind` with header `h` at `at` of the stream,
/// `stored` bytes of data, sparse as its type or `pax` says) into `out`, and reads past its
/// padding; returns the disk's size.
#[allow(clippy::too_many_arguments)] // one call, each argument a different thing
fn write_disk(
    s: &mut Stream<'_>,
    out: &Out,
    h: &[u8; 512],
    at: u64,
    kind: u8,
    stored: u64,
    pax: &Pax,
    limits: &DiskLimits,
) -> DResult<u64> {
    let padded = tarball::round512(stored)
        .ok_or_else(|| DiskError::corrupt(tarball::LAYER, at + 124, "entry size overflows"))?;
    // The real size, the map, and the bytes of data after the map.
    let (size, map, data_len) = if kind == b'S' {
        // The extension headers come before the data, outside the entry's size.
        let (size, map) = tarball::gnu_sparse_map(h, at, stored, || {
            let at = s.pos;
            let mut e = [0u8; 512];
            s.exact(&mut e)?;
            Ok((at, e))
        })?;
        (size, map, stored)
    } else if pax.sparse_other {
        return Err(tarball::pax_sparse_refused());
    } else if let Some((_, size)) = pax.sparse1 {
        let (map, used) = tarball::pax_sparse_map(size, stored, at, || {
            let mut e = [0u8; 512];
            s.exact(&mut e)?;
            Ok(e)
        })?;
        // The map is inside the entry, at most its size (checked as it was read).
        (size, map, stored - used)
    } else {
        (stored, vec![(0, stored)], stored)
    };
    if size > limits.max_decompressed {
        return Err(DiskError::limit(
            format!(
                "disk.raw of {size} bytes, the length of its temporary file \
                 (DiskLimits::max_decompressed)"
            ),
            limits.max_decompressed,
        ));
    }
    if map.len() != 1 || data_len != size {
        // A sparse entry: the data to write is known, and may be far less than the disk.
        // Refuse now rather than fill the directory and fail.
        out.check_space(data_len)?;
    }
    out.file.set_len(size).map_err(|e| out.io(e))?;
    let mut buf = vec![0u8; CHUNK];
    for (offset, len) in map {
        let mut done = 0u64;
        while done < len {
            // At most CHUNK.
            let n = (len - done).min(CHUNK as u64) as usize;
            s.exact(&mut buf[..n])?;
            out.write_nonzero(&buf[..n], offset + done)?;
            done += n as u64;
        }
    }
    // The map's padding and the entry's (the map readers checked the lengths add up).
    s.skip(padded - stored)?;
    Ok(size)
}

/// The temporary file and the directory it is in (for errors).
struct Out {
    file: File,
    dir: PathBuf,
}

impl Out {
    fn new(dir: &Path) -> DResult<Out> {
        let file = tempfile::tempfile_in(dir).map_err(|source| DiskError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        Ok(Out {
            file,
            dir: dir.to_path_buf(),
        })
    }

    fn io(&self, source: io::Error) -> DiskError {
        DiskError::Io {
            path: self.dir.clone(),
            source,
        }
    }

    fn check_space(&self, need: u64) -> DResult<()> {
        let st = rustix::fs::fstatvfs(&self.file).map_err(|e| self.io(e.into()))?;
        let free = st.f_bavail.saturating_mul(st.f_frsize);
        if free < need {
            return Err(self.io(io::Error::new(
                io::ErrorKind::StorageFull,
                format!(
                    "{free} bytes free for the {need} bytes of disk.raw's data decompressed \
                     from the .tar.gz; choose a directory with the space (TMPDIR, \
                     DiskLimits::temp_dir)"
                ),
            )));
        }
        Ok(())
    }

    /// Writes `data`, which belongs at `offset` of the disk, except its whole aligned
    /// blocks of zeros: the file already has the disk's length, so they read as zeros and
    /// stay holes.
    fn write_nonzero(&self, data: &[u8], offset: u64) -> DResult<()> {
        let mut run: Option<usize> = None;
        let mut i = 0usize;
        while i < data.len() {
            // Up to the next block boundary of the disk (so holes are whole blocks).
            let at = offset + i as u64;
            let end = (i + BLOCK - (at % BLOCK as u64) as usize).min(data.len());
            let block = &data[i..end];
            let zero = block.len() == BLOCK && block.iter().all(|&b| b == 0);
            match (zero, run) {
                (false, None) => run = Some(i),
                (true, Some(start)) => {
                    self.write(&data[start..i], offset + start as u64)?;
                    run = None;
                }
                _ => {}
            }
            i = end;
        }
        if let Some(start) = run {
            self.write(&data[start..], offset + start as u64)?;
        }
        Ok(())
    }

    fn write(&self, data: &[u8], offset: u64) -> DResult<()> {
        self.file.write_all_at(data, offset).map_err(|e| self.io(e))
    }
}

/// A device read front to back.
struct DeviceReader<'a> {
    dev: &'a dyn Device,
    pos: u64,
}

impl Read for DeviceReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.dev.size().saturating_sub(self.pos);
        let n = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        self.dev
            .read_at(self.pos, &mut buf[..n])
            .map_err(io::Error::other)?;
        self.pos += n as u64;
        Ok(n)
    }
}

/// The decompressed stream, counted against the limit before each read.
struct Stream<'a> {
    gz: MultiGzDecoder<DeviceReader<'a>>,
    /// Bytes decompressed so far.
    pos: u64,
    limit: u64,
}

impl Stream<'_> {
    fn over_limit(&self) -> DiskError {
        DiskError::limit(
            "bytes decompressed from the gzip image (DiskLimits::max_decompressed)",
            self.limit,
        )
    }

    fn allow(&self, n: u64) -> DResult<()> {
        match self.pos.checked_add(n) {
            Some(end) if end <= self.limit => Ok(()),
            _ => Err(self.over_limit()),
        }
    }

    /// The error for what the decoder (or the image file under it) said.
    fn failed(&self, e: io::Error) -> DiskError {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            return self.truncated();
        }
        // A read error of the image file itself, passed through the decoder.
        if e.get_ref().is_some_and(|inner| inner.is::<DiskError>()) {
            if let Some(inner) = e.into_inner() {
                if let Ok(d) = inner.downcast::<DiskError>() {
                    return *d;
                }
            }
            return DiskError::corrupt("gzip", self.pos, "read error");
        }
        DiskError::corrupt(
            "gzip",
            self.pos,
            format!("corrupt compressed stream: {e}; nothing of the image is used"),
        )
    }

    fn truncated(&self) -> DiskError {
        DiskError::corrupt(
            "gzip",
            self.pos,
            "the compressed stream ends early (a truncated download?); nothing of the \
             image is used",
        )
    }

    /// Fills `buf`, or returns `false` if the stream ends before its first byte.
    fn block(&mut self, buf: &mut [u8]) -> DResult<bool> {
        self.allow(buf.len() as u64)?;
        let mut done = 0;
        while done < buf.len() {
            match self.gz.read(&mut buf[done..]) {
                Ok(0) if done == 0 => return Ok(false),
                Ok(0) => return Err(self.truncated()),
                Ok(n) => {
                    done += n;
                    self.pos += n as u64;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.failed(e)),
            }
        }
        Ok(true)
    }

    /// Fills `buf`; the stream ending first is an error.
    fn exact(&mut self, buf: &mut [u8]) -> DResult<()> {
        if self.block(buf)? || buf.is_empty() {
            Ok(())
        } else {
            Err(self.truncated())
        }
    }

    /// Reads `n` bytes past.
    fn skip(&mut self, n: u64) -> DResult<()> {
        self.allow(n)?;
        let mut buf = vec![0u8; CHUNK.min(usize::try_from(n).unwrap_or(CHUNK))];
        let mut left = n;
        while left > 0 {
            // At most CHUNK.
            let k = left.min(buf.len() as u64) as usize;
            self.exact(&mut buf[..k])?;
            left -= k as u64;
        }
        Ok(())
    }

    /// Reads to the end of the stream (its last member's trailer checked by the decoder).
    fn drain(&mut self) -> DResult<()> {
        let mut buf = vec![0u8; CHUNK];
        loop {
            match self.gz.read(&mut buf) {
                Ok(0) => return Ok(()),
                Ok(n) => {
                    self.allow(n as u64)?;
                    self.pos += n as u64;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.failed(e)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::disk::device::MemDevice;
    use std::io::Write;
    use std::os::unix::fs::MetadataExt;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    /// A one-entry ustar archive holding `disk.raw` of `data`.
    fn tar(data: &[u8]) -> Vec<u8> {
        let mut h = [0u8; 512];
        h[..8].copy_from_slice(b"disk.raw");
        h[100..108].copy_from_slice(b"0000644\0");
        h[124..136].copy_from_slice(format!("{:011o}\0", data.len()).as_bytes());
        h[156] = b'0';
        h[257..263].copy_from_slice(b"ustar\0");
        h[263..265].copy_from_slice(b"00");
        h[148..156].fill(b' ');
        let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
        h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
        let mut t = h.to_vec();
        t.extend_from_slice(data);
        t.resize(
            tarball::round512(t.len() as u64).unwrap_or(0) as usize + 1024,
            0,
        );
        t
    }

    #[test]
    fn zero_blocks_are_holes() {
        // 8 MiB of disk: a 4 KiB block of data at its start, one at 4 MiB, zeros between.
        let mut disk = vec![0u8; 8 << 20];
        disk[..4096].fill(0xaa);
        disk[(4 << 20) + 10] = 1;
        let gz = gzip(&tar(&disk));
        let (file, size, name) = unpack_file(&MemDevice(gz), &DiskLimits::default()).unwrap();
        assert_eq!(size, disk.len() as u64);
        let used = file.metadata().unwrap().blocks() * 512;
        let dev = FileDevice::from_file(file, size, name);
        let mut back = vec![0u8; disk.len()];
        dev.read_at(0, &mut back).unwrap();
        assert!(back == disk);
        // Two blocks written (filesystems allocate at least 4 KiB each, some more): far
        // from the 8 MiB of a copy written whole.
        assert!(used <= 256 << 10, "{used} bytes allocated");
    }

    #[test]
    fn nonzero_runs_across_chunks_and_unaligned_tails() {
        // Data not a multiple of the block size, a run across the 64 KiB chunk boundary.
        let mut disk: Vec<u8> = (0..(CHUNK * 2 + 777)).map(|i| (i % 251) as u8).collect();
        disk[CHUNK + 4096..CHUNK + 8192].fill(0);
        let gz = gzip(&tar(&disk));
        let dev = unpack(&MemDevice(gz), &DiskLimits::default()).unwrap();
        let mut back = vec![0u8; disk.len()];
        dev.read_at(0, &mut back).unwrap();
        assert!(back == disk);
    }

    #[test]
    fn limit_checked_before_decompressing() {
        // The header says 1 MiB of data; over a 64 KiB limit, refused at the header.
        let gz = gzip(&tar(&vec![0u8; 1 << 20]));
        let limits = DiskLimits::default().with_max_decompressed(64 << 10);
        let Err(e) = unpack(&MemDevice(gz), &limits) else {
            panic!("1 MiB decompressed within 64 KiB");
        };
        assert!(
            matches!(e, DiskError::LimitExceeded { limit, .. } if limit == 64 << 10),
            "{e}"
        );
        assert!(
            e.to_string().contains("DiskLimits::max_decompressed"),
            "{e}"
        );
    }
}
