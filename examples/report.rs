//! Turn an ARF file (ours or oscap's `--results-arf`) into the evidence an assessor asks for,
//! without rescanning.
//!
//! ```text
//! cargo run --example report -- ARF [--FORMAT FILE]... [--sla CRITICAL,HIGH,MEDIUM,LOW]
//!     [--today YYYY-MM-DD] [--previous-poam CSV] [--previous ARF] [--poc NAME]
//!     [--oval-vulns OVAL_RESULTS|VULNS_JSON]...
//! ```
//!
//! `--FORMAT` is any report format name (`--html`, `--poam`, `--poam-emass`, `--json`, ...;
//! `report --help` lists them). With no output option it prints the counts per result, the
//! findings and the rules that need review. `--sla` sets the POA&M remediation days per
//! severity (default 7,14,14,14); due dates count from the original detection date, carried
//! over from `--previous-poam` (a POA&M CSV this wrote before, or the FedRAMP template as
//! CSV) and `--previous` (the last scan's ARF, which also adds a "what changed" section to
//! the HTML report); `--today` is the date overdue items are judged by (default: today).
//! `--oval-vulns` adds the vulnerabilities an OVAL vulnerability feed found: the OVAL results
//! of a Debian, Ubuntu or Red Hat feed with the definitions in them (`oscap oval eval
//! --results`), or the findings `oval-eval --vulns-json` wrote (JSON; `oval-eval --results`
//! leaves the definitions out, so its results alone do not say what a definition is about):
//! one POA&M item per CVE and package, in every format.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use scap_arf::Arf;
use scap_arf::report::poam::{self, History};
use scap_arf::report::{Format, Options, ScanReport};

#[derive(Default)]
struct Args {
    arf: Option<PathBuf>,
    /// The outputs asked for (`--FORMAT FILE`), in command-line order.
    outputs: Vec<(Format, PathBuf)>,
    sla: poam::Sla,
    today: Option<chrono::NaiveDate>,
    previous_poam: Vec<PathBuf>,
    previous: Option<PathBuf>,
    poc: String,
    oval_vulns: Vec<PathBuf>,
}

fn usage() -> String {
    let formats: Vec<String> = Format::NAMES
        .iter()
        .map(|n| format!("[--{n} FILE]"))
        .collect();
    format!(
        "usage: report ARF {} [--sla C,H,M,L] [--today YYYY-MM-DD] [--previous-poam CSV] [--previous ARF] [--poc NAME] [--oval-vulns OVAL_RESULTS|VULNS_JSON]...",
        formats.join(" ")
    )
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
        let mut value = || {
            it.next()
                .map(PathBuf::from)
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        // `--NAME FILE` for every report format (`Format::NAMES`).
        if let Some(format) = flag
            .strip_prefix("--")
            .and_then(|name| Format::from_name(name).ok())
        {
            a.outputs.push((format, value()?));
            continue;
        }
        match flag.as_str() {
            "--sla" => a.sla = parse_sla(&value()?.to_string_lossy())?,
            "--today" => {
                let v = value()?;
                let d = chrono::NaiveDate::parse_from_str(&v.to_string_lossy(), "%Y-%m-%d")
                    .map_err(|e| format!("--today {}: {e}", v.display()))?;
                a.today = Some(d);
            }
            "--previous-poam" => a.previous_poam.push(value()?),
            "--previous" => a.previous = Some(value()?),
            "--poc" => a.poc = value()?.to_string_lossy().to_string(),
            "--oval-vulns" => a.oval_vulns.push(value()?),
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
            eprintln!("{}", usage());
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

/// Reads an ARF file into its report (bounded read, errors naming the file).
fn load(path: &Path) -> Result<ScanReport, String> {
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
    ScanReport::from_arf(&arf).map_err(|e| format!("{}: {e}", path.display()))
}

fn options(args: &Args) -> Result<Options, String> {
    let mut history = History::default();
    for p in &args.previous_poam {
        let max = poam::MAX_HISTORY_BYTES;
        let text = scap_xccdf::input::read_file(p, max).map_err(|e| e.to_string())?;
        let h = History::from_csv(&text).map_err(|e| format!("{}: {e}", p.display()))?;
        history.merge(&h);
    }
    let today = args
        .today
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let mut o = Options::default()
        .with_sla(args.sla)
        .with_today(today)
        .with_point_of_contact(args.poc.clone());
    if let Some(p) = &args.previous {
        let prev = load(p)?;
        // The previous scan's findings were detected no later than that scan.
        let from_prev = History::from_report(&prev, &history);
        history.merge(&from_prev);
        o = o.with_previous(prev);
    }
    Ok(o.with_history(history))
}

fn run(args: &Args) -> Result<(), String> {
    let path = args.arf.as_ref().ok_or("no ARF given")?;
    let mut report = load(path)?;
    for p in &args.oval_vulns {
        let max = scap_arf::report::vulns::MAX_RESULTS_BYTES;
        let text = scap_xccdf::input::read_file(p, max).map_err(|e| e.to_string())?;
        let at = |e: scap_arf::Error| format!("{}: {e}", p.display());
        if text.trim_start().starts_with('[') {
            let found = scap_arf::report::vulns::from_json(&text).map_err(at)?;
            report.vulnerabilities.extend(found);
        } else {
            report.add_oval_vulnerabilities(&text).map_err(at)?;
        }
    }
    let options = options(args)?;
    for (format, p) in &args.outputs {
        // Rendered whole, then written atomically: a failed render leaves no partial file.
        let mut out = Vec::new();
        format
            .render_with(&report, &options, &mut out)
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
    let items = poam::items(&report, &options);
    let overdue = items.iter().filter(|i| i.overdue).count();
    println!(
        "{} findings ({overdue} overdue; {} vulnerabilities), {} need manual review",
        items.len(),
        report.vulnerabilities.len(),
        report.needs_review().len()
    );
    Ok(())
}
