//! The evaluator on `tests/fixtures/eval-constructs-oval.xml` against an in-memory target: one
//! definition per construct (states with external variables, filters, sets, local variables,
//! extend_definition with negate, unsupported test types, dpkg versions, cycles).

use scap_oval::Definitions;
use scap_oval::eval::{Evaluator, Results, Variables};
use scap_oval::probes::Registry;
use scap_oval::results::{SystemInfo, write_results};
use scap_oval::types::{Flag, ResultValue};
use scap_probe::{FileType, MemoryTarget, Metadata};

const FIXTURE: &str = include_str!("fixtures/eval-constructs-oval.xml");

fn target(permit: &str, world_writable: bool) -> MemoryTarget {
    let mut t = MemoryTarget::new();
    t.add_file(
        "/etc/ssh/sshd_config",
        format!("# comment\nPort 22\nPermitRootLogin {permit}\n"),
    )
    .add_file(
        "/etc/passwd",
        "root:x:0:0::/root:/bin/sh\ndaemon:x:1:1::/:/bin/false\nalice:x:1000:1000::/home/alice:/bin/sh\n",
    )
    .add_file(
        "/var/lib/dpkg/status",
        "Package: openssh-server\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1:8.4p1-5+deb11u3\n",
    )
    .add_dir("/root");
    let mode = if world_writable { 0o666 } else { 0o644 };
    t.add_file_with(
        "/etc/cron.d/job",
        "* * * * * root true\n",
        Metadata::new(FileType::Regular, mode),
    );
    t
}

fn evaluate(t: &MemoryTarget, permit_value: Option<&str>) -> Results {
    let defs: Definitions = FIXTURE.parse().expect("fixture parses");
    let mut vars = Variables::default();
    if let Some(v) = permit_value {
        vars.set("oval:t:var:permit_value", vec![v.to_owned()]);
    }
    let registry = Registry::builtin();
    Evaluator::new(&defs, t, &registry, vars).evaluate_all()
}

fn result(r: &Results, id: &str) -> ResultValue {
    r.definition(id).expect("definition evaluated")
}

#[test]
fn state_compares_with_the_external_variable() {
    let t = target("no", false);
    assert_eq!(
        result(&evaluate(&t, Some("no")), "oval:t:def:state"),
        ResultValue::True
    );
    assert_eq!(
        result(&evaluate(&t, Some("yes")), "oval:t:def:state"),
        ResultValue::False
    );
    // No value supplied for the external variable: the comparison is an error.
    assert_eq!(
        result(&evaluate(&t, None), "oval:t:def:state"),
        ResultValue::Error
    );
}

#[test]
fn none_exist_is_true_when_the_file_is_missing() {
    let r = evaluate(&target("no", false), Some("no"));
    assert_eq!(result(&r, "oval:t:def:missing_file"), ResultValue::True);
    assert_eq!(r.objects["oval:t:obj:rhosts"].flag, Flag::DoesNotExist);
}

#[test]
fn include_filter_keeps_only_matching_items() {
    let clean = evaluate(&target("no", false), Some("no"));
    assert_eq!(result(&clean, "oval:t:def:filter"), ResultValue::True);
    let dirty = evaluate(&target("no", true), Some("no"));
    assert_eq!(result(&dirty, "oval:t:def:filter"), ResultValue::False);
    assert_eq!(dirty.objects["oval:t:obj:world_writable"].items.len(), 1);
}

#[test]
fn local_variable_counts_collected_items() {
    let r = evaluate(&target("no", false), Some("no"));
    assert_eq!(r.variables["oval:t:var:user_count"].values, ["3"]);
    // OR of (not true) and (count == 3).
    assert_eq!(result(&r, "oval:t:def:extend"), ResultValue::True);
}

#[test]
fn a_test_type_without_a_probe_is_not_collected_and_unknown() {
    let r = evaluate(&target("no", false), Some("no"));
    assert_eq!(r.objects["oval:t:obj:registry"].flag, Flag::NotCollected);
    assert!(r.objects["oval:t:obj:registry"].messages[0].contains("no probe"));
    assert_eq!(result(&r, "oval:t:def:unsupported"), ResultValue::Unknown);
}

#[test]
fn dpkg_versions_compare_as_evr() {
    let r = evaluate(&target("no", false), Some("no"));
    assert_eq!(result(&r, "oval:t:def:package"), ResultValue::True);
}

#[test]
fn set_complement_removes_the_second_operand() {
    let r = evaluate(&target("no", false), Some("no"));
    assert_eq!(r.objects["oval:t:obj:non_root"].items.len(), 2);
    assert_eq!(result(&r, "oval:t:def:set"), ResultValue::True);
}

#[test]
fn a_definition_extending_itself_is_not_evaluated_not_a_hang() {
    // oscap 1.3.7: "Circular dependency in OVAL definition", result `not evaluated`.
    let r = evaluate(&target("no", false), Some("no"));
    assert_eq!(result(&r, "oval:t:def:loop"), ResultValue::NotEvaluated);
}

#[test]
fn results_document_names_every_definition_and_item() {
    let t = target("no", false);
    let defs: Definitions = FIXTURE.parse().expect("fixture parses");
    let r = evaluate(&t, Some("no"));
    let xml = write_results(&defs, &r, &SystemInfo::default());
    let doc = roxmltree::Document::parse(&xml).expect("results are well-formed XML");
    let defs_written = doc
        .descendants()
        .filter(|n| n.has_tag_name("definition") && n.attribute("definition_id").is_some())
        .count();
    assert_eq!(defs_written, 8);
    let items = doc
        .descendants()
        .filter(|n| n.tag_name().name().ends_with("_item") && n.attribute("id").is_some())
        .count();
    assert_eq!(items, r.items.len());
    assert!(xml.contains("PermitRootLogin no"));
}

/// With the `serde` feature the results models are JSON: every field, enumerations in their XML
/// spelling, and a round trip gives the same results.
#[cfg(feature = "serde")]
#[test]
fn results_round_trip_through_json() {
    let r = evaluate(&target("no", false), Some("no"));
    let json = serde_json::to_string(&r).expect("results serialize");
    assert!(json.contains(r#""oval:t:def:state","true""#));
    assert!(json.contains(r#""flag":"does not exist""#));
    let back: Results = serde_json::from_str(&json).expect("results deserialize");
    assert_eq!(back.definitions, r.definitions);
    assert_eq!(back.items, r.items);
    assert_eq!(back.objects, r.objects);
    assert_eq!(back.tests, r.tests);
}

#[test]
fn system_info_lists_interfaces_when_given() {
    use scap_oval::results::SystemInterface;
    let t = target("no", false);
    let defs: Definitions = FIXTURE.parse().expect("fixture parses");
    let r = evaluate(&t, Some("no"));
    let empty = write_results(&defs, &r, &SystemInfo::default());
    assert!(
        empty.contains("<interfaces/>"),
        "the schema requires the element"
    );
    let info = SystemInfo {
        interfaces: vec![
            SystemInterface::new("lo", "127.0.0.1", "00:00:00:00:00:00"),
            SystemInterface::new("eth0", "fd00::2", "02:FC:00:00:00:01"),
        ],
        ..SystemInfo::default()
    };
    let xml = write_results(&defs, &r, &info);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed");
    let listed: Vec<(&str, &str)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("interface"))
        .map(|n| {
            let child = |name: &str| {
                n.children()
                    .find(|c| c.has_tag_name(name))
                    .and_then(|c| c.text())
                    .unwrap_or_default()
            };
            (child("interface_name"), child("ip_address"))
        })
        .collect();
    assert_eq!(listed, [("lo", "127.0.0.1"), ("eth0", "fd00::2")]);
}
