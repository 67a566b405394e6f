//! Tests, objects, states and their entities, sets and filters: elements of any family
//! namespace, read generically.

use roxmltree::Node;

use super::Parser;
use super::xml::{self, content, is_core, name};
use crate::error::Error;
use crate::model::ElementKind;
use crate::model::namespaces::family_of;
use crate::model::{
    Behavior, Entity, EntityObject, Filter, Object, ObjectContent, ObjectSet, State, Test,
};
use crate::types::Operation;

/// The namespace URI and family of a test, object or state element.
fn namespace_of(node: Node<'_, '_>) -> (String, String) {
    let ns = node.tag_name().namespace().unwrap_or("");
    (ns.to_owned(), family_of(ns).to_owned())
}

impl Parser<'_, '_> {
    pub(super) fn test(&self, node: Node<'_, '_>) -> Result<Test, Error> {
        let id = xml::required(node, "id", None)?;
        let ctx = Some(id);
        let (namespace, family) = namespace_of(node);
        let mut test = Test {
            id: id.to_owned(),
            version: xml::u64_required(node, "version", ctx)?,
            namespace,
            family,
            kind: name(node).to_owned(),
            comment: xml::optional(node, "comment"),
            deprecated: xml::bool_attr(node, "deprecated", ctx)?.unwrap_or(false),
            check_existence: xml::enum_attr(node, "check_existence", ctx)?,
            check: xml::enum_attr(node, "check", ctx)?,
            state_operator: xml::enum_attr(node, "state_operator", ctx)?,
            object_ref: None,
            state_refs: Vec::new(),
        };
        for child in content(node) {
            match name(child) {
                "object" if !is_core(child) && test.object_ref.is_none() => {
                    let r = xml::required(child, "object_ref", ctx)?;
                    self.check_ref(child, "object_ref", id, ElementKind::Object, r)?;
                    test.object_ref = Some(r.to_owned());
                }
                "state" if !is_core(child) => {
                    let r = xml::required(child, "state_ref", ctx)?;
                    self.check_ref(child, "state_ref", id, ElementKind::State, r)?;
                    test.state_refs.push(r.to_owned());
                }
                _ => return Err(xml::unexpected(child, ctx)),
            }
        }
        Ok(test)
    }

    pub(super) fn object(&self, node: Node<'_, '_>) -> Result<Object, Error> {
        let id = xml::required(node, "id", None)?;
        let ctx = Some(id);
        let (namespace, family) = namespace_of(node);
        let mut entity_object = EntityObject::default();
        let mut set = None;
        for child in content(node) {
            if is_core(child) {
                match name(child) {
                    "set" if set.is_none() => set = Some(self.set(child, id, 1)?),
                    "filter" => entity_object.filters.push(self.filter(child, id)?),
                    _ => return Err(xml::unexpected(child, ctx)),
                }
            } else if name(child) == "behaviors" {
                entity_object
                    .behaviors
                    .extend(child.attributes().map(|a| Behavior {
                        name: a.name().to_owned(),
                        value: a.value().to_owned(),
                    }));
            } else {
                let entity = self.entity(child, id)?;
                if family == "independent"
                    && name(node) == "variable_object"
                    && entity.name == "var_ref"
                    && entity.var_ref.is_none()
                    && !entity.nil
                    && entity.operation == Operation::Equals
                {
                    // The `var_ref` entity of a variable_object names a variable by its text.
                    self.check_ref(
                        child,
                        "#text",
                        id,
                        ElementKind::Variable,
                        entity.value.trim(),
                    )?;
                }
                entity_object.entities.push(entity);
            }
        }
        let content = match set {
            Some(set) => {
                if let Some(extra) = content(node).find(|n| !(is_core(*n) && name(*n) == "set")) {
                    return Err(xml::unexpected(extra, ctx));
                }
                ObjectContent::Set(set)
            }
            None => ObjectContent::Entities(entity_object),
        };
        Ok(Object {
            id: id.to_owned(),
            version: xml::u64_required(node, "version", ctx)?,
            namespace,
            family,
            kind: name(node).to_owned(),
            comment: xml::optional(node, "comment"),
            deprecated: xml::bool_attr(node, "deprecated", ctx)?.unwrap_or(false),
            content,
        })
    }

    fn set(&self, node: Node<'_, '_>, id: &str, depth: usize) -> Result<ObjectSet, Error> {
        self.check_depth(node, depth, id)?;
        let ctx = Some(id);
        let mut set = ObjectSet {
            set_operator: xml::enum_attr(node, "set_operator", ctx)?,
            ..ObjectSet::default()
        };
        for child in content(node) {
            if !is_core(child) {
                return Err(xml::unexpected(child, ctx));
            }
            match name(child) {
                "object_reference" if set.object_refs.len() + set.sets.len() < 2 => {
                    let r = xml::text(child);
                    self.check_ref(child, "#text", id, ElementKind::Object, r.trim())?;
                    set.object_refs.push(r.trim().to_owned());
                }
                "set" if set.object_refs.len() + set.sets.len() < 2 => {
                    set.sets.push(self.set(child, id, depth + 1)?);
                }
                "filter" => set.filters.push(self.filter(child, id)?),
                _ => return Err(xml::unexpected(child, ctx)),
            }
        }
        if set.object_refs.is_empty() && set.sets.is_empty() {
            return Err(xml::missing_child(node, "object_reference", ctx));
        }
        Ok(set)
    }

    fn filter(&self, node: Node<'_, '_>, id: &str) -> Result<Filter, Error> {
        let state_ref = xml::text(node);
        let state_ref = state_ref.trim();
        self.check_ref(node, "#text", id, ElementKind::State, state_ref)?;
        Ok(Filter {
            action: xml::enum_attr(node, "action", Some(id))?,
            state_ref: state_ref.to_owned(),
        })
    }

    pub(super) fn state(&self, node: Node<'_, '_>) -> Result<State, Error> {
        let id = xml::required(node, "id", None)?;
        let ctx = Some(id);
        let (namespace, family) = namespace_of(node);
        let mut entities = Vec::new();
        for child in content(node) {
            if is_core(child) {
                return Err(xml::unexpected(child, ctx));
            }
            entities.push(self.entity(child, id)?);
        }
        Ok(State {
            id: id.to_owned(),
            version: xml::u64_required(node, "version", ctx)?,
            namespace,
            family,
            kind: name(node).to_owned(),
            comment: xml::optional(node, "comment"),
            deprecated: xml::bool_attr(node, "deprecated", ctx)?.unwrap_or(false),
            operator: xml::enum_attr(node, "operator", ctx)?,
            entities,
        })
    }

    /// An entity of an object or state; its element children must be record `field`s.
    fn entity(&self, node: Node<'_, '_>, id: &str) -> Result<Entity, Error> {
        let mut entity = self.entity_attributes(node, id, name(node).to_owned())?;
        for child in content(node) {
            if is_core(child) && name(child) == "field" {
                let field_name = xml::required(child, "name", Some(id))?.to_owned();
                let field = self.entity_attributes(child, id, field_name)?;
                if let Some(extra) = content(child).next() {
                    return Err(xml::unexpected(extra, Some(id)));
                }
                entity.fields.push(field);
            } else {
                return Err(xml::unexpected(child, Some(id)));
            }
        }
        if !entity.fields.is_empty() {
            // The text of a record is the indentation between its fields, not a value.
            entity.value.clear();
        }
        Ok(entity)
    }

    fn entity_attributes(
        &self,
        node: Node<'_, '_>,
        id: &str,
        name: String,
    ) -> Result<Entity, Error> {
        let ctx = Some(id);
        let var_ref = match node.attribute("var_ref") {
            Some(r) => {
                self.check_ref(node, "var_ref", id, ElementKind::Variable, r)?;
                Some(r.to_owned())
            }
            None => None,
        };
        let datatype = match node.attribute("datatype") {
            Some(d) => Some(xml::enumeration(node, "datatype", d, ctx)?),
            None => None,
        };
        Ok(Entity {
            name,
            value: xml::text(node),
            datatype,
            operation: xml::enum_attr(node, "operation", ctx)?,
            mask: xml::bool_attr(node, "mask", ctx)?.unwrap_or(false),
            var_ref,
            var_check: xml::enum_attr(node, "var_check", ctx)?,
            entity_check: xml::enum_attr(node, "entity_check", ctx)?,
            nil: xml::nil(node, ctx)?,
            fields: Vec::new(),
        })
    }
}
