//! The signed fixtures (made by `tests/fixtures/make-signed.sh` with xmlsec1 and an openssl test
//! CA) and their tampered copies. What oscap 1.3.7 says on each file
//! (`oscap xccdf eval --enforce-signature FILE`, `scripts/diff-signatures.sh`) is cited beside
//! each case.

use scap_dsig::{Failure, Trust, TrustPath, Unverifiable, Verification, verify};

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn trust(names: &[&str]) -> Trust {
    let pem: String = names.iter().map(|n| fixture(n)).collect();
    Trust::from_pem(&pem).expect("fixture PEM files parse")
}

fn check(name: &str, trust: &Trust) -> Verification {
    verify(&fixture(name), trust).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn unsigned_is_unsigned() {
    // oscap: "Signature not found", refused under --enforce-signature.
    assert_eq!(
        check("unsigned-ds.xml", &trust(&["ca-root.pem"])),
        Verification::Unsigned
    );
}

#[test]
fn signed_by_id_chains_to_the_root() {
    // oscap: refused, "unable to get local issuer certificate" (it has no trust anchors).
    for name in ["signed-by-id.xml", "signed-whole.xml", "signed-root-id.xml"] {
        match check(name, &trust(&["ca-root.pem"])) {
            Verification::Valid(s) => {
                assert_eq!(
                    s.trust,
                    TrustPath::Anchor {
                        signer: "CN=Content Signer,O=scap-rs test".into(),
                        anchor: "CN=Test Root CA,O=scap-rs test".into(),
                    },
                    "{name}"
                );
                assert!(s.algorithm.ends_with("rsa-sha256"));
            }
            other => panic!("{name}: {other}"),
        }
        assert!(check(name, &trust(&["ca-root.pem"])).is_trusted());
    }
    // Other anchors, or the signer's key beside the root, change nothing: the chain names the
    // signer.
    for bundle in [
        ["ca-other.pem", "ca-root.pem"],
        ["signer-pubkey.pem", "ca-root.pem"],
    ] {
        assert_eq!(
            check("signed-whole.xml", &trust(&["ca-root.pem"])),
            check("signed-whole.xml", &trust(&bundle)),
        );
    }
}

#[test]
fn an_intermediate_as_anchor_is_enough() {
    assert!(check("signed-by-id.xml", &trust(&["ca-intermediate.pem"])).is_trusted());
}

#[test]
fn an_unrelated_anchor_is_a_chain_failure() {
    match check("signed-by-id.xml", &trust(&["ca-other.pem"])) {
        Verification::Invalid(Failure::Chain { subject, reason }) => {
            assert_eq!(subject, "CN=Test Intermediate CA,O=scap-rs test");
            assert!(reason.contains("Test Root CA"), "{reason}");
        }
        other => panic!("{other}"),
    }
}

#[test]
fn without_trust_the_embedded_key_proves_integrity_only() {
    for name in [
        "signed-by-id.xml",
        "signed-whole.xml",
        "signed-keyvalue.xml",
        "signed-keyvalue-by-id.xml",
    ] {
        let v = check(name, &Trust::none());
        assert!(
            matches!(&v, Verification::Valid(s) if s.trust == TrustPath::Embedded),
            "{name}: {v}"
        );
        assert!(!v.is_trusted());
    }
}

#[test]
fn a_given_key_verifies_keyvalue_and_certificate_signatures() {
    // oscap accepts signed-keyvalue*.xml ("XML signature is valid.") with no key given.
    for name in [
        "signed-keyvalue.xml",
        "signed-keyvalue-by-id.xml",
        "signed-by-id.xml",
    ] {
        let v = check(name, &trust(&["signer-pubkey.pem"]));
        assert!(
            matches!(&v, Verification::Valid(s) if s.trust == TrustPath::GivenKey),
            "{name}: {v}"
        );
    }
}

#[test]
fn a_keyvalue_signature_does_not_chain() {
    assert!(matches!(
        check("signed-keyvalue.xml", &trust(&["ca-root.pem"])),
        Verification::Invalid(Failure::Chain { .. })
    ));
}

#[test]
fn a_wrong_key_is_a_signature_value_failure() {
    // An RSA key that signed nothing here (openssl genrsa 2048 | openssl rsa -pubout).
    let other_key = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u\n+qKhbwKfBstIs+bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyeh\nkd3qqGElvW/VDL5AaWTg0nLVkjRo9z+40RQzuVaE8AkAFmxZzow3x+VJYKdjykkJ\n0iT9wCS0DRTXu269V264Vf/3jvredZiKRkgwlL9xNAwxXFg0x/XFw005UWVRIkdg\ncKWTjpBP2dPwVZ4WWC+9aGVd+Gyn1o0CLelf4rEjGoXbAAEgAqeGUxrcIlbjXfbc\nmwIDAQAB\n-----END PUBLIC KEY-----\n";
    let wrong = Trust::from_pem(other_key).expect("a valid RSA public key");
    assert!(matches!(
        check("signed-keyvalue.xml", &wrong),
        Verification::Invalid(Failure::SignatureValue { .. })
    ));
}

#[test]
fn one_changed_byte_breaks_the_digest() {
    // oscap: "data and digest do not match", "Invalid signature".
    for (name, uri) in [
        ("tampered-byte-by-id.xml", "#scap_t_comp_xccdf"),
        ("tampered-byte-whole.xml", ""),
    ] {
        for t in [Trust::none(), trust(&["signer-pubkey.pem"])] {
            match check(name, &t) {
                Verification::Invalid(Failure::Digest { uri: u, .. }) => assert_eq!(u, uri),
                other => panic!("{name}: {other}"),
            }
        }
    }
}

#[test]
fn a_moved_element_breaks_the_digest() {
    // oscap: "data and digest do not match".
    match check("tampered-moved-by-id.xml", &trust(&["signer-pubkey.pem"])) {
        Verification::Invalid(Failure::Digest { uri, line }) => {
            assert_eq!(uri, "#scap_t_comp_oval");
            assert!(line > 1);
        }
        other => panic!("{other}"),
    }
}

#[test]
fn signature_wrapping_is_refused() {
    // The signed component moved into a dsig:Object, a forged one with its id in its place.
    // oscap refuses the file at schema validation (duplicate id), before the signature.
    match check("tampered-wrapped-by-id.xml", &trust(&["signer-pubkey.pem"])) {
        Verification::Invalid(Failure::Reference { uri, reason }) => {
            assert_eq!(uri, "#scap_t_comp_xccdf");
            assert!(reason.contains("2 elements have this id"), "{reason}");
        }
        other => panic!("{other}"),
    }
}

#[test]
fn a_signature_over_part_of_the_stream_is_refused() {
    // Only the XCCDF component is referenced: the OVAL component it checks with and the data
    // stream could be anything. (oscap refuses this file only for its certificate.)
    match check("signed-partial.xml", &trust(&["ca-root.pem"])) {
        Verification::Invalid(Failure::Uncovered { element, id, .. }) => {
            assert_eq!(element, "data-stream");
            assert_eq!(id.as_deref(), Some("scap_t_datastream_sig"));
        }
        other => panic!("{other}"),
    }
}

#[test]
fn unsupported_algorithms_are_unverifiable_not_valid() {
    let text = fixture("signed-whole.xml").replace(
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256",
    );
    assert_eq!(
        verify(&text, &Trust::none()).expect("well-formed"),
        Verification::Unverifiable(Unverifiable::Algorithm(
            "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256".into()
        ))
    );
    // An RSA signature relabelled ECDSA is no ECDSA signature of the RSA key's.
    let text = fixture("signed-whole.xml").replace(
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
    );
    assert!(matches!(
        verify(&text, &Trust::none()).expect("well-formed"),
        Verification::Invalid(Failure::SignatureValue { .. })
    ));
}

// ECDSA (tests/fixtures/make-signed-more.sh): a P-384 root CA, a P-256 signer under it. xmlsec1
// 1.2.37 (`xmlsec1 --verify --trusted-pem ec-ca-root.pem`) says OK for signed-p256-by-id.xml
// and signed-p384-whole.xml and FAIL for tampered-byte-p256-by-id.xml, as we do.

#[test]
fn ecdsa_p256_chains_to_a_p384_root() {
    // The signer's certificate is signed ecdsa-with-SHA384 by the P-384 root.
    match check("signed-p256-by-id.xml", &trust(&["ec-ca-root.pem"])) {
        Verification::Valid(s) => {
            assert_eq!(
                s.trust,
                TrustPath::Anchor {
                    signer: "CN=EC Content Signer,O=scap-rs test".into(),
                    anchor: "CN=Test EC Root CA,O=scap-rs test".into(),
                }
            );
            assert!(s.algorithm.ends_with("ecdsa-sha256"));
            assert_eq!(s.references.len(), 3);
        }
        other => panic!("{other}"),
    }
    // The RSA test CA did not sign it.
    assert!(matches!(
        check("signed-p256-by-id.xml", &trust(&["ca-root.pem"])),
        Verification::Invalid(Failure::Chain { .. })
    ));
}

#[test]
fn ecdsa_p384_signed_by_the_anchor_itself() {
    match check("signed-p384-whole.xml", &trust(&["ec-ca-root.pem"])) {
        Verification::Valid(s) => {
            assert!(s.algorithm.ends_with("ecdsa-sha384"));
            assert!(matches!(s.trust, TrustPath::Anchor { .. }));
        }
        other => panic!("{other}"),
    }
}

#[test]
fn ecdsa_key_value_and_given_key() {
    // The P-256 key as an XML-DSig 1.1 ECKeyValue: integrity with it alone, trust with the
    // key given (an SPKI PEM).
    match check("signed-p256-eckeyvalue.xml", &Trust::none()) {
        Verification::Valid(s) => assert_eq!(s.trust, TrustPath::Embedded),
        other => panic!("{other}"),
    }
    for name in ["signed-p256-eckeyvalue.xml", "signed-p256-by-id.xml"] {
        match check(name, &trust(&["ec-signer-pubkey.pem"])) {
            Verification::Valid(s) => assert_eq!(s.trust, TrustPath::GivenKey, "{name}"),
            other => panic!("{name}: {other}"),
        }
    }
    // The P-384 root's key did not make the P-256 signature.
    let root_key = trust(&["ec-ca-root.pem"]);
    assert!(!check("signed-p256-eckeyvalue.xml", &root_key).is_trusted());
}

#[test]
fn ecdsa_tampering_is_caught() {
    match check("tampered-byte-p256-by-id.xml", &trust(&["ec-ca-root.pem"])) {
        Verification::Invalid(Failure::Digest { uri, .. }) => assert_eq!(uri, "#scap_t_comp_xccdf"),
        other => panic!("{other}"),
    }
    // A signature value with one bit flipped: the r || s no longer verifies.
    let text = fixture("signed-p256-eckeyvalue.xml");
    let start = text
        .find("<dsig:SignatureValue>")
        .expect("a signature value")
        + 21;
    let mut bytes = text.into_bytes();
    bytes[start + 5] = if bytes[start + 5] == b'A' { b'B' } else { b'A' };
    let text = String::from_utf8(bytes).expect("ASCII changed for ASCII");
    assert!(matches!(
        verify(&text, &Trust::none()).expect("well-formed"),
        Verification::Invalid(Failure::SignatureValue { .. })
    ));
}

#[test]
fn a_changed_signed_info_breaks_the_signature_value() {
    // Swapping the digest method URI spelling for an equivalent one changes SignedInfo's
    // bytes, not the references' digests: only the signature value can catch it.
    let text = fixture("signed-keyvalue.xml").replacen(
        "<dsig:SignedInfo>",
        "<dsig:SignedInfo Id=\"si\">",
        1,
    );
    assert!(matches!(
        verify(&text, &Trust::none()).expect("well-formed"),
        Verification::Invalid(Failure::SignatureValue { .. })
    ));
}

#[test]
fn not_xml_is_an_error_with_a_line() {
    let err = verify("<a>\n<b></a>", &Trust::none()).expect_err("not well-formed");
    assert!(err.to_string().starts_with("line 2"), "{err}");
}

#[test]
fn pem_bundles_are_checked() {
    assert!(Trust::from_pem("nothing here").is_err());
    let key = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    let err = Trust::from_pem(key).expect_err("a private key is not a trust anchor");
    assert!(err.to_string().contains("PRIVATE KEY"), "{err}");
}

#[test]
fn no_changed_byte_of_the_content_verifies() {
    // Every byte between the root's start tag and the signature (the data stream and its
    // components) changed in turn: the result is never Valid, and nothing panics.
    let text = fixture("signed-by-id.xml");
    assert!(
        text.is_ascii(),
        "the fixture is ASCII: any byte index is a char boundary"
    );
    let t = trust(&["ca-root.pem"]);
    let root_start = text.find("<ds:data-stream-collection").expect("root");
    let from = root_start + text[root_start..].find('>').expect("root start tag ends") + 1;
    let to = text.find("<dsig:Signature").expect("signature");
    let mut checked = 0;
    for i in (from..to).step_by(3) {
        let b = text.as_bytes()[i];
        let replacement = if b == b'x' { "y" } else { "x" };
        let changed = format!("{}{}{}", &text[..i], replacement, &text[i + 1..]);
        if let Ok(v) = verify(&changed, &t) {
            assert!(
                !matches!(v, Verification::Valid(_)),
                "byte {i} changed: {v}"
            );
            checked += 1;
        }
    }
    assert!(checked > 500, "{checked} well-formed variants checked");
}

#[test]
fn truncated_and_garbled_input_never_panics() {
    let text = fixture("signed-whole.xml");
    let t = trust(&["ca-root.pem", "signer-pubkey.pem"]);
    for end in (0..text.len()).step_by(11) {
        let _ = verify(&text[..end], &t);
    }
    for bad in [
        "-----BEGIN X-----END X-----",
        "-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----",
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----",
        "-----BEGIN ",
    ] {
        assert!(Trust::from_pem(bad).is_err(), "{bad}");
    }
}

#[test]
fn a_signed_arf_report_verifies_and_a_changed_result_does_not() {
    let t = trust(&["ca-root.pem"]);
    assert!(check("signed-arf.xml", &t).is_trusted());
    // A failed rule turned into a pass after signing.
    assert!(matches!(
        check("tampered-result-arf.xml", &t),
        Verification::Invalid(Failure::Digest { uri, .. }) if uri.is_empty()
    ));
}

#[test]
fn inclusive_canonicalization_and_sha1() {
    // SignedInfo canonicalized inclusively carries the collection's namespace declarations
    // (ds, xlink, cat): the signature value only verifies if they are rendered as xmlsec1 did.
    match check("signed-inclusive-sha1.xml", &trust(&["ca-root.pem"])) {
        Verification::Valid(s) => {
            assert_eq!(s.algorithm, "http://www.w3.org/2000/09/xmldsig#rsa-sha1");
            assert!(matches!(s.trust, TrustPath::Anchor { .. }));
        }
        other => panic!("{other}"),
    }
}

#[test]
fn canonical_xml_1_1_does_not_inherit_xml_id() {
    // Signed by xmlsec1 with Canonical XML 1.1 (make-signed-more.sh, 5; xmlsec1 --verify: OK);
    // the collection carries xml:lang and xml:id, which each signed component inherits in 1.0.
    let name = "signed-c14n11-p256-by-id.xml";
    match check(name, &trust(&["ec-ca-root.pem"])) {
        Verification::Valid(s) => assert_eq!(s.references.len(), 3),
        other => panic!("{other}"),
    }
    // Read as Canonical XML 1.0, the components would carry xml:id too: no digest matches.
    let as_10 = fixture(name).replace(
        "http://www.w3.org/2006/12/xml-c14n11",
        "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
    );
    assert!(matches!(
        verify(&as_10, &trust(&["ec-ca-root.pem"])).expect("well-formed"),
        Verification::Invalid(Failure::Digest { .. })
    ));
}

#[test]
fn canonical_xml_1_1_base_fixup_is_unverifiable() {
    // xml:base on the collection and on the first signed element: 1.1 would join the two
    // (section 2.4), which is not implemented; never a wrong digest, never valid.
    let text = fixture("signed-c14n11-p256-by-id.xml")
        .replacen(
            "xml:id=\"coll\"",
            "xml:id=\"coll\" xml:base=\"http://a.example/x/\"",
            1,
        )
        .replacen("<ds:data-stream ", "<ds:data-stream xml:base=\"y/\" ", 1);
    match verify(&text, &trust(&["ec-ca-root.pem"])).expect("well-formed") {
        Verification::Unverifiable(Unverifiable::Algorithm(a)) => {
            assert!(a.contains("xml:base fixup"), "{a}")
        }
        other => panic!("{other}"),
    }
}

// DSA (make-signed-more.sh, 6 and 7; xmlsec1 --verify: OK for both).

#[test]
fn dsa_sha256_with_a_self_signed_certificate_as_anchor() {
    match check(
        "signed-dsa-sha256-by-id.xml",
        &trust(&["dsa-signer-cert.pem"]),
    ) {
        Verification::Valid(s) => {
            assert!(s.algorithm.ends_with("dsa-sha256"));
            assert!(matches!(s.trust, TrustPath::Anchor { .. }));
        }
        other => panic!("{other}"),
    }
    // Another anchor: the DSA signer does not chain to it.
    assert!(!check("signed-dsa-sha256-by-id.xml", &trust(&["ec-ca-root.pem"])).is_trusted());
}

#[test]
fn dsa_sha1_key_value_proves_integrity_and_catches_tampering() {
    let name = "signed-dsa-sha1-keyvalue.xml";
    match check(name, &Trust::none()) {
        Verification::Valid(s) => assert_eq!(s.trust, TrustPath::Embedded),
        other => panic!("{other}"),
    }
    // SignedInfo changed (an Id added): the r || s no longer verifies over it.
    let text = fixture(name).replacen("<dsig:SignedInfo>", "<dsig:SignedInfo Id=\"si\">", 1);
    assert!(matches!(
        verify(&text, &Trust::none()).expect("well-formed"),
        Verification::Invalid(Failure::SignatureValue { .. })
    ));
    let changed = fixture(name).replace(
        "<title>/etc is a directory</title>",
        "<title>/etd is a directory</title>",
    );
    assert!(matches!(
        verify(&changed, &Trust::none()).expect("well-formed"),
        Verification::Invalid(Failure::Digest { .. })
    ));
    // The signer's DSA public key given (a PEM SPKI): trusted.
    match check(name, &trust(&["dsa-signer-pubkey.pem"])) {
        Verification::Valid(s) => assert_eq!(s.trust, TrustPath::GivenKey),
        other => panic!("{other}"),
    }
}

/// Replaces the text of the first `dsig:{name}` element (a key part, the signature value).
fn with_part(text: &str, name: &str, base64: &str) -> String {
    let open = format!("<dsig:{name}>");
    let close = format!("</dsig:{name}>");
    let start = text.find(&open).expect("part present") + open.len();
    let end = start + text[start..].find(&close).expect("part closed");
    format!("{}{base64}{}", &text[..start], &text[end..])
}

#[test]
fn dsa_key_parts_shorter_than_the_modulus_do_not_panic() {
    // Found by the dsig_verify fuzz target: the DSA arithmetic asserts that G and Y have the
    // precision of P, and a G or Y written in fewer bytes than P (a small value, or a short
    // encoding of a legitimate one) aborted the verifier instead of giving an answer.
    let name = "signed-dsa-sha1-keyvalue.xml";
    for (part, value) in [("G", "Ag=="), ("Y", "Ag=="), ("G", "AAE="), ("Q", "Aw==")] {
        let text = with_part(&fixture(name), part, value);
        if let Ok(Verification::Valid(_)) = verify(&text, &Trust::none()) {
            panic!("{part}={value}: a forged key verified");
        }
    }
    // The same key with leading zero bytes on every part (CryptoBinary forbids them, some
    // signers write them): still the signer's key.
    let mut text = fixture(name);
    for part in ["P", "Q", "G", "Y"] {
        let start = text.find(&format!("<dsig:{part}>")).expect("part") + part.len() + 7;
        let end = start + text[start..].find('<').expect("closed");
        let bytes = base64_decode(text[start..end].trim());
        let mut padded = vec![0u8; 8];
        padded.extend(bytes);
        text = with_part(&text, part, &base64_encode(&padded));
    }
    match verify(&text, &Trust::none()).expect("well-formed") {
        Verification::Valid(s) => assert_eq!(s.trust, TrustPath::Embedded),
        other => panic!("zero-padded key: {other}"),
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    let clean: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(clean)
        .expect("fixture base64")
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[test]
fn rsa_key_values_of_any_width_do_not_panic() {
    // The RSA arithmetic, like DSA's, works at the modulus' precision: a Modulus written with
    // leading zero bytes (more limbs than its value needs), a short Exponent or a signature
    // value longer or shorter than the modulus must give an answer, never abort.
    let name = "signed-keyvalue.xml";
    let original = fixture(name);
    let part = |text: &str, name: &str| -> Vec<u8> {
        let open = format!("<dsig:{name}>");
        let start = text.find(&open).expect("part") + open.len();
        let end = start + text[start..].find('<').expect("closed");
        base64_decode(text[start..end].trim())
    };
    let modulus = part(&original, "Modulus");
    let mut padded = vec![0u8; 8];
    padded.extend(&modulus);
    let padded_key = with_part(&original, "Modulus", &base64_encode(&padded));
    match verify(&padded_key, &Trust::none()) {
        Ok(Verification::Valid(s)) => assert_eq!(s.trust, TrustPath::Embedded),
        Ok(other) => println!("zero-padded modulus: {other}"),
        Err(e) => println!("zero-padded modulus: {e}"),
    }
    let signature = part(&original, "SignatureValue");
    for sig in [
        vec![1u8],
        vec![0u8; signature.len() + 8],
        [vec![0u8; 8], signature.clone()].concat(),
        vec![0xffu8; signature.len() + 1],
    ] {
        for text in [&original, &padded_key] {
            let changed = with_part(text, "SignatureValue", &base64_encode(&sig));
            if let Ok(Verification::Valid(_)) = verify(&changed, &Trust::none()) {
                assert_eq!(
                    sig[8..],
                    signature[..],
                    "only the zero-padded value may verify"
                );
            }
        }
    }
}
