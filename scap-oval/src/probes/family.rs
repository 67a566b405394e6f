//! `ind:family_object`: the target's OS family.

use scap_probe::Target;

use super::{Collection, ObjectRequest, Probe};
use crate::items::{Item, ItemEntity};

/// The family probe. Every target this crate reads is a Unix system.
pub struct FamilyProbe;

impl Probe for FamilyProbe {
    fn collect(&self, _target: &dyn Target, _object: &ObjectRequest) -> Collection {
        let mut item = Item::new("independent", "family_item");
        item.push(ItemEntity::string("family", "unix"));
        Collection::from_items(vec![item])
    }
}
