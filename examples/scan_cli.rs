//! The command line of the `scan` example: oscap `xccdf eval`'s options, parsed into
//! [`Args`].

use std::ffi::OsString;
use std::path::PathBuf;

use scap::oval::results::Content;
use scap::xccdf::InputOptions;

use crate::cli::{self, Opt, Parsed, UsageError, Verbosity};

/// `scan --help`.
pub const USAGE: &str = "usage: scan [options] INPUT_FILE [OVAL_FILE...]
       scan            (no arguments: scan this host with the bundled Linux baseline)

INPUT_FILE is a source data stream, an XCCDF benchmark or an XCCDF tailoring file (its
benchmark href is loaded, relative to it). The options are oscap xccdf eval's:

  --profile ID               profile id, a unique suffix of one (`standard`), or '(all)'
  --rule ID / --skip-rule ID evaluate only / never this rule (repeatable; short ids work)
  --tailoring-file FILE      an XCCDF tailoring file
  --tailoring-id ID          a tailoring component (or its component-ref) in the data stream
  --cpe FILE                 a CPE dictionary for platform applicability (repeatable)
  --datastream-id ID, --xccdf-id ID, --benchmark-id ID   which checklist of a data stream
  --results FILE             XCCDF 1.2 results (TestResult)
  --results-arf FILE         ARF 1.1 report (also --arf)
  --stig-viewer FILE         XCCDF results with STIG rule ids, for DISA STIG Viewer
  --oval-results             OVAL results of each check file as NAME.result.xml in the cwd
  --oval-results-dir DIR     ... in DIR instead (not in oscap)
  --export-variables         the OVAL external variables used, as NAME-N.variables-0.xml
  --thin-results             OVAL results (files and ARF) without criteria, tests or items
  --without-syschar          OVAL results (files and ARF) without collected objects and items
  --report FILE              self-contained HTML report
  --progress                 print RULE_ID:RESULT lines instead of the table
  --progress-full            print RULE_ID|TITLE|RESULT lines
  --verbose LEVEL            DEVEL, INFO, WARNING (default) or ERROR
  --local-files DIR          where remote components of the data stream are found, by name
  --skip-validation, --skip-valid   accepted (no XSD validation)
  --skip-signature-validation       do not verify a data stream's signature
  --enforce-signature        refuse a data stream unless its signature is valid and its key
                             trusted (--trust-anchors); without it a present signature is
                             verified and reported on stderr
  --remediate                after the evaluation, run the bash fix of each failed rule on
                             this host and evaluate it again (fixed / error); live host only
  --fetch-remote-resources   refused

Not in oscap:
  --root DIR | --image PATH[:REF] | --disk IMAGE
                             scan an offline tree, a container image or a VM disk image
                             (raw, qcow2, fixed VHD; assembled by its fstab)
  --env-file FILE            NAME=value lines: the offline target's environment
  --trust-anchors PEM        certificates (trust anchors) and public keys that vouch for a
                             data stream's signature (oscap has no such option)
  --enable-sce               run the content's SCE scripts on this host (live scans only;
                             oscap runs them always, even for an offline root)
  --ckl FILE, --cklb FILE    STIG Viewer checklists
  --poam FILE, --poam-emass FILE, --poam-xlsx FILE, --poam-emass-xlsx FILE
                             POA&M (FedRAMP / eMASS layouts, CSV or xlsx; failed rules)
  --sarif FILE, --oscal-ar FILE, --oscal-poam FILE, --hdf FILE, --json FILE
                             SARIF 2.1.0, OSCAL 1.1 assessment results / POA&M, Heimdall, JSON
  --oval-vulns FEED          also evaluate an OVAL vulnerability feed (Debian, Ubuntu, Red Hat
                             shapes) on the target: its CVE findings go into every report
                             above but the checklists (repeatable)
  -h, --help; -V, --version

Find profile ids with: cargo run --example info -- INPUT_FILE";

/// Every option of `scan` (oscap xccdf eval's, plus ours).
/// The options `scan` takes.
pub const OPTS: &[Opt] = &[
    Opt::value(&["--profile"], "ID"),
    Opt::value(&["--rule"], "ID"),
    Opt::value(&["--skip-rule"], "ID"),
    Opt::value(&["--tailoring-file"], "FILE"),
    Opt::value(&["--tailoring-id"], "ID"),
    Opt::value(&["--cpe"], "FILE"),
    Opt::value(&["--datastream-id"], "ID"),
    Opt::value(&["--xccdf-id"], "ID"),
    Opt::value(&["--benchmark-id"], "ID"),
    Opt::value(&["--results"], "FILE"),
    Opt::value(&["--results-arf", "--arf"], "FILE"),
    Opt::value(&["--stig-viewer"], "FILE"),
    Opt::flag(&["--oval-results"]),
    Opt::value(&["--oval-results-dir"], "DIR"),
    Opt::flag(&["--check-engine-results"]),
    Opt::flag(&["--export-variables"]),
    Opt::flag(&["--enable-sce"]),
    Opt::flag(&["--thin-results"]),
    Opt::flag(&["--without-syschar"]),
    Opt::value(&["--report"], "FILE"),
    Opt::value(&["--ckl"], "FILE"),
    Opt::value(&["--cklb"], "FILE"),
    Opt::value(&["--poam"], "FILE"),
    Opt::value(&["--poam-emass"], "FILE"),
    Opt::value(&["--poam-xlsx"], "FILE"),
    Opt::value(&["--poam-emass-xlsx"], "FILE"),
    Opt::value(&["--sarif"], "FILE"),
    Opt::value(&["--oscal-ar"], "FILE"),
    Opt::value(&["--oscal-poam"], "FILE"),
    Opt::value(&["--hdf"], "FILE"),
    Opt::value(&["--json"], "FILE"),
    Opt::flag(&["--progress"]),
    Opt::flag(&["--progress-full"]),
    Opt::value(&["--verbose"], "LEVEL"),
    Opt::value(&["--verbose-log-file"], "FILE"),
    Opt::value(&["--local-files"], "DIR"),
    Opt::flag(&["--skip-validation", "--skip-valid"]),
    Opt::flag(&["--skip-signature-validation"]),
    Opt::flag(&["--fetch-remote-resources"]),
    Opt::flag(&["--remediate"]),
    Opt::flag(&["--enforce-signature"]),
    Opt::value(&["--root"], "DIR"),
    Opt::value(&["--image"], "PATH[:REF]"),
    Opt::value(&["--disk"], "IMAGE"),
    Opt::value(&["--env-file"], "FILE"),
    Opt::value(&["--trust-anchors"], "PEM"),
    Opt::value(&["--oval-vulns"], "FEED"),
];

/// How rule results are printed.
#[derive(Default, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// The table, counts and scores.
    #[default]
    Table,
    /// oscap `--progress`: `RULE_ID:RESULT`.
    Progress,
    /// oscap `--progress-full`: `RULE_ID|TITLE|RESULT`.
    ProgressFull,
}

/// What `scan` was asked to do.
#[allow(missing_docs)] // one field per option, named after it
pub struct Args {
    pub profile: Option<String>,
    pub root: Option<PathBuf>,
    pub image: Option<String>,
    pub disk: Option<PathBuf>,
    pub env_file: Option<PathBuf>,
    pub results: Option<PathBuf>,
    pub stig_viewer: Option<PathBuf>,
    /// `--oval-results` (the cwd) or `--oval-results-dir DIR`.
    pub oval_results: Option<PathBuf>,
    pub export_variables: bool,
    /// `--enable-sce`: run the content's Script Check Engine scripts on this host.
    pub enable_sce: bool,
    /// `--remediate`: run the fixes of the failed rules on this host, then check them again.
    pub remediate: bool,
    /// What the OVAL results (files and ARF) carry.
    pub oval_content: Content,
    pub evidence: Evidence,
    pub tailoring: Option<PathBuf>,
    pub input: InputOptions,
    pub rules: Vec<String>,
    pub skip_rules: Vec<String>,
    pub output: Output,
    pub verbosity: Verbosity,
    pub datastream: Option<PathBuf>,
    /// OVAL files named after the input (oscap's `[oval-definitions-files]`).
    pub oval_files: Vec<PathBuf>,
    /// `--enforce-signature`.
    pub enforce_signature: bool,
    /// `--skip-signature-validation`.
    pub skip_signature: bool,
    /// `--trust-anchors PEM`.
    pub trust_anchors: Option<PathBuf>,
    /// `--oval-vulns FEED`, in order.
    pub oval_vulns: Vec<PathBuf>,
}

/// What the command line asks for: a scan, or help / version.
pub enum Command {
    /// Scan with these arguments.
    Scan(Box<Args>),
    /// `--help`.
    Help,
    /// `--version`.
    Version,
}

/// Parses `scan`'s arguments (without the program name).
pub fn parse_args(words: impl IntoIterator<Item = OsString>) -> Result<Command, UsageError> {
    let mut a = Args {
        profile: None,
        root: None,
        image: None,
        disk: None,
        env_file: None,
        results: None,
        stig_viewer: None,
        oval_results: None,
        export_variables: false,
        enable_sce: false,
        remediate: false,
        oval_content: Content::default(),
        evidence: Evidence::default(),
        tailoring: None,
        input: InputOptions::default(),
        rules: Vec::new(),
        skip_rules: Vec::new(),
        output: Output::default(),
        verbosity: Verbosity::default(),
        datastream: None,
        oval_files: Vec::new(),
        enforce_signature: false,
        skip_signature: false,
        trust_anchors: None,
        oval_vulns: Vec::new(),
    };
    for item in cli::parse(OPTS, words)? {
        let (name, value) = match item {
            Parsed::Help => return Ok(Command::Help),
            Parsed::Version => return Ok(Command::Version),
            Parsed::Positional(p) => {
                if a.datastream.is_none() {
                    a.datastream = Some(p.into());
                } else {
                    a.oval_files.push(p.into());
                }
                continue;
            }
            Parsed::Flag(name) => {
                match name {
                    "--oval-results" => a.oval_results = Some(PathBuf::from(".")),
                    "--export-variables" => a.export_variables = true,
                    "--enable-sce" => a.enable_sce = true,
                    "--progress" => a.output = Output::Progress,
                    "--progress-full" => a.output = Output::ProgressFull,
                    "--thin-results" => a.oval_content = Content::thin(),
                    "--without-syschar" if a.oval_content.full => {
                        a.oval_content = Content::without_system_characteristics();
                    }
                    "--skip-signature-validation" => a.skip_signature = true,
                    "--enforce-signature" => a.enforce_signature = true,
                    // Accepted: we never validate against the XSDs, and write no check-engine
                    // plugin results.
                    "--without-syschar" | "--skip-validation" | "--check-engine-results" => {}
                    "--fetch-remote-resources" => {
                        return Err(UsageError(
                            "--fetch-remote-resources: this scanner never downloads content; \
                             download it yourself and pass --local-files DIR"
                                .into(),
                        ));
                    }
                    "--remediate" => a.remediate = true,
                    _ => return Err(UsageError(format!("{name} is not handled"))),
                }
                continue;
            }
            Parsed::Value(name, value) => (name, value),
        };
        let path = PathBuf::from(&value);
        match name {
            "--profile" => a.profile = Some(cli::utf8(name, value)?),
            "--rule" => a.rules.push(cli::utf8(name, value)?),
            "--skip-rule" => a.skip_rules.push(cli::utf8(name, value)?),
            "--tailoring-file" => a.tailoring = Some(path),
            "--tailoring-id" => a.input.tailoring_id = Some(cli::utf8(name, value)?),
            "--cpe" => a.input.cpe.push(path),
            "--datastream-id" => a.input.datastream_id = Some(cli::utf8(name, value)?),
            "--xccdf-id" => a.input.xccdf_id = Some(cli::utf8(name, value)?),
            "--benchmark-id" => a.input.benchmark_id = Some(cli::utf8(name, value)?),
            "--results" => a.results = Some(path),
            "--results-arf" => a.evidence.arf = Some(path),
            "--stig-viewer" => a.stig_viewer = Some(path),
            "--oval-results-dir" => a.oval_results = Some(path),
            "--report" => a.evidence.reports.push(("html", path)),
            // Every other report format is `--NAME FILE`, NAME as `Format::from_name` takes it.
            format @ ("--ckl" | "--cklb" | "--poam" | "--poam-emass" | "--poam-xlsx"
            | "--poam-emass-xlsx" | "--sarif" | "--oscal-ar" | "--oscal-poam"
            | "--hdf" | "--json") => a.evidence.reports.push((&format[2..], path)),
            "--verbose" => a.verbosity = cli::utf8(name, value)?.parse()?,
            // oscap's log file for its own debug messages; ours go to stderr.
            "--verbose-log-file" => {}
            "--local-files" => a.input.local_files = Some(path),
            "--root" => a.root = Some(path),
            "--image" => a.image = Some(cli::utf8(name, value)?),
            "--disk" => a.disk = Some(path),
            "--env-file" => a.env_file = Some(path),
            "--trust-anchors" => a.trust_anchors = Some(path),
            "--oval-vulns" => a.oval_vulns.push(path),
            _ => return Err(UsageError(format!("{name} is not handled"))),
        }
    }
    if a.enforce_signature && a.skip_signature {
        return Err(UsageError(
            "--enforce-signature and --skip-signature-validation contradict each other".into(),
        ));
    }
    let targets = [a.root.is_some(), a.image.is_some(), a.disk.is_some()];
    if targets.iter().filter(|&&t| t).count() > 1 {
        return Err(UsageError(
            "--root, --image and --disk each name a target: give one".into(),
        ));
    }
    // The fixes run on this host: remediating an offline target would change the wrong system.
    if a.remediate && targets.contains(&true) {
        return Err(UsageError(
            "--remediate runs each fix on this host: it cannot remediate --root, --image or \
             --disk (generate the script with the fix example and run it in the target)"
                .into(),
        ));
    }
    Ok(Command::Scan(Box::new(a)))
}

/// The ARF, HTML report, checklists, POA&M and JSON to write.
#[derive(Default)]
#[allow(missing_docs)] // one field per option, named after it
pub struct Evidence {
    pub arf: Option<PathBuf>,
    /// Report files: the `scap_arf::report::Format` name and the path, in command-line order.
    pub reports: Vec<(&'static str, PathBuf)>,
}

impl Evidence {
    /// Whether any evidence file is asked for.
    pub fn any(&self) -> bool {
        self.arf.is_some() || self.reports()
    }

    /// Whether a report (not only the ARF) is asked for.
    pub fn reports(&self) -> bool {
        !self.reports.is_empty()
    }
}

impl Args {
    /// The target `--root` / `--image` / `--disk` name, else this host.
    pub fn target(&self) -> scap::TargetSpec {
        match (&self.root, &self.image, &self.disk) {
            (Some(dir), _, _) => scap::TargetSpec::Root(dir.clone()),
            (None, Some(image), _) => scap::TargetSpec::Image(image.clone()),
            (None, None, Some(disk)) => scap::TargetSpec::Disk(disk.clone()),
            (None, None, None) => scap::TargetSpec::Live,
        }
    }

    /// How to open the input: the data stream choices, `--cpe`, `--local-files`, the OVAL
    /// files after the input and the tailoring.
    /// How to open the content; reads `--trust-anchors` (an error names the file).
    pub fn open_options(&self) -> Result<scap::OpenOptions, String> {
        let mut options = scap::OpenOptions::default();
        options.input = self.input.clone();
        options.input.check_files = self.oval_files.clone();
        options.tailoring_file = self.tailoring.clone();
        options.enforce_signature = self.enforce_signature;
        options.skip_signature = self.skip_signature;
        if let Some(pem) = &self.trust_anchors {
            let failed =
                |e: &dyn std::fmt::Display| format!("--trust-anchors {}: {e}", pem.display());
            let text = std::fs::read_to_string(pem).map_err(|e| failed(&e))?;
            options.trust = scap::dsig::Trust::from_pem(&text).map_err(|e| failed(&e))?;
        }
        Ok(options)
    }
}
