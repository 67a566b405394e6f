//! XCCDF 1.2 `Tailoring` documents (NISTIR 7275r4 section 6.7): profiles kept outside the
//! benchmark that extend its profiles (oscap `--tailoring-file`).

use roxmltree::Node;

use crate::error::{Error, Location, Result};
use crate::model::{Profile, Status, XccdfVersion};
use crate::parse::{Parser, xccdf_version};
use crate::xml::{self, ParseOptions, Shift};

/// A Tailoring document.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Tailoring {
    /// `id`.
    pub id: String,
    /// `benchmark@href`.
    pub benchmark_href: Option<String>,
    /// `benchmark@id`.
    pub benchmark_id: Option<String>,
    /// `status`es.
    pub statuses: Vec<Status>,
    /// `version` text.
    pub version: Option<String>,
    /// `version@time`.
    pub version_time: Option<String>,
    /// The tailoring's profiles, in document order.
    pub profiles: Vec<Profile>,
}

impl Tailoring {
    /// Reads a `Tailoring` element; `shift` maps offsets of its document to the whole
    /// file's.
    pub(crate) fn from_node(
        node: Node<'_, '_>,
        opts: &ParseOptions,
        shift: Shift,
    ) -> Result<Tailoring> {
        let version = match xccdf_version(node) {
            Some(v) if node.tag_name().name() == "Tailoring" => v,
            _ => {
                return Err(Error::UnexpectedRoot {
                    location: Location::of(node),
                    found: xml::expanded(node),
                    expected: "an XCCDF Tailoring",
                });
            }
        };
        let mut parser = Parser::new(version, opts);
        parser.shift = shift;
        let ns = XccdfVersion::namespace(version);
        let mut t = Tailoring {
            id: node.attribute("id").unwrap_or("").to_string(),
            benchmark_href: None,
            benchmark_id: None,
            statuses: Vec::new(),
            version: None,
            version_time: None,
            profiles: Vec::new(),
        };
        for c in node
            .children()
            .filter(|c| c.is_element() && c.tag_name().namespace() == Some(ns))
        {
            match c.tag_name().name() {
                "benchmark" => {
                    t.benchmark_href = xml::opt_attr(c, "href");
                    t.benchmark_id = xml::opt_attr(c, "id");
                }
                "status" => t.statuses.push(Status {
                    status: xml::text_of(c).trim().to_string(),
                    date: xml::opt_attr(c, "date"),
                }),
                "version" => {
                    t.version = Some(xml::text_of(c));
                    t.version_time = xml::opt_attr(c, "time");
                }
                "Profile" => t.profiles.push(parser.profile(c)?),
                _ => {}
            }
        }
        Ok(t)
    }

    /// Parses a standalone tailoring file.
    ///
    /// ```
    /// let src = r#"<xccdf:Tailoring xmlns:xccdf="http://checklists.nist.gov/xccdf/1.2" id="xccdf_t_tailoring_t">
    ///   <xccdf:benchmark href="ssg-x-ds.xml"/>
    ///   <xccdf:version time="2024-01-01T00:00:00">1</xccdf:version>
    ///   <xccdf:Profile id="xccdf_t_profile_p" extends="xccdf_x_profile_base">
    ///     <xccdf:title>P</xccdf:title>
    ///     <xccdf:select idref="xccdf_x_rule_r" selected="false"/>
    ///   </xccdf:Profile>
    /// </xccdf:Tailoring>"#;
    /// let t = scap_xccdf::Tailoring::parse_str(src, &Default::default()).unwrap();
    /// assert_eq!(t.profiles[0].extends.as_deref(), Some("xccdf_x_profile_base"));
    /// assert_eq!(t.benchmark_href.as_deref(), Some("ssg-x-ds.xml"));
    /// ```
    pub fn parse_str(text: &str, opts: &ParseOptions) -> Result<Tailoring> {
        let doc = opts.parse_document(text)?;
        Tailoring::from_node(doc.root_element(), opts, Shift::default())
    }

    /// Reads the `Tailoring` element at `fragment` of `text` (a tailoring component of a data
    /// stream: oscap `--tailoring-id`); locations are the whole `text`'s.
    pub fn parse_fragment(
        text: &str,
        fragment: &scap_xml::Fragment,
        opts: &ParseOptions,
    ) -> Result<Tailoring> {
        opts.parse_fragment(text, fragment, |node, _, shift| {
            Tailoring::from_node(node, opts, shift)
        })
    }
}
