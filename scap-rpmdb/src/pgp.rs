//! The signer's key id of an OpenPGP signature packet (RFC 4880 section 5.2), as rpm keeps
//! one in a header's `RSAHEADER`, `DSAHEADER`, `SIGPGP` or `SIGGPG` entry.
//!
//! A version 3 signature carries the 8-byte key id at a fixed place; a version 4 one in an
//! Issuer subpacket (type 16), or an Issuer Fingerprint subpacket (type 33) whose last 8 bytes
//! are the key id. Only what leads to the key id is read; the signature is not verified.

/// The key id (8 bytes) of the signature packet at the start of `packet`, if it has one.
///
/// ```
/// // A v3 signature packet (old format, tag 2, one-byte length).
/// let mut p = vec![0x88, 19, 3, 5, 0, 0, 0, 0, 0];
/// p.extend_from_slice(&[0x19, 0x9e, 0x2f, 0x91, 0xfd, 0x43, 0x1d, 0x51]);
/// p.extend_from_slice(&[1, 8, 0, 0]);
/// assert_eq!(scap_rpmdb::pgp::signature_key_id(&p), Some([0x19, 0x9e, 0x2f, 0x91, 0xfd, 0x43, 0x1d, 0x51]));
/// ```
pub fn signature_key_id(packet: &[u8]) -> Option<[u8; 8]> {
    let body = signature_body(packet)?;
    match *body.first()? {
        3 => {
            // version, hashed length (5), type, time (4), key id (8)
            if *body.get(1)? != 5 {
                return None;
            }
            body.get(7..15)?.try_into().ok()
        }
        4 | 5 => {
            // version, type, public-key algorithm, hash algorithm, hashed subpackets,
            // unhashed subpackets.
            let hashed_len = usize::from(u16::from_be_bytes(body.get(4..6)?.try_into().ok()?));
            let hashed = body.get(6..6 + hashed_len)?;
            let rest = &body[6 + hashed_len..];
            let unhashed_len = usize::from(u16::from_be_bytes(rest.get(0..2)?.try_into().ok()?));
            let unhashed = rest.get(2..2 + unhashed_len)?;
            issuer(hashed).or_else(|| issuer(unhashed))
        }
        _ => None,
    }
}

/// The body of the first packet if it is a signature packet (tag 2).
fn signature_body(p: &[u8]) -> Option<&[u8]> {
    let first = *p.first()?;
    if first & 0x80 == 0 {
        return None;
    }
    let (tag, len, start) = if first & 0x40 != 0 {
        // New format: tag in the low 6 bits, then a one-, two- or five-byte length.
        let b0 = usize::from(*p.get(1)?);
        match b0 {
            0..=191 => (first & 0x3f, b0, 2usize),
            192..=223 => (
                first & 0x3f,
                ((b0 - 192) << 8) + usize::from(*p.get(2)?) + 192,
                3,
            ),
            255 => (first & 0x3f, be32(p.get(2..6)?)?, 6),
            _ => return None, // partial body lengths are not used for signatures
        }
    } else {
        // Old format: tag in bits 2-5, length type in bits 0-1.
        let tag = (first >> 2) & 0x0f;
        match first & 3 {
            0 => (tag, usize::from(*p.get(1)?), 2usize),
            1 => (
                tag,
                usize::from(u16::from_be_bytes(p.get(1..3)?.try_into().ok()?)),
                3,
            ),
            2 => (tag, be32(p.get(1..5)?)?, 5),
            _ => (tag, p.len().checked_sub(1)?, 1),
        }
    };
    if tag != 2 {
        return None;
    }
    p.get(start..start.checked_add(len)?)
}

fn be32(b: &[u8]) -> Option<usize> {
    Some(u32::from_be_bytes(b.try_into().ok()?) as usize)
}

/// The key id in a subpacket area: an Issuer (16) subpacket, else an Issuer Fingerprint (33).
fn issuer(mut area: &[u8]) -> Option<[u8; 8]> {
    let mut fingerprint = None;
    while let Some(&b0) = area.first() {
        let (len, skip) = match b0 {
            0..=191 => (usize::from(b0), 1usize),
            192..=254 => (
                ((usize::from(b0) - 192) << 8) + usize::from(*area.get(1)?) + 192,
                2,
            ),
            255 => (be32(area.get(1..5)?)?, 5),
        };
        let sub = area.get(skip..skip.checked_add(len)?)?;
        area = &area[skip + len..];
        let (&kind, data) = sub.split_first()?;
        match kind & 0x7f {
            16 => return data.get(..8)?.try_into().ok(),
            33 if data.len() >= 9 => fingerprint = data.get(data.len() - 8..)?.try_into().ok(),
            _ => {}
        }
    }
    fingerprint
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v4_issuer_in_the_unhashed_area() {
        // new-format tag 2; v4, type 0, RSA, SHA256; hashed: creation time; unhashed: issuer.
        let mut body = vec![4, 0, 1, 8, 0, 6, 5, 2, 0, 0, 0, 1, 0, 10, 9, 16];
        body.extend_from_slice(&[1, 2, 3, 4, 5, 6, 7, 8]);
        body.extend_from_slice(&[0xab, 0xcd]);
        let mut p = vec![0xc2, body.len() as u8];
        p.extend(body);
        assert_eq!(signature_key_id(&p), Some([1, 2, 3, 4, 5, 6, 7, 8]));
        // Every truncation is None, never a panic.
        for cut in 0..p.len() {
            let _ = signature_key_id(&p[..cut]);
        }
        // Not a signature packet (tag 6, a public key).
        assert_eq!(signature_key_id(&[0xc6, 1, 4]), None);
    }
}
