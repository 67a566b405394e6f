//! Reading XCCDF 1.2 (and 1.1) Benchmark, Profile, Value, Group, Rule and TestResult elements
//! from a roxmltree document into the [`crate::model`] types.

use std::collections::HashSet;

use roxmltree::Node;

use crate::error::{Error, Location, Result};
use crate::model::*;
use crate::testresult::{Fact, Identity, Message, RuleResult, Score, TestResult};
use crate::text::Text;
use crate::xml::{self, CPE_LANG, ParseOptions, Shift, XCCDF_1_1, XCCDF_1_2};

/// The XCCDF version of an element's namespace, if it is an XCCDF element.
pub(crate) fn xccdf_version(node: Node<'_, '_>) -> Option<XccdfVersion> {
    match node.tag_name().namespace() {
        Some(XCCDF_1_2) => Some(XccdfVersion::V1_2),
        Some(XCCDF_1_1) => Some(XccdfVersion::V1_1),
        _ => None,
    }
}

pub(crate) struct Parser<'o> {
    pub(crate) ns: &'static str,
    pub(crate) opts: &'o ParseOptions,
    item_ids: HashSet<String>,
    profile_ids: HashSet<String>,
    /// From offsets in the parsed text to offsets in the whole file (a fragment's wrapped
    /// text is not the file).
    pub(crate) shift: Shift,
}

impl<'o> Parser<'o> {
    pub(crate) fn new(version: XccdfVersion, opts: &'o ParseOptions) -> Self {
        Parser {
            ns: version.namespace(),
            opts,
            item_ids: HashSet::new(),
            profile_ids: HashSet::new(),
            shift: Shift::default(),
        }
    }

    fn is(&self, node: Node<'_, '_>, name: &str) -> bool {
        node.is_element() && node.has_tag_name((self.ns, name))
    }

    fn claim_item_id(&mut self, node: Node<'_, '_>, id: &str) -> Result<()> {
        if !self.item_ids.insert(id.to_string()) {
            return Err(Error::DuplicateId {
                location: Location::of(node),
                kind: "item",
                id: id.to_string(),
            });
        }
        Ok(())
    }

    pub(crate) fn benchmark(&mut self, node: Node<'_, '_>) -> Result<Benchmark> {
        let version_ns = if self.ns == XCCDF_1_1 {
            XccdfVersion::V1_1
        } else {
            XccdfVersion::V1_2
        };
        let mut b = Benchmark {
            version_ns,
            id: xml::req_attr(node, "id")?.to_string(),
            resolved: xml::bool_attr(node, "resolved")?.unwrap_or(false),
            style: xml::opt_attr(node, "style"),
            style_href: xml::opt_attr(node, "style-href"),
            lang: node.attribute((xml::XML_NS, "lang")).map(str::to_string),
            statuses: Vec::new(),
            title: Vec::new(),
            description: Vec::new(),
            notices: Vec::new(),
            front_matter: Vec::new(),
            rear_matter: Vec::new(),
            references: Vec::new(),
            plain_texts: Vec::new(),
            platform_specification_xml: None,
            platform_specification_fragment: None,
            cpe_list: None,
            platforms: Vec::new(),
            version: None,
            version_time: None,
            version_update: None,
            metadata: Vec::new(),
            models: Vec::new(),
            profiles: Vec::new(),
            values: Vec::new(),
            items: Vec::new(),
            test_results: Vec::new(),
        };
        for c in node.children().filter(Node::is_element) {
            if c.has_tag_name((CPE_LANG, "platform-specification")) {
                b.platform_specification_xml = Some(outer_xml(c));
                let range = c.range();
                let range = self.shift.apply(range.start)..self.shift.apply(range.end);
                let namespaces = c
                    .namespaces()
                    .map(|n| scap_xml::Namespace::new(n.name(), n.uri()))
                    .collect();
                b.platform_specification_fragment =
                    Some(scap_xml::Fragment::new(range, namespaces));
                continue;
            }
            if version_ns == XccdfVersion::V1_1 && c.has_tag_name((CPE_1_0, "cpe-list")) {
                b.cpe_list = Some(cpe_1_0_list(c));
                continue;
            }
            if c.tag_name().namespace() != Some(self.ns) {
                continue;
            }
            match c.tag_name().name() {
                "status" => b.statuses.push(status(c)),
                "title" => b.title.push(Text::from_node(c)),
                "description" => b.description.push(Text::from_node(c)),
                "notice" => b.notices.push((xml::opt_attr(c, "id"), Text::from_node(c))),
                "front-matter" => b.front_matter.push(Text::from_node(c)),
                "rear-matter" => b.rear_matter.push(Text::from_node(c)),
                "reference" => b.references.push(reference(c)),
                "plain-text" => b.plain_texts.push(PlainText {
                    id: xml::req_attr(c, "id")?.to_string(),
                    text: xml::text_of(c),
                }),
                "platform" => b.platforms.push(xml::req_attr(c, "idref")?.to_string()),
                "version" => {
                    b.version = Some(xml::text_of(c));
                    b.version_time = xml::opt_attr(c, "time");
                    b.version_update = xml::opt_attr(c, "update");
                }
                "metadata" => b.metadata.push(xml::inner_xml(c)),
                "model" => b.models.push(ScoringModel {
                    system: xml::req_attr(c, "system")?.to_string(),
                    params: xml::children(c, self.ns, "param")
                        .map(|p| {
                            (
                                p.attribute("name").unwrap_or("").to_string(),
                                xml::text_of(p),
                            )
                        })
                        .collect(),
                }),
                "Profile" => {
                    let p = self.profile(c)?;
                    b.profiles.push(p);
                }
                "Value" => b.values.push(self.value(c)?),
                "Group" => b.items.push(Item::Group(Box::new(self.group(c, 1)?))),
                "Rule" => b.items.push(Item::Rule(std::sync::Arc::new(self.rule(c)?))),
                "TestResult" => b.test_results.push(self.test_result(c)?),
                _ => {}
            }
        }
        Ok(b)
    }

    pub(crate) fn profile(&mut self, node: Node<'_, '_>) -> Result<Profile> {
        let id = xml::req_attr(node, "id")?.to_string();
        if !self.profile_ids.insert(id.clone()) {
            return Err(Error::DuplicateId {
                location: Location::of(node),
                kind: "profile",
                id,
            });
        }
        let mut p = Profile {
            id,
            extends: xml::opt_attr(node, "extends"),
            abstract_: xml::bool_attr(node, "abstract")?.unwrap_or(false),
            prohibit_changes: xml::bool_attr(node, "prohibitChanges")?.unwrap_or(false),
            note_tag: xml::opt_attr(node, "note-tag"),
            statuses: Vec::new(),
            version: None,
            title: Vec::new(),
            description: Vec::new(),
            references: Vec::new(),
            platforms: Vec::new(),
            metadata: Vec::new(),
            settings: Vec::new(),
            pos: self.shift.apply(node.range().start),
        };
        for c in node
            .children()
            .filter(|c| c.is_element() && c.tag_name().namespace() == Some(self.ns))
        {
            match c.tag_name().name() {
                "status" => p.statuses.push(status(c)),
                "version" => p.version = Some(xml::text_of(c)),
                "title" => p.title.push(Text::from_node(c)),
                "description" => p.description.push(Text::from_node(c)),
                "reference" => p.references.push(reference(c)),
                "platform" => p.platforms.push(xml::req_attr(c, "idref")?.to_string()),
                "metadata" => p.metadata.push(xml::inner_xml(c)),
                "select" => p.settings.push(ProfileSetting::Select(Select {
                    idref: xml::req_attr(c, "idref")?.to_string(),
                    selected: xml::bool_attr(c, "selected")?.ok_or_else(|| {
                        Error::MissingAttribute {
                            location: Location::of(c),
                            element: "select".into(),
                            attribute: "selected",
                        }
                    })?,
                })),
                "set-value" => p.settings.push(ProfileSetting::SetValue(SetValue {
                    idref: xml::req_attr(c, "idref")?.to_string(),
                    value: xml::text_of(c),
                })),
                "set-complex-value" => {
                    p.settings
                        .push(ProfileSetting::SetComplexValue(SetComplexValue {
                            idref: xml::req_attr(c, "idref")?.to_string(),
                            items: xml::children(c, self.ns, "item")
                                .map(xml::text_of)
                                .collect(),
                        }))
                }
                "refine-value" => p.settings.push(ProfileSetting::RefineValue(RefineValue {
                    idref: xml::req_attr(c, "idref")?.to_string(),
                    selector: selector(c),
                    operator: match c.attribute("operator") {
                        None => None,
                        Some(o) => Some(
                            ValueOperator::parse(o)
                                .ok_or_else(|| xml::invalid(c, "operator", o))?,
                        ),
                    },
                })),
                "refine-rule" => p.settings.push(ProfileSetting::RefineRule(RefineRule {
                    idref: xml::req_attr(c, "idref")?.to_string(),
                    weight: xml::f64_attr(c, "weight")?,
                    selector: selector(c),
                    severity: match c.attribute("severity") {
                        None => None,
                        Some(s) => {
                            Some(Severity::parse(s).ok_or_else(|| xml::invalid(c, "severity", s))?)
                        }
                    },
                    role: match c.attribute("role") {
                        None => None,
                        Some(s) => Some(Role::parse(s).ok_or_else(|| xml::invalid(c, "role", s))?),
                    },
                })),
                _ => {}
            }
        }
        Ok(p)
    }

    fn common(&mut self, node: Node<'_, '_>) -> Result<ItemCommon> {
        let id = xml::req_attr(node, "id")?.to_string();
        self.claim_item_id(node, &id)?;
        let mut explicit = 0u32;
        let mut flag = |name: &'static str, bit: u32, default: bool| -> Result<bool> {
            Ok(match xml::bool_attr(node, name)? {
                Some(v) => {
                    explicit |= bit;
                    v
                }
                None => default,
            })
        };
        let selected = flag("selected", Explicit::SELECTED, true)?;
        let hidden = flag("hidden", Explicit::HIDDEN, false)?;
        let prohibit_changes = flag("prohibitChanges", Explicit::PROHIBIT, false)?;
        let weight = match xml::f64_attr(node, "weight")? {
            Some(w) => {
                explicit |= Explicit::WEIGHT;
                w
            }
            None => 1.0,
        };
        let cluster_id = xml::opt_attr(node, "cluster-id");
        if cluster_id.is_some() {
            explicit |= Explicit::CLUSTER;
        }
        let mut c = ItemCommon {
            id,
            selected,
            hidden,
            abstract_: xml::bool_attr(node, "abstract")?.unwrap_or(false),
            prohibit_changes,
            cluster_id,
            extends: xml::opt_attr(node, "extends"),
            weight,
            statuses: Vec::new(),
            version: None,
            title: Vec::new(),
            description: Vec::new(),
            warnings: Vec::new(),
            question: Vec::new(),
            references: Vec::new(),
            rationale: Vec::new(),
            platforms: Vec::new(),
            requires: Vec::new(),
            conflicts: Vec::new(),
            metadata: Vec::new(),
            explicit: Explicit(explicit),
            pos: self.shift.apply(node.range().start),
        };
        for ch in node
            .children()
            .filter(|x| x.is_element() && x.tag_name().namespace() == Some(self.ns))
        {
            match ch.tag_name().name() {
                "status" => c.statuses.push(status(ch)),
                "version" => c.version = Some(xml::text_of(ch)),
                "title" => c.title.push(Text::from_node(ch)),
                "description" => c.description.push(Text::from_node(ch)),
                "warning" => c
                    .warnings
                    .push((xml::opt_attr(ch, "category"), Text::from_node(ch))),
                "question" => c.question.push(Text::from_node(ch)),
                "reference" => c.references.push(reference(ch)),
                "rationale" => c.rationale.push(Text::from_node(ch)),
                "platform" => c.platforms.push(xml::req_attr(ch, "idref")?.to_string()),
                "requires" => c.requires.push(
                    xml::req_attr(ch, "idref")?
                        .split_whitespace()
                        .map(str::to_string)
                        .collect(),
                ),
                "conflicts" => c.conflicts.push(xml::req_attr(ch, "idref")?.to_string()),
                "metadata" => c.metadata.push(xml::inner_xml(ch)),
                _ => {}
            }
        }
        c.title.shrink_to_fit();
        c.description.shrink_to_fit();
        c.references.shrink_to_fit();
        c.rationale.shrink_to_fit();
        c.platforms.shrink_to_fit();
        Ok(c)
    }

    pub(crate) fn group(&mut self, node: Node<'_, '_>, depth: usize) -> Result<Group> {
        xml::check_depth(node, depth, self.opts.max_depth)?;
        let common = self.common(node)?;
        let mut g = Group {
            common,
            values: Vec::new(),
            items: Vec::new(),
        };
        for c in node.children() {
            if self.is(c, "Value") {
                g.values.push(self.value(c)?);
            } else if self.is(c, "Group") {
                g.items
                    .push(Item::Group(Box::new(self.group(c, depth + 1)?)));
            } else if self.is(c, "Rule") {
                g.items.push(Item::Rule(std::sync::Arc::new(self.rule(c)?)));
            }
        }
        Ok(g)
    }

    pub(crate) fn rule(&mut self, node: Node<'_, '_>) -> Result<Rule> {
        let mut common = self.common(node)?;
        let role = match node.attribute("role") {
            None => Role::Full,
            Some(s) => {
                common.explicit.0 |= Explicit::ROLE;
                Role::parse(s).ok_or_else(|| xml::invalid(node, "role", s))?
            }
        };
        let severity = match node.attribute("severity") {
            None => Severity::Unknown,
            Some(s) => {
                common.explicit.0 |= Explicit::SEVERITY;
                Severity::parse(s).ok_or_else(|| xml::invalid(node, "severity", s))?
            }
        };
        let multiple = match xml::bool_attr(node, "multiple")? {
            None => false,
            Some(m) => {
                common.explicit.0 |= Explicit::MULTIPLE;
                m
            }
        };
        let mut r = Rule {
            common,
            role,
            severity,
            multiple,
            idents: Vec::new(),
            impact_metric: None,
            profile_notes: Vec::new(),
            fixtexts: Vec::new(),
            fixes: Vec::new(),
            checks: Vec::new(),
            complex_check: None,
        };
        for c in node
            .children()
            .filter(|x| x.is_element() && x.tag_name().namespace() == Some(self.ns))
        {
            match c.tag_name().name() {
                "ident" => r.idents.push(Ident {
                    system: c.attribute("system").unwrap_or("").to_string(),
                    value: xml::text_of(c).trim().to_string(),
                }),
                "impact-metric" => r.impact_metric = Some(xml::text_of(c)),
                "profile-note" => r.profile_notes.push((
                    c.attribute("tag").unwrap_or("").to_string(),
                    Text::from_node(c),
                )),
                "fixtext" => r.fixtexts.push(FixText {
                    fixref: xml::opt_attr(c, "fixref"),
                    reboot: xml::bool_attr(c, "reboot")?,
                    strategy: xml::opt_attr(c, "strategy"),
                    disruption: xml::opt_attr(c, "disruption"),
                    complexity: xml::opt_attr(c, "complexity"),
                    text: Text::from_node(c),
                }),
                "fix" => r.fixes.push(self.fix(c)?),
                "check" => r.checks.push(self.check(c)?),
                "complex-check" => r.complex_check = Some(self.complex_check(c, 1)?),
                _ => {}
            }
        }
        r.idents.shrink_to_fit();
        r.fixes.shrink_to_fit();
        r.checks.shrink_to_fit();
        Ok(r)
    }

    fn fix(&self, node: Node<'_, '_>) -> Result<Fix> {
        let mut content: Vec<FixPiece> = Vec::new();
        let push_text = |content: &mut Vec<FixPiece>, t: &str| {
            if let Some(FixPiece::Text(prev)) = content.last_mut() {
                prev.push_str(t);
            } else {
                content.push(FixPiece::Text(t.to_string()));
            }
        };
        for c in node.children() {
            if c.is_text() {
                push_text(&mut content, c.text().unwrap_or(""));
            } else if self.is(c, "sub") {
                content.push(FixPiece::Sub {
                    idref: xml::req_attr(c, "idref")?.to_string(),
                    use_: xml::opt_attr(c, "use"),
                });
            } else if self.is(c, "instance") {
                content.push(FixPiece::Instance {
                    context: xml::opt_attr(c, "context"),
                });
            } else if c.is_element() {
                push_text(&mut content, &xml::text_of(c));
            }
        }
        Ok(Fix {
            id: xml::opt_attr(node, "id"),
            system: xml::opt_attr(node, "system"),
            platform: xml::opt_attr(node, "platform"),
            complexity: xml::opt_attr(node, "complexity"),
            disruption: xml::opt_attr(node, "disruption"),
            reboot: xml::bool_attr(node, "reboot")?,
            strategy: xml::opt_attr(node, "strategy"),
            content,
        })
    }

    pub(crate) fn check(&self, node: Node<'_, '_>) -> Result<Check> {
        let mut ch = Check {
            system: xml::req_attr(node, "system")?.to_string(),
            id: xml::opt_attr(node, "id"),
            selector: selector(node),
            multi_check: xml::bool_attr(node, "multi-check")?.unwrap_or(false),
            negate: xml::bool_attr(node, "negate")?.unwrap_or(false),
            imports: Vec::new(),
            exports: Vec::new(),
            content_refs: Vec::new(),
            content: None,
        };
        for c in node
            .children()
            .filter(|x| x.is_element() && x.tag_name().namespace() == Some(self.ns))
        {
            match c.tag_name().name() {
                "check-import" => ch.imports.push(CheckImport {
                    import_name: xml::req_attr(c, "import-name")?.to_string(),
                    import_xpath: xml::opt_attr(c, "import-xpath"),
                    // Only a rule-result's check-import has content (what was imported).
                    content: c
                        .text()
                        .filter(|t| !t.trim().is_empty())
                        .map(str::to_string),
                }),
                "check-export" => ch.exports.push(CheckExport {
                    value_id: xml::req_attr(c, "value-id")?.to_string(),
                    export_name: xml::req_attr(c, "export-name")?.to_string(),
                }),
                "check-content-ref" => ch.content_refs.push(CheckContentRef {
                    href: xml::req_attr(c, "href")?.to_string(),
                    name: xml::opt_attr(c, "name"),
                }),
                "check-content" => ch.content = Some(xml::inner_xml(c)),
                _ => {}
            }
        }
        Ok(ch)
    }

    fn complex_check(&self, node: Node<'_, '_>, depth: usize) -> Result<ComplexCheck> {
        xml::check_depth(node, depth, self.opts.max_depth)?;
        let operator = match xml::req_attr(node, "operator")? {
            "AND" => CheckOperator::And,
            "OR" => CheckOperator::Or,
            o => return Err(xml::invalid(node, "operator", o)),
        };
        let mut cc = ComplexCheck {
            operator,
            negate: xml::bool_attr(node, "negate")?.unwrap_or(false),
            checks: Vec::new(),
        };
        for c in node.children() {
            if self.is(c, "check") {
                cc.checks.push(CheckNode::Check(self.check(c)?));
            } else if self.is(c, "complex-check") {
                cc.checks
                    .push(CheckNode::Complex(self.complex_check(c, depth + 1)?));
            }
        }
        Ok(cc)
    }

    pub(crate) fn value(&mut self, node: Node<'_, '_>) -> Result<Value> {
        let id = xml::req_attr(node, "id")?.to_string();
        self.claim_item_id(node, &id)?;
        let mut explicit = 0u32;
        let value_type = match node.attribute("type") {
            None => ValueType::String,
            Some(t) => {
                explicit |= Explicit::TYPE;
                ValueType::parse(t).ok_or_else(|| xml::invalid(node, "type", t))?
            }
        };
        let operator = match node.attribute("operator") {
            None => ValueOperator::Equals,
            Some(o) => {
                explicit |= Explicit::OPERATOR;
                ValueOperator::parse(o).ok_or_else(|| xml::invalid(node, "operator", o))?
            }
        };
        let interactive = match xml::bool_attr(node, "interactive")? {
            None => false,
            Some(i) => {
                explicit |= Explicit::INTERACTIVE;
                i
            }
        };
        let hidden = match xml::bool_attr(node, "hidden")? {
            None => false,
            Some(h) => {
                explicit |= Explicit::HIDDEN;
                h
            }
        };
        let mut v = Value {
            id,
            value_type,
            operator,
            interactive,
            hidden,
            abstract_: xml::bool_attr(node, "abstract")?.unwrap_or(false),
            prohibit_changes: xml::bool_attr(node, "prohibitChanges")?.unwrap_or(false),
            extends: xml::opt_attr(node, "extends"),
            cluster_id: xml::opt_attr(node, "cluster-id"),
            statuses: Vec::new(),
            title: Vec::new(),
            description: Vec::new(),
            warnings: Vec::new(),
            question: Vec::new(),
            references: Vec::new(),
            values: Vec::new(),
            complex_values: Vec::new(),
            defaults: Vec::new(),
            complex_defaults: Vec::new(),
            matches: Vec::new(),
            lower_bounds: Vec::new(),
            upper_bounds: Vec::new(),
            choices: Vec::new(),
            sources: Vec::new(),
            explicit: Explicit(explicit),
            pos: self.shift.apply(node.range().start),
        };
        let ns = self.ns;
        for c in node
            .children()
            .filter(|x| x.is_element() && x.tag_name().namespace() == Some(ns))
        {
            let sel = || Selected {
                selector: selector(c),
                value: xml::text_of(c),
            };
            match c.tag_name().name() {
                "status" => v.statuses.push(status(c)),
                "title" => v.title.push(Text::from_node(c)),
                "description" => v.description.push(Text::from_node(c)),
                "warning" => v
                    .warnings
                    .push((xml::opt_attr(c, "category"), Text::from_node(c))),
                "question" => v.question.push(Text::from_node(c)),
                "reference" => v.references.push(reference(c)),
                "value" => v.values.push(sel()),
                "default" => v.defaults.push(sel()),
                "match" => v.matches.push(sel()),
                "lower-bound" => v.lower_bounds.push(sel()),
                "upper-bound" => v.upper_bounds.push(sel()),
                "complex-value" => v.complex_values.push(Selected {
                    selector: selector(c),
                    value: xml::children(c, ns, "item").map(xml::text_of).collect(),
                }),
                "complex-default" => v.complex_defaults.push(Selected {
                    selector: selector(c),
                    value: xml::children(c, ns, "item").map(xml::text_of).collect(),
                }),
                "choices" => v.choices.push(Selected {
                    selector: selector(c),
                    value: Choices {
                        must_match: xml::bool_attr(c, "mustMatch")?.unwrap_or(false),
                        choices: xml::children(c, ns, "choice").map(xml::text_of).collect(),
                    },
                }),
                "source" => {
                    if let Some(u) = c.attribute("uri") {
                        v.sources.push(u.to_string());
                    }
                }
                _ => {}
            }
        }
        Ok(v)
    }

    pub(crate) fn test_result(&self, node: Node<'_, '_>) -> Result<TestResult> {
        let ns = self.ns;
        let mut t = TestResult {
            id: xml::req_attr(node, "id")?.to_string(),
            start_time: xml::opt_attr(node, "start-time"),
            end_time: xml::opt_attr(node, "end-time"),
            version: xml::opt_attr(node, "version"),
            test_system: xml::opt_attr(node, "test-system"),
            ..TestResult::default()
        };
        for c in node
            .children()
            .filter(|x| x.is_element() && x.tag_name().namespace() == Some(ns))
        {
            match c.tag_name().name() {
                "benchmark" => {
                    t.benchmark_id = xml::opt_attr(c, "id");
                    t.benchmark_href = xml::opt_attr(c, "href");
                }
                "title" => t.title.push(Text::from_node(c)),
                "identity" => {
                    t.identity = Some(Identity {
                        name: xml::text_of(c).trim().to_string(),
                        authenticated: xml::bool_attr(c, "authenticated")?.unwrap_or(false),
                        privileged: xml::bool_attr(c, "privileged")?.unwrap_or(false),
                    })
                }
                "profile" => t.profile = xml::opt_attr(c, "idref"),
                "target" => t.targets.push(xml::text_of(c).trim().to_string()),
                "target-address" => t.target_addresses.push(xml::text_of(c).trim().to_string()),
                "target-facts" => {
                    for f in xml::children(c, ns, "fact") {
                        t.facts.push(Fact::new(
                            xml::opt_attr(f, "name").unwrap_or_default(),
                            // The schema's default type.
                            xml::opt_attr(f, "type").unwrap_or_else(|| "boolean".into()),
                            xml::text_of(f),
                        ));
                    }
                }
                "set-value" => t.set_values.push(SetValue {
                    idref: xml::req_attr(c, "idref")?.to_string(),
                    value: xml::text_of(c),
                }),
                "score" => {
                    let text = xml::text_of(c);
                    t.scores.push(Score {
                        system: xml::opt_attr(c, "system"),
                        maximum: xml::f64_attr(c, "maximum")?,
                        value: text
                            .trim()
                            .parse()
                            .map_err(|_| xml::invalid(c, "score", &text))?,
                    });
                }
                "rule-result" => t.rule_results.push(self.rule_result(c)?),
                _ => {}
            }
        }
        Ok(t)
    }

    fn rule_result(&self, node: Node<'_, '_>) -> Result<RuleResult> {
        let mut rr = RuleResult {
            idref: xml::req_attr(node, "idref")?.to_string(),
            time: xml::opt_attr(node, "time"),
            version: xml::opt_attr(node, "version"),
            severity: node.attribute("severity").and_then(Severity::parse),
            role: node.attribute("role").and_then(Role::parse),
            weight: xml::f64_attr(node, "weight")?,
            ..RuleResult::default()
        };
        let mut result = None;
        for g in node
            .children()
            .filter(|x| x.is_element() && x.tag_name().namespace() == Some(self.ns))
        {
            match g.tag_name().name() {
                "result" => {
                    let word = xml::text_of(g);
                    result = Some(
                        word.trim()
                            .parse()
                            .map_err(|_| xml::invalid(g, "result", word.trim()))?,
                    );
                }
                "ident" => rr.idents.push(Ident {
                    system: g.attribute("system").unwrap_or("").to_string(),
                    value: xml::text_of(g).trim().to_string(),
                }),
                "message" => rr.messages.push(Message {
                    severity: xml::opt_attr(g, "severity").unwrap_or_else(|| "info".into()),
                    text: xml::text_of(g).trim().to_string(),
                }),
                "check" => rr.checks.push(self.check(g)?),
                "complex-check" => rr.complex_check = Some(self.complex_check(g, 1)?),
                _ => {}
            }
        }
        // The schema requires a result; a rule-result without one says nothing.
        rr.result = result.ok_or_else(|| xml::invalid(node, "result", ""))?;
        Ok(rr)
    }
}

/// Reads a `TestResult` element (XCCDF 1.2 or 1.1) that is the root of its document;
/// `shift` maps offsets of that document to the whole file's.
pub(crate) fn read_test_result(
    node: Node<'_, '_>,
    opts: &ParseOptions,
    shift: Shift,
) -> Result<TestResult> {
    let version = match xccdf_version(node) {
        Some(v) if node.tag_name().name() == "TestResult" => v,
        _ => {
            return Err(Error::UnexpectedRoot {
                location: Location::of(node),
                found: xml::expanded(node),
                expected: "an XCCDF 1.1 or 1.2 TestResult",
            });
        }
    };
    let mut parser = Parser::new(version, opts);
    parser.shift = shift;
    parser.test_result(node)
}

/// A `selector` attribute; absent and empty both mean the default instance.
fn selector(node: Node<'_, '_>) -> Option<String> {
    node.attribute("selector")
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn status(node: Node<'_, '_>) -> Status {
    Status {
        status: xml::text_of(node).trim().to_string(),
        date: xml::opt_attr(node, "date"),
    }
}

fn reference(node: Node<'_, '_>) -> Reference {
    Reference {
        href: xml::opt_attr(node, "href"),
        text: Text::from_node(node),
    }
}

/// The element itself serialized (start tag, content, end tag), self-contained.
fn outer_xml(node: Node<'_, '_>) -> String {
    // Serialize as the inner XML of a virtual parent: reuse inner_xml on the parent would
    // include siblings, so build the element by hand around its inner XML.
    let name = node.tag_name().name();
    let mut out = format!("<{name}");
    if let Some(ns) = node.tag_name().namespace() {
        out.push_str(" xmlns=\"");
        xml::escape_into(&mut out, ns, true);
        out.push('"');
    }
    for a in node.attributes().filter(|a| a.namespace().is_none()) {
        out.push(' ');
        out.push_str(a.name());
        out.push_str("=\"");
        xml::escape_into(&mut out, a.value(), true);
        out.push('"');
    }
    out.push('>');
    let inner = xml::inner_xml(node);
    // Children in the same namespace as this element need no declaration; inner_xml declares
    // every top-level child's namespace, which is also correct.
    out.push_str(&inner);
    out.push_str("</");
    out.push_str(name);
    out.push('>');
    out
}

impl Benchmark {
    /// Reads a `Benchmark` element (XCCDF 1.2 or 1.1); `shift` maps offsets of its document
    /// to the whole file's.
    pub(crate) fn from_node(
        node: Node<'_, '_>,
        opts: &ParseOptions,
        shift: Shift,
    ) -> Result<Benchmark> {
        let version = match xccdf_version(node) {
            Some(v) if node.tag_name().name() == "Benchmark" => v,
            _ => {
                return Err(Error::UnexpectedRoot {
                    location: Location::of(node),
                    found: xml::expanded(node),
                    expected: "an XCCDF 1.1 or 1.2 Benchmark",
                });
            }
        };
        let mut parser = Parser::new(version, opts);
        parser.shift = shift;
        parser.benchmark(node)
    }

    /// Parses a standalone XCCDF document whose root is a `Benchmark`.
    ///
    /// ```
    /// let src = r#"<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2" id="xccdf_x_benchmark_b">
    ///   <version>1</version>
    ///   <Rule id="xccdf_x_rule_r" severity="high"><title>R</title></Rule>
    /// </Benchmark>"#;
    /// let b = scap_xccdf::Benchmark::parse_str(src, &Default::default())?;
    /// assert_eq!(b.items.len(), 1);
    /// assert_eq!(b.version.as_deref(), Some("1"));
    /// # Ok::<(), scap_xccdf::Error>(())
    /// ```
    pub fn parse_str(text: &str, opts: &ParseOptions) -> Result<Benchmark> {
        let doc = opts.parse_document(text)?;
        Benchmark::from_node(doc.root_element(), opts, Shift::default())
    }

    /// Reads the `Benchmark` element at `fragment` of `text`, e.g. the checklist component
    /// of a data stream ([`Component::fragment`](crate::Component::fragment)). Locations in
    /// errors, and offsets kept for [`Benchmark::resolve`], are the whole `text`'s.
    ///
    /// ```
    /// let text = r#"<ds:component xmlns:ds="http://scap.nist.gov/schema/scap/source/1.2" id="c">
    /// <Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2" id="xccdf_x_benchmark_b">
    ///   <Rule id="xccdf_x_rule_r"/>
    ///   <Rule id="xccdf_x_rule_r"/></Benchmark></ds:component>"#;
    /// let start = text.find("<Benchmark").unwrap();
    /// let end = text.find("</ds:component>").unwrap();
    /// let fragment = scap_xccdf::Fragment::new(start..end, Vec::new());
    /// let err = scap_xccdf::Benchmark::parse_fragment(text, &fragment, &Default::default());
    /// assert!(err.unwrap_err().to_string().starts_with("4:3: duplicate item id"));
    /// ```
    pub fn parse_fragment(
        text: &str,
        fragment: &scap_xml::Fragment,
        opts: &ParseOptions,
    ) -> Result<Benchmark> {
        opts.parse_fragment(text, fragment, |node, _, shift| {
            Benchmark::from_node(node, opts, shift)
        })
    }
}

/// The CPE 1.0 dictionary namespace (XCCDF 1.1 embeds a `cpe-list` of it).
const CPE_1_0: &str = "http://cpe.mitre.org/XMLSchema/cpe/1.0";

/// A CPE 1.0 `cpe-list` in the `scap_cpe` model: each `cpe-item`'s name, titles and `check`s
/// (`system`, `href`, the check id as content), the same shape as a CPE 2.x item's. An item
/// whose name does not parse is left out: no platform can match it.
fn cpe_1_0_list(node: Node<'_, '_>) -> scap_cpe::Dictionary {
    let mut dict = scap_cpe::Dictionary::default();
    for item in xml::children(node, CPE_1_0, "cpe-item") {
        let Some(name) = item.attribute("name").and_then(|n| n.parse().ok()) else {
            continue;
        };
        let mut it = scap_cpe::Item::new(name);
        it.deprecated = item.attribute("deprecated") == Some("true");
        for c in xml::children(item, CPE_1_0, "check") {
            let mut check = scap_cpe::Check::new(
                c.attribute("system").unwrap_or_default(),
                xml::text_of(c).trim(),
            );
            check.href = c.attribute("href").map(str::to_string);
            it.checks.push(check);
        }
        dict.items.push(it);
    }
    dict
}
