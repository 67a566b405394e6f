//! Verification of the enveloped signature of a document: references, digests, coverage,
//! signature value, key and certificate chain.
//!
//! XML Signature Syntax and Processing (Second Edition), sections 3.2 (core validation) and 4
//! (the elements), 6 (algorithms); SCAP 1.3 (NIST SP 800-126r3) section 6 places the signature
//! of a source data stream as a child of `ds:data-stream-collection` (ARF 1.1: of
//! `arf:asset-report-collection`).

use std::collections::HashMap;
use std::time::SystemTime;

use base64::Engine as _;
use roxmltree::{Document, Node, NodeId, ParsingOptions};
use rsa::{BoxedUint, Pkcs1v15Sign, PublicKey};

use crate::key::{Encoding, Key, SigAlg};
use sha1::Digest as _;
use x509_cert::Certificate;
use x509_cert::der::Decode;

use crate::c14n::{self, Method, Sink, Subset};
use crate::trust::{self, Trust};
use crate::{Error, Failure, Signed, TrustPath, Unverifiable, Verification};

/// The XML-DSig namespace.
/// The XML-DSig namespace: a document that does not contain it carries no signature.
pub const DSIG: &str = "http://www.w3.org/2000/09/xmldsig#";
/// The XML-DSig 1.1 namespace (`ECKeyValue`).
const DSIG11: &str = "http://www.w3.org/2009/xmldsig11#";
/// Most nodes in a verified document (the data stream parsers have their own limits; this one
/// bounds this parse).
const MAX_NODES: u32 = 50_000_000;
/// Most `Reference`s in one `SignedInfo`.
const MAX_REFERENCES: usize = 10_000;

const C14N: &str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
const C14N_COMMENTS: &str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments";
const C14N11: &str = "http://www.w3.org/2006/12/xml-c14n11";
const C14N11_COMMENTS: &str = "http://www.w3.org/2006/12/xml-c14n11#WithComments";
const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
const EXC_C14N_COMMENTS: &str = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments";
const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

/// A digest algorithm of XML-DSig (and of the RSA signature algorithms built on it).
#[derive(Debug, Clone, Copy)]
pub(crate) enum DigestAlg {
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl DigestAlg {
    /// A `DigestMethod` algorithm URI.
    fn from_digest_uri(uri: &str) -> Option<DigestAlg> {
        Some(match uri {
            "http://www.w3.org/2000/09/xmldsig#sha1" => DigestAlg::Sha1,
            "http://www.w3.org/2001/04/xmldsig-more#sha224" => DigestAlg::Sha224,
            "http://www.w3.org/2001/04/xmlenc#sha256" => DigestAlg::Sha256,
            "http://www.w3.org/2001/04/xmldsig-more#sha384" => DigestAlg::Sha384,
            "http://www.w3.org/2001/04/xmlenc#sha512" => DigestAlg::Sha512,
            _ => return None,
        })
    }

    pub(crate) fn digest(self, data: &[u8]) -> Vec<u8> {
        let mut h = self.hasher();
        h.put(data);
        h.finish()
    }

    pub(crate) fn pkcs1v15(self) -> Pkcs1v15Sign {
        match self {
            DigestAlg::Sha1 => Pkcs1v15Sign::new::<sha1::Sha1>(),
            DigestAlg::Sha224 => Pkcs1v15Sign::new::<sha2::Sha224>(),
            DigestAlg::Sha256 => Pkcs1v15Sign::new::<sha2::Sha256>(),
            DigestAlg::Sha384 => Pkcs1v15Sign::new::<sha2::Sha384>(),
            DigestAlg::Sha512 => Pkcs1v15Sign::new::<sha2::Sha512>(),
        }
    }

    fn hasher(self) -> Hasher {
        match self {
            DigestAlg::Sha1 => Hasher::Sha1(sha1::Sha1::new()),
            DigestAlg::Sha224 => Hasher::Sha224(sha2::Sha224::new()),
            DigestAlg::Sha256 => Hasher::Sha256(sha2::Sha256::new()),
            DigestAlg::Sha384 => Hasher::Sha384(sha2::Sha384::new()),
            DigestAlg::Sha512 => Hasher::Sha512(sha2::Sha512::new()),
        }
    }
}

/// A running digest the canonical bytes stream into (no copy of a whole component).
enum Hasher {
    Sha1(sha1::Sha1),
    Sha224(sha2::Sha224),
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
}

impl Hasher {
    fn finish(self) -> Vec<u8> {
        match self {
            Hasher::Sha1(h) => h.finalize().to_vec(),
            Hasher::Sha224(h) => h.finalize().to_vec(),
            Hasher::Sha256(h) => h.finalize().to_vec(),
            Hasher::Sha384(h) => h.finalize().to_vec(),
            Hasher::Sha512(h) => h.finalize().to_vec(),
        }
    }
}

impl Sink for Hasher {
    fn put(&mut self, bytes: &[u8]) {
        match self {
            Hasher::Sha1(h) => h.update(bytes),
            Hasher::Sha224(h) => h.update(bytes),
            Hasher::Sha256(h) => h.update(bytes),
            Hasher::Sha384(h) => h.update(bytes),
            Hasher::Sha512(h) => h.update(bytes),
        }
    }
}

/// Base64 as XML-DSig writes it (line breaks and spaces allowed anywhere).
pub(crate) fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact)
        .ok()
}

/// Verifies the signature of `text` (a source data stream, an ARF report: any document whose
/// root element carries an enveloped `dsig:Signature`) with what `trust` holds, at the current
/// time (for certificate validity).
///
/// ```
/// use scap_dsig::{Trust, TrustPath, Verification};
/// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/");
/// let ds = std::fs::read_to_string(format!("{dir}signed-by-id.xml"))?;
/// let trust = Trust::from_pem(&std::fs::read_to_string(format!("{dir}ca-root.pem"))?)?;
/// match scap_dsig::verify(&ds, &trust)? {
///     Verification::Valid(signed) => {
///         assert!(matches!(signed.trust, TrustPath::Anchor { .. }));
///         assert_eq!(signed.references.len(), 3);
///     }
///     other => panic!("{other}"),
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn verify(text: &str, trust: &Trust) -> Result<Verification, Error> {
    verify_at(text, trust, SystemTime::now())
}

/// [`verify`] with certificates checked for validity at `now`.
pub fn verify_at(text: &str, trust: &Trust, now: SystemTime) -> Result<Verification, Error> {
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(text, options).map_err(|e| Error::Xml {
        line: e.pos().row,
        reason: e.to_string(),
    })?;
    let root = doc.root_element();
    let Some(sig) = root
        .children()
        .find(|n| n.is_element() && n.has_tag_name((DSIG, "Signature")))
    else {
        return Ok(Verification::Unsigned);
    };
    Ok(match check(&doc, sig, trust, now) {
        Ok(signed) => Verification::Valid(signed),
        Err(Outcome::Invalid(f)) => Verification::Invalid(f),
        Err(Outcome::Unverifiable(u)) => Verification::Unverifiable(u),
    })
}

/// Why [`check`] stopped.
enum Outcome {
    Invalid(Failure),
    Unverifiable(Unverifiable),
}

impl From<Failure> for Outcome {
    fn from(f: Failure) -> Outcome {
        Outcome::Invalid(f)
    }
}

fn line(node: Node<'_, '_>) -> u32 {
    node.document().text_pos_at(node.range().start).row
}

fn malformed(node: Node<'_, '_>, reason: impl Into<String>) -> Outcome {
    Outcome::Invalid(Failure::Malformed {
        element: node.tag_name().name().to_string(),
        line: line(node),
        reason: reason.into(),
    })
}

fn dsig_child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children()
        .find(|c| c.is_element() && c.has_tag_name((DSIG, name)))
}

fn algorithm<'a>(node: Node<'a, '_>) -> Result<&'a str, Outcome> {
    node.attribute("Algorithm")
        .ok_or_else(|| malformed(node, "no Algorithm attribute"))
}

/// A canonicalization algorithm URI: the method and whether it keeps comments.
fn c14n_method(node: Node<'_, '_>, uri: &str) -> Option<(Method, bool)> {
    Some(match uri {
        C14N => (Method::Inclusive, false),
        C14N_COMMENTS => (Method::Inclusive, true),
        C14N11 => (Method::Inclusive11, false),
        C14N11_COMMENTS => (Method::Inclusive11, true),
        EXC_C14N | EXC_C14N_COMMENTS => {
            let prefixes = node
                .children()
                .find(|c| c.is_element() && c.has_tag_name((EXC_C14N, "InclusiveNamespaces")))
                .and_then(|c| c.attribute("PrefixList"))
                .map(|list| {
                    list.split_ascii_whitespace()
                        .map(|p| (p != "#default").then(|| p.to_string()))
                        .collect()
                })
                .unwrap_or_default();
            (Method::Exclusive(prefixes), uri == EXC_C14N_COMMENTS)
        }
        _ => return None,
    })
}

/// Every element by the value of its `id` (or `Id`, `ID`, `xml:id`): built once, so that
/// resolving many references costs one pass over the document.
type IdIndex<'a, 'i> = HashMap<&'a str, Vec<Node<'a, 'i>>>;

fn id_index<'a, 'i>(doc: &'a Document<'i>) -> IdIndex<'a, 'i> {
    let mut index: IdIndex<'a, 'i> = HashMap::new();
    for n in doc.descendants().filter(|n| n.is_element()) {
        for a in n.attributes() {
            let is_id = match a.namespace() {
                None => matches!(a.name(), "id" | "Id" | "ID"),
                Some(ns) => ns == "http://www.w3.org/XML/1998/namespace" && a.name() == "id",
            };
            if is_id {
                let list = index.entry(a.value()).or_default();
                // One element with two id attributes of the same value is still one element.
                if list.last() != Some(&n) {
                    list.push(n);
                }
            }
        }
    }
    index
}

/// How much canonical input all references may cover together, in multiples of the document's
/// length: a signature with thousands of whole-document references would otherwise hash the
/// document thousands of times.
const MAX_COVERAGE_FACTOR: usize = 4;
/// How deep [`covered`] looks for referenced elements under an unreferenced one.
const MAX_COVER_DEPTH: usize = 16;

/// Checks one `Reference`: resolves it, digests it, compares. Returns the referenced element
/// (`None`: the whole document).
fn check_reference(
    doc: &Document<'_>,
    ids: &IdIndex<'_, '_>,
    sig: Node<'_, '_>,
    reference: Node<'_, '_>,
) -> Result<Option<NodeId>, Outcome> {
    let Some(uri) = reference.attribute("URI") else {
        return Err(Outcome::Unverifiable(Unverifiable::ExternalReference(
            "(a Reference without URI: the application is supposed to know)".into(),
        )));
    };
    let (apex, xpointer) = if uri.is_empty() {
        (None, false)
    } else if uri == "#xpointer(/)" {
        (None, true)
    } else if let Some(frag) = uri.strip_prefix('#') {
        let (id, xpointer) = match frag
            .strip_prefix("xpointer(id(")
            .and_then(|r| r.strip_suffix("))"))
        {
            Some(quoted) => (quoted.trim_matches(|c| c == '\'' || c == '"'), true),
            None => (frag, false),
        };
        let found = ids.get(id).map(Vec::as_slice).unwrap_or_default();
        match found {
            [one] => (Some(one.id()), xpointer),
            [] => {
                return Err(Failure::Reference {
                    uri: uri.to_string(),
                    reason: "no element has this id".into(),
                }
                .into());
            }
            many => {
                return Err(Failure::Reference {
                    uri: uri.to_string(),
                    reason: format!(
                        "{} elements have this id (lines {}): the signed one cannot be told \
                         from a substitute (signature wrapping)",
                        many.len(),
                        many.iter()
                            .map(|n| line(*n).to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                }
                .into());
            }
        }
    } else {
        return Err(Outcome::Unverifiable(Unverifiable::ExternalReference(
            uri.to_string(),
        )));
    };

    let mut method = Method::Inclusive;
    let mut comments = false;
    let mut exclude = None;
    let mut seen_c14n = false;
    if let Some(transforms) = dsig_child(reference, "Transforms") {
        for t in transforms.children().filter(|c| c.is_element()) {
            let alg = algorithm(t)?;
            if seen_c14n {
                // A transform after canonicalization works on octets: none we implement.
                return Err(Outcome::Unverifiable(Unverifiable::Algorithm(format!(
                    "{alg} after canonicalization"
                ))));
            }
            if alg == ENVELOPED {
                exclude = Some(sig.id());
            } else if let Some((m, c)) = c14n_method(t, alg) {
                method = m;
                comments = c;
                seen_c14n = true;
            } else {
                return Err(Outcome::Unverifiable(Unverifiable::Algorithm(
                    alg.to_string(),
                )));
            }
        }
    }
    let digest_method = dsig_child(reference, "DigestMethod")
        .ok_or_else(|| malformed(reference, "no DigestMethod"))?;
    let digest_uri = algorithm(digest_method)?;
    let alg = DigestAlg::from_digest_uri(digest_uri)
        .ok_or_else(|| Outcome::Unverifiable(Unverifiable::Algorithm(digest_uri.to_string())))?;
    let value = dsig_child(reference, "DigestValue")
        .ok_or_else(|| malformed(reference, "no DigestValue"))?;
    let expected = base64_decode(value.text().unwrap_or(""))
        .ok_or_else(|| malformed(value, "DigestValue is not base64"))?;

    refuse_base_fixup(doc, apex, &method)?;
    let mut hasher = alg.hasher();
    let subset = Subset {
        apex,
        // Same-document references drop comments unless written as XPointers (XML-DSig 4.4.3.3).
        comments: xpointer && comments,
        exclude,
    };
    c14n::canonicalize(doc, &subset, &method, &mut hasher);
    if hasher.finish() != expected {
        let at = apex
            .and_then(|id| doc.get_node(id))
            .unwrap_or(doc.root_element());
        return Err(Failure::Digest {
            uri: uri.to_string(),
            line: line(at),
        }
        .into());
    }
    Ok(apex)
}

/// Canonical XML 1.1 of a subtree whose `xml:base` would need joining with its ancestors' is
/// not implemented: unverifiable, never canonicalized wrongly.
fn refuse_base_fixup(
    doc: &Document<'_>,
    apex: Option<NodeId>,
    method: &Method,
) -> Result<(), Outcome> {
    let node = apex.and_then(|id| doc.get_node(id));
    if *method == Method::Inclusive11 && node.is_some_and(c14n::needs_base_fixup) {
        return Err(Outcome::Unverifiable(Unverifiable::Algorithm(format!(
            "{C14N11} with an xml:base fixup (xml:base on the signed element and an ancestor)"
        ))));
    }
    Ok(())
}

/// Whether `node` is covered: referenced itself, or every element child of it is (within
/// [`MAX_COVER_DEPTH`] levels).
fn covered(node: Node<'_, '_>, referenced: &[NodeId], depth: usize) -> bool {
    if referenced.contains(&node.id()) {
        return true;
    }
    if depth >= MAX_COVER_DEPTH {
        return false;
    }
    let mut children = node.children().filter(|c| c.is_element()).peekable();
    children.peek().is_some()
        && !has_text(node)
        && children.all(|c| covered(c, referenced, depth + 1))
}

/// Whether `node` has text of its own (not only the whitespace between elements).
fn has_text(node: Node<'_, '_>) -> bool {
    node.children()
        .any(|c| c.is_text() && c.text().is_some_and(|t| !t.trim().is_empty()))
}

/// Keys the signature's `KeyInfo` carries.
struct KeyInfo {
    certs: Vec<Certificate>,
    key_value: Option<Key>,
}

fn key_info(sig: Node<'_, '_>) -> Result<KeyInfo, Outcome> {
    let mut info = KeyInfo {
        certs: Vec::new(),
        key_value: None,
    };
    let Some(ki) = dsig_child(sig, "KeyInfo") else {
        return Ok(info);
    };
    for data in ki
        .children()
        .filter(|c| c.is_element() && c.has_tag_name((DSIG, "X509Data")))
    {
        for c in data
            .children()
            .filter(|c| c.is_element() && c.has_tag_name((DSIG, "X509Certificate")))
        {
            let der = base64_decode(c.text().unwrap_or(""))
                .ok_or_else(|| malformed(c, "X509Certificate is not base64"))?;
            let cert = Certificate::from_der(&der)
                .map_err(|e| malformed(c, format!("X509Certificate: {e}")))?;
            info.certs.push(cert);
        }
    }
    let key_value = dsig_child(ki, "KeyValue");
    if let Some(rsa) = key_value.and_then(|kv| dsig_child(kv, "RSAKeyValue")) {
        let part = |name: &str| -> Result<BoxedUint, Outcome> {
            let n = dsig_child(rsa, name).ok_or_else(|| malformed(rsa, format!("no {name}")))?;
            let bytes =
                base64_decode(n.text().unwrap_or("")).ok_or_else(|| malformed(n, "not base64"))?;
            if bytes.len() * 8 > trust::MAX_RSA_BITS {
                return Err(malformed(n, "RSA key larger than 8192 bits"));
            }
            Ok(BoxedUint::from_be_slice_vartime(&bytes))
        };
        let key = PublicKey::new_with_size_limits(
            part("Modulus")?,
            part("Exponent")?,
            PublicKey::MIN_SIZE..=trust::MAX_RSA_BITS,
        )
        .map_err(|e| malformed(rsa, format!("RSA key: {e}")))?;
        info.key_value = Some(Key::Rsa(key));
    }
    // XML-DSig 4.4.2.1: P, Q, G, Y (J, Seed and PgenCounter are not needed to verify).
    if let Some(d) = key_value.and_then(|kv| dsig_child(kv, "DSAKeyValue")) {
        let part = |name: &str| -> Result<Vec<u8>, Outcome> {
            let n = dsig_child(d, name).ok_or_else(|| malformed(d, format!("no {name}")))?;
            let bytes =
                base64_decode(n.text().unwrap_or("")).ok_or_else(|| malformed(n, "not base64"))?;
            // 3072 bits is the largest FIPS 186 DSA size.
            if bytes.len() > 3072 / 8 + 1 {
                return Err(malformed(n, "DSA value larger than 3072 bits"));
            }
            Ok(bytes)
        };
        let key = Key::from_dsa_parts(&part("P")?, &part("Q")?, &part("G")?, &part("Y")?)
            .ok_or_else(|| malformed(d, "not a DSA key of a FIPS 186 size"))?;
        info.key_value = Some(key);
    }
    // XML-DSig 1.1 section 4.5.2.3: a named curve and the point, SEC1-encoded.
    let ec = key_value.and_then(|kv| {
        kv.children()
            .find(|c| c.is_element() && c.has_tag_name((DSIG11, "ECKeyValue")))
    });
    if let Some(ec) = ec {
        let child = |name: &str| {
            ec.children()
                .find(|c| c.is_element() && c.has_tag_name((DSIG11, name)))
                .ok_or_else(|| malformed(ec, format!("no {name}")))
        };
        let curve = child("NamedCurve")?;
        let oid = curve
            .attribute("URI")
            .and_then(|u| u.strip_prefix("urn:oid:"))
            .ok_or_else(|| malformed(curve, "NamedCurve URI is not urn:oid:OID"))?;
        let point = child("PublicKey")?;
        let bytes = base64_decode(point.text().unwrap_or(""))
            .ok_or_else(|| malformed(point, "not base64"))?;
        let key = Key::from_ec_point(oid, &bytes).ok_or_else(|| {
            malformed(
                ec,
                format!("not a point of a supported curve (P-256, P-384): curve {oid}"),
            )
        })?;
        info.key_value = Some(key);
    }
    Ok(info)
}

/// The core validation of XML-DSig 3.2 plus coverage and trust.
fn check(
    doc: &Document<'_>,
    sig: Node<'_, '_>,
    trust: &Trust,
    now: SystemTime,
) -> Result<Signed, Outcome> {
    let signed_info = sig
        .children()
        .find(|c| c.is_element())
        .filter(|c| c.has_tag_name((DSIG, "SignedInfo")))
        .ok_or_else(|| malformed(sig, "the first child is not SignedInfo"))?;
    let c14n_node = dsig_child(signed_info, "CanonicalizationMethod")
        .ok_or_else(|| malformed(signed_info, "no CanonicalizationMethod"))?;
    let c14n_uri = algorithm(c14n_node)?;
    let (si_method, si_comments) = c14n_method(c14n_node, c14n_uri)
        .ok_or_else(|| Outcome::Unverifiable(Unverifiable::Algorithm(c14n_uri.to_string())))?;
    let sm_node = dsig_child(signed_info, "SignatureMethod")
        .ok_or_else(|| malformed(signed_info, "no SignatureMethod"))?;
    let sm_uri = algorithm(sm_node)?;
    let sig_alg = SigAlg::from_uri(sm_uri)
        .ok_or_else(|| Outcome::Unverifiable(Unverifiable::Algorithm(sm_uri.to_string())))?;

    // References: each resolves to exactly one element and its digest matches.
    let references: Vec<Node<'_, '_>> = signed_info
        .children()
        .filter(|c| c.is_element() && c.has_tag_name((DSIG, "Reference")))
        .collect();
    if references.is_empty() {
        return Err(malformed(signed_info, "no Reference"));
    }
    if references.len() > MAX_REFERENCES {
        return Err(malformed(
            signed_info,
            format!("more than {MAX_REFERENCES} references"),
        ));
    }
    let ids = id_index(doc);
    let mut targets = Vec::new();
    let mut whole = false;
    let mut budget = doc.input_text().len().saturating_mul(MAX_COVERAGE_FACTOR);
    for r in &references {
        let target = check_reference(doc, &ids, sig, *r)?;
        let size = match target.and_then(|id| doc.get_node(id)) {
            Some(n) => n.range().len(),
            None => doc.input_text().len(),
        };
        budget = budget.checked_sub(size).ok_or_else(|| {
            malformed(
                signed_info,
                format!("the references cover more than {MAX_COVERAGE_FACTOR} times the document"),
            )
        })?;
        match target {
            // The root element by id is the whole document (less what lies outside the root,
            // which the evaluation does not read).
            Some(id) if id == doc.root_element().id() => whole = true,
            Some(id) => targets.push(id),
            None => whole = true,
        }
    }

    // Coverage: what the evaluation reads is what was signed. Every element child of the root
    // other than the signature must be referenced (or made only of referenced elements); an
    // element added, or substituted for a signed one moved elsewhere, is not.
    if !whole {
        let root = doc.root_element();
        if has_text(root) {
            return Err(Failure::Uncovered {
                element: format!("text of {}", root.tag_name().name()),
                id: None,
                line: line(root),
            }
            .into());
        }
        for child in root.children().filter(|c| c.is_element() && *c != sig) {
            if !covered(child, &targets, 0) {
                return Err(Failure::Uncovered {
                    element: child.tag_name().name().to_string(),
                    id: child.attribute("id").map(str::to_string),
                    line: line(child),
                }
                .into());
            }
        }
        // A referenced element must be one the evaluation reads, not one parked inside the
        // signature (a dsig:Object) where nothing looks.
        for id in &targets {
            if let Some(n) = doc.get_node(*id) {
                if n.ancestors().any(|a| a == sig) {
                    return Err(Failure::Reference {
                        uri: format!("#{}", n.attribute("id").unwrap_or("")),
                        reason: "the referenced element is inside the signature, not in the \
                                 content"
                            .into(),
                    }
                    .into());
                }
            }
        }
    }

    // The signature value over the canonical SignedInfo.
    refuse_base_fixup(doc, Some(signed_info.id()), &si_method)?;
    let mut canonical = Vec::new();
    c14n::canonicalize(
        doc,
        &Subset {
            apex: Some(signed_info.id()),
            comments: si_comments,
            exclude: None,
        },
        &si_method,
        &mut canonical,
    );
    let sv_node =
        dsig_child(sig, "SignatureValue").ok_or_else(|| malformed(sig, "no SignatureValue"))?;
    let sig_value = base64_decode(sv_node.text().unwrap_or(""))
        .ok_or_else(|| malformed(sv_node, "SignatureValue is not base64"))?;
    let verifies = |key: &Key| key.verifies(sig_alg, &canonical, &sig_value, Encoding::XmlDsig);

    let info = key_info(sig)?;
    let signed = |trust: TrustPath| Signed {
        references: references
            .iter()
            .map(|r| r.attribute("URI").unwrap_or("").to_string())
            .collect(),
        algorithm: sm_uri.to_string(),
        trust,
    };

    // A certificate that chains to an anchor names the signer: tried first. A given key that
    // verifies is trust enough when no chain does.
    let mut chain_failure = None;
    if !trust.anchors.is_empty() && !info.certs.is_empty() {
        match info
            .certs
            .iter()
            .find(|c| trust::cert_key(c).is_some_and(|k| verifies(&k)))
        {
            Some(leaf) => match trust::chain(leaf, &info.certs, &trust.anchors, now) {
                Ok(anchor) => {
                    return Ok(signed(TrustPath::Anchor {
                        signer: leaf.tbs_certificate().subject().to_string(),
                        anchor,
                    }));
                }
                Err((subject, reason)) => chain_failure = Some(Failure::Chain { subject, reason }),
            },
            None => {
                chain_failure = Some(Failure::SignatureValue {
                    key: "the certificates of the signature's KeyInfo".into(),
                });
            }
        }
    }
    if trust.keys.iter().any(verifies) {
        return Ok(signed(TrustPath::GivenKey));
    }
    if let Some(failure) = chain_failure {
        return Err(failure.into());
    }
    if !trust.anchors.is_empty() {
        return Err(Failure::Chain {
            subject: "(none)".into(),
            reason: "the signature's KeyInfo carries no X509Certificate to chain to a \
                     trust anchor"
                .into(),
        }
        .into());
    }
    if !trust.keys.is_empty() {
        return Err(Failure::SignatureValue {
            key: "the given key".into(),
        }
        .into());
    }
    // Nothing given: integrity with the document's own key.
    let mut embedded: Vec<Key> = info.certs.iter().filter_map(trust::cert_key).collect();
    embedded.extend(info.key_value);
    if embedded.is_empty() {
        return Err(Outcome::Unverifiable(Unverifiable::NoKey));
    }
    if embedded.iter().any(verifies) {
        Ok(signed(TrustPath::Embedded))
    } else {
        Err(Failure::SignatureValue {
            key: "the key the signature's KeyInfo carries".into(),
        }
        .into())
    }
}
