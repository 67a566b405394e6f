//! The per-object item limit (`probes::MAX_ITEMS`) holds for every probe: a custom probe that
//! returns more items, and a file object over a directory with more entries, make the object
//! an `error` with a message naming the limit, not a result built on a partial item list; at
//! the limit the object is complete (issue 17, item 6).
#![allow(clippy::unwrap_used)] // test helpers: a failure is a test failure

use scap_oval::Definitions;
use scap_oval::eval::{Evaluator, Variables};
use scap_oval::items::{Item, ItemEntity};
use scap_oval::probes::{Collection, MAX_ITEMS, ObjectRequest, Probe, Registry};
use scap_oval::types::Flag;
use scap_probe::{MemoryTarget, Target};

const DEFS: &str = r#"<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"
    xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5"
    xmlns:ind="http://oval.mitre.org/XMLSchema/oval-definitions-5#independent"
    xmlns:unix="http://oval.mitre.org/XMLSchema/oval-definitions-5#unix">
  <generator><oval:schema_version>5.11</oval:schema_version>
    <oval:timestamp>2024-01-01T00:00:00</oval:timestamp></generator>
  <definitions><definition id="oval:t:def:1" version="1" class="compliance">
    <metadata><title>t</title><description/></metadata>
    <criteria operator="AND"><criterion test_ref="oval:t:tst:1"/><criterion test_ref="oval:t:tst:2"/></criteria>
  </definition></definitions>
  <tests>
    <ind:family_test id="oval:t:tst:1" version="1" check="all" check_existence="any_exist"><ind:object object_ref="oval:t:obj:1"/></ind:family_test>
    <unix:file_test id="oval:t:tst:2" version="1" check="all" check_existence="any_exist"><unix:object object_ref="oval:t:obj:2"/></unix:file_test>
  </tests>
  <objects>
    <ind:family_object id="oval:t:obj:1" version="1"/>
    <unix:file_object id="oval:t:obj:2" version="1"><unix:path>/many</unix:path><unix:filename operation="pattern match">.*</unix:filename></unix:file_object>
  </objects>
</oval_definitions>"#;

/// A family probe that returns `n` items.
struct Many(usize);

impl Probe for Many {
    fn collect(&self, _target: &dyn Target, _object: &ObjectRequest) -> Collection {
        let items = (0..self.0)
            .map(|i| {
                let mut item = Item::new("independent", "family_item");
                item.push(ItemEntity::string("family", i.to_string()));
                item
            })
            .collect();
        Collection::from_items(items)
    }
}

fn flags(items: usize, files: usize) -> (Flag, Flag, Vec<String>) {
    let defs: Definitions = DEFS.parse().unwrap();
    let mut t = MemoryTarget::new();
    t.add_dir("/many");
    for i in 0..files {
        t.add_file(format!("/many/f{i}"), "");
    }
    let mut registry = Registry::builtin();
    registry.insert("independent", "family_object", Box::new(Many(items)));
    let results = Evaluator::new(&defs, &t, &registry, Variables::default()).evaluate_all();
    let family = &results.objects["oval:t:obj:1"];
    let file = &results.objects["oval:t:obj:2"];
    let mut messages = family.messages.clone();
    messages.extend(file.messages.iter().cloned());
    (family.flag, file.flag, messages)
}

#[test]
fn objects_over_the_item_limit_are_errors() {
    let (family, file, messages) = flags(MAX_ITEMS + 1, MAX_ITEMS + 1);
    assert_eq!((family, file), (Flag::Error, Flag::Error));
    assert_eq!(
        messages
            .iter()
            .filter(|m| m.contains("item limit was hit"))
            .count(),
        2,
        "{messages:?}"
    );
}

#[test]
fn objects_at_the_item_limit_are_complete() {
    let (family, file, _) = flags(MAX_ITEMS, MAX_ITEMS);
    assert_eq!((family, file), (Flag::Complete, Flag::Complete));
}
