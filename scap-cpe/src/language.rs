//! The CPE applicability language model (NISTIR 7698 section 6, schema
//! `http://cpe.mitre.org/language/2.0`) and its parser. Evaluation is in
//! [`crate::applicability`].

use std::str::FromStr;

use roxmltree::Node;
use scap_xml::Fragment;

use crate::error::Error;
use crate::text::Text;
use crate::wfn::Name;
use crate::xml;

/// Namespace of the CPE applicability language (2.0 and 2.3 share it).
///
/// ```
/// let xml = format!(r#"<platform-specification xmlns="{}"/>"#, scap_cpe::LANGUAGE_NS);
/// assert!(xml.parse::<scap_cpe::PlatformSpecification>()?.platforms.is_empty());
/// # Ok::<(), scap_cpe::Error>(())
/// ```
pub const LANGUAGE_NS: &str = "http://cpe.mitre.org/language/2.0";

/// Deepest nesting of `logical-test` elements accepted (and evaluated).
///
/// ```
/// assert!(scap_cpe::MAX_DEPTH >= 8);
/// ```
pub const MAX_DEPTH: usize = 64;

/// A `platform-specification`: the list of platforms an XCCDF benchmark refers to.
///
/// ```
/// use scap_cpe::PlatformSpecification;
/// let spec: PlatformSpecification = r#"
/// <cpe-lang:platform-specification xmlns:cpe-lang="http://cpe.mitre.org/language/2.0">
///   <cpe-lang:platform id="machine">
///     <cpe-lang:logical-test operator="AND" negate="false">
///       <cpe-lang:fact-ref name="cpe:/a:machine"/>
///     </cpe-lang:logical-test>
///   </cpe-lang:platform>
/// </cpe-lang:platform-specification>"#.parse()?;
/// assert_eq!(spec.platforms[0].id, "machine");
/// assert!(spec.platform("machine").is_some());
/// # Ok::<(), scap_cpe::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct PlatformSpecification {
    /// The platforms, in document order.
    pub platforms: Vec<Platform>,
}

/// A `platform`: an identified logical test over CPE names and checks.
///
/// ```
/// use scap_cpe::{LogicalTest, Operator, Platform};
/// let p = Platform::new("p1", LogicalTest::new(Operator::And, false));
/// assert_eq!(p.id, "p1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Platform {
    /// The `id` attribute (an `xsd:anyURI`; XCCDF refers to it as `#id` or by the bare id).
    pub id: String,
    /// `title` elements.
    pub titles: Vec<Text>,
    /// `remark` elements.
    pub remarks: Vec<Text>,
    /// The one top-level `logical-test`.
    pub test: LogicalTest,
}

impl Platform {
    /// A platform with no titles or remarks.
    ///
    /// ```
    /// use scap_cpe::{LogicalTest, Operator, Platform};
    /// assert!(Platform::new("x", LogicalTest::new(Operator::Or, true)).titles.is_empty());
    /// ```
    pub fn new(id: impl Into<String>, test: LogicalTest) -> Platform {
        Platform {
            id: id.into(),
            titles: Vec::new(),
            remarks: Vec::new(),
            test,
        }
    }
}

/// The `operator` of a logical test.
///
/// ```
/// assert_eq!("OR".parse::<scap_cpe::Operator>(), Ok(scap_cpe::Operator::Or));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operator {
    /// `AND`: all children must be true.
    And,
    /// `OR`: at least one child must be true.
    Or,
}

impl FromStr for Operator {
    type Err = ();
    fn from_str(s: &str) -> Result<Operator, ()> {
        match s {
            "AND" => Ok(Operator::And),
            "OR" => Ok(Operator::Or),
            _ => Err(()),
        }
    }
}

/// A `logical-test`: an operator over child tests, optionally negated.
///
/// ```
/// use scap_cpe::{FactRef, LogicalTest, Operator, Test};
/// let mut t = LogicalTest::new(Operator::And, false);
/// t.tests.push(Test::Fact(FactRef::new("cpe:/a:sudo".parse()?)));
/// assert_eq!(t.tests.len(), 1);
/// # Ok::<(), scap_cpe::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LogicalTest {
    /// `AND` or `OR`.
    pub operator: Operator,
    /// Whether the result is negated.
    pub negate: bool,
    /// The optional `description` attribute.
    pub description: Option<String>,
    /// The child tests, in document order.
    pub tests: Vec<Test>,
}

impl LogicalTest {
    /// A test without children or description.
    ///
    /// ```
    /// let t = scap_cpe::LogicalTest::new(scap_cpe::Operator::Or, true);
    /// assert!(t.negate && t.tests.is_empty());
    /// ```
    pub fn new(operator: Operator, negate: bool) -> LogicalTest {
        LogicalTest {
            operator,
            negate,
            description: None,
            tests: Vec::new(),
        }
    }
}

/// One child of a logical test.
///
/// ```
/// use scap_cpe::{FactRef, Test};
/// let t = Test::Fact(FactRef::new("cpe:/a:sudo".parse()?));
/// assert!(matches!(t, Test::Fact(_)));
/// # Ok::<(), scap_cpe::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
// A name is 11 inline values; boxing it would only add an allocation per fact-ref.
#[allow(clippy::large_enum_variant)]
pub enum Test {
    /// A nested `logical-test`.
    Logical(LogicalTest),
    /// A `fact-ref` to a CPE name.
    Fact(FactRef),
    /// A `check-fact-ref` to an external check (typically OVAL).
    Check(CheckFactRef),
}

/// A `fact-ref`: true when the target has a CPE name that this name matches.
///
/// ```
/// let f = scap_cpe::FactRef::new("cpe:/o:debian:debian_linux:11".parse()?);
/// assert_eq!(f.name.to_uri(), "cpe:/o:debian:debian_linux:11");
/// # Ok::<(), scap_cpe::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FactRef {
    /// The `name` attribute (either binding), as a WFN.
    pub name: Name,
    /// The optional `description` attribute.
    pub description: Option<String>,
}

impl FactRef {
    /// A fact-ref without description.
    ///
    /// ```
    /// let f = scap_cpe::FactRef::new(scap_cpe::Name::new());
    /// assert!(f.description.is_none());
    /// ```
    pub fn new(name: Name) -> FactRef {
        FactRef {
            name,
            description: None,
        }
    }
}

/// A `check-fact-ref`: a reference to a check the caller evaluates.
///
/// ```
/// let c = scap_cpe::CheckFactRef::new(
///     "http://oval.mitre.org/XMLSchema/oval-definitions-5",
///     "ssg-rhel8-cpe-oval.xml",
///     "oval:ssg-installed_OS_is_rhel8:def:1",
/// );
/// assert_eq!(c.id_ref, "oval:ssg-installed_OS_is_rhel8:def:1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct CheckFactRef {
    /// The `system` attribute: the check language's namespace URI.
    pub system: String,
    /// The `href` attribute: where the check content is.
    pub href: String,
    /// The `id-ref` attribute: the check's id in that content.
    pub id_ref: String,
    /// The optional `description` attribute.
    pub description: Option<String>,
}

impl CheckFactRef {
    /// A check reference without description.
    ///
    /// ```
    /// let c = scap_cpe::CheckFactRef::new("sys", "file.xml", "id");
    /// assert_eq!(c.href, "file.xml");
    /// ```
    pub fn new(
        system: impl Into<String>,
        href: impl Into<String>,
        id_ref: impl Into<String>,
    ) -> CheckFactRef {
        CheckFactRef {
            system: system.into(),
            href: href.into(),
            id_ref: id_ref.into(),
            description: None,
        }
    }
}

impl PlatformSpecification {
    /// Reads the `platform-specification` element at `fragment` of `text` (for example the
    /// one inside an XCCDF `Benchmark` of a data stream). Errors name lines of the whole
    /// `text`.
    ///
    /// ```
    /// let text = r#"<Benchmark xmlns:cpe-lang="http://cpe.mitre.org/language/2.0">
    ///   <cpe-lang:platform-specification><cpe-lang:platform id="p">
    ///     <cpe-lang:logical-test operator="OR" negate="true">
    ///     <cpe-lang:check-fact-ref system="s" href="h" id-ref="i"/>
    ///   </cpe-lang:logical-test></cpe-lang:platform></cpe-lang:platform-specification></Benchmark>"#;
    /// let start = text.find("<cpe-lang:platform-specification").unwrap();
    /// let end = text.find("</Benchmark>").unwrap();
    /// let ns = scap_cpe::Namespace::new(Some("cpe-lang"), scap_cpe::LANGUAGE_NS);
    /// let fragment = scap_cpe::Fragment::new(start..end, vec![ns]);
    /// let spec = scap_cpe::PlatformSpecification::parse_fragment(text, &fragment)?;
    /// assert!(spec.platforms[0].test.negate);
    /// # Ok::<(), scap_cpe::Error>(())
    /// ```
    pub fn parse_fragment(text: &str, fragment: &Fragment) -> Result<PlatformSpecification, Error> {
        xml::parse_fragment(text, fragment, PlatformSpecification::from_node)
    }

    /// Reads a `platform-specification` element. A document root node is accepted too,
    /// standing for its root element.
    pub(crate) fn from_node(node: Node<'_, '_>) -> Result<PlatformSpecification, Error> {
        let node = if node.is_root() {
            node.first_element_child()
                .ok_or_else(|| xml::error(node, "document has no root element"))?
        } else {
            node
        };
        expect(node, "platform-specification")?;
        let mut platforms = Vec::new();
        for child in language_children(node)? {
            match child.tag_name().name() {
                "platform" => platforms.push(parse_platform(child)?),
                other => return Err(unexpected(child, other)),
            }
        }
        Ok(PlatformSpecification { platforms })
    }

    /// The platform with this id; a leading `#` (as in XCCDF `platform idref="#id"`) is ignored.
    ///
    /// ```
    /// let spec = scap_cpe::PlatformSpecification::default();
    /// assert!(spec.platform("#nothing").is_none());
    /// ```
    pub fn platform(&self, id: &str) -> Option<&Platform> {
        let id = id.strip_prefix('#').unwrap_or(id);
        self.platforms.iter().find(|p| p.id == id)
    }
}

impl FromStr for PlatformSpecification {
    type Err = Error;

    /// Parses a document whose root is a `platform-specification` (DTDs refused, node limit
    /// [`NODE_LIMIT`](crate::NODE_LIMIT)).
    fn from_str(text: &str) -> Result<PlatformSpecification, Error> {
        let doc = xml::parse_document(text)?;
        PlatformSpecification::from_node(doc.root_element())
    }
}

fn expect(node: Node<'_, '_>, name: &str) -> Result<(), Error> {
    let tag = node.tag_name();
    if node.is_element() && tag.name() == name && tag.namespace() == Some(LANGUAGE_NS) {
        Ok(())
    } else {
        Err(xml::error(
            node,
            format!("expected <{name}> in namespace {LANGUAGE_NS}"),
        ))
    }
}

fn unexpected(node: Node<'_, '_>, name: &str) -> Error {
    xml::error(node, format!("unexpected element <{name}>"))
}

/// Child elements in the language namespace; other namespaces are extensions and skipped.
fn language_children<'a, 'i>(
    node: Node<'a, 'i>,
) -> Result<impl Iterator<Item = Node<'a, 'i>>, Error> {
    Ok(node
        .children()
        .filter(|c| c.is_element() && c.tag_name().namespace() == Some(LANGUAGE_NS)))
}

fn text_of(node: Node<'_, '_>) -> Text {
    Text {
        lang: xml::lang(node),
        text: xml::text(node),
    }
}

fn parse_platform(node: Node<'_, '_>) -> Result<Platform, Error> {
    let id = xml::required(node, "id")?.to_owned();
    let mut titles = Vec::new();
    let mut remarks = Vec::new();
    let mut test = None;
    for child in language_children(node)? {
        match child.tag_name().name() {
            "title" => titles.push(text_of(child)),
            "remark" => remarks.push(text_of(child)),
            "logical-test" if test.is_none() => test = Some(parse_logical_test(child, 1)?),
            "logical-test" => {
                return Err(xml::error(child, "a platform has exactly one logical-test"));
            }
            other => return Err(unexpected(child, other)),
        }
    }
    let test = test.ok_or_else(|| xml::error(node, "platform without logical-test"))?;
    Ok(Platform {
        id,
        titles,
        remarks,
        test,
    })
}

fn parse_logical_test(node: Node<'_, '_>, depth: usize) -> Result<LogicalTest, Error> {
    if depth > MAX_DEPTH {
        return Err(xml::error(
            node,
            format!("logical-test nested deeper than {MAX_DEPTH}"),
        ));
    }
    let operator_text = xml::required(node, "operator")?;
    let operator = operator_text.trim().parse().map_err(|()| {
        xml::error(
            node,
            format!(
                "operator must be AND or OR, not {:?}",
                xml::truncate(operator_text)
            ),
        )
    })?;
    let negate = xml::boolean(node, "negate")?
        .ok_or_else(|| xml::error(node, "missing attribute `negate`"))?;
    let mut test = LogicalTest {
        operator,
        negate,
        description: node.attribute("description").map(str::to_owned),
        tests: Vec::new(),
    };
    for child in language_children(node)? {
        let description = child.attribute("description").map(str::to_owned);
        let t = match child.tag_name().name() {
            "logical-test" => Test::Logical(parse_logical_test(child, depth + 1)?),
            "fact-ref" => Test::Fact(FactRef {
                name: xml::name_attribute(child, "name")?,
                description,
            }),
            "check-fact-ref" => Test::Check(CheckFactRef {
                system: xml::required(child, "system")?.to_owned(),
                href: xml::required(child, "href")?.to_owned(),
                id_ref: xml::required(child, "id-ref")?.to_owned(),
                description,
            }),
            other => return Err(unexpected(child, other)),
        };
        test.tests.push(t);
    }
    Ok(test)
}
