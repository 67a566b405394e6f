//! OVAL vulnerability feeds evaluated in a scan: [`VulnFeed`] (a feed, parsed once) and
//! [`Scan::vulnerability_feed`](crate::Scan::vulnerability_feed).
//!
//! A feed is an `oval_definitions` document of `vulnerability` or `patch` definitions (the
//! Debian security tracker's, Ubuntu's USN, Red Hat's RHSA OVAL). The scan evaluates it on the
//! same target as the benchmark, with the same probes, and turns the definitions that are
//! true into [`Vulnerability`] findings (CVE ids, package, installed and fixed versions,
//! severity) as [`scap_arf::report::vulns`] reads them from an OVAL results document: the
//! feed's results are written as `oval-eval --results` writes them and read back beside the
//! feed, so a scan and `report --oval-vulns` on `oval-eval`'s results find the same things.
//! They are in [`ScanOutcome::vulnerabilities`](crate::ScanOutcome::vulnerabilities) and in
//! the report every format renders (POA&M items with SLA due dates, HTML, JSON, SARIF,
//! OSCAL, HDF). The XCCDF results and the ARF do not carry them (XCCDF has no place for
//! them; the ARF holds the benchmark's OVAL results only).

use std::path::Path;
use std::sync::Arc;

use scap_arf::report::vulns::{self, Vulnerability};
use scap_oval::Definitions;
use scap_oval::eval::{Evaluator, Variables};
use scap_oval::probes::Registry;
use scap_oval::results::{Content as OvalContent, SystemInfo, write_results_with};
use scap_probe::Target;

use crate::error::{Error, Result};

/// An OVAL vulnerability feed, parsed once; cheap to clone (shared).
#[derive(Debug, Clone)]
pub struct VulnFeed {
    name: String,
    text: Arc<str>,
    definitions: Arc<Definitions>,
}

impl VulnFeed {
    /// Reads and parses the feed at `path` (at most the input size limit of
    /// [`scap_xccdf::ParseOptions`]); an error names the file.
    pub fn open(path: impl AsRef<Path>) -> Result<VulnFeed> {
        let path = path.as_ref();
        let limit = scap_xccdf::ParseOptions::default().max_input_bytes;
        let text =
            scap_xccdf::input::read_file(path, limit).map_err(|e| feed_error(path.display(), e))?;
        VulnFeed::from_text(text, &path.display().to_string())
    }

    /// Parses a feed's text; `name` names it in errors.
    ///
    /// ```
    /// let feed = scap::VulnFeed::from_text(
    ///     std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"),
    ///         "/../scap-arf/tests/fixtures/vulns/feed-redhat.xml"))?,
    ///     "feed-redhat.xml",
    /// )?;
    /// assert_eq!(feed.definition_count(), 5);
    /// assert!(scap::VulnFeed::from_text("<a/>".to_string(), "a.xml").is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_text(text: String, name: &str) -> Result<VulnFeed> {
        let definitions = Definitions::parse(text.as_bytes()).map_err(|e| feed_error(name, e))?;
        Ok(VulnFeed {
            name: name.to_string(),
            text: text.into(),
            definitions: Arc::new(definitions),
        })
    }

    /// The feed's name (its path, as given).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// How many definitions the feed has.
    pub fn definition_count(&self) -> usize {
        self.definitions.definitions.len()
    }

    /// Evaluates every definition on `target` with `registry`'s probes and returns the
    /// vulnerabilities found (see the [module docs](self)).
    pub fn evaluate(
        &self,
        target: &dyn Target,
        registry: &Registry,
        info: &SystemInfo,
    ) -> Result<Vec<Vulnerability>> {
        let results = Evaluator::new(&self.definitions, target, registry, Variables::default())
            .evaluate_all();
        let xml = write_results_with(&self.definitions, &results, info, &OvalContent::default());
        vulns::from_definitions_and_results(&self.text, &xml)
            .map_err(|e| feed_error(self.name.as_str(), e))
    }
}

fn feed_error(
    name: impl std::fmt::Display,
    e: impl std::error::Error + Send + Sync + 'static,
) -> Error {
    Error::VulnerabilityFeed {
        name: name.to_string(),
        source: Box::new(e),
    }
}
