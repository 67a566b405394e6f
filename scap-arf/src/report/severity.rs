//! [`Severity`]: the one ranking of severity words every list and writer uses.
//!
//! Reports keep a finding's severity as the word its source gave (`RuleReport::severity`,
//! `Vulnerability::severity`), so the JSON stays what was read. Whenever a word is compared,
//! sorted or mapped to another format's scale (SARIF levels, HDF impact, FedRAMP ratings,
//! eMASS categories, SLA days), it goes through [`Severity::parse`] first, so a word ranks the
//! same everywhere.

use std::cmp::Reverse;
use std::fmt;

/// A severity, ordered by urgency: `Unknown < Info < Low < Medium < High < Critical`.
///
/// XCCDF severities are `unknown`, `info`, `low`, `medium` and `high`; `critical` comes from
/// vulnerability feeds, which also use their own words ([`Severity::parse`] maps them).
///
/// ```
/// use scap_arf::report::Severity;
/// assert!(Severity::Critical > Severity::High);
/// let mut words = vec!["low", "bogus", "critical", "medium"];
/// words.sort_by_key(|w| Severity::most_urgent_first(w));
/// assert_eq!(words, ["critical", "medium", "low", "bogus"]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[non_exhaustive]
pub enum Severity {
    /// No severity given, or a word not known.
    #[default]
    Unknown,
    /// XCCDF `info`.
    Info,
    /// Low (Debian's and Ubuntu's `negligible` too).
    Low,
    /// Medium (Red Hat's `moderate`).
    Medium,
    /// High (Red Hat's `important`).
    High,
    /// Critical.
    Critical,
}

impl Severity {
    /// Every severity, most urgent first (the order of report sections and filters).
    pub const BY_URGENCY: [Severity; 6] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
        Severity::Unknown,
    ];

    /// The severity a word names, ASCII case and outer spaces ignored: XCCDF's words and
    /// the feeds' (`Important` is high, `Moderate` medium, `Negligible` low); any other word
    /// is [`Severity::Unknown`].
    ///
    /// ```
    /// use scap_arf::report::Severity;
    /// assert_eq!(Severity::parse("Important"), Severity::High);
    /// assert_eq!(Severity::parse(" negligible "), Severity::Low);
    /// assert_eq!(Severity::parse("whatever"), Severity::Unknown);
    /// ```
    pub fn parse(word: &str) -> Severity {
        match word.trim().to_ascii_lowercase().as_str() {
            "critical" => Severity::Critical,
            "important" | "high" => Severity::High,
            "moderate" | "medium" => Severity::Medium,
            "low" | "negligible" => Severity::Low,
            "info" | "informational" => Severity::Info,
            _ => Severity::Unknown,
        }
    }

    /// A sort key putting the most urgent word first (`sort_by_key` is stable, so equal
    /// severities keep their order).
    pub fn most_urgent_first(word: &str) -> Reverse<Severity> {
        Reverse(Severity::parse(word))
    }

    /// The normalised word: `critical`, `high`, `medium`, `low`, `info` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
            Severity::Unknown => "unknown",
        }
    }
}

impl fmt::Display for Severity {
    /// [`Severity::as_str`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_round_trips_and_the_order_is_by_urgency() {
        for (n, s) in Severity::BY_URGENCY.iter().enumerate() {
            assert_eq!(Severity::parse(s.as_str()), *s);
            assert_eq!(Severity::parse(&s.as_str().to_uppercase()), *s);
            if let Some(next) = Severity::BY_URGENCY.get(n + 1) {
                assert!(s > next, "{s} > {next}");
            }
        }
    }
}
