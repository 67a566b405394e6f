//! Evaluation of the applicability language (NISTIR 7698 section 6.4): three-valued logic over
//! fact-refs (matched against the target's CPE names) and check-fact-refs (handed to the caller).

use std::fmt;

use crate::dictionary::Dictionary;
use crate::language::{
    CheckFactRef, FactRef, LogicalTest, MAX_DEPTH, Operator, Platform, PlatformSpecification, Test,
};
use crate::wfn::Name;

/// Where fact-refs get their answer: a known list of target names, or a dictionary whose items'
/// checks are run on demand.
#[derive(Clone, Copy)]
enum Facts<'a> {
    Names(&'a [Name]),
    Dictionary(&'a Dictionary),
}

/// The result of evaluating a platform, test, or check: TRUE, FALSE or ERROR (NISTIR 7698).
///
/// ```
/// use scap_cpe::ApplicabilityResult::{Error, False, True};
/// assert_eq!(True.and(Error), Error);
/// assert_eq!(False.and(Error), False);
/// assert_eq!(True.or(Error), True);
/// assert_eq!(Error.negate(), Error);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApplicabilityResult {
    /// The platform (test, check) applies.
    True,
    /// It does not apply.
    False,
    /// It could not be decided (a check failed or is unsupported).
    Error,
}

impl ApplicabilityResult {
    /// Logical negation; ERROR stays ERROR.
    ///
    /// ```
    /// assert_eq!(scap_cpe::ApplicabilityResult::True.negate(), scap_cpe::ApplicabilityResult::False);
    /// ```
    pub fn negate(self) -> ApplicabilityResult {
        match self {
            ApplicabilityResult::True => ApplicabilityResult::False,
            ApplicabilityResult::False => ApplicabilityResult::True,
            ApplicabilityResult::Error => ApplicabilityResult::Error,
        }
    }

    /// AND: FALSE if either is FALSE, else ERROR if either is ERROR, else TRUE.
    ///
    /// ```
    /// use scap_cpe::ApplicabilityResult::*;
    /// assert_eq!(True.and(True), True);
    /// ```
    pub fn and(self, other: ApplicabilityResult) -> ApplicabilityResult {
        use ApplicabilityResult::*;
        match (self, other) {
            (False, _) | (_, False) => False,
            (Error, _) | (_, Error) => Error,
            (True, True) => True,
        }
    }

    /// OR: TRUE if either is TRUE, else ERROR if either is ERROR, else FALSE.
    ///
    /// ```
    /// use scap_cpe::ApplicabilityResult::*;
    /// assert_eq!(False.or(Error), Error);
    /// ```
    pub fn or(self, other: ApplicabilityResult) -> ApplicabilityResult {
        use ApplicabilityResult::*;
        match (self, other) {
            (True, _) | (_, True) => True,
            (Error, _) | (_, Error) => Error,
            (False, False) => False,
        }
    }
}

impl From<bool> for ApplicabilityResult {
    fn from(b: bool) -> ApplicabilityResult {
        if b {
            ApplicabilityResult::True
        } else {
            ApplicabilityResult::False
        }
    }
}

impl fmt::Display for ApplicabilityResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ApplicabilityResult::True => "TRUE",
            ApplicabilityResult::False => "FALSE",
            ApplicabilityResult::Error => "ERROR",
        })
    }
}

/// Evaluates `check-fact-ref`s (and dictionary checks) for the caller, so that this crate
/// needs no check engine. Any `FnMut(&CheckFactRef) -> ApplicabilityResult` is one.
///
/// ```
/// use scap_cpe::{ApplicabilityResult, CheckEvaluator, CheckFactRef};
/// struct Oval;
/// impl CheckEvaluator for Oval {
///     fn evaluate(&mut self, check: &CheckFactRef) -> ApplicabilityResult {
///         (check.id_ref == "oval:x:def:1").into()
///     }
/// }
/// let check = CheckFactRef::new("http://oval.mitre.org/XMLSchema/oval-definitions-5", "x.xml", "oval:x:def:1");
/// assert_eq!(Oval.evaluate(&check), ApplicabilityResult::True);
/// ```
pub trait CheckEvaluator {
    /// The result of one check.
    fn evaluate(&mut self, check: &CheckFactRef) -> ApplicabilityResult;
}

impl<F: FnMut(&CheckFactRef) -> ApplicabilityResult> CheckEvaluator for F {
    fn evaluate(&mut self, check: &CheckFactRef) -> ApplicabilityResult {
        self(check)
    }
}

/// A [`CheckEvaluator`] for callers without a check engine: every check is ERROR.
///
/// ```
/// use scap_cpe::{ApplicabilityResult, CheckEvaluator, CheckFactRef, NoChecks};
/// assert_eq!(NoChecks.evaluate(&CheckFactRef::new("s", "h", "i")), ApplicabilityResult::Error);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct NoChecks;

impl CheckEvaluator for NoChecks {
    fn evaluate(&mut self, _check: &CheckFactRef) -> ApplicabilityResult {
        ApplicabilityResult::Error
    }
}

impl FactRef {
    /// TRUE when some name of the target is matched by this fact-ref: the fact-ref name is the
    /// source, the target's name the target, and their NISTIR 7696 name relation is CPE_SUPERSET
    /// or CPE_EQUAL ([`Name::matches`]). So `cpe:/o:debian:debian_linux` matches a target named
    /// `cpe:/o:debian:debian_linux:11`, not the reverse. Never ERROR.
    ///
    /// ```
    /// use scap_cpe::{ApplicabilityResult, FactRef, Name};
    /// let fact = FactRef::new("cpe:/o:debian:debian_linux".parse()?);
    /// let target: Vec<Name> = vec!["cpe:/o:debian:debian_linux:11".parse()?];
    /// assert_eq!(fact.evaluate(&target), ApplicabilityResult::True);
    /// assert_eq!(fact.evaluate(&[]), ApplicabilityResult::False);
    /// # Ok::<(), scap_cpe::Error>(())
    /// ```
    pub fn evaluate(&self, target_names: &[Name]) -> ApplicabilityResult {
        target_names.iter().any(|n| self.name.matches(n)).into()
    }
}

impl LogicalTest {
    /// Evaluates the test: children combined with AND or OR in three-valued logic (AND is
    /// FALSE if any child is FALSE, else ERROR if any is ERROR, else TRUE; OR is TRUE if any is
    /// TRUE, else ERROR if any is ERROR, else FALSE), then negated if `negate` (ERROR stays
    /// ERROR). An empty AND is TRUE and an empty OR FALSE, as in OpenSCAP. Evaluation stops
    /// at the first FALSE child of an AND or TRUE child of an OR, so later checks are not run
    /// (the result is the same). Tests nested deeper than [`MAX_DEPTH`] give ERROR.
    ///
    /// ```
    /// use scap_cpe::{ApplicabilityResult, CheckFactRef, LogicalTest, Operator, Test};
    /// let mut test = LogicalTest::new(Operator::Or, true);
    /// test.tests.push(Test::Check(CheckFactRef::new("s", "h", "i")));
    /// let mut evaluator = |_: &CheckFactRef| ApplicabilityResult::False;
    /// assert_eq!(test.evaluate(&[], &mut evaluator), ApplicabilityResult::True);
    /// ```
    pub fn evaluate(
        &self,
        target_names: &[Name],
        checks: &mut dyn CheckEvaluator,
    ) -> ApplicabilityResult {
        self.evaluate_at(Facts::Names(target_names), checks, 1)
    }

    /// Evaluates the test the way OpenSCAP does, without a list of target names: a fact-ref is
    /// TRUE when some non-deprecated dictionary item whose name the fact-ref name matches
    /// ([`Name::matches`]) has a check that the evaluator finds TRUE ([`Item::evaluate`]);
    /// otherwise ERROR if one of those items' checks gave only ERROR, else FALSE. Items without
    /// checks count as FALSE. Checks run each time a fact-ref needs them, so an evaluator backed
    /// by an expensive engine should cache its results.
    ///
    /// [`Item::evaluate`]: crate::Item::evaluate
    ///
    /// ```
    /// use scap_cpe::{ApplicabilityResult, CheckFactRef, Dictionary, PlatformSpecification};
    /// let dict: Dictionary = r#"<cpe-list xmlns="http://cpe.mitre.org/dictionary/2.0">
    ///   <cpe-item name="cpe:/a:sudo"><title>sudo</title><check system="oval">oval:sudo:def:1</check></cpe-item>
    /// </cpe-list>"#.parse()?;
    /// let spec: PlatformSpecification = r#"<platform-specification xmlns="http://cpe.mitre.org/language/2.0">
    ///   <platform id="sudo"><logical-test operator="AND" negate="false">
    ///     <fact-ref name="cpe:/a:sudo"/></logical-test></platform>
    /// </platform-specification>"#.parse()?;
    /// let test = &spec.platforms[0].test;
    /// let mut installed = |_: &CheckFactRef| ApplicabilityResult::True;
    /// assert_eq!(test.evaluate_with_dictionary(&dict, &mut installed), ApplicabilityResult::True);
    /// let mut missing = |_: &CheckFactRef| ApplicabilityResult::False;
    /// assert_eq!(test.evaluate_with_dictionary(&dict, &mut missing), ApplicabilityResult::False);
    /// # Ok::<(), scap_cpe::Error>(())
    /// ```
    pub fn evaluate_with_dictionary(
        &self,
        dictionary: &Dictionary,
        checks: &mut dyn CheckEvaluator,
    ) -> ApplicabilityResult {
        self.evaluate_at(Facts::Dictionary(dictionary), checks, 1)
    }

    fn evaluate_at(
        &self,
        facts: Facts<'_>,
        checks: &mut dyn CheckEvaluator,
        depth: usize,
    ) -> ApplicabilityResult {
        if depth > MAX_DEPTH {
            return ApplicabilityResult::Error;
        }
        let (mut acc, stop) = match self.operator {
            Operator::And => (ApplicabilityResult::True, ApplicabilityResult::False),
            Operator::Or => (ApplicabilityResult::False, ApplicabilityResult::True),
        };
        for test in &self.tests {
            let r = match test {
                Test::Logical(t) => t.evaluate_at(facts, checks, depth + 1),
                Test::Fact(f) => match facts {
                    Facts::Names(names) => f.evaluate(names),
                    Facts::Dictionary(dictionary) => fact_from_dictionary(f, dictionary, checks),
                },
                Test::Check(c) => checks.evaluate(c),
            };
            acc = match self.operator {
                Operator::And => acc.and(r),
                Operator::Or => acc.or(r),
            };
            if acc == stop {
                break;
            }
        }
        if self.negate { acc.negate() } else { acc }
    }
}

fn fact_from_dictionary(
    fact: &FactRef,
    dictionary: &Dictionary,
    checks: &mut dyn CheckEvaluator,
) -> ApplicabilityResult {
    let mut result = ApplicabilityResult::False;
    for item in dictionary.matching(&fact.name) {
        if item.deprecated || item.checks.is_empty() {
            continue;
        }
        result = result.or(item.evaluate(checks));
        if result == ApplicabilityResult::True {
            break;
        }
    }
    result
}

impl Platform {
    /// Evaluates the platform's logical test.
    ///
    /// ```
    /// use scap_cpe::{ApplicabilityResult, FactRef, LogicalTest, Name, NoChecks, Operator, Platform, Test};
    /// let mut test = LogicalTest::new(Operator::And, false);
    /// test.tests.push(Test::Fact(FactRef::new("cpe:/a:sudo".parse()?)));
    /// let platform = Platform::new("sudo", test);
    /// let names: Vec<Name> = vec!["cpe:/a:sudo".parse()?];
    /// assert_eq!(platform.evaluate(&names, &mut NoChecks), ApplicabilityResult::True);
    /// # Ok::<(), scap_cpe::Error>(())
    /// ```
    pub fn evaluate(
        &self,
        target_names: &[Name],
        checks: &mut dyn CheckEvaluator,
    ) -> ApplicabilityResult {
        self.test.evaluate(target_names, checks)
    }

    /// Evaluates the platform's logical test against a dictionary
    /// ([`LogicalTest::evaluate_with_dictionary`]).
    ///
    /// ```
    /// use scap_cpe::{ApplicabilityResult, Dictionary, LogicalTest, NoChecks, Operator, Platform};
    /// let platform = Platform::new("empty", LogicalTest::new(Operator::Or, false));
    /// assert_eq!(
    ///     platform.evaluate_with_dictionary(&Dictionary::default(), &mut NoChecks),
    ///     ApplicabilityResult::False
    /// );
    /// ```
    pub fn evaluate_with_dictionary(
        &self,
        dictionary: &Dictionary,
        checks: &mut dyn CheckEvaluator,
    ) -> ApplicabilityResult {
        self.test.evaluate_with_dictionary(dictionary, checks)
    }
}

impl PlatformSpecification {
    /// Evaluates the platform with this id (a leading `#` is ignored); `None` if there is none.
    ///
    /// ```
    /// use scap_cpe::{ApplicabilityResult, NoChecks, PlatformSpecification};
    /// let spec: PlatformSpecification = r#"<platform-specification xmlns="http://cpe.mitre.org/language/2.0">
    ///   <platform id="not-sudo"><logical-test operator="AND" negate="true">
    ///     <fact-ref name="cpe:/a:sudo"/></logical-test></platform>
    /// </platform-specification>"#.parse()?;
    /// assert_eq!(spec.evaluate("#not-sudo", &[], &mut NoChecks), Some(ApplicabilityResult::True));
    /// assert_eq!(spec.evaluate("other", &[], &mut NoChecks), None);
    /// # Ok::<(), scap_cpe::Error>(())
    /// ```
    pub fn evaluate(
        &self,
        platform_id: &str,
        target_names: &[Name],
        checks: &mut dyn CheckEvaluator,
    ) -> Option<ApplicabilityResult> {
        self.platform(platform_id)
            .map(|p| p.evaluate(target_names, checks))
    }
}
