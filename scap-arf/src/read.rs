//! Reading ARF 1.1 documents into plain data.

use roxmltree::Node;
use serde::{Deserialize, Serialize};

use crate::asset::Asset;
use crate::error::{Error, Result, line_of};
use crate::oval::OvalResults;
use crate::xccdf::TestResultReport;
use crate::{AI_NS, ARF_NS, CORE_NS, OVAL_RES_NS, XCCDF12_NS};

const WHAT: &str = "ARF";

/// An ARF 1.1 `asset-report-collection` (NISTIR 7694, section 4), read.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Arf {
    /// `core:relationships`.
    pub relationships: Vec<Relationship>,
    /// `arf:report-request`s: id and the XML text of their content (the source data stream).
    pub requests: Vec<ReportRequest>,
    /// `arf:asset`s that are `ai:computing-device`s (others are listed with only their id).
    pub assets: Vec<Asset>,
    /// Every `arf:report`: id and what it holds.
    pub reports: Vec<ReportInfo>,
    /// The XCCDF `TestResult` reports.
    pub test_results: Vec<TestResultReport>,
    /// The OVAL results reports.
    pub oval_results: Vec<OvalResults>,
}

/// A `core:relationship`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Relationship {
    /// `type` as written (`arfvocab:isAbout`).
    pub type_: String,
    /// `subject`.
    pub subject: String,
    /// `core:ref`s.
    pub refs: Vec<String>,
}

/// A `report-request`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReportRequest {
    /// `id`.
    pub id: String,
    /// The local name of the content's root element (`data-stream-collection`).
    pub root: String,
    /// The content's root element, as text copied from the ARF.
    pub content: String,
}

/// An `arf:report`'s id and the kind of its content.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReportInfo {
    /// `id`.
    pub id: String,
    /// Namespace of the content's root element.
    pub namespace: String,
    /// Local name of the content's root element (`TestResult`, `oval_results`).
    pub root: String,
}

fn arf_children<'a, 'i>(n: Node<'a, 'i>, name: &'static str) -> impl Iterator<Item = Node<'a, 'i>> {
    n.children().filter(move |c| {
        c.is_element() && c.tag_name().namespace() == Some(ARF_NS) && c.tag_name().name() == name
    })
}

fn req(n: Node<'_, '_>, name: &'static str) -> Result<String> {
    n.attribute(name)
        .map(str::to_string)
        .ok_or_else(|| Error::MissingAttribute {
            what: WHAT,
            line: line_of(n),
            element: n.tag_name().name().to_string(),
            attribute: name,
        })
}

/// The root element inside an `arf:content` (or `arf:remote-resource`, which has none).
fn content_root<'a, 'i>(holder: Node<'a, 'i>) -> Option<Node<'a, 'i>> {
    arf_children(holder, "content")
        .next()
        .and_then(|c| c.children().find(Node::is_element))
}

impl Arf {
    /// Parses an ARF document.
    ///
    /// ```
    /// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"),
    ///     "/tests/fixtures/arf/ssg-chromium-stig-oscap-arf.xml"))?;
    /// let arf = scap_arf::Arf::parse(&text)?;
    /// assert_eq!(arf.test_results[0].test_result.rule_results.len(), 37);
    /// assert!(arf.data_stream().unwrap().starts_with("<ds:data-stream-collection"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn parse(text: &str) -> Result<Arf> {
        let doc = crate::error::parse_document(WHAT, text)?;
        Arf::from_document(&doc, text)
    }

    /// Reads an ARF document already parsed from `text`.
    fn from_document(doc: &roxmltree::Document<'_>, text: &str) -> Result<Arf> {
        let root = doc.root_element();
        if root.tag_name().namespace() != Some(ARF_NS)
            || root.tag_name().name() != "asset-report-collection"
        {
            return Err(Error::UnexpectedElement {
                what: WHAT,
                line: line_of(root),
                expected: "asset-report-collection",
                found: root.tag_name().name().to_string(),
            });
        }
        let mut arf = Arf::default();
        for rels in root.children().filter(|c| {
            c.is_element()
                && c.tag_name().namespace() == Some(CORE_NS)
                && c.tag_name().name() == "relationships"
        }) {
            for r in rels.children().filter(Node::is_element) {
                arf.relationships.push(Relationship {
                    type_: req(r, "type")?,
                    subject: req(r, "subject")?,
                    refs: r
                        .children()
                        .filter(|c| c.is_element() && c.tag_name().name() == "ref")
                        .filter_map(|c| c.text())
                        .map(|t| t.trim().to_string())
                        .collect(),
                });
            }
        }
        for reqs in arf_children(root, "report-requests") {
            for r in arf_children(reqs, "report-request") {
                let id = req(r, "id")?;
                let Some(content) = content_root(r) else {
                    continue;
                };
                arf.requests.push(ReportRequest {
                    id,
                    root: content.tag_name().name().to_string(),
                    content: text.get(content.range()).unwrap_or_default().to_string(),
                });
            }
        }
        for assets in arf_children(root, "assets") {
            for a in arf_children(assets, "asset") {
                arf.assets.push(read_asset(a)?);
            }
        }
        for reports in arf_children(root, "reports") {
            for r in arf_children(reports, "report") {
                let id = req(r, "id")?;
                let Some(content) = content_root(r) else {
                    continue;
                };
                let ns = content.tag_name().namespace().unwrap_or_default();
                let name = content.tag_name().name();
                match (ns, name) {
                    (XCCDF12_NS, "TestResult") => arf
                        .test_results
                        .push(crate::xccdf::read(content, text, &id)?),
                    (OVAL_RES_NS, "oval_results") => {
                        arf.oval_results.push(OvalResults::from_node(content, &id)?)
                    }
                    _ => {}
                }
                arf.reports.push(ReportInfo {
                    id,
                    namespace: ns.to_string(),
                    root: name.to_string(),
                });
            }
        }
        Ok(arf)
    }

    /// The text of the first report request that is a source data stream.
    pub fn data_stream(&self) -> Option<&str> {
        self.requests
            .iter()
            .find(|r| r.root == "data-stream-collection")
            .map(|r| r.content.as_str())
    }

    /// The report request a report was `arfvocab:createdFor`.
    pub fn request_for(&self, report_id: &str) -> Option<&ReportRequest> {
        let rel = self
            .relationships
            .iter()
            .find(|r| r.subject == report_id && r.type_.ends_with("createdFor"))?;
        self.requests.iter().find(|q| rel.refs.contains(&q.id))
    }

    /// The asset a report `arfvocab:isAbout`, else the only asset.
    pub fn asset_for(&self, report_id: &str) -> Option<&Asset> {
        let by_rel = self
            .relationships
            .iter()
            .filter(|r| r.subject == report_id && r.type_.ends_with("isAbout"))
            .flat_map(|r| &r.refs)
            .find_map(|id| self.assets.iter().find(|a| &a.id == id));
        by_rel.or(if self.assets.len() == 1 {
            self.assets.first()
        } else {
            None
        })
    }

    /// The OVAL results report a `check-content-ref href` (`#oval0`) names.
    pub fn oval_report(&self, href: &str) -> Option<&OvalResults> {
        let id = href.strip_prefix('#')?;
        self.oval_results.iter().find(|o| o.report_id == id)
    }
}

fn read_asset(a: Node<'_, '_>) -> Result<Asset> {
    let mut asset = Asset {
        id: req(a, "id")?,
        ..Asset::default()
    };
    let Some(dev) = a.children().find(|c| {
        c.is_element()
            && c.tag_name().namespace() == Some(AI_NS)
            && c.tag_name().name() == "computing-device"
    }) else {
        return Ok(asset);
    };
    for d in dev.descendants().filter(|d| d.is_element()) {
        if d.tag_name().namespace() != Some(AI_NS) {
            continue;
        }
        let t = || d.text().map(|t| t.trim().to_string()).unwrap_or_default();
        match d.tag_name().name() {
            "hostname" => asset.hostname = Some(t()),
            "fqdn" => asset.fqdn = Some(t()),
            "mac-address" => asset.mac_addresses.push(t()),
            "ip-v4" | "ip-v6" => {
                let v = t();
                let ip = v.parse().map_err(|_| Error::InvalidValue {
                    what: WHAT,
                    line: line_of(d),
                    element: d.tag_name().name().to_string(),
                    field: "address",
                    value: v.clone(),
                })?;
                asset.ip_addresses.push(ip);
            }
            _ => {}
        }
    }
    Ok(asset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_an_arf_is_an_error_with_a_line() {
        let e = Arf::parse("<x/>");
        assert!(matches!(e, Err(Error::UnexpectedElement { line: 1, .. })));
        let e = Arf::parse(
            "<arf:asset-report-collection xmlns:arf=\"http://scap.nist.gov/schema/asset-reporting-format/1.1\">\n<arf:assets><arf:asset/></arf:assets></arf:asset-report-collection>",
        );
        assert!(matches!(
            e,
            Err(Error::MissingAttribute {
                line: 2,
                attribute: "id",
                ..
            })
        ));
    }

    #[test]
    fn bad_ip_is_an_error() {
        let x = format!(
            "<arf:asset-report-collection xmlns:arf=\"{ARF_NS}\" xmlns:ai=\"{AI_NS}\"><arf:assets><arf:asset id=\"a\"><ai:computing-device><ai:connections><ai:connection><ai:ip-address><ai:ip-v4>300.1.1.1</ai:ip-v4></ai:ip-address></ai:connection></ai:connections></ai:computing-device></arf:asset></arf:assets></arf:asset-report-collection>"
        );
        assert!(matches!(
            Arf::parse(&x),
            Err(Error::InvalidValue {
                field: "address",
                ..
            })
        ));
    }
}
