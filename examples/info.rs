//! What a SCAP file holds, like `oscap info FILE`: so that a user finds the profile id to
//! give `scan --profile`.
//!
//! ```text
//! cargo run --example info -- [--profiles | --profile ID] FILE
//! ```
//!
//! For a source data stream: each data stream, its checklists with their benchmark's status,
//! profiles (title, id, number of selected rules), the check files the benchmark names, the
//! checks and dictionaries components, and tailoring components. For a standalone benchmark
//! the same for the one checklist; for a tailoring file its benchmark href and profiles; for an
//! OVAL definitions file its schema version, timestamp and definitions by class.
//! `--profiles` prints `ID:TITLE` lines only (as oscap); `--profile ID` (an id or a suffix, as
//! `scan` takes it) the profile's title, description and selected rules.
//!
//! Exit status: 0, or 1 on bad usage or an unreadable file.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use scap_examples::cli::{self, Opt, Parsed, UsageError};
use scap_xccdf::{Benchmark, DataStreamCollection, ParseOptions, Policy, Source, Tailoring};

const USAGE: &str = "usage: info [--profiles | --profile ID] FILE

FILE is a source data stream, an XCCDF benchmark or tailoring, or OVAL definitions.
  --profiles       ID:TITLE of every profile, one per line
  --profile ID     one profile (id or suffix): title, description, selected rules
  -h, --help; -V, --version";

const OPTS: &[Opt] = &[
    Opt::flag(&["--profiles"]),
    Opt::value(&["--profile"], "ID"),
    // oscap's: nothing is ever fetched here, so they change nothing.
    Opt::flag(&["--fetch-remote-resources"]),
    Opt::value(&["--local-files"], "DIR"),
    Opt::value(&["--verbose"], "LEVEL"),
];

/// What to print.
enum Mode {
    All,
    ProfileList,
    Profile(String),
}

fn parse_args() -> Result<Option<(Mode, PathBuf)>, UsageError> {
    let mut mode = Mode::All;
    let mut file = None;
    for item in cli::parse(OPTS, std::env::args_os().skip(1))? {
        match item {
            Parsed::Help => {
                cli::print_help(USAGE);
                return Ok(None);
            }
            Parsed::Version => {
                cli::print_version("info");
                return Ok(None);
            }
            Parsed::Flag("--profiles") => mode = Mode::ProfileList,
            Parsed::Value("--profile", v) => mode = Mode::Profile(cli::utf8("--profile", v)?),
            Parsed::Value("--verbose", v) => {
                cli::utf8("--verbose", v)?.parse::<cli::Verbosity>()?;
            }
            Parsed::Flag(_) | Parsed::Value(..) => {}
            Parsed::Positional(p) if file.is_none() => file = Some(PathBuf::from(p)),
            Parsed::Positional(p) => {
                return Err(UsageError(format!(
                    "more than one FILE ({})",
                    PathBuf::from(p).display()
                )));
            }
        }
    }
    let file = file.ok_or_else(|| UsageError("no FILE given".into()))?;
    Ok(Some((mode, file)))
}

fn main() -> ExitCode {
    let (mode, file) = match parse_args() {
        Ok(Some(x)) => x,
        Ok(None) => return ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("info: {e}\n{USAGE}");
            return ExitCode::from(1);
        }
    };
    match info(&mode, &file) {
        Ok(text) => {
            let _ = std::io::stdout().write_all(text.as_bytes());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("info: {}: {e}", file.display());
            ExitCode::from(1)
        }
    }
}

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn info(mode: &Mode, file: &std::path::Path) -> Res<String> {
    let opts = ParseOptions::default();
    let text = scap_xccdf::input::read_file(file, opts.max_input_bytes)?;
    let name = scap_xccdf::input::root_name(&text).unwrap_or_default();
    let mut out = String::new();
    match name {
        "data-stream-collection" => {
            // Indexed in one streaming pass; only the checklists' benchmarks are parsed.
            let coll = DataStreamCollection::parse_str(&text, &opts)?;
            let mut checklists = Vec::new();
            for ds in &coll.data_streams {
                for c in &ds.checklists {
                    let kind = coll.referenced_component(c).map(|x| x.kind.clone());
                    if kind.as_ref().ok() != Some(&scap_xccdf::ComponentKind::XccdfBenchmark) {
                        continue;
                    }
                    checklists.push((
                        ds,
                        c,
                        Source::from_collection(
                            &text,
                            coll.clone(),
                            Some(&ds.id),
                            Some(&c.id),
                            &opts,
                        )?,
                    ));
                }
            }
            if let Some(o) = profile_only(mode, checklists.iter().map(|(_, _, s)| &s.benchmark))? {
                return Ok(o);
            }
            let _ = writeln!(out, "Document type: Source Data Stream");
            for ds in &coll.data_streams {
                let _ = writeln!(out, "\nStream: {}", ds.id);
                let _ = writeln!(
                    out,
                    "Generated: {}",
                    ds.timestamp.as_deref().unwrap_or("(none)")
                );
                let _ = writeln!(out, "Version: {}", ds.scap_version);
                let _ = writeln!(out, "Checklists:");
                for c in &ds.checklists {
                    let _ = writeln!(out, "\tRef-Id: {}", c.id);
                    match checklists
                        .iter()
                        .find(|(d, r, _)| d.id == ds.id && r.id == c.id)
                    {
                        Some((_, _, s)) => benchmark_info(&mut out, &s.benchmark, 2)?,
                        None => {
                            let kind = coll
                                .referenced_component(c)
                                .map(|x| format!("{:?}", x.kind));
                            let _ = writeln!(
                                out,
                                "\t\tComponent: {}",
                                kind.unwrap_or_else(|e| e.to_string())
                            );
                        }
                    }
                    if !c.catalog.is_empty() {
                        let _ = writeln!(out, "\t\tReferenced check files:");
                        for e in &c.catalog {
                            let _ = writeln!(out, "\t\t\t{} -> {}", e.name, e.uri);
                        }
                    }
                }
                for (title, refs) in [
                    ("Checks", &ds.checks),
                    ("Dictionaries", &ds.dictionaries),
                    ("Extended components", &ds.extended_components),
                ] {
                    if refs.is_empty() {
                        continue;
                    }
                    let _ = writeln!(out, "{title}:");
                    for r in refs {
                        let local = if r.href.starts_with('#') {
                            String::new()
                        } else {
                            format!(" (external: {})", r.href)
                        };
                        let _ = writeln!(out, "\tRef-Id: {}{local}", r.id);
                    }
                }
            }
        }
        "Benchmark" => {
            let raw = Benchmark::parse_str(&text, &opts)?;
            // The check files every rule names, abstract rules included (they go on
            // resolving).
            let mut files: BTreeMap<String, String> = BTreeMap::new();
            let mut stack: Vec<&scap_xccdf::Item> = raw.items.iter().rev().collect();
            while let Some(item) = stack.pop() {
                match item {
                    scap_xccdf::Item::Group(g) => stack.extend(g.items.iter().rev()),
                    scap_xccdf::Item::Rule(r) => {
                        for check in &r.checks {
                            for c in &check.content_refs {
                                files
                                    .entry(c.href.clone())
                                    .or_insert_with(|| check.system.clone());
                            }
                        }
                    }
                }
            }
            let mut b = raw;
            b.resolve(&text)?;
            if let Some(o) = profile_only(mode, std::iter::once(&b))? {
                return Ok(o);
            }
            let _ = writeln!(out, "Document type: XCCDF Checklist");
            benchmark_info(&mut out, &b, 0)?;
            let _ = writeln!(out, "Referenced check files:");
            for (f, sys) in files {
                let _ = writeln!(out, "\t{f}\n\t\tsystem: {sys}");
            }
        }
        "Tailoring" => {
            let t = Tailoring::parse_str(&text, &opts)?;
            if let Mode::ProfileList = mode {
                for p in &t.profiles {
                    let _ = writeln!(out, "{}:{}", p.id, title(&p.title));
                }
                return Ok(out);
            }
            let _ = writeln!(out, "Document type: XCCDF Tailoring");
            let _ = writeln!(
                out,
                "Benchmark Hint: {}",
                t.benchmark_href.as_deref().unwrap_or("(none)")
            );
            let _ = writeln!(out, "Profiles:");
            for p in &t.profiles {
                let _ = writeln!(out, "\tTitle: {}\n\t\tId: {}", title(&p.title), p.id);
                if let Some(e) = &p.extends {
                    let _ = writeln!(out, "\t\tExtends: {e}");
                }
            }
        }
        "oval_definitions" => {
            let defs = scap_oval::Definitions::parse(text.as_bytes())?;
            let _ = writeln!(out, "Document type: OVAL Definitions");
            let _ = writeln!(out, "OVAL version: {}", defs.generator.schema_version);
            let _ = writeln!(out, "Generated: {}", defs.generator.timestamp);
            let mut classes: BTreeMap<String, usize> = BTreeMap::new();
            for d in &defs.definitions {
                *classes
                    .entry(format!("{:?}", d.class).to_lowercase())
                    .or_default() += 1;
            }
            let _ = writeln!(out, "Definitions: {}", defs.definitions.len());
            for (c, n) in classes {
                let _ = writeln!(out, "\t{c}: {n}");
            }
            let _ = writeln!(
                out,
                "Tests: {}, objects: {}, states: {}, variables: {}",
                defs.tests.len(),
                defs.objects.len(),
                defs.states.len(),
                defs.variables.len()
            );
        }
        other => return Err(format!("unknown document type <{other}>").into()),
    }
    Ok(out)
}

/// `--profiles` and `--profile ID` over the benchmarks of a file; `None` for the full listing.
fn profile_only<'b>(
    mode: &Mode,
    benchmarks: impl Iterator<Item = &'b Benchmark>,
) -> Res<Option<String>> {
    let mut out = String::new();
    match mode {
        Mode::All => return Ok(None),
        Mode::ProfileList => {
            for b in benchmarks {
                for p in &b.profiles {
                    let _ = writeln!(out, "{}:{}", p.id, title(&p.title));
                }
            }
        }
        Mode::Profile(name) => {
            let mut found = false;
            for b in benchmarks {
                let Ok(id) = scap_xccdf::find_profile_id(b, None, name) else {
                    continue;
                };
                let policy = Policy::new(b, None, Some(&id))?;
                let p = b.profiles.iter().find(|p| p.id == id);
                let _ = writeln!(
                    out,
                    "Profile\n\tTitle: {}\n\tId: {id}",
                    p.map_or(String::from(scap_xccdf::ALL_PROFILE), |p| title(&p.title))
                );
                if let Some(d) = p.and_then(|p| p.description.first()) {
                    let _ = writeln!(out, "\n\tDescription: {}", d.text.trim());
                }
                let _ = writeln!(
                    out,
                    "\n\tSelected rules: {}",
                    policy.selected_rules().count()
                );
                for r in policy.selected_rules() {
                    let _ = writeln!(out, "\t\t{}", r.id());
                }
                found = true;
            }
            if !found {
                return Err(format!("no profile matches {name:?}").into());
            }
        }
    }
    Ok(Some(out))
}

fn title(t: &[scap_xccdf::Text]) -> String {
    t.first()
        .map(|t| t.text.trim().to_string())
        .unwrap_or_default()
}

/// The benchmark's status, profiles (with their rule counts) and rule count, indented.
fn benchmark_info(out: &mut String, b: &Benchmark, indent: usize) -> Res<()> {
    let tab = "\t".repeat(indent);
    let _ = writeln!(out, "{tab}Benchmark: {} ({})", b.id, title(&b.title));
    if let Some(s) = b.statuses.last() {
        let _ = writeln!(out, "{tab}Status: {}", s.status);
        if let Some(d) = &s.date {
            let _ = writeln!(out, "{tab}Generated: {d}");
        }
    }
    let _ = writeln!(out, "{tab}Resolved: {}", b.resolved);
    let all = Policy::new(b, None, Some(scap_xccdf::ALL_PROFILE))?;
    let _ = writeln!(out, "{tab}Rules: {}", all.rules.len());
    let _ = writeln!(out, "{tab}Profiles:");
    for p in &b.profiles {
        let n = Policy::new(b, None, Some(&p.id)).map(|x| x.selected_rules().count());
        let _ = writeln!(
            out,
            "{tab}\tTitle: {}\n{tab}\t\tId: {}\n{tab}\t\tRules: {}",
            title(&p.title),
            p.id,
            n.map_or_else(|e| e.to_string(), |n| n.to_string())
        );
    }
    Ok(())
}
