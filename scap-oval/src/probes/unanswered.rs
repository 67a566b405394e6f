//! Objects no target answers: `unix:dnscache_object`, `independent:sql_object` and
//! `independent:sql57_object`. Each is registered so its flag is a deliberate answer with a
//! reason, not the generic "no probe".
//!
//! - `dnscache`: Linux keeps no DNS cache a scanner can read (nscd and systemd-resolved keep
//!   theirs in process memory). oscap 1.3.7 answers `not applicable` on Linux, live and with
//!   `OSCAP_PROBE_ROOT` alike (checked in this container); so do we.
//! - `sql`, `sql57`: answering means connecting to a database server with the credentials of
//!   the object's connection string. A scan makes no connection, so these are `not collected`
//!   (OVAL 5.11 `FlagEnumeration`: no attempt to collect was made). oscap tries and answers
//!   `error` where its opendbx backend is missing (its message: `odbx_init failed`), and `not
//!   applicable` offline.

use scap_probe::Target;

use super::{Collection, ObjectRequest, Probe};
use crate::types::Flag;

/// The dnscache probe: `not applicable` on every target.
pub struct DnsCacheProbe;

/// The sql and sql57 probe: `not collected` on every target.
pub struct SqlProbe;

impl Probe for DnsCacheProbe {
    fn collect(&self, _target: &dyn Target, object: &ObjectRequest) -> Collection {
        Collection::with_message(
            Flag::NotApplicable,
            format!("{}: there is no DNS cache to read on Linux", object.id),
        )
    }
}

impl Probe for SqlProbe {
    fn collect(&self, _target: &dyn Target, object: &ObjectRequest) -> Collection {
        Collection::with_message(
            Flag::NotCollected,
            format!(
                "{}: {} needs a database connection, and a scan makes none",
                object.id, object.kind
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scap_probe::MemoryTarget;

    #[test]
    fn flags_and_reasons() {
        let t = MemoryTarget::new();
        let c = DnsCacheProbe.collect(&t, &ObjectRequest::new("oval:x:obj:1", "dnscache_object"));
        assert_eq!(c.flag, Flag::NotApplicable);
        assert!(c.items.is_empty());
        let c = SqlProbe.collect(&t, &ObjectRequest::new("oval:x:obj:2", "sql57_object"));
        assert_eq!(c.flag, Flag::NotCollected);
        assert_eq!(
            c.messages,
            ["oval:x:obj:2: sql57_object needs a database connection, and a scan makes none"]
        );
    }
}
