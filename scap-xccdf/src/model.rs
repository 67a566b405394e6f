//! The XCCDF benchmark model (XCCDF 1.2, NISTIR 7275r4 section 6; 1.1 documents read into it).
//!
//! Plain data: parsing lives in [`crate::parse`], inheritance in [`crate::resolve`], profile
//! application in [`crate::policy`].

use crate::text::Text;

/// Which XCCDF version a document was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum XccdfVersion {
    /// `http://checklists.nist.gov/xccdf/1.1`
    V1_1,
    /// `http://checklists.nist.gov/xccdf/1.2`
    V1_2,
}

impl XccdfVersion {
    /// The namespace URI of this version.
    pub fn namespace(self) -> &'static str {
        match self {
            XccdfVersion::V1_1 => crate::xml::XCCDF_1_1,
            XccdfVersion::V1_2 => crate::xml::XCCDF_1_2,
        }
    }
}

/// A `status` element.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Status {
    /// accepted, deprecated, draft, incomplete, interim.
    pub status: String,
    /// The `date` attribute, as written.
    pub date: Option<String>,
}

/// A `reference` element: an `href` and its text (NIST SP 800-53 controls, DISA SRG/STIG, CIS
/// ...), possibly with Dublin Core children (kept in `text`'s XML).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Reference {
    /// The `href` attribute.
    pub href: Option<String>,
    /// The element content.
    pub text: Text,
}

/// An `ident` element: a globally meaningful name for a rule (CCE, CCI, STIG ids).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Ident {
    /// The naming system URI, e.g. `https://ncp.nist.gov/cce`.
    pub system: String,
    /// The identifier, e.g. `CCE-80784-1`.
    pub value: String,
}

/// A `requires` (one id or a space-separated list of alternatives).
pub type Requires = Vec<String>;

/// A `plain-text` element of a Benchmark.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PlainText {
    /// Its id (the `sub idref` target).
    pub id: String,
    /// Its text.
    pub text: String,
}

/// A `model` element: a scoring system a benchmark supports.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ScoringModel {
    /// System URI, e.g. `urn:xccdf:scoring:default`.
    pub system: String,
    /// `param name=...` values.
    pub params: Vec<(String, String)>,
}

/// An XCCDF Benchmark.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Benchmark {
    /// The namespace it was read from.
    pub version_ns: XccdfVersion,
    /// `id`.
    pub id: String,
    /// `resolved` attribute.
    pub resolved: bool,
    /// `style`.
    pub style: Option<String>,
    /// `style-href`.
    pub style_href: Option<String>,
    /// `xml:lang`.
    pub lang: Option<String>,
    /// `status` elements.
    pub statuses: Vec<Status>,
    /// `title`s.
    pub title: Vec<Text>,
    /// `description`s.
    pub description: Vec<Text>,
    /// `notice` elements (`id`, text).
    pub notices: Vec<(Option<String>, Text)>,
    /// `front-matter`.
    pub front_matter: Vec<Text>,
    /// `rear-matter`.
    pub rear_matter: Vec<Text>,
    /// `reference`s.
    pub references: Vec<Reference>,
    /// `plain-text` definitions.
    pub plain_texts: Vec<PlainText>,
    /// The embedded `cpe2:platform-specification`, as its XML source (parsed:
    /// [`Source::platform_specification`](crate::Source::platform_specification)).
    pub platform_specification_xml: Option<String>,
    /// The CPE dictionary an XCCDF 1.1 benchmark may embed (a CPE 1.0 `cpe-list`, namespace
    /// `http://cpe.mitre.org/XMLSchema/cpe/1.0`), read into the `scap_cpe` model: its items
    /// name the platforms of the benchmark's `platform idref`s and their checks decide which
    /// apply. oscap 1.3.7 uses it for 1.1 benchmarks only (a CPE 2.0 `cpe-list` there, or any
    /// in a 1.2 benchmark, is not used), and so do we. Items whose name is not a CPE name are
    /// left out.
    pub cpe_list: Option<scap_cpe::Dictionary>,
    /// `platform idref`s (CPE names or `#platform-ids`).
    pub platforms: Vec<String>,
    /// `version` text.
    pub version: Option<String>,
    /// `version@time`.
    pub version_time: Option<String>,
    /// `version@update`.
    pub version_update: Option<String>,
    /// `metadata` elements, as inner XML.
    pub metadata: Vec<String>,
    /// `model` elements.
    pub models: Vec<ScoringModel>,
    /// `Profile`s.
    pub profiles: Vec<Profile>,
    /// Benchmark-level `Value`s.
    pub values: Vec<Value>,
    /// Groups and Rules in document order.
    pub items: Vec<Item>,
    /// `TestResult`s.
    pub test_results: Vec<crate::testresult::TestResult>,
    /// Where the `cpe2:platform-specification` element lies in the text the benchmark was
    /// read from, if it has one (parsed into
    /// [`Source::platform_specification`](crate::Source::platform_specification) on load).
    pub(crate) platform_specification_fragment: Option<scap_xml::Fragment>,
}

/// A Group or a Rule.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A Group (boxed: a Group is several hundred bytes, a Rule a pointer).
    Group(Box<Group>),
    /// A Rule, shared: a [`crate::Policy`] holds the same Rule (only a rule a profile refines
    /// is copied), where copying every rule's descriptions and fixes into each policy cost
    /// megabytes per scan.
    Rule(std::sync::Arc<Rule>),
}

impl Item {
    /// The item's id.
    pub fn id(&self) -> &str {
        match self {
            Item::Group(g) => &g.common.id,
            Item::Rule(r) => &r.common.id,
        }
    }

    /// Common properties.
    pub fn common(&self) -> &ItemCommon {
        match self {
            Item::Group(g) => &g.common,
            Item::Rule(r) => &r.common,
        }
    }

    /// Common properties, mutably.
    pub fn common_mut(&mut self) -> &mut ItemCommon {
        match self {
            Item::Group(g) => &mut g.common,
            Item::Rule(r) => &mut std::sync::Arc::make_mut(r).common,
        }
    }
}

/// Properties shared by Groups and Rules (XCCDF `selectableItemType`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ItemCommon {
    /// `id`.
    pub id: String,
    /// `selected` (default true).
    pub selected: bool,
    /// `hidden`.
    pub hidden: bool,
    /// `abstract`.
    pub abstract_: bool,
    /// `prohibitChanges`.
    pub prohibit_changes: bool,
    /// `cluster-id`.
    pub cluster_id: Option<String>,
    /// `extends`.
    pub extends: Option<String>,
    /// `weight` (default 1.0).
    pub weight: f64,
    /// `status`es.
    pub statuses: Vec<Status>,
    /// `version` text.
    pub version: Option<String>,
    /// `title`s.
    pub title: Vec<Text>,
    /// `description`s.
    pub description: Vec<Text>,
    /// `warning`s (with their `category`).
    pub warnings: Vec<(Option<String>, Text)>,
    /// `question`s.
    pub question: Vec<Text>,
    /// `reference`s.
    pub references: Vec<Reference>,
    /// `rationale`s.
    pub rationale: Vec<Text>,
    /// `platform idref`s.
    pub platforms: Vec<String>,
    /// `requires` (each a list of alternative idrefs).
    pub requires: Vec<Requires>,
    /// `conflicts idref`s.
    pub conflicts: Vec<String>,
    /// `metadata`, as inner XML.
    pub metadata: Vec<String>,
    /// Which attributes were written explicitly (for `extends` resolution).
    pub(crate) explicit: Explicit,
    /// Byte offset of the element in its source (for error locations).
    pub(crate) pos: usize,
}

/// Bit set of attributes present in the source, used by inheritance (7.2.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Explicit(pub(crate) u32);

impl Explicit {
    pub(crate) const SELECTED: u32 = 1;
    pub(crate) const HIDDEN: u32 = 2;
    pub(crate) const PROHIBIT: u32 = 4;
    pub(crate) const CLUSTER: u32 = 8;
    pub(crate) const WEIGHT: u32 = 16;
    pub(crate) const ROLE: u32 = 32;
    pub(crate) const SEVERITY: u32 = 64;
    pub(crate) const MULTIPLE: u32 = 128;
    pub(crate) const TYPE: u32 = 256;
    pub(crate) const OPERATOR: u32 = 512;
    pub(crate) const INTERACTIVE: u32 = 1024;

    pub(crate) fn has(self, bit: u32) -> bool {
        self.0 & bit != 0
    }
}

/// An XCCDF Group.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Group {
    /// Common item properties.
    pub common: ItemCommon,
    /// `Value`s defined in the group.
    pub values: Vec<Value>,
    /// Nested Groups and Rules in document order.
    pub items: Vec<Item>,
}

/// Rule `role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Role {
    /// Included in scoring (default).
    #[default]
    Full,
    /// Checked and reported, not scored.
    Unscored,
    /// Not checked.
    Unchecked,
}

impl Role {
    /// Parses the attribute value.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "full" => Some(Role::Full),
            "unscored" => Some(Role::Unscored),
            "unchecked" => Some(Role::Unchecked),
            _ => None,
        }
    }

    /// The attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Full => "full",
            Role::Unscored => "unscored",
            Role::Unchecked => "unchecked",
        }
    }
}

/// Rule `severity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Severity {
    /// `unknown` (default).
    #[default]
    Unknown,
    /// `info`.
    Info,
    /// `low`.
    Low,
    /// `medium`.
    Medium,
    /// `high`.
    High,
}

impl Severity {
    /// Parses the attribute value.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "unknown" => Some(Severity::Unknown),
            "info" => Some(Severity::Info),
            "low" => Some(Severity::Low),
            "medium" => Some(Severity::Medium),
            "high" => Some(Severity::High),
            _ => None,
        }
    }

    /// The attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Unknown => "unknown",
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }
}

/// An XCCDF Rule.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Rule {
    /// Common item properties.
    pub common: ItemCommon,
    /// `role`.
    pub role: Role,
    /// `severity`.
    pub severity: Severity,
    /// `multiple`.
    pub multiple: bool,
    /// `ident`s.
    pub idents: Vec<Ident>,
    /// `impact-metric` (CVSS vector).
    pub impact_metric: Option<String>,
    /// `profile-note`s (`tag`, text).
    pub profile_notes: Vec<(String, Text)>,
    /// `fixtext`s.
    pub fixtexts: Vec<FixText>,
    /// `fix`es.
    pub fixes: Vec<Fix>,
    /// `check`s (alternatives distinguished by `selector` and `system`).
    pub checks: Vec<Check>,
    /// A `complex-check`, which takes precedence over `checks`.
    pub complex_check: Option<ComplexCheck>,
}

impl Rule {
    /// The rule's id.
    pub fn id(&self) -> &str {
        &self.common.id
    }
}

/// A `fixtext`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FixText {
    /// `fixref`.
    pub fixref: Option<String>,
    /// `reboot`.
    pub reboot: Option<bool>,
    /// `strategy`.
    pub strategy: Option<String>,
    /// `disruption`.
    pub disruption: Option<String>,
    /// `complexity`.
    pub complexity: Option<String>,
    /// The text.
    pub text: Text,
}

/// A piece of `fix` mixed content.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum FixPiece {
    /// Literal text.
    Text(String),
    /// `<sub idref=".." use="..."/>`: substitute a Value (or plain-text).
    Sub {
        /// The referenced Value or plain-text id.
        idref: String,
        /// `use` (XCCDF 1.2: `value`, `title`, `legacy`).
        use_: Option<String>,
    },
    /// `<instance context=".."/>`: the instance name, for `multiple` rules.
    Instance {
        /// `context` (default "undefined").
        context: Option<String>,
    },
}

/// A `fix`: remediation script or instructions.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Fix {
    /// `id`.
    pub id: Option<String>,
    /// `system` URI, e.g. `urn:xccdf:fix:script:sh`.
    pub system: Option<String>,
    /// `platform`.
    pub platform: Option<String>,
    /// `complexity`.
    pub complexity: Option<String>,
    /// `disruption`.
    pub disruption: Option<String>,
    /// `reboot`.
    pub reboot: Option<bool>,
    /// `strategy`.
    pub strategy: Option<String>,
    /// Content as text, `sub` and `instance` pieces.
    pub content: Vec<FixPiece>,
}

/// A `check-import`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct CheckImport {
    /// `import-name`.
    pub import_name: String,
    /// `import-xpath`.
    pub import_xpath: Option<String>,
    /// The imported value, in a TestResult's `rule-result` (SCE's `stdout` or `stderr`);
    /// `None` in a benchmark.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub content: Option<String>,
}

/// A `check-export`: bind a Value to a checking-system variable.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct CheckExport {
    /// `value-id`.
    pub value_id: String,
    /// `export-name` (e.g. an OVAL external variable id).
    pub export_name: String,
}

/// A `check-content-ref`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct CheckContentRef {
    /// `href`: a file name, resolved in a data stream through the checklist's catalog.
    pub href: String,
    /// `name`: e.g. an OVAL definition id; absent means "all definitions".
    pub name: Option<String>,
}

/// A `check`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Check {
    /// `system` URI (OVAL, OCIL, SCE ...).
    pub system: String,
    /// `id`.
    pub id: Option<String>,
    /// `selector` (`None` when absent or empty).
    pub selector: Option<String>,
    /// `multi-check`.
    pub multi_check: bool,
    /// `negate`.
    pub negate: bool,
    /// `check-import`s.
    pub imports: Vec<CheckImport>,
    /// `check-export`s.
    pub exports: Vec<CheckExport>,
    /// `check-content-ref`s (alternatives, tried in order).
    pub content_refs: Vec<CheckContentRef>,
    /// Inline `check-content`, as inner XML.
    pub content: Option<String>,
}

/// `complex-check` operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "UPPERCASE"))]
#[non_exhaustive]
pub enum CheckOperator {
    /// `AND`.
    And,
    /// `OR`.
    Or,
}

/// A `complex-check`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ComplexCheck {
    /// `operator`.
    pub operator: CheckOperator,
    /// `negate`.
    pub negate: bool,
    /// Operands.
    pub checks: Vec<CheckNode>,
}

/// An operand of a complex-check.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum CheckNode {
    /// A simple check.
    Check(Check),
    /// A nested complex-check.
    Complex(ComplexCheck),
}

/// Value `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum ValueType {
    /// `string` (default).
    #[default]
    String,
    /// `number`.
    Number,
    /// `boolean`.
    Boolean,
}

impl ValueType {
    /// Parses the attribute value.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "string" => Some(ValueType::String),
            "number" => Some(ValueType::Number),
            "boolean" => Some(ValueType::Boolean),
            _ => None,
        }
    }

    /// The attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            ValueType::String => "string",
            ValueType::Number => "number",
            ValueType::Boolean => "boolean",
        }
    }
}

/// Value `operator`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum ValueOperator {
    /// `equals` (default).
    #[default]
    Equals,
    /// `not equal`.
    NotEqual,
    /// `greater than`.
    GreaterThan,
    /// `less than`.
    LessThan,
    /// `greater than or equal`.
    GreaterThanOrEqual,
    /// `less than or equal`.
    LessThanOrEqual,
    /// `pattern match`.
    PatternMatch,
}

impl ValueOperator {
    /// Parses the attribute value.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "equals" => ValueOperator::Equals,
            "not equal" => ValueOperator::NotEqual,
            "greater than" => ValueOperator::GreaterThan,
            "less than" => ValueOperator::LessThan,
            "greater than or equal" => ValueOperator::GreaterThanOrEqual,
            "less than or equal" => ValueOperator::LessThanOrEqual,
            "pattern match" => ValueOperator::PatternMatch,
            _ => return None,
        })
    }

    /// The attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            ValueOperator::Equals => "equals",
            ValueOperator::NotEqual => "not equal",
            ValueOperator::GreaterThan => "greater than",
            ValueOperator::LessThan => "less than",
            ValueOperator::GreaterThanOrEqual => "greater than or equal",
            ValueOperator::LessThanOrEqual => "less than or equal",
            ValueOperator::PatternMatch => "pattern match",
        }
    }
}

/// A property of a Value that exists per `selector`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selected<T> {
    /// The `selector` (`None` when absent or empty: the default instance).
    pub selector: Option<String>,
    /// The content.
    pub value: T,
}

/// A `choices` element.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Choices {
    /// `mustMatch`.
    pub must_match: bool,
    /// The `choice`s.
    pub choices: Vec<String>,
}

/// An XCCDF Value.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Value {
    /// `id`.
    pub id: String,
    /// `type`.
    pub value_type: ValueType,
    /// `operator`.
    pub operator: ValueOperator,
    /// `interactive`.
    pub interactive: bool,
    /// `hidden`.
    pub hidden: bool,
    /// `abstract`.
    pub abstract_: bool,
    /// `prohibitChanges`.
    pub prohibit_changes: bool,
    /// `extends`.
    pub extends: Option<String>,
    /// `cluster-id`.
    pub cluster_id: Option<String>,
    /// `status`es.
    pub statuses: Vec<Status>,
    /// `title`s.
    pub title: Vec<Text>,
    /// `description`s.
    pub description: Vec<Text>,
    /// `warning`s.
    pub warnings: Vec<(Option<String>, Text)>,
    /// `question`s.
    pub question: Vec<Text>,
    /// `reference`s.
    pub references: Vec<Reference>,
    /// `value`s.
    pub values: Vec<Selected<String>>,
    /// `complex-value`s (`item` lists).
    pub complex_values: Vec<Selected<Vec<String>>>,
    /// `default`s.
    pub defaults: Vec<Selected<String>>,
    /// `complex-default`s.
    pub complex_defaults: Vec<Selected<Vec<String>>>,
    /// `match` patterns.
    pub matches: Vec<Selected<String>>,
    /// `lower-bound`s.
    pub lower_bounds: Vec<Selected<String>>,
    /// `upper-bound`s.
    pub upper_bounds: Vec<Selected<String>>,
    /// `choices`.
    pub choices: Vec<Selected<Choices>>,
    /// `source uri`s.
    pub sources: Vec<String>,
    pub(crate) explicit: Explicit,
    pub(crate) pos: usize,
}

/// Find the instance for `selector` in a per-selector list (exact match; `None` finds the
/// default instance).
///
/// ```
/// use scap_xccdf::model::{Selected, select_instance};
/// let v = vec![
///     Selected { selector: None, value: "022".to_string() },
///     Selected { selector: Some("027".into()), value: "027".to_string() },
/// ];
/// assert_eq!(select_instance(&v, Some("027")).map(String::as_str), Some("027"));
/// assert_eq!(select_instance(&v, None).map(String::as_str), Some("022"));
/// assert_eq!(select_instance(&v, Some("x")), None);
/// ```
pub fn select_instance<'v, T>(list: &'v [Selected<T>], selector: Option<&str>) -> Option<&'v T> {
    list.iter()
        .find(|s| s.selector.as_deref() == selector)
        .map(|s| &s.value)
}

/// A profile `select`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Select {
    /// Rule, Group or cluster id.
    pub idref: String,
    /// `selected`.
    pub selected: bool,
}

/// A profile `set-value`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SetValue {
    /// Value (or cluster) id.
    pub idref: String,
    /// The literal value.
    pub value: String,
}

/// A profile `set-complex-value`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SetComplexValue {
    /// Value (or cluster) id.
    pub idref: String,
    /// The `item`s.
    pub items: Vec<String>,
}

/// A profile `refine-value`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RefineValue {
    /// Value (or cluster) id.
    pub idref: String,
    /// `selector`.
    pub selector: Option<String>,
    /// `operator`.
    pub operator: Option<ValueOperator>,
}

/// A profile `refine-rule`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RefineRule {
    /// Rule, Group or cluster id.
    pub idref: String,
    /// `weight`.
    pub weight: Option<f64>,
    /// `selector` (chooses among the rule's checks).
    pub selector: Option<String>,
    /// `severity`.
    pub severity: Option<Severity>,
    /// `role`.
    pub role: Option<Role>,
}

/// One profile setting, in document order (order matters: later settings win).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ProfileSetting {
    /// `select`.
    Select(Select),
    /// `set-value`.
    SetValue(SetValue),
    /// `set-complex-value`.
    SetComplexValue(SetComplexValue),
    /// `refine-value`.
    RefineValue(RefineValue),
    /// `refine-rule`.
    RefineRule(RefineRule),
}

/// An XCCDF Profile (from a Benchmark or a Tailoring).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Profile {
    /// `id`.
    pub id: String,
    /// `extends`.
    pub extends: Option<String>,
    /// `abstract`.
    pub abstract_: bool,
    /// `prohibitChanges`.
    pub prohibit_changes: bool,
    /// `note-tag`.
    pub note_tag: Option<String>,
    /// `status`es.
    pub statuses: Vec<Status>,
    /// `version`.
    pub version: Option<String>,
    /// `title`s.
    pub title: Vec<Text>,
    /// `description`s.
    pub description: Vec<Text>,
    /// `reference`s.
    pub references: Vec<Reference>,
    /// `platform idref`s.
    pub platforms: Vec<String>,
    /// `metadata`, as inner XML.
    pub metadata: Vec<String>,
    /// Settings in document order.
    pub settings: Vec<ProfileSetting>,
    pub(crate) pos: usize,
}

impl Profile {
    /// The `select`s, in order.
    pub fn selects(&self) -> impl Iterator<Item = &Select> {
        self.settings.iter().filter_map(|s| match s {
            ProfileSetting::Select(x) => Some(x),
            _ => None,
        })
    }
}
