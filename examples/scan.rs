//! Scan a host (or an offline tree, or a container image) with XCCDF content, taking
//! `oscap xccdf eval`'s command line: a script's `oscap xccdf eval ARGS` works as
//! `cargo run --release --example scan -- ARGS`.
//!
//! ```text
//! cargo run --release --example scan -- [--profile ID|SUFFIX|'(all)'] [--tailoring-file FILE |
//!     --tailoring-id ID] [--cpe DICT] [--results FILE] [--results-arf FILE] [--oval-results]
//!     [--stig-viewer FILE] [--report FILE] [--progress] [--rule ID]... [--skip-rule ID]...
//!     [--datastream-id ID] [--xccdf-id ID | --benchmark-id ID] [--verbose LEVEL]
//!     [--root DIR | --image PATH[:REF]] [--env-file FILE] INPUT_FILE [OVAL_FILE...]
//! ```
//!
//! `scan --help` lists every option. INPUT_FILE is a source data stream, a standalone XCCDF
//! benchmark (composed with the check files it names and the `--cpe` dictionaries into a data
//! stream, as oscap does for its ARF) or a tailoring file (its benchmark href is loaded,
//! relative to it); see `scap_xccdf::input`. With no arguments at all it scans this host with a
//! small bundled baseline (`examples/data/linux-baseline-ds.xml`).
//!
//! Output: one line per selected rule (result, rule id, title), the count of each result and
//! the scores; with `--progress`, oscap's `RULE_ID:RESULT` lines instead. `--profile` takes a
//! full id, a suffix of one (oscap's rule: tailoring profiles first; two matches are an error)
//! or `(all)`. `--rule` and `--skip-rule` take full rule ids or the part after `_rule_`.
//!
//! Output files are written to a temporary file, then renamed (never half a file):
//! `--results` (XCCDF 1.2 TestResult), `--results-arf`/`--arf` (ARF 1.1), `--stig-viewer`
//! (the TestResult with STIG rule ids), `--oval-results` (`NAME.result.xml` per check file in
//! the current directory, or in `--oval-results-dir DIR`), `--report` (HTML), and beyond
//! oscap `--ckl`/`--cklb` (STIG Viewer checklists), `--poam` (POA&M CSV), `--json`.
//!
//! `--enable-sce` runs Script Check Engine checks: scripts from the content, run on this host
//! (see `scap_xccdf::sce`); without it, and for `--root` / `--image`, they are `notchecked`
//! with a message saying why.
//!
//! Targets beyond oscap: `--root DIR` scans an unpacked tree offline, `--image PATH[:REF]` a
//! container image in place (OCI layout or `docker save` archive). An offline target's
//! environment is `--env-file FILE` (NAME=value lines), else `OSCAP_CONTAINER_VARS`, else an
//! image's config `Env`, else not collectable.
//!
//! Exit status: 0 when no rule failed, 2 when a rule failed or errored, 1 on bad usage or bad
//! input (as oscap); `--help` and `--version` exit 0.

use std::ffi::OsString;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use scap_examples::cli::{self, Opt, Parsed, UsageError, Verbosity};
use scap_oval::results::Content;
use scap_probe::{LiveHost, RootFs, Target};
use scap_xccdf::oval_engine::OvalEngine;
use scap_xccdf::sce::{SceDisabled, SceEngine, SceScripts};
use scap_xccdf::{
    EvalOptions, Input, InputKind, InputOptions, ParseOptions, Policy, ScanResults, Source,
    Tailoring, TestResultInfo, XccdfResult,
};

/// The bundled default benchmark.
const DEFAULT_DS: &str = include_str!("data/linux-baseline-ds.xml");
const DEFAULT_DS_NAME: &str = "examples/data/linux-baseline-ds.xml";

const USAGE: &str = "usage: scan [options] INPUT_FILE [OVAL_FILE...]
       scan            (no arguments: scan this host with the bundled Linux baseline)

INPUT_FILE is a source data stream, an XCCDF benchmark or an XCCDF tailoring file (its
benchmark href is loaded, relative to it). The options are oscap xccdf eval's:

  --profile ID               profile id, a unique suffix of one (`standard`), or '(all)'
  --rule ID / --skip-rule ID evaluate only / never this rule (repeatable; short ids work)
  --tailoring-file FILE      an XCCDF tailoring file
  --tailoring-id ID          a tailoring component (or its component-ref) in the data stream
  --cpe FILE                 a CPE dictionary for platform applicability (repeatable)
  --datastream-id ID, --xccdf-id ID, --benchmark-id ID   which checklist of a data stream
  --results FILE             XCCDF 1.2 results (TestResult)
  --results-arf FILE         ARF 1.1 report (also --arf)
  --stig-viewer FILE         XCCDF results with STIG rule ids, for DISA STIG Viewer
  --oval-results             OVAL results of each check file as NAME.result.xml in the cwd
  --oval-results-dir DIR     ... in DIR instead (not in oscap)
  --export-variables         the OVAL external variables used, as NAME-N.variables-0.xml
  --thin-results             OVAL results (files and ARF) without criteria, tests or items
  --without-syschar          OVAL results (files and ARF) without collected objects and items
  --report FILE              self-contained HTML report
  --progress                 print RULE_ID:RESULT lines instead of the table
  --progress-full            print RULE_ID|TITLE|RESULT lines
  --verbose LEVEL            DEVEL, INFO, WARNING (default) or ERROR
  --local-files DIR          where remote components of the data stream are found, by name
  --skip-validation, --skip-valid, --skip-signature-validation   accepted (no XSD validation)
  --fetch-remote-resources, --remediate, --enforce-signature      refused

Not in oscap:
  --root DIR | --image PATH[:REF]   scan an offline tree or a container image
  --env-file FILE            NAME=value lines: the offline target's environment
  --enable-sce               run the content's SCE scripts on this host (live scans only;
                             oscap runs them always, even for an offline root)
  --ckl FILE, --cklb FILE, --poam FILE, --json FILE   STIG Viewer checklists, POA&M, JSON
  -h, --help; -V, --version

Find profile ids with: cargo run --example info -- INPUT_FILE";

/// Every option of `scan` (oscap xccdf eval's, plus ours).
const OPTS: &[Opt] = &[
    Opt::value(&["--profile"], "ID"),
    Opt::value(&["--rule"], "ID"),
    Opt::value(&["--skip-rule"], "ID"),
    Opt::value(&["--tailoring-file"], "FILE"),
    Opt::value(&["--tailoring-id"], "ID"),
    Opt::value(&["--cpe"], "FILE"),
    Opt::value(&["--datastream-id"], "ID"),
    Opt::value(&["--xccdf-id"], "ID"),
    Opt::value(&["--benchmark-id"], "ID"),
    Opt::value(&["--results"], "FILE"),
    Opt::value(&["--results-arf", "--arf"], "FILE"),
    Opt::value(&["--stig-viewer"], "FILE"),
    Opt::flag(&["--oval-results"]),
    Opt::value(&["--oval-results-dir"], "DIR"),
    Opt::flag(&["--check-engine-results"]),
    Opt::flag(&["--export-variables"]),
    Opt::flag(&["--enable-sce"]),
    Opt::flag(&["--thin-results"]),
    Opt::flag(&["--without-syschar"]),
    Opt::value(&["--report"], "FILE"),
    Opt::value(&["--ckl"], "FILE"),
    Opt::value(&["--cklb"], "FILE"),
    Opt::value(&["--poam"], "FILE"),
    Opt::value(&["--json"], "FILE"),
    Opt::flag(&["--progress"]),
    Opt::flag(&["--progress-full"]),
    Opt::value(&["--verbose"], "LEVEL"),
    Opt::value(&["--verbose-log-file"], "FILE"),
    Opt::value(&["--local-files"], "DIR"),
    Opt::flag(&["--skip-validation", "--skip-valid"]),
    Opt::flag(&["--skip-signature-validation"]),
    Opt::flag(&["--fetch-remote-resources"]),
    Opt::flag(&["--remediate"]),
    Opt::flag(&["--enforce-signature"]),
    Opt::value(&["--root"], "DIR"),
    Opt::value(&["--image"], "PATH[:REF]"),
    Opt::value(&["--env-file"], "FILE"),
];

/// How rule results are printed.
#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum Output {
    /// The table, counts and scores.
    #[default]
    Table,
    /// oscap `--progress`: `RULE_ID:RESULT`.
    Progress,
    /// oscap `--progress-full`: `RULE_ID|TITLE|RESULT`.
    ProgressFull,
}

struct Args {
    profile: Option<String>,
    root: Option<PathBuf>,
    image: Option<String>,
    env_file: Option<PathBuf>,
    results: Option<PathBuf>,
    stig_viewer: Option<PathBuf>,
    /// `--oval-results` (the cwd) or `--oval-results-dir DIR`.
    oval_results: Option<PathBuf>,
    export_variables: bool,
    /// `--enable-sce`: run the content's Script Check Engine scripts on this host.
    enable_sce: bool,
    /// What the OVAL results (files and ARF) carry.
    oval_content: Content,
    evidence: Evidence,
    tailoring: Option<PathBuf>,
    input: InputOptions,
    rules: Vec<String>,
    skip_rules: Vec<String>,
    output: Output,
    verbosity: Verbosity,
    datastream: Option<PathBuf>,
    /// OVAL files named after the input (oscap's `[oval-definitions-files]`).
    oval_files: Vec<PathBuf>,
}

/// What the command line asks for: a scan, or help / version.
enum Command {
    Scan(Box<Args>),
    Help,
    Version,
}

fn parse_args(words: impl IntoIterator<Item = OsString>) -> Result<Command, UsageError> {
    let mut a = Args {
        profile: None,
        root: None,
        image: None,
        env_file: None,
        results: None,
        stig_viewer: None,
        oval_results: None,
        export_variables: false,
        enable_sce: false,
        oval_content: Content::default(),
        evidence: Evidence::default(),
        tailoring: None,
        input: InputOptions::default(),
        rules: Vec::new(),
        skip_rules: Vec::new(),
        output: Output::default(),
        verbosity: Verbosity::default(),
        datastream: None,
        oval_files: Vec::new(),
    };
    for item in cli::parse(OPTS, words)? {
        let (name, value) = match item {
            Parsed::Help => return Ok(Command::Help),
            Parsed::Version => return Ok(Command::Version),
            Parsed::Positional(p) => {
                if a.datastream.is_none() {
                    a.datastream = Some(p.into());
                } else {
                    a.oval_files.push(p.into());
                }
                continue;
            }
            Parsed::Flag(name) => {
                match name {
                    "--oval-results" => a.oval_results = Some(PathBuf::from(".")),
                    "--export-variables" => a.export_variables = true,
                    "--enable-sce" => a.enable_sce = true,
                    "--progress" => a.output = Output::Progress,
                    "--progress-full" => a.output = Output::ProgressFull,
                    "--thin-results" => a.oval_content = Content::thin(),
                    "--without-syschar" if a.oval_content.full => {
                        a.oval_content = Content::without_system_characteristics();
                    }
                    // Accepted: we never validate against the XSDs or check signatures, and
                    // write no check-engine plugin results.
                    "--without-syschar"
                    | "--skip-validation"
                    | "--skip-signature-validation"
                    | "--check-engine-results" => {}
                    "--fetch-remote-resources" => {
                        return Err(UsageError(
                            "--fetch-remote-resources: this scanner never downloads content; \
                             download it yourself and pass --local-files DIR"
                                .into(),
                        ));
                    }
                    "--remediate" => {
                        return Err(UsageError(
                            "--remediate: this scanner does not change the system it scans".into(),
                        ));
                    }
                    "--enforce-signature" => {
                        return Err(UsageError(
                            "--enforce-signature: data stream signatures are not verified".into(),
                        ));
                    }
                    _ => return Err(UsageError(format!("{name} is not handled"))),
                }
                continue;
            }
            Parsed::Value(name, value) => (name, value),
        };
        let path = PathBuf::from(&value);
        match name {
            "--profile" => a.profile = Some(cli::utf8(name, value)?),
            "--rule" => a.rules.push(cli::utf8(name, value)?),
            "--skip-rule" => a.skip_rules.push(cli::utf8(name, value)?),
            "--tailoring-file" => a.tailoring = Some(path),
            "--tailoring-id" => a.input.tailoring_id = Some(cli::utf8(name, value)?),
            "--cpe" => a.input.cpe.push(path),
            "--datastream-id" => a.input.datastream_id = Some(cli::utf8(name, value)?),
            "--xccdf-id" => a.input.xccdf_id = Some(cli::utf8(name, value)?),
            "--benchmark-id" => a.input.benchmark_id = Some(cli::utf8(name, value)?),
            "--results" => a.results = Some(path),
            "--results-arf" => a.evidence.arf = Some(path),
            "--stig-viewer" => a.stig_viewer = Some(path),
            "--oval-results-dir" => a.oval_results = Some(path),
            "--report" => a.evidence.html = Some(path),
            "--ckl" => a.evidence.ckl = Some(path),
            "--cklb" => a.evidence.cklb = Some(path),
            "--poam" => a.evidence.poam = Some(path),
            "--json" => a.evidence.json = Some(path),
            "--verbose" => a.verbosity = cli::utf8(name, value)?.parse()?,
            // oscap's log file for its own debug messages; ours go to stderr.
            "--verbose-log-file" => {}
            "--local-files" => a.input.local_files = Some(path),
            "--root" => a.root = Some(path),
            "--image" => a.image = Some(cli::utf8(name, value)?),
            "--env-file" => a.env_file = Some(path),
            _ => return Err(UsageError(format!("{name} is not handled"))),
        }
    }
    if a.root.is_some() && a.image.is_some() {
        return Err(UsageError(
            "--root and --image name two targets: give one".into(),
        ));
    }
    Ok(Command::Scan(Box::new(a)))
}

/// The SCE engine: runs scripts only with `--enable-sce` and only on this host (an offline
/// target's checks would see the host). A data stream's scripts are its own; those of a
/// benchmark composed into one are files beside the benchmark.
fn sce_engine(args: &Args, input: &Input, source: &Source) -> SceEngine {
    if !args.enable_sce {
        return SceEngine::disabled(SceDisabled::NotEnabled);
    }
    if args.root.is_some() || args.image.is_some() {
        return SceEngine::disabled(SceDisabled::OfflineTarget);
    }
    if !input.composed {
        return SceEngine::run_on_this_host(SceScripts::from_source(source));
    }
    let base = input.benchmark_path.parent();
    let base = base.filter(|p| !p.as_os_str().is_empty());
    SceEngine::run_on_this_host(SceScripts::in_directory(base.unwrap_or(Path::new("."))))
}

/// The target: `--root`, `--image` or this host. An offline target's environment is
/// `--env-file`, else `OSCAP_CONTAINER_VARS`, else (an image) its config's `Env`.
fn offline_target(args: &Args) -> Result<Box<dyn Target>, String> {
    let env = match &args.env_file {
        Some(f) => Some(scap_probe::parse_env_lines(
            &std::fs::read_to_string(f).map_err(|e| format!("{}: {e}", f.display()))?,
        )),
        None => std::env::var("OSCAP_CONTAINER_VARS")
            .ok()
            .map(|v| scap_probe::parse_env_lines(&v)),
    };
    if let Some(root) = &args.root {
        let r = RootFs::new(root).map_err(|e| format!("--root {}: {e}", root.display()))?;
        return Ok(match env {
            Some(env) => Box::new(r.with_environment(env)),
            None => Box::new(r),
        });
    }
    if let Some(image) = &args.image {
        let (path, reference) = scap_probe::split_image_arg(image);
        let mut options = scap_probe::OciOptions::default();
        options.reference = reference;
        let img = scap_probe::OciImage::open_with(&path, &options)
            .map_err(|e| format!("--image {image}: {e}"))?;
        return Ok(match env {
            Some(env) => Box::new(img.with_environment(env)),
            None => Box::new(img),
        });
    }
    Ok(Box::new(LiveHost::new()))
}

/// A failure with the exit status it gives.
struct Failure(u8, String);

fn main() -> ExitCode {
    let no_args = std::env::args_os().len() <= 1;
    let args = match parse_args(std::env::args_os().skip(1)) {
        Ok(Command::Scan(a)) => a,
        Ok(Command::Help) => {
            // `scan --help | head` must not panic on the closed pipe.
            let _ = writeln!(std::io::stdout(), "{USAGE}");
            return ExitCode::SUCCESS;
        }
        Ok(Command::Version) => {
            let _ = writeln!(
                std::io::stdout(),
                "scan (scap-rs) {}",
                env!("CARGO_PKG_VERSION")
            );
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("scan: {e}\n(scan --help for the options)");
            return ExitCode::from(1);
        }
    };
    match run(*args, no_args) {
        Ok(code) => ExitCode::from(code),
        Err(Failure(code, msg)) => {
            eprintln!("scan: {msg}");
            ExitCode::from(code)
        }
    }
}

fn bad(msg: impl std::fmt::Display) -> Failure {
    Failure(1, msg.to_string())
}

/// Prints a warning unless `--verbose ERROR`.
fn warn(args: &Args, msg: impl std::fmt::Display) {
    if args.verbosity >= Verbosity::Warning {
        eprintln!("scan: warning: {msg}");
    }
}

fn run(mut args: Args, no_args: bool) -> Result<u8, Failure> {
    let started = Instant::now();
    let parse_opts = ParseOptions::default();
    args.input.check_files = args.oval_files.clone();
    let input = match &args.datastream {
        Some(p) => Input::load(p, &args.input, &parse_opts).map_err(bad)?,
        None if no_args => {
            println!(
                "No data stream given: scanning this host with the bundled baseline ({DEFAULT_DS_NAME}).\n\
                 Scan with SCAP Security Guide content: scan --profile standard /usr/share/xml/scap/ssg/content/ssg-debian12-ds.xml\n"
            );
            Input::from_text(
                DEFAULT_DS,
                DEFAULT_DS_NAME.as_ref(),
                &args.input,
                &parse_opts,
            )
            .map_err(bad)?
        }
        None => return Err(bad("no INPUT_FILE given (scan --help for the usage)")),
    };
    for note in &input.notes {
        warn(&args, note);
    }
    let href = match &args.datastream {
        Some(_) => input.benchmark_path.display().to_string(),
        None => DEFAULT_DS_NAME.to_string(),
    };
    let text = &input.text;
    let doc = parse_opts
        .parse_document(text)
        .map_err(|e| bad(format!("{href}: {e}")))?;
    let source = input
        .source(&doc, &args.input, &parse_opts)
        .map_err(|e| bad(format!("{href}: {e}")))?;
    if args.verbosity >= Verbosity::Info {
        eprintln!(
            "scan: loaded {href} in {:.2?} (data stream {}, checklist {})",
            started.elapsed(),
            source.data_stream_id.as_deref().unwrap_or("-"),
            source.checklist_ref_id.as_deref().unwrap_or("-")
        );
    }

    let tailoring = match (&args.tailoring, &args.input.tailoring_id) {
        (Some(p), _) => {
            let t = std::fs::read_to_string(p).map_err(|e| bad(format!("{}: {e}", p.display())))?;
            Some(
                Tailoring::parse_str(&t, &parse_opts)
                    .map_err(|e| bad(format!("{}: {e}", p.display())))?,
            )
        }
        (None, Some(id)) => Some(
            scap_xccdf::input::tailoring_component(&doc, &source, id, &parse_opts)
                .map_err(|e| bad(format!("--tailoring-id {id}: {e}")))?,
        ),
        (None, None) => input.tailoring.clone(),
    };
    let profile_id = match &args.profile {
        None => None,
        Some(name) => Some(
            scap_xccdf::find_profile_id(&source.benchmark, tailoring.as_ref(), name).map_err(
                |e| {
                    let what = match e {
                        scap_xccdf::Error::NotFound { .. } => {
                            format!("no profile matches {name:?}")
                        }
                        e => e.to_string(),
                    };
                    let shown = args
                        .datastream
                        .as_deref()
                        .map_or(DEFAULT_DS_NAME.into(), |p| p.display().to_string());
                    bad(format!(
                        "--profile {name}: {what}. List the profiles with:\n  cargo run --example info -- {shown}"
                    ))
                },
            )?,
        ),
    };
    let policy = Policy::new(&source.benchmark, tailoring.as_ref(), profile_id.as_deref())
        .map_err(|e| bad(format!("{href}: {e}")))?;

    // `--rule` of an unknown rule is an error, as in oscap ("Rule 'X' not found in selected
    // profile", exit 1); `--skip-rule` of one is ignored, where oscap says nothing: we warn.
    let find = |r: &str| {
        let suffix = format!("_rule_{r}");
        policy
            .rules
            .iter()
            .find(|x| x.id() == r || x.id().ends_with(&suffix))
            .map(|x| x.id().to_string())
    };
    let mut rules = Vec::new();
    for r in &args.rules {
        rules.push(
            find(r).ok_or_else(|| bad(format!("--rule {r}: no such rule in the benchmark")))?,
        );
    }
    let mut skip = Vec::new();
    for r in &args.skip_rules {
        match find(r) {
            Some(id) => skip.push(id),
            None => warn(&args, format!("--skip-rule {r}: no such rule, ignored")),
        }
    }
    let eval_opts = EvalOptions::new(rules, skip);

    let target = offline_target(&args).map_err(bad)?;
    for w in policy.warnings.iter().chain(&policy.export_warnings()) {
        warn(&args, w);
    }
    let unresolved = scap_xccdf::input::unresolved_platforms(&source);
    if !unresolved.is_empty() {
        warn(
            &args,
            format!(
                "platform{} {} cannot be resolved (no CPE dictionary or platform definition{}): what needs {} is notapplicable",
                if unresolved.len() > 1 { "s" } else { "" },
                unresolved.join(", "),
                if input.kind == InputKind::DataStream {
                    ""
                } else {
                    "; give one with --cpe FILE"
                },
                if unresolved.len() > 1 { "them" } else { "it" },
            ),
        );
    }
    let keep = args.oval_results.is_some() || args.evidence.any() || args.export_variables;
    let engine = OvalEngine::new(&doc, &source, target.as_ref()).keep_results(keep);
    let sce = sce_engine(&args, &input, &source);
    let mut engines = scap_xccdf::Engines::default();
    engines.push(Box::new(&engine)).push(Box::new(sce));
    let results = scap_xccdf::evaluate(&source, &policy, &engines, &eval_opts)
        .map_err(|e| bad(format!("{href}: {e}")))?;
    drop(engines);

    for (component, w) in engine.warnings() {
        warn(&args, format!("{href}: {component}: {w}"));
    }
    match args.output {
        Output::Table => print_results(&results, &source, &policy, started),
        Output::Progress | Output::ProgressFull => print_progress(&results, args.output),
    }

    let passes = engine.take_results();
    if args.results.is_some() || args.evidence.any() || args.stig_viewer.is_some() {
        let host = target.hostname().unwrap_or_else(|_| "unknown".to_string());
        let mut info = TestResultInfo::new(href.clone(), host.clone());
        add_target_facts(&mut info, target.as_ref(), &host);
        if args.root.is_none() && args.image.is_none() {
            if let Some(uid) = own_uid() {
                info.identity = Some((user_name(uid), false, uid == 0));
            }
        }
        let xml = scap_xccdf::write_test_result(&results, &info);
        if let Some(out) = &args.results {
            write_atomically(out, xml.as_bytes())
                .map_err(|e| bad(format!("{}: {e}", out.display())))?;
        }
        if let Some(out) = &args.stig_viewer {
            let stig = scap_xccdf::testresult::stig_viewer_ids(&results, &source.benchmark);
            let xml = scap_xccdf::write_test_result(&stig, &info);
            write_atomically(out, xml.as_bytes())
                .map_err(|e| bad(format!("{}: {e}", out.display())))?;
        }
        if args.evidence.any() {
            write_evidence(
                (&args.evidence, &args.oval_content),
                (&source, &results),
                text,
                &xml,
                &engine,
                &passes,
                target.as_ref(),
            )?;
        }
    }
    if let Some(dir) = &args.oval_results {
        write_oval_results(
            &engine,
            (&source, &args.oval_content),
            &passes,
            target.as_ref(),
            dir,
        )?;
    }
    if args.export_variables {
        write_variables(&engine, &source, &passes)?;
    }
    Ok(if results.has_failures() { 2 } else { 0 })
}

/// oscap `--export-variables`: the external variables (exported XCCDF values) each OVAL pass
/// used, as `NAME-N.variables-0.xml` in the current directory (N counts the passes over one
/// component; a pass that used none writes nothing).
fn write_variables(
    engine: &OvalEngine<'_>,
    source: &Source,
    passes: &Passes,
) -> Result<(), Failure> {
    let mut seen: std::collections::HashMap<String, usize> = Default::default();
    for (key, results) in passes {
        let Some(loaded) = engine.definitions(key) else {
            continue;
        };
        let Ok(defs) = &*loaded else { continue };
        let name = output_name(source, key);
        let n = seen.entry(name.clone()).or_default();
        let path = PathBuf::from(format!("{name}-{n}.variables-0.xml"));
        *n += 1;
        let Some(xml) = scap_oval::results::write_variables(defs, results) else {
            continue;
        };
        write_atomically(&path, xml.as_bytes())
            .map_err(|e| bad(format!("{}: {e}", path.display())))?;
    }
    Ok(())
}

/// oscap `--progress` (`RULE_ID:RESULT`) and `--progress-full` (`RULE_ID|TITLE|RESULT`): one
/// line per selected rule on stdout, nothing else.
fn print_progress(results: &ScanResults, output: Output) {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for r in results
        .rules
        .iter()
        .filter(|r| r.result != XccdfResult::NotSelected)
    {
        let _ = if output == Output::ProgressFull {
            writeln!(out, "{}|{}|{}", r.rule_id, r.title, r.result.as_str())
        } else {
            writeln!(out, "{}:{}", r.rule_id, r.result.as_str())
        };
    }
}

/// The OVAL results passes kept by the engine: component key and results.
type Passes = Vec<(String, std::rc::Rc<scap_oval::eval::Results>)>;

/// The ARF, HTML report, checklists, POA&M and JSON to write.
#[derive(Default)]
struct Evidence {
    arf: Option<PathBuf>,
    html: Option<PathBuf>,
    ckl: Option<PathBuf>,
    cklb: Option<PathBuf>,
    poam: Option<PathBuf>,
    json: Option<PathBuf>,
}

impl Evidence {
    fn any(&self) -> bool {
        self.arf.is_some() || self.reports()
    }

    fn reports(&self) -> bool {
        self.html.is_some()
            || self.ckl.is_some()
            || self.cklb.is_some()
            || self.poam.is_some()
            || self.json.is_some()
    }
}

/// Writes the ARF (data stream, asset, TestResult, one OVAL results report per engine pass)
/// and the reports made from it.
fn write_evidence(
    (ev, content): (&Evidence, &Content),
    (source, scan): (&Source, &ScanResults),
    data_stream: &str,
    test_result: &str,
    engine: &OvalEngine<'_>,
    passes: &Passes,
    target: &dyn Target,
) -> Result<(), Failure> {
    use scap_arf::report::{ScanReport, ckl, cklb, html, poam};
    let info = system_info(target);
    let mut ovals = Vec::new();
    for (key, results) in passes {
        let Some(loaded) = engine.definitions(key) else {
            continue;
        };
        let Ok(defs) = &*loaded else { continue };
        ovals.push((
            key,
            scap_oval::results::write_results_with(defs, results, &info, content),
        ));
    }
    let mut input = scap_arf::ArfInput::new(
        asset_of(target),
        data_stream,
        test_result,
    );
    for (n, (_, text)) in ovals.iter().enumerate() {
        input = input.with_oval(format!("oval{n}"), text);
    }
    // Point each check href at the first report of its component (`href="#ovalN"`, as oscap).
    let mut hrefs = std::collections::BTreeSet::new();
    for rule in &scan.rules {
        for r in rule.check.iter().flat_map(|c| &c.content_refs) {
            hrefs.insert(r.href.clone());
        }
    }
    for href in hrefs {
        let key = match source.resolve_check_href(&href) {
            Ok(c) => c.id.clone(),
            Err(_) => href.clone(),
        };
        let report = ovals.iter().position(|(k, _)| **k == key);
        if let Some(n) = report {
            input = input.with_check_ref(href, format!("oval{n}"));
        }
    }
    let arf_text = scap_arf::write_arf(&input).map_err(|e| bad(format!("ARF: {e}")))?;
    if let Some(p) = &ev.arf {
        write_atomically(p, arf_text.as_bytes())
            .map_err(|e| bad(format!("{}: {e}", p.display())))?;
    }
    if !ev.reports() {
        return Ok(());
    }
    let arf = scap_arf::Arf::parse(&arf_text).map_err(|e| bad(format!("ARF: {e}")))?;
    let report = ScanReport::from_arf(&arf).map_err(|e| bad(format!("report: {e}")))?;
    let json = |r: scap_arf::Result<String>| r.map_err(|e| bad(format!("JSON: {e}")));
    let today = chrono::Local::now().date_naive();
    let put = |path: &Option<PathBuf>, text: String| -> Result<(), Failure> {
        match path {
            Some(p) => write_atomically(p, text.as_bytes())
                .map_err(|e| bad(format!("{}: {e}", p.display()))),
            None => Ok(()),
        }
    };
    if ev.html.is_some() {
        put(&ev.html, html::render(&report))?;
    }
    if ev.ckl.is_some() {
        put(&ev.ckl, ckl::render(&report))?;
    }
    if ev.cklb.is_some() {
        put(&ev.cklb, json(cklb::render(&report))?)?;
    }
    if ev.poam.is_some() {
        put(
            &ev.poam,
            poam::render(&report, &poam::Sla::default(), today),
        )?;
    }
    if ev.json.is_some() {
        put(&ev.json, json(report.to_json())?)?;
    }
    Ok(())
}

/// The ARF asset of a target: host name (also as FQDN, as oscap), IP and MAC addresses.
fn asset_of(target: &dyn Target) -> scap_arf::Asset {
    let mut a = scap_arf::Asset::new();
    if let Ok(h) = target.hostname() {
        a = a.with_hostname(&h).with_fqdn(&h);
    }
    if let Ok(interfaces) = target.interfaces() {
        for i in &interfaces {
            for ad in &i.addresses {
                a = a.with_ip_address(ad.addr);
            }
            a = a.with_mac_address(&i.hardware_addr);
        }
    }
    a
}

/// The `system_info` of OVAL results for a target.
fn system_info(target: &dyn Target) -> scap_oval::results::SystemInfo {
    let uname = target.uname().ok();
    scap_oval::results::SystemInfo {
        os_name: uname
            .as_ref()
            .map(|u| u.sysname.clone())
            .unwrap_or_default(),
        os_version: uname
            .as_ref()
            .map(|u| u.version.clone())
            .unwrap_or_default(),
        architecture: uname
            .as_ref()
            .map(|u| u.machine.clone())
            .unwrap_or_default(),
        primary_host_name: target.hostname().unwrap_or_default(),
    }
}

/// The file name oscap gives a component's OVAL output: its name in the content
/// (`ssg-debian11-oval.xml`), the last path segment, made safe as a file name.
fn output_name(source: &Source, key: &str) -> String {
    let name = source.component_name(key);
    let last = name.rsplit('/').next().unwrap_or(&name);
    last.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Writes each OVAL evaluation pass of the engine as an OVAL results document, named as oscap
/// `--oval-results` does (`NAME.result.xml`; a component evaluated in several passes, with
/// different exported values, gives `NAME.N.result.xml` for the later ones).
fn write_oval_results(
    engine: &OvalEngine<'_>,
    (source, content): (&Source, &Content),
    passes: &Passes,
    target: &dyn Target,
    dir: &Path,
) -> Result<(), Failure> {
    std::fs::create_dir_all(dir).map_err(|e| bad(format!("{}: {e}", dir.display())))?;
    let info = system_info(target);
    let mut seen: std::collections::HashMap<String, usize> = Default::default();
    for (key, results) in passes {
        let Some(loaded) = engine.definitions(key) else {
            continue;
        };
        let Ok(defs) = &*loaded else { continue };
        let name = output_name(source, key);
        let n = seen.entry(name.clone()).or_default();
        let file = if *n == 0 {
            format!("{name}.result.xml")
        } else {
            format!("{name}.{n}.result.xml")
        };
        *n += 1;
        let path = dir.join(file);
        let xml = scap_oval::results::write_results_with(defs, results, &info, content);
        write_atomically(&path, xml.as_bytes())
            .map_err(|e| bad(format!("{}: {e}", path.display())))?;
    }
    Ok(())
}

/// `target-address`es and the asset facts oscap writes: host name, MAC and IP addresses.
fn add_target_facts(info: &mut TestResultInfo, target: &dyn Target, host: &str) {
    let fact = |name: &str, value: String| {
        (
            format!("urn:xccdf:fact:{name}"),
            "string".to_string(),
            value,
        )
    };
    info.facts
        .push(fact("asset:identifier:fqdn", host.to_string()));
    info.facts
        .push(fact("asset:identifier:host_name", host.to_string()));
    let Ok(interfaces) = target.interfaces() else {
        return;
    };
    let mut ips = Vec::new();
    for i in &interfaces {
        if !i.hardware_addr.is_empty() {
            let mac = i.hardware_addr.to_uppercase();
            info.facts.push(fact("ethernet:MAC", mac.clone()));
            info.facts.push(fact("asset:identifier:mac", mac));
        }
        for a in &i.addresses {
            info.target_addresses.push(a.addr.to_string());
            ips.push(a.addr);
        }
    }
    for ip in ips {
        let kind = if ip.is_ipv4() { "ipv4" } else { "ipv6" };
        info.facts
            .push(fact(&format!("asset:identifier:{kind}"), ip.to_string()));
    }
}

/// The effective uid of this process (from /proc/self/status).
fn own_uid() -> Option<u32> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("Uid:"))?;
    line.split_whitespace().nth(2)?.parse().ok()
}

/// The account name of `uid` in /etc/passwd, else the number.
fn user_name(uid: u32) -> String {
    let uid_s = uid.to_string();
    std::fs::read_to_string("/etc/passwd")
        .ok()
        .and_then(|p| {
            p.lines().find_map(|l| {
                let mut f = l.split(':');
                let name = f.next()?;
                (f.nth(1)? == uid_s).then(|| name.to_string())
            })
        })
        .unwrap_or(uid_s)
}

/// Writes to `FILE.tmp.PID` next to `path`, then renames over `path`.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".tmp.{}", std::process::id()));
    let tmp = PathBuf::from(tmp);
    let res = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if res.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    res
}

fn short_id(id: &str) -> &str {
    id.find("_rule_")
        .map_or(id, |i| id.get(i + 6..).unwrap_or(id))
}

fn print_results(results: &ScanResults, source: &Source, policy: &Policy, started: Instant) {
    let title = source
        .benchmark
        .title
        .first()
        .map(|t| t.text.trim().to_string())
        .unwrap_or_default();
    let profile = policy
        .profile
        .as_ref()
        .map(|p| p.id.as_str())
        .unwrap_or("(default selection)");
    println!("Benchmark {title}  [{}]", source.benchmark.id);
    println!("Profile   {profile}\n");
    let shown: Vec<_> = results
        .rules
        .iter()
        .filter(|r| r.result != XccdfResult::NotSelected)
        .collect();
    let width = shown
        .iter()
        .map(|r| short_id(&r.rule_id).len())
        .max()
        .unwrap_or(0)
        .min(60);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for r in &shown {
        let _ = writeln!(
            out,
            "{:<13} {:<width$}  {}",
            r.result.as_str(),
            short_id(&r.rule_id),
            r.title
        );
    }
    let counts: Vec<String> = XccdfResult::ALL
        .iter()
        .filter(|&&x| x != XccdfResult::NotSelected)
        .filter_map(|&x| {
            let n = results.count(x);
            (n > 0).then(|| format!("{n} {x}"))
        })
        .collect();
    let _ = writeln!(
        out,
        "\n{} rules evaluated: {}",
        shown.len(),
        if counts.is_empty() {
            "none".to_string()
        } else {
            counts.join(", ")
        }
    );
    for s in &results.scores {
        let _ = writeln!(
            out,
            "score {:.2} / {:.2}  ({})",
            s.value, s.maximum, s.system
        );
    }
    let _ = writeln!(out, "time {:.2}s", started.elapsed().as_secs_f64());
}
