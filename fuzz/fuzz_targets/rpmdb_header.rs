//! Fuzzes the rpm header blob parser and the package built from it: any input gives a header
//! or a typed error, and every accessor stays in bounds on a header that parsed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scap_rpmdb::{Header, Package, tag};

fuzz_target!(|data: &[u8]| {
    let Ok(h) = Header::parse(data) else { return };
    assert!(h.region_len() <= h.len());
    for t in h.tags().collect::<Vec<_>>() {
        let _ = h.bin(t);
        let _ = h.strings(t).map(|s| s.count());
        let _ = h.ints(t).map(|i| i.count());
    }
    if let Ok(p) = Package::from_header(&h) {
        let _ = p.evr();
        let _ = h.string(tag::NAME);
    }
});
