//! Variables and the components and functions of local variables.

use roxmltree::Node;

use super::Parser;
use super::xml::{self, content, is_core, name};
use crate::error::Error;
use crate::model::ElementKind;
use crate::model::{
    Component, ConstantVariable, ExternalVariable, PossibleRestriction, PossibleValue, Restriction,
    Variable, VariableKind,
};

impl Parser<'_, '_> {
    pub(super) fn variable(&self, node: Node<'_, '_>) -> Result<Variable, Error> {
        let id = xml::required(node, "id", None)?;
        let ctx = Some(id);
        if !is_core(node) {
            return Err(xml::unexpected(node, ctx));
        }
        let kind = match name(node) {
            "constant_variable" => {
                let mut values = Vec::new();
                for child in content(node) {
                    if !(is_core(child) && name(child) == "value") {
                        return Err(xml::unexpected(child, ctx));
                    }
                    values.push(xml::text(child));
                }
                VariableKind::Constant(ConstantVariable { values })
            }
            "external_variable" => VariableKind::External(external(node, ctx)?),
            "local_variable" => {
                let mut children = content(node);
                let first = children
                    .next()
                    .ok_or_else(|| xml::missing_child(node, "component", ctx))?;
                if let Some(extra) = children.next() {
                    return Err(xml::unexpected(extra, ctx));
                }
                VariableKind::Local(self.component(first, id, 1)?)
            }
            _ => return Err(xml::unexpected(node, ctx)),
        };
        Ok(Variable {
            id: id.to_owned(),
            version: xml::u64_required(node, "version", ctx)?,
            datatype: xml::enum_required(node, "datatype", ctx)?,
            comment: xml::optional(node, "comment"),
            deprecated: xml::bool_attr(node, "deprecated", ctx)?.unwrap_or(false),
            kind,
        })
    }

    /// One component (value source or function), recursively.
    fn component(&self, node: Node<'_, '_>, id: &str, depth: usize) -> Result<Component, Error> {
        self.check_depth(node, depth, id)?;
        let ctx = Some(id);
        if !is_core(node) {
            return Err(xml::unexpected(node, ctx));
        }
        let component = match name(node) {
            "object_component" => {
                let object_ref = xml::required(node, "object_ref", ctx)?;
                self.check_ref(node, "object_ref", id, ElementKind::Object, object_ref)?;
                Component::Object {
                    object_ref: object_ref.to_owned(),
                    item_field: xml::required(node, "item_field", ctx)?.to_owned(),
                    record_field: xml::optional(node, "record_field"),
                }
            }
            "variable_component" => {
                let var_ref = xml::required(node, "var_ref", ctx)?;
                self.check_ref(node, "var_ref", id, ElementKind::Variable, var_ref)?;
                Component::Variable {
                    var_ref: var_ref.to_owned(),
                }
            }
            "literal_component" => {
                if let Some(child) = content(node).next() {
                    return Err(xml::unexpected(child, ctx));
                }
                Component::Literal {
                    datatype: xml::enum_attr(node, "datatype", ctx)?,
                    value: xml::text(node),
                }
            }
            "arithmetic" => Component::Arithmetic {
                operation: xml::enum_required(node, "arithmetic_operation", ctx)?,
                components: self.operands(node, id, depth, 2, usize::MAX)?,
            },
            "begin" => Component::Begin {
                character: xml::required(node, "character", ctx)?.to_owned(),
                component: self.operand(node, id, depth)?,
            },
            "concat" => Component::Concat(self.operands(node, id, depth, 2, usize::MAX)?),
            "count" => Component::Count(self.operands(node, id, depth, 1, usize::MAX)?),
            "end" => Component::End {
                character: xml::required(node, "character", ctx)?.to_owned(),
                component: self.operand(node, id, depth)?,
            },
            "escape_regex" => Component::EscapeRegex(self.operand(node, id, depth)?),
            "glob_to_regex" => Component::GlobToRegex {
                glob_noescape: xml::bool_attr(node, "glob_noescape", ctx)?.unwrap_or(false),
                component: self.operand(node, id, depth)?,
            },
            "regex_capture" => Component::RegexCapture {
                pattern: xml::optional(node, "pattern").unwrap_or_default(),
                component: self.operand(node, id, depth)?,
            },
            "split" => Component::Split {
                delimiter: xml::required(node, "delimiter", ctx)?.to_owned(),
                component: self.operand(node, id, depth)?,
            },
            "substring" => Component::Substring {
                start: xml::i64_required(node, "substring_start", ctx)?,
                length: xml::i64_required(node, "substring_length", ctx)?,
                component: self.operand(node, id, depth)?,
            },
            "time_difference" => Component::TimeDifference {
                format_1: xml::enum_attr(node, "format_1", ctx)?,
                format_2: xml::enum_attr(node, "format_2", ctx)?,
                components: self.operands(node, id, depth, 1, 2)?,
            },
            "unique" => Component::Unique(self.operands(node, id, depth, 1, usize::MAX)?),
            _ => return Err(xml::unexpected(node, ctx)),
        };
        Ok(component)
    }

    /// The operands of a function: between `min` and `max` component children.
    fn operands(
        &self,
        node: Node<'_, '_>,
        id: &str,
        depth: usize,
        min: usize,
        max: usize,
    ) -> Result<Vec<Component>, Error> {
        let mut out = Vec::new();
        for child in content(node) {
            if out.len() == max {
                return Err(xml::unexpected(child, Some(id)));
            }
            out.push(self.component(child, id, depth + 1)?);
        }
        if out.len() < min {
            return Err(xml::missing_child(node, "component", Some(id)));
        }
        Ok(out)
    }

    /// The single operand of a one-argument function.
    fn operand(&self, node: Node<'_, '_>, id: &str, depth: usize) -> Result<Box<Component>, Error> {
        let mut operands = self.operands(node, id, depth, 1, 1)?;
        match operands.pop() {
            Some(c) => Ok(Box::new(c)),
            None => Err(xml::missing_child(node, "component", Some(id))),
        }
    }
}

/// The possible values and restrictions of an `external_variable`.
fn external(node: Node<'_, '_>, ctx: Option<&str>) -> Result<ExternalVariable, Error> {
    let mut ext = ExternalVariable::default();
    for child in content(node) {
        if !is_core(child) {
            return Err(xml::unexpected(child, ctx));
        }
        match name(child) {
            "possible_value" => ext.possible_values.push(PossibleValue {
                hint: xml::optional(child, "hint").unwrap_or_default(),
                value: xml::text(child),
            }),
            "possible_restriction" => {
                let mut restriction = PossibleRestriction {
                    operator: xml::enum_attr(child, "operator", ctx)?,
                    hint: xml::optional(child, "hint"),
                    restrictions: Vec::new(),
                };
                for r in content(child) {
                    if !(is_core(r) && name(r) == "restriction") {
                        return Err(xml::unexpected(r, ctx));
                    }
                    restriction.restrictions.push(Restriction {
                        operation: xml::enum_required(r, "operation", ctx)?,
                        value: xml::text(r),
                    });
                }
                ext.possible_restrictions.push(restriction);
            }
            _ => return Err(xml::unexpected(child, ctx)),
        }
    }
    Ok(ext)
}
