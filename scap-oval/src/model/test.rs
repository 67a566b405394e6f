//! OVAL tests (`TestType`, `ObjectRefType`, `StateRefType`).

use crate::types::{Check, Existence, Operator};

/// One test of any family (`ind:textfilecontent54_test`, `linux:rpminfo_test`, ...).
///
/// Tests are modelled generically: every namespace and element name is kept, including ones
/// this crate has no probe for, so the evaluator can report them as not supported.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Test {
    /// `id`, e.g. `oval:ssg-test_tmout:tst:1`.
    pub id: String,
    /// `version`.
    pub version: u64,
    /// The element's namespace URI.
    pub namespace: String,
    /// The family derived from the namespace (`independent`, `unix`, `linux`, ...; see
    /// [`crate::model::namespaces::family_of`]).
    pub family: String,
    /// The element's local name, e.g. `textfilecontent54_test`.
    pub kind: String,
    /// `comment`.
    pub comment: Option<String>,
    /// `deprecated` (default `false`).
    pub deprecated: bool,
    /// `check_existence` (default `at_least_one_exists`).
    pub check_existence: Existence,
    /// `check`.
    pub check: Check,
    /// `state_operator` (default `AND`).
    pub state_operator: Operator,
    /// The `object_ref` of the `object` child; `None` for tests without one (`unknown_test`).
    pub object_ref: Option<String>,
    /// The `state_ref` of every `state` child, in document order.
    pub state_refs: Vec<String>,
}
