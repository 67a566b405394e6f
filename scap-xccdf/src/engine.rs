//! The seam between XCCDF evaluation and the checking systems behind it (XCCDF 1.2 section
//! 7.2.3.5, "Check processing"): the [`CheckEngine`] trait, the result type [`XccdfResult`]
//! with the truth tables of NISTIR 7275r4 tables 12-14, and the request/outcome types.
//!
//! The XCCDF crate knows no check language. An engine is handed *batches* of
//! [`CheckRequest`]s (one check system, one content reference, the exported values) and
//! answers each with a [`CheckOutcome`]. Batching lets an engine evaluate everything one
//! component needs in one pass (the OVAL engine shares collected objects between all rules).
//! A check whose system no engine supports is `notchecked`, as oscap reports it.

use std::fmt;

use crate::model::{ValueOperator, ValueType};

/// The result of a rule or a check (XCCDF 1.2 section 6.6.4.2, `result` of `rule-result`):
/// what the evaluator gives, what a `TestResult` holds and what a report reads.
///
/// It reads and writes its XML word ([`FromStr`](std::str::FromStr), [`XccdfResult::as_str`],
/// [`fmt::Display`], serde with the `serde` feature). It orders by that word, so a map keyed
/// by results lists them alphabetically, as a map keyed by the words would; the truth tables
/// ([`XccdfResult::and`], [`XccdfResult::or`]) do not use that order.
///
/// ```
/// use scap_xccdf::XccdfResult;
/// let r: XccdfResult = "notapplicable".parse()?;
/// assert_eq!(r, XccdfResult::NotApplicable);
/// assert!("NotApplicable".parse::<XccdfResult>().is_err());
/// assert!(XccdfResult::Informational < XccdfResult::NotApplicable);
/// # Ok::<(), scap_xccdf::engine::UnknownResult>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum XccdfResult {
    /// The target satisfied the check.
    Pass,
    /// The target did not satisfy the check.
    Fail,
    /// The checking engine could not complete the evaluation.
    Error,
    /// The result could not be determined (e.g. a value binding is missing); the default,
    /// a result nobody has determined.
    #[default]
    Unknown,
    /// The rule does not apply to the target platform.
    NotApplicable,
    /// The rule was not evaluated (no engine for its check system, or no usable check).
    NotChecked,
    /// The rule was not selected in the profile.
    NotSelected,
    /// The rule is informational; its check gave no pass/fail verdict.
    Informational,
    /// The rule failed and was fixed.
    Fixed,
}

impl XccdfResult {
    /// Every result, in the order of the XCCDF schema's `resultEnumType`.
    pub const ALL: [XccdfResult; 9] = [
        XccdfResult::Pass,
        XccdfResult::Fail,
        XccdfResult::Error,
        XccdfResult::Unknown,
        XccdfResult::NotApplicable,
        XccdfResult::NotChecked,
        XccdfResult::NotSelected,
        XccdfResult::Informational,
        XccdfResult::Fixed,
    ];

    /// The XML token (`pass`, `notapplicable`, ...).
    ///
    /// ```
    /// assert_eq!(scap_xccdf::XccdfResult::NotApplicable.as_str(), "notapplicable");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            XccdfResult::Pass => "pass",
            XccdfResult::Fail => "fail",
            XccdfResult::Error => "error",
            XccdfResult::Unknown => "unknown",
            XccdfResult::NotApplicable => "notapplicable",
            XccdfResult::NotChecked => "notchecked",
            XccdfResult::NotSelected => "notselected",
            XccdfResult::Informational => "informational",
            XccdfResult::Fixed => "fixed",
        }
    }

    /// Parses an XML token.
    ///
    /// ```
    /// use scap_xccdf::XccdfResult;
    /// assert_eq!(XccdfResult::parse("fail"), Some(XccdfResult::Fail));
    /// assert_eq!(XccdfResult::parse("FAIL"), None);
    /// ```
    pub fn parse(s: &str) -> Option<XccdfResult> {
        XccdfResult::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Of two results, the one the schema's `resultEnumType` lists first (the truth tables'
    /// choice between two "not" results).
    fn first_listed(self, other: XccdfResult) -> XccdfResult {
        let index = |r: XccdfResult| XccdfResult::ALL.iter().position(|x| *x == r);
        if index(other) < index(self) {
            other
        } else {
            self
        }
    }

    /// Whether the result is an open finding: `fail` only, the rows of a POA&M. A check that
    /// could not be evaluated (`error`, `unknown`, `notchecked`) is a gap in the assessment,
    /// not a weakness of the target: see [`XccdfResult::needs_review`].
    ///
    /// ```
    /// use scap_xccdf::XccdfResult;
    /// let open: Vec<_> = XccdfResult::ALL.iter().filter(|r| r.is_open()).collect();
    /// assert_eq!(open, [&XccdfResult::Fail]);
    /// ```
    pub fn is_open(self) -> bool {
        self == XccdfResult::Fail
    }

    /// Whether the rule needs a person to look at it because the scan could not decide:
    /// `error`, `unknown` or `notchecked` (a report's "needs manual review" list).
    ///
    /// ```
    /// use scap_xccdf::XccdfResult;
    /// let review: Vec<_> = XccdfResult::ALL.iter().filter(|r| r.needs_review()).collect();
    /// assert_eq!(review, [&XccdfResult::Error, &XccdfResult::Unknown, &XccdfResult::NotChecked]);
    /// ```
    pub fn needs_review(self) -> bool {
        matches!(
            self,
            XccdfResult::Error | XccdfResult::Unknown | XccdfResult::NotChecked
        )
    }

    /// Rank in the truth tables: P F U E N, where N is every "not" result. AND keeps the
    /// lowest of pass < unknown/error < fail, with unknown over error; OR the dual.
    fn class(self) -> u8 {
        match self {
            XccdfResult::Pass | XccdfResult::Fixed => 0,
            XccdfResult::Fail => 1,
            XccdfResult::Unknown => 2,
            XccdfResult::Error => 3,
            _ => 4,
        }
    }

    /// AND of two check results (NISTIR 7275r4 table 12): fail wins, then unknown, then error,
    /// then pass; the "not" results (notapplicable, notchecked, notselected, informational)
    /// are neutral, the lower of two of them is kept.
    ///
    /// ```
    /// use scap_xccdf::XccdfResult::*;
    /// assert_eq!(Pass.and(Error), Error);
    /// assert_eq!(Error.and(Unknown), Unknown);
    /// assert_eq!(NotChecked.and(Pass), Pass);
    /// assert_eq!(Fail.and(Unknown), Fail);
    /// ```
    pub fn and(self, other: XccdfResult) -> XccdfResult {
        match (self.class(), other.class()) {
            (4, 4) => self.first_listed(other),
            (4, _) => other,
            (_, 4) => self,
            (1, _) | (_, 1) => XccdfResult::Fail,
            (2, _) | (_, 2) => XccdfResult::Unknown,
            (3, _) | (_, 3) => XccdfResult::Error,
            _ => XccdfResult::Pass,
        }
    }

    /// OR of two check results (NISTIR 7275r4 table 13): pass wins, then unknown, then error,
    /// then fail; the "not" results are neutral.
    ///
    /// ```
    /// use scap_xccdf::XccdfResult::*;
    /// assert_eq!(Fail.or(Pass), Pass);
    /// assert_eq!(Fail.or(Error), Error);
    /// assert_eq!(Error.or(Unknown), Unknown);
    /// assert_eq!(NotApplicable.or(Fail), Fail);
    /// ```
    pub fn or(self, other: XccdfResult) -> XccdfResult {
        match (self.class(), other.class()) {
            (4, 4) => self.first_listed(other),
            (4, _) => other,
            (_, 4) => self,
            (0, _) | (_, 0) => XccdfResult::Pass,
            (2, _) | (_, 2) => XccdfResult::Unknown,
            (3, _) | (_, 3) => XccdfResult::Error,
            _ => XccdfResult::Fail,
        }
    }

    /// Negation (NISTIR 7275r4 table 14): pass and fail swap, everything else stays.
    ///
    /// ```
    /// use scap_xccdf::XccdfResult::*;
    /// assert_eq!(Pass.negate(), Fail);
    /// assert_eq!(Error.negate(), Error);
    /// ```
    pub fn negate(self) -> XccdfResult {
        match self {
            XccdfResult::Pass => XccdfResult::Fail,
            XccdfResult::Fail => XccdfResult::Pass,
            other => other,
        }
    }

    /// `true` for fail and error, the results that make a scan exit with status 2 in oscap.
    ///
    /// ```
    /// assert!(scap_xccdf::XccdfResult::Error.is_failure());
    /// assert!(!scap_xccdf::XccdfResult::Unknown.is_failure());
    /// ```
    pub fn is_failure(self) -> bool {
        matches!(self, XccdfResult::Fail | XccdfResult::Error)
    }
}

impl fmt::Display for XccdfResult {
    /// The XML word.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for XccdfResult {
    type Err = UnknownResult;

    /// The result spelled `s` exactly (XML words are case-sensitive).
    fn from_str(s: &str) -> Result<XccdfResult, UnknownResult> {
        XccdfResult::parse(s).ok_or_else(|| UnknownResult(s.to_string()))
    }
}

impl PartialOrd for XccdfResult {
    fn partial_cmp(&self, other: &XccdfResult) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for XccdfResult {
    /// By XML word (see the type's docs).
    fn cmp(&self, other: &XccdfResult) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

/// A word that is not an XCCDF result (the error of parsing an [`XccdfResult`]).
///
/// ```
/// let e = "passed".parse::<scap_xccdf::XccdfResult>().unwrap_err();
/// assert_eq!(e.to_string(), "\"passed\" is not an XCCDF result");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an XCCDF result")]
pub struct UnknownResult(pub String);

/// One `check-export` with the value it exports (oscap's "value binding").
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExportedValue {
    /// The XCCDF Value id (`value-id`).
    pub value_id: String,
    /// The name in the checking system (`export-name`, an OVAL external variable id).
    pub export_name: String,
    /// The effective value.
    pub value: String,
    /// The Value's type.
    pub value_type: ValueType,
    /// The Value's operator (possibly refined by the profile); SCE hands it to the script as
    /// `XCCDF_OPERATOR_<name>`.
    pub operator: ValueOperator,
}

impl ExportedValue {
    /// A binding.
    ///
    /// ```
    /// let v = scap_xccdf::ExportedValue::new("xccdf_x_value_v", "oval:x:var:1", "7", scap_xccdf::ValueType::Number);
    /// assert_eq!(v.value, "7");
    /// ```
    pub fn new(
        value_id: impl Into<String>,
        export_name: impl Into<String>,
        value: impl Into<String>,
        value_type: ValueType,
    ) -> ExportedValue {
        ExportedValue {
            value_id: value_id.into(),
            export_name: export_name.into(),
            value: value.into(),
            value_type,
            operator: ValueOperator::Equals,
        }
    }

    /// The same binding with `operator`.
    ///
    /// ```
    /// use scap_xccdf::{ExportedValue, ValueOperator, ValueType};
    /// let v = ExportedValue::new("v", "n", "7", ValueType::Number).with_operator(ValueOperator::LessThan);
    /// assert_eq!(v.operator, ValueOperator::LessThan);
    /// ```
    pub fn with_operator(mut self, operator: ValueOperator) -> ExportedValue {
        self.operator = operator;
        self
    }
}

/// One check to evaluate: a check system, a content reference and the exported values.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CheckRequest {
    /// The check system URI (`http://oval.mitre.org/XMLSchema/oval-definitions-5`, ...).
    pub system: String,
    /// The `check-content-ref` `href` as written.
    pub href: String,
    /// The data stream component the href resolves to (its `ds:component` id), when the
    /// benchmark came from a source data stream and the href resolved.
    pub component: Option<String>,
    /// The `check-content-ref` `name` (an OVAL definition id); `None`: the whole content.
    pub name: Option<String>,
    /// The check's exports, bound to their values.
    pub exports: Vec<ExportedValue>,
}

impl CheckRequest {
    /// A request without exports.
    ///
    /// ```
    /// let r = scap_xccdf::CheckRequest::new("urn:x", "x.xml", Some("def:1"));
    /// assert_eq!(r.name.as_deref(), Some("def:1"));
    /// assert!(r.component.is_none());
    /// ```
    pub fn new(system: impl Into<String>, href: impl Into<String>, name: Option<&str>) -> Self {
        CheckRequest {
            system: system.into(),
            href: href.into(),
            component: None,
            name: name.map(str::to_string),
            exports: Vec::new(),
        }
    }
}

/// What an engine answers for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CheckOutcome {
    /// The check's result (before the check's own `negate`, which the evaluator applies).
    pub result: XccdfResult,
    /// Messages for the rule-result (`message` elements), e.g. why a check was not checked.
    pub messages: Vec<String>,
    /// What the check system hands back for the check's `check-import`s, as (import name,
    /// value): SCE gives `stdout` and `stderr`. The evaluator copies each into the
    /// rule-result's `check-import` of that name.
    pub imports: Vec<(String, String)>,
}

impl CheckOutcome {
    /// An outcome without messages.
    ///
    /// ```
    /// let o = scap_xccdf::CheckOutcome::new(scap_xccdf::XccdfResult::Pass);
    /// assert!(o.messages.is_empty());
    /// ```
    pub fn new(result: XccdfResult) -> CheckOutcome {
        CheckOutcome {
            result,
            messages: Vec::new(),
            imports: Vec::new(),
        }
    }

    /// An outcome with one message.
    ///
    /// ```
    /// let o = scap_xccdf::CheckOutcome::with_message(scap_xccdf::XccdfResult::NotChecked, "no engine");
    /// assert_eq!(o.messages, ["no engine"]);
    /// ```
    pub fn with_message(result: XccdfResult, message: impl Into<String>) -> CheckOutcome {
        CheckOutcome {
            result,
            messages: vec![message.into()],
            imports: Vec::new(),
        }
    }
}

/// A checking system (OVAL, SCE, OCIL, a test double...).
///
/// An implementor says which systems it handles and evaluates batches. Requests of one batch
/// share one evaluation context: the OVAL engine collects each object once for all of them.
/// An engine answers `notchecked` for content it cannot find, so that the evaluator tries the
/// next `check-content-ref` (the refs of a check are alternatives, XCCDF 1.2 section 6.4.4.4).
///
/// ```
/// use scap_xccdf::{CheckEngine, CheckOutcome, CheckRequest, XccdfResult};
/// struct AlwaysPass;
/// impl CheckEngine for AlwaysPass {
///     fn supports(&self, system: &str) -> bool { system == "urn:test" }
///     fn evaluate(&self, batch: &[CheckRequest]) -> Vec<CheckOutcome> {
///         batch.iter().map(|_| CheckOutcome::new(XccdfResult::Pass)).collect()
///     }
/// }
/// let out = AlwaysPass.evaluate(&[CheckRequest::new("urn:test", "x", None)]);
/// assert_eq!(out[0].result, XccdfResult::Pass);
/// ```
pub trait CheckEngine {
    /// Whether this engine evaluates checks of `system`.
    fn supports(&self, system: &str) -> bool;

    /// Evaluates a batch; the answer has one outcome per request, in order. A missing answer
    /// counts as `error`.
    fn evaluate(&self, batch: &[CheckRequest]) -> Vec<CheckOutcome>;

    /// For `multi-check="true"` without a `name`: the names (definition ids) in the content,
    /// one rule-result each. `None` if the engine does not support multi-check (the default;
    /// the evaluator then evaluates the whole content as one check, as oscap does).
    fn names_for(&self, _request: &CheckRequest) -> Option<Vec<String>> {
        None
    }
}

/// An engine behind a reference is an engine (so that [`Engines`] can borrow one that the
/// caller still needs afterwards, such as the OVAL engine whose results it writes).
impl<T: CheckEngine + ?Sized> CheckEngine for &T {
    fn supports(&self, system: &str) -> bool {
        (**self).supports(system)
    }

    fn evaluate(&self, batch: &[CheckRequest]) -> Vec<CheckOutcome> {
        (**self).evaluate(batch)
    }

    fn names_for(&self, request: &CheckRequest) -> Option<Vec<String>> {
        (**self).names_for(request)
    }
}

/// Several engines as one: each request goes to the first engine that supports its system.
///
/// ```
/// use scap_xccdf::{CheckEngine, CheckRequest, Engines, XccdfResult};
/// let none = Engines::default();
/// assert!(!none.supports("urn:x"));
/// assert_eq!(none.evaluate(&[CheckRequest::new("urn:x", "h", None)])[0].result, XccdfResult::NotChecked);
/// ```
#[derive(Default)]
pub struct Engines<'a> {
    engines: Vec<Box<dyn CheckEngine + 'a>>,
}

impl fmt::Debug for Engines<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Engines")
            .field("count", &self.engines.len())
            .finish()
    }
}

impl<'a> Engines<'a> {
    /// Adds an engine (later engines are asked after earlier ones). A borrowed engine works
    /// too: `engines.push(Box::new(&oval))`.
    pub fn push(&mut self, engine: Box<dyn CheckEngine + 'a>) -> &mut Self {
        self.engines.push(engine);
        self
    }

    fn engine_for(&self, system: &str) -> Option<usize> {
        self.engines.iter().position(|e| e.supports(system))
    }
}

impl CheckEngine for Engines<'_> {
    fn supports(&self, system: &str) -> bool {
        self.engine_for(system).is_some()
    }

    fn evaluate(&self, batch: &[CheckRequest]) -> Vec<CheckOutcome> {
        let mut out: Vec<CheckOutcome> = batch
            .iter()
            .map(|r| {
                CheckOutcome::with_message(
                    XccdfResult::NotChecked,
                    format!("no checking engine for system {}", r.system),
                )
            })
            .collect();
        for (idx, engine) in self.engines.iter().enumerate() {
            let picked: Vec<usize> = batch
                .iter()
                .enumerate()
                .filter(|(_, r)| self.engine_for(&r.system) == Some(idx))
                .map(|(i, _)| i)
                .collect();
            if picked.is_empty() {
                continue;
            }
            let sub: Vec<CheckRequest> = picked
                .iter()
                .filter_map(|&i| batch.get(i).cloned())
                .collect();
            let mut answers = engine.evaluate(&sub).into_iter();
            for i in picked {
                let answer = answers.next().unwrap_or_else(|| {
                    CheckOutcome::with_message(XccdfResult::Error, "the engine gave no answer")
                });
                if let Some(slot) = out.get_mut(i) {
                    *slot = answer;
                }
            }
        }
        out
    }

    fn names_for(&self, request: &CheckRequest) -> Option<Vec<String>> {
        let i = self.engine_for(&request.system)?;
        self.engines.get(i)?.names_for(request)
    }
}

#[cfg(test)]
mod tests {
    use super::XccdfResult::{self, *};
    use super::*;

    const N: [XccdfResult; 4] = [NotApplicable, NotChecked, NotSelected, Informational];

    #[test]
    fn and_table() {
        // NISTIR 7275r4 table 12, rows/cols P F U E N.
        let rows = [
            (Pass, [Pass, Fail, Unknown, Error, Pass]),
            (Fail, [Fail, Fail, Fail, Fail, Fail]),
            (Unknown, [Unknown, Fail, Unknown, Unknown, Unknown]),
            (Error, [Error, Fail, Unknown, Error, Error]),
        ];
        for (a, expect) in rows {
            for (b, e) in [Pass, Fail, Unknown, Error, NotChecked]
                .into_iter()
                .zip(expect)
            {
                assert_eq!(a.and(b), e, "{a} AND {b}");
                assert_eq!(b.and(a), e, "{b} AND {a}");
            }
        }
        for n in N {
            assert_eq!(n.and(n), n);
        }
        assert_eq!(NotApplicable.and(NotChecked), NotApplicable);
    }

    #[test]
    fn or_table() {
        // NISTIR 7275r4 table 13.
        let rows = [
            (Pass, [Pass, Pass, Pass, Pass, Pass]),
            (Fail, [Pass, Fail, Unknown, Error, Fail]),
            (Unknown, [Pass, Unknown, Unknown, Unknown, Unknown]),
            (Error, [Pass, Error, Unknown, Error, Error]),
        ];
        for (a, expect) in rows {
            for (b, e) in [Pass, Fail, Unknown, Error, NotSelected]
                .into_iter()
                .zip(expect)
            {
                assert_eq!(a.or(b), e, "{a} OR {b}");
                assert_eq!(b.or(a), e, "{b} OR {a}");
            }
        }
    }

    #[test]
    fn negate_table() {
        assert_eq!(Pass.negate(), Fail);
        assert_eq!(Fail.negate(), Pass);
        for r in [
            Unknown,
            Error,
            NotApplicable,
            NotChecked,
            NotSelected,
            Informational,
        ] {
            assert_eq!(r.negate(), r);
        }
    }

    #[test]
    fn laws_hold_over_every_pair() {
        for a in XccdfResult::ALL {
            assert_eq!(a.negate().negate(), a);
            for b in XccdfResult::ALL {
                assert_eq!(a.and(b), b.and(a), "{a} AND {b}");
                assert_eq!(a.or(b), b.or(a), "{a} OR {b}");
                // De Morgan, with negate as table 14 defines it (`fixed` is a rule outcome,
                // never a check result, and has no negation).
                if a != XccdfResult::Fixed && b != XccdfResult::Fixed {
                    assert_eq!(a.and(b).negate(), a.negate().or(b.negate()), "{a} {b}");
                }
                for c in XccdfResult::ALL {
                    assert_eq!(a.and(b).and(c), a.and(b.and(c)), "{a} {b} {c}");
                    assert_eq!(a.or(b).or(c), a.or(b.or(c)), "{a} {b} {c}");
                }
            }
        }
    }

    #[test]
    fn tokens_round_trip() {
        for r in XccdfResult::ALL {
            assert_eq!(XccdfResult::parse(r.as_str()), Some(r));
        }
        assert_eq!(XccdfResult::parse("not applicable"), None);
    }

    struct Fixed(XccdfResult, &'static str);
    impl CheckEngine for Fixed {
        fn supports(&self, system: &str) -> bool {
            system == self.1
        }
        fn evaluate(&self, batch: &[CheckRequest]) -> Vec<CheckOutcome> {
            batch.iter().map(|_| CheckOutcome::new(self.0)).collect()
        }
    }

    #[test]
    fn engines_dispatch_by_system() {
        let mut e = Engines::default();
        e.push(Box::new(Fixed(Pass, "a")))
            .push(Box::new(Fixed(Fail, "b")));
        let batch = [
            CheckRequest::new("b", "h", None),
            CheckRequest::new("c", "h", None),
            CheckRequest::new("a", "h", None),
        ];
        let got: Vec<XccdfResult> = e.evaluate(&batch).into_iter().map(|o| o.result).collect();
        assert_eq!(got, [Fail, NotChecked, Pass]);
    }
}
