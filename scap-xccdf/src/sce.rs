//! The Script Check Engine (SCE), as oscap implements it: a [`CheckEngine`] for checks of
//! system `http://open-scap.org/page/SCE`, whose content is a script that is run and whose
//! exit code is the result.
//!
//! # Off unless asked for
//!
//! An SCE check runs a program taken from the content, on the scanning host, with the
//! scanner's privileges. [`SceEngine::disabled`] recognises SCE checks and runs none: each is
//! `notchecked` with a message saying why ([`SceDisabled`]). Only
//! [`SceEngine::run_on_this_host`] runs scripts; `scan --enable-sce` is the command-line
//! opt-in. (oscap 1.3.7 runs them whenever its SCE plugin is installed.)
//!
//! # Where a script comes from
//!
//! [`SceScripts`] holds them:
//!
//! - from a source data stream ([`SceScripts::from_source`]): the checklist's catalog maps the
//!   `check-content-ref` href (`./AslrCheck.sh`, compared after removing `.` segments, as
//!   oscap's file-system lookup does) to a component whose content is an
//!   `oscap-sce-xccdf-stream:script` element (namespace [`SCE_STREAM_NS`]), usually a
//!   `ds:extended-component`. Its text is written to a private temporary directory (mode
//!   0700) and run from there, as oscap does. Files beside a data stream are not used: oscap
//!   runs the scripts of the stream only;
//! - from a directory ([`SceScripts::in_directory`], a standalone XCCDF benchmark's): the
//!   href is a path relative to it. Unlike oscap, which runs `DIR/HREF` whatever it is, only a
//!   regular file that stays under the directory once `..` and symbolic links are resolved is
//!   run. As in oscap, it must be executable (else `error`), and a missing one is
//!   `notchecked`, so that the next `check-content-ref` is tried.
//!
//! # How it is run (oscap 1.3.7, observed with `env` in a script)
//!
//! The script is executed directly (its `#!` line names the interpreter), with stdin empty,
//! the scanner's working directory, and only this environment:
//!
//! - `PATH=/bin:/sbin:/usr/bin:/usr/local/bin:/usr/sbin`;
//! - `XCCDF_RESULT_PASS=101`, `XCCDF_RESULT_FAIL=102`, `XCCDF_RESULT_ERROR=103`,
//!   `XCCDF_RESULT_UNKNOWN=104`, `XCCDF_RESULT_NOT_APPLICABLE=105`,
//!   `XCCDF_RESULT_NOT_CHECKED=106`, `XCCDF_RESULT_NOT_SELECTED=107`,
//!   `XCCDF_RESULT_INFORMATIONAL=108`, `XCCDF_RESULT_FIXED=109`;
//! - for each `check-export`: `XCCDF_VALUE_<export-name>` (the value),
//!   `XCCDF_TYPE_<export-name>` (`NUMBER`, `STRING`, `BOOLEAN`) and
//!   `XCCDF_OPERATOR_<export-name>` (`EQUALS`, `NOT_EQUAL`, `GREATER`, `GREATER_EQUAL`,
//!   `LESS`, `LESS_EQUAL`, `PATTERN_MATCH`).
//!
//! The exit code minus 100 is the result (1 pass ... 9 fixed, the order of the codes above);
//! any other code, or death by a signal, is `error`. Standard output and error are kept (up
//! to [`SceLimits::max_output`] bytes each, invalid UTF-8 and characters XML cannot carry
//! replaced by U+FFFD) and handed back as the check's `stdout` and `stderr` imports: a
//! `<check-import import-name="stdout"/>` in the rule's check receives the output in the
//! rule-result, as in oscap.
//!
//! Differences from oscap, on purpose: a script still running after [`SceLimits::timeout`]
//! is killed with its process group and the check is `error` (oscap waits for ever); the
//! limits on script size and output; the directory rule above; and a message in the
//! rule-result for each of those failures. Differences where oscap 1.3.7 fails (observed): it
//! aborts on an exported Value without an explicit `operator`, and a script whose text holds
//! an entity reference or a CDATA section errors; we pass `EQUALS` and run the element's whole
//! text.
//!
//! # Offline targets
//!
//! oscap runs SCE scripts on the scanning host even when it scans an offline tree
//! (`OSCAP_PROBE_ROOT`): the script sees neither the root nor the variable (observed with
//! oscap 1.3.7), so what it reports is the host's state, attributed to the target. We do not
//! run them for an offline target: a caller scanning `--root` or `--image` passes
//! [`SceDisabled::OfflineTarget`] and the checks are `notchecked` with that reason.

use std::collections::HashMap;
use std::io::Read;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::engine::{CheckEngine, CheckOutcome, CheckRequest, XccdfResult};
use crate::model::{ValueOperator, ValueType};
use crate::source::Source;

/// The SCE check system URI.
pub const SCE_SYSTEM: &str = "http://open-scap.org/page/SCE";

/// The namespace of the `script` element that carries an SCE script in a data stream
/// component (oscap's `oscap-sce-xccdf-stream` prefix).
pub const SCE_STREAM_NS: &str = "http://open-scap.org/page/SCE_xccdf_stream";

/// The `PATH` oscap 1.3.7 gives a script.
const SCE_PATH: &str = "/bin:/sbin:/usr/bin:/usr/local/bin:/usr/sbin";

/// The result codes in the script's environment: 100 + the result's number.
const RESULT_CODES: [(&str, XccdfResult); 9] = [
    ("PASS", XccdfResult::Pass),
    ("FAIL", XccdfResult::Fail),
    ("ERROR", XccdfResult::Error),
    ("UNKNOWN", XccdfResult::Unknown),
    ("NOT_APPLICABLE", XccdfResult::NotApplicable),
    ("NOT_CHECKED", XccdfResult::NotChecked),
    ("NOT_SELECTED", XccdfResult::NotSelected),
    ("INFORMATIONAL", XccdfResult::Informational),
    ("FIXED", XccdfResult::Fixed),
];

/// The result an exit code stands for (`101` pass ... `109` fixed), `None` for any other.
///
/// ```
/// use scap_xccdf::{XccdfResult, sce::result_of_exit_code};
/// assert_eq!(result_of_exit_code(102), Some(XccdfResult::Fail));
/// assert_eq!(result_of_exit_code(0), None);
/// ```
pub fn result_of_exit_code(code: i32) -> Option<XccdfResult> {
    let i = usize::try_from(code.checked_sub(101)?).ok()?;
    RESULT_CODES.get(i).map(|(_, r)| *r)
}

/// Why an [`SceEngine`] runs no script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SceDisabled {
    /// The caller did not opt in (`scan` without `--enable-sce`).
    NotEnabled,
    /// The target is an offline tree or an image, which a script run on this host cannot see.
    OfflineTarget,
}

impl SceDisabled {
    /// The message of each `notchecked` rule-result.
    ///
    /// ```
    /// assert!(scap_xccdf::sce::SceDisabled::NotEnabled.message().contains("--enable-sce"));
    /// ```
    pub fn message(self) -> &'static str {
        match self {
            SceDisabled::NotEnabled => {
                "SCE check not run: Script Check Engine checks run scripts from the content on \
                 the scanning host, which must be enabled (scan --enable-sce)"
            }
            SceDisabled::OfflineTarget => {
                "SCE check not run: SCE scripts run on the scanning host and cannot check an \
                 offline target (--root, --image)"
            }
        }
    }
}

/// Limits of one script run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SceLimits {
    /// How long a script may run before it is killed (its check is then `error`).
    pub timeout: Duration,
    /// Bytes kept of each of stdout and stderr; the rest is read and dropped.
    pub max_output: usize,
    /// The largest script run, in bytes.
    pub max_script: u64,
}

impl Default for SceLimits {
    /// Five minutes, 1 MiB of each output, 1 MiB of script.
    fn default() -> Self {
        SceLimits {
            timeout: Duration::from_secs(300),
            max_output: 1 << 20,
            max_script: 1 << 20,
        }
    }
}

impl SceLimits {
    /// The same limits with another timeout.
    ///
    /// ```
    /// let l = scap_xccdf::sce::SceLimits::default().with_timeout(std::time::Duration::from_secs(5));
    /// assert_eq!(l.timeout.as_secs(), 5);
    /// ```
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The same limits with another output size.
    pub fn with_max_output(mut self, bytes: usize) -> Self {
        self.max_output = bytes;
        self
    }
}

/// The scripts SCE checks can name (see the module documentation).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SceScripts {
    /// Script text by normalized catalog name.
    embedded: HashMap<String, String>,
    /// The directory of a standalone benchmark.
    dir: Option<PathBuf>,
}

impl SceScripts {
    /// The scripts a source data stream carries: every entry of the chosen checklist's catalog
    /// that resolves to a component holding an SCE `script` element. Empty for a standalone
    /// benchmark.
    ///
    /// ```
    /// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/sce/sce-ds.xml"))?;
    /// let opts = scap_xccdf::ParseOptions::default();
    /// let src = scap_xccdf::Source::parse_str(&text, None, None, &opts)?;
    /// let scripts = scap_xccdf::sce::SceScripts::from_source(&src);
    /// assert!(scripts.embedded("./check.sh").unwrap().starts_with("#!/bin/sh"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_source(source: &Source) -> SceScripts {
        let mut embedded = HashMap::new();
        let Some(sel) = source.selection() else {
            return SceScripts::default();
        };
        for entry in &sel.checklist.catalog {
            let Ok(component) = source.resolve_check_href(&entry.name) else {
                continue;
            };
            let Some(text) = source.scripts.get(&component.id) else {
                continue;
            };
            if let Some(key) = normalize(&entry.name) {
                embedded.insert(key, text.clone());
            }
        }
        SceScripts {
            embedded,
            dir: None,
        }
    }

    /// Scripts as files under `dir` (a standalone benchmark's directory).
    ///
    /// ```
    /// let s = scap_xccdf::sce::SceScripts::in_directory("/srv/content");
    /// assert!(s.embedded("x.sh").is_none());
    /// ```
    pub fn in_directory(dir: impl Into<PathBuf>) -> SceScripts {
        SceScripts {
            embedded: HashMap::new(),
            dir: Some(dir.into()),
        }
    }

    /// The text of the embedded script an href names, if any.
    pub fn embedded(&self, href: &str) -> Option<&str> {
        self.embedded.get(&normalize(href)?).map(String::as_str)
    }

    /// How many scripts the data stream carries.
    pub fn embedded_count(&self) -> usize {
        self.embedded.len()
    }
}

/// An href as a relative path without `.` or empty segments; `None` if it climbs with `..`
/// or names nothing. oscap joins the href to a directory, so `./a.sh`, `a.sh` and `/a.sh`
/// name the same file there.
fn normalize(href: &str) -> Option<String> {
    let mut parts = Vec::new();
    for seg in href.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s => parts.push(s),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// The engine: see the module documentation.
#[derive(Debug, Clone)]
pub struct SceEngine {
    mode: Mode,
    limits: SceLimits,
}

#[derive(Debug, Clone)]
enum Mode {
    Disabled(SceDisabled),
    Run(SceScripts),
}

impl SceEngine {
    /// An engine that recognises SCE checks and runs none: each is `notchecked` with
    /// `why`'s message.
    ///
    /// ```
    /// use scap_xccdf::{CheckEngine, CheckRequest, XccdfResult};
    /// use scap_xccdf::sce::{SceDisabled, SceEngine, SCE_SYSTEM};
    /// let e = SceEngine::disabled(SceDisabled::NotEnabled);
    /// let out = e.evaluate(&[CheckRequest::new(SCE_SYSTEM, "check.sh", None)]);
    /// assert_eq!(out[0].result, XccdfResult::NotChecked);
    /// ```
    pub fn disabled(why: SceDisabled) -> SceEngine {
        SceEngine {
            mode: Mode::Disabled(why),
            limits: SceLimits::default(),
        }
    }

    /// An engine that runs the content's scripts on this host: the explicit opt-in.
    ///
    /// ```
    /// use scap_xccdf::{CheckEngine, CheckRequest, XccdfResult};
    /// use scap_xccdf::sce::{SceEngine, SceScripts, SCE_SYSTEM};
    /// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/sce");
    /// let e = SceEngine::run_on_this_host(SceScripts::in_directory(dir));
    /// let out = e.evaluate(&[CheckRequest::new(SCE_SYSTEM, "fail.sh", None)]);
    /// assert_eq!(out[0].result, XccdfResult::Fail);
    /// assert_eq!(out[0].imports[0], ("stdout".to_string(), "sshd permits root login\n".to_string()));
    /// ```
    pub fn run_on_this_host(scripts: SceScripts) -> SceEngine {
        SceEngine {
            mode: Mode::Run(scripts),
            limits: SceLimits::default(),
        }
    }

    /// The same engine with other limits.
    pub fn with_limits(mut self, limits: SceLimits) -> SceEngine {
        self.limits = limits;
        self
    }

    fn check(&self, scripts: &SceScripts, req: &CheckRequest) -> CheckOutcome {
        let env = environment(req);
        if let Some(text) = scripts.embedded(&req.href) {
            if text.len() as u64 > self.limits.max_script {
                return CheckOutcome::with_message(
                    XccdfResult::Error,
                    format!(
                        "SCE script {} is larger than {} bytes",
                        req.href, self.limits.max_script
                    ),
                );
            }
            return match TempScript::write(&req.href, text) {
                Ok(tmp) => run(&tmp.path, &env, &self.limits),
                Err(e) => CheckOutcome::with_message(
                    XccdfResult::Error,
                    format!("SCE script {}: cannot write it to run it: {e}", req.href),
                ),
            };
        }
        let Some(dir) = &scripts.dir else {
            // Not in the data stream: unresolvable, the next content-ref is tried (oscap).
            return CheckOutcome::new(XccdfResult::NotChecked);
        };
        match script_file(dir, &req.href, self.limits.max_script) {
            Ok(path) => run(&path, &env, &self.limits),
            Err(outcome) => outcome,
        }
    }
}

impl CheckEngine for SceEngine {
    fn supports(&self, system: &str) -> bool {
        system == SCE_SYSTEM
    }

    fn evaluate(&self, batch: &[CheckRequest]) -> Vec<CheckOutcome> {
        batch
            .iter()
            .map(|req| match &self.mode {
                Mode::Disabled(why) => {
                    CheckOutcome::with_message(XccdfResult::NotChecked, why.message())
                }
                Mode::Run(scripts) => self.check(scripts, req),
            })
            .collect()
    }
}

/// The script file `href` names under `dir`, or the outcome that refuses it.
fn script_file(dir: &Path, href: &str, max: u64) -> Result<PathBuf, CheckOutcome> {
    let refuse = |why: String| CheckOutcome::with_message(XccdfResult::NotChecked, why);
    let rel = normalize(href)
        .ok_or_else(|| refuse(format!("SCE script {href}: not a path under the content")))?;
    let base = dir
        .canonicalize()
        .map_err(|e| refuse(format!("SCE content directory {}: {e}", dir.display())))?;
    let candidate = base.join(rel);
    // Missing: no message, as oscap, so that the evaluator's "not resolvable" applies.
    let path = candidate
        .canonicalize()
        .map_err(|_| CheckOutcome::new(XccdfResult::NotChecked))?;
    if !path.starts_with(&base) {
        return Err(refuse(format!(
            "SCE script {href}: resolves outside the content directory"
        )));
    }
    let meta = std::fs::metadata(&path).map_err(|e| refuse(format!("SCE script {href}: {e}")))?;
    if !meta.is_file() {
        return Err(refuse(format!("SCE script {href}: not a regular file")));
    }
    if meta.len() > max {
        return Err(CheckOutcome::with_message(
            XccdfResult::Error,
            format!("SCE script {href} is larger than {max} bytes"),
        ));
    }
    if meta.permissions().mode() & 0o111 == 0 {
        // oscap: found but not executable is an error.
        return Err(CheckOutcome::with_message(
            XccdfResult::Error,
            format!("SCE script {href} was found but is not executable"),
        ));
    }
    Ok(path)
}

/// The script's environment (see the module documentation).
fn environment(req: &CheckRequest) -> Vec<(String, String)> {
    let mut env = vec![("PATH".to_string(), SCE_PATH.to_string())];
    for (i, (name, _)) in RESULT_CODES.iter().enumerate() {
        env.push((format!("XCCDF_RESULT_{name}"), (101 + i).to_string()));
    }
    for e in &req.exports {
        // A name the environment cannot carry is left out; a NUL cannot be passed at all.
        if e.export_name.is_empty() || e.export_name.contains(['=', '\0']) {
            continue;
        }
        let n = &e.export_name;
        let ty = match e.value_type {
            ValueType::Number => "NUMBER",
            ValueType::Boolean => "BOOLEAN",
            _ => "STRING",
        };
        let op = match e.operator {
            ValueOperator::NotEqual => "NOT_EQUAL",
            ValueOperator::GreaterThan => "GREATER",
            ValueOperator::GreaterThanOrEqual => "GREATER_EQUAL",
            ValueOperator::LessThan => "LESS",
            ValueOperator::LessThanOrEqual => "LESS_EQUAL",
            ValueOperator::PatternMatch => "PATTERN_MATCH",
            _ => "EQUALS",
        };
        env.push((format!("XCCDF_TYPE_{n}"), ty.to_string()));
        env.push((format!("XCCDF_VALUE_{n}"), e.value.replace('\0', "")));
        env.push((format!("XCCDF_OPERATOR_{n}"), op.to_string()));
    }
    env
}

/// An embedded script written to a private directory, removed when dropped.
pub(crate) struct TempScript {
    dir: PathBuf,
    pub(crate) path: PathBuf,
}

impl TempScript {
    pub(crate) fn write(href: &str, text: &str) -> std::io::Result<TempScript> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("scap-sce-{}-{nanos:x}-{n}", std::process::id()));
        // 0700 and create-new: nobody else can place or change the file we run.
        std::fs::DirBuilder::new().mode(0o700).create(&dir)?;
        let name = normalize(href)
            .and_then(|p| p.rsplit('/').next().map(str::to_string))
            .unwrap_or_else(|| "script".to_string());
        let path = dir.join(name);
        let tmp = TempScript { dir, path };
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o700)
            .open(&tmp.path)?;
        std::io::Write::write_all(&mut f, text.as_bytes())?;
        f.sync_all()?;
        Ok(tmp)
    }
}

impl Drop for TempScript {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// One captured output stream.
#[derive(Default)]
pub(crate) struct Capture {
    pub(crate) data: Vec<u8>,
    pub(crate) truncated: bool,
    pub(crate) done: bool,
}

pub(crate) fn capture(mut r: impl Read + Send + 'static, limit: usize) -> Arc<Mutex<Capture>> {
    let cap = Arc::new(Mutex::new(Capture::default()));
    let shared = Arc::clone(&cap);
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        loop {
            let n = match r.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            let Ok(mut c) = shared.lock() else { return };
            let room = limit.saturating_sub(c.data.len());
            let chunk = buf.get(..n.min(room)).unwrap_or_default();
            c.data.extend_from_slice(chunk);
            if n > room {
                c.truncated = true;
            }
        }
        if let Ok(mut c) = shared.lock() {
            c.done = true;
        }
    });
    cap
}

/// Runs `path` with `env` and maps its exit to an outcome.
fn run(path: &Path, env: &[(String, String)], limits: &SceLimits) -> CheckOutcome {
    let mut cmd = Command::new(path);
    cmd.env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own process group, so that a timeout kills what it started too.
        .process_group(0);
    let mut child = match spawn(&mut cmd) {
        Ok(c) => c,
        Err(e) => {
            return CheckOutcome::with_message(
                XccdfResult::Error,
                format!("SCE script {}: cannot run it: {e}", path.display()),
            );
        }
    };
    let out = child.stdout.take().map(|s| capture(s, limits.max_output));
    let err = child.stderr.take().map(|s| capture(s, limits.max_output));
    let (status, timed_out) = wait_with_timeout(&mut child, limits.timeout);
    // The pipes close when the script and whatever it left behind exit; wait a little for
    // the readers, then take what they have (a daemon started by a script keeps its pipe).
    let grace = Instant::now();
    let finished = |c: &Option<Arc<Mutex<Capture>>>| {
        c.as_ref()
            .is_none_or(|c| c.lock().map(|c| c.done).unwrap_or(true))
    };
    while !(finished(&out) && finished(&err)) && grace.elapsed() < Duration::from_secs(2) {
        std::thread::sleep(Duration::from_millis(5));
    }
    let mut messages = Vec::new();
    let mut imports = Vec::new();
    for (name, cap) in [("stdout", out), ("stderr", err)] {
        let Some(cap) = cap else { continue };
        let Ok(c) = cap.lock() else { continue };
        if c.truncated {
            messages.push(format!(
                "SCE script {}: {name} cut at {} bytes",
                path.display(),
                limits.max_output
            ));
        }
        imports.push((name.to_string(), xml_text(&c.data)));
    }
    let code = status.and_then(|s| s.code());
    let result = if timed_out {
        messages.push(format!(
            "SCE script {}: killed after {} s",
            path.display(),
            limits.timeout.as_secs()
        ));
        XccdfResult::Error
    } else {
        match code.and_then(result_of_exit_code) {
            Some(r) => r,
            None => {
                messages.push(match code {
                    Some(c) => format!(
                        "SCE script {}: exit code {c} is not an XCCDF result (101-109)",
                        path.display()
                    ),
                    None => format!("SCE script {}: killed by a signal", path.display()),
                });
                XccdfResult::Error
            }
        }
    };
    CheckOutcome {
        result,
        messages,
        imports,
    }
}

/// Spawns, retrying while the file is busy: a script just written can be held open for
/// writing by a process that another thread forked meanwhile (ETXTBSY).
pub(crate) fn spawn(cmd: &mut Command) -> std::io::Result<std::process::Child> {
    const ETXTBSY: i32 = 26;
    let mut tries = 0;
    loop {
        match cmd.spawn() {
            Err(e) if e.raw_os_error() == Some(ETXTBSY) && tries < 50 => {
                tries += 1;
                std::thread::sleep(Duration::from_millis(10));
            }
            other => return other,
        }
    }
}

/// Kills the process group `pgid` (the script and what it started). Best effort, through
/// kill(1): the crate has no unsafe code to call kill(2) itself.
/// Waits for `child` at most `timeout`; past it, kills its process group (what it started
/// too) and reaps it. The exit status (`None` if it could not be had) and whether it timed out.
pub(crate) fn wait_with_timeout(
    child: &mut std::process::Child,
    timeout: Duration,
) -> (Option<std::process::ExitStatus>, bool) {
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(s)) => return (Some(s), false),
            Ok(None) if started.elapsed() >= timeout => {
                kill_group(child.id());
                let _ = child.kill();
                return (child.wait().ok(), true);
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(_) => return (None, false),
        }
    }
}

pub(crate) fn kill_group(pgid: u32) {
    let _ = Command::new("kill")
        .env_clear()
        .env("PATH", SCE_PATH)
        .args(["-s", "KILL", "--", &format!("-{pgid}")])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Output as text an XML document can carry: invalid UTF-8 and the characters XML 1.0
/// forbids (controls other than tab, newline, return; U+FFFE, U+FFFF) become U+FFFD.
pub(crate) fn xml_text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ExportedValue;

    fn fixtures() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sce")
    }

    fn req(href: &str) -> CheckRequest {
        CheckRequest::new(SCE_SYSTEM, href, None)
    }

    fn import<'a>(o: &'a CheckOutcome, name: &str) -> Option<&'a str> {
        o.imports
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn hrefs_normalize_like_a_directory_lookup() {
        assert_eq!(normalize("./AslrCheck.sh").as_deref(), Some("AslrCheck.sh"));
        assert_eq!(normalize("a/./b.sh").as_deref(), Some("a/b.sh"));
        assert_eq!(normalize("/a.sh").as_deref(), Some("a.sh"));
        assert_eq!(normalize("../a.sh"), None);
        assert_eq!(normalize("a/../../b"), None);
        assert_eq!(normalize("./"), None);
    }

    #[test]
    fn exit_codes_map_to_results() {
        assert_eq!(result_of_exit_code(101), Some(XccdfResult::Pass));
        assert_eq!(result_of_exit_code(109), Some(XccdfResult::Fixed));
        for bad in [0, 1, 100, 110, 255, -1, i32::MIN] {
            assert_eq!(result_of_exit_code(bad), None, "{bad}");
        }
    }

    /// The environment as oscap 1.3.7 gives it (a script running `env` under oscap printed
    /// exactly these names for an export `myvar` of a number Value with operator
    /// "greater than").
    #[test]
    fn environment_is_oscaps() {
        let mut r = req("x.sh");
        r.exports.push(
            ExportedValue::new("v", "myvar", "42", ValueType::Number)
                .with_operator(ValueOperator::GreaterThan),
        );
        r.exports
            .push(ExportedValue::new("w", "bad=name", "1", ValueType::String));
        let env: HashMap<String, String> = environment(&r).into_iter().collect();
        assert_eq!(env.len(), 13);
        assert_eq!(env["PATH"], SCE_PATH);
        assert_eq!(env["XCCDF_RESULT_NOT_APPLICABLE"], "105");
        assert_eq!(env["XCCDF_RESULT_FIXED"], "109");
        assert_eq!(env["XCCDF_VALUE_myvar"], "42");
        assert_eq!(env["XCCDF_TYPE_myvar"], "NUMBER");
        assert_eq!(env["XCCDF_OPERATOR_myvar"], "GREATER");
    }

    #[test]
    fn runs_scripts_of_a_directory() {
        let e = SceEngine::run_on_this_host(SceScripts::in_directory(fixtures()));
        let mut pass = req("pass.sh");
        pass.exports.push(ExportedValue::new(
            "v",
            "limit",
            "7 & <8>",
            ValueType::String,
        ));
        let batch = [
            pass,
            req("./fail.sh"),
            req("bad-exit.sh"),
            req("not-executable.sh"),
            req("missing.sh"),
            req("../sce/pass.sh"),
            req("informational.sh"),
        ];
        let out = e.evaluate(&batch);
        let got: Vec<XccdfResult> = out.iter().map(|o| o.result).collect();
        use XccdfResult::*;
        assert_eq!(
            got,
            [
                Pass,
                Fail,
                Error,
                Error,
                NotChecked,
                NotChecked,
                Informational
            ]
        );
        assert_eq!(
            import(&out[0], "stdout"),
            Some("limit=7 & <8> type=STRING op=EQUALS\n")
        );
        assert_eq!(import(&out[0], "stderr"), Some("to stderr\n"));
        assert!(out[2].messages[0].contains("exit code 7"), "{:?}", out[2]);
        assert!(out[3].messages[0].contains("not executable"));
        // Missing: no message, so the evaluator says "not resolvable" as oscap does.
        assert!(out[4].messages.is_empty());
        assert!(out[5].messages[0].contains("not a path under"));
    }

    #[test]
    fn symlinks_out_of_the_directory_are_refused() {
        let e = SceEngine::run_on_this_host(SceScripts::in_directory(fixtures().join("sub")));
        let out = e.evaluate(&[req("escape.sh"), req("inner.sh")]);
        assert_eq!(out[0].result, XccdfResult::NotChecked);
        assert!(out[0].messages[0].contains("outside"), "{:?}", out[0]);
        assert_eq!(out[1].result, XccdfResult::Pass);
    }

    #[test]
    fn timeouts_and_output_limits() {
        let limits = SceLimits::default()
            .with_timeout(Duration::from_millis(1000))
            .with_max_output(10);
        let e =
            SceEngine::run_on_this_host(SceScripts::in_directory(fixtures())).with_limits(limits);
        let started = Instant::now();
        let out = e.evaluate(&[req("sleep.sh"), req("chatty.sh")]);
        // The sleep (60 s) of the script and of its child were cut short.
        assert!(started.elapsed() < Duration::from_secs(10));
        assert_eq!(out[0].result, XccdfResult::Error);
        assert!(out[0].messages.iter().any(|m| m.contains("killed after")));
        assert_eq!(import(&out[0], "stdout"), Some("started\n"));
        assert_eq!(out[1].result, XccdfResult::Pass);
        assert_eq!(import(&out[1], "stdout").map(str::len), Some(10));
        assert!(out[1].messages[0].contains("cut at 10 bytes"));
    }

    #[test]
    fn disabled_engine_runs_nothing() {
        for why in [SceDisabled::NotEnabled, SceDisabled::OfflineTarget] {
            let e = SceEngine::disabled(why);
            assert!(e.supports(SCE_SYSTEM));
            assert!(!e.supports(crate::eval::OVAL_SYSTEM));
            let out = e.evaluate(&[req("pass.sh")]);
            assert_eq!(out[0].result, XccdfResult::NotChecked);
            assert_eq!(out[0].messages, [why.message()]);
        }
    }

    #[test]
    fn output_is_made_xml_safe() {
        assert_eq!(xml_text(b"a\x01b\tc\xffd"), "a\u{FFFD}b\tc\u{FFFD}d");
    }
}
