//! CPE name matching (NISTIR 7696): the attribute comparison relations of section 6.1 and the
//! name comparison relations of section 6.2.

use std::fmt;

use crate::wfn::{Attribute, AvString, Name, Value, Wildcard};

/// The relation between a source and a target attribute value (NISTIR 7696 table 6-1).
///
/// ```
/// use scap_cpe::{AttributeRelation, Value, compare_values};
/// assert_eq!(compare_values(&Value::Any, &Value::Na), AttributeRelation::Superset);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttributeRelation {
    /// Source is a superset of target.
    Superset,
    /// Source is a subset of target.
    Subset,
    /// Source and target are equal.
    Equal,
    /// Source and target have no value in common.
    Disjoint,
    /// The relation is not defined (the target has wildcards).
    Undefined,
}

impl fmt::Display for AttributeRelation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AttributeRelation::Superset => "SUPERSET",
            AttributeRelation::Subset => "SUBSET",
            AttributeRelation::Equal => "EQUAL",
            AttributeRelation::Disjoint => "DISJOINT",
            AttributeRelation::Undefined => "UNDEFINED",
        })
    }
}

/// Compares a source attribute value with a target value, following the pseudocode of NISTIR
/// 7696 section 6.1.2 and its table 6-2:
///
/// 1. a target string with wildcards gives UNDEFINED;
/// 2. equal values give EQUAL (strings compare ignoring ASCII case);
/// 3. a source ANY gives SUPERSET; a target ANY gives SUBSET;
/// 4. NA against anything else gives DISJOINT;
/// 5. otherwise the source string (with its wildcards) is matched against the target string:
///    SUPERSET if it matches, DISJOINT if not. A `*` matches any sequence of characters; a run of
///    n `?` at the start (or end) lets the match begin (or end) up to n characters in — the
///    7696 algorithm accepts fewer characters than there are `?`.
///
/// ```
/// use scap_cpe::{AttributeRelation, AvString, Value, compare_values};
/// let v = |s: &str| Value::Str(AvString::parse_wfn(s).unwrap());
/// assert_eq!(compare_values(&v(r"8\.0*"), &v(r"8\.0\.6001")), AttributeRelation::Superset);
/// assert_eq!(compare_values(&v("foo"), &v("bar")), AttributeRelation::Disjoint);
/// assert_eq!(compare_values(&v("Foo"), &v("foo")), AttributeRelation::Equal);
/// assert_eq!(compare_values(&v("foo"), &v("fo*")), AttributeRelation::Undefined);
/// ```
pub fn compare_values(source: &Value, target: &Value) -> AttributeRelation {
    if target.has_wildcards() {
        return AttributeRelation::Undefined;
    }
    match (source, target) {
        (Value::Any, Value::Any) | (Value::Na, Value::Na) => AttributeRelation::Equal,
        (Value::Str(s), Value::Str(t)) if equal_ignoring_case(s, t) => AttributeRelation::Equal,
        (Value::Any, _) => AttributeRelation::Superset,
        (_, Value::Any) => AttributeRelation::Subset,
        (Value::Na, _) | (_, Value::Na) => AttributeRelation::Disjoint,
        (Value::Str(s), Value::Str(t)) => compare_strings(s, t.body()),
    }
}

fn equal_ignoring_case(s: &AvString, t: &AvString) -> bool {
    s.prefix() == t.prefix() && s.suffix() == t.suffix() && s.body().eq_ignore_ascii_case(t.body())
}

/// The `compare_strings` function of NISTIR 7696 section 6.1.2: can the source (with
/// wildcards) produce the literal target? Bodies are printable ASCII, so byte and character
/// positions agree, and they are unquoted, so the escape counting of the pseudocode is not needed.
fn compare_strings(source: &AvString, target: &str) -> AttributeRelation {
    // -1 stands for `*`, n for a run of n `?`, as in the pseudocode.
    let reach = |w: Wildcard| -> i64 {
        match w {
            Wildcard::None => 0,
            Wildcard::Star => -1,
            Wildcard::Questions(n) => i64::from(n),
        }
    };
    let begins = reach(source.prefix());
    let ends = reach(source.suffix());
    let needle = source.body().to_ascii_lowercase();
    let haystack = target.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = haystack.get(from..).and_then(|h| h.find(&needle)) {
        let index = from + found;
        let index_i = i64::try_from(index).unwrap_or(i64::MAX);
        if index > 0 && begins != -1 && begins < index_i {
            // Too many characters before the match, and later matches only start later.
            break;
        }
        let leftover = haystack.len() - index - needle.len();
        let leftover_i = i64::try_from(leftover).unwrap_or(i64::MAX);
        if leftover > 0 && ends != -1 && leftover_i > ends {
            from = index + 1;
            continue;
        }
        return AttributeRelation::Superset;
    }
    AttributeRelation::Disjoint
}

/// The relation between two names (NISTIR 7696 section 6.2, table 6-4).
///
/// ```
/// use scap_cpe::{Name, NameRelation};
/// let source: Name = "cpe:/o:debian:debian_linux".parse()?;
/// let target: Name = "cpe:/o:debian:debian_linux:11".parse()?;
/// assert_eq!(source.compare(&target), NameRelation::Superset);
/// # Ok::<(), scap_cpe::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NameRelation {
    /// CPE_DISJOINT: some attribute is DISJOINT.
    Disjoint,
    /// CPE_EQUAL: every attribute is EQUAL.
    Equal,
    /// CPE_SUBSET: every attribute is SUBSET or EQUAL, not all EQUAL.
    Subset,
    /// CPE_SUPERSET: every attribute is SUPERSET or EQUAL, not all EQUAL.
    Superset,
    /// None of the four relations holds: attributes mix SUBSET and SUPERSET, or one is
    /// UNDEFINED with none DISJOINT.
    Undefined,
}

impl fmt::Display for NameRelation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NameRelation::Disjoint => "CPE_DISJOINT",
            NameRelation::Equal => "CPE_EQUAL",
            NameRelation::Subset => "CPE_SUBSET",
            NameRelation::Superset => "CPE_SUPERSET",
            NameRelation::Undefined => "no CPE name relation (UNDEFINED)",
        })
    }
}

/// Per-attribute results of comparing two names (`compare_wfns` of NISTIR 7696 section 6.2).
///
/// ```
/// use scap_cpe::{Attribute, AttributeRelation, Name};
/// let a: Name = "cpe:/a:redhat:openssl".parse()?;
/// let b: Name = "cpe:/a:redhat:openssl:1.1".parse()?;
/// let table = a.compare_attributes(&b);
/// assert_eq!(table.get(Attribute::Version), AttributeRelation::Superset);
/// # Ok::<(), scap_cpe::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AttributeComparison {
    /// One relation per attribute, in binding order.
    pub relations: [AttributeRelation; 11],
}

impl AttributeComparison {
    /// The relation for one attribute.
    ///
    /// ```
    /// use scap_cpe::{Attribute, AttributeRelation, Name};
    /// let a = Name::new();
    /// assert_eq!(a.compare_attributes(&a).get(Attribute::Part), AttributeRelation::Equal);
    /// ```
    pub fn get(&self, attribute: Attribute) -> AttributeRelation {
        self.relations[attribute.index()]
    }

    /// CPE_DISJOINT: some attribute is DISJOINT.
    ///
    /// ```
    /// use scap_cpe::Name;
    /// let a: Name = "cpe:/a:x".parse()?;
    /// let b: Name = "cpe:/a:y".parse()?;
    /// assert!(a.compare_attributes(&b).is_disjoint());
    /// # Ok::<(), scap_cpe::Error>(())
    /// ```
    pub fn is_disjoint(&self) -> bool {
        self.relations.contains(&AttributeRelation::Disjoint)
    }

    /// CPE_EQUAL: every attribute is EQUAL.
    ///
    /// ```
    /// let a: scap_cpe::Name = "cpe:/a:x".parse()?;
    /// assert!(a.compare_attributes(&a).is_equal());
    /// # Ok::<(), scap_cpe::Error>(())
    /// ```
    pub fn is_equal(&self) -> bool {
        self.relations
            .iter()
            .all(|r| *r == AttributeRelation::Equal)
    }

    /// CPE_SUBSET: every attribute is SUBSET or EQUAL (so also true when CPE_EQUAL).
    ///
    /// ```
    /// let a: scap_cpe::Name = "cpe:/a:x:y:1".parse()?;
    /// let b: scap_cpe::Name = "cpe:/a:x:y".parse()?;
    /// assert!(a.compare_attributes(&b).is_subset());
    /// # Ok::<(), scap_cpe::Error>(())
    /// ```
    pub fn is_subset(&self) -> bool {
        self.relations
            .iter()
            .all(|r| matches!(r, AttributeRelation::Subset | AttributeRelation::Equal))
    }

    /// CPE_SUPERSET: every attribute is SUPERSET or EQUAL (so also true when CPE_EQUAL).
    ///
    /// ```
    /// let a: scap_cpe::Name = "cpe:/a:x:y".parse()?;
    /// let b: scap_cpe::Name = "cpe:/a:x:y:1".parse()?;
    /// assert!(a.compare_attributes(&b).is_superset());
    /// # Ok::<(), scap_cpe::Error>(())
    /// ```
    pub fn is_superset(&self) -> bool {
        self.relations
            .iter()
            .all(|r| matches!(r, AttributeRelation::Superset | AttributeRelation::Equal))
    }

    /// The single name relation: DISJOINT first, then EQUAL, SUBSET, SUPERSET, else UNDEFINED.
    ///
    /// ```
    /// use scap_cpe::{Name, NameRelation};
    /// let a: Name = "cpe:/a:x:y:1".parse()?;
    /// let b: Name = "cpe:/a:x:y".parse()?;
    /// assert_eq!(a.compare_attributes(&b).relation(), NameRelation::Subset);
    /// # Ok::<(), scap_cpe::Error>(())
    /// ```
    pub fn relation(&self) -> NameRelation {
        if self.is_disjoint() {
            NameRelation::Disjoint
        } else if self.is_equal() {
            NameRelation::Equal
        } else if self.is_subset() {
            NameRelation::Subset
        } else if self.is_superset() {
            NameRelation::Superset
        } else {
            NameRelation::Undefined
        }
    }
}

impl Name {
    /// Compares every attribute of `self` (the source) with `target`.
    ///
    /// ```
    /// use scap_cpe::{Attribute, AttributeRelation, Name};
    /// let a: Name = "cpe:/a:x".parse()?;
    /// assert_eq!(a.compare_attributes(&Name::new()).get(Attribute::Vendor), AttributeRelation::Subset);
    /// # Ok::<(), scap_cpe::Error>(())
    /// ```
    pub fn compare_attributes(&self, target: &Name) -> AttributeComparison {
        let mut relations = [AttributeRelation::Equal; 11];
        for (slot, (s, t)) in relations
            .iter_mut()
            .zip(self.values().iter().zip(target.values()))
        {
            *slot = compare_values(s, t);
        }
        AttributeComparison { relations }
    }

    /// The name relation between `self` (the source) and `target`.
    ///
    /// ```
    /// use scap_cpe::{Name, NameRelation};
    /// let a: Name = "cpe:2.3:a:microsoft:internet_explorer:8.*:*:*:*:*:*:*:*".parse()?;
    /// let b: Name = "cpe:/a:microsoft:internet_explorer:8.0.6001:beta".parse()?;
    /// assert_eq!(a.compare(&b), NameRelation::Superset);
    /// # Ok::<(), scap_cpe::Error>(())
    /// ```
    pub fn compare(&self, target: &Name) -> NameRelation {
        self.compare_attributes(target).relation()
    }

    /// Whether `self` matches `target` in the sense of the applicability language: CPE_SUPERSET
    /// or CPE_EQUAL, that is every attribute of `self` is SUPERSET or EQUAL of the target's.
    ///
    /// ```
    /// let pattern: scap_cpe::Name = "cpe:/o:debian:debian_linux".parse()?;
    /// assert!(pattern.matches(&"cpe:/o:debian:debian_linux:11".parse()?));
    /// assert!(!pattern.matches(&"cpe:/o:redhat:enterprise_linux:8".parse()?));
    /// # Ok::<(), scap_cpe::Error>(())
    /// ```
    pub fn matches(&self, target: &Name) -> bool {
        self.compare_attributes(target).is_superset()
    }
}
