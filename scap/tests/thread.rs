//! A scan runs on a worker thread: content and target move into `std::thread::spawn`, and one
//! `Content` serves scans of several targets at once, with the same results as on the caller's
//! thread.
#![allow(clippy::unwrap_used)] // test helpers: a failure is a test failure

use scap::probe::{MemoryTarget, Target};
use scap::{Content, Scan, ScanOutcome};
use scap_xccdf::XccdfResult;

const DS: &str = include_str!("fixtures/linux-baseline-ds.xml");

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn content_outcome_and_engine_are_send_and_sync() {
    assert_send_sync::<Content>();
    assert_send_sync::<ScanOutcome>();
    assert_send_sync::<scap::OvalEngine<'static>>();
    fn assert_send<T: Send>() {}
    assert_send::<Scan<'static>>();
}

/// A host whose /etc/passwd decides one rule of the bundled baseline.
fn host(passwd: &str) -> MemoryTarget {
    let mut t = MemoryTarget::new();
    t.add_file("/etc/passwd", passwd);
    t
}

fn results(o: &ScanOutcome) -> Vec<(String, XccdfResult)> {
    o.results
        .rules
        .iter()
        .map(|r| (r.rule_id.clone(), r.result))
        .collect()
}

#[test]
fn scans_run_on_worker_threads() {
    let content = Content::from_text(DS, "linux-baseline-ds.xml", &Default::default()).unwrap();
    let hosts = [
        host("root:x:0:0:root:/root:/bin/bash\n"),
        host("root:x:0:0:root:/root:/bin/bash\ntoor:x:0:0::/:/bin/sh\n"),
    ];
    // On this thread, for comparison.
    let here: Vec<_> = hosts
        .iter()
        .map(|h| results(&Scan::new(&content).run(h).unwrap()))
        .collect();
    // The same content shared by two workers, each owning its target.
    let workers: Vec<_> = hosts
        .into_iter()
        .map(|h| {
            let content = content.clone();
            std::thread::spawn(move || {
                let target: Box<dyn Target> = Box::new(h);
                Scan::new(&content).run(target.as_ref()).unwrap()
            })
        })
        .collect();
    let there: Vec<_> = workers
        .into_iter()
        .map(|w| results(&w.join().unwrap()))
        .collect();
    assert_eq!(here, there);
    // The two hosts differ in one rule (a second uid 0 account).
    let differ = here[0]
        .iter()
        .zip(&here[1])
        .filter(|(a, b)| a.1 != b.1)
        .count();
    assert_eq!(differ, 1, "{here:?}");
}

/// A check href the data stream does not resolve is a warning of the scan (once per href),
/// and its rule is notchecked saying why (#17 item 11: it was silent).
#[test]
fn unresolvable_check_hrefs_are_warned_about() {
    let ds = DS.replacen(
        r#"href="linux-baseline-oval.xml" name="oval:io.github.scap-rs:def:1""#,
        r#"href="missing-oval.xml" name="oval:io.github.scap-rs:def:1""#,
        1,
    );
    assert_ne!(ds, DS, "the fixture changed: update this test");
    let content = Content::from_text(&ds, "linux-baseline-ds.xml", &Default::default()).unwrap();
    let outcome = Scan::new(&content)
        .run(&host("root:x:0:0::/:/bin/sh\n"))
        .unwrap();
    let warned: Vec<_> = outcome
        .warnings
        .iter()
        .filter(|w| w.message.contains("missing-oval.xml"))
        .collect();
    assert_eq!(warned.len(), 1, "{:?}", outcome.warnings);
    assert!(warned[0].affects_results);
    // The rules that use it are notchecked: the scan is not a clean assessment.
    assert_eq!(outcome.result_warnings().len(), 1);
    let rule = outcome
        .results
        .rules
        .iter()
        .find(|r| {
            r.check
                .as_ref()
                .is_some_and(|c| c.content_refs.iter().any(|x| x.href == "missing-oval.xml"))
        })
        .unwrap();
    assert_eq!(rule.result, XccdfResult::NotChecked);
    assert!(!rule.messages.is_empty());
}

/// OVAL components past `PARALLEL_OVAL_BYTES` (256 KiB together) are parsed on a second thread
/// while the benchmark is parsed: the same definitions as on one thread, and a malformed one
/// still errors only the rules that use it. The Chromium stream's OVAL is padded past the
/// threshold with a comment.
#[test]
fn large_oval_components_load_beside_the_benchmark() {
    let ds = include_str!("fixtures/ds/ssg-chromium-ds.xml");
    let open = "<oval-def:oval_definitions";
    let at = ds.find(open).unwrap();
    let end_of_tag = at + ds[at..].find('>').unwrap() + 1;
    let padded = format!(
        "{}<!-- {} -->{}",
        &ds[..end_of_tag],
        "x".repeat(300 << 10),
        &ds[end_of_tag..]
    );
    let count = |c: &Content| -> Vec<(String, usize)> {
        c.oval_components()
            .map(|(id, defs)| {
                (
                    id.to_owned(),
                    defs.as_ref().as_ref().unwrap().definitions.len(),
                )
            })
            .collect()
    };
    let small = Content::from_text(ds, "ssg-chromium-ds.xml", &Default::default()).unwrap();
    let large = Content::from_text(&padded, "ssg-chromium-ds.xml", &Default::default()).unwrap();
    assert!(!count(&small).is_empty());
    assert_eq!(count(&large), count(&small));
    assert_eq!(large.benchmark(), small.benchmark());

    // A malformed large component (an undefined entity: the stream's index does not look at
    // references, the parser does): that component is an error, the content still opens.
    let broken = padded.replacen("<!-- ", "&nosuch; <!-- ", 1);
    let content = Content::from_text(&broken, "ssg-chromium-ds.xml", &Default::default()).unwrap();
    let errors = content
        .oval_components()
        .filter(|(_, defs)| defs.is_err())
        .count();
    assert_eq!(errors, 1);
}
