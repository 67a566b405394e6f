//! Evaluate OVAL definitions against a target and print one line per definition, taking
//! `oscap oval eval`'s command line (`oscap oval eval ARGS` works as
//! `cargo run --release --example oval-eval -- ARGS`).
//!
//! ```text
//! cargo run --release --example oval-eval -- [--id DEF]... [--variables VARS.xml]
//!     [--results OUT.xml] [--datastream-id ID] [--oval-id ID] [--directives FILE]
//!     [--root DIR | --image PATH[:REF] | --disk IMAGE] [--env-file FILE] DEFINITIONS.xml
//! ```
//!
//! DEFINITIONS.xml is an `oval_definitions` document or a SCAP source data stream: the OVAL
//! component of `--oval-id` (a component-ref id of the data stream `--datastream-id`), else
//! the data stream's first OVAL check component. `--id` evaluates only that definition (oscap
//! takes one; several are accepted). `--results` writes OVAL results with system
//! characteristics, unless `--without-syschar`. `--directives` and `--skip-validation` are
//! accepted (results are reported in full); `--report` (HTML) and `--fetch-remote-resources` are
//! refused. Without `--root` or `--image` the live host is scanned. `--image` scans a
//! container image in place (an OCI image layout or a `docker save` archive, as a directory or
//! a tar; REF picks the image when there are several). `--disk` scans a virtual machine disk
//! image in place (raw, qcow2, fixed VHD), its filesystems mounted where its fstab says.
//!
//! The environment of an offline target (`environmentvariable58`) is an input: `--env-file`
//! (NAME=value lines), else `OSCAP_CONTAINER_VARS` (newline-separated NAME=value, as
//! `oscap-docker` sets it), else for an image its config's `Env`, else not collectable.
//!
//! `--vulns-json FILE` (not in oscap) reads DEFINITIONS.xml as a vulnerability feed (Debian,
//! Ubuntu, Red Hat OVAL): the `vulnerability` and `patch` definitions found true become CVE
//! findings (package, installed and fixed versions, severity), written as JSON, as
//! `scan --oval-vulns` and `report --oval-vulns` find them (`scap_arf::report::vulns`).
//!
//! Exit status: 0 after an evaluation whatever its results (as oscap), 1 on bad usage or input;
//! `--help` and `--version` exit 0.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use scap_examples::cli::{self, Opt, Parsed, UsageError};
use scap_oval::Definitions;
use scap_oval::eval::{Evaluator, Variables};
use scap_oval::probes::Registry;
use scap_oval::results::{Content, write_results_with};

struct Args {
    root: Option<PathBuf>,
    image: Option<String>,
    disk: Option<PathBuf>,
    env_file: Option<PathBuf>,
    results: Option<PathBuf>,
    variables: Option<PathBuf>,
    ids: Vec<String>,
    datastream_id: Option<String>,
    oval_id: Option<String>,
    without_syschar: bool,
    vulns_json: Option<PathBuf>,
    definitions: PathBuf,
}

const USAGE: &str = "usage: oval-eval [options] DEFINITIONS.xml

DEFINITIONS.xml is OVAL definitions or a source data stream. The options are oscap oval eval's:
  --id DEF                 evaluate only this definition (repeatable)
  --variables FILE         external variables (an oval_variables document)
  --results FILE           OVAL results (with system characteristics)
  --datastream-id ID       the data stream of a collection
  --oval-id ID             the OVAL component-ref of the data stream
  --without-syschar        results without collected objects and items
  --directives FILE, --skip-validation, --skip-valid   accepted (results reported in full)
  --verbose LEVEL          DEVEL, INFO, WARNING or ERROR
  --report FILE, --fetch-remote-resources   refused
Not in oscap:
  --vulns-json FILE        the CVE findings of a vulnerability feed (DEFINITIONS.xml), as JSON
  --root DIR | --image PATH[:REF] | --disk IMAGE
                           an offline tree, a container image or a VM disk image
  --env-file FILE          NAME=value lines: the offline target's environment
  -h, --help; -V, --version";

const OPTS: &[Opt] = &[
    Opt::value(&["--id"], "DEF"),
    Opt::value(&["--variables"], "FILE"),
    Opt::value(&["--results"], "FILE"),
    Opt::value(&["--datastream-id"], "ID"),
    Opt::value(&["--oval-id"], "ID"),
    Opt::value(&["--directives"], "FILE"),
    Opt::flag(&["--without-syschar"]),
    Opt::flag(&["--skip-validation", "--skip-valid"]),
    Opt::value(&["--verbose"], "LEVEL"),
    Opt::value(&["--verbose-log-file"], "FILE"),
    Opt::value(&["--report"], "FILE"),
    Opt::flag(&["--fetch-remote-resources"]),
    Opt::value(&["--local-files"], "DIR"),
    Opt::value(&["--root"], "DIR"),
    Opt::value(&["--image"], "PATH[:REF]"),
    Opt::value(&["--disk"], "IMAGE"),
    Opt::value(&["--env-file"], "FILE"),
    Opt::value(&["--vulns-json"], "FILE"),
];

/// `Ok(None)`: help or version was printed.
fn parse_args() -> Result<Option<Args>, UsageError> {
    let mut a = Args {
        root: None,
        image: None,
        disk: None,
        env_file: None,
        results: None,
        variables: None,
        ids: Vec::new(),
        datastream_id: None,
        oval_id: None,
        without_syschar: false,
        vulns_json: None,
        definitions: PathBuf::new(),
    };
    let mut definitions = None;
    for item in cli::parse(OPTS, std::env::args_os().skip(1))? {
        match item {
            Parsed::Help => {
                cli::print_help(USAGE);
                return Ok(None);
            }
            Parsed::Version => {
                cli::print_version("oval-eval");
                return Ok(None);
            }
            Parsed::Positional(p) if definitions.is_none() => definitions = Some(PathBuf::from(p)),
            Parsed::Positional(p) => {
                return Err(UsageError(format!(
                    "more than one DEFINITIONS file ({})",
                    PathBuf::from(p).display()
                )));
            }
            Parsed::Flag("--fetch-remote-resources") => {
                return Err(UsageError(
                    "--fetch-remote-resources: this tool never downloads content".into(),
                ));
            }
            Parsed::Flag("--without-syschar") => a.without_syschar = true,
            // Accepted: nothing is validated against the XSDs.
            Parsed::Flag(_) => {}
            Parsed::Value(name, v) => match name {
                "--id" => a.ids.push(cli::utf8(name, v)?),
                "--variables" => a.variables = Some(v.into()),
                "--results" => a.results = Some(v.into()),
                "--vulns-json" => a.vulns_json = Some(v.into()),
                "--datastream-id" => a.datastream_id = Some(cli::utf8(name, v)?),
                "--oval-id" => a.oval_id = Some(cli::utf8(name, v)?),
                "--verbose" => {
                    cli::utf8(name, v)?.parse::<cli::Verbosity>()?;
                }
                "--report" => {
                    return Err(UsageError(
                        "--report: no HTML report of OVAL results yet (write --results FILE)"
                            .into(),
                    ));
                }
                "--root" => a.root = Some(v.into()),
                "--image" => a.image = Some(cli::utf8(name, v)?),
                "--disk" => a.disk = Some(v.into()),
                "--env-file" => a.env_file = Some(v.into()),
                // --directives (results always in full), --verbose-log-file, --local-files.
                _ => {}
            },
        }
    }
    let targets = [a.root.is_some(), a.image.is_some(), a.disk.is_some()];
    if targets.iter().filter(|&&t| t).count() > 1 {
        return Err(UsageError(
            "--root, --image and --disk each name a target: give one".into(),
        ));
    }
    a.definitions = definitions.ok_or_else(|| UsageError("no DEFINITIONS file given".into()))?;
    Ok(Some(a))
}

/// The definitions: the file's `oval_definitions`, or a data stream's OVAL component.
fn load(args: &Args) -> Result<Definitions, String> {
    let path = &args.definitions;
    let opts = scap_xccdf::ParseOptions::default();
    let text =
        scap_xccdf::input::read_file(path, opts.max_input_bytes).map_err(|e| e.to_string())?;
    let at = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    match scap_xccdf::input::root_name(&text) {
        Some("data-stream-collection") => {}
        Some("oval_definitions") => {
            return Definitions::parse(text.as_bytes()).map_err(|e| at(&e));
        }
        _ => return Err(at(&"neither OVAL definitions nor a source data stream")),
    }
    // A data stream's components may be files next to it (`file:` hrefs): scap_xccdf::Input
    // inlines them, as for `scan` (cheap: the text is only copied when a file was inlined),
    // and indexes it; only the chosen OVAL component is parsed.
    let input =
        scap_xccdf::Input::from_text(&text, path, &scap_xccdf::InputOptions::default(), &opts)
            .map_err(|e| e.to_string())?;
    for note in &input.notes {
        eprintln!("oval-eval: warning: {note}");
    }
    let coll = input.collection();
    let ds = coll
        .data_stream(args.datastream_id.as_deref())
        .map_err(|e| at(&e))?;
    let is_oval = |r: &&scap_xccdf::ComponentRef| {
        coll.referenced_component(r)
            .is_ok_and(|c| c.kind == scap_xccdf::ComponentKind::OvalDefinitions)
    };
    let cref = match &args.oval_id {
        Some(id) => ds.checks.iter().find(|r| r.id == *id).ok_or(format!(
            "{}: no check component-ref {id} in data stream {}",
            path.display(),
            ds.id
        ))?,
        None => ds.checks.iter().find(is_oval).ok_or(format!(
            "{}: data stream {} has no OVAL component",
            path.display(),
            ds.id
        ))?,
    };
    let component = coll.referenced_component(cref).map_err(|e| at(&e))?;
    let fragment = component
        .fragment
        .as_ref()
        .filter(|_| component.kind == scap_xccdf::ComponentKind::OvalDefinitions)
        .ok_or(format!(
            "{}: component-ref {} is not OVAL definitions",
            path.display(),
            cref.id
        ))?;
    Definitions::parse_fragment(&input.text, fragment, &Default::default()).map_err(|e| at(&e))
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(Some(a)) => a,
        Ok(None) => return ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("oval-eval: {e}\n(oval-eval --help for the options)");
            return ExitCode::from(1);
        }
    };
    let defs = match load(&args) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("oval-eval: {e}");
            return ExitCode::from(1);
        }
    };
    let variables = match &args.variables {
        None => Variables::default(),
        Some(p) => match scap_xccdf::input::read_file(
            p,
            scap_xccdf::ParseOptions::default().max_input_bytes,
        )
        .map_err(|e| e.to_string())
        .and_then(|t| Variables::parse(&t).map_err(|e| e.to_string()))
        {
            Ok(v) => v,
            Err(e) => {
                eprintln!("oval-eval: {}: {e}", p.display());
                return ExitCode::from(1);
            }
        },
    };
    // The same target opening as `scan` (scap::TargetSpec): --root, --image, --disk or this
    // host.
    let spec = match (&args.root, &args.image, &args.disk) {
        (Some(dir), _, _) => scap::TargetSpec::Root(dir.clone()),
        (None, Some(image), _) => scap::TargetSpec::Image(image.clone()),
        (None, None, Some(disk)) => scap::TargetSpec::Disk(disk.clone()),
        (None, None, None) => scap::TargetSpec::Live,
    };
    let opened = scap::offline_environment(args.env_file.as_deref())
        .and_then(|env| spec.open_with_warnings(env));
    let target = match opened {
        Ok((t, warnings)) => {
            // What a disk image could not assemble (an fstab entry naming a filesystem the
            // image lacks): its files are missing from what is evaluated.
            for w in warnings {
                eprintln!("oval-eval: warning: {w}");
            }
            t
        }
        Err(e) => {
            eprintln!("oval-eval: {e}");
            return ExitCode::from(1);
        }
    };
    let registry = Registry::builtin();
    let evaluator = Evaluator::new(&defs, target.as_ref(), &registry, variables);
    let results = if args.ids.is_empty() {
        evaluator.evaluate_all()
    } else {
        for id in &args.ids {
            if !defs.definitions.iter().any(|d| d.id == *id) {
                eprintln!("oval-eval: --id {id}: no such definition");
                return ExitCode::from(1);
            }
        }
        evaluator.evaluate(&args.ids)
    };
    {
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        for (id, result) in &results.definitions {
            let _ = writeln!(out, "Definition {id}: {result}");
        }
        // oscap's last line, which scripts wait for.
        let _ = writeln!(out, "Evaluation done.");
    }
    // The same system_info a scan writes (OS, architecture, host name, interfaces).
    let info = scap::TargetFacts::of(target.as_ref(), spec.vantage()).system_info();
    if let Some(out) = &args.vulns_json {
        if let Err(e) = write_vulns(&args.definitions, out, &defs, &results, &info) {
            eprintln!("oval-eval: --vulns-json: {e}");
            return ExitCode::from(1);
        }
    }
    if let Some(out) = &args.results {
        let content = if args.without_syschar {
            Content::without_system_characteristics()
        } else {
            Content::default()
        };
        let xml = write_results_with(&defs, &results, &info, &content);
        if let Err(e) = scap_examples::output::write_file(out, xml.as_bytes()) {
            eprintln!("oval-eval: {e}");
            return ExitCode::from(1);
        }
    }
    // The process exits next and its memory goes with it: freeing every OVAL element, item
    // and result one allocation at a time only delays the exit.
    std::mem::forget((results, defs));
    ExitCode::SUCCESS
}

/// `--vulns-json`: the findings of the feed `feed`, read from its results as every tool of
/// this workspace reads them (`scap_arf::report::vulns::from_definitions_and_results`).
fn write_vulns(
    feed: &std::path::Path,
    out: &std::path::Path,
    defs: &Definitions,
    results: &scap_oval::eval::Results,
    info: &scap_oval::results::SystemInfo,
) -> Result<(), String> {
    let limit = scap_xccdf::ParseOptions::default().max_input_bytes;
    let text = scap_xccdf::input::read_file(feed, limit).map_err(|e| e.to_string())?;
    if scap_xccdf::input::root_name(&text) != Some("oval_definitions") {
        return Err(format!(
            "{}: a vulnerability feed is an oval_definitions document",
            feed.display()
        ));
    }
    let xml = write_results_with(defs, results, info, &Content::default());
    let found = scap_arf::report::vulns::from_definitions_and_results(&text, &xml)
        .map_err(|e| format!("{}: {e}", feed.display()))?;
    let json = scap_arf::report::vulns::to_json(&found).map_err(|e| e.to_string())?;
    scap_examples::output::write_file(out, json.as_bytes()).map_err(|e| e.to_string())
}
