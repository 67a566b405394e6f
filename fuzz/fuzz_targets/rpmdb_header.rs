//! Fuzzes the rpm header blob parser and what is built from it (the package, its dependencies,
//! the signed region, the digest and signature checks with the header's own keys): any input
//! gives a header or a typed error, and every accessor stays in bounds on a header that parsed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scap_rpmdb::verify::{self, Keyring};
use scap_rpmdb::{Dependency, DependencyKind, Header, Package, tag};

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
    for kind in [
        DependencyKind::Requires,
        DependencyKind::Provides,
        DependencyKind::Conflicts,
        DependencyKind::Obsoletes,
    ] {
        let _ = Dependency::all(&h, kind);
    }
    if let Some(r) = h.signed_region() {
        assert_eq!(r.index.len(), 16 * h.region_len());
    }
    let mut keys = Keyring::default();
    keys.add(&h);
    let _ = verify::header_digest(&h);
    let _ = verify::header_signature(&h, &keys);
});
