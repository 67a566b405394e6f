//! Writing an output file so that a reader never sees half of it and nothing planted beside
//! it is followed: a temporary file created exclusively (`O_EXCL`, unpredictable name) in the
//! target's directory, written, flushed to disk, then renamed over the target. A failed write
//! leaves the target as it was.

use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` atomically (see the module docs).
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("out.xml");
/// scap_examples::output::write_atomically(&path, b"<a/>")?;
/// assert_eq!(std::fs::read(&path)?, b"<a/>");
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".scap-out-")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map(drop).map_err(|e| e.error)
}

/// [`write_atomically`], with the path in the error message.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    write_atomically(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A symlink planted where a temporary file of the old scheme (`FILE.tmp.PID`) would go is
    /// not followed, and a target that is a symlink is replaced, not written through.
    #[test]
    fn planted_links_are_not_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "keep").unwrap();
        let out = dir.path().join("out.xml");
        let planted = dir
            .path()
            .join(format!("out.xml.tmp.{}", std::process::id()));
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        write_atomically(&out, b"new").unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep");
        assert_eq!(std::fs::read(&out).unwrap(), b"new");
        let link = dir.path().join("link.xml");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        write_atomically(&link, b"x").unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep");
        assert!(!link.symlink_metadata().unwrap().file_type().is_symlink());
    }
}
