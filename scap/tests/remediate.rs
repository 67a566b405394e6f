//! `Scan::remediate` against oscap 1.3.7's `xccdf eval --remediate` on the same benchmark
//! (`fixtures/remediate/`: one rule per case; `oscap-results.xml` made by `make.sh`, oscap
//! run chrooted in a copy of a Debian 11 root). A fake runner plays the fixes' few commands
//! (`touch`, `echo`, `exit`, `true`) on a `MemoryTarget`, so the re-evaluation sees what the
//! fix changed, as it would on a host.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use scap::probe::{DirEntry, MemoryTarget, Metadata, Target};
use scap::{FixRun, FixRunner, FixScript};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/remediate")
}

/// A `MemoryTarget` that the runner changes while the scan reads it.
#[derive(Clone)]
struct Shared(Arc<Mutex<MemoryTarget>>);

impl Shared {
    fn with<T>(&self, f: impl FnOnce(&mut MemoryTarget) -> T) -> T {
        // A test double: a poisoned lock means another assertion already failed.
        f(&mut self.0.lock().expect("target lock"))
    }
}

impl Target for Shared {
    fn metadata(&self, path: &Path) -> scap::probe::Result<Metadata> {
        self.with(|t| t.metadata(path))
    }
    fn read_dir(&self, path: &Path) -> scap::probe::Result<Vec<DirEntry>> {
        self.with(|t| t.read_dir(path))
    }
    fn read_link(&self, path: &Path) -> scap::probe::Result<PathBuf> {
        self.with(|t| t.read_link(path))
    }
    fn open(&self, path: &Path) -> scap::probe::Result<Box<dyn Read + Send>> {
        self.with(|t| t.open(path))
    }
}

/// Plays `touch PATH`, `echo TEXT [>&2]`, `exit N` and `true`, commands separated by `;`,
/// and lists the rules whose fix it ran.
struct Player {
    target: Shared,
    ran: Arc<Mutex<Vec<String>>>,
}

impl FixRunner for Player {
    fn acts_on_this_host(&self) -> bool {
        false
    }

    fn run(&self, fix: &FixScript<'_>) -> FixRun {
        self.ran
            .lock()
            .expect("ran lock")
            .push(fix.rule_id.to_string());
        let mut output = String::new();
        for cmd in fix.text.split([';', '\n']).map(str::trim) {
            let (verb, rest) = cmd.split_once(' ').unwrap_or((cmd, ""));
            match verb {
                "touch" => self.target.with(|t| {
                    t.add_file(rest, "");
                }),
                "echo" => {
                    output.push_str(rest.trim_end_matches(">&2").trim_end());
                    output.push('\n');
                }
                "exit" => return FixRun::exited(rest.parse().unwrap_or(255), output),
                "true" | "" => {}
                other => return FixRun::exited(127, format!("{other}: not played")),
            }
        }
        FixRun::exited(0, output)
    }
}

/// Each rule-result of a TestResult document: id, result, messages, fix text (the text
/// nodes of the `fix`, so that a `sub` left in it counts as nothing, in both documents).
type RuleResults = Vec<(String, String, Vec<String>, Option<String>)>;

fn rule_results(xml: &str) -> RuleResults {
    let doc = roxmltree::Document::parse(xml).expect("a TestResult document");
    doc.descendants()
        .filter(|n| n.has_tag_name("rule-result"))
        .map(|rr| {
            let child = |name: &'static str| rr.children().filter(move |c| c.has_tag_name(name));
            let text = |n: roxmltree::Node| {
                n.descendants()
                    .filter(|d| d.is_text())
                    .filter_map(|d| d.text())
                    .collect::<String>()
            };
            (
                rr.attribute("idref").unwrap_or("").to_string(),
                child("result").map(text).collect(),
                child("message").map(text).collect(),
                child("fix").map(text).next(),
            )
        })
        .collect()
}

fn remediated(target: &Shared) -> (scap::ScanOutcome, Vec<String>) {
    let content = scap::Content::open(fixtures().join("benchmark.xml")).expect("the benchmark");
    let ran = Arc::new(Mutex::new(Vec::new()));
    let runner = Player {
        target: target.clone(),
        ran: Arc::clone(&ran),
    };
    let outcome = scap::Scan::new(&content)
        .profile("p")
        .expect("profile p")
        .remediate(runner)
        .run(target)
        .expect("the scan");
    let ran = ran.lock().expect("ran").clone();
    (outcome, ran)
}

fn host() -> Shared {
    let mut t = MemoryTarget::new();
    t.add_dir("/root")
        .add_dir("/etc")
        .add_file("/etc/passwd", "root:x:0:0::/root:/bin/bash\n");
    Shared(Arc::new(Mutex::new(t)))
}

#[test]
fn rule_results_are_oscaps() {
    let target = host();
    let (outcome, ran) = remediated(&target);
    let ours = rule_results(&outcome.test_result());
    let oscap_text =
        std::fs::read_to_string(fixtures().join("oscap-results.xml")).expect("fixture");
    let theirs = rule_results(&oscap_text);
    assert_eq!(ours.len(), theirs.len());
    for (o, t) in ours.iter().zip(&theirs) {
        assert_eq!(o.0, t.0, "rule order");
        match o.0.as_str() {
            // oscap collects an OVAL object once per remediation: e1's re-evaluation collected
            // /root/remediate-e before e2's fix made it, and e2's re-evaluation reused that
            // (oscap: error). We collect afresh: e2's fix worked.
            "xccdf_x_rule_e2" => {
                assert_eq!(t.1, "error");
                assert_eq!(o.1, "fixed");
                assert_eq!(o.2, ["Fix execution completed and returned: 0"]);
                assert_eq!(o.3, t.3);
            }
            // oscap runs a perl fix with /usr/bin/perl; the default runner runs sh fixes only
            // (and this runner, like it, supports sh only).
            "xccdf_x_rule_perl" => {
                assert_eq!(t.1, "fixed");
                assert_eq!(o.1, "fail");
                assert_eq!(o.2, ["No suitable fix found."]);
                assert_eq!(o.3, None);
            }
            // Not remediated (not a failure); the evaluation's message names the missing
            // definition where oscap's says none resolved (a difference of the evaluation).
            "xccdf_x_rule_notchecked" => {
                assert_eq!((&o.1, &o.3), (&t.1, &t.3));
                assert_eq!(o.2.len(), 1);
            }
            _ => assert_eq!(o, t, "rule-result of {}", o.0),
        }
    }
    // Only failed rules with a suitable fix ran, in benchmark order, each once.
    let short: Vec<&str> = ran.iter().map(|r| scap::xccdf::short_rule_id(r)).collect();
    assert_eq!(
        short,
        [
            "fixed", "fixerr", "nochange", "sub", "exit1", "choice", "e1", "e2"
        ]
    );
    // The fixes changed the target the re-evaluation read.
    for file in [
        "/root/remediate-a",
        "/root/remediate-c",
        "/root/remediate-g",
    ] {
        assert!(target.exists(Path::new(file)).unwrap_or(false), "{file}");
    }
    assert!(
        !target
            .exists(Path::new("/root/should-not-run"))
            .unwrap_or(true)
    );
    // One TestResult, its score counting `fixed` as `pass`: 6 of the 14 scored rules, as
    // oscap's 42.857143 (its six include perl where ours include e2).
    assert_eq!(outcome.test_result().matches("<TestResult ").count(), 1);
    let score = outcome.results.scores.first().map(|s| s.value);
    assert!(
        score.is_some_and(|s| (s - 600.0 / 14.0).abs() < 1e-6),
        "{score:?}"
    );
    assert_eq!(outcome.exit_status(), 2);
}

#[test]
fn the_oval_results_kept_are_those_before_the_fixes() {
    let (outcome, _) = remediated(&host());
    let pass = outcome.oval.first().expect("an OVAL pass");
    let xml = outcome
        .oval_results(pass, &scap::oval::results::Content::default())
        .expect("OVAL results");
    // oval:x:def:1 (/root/remediate-a) was false when evaluated, before rule fixed's fix.
    assert!(
        xml.contains(r#"definition_id="oval:x:def:1" result="false""#),
        "{xml}"
    );
}

#[test]
fn remediation_changes_nothing_when_nothing_fails() {
    let target = host();
    target.with(|t| {
        for f in ["a", "b", "c", "e", "g"] {
            t.add_file(format!("/root/remediate-{f}"), "");
        }
    });
    let (outcome, ran) = remediated(&target);
    // Only rules without a working check, or whose check never passes, are left: notchecked
    // and the fail of nothing. Nothing ran: no rule failed.
    assert!(ran.is_empty(), "{ran:?}");
    assert!(
        outcome
            .results
            .rules
            .iter()
            .all(|r| r.fix.is_none() && r.result != scap::xccdf::XccdfResult::Fixed)
    );
}

#[test]
fn the_bash_runner_is_refused_for_an_offline_target() {
    let content = scap::Content::open(fixtures().join("benchmark.xml")).expect("the benchmark");
    let err = scap::Scan::new(&content)
        .remediate(scap::BashRunner::default())
        .run(&host())
        .expect_err("refused");
    assert!(matches!(err, scap::Error::RemediationOffline { .. }));
    assert!(err.to_string().contains("not this host"), "{err}");
}
