//! The result words of XCCDF and OVAL as enums: a rule's result ([`RuleStatus`], XCCDF 1.2
//! section 6.6.4.2), an OVAL definition, criteria or test result ([`OvalResult`], OVAL 5.11
//! results schema `ResultEnumeration`), a collected object's flag ([`ObjectFlag`], system
//! characteristics `FlagEnumeration`) and an item's status ([`ItemStatus`], system
//! characteristics `StatusEnumeration`).
//!
//! Each reads and writes its XML spelling: [`FromStr`] and `as_str`, serde (so report JSON
//! holds the same words it held as strings), and [`fmt::Display`]. They order by that spelling,
//! so a `BTreeMap` keyed by them serializes its keys in the order a map keyed by the words did.
//! A word outside the standard's list is an [`Error::UnknownWord`], and in a document an
//! [`Error::InvalidValue`] naming the line: a result the reader does not understand is never
//! dropped or guessed.
//!
//! A rule's result is `scap_xccdf`'s [`XccdfResult`](scap_xccdf::XccdfResult) itself (the
//! evaluator's result, the `TestResult` model's, the report's: one type). The OVAL words live
//! here, not in `scap-oval`, so that reading a report does not need the OVAL evaluator and
//! its probes.

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

/// An XCCDF 1.2 rule result (`rule-result/result`, section 6.6.4.2, table 26): the one type
/// the evaluator, the `TestResult` model and the reports share, [`scap_xccdf::XccdfResult`],
/// under the name the report side has always used. Its words, order (by spelling), serde and
/// [`is_open`](scap_xccdf::XccdfResult::is_open) / [`needs_review`](scap_xccdf::XccdfResult::needs_review)
/// are defined there.
///
/// ```
/// use scap_arf::status::RuleStatus;
/// let r: RuleStatus = "notapplicable".parse()?;
/// assert_eq!(r, RuleStatus::NotApplicable);
/// assert!(!r.is_open());
/// assert_eq!(r, scap_xccdf::XccdfResult::NotApplicable);
/// assert_eq!(serde_json::to_string(&RuleStatus::Fail)?, "\"fail\"");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub type RuleStatus = scap_xccdf::XccdfResult;

words! {
    /// An OVAL 5.11 result of a definition, criteria node, test or tested item (results
    /// schema `ResultEnumeration`).
    ///
    /// ```
    /// use scap_arf::status::OvalResult;
    /// assert_eq!("not evaluated".parse::<OvalResult>()?, OvalResult::NotEvaluated);
    /// assert_eq!(OvalResult::NotApplicable.to_string(), "not applicable");
    /// # Ok::<(), scap_arf::Error>(())
    /// ```
    OvalResult {
        /// The characteristics were found as specified (a definition: its condition holds).
        True = "true",
        /// They were not.
        False = "false",
        /// An error stopped the evaluation.
        Error = "error",
        /// The evaluation could not decide.
        Unknown = "unknown",
        /// The evaluation was not done (not asked for).
        NotEvaluated = "not evaluated",
        /// It does not apply to the system (a test for another platform).
        NotApplicable = "not applicable",
    }
}

impl Default for OvalResult {
    /// [`OvalResult::Unknown`]: a result nobody has determined.
    fn default() -> OvalResult {
        OvalResult::Unknown
    }
}

words! {
    /// How completely an OVAL object was collected (system characteristics schema
    /// `FlagEnumeration`).
    ///
    /// ```
    /// use scap_arf::status::ObjectFlag;
    /// assert_eq!("does not exist".parse::<ObjectFlag>()?, ObjectFlag::DoesNotExist);
    /// # Ok::<(), scap_arf::Error>(())
    /// ```
    ObjectFlag {
        /// An error stopped the collection.
        Error = "error",
        /// Every matching item was collected.
        Complete = "complete",
        /// Some matching items were collected, not all.
        Incomplete = "incomplete",
        /// No item matches the object.
        DoesNotExist = "does not exist",
        /// The object was not collected (a probe the collector lacks).
        NotCollected = "not collected",
        /// The object does not apply to the system.
        NotApplicable = "not applicable",
    }
}

impl Default for ObjectFlag {
    /// [`ObjectFlag::NotCollected`]: nothing was collected yet.
    fn default() -> ObjectFlag {
        ObjectFlag::NotCollected
    }
}

words! {
    /// Whether a system-characteristics item was found (system characteristics schema
    /// `StatusEnumeration`).
    ///
    /// ```
    /// use scap_arf::status::ItemStatus;
    /// assert_eq!(ItemStatus::default(), ItemStatus::Exists);
    /// assert_eq!("not collected".parse::<ItemStatus>()?, ItemStatus::NotCollected);
    /// # Ok::<(), scap_arf::Error>(())
    /// ```
    ItemStatus {
        /// The item exists (its entities hold values).
        Exists = "exists",
        /// The item does not exist.
        DoesNotExist = "does not exist",
        /// An error stopped its collection.
        Error = "error",
        /// It was not collected.
        NotCollected = "not collected",
    }
}

impl Default for ItemStatus {
    /// [`ItemStatus::Exists`], the schema's default for an item without a `status`.
    fn default() -> ItemStatus {
        ItemStatus::Exists
    }
}

/// Serde for an optional word that JSON writes as `""` when absent (the report schema's
/// spelling from when these were strings).
pub(crate) mod empty_as_none {
    use std::fmt::Display;
    use std::str::FromStr;

    use serde::{Deserialize, Deserializer, Serializer};

    /// `""` for `None`, the word otherwise.
    pub(crate) fn serialize<T: Display, S: Serializer>(
        v: &Option<T>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.collect_str(v),
            None => s.serialize_str(""),
        }
    }

    /// `None` for `""`, the parsed word otherwise.
    pub(crate) fn deserialize<'de, T, D>(d: D) -> Result<Option<T>, D::Error>
    where
        T: FromStr,
        T::Err: Display,
        D: Deserializer<'de>,
    {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        if s.is_empty() {
            return Ok(None);
        }
        s.parse().map(Some).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_round_trips_through_str_and_serde() -> Result<(), Box<dyn std::error::Error>> {
        for r in RuleStatus::ALL.iter() {
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
    fn oval_words_round_trip_with_their_spaces() -> Result<(), Box<dyn std::error::Error>> {
        for r in OvalResult::ALL {
            assert_eq!(r.as_str().parse::<OvalResult>()?, *r);
            assert_eq!(serde_json::to_string(r)?, format!("\"{r}\""));
        }
        for f in ObjectFlag::ALL {
            assert_eq!(f.as_str().parse::<ObjectFlag>()?, *f);
            assert_eq!(serde_json::to_string(f)?, format!("\"{f}\""));
        }
        for i in ItemStatus::ALL {
            assert_eq!(i.as_str().parse::<ItemStatus>()?, *i);
            assert_eq!(serde_json::to_string(i)?, format!("\"{i}\""));
        }
        assert_eq!(
            (
                OvalResult::ALL.len(),
                ObjectFlag::ALL.len(),
                ItemStatus::ALL.len()
            ),
            (6, 6, 4)
        );
        assert!("not_evaluated".parse::<OvalResult>().is_err());
        Ok(())
    }

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Holder {
        #[serde(with = "empty_as_none")]
        r: Option<OvalResult>,
    }

    #[test]
    fn an_absent_word_is_an_empty_string_in_json() -> Result<(), Box<dyn std::error::Error>> {
        let none = Holder { r: None };
        assert_eq!(serde_json::to_string(&none)?, r#"{"r":""}"#);
        assert_eq!(serde_json::from_str::<Holder>(r#"{"r":""}"#)?, none);
        let some = Holder {
            r: Some(OvalResult::NotEvaluated),
        };
        assert_eq!(serde_json::to_string(&some)?, r#"{"r":"not evaluated"}"#);
        assert_eq!(
            serde_json::from_str::<Holder>(r#"{"r":"not evaluated"}"#)?,
            some
        );
        assert!(serde_json::from_str::<Holder>(r#"{"r":"maybe"}"#).is_err());
        Ok(())
    }

    #[test]
    fn unknown_words_and_other_cases_are_errors() {
        for w in ["", "FAIL", "not applicable", "passed"] {
            let e = w.parse::<RuleStatus>();
            assert!(
                matches!(e, Err(scap_xccdf::UnknownResult(ref word)) if word == w),
                "{w:?}"
            );
        }
        for w in ["", "TRUE", "notapplicable", "passed"] {
            let e = w.parse::<OvalResult>();
            assert!(
                matches!(e, Err(Error::UnknownWord { kind: "OvalResult", ref word }) if word == w),
                "{w:?}"
            );
        }
    }
}
