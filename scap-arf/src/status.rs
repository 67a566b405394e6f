//! The result words of XCCDF as enums: a rule's result ([`RuleStatus`], XCCDF 1.2 section
//! 6.6.4.2).
//!
//! Each reads and writes its XML spelling: [`FromStr`] and `as_str`, serde (so report JSON
//! holds the same words it held as strings), and [`fmt::Display`]. They order by that spelling,
//! so a `BTreeMap` keyed by them serializes its keys in the order a map keyed by the words did.
//! A word outside the standard's list is an [`Error::UnknownWord`], and in a document an
//! [`Error::InvalidValue`] naming the line: a result the reader does not understand is never
//! dropped or guessed.
//!
//! They live here, not in `scap-xccdf` or `scap-oval`, so that reading a report does not need
//! the evaluators.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// Defines a unit enum of XML words with `ALL`, `as_str`, `FromStr`, `Display`, serde and an
/// order by spelling. The first variant is the one the generated doc examples use.
macro_rules! words {
    (
        $(#[$meta:meta])*
        $name:ident {
            $(#[$vmeta0:meta])* $v0:ident = $s0:literal,
            $($(#[$vmeta:meta])* $v:ident = $s:literal,)*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $(#[$vmeta0])* #[serde(rename = $s0)] $v0,
            $($(#[$vmeta])* #[serde(rename = $s)] $v,)*
        }

        impl $name {
            /// Every value, in the order the standard lists them.
            pub const ALL: &'static [$name] = &[$name::$v0, $($name::$v),*];

            /// The XML spelling.
            ///
            #[doc = concat!("```\nassert_eq!(scap_arf::status::", stringify!($name), "::",
                stringify!($v0), ".as_str(), ", stringify!($s0), ");\n```")]
            pub fn as_str(self) -> &'static str {
                match self {
                    $name::$v0 => $s0,
                    $($name::$v => $s,)*
                }
            }
        }

        impl FromStr for $name {
            type Err = Error;

            /// The value spelled `s` exactly (XML words are case-sensitive).
            ///
            #[doc = concat!("```\nuse scap_arf::status::", stringify!($name), ";\n",
                "assert_eq!(", stringify!($s0), ".parse::<", stringify!($name), ">().ok(), Some(",
                stringify!($name), "::", stringify!($v0), "));\n",
                "assert!(\"no such word\".parse::<", stringify!($name), ">().is_err());\n```")]
            fn from_str(s: &str) -> Result<$name, Error> {
                match s {
                    $s0 => Ok($name::$v0),
                    $($s => Ok($name::$v),)*
                    _ => Err(Error::UnknownWord {
                        kind: stringify!($name),
                        word: s.to_string(),
                    }),
                }
            }
        }

        impl fmt::Display for $name {
            /// The XML spelling.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl PartialOrd for $name {
            fn partial_cmp(&self, other: &$name) -> Option<Ordering> {
                Some(self.cmp(other))
            }
        }

        impl Ord for $name {
            /// By XML spelling (see the [module docs](self)).
            fn cmp(&self, other: &$name) -> Ordering {
                self.as_str().cmp(other.as_str())
            }
        }
    };
}

words! {
    /// An XCCDF 1.2 rule result (`rule-result/result`, section 6.6.4.2, table 26).
    ///
    /// ```
    /// use scap_arf::status::RuleStatus;
    /// let r: RuleStatus = "notapplicable".parse()?;
    /// assert_eq!(r, RuleStatus::NotApplicable);
    /// assert!(!r.is_open());
    /// assert_eq!(serde_json::to_string(&RuleStatus::Fail)?, "\"fail\"");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    RuleStatus {
        /// The target satisfied the rule.
        Pass = "pass",
        /// The target did not satisfy the rule.
        Fail = "fail",
        /// The checking engine could not complete the evaluation.
        Error = "error",
        /// The engine could not tell (the default of an empty [`crate::report::RuleReport`]).
        Unknown = "unknown",
        /// The rule does not apply to the target (a platform it is not).
        NotApplicable = "notapplicable",
        /// The rule was not evaluated (no check, or a manual one).
        NotChecked = "notchecked",
        /// The rule was not selected in the profile.
        NotSelected = "notselected",
        /// The rule was checked for information only; there is nothing to pass.
        Informational = "informational",
        /// The rule failed and was then fixed by remediation.
        Fixed = "fixed",
    }
}

impl RuleStatus {
    /// Whether the result is a finding to act on: `fail`, `error` or `unknown` (the rows of
    /// a POA&M).
    ///
    /// ```
    /// use scap_arf::status::RuleStatus;
    /// let open: Vec<_> = RuleStatus::ALL.iter().filter(|r| r.is_open()).collect();
    /// assert_eq!(open, [&RuleStatus::Fail, &RuleStatus::Error, &RuleStatus::Unknown]);
    /// ```
    pub fn is_open(self) -> bool {
        matches!(
            self,
            RuleStatus::Fail | RuleStatus::Error | RuleStatus::Unknown
        )
    }
}

impl Default for RuleStatus {
    /// [`RuleStatus::Unknown`]: a result nobody has determined.
    fn default() -> RuleStatus {
        RuleStatus::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_round_trips_through_str_and_serde() -> Result<(), Box<dyn std::error::Error>> {
        for r in RuleStatus::ALL {
            assert_eq!(r.as_str().parse::<RuleStatus>()?, *r);
            assert_eq!(serde_json::to_string(r)?, format!("\"{r}\""));
            assert_eq!(serde_json::from_str::<RuleStatus>(&format!("\"{r}\""))?, *r);
        }
        assert_eq!(RuleStatus::ALL.len(), 9);
        Ok(())
    }

    #[test]
    fn order_is_by_spelling_so_counts_keep_their_json_order() {
        let mut all = RuleStatus::ALL.to_vec();
        all.sort();
        let words: Vec<&str> = all.iter().map(|r| r.as_str()).collect();
        let mut sorted = words.clone();
        sorted.sort_unstable();
        assert_eq!(words, sorted);
        assert_eq!(words[0], "error");
    }

    #[test]
    fn unknown_words_and_other_cases_are_errors() {
        for w in ["", "FAIL", "not applicable", "passed"] {
            let e = w.parse::<RuleStatus>();
            assert!(
                matches!(e, Err(Error::UnknownWord { kind: "RuleStatus", ref word }) if word == w),
                "{w:?}"
            );
        }
    }
}
