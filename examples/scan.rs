//! Scan a host, an offline tree (`--root DIR`), a container image (`--image PATH[:REF]`) or a VM
//! disk (`--disk IMAGE`) with XCCDF content, taking `oscap xccdf eval`'s command line: a script's
//! `oscap xccdf eval ARGS` works as `cargo run --release --example scan -- ARGS` (`--help` lists
//! the options). No arguments: this host with the bundled baseline; `--remediate` fixes it.
//!
//! Argument handling and printing over the `scap` crate ([`scap::Content`], [`scap::Scan`],
//! [`scap::ScanOutcome`]); outputs written atomically ([`scap_examples::output`]). Exit status as
//! oscap's: 0 when no rule failed, 2 when one failed or errored (or a warning says results stand
//! on a defect of the content, see `scap::Warning`), 1 on bad usage or input.

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use scap::xccdf::{ScanResults, XccdfResult, short_rule_id};
use scap::{Content, Scan, ScanOutcome, Sce};
use scap_examples::cli::{self, Verbosity};
use scap_examples::output::write_file;
use scap_examples::scan_cli::{Args, Command, Output, USAGE, parse_args};

/// The bundled default benchmark.
const DEFAULT_DS: &str = include_str!("data/linux-baseline-ds.xml");
const DEFAULT_DS_NAME: &str = "examples/data/linux-baseline-ds.xml";

/// A failure with the exit status it gives.
struct Failure(u8, String);

fn bad(msg: impl std::fmt::Display) -> Failure {
    Failure(1, msg.to_string())
}

fn main() -> ExitCode {
    let no_args = std::env::args_os().len() <= 1;
    let args = match parse_args(std::env::args_os().skip(1)) {
        Ok(Command::Scan(a)) => a,
        Ok(Command::Help) => {
            cli::print_help(USAGE);
            return ExitCode::SUCCESS;
        }
        Ok(Command::Version) => {
            cli::print_version("scan");
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

/// Prints a warning unless `--verbose ERROR`.
fn warn(args: &Args, msg: impl std::fmt::Display) {
    if args.verbosity >= Verbosity::Warning {
        eprintln!("scan: warning: {msg}");
    }
}

fn run(args: Args, no_args: bool) -> Result<u8, Failure> {
    let started = Instant::now();
    let options = args.open_options().map_err(bad)?;
    let content = match &args.datastream {
        Some(p) => Content::open_with(p, &options).map_err(bad)?,
        None if no_args => {
            println!(
                "No data stream given: scanning this host with the bundled baseline ({DEFAULT_DS_NAME}).\n\
                 Scan with SCAP Security Guide content: scan --profile standard /usr/share/xml/scap/ssg/content/ssg-debian12-ds.xml\n"
            );
            Content::from_text(DEFAULT_DS, DEFAULT_DS_NAME, &options).map_err(bad)?
        }
        None => return Err(bad("no INPUT_FILE given (scan --help for the usage)")),
    };
    for w in content.warnings() {
        warn(&args, w);
    }
    // A signature that is not valid with a trusted key is one of the warnings; a trusted one
    // is reported too, so that every present signature is.
    let shown = args.verbosity >= Verbosity::Warning;
    if let Some(v) = content.signature().filter(|v| shown && v.is_trusted()) {
        eprintln!("scan: {}: signature: {v}", content.name());
    }
    if args.verbosity >= Verbosity::Info {
        let source = content.source();
        eprintln!(
            "scan: loaded {} in {:.2?} (data stream {}, checklist {})",
            content.name(),
            started.elapsed(),
            source.data_stream_id.as_deref().unwrap_or("-"),
            source.checklist_ref_id.as_deref().unwrap_or("-")
        );
    }
    let mut scan = Scan::new(&content);
    if let Some(name) = &args.profile {
        let shown = args
            .datastream
            .as_deref()
            .unwrap_or(DEFAULT_DS_NAME.as_ref());
        let hint = format!(
            "List the profiles with:\n  cargo run --example info -- {}",
            shown.display()
        );
        scan = scan
            .profile(name)
            .map_err(|e| bad(format!("{e}. {hint}")))?;
    }
    let spec = args.target();
    let env = scap::offline_environment(args.env_file.as_deref()).map_err(bad)?;
    // What the target could not assemble (e.g. a disk's fstab entry) is warned about below.
    let (target, target_warnings) = spec.open_with_warnings(env).map_err(bad)?;
    if args.remediate {
        scan = scan.remediate(scap::BashRunner::default());
    }
    let outcome = scan
        .target_warnings(target_warnings)
        .rules(args.rules.iter())
        .skip_rules(args.skip_rules.iter())
        .sce(Sce::when(args.enable_sce, &spec))
        .vantage(spec.vantage())
        .vulnerability_feed_files(&args.oval_vulns)
        .run(target.as_ref())
        .map_err(bad)?;
    for w in &outcome.warnings {
        warn(&args, w);
    }
    match args.output {
        Output::Table => print_results(&outcome, started),
        Output::Progress | Output::ProgressFull => print_progress(&outcome.results, args.output),
    }
    write_outputs(&args, &outcome)?;
    let status = outcome.exit_status();
    if status != 0 && !outcome.has_failures() {
        warn(&args, "exit status 2: a warning above changed rule results");
    }
    // The process exits next and its memory goes with it: freeing the content's models (every
    // rule's texts, every OVAL element) and the results one allocation at a time was a tenth
    // of a one-profile scan's time, spent after the last output was written.
    std::mem::forget((content, outcome));
    Ok(status)
}

/// Every file the command line asks for, each written atomically.
fn write_outputs(args: &Args, outcome: &ScanOutcome) -> Result<(), Failure> {
    use scap::arf::report::Format;
    let put = |path: &Path, text: &str| write_file(path, text.as_bytes()).map_err(bad);
    if let Some(p) = &args.results {
        put(p, &outcome.test_result())?;
    }
    if let Some(p) = &args.stig_viewer {
        put(p, &outcome.stig_viewer_test_result())?;
    }
    let ev = &args.evidence;
    if let Some(p) = &ev.arf {
        put(p, &outcome.arf(&args.oval_content).map_err(bad)?)?;
    }
    if ev.reports() {
        let report = outcome.report(&args.oval_content).map_err(bad)?;
        for (name, path) in &ev.reports {
            let mut bytes = Vec::new();
            let format = Format::from_name(name).map_err(bad)?;
            format.render(&report, &mut bytes).map_err(bad)?;
            write_file(path, &bytes).map_err(bad)?;
        }
    }
    if let Some(dir) = &args.oval_results {
        std::fs::create_dir_all(dir).map_err(|e| bad(format!("{}: {e}", dir.display())))?;
        for (file, pass) in outcome.oval_results_file_names() {
            if let Some(xml) = outcome.oval_results(pass, &args.oval_content) {
                put(&dir.join(file), &xml)?;
            }
        }
    }
    if args.export_variables {
        for (file, pass) in outcome.oval_variables_file_names() {
            if let Some(xml) = outcome.oval_variables(pass) {
                put(Path::new(&file), &xml)?;
            }
        }
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

/// The table: one line per selected rule, the count of each result, the scores.
fn print_results(outcome: &ScanOutcome, started: Instant) {
    let benchmark = outcome.content().benchmark();
    let title = benchmark.title.first().map_or("", |t| t.text.trim());
    let profile = outcome
        .profile_id
        .as_deref()
        .unwrap_or("(default selection)");
    println!("Benchmark {title}  [{}]", benchmark.id);
    println!("Profile   {profile}\n");
    let results = &outcome.results;
    let shown: Vec<_> = results
        .rules
        .iter()
        .filter(|r| r.result != XccdfResult::NotSelected)
        .collect();
    let width = shown
        .iter()
        .map(|r| short_rule_id(&r.rule_id).len())
        .max()
        .unwrap_or(0)
        .min(60);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for r in &shown {
        let (result, id) = (r.result.as_str(), short_rule_id(&r.rule_id));
        let _ = writeln!(out, "{result:<13} {id:<width$}  {}", r.title);
    }
    let counts: Vec<String> = results
        .counts()
        .iter()
        .map(|(x, n)| format!("{n} {x}"))
        .collect();
    let counts = match counts.is_empty() {
        true => "none".to_string(),
        false => counts.join(", "),
    };
    let _ = writeln!(out, "\n{} rules evaluated: {counts}", shown.len());
    for s in &results.scores {
        let _ = writeln!(
            out,
            "score {:.2} / {:.2}  ({})",
            s.value, s.maximum, s.system
        );
    }
    let _ = writeln!(out, "time {:.2}s", started.elapsed().as_secs_f64());
}
