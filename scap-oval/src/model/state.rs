//! OVAL states (`StateType` of the OVAL 5.11 definitions schema).

use super::Entity;
use crate::types::Operator;

/// One state of any family (`unix:file_state`, `ind:textfilecontent54_state`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct State {
    /// `id`, e.g. `oval:ssg-state_tmout:ste:1`.
    pub id: String,
    /// `version`.
    pub version: u64,
    /// The element's namespace URI.
    pub namespace: String,
    /// The family derived from the namespace (`independent`, `unix`, ...).
    pub family: String,
    /// The element's local name, e.g. `file_state`.
    pub kind: String,
    /// `comment`.
    pub comment: Option<String>,
    /// `deprecated` (default `false`).
    pub deprecated: bool,
    /// `operator` combining the entity results (default `AND`).
    pub operator: Operator,
    /// The entities, in document order.
    pub entities: Vec<Entity>,
}
