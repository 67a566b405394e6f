//! Generate a remediation script, taking the options of `oscap xccdf generate fix`: a script's
//! `oscap xccdf generate fix ARGS` works as `cargo run --example fix -- ARGS`.
//!
//! From a profile of a data stream, benchmark or tailoring file (`--profile ID`, optionally
//! `--tailoring-file F`), or from an evaluation (`--result-id ID` with an XCCDF results file
//! or an ARF as the input: the rules that failed). `--fix-type` picks bash (the default),
//! ansible, puppet, anaconda, ignition, kubernetes or blueprint. The script goes to
//! `--output FILE` (written atomically) or to stdout. The generation is
//! [`scap::xccdf::fix::generate`]; this file is argument handling.
//!
//! What we add: `--generated-by TEXT`, what the header says generated the file (default:
//! this crate; `--generated-by 'OpenSCAP 1.3.7'` makes the output byte-identical to oscap's).

use std::ffi::OsString;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use scap::xccdf::fix::{Evaluation, FixOptions, FixType, generate};
use scap::{Content, OpenOptions};
use scap_examples::cli::{self, Opt, Parsed};
use scap_examples::output::write_file;

const USAGE: &str = "\
Usage: fix [options] INPUT_FILE

Generates a remediation script as `oscap xccdf generate fix` does. INPUT_FILE is a source data
stream, an XCCDF benchmark or tailoring file, or with --result-id an XCCDF results file or an
ARF report.

Options:
  --profile ID               the profile (an id or a unique suffix of one)
  --fix-type TYPE            bash (default), ansible, puppet, anaconda, ignition, kubernetes,
                             blueprint
  --result-id ID             the fixes of the rules that failed in this TestResult
  --output FILE              write the script to FILE (default: stdout)
  --tailoring-file FILE      an XCCDF tailoring file
  --tailoring-id ID          a tailoring component of the data stream
  --benchmark-id ID, --xccdf-id ID, --datastream-id ID   which checklist of a data stream
  --template ID              accepted for oscap's sake: only `bash` (its default) or
                             the --fix-type's system URI
  --generated-by TEXT        what the header says generated the file
  -h, --help, -V, --version";

const OPTS: &[Opt] = &[
    Opt::value(&["--profile"], "ID"),
    Opt::value(&["--fix-type"], "TYPE"),
    Opt::value(&["--result-id"], "ID"),
    Opt::value(&["--output"], "FILE"),
    Opt::value(&["--tailoring-file"], "FILE"),
    Opt::value(&["--tailoring-id"], "ID"),
    Opt::value(&["--benchmark-id"], "ID"),
    Opt::value(&["--xccdf-id"], "ID"),
    Opt::value(&["--datastream-id"], "ID"),
    Opt::value(&["--template"], "ID"),
    Opt::value(&["--generated-by"], "TEXT"),
];

#[derive(Default)]
struct Args {
    profile: Option<String>,
    fix_type: Option<FixType>,
    result_id: Option<String>,
    output: Option<PathBuf>,
    open: OpenOptions,
    generated_by: Option<String>,
    input: Option<PathBuf>,
}

fn parse_args(args: impl IntoIterator<Item = OsString>) -> Result<Option<Args>, String> {
    let mut a = Args::default();
    for p in cli::parse(OPTS, args).map_err(|e| e.to_string())? {
        match p {
            Parsed::Help => {
                cli::print_help(USAGE);
                return Ok(None);
            }
            Parsed::Version => {
                cli::print_version("fix");
                return Ok(None);
            }
            Parsed::Positional(v) if a.input.is_none() => a.input = Some(v.into()),
            Parsed::Positional(v) => {
                return Err(format!(
                    "more than one INPUT_FILE ({})",
                    v.to_string_lossy()
                ));
            }
            Parsed::Flag(name) => return Err(format!("unexpected flag {name}")),
            Parsed::Value(name, v) => {
                let text = || cli::utf8(name, v.clone()).map_err(|e| e.to_string());
                match name {
                    "--profile" => a.profile = Some(text()?),
                    "--fix-type" => {
                        let t = text()?;
                        let known: Vec<&str> = FixType::ALL.iter().map(|t| t.name()).collect();
                        a.fix_type = Some(FixType::from_name(&t).ok_or_else(|| {
                            format!("--fix-type {t}: not one of {}", known.join(", "))
                        })?);
                    }
                    "--result-id" => a.result_id = Some(text()?),
                    "--output" => a.output = Some(v.into()),
                    "--tailoring-file" => a.open.tailoring_file = Some(v.into()),
                    "--tailoring-id" => a.open.input.tailoring_id = Some(text()?),
                    "--benchmark-id" => a.open.input.benchmark_id = Some(text()?),
                    "--xccdf-id" => a.open.input.xccdf_id = Some(text()?),
                    "--datastream-id" => a.open.input.datastream_id = Some(text()?),
                    "--template" => {
                        // oscap's older spelling of the fix type: its system URI.
                        let t = text()?;
                        let by_uri = FixType::ALL.into_iter().find(|f| f.system() == t);
                        match (t.as_str(), by_uri) {
                            ("bash", _) => a.fix_type = a.fix_type.or(Some(FixType::Bash)),
                            (_, Some(f)) => a.fix_type = Some(f),
                            _ => return Err(format!("--template {t}: not a known fix system")),
                        }
                    }
                    "--generated-by" => a.generated_by = Some(text()?),
                    _ => return Err(format!("unexpected option {name}")),
                }
            }
        }
    }
    if a.input.is_none() {
        return Err("INPUT_FILE is missing".into());
    }
    Ok(Some(a))
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args_os().skip(1)) {
        Ok(Some(a)) => a,
        Ok(None) => return ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fix: {e}\n(fix --help for the options)");
            return ExitCode::from(1);
        }
    };
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fix: {e}");
            ExitCode::from(1)
        }
    }
}

/// The content and, with `--result-id`, the evaluation whose failed rules to fix and the
/// profile it ran.
type Opened = (Content, Option<(Evaluation, Option<String>)>);

fn open(args: &Args, input: &std::path::Path) -> Result<Opened, String> {
    let Some(result_id) = &args.result_id else {
        let content = Content::open_with(input, &args.open).map_err(|e| e.to_string())?;
        return Ok((content, None));
    };
    let limit = scap::xccdf::ParseOptions::default().max_input_bytes;
    let text = scap::xccdf::input::read_file(input, limit).map_err(|e| e.to_string())?;
    let name = input.display().to_string();
    if scap::xccdf::input::root_name(&text) == Some("asset-report-collection") {
        let arf = scap::arf::Arf::parse(&text).map_err(|e| format!("{name}: {e}"))?;
        let tr = arf
            .test_results
            .iter()
            .map(|r| &r.test_result)
            .find(|t| &t.id == result_id)
            .ok_or_else(|| format!("{name}: no TestResult {result_id:?}"))?;
        let ds = arf
            .data_stream()
            .ok_or_else(|| format!("{name}: the ARF holds no source data stream"))?;
        let content = Content::from_text(ds, &name, &args.open).map_err(|e| e.to_string())?;
        let mut e = Evaluation::from(tr);
        // An ARF report's TestResult is an XCCDF 1.2 document of its own.
        e.xccdf_version = Some("1.2".into());
        return Ok((content, Some((e, tr.profile.clone()))));
    }
    let content = Content::open_with(input, &args.open).map_err(|e| e.to_string())?;
    let tr = content
        .benchmark()
        .test_results
        .iter()
        .find(|t| &t.id == result_id)
        .ok_or_else(|| format!("{name}: no TestResult {result_id:?}"))?;
    let found = (Evaluation::from(tr), tr.profile.clone());
    Ok((content, Some(found)))
}

fn run(args: Args) -> Result<(), String> {
    let input = args.input.clone().unwrap_or_default();
    let (content, found) = open(&args, &input)?;
    // From results, the profile is the one the evaluation ran (as oscap takes it).
    let (evaluation, profile) = match found {
        Some((e, p)) => (Some(e), p.or(args.profile.clone())),
        None => (None, args.profile.clone()),
    };
    let profile_id = match &profile {
        Some(p) => Some(content.profile_id(p).map_err(|e| e.to_string())?),
        None => None,
    };
    let policy = content
        .policy(profile_id.as_deref())
        .map_err(|e| e.to_string())?;
    let mut options = FixOptions::new(args.fix_type.unwrap_or(FixType::Bash));
    options.all_profile = profile_id.as_deref() == Some(scap::xccdf::ALL_PROFILE);
    if let Some(by) = args.generated_by {
        options.generated_by = by;
    }
    let script = generate(
        content.benchmark(),
        content.tailoring(),
        &policy,
        evaluation.as_ref(),
        &options,
    )
    .map_err(|e| format!("{}: {e}", input.display()))?;
    // As oscap: a fix left out is reported, and the script is still written.
    for e in &script.skipped {
        eprintln!("fix: {}: {e}: the fix was left out", input.display());
    }
    match &args.output {
        Some(path) => write_file(path, script.text.as_bytes()),
        None => std::io::stdout()
            .write_all(script.text.as_bytes())
            .map_err(|e| format!("stdout: {e}")),
    }
}
