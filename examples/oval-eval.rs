//! Evaluate OVAL definitions against a target and print one line per definition.
//!
//! ```text
//! cargo run --release --example oval-eval -- [--root DIR | --image PATH[:REF]]
//!     [--env-file FILE] [--results OUT.xml] [--variables VARS.xml] DEFINITIONS.xml
//! ```
//!
//! DEFINITIONS.xml is an `oval_definitions` document or a SCAP source data stream (its first
//! OVAL component is used). Without `--root` or `--image` the live host is scanned.
//! `--image` scans a container image in place (an OCI image layout or a `docker save`
//! archive, as a directory or a tar; REF picks the image when there are several).
//!
//! The environment of an offline target (`environmentvariable58`) is an input: `--env-file`
//! (NAME=value lines), else `OSCAP_CONTAINER_VARS` (newline-separated NAME=value, as
//! `oscap-docker` sets it), else for an image its config's `Env`, else not collectable.

use std::path::PathBuf;
use std::process::ExitCode;

use scap_oval::Definitions;
use scap_oval::eval::{Evaluator, Variables};
use scap_oval::probes::Registry;
use scap_oval::results::{SystemInfo, write_results};
use scap_probe::{LiveHost, OciImage, OciOptions, RootFs, Target};

struct Args {
    root: Option<PathBuf>,
    image: Option<String>,
    env_file: Option<PathBuf>,
    results: Option<PathBuf>,
    variables: Option<PathBuf>,
    definitions: PathBuf,
}

const USAGE: &str = "usage: oval-eval [--root DIR | --image PATH[:REF]] [--env-file FILE] [--results OUT.xml] \
     [--variables VARS.xml] DEFINITIONS.xml";

fn parse_args() -> Result<Args, String> {
    let mut root = None;
    let mut image = None;
    let mut env_file = None;
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
            Some("--image") => image = Some(value("--image")?.to_string_lossy().into_owned()),
            Some("--env-file") => env_file = Some(value("--env-file")?),
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
        image,
        env_file,
        results,
        variables,
        definitions,
    })
}

/// The environment given for an offline target: `--env-file`, else `OSCAP_CONTAINER_VARS`.
fn offline_environment(
    env_file: Option<&PathBuf>,
) -> Result<Option<Vec<(String, String)>>, String> {
    if let Some(f) = env_file {
        let text = std::fs::read_to_string(f).map_err(|e| format!("{}: {e}", f.display()))?;
        return Ok(Some(scap_probe::parse_env_lines(&text)));
    }
    Ok(std::env::var("OSCAP_CONTAINER_VARS")
        .ok()
        .map(|v| scap_probe::parse_env_lines(&v)))
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
    let environment = if args.root.is_some() || args.image.is_some() {
        match offline_environment(args.env_file.as_ref()) {
            Ok(e) => e,
            Err(e) => {
                eprintln!("oval-eval: {e}");
                return ExitCode::from(1);
            }
        }
    } else {
        None
    };
    let target: Box<dyn Target> = match (&args.root, &args.image) {
        (Some(dir), _) => match RootFs::new(dir) {
            Ok(r) => match environment {
                Some(env) => Box::new(r.with_environment(env)),
                None => Box::new(r),
            },
            Err(e) => {
                eprintln!("oval-eval: {}: {e}", dir.display());
                return ExitCode::from(1);
            }
        },
        (None, Some(image)) => {
            let (path, reference) = scap_probe::split_image_arg(image);
            let mut options = OciOptions::default();
            options.reference = reference;
            let started = std::time::Instant::now();
            match OciImage::open_with(&path, &options) {
                Ok(img) => {
                    let info = img.info();
                    eprintln!(
                        "oval-eval: indexed {} ({} layers, {} entries) in {:.2?}",
                        path.display(),
                        info.layers.len(),
                        info.entries,
                        started.elapsed()
                    );
                    match environment {
                        Some(env) => Box::new(img.with_environment(env)),
                        None => Box::new(img),
                    }
                }
                Err(e) => {
                    eprintln!("oval-eval: {image}: {e}");
                    return ExitCode::from(1);
                }
            }
        }
        (None, None) => Box::new(LiveHost::new()),
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
