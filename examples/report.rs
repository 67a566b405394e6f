//! Turn an ARF file (ours or oscap's `--results-arf`) into the evidence an assessor asks for,
//! without rescanning.
//!
//! ```text
//! cargo run --example report -- ARF [--html FILE] [--ckl FILE] [--cklb FILE] [--poam FILE]
//!     [--json FILE] [--sla CRITICAL,HIGH,MEDIUM,LOW]
//! ```
//!
//! With no output option it prints the counts per result. `--sla` sets the POA&M remediation
//! days per severity (default 7,14,14,14).

use std::path::PathBuf;
use std::process::ExitCode;

use scap_arf::Arf;
use scap_arf::report::{Format, ScanReport, poam};

const USAGE: &str = "usage: report ARF [--html FILE] [--ckl FILE] [--cklb FILE] [--poam FILE] [--json FILE] [--sla C,H,M,L]";

#[derive(Default)]
struct Args {
    arf: Option<PathBuf>,
    /// The outputs asked for (`--FORMAT FILE`), in command-line order.
    outputs: Vec<(Format, PathBuf)>,
    sla: poam::Sla,
}

fn parse_sla(s: &str) -> Result<poam::Sla, String> {
    let days: Vec<u64> = s
        .split(',')
        .map(|d| {
            d.trim()
                .parse()
                .map_err(|_| format!("--sla: bad number {d:?}"))
        })
        .collect::<Result<_, _>>()?;
    match days.as_slice() {
        [c, h, m, l] => Ok(poam::Sla::new(*c, *h, *m, *l)),
        _ => Err("--sla takes four numbers: critical,high,medium,low".into()),
    }
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args::default();
    let mut it = std::env::args_os().skip(1);
    while let Some(arg) = it.next() {
        let flag = arg.to_string_lossy().to_string();
        let mut path = || {
            it.next()
                .map(PathBuf::from)
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        // `--NAME FILE` for every report format (`Format::NAMES`).
        if let Some(format) = flag
            .strip_prefix("--")
            .and_then(|name| Format::from_name(name).ok())
        {
            a.outputs.push((format, path()?));
            continue;
        }
        match flag.as_str() {
            "--sla" => a.sla = parse_sla(&path()?.to_string_lossy())?,
            "-h" | "--help" => return Err(String::new()),
            s if s.starts_with('-') && s.len() > 1 => return Err(format!("unknown option {s}")),
            _ if a.arf.is_none() => a.arf = Some(PathBuf::from(arg)),
            _ => return Err("more than one ARF".into()),
        }
    }
    Ok(a)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("report: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(1);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("report: {e}");
            ExitCode::from(1)
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    let path = args.arf.as_ref().ok_or("no ARF given")?;
    let max = scap_xccdf::ParseOptions::default().max_input_bytes;
    let text = scap_xccdf::input::read_file(path, max).map_err(|e| e.to_string())?;
    // A signed ARF (its root carries a dsig:Signature) is verified with the key it carries:
    // whether it changed since it was signed is said before anything is rendered from it.
    match scap::dsig::verify(&text, &scap::dsig::Trust::none()) {
        Ok(scap::dsig::Verification::Unsigned) => {}
        Ok(v) => eprintln!("report: {}: signature: {v}", path.display()),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    }
    let arf = Arf::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let report = ScanReport::from_arf(&arf).map_err(|e| format!("{}: {e}", path.display()))?;
    let today = chrono::Local::now().date_naive();
    for (format, p) in &args.outputs {
        // `--sla` may follow `--poam`, so the POA&M's options are set here, after parsing.
        let format = match format {
            Format::Poam { .. } => Format::Poam {
                sla: args.sla,
                today,
            },
            f => *f,
        };
        // Rendered whole, then written atomically: a failed render leaves no partial file.
        let mut out = Vec::new();
        format
            .render(&report, &mut out)
            .map_err(|e| format!("{}: {e}", p.display()))?;
        scap_examples::output::write_file(p, &out)?;
        println!("wrote {}", p.display());
    }
    println!(
        "{} on {}: {} rules",
        report
            .benchmark
            .title
            .as_deref()
            .unwrap_or(&report.benchmark.id),
        report.target.hostname.as_deref().unwrap_or("unknown host"),
        report.rules.len()
    );
    for (result, n) in &report.counts {
        println!("  {n:5} {result}");
    }
    Ok(())
}
