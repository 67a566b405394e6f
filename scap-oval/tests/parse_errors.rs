//! Malformed, inconsistent and hostile documents give typed errors that say where. An element
//! that cannot be loaded (a dangling reference, an unknown enumeration value, a missing
//! required attribute) is kept in `Definitions::invalid` with its error and the rest of the
//! document loads; only what bounds the parser (syntax, DTDs, limits, duplicate ids) fails the
//! whole document.

use scap_oval::model::ElementKind;
use scap_oval::{Definitions, Error, Limits, Position};

/// A minimal document with the given sections' contents; line 1 is the root start tag.
fn doc(definitions: &str, tests: &str, objects: &str, states: &str, variables: &str) -> String {
    format!(
        r#"<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5" xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5" xmlns:ind="http://oval.mitre.org/XMLSchema/oval-definitions-5#independent" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<generator><oval:schema_version>5.11</oval:schema_version><oval:timestamp>2024-01-01T00:00:00</oval:timestamp></generator>
<definitions>
{definitions}
</definitions>
<tests>
{tests}
</tests>
<objects>
{objects}
</objects>
<states>
{states}
</states>
<variables>
{variables}
</variables>
</oval_definitions>"#
    )
}

const DEF: &str = r#"<definition id="oval:x:def:1" version="1" class="compliance"><metadata><title/><description/></metadata>
<criteria><criterion test_ref="oval:x:tst:1"/></criteria></definition>"#;
const TEST: &str = r#"<ind:textfilecontent54_test id="oval:x:tst:1" version="1" check="all" comment="c"><ind:object object_ref="oval:x:obj:1"/></ind:textfilecontent54_test>"#;
const OBJ: &str = r#"<ind:textfilecontent54_object id="oval:x:obj:1" version="1"><ind:filepath>/etc/x</ind:filepath><ind:pattern operation="pattern match">^a</ind:pattern><ind:instance datatype="int">1</ind:instance></ind:textfilecontent54_object>"#;
const STATE: &str = r#"<ind:textfilecontent54_state id="oval:x:ste:1" version="1"><ind:subexpression>a</ind:subexpression></ind:textfilecontent54_state>"#;
const VAR: &str = r#"<constant_variable id="oval:x:var:1" version="1" datatype="string"><value>v</value></constant_variable>"#;

fn parse(xml: &str) -> Result<Definitions, Error> {
    Definitions::parse(xml.as_bytes())
}

/// The error of the first element the parser could not load (the document itself loads).
fn invalid(xml: &str) -> Error {
    let defs = parse(xml).expect("the document loads");
    match defs.invalid.first() {
        Some(x) => x.error.clone(),
        None => panic!("nothing invalid in {defs:?}"),
    }
}

/// The dangling reference error's (element, attribute, from, target, missing, line).
fn dangling(xml: &str) -> (String, &'static str, String, &'static str, String, u32) {
    match invalid(xml) {
        Error::DanglingReference {
            element,
            attribute,
            from,
            target,
            missing,
            position,
        } => (element, attribute, from, target, missing, position.line),
        other => panic!("expected a dangling reference, got {other:?}"),
    }
}

#[test]
fn the_base_document_is_valid() {
    let defs = parse(&doc(DEF, TEST, OBJ, STATE, VAR)).unwrap();
    assert_eq!(defs.tests.len(), 1);
    assert_eq!(defs.variables.len(), 1);
}

#[test]
fn dangling_criterion_names_definition_and_test() {
    let def = DEF.replace("oval:x:tst:1", "oval:x:tst:404");
    let got = dangling(&doc(&def, TEST, OBJ, STATE, VAR));
    assert_eq!(
        got,
        (
            "criterion".into(),
            "test_ref",
            "oval:x:def:1".into(),
            "test",
            "oval:x:tst:404".into(),
            5
        )
    );
}

#[test]
fn dangling_extend_definition() {
    let def = DEF.replace(
        r#"<criterion test_ref="oval:x:tst:1"/>"#,
        r#"<extend_definition definition_ref="oval:x:def:9"/>"#,
    );
    let got = dangling(&doc(&def, TEST, OBJ, STATE, VAR));
    assert_eq!(
        (got.0.as_str(), got.3, got.4.as_str()),
        ("extend_definition", "definition", "oval:x:def:9")
    );
}

#[test]
fn dangling_test_object_and_state_refs() {
    let test = TEST.replace("oval:x:obj:1", "oval:x:obj:2");
    let got = dangling(&doc(DEF, &test, OBJ, STATE, VAR));
    assert_eq!(
        (got.0.as_str(), got.1, got.2.as_str(), got.3),
        ("object", "object_ref", "oval:x:tst:1", "object")
    );
    let test = TEST.replace(
        "</ind:textfilecontent54_test>",
        r#"<ind:state state_ref="oval:x:ste:7"/></ind:textfilecontent54_test>"#,
    );
    let got = dangling(&doc(DEF, &test, OBJ, STATE, VAR));
    assert_eq!(
        (got.0.as_str(), got.1, got.3, got.4.as_str()),
        ("state", "state_ref", "state", "oval:x:ste:7")
    );
    assert_eq!(got.5, 8);
}

#[test]
fn dangling_filter_and_set_reference() {
    let obj = OBJ.replace(
        "</ind:textfilecontent54_object>",
        "<filter>oval:x:ste:2</filter></ind:textfilecontent54_object>",
    );
    let got = dangling(&doc(DEF, TEST, &obj, STATE, VAR));
    assert_eq!(
        (got.0.as_str(), got.1, got.2.as_str(), got.3),
        ("filter", "#text", "oval:x:obj:1", "state")
    );
    let set = r#"<ind:textfilecontent54_object id="oval:x:obj:2" version="1"><set><object_reference>oval:x:obj:1</object_reference><object_reference>oval:x:obj:3</object_reference></set></ind:textfilecontent54_object>"#;
    let got = dangling(&doc(DEF, TEST, &format!("{OBJ}{set}"), STATE, VAR));
    assert_eq!(
        (got.0.as_str(), got.2.as_str(), got.4.as_str()),
        ("object_reference", "oval:x:obj:2", "oval:x:obj:3")
    );
}

#[test]
fn dangling_variable_references() {
    let state = STATE.replace(
        "<ind:subexpression>a",
        r#"<ind:subexpression var_ref="oval:x:var:5">"#,
    );
    let got = dangling(&doc(DEF, TEST, OBJ, &state, VAR));
    assert_eq!(
        (got.0.as_str(), got.1, got.2.as_str(), got.3),
        ("subexpression", "var_ref", "oval:x:ste:1", "variable")
    );

    let local = r#"<local_variable id="oval:x:var:2" version="1" datatype="string"><concat><variable_component var_ref="oval:x:var:1"/><variable_component var_ref="oval:x:var:3"/></concat></local_variable>"#;
    let got = dangling(&doc(DEF, TEST, OBJ, STATE, &format!("{VAR}{local}")));
    assert_eq!(
        (got.0.as_str(), got.2.as_str(), got.4.as_str()),
        ("variable_component", "oval:x:var:2", "oval:x:var:3")
    );

    let local = r#"<local_variable id="oval:x:var:2" version="1" datatype="string"><object_component object_ref="oval:x:obj:8" item_field="text"/></local_variable>"#;
    let got = dangling(&doc(DEF, TEST, OBJ, STATE, &format!("{VAR}{local}")));
    assert_eq!(
        (got.0.as_str(), got.1, got.3, got.4.as_str()),
        ("object_component", "object_ref", "object", "oval:x:obj:8")
    );

    let varobj = r#"<ind:variable_object id="oval:x:obj:2" version="1"><ind:var_ref>oval:x:var:6</ind:var_ref></ind:variable_object>"#;
    let got = dangling(&doc(DEF, TEST, &format!("{OBJ}{varobj}"), STATE, VAR));
    assert_eq!(
        (got.0.as_str(), got.4.as_str()),
        ("var_ref", "oval:x:var:6")
    );
}

#[test]
fn a_reference_must_name_the_right_kind() {
    // An object id where a state is expected is still dangling.
    let test = TEST.replace(
        "</ind:textfilecontent54_test>",
        r#"<ind:state state_ref="oval:x:obj:1"/></ind:textfilecontent54_test>"#,
    );
    let got = dangling(&doc(DEF, &test, OBJ, STATE, VAR));
    assert_eq!((got.3, got.4.as_str()), ("state", "oval:x:obj:1"));
}

#[test]
fn duplicate_ids_are_refused_with_both_positions() {
    let err = parse(&doc(DEF, TEST, &format!("{OBJ}\n{OBJ}"), STATE, VAR)).unwrap_err();
    let Error::DuplicateId {
        element,
        id,
        first,
        second,
    } = err
    else {
        panic!("{err:?}")
    };
    assert_eq!((element.as_str(), id.as_str()), ("object", "oval:x:obj:1"));
    assert_eq!((first.line, second.line), (11, 12));
}

#[test]
fn unknown_enumeration_values_say_where() {
    let obj = OBJ.replace("pattern match", "regex");
    let err = invalid(&doc(DEF, TEST, &obj, STATE, VAR));
    let Error::UnknownEnumeration {
        element,
        attribute,
        source,
        context,
        position,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!((element.as_str(), *attribute), ("pattern", "operation"));
    assert_eq!(
        (source.enumeration, source.value.as_str()),
        ("OperationEnumeration", "regex")
    );
    assert_eq!(context.0.as_deref(), Some("oval:x:obj:1"));
    assert_eq!(position.line, 11);
    let message = err.to_string();
    assert!(message.starts_with("11:"), "{message}");
    assert!(
        message.contains("oval:x:obj:1") && message.contains("regex"),
        "{message}"
    );

    let def = DEF.replace("compliance", "compliant");
    assert!(matches!(
        invalid(&doc(&def, TEST, OBJ, STATE, VAR)),
        Error::UnknownEnumeration {
            attribute: "class",
            ..
        }
    ));
}

#[test]
fn malformed_numbers_and_booleans() {
    let test = TEST.replace(r#"version="1""#, r#"version="one""#);
    assert!(matches!(
        invalid(&doc(DEF, &test, OBJ, STATE, VAR)),
        Error::InvalidValue {
            attribute: "version",
            expected: "a non-negative integer",
            ..
        }
    ));
    let def = DEF.replace("<criterion ", r#"<criterion negate="yes" "#);
    assert!(matches!(
        invalid(&doc(&def, TEST, OBJ, STATE, VAR)),
        Error::InvalidValue {
            attribute: "negate",
            expected: "a boolean",
            ..
        }
    ));
}

#[test]
fn missing_attributes_and_elements() {
    let def = DEF.replace(r#" test_ref="oval:x:tst:1""#, "");
    let err = invalid(&doc(&def, TEST, OBJ, STATE, VAR));
    let Error::MissingAttribute {
        element,
        attribute,
        context,
        position,
    } = err
    else {
        panic!()
    };
    assert_eq!((element.as_str(), attribute), ("criterion", "test_ref"));
    assert_eq!(context.0.as_deref(), Some("oval:x:def:1"));
    assert_eq!(
        position,
        Position {
            line: 5,
            column: 11
        }
    );

    let no_generator = doc(DEF, TEST, OBJ, STATE, VAR).replace(
        "<generator><oval:schema_version>5.11</oval:schema_version><oval:timestamp>2024-01-01T00:00:00</oval:timestamp></generator>",
        "",
    );
    // Evaluation does not need the generator: a warning, and the document loads.
    let defs = parse(&no_generator).unwrap();
    assert_eq!(defs.warnings.len(), 1, "{:?}", defs.warnings);
    assert_eq!(defs.warnings[0].element, "oval_definitions");
    assert!(defs.warnings[0].message.contains("<generator>"));
    assert_eq!(defs.tests.len(), 1);
    let local = r#"<local_variable id="oval:x:var:2" version="1" datatype="string"/>"#;
    assert!(matches!(
        invalid(&doc(DEF, TEST, OBJ, STATE, local)),
        Error::MissingElement {
            child: "component",
            ..
        }
    ));
}

#[test]
fn unexpected_elements() {
    let def = DEF
        .replace("<criterion ", "<criterium ")
        .replace("<criterion", "<criterium");
    let err = invalid(&doc(&def, TEST, OBJ, STATE, VAR));
    assert!(
        matches!(&err, Error::UnexpectedElement { element, parent, .. } if element == "criterium" && parent == "criteria"),
        "{err:?}"
    );
    let local = r#"<local_variable id="oval:x:var:2" version="1" datatype="string"><escape_regex><literal_component>a</literal_component><literal_component>b</literal_component></escape_regex></local_variable>"#;
    assert!(matches!(
        invalid(&doc(DEF, TEST, OBJ, STATE, local)),
        Error::UnexpectedElement { .. }
    ));
}

#[test]
fn nesting_beyond_the_depth_limit_is_an_error() {
    let limits = Limits::default().with_max_depth(8);
    let deep_criteria = format!(
        r#"<definition id="oval:x:def:1" version="1" class="compliance"><metadata><title/><description/></metadata>{}<criterion test_ref="oval:x:tst:1"/>{}</definition>"#,
        "<criteria>".repeat(9),
        "</criteria>".repeat(9)
    );
    let xml = doc(&deep_criteria, TEST, OBJ, STATE, VAR);
    assert!(matches!(
        Definitions::parse_with_limits(xml.as_bytes(), &limits),
        Err(Error::TooDeep { limit: 8, ref element, .. }) if element == "criteria"
    ));
    let ok = Definitions::parse_with_limits(xml.as_bytes(), &Limits::default().with_max_depth(9));
    assert!(ok.is_ok(), "{ok:?}");

    let deep_component = format!(
        r#"<local_variable id="oval:x:var:2" version="1" datatype="string">{}<literal_component>a</literal_component>{}</local_variable>"#,
        "<unique>".repeat(20),
        "</unique>".repeat(20)
    );
    let xml = doc(DEF, TEST, OBJ, STATE, &deep_component);
    assert!(matches!(
        Definitions::parse_with_limits(xml.as_bytes(), &limits),
        Err(Error::TooDeep { ref element, .. }) if element == "unique"
    ));

    let deep_set = format!(
        r#"<ind:textfilecontent54_object id="oval:x:obj:2" version="1">{}<object_reference>oval:x:obj:1</object_reference>{}</ind:textfilecontent54_object>"#,
        "<set>".repeat(10),
        "</set>".repeat(10)
    );
    let xml = doc(DEF, TEST, &format!("{OBJ}{deep_set}"), STATE, VAR);
    assert!(matches!(
        Definitions::parse_with_limits(xml.as_bytes(), &limits),
        Err(Error::TooDeep { ref element, .. }) if element == "set"
    ));
}

#[test]
fn very_deep_input_does_not_overflow_the_stack() {
    let depth = 100_000;
    let xml = doc(
        &format!(
            r#"<definition id="oval:x:def:1" version="1" class="compliance"><metadata><title/><description/></metadata>{}{}</definition>"#,
            "<criteria>".repeat(depth),
            "</criteria>".repeat(depth)
        ),
        TEST,
        OBJ,
        STATE,
        VAR,
    );
    assert!(matches!(parse(&xml), Err(Error::TooDeep { limit: 64, .. })));
}

#[test]
fn dtds_and_entity_expansion_are_refused() {
    let xml = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE oval_definitions [<!ENTITY lol \"lol\">]>\n{}",
        doc(DEF, TEST, OBJ, STATE, VAR)
    );
    assert!(matches!(
        parse(&xml),
        Err(Error::Xml(e)) if e.message.contains("DTD")
    ));
}

#[test]
fn size_and_node_limits() {
    let xml = doc(DEF, TEST, OBJ, STATE, VAR);
    let small = Limits::default().with_max_input_bytes(100);
    assert!(matches!(
        Definitions::parse_with_limits(xml.as_bytes(), &small),
        Err(Error::TooLarge { limit: 100, .. })
    ));
    let few_nodes = Limits::default().with_max_nodes(10);
    assert!(matches!(
        Definitions::parse_with_limits(xml.as_bytes(), &few_nodes),
        Err(Error::Xml(e)) if e.message.contains("nodes limit")
    ));
}

#[test]
fn syntax_errors_carry_the_position() {
    let xml = doc(DEF, TEST, OBJ, STATE, VAR).replace("</tests>", "</test>");
    let Err(Error::Xml(e)) = parse(&xml) else {
        panic!("expected an XML error")
    };
    assert_eq!(e.line, 9);
}

#[test]
fn wrong_root_and_encoding() {
    let err = parse("<oval_results xmlns=\"http://oval.mitre.org/XMLSchema/oval-results-5\"/>")
        .unwrap_err();
    assert!(
        matches!(&err, Error::NotOvalDefinitions { found, .. } if found.ends_with("}oval_results"))
    );
    assert!(matches!(
        Definitions::parse(b"<a>\xff</a>"),
        Err(Error::Encoding { offset: 3 })
    ));
}

#[test]
fn a_broken_element_is_left_out_and_the_rest_loads() {
    // The test names an object that does not exist, the state has an unknown operation.
    let test = TEST.replace("oval:x:obj:1", "oval:x:obj:404");
    let state = STATE.replace(
        "<ind:subexpression>",
        r#"<ind:subexpression operation="like">"#,
    );
    let defs = parse(&doc(DEF, &test, OBJ, &state, VAR)).unwrap();
    let kinds: Vec<(ElementKind, &str)> = defs
        .invalid
        .iter()
        .map(|x| (x.kind, x.id.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            (ElementKind::Test, "oval:x:tst:1"),
            (ElementKind::State, "oval:x:ste:1")
        ]
    );
    assert!(defs.test("oval:x:tst:1").is_none() && defs.state("oval:x:ste:1").is_none());
    assert!(defs.definition("oval:x:def:1").is_some() && defs.object("oval:x:obj:1").is_some());
    // The definition depends on the broken test: both are in its diagnostics.
    let (_, bad) = defs.diagnostics_of("oval:x:def:1");
    assert_eq!(bad.len(), 1);
    assert!(bad[0].to_string().contains("oval:x:obj:404"), "{}", bad[0]);
}

#[test]
fn elements_without_an_id_are_skipped_with_a_warning() {
    let obj = format!(
        "{OBJ}<ind:textfilecontent54_object version=\"1\"><ind:filepath>/x</ind:filepath></ind:textfilecontent54_object>"
    );
    let defs = parse(&doc(DEF, TEST, &obj, STATE, VAR)).unwrap();
    assert_eq!(defs.objects.len(), 1);
    assert!(defs.invalid.is_empty());
    assert_eq!(defs.warnings.len(), 1);
    assert!(defs.warnings[0].message.contains("no `id`"));
    assert_eq!(defs.warnings[0].position.line, 11);
}

/// What the schema allows (`xsd:any` in metadata) and what oscap tolerates load; the
/// deviations from the schema are warnings naming element, line and definition.
#[test]
fn metadata_extensions_and_incomplete_references_load() {
    let def = r#"<definition id="oval:x:def:1" version="1" class="compliance"><metadata><title>t</title>
<description/><notes><note>schema allows any element here</note></notes><reference source="CIS"/>
<affected><platform>p</platform><vendor_thing/></affected><x:ext xmlns:x="urn:x"/></metadata>
<criteria><criterion test_ref="oval:x:tst:1"/></criteria><oddity/></definition>"#;
    let defs = parse(&doc(def, TEST, OBJ, STATE, VAR)).unwrap();
    assert!(defs.invalid.is_empty(), "{:?}", defs.invalid);
    let d = defs.definition("oval:x:def:1").unwrap();
    assert_eq!(d.metadata.references.len(), 1);
    assert_eq!(
        (
            d.metadata.references[0].source.as_str(),
            d.metadata.references[0].ref_id.as_str()
        ),
        ("CIS", "")
    );
    let got: Vec<(u32, &str, &str)> = defs
        .warnings
        .iter()
        .map(|w| (w.position.line, w.element.as_str(), w.message.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (5, "reference", "has no `ref_id` attribute; read as empty"),
            (6, "affected", "has no `family` attribute; read as empty"),
            (6, "vendor_thing", "is not allowed in <affected>; skipped"),
            (7, "oddity", "is not allowed in a definition; skipped"),
        ]
    );
    assert!(
        defs.warnings
            .iter()
            .all(|w| w.id.as_deref() == Some("oval:x:def:1"))
    );
}

#[test]
fn deprecated_check_none_exist_loads() {
    let test = TEST.replace(r#"check="all""#, r#"check="none exist""#);
    let defs = parse(&doc(DEF, &test, OBJ, STATE, VAR)).unwrap();
    assert!(defs.invalid.is_empty() && defs.test("oval:x:tst:1").is_some());
}

/// Found by the `oval_parse` fuzz target (its stale invariant, not the parser): an object whose
/// `var_ref` names no variable is set aside in `invalid`, and the test that uses it keeps its
/// reference, so evaluation errors that test with the object's reason. A reference therefore
/// resolves to an element or to an invalid one, never to nothing.
#[test]
fn a_test_keeps_its_reference_to_an_invalid_object() {
    let obj = OBJ.replace(
        "<ind:filepath>/etc/x</ind:filepath>",
        r#"<ind:filepath var_ref="oval:x:var:nope"/>"#,
    );
    let defs = parse(&doc(DEF, TEST, &obj, STATE, VAR)).unwrap();
    let test = defs.test("oval:x:tst:1").unwrap();
    let object = test.object_ref.as_deref().unwrap();
    assert!(defs.object(object).is_none());
    assert!(
        defs.invalid
            .iter()
            .any(|i| i.id == object && i.error.to_string().contains("oval:x:var:nope")),
        "{:?}",
        defs.invalid
    );
}
