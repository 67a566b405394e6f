//! [`Warning`]: what opening content or scanning noticed and tolerated.

use std::fmt;

/// Something loading or scanning noticed and tolerated, with whether results depend on it.
///
/// A warning that [affects results](Warning::affects_results) means some rules came out
/// `notchecked` or `notapplicable` because of a defect in the content rather than because of the
/// target: a platform nothing resolves (a CPE dictionary missing or one that did not parse), a
/// check href of a selected rule that the stream cannot resolve (a file the content names that
/// cannot be used, a catalog pointing outside the stream), a check-export naming no Value. Such
/// a scan is not a clean assessment: `scan` exits 2 for it, as for a failed rule. The defects
/// behind them (the unreadable file, the dictionary's parse error) and schema deviations that
/// evaluation does not need (an unknown element in OVAL metadata, a dangling profile `select`)
/// are warnings that do not affect results by themselves; an OVAL component that does not load
/// makes its rules `error`, which decides the exit status on its own.
///
/// ```
/// let w = scap::Warning::new("platform cpe:/a:x cannot be resolved", true);
/// assert!(w.affects_results);
/// assert_eq!(w.to_string(), "platform cpe:/a:x cannot be resolved");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Warning {
    /// What happened, located (file, line, element) where it can be.
    pub message: String,
    /// Whether some rule results depend on it (see the type's docs).
    pub affects_results: bool,
}

impl Warning {
    /// A warning with this message.
    pub fn new(message: impl Into<String>, affects_results: bool) -> Warning {
        Warning {
            message: message.into(),
            affects_results,
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
