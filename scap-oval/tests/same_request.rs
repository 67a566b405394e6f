//! Objects that ask the same thing (same kind, entities, behaviors and filters; only the id
//! differs) are collected once per evaluation and each gets the collection, on one thread or
//! several. SSG's Debian 11 content has 22 copies of the object asking for the dependencies of
//! `multi-user.target`. A collection carrying messages is not shared: they name the object.
#![allow(clippy::unwrap_used)] // test helpers: a failure is a test failure

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use scap_oval::Definitions;
use scap_oval::eval::{Evaluator, Variables};
use scap_oval::items::{Item, ItemEntity};
use scap_oval::probes::{Collection, ObjectRequest, Probe, Registry};
use scap_oval::types::Flag;
use scap_probe::{MemoryTarget, Target};

/// Counts its collections; the `unit` entity `bad` gives a collection with a message.
struct Counting(Arc<AtomicUsize>);

impl Probe for Counting {
    fn collect(&self, _target: &dyn Target, object: &ObjectRequest) -> Collection {
        self.0.fetch_add(1, Ordering::SeqCst);
        let unit = object.entity("unit").map_or("", |e| e.values[0].as_str());
        let mut item = Item::new("linux", "systemdunitdependency_item");
        item.push(ItemEntity::string("unit", unit));
        item.push(ItemEntity::string("dependency", "sshd.service"));
        let mut c = Collection::from_items(vec![item]);
        if unit == "bad" {
            c.messages
                .push(format!("{}: a message about this object", object.id));
        }
        c
    }
}

fn document(units: &[&str]) -> Definitions {
    let objects: Vec<String> = units
        .iter()
        .enumerate()
        .map(|(i, unit)| {
            format!(
                "<linux:systemdunitdependency_object id=\"oval:t:obj:{i}\" version=\"1\">\
                 <linux:unit>{unit}</linux:unit></linux:systemdunitdependency_object>"
            )
        })
        .collect();
    common::one_definition("linux", "linux", "systemdunitdependency_test", &objects)
        .parse()
        .unwrap()
}

#[test]
fn objects_asking_the_same_are_collected_once() {
    let units = [
        "multi-user.target",
        "multi-user.target",
        "graphical.target",
        "multi-user.target",
        "bad",
        "bad",
        "multi-user.target",
    ];
    let defs = document(&units);
    for threads in [1, 2] {
        let calls = Arc::new(AtomicUsize::new(0));
        let mut registry = Registry::builtin();
        registry.insert(
            "linux",
            "systemdunitdependency_object",
            Box::new(Counting(Arc::clone(&calls))),
        );
        let t = MemoryTarget::new();
        let results = Evaluator::new(&defs, &t, &registry, Variables::default())
            .threads(threads)
            .evaluate_all();
        let calls = calls.load(Ordering::SeqCst);
        // multi-user once, graphical once, each `bad` on its own (its message names it).
        assert_eq!(calls, 4, "{threads} threads");
        for (i, unit) in units.iter().enumerate() {
            let o = &results.objects[&format!("oval:t:obj:{i}")];
            assert_eq!(o.flag, Flag::Complete, "{threads} threads, object {i}");
            assert_eq!(o.items.len(), 1);
            let (_, item) = results
                .items
                .iter()
                .find(|(id, _)| *id == o.items[0])
                .unwrap();
            assert_eq!(item.value("unit"), Some(*unit));
            if *unit == "bad" {
                assert_eq!(
                    o.messages,
                    [format!("oval:t:obj:{i}: a message about this object")]
                );
            } else {
                assert!(o.messages.is_empty());
            }
        }
        // The copies share the first one's item.
        assert_eq!(
            results.objects["oval:t:obj:0"].items,
            results.objects["oval:t:obj:6"].items
        );
    }
}
