//! Fuzz the Authenticode checker (`scap_probe::platform::authenticode`): PE/COFF headers,
//! section table, certificate table and the PKCS#7 SignedData inside it. The `MZ` magic is
//! forced so every input reaches the PE parser.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut pe = data.to_vec();
    if pe.len() >= 2 {
        pe[..2].copy_from_slice(b"MZ");
    }
    if let Ok(sigs) = scap_probe::platform::authenticode::signatures(&pe) {
        for s in sigs {
            // A valid signature always names its signer.
            assert!(!s.valid || !s.signer_subject.is_empty());
        }
    }
});
