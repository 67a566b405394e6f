//! `linux:rpminfo_object` and `rpmverifyfile_object`.
//!
//! Reading an rpm database is not implemented yet (a tracked gap): on a target without one
//! (`/var/lib/rpm`, `/usr/lib/sysimage/rpm`) the answer is `does not exist`, as oscap gives; on
//! a target with one it is `not collected`, never a silent "not installed".

use std::path::Path;

use scap_probe::Target;

use super::{Collection, ObjectRequest, Probe};
use crate::types::Flag;

/// The rpm probes.
pub struct RpmInfo;

const RPM_DATABASES: &[&str] = &[
    "/var/lib/rpm/Packages",
    "/var/lib/rpm/rpmdb.sqlite",
    "/usr/lib/sysimage/rpm/rpmdb.sqlite",
];

impl Probe for RpmInfo {
    fn collect(&self, target: &dyn Target, object: &ObjectRequest) -> Collection {
        let has_db = RPM_DATABASES
            .iter()
            .any(|p| target.metadata(Path::new(p)).is_ok());
        if has_db {
            Collection::with_message(
                Flag::NotCollected,
                format!(
                    "{}: reading an rpm database is not supported yet",
                    object.id
                ),
            )
        } else {
            Collection::flag(Flag::DoesNotExist)
        }
    }
}
