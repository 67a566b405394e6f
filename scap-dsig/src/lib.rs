//! Verification of the XML-DSig signature of a signed SCAP source data stream (or ARF report),
//! in pure Rust: canonical XML, SHA-1/SHA-2 digests, RSA, ECDSA and DSA signatures, X.509
//! chains to the trust anchors the caller gives.
//!
//! DISA publishes its SCAP benchmarks as signed data streams: a `dsig:Signature` as the last
//! child of `ds:data-stream-collection`, its `Reference`s naming each data stream and component
//! by id (or the whole document, enveloped), its `KeyInfo` carrying the signing certificate.
//! [`verify`] checks, in order:
//!
//! 1. every `Reference` resolves to exactly one element of the document (two elements with the
//!    signed id is how signature wrapping smuggles a substitute in) and its digest matches the
//!    canonical form of that element;
//! 2. the references cover everything the evaluation reads: every element child of the root
//!    other than the signature is referenced, or made only of referenced elements;
//! 3. the `SignatureValue` verifies over the canonical `SignedInfo`;
//! 4. the key is trusted: a key the caller gave, or a `KeyInfo` certificate that chains to a
//!    trust anchor the caller gave ([`Trust`]); given neither, the document's own key is used
//!    and the result says so ([`TrustPath::Embedded`]: intact, but nothing says who signed).
//!
//! The result is a [`Verification`]: plain data naming what failed. Only a signature that is
//! a child of the document element counts (one inside a component signs that component, not
//! the data stream): without one the document is [`Verification::Unsigned`].
//!
//! ```
//! use scap_dsig::{Failure, Trust, Verification};
//! let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/");
//! let trust = Trust::from_pem(&std::fs::read_to_string(format!("{dir}ca-root.pem"))?)?;
//!
//! // One byte of a rule title changed after signing: the component's digest no longer matches.
//! let text = std::fs::read_to_string(format!("{dir}tampered-byte-by-id.xml"))?;
//! let result = scap_dsig::verify(&text, &trust)?;
//! assert!(matches!(
//!     &result,
//!     Verification::Invalid(Failure::Digest { uri, .. }) if uri == "#scap_t_comp_xccdf"
//! ));
//! println!("{result}"); // invalid signature: digest of reference '#scap_t_comp_xccdf' ...
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Why not libxmlsec1
//!
//! oscap verifies with libxmlsec1, and the `xmlsec` crate (0.3.0) wraps it; its safe API sets
//! one key on a signature context (no keys manager, so no trust anchors and no chain check),
//! returns a bool (not which reference failed), panics on an unexpected status, and needs
//! `unsafe` in our crate to reach anything else, which this workspace forbids. This crate
//! implements what a data stream needs on RustCrypto instead (`rsa`, `p256`, `p384`, `dsa`, `sha1`,
//! `sha2`, `x509-cert`).
//!
//! # Supported, and not
//!
//! Canonicalization: Canonical XML 1.0 and 1.1 and Exclusive XML Canonicalization 1.0, with
//! or without comments (`InclusiveNamespaces PrefixList` honoured; 1.1 does not inherit
//! `xml:id`, and a subset whose `xml:base` 1.1 would have to join with an ancestor's is
//! unverifiable: that fixup is not implemented). Transforms: enveloped signature and those.
//! Digests: SHA-1, SHA-224/256/384/512. Signatures: RSA PKCS#1 v1.5, ECDSA over P-256 and
//! P-384 (`r || s`, XML-DSig 1.1), with those digests, and DSA (`dsa-sha1`, `dsa-sha256`; the
//! FIPS 186 key sizes). Keys: `X509Certificate`s, `RSAKeyValue`, `DSAKeyValue`, XML-DSig 1.1
//! `ECKeyValue` (named curve), and PEM public keys the caller gives. References: the whole document (`""`, `#xpointer(/)`) and same-document ids (`#id`,
//! `#xpointer(id('id'))`, on `id`, `Id`, `ID` or `xml:id`). Anything else (HMAC, XPath
//! or XSLT transforms, external URIs) is [`Verification::Unverifiable`], never silently
//! accepted. `Manifest`s are not followed: a reference to one (inside the signature's
//! `Object`) covers nothing the evaluation reads, so such a signature is invalid.
//! Certificates: validity period, issuer signature (RSA or ECDSA; a certificate signed with
//! DSA is refused) and `basicConstraints` of
//! each issuer; no revocation (CRL, OCSP), no
//! name constraints or policies.
//!
//! # Differences from oscap 1.3.7
//!
//! oscap (`oscap xccdf eval`, which verifies a present signature unless
//! `--skip-signature-validation`) gives libxmlsec1 no trust anchors: a `KeyValue` signature is
//! accepted whoever made it, and an `X509Data` signature is always refused ("unable to get local
//! issuer certificate"), whatever its chain. It checks every reference's digest but not that
//! the references cover the data stream (a signature over one component passes). It refuses a
//! data stream whose signature fails even without `--enforce-signature`; `scan` then reports
//! and goes on (the `scap` crate leaves that choice to the caller).

#![forbid(unsafe_code)]

mod c14n;
mod key;
mod outcome;
mod trust;
mod verify;

pub use outcome::{Failure, Signed, TrustPath, Unverifiable, Verification};
pub use trust::Trust;
pub use verify::{DSIG, verify, verify_at};

/// What stops a verification before it starts: the document or the trust bundle cannot be
/// read. A signature that fails is not an error but a [`Verification`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The document is not well-formed XML (or has a DTD, which we refuse).
    #[error("line {line}: {reason}")]
    Xml {
        /// 1-based line.
        line: u32,
        /// The parser's message.
        reason: String,
    },
    /// A PEM block of a trust bundle cannot be used.
    #[error("PEM block {block}: {reason}")]
    Pem {
        /// 1-based index of the block (0: no block at all).
        block: usize,
        /// What is wrong.
        reason: String,
    },
}
