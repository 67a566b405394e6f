//! OVAL variables and their components (`VariableType`, `external_variable`,
//! `constant_variable`, `local_variable` and the `ComponentGroup` and `FunctionGroup` of the
//! OVAL 5.11 definitions schema).

use crate::types::{ArithmeticOperation, Datatype, DateTimeFormat, Operation, Operator};

/// One variable: an id, a datatype and where its values come from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Variable {
    /// `id`, e.g. `oval:ssg-var_accounts_tmout:var:1`.
    pub id: String,
    /// `version`.
    pub version: u64,
    /// `datatype` of every value (required by the schema).
    pub datatype: Datatype,
    /// `comment`.
    pub comment: Option<String>,
    /// `deprecated` (default `false`).
    pub deprecated: bool,
    /// Which kind of variable, with its kind-specific content.
    pub kind: VariableKind,
}

/// The three kinds of OVAL variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VariableKind {
    /// `constant_variable`: fixed values.
    Constant(ConstantVariable),
    /// `external_variable`: values supplied at evaluation time (e.g. XCCDF `export`).
    External(ExternalVariable),
    /// `local_variable`: values computed from one component.
    Local(Component),
}

/// The values of a `constant_variable`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ConstantVariable {
    /// The `value` texts, in document order.
    pub values: Vec<String>,
}

/// The constraints an `external_variable` declares on its supplied values.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ExternalVariable {
    /// `possible_value` children.
    pub possible_values: Vec<PossibleValue>,
    /// `possible_restriction` children.
    pub possible_restrictions: Vec<PossibleRestriction>,
}

/// A `possible_value`: one allowed value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct PossibleValue {
    /// `hint`.
    pub hint: String,
    /// The element text.
    pub value: String,
}

/// A `possible_restriction`: restrictions combined with an operator.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct PossibleRestriction {
    /// `operator` (default `AND`).
    pub operator: Operator,
    /// `hint`.
    pub hint: Option<String>,
    /// The `restriction` children.
    pub restrictions: Vec<Restriction>,
}

/// A `restriction`: a value compared with an operation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Restriction {
    /// `operation`.
    pub operation: Operation,
    /// The element text.
    pub value: String,
}

/// A component of a `local_variable`: a source of values or a function over other components.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Component {
    /// `object_component`: the values of one field of the items an object collects.
    Object {
        /// `object_ref`.
        object_ref: String,
        /// `item_field`: the item entity to take.
        item_field: String,
        /// `record_field`: the record field to take, when `item_field` is a record.
        record_field: Option<String>,
    },
    /// `variable_component`: the values of another variable.
    Variable {
        /// `var_ref`.
        var_ref: String,
    },
    /// `literal_component`: one literal value.
    Literal {
        /// `datatype` (default `string`).
        datatype: Datatype,
        /// The element text.
        value: String,
    },
    /// `arithmetic`: add or multiply two or more components.
    Arithmetic {
        /// `arithmetic_operation`.
        operation: ArithmeticOperation,
        /// The operands.
        components: Vec<Component>,
    },
    /// `begin`: make each value start with `character`.
    Begin {
        /// `character`.
        character: String,
        /// The operand.
        component: Box<Component>,
    },
    /// `concat`: concatenate two or more components.
    Concat(Vec<Component>),
    /// `count`: the number of values of its components.
    Count(Vec<Component>),
    /// `end`: make each value end with `character`.
    End {
        /// `character`.
        character: String,
        /// The operand.
        component: Box<Component>,
    },
    /// `escape_regex`: escape the regular expression metacharacters.
    EscapeRegex(Box<Component>),
    /// `glob_to_regex`: turn a shell glob into a regular expression.
    GlobToRegex {
        /// `glob_noescape` (default `false`).
        glob_noescape: bool,
        /// The operand.
        component: Box<Component>,
    },
    /// `regex_capture`: the first capture group of `pattern` in each value.
    RegexCapture {
        /// `pattern`.
        pattern: String,
        /// The operand.
        component: Box<Component>,
    },
    /// `split`: split each value on `delimiter`.
    Split {
        /// `delimiter`.
        delimiter: String,
        /// The operand.
        component: Box<Component>,
    },
    /// `substring`: `substring_length` characters from `substring_start` (1-based).
    Substring {
        /// `substring_start`.
        start: i64,
        /// `substring_length` (negative: to the end).
        length: i64,
        /// The operand.
        component: Box<Component>,
    },
    /// `time_difference`: seconds between two times (or between one time and now).
    TimeDifference {
        /// `format_1` (default `year_month_day`).
        format_1: DateTimeFormat,
        /// `format_2` (default `year_month_day`).
        format_2: DateTimeFormat,
        /// One or two operands.
        components: Vec<Component>,
    },
    /// `unique`: the distinct values of its components.
    Unique(Vec<Component>),
}

impl Component {
    /// The element name of this component, e.g. `regex_capture`.
    ///
    /// ```
    /// use scap_oval::model::Component;
    /// let c = Component::Variable { var_ref: "oval:x:var:1".into() };
    /// assert_eq!(c.element_name(), "variable_component");
    /// ```
    pub fn element_name(&self) -> &'static str {
        match self {
            Component::Object { .. } => "object_component",
            Component::Variable { .. } => "variable_component",
            Component::Literal { .. } => "literal_component",
            Component::Arithmetic { .. } => "arithmetic",
            Component::Begin { .. } => "begin",
            Component::Concat(_) => "concat",
            Component::Count(_) => "count",
            Component::End { .. } => "end",
            Component::EscapeRegex(_) => "escape_regex",
            Component::GlobToRegex { .. } => "glob_to_regex",
            Component::RegexCapture { .. } => "regex_capture",
            Component::Split { .. } => "split",
            Component::Substring { .. } => "substring",
            Component::TimeDifference { .. } => "time_difference",
            Component::Unique(_) => "unique",
        }
    }

    /// The direct operands of a function; empty for the three value sources.
    pub fn operands(&self) -> &[Component] {
        match self {
            Component::Object { .. } | Component::Variable { .. } | Component::Literal { .. } => {
                &[]
            }
            Component::Arithmetic { components, .. }
            | Component::TimeDifference { components, .. }
            | Component::Concat(components)
            | Component::Count(components)
            | Component::Unique(components) => components,
            Component::Begin { component, .. }
            | Component::End { component, .. }
            | Component::GlobToRegex { component, .. }
            | Component::RegexCapture { component, .. }
            | Component::Split { component, .. }
            | Component::Substring { component, .. } => std::slice::from_ref(component.as_ref()),
            Component::EscapeRegex(component) => std::slice::from_ref(component.as_ref()),
        }
    }
}
