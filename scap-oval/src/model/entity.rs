//! Object and state entities (`EntityObjectBaseType`, `EntityStateBaseType` and
//! the record `field` types of the OVAL 5.11 definitions schema).

use crate::types::{Check, Datatype, Operation};

/// One entity of an object or a state (`<unix:filepath>`, `<ind:pattern>`, ...), or one `field`
/// of a `record` entity.
///
/// The same type serves objects and states: `entity_check` only occurs on state entities and
/// keeps its default (`all`) on object entities.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Entity {
    /// The element's local name (`filepath`), or the `name` attribute of a record `field`.
    pub name: String,
    /// The element text, as written (not trimmed); empty for `xsi:nil` and record entities.
    pub value: String,
    /// `datatype` as written; `None` means the schema default, `string`
    /// (see [`Entity::effective_datatype`]).
    pub datatype: Option<Datatype>,
    /// `operation` (default `equals`).
    pub operation: Operation,
    /// `mask` (default `false`).
    pub mask: bool,
    /// `var_ref`: the id of a variable whose values replace `value`.
    pub var_ref: Option<String>,
    /// `var_check` (meaningful with `var_ref`; default `all`).
    pub var_check: Check,
    /// `entity_check` (state entities; default `all`).
    pub entity_check: Check,
    /// `xsi:nil="true"`: the entity is present with no value.
    pub nil: bool,
    /// The `field` children of a `record` entity, in document order.
    pub fields: Vec<Entity>,
}

impl Entity {
    /// The datatype to compare with: the written one, or `string`.
    ///
    /// ```
    /// use scap_oval::model::Entity;
    /// use scap_oval::types::Datatype;
    /// assert_eq!(Entity::default().effective_datatype(), Datatype::String);
    /// ```
    pub fn effective_datatype(&self) -> Datatype {
        self.datatype.unwrap_or_default()
    }
}
