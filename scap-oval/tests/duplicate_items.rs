//! An object that collects the same item twice (a custom probe answering twice, or a variable
//! whose values name one file twice) holds it once: one reference in the collected object and
//! one item for the test to count, as oscap 1.3.7's collected objects do (measured: a
//! `file_object` whose filepath variable is `/etc/hostname` twice references one item and its
//! `only_one_exists` test is true).
#![allow(clippy::unwrap_used)] // test helpers: a failure is a test failure

use scap_oval::Definitions;
use scap_oval::eval::{Evaluator, Variables};
use scap_oval::items::{Item, ItemEntity};
use scap_oval::probes::{Collection, ObjectRequest, Probe, Registry};
use scap_oval::types::ResultValue;
use scap_probe::{MemoryTarget, Target};

const DEFS: &str = r#"<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"
    xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5"
    xmlns:ind="http://oval.mitre.org/XMLSchema/oval-definitions-5#independent">
  <generator><oval:schema_version>5.11</oval:schema_version>
    <oval:timestamp>2024-01-01T00:00:00</oval:timestamp></generator>
  <definitions><definition id="oval:t:def:1" version="1" class="compliance">
    <metadata><title>t</title><description/></metadata>
    <criteria><criterion test_ref="oval:t:tst:1"/></criteria>
  </definition></definitions>
  <tests>
    <ind:family_test id="oval:t:tst:1" version="1" check="all" check_existence="only_one_exists"><ind:object object_ref="oval:t:obj:1"/></ind:family_test>
  </tests>
  <objects><ind:family_object id="oval:t:obj:1" version="1"/></objects>
</oval_definitions>"#;

/// A family probe that answers with the same item twice.
struct Twice;

impl Probe for Twice {
    fn collect(&self, _target: &dyn Target, _object: &ObjectRequest) -> Collection {
        let item = || {
            let mut item = Item::new("independent", "family_item");
            item.push(ItemEntity::string("family", "unix"));
            item
        };
        Collection::from_items(vec![item(), item()])
    }
}

#[test]
fn an_item_collected_twice_is_referenced_once() {
    let defs: Definitions = DEFS.parse().unwrap();
    let mut registry = Registry::builtin();
    registry.insert("independent", "family_object", Box::new(Twice));
    let t = MemoryTarget::new();
    let results = Evaluator::new(&defs, &t, &registry, Variables::default()).evaluate_all();
    assert_eq!(results.objects["oval:t:obj:1"].items.len(), 1);
    assert_eq!(
        results.definitions,
        [("oval:t:def:1".to_string(), ResultValue::True)]
    );
}
