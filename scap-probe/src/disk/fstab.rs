//! `/etc/fstab` (fstab(5)): the image's mount table. Each line is six fields separated by
//! blanks (the last two optional); `#` starts a comment; spaces inside a field are written
//! `\040` (octal escapes, as getmntent(3) decodes them).

/// One mount of an fstab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FstabEntry {
    /// What to mount, as written (`UUID=...`, `/dev/sda1`, `tmpfs`).
    pub(crate) spec: String,
    /// Where (`/`, `/var`; `none` or `swap` for swap).
    pub(crate) file: String,
    /// Filesystem type (`ext4`, `vfat`, `swap`, `auto`).
    pub(crate) vfstype: String,
    /// Options in order (`defaults` when the field is absent).
    pub(crate) options: Vec<String>,
}

/// Most entries read from one fstab.
const MAX_ENTRIES: usize = 4096;

/// Parse an fstab; malformed lines (fewer than three fields) are skipped, as mount(8) does.
pub(crate) fn parse(text: &str) -> Vec<FstabEntry> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 3 {
            continue;
        }
        let options = f.get(3).map_or("defaults", |o| o);
        out.push(FstabEntry {
            spec: unescape(f[0]),
            file: unescape(f[1]),
            vfstype: unescape(f[2]),
            options: unescape(options).split(',').map(str::to_string).collect(),
        });
        if out.len() >= MAX_ENTRIES {
            break;
        }
    }
    out
}

/// Decode `\NNN` octal escapes.
fn unescape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\'
            && i + 3 < b.len()
            && b[i + 1..i + 4].iter().all(|c| (b'0'..=b'7').contains(c))
        {
            let v = (u32::from(b[i + 1] - b'0') << 6)
                | (u32::from(b[i + 2] - b'0') << 3)
                | u32::from(b[i + 3] - b'0');
            out.push(u8::try_from(v).unwrap_or(b'?'));
            i += 4;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_comments_escapes() {
        let t = "# comment\n\nUUID=ab-cd / ext4 errors=remount-ro 0 1\n\
                 LABEL=my\\040data /srv/my\\040data xfs\nbad line\n/dev/sda3 none swap sw 0 0\n";
        let e = parse(t);
        assert_eq!(e.len(), 3);
        assert_eq!(e[0].spec, "UUID=ab-cd");
        assert_eq!(e[0].options, ["errors=remount-ro"]);
        assert_eq!(e[1].spec, "LABEL=my data");
        assert_eq!(e[1].file, "/srv/my data");
        assert_eq!(e[1].options, ["defaults"]);
        assert_eq!(e[2].vfstype, "swap");
    }

    #[test]
    fn escape_at_end_is_kept() {
        assert_eq!(unescape("a\\04"), "a\\04");
        assert_eq!(unescape("\\134x"), "\\x");
    }
}
