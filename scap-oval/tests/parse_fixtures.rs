//! The committed OVAL fixtures parse into the expected model: two real SCAP Security Guide
//! files and a hand-made document exercising every construct.

use std::path::PathBuf;

use scap_oval::Definitions;
use scap_oval::model::{Component, CriteriaNode, ObjectContent, VariableKind};
use scap_oval::types::{
    ArithmeticOperation, Check, Datatype, DateTimeFormat, DefinitionClass, Existence, FilterAction,
    Operation, Operator, SetOperator,
};

fn fixture(name: &str) -> (Vec<u8>, Definitions) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let defs = Definitions::parse(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        defs.invalid.is_empty(),
        "{}: {:?}",
        path.display(),
        defs.invalid
    );
    (bytes, defs)
}

/// How often `needle` occurs in the raw text: an independent count to check the parser with.
fn occurrences(bytes: &[u8], needle: &str) -> usize {
    String::from_utf8_lossy(bytes).matches(needle).count()
}

#[test]
fn ssg_chromium_oval() {
    let (bytes, defs) = fixture("ssg-chromium-oval.xml");
    assert_eq!(defs.generator.schema_version, "5.11");
    assert_eq!(defs.generator.timestamp, "2022-12-20T09:54:05");
    assert_eq!(
        defs.generator.product_name.as_deref(),
        Some("combine_ovals.py from SCAP Security Guide")
    );
    assert_eq!(defs.definitions.len(), 39);
    assert_eq!(
        defs.definitions.len(),
        occurrences(&bytes, "<oval-def:definition ")
    );
    assert_eq!(defs.tests.len(), 40);
    assert_eq!(defs.objects.len(), 40);
    assert_eq!(defs.states.len(), 7);
    assert_eq!(defs.variables.len(), 6);
    let tfc = defs
        .tests
        .iter()
        .filter(|t| t.kind == "textfilecontent54_test")
        .count();
    assert_eq!(tfc, 37);
    assert!(
        defs.variables
            .iter()
            .all(|v| matches!(v.kind, VariableKind::External(_)))
    );

    let d = defs
        .definition("oval:ssg-chromium_blacklist_extension_installation:def:1")
        .unwrap();
    assert_eq!(d.class, DefinitionClass::Compliance);
    assert_eq!(d.metadata.title, "Blacklist Extension Installation");
    assert_eq!(d.metadata.affected[0].family, "unix");
    assert_eq!(d.metadata.affected[0].products, ["Chromium"]);
    assert_eq!(d.metadata.references[0].source, "ssg");
    assert_eq!(
        d.metadata.references[0].ref_id,
        "chromium_blacklist_extension_installation"
    );
    let criteria = d.criteria.as_ref().unwrap();
    assert_eq!(criteria.operator, Operator::And);
    match &criteria.children[..] {
        [CriteriaNode::Criterion(c)] => {
            assert_eq!(
                c.test_ref,
                "oval:ssg-test_chromium_extension_installation:tst:1"
            );
            assert_eq!(
                c.comment.as_deref(),
                Some("Chromium blacklist extension installation")
            );
        }
        other => panic!("unexpected criteria {other:?}"),
    }

    let o = defs
        .object("oval:ssg-object_chromium_extension_installation:obj:1")
        .unwrap();
    assert_eq!(
        (o.family.as_str(), o.kind.as_str()),
        ("independent", "textfilecontent54_object")
    );
    assert_eq!(
        o.namespace,
        "http://oval.mitre.org/XMLSchema/oval-definitions-5#independent"
    );
    let ObjectContent::Entities(e) = &o.content else {
        panic!("not an entity object")
    };
    assert_eq!(e.entities.len(), 3);
    assert_eq!(e.entities[0].name, "filepath");
    assert_eq!(e.entities[0].operation, Operation::PatternMatch);
    assert_eq!(
        e.entities[0].value,
        r"^/etc/chromium/policies/managed/.*\.json$"
    );
    assert_eq!(e.entities[2].name, "instance");
    assert_eq!(e.entities[2].datatype, Some(Datatype::Int));
    assert_eq!(e.entities[2].value, "1");

    let s = defs
        .state("oval:ssg-state_chromium_search_provider_name:ste:1")
        .unwrap();
    assert_eq!(s.entities[0].name, "subexpression");
    assert_eq!(
        s.entities[0].var_ref.as_deref(),
        Some("oval:ssg-var_default_search_provider_name:var:1")
    );
    assert_eq!(s.entities[0].var_check, Check::All);
    let v = defs
        .variable("oval:ssg-var_default_search_provider_name:var:1")
        .unwrap();
    assert_eq!(v.datatype, Datatype::String);
    assert_eq!(v.comment.as_deref(), Some("Expected search provider name"));
}

#[test]
fn ssg_debian11_cpe_oval() {
    let (bytes, defs) = fixture("ssg-debian11-cpe-oval.xml");
    assert_eq!(defs.definitions.len(), 80);
    assert_eq!(defs.tests.len(), 99);
    assert_eq!(defs.objects.len(), 99);
    assert_eq!(defs.states.len(), 58);
    assert!(defs.variables.is_empty());
    let dpkg = defs
        .tests
        .iter()
        .filter(|t| t.kind == "dpkginfo_test")
        .count();
    assert_eq!(dpkg, 22);
    assert_eq!(dpkg, occurrences(&bytes, "<linux:dpkginfo_test "));
    let (mut criterions, mut extends) = (0, 0);
    let mut stack: Vec<&CriteriaNode> = Vec::new();
    for d in &defs.definitions {
        if let Some(c) = &d.criteria {
            stack.extend(&c.children);
        }
    }
    while let Some(node) = stack.pop() {
        match node {
            CriteriaNode::Criteria(c) => stack.extend(&c.children),
            CriteriaNode::Criterion(_) => criterions += 1,
            CriteriaNode::ExtendDefinition(_) => extends += 1,
        }
    }
    assert_eq!((criterions, extends), (102, 30));

    let t = defs.test("oval:ssg-test_alinux2:tst:1").unwrap();
    assert_eq!(
        (t.family.as_str(), t.kind.as_str()),
        ("linux", "rpminfo_test")
    );
    assert_eq!(t.check, Check::All);
    assert_eq!(t.check_existence, Existence::AtLeastOneExists);
    assert_eq!(t.comment.as_deref(), Some("alinux-release is version 2"));
    assert_eq!(t.object_ref.as_deref(), Some("oval:ssg-obj_alinux2:obj:1"));
    assert_eq!(t.state_refs, ["oval:ssg-state_alinux2:ste:1"]);
    let o = defs.object("oval:ssg-obj_debian:obj:1").unwrap();
    assert_eq!(
        (o.family.as_str(), o.kind.as_str()),
        ("unix", "file_object")
    );
    assert_eq!(o.comment.as_deref(), Some("check /etc/debian_version file"));
}

#[test]
fn hand_made_every_construct() {
    let (_, defs) = fixture("every-construct-oval.xml");
    assert_eq!(defs.generator.schema_version, "5.11.2");
    assert_eq!(defs.generator.product_version.as_deref(), Some("1"));
    assert_eq!(
        (defs.definitions.len(), defs.tests.len(), defs.objects.len()),
        (2, 5, 6)
    );
    assert_eq!((defs.states.len(), defs.variables.len()), (3, 4));

    // Definitions and the criteria tree.
    let d = defs.definition("oval:test:def:1").unwrap();
    assert_eq!(d.version, 3);
    assert_eq!(d.notes, ["first note", "second note"]);
    assert_eq!(d.metadata.affected[0].platforms.len(), 2);
    assert_eq!(d.metadata.affected[0].products, ["bash"]);
    assert_eq!(
        d.metadata.references[0].ref_url.as_deref(),
        Some("https://example.invalid/cce")
    );
    assert_eq!(d.metadata.references[1].ref_url, None);
    let top = d.criteria.as_ref().unwrap();
    assert_eq!(top.operator, Operator::Or);
    assert_eq!(top.applicability_check, Some(true));
    assert_eq!(top.comment.as_deref(), Some("top"));
    let CriteriaNode::Criteria(inner) = &top.children[1] else {
        panic!("nested criteria")
    };
    assert_eq!(inner.operator, Operator::Xor);
    assert!(inner.negate);
    let CriteriaNode::Criterion(c) = &inner.children[0] else {
        panic!("criterion")
    };
    assert!(c.negate);
    assert_eq!(c.applicability_check, Some(false));
    let CriteriaNode::ExtendDefinition(x) = &inner.children[1] else {
        panic!("extend")
    };
    assert_eq!(x.definition_ref, "oval:test:def:2");
    assert!(x.negate);
    let CriteriaNode::Criteria(one) = &inner.children[2] else {
        panic!("criteria")
    };
    assert_eq!(one.operator, Operator::One);
    let d2 = defs.definition("oval:test:def:2").unwrap();
    assert!(d2.deprecated && d2.criteria.is_none());
    assert_eq!(d2.class, DefinitionClass::Inventory);

    // Tests of every family, known or not.
    let t1 = defs.test("oval:test:tst:1").unwrap();
    assert_eq!(t1.check, Check::AtLeastOne);
    assert_eq!(t1.check_existence, Existence::AllExist);
    assert_eq!(t1.state_operator, Operator::Or);
    assert_eq!(t1.state_refs, ["oval:test:ste:1", "oval:test:ste:2"]);
    let t2 = defs.test("oval:test:tst:2").unwrap();
    assert_eq!(
        (t2.family.as_str(), t2.kind.as_str()),
        ("windows", "registry_test")
    );
    assert!(t2.deprecated);
    let t3 = defs.test("oval:test:tst:3").unwrap();
    assert_eq!(
        (t3.family.as_str(), t3.namespace.as_str()),
        ("acme", "urn:example:acme-definitions#acme")
    );
    assert_eq!(
        (t3.check, t3.check_existence),
        (Check::NoneSatisfy, Existence::NoneExist)
    );
    let t4 = defs.test("oval:test:tst:4").unwrap();
    assert_eq!(
        (t4.kind.as_str(), t4.object_ref.as_deref()),
        ("unknown_test", None)
    );

    // Objects: behaviors, filters, var_ref entities, sets, nil.
    let ObjectContent::Entities(o1) = &defs.object("oval:test:obj:1").unwrap().content else {
        panic!("entities")
    };
    let behaviors: Vec<(&str, &str)> = o1
        .behaviors
        .iter()
        .map(|b| (b.name.as_str(), b.value.as_str()))
        .collect();
    assert_eq!(
        behaviors,
        [
            ("recurse", "directories"),
            ("recurse_direction", "down"),
            ("max_depth", "-1"),
            ("recurse_file_system", "local")
        ]
    );
    assert_eq!(o1.entities.len(), 2);
    assert_eq!(o1.entities[1].var_ref.as_deref(), Some("oval:test:var:3"));
    assert_eq!(o1.entities[1].var_check, Check::AtLeastOne);
    assert_eq!(o1.filters.len(), 2);
    assert_eq!(o1.filters[0].action, FilterAction::Include);
    assert_eq!(o1.filters[1].action, FilterAction::Exclude);
    assert_eq!(o1.filters[1].state_ref, "oval:test:ste:2");
    let ObjectContent::Set(set) = &defs.object("oval:test:obj:3").unwrap().content else {
        panic!("set")
    };
    assert_eq!(set.set_operator, SetOperator::Complement);
    assert!(set.object_refs.is_empty());
    assert_eq!(set.sets.len(), 2);
    assert_eq!(set.sets[0].set_operator, SetOperator::Union);
    assert_eq!(
        set.sets[0].object_refs,
        ["oval:test:obj:1", "oval:test:obj:2"]
    );
    assert_eq!(set.sets[0].filters[0].state_ref, "oval:test:ste:2");
    assert_eq!(set.sets[1].set_operator, SetOperator::Intersection);
    let o4 = defs.object("oval:test:obj:4").unwrap();
    let ObjectContent::Entities(e4) = &o4.content else {
        panic!("entities")
    };
    assert_eq!(e4.behaviors[0].name, "windows_view");
    assert_eq!(e4.entities[1].value, r"SOFTWARE\Example");
    assert!(e4.entities[2].nil && e4.entities[2].value.is_empty());
    assert!(!e4.entities[1].nil);

    // States, including a record with fields.
    let s1 = defs.state("oval:test:ste:1").unwrap();
    assert_eq!(s1.operator, Operator::Or);
    assert_eq!(s1.entities[0].entity_check, Check::AtLeastOne);
    assert_eq!(s1.entities[1].datatype, Some(Datatype::Boolean));
    assert!(s1.entities[2].mask);
    assert_eq!(
        defs.state("oval:test:ste:2").unwrap().entities[0].datatype,
        None
    );
    let record = &defs.state("oval:test:ste:3").unwrap().entities[0];
    assert_eq!(record.datatype, Some(Datatype::Record));
    assert_eq!(record.fields.len(), 2);
    assert_eq!(record.value, "");
    assert_eq!(record.fields[0].name, "user");
    assert_eq!(record.fields[0].operation, Operation::CaseInsensitiveEquals);
    assert_eq!(record.fields[0].value, "root");
    assert_eq!(record.fields[1].var_ref.as_deref(), Some("oval:test:var:2"));
    assert_eq!(record.fields[1].var_check, Check::OnlyOne);

    // Variables of every kind.
    let v1 = defs.variable("oval:test:var:1").unwrap();
    let VariableKind::Constant(c) = &v1.kind else {
        panic!("constant")
    };
    assert_eq!(c.values, ["022", "027"]);
    let VariableKind::External(x) = &defs.variable("oval:test:var:2").unwrap().kind else {
        panic!("external")
    };
    assert_eq!(x.possible_values[0].hint, "the default");
    assert_eq!(x.possible_values[0].value, "600");
    assert_eq!(x.possible_restrictions[0].operator, Operator::Or);
    assert_eq!(
        x.possible_restrictions[0].restrictions[1].operation,
        Operation::LessThanOrEqual
    );
    assert_eq!(x.possible_restrictions[0].restrictions[1].value, "900");

    let VariableKind::Local(concat) = &defs.variable("oval:test:var:3").unwrap().kind else {
        panic!("local")
    };
    let Component::Concat(parts) = concat else {
        panic!("concat")
    };
    assert_eq!(
        parts[0],
        Component::Literal {
            datatype: Datatype::String,
            value: "^".into()
        }
    );
    // Walk the single-operand chain begin > end > escape_regex > glob_to_regex >
    // regex_capture > split > substring > object_component.
    let mut names = Vec::new();
    let mut c = &parts[1];
    loop {
        names.push(c.element_name());
        match c {
            Component::Begin { character, .. } | Component::End { character, .. } => {
                assert_eq!(character, "/")
            }
            Component::GlobToRegex { glob_noescape, .. } => assert!(*glob_noescape),
            Component::RegexCapture { pattern, .. } => assert_eq!(pattern, r"^(\w+)"),
            Component::Split { delimiter, .. } => assert_eq!(delimiter, ","),
            Component::Substring { start, length, .. } => assert_eq!((*start, *length), (2, -1)),
            Component::Object {
                object_ref,
                item_field,
                record_field,
            } => {
                assert_eq!(object_ref, "oval:test:obj:4");
                assert_eq!(item_field, "value");
                assert_eq!(record_field.as_deref(), Some("data"));
            }
            _ => {}
        }
        match c.operands() {
            [next] => c = next,
            [] => break,
            _ => panic!("{} has several operands", c.element_name()),
        }
    }
    assert_eq!(
        names,
        [
            "begin",
            "end",
            "escape_regex",
            "glob_to_regex",
            "regex_capture",
            "split",
            "substring",
            "object_component"
        ]
    );
    let Component::Unique(u) = &parts[2] else {
        panic!("unique")
    };
    assert_eq!(
        u[1],
        Component::Variable {
            var_ref: "oval:test:var:2".into()
        }
    );

    let v4 = defs.variable("oval:test:var:4").unwrap();
    assert_eq!(v4.datatype, Datatype::Int);
    let VariableKind::Local(Component::Arithmetic {
        operation,
        components,
    }) = &v4.kind
    else {
        panic!("arithmetic")
    };
    assert_eq!(*operation, ArithmeticOperation::Multiply);
    assert_eq!(components.len(), 3);
    assert!(matches!(&components[0], Component::Count(c) if c.len() == 1));
    let Component::TimeDifference {
        format_1,
        format_2,
        components: times,
    } = &components[1]
    else {
        panic!("time_difference")
    };
    assert_eq!(
        (*format_1, *format_2),
        (
            DateTimeFormat::SecondsSinceEpoch,
            DateTimeFormat::WinFiletime
        )
    );
    assert_eq!(times.len(), 2);
}

#[test]
fn from_str_and_parse_agree() {
    let (bytes, defs) = fixture("ssg-chromium-oval.xml");
    let text = std::str::from_utf8(&bytes).unwrap();
    let again: Definitions = text.parse().unwrap();
    assert_eq!(again.definitions, defs.definitions);
    assert_eq!(again.objects, defs.objects);
}
