//! The scan report: one XCCDF TestResult joined with the rules of its data stream and the OVAL
//! results that decided them, as stable, documented JSON ([`ScanReport`]), and renderings of
//! it for people and tools: [`html`] (one self-contained page), [`ckl`] and [`cklb`] (DISA STIG
//! Viewer 2 and 3 checklists), [`poam`] (a Plan of Action and Milestones, FedRAMP or eMASS
//! layout), [`sarif`], [`oscal_ar`] and [`oscal_poam`] (OSCAL 1.1), [`hdf`] (Heimdall), and
//! [`json`]. What the scan found is split in [`findings`]: open findings (failed rules, the
//! only POA&M items) and the rules that need manual review (`error`, `unknown`,
//! `notchecked`). [`diff`] compares two scans. [`Options`] carries what a rendering needs
//! beyond the report (SLA, as-of date, detection dates from an earlier POA&M, the previous
//! scan).
//!
//! Every rendering goes through one seam, [`Format::render`] (report in, bytes to any
//! `std::io::Write` out), so a tool offering formats takes a [`Format`] by name
//! ([`Format::from_name`]) instead of calling each module. The modules' own `render`
//! functions stay for callers who want one format as a `String`.
//!
//! # JSON schema (`schema_version` 1)
//!
//! [`ScanReport`] serializes with serde_json to one object; every field is always present
//! (absent values are `null`, empty lists `[]`):
//!
//! ```text
//! { "schema_version": 1,
//!   "benchmark": {"id", "title", "version", "profile_id", "profile_title"},
//!   "test_result": {"id", "start_time", "end_time", "test_system", "identity"},
//!   "target": {"hostname", "fqdn", "ip_addresses": [str], "mac_addresses": [str],
//!              "fips_mode"?, "secure_boot"?: {"answer", "evidence"}, "os"?},  // ours only
//!   "scores": [{"system", "value": f64, "maximum": f64|null}],
//!   "counts": {"pass": n, "fail": n, ...},          // rule results per XCCDF result
//!   "rules": [{
//!     "id", "title", "result", "severity",          // result: XCCDF result word
//!     "description", "rationale",                    // plain text
//!     "version",                                     // the rule's <version> (STIG id in DISA content)
//!     "refs": [{"kind": "cci"|"srg"|"stig_rule"|"stig_id"|"nist80053"|"cce"|"other",
//!               "id", "source"}],                    // references and idents, classified
//!     "fix_text", "fix_scripts": [{"system", "script"}],
//!     "check": {"system", "href", "name"} | null,
//!     "messages": [str],
//!     "oval": [{"definition_id", "title", "result",
//!               "tests": [{"id", "comment", "kind", "result", "check", "check_existence",
//!                          "object_id", "object_flag", "variables": [[id, value]],
//!                          "items": [{"id", "kind", "status", "result",
//!                                     "fields": [[name, value]]}]}]}]
//!   }],
//!   "vulnerabilities": [{"definition_id", "class", "title", "description", "cves": [str],
//!                        "advisories": [str], "severity", "vendor_severity",
//!                        "packages": [{"name", "installed", "fixed"}],
//!                        "cve_details": [{"cve", "cvss3_score", "cvss3_vector", "impact",
//!                                         "cwe"}]}],         // what the feed says per CVE
//!   "poam": [{"poam_id", "kind": "rule"|"vulnerability", "asset", "weakness_id", "title", "description",
//!             "controls": [str], "ccis": [str], "stig_id", "cves": [str],
//!             "package": {"name", "installed", "fixed"} | null,  // vulnerabilities
//!             "severity",
//!             "detected", "due", "overdue": bool, "status_date",   // dates YYYY-MM-DD
//!             "detector", "remediation", "details"}],            // open findings only
//!   "needs_review": [{"id", "title", "result", "severity", "reason"}]  // error, unknown,
//! }                                                                    // notchecked
//! ```
//!
//! New fields may be added in later versions of schema 1; a field is never renamed or removed
//! without raising `schema_version`.

pub mod ckl;
pub mod cklb;
pub mod diff;
pub mod findings;
pub mod format;
pub mod hdf;
pub mod html;
pub mod json;
pub mod options;
pub mod oscal;
pub mod oscal_ar;
pub mod oscal_poam;
pub mod poam;
pub mod poam_xlsx;
pub mod refs;
pub mod sarif;
pub mod severity;
pub mod vulns;

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::asset::Asset;
use crate::error::{Error, Result};
use crate::oval::{Criteria, OvalResults};
use crate::read::Arf;
pub use crate::status::RuleStatus;
use crate::status::{ItemStatus, ObjectFlag, OvalResult, empty_as_none};
use crate::xccdf::TestResult;
pub use findings::ReviewItem;
pub use format::Format;
pub use options::Options;
use refs::{RefId, RefKind, classify};
pub use severity::Severity;

/// The JSON schema version [`ScanReport`] writes.
pub const SCHEMA_VERSION: u32 = 1;

/// How deep benchmark groups may nest before the rule walk stops descending.
const MAX_GROUP_DEPTH: usize = 64;

/// A scan's results, joined with the rules and OVAL evidence, ready to render.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ScanReport {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The benchmark and profile.
    pub benchmark: BenchmarkInfo,
    /// The TestResult's identity.
    pub test_result: TestResultInfo,
    /// The asset scanned.
    pub target: TargetInfo,
    /// Scores.
    pub scores: Vec<ScoreInfo>,
    /// How many rules had each result.
    pub counts: BTreeMap<RuleStatus, usize>,
    /// Every rule result, in TestResult order.
    pub rules: Vec<RuleReport>,
    /// Vulnerabilities found by OVAL vulnerability or patch definitions ([`vulns`]; empty
    /// unless added, e.g. by [`ScanReport::add_oval_vulnerabilities`]).
    #[serde(default)]
    pub vulnerabilities: Vec<vulns::Vulnerability>,
}

/// The benchmark and profile of a scan.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BenchmarkInfo {
    /// Benchmark id.
    pub id: String,
    /// Benchmark title.
    pub title: Option<String>,
    /// Benchmark version.
    pub version: Option<String>,
    /// Profile id.
    pub profile_id: Option<String>,
    /// Profile title.
    pub profile_title: Option<String>,
    /// The verdict on the content's signature, from the TestResult fact
    /// [`FACT_CONTENT_SIGNATURE`] (absent when it was not verified).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
}

/// The TestResult's identity and times.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TestResultInfo {
    /// TestResult id.
    pub id: String,
    /// `start-time`.
    pub start_time: Option<String>,
    /// `end-time`.
    pub end_time: Option<String>,
    /// `test-system`.
    pub test_system: Option<String>,
    /// `identity`.
    pub identity: Option<String>,
}

/// The asset scanned.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TargetInfo {
    /// Host name (asset, else TestResult `target`).
    pub hostname: Option<String>,
    /// Fully qualified domain name.
    pub fqdn: Option<String>,
    /// IP addresses.
    pub ip_addresses: Vec<String>,
    /// MAC addresses.
    pub mac_addresses: Vec<String>,
    /// FIPS mode, from the TestResult fact [`FACT_FIPS_MODE`] (absent from oscap's results).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fips_mode: Option<PlatformFact>,
    /// Secure Boot, from the TestResult fact [`FACT_SECURE_BOOT`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secure_boot: Option<PlatformFact>,
    /// The operating system, from the TestResult fact [`FACT_OS`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<String>,
}

impl TargetInfo {
    /// The platform facts as one line for a checklist's target comment (STIG Viewer's
    /// `TARGET_COMMENT`, CKLB `target_data.comments`): `OS: ...; FIPS mode: enabled (fips=1
    /// in ...); Secure Boot: ...`, each fact only when the results carry it (empty when none
    /// does, as in oscap's results).
    ///
    /// ```
    /// let mut t = scap_arf::report::TargetInfo::default();
    /// assert_eq!(t.platform_summary(), "");
    /// t.os = Some("Debian GNU/Linux 11 (bullseye)".into());
    /// assert_eq!(t.platform_summary(), "OS: Debian GNU/Linux 11 (bullseye)");
    /// ```
    pub fn platform_summary(&self) -> String {
        let mut parts = Vec::new();
        if let Some(os) = &self.os {
            parts.push(format!("OS: {os}"));
        }
        for (label, fact) in [
            ("FIPS mode", &self.fips_mode),
            ("Secure Boot", &self.secure_boot),
        ] {
            if let Some(f) = fact {
                if f.evidence.is_empty() {
                    parts.push(format!("{label}: {}", f.answer));
                } else {
                    parts.push(format!("{label}: {} ({})", f.answer, f.evidence));
                }
            }
        }
        parts.join("; ")
    }
}

/// The `TestResult` `target-facts` fact saying whether the target runs in FIPS mode: its value
/// is `enabled`, `disabled`, `not applicable` or `not collectable`; the fact named with
/// `:evidence` appended says where the answer comes from.
pub const FACT_FIPS_MODE: &str = "urn:scap-rs:fact:platform:fips-mode";
/// The `TestResult` fact saying whether the target boots with UEFI Secure Boot (as
/// [`FACT_FIPS_MODE`]; a disk image can also be `prepared`: its EFI system partition holds a
/// boot chain with valid Authenticode signatures, while whether firmware enforces them is not
/// recorded in an image).
pub const FACT_SECURE_BOOT: &str = "urn:scap-rs:fact:platform:secure-boot";
/// The `TestResult` fact naming the target's operating system (its os-release
/// `PRETTY_NAME`).
pub const FACT_OS: &str = "urn:scap-rs:fact:platform:os";
/// The `TestResult` fact holding the verdict on the scanned content's XML signature, as
/// verified when the content was opened (`not signed`, `valid, signed by ...`, `invalid: ...`,
/// `unverifiable: ...`).
pub const FACT_CONTENT_SIGNATURE: &str = "urn:scap-rs:fact:content:signature";

/// A platform fact of the target (FIPS mode, Secure Boot) and what it was read from.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PlatformFact {
    /// `enabled`, `disabled`, `not applicable` or `not collectable`; for Secure Boot also
    /// `prepared` (see [`FACT_SECURE_BOOT`]). Shown as it is in every format.
    pub answer: String,
    /// Where the answer comes from, or why there is none.
    pub evidence: String,
}

impl PlatformFact {
    /// The fact named `name` in a TestResult's facts, with its `:evidence` companion.
    ///
    /// ```
    /// use scap_arf::report::{PlatformFact, FACT_FIPS_MODE};
    /// let mut info = scap_xccdf::TestResultInfo::new("b.xml", "host1");
    /// for (name, value) in [(FACT_FIPS_MODE.to_string(), "enabled"),
    ///     (format!("{FACT_FIPS_MODE}:evidence"), "fips=1 in /etc/kernel/cmdline")] {
    ///     info.facts.push(scap_xccdf::testresult::Fact::new(name, "string", value));
    /// }
    /// let b = scap_xccdf::Benchmark::parse_str(
    ///     r#"<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2" id="xccdf_x_benchmark_b"/>"#,
    ///     &Default::default(),
    /// )?;
    /// let results = scap_xccdf::unevaluated(&b, &scap_xccdf::Policy::new(&b, None, None)?);
    /// let tr = scap_arf::TestResult::from_results(&results, &info);
    /// let f = PlatformFact::from_facts(&tr, FACT_FIPS_MODE).unwrap();
    /// assert_eq!((f.answer.as_str(), f.evidence.as_str()), ("enabled", "fips=1 in /etc/kernel/cmdline"));
    /// # Ok::<(), scap_xccdf::Error>(())
    /// ```
    pub fn from_facts(tr: &TestResult, name: &str) -> Option<PlatformFact> {
        let answer = tr.facts_named(name).next()?.trim().to_string();
        let evidence = tr
            .facts_named(&format!("{name}:evidence"))
            .next()
            .unwrap_or_default()
            .trim()
            .to_string();
        Some(PlatformFact { answer, evidence })
    }
}

/// A score.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ScoreInfo {
    /// Scoring system URI.
    pub system: Option<String>,
    /// The score.
    pub value: f64,
    /// The maximum.
    pub maximum: Option<f64>,
}

/// One rule's result with everything needed to act on it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RuleReport {
    /// Rule id.
    pub id: String,
    /// Title (the id when the data stream has no such rule).
    pub title: String,
    /// The XCCDF result (JSON: its word, `pass`, `fail`, ...).
    pub result: RuleStatus,
    /// Severity (`unknown`, `info`, `low`, `medium`, `high`).
    pub severity: String,
    /// Description, plain text.
    pub description: String,
    /// Rationale, plain text.
    pub rationale: String,
    /// The rule's `version` (DISA content: the STIG id).
    pub version: Option<String>,
    /// References and idents, classified.
    pub refs: Vec<RefId>,
    /// `fixtext`s, plain text.
    pub fix_text: String,
    /// `fix` scripts.
    pub fix_scripts: Vec<FixScript>,
    /// The check that ran.
    pub check: Option<CheckInfo>,
    /// Rule result `message`s.
    pub messages: Vec<String>,
    /// The OVAL definitions behind the result, with tests and items.
    pub oval: Vec<OvalDetail>,
}

impl RuleReport {
    /// The identifiers of one kind.
    pub fn ids(&self, kind: RefKind) -> impl Iterator<Item = &str> {
        self.refs
            .iter()
            .filter(move |r| r.kind == kind)
            .map(|r| r.id.as_str())
    }

    /// Whether the result is an open finding (`fail`; see [`RuleStatus::is_open`]).
    pub fn is_open(&self) -> bool {
        self.result.is_open()
    }
}

/// A `fix` script.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FixScript {
    /// `system` (`urn:xccdf:fix:script:sh`).
    pub system: String,
    /// The script; `sub`stituted values are filled in from the TestResult's set-values.
    pub script: String,
}

/// The check a rule result ran.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CheckInfo {
    /// Check system URI.
    pub system: String,
    /// `href`.
    pub href: String,
    /// `name`.
    pub name: Option<String>,
}

/// An OVAL definition's result and the tests under it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OvalDetail {
    /// Definition id.
    pub definition_id: String,
    /// Definition title.
    pub title: Option<String>,
    /// OVAL result (JSON: its word, `true`, `false`, ...).
    pub result: OvalResult,
    /// The tests of its criteria (extended definitions followed once), in order.
    pub tests: Vec<OvalTestDetail>,
}

/// A test under a definition, with the object it collected and the items.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OvalTestDetail {
    /// Test id.
    pub id: String,
    /// Test comment.
    pub comment: Option<String>,
    /// Test element name (`textfilecontent54_test`).
    pub kind: String,
    /// OVAL result; `None` (JSON `""`) when the results hold no such test.
    #[serde(with = "empty_as_none")]
    pub result: Option<OvalResult>,
    /// `check`.
    pub check: Option<String>,
    /// `check_existence`.
    pub check_existence: Option<String>,
    /// Object id.
    pub object_id: Option<String>,
    /// Object collection flag (JSON: its word, `complete`, `does not exist`, ...).
    pub object_flag: Option<ObjectFlag>,
    /// The items tested.
    pub items: Vec<OvalItemDetail>,
    /// Variable values the test's states compared with: variable id and value.
    pub variables: Vec<(String, String)>,
}

/// An item a test looked at.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OvalItemDetail {
    /// Item id.
    pub id: String,
    /// Item element name (`textfilecontent_item`).
    pub kind: String,
    /// Item status; `None` (JSON `""`) when the system characteristics hold no such item.
    #[serde(with = "empty_as_none")]
    pub status: Option<ItemStatus>,
    /// The item's result against the test's states; `None` (JSON `""`) when not given.
    #[serde(with = "empty_as_none")]
    pub result: Option<OvalResult>,
    /// Entities: name and value.
    pub fields: Vec<(String, String)>,
}

/// What the data stream says about a rule.
#[derive(Default)]
struct RuleInfo {
    title: String,
    description: String,
    rationale: String,
    version: Option<String>,
    refs: Vec<RefId>,
    fix_text: String,
    fixes: Vec<(String, Vec<scap_xccdf::FixPiece>)>,
    severity: Option<String>,
}

fn first_text(list: &[scap_xccdf::Text]) -> String {
    list.first()
        .map(|t| t.plain().trim().to_string())
        .unwrap_or_default()
}

fn collect_rules(items: &[scap_xccdf::Item], depth: usize, out: &mut HashMap<String, RuleInfo>) {
    if depth > MAX_GROUP_DEPTH {
        return;
    }
    for item in items {
        match item {
            scap_xccdf::Item::Group(g) => collect_rules(&g.items, depth + 1, out),
            scap_xccdf::Item::Rule(r) => {
                let c = &r.common;
                let mut refs = Vec::new();
                for i in &r.idents {
                    refs.extend(classify(&i.system, &i.value));
                }
                for x in &c.references {
                    refs.extend(classify(x.href.as_deref().unwrap_or(""), x.text.plain()));
                }
                let fix_text = r
                    .fixtexts
                    .iter()
                    .map(|f| f.text.plain().trim().to_string())
                    .collect::<Vec<_>>()
                    .join("\n\n");
                out.insert(
                    c.id.clone(),
                    RuleInfo {
                        title: first_text(&c.title),
                        description: first_text(&c.description),
                        rationale: first_text(&c.rationale),
                        version: c.version.clone(),
                        refs,
                        fix_text,
                        fixes: r
                            .fixes
                            .iter()
                            .map(|f| (f.system.clone().unwrap_or_default(), f.content.clone()))
                            .collect(),
                        severity: Some(r.severity.as_str().to_string()),
                    },
                );
            }
        }
    }
}

fn fix_script(pieces: &[scap_xccdf::FixPiece], values: &HashMap<&str, &str>) -> String {
    let mut s = String::new();
    for p in pieces {
        match p {
            scap_xccdf::FixPiece::Text(t) => s.push_str(t),
            scap_xccdf::FixPiece::Sub { idref, .. } => {
                s.push_str(values.get(idref.as_str()).copied().unwrap_or(idref))
            }
            scap_xccdf::FixPiece::Instance { .. } => {}
            _ => {}
        }
    }
    s.trim().to_string()
}

/// What the data stream says: rules, benchmark and profile titles, and (in an otherwise
/// empty [`OvalResults`]) its OVAL tests and definitions.
type DataStreamInfo = (scap_xccdf::Benchmark, OvalResults);

/// Parses the data stream of an ARF report request: its benchmark and what its OVAL
/// components say about their tests and definitions.
fn data_stream_rules(request_id: &str, text: &str) -> Result<DataStreamInfo> {
    let wrap = |source| Error::DataStream {
        request: request_id.to_string(),
        source,
    };
    let opts = scap_xccdf::ParseOptions::default();
    let src = scap_xccdf::Source::parse_str(text, None, None, &opts).map_err(wrap)?;
    let mut oval = OvalResults::default();
    // The OVAL components, each parsed alone from the data stream's text.
    let components = src.collection.iter().flat_map(|c| &c.components);
    for component in components {
        let Some(fragment) = &component.fragment else {
            continue;
        };
        if component.kind != scap_xccdf::ComponentKind::OvalDefinitions {
            continue;
        }
        let wrapped = fragment
            .wrap(text)
            .map_err(|e| wrap(scap_xccdf::Error::Xml(e)))?;
        let doc = crate::error::parse_document("data stream", &wrapped)?;
        if let Some(defs) = doc.root_element().first_element_child() {
            oval.add_definitions_info(defs);
        }
    }
    Ok((src.benchmark, oval))
}

/// The rules of a benchmark, and its and the profile's titles.
fn benchmark_rules(
    b: &scap_xccdf::Benchmark,
    profile: Option<&str>,
) -> (HashMap<String, RuleInfo>, BenchmarkInfo) {
    let mut rules = HashMap::new();
    collect_rules(&b.items, 0, &mut rules);
    let info = BenchmarkInfo {
        id: b.id.clone(),
        title: b.title.first().map(|t| t.plain().trim().to_string()),
        version: b.version.clone(),
        profile_id: profile.map(str::to_string),
        profile_title: profile.and_then(|p| {
            b.profiles
                .iter()
                .find(|x| x.id == p)
                .and_then(|x| x.title.first())
                .map(|t| t.plain().trim().to_string())
        }),
        signature: None,
    };
    (rules, info)
}

/// A rule-result's checks as a report shows them: one per `check-content-ref` of each direct
/// `check` child, or the bare check when it names no content (the checks of a
/// `complex-check` are not the rule-result's own).
fn check_refs(rr: &scap_xccdf::RuleResult) -> Vec<CheckInfo> {
    let mut out = Vec::new();
    for c in &rr.checks {
        if c.content_refs.is_empty() {
            out.push(CheckInfo {
                system: c.system.clone(),
                href: String::new(),
                name: None,
            });
        }
        for r in &c.content_refs {
            out.push(CheckInfo {
                system: c.system.clone(),
                href: r.href.clone(),
                name: r.name.clone(),
            });
        }
    }
    out
}

impl ScanReport {
    /// Builds the report of the ARF's first XCCDF TestResult, with rule texts from the data
    /// stream it was created for and evidence from the OVAL results its checks name.
    ///
    /// Without a data stream in the ARF, rules keep only what the TestResult says (id, result,
    /// severity, idents). A data stream that does not parse is an [`Error::DataStream`].
    pub fn from_arf(arf: &Arf) -> Result<ScanReport> {
        let report = arf
            .test_results
            .first()
            .ok_or_else(|| Error::Invalid("no XCCDF TestResult report".into()))?;
        let tr = &report.test_result;
        let request = arf.request_for(&report.report_id).or_else(|| {
            arf.requests
                .iter()
                .find(|r| r.root == "data-stream-collection")
        });
        let Some(request) = request else {
            return Ok(ScanReport::from_parts(
                None,
                tr,
                arf.asset_for(&report.report_id),
                &arf.oval_results,
            ));
        };
        let (benchmark, ds_oval) = data_stream_rules(&request.id, &request.content)?;
        // Results written without their definitions get test objects and comments from the
        // data stream's OVAL components.
        let ovals: Vec<OvalResults> = arf
            .oval_results
            .iter()
            .map(|o| {
                let mut o = o.clone();
                for (k, v) in &ds_oval.test_info {
                    o.test_info.entry(k.clone()).or_insert_with(|| v.clone());
                }
                for (k, v) in &ds_oval.definition_info {
                    o.definition_info
                        .entry(k.clone())
                        .or_insert_with(|| v.clone());
                }
                o
            })
            .collect();
        Ok(ScanReport::from_parts(
            Some(&benchmark),
            tr,
            arf.asset_for(&report.report_id),
            &ovals,
        ))
    }

    /// Builds the report of one XCCDF `TestResult` from its parts, with no XML: rule texts,
    /// references and fixes from `benchmark` (the one the results were made with), the target
    /// from `asset` (else the TestResult's `target`), and evidence from the OVAL results its
    /// checks name (a check href `#id` names the [`OvalResults::report_id`]; another href is
    /// matched to the first results holding the definition).
    ///
    /// What [`ScanReport::from_arf`] does after reading the ARF; `scap::ScanOutcome::report`
    /// calls it with the scan's typed results, so a report never needs the ARF written first.
    ///
    /// ```
    /// let text = r#"<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2" id="xccdf_x_benchmark_b">
    ///   <title>B</title>
    ///   <Rule id="xccdf_x_rule_a" selected="true" severity="high"><title>Rule A</title></Rule></Benchmark>"#;
    /// let b = scap_xccdf::Benchmark::parse_str(text, &Default::default())?;
    /// let p = scap_xccdf::Policy::new(&b, None, None)?;
    /// let results = scap_xccdf::unevaluated(&b, &p);
    /// let info = scap_xccdf::TestResultInfo::new("b.xml", "host1");
    /// let tr = scap_arf::TestResult::from_results(&results, &info);
    /// let report = scap_arf::report::ScanReport::from_parts(Some(&b), &tr, None, &[]);
    /// assert_eq!(report.benchmark.title.as_deref(), Some("B"));
    /// assert_eq!(report.rules[0].title, "Rule A");
    /// assert_eq!(report.target.hostname.as_deref(), Some("host1"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_parts(
        benchmark: Option<&scap_xccdf::Benchmark>,
        tr: &TestResult,
        asset: Option<&Asset>,
        ovals: &[OvalResults],
    ) -> ScanReport {
        let (rule_info, mut benchmark) = match benchmark {
            Some(b) => benchmark_rules(b, tr.profile.as_deref()),
            None => (HashMap::new(), BenchmarkInfo::default()),
        };
        if let Some(id) = &tr.benchmark_id {
            benchmark.id = id.clone();
        }
        if benchmark.version.is_none() {
            benchmark.version = tr.version.clone();
        }
        benchmark.profile_id = tr.profile.clone();
        benchmark.signature = tr
            .facts_named(FACT_CONTENT_SIGNATURE)
            .next()
            .map(|v| v.trim().to_string());

        let target = TargetInfo {
            hostname: asset
                .and_then(|a| a.hostname.clone())
                .or_else(|| tr.targets.first().cloned()),
            fqdn: asset.and_then(|a| a.fqdn.clone()),
            ip_addresses: match asset {
                Some(a) if !a.ip_addresses.is_empty() => {
                    a.ip_addresses.iter().map(ToString::to_string).collect()
                }
                _ => tr.target_addresses.clone(),
            },
            mac_addresses: asset.map(|a| a.mac_addresses.clone()).unwrap_or_default(),
            fips_mode: PlatformFact::from_facts(tr, FACT_FIPS_MODE),
            secure_boot: PlatformFact::from_facts(tr, FACT_SECURE_BOOT),
            os: tr
                .facts_named(FACT_OS)
                .next()
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty()),
        };
        let values: HashMap<&str, &str> = tr
            .set_values
            .iter()
            .map(|v| (v.idref.as_str(), v.value.as_str()))
            .collect();

        let mut counts = BTreeMap::new();
        let mut rules = Vec::with_capacity(tr.rule_results.len());
        for rr in &tr.rule_results {
            *counts.entry(rr.result).or_insert(0) += 1;
            let info = rule_info.get(&rr.idref);
            let mut refs: Vec<RefId> = info.map(|i| i.refs.clone()).unwrap_or_default();
            for ident in &rr.idents {
                for r in classify(&ident.system, &ident.value) {
                    if !refs.iter().any(|x| x.kind == r.kind && x.id == r.id) {
                        refs.push(r);
                    }
                }
            }
            let checks = check_refs(rr);
            let check = checks.iter().find(|c| c.name.is_some()).or(checks.first());
            let mut oval = Vec::new();
            for c in &checks {
                let by_href = c
                    .href
                    .strip_prefix('#')
                    .and_then(|id| ovals.iter().find(|o| o.report_id == id));
                // oscap names the report (`#oval0`); a TestResult naming the OVAL file instead
                // is matched to the first report holding the definition.
                let by_name = || {
                    ovals
                        .iter()
                        .find(|o| c.name.as_deref().is_some_and(|n| o.definition(n).is_some()))
                };
                let (Some(name), Some(res)) = (&c.name, by_href.or_else(by_name)) else {
                    continue;
                };
                if let Some(d) = oval_detail(res, name) {
                    oval.push(d);
                }
            }
            rules.push(RuleReport {
                id: rr.idref.clone(),
                title: info
                    .map(|i| i.title.clone())
                    .filter(|t| !t.is_empty())
                    .unwrap_or_else(|| rr.idref.clone()),
                result: rr.result,
                severity: rr
                    .severity
                    .map(|s| s.as_str().to_string())
                    .or_else(|| info.and_then(|i| i.severity.clone()))
                    .unwrap_or_else(|| "unknown".into()),
                description: info.map(|i| i.description.clone()).unwrap_or_default(),
                rationale: info.map(|i| i.rationale.clone()).unwrap_or_default(),
                version: info.and_then(|i| i.version.clone()),
                refs,
                fix_text: info.map(|i| i.fix_text.clone()).unwrap_or_default(),
                fix_scripts: info
                    .map(|i| {
                        i.fixes
                            .iter()
                            .map(|(system, pieces)| FixScript {
                                system: system.clone(),
                                script: fix_script(pieces, &values),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                check: check.cloned(),
                messages: rr.messages.iter().map(|m| m.text.clone()).collect(),
                oval,
            });
        }
        ScanReport {
            schema_version: SCHEMA_VERSION,
            benchmark,
            test_result: TestResultInfo {
                id: tr.id.clone(),
                start_time: tr.start_time.clone(),
                end_time: tr.end_time.clone(),
                test_system: tr.test_system.clone(),
                identity: tr.identity.as_ref().map(|i| i.name.clone()),
            },
            target,
            scores: tr
                .scores
                .iter()
                .map(|s| ScoreInfo {
                    system: s.system.clone(),
                    value: s.value,
                    maximum: s.maximum,
                })
                .collect(),
            counts,
            rules,
            vulnerabilities: Vec::new(),
        }
    }

    /// The report as pretty-printed JSON (the schema in the [module docs](self)) with its
    /// POA&M items and review list ([`json`]); the same bytes [`Format::Json`] writes with the
    /// default [`Options`].
    pub fn to_json(&self) -> Result<String> {
        json::render(self, &Options::default())
    }

    /// Reads a report back from its JSON (the derived `poam` and `needs_review` lists are
    /// ignored: they are computed from the rules).
    pub fn from_json(text: &str) -> Result<ScanReport> {
        Ok(serde_json::from_str(text)?)
    }

    /// The count of rules with result `result`.
    pub fn count(&self, result: RuleStatus) -> usize {
        self.counts.get(&result).copied().unwrap_or(0)
    }
}

/// The evidence for one definition: its tests (following extended definitions once each, so
/// a cycle cannot loop), their objects and items.
fn oval_detail(res: &OvalResults, def_id: &str) -> Option<OvalDetail> {
    let d = res.definition(def_id)?;
    let mut tests = Vec::new();
    let mut seen_defs = vec![def_id.to_string()];
    let mut queue: Vec<&Criteria> = d.criteria.iter().collect();
    let mut seen_tests = std::collections::HashSet::new();
    while let Some(c) = queue.pop() {
        match c {
            Criteria::Criteria { children, .. } => queue.extend(children.iter().rev()),
            Criteria::ExtendDefinition { definition_ref, .. } => {
                if seen_defs.contains(definition_ref) {
                    continue;
                }
                seen_defs.push(definition_ref.clone());
                if let Some(ext) = res.definition(definition_ref) {
                    queue.extend(ext.criteria.iter());
                }
            }
            Criteria::Criterion { test_ref, .. } => {
                if !seen_tests.insert(test_ref.as_str()) {
                    continue;
                }
                tests.push(test_detail(res, test_ref));
            }
        }
    }
    Some(OvalDetail {
        definition_id: def_id.to_string(),
        title: res
            .definition_info
            .get(def_id)
            .and_then(|i| i.title.clone()),
        result: d.result,
        tests,
    })
}

fn test_detail(res: &OvalResults, test_id: &str) -> OvalTestDetail {
    let t = res.tests.get(test_id);
    let info = res.test_info.get(test_id);
    let object_id = info.and_then(|i| i.object_ref.clone());
    let object = object_id.as_deref().and_then(|o| res.objects.get(o));
    let items = t
        .map(|t| {
            t.tested_items
                .iter()
                .map(|(id, result)| {
                    let item = res.items.get(id);
                    OvalItemDetail {
                        id: id.clone(),
                        kind: item.map(|i| i.kind.clone()).unwrap_or_default(),
                        status: item.map(|i| i.status),
                        result: *result,
                        fields: item.map(|i| i.fields.clone()).unwrap_or_default(),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    OvalTestDetail {
        id: test_id.to_string(),
        comment: info.and_then(|i| i.comment.clone()),
        kind: info.map(|i| i.kind.clone()).unwrap_or_default(),
        result: t.map(|t| t.result),
        check: t.and_then(|t| t.check.clone()),
        check_existence: t.and_then(|t| t.check_existence.clone()),
        object_flag: object.map(|o| o.flag),
        object_id,
        items,
        variables: t.map(|t| t.tested_variables.clone()).unwrap_or_default(),
    }
}
