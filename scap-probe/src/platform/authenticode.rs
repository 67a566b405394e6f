//! Authenticode signatures of PE/COFF images (UEFI boot loaders: shim, GRUB), checked in
//! pure Rust: what UEFI Secure Boot checks before it runs an image, short of the firmware's
//! trust decision.
//!
//! Per Microsoft's "Windows Authenticode Portable Executable Signature Format" and the PE
//! format specification: the certificate table (data directory 4) holds `WIN_CERTIFICATE`
//! entries; a `WIN_CERT_TYPE_PKCS_SIGNED_DATA` entry is a PKCS#7 `SignedData` (RFC 2315)
//! whose content is an `SpcIndirectDataContent` carrying the image's digest. For each
//! signature [`signatures`] checks:
//!
//! 1. the signed attributes' `messageDigest` equals the digest of the signed content (an
//!    `SpcIndirectDataContent`);
//! 2. the signer certificate (named by issuer and serial number among the certificates
//!    carried) verifies the RSA PKCS#1 v1.5 signature over the signed attributes;
//! 3. the image digest: the file hashed as Authenticode says (headers without the checksum
//!    and the certificate table entry, sections in file order, trailing data up to the
//!    certificate table) equals the digest in that content.
//!
//! In that order, so that a failure of the last one says the signature is sound and the
//! file was changed after signing.
//!
//! Not checked, and said so in the result: whether the signer chains to a certificate the
//! firmware trusts (the `db` variable of a machine, which no image records), revocation
//! (`dbx`, SBAT), certificate validity periods (firmware ignores them), counter-signatures.
//! Digests: SHA-256, SHA-384, SHA-512 (SHA-1 signatures are reported as not verified).
//!
//! Bounds: the ASN.1 reader is iterative over definite lengths (no indefinite-length BER),
//! nesting is fixed by the structure read, at most 16 certificate-table
//! entries and 96 sections; RSA keys at most 8192 bits.

use rsa::pkcs8::DecodePublicKey;
use rsa::{Pkcs1v15Sign, PublicKey};
use sha2::Digest as _;
use x509_cert::Certificate;
use x509_cert::der::{Decode, Encode};

const MAX_SIGNATURES: usize = 16;
const MAX_SECTIONS: usize = 96;
const MAX_RSA_BITS: usize = 8192;

const OID_SIGNED_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];
const OID_SPC_INDIRECT: &[u8] = &[0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x01, 0x04];
const OID_MESSAGE_DIGEST: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x04];
const OID_SHA256: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01];
const OID_SHA384: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02];
const OID_SHA512: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03];
const OID_SHA1: &[u8] = &[0x2b, 0x0e, 0x03, 0x02, 0x1a];

/// Why a file could not be read as a PE image.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a PE/COFF image: {reason}")]
#[non_exhaustive]
pub struct NotPe {
    /// What is wrong, with the byte offset where there is one.
    pub reason: String,
}

fn not_pe(reason: impl Into<String>) -> NotPe {
    NotPe {
        reason: reason.into(),
    }
}

/// One Authenticode signature of an image, and what checking it found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PeSignature {
    /// The signer certificate's subject (RFC 4514 text), empty when it is not among the
    /// certificates carried.
    pub signer_subject: String,
    /// The signer certificate's issuer (RFC 4514 text), from the signer identifier.
    pub signer_issuer: String,
    /// `sha256`, `sha384`, `sha512`, `sha1`, or the OID of another.
    pub digest_algorithm: String,
    /// Whether all three checks of the module docs passed.
    pub valid: bool,
    /// Why not, when not valid (the first check that failed).
    pub problem: Option<String>,
}

/// The Authenticode signatures of the PE image `pe` (empty: unsigned), each checked.
///
/// ```
/// use scap_probe::platform::authenticode::signatures;
/// // Not a PE image at all.
/// assert!(signatures(b"#!/bin/sh\n").is_err());
/// ```
pub fn signatures(pe: &[u8]) -> Result<Vec<PeSignature>, NotPe> {
    let layout = Layout::parse(pe)?;
    let Some((table_at, table_len)) = layout.cert_table else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    let mut at = table_at;
    let end = table_at + table_len;
    while at + 8 <= end && out.len() < MAX_SIGNATURES {
        let len = le32(pe, at) as usize;
        let (revision, kind) = (le16(pe, at + 4), le16(pe, at + 6));
        if len < 8 || at + len > end {
            return Err(not_pe(format!("certificate entry at {at} of length {len}")));
        }
        if revision == 0x0200 && kind == 0x0002 {
            out.push(check(pe, &layout, &pe[at + 8..at + len]));
        }
        // Entries are 8-byte aligned.
        at += len.div_ceil(8) * 8;
    }
    Ok(out)
}

/// Where the parts Authenticode hashes are.
struct Layout {
    checksum_at: usize,
    cert_dir_at: usize,
    headers_end: usize,
    /// Sections' raw data (offset, size), in file order.
    sections: Vec<(usize, usize)>,
    cert_table: Option<(usize, usize)>,
}

fn le16(b: &[u8], at: usize) -> u16 {
    b.get(at..at + 2)
        .map_or(0, |s| u16::from_le_bytes([s[0], s[1]]))
}

fn le32(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4)
        .map_or(0, |s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

impl Layout {
    fn parse(pe: &[u8]) -> Result<Layout, NotPe> {
        if !pe.starts_with(b"MZ") {
            return Err(not_pe("no MZ header"));
        }
        let nt = le32(pe, 0x3c) as usize;
        if pe.get(nt..nt + 4) != Some(b"PE\0\0") {
            return Err(not_pe(format!("no PE signature at {nt}")));
        }
        let coff = nt + 4;
        let sections = usize::from(le16(pe, coff + 2));
        let opt_size = usize::from(le16(pe, coff + 16));
        let opt = coff + 20;
        let (dirs_count_at, dirs_at) = match le16(pe, opt) {
            0x10b => (opt + 92, opt + 96),
            0x20b => (opt + 108, opt + 112),
            m => return Err(not_pe(format!("optional header magic {m:#x}"))),
        };
        if opt + opt_size > pe.len() || dirs_at > opt + opt_size {
            return Err(not_pe("optional header past the end"));
        }
        let dirs = le32(pe, dirs_count_at) as usize;
        let cert_dir_at = dirs_at + 4 * 8;
        let mut cert_table = None;
        if dirs > 4 && cert_dir_at + 8 <= opt + opt_size {
            let (off, len) = (
                le32(pe, cert_dir_at) as usize,
                le32(pe, cert_dir_at + 4) as usize,
            );
            if len > 0 {
                // The table's "address" is a file offset; it must lie inside the file.
                if off.checked_add(len).is_none_or(|e| e > pe.len()) {
                    return Err(not_pe(format!("certificate table at {off} past the end")));
                }
                cert_table = Some((off, len));
            }
        }
        let headers_end = (le32(pe, opt + 60) as usize).min(pe.len());
        if sections > MAX_SECTIONS {
            return Err(not_pe(format!("{sections} sections")));
        }
        let table = opt + opt_size;
        let mut raw = Vec::with_capacity(sections);
        for i in 0..sections {
            let s = table + i * 40;
            if s + 40 > pe.len() {
                return Err(not_pe("section table past the end"));
            }
            let (size, ptr) = (le32(pe, s + 16) as usize, le32(pe, s + 20) as usize);
            if size == 0 {
                continue;
            }
            if ptr.checked_add(size).is_none_or(|e| e > pe.len()) {
                return Err(not_pe(format!("section {i} data past the end")));
            }
            raw.push((ptr, size));
        }
        raw.sort_unstable();
        if cert_dir_at + 8 > headers_end || opt + 64 + 4 > headers_end {
            return Err(not_pe("headers shorter than the optional header"));
        }
        Ok(Layout {
            checksum_at: opt + 64,
            cert_dir_at,
            headers_end,
            sections: raw,
            cert_table,
        })
    }

    /// The Authenticode digest of `pe` with `H`.
    fn digest<H: sha2::Digest>(&self, pe: &[u8]) -> Vec<u8> {
        let mut h = H::new();
        h.update(&pe[..self.checksum_at]);
        h.update(&pe[self.checksum_at + 4..self.cert_dir_at]);
        h.update(&pe[self.cert_dir_at + 8..self.headers_end]);
        let mut hashed = self.headers_end;
        for &(ptr, size) in &self.sections {
            h.update(&pe[ptr..ptr + size]);
            hashed += size;
        }
        // Data after the sections, up to the certificate table (which ends the file).
        let cert = self.cert_table.map_or(0, |(_, len)| len);
        let end = pe.len().saturating_sub(cert);
        if hashed < end {
            h.update(&pe[hashed..end]);
        }
        h.finalize().as_slice().to_vec()
    }
}

/// A DER element: its tag, its contents, and the whole encoding.
#[derive(Clone, Copy)]
struct Tlv<'a> {
    tag: u8,
    body: &'a [u8],
    whole: &'a [u8],
}

/// The first DER element of `input` and what follows it.
fn tlv(input: &[u8]) -> Option<(Tlv<'_>, &[u8])> {
    let tag = *input.first()?;
    if tag & 0x1f == 0x1f {
        return None;
    }
    let first = *input.get(1)?;
    let (len, head) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let n = usize::from(first & 0x7f);
        // 0x80: indefinite length (BER, not DER); more than 4 bytes: no such file.
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for &b in input.get(2..2 + n)? {
            len = (len << 8) | usize::from(b);
        }
        (len, 2 + n)
    };
    let end = head.checked_add(len)?;
    let whole = input.get(..end)?;
    Some((
        Tlv {
            tag,
            body: &whole[head..],
            whole,
        },
        &input[end..],
    ))
}

/// The elements of a constructed value's contents.
fn children(body: &[u8]) -> Option<Vec<Tlv<'_>>> {
    let mut out = Vec::new();
    let mut rest = body;
    while !rest.is_empty() {
        let (t, r) = tlv(rest)?;
        out.push(t);
        rest = r;
    }
    Some(out)
}

fn expect<'a>(t: Option<&Tlv<'a>>, tag: u8) -> Option<Tlv<'a>> {
    t.filter(|t| t.tag == tag).copied()
}

/// The digest algorithm named by an `AlgorithmIdentifier`.
fn algorithm(alg: &Tlv<'_>) -> Option<&'static str> {
    let oid = expect(children(alg.body)?.first(), 0x06)?;
    Some(match oid.body {
        OID_SHA256 => "sha256",
        OID_SHA384 => "sha384",
        OID_SHA512 => "sha512",
        OID_SHA1 => "sha1",
        _ => return None,
    })
}

fn hash(alg: &str, data: &[u8]) -> Option<Vec<u8>> {
    Some(match alg {
        "sha256" => sha2::Sha256::digest(data).as_slice().to_vec(),
        "sha384" => sha2::Sha384::digest(data).as_slice().to_vec(),
        "sha512" => sha2::Sha512::digest(data).as_slice().to_vec(),
        _ => return None,
    })
}

/// The parts of a PKCS#7 SignedData an Authenticode check reads.
struct Signed<'a> {
    /// The digest algorithm of the image digest.
    content_alg: &'static str,
    image_digest: &'a [u8],
    /// `SpcIndirectDataContent`'s contents (what `messageDigest` is over).
    content_body: &'a [u8],
    certificates: Vec<Tlv<'a>>,
    signer_issuer: Tlv<'a>,
    signer_serial: &'a [u8],
    signer_alg: &'static str,
    signed_attrs: Option<Tlv<'a>>,
    signature: &'a [u8],
}

fn parse_signed(p7: &[u8]) -> Option<Signed<'_>> {
    let (ci, _) = tlv(p7)?;
    let ci = children(expect(Some(&ci), 0x30)?.body)?;
    if expect(ci.first(), 0x06)?.body != OID_SIGNED_DATA {
        return None;
    }
    let sd = expect(children(expect(ci.get(1), 0xa0)?.body)?.first(), 0x30)?;
    let sd = children(sd.body)?;
    // version, digestAlgorithms, encapContentInfo, [0] certificates, [1] crls, signerInfos
    let encap = children(expect(sd.get(2), 0x30)?.body)?;
    if expect(encap.first(), 0x06)?.body != OID_SPC_INDIRECT {
        return None;
    }
    let content = expect(children(expect(encap.get(1), 0xa0)?.body)?.first(), 0x30)?;
    let spc = children(content.body)?;
    let digest_info = children(expect(spc.get(1), 0x30)?.body)?;
    let content_alg = algorithm(&expect(digest_info.first(), 0x30)?)?;
    let image_digest = expect(digest_info.get(1), 0x04)?.body;
    let mut certificates = Vec::new();
    let mut i = 3;
    if let Some(c) = expect(sd.get(i), 0xa0) {
        certificates = children(c.body)?;
        i += 1;
    }
    if expect(sd.get(i), 0xa1).is_some() {
        i += 1;
    }
    let infos = children(expect(sd.get(i), 0x31)?.body)?;
    let si = children(expect(infos.first(), 0x30)?.body)?;
    let sid = children(expect(si.get(1), 0x30)?.body)?;
    let signer_issuer = expect(sid.first(), 0x30)?;
    let signer_serial = expect(sid.get(1), 0x02)?.body;
    let signer_alg = algorithm(&expect(si.get(2), 0x30)?)?;
    let (signed_attrs, next) = match expect(si.get(3), 0xa0) {
        Some(a) => (Some(a), 4),
        None => (None, 3),
    };
    let signature = expect(si.get(next + 1), 0x04)?.body;
    Some(Signed {
        content_alg,
        image_digest,
        content_body: content.body,
        certificates,
        signer_issuer,
        signer_serial,
        signer_alg,
        signed_attrs,
        signature,
    })
}

/// Strip the leading zero DER adds to a positive INTEGER whose top bit is set.
fn unsigned(int: &[u8]) -> &[u8] {
    match int {
        [0, rest @ ..] if !rest.is_empty() => rest,
        _ => int,
    }
}

fn check(pe: &[u8], layout: &Layout, p7: &[u8]) -> PeSignature {
    let Some(s) = parse_signed(p7) else {
        return PeSignature {
            signer_subject: String::new(),
            signer_issuer: String::new(),
            digest_algorithm: String::new(),
            valid: false,
            problem: Some("the signature is not an Authenticode PKCS#7 SignedData".into()),
        };
    };
    let signer = s.certificates.iter().find_map(|c| {
        let cert = Certificate::from_der(c.whole).ok()?;
        let tbs = cert.tbs_certificate();
        let issuer = tbs.issuer().to_der().ok()?;
        (issuer == s.signer_issuer.whole
            && unsigned(tbs.serial_number().as_bytes()) == unsigned(s.signer_serial))
        .then_some(cert)
    });
    let issuer_text = x509_cert::name::Name::from_der(s.signer_issuer.whole)
        .map(|n| n.to_string())
        .unwrap_or_default();
    let mut out = PeSignature {
        signer_subject: signer
            .as_ref()
            .map(|c| c.tbs_certificate().subject().to_string())
            .unwrap_or_default(),
        signer_issuer: issuer_text,
        digest_algorithm: s.content_alg.to_string(),
        valid: false,
        problem: None,
    };
    out.problem = verify(pe, layout, &s, signer.as_ref()).err();
    out.valid = out.problem.is_none();
    out
}

/// The three checks of the module docs; the first failure.
fn verify(
    pe: &[u8],
    layout: &Layout,
    s: &Signed<'_>,
    signer: Option<&Certificate>,
) -> Result<(), String> {
    let attrs = s
        .signed_attrs
        .ok_or("no signed attributes (not an Authenticode signature)")?;
    let content_digest = hash(s.signer_alg, s.content_body)
        .ok_or(format!("digest algorithm {} is not verified", s.signer_alg))?;
    let message_digest = children(attrs.body)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|a| children(a.body))
        .find(|a| {
            a.first()
                .is_some_and(|o| o.tag == 0x06 && o.body == OID_MESSAGE_DIGEST)
        })
        .and_then(|a| a.get(1).and_then(|set| children(set.body)))
        .and_then(|v| v.first().filter(|o| o.tag == 0x04).map(|o| o.body.to_vec()))
        .ok_or("no messageDigest signed attribute")?;
    if message_digest != content_digest {
        return Err(
            "the signed attributes' messageDigest does not match the signed content".into(),
        );
    }
    let cert = signer.ok_or("the signer certificate is not among those carried")?;
    let spki = cert
        .tbs_certificate()
        .subject_public_key_info()
        .to_der()
        .map_err(|e| format!("signer key: {e}"))?;
    let key = PublicKey::from_public_key_der(&spki)
        .map_err(|_| "the signer key is not RSA (only RSA is verified)".to_string())?;
    if rsa::traits::PublicKeyParts::size(&key) * 8 > MAX_RSA_BITS {
        return Err(format!("signer key over {MAX_RSA_BITS} bits"));
    }
    // The signature is over the attributes encoded as a SET (tag 0x31), not as the
    // implicit [0] they are stored with (RFC 2315, 9.3).
    let mut der = attrs.whole.to_vec();
    der[0] = 0x31;
    let (hashed, scheme) = match s.signer_alg {
        "sha256" => (hash("sha256", &der), Pkcs1v15Sign::new::<sha2::Sha256>()),
        "sha384" => (hash("sha384", &der), Pkcs1v15Sign::new::<sha2::Sha384>()),
        "sha512" => (hash("sha512", &der), Pkcs1v15Sign::new::<sha2::Sha512>()),
        a => return Err(format!("digest algorithm {a} is not verified")),
    };
    let hashed = hashed.ok_or("digest")?;
    key.verify(scheme, &hashed, s.signature).map_err(|_| {
        "the RSA signature does not verify with the signer certificate's key".to_string()
    })?;
    // Last, so that a failure here says the signature itself is sound: the file changed.
    let image = match s.content_alg {
        "sha256" => layout.digest::<sha2::Sha256>(pe),
        "sha384" => layout.digest::<sha2::Sha384>(pe),
        "sha512" => layout.digest::<sha2::Sha512>(pe),
        a => return Err(format!("digest algorithm {a} is not verified")),
    };
    if image != s.image_digest {
        return Err("the image's Authenticode digest does not match the signed one: the file was changed after signing".into());
    }
    Ok(())
}
