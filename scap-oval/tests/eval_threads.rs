//! Evaluation on several threads gives the same results document, byte for byte, as on one:
//! the same definition, test and item results, the same item ids, in the same order. Run on
//! content with cycles (`extend_definition` and variables), filters, sets and shared objects,
//! so that a deadlock or an ordering that depends on the workers would show.

mod common;

use scap_oval::Definitions;
use scap_oval::eval::{Evaluator, Variables};
use scap_oval::probes::Registry;
use scap_oval::results::{SystemInfo, write_results};
use scap_probe::{FileType, MemoryTarget, Metadata, Target};

fn target() -> MemoryTarget {
    let mut t = MemoryTarget::new();
    t.add_file("/etc/ssh/sshd_config", "Port 22\nPermitRootLogin no\n")
        .add_file(
            "/etc/passwd",
            "root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n",
        )
        .add_file(
            "/var/lib/dpkg/status",
            "Package: openssh-server\nStatus: install ok installed\nVersion: 1:8.4p1-5\n",
        )
        .add_file("/etc/os-release", "ID=debian\nVERSION_ID=\"11\"\n")
        .add_file("/etc/debian_version", "11.9\n")
        .add_dir("/root");
    t.add_file_with(
        "/etc/cron.d/job",
        "* * * * * root true\n",
        Metadata::new(FileType::Regular, 0o666),
    );
    t
}

/// The results document without its generation time (the only part that may differ).
fn document(defs: &Definitions, target: &dyn Target, threads: usize) -> String {
    document_with(defs, target, threads, &Registry::builtin())
}

/// [`document`] with the probes of `registry`.
fn document_with(
    defs: &Definitions,
    target: &dyn Target,
    threads: usize,
    registry: &Registry,
) -> String {
    let results = Evaluator::new(defs, target, registry, Variables::default())
        .threads(threads)
        .evaluate_all();
    let doc = write_results(defs, &results, &SystemInfo::default());
    let mut out = String::with_capacity(doc.len());
    let mut rest = doc.as_str();
    while let Some(i) = rest.find("<oval:timestamp>") {
        out.push_str(&rest[..i]);
        rest = rest[i..]
            .find("</oval:timestamp>")
            .map_or("", |j| &rest[i + j..]);
    }
    out.push_str(rest);
    out
}

/// What a recording probe saw: the thread of each call and what it was asked.
type Calls = std::sync::Arc<std::sync::Mutex<Vec<(std::thread::ThreadId, String)>>>;

/// The results document of `xml` on one thread and on two, with `probe` (given where to record
/// its calls) collecting the independent objects of `kind`, and the calls it saw on two, sorted,
/// each with whether it was made on the evaluating thread (`true`) or a worker.
fn on_one_and_two_threads(
    xml: &str,
    kind: &str,
    probe: impl FnOnce(Calls) -> Box<dyn scap_oval::probes::Probe>,
) -> (String, String, Vec<(bool, String)>) {
    let defs: Definitions = xml.parse().expect("the document parses");
    let calls = Calls::default();
    let mut registry = Registry::builtin();
    registry.insert("independent", kind, probe(calls.clone()));
    let t = target();
    let one = document_with(&defs, &t, 1, &registry);
    calls.lock().expect("not poisoned").clear();
    let two = document_with(&defs, &t, 2, &registry);
    let here = std::thread::current().id();
    let mut seen: Vec<(bool, String)> = calls
        .lock()
        .expect("not poisoned")
        .iter()
        .map(|(thread, asked)| (*thread == here, asked.clone()))
        .collect();
    seen.sort();
    (one, two, seen)
}

#[test]
fn several_threads_write_the_same_document_as_one() {
    let t = target();
    for (name, xml) in [
        (
            "eval-constructs",
            include_str!("fixtures/eval-constructs-oval.xml"),
        ),
        (
            "ssg-debian11-cpe",
            include_str!("fixtures/ssg-debian11-cpe-oval.xml"),
        ),
        (
            "ssg-chromium",
            include_str!("fixtures/ssg-chromium-oval.xml"),
        ),
    ] {
        let defs: Definitions = xml.parse().expect("fixture parses");
        let one = document(&defs, &t, 1);
        assert!(one.contains("<results>"), "{name}: no results");
        for threads in [2, 4, 0] {
            assert!(
                document(&defs, &t, threads) == one,
                "{name}: {threads} threads differ from one"
            );
        }
    }
}

/// The evaluation's worker threads have ended, thread-local destructors included, when
/// `evaluate_all` returns. A scope alone only waits for the workers' closures: a worker still
/// running its destructors afterwards was reported by the `oval_eval` fuzz target as a leak
/// (LeakSanitizer, issue 17). A probe here gives each worker a thread-local whose destructor
/// takes a while; all of them must have run by the time the evaluation is back.
#[test]
fn workers_have_ended_when_the_evaluation_returns() {
    use scap_oval::items::{Item, ItemEntity};
    use scap_oval::probes::{Collection, ObjectRequest, Probe};
    use std::sync::atomic::{AtomicUsize, Ordering};

    static REGISTERED: AtomicUsize = AtomicUsize::new(0);
    static DESTROYED: AtomicUsize = AtomicUsize::new(0);
    struct SlowDrop;
    impl Drop for SlowDrop {
        fn drop(&mut self) {
            std::thread::sleep(std::time::Duration::from_millis(300));
            DESTROYED.fetch_add(1, Ordering::SeqCst);
        }
    }
    thread_local! {
        static GUARD: std::cell::OnceCell<SlowDrop> = const { std::cell::OnceCell::new() };
    }
    struct Family(std::thread::ThreadId);
    impl Probe for Family {
        fn collect(&self, _target: &dyn Target, _object: &ObjectRequest) -> Collection {
            if std::thread::current().id() != self.0 {
                GUARD.with(|g| {
                    g.get_or_init(|| {
                        REGISTERED.fetch_add(1, Ordering::SeqCst);
                        SlowDrop
                    });
                });
            }
            let mut item = Item::new("independent", "family_item");
            item.push(ItemEntity::string("family", "unix"));
            Collection::from_items(vec![item])
        }
    }

    let objects: Vec<String> = (0..8)
        .map(|i| {
            // Distinct objects: equal ones are collected once.
            format!(
                "<ind:textfilecontent54_object id=\"oval:t:obj:{i}\" version=\"1\">\
                 <ind:filepath>/f{i}</ind:filepath><ind:pattern operation=\"pattern match\">x</ind:pattern>\
                 <ind:instance datatype=\"int\">1</ind:instance></ind:textfilecontent54_object>"
            )
        })
        .collect();
    let xml = common::one_definition("ind", "independent", "textfilecontent54_test", &objects);
    let defs: Definitions = xml.parse().expect("the document parses");
    let mut registry = Registry::builtin();
    registry.insert(
        "independent",
        "textfilecontent54_object",
        Box::new(Family(std::thread::current().id())),
    );
    let t = MemoryTarget::new();
    let results = Evaluator::new(&defs, &t, &registry, Variables::default())
        .threads(2)
        .evaluate_all();
    let destroyed = DESTROYED.load(Ordering::SeqCst);
    let registered = REGISTERED.load(Ordering::SeqCst);
    assert!(registered > 0, "no object was collected on a worker");
    assert_eq!(
        destroyed, registered,
        "workers still running after the evaluation"
    );
    assert_eq!(results.objects.len(), 8);
}

/// An object that only a variable reaches (an `object_component` of a state's `var_ref`) is
/// collected with the others on the workers, not afterwards on the evaluating thread one at a
/// time; the results are those of one thread.
#[test]
fn objects_reached_through_variables_are_collected_on_the_workers() {
    use scap_oval::items::{Item, ItemEntity};
    use scap_oval::probes::{Collection, ObjectRequest, Probe};

    struct Family(Calls);
    impl Probe for Family {
        fn collect(&self, _target: &dyn Target, object: &ObjectRequest) -> Collection {
            self.0
                .lock()
                .expect("not poisoned")
                .push((std::thread::current().id(), object.id.clone()));
            let mut item = Item::new("independent", "family_item");
            item.push(ItemEntity::string("family", "debian"));
            Collection::from_items(vec![item])
        }
    }
    let xml = r#"<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"
    xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5"
    xmlns:ind="http://oval.mitre.org/XMLSchema/oval-definitions-5#independent">
  <generator><oval:schema_version>5.11</oval:schema_version>
    <oval:timestamp>2024-01-01T00:00:00</oval:timestamp></generator>
  <definitions><definition id="oval:t:def:1" version="1" class="compliance">
    <metadata><title>t</title><description/></metadata>
    <criteria><criterion test_ref="oval:t:tst:1"/></criteria></definition></definitions>
  <tests><ind:textfilecontent54_test id="oval:t:tst:1" version="1" check="all">
    <ind:object object_ref="oval:t:obj:1"/><ind:state state_ref="oval:t:ste:1"/>
  </ind:textfilecontent54_test></tests>
  <objects>
    <ind:textfilecontent54_object id="oval:t:obj:1" version="1">
      <ind:filepath>/etc/os-release</ind:filepath>
      <ind:pattern operation="pattern match">^ID=(\w+)</ind:pattern>
      <ind:instance datatype="int">1</ind:instance></ind:textfilecontent54_object>
    <ind:family_object id="oval:t:obj:2" version="1"/>
  </objects>
  <states><ind:textfilecontent54_state id="oval:t:ste:1" version="1">
    <ind:subexpression var_ref="oval:t:var:1"/></ind:textfilecontent54_state></states>
  <variables><local_variable id="oval:t:var:1" version="1" datatype="string" comment="family">
    <object_component object_ref="oval:t:obj:2" item_field="family"/></local_variable></variables>
</oval_definitions>"#;
    let (one, two, seen) =
        on_one_and_two_threads(xml, "family_object", |calls| Box::new(Family(calls)));
    assert_eq!(
        seen,
        [(false, "oval:t:obj:2".to_string())],
        "the family object once, on a worker (true: on the evaluating thread)"
    );
    assert!(one == two, "two threads differ from one");
    assert!(
        one.contains(r#"definition_id="oval:t:def:1" result="true""#),
        "ID=debian matches the variable's value: {one}"
    );
}

/// An object whose entity and filter use variables that need no collection (a constant, an
/// external value, a local variable of those) is collected on a worker with those values, and
/// filtered there: the results are those of one thread.
#[test]
fn objects_with_variables_known_up_front_are_collected_on_the_workers() {
    use scap_oval::items::{Item, ItemEntity};
    use scap_oval::probes::{Collection, ObjectRequest, Probe};

    /// Two lines for the path it is asked for; records the thread and the path asked.
    struct Lines(Calls);
    impl Probe for Lines {
        fn collect(&self, _target: &dyn Target, object: &ObjectRequest) -> Collection {
            let path = object
                .entity("filepath")
                .and_then(|e| e.values.first().cloned())
                .unwrap_or_default();
            self.0
                .lock()
                .expect("not poisoned")
                .push((std::thread::current().id(), path.clone()));
            let items = ["keep", "drop"]
                .iter()
                .map(|line| {
                    let mut item = Item::new("independent", "textfilecontent_item");
                    item.push(ItemEntity::string("filepath", path.clone()));
                    item.push(ItemEntity::string("subexpression", *line));
                    item
                })
                .collect();
            Collection::from_items(items)
        }
    }
    let xml = r#"<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"
    xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5"
    xmlns:ind="http://oval.mitre.org/XMLSchema/oval-definitions-5#independent">
  <generator><oval:schema_version>5.11</oval:schema_version>
    <oval:timestamp>2024-01-01T00:00:00</oval:timestamp></generator>
  <definitions><definition id="oval:t:def:1" version="1" class="compliance">
    <metadata><title>t</title><description/></metadata>
    <criteria operator="AND"><criterion test_ref="oval:t:tst:1"/><criterion test_ref="oval:t:tst:2"/></criteria>
  </definition></definitions>
  <tests>
    <ind:textfilecontent54_test id="oval:t:tst:1" version="1" check="all">
      <ind:object object_ref="oval:t:obj:1"/><ind:state state_ref="oval:t:ste:1"/>
    </ind:textfilecontent54_test>
    <ind:textfilecontent54_test id="oval:t:tst:2" version="1" check="all" check_existence="at_least_one_exists">
      <ind:object object_ref="oval:t:obj:2"/></ind:textfilecontent54_test>
  </tests>
  <objects>
    <ind:textfilecontent54_object id="oval:t:obj:1" version="1">
      <ind:filepath var_ref="oval:t:var:1"/>
      <ind:pattern operation="pattern match">^(.*)$</ind:pattern>
      <ind:instance datatype="int">1</ind:instance>
      <filter action="exclude">oval:t:ste:2</filter></ind:textfilecontent54_object>
    <ind:textfilecontent54_object id="oval:t:obj:2" version="1">
      <ind:filepath>/etc/other</ind:filepath>
      <ind:pattern operation="pattern match">^(.*)$</ind:pattern>
      <ind:instance datatype="int">1</ind:instance></ind:textfilecontent54_object>
  </objects>
  <states>
    <ind:textfilecontent54_state id="oval:t:ste:1" version="1">
      <ind:subexpression>keep</ind:subexpression></ind:textfilecontent54_state>
    <ind:textfilecontent54_state id="oval:t:ste:2" version="1">
      <ind:subexpression var_ref="oval:t:var:2"/></ind:textfilecontent54_state>
  </states>
  <variables>
    <local_variable id="oval:t:var:1" version="1" datatype="string" comment="path">
      <concat><literal_component>/etc/</literal_component><variable_component var_ref="oval:t:var:3"/></concat>
    </local_variable>
    <constant_variable id="oval:t:var:2" version="1" datatype="string" comment="excluded">
      <value>drop</value></constant_variable>
    <constant_variable id="oval:t:var:3" version="1" datatype="string" comment="name">
      <value>config</value></constant_variable>
  </variables>
</oval_definitions>"#;
    let (one, two, seen) = on_one_and_two_threads(xml, "textfilecontent54_object", |calls| {
        Box::new(Lines(calls))
    });
    assert!(
        seen.contains(&(false, "/etc/config".to_string())) && seen.len() == 2,
        "each object once, the one with variables on a worker: {seen:?}"
    );
    assert!(one == two, "two threads differ from one");
    assert!(
        one.contains(r#"definition_id="oval:t:def:1" result="true""#),
        "the filter removed the \"drop\" line: {one}"
    );
}
