//! The fixture databases (made by rpm 4.18, `tests/fixtures/make-fixtures.sh`) read back the
//! way rpm itself printed them when they were made (`query.txt`, `files.txt`).

use scap_rpmdb::{Format, Package, read_packages};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn text(name: &str) -> String {
    String::from_utf8(fixture(name)).expect("fixture text is UTF-8")
}

/// `NAME|EPOCH|VERSION|RELEASE|ARCH|RSAHEADER keyid|SIGPGP keyid` lines as `query.txt` has
/// them (rpm's `(none)` for no epoch or no signature; its pgpsig text ends with the key id).
fn as_query(p: &Package) -> String {
    let epoch = p.epoch.map_or("(none)".to_owned(), |e| e.to_string());
    let sig = |id: Option<[u8; 8]>| match id {
        Some(id) => id.iter().map(|b| format!("{b:02x}")).collect::<String>(),
        None => "(none)".to_owned(),
    };
    let (h, v3) = (sig(p.header_key_id), sig(p.payload_key_id));
    // rpm prints a missing ARCH (an imported key's header) as `(none)` too.
    let arch = if p.arch.is_empty() { "(none)" } else { &p.arch };
    format!(
        "{}|{epoch}|{}|{}|{arch}|{h}|{v3}",
        p.name, p.version, p.release
    )
}

fn expected_query() -> Vec<String> {
    text("query.txt")
        .lines()
        .map(|l| {
            // rpm prints "RSA/SHA512, <date>, Key ID <hex>": keep the key id only.
            l.split('|')
                .map(|f| f.rsplit_once("Key ID ").map_or(f, |(_, id)| id))
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect()
}

fn check(format: Format, file: &str) {
    let mut packages = read_packages(format, &fixture(file), None).expect("fixture reads");
    packages.sort_by(|a, b| a.name.cmp(&b.name));
    let got: Vec<String> = packages.iter().map(as_query).collect();
    assert_eq!(got, expected_query(), "{file}");

    // `rpm -qa --dump`: path size mtime digest mode owner group config doc rdev link.
    let mut files: Vec<String> = packages
        .iter()
        .flat_map(|p| p.files.iter())
        .map(|f| {
            let digest = if f.digest.is_empty() {
                "0".repeat(64)
            } else {
                f.digest.clone()
            };
            let link = if f.link_to.is_empty() {
                "X"
            } else {
                &f.link_to
            };
            format!(
                "{} {} {} {digest} 0{:o} {} {} {} {} {} {link}",
                f.path,
                f.size,
                f.mtime,
                f.mode,
                f.user,
                f.group,
                u32::from(f.flags & 1 != 0),
                u32::from(f.flags & 2 != 0),
                f.rdev,
            )
        })
        .collect();
    files.sort();
    // rpm says "(contains no files)" for the key's header.
    let mut expected: Vec<String> = text("files.txt")
        .lines()
        .filter(|l| !l.starts_with('('))
        .map(str::to_owned)
        .collect();
    expected.sort();
    assert_eq!(files, expected, "{file}: files");
}

#[test]
fn sqlite_fixture_reads_as_rpm_printed_it() {
    check(Format::Sqlite, "rpmdb.sqlite");
}

#[test]
fn bdb_fixture_reads_as_rpm_printed_it() {
    check(Format::Bdb, "Packages");
}

#[test]
fn the_large_header_spans_overflow_pages() {
    // tinymany's header is larger than a 4096-byte page in both files, so both overflow
    // readers are exercised by the tests above; say so, so a regenerated fixture that lost
    // it fails here.
    let blobs = scap_rpmdb::sqlite::packages(&fixture("rpmdb.sqlite"), None).expect("reads");
    assert!(blobs.iter().any(|(_, b)| b.len() > 4096));
}

#[test]
fn every_truncation_and_byte_flip_is_an_error_or_a_result_never_a_panic() {
    for (format, file) in [
        (Format::Sqlite, "rpmdb.sqlite"),
        (Format::Bdb, "Packages"),
        (Format::Ndb, "Packages.db"),
    ] {
        let bytes = fixture(file);
        for cut in (0..bytes.len()).step_by(997) {
            let _ = read_packages(format, &bytes[..cut], None);
        }
        let mut flipped = bytes.clone();
        for at in (0..bytes.len()).step_by(211) {
            flipped[at] ^= 0xff;
            let _ = read_packages(format, &flipped, None);
            flipped[at] ^= 0xff;
        }
    }
}

#[test]
fn ndb_fixture_reads_as_rpm_printed_it() {
    // Written by make-fixtures.sh from the format's description (Debian's rpm has no NDB
    // backend to write or read one), with the header blobs rpm wrote to rpmdb.sqlite.
    check(Format::Ndb, "Packages.db");
}

#[test]
fn committed_wal_frames_are_read_as_sqlite_reads_them() {
    let db = fixture("wal.sqlite");
    let wal = fixture("wal.sqlite-wal");
    let hnums = |wal: Option<&[u8]>| -> Vec<String> {
        scap_rpmdb::sqlite::packages(&db, wal)
            .expect("reads")
            .iter()
            .map(|(n, _)| n.to_string())
            .collect()
    };
    // What the sqlite3 command printed for the pair when it was made.
    let expected: Vec<String> = text("wal-hnums.txt").lines().map(str::to_owned).collect();
    assert_eq!(hnums(Some(&wal)), expected);
    // Without its log the database still has the erased package.
    assert_eq!(hnums(None).len(), expected.len() + 1);
    // A log whose first frame's checksum is wrong is not replayed at all (sqlite stops at the
    // first frame that does not continue the checksum chain).
    let mut bad = wal.clone();
    bad[32 + 24 + 100] ^= 1;
    assert_eq!(hnums(Some(&bad)), hnums(None));
}

#[test]
fn ndb_slots_sharing_one_blob_are_refused() {
    let mut db = fixture("Packages.db");
    // Copy the first used slot (byte 32) over every free slot of the page.
    let first: Vec<u8> = db[32..48].to_vec();
    for at in (48..4096).step_by(16) {
        if db[at + 4..at + 8] == [0, 0, 0, 0] {
            db[at..at + 16].copy_from_slice(&first);
        }
    }
    let e = scap_rpmdb::ndb::packages(&db).expect_err("shared blobs");
    assert!(e.to_string().contains("share"), "{e}");
}

/// The header blobs of the sqlite fixture with their names.
fn named_blobs() -> Vec<(String, Vec<u8>)> {
    scap_rpmdb::read_blobs(Format::Sqlite, &fixture("rpmdb.sqlite"), None)
        .expect("fixture reads")
        .into_iter()
        .map(|(_, b)| {
            let name = scap_rpmdb::Header::parse(&b)
                .ok()
                .and_then(|h| h.string(scap_rpmdb::tag::NAME).map(str::to_owned))
                .unwrap_or_default();
            (name, b)
        })
        .collect()
}

/// Changes the first byte of `what` in a blob (inside the immutable region: a summary).
fn tamper(blob: &mut [u8], what: &[u8]) {
    let at = blob
        .windows(what.len())
        .position(|w| w == what)
        .expect("text in the header");
    blob[at] ^= 0x20;
}

#[test]
fn header_digests_and_signatures_check_as_rpm_checks_them() {
    use scap_rpmdb::Header;
    use scap_rpmdb::verify::{self, DigestCheck, Keyring, SignatureCheck};
    let blobs = named_blobs();
    let headers: Vec<Header<'_>> = blobs
        .iter()
        .map(|(_, b)| Header::parse(b).expect("parses"))
        .collect();
    let keys = Keyring::from_headers(&headers);
    assert_eq!(
        keys.len(),
        1,
        "the imported fixture key (one RSA primary key)"
    );
    // rpm reads every header of the fixture without complaint: every digest is right, and
    // only tinyhello is signed (query.txt: RSA/SHA512 by key ...12df948d).
    for ((name, _), h) in blobs.iter().zip(&headers) {
        assert_eq!(verify::header_digest(h), DigestCheck::Ok, "{name}");
        let sig = verify::header_signature(h, &keys);
        if name == "tinyhello" {
            let SignatureCheck::Ok { key_id } = sig else {
                panic!("tinyhello: {sig:?}")
            };
            assert!(text("query.txt").contains(&format!(
                "Key ID {}",
                key_id.iter().map(|b| format!("{b:02x}")).collect::<String>()
            )));
            // Without the key imported, rpm's NOKEY.
            assert!(matches!(
                verify::header_signature(h, &Keyring::default()),
                SignatureCheck::NoKey { .. }
            ));
        } else {
            assert_eq!(sig, SignatureCheck::Unsigned, "{name}");
        }
    }
}

#[test]
fn a_changed_header_fails_its_digest_and_signature() {
    use scap_rpmdb::Header;
    use scap_rpmdb::verify::{self, DigestCheck, Keyring, SignatureCheck};
    let blobs = named_blobs();
    let keys = Keyring::from_headers(
        &blobs
            .iter()
            .map(|(_, b)| Header::parse(b).expect("parses"))
            .collect::<Vec<_>>(),
    );
    let (_, hello) = blobs.iter().find(|(n, _)| n == "tinyhello").expect("there");
    let mut changed = hello.clone();
    tamper(&mut changed, b"hello fixture");
    let h = Header::parse(&changed).expect("still parses");
    assert_eq!(verify::header_digest(&h), DigestCheck::Bad);
    assert!(matches!(
        verify::header_signature(&h, &keys),
        SignatureCheck::Bad { .. }
    ));
    // What rpm 4.18 printed for this very change (the summary's `h` upper-cased, the database
    // then read with `rpm -qa`): "Header SHA256 digest: BAD (Expected ce04aaf9... !=
    // 7f8aea3e...)", "Header V4 RSA/SHA512 Signature, key ID 12df948d: BAD". The region we
    // hash is the one rpm hashed: the same SHA-256.
    use sha2::Digest;
    let r = h.signed_region().expect("region");
    let mut d = sha2::Sha256::new();
    d.update(r.preamble);
    d.update(r.index);
    d.update(r.data);
    let got: String = d.finalize().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(
        got,
        "7f8aea3ed0dd8c9a820ba1ce25400fce6dee468b09036575d5e9ab8dbb2c70be"
    );
}

#[test]
fn checks_on_damaged_headers_answer_and_never_panic() {
    // Every byte of tinyhello's header (signed) and of the key's header flipped in turn: the
    // digest and signature checks and the dependency lists give an answer for whatever still
    // parses. A flip in the region's data never leaves the digest Ok.
    use scap_rpmdb::verify::{self, DigestCheck, Keyring};
    use scap_rpmdb::{Dependency, DependencyKind, Header};
    let blobs = named_blobs();
    let hello = &blobs
        .iter()
        .find(|(n, _)| n == "tinyhello")
        .expect("there")
        .1;
    let key = &blobs
        .iter()
        .find(|(n, _)| n == "gpg-pubkey")
        .expect("there")
        .1;
    let region_end = {
        let h = Header::parse(hello).expect("parses");
        let r = h.signed_region().expect("region");
        8 + 16 * h.len() + r.data.len()
    };
    let keys = Keyring::from_headers(&[Header::parse(key).expect("parses")]);
    let mut damaged = hello.clone();
    let mut bad_digests = 0;
    for at in 0..hello.len() {
        damaged[at] ^= 0x5a;
        if let Ok(h) = Header::parse(&damaged) {
            let digest = verify::header_digest(&h);
            let _ = verify::header_signature(&h, &keys);
            let _ = Dependency::all(&h, DependencyKind::Requires);
            if digest == DigestCheck::Bad {
                bad_digests += 1;
            }
            // Region data changed with the index intact: the digest catches it.
            let index_end = 8 + 16 * h.len();
            if at >= index_end && at < region_end {
                assert_ne!(digest, DigestCheck::Ok, "byte {at}");
            }
        }
        damaged[at] ^= 0x5a;
    }
    assert!(bad_digests > 0);
    let mut damaged_key = key.clone();
    // Every 7th byte: each still-parsing key costs an RSA verification (slow in debug builds).
    for at in (0..key.len()).step_by(7) {
        damaged_key[at] ^= 0x5a;
        if let Ok(h) = Header::parse(&damaged_key) {
            let mut ring = Keyring::default();
            ring.add(&h);
            let _ = verify::header_signature(&Header::parse(hello).expect("parses"), &ring);
        }
        damaged_key[at] ^= 0x5a;
    }
}
