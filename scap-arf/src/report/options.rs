//! What a rendering needs beyond the report itself: the remediation SLA, the date the POA&M
//! is "as of", detection dates carried over from an earlier POA&M, the previous scan of the
//! same asset (for "what changed"), and who to name as point of contact.
//!
//! [`super::Format::render`] uses [`Options::default`]; [`super::Format::render_with`] takes
//! these. Formats ignore what they do not use (a CKL has no due dates).

use std::sync::Arc;

use chrono::NaiveDate;

use super::ScanReport;
use super::poam::{History, Sla};

/// Options for [`super::Format::render_with`].
///
/// ```
/// use scap_arf::report::Options;
/// use scap_arf::report::poam::Sla;
/// let today = chrono::NaiveDate::from_ymd_opt(2030, 1, 1).unwrap_or_default();
/// let o = Options::default().with_sla(Sla::new(3, 7, 30, 90)).with_today(today);
/// assert_eq!(o.sla.days("high"), 7);
/// assert_eq!(o.today, Some(today));
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Options {
    /// Days to remediate per severity (default: 7 critical, 14 high, medium and low).
    pub sla: Sla,
    /// The date the POA&M is as of: a finding whose due date is before it is overdue. `None`
    /// means the scan's own date (the TestResult start time), so a rendering of a report is
    /// the same whenever it is made; a tool printing today's POA&M sets today's date.
    pub today: Option<NaiveDate>,
    /// Original detection dates by POAM ID, from an earlier POA&M or scan
    /// ([`History::from_csv`], [`History::from_report`]).
    pub history: History,
    /// The previous scan of the same asset: the HTML report gains a "what changed" section
    /// ([`super::diff`]).
    pub previous: Option<Arc<ScanReport>>,
    /// The POA&M's point of contact (FedRAMP column H, eMASS Office/Org); empty by default.
    pub point_of_contact: String,
}

impl Options {
    /// These options with `sla`.
    pub fn with_sla(mut self, sla: Sla) -> Options {
        self.sla = sla;
        self
    }

    /// These options as of `today` (see [`Options::today`]).
    pub fn with_today(mut self, today: NaiveDate) -> Options {
        self.today = Some(today);
        self
    }

    /// These options with detection dates carried over from `history`.
    pub fn with_history(mut self, history: History) -> Options {
        self.history = history;
        self
    }

    /// These options with the previous scan of the asset.
    pub fn with_previous(mut self, previous: ScanReport) -> Options {
        self.previous = Some(Arc::new(previous));
        self
    }

    /// These options naming `poc` as the point of contact.
    pub fn with_point_of_contact(mut self, poc: impl Into<String>) -> Options {
        self.point_of_contact = poc.into();
        self
    }
}
