//! OVAL objects (`ObjectType`, `set` and `filter` of the OVAL 5.11 definitions schema).

use super::Entity;
use crate::types::{FilterAction, SetOperator};

/// One object of any family (`unix:file_object`, `ind:textfilecontent54_object`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Object {
    /// `id`, e.g. `oval:ssg-object_tmout:obj:1`.
    pub id: String,
    /// `version`.
    pub version: u64,
    /// The element's namespace URI.
    pub namespace: String,
    /// The family derived from the namespace (`independent`, `unix`, ...).
    pub family: String,
    /// The element's local name, e.g. `file_object`.
    pub kind: String,
    /// `comment`.
    pub comment: Option<String>,
    /// `deprecated` (default `false`).
    pub deprecated: bool,
    /// What the object selects: entities, or a set of other objects.
    pub content: ObjectContent,
}

/// The body of an [`Object`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjectContent {
    /// Entities (plus behaviors and filters) that select items.
    Entities(EntityObject),
    /// A `set` combining other objects.
    Set(ObjectSet),
}

/// An object described by its entities.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct EntityObject {
    /// The attributes of the `behaviors` child, in document order (empty when absent).
    pub behaviors: Vec<Behavior>,
    /// The entities, in document order.
    pub entities: Vec<Entity>,
    /// The `filter` children, in document order.
    pub filters: Vec<Filter>,
}

/// One attribute of a `behaviors` element, e.g. `max_depth="-1"`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Behavior {
    /// The attribute's local name.
    pub name: String,
    /// Its value as written.
    pub value: String,
}

/// A `set`: the union, intersection or complement of one or two objects or nested sets.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ObjectSet {
    /// `set_operator` (default `UNION`).
    pub set_operator: SetOperator,
    /// The `object_reference` texts (ids of objects), zero to two.
    pub object_refs: Vec<String>,
    /// Nested `set` children, zero to two.
    pub sets: Vec<ObjectSet>,
    /// The `filter` children applied to the result.
    pub filters: Vec<Filter>,
}

/// A `filter`: keep (`include`) or drop (`exclude`) the items matching a state.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct Filter {
    /// `action` (default `exclude`).
    pub action: FilterAction,
    /// The element text: the id of a state.
    pub state_ref: String,
}
