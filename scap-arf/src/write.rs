//! Writing ARF 1.1 documents the way oscap lays them out.

use std::fmt::Write as _;
use std::net::IpAddr;

use quick_xml::escape::escape;

use crate::asset::{Asset, ipv6_full};
use crate::error::{Error, Result};
use crate::{AI_NS, ARF_NS, ARFVOCAB_NS, CORE_NS};

/// What goes into one ARF document: the parts, already serialized by their writers.
///
/// Each XML text is copied into the ARF verbatim from its root element to its end (the XML
/// declaration, a doctype and comments before the root are dropped), so nothing is re-encoded
/// and the embedded documents keep their own namespace declarations.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ArfInput<'a> {
    /// The asset scanned (`arf:asset`, `asset0` when its id is empty).
    pub asset: Asset,
    /// The source data stream text (`ds:data-stream-collection`), the report request.
    pub data_stream: &'a str,
    /// The XCCDF 1.2 `TestResult` document text (`scap_xccdf::write_test_result`).
    pub test_result: &'a str,
    /// OVAL results documents (`oval_results`, with system characteristics), with the
    /// report id the TestResult's `check-content-ref href="#ID"` names (oscap: `oval0`, ...).
    pub oval_results: Vec<(String, &'a str)>,
    /// `check-content-ref href`s of the TestResult to point at OVAL reports: the href as the
    /// TestResult has it (`ssg-x-oval.xml`) and the report id; written as `href="#ID"`, as
    /// oscap does, so a reader finds the results of the right evaluation.
    pub check_refs: Vec<(String, String)>,
}

impl<'a> ArfInput<'a> {
    /// An input with the data stream and the TestResult; add OVAL results with
    /// [`ArfInput::with_oval`].
    pub fn new(asset: Asset, data_stream: &'a str, test_result: &'a str) -> ArfInput<'a> {
        ArfInput {
            asset,
            data_stream,
            test_result,
            oval_results: Vec::new(),
            check_refs: Vec::new(),
        }
    }

    /// Points the TestResult's `check-content-ref`s with `href` at report `report_id`.
    pub fn with_check_ref(
        mut self,
        href: impl Into<String>,
        report_id: impl Into<String>,
    ) -> ArfInput<'a> {
        self.check_refs.push((href.into(), report_id.into()));
        self
    }

    /// Adds an OVAL results document under report id `id`.
    pub fn with_oval(mut self, id: impl Into<String>, text: &'a str) -> ArfInput<'a> {
        self.oval_results.push((id.into(), text));
        self
    }
}

/// The id of the report request holding the data stream (as oscap names it).
pub const REQUEST_ID: &str = "collection1";
/// The id of the report holding the XCCDF TestResult (as oscap names it).
pub const XCCDF_REPORT_ID: &str = "xccdf1";

/// The root element of `text` as a slice of it, after checking that `text` is one well-formed
/// XML document (no DTD) whose root has the expected namespace and local name.
///
/// A streaming pass (tags balanced and matched, attributes and references well-formed,
/// nothing but comments, processing instructions and white space around the root), not a
/// tree: the data stream copied into a report is the largest text a scan handles, and building
/// its tree again only to check it was a sixth of a one-profile scan's time.
fn root_slice<'t>(
    what: &'static str,
    text: &'t str,
    ns: &str,
    name: &'static str,
) -> Result<&'t str> {
    use quick_xml::events::{BytesStart, Event};
    use quick_xml::name::ResolveResult;
    let xml = |offset: usize, message: String| {
        let (line, column) = scap_xml::line_column(text, offset);
        Error::Xml {
            what,
            line,
            column,
            message,
        }
    };
    let check_attributes = |e: &BytesStart<'_>, at: usize| -> Result<()> {
        for a in e.attributes().with_checks(true) {
            let a = a.map_err(|err| xml(at, err.to_string()))?;
            let value = a.value.as_ref();
            if value.contains('<') {
                return Err(xml(at, "'<' in an attribute value".into()));
            }
            if value.contains('&') {
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map_err(|err| xml(at, err.to_string()))?;
            }
        }
        Ok(())
    };
    let mut reader = quick_xml::NsReader::from_str(text);
    let config = reader.config_mut();
    config.check_end_names = true;
    config.check_comments = true;
    config.expand_empty_elements = false;
    let position = |reader: &quick_xml::NsReader<&[u8]>| {
        usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX)
    };
    let mut depth = 0usize;
    let mut root_start = None;
    let mut root = None;
    loop {
        let at = position(&reader);
        let event = reader.read_event().map_err(|e| {
            let at = usize::try_from(reader.error_position()).unwrap_or(at);
            xml(at, e.to_string())
        })?;
        match event {
            Event::DocType(_) => return Err(xml(at, "a DTD is not allowed".into())),
            Event::Start(ref e) | Event::Empty(ref e) => {
                if depth == 0 {
                    if root_start.is_some() {
                        return Err(xml(at, "a second root element".into()));
                    }
                    let (resolved, local) = reader.resolver().resolve_element(e.name());
                    let bound = matches!(resolved, ResolveResult::Bound(n) if n.as_ref() == ns);
                    if !bound || local.as_ref() != name {
                        return Err(Error::UnexpectedElement {
                            what,
                            line: scap_xml::line_column(text, at).0,
                            expected: name,
                            found: local.as_ref().to_string(),
                        });
                    }
                    root_start = Some(at);
                }
                check_attributes(e, at)?;
                if matches!(event, Event::Start(_)) {
                    depth += 1;
                } else if depth == 0 {
                    root = Some(at..position(&reader));
                }
            }
            Event::End(_) => {
                // Balanced by `check_end_names`: an end tag without its start is an error.
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    root = root_start.map(|s| s..position(&reader));
                }
            }
            Event::GeneralRef(ref r) => {
                if depth == 0 {
                    return Err(xml(at, "a reference outside the root element".into()));
                }
                let known = match r.resolve_char_ref() {
                    Ok(Some(_)) => true,
                    Ok(None) => quick_xml::escape::resolve_xml_entity(r).is_some(),
                    Err(_) => false,
                };
                if !known {
                    return Err(xml(at, format!("unknown or invalid reference &{};", &**r)));
                }
            }
            Event::Text(ref t)
                if depth == 0 && !t.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n')) =>
            {
                return Err(xml(at, "text outside the root element".into()));
            }
            Event::CData(_) if depth == 0 => {
                return Err(xml(at, "text outside the root element".into()));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let end = text.len();
    match (root_start, root) {
        (_, Some(range)) if depth == 0 => Ok(&text[range]),
        (None, _) => Err(xml(end, "the document has no root element".into())),
        _ => Err(xml(end, "unexpected end of the document".into())),
    }
}

/// Writes an ARF 1.1 `asset-report-collection`: relationships (`arfvocab:createdFor` the
/// request, `arfvocab:isAbout` the asset, for the XCCDF report), the report request holding
/// the data stream, the asset, then the XCCDF TestResult report and the OVAL results reports.
///
/// Every embedded document is checked to be well-formed with the expected root element, so a
/// truncated or wrong input is an error, not a broken ARF.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use scap_arf::{ArfInput, Asset, write_arf};
/// let ds = r#"<ds:data-stream-collection xmlns:ds="http://scap.nist.gov/schema/scap/source/1.2" id="scap_x_collection_1" schematron-version="1.3"/>"#;
/// let tr = r#"<TestResult xmlns="http://checklists.nist.gov/xccdf/1.2" id="xccdf_x_testresult_1" start-time="2024-01-01T00:00:00" end-time="2024-01-01T00:00:01"><benchmark href="x"/><target>h</target></TestResult>"#;
/// let mut asset = Asset::default();
/// asset.hostname = Some("h".into());
/// let arf = write_arf(&ArfInput::new(asset, ds, tr))?;
/// let back = scap_arf::Arf::parse(&arf)?;
/// assert_eq!(back.assets[0].hostname.as_deref(), Some("h"));
/// assert_eq!(back.test_results[0].test_result.targets, ["h"]);
/// # Ok(()) }
/// ```
pub fn write_arf(input: &ArfInput<'_>) -> Result<String> {
    let ds = root_slice(
        "data stream",
        input.data_stream,
        crate::DS_NS,
        "data-stream-collection",
    )?;
    let tr = root_slice(
        "XCCDF TestResult",
        input.test_result,
        crate::XCCDF12_NS,
        "TestResult",
    )?;
    let retargeted;
    let tr = if input.check_refs.is_empty() {
        tr
    } else {
        for (_, id) in &input.check_refs {
            if !input.oval_results.iter().any(|(o, _)| o == id) {
                return Err(Error::Invalid(format!(
                    "check-content-ref points at report {id}, which is not among the OVAL results"
                )));
            }
        }
        retargeted = retarget_hrefs(tr, &input.check_refs)?;
        retargeted.as_str()
    };
    let mut ovals = Vec::new();
    for (id, text) in &input.oval_results {
        if id == XCCDF_REPORT_ID || id == REQUEST_ID || ovals.iter().any(|(i, _)| i == id) {
            return Err(Error::Invalid(format!("duplicate report id {id}")));
        }
        if !is_ncname(id) {
            return Err(Error::Invalid(format!("report id {id:?} is not an NCName")));
        }
        ovals.push((
            id.as_str(),
            root_slice("OVAL results", text, crate::OVAL_RES_NS, "oval_results")?,
        ));
    }
    let asset_id = if input.asset.id.is_empty() {
        "asset0"
    } else {
        input.asset.id.as_str()
    };
    if !is_ncname(asset_id) {
        return Err(Error::Invalid(format!(
            "asset id {asset_id:?} is not an NCName"
        )));
    }

    let mut out = String::with_capacity(ds.len() + tr.len() + 4096);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<arf:asset-report-collection xmlns:arf=\"{ARF_NS}\" xmlns:core=\"{CORE_NS}\" xmlns:ai=\"{AI_NS}\">"
    );
    let _ = writeln!(
        out,
        "  <core:relationships xmlns:arfvocab=\"{ARFVOCAB_NS}\">"
    );
    let _ = writeln!(
        out,
        "    <core:relationship type=\"arfvocab:createdFor\" subject=\"{XCCDF_REPORT_ID}\">\n      <core:ref>{REQUEST_ID}</core:ref>\n    </core:relationship>"
    );
    let _ = writeln!(
        out,
        "    <core:relationship type=\"arfvocab:isAbout\" subject=\"{XCCDF_REPORT_ID}\">\n      <core:ref>{asset_id}</core:ref>\n    </core:relationship>"
    );
    out.push_str("  </core:relationships>\n");
    let _ = writeln!(
        out,
        "  <arf:report-requests>\n    <arf:report-request id=\"{REQUEST_ID}\">\n      <arf:content>"
    );
    out.push_str(ds);
    out.push_str("\n      </arf:content>\n    </arf:report-request>\n  </arf:report-requests>\n");
    let _ = writeln!(out, "  <arf:assets>\n    <arf:asset id=\"{asset_id}\">");
    write_device(&mut out, &input.asset);
    out.push_str("    </arf:asset>\n  </arf:assets>\n  <arf:reports>\n");
    let _ = writeln!(
        out,
        "    <arf:report id=\"{XCCDF_REPORT_ID}\">\n      <arf:content>"
    );
    out.push_str(tr);
    out.push_str("\n      </arf:content>\n    </arf:report>\n");
    for (id, text) in ovals {
        let _ = writeln!(out, "    <arf:report id=\"{id}\">\n      <arf:content>");
        out.push_str(text);
        out.push_str("\n      </arf:content>\n    </arf:report>\n");
    }
    out.push_str("  </arf:reports>\n</arf:asset-report-collection>\n");
    Ok(out)
}

/// Rewrites the `href` of XCCDF `check-content-ref`s found in `map` to `#REPORT_ID`; every
/// other event is written back as read.
fn retarget_hrefs(xml: &str, map: &[(String, String)]) -> Result<String> {
    use quick_xml::events::{BytesStart, Event};
    const WHAT: &str = "XCCDF TestResult";
    let bad =
        |pos: u64, e: &dyn std::fmt::Display| Error::Invalid(format!("{WHAT}: byte {pos}: {e}"));
    let retarget = |e: &BytesStart<'_>, pos: u64| -> Result<BytesStart<'static>> {
        let name = e.name().as_ref().to_string();
        let mut out = BytesStart::new(name);
        for a in e.attributes() {
            let a = a.map_err(|err| bad(pos, &err))?;
            if a.key.as_ref() == "href" {
                let v = a
                    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map_err(|err| bad(pos, &err))?;
                if let Some((_, id)) = map.iter().find(|(h, _)| *h == v) {
                    out.push_attribute(("href", format!("#{id}").as_str()));
                    continue;
                }
            }
            out.push_attribute(a);
        }
        Ok(out)
    };
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut writer = quick_xml::Writer::new(Vec::with_capacity(xml.len()));
    loop {
        let pos = reader.buffer_position();
        let ev = reader.read_event().map_err(|e| bad(pos, &e))?;
        let ev = match ev {
            Event::Eof => break,
            Event::Empty(e) if e.local_name().as_ref() == "check-content-ref" => {
                Event::Empty(retarget(&e, pos)?)
            }
            Event::Start(e) if e.local_name().as_ref() == "check-content-ref" => {
                Event::Start(retarget(&e, pos)?)
            }
            other => other,
        };
        writer.write_event(ev).map_err(|e| bad(pos, &e))?;
    }
    String::from_utf8(writer.into_inner()).map_err(|e| bad(0, &e))
}

/// `ai:computing-device` in the schema's element order: connections, fqdn, hostname.
fn write_device(out: &mut String, a: &Asset) {
    if a.connections_len() == 0 && a.fqdn.is_none() && a.hostname.is_none() {
        out.push_str("      <ai:computing-device/>\n");
        return;
    }
    out.push_str("      <ai:computing-device>\n");
    if a.connections_len() > 0 {
        out.push_str("        <ai:connections>\n");
        for ip in &a.ip_addresses {
            let (tag, text) = match ip {
                IpAddr::V4(v4) => ("ip-v4", v4.to_string()),
                IpAddr::V6(v6) => ("ip-v6", ipv6_full(*v6)),
            };
            let _ = writeln!(
                out,
                "          <ai:connection>\n            <ai:ip-address>\n              <ai:{tag}>{text}</ai:{tag}>\n            </ai:ip-address>\n          </ai:connection>"
            );
        }
        for mac in &a.mac_addresses {
            let _ = writeln!(
                out,
                "          <ai:connection>\n            <ai:mac-address>{}</ai:mac-address>\n          </ai:connection>",
                escape(mac.as_str())
            );
        }
        out.push_str("        </ai:connections>\n");
    }
    if let Some(f) = &a.fqdn {
        let _ = writeln!(out, "        <ai:fqdn>{}</ai:fqdn>", escape(f.as_str()));
    }
    if let Some(h) = &a.hostname {
        let _ = writeln!(
            out,
            "        <ai:hostname>{}</ai:hostname>",
            escape(h.as_str())
        );
    }
    out.push_str("      </ai:computing-device>\n");
}

/// Whether `s` is an XML NCName (ids in ARF are `xs:NCName`), ASCII subset plus any
/// non-ASCII letter.
fn is_ncname(s: &str) -> bool {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    (first.is_alphabetic() || first == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DS: &str = "<?xml version=\"1.0\"?>\n<!-- c -->\n<ds:data-stream-collection xmlns:ds=\"http://scap.nist.gov/schema/scap/source/1.2\" id=\"c\"/>\n";
    const TR: &str = "<TestResult xmlns=\"http://checklists.nist.gov/xccdf/1.2\" id=\"t\"/>";

    #[test]
    fn declaration_and_comments_before_the_root_are_dropped() -> Result<()> {
        let arf = write_arf(&ArfInput::new(Asset::default(), DS, TR))?;
        assert_eq!(arf.matches("<?xml").count(), 1);
        assert!(!arf.contains("<!-- c -->"));
        assert!(arf.contains("<ai:computing-device/>"));
        Ok(())
    }

    #[test]
    fn wrong_root_is_refused() {
        let e = write_arf(&ArfInput::new(Asset::default(), TR, TR));
        assert!(matches!(
            e,
            Err(Error::UnexpectedElement {
                expected: "data-stream-collection",
                ..
            })
        ));
        let e = write_arf(&ArfInput::new(Asset::default(), DS, "<TestResult"));
        assert!(matches!(
            e,
            Err(Error::Xml {
                what: "XCCDF TestResult",
                ..
            })
        ));
    }

    #[test]
    fn documents_that_are_not_well_formed_are_refused() {
        let open = "<TestResult xmlns=\"http://checklists.nist.gov/xccdf/1.2\" id=\"t\">";
        let bad = [
            format!("{open}<a></b></TestResult>"),
            format!("{open}<a>"),
            format!("{open}</TestResult><TestResult/>"),
            format!("{open}</TestResult>text"),
            format!("{open}&nosuch;</TestResult>"),
            format!("{open}&#0;</TestResult>"),
            format!("{open}<a b=\"&nosuch;\"/></TestResult>"),
            format!("{open}<a b=\"1\" b=\"2\"/></TestResult>"),
            format!("{open}<a b=\"<\"/></TestResult>"),
            format!("<!DOCTYPE x [<!ENTITY e \"x\">]>{open}</TestResult>"),
            format!("{open}<!-- a -- b --></TestResult>"),
            String::new(),
        ];
        for tr in &bad {
            // The tree parser the check replaced refuses each of them too.
            assert!(roxmltree::Document::parse(tr).is_err(), "{tr}");
            let e = write_arf(&ArfInput::new(Asset::default(), DS, tr));
            assert!(
                matches!(
                    e,
                    Err(Error::Xml {
                        what: "XCCDF TestResult",
                        ..
                    })
                ),
                "{tr}: {e:?}"
            );
        }
        // Errors are located: line and column of the offending end tag.
        let tr = format!("{open}\n  <a>\n  </b></TestResult>");
        let e = write_arf(&ArfInput::new(Asset::default(), DS, &tr));
        assert!(matches!(e, Err(Error::Xml { line: 3, .. })), "{e:?}");
        // References, CDATA and a trailing comment are fine.
        let tr = format!(
            "{open}&amp;&#x41;<![CDATA[<]]><a b=\"&lt;&#10;\"/></TestResult>\n<!-- end -->\n"
        );
        let arf = write_arf(&ArfInput::new(Asset::default(), DS, &tr)).unwrap();
        assert!(arf.contains("&amp;&#x41;<![CDATA[<]]><a b=\"&lt;&#10;\"/></TestResult>"));
        assert!(!arf.contains("<!-- end -->"));
    }

    #[test]
    fn duplicate_and_bad_report_ids_are_refused() {
        let oval = "<oval_results xmlns=\"http://oval.mitre.org/XMLSchema/oval-results-5\"/>";
        let i = ArfInput::new(Asset::default(), DS, TR)
            .with_oval("oval0", oval)
            .with_oval("oval0", oval);
        assert!(matches!(write_arf(&i), Err(Error::Invalid(_))));
        let i = ArfInput::new(Asset::default(), DS, TR).with_oval("0val", oval);
        assert!(matches!(write_arf(&i), Err(Error::Invalid(_))));
    }

    #[test]
    fn check_refs_point_at_reports() -> Result<()> {
        let tr = "<TestResult xmlns=\"http://checklists.nist.gov/xccdf/1.2\" id=\"t\"><rule-result idref=\"r\"><result>fail</result><check system=\"s\"><check-content-ref name=\"oval:x:def:1\" href=\"x&amp;-oval.xml\"/></check></rule-result><!-- kept --></TestResult>";
        let oval = "<oval_results xmlns=\"http://oval.mitre.org/XMLSchema/oval-results-5\"/>";
        let i = ArfInput::new(Asset::default(), DS, tr)
            .with_oval("oval0", oval)
            .with_check_ref("x&-oval.xml", "oval0");
        let arf = write_arf(&i)?;
        assert!(arf.contains("<check-content-ref name=\"oval:x:def:1\" href=\"#oval0\"/>"));
        assert!(arf.contains("<!-- kept -->"));
        let back = crate::Arf::parse(&arf)?;
        assert_eq!(
            back.test_results[0].test_result.rule_results[0].checks[0].content_refs[0].href,
            "#oval0"
        );
        let i = ArfInput::new(Asset::default(), DS, tr).with_check_ref("x", "oval9");
        assert!(matches!(write_arf(&i), Err(Error::Invalid(_))));
        Ok(())
    }

    #[test]
    fn device_fields_are_escaped_and_ordered() -> Result<()> {
        let mut a = Asset {
            hostname: Some("a<b".into()),
            fqdn: Some("a<b.example".into()),
            ..Asset::default()
        };
        a.mac_addresses.push("02:FC:00:00:00:01".into());
        a.ip_addresses
            .push("::1".parse().map_err(|_| Error::Invalid("ip".into()))?);
        let arf = write_arf(&ArfInput::new(a, DS, TR))?;
        assert!(arf.contains("<ai:hostname>a&lt;b</ai:hostname>"));
        assert!(arf.contains("<ai:ip-v6>0:0:0:0:0:0:0:1</ai:ip-v6>"));
        let conn = arf.find("<ai:connections>").unwrap_or(usize::MAX);
        let fqdn = arf.find("<ai:fqdn>").unwrap_or(0);
        assert!(conn < fqdn);
        Ok(())
    }
}
