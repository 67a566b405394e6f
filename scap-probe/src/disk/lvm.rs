//! LVM2 physical volumes: the label, the first metadata area's text (the volume group as
//! LVM last committed it) and the linear logical volumes it describes, each as a device.
//! Layout per LVM2's on-disk format (`lib/format_text/layout.h`, `lib/label/label.h`).
//!
//! Read: logical volumes made of `striped` segments of one stripe (linear) on this physical
//! volume. Not read (named in an error): several stripes, thin, RAID, snapshots, cache, and
//! extents on another physical volume.

use std::sync::Arc;

use super::device::{Device, Slice, check_range, le32, le64};
use super::error::{DResult, DiskError};

/// Largest metadata text read.
const MAX_TEXT: u64 = 1 << 20;
/// Deepest nesting of the metadata text.
const MAX_DEPTH: usize = 16;
/// Most segments of one logical volume.
const MAX_SEGMENTS: usize = 1024;

/// A logical volume of a volume group.
pub(crate) struct LogicalVolume {
    pub(crate) vg: String,
    pub(crate) name: String,
    pub(crate) dev: Arc<dyn Device>,
}

/// The sector holding the LVM2 label, if `dev` is a physical volume.
fn label_sector(dev: &dyn Device) -> Option<u64> {
    (0..4).find(|&s| {
        let mut b = [0u8; 32];
        dev.read_at(s * 512, &mut b).is_ok() && &b[0..8] == b"LABELONE" && &b[24..32] == b"LVM2 001"
    })
}

/// Whether `dev` is an LVM2 physical volume.
pub(crate) fn is_pv(dev: &dyn Device) -> bool {
    label_sector(dev).is_some()
}

/// A value of the metadata text.
enum Val {
    Str(String),
    Num(i64),
    List(Vec<Val>),
    Section(Vec<(String, Val)>),
}

impl Val {
    fn get(&self, key: &str) -> Option<&Val> {
        match self {
            Val::Section(v) => v.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
    fn num(&self, key: &str) -> Option<i64> {
        match self.get(key)? {
            Val::Num(n) => Some(*n),
            _ => None,
        }
    }
    fn str(&self, key: &str) -> Option<&str> {
        match self.get(key)? {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// A parser of LVM2's metadata text: `key = value`, `name { ... }`, lists `[ ... ]`,
/// strings in double quotes, `#` comments.
struct Parser<'a> {
    s: &'a [u8],
    at: usize,
}

impl Parser<'_> {
    fn skip(&mut self) {
        while let Some(&c) = self.s.get(self.at) {
            if c == b'#' {
                while self.s.get(self.at).is_some_and(|&c| c != b'\n') {
                    self.at += 1;
                }
            } else if c.is_ascii_whitespace() || c == b',' {
                self.at += 1;
            } else {
                break;
            }
        }
    }

    fn word(&mut self) -> String {
        let start = self.at;
        while self
            .s
            .get(self.at)
            .is_some_and(|&c| c.is_ascii_alphanumeric() || b"_.-+".contains(&c))
        {
            self.at += 1;
        }
        String::from_utf8_lossy(&self.s[start..self.at]).into_owned()
    }

    fn value(&mut self, depth: usize) -> Option<Val> {
        self.skip();
        match *self.s.get(self.at)? {
            b'"' => {
                self.at += 1;
                let mut out = Vec::new();
                while let Some(&c) = self.s.get(self.at) {
                    self.at += 1;
                    match c {
                        b'"' => return Some(Val::Str(String::from_utf8_lossy(&out).into_owned())),
                        b'\\' => {
                            out.push(*self.s.get(self.at)?);
                            self.at += 1;
                        }
                        c => out.push(c),
                    }
                }
                None
            }
            b'[' => {
                if depth >= MAX_DEPTH {
                    return None;
                }
                self.at += 1;
                let mut items = Vec::new();
                loop {
                    self.skip();
                    if *self.s.get(self.at)? == b']' {
                        self.at += 1;
                        return Some(Val::List(items));
                    }
                    items.push(self.value(depth + 1)?);
                }
            }
            _ => {
                let w = self.word();
                w.parse().ok().map(Val::Num)
            }
        }
    }

    /// Entries up to `}` (or the end, at depth 0).
    fn section(&mut self, depth: usize) -> Option<Vec<(String, Val)>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let mut out = Vec::new();
        loop {
            self.skip();
            match self.s.get(self.at) {
                None if depth == 0 => return Some(out),
                None => return None,
                Some(b'}') if depth > 0 => {
                    self.at += 1;
                    return Some(out);
                }
                Some(_) => {}
            }
            let key = self.word();
            if key.is_empty() {
                return None;
            }
            self.skip();
            match *self.s.get(self.at)? {
                b'=' => {
                    self.at += 1;
                    let v = self.value(depth)?;
                    out.push((key, v));
                }
                b'{' => {
                    self.at += 1;
                    let v = self.section(depth + 1)?;
                    out.push((key, Val::Section(v)));
                }
                _ => return None,
            }
        }
    }
}

/// Logical volume extents laid end to end: several segments, possibly non-adjacent on disk.
struct Concat {
    parts: Vec<(u64, Slice)>,
    len: u64,
}

impl Device for Concat {
    fn size(&self) -> u64 {
        self.len
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> DResult<()> {
        check_range("lvm", self.len, offset, buf.len())?;
        let mut done = 0usize;
        while done < buf.len() {
            let at = offset + done as u64;
            let i = self.parts.partition_point(|(start, s)| start + s.len <= at);
            let Some((start, part)) = self.parts.get(i) else {
                return Err(DiskError::corrupt("lvm", at, "read past the last segment"));
            };
            let within = at - start;
            let n =
                (buf.len() - done).min(usize::try_from(part.len - within).unwrap_or(usize::MAX));
            part.read_at(within, &mut buf[done..done + n])?;
            done += n;
        }
        Ok(())
    }
}

/// The linear logical volumes on physical volume `dev` (at `location`, for errors).
pub(crate) fn volumes(dev: &Arc<dyn Device>, location: &str) -> DResult<Vec<LogicalVolume>> {
    let layer = format!("lvm on {location}");
    let sector =
        label_sector(&**dev).ok_or_else(|| DiskError::corrupt(&layer, 0, "no LVM2 label"))?;
    let mut label = [0u8; 512];
    dev.read_at(sector * 512, &mut label)?;
    let pvh = usize::try_from(le32(&label, 20)).unwrap_or(usize::MAX);
    if pvh > 512 - 40 {
        return Err(DiskError::corrupt(
            &layer,
            sector * 512 + 20,
            "PV header offset",
        ));
    }
    let pv_uuid: String = String::from_utf8_lossy(&label[pvh..pvh + 32]).into_owned();
    // Data areas, then metadata areas, each a list of (offset, size) ended by zeros.
    let mut lists: [Vec<(u64, u64)>; 2] = [Vec::new(), Vec::new()];
    let mut at = pvh + 40;
    for list in &mut lists {
        loop {
            if at + 16 > label.len() {
                return Err(DiskError::corrupt(&layer, sector * 512, "PV header lists"));
            }
            let (off, size) = (le64(&label, at), le64(&label, at + 8));
            at += 16;
            if off == 0 {
                break;
            }
            list.push((off, size));
        }
    }
    let &(mda, mda_size) = lists[1]
        .first()
        .ok_or_else(|| DiskError::unsupported(&layer, "no metadata area on this PV"))?;
    let mut h = [0u8; 64];
    dev.read_at(mda, &mut h)?;
    // Offsets from the image: added with saturation, so an absurd one is a read past the
    // end (an error), not an overflow.
    if &h[4..20] != b" LVM2 x[5A%r0N*>" {
        return Err(DiskError::corrupt(
            &layer,
            mda,
            "metadata area without magic",
        ));
    }
    let (text_off, text_len) = (le64(&h, 40), le64(&h, 48));
    if text_len == 0 || text_len > MAX_TEXT || text_off >= mda_size || mda_size < 512 {
        return Err(DiskError::corrupt(
            &layer,
            mda.saturating_add(40),
            "metadata text location",
        ));
    }
    // A circular buffer after the 512-byte header: the text may wrap to its start.
    let mut text = vec![0u8; text_len as usize];
    let first = text_len.min(mda_size - text_off) as usize;
    dev.read_at(mda.saturating_add(text_off), &mut text[..first])?;
    if first < text.len() {
        dev.read_at(mda.saturating_add(512), &mut text[first..])?;
    }
    let text_end = text.iter().position(|&b| b == 0).unwrap_or(text.len());
    let top = Parser {
        s: &text[..text_end],
        at: 0,
    }
    .section(0)
    .ok_or_else(|| {
        DiskError::corrupt(
            &layer,
            mda.saturating_add(text_off),
            "metadata text does not parse",
        )
    })?;
    let Some((vg_name, vg)) = top
        .into_iter()
        .find(|(_, v)| v.get("physical_volumes").is_some())
    else {
        return Err(DiskError::corrupt(
            &layer,
            mda.saturating_add(text_off),
            "no volume group in metadata",
        ));
    };
    let extent = u64::try_from(vg.num("extent_size").unwrap_or(0))
        .unwrap_or(0)
        .saturating_mul(512);
    if extent == 0 {
        return Err(DiskError::corrupt(
            &layer,
            mda.saturating_add(text_off),
            "extent_size",
        ));
    }
    // This PV's name in the group (pv0, ...): its id is the label's UUID with dashes.
    let Some(Val::Section(pvs)) = vg.get("physical_volumes") else {
        return Ok(Vec::new());
    };
    let Some((pv_name, pv)) = pvs
        .iter()
        .find(|(_, p)| p.str("id").is_some_and(|id| id.replace('-', "") == pv_uuid))
    else {
        return Err(DiskError::corrupt(
            &layer,
            mda.saturating_add(text_off),
            "this PV is not in its group",
        ));
    };
    let pe_start = u64::try_from(pv.num("pe_start").unwrap_or(0))
        .unwrap_or(0)
        .saturating_mul(512);
    let mut out = Vec::new();
    let Some(Val::Section(lvs)) = vg.get("logical_volumes") else {
        return Ok(out);
    };
    for (lv_name, lv) in lvs {
        let visible = matches!(lv.get("status"), Some(Val::List(l))
            if l.iter().any(|s| matches!(s, Val::Str(s) if s == "VISIBLE")));
        if !visible {
            continue;
        }
        let what = format!("{layer}: {vg_name}/{lv_name}");
        let Val::Section(entries) = lv else { continue };
        let mut parts = Vec::new();
        let mut next = 0u64;
        let mut segs: Vec<&Val> = entries
            .iter()
            .filter(|(k, _)| k.starts_with("segment"))
            .map(|(_, v)| v)
            .filter(|v| matches!(v, Val::Section(_)))
            .collect();
        if segs.len() > MAX_SEGMENTS {
            return Err(DiskError::limit(
                format!("{what}: segments"),
                MAX_SEGMENTS as u64,
            ));
        }
        segs.sort_by_key(|s| s.num("start_extent").unwrap_or(0));
        for seg in segs {
            let start = u64::try_from(seg.num("start_extent").unwrap_or(-1)).ok();
            let count = u64::try_from(seg.num("extent_count").unwrap_or(-1)).ok();
            let (Some(start), Some(count)) = (start, count) else {
                return Err(DiskError::corrupt(&what, 0, "segment without extents"));
            };
            if seg.str("type") != Some("striped") || seg.num("stripe_count") != Some(1) {
                return Err(DiskError::unsupported(
                    &what,
                    "a segment that is not linear",
                ));
            }
            let Some(Val::List(stripes)) = seg.get("stripes") else {
                return Err(DiskError::corrupt(&what, 0, "segment without stripes"));
            };
            let (Some(Val::Str(on)), Some(Val::Num(pv_extent))) = (stripes.first(), stripes.get(1))
            else {
                return Err(DiskError::corrupt(&what, 0, "stripe list"));
            };
            if on != pv_name {
                return Err(DiskError::unsupported(
                    &what,
                    "extents on another physical volume",
                ));
            }
            if start != next {
                return Err(DiskError::corrupt(&what, 0, "segments leave a gap"));
            }
            let pv_extent = u64::try_from(*pv_extent).unwrap_or(u64::MAX);
            let from = pv_extent
                .checked_mul(extent)
                .and_then(|o| o.checked_add(pe_start));
            let len = count.checked_mul(extent);
            let (Some(from), Some(len)) = (from, len) else {
                return Err(DiskError::corrupt(&what, 0, "segment out of range"));
            };
            if from.checked_add(len).is_none_or(|end| end > dev.size()) {
                return Err(DiskError::corrupt(
                    &what,
                    from,
                    "segment outside the physical volume",
                ));
            }
            parts.push((
                next.saturating_mul(extent),
                Slice {
                    inner: Arc::clone(dev),
                    start: from,
                    len,
                    name: format!("{vg_name}/{lv_name}"),
                },
            ));
            next = start.saturating_add(count);
        }
        if parts.is_empty() {
            continue;
        }
        let dev: Arc<dyn Device> = if parts.len() == 1 {
            let (_, s) = parts.remove(0);
            Arc::new(s)
        } else {
            Arc::new(Concat {
                len: next.saturating_mul(extent),
                parts,
            })
        };
        out.push(LogicalVolume {
            vg: vg_name.clone(),
            name: lv_name.clone(),
            dev,
        });
    }
    Ok(out)
}
