//! The verification result: plain data, no dependency types.

use std::fmt;

/// What verifying a document's signature found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verification {
    /// The document root carries no `dsig:Signature`.
    Unsigned,
    /// Every reference's digest matches, the references cover everything evaluated, the
    /// signature value verifies, and the key is accounted for as [`Signed::trust`] says.
    Valid(Signed),
    /// The signature is present and wrong: the document was changed after signing, or the
    /// signature does not cover what is evaluated, or the key is not trusted.
    Invalid(Failure),
    /// The signature could not be checked: an algorithm or a reference we do not implement, or
    /// no key to check it with.
    Unverifiable(Unverifiable),
}

impl Verification {
    /// Whether the signature is valid and its key vouched for by the caller (a trust anchor or
    /// a given key), which is what `--enforce-signature` requires.
    ///
    /// ```
    /// assert!(!scap_dsig::Verification::Unsigned.is_trusted());
    /// ```
    pub fn is_trusted(&self) -> bool {
        matches!(self, Verification::Valid(s) if s.trust != TrustPath::Embedded)
    }
}

/// A valid signature.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Signed {
    /// The `URI` of each `Reference`, in order (`""` is the whole document).
    pub references: Vec<String>,
    /// The `SignatureMethod` algorithm URI.
    pub algorithm: String,
    /// What vouches for the key.
    pub trust: TrustPath,
}

/// What vouches for the key a valid signature was made with.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TrustPath {
    /// The signing certificate (subject named) chains to a trust anchor the caller gave
    /// (subject named).
    Anchor {
        /// The signing certificate's subject.
        signer: String,
        /// The trust anchor's subject.
        anchor: String,
    },
    /// The signature verifies with a public key the caller gave.
    GivenKey,
    /// Only the key the document carries (`KeyValue` or an unchecked certificate): the content
    /// is intact since it was signed, but nothing says by whom. This is all oscap 1.3.7 checks.
    Embedded,
}

/// Why a present signature is invalid.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Failure {
    /// The `dsig:Signature` is not what XML-DSig says (element named, with its line).
    Malformed {
        /// The element.
        element: String,
        /// Its line in the document (1-based).
        line: u32,
        /// What is wrong.
        reason: String,
    },
    /// A reference's URI names no element, or more than one (signature wrapping relies on a
    /// second element with the signed id).
    Reference {
        /// The `Reference`'s `URI`.
        uri: String,
        /// What is wrong.
        reason: String,
    },
    /// A reference's digest does not match its content: the content changed after signing.
    Digest {
        /// The `Reference`'s `URI`.
        uri: String,
        /// The line of the referenced element (1-based).
        line: u32,
    },
    /// An element the evaluation reads is not covered by any reference (it was added or
    /// replaced after signing, or the signer left it out).
    Uncovered {
        /// The element's name.
        element: String,
        /// Its `id`, when it has one.
        id: Option<String>,
        /// Its line (1-based).
        line: u32,
    },
    /// The `SignatureValue` does not verify over the canonical `SignedInfo` with the key.
    SignatureValue {
        /// Which key: the given one, a certificate of the document's `KeyInfo`, its `KeyValue`.
        key: String,
    },
    /// The signing certificate does not chain to a trust anchor the caller gave.
    Chain {
        /// The certificate the chain stopped at.
        subject: String,
        /// Why.
        reason: String,
    },
}

/// Why a present signature could not be checked.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unverifiable {
    /// An algorithm (signature, digest, canonicalization, transform) we do not implement.
    Algorithm(String),
    /// A reference to something outside the document (we never fetch).
    ExternalReference(String),
    /// No key to check with: the document carries none we can use and the caller gave none.
    NoKey,
}

impl fmt::Display for Verification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verification::Unsigned => write!(f, "not signed"),
            Verification::Valid(s) => {
                write!(f, "valid signature over ")?;
                match s.references.as_slice() {
                    [one] if one.is_empty() => write!(f, "the whole document")?,
                    refs => write!(f, "{}", refs.join(", "))?,
                }
                match &s.trust {
                    TrustPath::Anchor { signer, anchor } => {
                        write!(f, ", signed by '{signer}' (trust anchor '{anchor}')")
                    }
                    TrustPath::GivenKey => write!(f, ", with the given key"),
                    TrustPath::Embedded => write!(
                        f,
                        ", with the key the document carries (no trust anchor or key given: \
                         nothing vouches for it)"
                    ),
                }
            }
            Verification::Invalid(failure) => write!(f, "invalid signature: {failure}"),
            Verification::Unverifiable(u) => write!(f, "signature not verifiable: {u}"),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Malformed {
                element,
                line,
                reason,
            } => write!(f, "{element} (line {line}): {reason}"),
            Failure::Reference { uri, reason } => write!(f, "reference '{uri}': {reason}"),
            Failure::Digest { uri, line } => write!(
                f,
                "digest of reference '{uri}' (line {line}) does not match: changed after signing"
            ),
            Failure::Uncovered { element, id, line } => match id {
                Some(id) => write!(
                    f,
                    "{element} '{id}' (line {line}) is not covered by the signature"
                ),
                None => write!(f, "{element} (line {line}) is not covered by the signature"),
            },
            Failure::SignatureValue { key } => {
                write!(f, "signature value does not verify with {key}")
            }
            Failure::Chain { subject, reason } => {
                write!(f, "certificate '{subject}': {reason}")
            }
        }
    }
}

impl fmt::Display for Unverifiable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unverifiable::Algorithm(a) => write!(f, "algorithm not supported: {a}"),
            Unverifiable::ExternalReference(u) => {
                write!(f, "reference outside the document not followed: {u}")
            }
            Unverifiable::NoKey => write!(
                f,
                "no key: the signature carries no RSA key or certificate and none was given"
            ),
        }
    }
}
