//! The Script Check Engine through the whole evaluation: a standalone benchmark with scripts
//! beside it, a data stream carrying its script, and the Chainguard GPOS STIG's two ASLR rules
//! (`scap-xccdf/tests/fixtures/sce/chainguard-aslr-ds.xml`, cut from the real data stream).
//!
//! Expected results are oscap 1.3.7's on the same files (`oscap xccdf eval --results R FILE`
//! in `fixtures/sce`), recorded in each test.
#![cfg(unix)]
#![allow(clippy::unwrap_used)] // test helpers: a failure is a test failure

use std::path::PathBuf;

use scap_xccdf::sce::{SceDisabled, SceEngine, SceScripts};
use scap_xccdf::{
    CheckEngine, EvalOptions, ParseOptions, Policy, ScanResults, Source, TestResultInfo,
    XccdfResult,
};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sce")
}

/// Evaluates `file` (under fixtures/sce) with the engine `make` builds from the source.
fn eval(file: &str, profile: Option<&str>, make: impl Fn(&Source) -> SceEngine) -> ScanResults {
    let text = std::fs::read_to_string(dir().join(file)).unwrap();
    let opts = ParseOptions::default();
    let src = Source::parse_str(&text, None, None, &opts).unwrap();
    let policy = Policy::new(&src.benchmark, None, profile).unwrap();
    let engine = make(&src);
    scap_xccdf::evaluate(&src, &policy, &engine, &EvalOptions::default()).unwrap()
}

fn results(r: &ScanResults) -> Vec<XccdfResult> {
    r.rules.iter().map(|x| x.result).collect()
}

/// oscap 1.3.7: pass (stdout "limit=8 type=NUMBER op=LESS", stderr "to stderr"), fail
/// (stdout "sshd permits root login"), error, fail (the second content-ref), pass (negated).
#[test]
fn scripts_beside_a_benchmark() {
    let r = eval("sce-xccdf.xml", None, |_| {
        SceEngine::run_on_this_host(SceScripts::in_directory(dir()))
    });
    use XccdfResult::*;
    assert_eq!(results(&r), [Pass, Fail, Error, Fail, Pass]);
    let pass = r.rules[0].check.as_ref().unwrap();
    let imports: Vec<(&str, Option<&str>)> = pass
        .imports
        .iter()
        .map(|i| (i.import_name.as_str(), i.content.as_deref()))
        .collect();
    assert_eq!(
        imports,
        [
            ("stdout", Some("limit=8 type=NUMBER op=LESS\n")),
            ("stderr", Some("to stderr\n"))
        ]
    );
    // The content-ref that answered is the one kept, as oscap.
    assert_eq!(
        r.rules[3].check.as_ref().unwrap().content_refs[0].href,
        "fail.sh"
    );

    let xml = scap_xccdf::write_test_result(&r, &TestResultInfo::new("sce-xccdf.xml", "host"));
    assert!(
        xml.contains(
            "<check-import import-name=\"stdout\">sshd permits root login\n</check-import>"
        ),
        "{xml}"
    );
    // What we write reads back.
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let texts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("check-import"))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(texts[0], "limit=8 type=NUMBER op=LESS\n");
}

/// oscap 1.3.7: the embedded script fails with stdout "owner=root"; a script the stream does
/// not carry is notchecked ("None of the check-content-ref elements was resolvable."), even
/// though a file of that name lies beside the data stream.
#[test]
fn script_carried_by_a_data_stream() {
    let r = eval("sce-ds.xml", None, |src| {
        SceEngine::run_on_this_host(SceScripts::from_source(src))
    });
    use XccdfResult::*;
    assert_eq!(results(&r), [Fail, NotChecked]);
    let check = r.rules[0].check.as_ref().unwrap();
    assert_eq!(check.imports[0].content.as_deref(), Some("owner=root\n"));
    assert_eq!(
        r.rules[1].messages,
        ["None of the check-content-ref elements was resolvable."]
    );
}

/// The Chainguard ASLR rules run `AslrCheck.sh` from the stream: pass when the host's
/// `kernel.randomize_va_space` is 2 (oscap 1.3.7 on this host: both pass), fail with "ASLR not
/// configured correctly" on stdout otherwise.
#[test]
fn chainguard_aslr_rules() {
    let profile = Some("xccdf_basic_profile_.check");
    let r = eval("chainguard-aslr-ds.xml", profile, |src| {
        let scripts = SceScripts::from_source(src);
        assert_eq!(scripts.embedded_count(), 1);
        SceEngine::run_on_this_host(scripts)
    });
    let aslr = std::fs::read_to_string("/proc/sys/kernel/randomize_va_space").unwrap();
    let (want, stdout) = if aslr.trim() == "2" {
        (XccdfResult::Pass, "")
    } else {
        (XccdfResult::Fail, "ASLR not configured correctly\n")
    };
    assert_eq!(results(&r), [want, want]);
    for rule in &r.rules {
        let check = rule.check.as_ref().unwrap();
        assert_eq!(check.imports[0].import_name, "stdout");
        assert_eq!(check.imports[0].content.as_deref(), Some(stdout));
    }

    // Not enabled, or an offline target: notchecked, saying why.
    for why in [SceDisabled::NotEnabled, SceDisabled::OfflineTarget] {
        let r = eval("chainguard-aslr-ds.xml", profile, |_| {
            SceEngine::disabled(why)
        });
        assert_eq!(results(&r), [XccdfResult::NotChecked; 2]);
        assert_eq!(r.rules[0].messages, [why.message()]);
    }
}

/// SCE beside another engine, borrowed so that the caller keeps it (as scan does with OVAL).
#[test]
fn engines_combine_borrowed_engines() {
    let sce = SceEngine::run_on_this_host(SceScripts::in_directory(dir()));
    let mut engines = scap_xccdf::Engines::default();
    engines.push(Box::new(&sce));
    assert!(engines.supports(scap_xccdf::sce::SCE_SYSTEM));
    assert!(!engines.supports(scap_xccdf::eval::OVAL_SYSTEM));
}
