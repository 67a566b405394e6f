//! `rpmverifypackage_object`: rpm's package-level verification (`rpm -V --nofiles`) of the
//! installed packages an object selects, from the target's database alone: no librpm, no
//! chroot, no script run.
//!
//! Entities, each left out when its behavior turns the check off (as the OVAL schema asks):
//! - `dependency_check_passed` (`nodeps`): [`super::deps`], against every package of the
//!   same database.
//! - `digest_check_passed` (`nodigest`): the header's SHA-256/SHA-1 digests over its
//!   immutable region ([`scap_rpmdb::verify::header_digest`]); `false` when one differs.
//! - `signature_check_passed` (`nosignature`): the header's RSA signature against the keys
//!   imported into the same database ([`scap_rpmdb::verify::header_signature`]); `false` when
//!   it does not verify. As rpm reads a header from its database, an unsigned header, or one
//!   signed by a key that is not imported (`NOKEY`), does not fail; a DSA or EdDSA signature,
//!   which is not checked here, gives the entity with status `not collected`.
//! - `verification_script_successful` (`noscripts`): a package's `%verifyscript` is never run
//!   (an offline tree or an image has nothing to run it in, and a scan does not execute the
//!   target's code): `true` for a package without one (rpm's result when there is nothing to
//!   run), status `not collected` for one with a script.
//!
//! Differences from oscap 1.3.7, on purpose (`scripts/diff-rpm.sh` shows them): offline
//! (`OSCAP_PROBE_ROOT`) oscap runs no check at all and writes `true` for
//! `dependency_check_passed` and `verification_script_successful` whatever the tree holds
//! (its probe skips `rpmcliVerify` in offline mode); on the live host it runs `rpm -V`, whose
//! dependency result we compute. oscap never writes `digest_check_passed` or
//! `signature_check_passed` (OVAL 5.11 deprecates both and oscap dropped them with the
//! `nodigest` and `nosignature` behaviors); we collect them, so a state that asks is answered.
//! Selection as oscap's: a package without an `ARCH` (an imported key, `gpg-pubkey`) is not
//! selected by an `arch` entity with `equals` or `pattern match` (librpm's iterator filter
//! skips a header without the tag).

use scap_rpmdb::Header;
use scap_rpmdb::verify::{self, DigestCheck, Keyring, SignatureCheck};

use super::deps::World;
use super::{Installed, accepts, arch_text, epoch_text, extended_name};
use crate::items::{EntityValue, Item, ItemEntity};
use crate::probes::{Collection, ObjectRequest};
use crate::types::{ItemStatus, Operation};

/// An entity that could not be collected.
fn not_collected(name: &'static str) -> ItemEntity {
    ItemEntity {
        status: ItemStatus::NotCollected,
        value: EntityValue::Nil,
        ..ItemEntity::boolean(name, false)
    }
}

/// Whether `object` selects `installed` (its five package entities).
fn selects(object: &ObjectRequest, installed: &Installed) -> Result<bool, String> {
    let p = &installed.package;
    if p.arch.is_empty()
        && object
            .entity("arch")
            .is_some_and(|e| matches!(e.operation, Operation::Equals | Operation::PatternMatch))
    {
        return Ok(false);
    }
    Ok(accepts(object, "name", &p.name)?
        && accepts(object, "epoch", &epoch_text(p))?
        && accepts(object, "version", &p.version)?
        && accepts(object, "release", &p.release)?
        && accepts(object, "arch", arch_text(p))?)
}

/// The items of an `rpmverifypackage_object`.
pub(super) fn collect(object: &ObjectRequest, packages: &[Installed]) -> Collection {
    let on = |b: &str| object.behavior(b) == Some("true");
    let mut selected = Vec::new();
    for (i, installed) in packages.iter().enumerate() {
        match selects(object, installed) {
            Ok(true) => selected.push(i),
            Ok(false) => {}
            Err(e) => return Collection::error(e),
        }
    }
    if selected.is_empty() {
        return Collection::from_items(Vec::new());
    }
    // Every header of the database: dependencies are checked against all of them, and the
    // keys are the imported ones.
    let headers = match packages
        .iter()
        .map(|p| Header::parse(&p.blob).map_err(|e| format!("{}: {e}", p.package.name)))
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(h) => h,
        Err(e) => return Collection::error(format!("{}: {e}", object.id)),
    };
    let world = if on("nodeps") {
        None
    } else {
        let nevr = packages
            .iter()
            .map(|p| (p.package.name.clone(), p.package.evr()))
            .collect();
        match World::new(&headers, nevr) {
            Ok(w) => Some(w),
            Err(e) => return Collection::error(format!("{}: {e}", object.id)),
        }
    };
    let keys = (!on("nosignature")).then(|| Keyring::from_headers(&headers));
    let mut items = Vec::new();
    for i in selected {
        let p = &packages[i].package;
        let h = &headers[i];
        let mut item = Item::new("linux", "rpmverifypackage_item");
        item.push(ItemEntity::string("name", p.name.clone()));
        item.push(ItemEntity::string("epoch", epoch_text(p)));
        item.push(ItemEntity::string("version", p.version.clone()));
        item.push(ItemEntity::string("release", p.release.clone()));
        item.push(ItemEntity::string("arch", arch_text(p)));
        item.push(ItemEntity::string("extended_name", extended_name(p)));
        if let Some(w) = &world {
            item.push(ItemEntity::boolean("dependency_check_passed", w.check(i)));
        }
        if !on("nodigest") {
            let passed = verify::header_digest(h) != DigestCheck::Bad;
            item.push(ItemEntity::boolean("digest_check_passed", passed));
        }
        if !on("noscripts") {
            item.push(if h.string(scap_rpmdb::tag::VERIFYSCRIPT).is_some() {
                not_collected("verification_script_successful")
            } else {
                ItemEntity::boolean("verification_script_successful", true)
            });
        }
        if let Some(keys) = &keys {
            item.push(match verify::header_signature(h, keys) {
                SignatureCheck::Unsupported => not_collected("signature_check_passed"),
                SignatureCheck::Bad { .. } => ItemEntity::boolean("signature_check_passed", false),
                _ => ItemEntity::boolean("signature_check_passed", true),
            });
        }
        items.push(item);
    }
    Collection::from_items(items)
}
