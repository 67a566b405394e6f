//! `tests/fixtures/xinetd/xinetd.xml` on the tree `tests/fixtures/xinetd/root` against oscap
//! 1.3.7's results on the same configuration (`make-expected.sh`: oscap reads xinetd only live,
//! so the script lays the tree's xinetd files over `/etc` in a private mount namespace).

use std::collections::BTreeMap;
use std::path::Path;

use scap_oval::Definitions;
use scap_oval::eval::{Evaluator, Variables};
use scap_oval::probes::Registry;
use scap_oval::types::{Flag, ResultValue};
use scap_probe::{MemoryTarget, RootFs};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn fixtures() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/xinetd")
}

#[test]
fn xinetd_fixture_matches_oscap() -> Res<()> {
    use ResultValue::*;
    let defs: Definitions = std::fs::read_to_string(fixtures().join("xinetd.xml"))?.parse()?;
    let root = RootFs::new(fixtures().join("root"))?;
    let r = Evaluator::new(&defs, &root, &Registry::builtin(), Variables::default()).evaluate_all();
    let got: BTreeMap<u32, ResultValue> = r
        .definitions
        .iter()
        .map(|(id, v)| {
            (
                id.rsplit(':')
                    .next()
                    .unwrap_or_default()
                    .parse()
                    .unwrap_or(0),
                *v,
            )
        })
        .collect();
    // sudo tests/fixtures/xinetd/make-expected.sh
    let oscap = BTreeMap::from([
        (1, True),
        (2, True),
        (3, True),
        (4, True),
        (5, False),
        (6, Unknown),
        (7, False),
        (8, True),
    ]);
    assert_eq!(got, oscap);
    // Two blocks of `echo` (tcp and udp), rsync, tftp and daytime.
    assert_eq!(r.objects["oval:x:obj:8"].items.len(), 5);

    // Without /etc/xinetd.conf xinetd is not configured: not applicable, as oscap live.
    let r = Evaluator::new(
        &defs,
        &MemoryTarget::new(),
        &Registry::builtin(),
        Variables::default(),
    )
    .evaluate_all();
    assert_eq!(r.objects["oval:x:obj:1"].flag, Flag::NotApplicable);
    assert_eq!(r.definition("oval:x:def:1"), Some(NotApplicable));
    Ok(())
}
