//! OVAL definitions (`oval-def:definition`): metadata and the criteria tree
//! (`DefinitionType`, `MetadataType`, `CriteriaType`, `CriterionType`, `ExtendDefinitionType`).

use crate::types::{DefinitionClass, Operator};

/// One `definition`: what it checks (metadata) and how (its criteria tree).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Definition {
    /// `id`, e.g. `oval:ssg-accounts_tmout:def:1`.
    pub id: String,
    /// `version`.
    pub version: u64,
    /// `class`.
    pub class: DefinitionClass,
    /// `deprecated` (default `false`).
    pub deprecated: bool,
    /// The `metadata` child.
    pub metadata: Metadata,
    /// The `note` texts of the `notes` child, in document order.
    pub notes: Vec<String>,
    /// The `criteria` child; the schema lets deprecated definitions omit it.
    pub criteria: Option<Criteria>,
}

/// A definition's `metadata`. Children outside the core namespace (vendor extensions) are
/// skipped.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Metadata {
    /// `title` text.
    pub title: String,
    /// Every `affected` child.
    pub affected: Vec<Affected>,
    /// Every `reference` child.
    pub references: Vec<Reference>,
    /// `description` text.
    pub description: String,
}

/// An `affected` element: the family and the platforms and products a definition applies to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Affected {
    /// `family` attribute (`unix`, `windows`, ...).
    pub family: String,
    /// `platform` texts.
    pub platforms: Vec<String>,
    /// `product` texts.
    pub products: Vec<String>,
}

/// A `reference` to an external source (CVE, CCE, a rule id, ...).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Reference {
    /// `source`.
    pub source: String,
    /// `ref_id`.
    pub ref_id: String,
    /// `ref_url`.
    pub ref_url: Option<String>,
}

/// A `criteria` element: an operator over criteria, criterion and extend_definition children.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Criteria {
    /// `operator` (default `AND`).
    pub operator: Operator,
    /// `negate` (default `false`).
    pub negate: bool,
    /// `applicability_check`, when given.
    pub applicability_check: Option<bool>,
    /// `comment`.
    pub comment: Option<String>,
    /// The children, in document order (at least one in a valid document).
    pub children: Vec<CriteriaNode>,
}

/// One child of a [`Criteria`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CriteriaNode {
    /// A nested `criteria`.
    Criteria(Criteria),
    /// A `criterion` naming a test.
    Criterion(Criterion),
    /// An `extend_definition` naming another definition.
    ExtendDefinition(ExtendDefinition),
}

/// A `criterion`: the result of one test.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Criterion {
    /// `test_ref`: the id of a test of the same document.
    pub test_ref: String,
    /// `negate` (default `false`).
    pub negate: bool,
    /// `applicability_check`, when given.
    pub applicability_check: Option<bool>,
    /// `comment`.
    pub comment: Option<String>,
}

/// An `extend_definition`: the result of another definition.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ExtendDefinition {
    /// `definition_ref`: the id of a definition of the same document.
    pub definition_ref: String,
    /// `negate` (default `false`).
    pub negate: bool,
    /// `applicability_check`, when given.
    pub applicability_check: Option<bool>,
    /// `comment`.
    pub comment: Option<String>,
}
