//! Fuzzes signature verification (scap-dsig): canonicalization, reference resolution, KeyInfo
//! (certificates, RSA key values) and the chain check, on any document: a Verification or a
//! typed error, never a panic, hang or stack overflow. Seeds: scap-dsig/tests/fixtures/*.xml.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scap_dsig::{Trust, verify};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = verify(text, &Trust::none());
    // With a trust anchor, the chain code runs on whatever certificates the input carries.
    if let Ok(anchor) = Trust::from_pem(include_str!("../../scap-dsig/tests/fixtures/ca-root.pem")) {
        let _ = verify(text, &anchor);
    }
});
