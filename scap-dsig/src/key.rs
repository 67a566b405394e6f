//! The public keys a signature is checked with, and the signature algorithms: RSA PKCS#1 v1.5,
//! ECDSA over P-256 and P-384, DSA (the FIPS 186 sizes: 1024/160, 2048/224, 2048/256,
//! 3072/256), each with any SHA-1/SHA-2 digest.

use rsa::PublicKey as RsaKey;
use rsa::pkcs8::DecodePublicKey;
use rsa::traits::PublicKeyParts;

use crate::trust::MAX_RSA_BITS;
use crate::verify::DigestAlg;

/// A public key of a supported kind.
#[derive(Debug, Clone)]
pub(crate) enum Key {
    Rsa(RsaKey),
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
    Dsa(Box<dsa::VerifyingKey>),
}

/// The family of a signature algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    Rsa,
    Ecdsa,
    Dsa,
}

/// How a signature value is laid out: XML-DSig writes an ECDSA signature as `r || s`, each
/// the size of the curve's order (RFC 4050 section 3.3; XML-DSig 1.1 section 6.4.3); X.509
/// writes it as a DER `SEQUENCE { r, s }` (RFC 3279 section 2.2.3). RSA is the same in both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    XmlDsig,
    Der,
}

/// A signature algorithm: family and digest.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SigAlg {
    pub(crate) family: Family,
    pub(crate) digest: DigestAlg,
}

impl SigAlg {
    /// A `SignatureMethod` algorithm URI (RFC 6931 for the SHA-2 ones, XML-DSig for SHA-1).
    pub(crate) fn from_uri(uri: &str) -> Option<SigAlg> {
        let (family, digest) = match uri {
            "http://www.w3.org/2000/09/xmldsig#rsa-sha1" => (Family::Rsa, DigestAlg::Sha1),
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha224" => (Family::Rsa, DigestAlg::Sha224),
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" => (Family::Rsa, DigestAlg::Sha256),
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384" => (Family::Rsa, DigestAlg::Sha384),
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512" => (Family::Rsa, DigestAlg::Sha512),
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1" => (Family::Ecdsa, DigestAlg::Sha1),
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha224" => {
                (Family::Ecdsa, DigestAlg::Sha224)
            }
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256" => {
                (Family::Ecdsa, DigestAlg::Sha256)
            }
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384" => {
                (Family::Ecdsa, DigestAlg::Sha384)
            }
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512" => {
                (Family::Ecdsa, DigestAlg::Sha512)
            }
            "http://www.w3.org/2000/09/xmldsig#dsa-sha1" => (Family::Dsa, DigestAlg::Sha1),
            "http://www.w3.org/2009/xmldsig11#dsa-sha256" => (Family::Dsa, DigestAlg::Sha256),
            _ => return None,
        };
        Some(SigAlg { family, digest })
    }

    /// A certificate's signature algorithm OID: `shaNWithRSAEncryption` (RFC 4055, RFC
    /// 3279) or `ecdsa-with-SHAn` (RFC 5758, RFC 3279).
    pub(crate) fn from_oid(oid: &str) -> Option<SigAlg> {
        let (family, digest) = match oid {
            "1.2.840.113549.1.1.5" => (Family::Rsa, DigestAlg::Sha1),
            "1.2.840.113549.1.1.14" => (Family::Rsa, DigestAlg::Sha224),
            "1.2.840.113549.1.1.11" => (Family::Rsa, DigestAlg::Sha256),
            "1.2.840.113549.1.1.12" => (Family::Rsa, DigestAlg::Sha384),
            "1.2.840.113549.1.1.13" => (Family::Rsa, DigestAlg::Sha512),
            "1.2.840.10045.4.1" => (Family::Ecdsa, DigestAlg::Sha1),
            "1.2.840.10045.4.3.1" => (Family::Ecdsa, DigestAlg::Sha224),
            "1.2.840.10045.4.3.2" => (Family::Ecdsa, DigestAlg::Sha256),
            "1.2.840.10045.4.3.3" => (Family::Ecdsa, DigestAlg::Sha384),
            "1.2.840.10045.4.3.4" => (Family::Ecdsa, DigestAlg::Sha512),
            _ => return None,
        };
        Some(SigAlg { family, digest })
    }
}

impl Key {
    /// The key of a DER `SubjectPublicKeyInfo`: RSA (up to [`MAX_RSA_BITS`]), P-256 or P-384;
    /// `None` for another kind.
    pub(crate) fn from_spki_der(der: &[u8]) -> Option<Key> {
        if let Ok(k) = RsaKey::from_public_key_der(der) {
            return (k.size() * 8 <= MAX_RSA_BITS).then_some(Key::Rsa(k));
        }
        if let Ok(k) = p256::ecdsa::VerifyingKey::from_public_key_der(der) {
            return Some(Key::P256(k));
        }
        if let Ok(k) = p384::ecdsa::VerifyingKey::from_public_key_der(der) {
            return Some(Key::P384(k));
        }
        Key::from_dsa_spki_der(der)
    }

    /// A DSA `SubjectPublicKeyInfo` (RFC 3279 2.3.2: parameters `SEQUENCE { p, q, g }`, the key
    /// an INTEGER `y`), decoded here rather than by the `dsa` crate so that its parts go
    /// through [`Key::from_dsa_parts`]: the crate's own decoder sizes each integer by its
    /// length, and its arithmetic asserts that `g` and `y` are as wide as `p`.
    fn from_dsa_spki_der(der: &[u8]) -> Option<Key> {
        use x509_cert::der::asn1::UintRef;
        use x509_cert::der::{Decode as _, Reader as _};
        use x509_cert::spki::{ObjectIdentifier, SubjectPublicKeyInfoRef};
        const DSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10040.4.1");
        let spki = SubjectPublicKeyInfoRef::from_der(der).ok()?;
        if spki.algorithm.oid != DSA {
            return None;
        }
        let (p, q, g) = spki
            .algorithm
            .parameters?
            .sequence(|r| -> Result<_, x509_cert::der::Error> {
                Ok((
                    r.decode::<UintRef<'_>>()?,
                    r.decode::<UintRef<'_>>()?,
                    r.decode::<UintRef<'_>>()?,
                ))
            })
            .ok()?;
        let y = UintRef::from_der(spki.subject_public_key.as_bytes()?).ok()?;
        Key::from_dsa_parts(p.as_bytes(), q.as_bytes(), g.as_bytes(), y.as_bytes())
    }

    /// The key of a `DSAKeyValue`: `P`, `Q`, `G`, `Y` as big-endian bytes; `None` unless they
    /// make a key of a FIPS 186 size.
    ///
    /// `g` and `y` are read at the precision of `p` (the `dsa` crate's Montgomery arithmetic
    /// asserts equal widths, and a shorter encoding of a small or a legitimate value would
    /// otherwise abort the verifier); leading zero bytes, which `CryptoBinary` forbids but some
    /// signers write, are ignored.
    pub(crate) fn from_dsa_parts(p: &[u8], q: &[u8], g: &[u8], y: &[u8]) -> Option<Key> {
        use rsa::BoxedUint;
        let significant = |b: &[u8]| -> Option<Vec<u8>> {
            let first = b.iter().position(|&byte| byte != 0)?;
            Some(b[first..].to_vec())
        };
        let p = BoxedUint::from_be_slice_vartime(&significant(p)?);
        let q = BoxedUint::from_be_slice_vartime(&significant(q)?);
        let at_p = |b: &[u8]| -> Option<BoxedUint> {
            BoxedUint::from_be_slice(&significant(b)?, p.bits_precision()).ok()
        };
        let (g, y) = (at_p(g)?, at_p(y)?);
        let components = dsa::Components::from_components(p, q, g).ok()?;
        dsa::VerifyingKey::from_components(components, y)
            .ok()
            .map(|k| Key::Dsa(Box::new(k)))
    }

    /// The key of an XML-DSig 1.1 `ECKeyValue`: a named curve (its OID) and an SEC1 point.
    pub(crate) fn from_ec_point(curve_oid: &str, point: &[u8]) -> Option<Key> {
        match curve_oid {
            "1.2.840.10045.3.1.7" => p256::ecdsa::VerifyingKey::from_sec1_bytes(point)
                .ok()
                .map(Key::P256),
            "1.3.132.0.34" => p384::ecdsa::VerifyingKey::from_sec1_bytes(point)
                .ok()
                .map(Key::P384),
            _ => None,
        }
    }

    /// Whether `sig` (laid out as `encoding` says) is a signature of `data` by this key with
    /// `alg`. A key of another family than the algorithm's does not verify.
    pub(crate) fn verifies(
        &self,
        alg: SigAlg,
        data: &[u8],
        sig: &[u8],
        encoding: Encoding,
    ) -> bool {
        use p256::ecdsa::signature::hazmat::PrehashVerifier;
        let hashed = alg.digest.digest(data);
        match (self, alg.family) {
            (Key::Rsa(k), Family::Rsa) => k.verify(alg.digest.pkcs1v15(), &hashed, sig).is_ok(),
            (Key::P256(k), Family::Ecdsa) => {
                let s = match encoding {
                    Encoding::XmlDsig => p256::ecdsa::Signature::from_slice(sig),
                    Encoding::Der => p256::ecdsa::Signature::from_der(sig),
                };
                s.is_ok_and(|s| k.verify_prehash(&hashed, &s).is_ok())
            }
            (Key::P384(k), Family::Ecdsa) => {
                let s = match encoding {
                    Encoding::XmlDsig => p384::ecdsa::Signature::from_slice(sig),
                    Encoding::Der => p384::ecdsa::Signature::from_der(sig),
                };
                s.is_ok_and(|s| k.verify_prehash(&hashed, &s).is_ok())
            }
            // XML-DSig 6.4.1: r || s, each half of the value. (A certificate signed with DSA
            // is not supported: its DER signature is not decoded.)
            (Key::Dsa(k), Family::Dsa) if encoding == Encoding::XmlDsig => {
                let half = sig.len() / 2;
                if sig.is_empty() || !sig.len().is_multiple_of(2) {
                    return false;
                }
                let (r, s) = sig.split_at(half);
                let n = |b: &[u8]| rsa::BoxedUint::from_be_slice_vartime(b);
                dsa::Signature::from_components(n(r), n(s))
                    .is_some_and(|s| k.verify_prehash(&hashed, &s).is_ok())
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algorithms_by_uri_and_oid() {
        let a = SigAlg::from_uri("http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384");
        assert!(a.is_some_and(|a| a.family == Family::Ecdsa));
        let a = SigAlg::from_oid("1.2.840.10045.4.3.2");
        assert!(a.is_some_and(|a| a.family == Family::Ecdsa));
        let a = SigAlg::from_uri("http://www.w3.org/2000/09/xmldsig#dsa-sha1");
        assert!(a.is_some_and(|a| a.family == Family::Dsa));
        assert!(SigAlg::from_uri("http://www.w3.org/2000/09/xmldsig#hmac-sha1").is_none());
    }

    #[test]
    fn a_point_off_the_curve_is_no_key() {
        let mut point = vec![4u8];
        point.extend([1u8; 64]);
        assert!(Key::from_ec_point("1.2.840.10045.3.1.7", &point).is_none());
        assert!(Key::from_ec_point("1.3.132.0.35", &point).is_none());
    }

    #[test]
    fn dsa_parts_of_no_fips_size_are_no_key() {
        // p even, and sizes that are no FIPS 186 pair: refused, not a slow or panicking key.
        assert!(Key::from_dsa_parts(&[2; 128], &[3; 20], &[2], &[5]).is_none());
        assert!(Key::from_dsa_parts(&[0xff; 1024], &[0xff; 32], &[2], &[5]).is_none());
        assert!(Key::from_dsa_parts(&[], &[], &[], &[]).is_none());
    }
}
