//! Vulnerability findings from OVAL vulnerability feeds: definitions of class `vulnerability`
//! or `patch` (the Debian security tracker's, Ubuntu's USN and Red Hat's RHSA OVAL) whose
//! result is `true` on the target, read from an OVAL results document that holds the
//! definitions and system characteristics (what `oscap oval eval --results` and our
//! `oval-eval --results` write).
//!
//! Each becomes a [`Vulnerability`]: its CVE ids (`reference source="CVE"`, and Ubuntu's
//! `advisory/cve`), the advisories (other references: DSA, USN, RHSA), the severity (the
//! `advisory/severity` word, normalised: Critical → critical, Important and High → high,
//! Moderate and Medium → medium, Low and Negligible → low; `unknown` when the feed gives none,
//! as Debian's does), and per package the installed version (the `evr` of the package item
//! the test matched) and the fixed version (the `evr` its state compares "less than").
//! Package tests are the `*_test`s whose object has a `name` (dpkginfo, rpminfo, ...);
//! other criteria (the release check) are not packages.
//!
//! Vulnerabilities are POA&M items ([`super::poam::items`]: one per CVE and package, the
//! POAM ID from the asset and `CVE-ID:package`), findings in the HTML report and the JSON
//! (`vulnerabilities`), and risks in the OSCAL POA&M.

use std::collections::HashMap;

use roxmltree::{Document, Node};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, xml_error};
use crate::{OVAL_DEF_NS, OVAL_RES_NS, OVAL_SC_NS};

/// The largest results document [`from_oval_results`] reads (bytes): real feeds evaluated
/// whole (Debian's, Red Hat's) are tens of megabytes.
pub const MAX_RESULTS_BYTES: usize = 512 << 20;

/// A package a vulnerability was found in.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AffectedPackage {
    /// Package name.
    pub name: String,
    /// The installed version (the item's `evr`), if the results hold the item.
    pub installed: Option<String>,
    /// The first fixed version (the state's `evr` compared "less than").
    pub fixed: Option<String>,
}

/// A vulnerability the target has: a `vulnerability` or `patch` definition that is true.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Vulnerability {
    /// OVAL definition id.
    pub definition_id: String,
    /// `vulnerability` or `patch`.
    pub class: String,
    /// Definition title.
    pub title: String,
    /// Description.
    pub description: String,
    /// CVE ids.
    pub cves: Vec<String>,
    /// Other advisories (DSA, USN, RHSA ids).
    pub advisories: Vec<String>,
    /// Normalised severity (`critical`, `high`, `medium`, `low`, `unknown`).
    pub severity: String,
    /// The feed's own severity word, if any.
    pub vendor_severity: Option<String>,
    /// The packages and versions.
    pub packages: Vec<AffectedPackage>,
}

impl Vulnerability {
    /// The weakness ids this vulnerability is tracked by: one per (CVE, package), else per
    /// (definition, package). The POA&M has one item for each.
    ///
    /// ```
    /// use scap_arf::report::vulns::{AffectedPackage, Vulnerability};
    /// let mut v = Vulnerability::default();
    /// v.cves = vec!["CVE-2099-1".into(), "CVE-2099-2".into()];
    /// let mut p = AffectedPackage::default();
    /// p.name = "libc6".into();
    /// v.packages = vec![p];
    /// assert_eq!(v.weakness_ids(), ["CVE-2099-1:libc6", "CVE-2099-2:libc6"]);
    /// ```
    pub fn weakness_ids(&self) -> Vec<String> {
        let ids: Vec<&str> = if self.cves.is_empty() {
            vec![self.definition_id.as_str()]
        } else {
            self.cves.iter().map(String::as_str).collect()
        };
        let mut out = Vec::new();
        for id in ids {
            if self.packages.is_empty() {
                out.push(id.to_string());
            }
            for p in &self.packages {
                out.push(format!("{id}:{}", p.name));
            }
        }
        out
    }
}

/// The normalised severity of a feed's severity word.
///
/// ```
/// use scap_arf::report::vulns::normalise_severity;
/// assert_eq!(normalise_severity("Important"), "high");
/// assert_eq!(normalise_severity("Negligible"), "low");
/// assert_eq!(normalise_severity("whatever"), "unknown");
/// ```
pub fn normalise_severity(word: &str) -> &'static str {
    match word.trim().to_ascii_lowercase().as_str() {
        "critical" => "critical",
        "important" | "high" => "high",
        "moderate" | "medium" => "medium",
        "low" | "negligible" => "low",
        _ => "unknown",
    }
}

impl super::ScanReport {
    /// Adds the vulnerabilities an OVAL results document shows ([`from_oval_results`]) to
    /// the report; returns how many were added.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use scap_arf::report::{Options, ScanReport, poam};
    /// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"),
    ///     "/tests/fixtures/arf/linux-baseline-debian11-oscap-arf.xml"))?;
    /// let mut report = ScanReport::from_arf(&scap_arf::Arf::parse(&text)?)?;
    /// let feed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"),
    ///     "/tests/fixtures/vulns/results-debian11.xml"))?;
    /// assert_eq!(report.add_oval_vulnerabilities(&feed)?, 2);
    /// // 3 failed rules, then bash's CVE and libc6's two CVEs.
    /// let items = poam::items(&report, &Options::default());
    /// assert_eq!(items.len(), 3 + 1 + 2);
    /// assert_eq!(items[3].cves, ["CVE-2099-2000"]); // high (USN) before unknown (Debian)
    /// # Ok(()) }
    /// ```
    pub fn add_oval_vulnerabilities(&mut self, oval_results: &str) -> Result<usize> {
        let found = from_oval_results(oval_results)?;
        let n = found.len();
        self.vulnerabilities.extend(found);
        Ok(n)
    }
}

fn child<'a, 'i>(n: Node<'a, 'i>, local: &str) -> Option<Node<'a, 'i>> {
    n.children()
        .find(|c| c.is_element() && c.tag_name().name() == local)
}

fn text(n: Option<Node<'_, '_>>) -> String {
    n.and_then(|n| n.text()).unwrap_or("").trim().to_string()
}

/// Every element with an `id` attribute under `parent` (tests, objects, states), by id.
fn by_id<'a, 'i>(parent: Option<Node<'a, 'i>>) -> HashMap<&'a str, Node<'a, 'i>> {
    parent
        .map(|p| {
            p.children()
                .filter(|c| c.is_element())
                .filter_map(|c| Some((c.attribute("id")?, c)))
                .collect()
        })
        .unwrap_or_default()
}

/// The test ids a definition's criteria name, in order.
fn test_refs<'a>(def: Node<'a, '_>) -> Vec<&'a str> {
    def.descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "criterion")
        .filter_map(|n| n.attribute("test_ref"))
        .collect()
}

/// The vulnerabilities found in an OVAL results document (see the [module docs](self)).
/// Text that is not an OVAL results document with definitions is an error naming the line.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"),
///     "/tests/fixtures/vulns/results-debian11.xml"))?;
/// let v = scap_arf::report::vulns::from_oval_results(&text)?;
/// assert_eq!(v.len(), 2); // bash (Debian shape) and libc6 (Ubuntu shape); tar is fixed
/// let bash = &v[0];
/// assert_eq!((bash.cves.as_slice(), bash.severity.as_str()), (&["CVE-2099-1000".to_string()][..], "unknown"));
/// assert_eq!(bash.packages[0].installed.as_deref(), Some("0:5.1-2+deb11u1"));
/// assert_eq!(bash.packages[0].fixed.as_deref(), Some("0:5.1-2+deb11u2"));
/// # Ok(()) }
/// ```
pub fn from_oval_results(xml: &str) -> Result<Vec<Vulnerability>> {
    if xml.len() > MAX_RESULTS_BYTES {
        return Err(Error::Invalid(format!(
            "OVAL results larger than {MAX_RESULTS_BYTES} bytes"
        )));
    }
    let doc = Document::parse(xml).map_err(|e| xml_error("OVAL results", &e))?;
    let root = doc.root_element();
    if !root.has_tag_name((OVAL_RES_NS, "oval_results")) {
        return Err(Error::UnexpectedElement {
            what: "OVAL results",
            line: crate::error::line_of(root),
            expected: "oval_results",
            found: root.tag_name().name().to_string(),
        });
    }
    let defs_doc = root
        .children()
        .find(|c| c.has_tag_name((OVAL_DEF_NS, "oval_definitions")))
        .ok_or_else(|| Error::UnexpectedElement {
            what: "OVAL results",
            line: crate::error::line_of(root),
            expected: "oval_definitions",
            found: String::new(),
        })?;
    let definitions = by_id(child(defs_doc, "definitions"));
    let tests = by_id(child(defs_doc, "tests"));
    let objects = by_id(child(defs_doc, "objects"));
    let states = by_id(child(defs_doc, "states"));
    // Results of the first system (a results document for one target).
    let system = root
        .descendants()
        .find(|n| n.has_tag_name((OVAL_RES_NS, "system")));
    let mut true_defs = Vec::new();
    let mut tested: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut items: HashMap<&str, Node> = HashMap::new();
    if let Some(system) = system {
        for n in system.descendants().filter(|n| n.is_element()) {
            let name = n.tag_name().name();
            if n.has_tag_name((OVAL_RES_NS, "definition")) && n.attribute("result") == Some("true")
            {
                true_defs.extend(n.attribute("definition_id"));
            } else if n.has_tag_name((OVAL_RES_NS, "test")) {
                if let Some(id) = n.attribute("test_id") {
                    let ids = n
                        .children()
                        .filter(|c| c.tag_name().name() == "tested_item")
                        .filter(|c| c.attribute("result") == Some("true"))
                        .filter_map(|c| c.attribute("item_id"))
                        .collect();
                    tested.insert(id, ids);
                }
            } else if name.ends_with("_item")
                && n.tag_name()
                    .namespace()
                    .is_some_and(|ns| ns.starts_with(OVAL_SC_NS))
            {
                items.extend(n.attribute("id").map(|id| (id, n)));
            }
        }
    }
    let mut out = Vec::new();
    for id in true_defs {
        let Some(def) = definitions.get(id) else {
            continue;
        };
        let class = def.attribute("class").unwrap_or("");
        if class != "vulnerability" && class != "patch" {
            continue;
        }
        let meta = child(*def, "metadata");
        let mut v = Vulnerability {
            definition_id: id.to_string(),
            class: class.to_string(),
            title: text(meta.and_then(|m| child(m, "title"))),
            description: text(meta.and_then(|m| child(m, "description"))),
            ..Vulnerability::default()
        };
        if let Some(m) = meta {
            for r in m.children().filter(|c| c.tag_name().name() == "reference") {
                let (Some(src), Some(rid)) = (r.attribute("source"), r.attribute("ref_id")) else {
                    continue;
                };
                let list = if src.eq_ignore_ascii_case("CVE") {
                    &mut v.cves
                } else {
                    &mut v.advisories
                };
                if !list.iter().any(|x| x == rid) {
                    list.push(rid.to_string());
                }
            }
            if let Some(adv) = child(m, "advisory") {
                let sev = text(child(adv, "severity"));
                if !sev.is_empty() {
                    v.vendor_severity = Some(sev);
                }
                for c in adv.children().filter(|c| c.tag_name().name() == "cve") {
                    let cve = text(Some(c));
                    if !cve.is_empty() && !v.cves.contains(&cve) {
                        v.cves.push(cve);
                    }
                }
            }
        }
        v.severity = normalise_severity(v.vendor_severity.as_deref().unwrap_or("")).to_string();
        for tref in test_refs(*def) {
            let Some(test) = tests.get(tref) else {
                continue;
            };
            let obj = child(*test, "object")
                .and_then(|o| o.attribute("object_ref"))
                .and_then(|o| objects.get(o));
            let Some(name) = obj.and_then(|o| child(*o, "name")).map(|n| text(Some(n))) else {
                continue;
            };
            let fixed = child(*test, "state")
                .and_then(|s| s.attribute("state_ref"))
                .and_then(|s| states.get(s))
                .and_then(|s| child(*s, "evr"))
                .filter(|e| e.attribute("operation") == Some("less than"))
                .map(|e| text(Some(e)));
            let installed = tested
                .get(tref)
                .and_then(|ids| ids.first())
                .and_then(|i| items.get(i))
                .and_then(|i| child(*i, "evr"))
                .map(|e| text(Some(e)));
            if !v.packages.iter().any(|p| p.name == name) {
                v.packages.push(AffectedPackage {
                    name,
                    installed,
                    fixed,
                });
            }
        }
        out.push(v);
    }
    // Definitions in document order of the feed, as the results list them in any order.
    out.sort_by_key(|v| {
        definitions
            .get(v.definition_id.as_str())
            .map_or(usize::MAX, |d| d.range().start)
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RESULTS: &str = include_str!("../../tests/fixtures/vulns/results-debian11.xml");

    #[test]
    fn feed_shapes_become_findings_with_cves_packages_and_versions() -> Result<()> {
        let v = from_oval_results(RESULTS)?;
        let ids: Vec<&str> = v.iter().map(|x| x.definition_id.as_str()).collect();
        // tar (fixed) and nginx (not installed) are false: no finding.
        assert_eq!(
            ids,
            [
                "oval:org.debian:def:20991000",
                "oval:com.ubuntu.bullseye:def:99991000000"
            ]
        );
        let usn = &v[1];
        assert_eq!(usn.class, "patch");
        assert_eq!(usn.cves, ["CVE-2099-2000", "CVE-2099-2001"]);
        assert_eq!(usn.advisories, ["USN-9999-1"]);
        assert_eq!(
            (usn.severity.as_str(), usn.vendor_severity.as_deref()),
            ("high", Some("High"))
        );
        assert_eq!(usn.packages.len(), 1);
        assert_eq!(
            usn.packages[0].installed.as_deref(),
            Some("0:2.31-13+deb11u11")
        );
        assert_eq!(usn.packages[0].fixed.as_deref(), Some("0:2.31-13+deb11u99"));
        Ok(())
    }

    #[test]
    fn other_documents_are_errors_that_say_where() {
        let e = from_oval_results("<a/>");
        assert!(
            matches!(e, Err(Error::UnexpectedElement { line: 1, .. })),
            "{e:?}"
        );
        let e = from_oval_results("<oval_results");
        assert!(matches!(e, Err(Error::Xml { .. })), "{e:?}");
    }
}
