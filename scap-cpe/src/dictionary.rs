//! CPE dictionaries (NISTIR 7697; schemas `cpe-dictionary_2.1`..`2.3`, namespace
//! `http://cpe.mitre.org/dictionary/2.0`, with the 2.3 extension `cpe23-item`).

use std::str::FromStr;

use roxmltree::Node;
use scap_xml::Fragment;

use crate::applicability::{ApplicabilityResult, CheckEvaluator};
use crate::error::Error;
use crate::language::CheckFactRef;
use crate::text::Text;
use crate::wfn::Name;
use crate::xml;

/// Namespace of `cpe-list` (dictionary schemas 2.0 to 2.3 share it).
///
/// ```
/// let xml = format!(r#"<cpe-list xmlns="{}"/>"#, scap_cpe::DICTIONARY_NS);
/// assert!(xml.parse::<scap_cpe::Dictionary>()?.items.is_empty());
/// # Ok::<(), scap_cpe::Error>(())
/// ```
pub const DICTIONARY_NS: &str = "http://cpe.mitre.org/dictionary/2.0";

/// Namespace of the CPE 2.3 dictionary extension (`cpe23-item`).
///
/// ```
/// assert!(scap_cpe::CPE23_EXTENSION_NS.ends_with("cpe-extension/2.3"));
/// ```
pub const CPE23_EXTENSION_NS: &str = "http://scap.nist.gov/schema/cpe-extension/2.3";

/// A `cpe-list`: the items of a CPE dictionary.
///
/// ```
/// use scap_cpe::{Dictionary, Name};
/// let dict: Dictionary = r#"<cpe-list xmlns="http://cpe.mitre.org/dictionary/2.0">
///   <cpe-item name="cpe:/o:debian:debian_linux:11">
///     <title xml:lang="en-us">Debian 11</title>
///     <check system="http://oval.mitre.org/XMLSchema/oval-definitions-5"
///            href="ssg-debian11-cpe-oval.xml">oval:ssg-installed_OS_is_debian11:def:1</check>
///   </cpe-item>
/// </cpe-list>"#.parse()?;
/// let query: Name = "cpe:/o:debian".parse()?;
/// let found: Vec<_> = dict.matching(&query).collect();
/// assert_eq!(found.len(), 1);
/// assert_eq!(found[0].checks[0].id_ref, "oval:ssg-installed_OS_is_debian11:def:1");
/// # Ok::<(), scap_cpe::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Dictionary {
    /// The optional `generator`.
    pub generator: Option<Generator>,
    /// The `cpe-item`s, in document order.
    pub items: Vec<Item>,
}

/// The `generator` of a dictionary: who made it and when.
///
/// ```
/// let g = scap_cpe::Generator::default();
/// assert!(g.timestamp.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Generator {
    /// `product_name`.
    pub product_name: Option<String>,
    /// `product_version`.
    pub product_version: Option<String>,
    /// `schema_version` (e.g. `2.3`).
    pub schema_version: Option<String>,
    /// `timestamp` (`xsd:dateTime`, as written).
    pub timestamp: Option<String>,
}

/// A `cpe-item`: one dictionary entry.
///
/// ```
/// let item = scap_cpe::Item::new("cpe:/a:sudo".parse()?);
/// assert!(!item.deprecated);
/// # Ok::<(), scap_cpe::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Item {
    /// The `name` attribute (a URI), as a WFN.
    pub name: Name,
    /// The `deprecated` attribute (default false).
    pub deprecated: bool,
    /// The `deprecated_by` attribute.
    pub deprecated_by: Option<Name>,
    /// The `deprecation_date` attribute (`xsd:dateTime`, as written).
    pub deprecation_date: Option<String>,
    /// `title` elements.
    pub titles: Vec<Text>,
    /// `notes` elements.
    pub notes: Vec<Notes>,
    /// The `reference` elements of `references`.
    pub references: Vec<Reference>,
    /// `check` elements.
    pub checks: Vec<Check>,
    /// The CPE 2.3 extension `cpe23-item`, if present.
    pub cpe23: Option<Cpe23Item>,
}

impl Item {
    /// An item with just a name.
    ///
    /// ```
    /// assert!(scap_cpe::Item::new(scap_cpe::Name::new()).checks.is_empty());
    /// ```
    pub fn new(name: Name) -> Item {
        Item {
            name,
            deprecated: false,
            deprecated_by: None,
            deprecation_date: None,
            titles: Vec::new(),
            notes: Vec::new(),
            references: Vec::new(),
            checks: Vec::new(),
            cpe23: None,
        }
    }

    /// Evaluates the item's checks, which are alternatives (typically the same test in different
    /// check systems): TRUE if some check is TRUE, else FALSE if some check is FALSE, else ERROR
    /// (also when the item has no check). Checks after the first TRUE are not run.
    ///
    /// ```
    /// use scap_cpe::{ApplicabilityResult, Check, CheckFactRef, Item};
    /// let mut item = Item::new("cpe:/a:sudo".parse()?);
    /// item.checks.push(Check::new("http://oval.mitre.org/XMLSchema/oval-definitions-5", "oval:x:def:1"));
    /// let mut oval = |c: &CheckFactRef| (c.id_ref == "oval:x:def:1").into();
    /// assert_eq!(item.evaluate(&mut oval), ApplicabilityResult::True);
    /// # Ok::<(), scap_cpe::Error>(())
    /// ```
    pub fn evaluate(&self, checks: &mut dyn CheckEvaluator) -> ApplicabilityResult {
        let mut result = ApplicabilityResult::Error;
        for check in &self.checks {
            match checks.evaluate(&check.to_fact_ref()) {
                ApplicabilityResult::True => return ApplicabilityResult::True,
                ApplicabilityResult::False => result = ApplicabilityResult::False,
                ApplicabilityResult::Error => {}
            }
        }
        result
    }

    /// The first title, preferring one whose `xml:lang` starts with `en`.
    ///
    /// ```
    /// let item = scap_cpe::Item::new(scap_cpe::Name::new());
    /// assert!(item.title().is_none());
    /// ```
    pub fn title(&self) -> Option<&str> {
        self.titles
            .iter()
            .find(|t| t.lang.as_deref().is_some_and(|l| l.starts_with("en")))
            .or_else(|| self.titles.first())
            .map(|t| t.text.as_str())
    }
}

/// A `notes` element: notes in one language.
///
/// ```
/// let n = scap_cpe::Notes { lang: None, notes: vec!["see vendor site".into()] };
/// assert_eq!(n.notes.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Notes {
    /// `xml:lang`.
    pub lang: Option<String>,
    /// The `note` texts.
    pub notes: Vec<String>,
}

/// A `reference`: a link to more information.
///
/// ```
/// let r = scap_cpe::Reference { href: Some("https://www.debian.org".into()), text: "Debian".into() };
/// assert_eq!(r.text, "Debian");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reference {
    /// The `href` attribute.
    pub href: Option<String>,
    /// The description.
    pub text: String,
}

/// A `check`: how to test whether a system has the item, e.g. an OVAL definition.
///
/// ```
/// let c = scap_cpe::Check::new("http://oval.mitre.org/XMLSchema/oval-definitions-5", "oval:a:def:1");
/// assert_eq!(c.to_fact_ref().id_ref, "oval:a:def:1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Check {
    /// The `system` attribute: the check language's namespace URI.
    pub system: String,
    /// The `href` attribute: the file holding the check content.
    pub href: Option<String>,
    /// The element's content: the check's id (the OVAL definition id), trimmed.
    pub id_ref: String,
}

impl Check {
    /// A check without href.
    ///
    /// ```
    /// assert!(scap_cpe::Check::new("s", "i").href.is_none());
    /// ```
    pub fn new(system: impl Into<String>, id_ref: impl Into<String>) -> Check {
        Check {
            system: system.into(),
            href: None,
            id_ref: id_ref.into(),
        }
    }

    /// The same check as a language `check-fact-ref` (a missing href becomes empty), the form a
    /// [`CheckEvaluator`] takes.
    ///
    /// ```
    /// assert_eq!(scap_cpe::Check::new("s", "i").to_fact_ref().href, "");
    /// ```
    pub fn to_fact_ref(&self) -> CheckFactRef {
        CheckFactRef::new(
            self.system.clone(),
            self.href.clone().unwrap_or_default(),
            self.id_ref.clone(),
        )
    }
}

/// The CPE 2.3 extension of an item: its formatted-string name and 2.3 deprecations.
///
/// ```
/// let c = scap_cpe::Cpe23Item { name: "cpe:2.3:a:sudo_project:sudo:*:*:*:*:*:*:*:*".parse()?, deprecations: vec![] };
/// assert_eq!(c.name.to_uri(), "cpe:/a:sudo_project:sudo");
/// # Ok::<(), scap_cpe::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cpe23Item {
    /// The `name` attribute (a formatted string).
    pub name: Name,
    /// `deprecation` elements.
    pub deprecations: Vec<Deprecation>,
}

/// A CPE 2.3 `deprecation`: when and by what the name was deprecated.
///
/// ```
/// let d = scap_cpe::Deprecation { date: None, deprecated_by: vec![] };
/// assert!(d.deprecated_by.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deprecation {
    /// The `date` attribute (`xsd:dateTime`, as written).
    pub date: Option<String>,
    /// The `deprecated-by` elements.
    pub deprecated_by: Vec<DeprecatedBy>,
}

/// A CPE 2.3 `deprecated-by`: the replacement name and why.
///
/// ```
/// use scap_cpe::{DeprecatedBy, DeprecationType};
/// let d = DeprecatedBy { name: "cpe:2.3:a:x:y:*:*:*:*:*:*:*:*".parse()?, kind: DeprecationType::NameCorrection };
/// assert_eq!(d.kind, DeprecationType::NameCorrection);
/// # Ok::<(), scap_cpe::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeprecatedBy {
    /// The `name` attribute.
    pub name: Name,
    /// The `type` attribute.
    pub kind: DeprecationType,
}

/// Why a CPE 2.3 name was deprecated.
///
/// ```
/// assert_eq!("NAME_REMOVAL".parse(), Ok(scap_cpe::DeprecationType::NameRemoval));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeprecationType {
    /// `NAME_CORRECTION`.
    NameCorrection,
    /// `NAME_REMOVAL`.
    NameRemoval,
    /// `ADDITIONAL_INFORMATION`.
    AdditionalInformation,
}

impl FromStr for DeprecationType {
    type Err = ();
    fn from_str(s: &str) -> Result<DeprecationType, ()> {
        match s {
            "NAME_CORRECTION" => Ok(DeprecationType::NameCorrection),
            "NAME_REMOVAL" => Ok(DeprecationType::NameRemoval),
            "ADDITIONAL_INFORMATION" => Ok(DeprecationType::AdditionalInformation),
            _ => Err(()),
        }
    }
}

impl Dictionary {
    /// Reads the `cpe-list` element at `fragment` of `text`, for example the dictionary
    /// component of a source data stream (`scap_xccdf::Component::fragment`). Errors name
    /// lines of the whole `text`.
    ///
    /// ```
    /// let text = r#"<ds:component xmlns:ds="urn:ds" xmlns:c="http://cpe.mitre.org/dictionary/2.0" id="x">
    /// <c:cpe-list><c:cpe-item name="cpe:/a:sudo"><c:title>sudo</c:title></c:cpe-item></c:cpe-list>
    /// </ds:component>"#;
    /// let start = text.find("<c:cpe-list").unwrap();
    /// let end = text.find("</ds:component>").unwrap() - 1;
    /// let ns = scap_cpe::Namespace::new(Some("c"), scap_cpe::DICTIONARY_NS);
    /// let fragment = scap_cpe::Fragment::new(start..end, vec![ns]);
    /// let dict = scap_cpe::Dictionary::parse_fragment(text, &fragment)?;
    /// assert_eq!(dict.items[0].title(), Some("sudo"));
    /// # Ok::<(), scap_cpe::Error>(())
    /// ```
    pub fn parse_fragment(text: &str, fragment: &Fragment) -> Result<Dictionary, Error> {
        xml::parse_fragment(text, fragment, Dictionary::from_node)
    }

    /// Reads a `cpe-list` element. A document root node is accepted too, standing for its
    /// root element.
    pub(crate) fn from_node(node: Node<'_, '_>) -> Result<Dictionary, Error> {
        let node = if node.is_root() {
            node.first_element_child()
                .ok_or_else(|| xml::error(node, "document has no root element"))?
        } else {
            node
        };
        let tag = node.tag_name();
        if !(node.is_element()
            && tag.name() == "cpe-list"
            && tag.namespace() == Some(DICTIONARY_NS))
        {
            return Err(xml::error(
                node,
                format!("expected <cpe-list> in namespace {DICTIONARY_NS}"),
            ));
        }
        let mut dict = Dictionary::default();
        for child in children_in(node, DICTIONARY_NS) {
            match child.tag_name().name() {
                "generator" => dict.generator = Some(parse_generator(child)),
                "cpe-item" => dict.items.push(parse_item(child)?),
                other => return Err(unexpected(child, other)),
            }
        }
        Ok(dict)
    }

    /// The items whose name `query` matches: `query` is the source, the item's name the target,
    /// and their NISTIR 7696 relation is CPE_SUPERSET or CPE_EQUAL ([`Name::matches`]).
    ///
    /// ```
    /// let dict = scap_cpe::Dictionary::default();
    /// assert_eq!(dict.matching(&scap_cpe::Name::new()).count(), 0);
    /// ```
    pub fn matching<'a>(&'a self, query: &'a Name) -> impl Iterator<Item = &'a Item> + 'a {
        self.items
            .iter()
            .filter(move |item| query.matches(&item.name))
    }

    /// The first item whose name is CPE_EQUAL to `name`.
    ///
    /// ```
    /// let mut dict = scap_cpe::Dictionary::default();
    /// dict.items.push(scap_cpe::Item::new("cpe:/a:sudo".parse()?));
    /// assert!(dict.get(&"cpe:2.3:a:sudo:*:*:*:*:*:*:*:*:*".parse()?).is_some());
    /// assert!(dict.get(&"cpe:/a".parse()?).is_none());
    /// # Ok::<(), scap_cpe::Error>(())
    /// ```
    pub fn get(&self, name: &Name) -> Option<&Item> {
        self.items
            .iter()
            .find(|item| name.compare_attributes(&item.name).is_equal())
    }

    /// The names of the items that apply to a target according to their checks
    /// ([`Item::evaluate`] is TRUE): the set of CPE names to evaluate a platform against.
    /// Deprecated items are skipped.
    ///
    /// ```
    /// use scap_cpe::{ApplicabilityResult, CheckFactRef, Dictionary};
    /// let dict: Dictionary = r#"<cpe-list xmlns="http://cpe.mitre.org/dictionary/2.0">
    ///   <cpe-item name="cpe:/a:sudo"><title>sudo</title><check system="oval">oval:sudo:def:1</check></cpe-item>
    ///   <cpe-item name="cpe:/a:gdm"><title>gdm</title><check system="oval">oval:gdm:def:1</check></cpe-item>
    /// </cpe-list>"#.parse()?;
    /// let mut installed = |c: &CheckFactRef| ApplicabilityResult::from(c.id_ref == "oval:sudo:def:1");
    /// let names = dict.applicable_names(&mut installed);
    /// assert_eq!(names, vec!["cpe:/a:sudo".parse()?]);
    /// # Ok::<(), scap_cpe::Error>(())
    /// ```
    pub fn applicable_names(&self, checks: &mut dyn CheckEvaluator) -> Vec<Name> {
        self.items
            .iter()
            .filter(|item| !item.deprecated)
            .filter(|item| item.evaluate(checks) == ApplicabilityResult::True)
            .map(|item| item.name.clone())
            .collect()
    }
}

impl FromStr for Dictionary {
    type Err = Error;

    /// Parses a document whose root is a `cpe-list` (DTDs refused, node limit
    /// [`NODE_LIMIT`](crate::NODE_LIMIT)).
    fn from_str(text: &str) -> Result<Dictionary, Error> {
        let doc = xml::parse_document(text)?;
        Dictionary::from_node(doc.root_element())
    }
}

fn children_in<'a, 'i>(node: Node<'a, 'i>, ns: &'a str) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children()
        .filter(move |c| c.is_element() && c.tag_name().namespace() == Some(ns))
}

fn unexpected(node: Node<'_, '_>, name: &str) -> Error {
    xml::error(node, format!("unexpected element <{name}>"))
}

fn parse_generator(node: Node<'_, '_>) -> Generator {
    let mut g = Generator::default();
    for child in children_in(node, DICTIONARY_NS) {
        let value = Some(xml::text(child).trim().to_owned());
        match child.tag_name().name() {
            "product_name" => g.product_name = value,
            "product_version" => g.product_version = value,
            "schema_version" => g.schema_version = value,
            "timestamp" => g.timestamp = value,
            _ => {}
        }
    }
    g
}

fn parse_item(node: Node<'_, '_>) -> Result<Item, Error> {
    let mut item = Item::new(xml::name_attribute(node, "name")?);
    item.deprecated = xml::boolean(node, "deprecated")?.unwrap_or(false);
    if let Some(by) = node.attribute("deprecated_by") {
        item.deprecated_by = Some(xml::parse_name(node, by)?);
    }
    item.deprecation_date = node.attribute("deprecation_date").map(str::to_owned);
    for child in node.children().filter(|c| c.is_element()) {
        let tag = child.tag_name();
        match (tag.namespace(), tag.name()) {
            (Some(DICTIONARY_NS), "title") => item.titles.push(Text {
                lang: xml::lang(child),
                text: xml::text(child),
            }),
            (Some(DICTIONARY_NS), "notes") => item.notes.push(Notes {
                lang: xml::lang(child),
                notes: children_in(child, DICTIONARY_NS)
                    .filter(|n| n.tag_name().name() == "note")
                    .map(xml::text)
                    .collect(),
            }),
            (Some(DICTIONARY_NS), "references") => {
                for r in children_in(child, DICTIONARY_NS) {
                    if r.tag_name().name() != "reference" {
                        return Err(unexpected(r, r.tag_name().name()));
                    }
                    item.references.push(Reference {
                        href: r.attribute("href").map(str::to_owned),
                        text: xml::text(r),
                    });
                }
            }
            (Some(DICTIONARY_NS), "check") => item.checks.push(Check {
                system: xml::required(child, "system")?.to_owned(),
                href: child.attribute("href").map(str::to_owned),
                id_ref: xml::text(child).trim().to_owned(),
            }),
            (Some(DICTIONARY_NS), other) => return Err(unexpected(child, other)),
            (Some(CPE23_EXTENSION_NS), "cpe23-item") => item.cpe23 = Some(parse_cpe23(child)?),
            // Other namespaces are extensions this crate does not know.
            _ => {}
        }
    }
    Ok(item)
}

fn parse_cpe23(node: Node<'_, '_>) -> Result<Cpe23Item, Error> {
    let name = xml::name_attribute(node, "name")?;
    let mut deprecations = Vec::new();
    for child in children_in(node, CPE23_EXTENSION_NS) {
        if child.tag_name().name() != "deprecation" {
            // `provenance-record` and future additions are not modelled.
            continue;
        }
        let mut deprecation = Deprecation {
            date: child.attribute("date").map(str::to_owned),
            deprecated_by: Vec::new(),
        };
        for by in children_in(child, CPE23_EXTENSION_NS) {
            if by.tag_name().name() != "deprecated-by" {
                return Err(unexpected(by, by.tag_name().name()));
            }
            let type_text = xml::required(by, "type")?;
            let kind = type_text.trim().parse().map_err(|()| {
                xml::error(
                    by,
                    format!(
                        "type must be NAME_CORRECTION, NAME_REMOVAL or ADDITIONAL_INFORMATION, not {:?}",
                        xml::truncate(type_text)
                    ),
                )
            })?;
            deprecation.deprecated_by.push(DeprecatedBy {
                name: xml::name_attribute(by, "name")?,
                kind,
            });
        }
        deprecations.push(deprecation);
    }
    Ok(Cpe23Item { name, deprecations })
}
