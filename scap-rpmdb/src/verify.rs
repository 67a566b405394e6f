//! The integrity checks rpm runs on a header read from its database: the header digests
//! (`SHA256HEADER`, `SHA1HEADER`) and the header signature (`RSAHEADER`) against the keys
//! imported into the same database (`gpg-pubkey` headers), each over the immutable region
//! ([`Header::signed_region`]).
//!
//! ```
//! use scap_rpmdb::verify::{self, DigestCheck, Keyring, SignatureCheck};
//! use scap_rpmdb::{Format, Header};
//!
//! let db = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/rpmdb.sqlite"))?;
//! let blobs = scap_rpmdb::read_blobs(Format::Sqlite, &db, None)?;
//! let headers = blobs.iter().map(|(_, b)| Header::parse(b)).collect::<Result<Vec<_>, _>>()?;
//! let keys = Keyring::from_headers(&headers);
//! let hello = headers.iter().find(|h| h.string(scap_rpmdb::tag::NAME) == Some("tinyhello")).expect("installed");
//! assert_eq!(verify::header_digest(hello), DigestCheck::Ok);
//! assert!(matches!(verify::header_signature(hello, &keys), SignatureCheck::Ok { .. }));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! What is checked, and what is not: RSA signatures (PKCS#1 v1.5, v3 and v4 signature
//! packets, SHA-1/224/256/384/512) by version 4 RSA keys. A DSA (`DSAHEADER`) or EdDSA
//! signature, or a key of another kind, is [`SignatureCheck::Unsupported`], not a pass or a
//! failure. The header+payload signatures (`SIGPGP`, `SIGGPG`) and `SIGMD5` cover the
//! package's payload, which an installed system no longer has, so rpm does not check them on
//! a database and neither does this module. Key expiry and revocation are not looked at
//! (rpm 4.18 does not either).

use rsa::{BoxedUint, Pkcs1v15Sign, PublicKey};
use sha2::Digest;

use crate::header::{Header, SignedRegion};
use crate::{pgp, tag};

/// Largest RSA modulus accepted, in bits.
pub const MAX_RSA_BITS: usize = 8192;

/// The outcome of the header digest check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DigestCheck {
    /// Every header digest the header has matches its immutable region.
    Ok,
    /// A header digest does not match: the signed part of the header was changed.
    Bad,
    /// The header has no header digest, or no immutable region to check one against.
    Absent,
}

/// The outcome of the header signature check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureCheck {
    /// The signature verifies with an imported key.
    Ok {
        /// The signer's key id.
        key_id: [u8; 8],
    },
    /// The signature does not verify with the imported key of its key id.
    Bad {
        /// The signer's key id.
        key_id: [u8; 8],
    },
    /// No imported key has the signature's key id (rpm's `NOKEY`).
    NoKey {
        /// The signer's key id.
        key_id: [u8; 8],
    },
    /// A signature this module cannot check: not RSA, an unknown hash, or unreadable.
    Unsupported,
    /// The header has no header signature.
    Unsigned,
}

/// The RSA keys imported into an rpm database.
#[derive(Debug, Clone, Default)]
pub struct Keyring {
    keys: Vec<pgp::RsaKey>,
}

impl Keyring {
    /// The keys of every `gpg-pubkey` header among `headers` (their `PUBKEYS` entries); other
    /// headers are skipped.
    pub fn from_headers(headers: &[Header<'_>]) -> Keyring {
        let mut ring = Keyring::default();
        for h in headers {
            ring.add(h);
        }
        ring
    }

    /// Adds the keys of one header's `PUBKEYS` (base64 certificates, as `rpm --import`
    /// stores them); returns how many RSA keys it had.
    pub fn add(&mut self, h: &Header<'_>) -> usize {
        let before = self.keys.len();
        for armored in h.strings(tag::PUBKEYS).into_iter().flatten() {
            if let Some(cert) = decode_base64(armored) {
                self.keys.extend(
                    pgp::rsa_keys(&cert)
                        .into_iter()
                        .filter(|k| k.n.len() * 8 <= MAX_RSA_BITS),
                );
            }
        }
        self.keys.len() - before
    }

    /// How many keys the ring holds.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the ring holds no key.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// Base64 as rpm stores it: possibly broken into lines, possibly ending with an armor
/// checksum line (`=` and four characters), which is not part of the data.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    let body: String = text
        .lines()
        .map(str::trim)
        .filter(|l| !(l.starts_with('=') && l.len() == 5))
        .collect();
    base64::engine::general_purpose::STANDARD.decode(body).ok()
}

fn hash_region<D: Digest>(r: &SignedRegion<'_>, suffix: &[u8]) -> Vec<u8> {
    let mut d = D::new();
    d.update(r.preamble);
    d.update(r.index);
    d.update(r.data);
    d.update(suffix);
    d.finalize().to_vec()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks the header digests rpm recorded (`SHA256HEADER`, `SHA1HEADER`: hex strings) against
/// the immutable region.
pub fn header_digest(h: &Header<'_>) -> DigestCheck {
    let Some(region) = h.signed_region() else {
        return DigestCheck::Absent;
    };
    let mut seen = false;
    for (t, digest) in [
        (
            tag::SHA256HEADER,
            hash_region::<sha2::Sha256> as fn(&_, &_) -> _,
        ),
        (tag::SHA1HEADER, hash_region::<sha1::Sha1>),
    ] {
        if let Some(want) = h.string(t) {
            seen = true;
            if !want.eq_ignore_ascii_case(&hex(&digest(&region, &[]))) {
                return DigestCheck::Bad;
            }
        }
    }
    if seen {
        DigestCheck::Ok
    } else {
        DigestCheck::Absent
    }
}

/// Checks the header signature (`RSAHEADER`, else `DSAHEADER`) with the key of its key id.
pub fn header_signature(h: &Header<'_>, keys: &Keyring) -> SignatureCheck {
    let Some(packet) = h.bin(tag::RSAHEADER).or_else(|| h.bin(tag::DSAHEADER)) else {
        return SignatureCheck::Unsigned;
    };
    let (Some(sig), Some(region)) = (pgp::signature(packet), h.signed_region()) else {
        return SignatureCheck::Unsupported;
    };
    let key_id = sig.key_id;
    if sig.pk_algo != 1 {
        return SignatureCheck::Unsupported;
    }
    let suffix = &sig.hashed_suffix;
    let (hashed, scheme) = match sig.hash_algo {
        2 => (
            hash_region::<sha1::Sha1>(&region, suffix),
            Pkcs1v15Sign::new::<sha1::Sha1>(),
        ),
        8 => (
            hash_region::<sha2::Sha256>(&region, suffix),
            Pkcs1v15Sign::new::<sha2::Sha256>(),
        ),
        9 => (
            hash_region::<sha2::Sha384>(&region, suffix),
            Pkcs1v15Sign::new::<sha2::Sha384>(),
        ),
        10 => (
            hash_region::<sha2::Sha512>(&region, suffix),
            Pkcs1v15Sign::new::<sha2::Sha512>(),
        ),
        11 => (
            hash_region::<sha2::Sha224>(&region, suffix),
            Pkcs1v15Sign::new::<sha2::Sha224>(),
        ),
        _ => return SignatureCheck::Unsupported,
    };
    let candidates: Vec<&pgp::RsaKey> = keys.keys.iter().filter(|k| k.key_id == key_id).collect();
    if candidates.is_empty() {
        return SignatureCheck::NoKey { key_id };
    }
    // The two bytes a signature carries of its digest: a quick reject, as rpm makes it.
    if hashed.get(..2) != Some(&sig.left16[..]) {
        return SignatureCheck::Bad { key_id };
    }
    for k in candidates {
        let Ok(key) = PublicKey::new_with_size_limits(
            BoxedUint::from_be_slice_vartime(&k.n),
            BoxedUint::from_be_slice_vartime(&k.e),
            PublicKey::MIN_SIZE..=MAX_RSA_BITS,
        ) else {
            continue;
        };
        // An OpenPGP MPI drops leading zero bytes; PKCS#1 wants the modulus's length.
        let size = rsa::traits::PublicKeyParts::size(&key);
        if sig.value.len() > size {
            continue;
        }
        let mut value = vec![0u8; size - sig.value.len()];
        value.extend_from_slice(sig.value);
        if key.verify(scheme.clone(), &hashed, &value).is_ok() {
            return SignatureCheck::Ok { key_id };
        }
    }
    SignatureCheck::Bad { key_id }
}
