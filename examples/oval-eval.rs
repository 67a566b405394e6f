//! Evaluate OVAL definitions against a target and print one line per definition.
//!
//! ```text
//! cargo run --release --example oval-eval -- [--root DIR] [--results OUT.xml]
//!     [--variables VARS.xml] DEFINITIONS.xml
//! ```
//!
//! DEFINITIONS.xml is an `oval_definitions` document or a SCAP source data stream (its first
//! OVAL component is used). Without `--root` the live host is scanned.

use std::path::PathBuf;
use std::process::ExitCode;

use scap_oval::Definitions;
use scap_oval::eval::{Evaluator, Variables};
use scap_oval::probes::Registry;
use scap_oval::results::{SystemInfo, write_results};
use scap_probe::{LiveHost, RootFs, Target};

struct Args {
    root: Option<PathBuf>,
    results: Option<PathBuf>,
    variables: Option<PathBuf>,
    definitions: PathBuf,
}

const USAGE: &str =
    "usage: oval-eval [--root DIR] [--results OUT.xml] [--variables VARS.xml] DEFINITIONS.xml";

fn parse_args() -> Result<Args, String> {
    let mut root = None;
    let mut results = None;
    let mut variables = None;
    let mut definitions = None;
    let mut it = std::env::args_os().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .map(PathBuf::from)
                .ok_or(format!("{name} needs a value"))
        };
        match a.to_str() {
            Some("--root") => root = Some(value("--root")?),
            Some("--results") => results = Some(value("--results")?),
            Some("--variables") => variables = Some(value("--variables")?),
            Some("-h" | "--help") => return Err(String::new()),
            Some(s) if s.starts_with('-') => return Err(format!("unknown option {s}")),
            _ if definitions.is_none() => definitions = Some(PathBuf::from(a)),
            _ => return Err("more than one DEFINITIONS file".to_owned()),
        }
    }
    let definitions = definitions.ok_or("no DEFINITIONS file given")?;
    Ok(Args {
        root,
        results,
        variables,
        definitions,
    })
}

fn load(path: &PathBuf) -> Result<Definitions, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: u32::MAX,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(&text, options)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let node = doc
        .descendants()
        .find(|n| n.is_element() && n.tag_name().name() == "oval_definitions")
        .ok_or(format!("{}: no oval_definitions element", path.display()))?;
    Definitions::from_node(node, &Default::default())
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("oval-eval: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(1);
        }
    };
    let defs = match load(&args.definitions) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("oval-eval: {e}");
            return ExitCode::from(1);
        }
    };
    let variables = match &args.variables {
        None => Variables::default(),
        Some(p) => match std::fs::read_to_string(p)
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
    let target: Box<dyn Target> = match &args.root {
        Some(dir) => match RootFs::new(dir) {
            Ok(r) => Box::new(r),
            Err(e) => {
                eprintln!("oval-eval: {}: {e}", dir.display());
                return ExitCode::from(1);
            }
        },
        None => Box::new(LiveHost::new()),
    };
    let registry = Registry::builtin();
    let results = Evaluator::new(&defs, target.as_ref(), &registry, variables).evaluate_all();
    for (id, result) in &results.definitions {
        println!("Definition {id}: {result}");
    }
    if let Some(out) = &args.results {
        let info = SystemInfo {
            primary_host_name: target.hostname().unwrap_or_default(),
            ..SystemInfo::default()
        };
        let xml = write_results(&defs, &results, &info);
        if let Err(e) = std::fs::write(out, xml) {
            eprintln!("oval-eval: {}: {e}", out.display());
            return ExitCode::from(1);
        }
    }
    ExitCode::SUCCESS
}
