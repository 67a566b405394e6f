//! Compare two scans of one asset: which rules changed result, which findings are new, which
//! were fixed ("what changed since the last scan of this image").
//!
//! ```text
//! cargo run --example diff -- EARLIER_ARF LATER_ARF [--json FILE] [--html FILE]
//! ```
//!
//! Prints the comparison as text. `--json FILE` writes it as JSON
//! (`scap_arf::report::diff::Diff`); `--html FILE` writes the later scan's HTML report with a
//! "what changed" section, its POA&M due dates counted from when each finding was first seen.
//! Exit status 0 when no new finding (failed rule or CVE) appeared, 2 when one did (for CI
//! gates), 1 on error. ARFs carry no vulnerability feed results, so CVEs opened and closed
//! show in the API's `Diff` when the reports have vulnerabilities added
//! (`ScanReport::add_oval_vulnerabilities`), not in this command.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use scap_arf::Arf;
use scap_arf::report::poam::History;
use scap_arf::report::{Format, Options, ScanReport, diff};

const USAGE: &str = "usage: diff EARLIER_ARF LATER_ARF [--json FILE] [--html FILE]";

#[derive(Default)]
struct Args {
    arfs: Vec<PathBuf>,
    json: Option<PathBuf>,
    html: Option<PathBuf>,
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
        match flag.as_str() {
            "--json" => a.json = Some(value()?),
            "--html" => a.html = Some(value()?),
            "-h" | "--help" => return Err(String::new()),
            s if s.starts_with('-') && s.len() > 1 => return Err(format!("unknown option {s}")),
            _ => a.arfs.push(PathBuf::from(arg)),
        }
    }
    if a.arfs.len() != 2 {
        return Err("two ARF files are needed: the earlier scan, then the later".into());
    }
    Ok(a)
}

fn load(path: &Path) -> Result<ScanReport, String> {
    let max = scap_xccdf::ParseOptions::default().max_input_bytes;
    let text = scap_xccdf::input::read_file(path, max).map_err(|e| e.to_string())?;
    let arf = Arf::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    ScanReport::from_arf(&arf).map_err(|e| format!("{}: {e}", path.display()))
}

fn run(args: &Args) -> Result<bool, String> {
    let before = load(&args.arfs[0])?;
    let after = load(&args.arfs[1])?;
    let d = diff::diff(&before, &after);
    print!("{}", d.to_text());
    if let Some(p) = &args.json {
        let text = d.to_json().map_err(|e| e.to_string())?;
        scap_examples::output::write_file(p, text.as_bytes())?;
        println!("wrote {}", p.display());
    }
    if let Some(p) = &args.html {
        let history = History::from_report(&before, &History::default());
        let options = Options::default()
            .with_today(chrono::Local::now().date_naive())
            .with_history(history)
            .with_previous(before);
        let mut out = Vec::new();
        Format::Html
            .render_with(&after, &options, &mut out)
            .map_err(|e| format!("{}: {e}", p.display()))?;
        scap_examples::output::write_file(p, &out)?;
        println!("wrote {}", p.display());
    }
    Ok(!d.new_findings.is_empty() || !d.cves_opened.is_empty())
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("diff: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(1);
        }
    };
    match run(&args) {
        Ok(false) => ExitCode::SUCCESS,
        Ok(true) => ExitCode::from(2),
        Err(e) => {
            eprintln!("diff: {e}");
            ExitCode::from(1)
        }
    }
}
