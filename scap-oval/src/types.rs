//! The enumerations of the OVAL 5.11 common schema (`oval-common-schema.xsd`) that the model, the
//! evaluator and the results writer share: datatypes, operations, operators, check and existence
//! enumerations, result values and collected-object flags.
//!
//! Each enum parses from and prints to its exact XML spelling:
//!
//! ```
//! use scap_oval::types::{Datatype, Operation};
//! let d: Datatype = "debian_evr_string".parse().unwrap();
//! assert_eq!(d, Datatype::DebianEvrString);
//! assert_eq!(Operation::PatternMatch.as_str(), "pattern match");
//! ```

use std::fmt;
use std::str::FromStr;

/// A string did not name a member of an OVAL enumeration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a valid {enumeration}")]
pub struct UnknownValue {
    /// The enumeration's schema name, e.g. `DatatypeEnumeration`.
    pub enumeration: &'static str,
    /// The text that did not match.
    pub value: String,
}

macro_rules! xml_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $schema:literal, default = $default:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every member, in schema order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The exact XML spelling.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl Default for $name {
            /// The schema's default value.
            fn default() -> Self { $name::$default }
        }

        impl FromStr for $name {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<Self, UnknownValue> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownValue { enumeration: $schema, value: s.to_owned() }),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// Serialized as its XML spelling.
        #[cfg(feature = "serde")]
        #[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        /// Deserialized from its XML spelling.
        #[cfg(feature = "serde")]
        #[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

xml_enum! {
    /// `DatatypeEnumeration` (simple and complex datatypes of entities).
    Datatype, "DatatypeEnumeration", default = String {
        /// `binary`: hexadecimal bytes.
        Binary = "binary",
        /// `boolean`: `true`/`false`/`1`/`0`.
        Boolean = "boolean",
        /// `evr_string`: RPM epoch:version-release.
        EvrString = "evr_string",
        /// `debian_evr_string`: dpkg epoch:upstream-revision.
        DebianEvrString = "debian_evr_string",
        /// `fileset_revision`: HP-UX fileset revision.
        FilesetRevision = "fileset_revision",
        /// `float`.
        Float = "float",
        /// `ios_version`: Cisco IOS train version.
        IosVersion = "ios_version",
        /// `int`: 64-bit signed integer.
        Int = "int",
        /// `ipv4_address`, optionally with a prefix.
        Ipv4Address = "ipv4_address",
        /// `ipv6_address`, optionally with a prefix.
        Ipv6Address = "ipv6_address",
        /// `string` (the default).
        String = "string",
        /// `version`: dotted version components compared numerically.
        Version = "version",
        /// `record` (complex datatype with `field` children).
        Record = "record",
    }
}

xml_enum! {
    /// `OperationEnumeration`: how a collected value is compared with the stated one.
    Operation, "OperationEnumeration", default = Equals {
        /// `equals` (the default).
        Equals = "equals",
        /// `not equal`.
        NotEqual = "not equal",
        /// `case insensitive equals`.
        CaseInsensitiveEquals = "case insensitive equals",
        /// `case insensitive not equal`.
        CaseInsensitiveNotEqual = "case insensitive not equal",
        /// `greater than`.
        GreaterThan = "greater than",
        /// `less than`.
        LessThan = "less than",
        /// `greater than or equal`.
        GreaterThanOrEqual = "greater than or equal",
        /// `less than or equal`.
        LessThanOrEqual = "less than or equal",
        /// `bitwise and`.
        BitwiseAnd = "bitwise and",
        /// `bitwise or`.
        BitwiseOr = "bitwise or",
        /// `pattern match`: Perl-compatible regular expression search.
        PatternMatch = "pattern match",
        /// `subset of`.
        SubsetOf = "subset of",
        /// `superset of`.
        SupersetOf = "superset of",
    }
}

xml_enum! {
    /// `OperatorEnumeration`: how several results combine (criteria, state entities, records).
    Operator, "OperatorEnumeration", default = And {
        /// `AND` (the default).
        And = "AND",
        /// `ONE`: exactly one true.
        One = "ONE",
        /// `OR`.
        Or = "OR",
        /// `XOR`: an odd number true.
        Xor = "XOR",
    }
}

xml_enum! {
    /// `CheckEnumeration`: how many of a set must satisfy (test `check`, `var_check`,
    /// `entity_check`).
    Check, "CheckEnumeration", default = All {
        /// `all` (the default).
        All = "all",
        /// `at least one`.
        AtLeastOne = "at least one",
        /// `none exist` (deprecated in 5.3, read as `none satisfy`).
        NoneExist = "none exist",
        /// `none satisfy`.
        NoneSatisfy = "none satisfy",
        /// `only one`.
        OnlyOne = "only one",
    }
}

xml_enum! {
    /// `ExistenceEnumeration`: how many collected items a test requires (`check_existence`).
    Existence, "ExistenceEnumeration", default = AtLeastOneExists {
        /// `all_exist`.
        AllExist = "all_exist",
        /// `any_exist`.
        AnyExist = "any_exist",
        /// `at_least_one_exists` (the default).
        AtLeastOneExists = "at_least_one_exists",
        /// `none_exist`.
        NoneExist = "none_exist",
        /// `only_one_exists`.
        OnlyOneExists = "only_one_exists",
    }
}

xml_enum! {
    /// `ResultEnumeration` of the OVAL results schema.
    ResultValue, "ResultEnumeration", default = Unknown {
        /// `true`.
        True = "true",
        /// `false`.
        False = "false",
        /// `unknown`.
        Unknown = "unknown",
        /// `error`.
        Error = "error",
        /// `not evaluated`.
        NotEvaluated = "not evaluated",
        /// `not applicable`.
        NotApplicable = "not applicable",
    }
}

xml_enum! {
    /// `FlagEnumeration`: the outcome of collecting an object (system characteristics).
    Flag, "FlagEnumeration", default = Complete {
        /// `error`.
        Error = "error",
        /// `complete` (the default).
        Complete = "complete",
        /// `incomplete`.
        Incomplete = "incomplete",
        /// `does not exist`.
        DoesNotExist = "does not exist",
        /// `not collected`.
        NotCollected = "not collected",
        /// `not applicable`.
        NotApplicable = "not applicable",
    }
}

xml_enum! {
    /// `StatusEnumeration` of a collected item.
    ItemStatus, "StatusEnumeration", default = Exists {
        /// `error`.
        Error = "error",
        /// `exists` (the default).
        Exists = "exists",
        /// `does not exist`.
        DoesNotExist = "does not exist",
        /// `not collected`.
        NotCollected = "not collected",
    }
}

xml_enum! {
    /// `ClassEnumeration` of a definition.
    DefinitionClass, "ClassEnumeration", default = Compliance {
        /// `compliance`.
        Compliance = "compliance",
        /// `inventory`.
        Inventory = "inventory",
        /// `miscellaneous`.
        Miscellaneous = "miscellaneous",
        /// `patch`.
        Patch = "patch",
        /// `vulnerability`.
        Vulnerability = "vulnerability",
    }
}

xml_enum! {
    /// `SetOperatorEnumeration` of an object `set`.
    SetOperator, "SetOperatorEnumeration", default = Union {
        /// `COMPLEMENT`.
        Complement = "COMPLEMENT",
        /// `INTERSECTION`.
        Intersection = "INTERSECTION",
        /// `UNION` (the default).
        Union = "UNION",
    }
}

xml_enum! {
    /// `FilterActionEnumeration` of an object `filter`.
    FilterAction, "FilterActionEnumeration", default = Exclude {
        /// `exclude` (the default).
        Exclude = "exclude",
        /// `include`.
        Include = "include",
    }
}

xml_enum! {
    /// `ArithmeticEnumeration` of the `arithmetic` function.
    ArithmeticOperation, "ArithmeticEnumeration", default = Add {
        /// `add`.
        Add = "add",
        /// `multiply`.
        Multiply = "multiply",
    }
}

xml_enum! {
    /// `DateTimeFormatEnumeration` of the `time_difference` function.
    DateTimeFormat, "DateTimeFormatEnumeration", default = YearMonthDay {
        /// `year_month_day` (the default).
        YearMonthDay = "year_month_day",
        /// `month_day_year`.
        MonthDayYear = "month_day_year",
        /// `day_month_year`.
        DayMonthYear = "day_month_year",
        /// `win_filetime`.
        WinFiletime = "win_filetime",
        /// `seconds_since_epoch`.
        SecondsSinceEpoch = "seconds_since_epoch",
        /// `cim_datetime`.
        CimDatetime = "cim_datetime",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_member_round_trips_through_its_spelling() {
        for d in Datatype::ALL {
            assert_eq!(d.as_str().parse::<Datatype>().as_ref(), Ok(d));
        }
        for o in Operation::ALL {
            assert_eq!(o.as_str().parse::<Operation>().as_ref(), Ok(o));
        }
        for f in Flag::ALL {
            assert_eq!(f.to_string().parse::<Flag>().as_ref(), Ok(f));
        }
    }

    #[test]
    fn unknown_spelling_is_an_error_naming_the_enumeration() {
        let e = "Equals".parse::<Operation>().unwrap_err();
        assert_eq!(e.enumeration, "OperationEnumeration");
        assert_eq!(e.value, "Equals");
    }

    #[test]
    fn defaults_follow_the_schema() {
        assert_eq!(Datatype::default(), Datatype::String);
        assert_eq!(Existence::default(), Existence::AtLeastOneExists);
        assert_eq!(Check::default(), Check::All);
        assert_eq!(Operator::default(), Operator::And);
    }
}
