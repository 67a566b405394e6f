//! The probe fixtures of `tests/fixtures/probes/` evaluated end to end (parser, evaluator,
//! built-in probes) on the targets oscap 1.3.7 was compared on.
//!
//! `files.xml` runs on the small tree `tests/fixtures/probes/root/` (links, files to hash, XML
//! files); `host-facts.xml` on an offline target. The expected results are oscap's, except the
//! three cases listed in `SPEC_OVER_OSCAP`, where oscap departs from the OVAL specification or
//! from our safety rules.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use scap_oval::Definitions;
use scap_oval::eval::{Evaluator, Variables};
use scap_oval::probes::Registry;
use scap_oval::types::ResultValue;
use scap_probe::{MemoryTarget, RootFs, Target};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/probes")
}

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn evaluate(file: &str, target: &dyn Target) -> Res<BTreeMap<u32, ResultValue>> {
    let text = std::fs::read_to_string(fixtures().join(file))?;
    let defs = Definitions::parse(text.as_bytes())?;
    let registry = Registry::builtin();
    let results = Evaluator::new(&defs, target, &registry, Variables::default()).evaluate_all();
    let mut out = BTreeMap::new();
    for (id, r) in &results.definitions {
        let n = id.rsplit(':').next().unwrap_or_default().parse()?;
        out.insert(n, *r);
    }
    Ok(out)
}

/// Definitions of `files.xml` where we keep the specified behaviour and oscap does not:
/// - 17: SHA-256 through `/etc/links/absolute` (-> `/etc/hash/hello.txt`). oscap follows the
///   absolute link onto the scanning host and fails to open it (error); we resolve it inside
///   the root and hash the file.
/// - 26: a file with an internal DTD subset and an entity. oscap expands it; we refuse DTDs
///   (no entity expansion, no external fetch), so the object is an error.
const SPEC_OVER_OSCAP: [(u32, ResultValue); 2] =
    [(17, ResultValue::True), (26, ResultValue::Error)];

#[test]
fn files_fixture_matches_oscap_on_the_small_tree() -> Res<()> {
    use ResultValue::*;
    let root = RootFs::new(fixtures().join("root")).unwrap();
    let got = evaluate("files.xml", &root)?;
    // oscap 1.3.7: OSCAP_PROBE_ROOT=tests/fixtures/probes/root oscap oval eval files.xml
    let oscap: BTreeMap<u32, ResultValue> = [
        (1, True),
        (2, True),
        (3, True),
        (4, Error),
        (5, Error),
        (6, Error),
        (7, True),
        (8, True),
        (9, True),
        (10, True),
        (11, True),
        (12, True),
        (13, True),
        (14, True),
        (15, True),
        (16, True),
        (17, Error),
        (18, True),
        (19, True),
        (20, True),
        (21, True),
        (22, True),
        (23, True),
        (24, True),
        (25, True),
        (26, False),
        (27, Error),
        (28, True),
        (29, True),
        (30, Unknown),
        (31, True),
    ]
    .into_iter()
    .collect();
    let mut want = oscap.clone();
    want.extend(SPEC_OVER_OSCAP);
    assert_eq!(got, want);
    let differing: Vec<u32> = got
        .iter()
        .filter(|(k, v)| oscap.get(k) != Some(v))
        .map(|(k, _)| *k)
        .collect();
    assert_eq!(differing, [17, 26]);
    Ok(())
}

#[test]
fn host_facts_fixture_matches_oscap_offline() -> Res<()> {
    use ResultValue::*;
    // An offline target without facts: no interfaces, processes, selinuxfs or /proc.
    let mut t = MemoryTarget::new();
    t.add_file("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n")
        .add_dir("/proc");
    let got = evaluate("host-facts.xml", &t)?;
    // oscap 1.3.7: OSCAP_PROBE_ROOT=/work/roots/debian11 oscap oval eval host-facts.xml
    let oscap: BTreeMap<u32, ResultValue> = [
        (1, NotApplicable),
        (2, False),
        (3, False),
        (4, True),
        (5, Error),
        (6, False),
        (7, NotApplicable),
    ]
    .into_iter()
    .collect();
    assert_eq!(got, oscap);
    Ok(())
}
