//! [`Scan`]: content, a profile and a target to a [`ScanOutcome`]; and the evidence made from
//! the outcome.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use scap_arf::report::vulns::Vulnerability;

use scap_oval::eval::Results;
use scap_oval::probes::Registry;
use scap_oval::results::Content as OvalContent;
use scap_probe::Target;
use scap_probe::platform::Vantage;
use scap_xccdf::remediate::FixRunner;
use scap_xccdf::sce::{SceDisabled, SceEngine, SceScripts};
use scap_xccdf::{CheckEngine, Engines, EvalOptions, RuleOutcome, ScanResults, XccdfResult};

use crate::content::Content;
use crate::error::{Error, Result};
use crate::oval_engine::OvalEngine;
use crate::target::TargetFacts;
use crate::vulns::VulnFeed;
use crate::warning::Warning;

/// Whether Script Check Engine checks run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Sce {
    /// Not run: each SCE rule is `notchecked`, with why as its message.
    Off(SceDisabled),
    /// Run the content's scripts on this host (they run code from the content: opt in only
    /// for content you trust, and only when the target is this host).
    OnThisHost,
}

impl Sce {
    /// What `scan --enable-sce` means for a target: scripts run only when asked and only
    /// when the target is this host (a script run here cannot see an offline tree or image).
    ///
    /// ```
    /// use scap::{Sce, TargetSpec};
    /// assert_eq!(Sce::when(true, &TargetSpec::Live), Sce::OnThisHost);
    /// assert!(matches!(Sce::when(true, &TargetSpec::Root("/srv/tree".into())), Sce::Off(_)));
    /// ```
    pub fn when(enabled: bool, target: &crate::TargetSpec) -> Sce {
        match (enabled, target.is_live()) {
            (false, _) => Sce::Off(SceDisabled::NotEnabled),
            (true, false) => Sce::Off(SceDisabled::OfflineTarget),
            (true, true) => Sce::OnThisHost,
        }
    }
}

impl Default for Sce {
    fn default() -> Self {
        Sce::Off(SceDisabled::NotEnabled)
    }
}

/// A callback given each rule's outcome.
type OnRule<'c> = Box<dyn FnMut(&RuleOutcome) + Send + 'c>;

/// One scan of [`Content`]: a profile (or the default selection), rules to evaluate or skip, the
/// engines; [`Scan::run`] evaluates it against a target.
///
/// ```
/// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ds/ssg-chromium-ds.xml");
/// let content = scap::Content::open(path)?;
/// let target = scap::probe::MemoryTarget::new();
/// let outcome = scap::Scan::new(&content).profile("stig")?.run(&target)?;
/// // No Chromium on an empty system: the benchmark's platform does not apply.
/// assert!(outcome.results.rules.iter().all(|r| r.result == scap::xccdf::XccdfResult::NotSelected
///     || r.result == scap::xccdf::XccdfResult::NotApplicable));
/// # Ok::<(), scap::Error>(())
/// ```
pub struct Scan<'c> {
    content: &'c Content,
    profile: Option<String>,
    rules: Vec<String>,
    skip_rules: Vec<String>,
    sce: Sce,
    registry: Option<Registry>,
    engines: Vec<Box<dyn CheckEngine + Send + Sync + 'c>>,
    on_rule: Option<OnRule<'c>>,
    vantage: Vantage,
    remediation: Option<Box<dyn FixRunner + 'c>>,
    feeds: Vec<Feed>,
    target_warnings: Vec<Warning>,
}

/// A vulnerability feed to evaluate: opened, or a file opened when the scan runs.
#[derive(Debug)]
enum Feed {
    Open(VulnFeed),
    File(PathBuf),
}

impl std::fmt::Debug for Scan<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scan")
            .field("content", &self.content.name())
            .field("profile", &self.profile)
            .field("rules", &self.rules)
            .field("skip_rules", &self.skip_rules)
            .field("sce", &self.sce)
            .field("feeds", &self.feeds)
            .field("remediate", &self.remediation.is_some())
            .finish_non_exhaustive()
    }
}

impl<'c> Scan<'c> {
    /// A scan of `content` with the benchmark's default selection.
    pub fn new(content: &'c Content) -> Scan<'c> {
        Scan {
            content,
            profile: None,
            rules: Vec::new(),
            skip_rules: Vec::new(),
            sce: Sce::default(),
            registry: None,
            engines: Vec::new(),
            on_rule: None,
            vantage: Vantage::Installed,
            feeds: Vec::new(),
            remediation: None,
            target_warnings: Vec::new(),
        }
    }

    /// Scans with a profile: a full id, a unique suffix of one (`standard`) or `(all)`, as
    /// oscap takes `--profile`. Errors when no profile (or more than one) matches.
    pub fn profile(mut self, name: &str) -> Result<Scan<'c>> {
        self.profile = Some(self.content.profile_id(name)?);
        Ok(self)
    }

    /// Evaluates only these rules (full ids or the part after `_rule_`), even where the
    /// profile deselects them, as oscap `--rule`. [`Scan::run`] errors on an unknown one.
    pub fn rules(mut self, rules: impl IntoIterator<Item = impl Into<String>>) -> Scan<'c> {
        self.rules.extend(rules.into_iter().map(Into::into));
        self
    }

    /// Adds what opening the target noticed ([`TargetSpec::open_with_warnings`]) to the
    /// outcome's [`warnings`](ScanOutcome::warnings), after the scan's own.
    ///
    /// [`TargetSpec::open_with_warnings`]: crate::TargetSpec::open_with_warnings
    pub fn target_warnings(mut self, warnings: impl IntoIterator<Item = Warning>) -> Scan<'c> {
        self.target_warnings.extend(warnings);
        self
    }

    /// Never evaluates these rules (`--skip-rule`); an unknown one is ignored with a warning.
    pub fn skip_rules(mut self, rules: impl IntoIterator<Item = impl Into<String>>) -> Scan<'c> {
        self.skip_rules.extend(rules.into_iter().map(Into::into));
        self
    }

    /// Whether SCE checks run (default: not, each SCE rule `notchecked` saying why).
    pub fn sce(mut self, sce: Sce) -> Scan<'c> {
        self.sce = sce;
        self
    }

    /// Says the target is the host this process runs on: the results record the account
    /// that ran the scan (oscap's `identity`) and its platform facts come from the running
    /// kernel and firmware. Shorthand for [`Scan::vantage`] with [`Vantage::Live`] (`false`
    /// turns a live vantage back into [`Vantage::Installed`]).
    pub fn live(mut self, live: bool) -> Scan<'c> {
        if live {
            self.vantage = Vantage::Live;
        } else if self.vantage == Vantage::Live {
            self.vantage = Vantage::Installed;
        }
        self
    }

    /// Says what the target is, so that its platform facts (FIPS mode, Secure Boot) are read
    /// where such a target keeps them ([`crate::TargetSpec::vantage`] gives it for the usual
    /// targets; the default is [`Vantage::Installed`]: an installed system's files).
    pub fn vantage(mut self, vantage: Vantage) -> Scan<'c> {
        self.vantage = vantage;
        self
    }

    /// Replaces the OVAL probes (to plug in probes of one's own; see
    /// [`scap_oval::probes::Registry`]).
    pub fn registry(mut self, registry: Registry) -> Scan<'c> {
        self.registry = Some(registry);
        self
    }

    /// Adds a check engine for another check system; it is asked before the built-in ones.
    pub fn engine(mut self, engine: impl CheckEngine + Send + Sync + 'c) -> Scan<'c> {
        self.engines.push(Box::new(engine));
        self
    }

    /// Also evaluates an OVAL vulnerability feed on the target, with the same probes: the
    /// CVE findings are in [`ScanOutcome::vulnerabilities`] and in every report format
    /// ([`crate::vulns`]). Repeatable.
    ///
    /// ```
    /// # use scap::{Content, Scan, VulnFeed};
    /// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    /// let content = Content::open(format!("{dir}/scap/tests/fixtures/ds/ssg-chromium-ds.xml"))?;
    /// let feed = VulnFeed::open(format!("{dir}/scap-arf/tests/fixtures/vulns/feed-redhat.xml"))?;
    /// let target = scap::probe::MemoryTarget::new(); // no rpm database: nothing installed
    /// let outcome = Scan::new(&content).vulnerability_feed(feed).run(&target)?;
    /// assert!(outcome.vulnerabilities.is_empty());
    /// # Ok::<(), scap::Error>(())
    /// ```
    pub fn vulnerability_feed(mut self, feed: VulnFeed) -> Scan<'c> {
        self.feeds.push(Feed::Open(feed));
        self
    }

    /// [`Scan::vulnerability_feed`] for feed files, opened when the scan runs (an error names
    /// the file): `scan --oval-vulns FEED`.
    pub fn vulnerability_feed_files(
        mut self,
        paths: impl IntoIterator<Item = impl AsRef<Path>>,
    ) -> Scan<'c> {
        self.feeds.extend(
            paths
                .into_iter()
                .map(|p| Feed::File(p.as_ref().to_path_buf())),
        );
        self
    }

    /// Calls `f` with each rule's outcome, in benchmark order, as the results are decided
    /// (checks are evaluated in batches, one OVAL pass per component: a rule's outcome is
    /// known when its batch is). `scan --progress` prints from here.
    pub fn on_rule(mut self, f: impl FnMut(&RuleOutcome) + Send + 'c) -> Scan<'c> {
        self.on_rule = Some(Box::new(f));
        self
    }

    /// Remediates after evaluating, as `oscap xccdf eval --remediate`: the fix of each rule
    /// that failed is run with `runner`, the rule is evaluated again and its rule-result
    /// becomes `fixed` or `error`, with the fix and what it said (one `TestResult`; details
    /// and differences from oscap in [`scap_xccdf::remediate`]). The OVAL results kept are
    /// those of the evaluation before the fixes, as oscap keeps them.
    ///
    /// [`BashRunner`](crate::BashRunner) runs the fixes on this host: [`Scan::run`] then
    /// refuses a target other than the live host ([`Scan::live`]), with
    /// [`Error::RemediationOffline`]. A runner of one's own that changes the target it is
    /// given says so ([`FixRunner::acts_on_this_host`]).
    ///
    /// ```
    /// use scap::{FixRun, FixRunner, FixScript};
    /// use scap::probe::MemoryTarget;
    /// # let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ds/ssg-chromium-ds.xml");
    /// let content = scap::Content::open(path)?;
    /// struct Echo;
    /// impl FixRunner for Echo {
    ///     fn run(&self, fix: &FixScript<'_>) -> FixRun { FixRun::exited(0, fix.text) }
    /// }
    /// // The default runner changes this host: an offline target is refused.
    /// let offline = scap::Scan::new(&content).remediate(Echo).run(&MemoryTarget::new());
    /// assert!(matches!(offline, Err(scap::Error::RemediationOffline { .. })));
    /// # Ok::<(), scap::Error>(())
    /// ```
    pub fn remediate(mut self, runner: impl FixRunner + 'c) -> Scan<'c> {
        self.remediation = Some(Box::new(runner));
        self
    }

    /// Evaluates the scan against `target`.
    pub fn run(self, target: &dyn Target) -> Result<ScanOutcome> {
        let content = self.content;
        if let Some(runner) = &self.remediation {
            if runner.acts_on_this_host() && self.vantage != Vantage::Live {
                let target = match self.vantage {
                    Vantage::ContainerImage => "a container image",
                    _ => "an offline tree or disk image",
                };
                return Err(Error::RemediationOffline {
                    target: target.to_string(),
                });
            }
        }
        let policy = content.policy(self.profile.as_deref())?;
        let find = |r: &str| {
            let suffix = format!("_rule_{r}");
            policy
                .rules
                .iter()
                .find(|x| x.id() == r || x.id().ends_with(&suffix))
                .map(|x| x.id().to_string())
        };
        let mut rules = Vec::new();
        for r in &self.rules {
            rules.push(find(r).ok_or_else(|| Error::NoSuchRule(r.clone()))?);
        }
        // Dangling profile selections change nothing evaluated; a check-export naming no Value
        // leaves the check's variable unbound.
        let mut warnings: Vec<Warning> = policy
            .warnings
            .iter()
            .map(|w| Warning::new(w.to_string(), false))
            .chain(
                policy
                    .export_warnings()
                    .iter()
                    .map(|w| Warning::new(w.to_string(), true)),
            )
            .collect();
        // A check href the data stream cannot resolve (a catalog URI pointing outside the
        // stream, a missing component) makes its rule notchecked: say so here too, once per
        // href, not only in the rule-result message.
        let mut unresolvable = BTreeSet::new();
        for rule in policy.selected_rules() {
            for check in rule.checks() {
                if check.system != scap_xccdf::eval::OVAL_SYSTEM {
                    continue;
                }
                for r in &check.content_refs {
                    if let Err(e) = content.source().resolve_check_href(&r.href) {
                        if unresolvable.insert(r.href.clone()) {
                            warnings.push(Warning::new(
                                format!(
                                    "check href {}: {e}; the rules that use it are notchecked",
                                    r.href
                                ),
                                true,
                            ));
                        }
                    }
                }
            }
        }
        let mut skip = Vec::new();
        for r in &self.skip_rules {
            match find(r) {
                Some(id) => skip.push(id),
                None => warnings.push(Warning::new(
                    format!("--skip-rule {r}: no such rule, ignored"),
                    false,
                )),
            }
        }
        warnings.extend(self.target_warnings);
        let mut oval = OvalEngine::new(content, target).keep_results(true);
        if let Some(registry) = self.registry {
            oval = oval.with_registry(registry);
        }
        let sce = match self.sce {
            Sce::Off(why) => SceEngine::disabled(why),
            Sce::OnThisHost if content.composed() => {
                let dir = content
                    .path()
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty());
                SceEngine::run_on_this_host(SceScripts::in_directory(
                    dir.unwrap_or(std::path::Path::new(".")),
                ))
            }
            Sce::OnThisHost => {
                SceEngine::run_on_this_host(SceScripts::from_source(content.source()))
            }
        };
        let mut engines = Engines::default();
        for e in self.engines {
            engines.push(e);
        }
        engines.push(Box::new(&oval)).push(Box::new(sce));
        let evaluation_error = |source| Error::Evaluation {
            name: content.name().to_string(),
            source,
        };
        let mut results = scap_xccdf::evaluate(
            content.source(),
            &policy,
            &engines,
            &EvalOptions::new(rules, skip),
        )
        .map_err(evaluation_error)?;
        // The OVAL results of the evaluation, before any fix ran (oscap's ARF after
        // --remediate holds those).
        let oval_results = oval.take_results();
        if let Some(runner) = &self.remediation {
            scap_xccdf::remediate::remediate(
                content.source(),
                &policy,
                &engines,
                &mut results,
                runner.as_ref(),
            )
            .map_err(evaluation_error)?;
        }
        drop(engines);
        if let Some(mut f) = self.on_rule {
            for r in results
                .rules
                .iter()
                .filter(|r| r.result != XccdfResult::NotSelected)
            {
                f(r);
            }
        }
        // The feeds, on the same target with the same probes, after the benchmark.
        let facts = TargetFacts::of(target, self.vantage);
        let mut vulnerabilities = Vec::new();
        for feed in self.feeds {
            let feed = match feed {
                Feed::Open(f) => f,
                Feed::File(p) => VulnFeed::open(&p)?,
            };
            vulnerabilities.extend(feed.evaluate(target, oval.registry(), &facts.system_info())?);
        }
        let oval = oval_results
            .into_iter()
            .map(|(component, results)| OvalPass { component, results })
            .collect();
        Ok(ScanOutcome {
            content: content.clone(),
            profile_id: self.profile,
            results,
            oval,
            target: facts,
            warnings,
            vulnerabilities,
        })
    }
}

/// One OVAL evaluation pass: the component evaluated (its id, or the href of a file) and
/// its results. A component is evaluated once per set of exported values the rules give it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct OvalPass {
    /// The component id (or href).
    pub component: String,
    /// The results of its definitions, tests, objects and items.
    pub results: Arc<Results>,
}

/// What a scan found: the XCCDF results, the OVAL results of each pass and the facts of the
/// target, owned (`Send + Sync`), from which every kind of evidence is made.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ScanOutcome {
    content: Content,
    /// The profile scanned (`None`: the default selection).
    pub profile_id: Option<String>,
    /// One outcome per rule of the benchmark, and the scores.
    pub results: ScanResults,
    /// The OVAL passes, in evaluation order.
    pub oval: Vec<OvalPass>,
    /// The target, as the evidence describes it.
    pub target: TargetFacts,
    /// What the profile application, rule selection and check resolution warned about (the
    /// content's own warnings are [`Content::warnings`]).
    pub warnings: Vec<Warning>,
    /// What the vulnerability feeds found ([`Scan::vulnerability_feed`]), feed by feed.
    pub vulnerabilities: Vec<Vulnerability>,
}

impl ScanOutcome {
    /// The content scanned.
    pub fn content(&self) -> &Content {
        &self.content
    }

    /// Whether a rule failed or errored (`scan` exits 2 then, as oscap).
    pub fn has_failures(&self) -> bool {
        self.results.has_failures()
    }

    /// The warnings, of the content and of this scan, that some results depend on (see
    /// [`Warning::affects_results`]): when there is one, the results are not a clean
    /// assessment of the target, and `scan` exits 2 even if no rule failed.
    pub fn result_warnings(&self) -> Vec<Warning> {
        self.content
            .warnings()
            .into_iter()
            .chain(self.warnings.iter().cloned())
            .filter(|w| w.affects_results)
            .collect()
    }

    /// The exit status of oscap's convention for this outcome: 2 when a rule failed or
    /// errored ([`ScanOutcome::has_failures`]) or when a warning affects results
    /// ([`ScanOutcome::result_warnings`]: unlike oscap, which exits 0 then), else 0 (1 is for
    /// input that cannot be used at all, an `Err` before any outcome).
    pub fn exit_status(&self) -> u8 {
        if self.has_failures() || !self.result_warnings().is_empty() {
            2
        } else {
            0
        }
    }

    /// The `TestResult` header: the target's facts, and the content's signature verdict when
    /// it was verified (fact [`scap_arf::report::FACT_CONTENT_SIGNATURE`]).
    fn test_result_info(&self) -> scap_xccdf::TestResultInfo {
        #[allow(unused_mut)] // without the `signatures` feature nothing is added
        let mut info = self.target.test_result_info(self.content.name());
        #[cfg(feature = "signatures")]
        if let Some(v) = self.content.signature() {
            info.facts.push(scap_xccdf::testresult::Fact::new(
                scap_arf::report::FACT_CONTENT_SIGNATURE,
                "string",
                v.to_string(),
            ));
        }
        info
    }

    /// The XCCDF 1.2 `TestResult` document.
    pub fn test_result(&self) -> String {
        let info = self.test_result_info();
        scap_xccdf::write_test_result(&self.results, &info)
    }

    /// The `TestResult` as data: what reading [`ScanOutcome::test_result`] back gives, without
    /// writing or reading XML (check hrefs name the content's components, not ARF reports).
    pub fn typed_test_result(&self) -> scap_xccdf::TestResult {
        scap_xccdf::TestResult::from_results(&self.results, &self.test_result_info())
    }

    /// The `TestResult` keyed by STIG rule ids, for DISA STIG Viewer (oscap `--stig-viewer`).
    pub fn stig_viewer_test_result(&self) -> String {
        let info = self.test_result_info();
        let stig = scap_xccdf::testresult::stig_viewer_ids(&self.results, self.content.benchmark());
        scap_xccdf::write_test_result(&stig, &info)
    }

    /// The OVAL results document of a pass (`None` if its definitions did not load).
    pub fn oval_results(&self, pass: &OvalPass, what: &OvalContent) -> Option<String> {
        let defs = self.definitions(&pass.component)?;
        Some(scap_oval::results::write_results_with(
            defs,
            &pass.results,
            &self.target.system_info(),
            what,
        ))
    }

    /// The external variables a pass used, as an OVAL variables document (oscap
    /// `--export-variables`); `None` if it used none.
    pub fn oval_variables(&self, pass: &OvalPass) -> Option<String> {
        scap_oval::results::write_variables(self.definitions(&pass.component)?, &pass.results)
    }

    /// The name the content gives a pass's component (`ssg-debian11-oval.xml`), else its id.
    pub fn component_name(&self, pass: &OvalPass) -> String {
        self.content.source().component_name(&pass.component)
    }

    /// The file name oscap gives each pass's OVAL results (`--oval-results`):
    /// `NAME.result.xml`, and `NAME.N.result.xml` for a component's later passes (other
    /// exported values), NAME being [`ScanOutcome::component_name`]'s last path segment with
    /// characters other than `[A-Za-z0-9-_.]` made `_`.
    pub fn oval_results_file_names(&self) -> Vec<(String, &OvalPass)> {
        self.numbered(|name, n| match n {
            0 => format!("{name}.result.xml"),
            n => format!("{name}.{n}.result.xml"),
        })
    }

    /// The file name oscap gives each pass's variables (`--export-variables`):
    /// `NAME-N.variables-0.xml`.
    pub fn oval_variables_file_names(&self) -> Vec<(String, &OvalPass)> {
        self.numbered(|name, n| format!("{name}-{n}.variables-0.xml"))
    }

    fn numbered(&self, file: impl Fn(&str, usize) -> String) -> Vec<(String, &OvalPass)> {
        let mut seen: std::collections::HashMap<String, usize> = Default::default();
        self.oval
            .iter()
            .map(|pass| {
                let name = self.component_name(pass);
                let last = name.rsplit('/').next().unwrap_or(&name);
                let safe: String = last
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                            c
                        } else {
                            '_'
                        }
                    })
                    .collect();
                let n = seen.entry(safe.clone()).or_default();
                let f = file(&safe, *n);
                *n += 1;
                (f, pass)
            })
            .collect()
    }

    fn definitions(&self, component: &str) -> Option<&scap_oval::Definitions> {
        self.content.oval(component)?.as_ref().as_ref().ok()
    }

    /// The ARF 1.1 report: the data stream as the report request, the target as the asset,
    /// the `TestResult`, and one OVAL results report per pass (with `what` they carry), each
    /// check href pointing at the first report of its component (`#ovalN`, as oscap).
    pub fn arf(&self, what: &OvalContent) -> Result<String> {
        let test_result = self.test_result();
        let ovals: Vec<(&str, String)> = self
            .oval
            .iter()
            .filter_map(|p| Some((p.component.as_str(), self.oval_results(p, what)?)))
            .collect();
        let mut input =
            scap_arf::ArfInput::new(self.target.asset(), self.content.text(), &test_result);
        for (n, (_, text)) in ovals.iter().enumerate() {
            input = input.with_oval(format!("oval{n}"), text);
        }
        let hrefs: BTreeSet<&str> = self
            .results
            .rules
            .iter()
            .flat_map(|r| r.check.iter().flat_map(|c| &c.content_refs))
            .map(|r| r.href.as_str())
            .collect();
        for href in hrefs {
            let key = match self.content.source().resolve_check_href(href) {
                Ok(c) => c.id.as_str(),
                Err(_) => href,
            };
            if let Some(n) = ovals.iter().position(|(k, _)| *k == key) {
                input = input.with_check_ref(href, format!("oval{n}"));
            }
        }
        Ok(scap_arf::write_arf(&input)?)
    }

    /// The assessor's report model: rules with their texts, references, fixes and OVAL
    /// evidence, scores, target; what every [`scap_arf::report::Format`] renders. Built from
    /// the typed results, the content's benchmark and the target's facts (no XML is written or
    /// parsed); equal to the report read from [`ScanOutcome::arf`] with the same `what`.
    pub fn report(&self, what: &OvalContent) -> Result<scap_arf::report::ScanReport> {
        let mut test_result = self.typed_test_result();
        let mut ovals = Vec::new();
        let mut first_report = BTreeMap::new();
        for p in &self.oval {
            let Some(defs) = self.definitions(&p.component) else {
                continue;
            };
            let id = format!("oval{}", ovals.len());
            first_report
                .entry(p.component.as_str())
                .or_insert_with(|| id.clone());
            ovals.push(crate::evidence::oval_results(defs, &p.results, what, &id));
        }
        // Check hrefs name their component's first report, as in the ARF.
        for r in &mut test_result.rule_results {
            for c in r.checks.iter_mut().flat_map(|c| &mut c.content_refs) {
                let key = match self.content.source().resolve_check_href(&c.href) {
                    Ok(component) => component.id.as_str(),
                    Err(_) => c.href.as_str(),
                };
                if let Some(id) = first_report.get(key) {
                    c.href = format!("#{id}");
                }
            }
        }
        let asset = self.target.asset();
        let mut report = scap_arf::report::ScanReport::from_parts(
            Some(self.content.benchmark()),
            &test_result,
            Some(&asset),
            &ovals,
        );
        report.vulnerabilities = self.vulnerabilities.clone();
        Ok(report)
    }
}
