//! Remediation after an evaluation, as `oscap xccdf eval --remediate` does it: the fix of
//! each rule that failed is run on the target, the rule is evaluated again, and its
//! rule-result says what happened.
//!
//! ```
//! use scap_xccdf::remediate::{FixRun, FixRunner, FixScript, remediate};
//! use scap_xccdf::{CheckEngine, CheckOutcome, CheckRequest, EvalOptions, Policy, Source, XccdfResult};
//! use std::sync::atomic::{AtomicBool, Ordering};
//!
//! // A check engine reading one flag, and a runner that sets it instead of running bash.
//! struct Flag<'a>(&'a AtomicBool);
//! impl CheckEngine for Flag<'_> {
//!     fn supports(&self, _: &str) -> bool { true }
//!     fn evaluate(&self, b: &[CheckRequest]) -> Vec<CheckOutcome> {
//!         let r = if self.0.load(Ordering::SeqCst) { XccdfResult::Pass } else { XccdfResult::Fail };
//!         b.iter().map(|_| CheckOutcome::new(r)).collect()
//!     }
//! }
//! impl FixRunner for Flag<'_> {
//!     fn acts_on_this_host(&self) -> bool { false }
//!     fn run(&self, fix: &FixScript<'_>) -> FixRun {
//!         self.0.store(fix.text == "fix it", Ordering::SeqCst);
//!         FixRun::exited(0, "")
//!     }
//! }
//! let src = Source::parse_str(r#"<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2" id="xccdf_x_benchmark_b">
//!   <Value id="xccdf_x_value_v"><value>it</value></Value>
//!   <Rule id="xccdf_x_rule_r" selected="true">
//!     <fix system="urn:xccdf:fix:script:sh">fix <sub idref="xccdf_x_value_v"/></fix>
//!     <check system="urn:x"><check-content-ref href="x" name="x"/></check></Rule>
//! </Benchmark>"#, None, None, &Default::default())?;
//! let policy = Policy::new(&src.benchmark, None, None)?;
//! let flag = AtomicBool::new(false);
//! let engine = Flag(&flag);
//! let mut results = scap_xccdf::evaluate(&src, &policy, &engine, &EvalOptions::default())?;
//! assert_eq!(results.rules[0].result, XccdfResult::Fail);
//! remediate(&src, &policy, &engine, &mut results, &Flag(&flag))?;
//! assert_eq!(results.rules[0].result, XccdfResult::Fixed);
//! assert_eq!(results.rules[0].messages, ["Fix execution completed and returned: 0"]);
//! assert_eq!(results.scores[0].value, 100.0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! What oscap 1.3.7 does, and so do we (observed with oscap in a chroot of a Debian 11 tree,
//! on small benchmarks and on SSG, `scripts/diff-remediate.sh`):
//!
//! - One `TestResult`: the rule-results of the remediated rules are changed in place, the
//!   others stay as evaluated; the scores are computed again (`fixed` scores as `pass`).
//! - Only rules whose result is `fail` are remediated, in benchmark order, one after the
//!   other: fix, evaluate again, next rule.
//! - The fix: among the rule's fixes of a system the runner supports (the default runner:
//!   `urn:xccdf:fix:script:sh`), those whose `platform` does not apply drop out; then the
//!   choice [`crate::fix::choose_fix`] makes. None left: the rule stays `fail` with the
//!   message `No suitable fix found.`
//! - Its `sub`s are replaced as `oscap xccdf generate fix` replaces them ([`crate::fix`]);
//!   when one cannot be, the fix is not run, the rule is `error` with `Fix execution was
//!   aborted: Text substitution failed.` and the fix is recorded as written.
//! - The fix runs ([`BashRunner`]: `/bin/bash FILE`, in `/`, with only
//!   `PATH=/bin:/sbin:/usr/bin:/usr/sbin`, standard output and error in one stream). Messages:
//!   `Fix execution completed and returned: CODE`, then the output when there is any.
//! - The rule is evaluated again, whatever the exit code: `pass` makes it `fixed`; any other
//!   result makes it `error`, with `Failed to verify applied fix: Checking engine returns:
//!   RESULT`. Its `time` is when that evaluation ended, and the fix that ran (substituted) is
//!   recorded in the rule-result (`<fix>`, written after the messages).
//!
//! Where we differ, on purpose:
//! - Each re-evaluation collects afresh. oscap collects an OVAL object once for the whole
//!   remediation: a rule whose check reads an object that an earlier rule's re-evaluation
//!   collected sees it as it was before its own fix, and is reported `error` though its fix
//!   worked (observed: two rules reading one file, the second one's fix creating it).
//! - A fix still running after [`BashRunner::timeout`] is killed with its process group and
//!   the rule is `error` (`Fix execution was aborted: ...`); oscap waits for ever. Output is
//!   kept up to [`BashRunner::max_output`] bytes, characters XML cannot carry replaced by
//!   U+FFFD (oscap drops them, and writes an `&` of the output as `&amp;amp;`).
//! - Only `sh` fixes run by default; oscap also runs `perl`, `python` and other script
//!   systems with their interpreters (a [`FixRunner`] of one's own can).
//! - The `TestResult`'s `end-time` is when the remediation ended; oscap gives both
//!   `start-time` and `end-time` that time.

use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::engine::{CheckEngine, XccdfResult};
use crate::error::Result;
use crate::eval::{EvalOptions, RuleOutcome, ScanResults, evaluate, now, platform_applies};
use crate::fix::{FixType, Substituter, choose_among};
use crate::model::{Fix, FixPiece};
use crate::policy::Policy;
use crate::sce::{TempScript, capture, spawn, wait_with_timeout, xml_text};
use crate::source::Source;

/// The `PATH` a fix runs with (oscap's, observed).
const FIX_PATH: &str = "/bin:/sbin:/usr/bin:/usr/sbin";

/// A fix to run: the rule it fixes, its system and its text with `sub`s replaced.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct FixScript<'a> {
    /// The Rule id.
    pub rule_id: &'a str,
    /// The fix's `system` (`urn:xccdf:fix:script:sh`).
    pub system: &'a str,
    /// The script.
    pub text: &'a str,
}

/// How running a fix ended.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FixRun {
    /// It ran to its end with this exit code; `output` is its standard output and error.
    Exited {
        /// The exit code.
        code: i32,
        /// What it wrote, both streams in one.
        output: String,
        /// Why the output was cut, if it was.
        truncated: Option<String>,
    },
    /// It could not be run, or was stopped (a timeout, a signal): why, and what it wrote.
    Aborted {
        /// Why.
        reason: String,
        /// What it wrote before.
        output: String,
    },
}

impl FixRun {
    /// A fix that exited with `code` after writing `output`.
    ///
    /// ```
    /// let r = scap_xccdf::remediate::FixRun::exited(0, "done\n");
    /// assert!(matches!(r, scap_xccdf::remediate::FixRun::Exited { code: 0, .. }));
    /// ```
    pub fn exited(code: i32, output: impl Into<String>) -> FixRun {
        FixRun::Exited {
            code,
            output: output.into(),
            truncated: None,
        }
    }

    /// A fix that did not run to its end, and why.
    ///
    /// ```
    /// let r = scap_xccdf::remediate::FixRun::aborted("no shell");
    /// assert!(matches!(r, scap_xccdf::remediate::FixRun::Aborted { .. }));
    /// ```
    pub fn aborted(reason: impl Into<String>) -> FixRun {
        FixRun::Aborted {
            reason: reason.into(),
            output: String::new(),
        }
    }
}

/// What runs a fix on the target: [`BashRunner`] on this host, or one's own (a test double
/// changing a `MemoryTarget`, a remote shell).
pub trait FixRunner: Send + Sync {
    /// Whether fixes of `system` can be run (default: `urn:xccdf:fix:script:sh` only).
    fn supports(&self, system: &str) -> bool {
        system == FixType::Bash.system()
    }

    /// Whether the fixes change the host this process runs on (default: true). A scan
    /// refuses to remediate an offline target (a tree, an image, a disk) with such a runner:
    /// the fix would change this host, not the target.
    fn acts_on_this_host(&self) -> bool {
        true
    }

    /// Runs one fix.
    fn run(&self, fix: &FixScript<'_>) -> FixRun;
}

/// Runs `sh` fixes on this host as oscap does: the script in a private temporary file,
/// `/bin/bash FILE`, working directory `/`, environment only `PATH`, standard input empty,
/// standard output and error captured together; with a timeout.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BashRunner {
    /// The shell (`/bin/bash`).
    pub shell: std::path::PathBuf,
    /// How long a fix may run before it is killed with its process group (default 30
    /// minutes: fixes install packages).
    pub timeout: Duration,
    /// How much output is kept (default 1 MiB).
    pub max_output: usize,
}

impl Default for BashRunner {
    fn default() -> Self {
        BashRunner {
            shell: "/bin/bash".into(),
            timeout: Duration::from_secs(30 * 60),
            max_output: 1 << 20,
        }
    }
}

impl BashRunner {
    /// The same runner with another timeout.
    ///
    /// ```
    /// let r = scap_xccdf::remediate::BashRunner::default().with_timeout(std::time::Duration::from_secs(5));
    /// assert_eq!(r.timeout.as_secs(), 5);
    /// ```
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

impl FixRunner for BashRunner {
    fn run(&self, fix: &FixScript<'_>) -> FixRun {
        let script = match TempScript::write("fix", fix.text) {
            Ok(s) => s,
            Err(e) => return FixRun::aborted(format!("cannot write the script: {e}")),
        };
        let pipe = std::io::pipe().and_then(|(r, w)| Ok((r, w.try_clone()?, w)));
        let (reader, out, err) = match pipe {
            Ok(p) => p,
            Err(e) => return FixRun::aborted(format!("cannot make a pipe: {e}")),
        };
        let mut cmd = Command::new(&self.shell);
        cmd.arg(&script.path)
            .env_clear()
            .env("PATH", FIX_PATH)
            .current_dir("/")
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            // Its own process group, so that a timeout kills what it started too.
            .process_group(0);
        let spawned = spawn(&mut cmd);
        // The Command holds the pipe's write ends: drop it, or the reader never sees the end.
        drop(cmd);
        let mut child = match spawned {
            Ok(c) => c,
            Err(e) => {
                return FixRun::aborted(format!("cannot run {}: {e}", self.shell.display()));
            }
        };
        let cap = capture(reader, self.max_output);
        let (status, timed_out) = wait_with_timeout(&mut child, self.timeout);
        // The pipe closes when the fix and what it left behind exit; wait a little for the
        // reader, then take what it has (a daemon the fix started keeps the pipe open).
        let grace = Instant::now();
        let done = || cap.lock().map(|c| c.done).unwrap_or(true);
        while !done() && grace.elapsed() < Duration::from_secs(2) {
            std::thread::sleep(Duration::from_millis(5));
        }
        let (output, cut) = match cap.lock() {
            Ok(c) => (xml_text(&c.data), c.truncated),
            Err(_) => (String::new(), false),
        };
        let code = status.and_then(|s| s.code());
        match (timed_out, code) {
            (true, _) => FixRun::Aborted {
                reason: format!("killed after {} s", self.timeout.as_secs()),
                output,
            },
            (false, Some(code)) => FixRun::Exited {
                code,
                output,
                truncated: cut.then(|| format!("output cut at {} bytes", self.max_output)),
            },
            (false, None) => FixRun::Aborted {
                reason: "killed by a signal".to_string(),
                output,
            },
        }
    }
}

/// Remediates `results` (an evaluation of `policy` over `source` with `engine`): for each
/// rule-result `fail`, in order, runs the rule's fix with `runner`, evaluates the rule again
/// with `engine`, and records both in the rule-result; then computes the scores again (see
/// the module docs for the details and where we differ from oscap).
///
/// The `Result` is for an evaluation that fails as a whole (a broken platform
/// specification), which the first evaluation would have met first.
pub fn remediate(
    source: &Source,
    policy: &Policy,
    engine: &dyn CheckEngine,
    results: &mut ScanResults,
    runner: &dyn FixRunner,
) -> Result<()> {
    let subst = Substituter::new(&source.benchmark, policy);
    let mut remediated = false;
    for i in 0..results.rules.len() {
        let Some(outcome) = results.rules.get(i) else {
            continue;
        };
        if outcome.result != XccdfResult::Fail {
            continue;
        }
        let Some(pr) = policy.rules.iter().find(|r| r.id() == outcome.rule_id) else {
            continue;
        };
        let candidates: Vec<&Fix> = pr
            .rule
            .fixes
            .iter()
            .filter(|f| runner.supports(f.system.as_deref().unwrap_or("")))
            .filter(|f| {
                f.platform
                    .as_deref()
                    .is_none_or(|p| platform_applies(source, engine, p))
            })
            .collect();
        let rule_id = outcome.rule_id.clone();
        let Some(fix) = choose_among(candidates) else {
            if let Some(o) = results.rules.get_mut(i) {
                o.messages.push("No suitable fix found.".to_string());
            }
            continue;
        };
        remediated = true;
        let (result, messages, recorded) = match subst.apply(&rule_id, fix) {
            Err(_) => (
                XccdfResult::Error,
                vec!["Fix execution was aborted: Text substitution failed.".to_string()],
                fix.clone(),
            ),
            Ok(text) => {
                let script = FixScript {
                    rule_id: &rule_id,
                    system: fix.system.as_deref().unwrap_or(""),
                    text: &text,
                };
                let mut messages = Vec::new();
                let ran = runner.run(&script);
                let verify = match ran {
                    FixRun::Exited {
                        code,
                        output,
                        truncated,
                    } => {
                        messages.push(format!("Fix execution completed and returned: {code}"));
                        messages.extend((!output.is_empty()).then_some(output));
                        messages.extend(truncated);
                        true
                    }
                    FixRun::Aborted { reason, output } => {
                        messages.push(format!("Fix execution was aborted: {reason}"));
                        messages.extend((!output.is_empty()).then_some(output));
                        false
                    }
                };
                let result = if verify {
                    let again = reevaluate(source, policy, engine, outcome_of(results, i))?;
                    if again != XccdfResult::Pass {
                        messages.push(format!(
                            "Failed to verify applied fix: Checking engine returns: {}",
                            again.as_str()
                        ));
                        XccdfResult::Error
                    } else {
                        XccdfResult::Fixed
                    }
                } else {
                    XccdfResult::Error
                };
                let mut recorded = fix.clone();
                recorded.content = vec![FixPiece::Text(text)];
                (result, messages, recorded)
            }
        };
        if let Some(o) = results.rules.get_mut(i) {
            o.result = result;
            o.messages.extend(messages);
            o.fix = Some(recorded);
            o.time = now();
        }
    }
    if remediated {
        results.scores = crate::eval::score::scores(&source.benchmark, policy, &results.rules);
        results.end_time = now();
    }
    Ok(())
}

/// The rule-result at `i`.
fn outcome_of(results: &ScanResults, i: usize) -> Option<&RuleOutcome> {
    results.rules.get(i)
}

/// The result of evaluating the rule of `outcome` again, alone; for a multi-check rule, the
/// rule-result of the same check.
fn reevaluate(
    source: &Source,
    policy: &Policy,
    engine: &dyn CheckEngine,
    outcome: Option<&RuleOutcome>,
) -> Result<XccdfResult> {
    let Some(outcome) = outcome else {
        return Ok(XccdfResult::Error);
    };
    let opts = EvalOptions::new(vec![outcome.rule_id.clone()], Vec::new());
    let again = evaluate(source, policy, engine, &opts)?;
    let name = |o: &RuleOutcome| {
        o.check
            .as_ref()
            .and_then(|c| c.content_refs.first())
            .and_then(|r| r.name.clone())
    };
    let mine = name(outcome);
    let same: Vec<&RuleOutcome> = again
        .rules
        .iter()
        .filter(|o| o.rule_id == outcome.rule_id)
        .collect();
    Ok(same
        .iter()
        .find(|o| same.len() == 1 || name(o) == mine)
        .map_or(XccdfResult::Error, |o| o.result))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, runner: &BashRunner) -> FixRun {
        runner.run(&FixScript {
            rule_id: "xccdf_x_rule_r",
            system: FixType::Bash.system(),
            text,
        })
    }

    #[test]
    fn bash_runs_as_oscap_runs_it() {
        // Observed with oscap 1.3.7: cwd `/`, only PATH (bash adds PWD, SHLVL and `_`), $0
        // the script file, no arguments, both streams in one, in the order written.
        let r = run(
            "echo one; echo two >&2; echo \"$(pwd) $# $PATH\"; env | cut -d= -f1 | sort | tr '\\n' ' '; exit 3",
            &BashRunner::default(),
        );
        assert_eq!(
            r,
            FixRun::exited(
                3,
                "one\ntwo\n/ 0 /bin:/sbin:/usr/bin:/usr/sbin\nPATH PWD SHLVL _ "
            )
        );
    }

    #[test]
    fn a_fix_that_runs_too_long_is_killed_with_what_it_started() {
        let runner = BashRunner::default().with_timeout(Duration::from_millis(300));
        let started = Instant::now();
        let r = run("echo started; sleep 30 & sleep 30", &runner);
        assert!(started.elapsed() < Duration::from_secs(10));
        match r {
            FixRun::Aborted { reason, output } => {
                assert_eq!(reason, "killed after 0 s");
                assert_eq!(output, "started\n");
            }
            other => panic!("not aborted: {other:?}"),
        }
    }

    #[test]
    fn output_is_cut_and_made_xml_text() {
        let runner = BashRunner {
            max_output: 8,
            ..BashRunner::default()
        };
        match run("printf 'a\\001b0123456789'", &runner) {
            FixRun::Exited {
                code: 0,
                output,
                truncated: Some(why),
            } => {
                assert_eq!(output, "a\u{FFFD}b01234");
                assert_eq!(why, "output cut at 8 bytes");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_missing_shell_aborts() {
        let runner = BashRunner {
            shell: "/nonexistent/bash".into(),
            ..BashRunner::default()
        };
        assert!(
            matches!(run("true", &runner), FixRun::Aborted { reason, .. } if reason.starts_with("cannot run /nonexistent/bash"))
        );
    }
}
