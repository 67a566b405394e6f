//! Definitions, their metadata and criteria trees.

use roxmltree::Node;

use super::Parser;
use super::xml::{self, content, elements, is_core, name};
use crate::error::Error;
use crate::model::ElementKind;
use crate::model::{
    Affected, Criteria, CriteriaNode, Criterion, Definition, ExtendDefinition, Metadata, Reference,
};

impl Parser<'_, '_> {
    pub(super) fn definition(&self, node: Node<'_, '_>) -> Result<Definition, Error> {
        let id = xml::required(node, "id", None)?;
        let ctx = Some(id);
        let mut def = Definition {
            id: id.to_owned(),
            version: xml::u64_required(node, "version", ctx)?,
            class: xml::enum_required(node, "class", ctx)?,
            deprecated: xml::bool_attr(node, "deprecated", ctx)?.unwrap_or(false),
            metadata: Metadata::default(),
            notes: Vec::new(),
            criteria: None,
        };
        let mut has_metadata = false;
        for child in elements(node).filter(|n| is_core(*n)) {
            match name(child) {
                "metadata" => {
                    def.metadata = self.metadata(child, ctx);
                    has_metadata = true;
                }
                "notes" => {
                    def.notes = elements(child)
                        .filter(|n| is_core(*n) && name(*n) == "note")
                        .map(xml::text)
                        .collect();
                }
                "criteria" => def.criteria = Some(self.criteria(child, id, 1)?),
                // Evaluation reads only the criteria: anything else is a deviation to report,
                // not a reason to lose the definition.
                _ => self.warn(child, ctx, "is not allowed in a definition; skipped"),
            }
        }
        if !has_metadata {
            self.warn(node, ctx, "has no <metadata>; read as empty");
        }
        Ok(def)
    }

    fn criteria(&self, node: Node<'_, '_>, id: &str, depth: usize) -> Result<Criteria, Error> {
        self.check_depth(node, depth, id)?;
        let ctx = Some(id);
        let mut criteria = Criteria {
            operator: xml::enum_attr(node, "operator", ctx)?,
            negate: xml::bool_attr(node, "negate", ctx)?.unwrap_or(false),
            applicability_check: xml::bool_attr(node, "applicability_check", ctx)?,
            comment: xml::optional(node, "comment"),
            children: Vec::new(),
        };
        for child in content(node) {
            if !is_core(child) {
                return Err(xml::unexpected(child, ctx));
            }
            let negate = xml::bool_attr(child, "negate", ctx)?.unwrap_or(false);
            let applicability_check = xml::bool_attr(child, "applicability_check", ctx)?;
            let comment = xml::optional(child, "comment");
            let item = match name(child) {
                "criteria" => CriteriaNode::Criteria(self.criteria(child, id, depth + 1)?),
                "criterion" => {
                    let test_ref = xml::required(child, "test_ref", ctx)?;
                    self.check_ref(child, "test_ref", id, ElementKind::Test, test_ref)?;
                    CriteriaNode::Criterion(Criterion {
                        test_ref: test_ref.to_owned(),
                        negate,
                        applicability_check,
                        comment,
                    })
                }
                "extend_definition" => {
                    let definition_ref = xml::required(child, "definition_ref", ctx)?;
                    self.check_ref(
                        child,
                        "definition_ref",
                        id,
                        ElementKind::Definition,
                        definition_ref,
                    )?;
                    CriteriaNode::ExtendDefinition(ExtendDefinition {
                        definition_ref: definition_ref.to_owned(),
                        negate,
                        applicability_check,
                        comment,
                    })
                }
                _ => return Err(xml::unexpected(child, ctx)),
            };
            criteria.children.push(item);
        }
        Ok(criteria)
    }
}

impl Parser<'_, '_> {
    /// A definition's `metadata`. The schema ends it with `xsd:any` (any element, any
    /// namespace: vendor extensions, `notes`, ...), which is skipped without a word; a
    /// core element that is malformed (a `reference` without `ref_id`, an `affected`
    /// without `family`) is read as far as it goes, with a warning: metadata never changes
    /// a result.
    fn metadata(&self, node: Node<'_, '_>, ctx: Option<&str>) -> Metadata {
        let mut m = Metadata::default();
        let attribute = |child: Node<'_, '_>, attribute: &str| match child.attribute(attribute) {
            Some(v) => v.to_owned(),
            None => {
                self.warn(
                    child,
                    ctx,
                    format!("has no `{attribute}` attribute; read as empty"),
                );
                String::new()
            }
        };
        for child in elements(node).filter(|n| is_core(*n)) {
            match name(child) {
                "title" => m.title = xml::text(child),
                "description" => m.description = xml::text(child),
                "affected" => {
                    let mut a = Affected {
                        family: attribute(child, "family"),
                        ..Affected::default()
                    };
                    for p in elements(child).filter(|n| is_core(*n)) {
                        match name(p) {
                            "platform" => a.platforms.push(xml::text(p)),
                            "product" => a.products.push(xml::text(p)),
                            _ => self.warn(p, ctx, "is not allowed in <affected>; skipped"),
                        }
                    }
                    m.affected.push(a);
                }
                "reference" => m.references.push(Reference {
                    source: attribute(child, "source"),
                    ref_id: attribute(child, "ref_id"),
                    ref_url: xml::optional(child, "ref_url"),
                }),
                _ => {}
            }
        }
        m
    }
}
