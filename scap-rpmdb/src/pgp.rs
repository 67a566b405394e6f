//! The signer's key id of an OpenPGP signature packet (RFC 4880 section 5.2), as rpm keeps
//! one in a header's `RSAHEADER`, `DSAHEADER`, `SIGPGP` or `SIGGPG` entry.
//!
//! A version 3 signature carries the 8-byte key id at a fixed place; a version 4 one in an
//! Issuer subpacket (type 16), or an Issuer Fingerprint subpacket (type 33) whose last 8 bytes
//! are the key id. [`signature_key_id`] reads only what leads to the key id; the crate's
//! `verify` module also reads what checking the signature needs, and the RSA keys of the
//! certificates rpm imports (`gpg-pubkey` headers).

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
    match packet(p)? {
        (2, body, _) => Some(body),
        _ => None,
    }
}

/// The first packet of `p`: its tag, its body and the bytes after it.
pub(crate) fn packet(p: &[u8]) -> Option<(u8, &[u8], &[u8])> {
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
    let end = start.checked_add(len)?;
    Some((tag, p.get(start..end)?, p.get(end..)?))
}

/// An RSA public key of a certificate (a primary key or a subkey), with its key id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RsaKey {
    /// The last 8 bytes of the v4 fingerprint.
    pub(crate) key_id: [u8; 8],
    /// The modulus, big-endian, without leading zeros.
    pub(crate) n: Vec<u8>,
    /// The public exponent, big-endian.
    pub(crate) e: Vec<u8>,
}

/// The version 4 RSA keys (public key and subkey packets) of a binary certificate; other
/// versions and algorithms are skipped.
pub(crate) fn rsa_keys(mut cert: &[u8]) -> Vec<RsaKey> {
    let mut out = Vec::new();
    while let Some((tag, body, rest)) = packet(cert) {
        cert = rest;
        if tag != 6 && tag != 14 {
            continue;
        }
        // version 4, creation time (4), algorithm (RSA: 1, 2, 3), then the MPIs n and e.
        let (Some(4), Some(1..=3)) = (body.first(), body.get(5)) else {
            continue;
        };
        let Some((n, rest)) = body.get(6..).and_then(mpi) else {
            continue;
        };
        let Some((e, _)) = mpi(rest) else {
            continue;
        };
        // The v4 fingerprint is SHA-1 over 0x99, the two-byte body length and the body.
        let Ok(len) = u16::try_from(body.len()) else {
            continue;
        };
        use sha1::Digest;
        let mut h = sha1::Sha1::new();
        h.update([0x99]);
        h.update(len.to_be_bytes());
        h.update(body);
        let fp = h.finalize();
        let mut key_id = [0u8; 8];
        key_id.copy_from_slice(&fp[12..]);
        out.push(RsaKey {
            key_id,
            n: n.to_vec(),
            e: e.to_vec(),
        });
    }
    out
}

/// One multiprecision integer (a bit count, then the bytes) and what follows it.
fn mpi(b: &[u8]) -> Option<(&[u8], &[u8])> {
    let bits = usize::from(u16::from_be_bytes(b.get(0..2)?.try_into().ok()?));
    let len = bits.div_ceil(8);
    Some((b.get(2..2 + len)?, b.get(2 + len..)?))
}

/// What verifying a signature packet needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Signature<'a> {
    /// The signer's key id.
    pub(crate) key_id: [u8; 8],
    /// RFC 4880 public-key algorithm (1 is RSA).
    pub(crate) pk_algo: u8,
    /// RFC 4880 hash algorithm (2 SHA-1, 8 SHA-256, 9 SHA-384, 10 SHA-512, 11 SHA-224).
    pub(crate) hash_algo: u8,
    /// What is hashed after the signed data: for v4, the hashed part of the packet and its
    /// trailer; for v3, the signature type and creation time.
    pub(crate) hashed_suffix: Vec<u8>,
    /// The first two bytes of the digest, as the packet states them.
    pub(crate) left16: [u8; 2],
    /// The signature value (the RSA MPI's bytes).
    pub(crate) value: &'a [u8],
}

/// The signature packet at the start of `packet`, parsed for verification (v3 and v4).
pub(crate) fn signature(packet: &[u8]) -> Option<Signature<'_>> {
    let body = signature_body(packet)?;
    let key_id = signature_key_id(packet)?;
    match *body.first()? {
        3 => {
            // version, 5, type, time (4), key id (8), pk algo, hash algo, left16, MPI
            let value = mpi(body.get(19..)?)?.0;
            Some(Signature {
                key_id,
                pk_algo: *body.get(15)?,
                hash_algo: *body.get(16)?,
                hashed_suffix: body.get(2..7)?.to_vec(),
                left16: body.get(17..19)?.try_into().ok()?,
                value,
            })
        }
        4 => {
            let hashed_len = usize::from(u16::from_be_bytes(body.get(4..6)?.try_into().ok()?));
            let hashed_end = 6 + hashed_len;
            let unhashed_len = usize::from(u16::from_be_bytes(
                body.get(hashed_end..hashed_end + 2)?.try_into().ok()?,
            ));
            let after = hashed_end + 2 + unhashed_len;
            let mut hashed_suffix = body.get(..hashed_end)?.to_vec();
            hashed_suffix.extend_from_slice(&[4, 0xff]);
            hashed_suffix.extend_from_slice(&u32::try_from(hashed_end).ok()?.to_be_bytes());
            Some(Signature {
                key_id,
                pk_algo: *body.get(2)?,
                hash_algo: *body.get(3)?,
                hashed_suffix,
                left16: body.get(after..after + 2)?.try_into().ok()?,
                value: mpi(body.get(after + 2..)?)?.0,
            })
        }
        _ => None,
    }
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
        for cut in 0..p.len() {
            let _ = signature(&p[..cut]);
            let _ = rsa_keys(&p[..cut]);
        }
        // Not a signature packet (tag 6, a public key).
        assert_eq!(signature_key_id(&[0xc6, 1, 4]), None);
    }
}
