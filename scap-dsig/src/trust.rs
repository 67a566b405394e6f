//! What the caller trusts (certificates as anchors, or public keys), and the certificate chain
//! check from a signing certificate to an anchor.

use std::time::SystemTime;

use rsa::PublicKey;
use x509_cert::Certificate;
use x509_cert::der::{Decode, Encode};
use x509_cert::ext::pkix::BasicConstraints;

use crate::Error;
use crate::key::{Encoding, Key, SigAlg};

/// Longest chain from a signing certificate to an anchor (intermediates included).
const MAX_CHAIN: usize = 8;
/// Most PEM blocks read from one trust bundle (a system CA bundle has about 150).
const MAX_PEM_BLOCKS: usize = 10_000;
/// Largest RSA modulus accepted, in bits: bigger keys make verification arbitrarily slow.
pub(crate) const MAX_RSA_BITS: usize = 8192;

/// What the caller trusts to vouch for a signature: certificates (trust anchors, a signing
/// certificate chains to one of them) and public keys (a signature made with one is trusted).
/// Empty, a signature can still be checked for integrity with the key the document carries,
/// and is reported as such ([`TrustPath::Embedded`](crate::TrustPath::Embedded)).
///
/// ```
/// let pem = std::fs::read_to_string(concat!(
///     env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ca-root.pem"))?;
/// let trust = scap_dsig::Trust::from_pem(&pem)?;
/// assert_eq!(trust.len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Trust {
    pub(crate) anchors: Vec<Anchor>,
    pub(crate) keys: Vec<Key>,
}

/// A trust anchor: the certificate, and its subject for messages.
#[derive(Debug, Clone)]
pub(crate) struct Anchor {
    pub(crate) cert: Certificate,
    pub(crate) subject: String,
}

impl Trust {
    /// Trusts nothing: signatures are checked with the key they carry, for integrity only.
    pub fn none() -> Trust {
        Trust::default()
    }

    /// Reads a PEM bundle: each `CERTIFICATE` block is a trust anchor, each `PUBLIC KEY` (SPKI)
    /// or `RSA PUBLIC KEY` block a trusted key; other blocks (private keys, CRLs) are refused so
    /// that a wrong file is noticed.
    pub fn from_pem(text: &str) -> Result<Trust, Error> {
        let mut trust = Trust::default();
        let mut rest = text;
        let mut index = 0;
        while let Some(begin) = rest.find("-----BEGIN ") {
            index += 1;
            if index > MAX_PEM_BLOCKS {
                return Err(Error::Pem {
                    block: index,
                    reason: format!("more than {MAX_PEM_BLOCKS} blocks"),
                });
            }
            let after = &rest[begin + 11..];
            let label_end = after.find("-----").ok_or_else(|| Error::Pem {
                block: index,
                reason: "unterminated BEGIN line".into(),
            })?;
            let label = &after[..label_end];
            let end_marker = format!("-----END {label}-----");
            // The body starts after the BEGIN line's closing dashes; the END line after it.
            let body_start = label_end + 5;
            let end = after[body_start..]
                .find(&end_marker)
                .map(|e| body_start + e)
                .ok_or_else(|| Error::Pem {
                    block: index,
                    reason: format!("no '{end_marker}'"),
                })?;
            let body = &after[body_start..end];
            let der = crate::verify::base64_decode(body).ok_or_else(|| Error::Pem {
                block: index,
                reason: "bad base64".into(),
            })?;
            match label {
                "CERTIFICATE" | "TRUSTED CERTIFICATE" => {
                    let cert = Certificate::from_der(&der).map_err(|e| Error::Pem {
                        block: index,
                        reason: format!("certificate: {e}"),
                    })?;
                    let subject = cert.tbs_certificate().subject().to_string();
                    trust.anchors.push(Anchor { cert, subject });
                }
                "PUBLIC KEY" => {
                    let key = Key::from_spki_der(&der).ok_or_else(|| Error::Pem {
                        block: index,
                        reason: "public key: not RSA (up to 8192 bits), P-256 or P-384".into(),
                    })?;
                    trust.keys.push(key);
                }
                "RSA PUBLIC KEY" => {
                    use rsa::pkcs1::DecodeRsaPublicKey;
                    let key = PublicKey::from_pkcs1_der(&der).map_err(|e| Error::Pem {
                        block: index,
                        reason: format!("RSA public key: {e}"),
                    })?;
                    trust.keys.push(Key::Rsa(key));
                }
                other => {
                    return Err(Error::Pem {
                        block: index,
                        reason: format!("'{other}' is neither a certificate nor a public key"),
                    });
                }
            }
            rest = &after[end + end_marker.len()..];
        }
        if index == 0 {
            return Err(Error::Pem {
                block: 0,
                reason: "no PEM block".into(),
            });
        }
        Ok(trust)
    }

    /// How many anchors and keys.
    pub fn len(&self) -> usize {
        self.anchors.len() + self.keys.len()
    }

    /// Whether nothing is trusted.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The key of a certificate, if it is of a supported kind (RSA, P-256, P-384).
pub(crate) fn cert_key(cert: &Certificate) -> Option<Key> {
    let spki = cert
        .tbs_certificate()
        .subject_public_key_info()
        .to_der()
        .ok()?;
    Key::from_spki_der(&spki)
}

/// Whether `issuer`'s key verifies `cert`'s signature (RSA PKCS#1 v1.5 or ECDSA, SHA-1/2).
fn signed_by(cert: &Certificate, issuer: &Certificate) -> Result<bool, String> {
    let Some(key) = cert_key(issuer) else {
        return Err("the issuer's key is not RSA, P-256 or P-384 (the kinds supported)".into());
    };
    let Ok(tbs) = cert.tbs_certificate().to_der() else {
        return Ok(false);
    };
    let oid = cert.signature_algorithm().oid.to_string();
    let Some(alg) = SigAlg::from_oid(&oid) else {
        return Err(format!(
            "certificate signature algorithm {oid} is not supported"
        ));
    };
    let Some(sig) = cert.signature().as_bytes() else {
        return Ok(false);
    };
    Ok(key.verifies(alg, &tbs, sig, Encoding::Der))
}

fn subject(cert: &Certificate) -> String {
    cert.tbs_certificate().subject().to_string()
}

/// Checks `cert`'s validity period at `now`.
fn current(cert: &Certificate, now: SystemTime) -> Result<(), String> {
    let v = cert.tbs_certificate().validity();
    if now < v.not_before.to_system_time() {
        return Err(format!("not valid before {}", v.not_before));
    }
    if now > v.not_after.to_system_time() {
        return Err(format!("expired on {}", v.not_after));
    }
    Ok(())
}

/// Whether `cert` may issue certificates (basicConstraints cA).
fn is_ca(cert: &Certificate) -> bool {
    matches!(
        cert.tbs_certificate().get_extension::<BasicConstraints>(),
        Ok(Some((_, bc))) if bc.ca
    )
}

/// Builds a chain from `leaf` through `pool` (the document's other certificates) to one of
/// `anchors`; returns the anchor's subject, or the subject where it stopped and why.
pub(crate) fn chain(
    leaf: &Certificate,
    pool: &[Certificate],
    anchors: &[Anchor],
    now: SystemTime,
) -> Result<String, (String, String)> {
    let mut current_cert = leaf.clone();
    for _ in 0..MAX_CHAIN {
        let here = subject(&current_cert);
        current(&current_cert, now).map_err(|r| (here.clone(), r))?;
        // An anchor that is this certificate, or that issued it.
        for anchor in anchors {
            if anchor.cert == current_cert {
                return Ok(anchor.subject.clone());
            }
        }
        for anchor in anchors {
            if anchor.cert.tbs_certificate().subject() == current_cert.tbs_certificate().issuer() {
                match signed_by(&current_cert, &anchor.cert) {
                    Ok(true) => {
                        current(&anchor.cert, now)
                            .map_err(|r| (anchor.subject.clone(), format!("trust anchor {r}")))?;
                        if !is_ca(&anchor.cert) {
                            return Err((
                                anchor.subject.clone(),
                                "trust anchor is not a CA (basicConstraints)".into(),
                            ));
                        }
                        return Ok(anchor.subject.clone());
                    }
                    Ok(false) => {}
                    Err(reason) => return Err((here, reason)),
                }
            }
        }
        // An intermediate the document carries.
        let mut next = None;
        for cand in pool {
            if cand != &current_cert
                && cand.tbs_certificate().subject() == current_cert.tbs_certificate().issuer()
            {
                match signed_by(&current_cert, cand) {
                    Ok(true) => {
                        if !is_ca(cand) {
                            return Err((
                                subject(cand),
                                "issuer is not a CA (basicConstraints)".into(),
                            ));
                        }
                        next = Some(cand.clone());
                        break;
                    }
                    Ok(false) => {}
                    Err(reason) => return Err((here, reason)),
                }
            }
        }
        match next {
            Some(n) => current_cert = n,
            None => {
                return Err((
                    here,
                    format!(
                        "its issuer '{}' is neither a trust anchor nor a certificate of the \
                         signature's KeyInfo",
                        current_cert.tbs_certificate().issuer()
                    ),
                ));
            }
        }
    }
    Err((
        subject(&current_cert),
        format!("no trust anchor within {MAX_CHAIN} certificates"),
    ))
}
