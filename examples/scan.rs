//! Scan a host (or an offline tree) with an XCCDF benchmark from a SCAP source data stream,
//! like `oscap xccdf eval`.
//!
//! ```text
//! cargo run --release --example scan -- [--profile ID] [--root DIR | --image PATH[:REF]]
//!     [--env-file FILE] [--results FILE]
//!     [--tailoring-file FILE] [--datastream-id ID] [--xccdf-id ID]
//!     [--rule ID]... [--skip-rule ID]... [--enable-sce] DATASTREAM
//! ```
//!
//! With no arguments at all it scans this host with a small bundled baseline
//! (`examples/data/linux-baseline-ds.xml`: eight checks that make sense on any Linux host).
//!
//! Prints one line per selected rule (result, rule id, title), then the count of each result
//! and the scores. `--root DIR` scans an unpacked tree offline (a chroot, an image, a mounted
//! disk) instead of the running system; `--image PATH[:REF]` scans a container image in place
//! (OCI image layout or `docker save` archive, directory or tar; REF picks one of several).
//! An offline target's environment is `--env-file FILE` (NAME=value lines), else
//! `OSCAP_CONTAINER_VARS` (as `oscap-docker` sets it), else an image's config `Env`, else not
//! collectable. `--results FILE` writes an XCCDF 1.2 TestResult
//! (written to a temporary file, then renamed: never half a file). `--oval-results DIR` also
//! writes the OVAL results of each evaluation pass (`DIR/<component>.N.result.xml`). `--profile` takes a full
//! profile id or its short name (`standard` for `xccdf_org.ssgproject.content_profile_standard`).
//! `--rule` and `--skip-rule` take full rule ids or the part after `_rule_`.
//! `--enable-sce` runs Script Check Engine checks: scripts from the content, run on this host
//! (see `scap_xccdf::sce`); without it, and for `--root` / `--image`, they are `notchecked`.
//!
//! Evidence: `--arf FILE` writes an ARF 1.1 report (data stream, asset, TestResult, OVAL
//! results with system characteristics); `--report FILE` a self-contained HTML report,
//! `--ckl FILE` / `--cklb FILE` DISA STIG Viewer checklists, `--poam FILE` a POA&M CSV (14 days
//! to remediate any finding), `--json FILE` the JSON scan report (see `scap_arf::report`). All of
//! them are made from the ARF, as `cargo run --example report` does from a saved one.
//!
//! Exit status: 0 when no rule failed, 2 when a rule failed or errored, 1 on bad usage or bad
//! input (as oscap).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use scap_probe::{LiveHost, RootFs, Target};
use scap_xccdf::oval_engine::OvalEngine;
use scap_xccdf::sce::{SceDisabled, SceEngine, SceScripts};
use scap_xccdf::{
    EvalOptions, ParseOptions, Policy, ScanResults, Source, Tailoring, TestResultInfo, XccdfResult,
};

/// The bundled default benchmark.
const DEFAULT_DS: &str = include_str!("data/linux-baseline-ds.xml");
const DEFAULT_DS_NAME: &str = "examples/data/linux-baseline-ds.xml";

const USAGE: &str = "usage: scan [--profile ID] [--root DIR | --image PATH[:REF]] [--env-file FILE]
            [--results FILE] [--tailoring-file FILE]
            [--arf FILE] [--report FILE] [--ckl FILE] [--cklb FILE] [--poam FILE] [--json FILE]
            [--datastream-id ID] [--xccdf-id ID] [--rule ID]... [--skip-rule ID]...
            [--enable-sce] DATASTREAM
       scan            (no arguments: scan this host with the bundled Linux baseline)";

#[derive(Default)]
struct Args {
    profile: Option<String>,
    root: Option<PathBuf>,
    image: Option<String>,
    env_file: Option<PathBuf>,
    results: Option<PathBuf>,
    oval_results: Option<PathBuf>,
    evidence: Evidence,
    tailoring: Option<PathBuf>,
    datastream_id: Option<String>,
    xccdf_id: Option<String>,
    rules: Vec<String>,
    skip_rules: Vec<String>,
    enable_sce: bool,
    datastream: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args::default();
    let mut it = std::env::args_os().skip(1);
    while let Some(arg) = it.next() {
        let Some(flag) = arg.to_str() else {
            if a.datastream.is_some() {
                return Err("more than one DATASTREAM".into());
            }
            a.datastream = Some(PathBuf::from(arg));
            continue;
        };
        let flag = flag.to_string();
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--profile" => a.profile = Some(string(value()?)?),
            "--root" => a.root = Some(PathBuf::from(value()?)),
            "--image" => a.image = Some(string(value()?)?),
            "--env-file" => a.env_file = Some(PathBuf::from(value()?)),
            "--results" => a.results = Some(PathBuf::from(value()?)),
            "--oval-results" => a.oval_results = Some(PathBuf::from(value()?)),
            "--arf" => a.evidence.arf = Some(PathBuf::from(value()?)),
            "--report" => a.evidence.html = Some(PathBuf::from(value()?)),
            "--ckl" => a.evidence.ckl = Some(PathBuf::from(value()?)),
            "--cklb" => a.evidence.cklb = Some(PathBuf::from(value()?)),
            "--poam" => a.evidence.poam = Some(PathBuf::from(value()?)),
            "--json" => a.evidence.json = Some(PathBuf::from(value()?)),
            "--tailoring-file" => a.tailoring = Some(PathBuf::from(value()?)),
            "--datastream-id" => a.datastream_id = Some(string(value()?)?),
            "--xccdf-id" => a.xccdf_id = Some(string(value()?)?),
            "--rule" => a.rules.push(string(value()?)?),
            "--skip-rule" => a.skip_rules.push(string(value()?)?),
            "--enable-sce" => a.enable_sce = true,
            "-h" | "--help" => return Err(String::new()),
            s if s.starts_with('-') && s.len() > 1 => return Err(format!("unknown option {s}")),
            _ if a.datastream.is_none() => a.datastream = Some(PathBuf::from(arg)),
            _ => return Err("more than one DATASTREAM".into()),
        }
    }
    Ok(a)
}

fn string(s: std::ffi::OsString) -> Result<String, String> {
    s.into_string()
        .map_err(|s| format!("not UTF-8: {}", s.to_string_lossy()))
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

/// The SCE engine: runs scripts only with `--enable-sce` and only on this host (an offline
/// target's checks would see the host). A data stream's scripts are its own; a standalone
/// benchmark's are files beside it.
fn sce_engine(args: &Args, doc: &roxmltree::Document<'_>, source: &Source) -> SceEngine {
    if !args.enable_sce {
        return SceEngine::disabled(SceDisabled::NotEnabled);
    }
    if args.root.is_some() || args.image.is_some() {
        return SceEngine::disabled(SceDisabled::OfflineTarget);
    }
    if source.collection.is_some() {
        return SceEngine::run_on_this_host(SceScripts::from_source(doc, source));
    }
    let base = args.datastream.as_deref().and_then(Path::parent);
    let base = base.filter(|p| !p.as_os_str().is_empty());
    SceEngine::run_on_this_host(SceScripts::in_directory(base.unwrap_or(Path::new("."))))
}

/// A failure with the exit status it gives.
struct Failure(u8, String);

fn main() -> ExitCode {
    let no_args = std::env::args_os().len() <= 1;
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("scan: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(1);
        }
    };
    match run(args, no_args) {
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

fn run(args: Args, no_args: bool) -> Result<u8, Failure> {
    let started = Instant::now();
    let (text, href) = match &args.datastream {
        Some(p) => (
            std::fs::read_to_string(p).map_err(|e| bad(format!("{}: {e}", p.display())))?,
            p.display().to_string(),
        ),
        None if no_args => {
            println!(
                "No data stream given: scanning this host with the bundled baseline ({DEFAULT_DS_NAME}).\n\
                 Scan with SCAP Security Guide content: scan --profile standard /usr/share/xml/scap/ssg/content/ssg-debian12-ds.xml\n"
            );
            (DEFAULT_DS.to_string(), DEFAULT_DS_NAME.to_string())
        }
        None => return Err(bad(format!("no DATASTREAM given\n{USAGE}"))),
    };
    let opts = ParseOptions::default();
    let doc = opts
        .parse_document(&text)
        .map_err(|e| bad(format!("{href}: {e}")))?;
    let source = Source::from_document(
        &doc,
        &text,
        args.datastream_id.as_deref(),
        args.xccdf_id.as_deref(),
        &opts,
    )
    .map_err(|e| bad(format!("{href}: {e}")))?;

    let tailoring = match &args.tailoring {
        None => None,
        Some(p) => {
            let t = std::fs::read_to_string(p).map_err(|e| bad(format!("{}: {e}", p.display())))?;
            Some(
                Tailoring::parse_str(&t, &opts)
                    .map_err(|e| bad(format!("{}: {e}", p.display())))?,
            )
        }
    };
    let profile_id = match &args.profile {
        None => None,
        Some(name) => Some(
            scap_xccdf::find_profile_id(&source.benchmark, tailoring.as_ref(), name)
                .map_err(|e| bad(format!("--profile {name}: {e}")))?,
        ),
    };
    let policy = Policy::new(&source.benchmark, tailoring.as_ref(), profile_id.as_deref())
        .map_err(|e| bad(format!("{href}: {e}")))?;

    let resolve = |list: &[String]| -> Result<Vec<String>, Failure> {
        list.iter()
            .map(|r| {
                let suffix = format!("_rule_{r}");
                policy
                    .rules
                    .iter()
                    .find(|x| x.id() == r || x.id().ends_with(&suffix))
                    .map(|x| x.id().to_string())
                    .ok_or_else(|| bad(format!("no rule {r} in the benchmark")))
            })
            .collect()
    };
    let eval_opts = EvalOptions::new(resolve(&args.rules)?, resolve(&args.skip_rules)?);

    let target = offline_target(&args).map_err(bad)?;
    for w in policy.warnings.iter().chain(&policy.export_warnings()) {
        eprintln!("scan: warning: {w}");
    }
    let mut engine = OvalEngine::new(&doc, &source, target.as_ref())
        .keep_results(args.oval_results.is_some() || args.evidence.any());
    if source.collection.is_none() {
        // A standalone XCCDF benchmark: its check hrefs are OVAL files next to it.
        let base = args
            .datastream
            .as_deref()
            .and_then(Path::parent)
            .unwrap_or(Path::new("."));
        load_oval_files(&mut engine, &policy, &source.benchmark, base)?;
    }
    let sce = sce_engine(&args, &doc, &source);
    let mut engines = scap_xccdf::Engines::default();
    engines.push(Box::new(&engine)).push(Box::new(sce));
    let results = scap_xccdf::evaluate(&doc, &source, &policy, &engines, &eval_opts)
        .map_err(|e| bad(format!("{href}: {e}")))?;
    drop(engines);

    print_results(&results, &source, &policy, started);

    let passes = engine.take_results();
    if args.results.is_some() || args.evidence.any() {
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
        if args.evidence.any() {
            write_evidence(
                &args.evidence,
                (&source, &results),
                &text,
                &xml,
                &engine,
                &passes,
                target.as_ref(),
            )?;
        }
    }
    if let Some(dir) = &args.oval_results {
        write_oval_results(&engine, &passes, target.as_ref(), dir)?;
    }
    Ok(if results.has_failures() { 2 } else { 0 })
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
    ev: &Evidence,
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
        ovals.push((key, scap_oval::results::write_results(defs, results, &info)));
    }
    let mut input = scap_arf::ArfInput::new(
        scap_arf::Asset::from_target(target),
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

/// Writes each OVAL evaluation pass of the engine as an OVAL results document.
fn write_oval_results(
    engine: &OvalEngine<'_>,
    passes: &Passes,
    target: &dyn Target,
    dir: &Path,
) -> Result<(), Failure> {
    std::fs::create_dir_all(dir).map_err(|e| bad(format!("{}: {e}", dir.display())))?;
    let info = system_info(target);
    for (n, (key, results)) in passes.iter().enumerate() {
        let Some(loaded) = engine.definitions(key) else {
            continue;
        };
        let Ok(defs) = &*loaded else { continue };
        let name: String = key
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let path = dir.join(format!("{name}.{n}.result.xml"));
        let xml = scap_oval::results::write_results(defs, results, &info);
        write_atomically(&path, xml.as_bytes())
            .map_err(|e| bad(format!("{}: {e}", path.display())))?;
    }
    Ok(())
}

/// Parses the OVAL files the selected rules' checks name, relative to `base`.
fn load_oval_files(
    engine: &mut OvalEngine<'_>,
    policy: &Policy,
    benchmark: &scap_xccdf::Benchmark,
    base: &Path,
) -> Result<(), Failure> {
    let oval = scap_xccdf::eval::OVAL_SYSTEM;
    let rule_hrefs = policy
        .selected_rules()
        .flat_map(|rule| rule.checks())
        .filter(|check| check.system == oval)
        .flat_map(|check| check.content_refs.iter().map(|r| r.href.as_str()));
    // An XCCDF 1.1 benchmark's own CPE list names OVAL files too (its platforms' checks).
    let cpe_hrefs = benchmark
        .cpe_list
        .iter()
        .flat_map(|d| &d.items)
        .flat_map(|item| &item.checks)
        .filter(|c| c.system == oval)
        .filter_map(|c| c.href.as_deref());
    let mut seen = std::collections::BTreeSet::new();
    for href in rule_hrefs.chain(cpe_hrefs) {
        if !seen.insert(href) {
            continue;
        }
        let path = base.join(href);
        let Ok(bytes) = std::fs::read(&path) else {
            // oscap reports such rules notchecked; so do we (the engine finds nothing).
            eprintln!("scan: warning: {}: cannot read OVAL file", path.display());
            continue;
        };
        let defs = scap_oval::Definitions::parse(&bytes)
            .map_err(|e| bad(format!("{}: {e}", path.display())))?;
        engine.insert(href, defs);
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
