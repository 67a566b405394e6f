//! Authenticode checks of PE images (`platform::authenticode`) and the Secure Boot finding of
//! an installed system's ESP, over the fixtures of `tests/fixtures/efi/` (`make.sh` there): a
//! tiny PE signed with osslsigncode by a throwaway CA, and the certificate tables of Debian's
//! signed shim and GRUB (the whole binaries are checked by `scripts/secure-boot-esp.sh`).
#![cfg(feature = "authenticode")]
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use scap_probe::MemoryTarget;
use scap_probe::platform::authenticode::signatures;
use scap_probe::platform::{Answer, PlatformFacts, Vantage};

fn fixture(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/efi")
        .join(name);
    std::fs::read(p).unwrap()
}

/// Offset of the certificate table's data directory entry in tiny.efi (PE32+: the NT
/// headers at 0x40, the optional header 24 bytes in, directories 112 bytes into it).
const CERT_DIR: usize = 0x40 + 24 + 112 + 4 * 8;

/// tiny.efi with `certs` as its certificate table.
fn with_certs(certs: &[u8]) -> Vec<u8> {
    let mut pe = fixture("tiny.efi");
    let at = pe.len() as u32;
    pe[CERT_DIR..CERT_DIR + 4].copy_from_slice(&at.to_le_bytes());
    pe[CERT_DIR + 4..CERT_DIR + 8].copy_from_slice(&(certs.len() as u32).to_le_bytes());
    pe.extend_from_slice(certs);
    pe
}

#[test]
fn an_unsigned_image_has_no_signature() {
    assert_eq!(signatures(&fixture("tiny.efi")).unwrap(), []);
}

#[test]
fn a_signed_image_verifies_and_names_its_signer() {
    let sigs = signatures(&fixture("test-signed.efi")).unwrap();
    assert_eq!(sigs.len(), 1);
    let s = &sigs[0];
    assert!(s.valid, "{:?}", s.problem);
    // RFC 4514 order: the last RDN first (the certificate has /CN=.../O=...).
    assert_eq!(s.signer_subject, "O=scap-rs,CN=scap-rs test signer");
    assert_eq!(s.signer_issuer, "CN=scap-rs test CA");
    assert_eq!(s.digest_algorithm, "sha256");
}

#[test]
fn a_changed_section_breaks_the_image_digest() {
    let mut pe = fixture("test-signed.efi");
    // The `ret` at the start of .text (file offset 0x200) becomes `nop`.
    assert_eq!(pe[0x200], 0xc3);
    pe[0x200] = 0x90;
    let s = &signatures(&pe).unwrap()[0];
    assert!(!s.valid);
    // The signature itself still verifies: the checks stop at the image digest.
    assert!(
        s.problem
            .as_deref()
            .unwrap()
            .contains("digest does not match"),
        "{s:?}"
    );
    // The checksum field is not hashed: changing it changes nothing.
    let mut pe = fixture("test-signed.efi");
    pe[0x40 + 24 + 64] ^= 0xff;
    assert!(signatures(&pe).unwrap()[0].valid);
}

#[test]
fn a_changed_signature_does_not_verify() {
    let mut pe = fixture("test-signed.efi");
    let sigs = signatures(&pe).unwrap();
    assert!(sigs[0].valid);
    // The RSA signature value is the last OCTET STRING of the SignerInfo: 256 bytes for the
    // 2048-bit key, found by its DER header (04 82 01 00).
    let at = pe
        .windows(4)
        .rposition(|w| w == [0x04, 0x82, 0x01, 0x00])
        .unwrap();
    pe[at + 4 + 100] ^= 1;
    let s = &signatures(&pe).unwrap()[0];
    assert!(!s.valid);
    assert!(
        s.problem.as_deref().unwrap().contains("RSA signature"),
        "{s:?}"
    );
}

#[test]
fn debian_shim_is_signed_by_microsoft_uefi_ca() {
    // The real shim's signatures, on another image: each names Microsoft's UEFI CA, its RSA
    // signature and messageDigest verify (checked before the image digest), and only the
    // image digest fails, since the image is not the shim.
    let sigs = signatures(&with_certs(&fixture("shimx64.certs"))).unwrap();
    let issuers: Vec<&str> = sigs.iter().map(|s| s.signer_issuer.as_str()).collect();
    assert!(
        issuers[0].starts_with("CN=Microsoft Corporation UEFI CA 2011,O=Microsoft Corporation"),
        "{issuers:?}"
    );
    assert!(
        sigs[0]
            .signer_subject
            .starts_with("CN=Microsoft Windows UEFI Driver Publisher"),
        "{sigs:?}"
    );
    for s in &sigs {
        assert!(!s.valid);
        assert!(
            s.problem
                .as_deref()
                .unwrap()
                .contains("digest does not match"),
            "{s:?}"
        );
    }
    let grub = signatures(&with_certs(&fixture("grubx64.certs"))).unwrap();
    assert_eq!(grub[0].signer_issuer, "CN=Debian Secure Boot CA");
    assert!(
        grub[0]
            .problem
            .as_deref()
            .unwrap()
            .contains("digest does not match")
    );
}

#[test]
fn hostile_images_are_errors_or_invalid_never_panics() {
    let good = fixture("test-signed.efi");
    // Every truncation, and every single-byte change in the headers and the certificate
    // table's first bytes.
    for n in 0..good.len() {
        let _ = signatures(&good[..n]);
    }
    for at in (0..good.len()).step_by(3) {
        let mut b = good.clone();
        b[at] ^= 0x55;
        if let Ok(sigs) = signatures(&b) {
            // A changed byte anywhere hashed or signed never leaves a valid signature,
            // except in fields Authenticode does not hash (the checksum) or bytes of the
            // certificate table outside the signed data (padding, unsigned attributes).
            let hashed = !(0x40 + 24 + 64..0x40 + 24 + 68).contains(&at) && at < 0x400;
            if hashed {
                assert!(sigs.iter().all(|s| !s.valid), "byte {at}");
            }
        }
    }
}

fn esp(loader: &[u8]) -> PlatformFacts {
    let mut t = MemoryTarget::new();
    t.add_file("/boot/efi/EFI/BOOT/BOOTX64.EFI", loader);
    t.add_file(
        "/boot/efi/EFI/debian/grubx64.efi",
        fixture("test-signed.efi"),
    );
    PlatformFacts::of(&t, Vantage::Installed)
}

#[test]
fn a_signed_loader_on_the_esp_reads_as_prepared_not_enforced() {
    let f = esp(&fixture("test-signed.efi")).secure_boot;
    assert_eq!(f.answer, Answer::Prepared);
    assert_eq!(f.answer.as_str(), "prepared");
    assert!(
        f.evidence.contains(
            "EFI/BOOT/BOOTX64.EFI is signed by scap-rs test signer (issuer scap-rs test CA)"
        ),
        "{}",
        f.evidence
    );
    assert!(
        f.evidence.contains("EFI/debian/grubx64.efi is signed"),
        "{}",
        f.evidence
    );
    assert!(
        f.evidence
            .contains("whether the firmware enforces it is not recorded"),
        "{}",
        f.evidence
    );
}

#[test]
fn an_unsigned_or_tampered_loader_cannot_boot_with_secure_boot() {
    let f = esp(&fixture("tiny.efi")).secure_boot;
    assert_eq!(f.answer, Answer::Disabled);
    assert!(
        f.evidence.contains("EFI/BOOT/BOOTX64.EFI is not signed"),
        "{}",
        f.evidence
    );
    let mut pe = fixture("test-signed.efi");
    pe[0x200] = 0x90;
    let f = esp(&pe).secure_boot;
    assert_eq!(f.answer, Answer::Disabled);
    assert!(
        f.evidence
            .contains("not valid: the image's Authenticode digest"),
        "{}",
        f.evidence
    );
}

#[test]
fn without_an_esp_secure_boot_is_not_collectable() {
    let t = MemoryTarget::new();
    let f = PlatformFacts::of(&t, Vantage::Installed).secure_boot;
    assert_eq!(f.answer, Answer::NotCollectable);
}
