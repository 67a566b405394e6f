//! The binding and unbinding examples of NISTIR 7695 sections 6.1 and 6.2, real-world CPE 2.2
//! names, and round trips of generated WFNs through both bindings.

use proptest::prelude::*;
use scap_cpe::{Attribute, AvString, Error, Name, NameErrorKind, Value, Wildcard};

fn wfn(text: &str) -> Name {
    Name::parse_wfn(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// (WFN, URI, formatted string) triples from NISTIR 7695 sections 6.1.2.3 and 6.2.2.3.
const BIND_EXAMPLES: &[(&str, &str, &str)] = &[
    (
        r#"wfn:[part="a",vendor="microsoft",product="internet_explorer",version="8\.0\.6001",update="beta",edition=ANY]"#,
        "cpe:/a:microsoft:internet_explorer:8.0.6001:beta",
        "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*",
    ),
    (
        r#"wfn:[part="a",vendor="microsoft",product="internet_explorer",version="8\.*",update="sp?"]"#,
        "cpe:/a:microsoft:internet_explorer:8.%02:sp%01",
        "cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*",
    ),
    (
        r#"wfn:[part="a",vendor="hp",product="insight_diagnostics",version="7\.4\.0\.1570",update=NA,sw_edition="online",target_sw="win2003",target_hw="x64"]"#,
        "cpe:/a:hp:insight_diagnostics:7.4.0.1570:-:~~online~win2003~x64~",
        "cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*",
    ),
    (
        r#"wfn:[part="a",vendor="hp",product="openview_network_manager",version="7\.51",target_sw="linux"]"#,
        "cpe:/a:hp:openview_network_manager:7.51::~~~linux~~",
        "cpe:2.3:a:hp:openview_network_manager:7.51:*:*:*:*:linux:*:*",
    ),
    (
        r#"wfn:[part="a",vendor="foo\\bar",product="big\$money_manager_2010",sw_edition="special",target_sw="ipod_touch",target_hw="80gb"]"#,
        "cpe:/a:foo%5cbar:big%24money_manager_2010:::~~special~ipod_touch~80gb~",
        r"cpe:2.3:a:foo\\bar:big\$money_manager_2010:*:*:*:*:special:ipod_touch:80gb:*",
    ),
];

#[test]
fn binds_the_spec_examples() {
    for (w, uri, fs) in BIND_EXAMPLES {
        let name = wfn(w);
        assert_eq!(name.to_uri(), *uri, "{w}");
        assert_eq!(name.to_formatted_string(), *fs, "{w}");
        assert_eq!(name.to_string(), *fs, "Display is the formatted string");
        assert_eq!(Name::parse(uri).as_ref(), Ok(&name), "{uri}");
        assert_eq!(Name::parse(fs).as_ref(), Ok(&name), "{fs}");
    }
}

#[test]
fn unbinds_the_spec_uri_examples() {
    let cases = [
        (
            "cpe:/a:microsoft:internet_explorer:8.0.6001:beta",
            r#"wfn:[part="a",vendor="microsoft",product="internet_explorer",version="8\.0\.6001",update="beta",edition=ANY,language=ANY]"#,
        ),
        (
            "cpe:/a:microsoft:internet_explorer:8.%2a:sp%3f",
            r#"wfn:[part="a",vendor="microsoft",product="internet_explorer",version="8\.\*",update="sp\?"]"#,
        ),
        (
            "cpe:/a:microsoft:internet_explorer:8.%02:sp%01",
            r#"wfn:[part="a",vendor="microsoft",product="internet_explorer",version="8\.*",update="sp?"]"#,
        ),
        (
            "cpe:/a:hp:insight_diagnostics:7.4.0.1570::~~online~win2003~x64~",
            r#"wfn:[part="a",vendor="hp",product="insight_diagnostics",version="7\.4\.0\.1570",update=ANY,edition=ANY,sw_edition="online",target_sw="win2003",target_hw="x64",other=ANY,language=ANY]"#,
        ),
        (
            "cpe:/a:hp:openview_network_manager:7.51:-:~~~linux~~",
            r#"wfn:[part="a",vendor="hp",product="openview_network_manager",version="7\.51",update=NA,target_sw="linux"]"#,
        ),
        (
            "cpe:/a:foo~bar:big%7emoney_2010",
            r#"wfn:[part="a",vendor="foo\~bar",product="big\~money_2010"]"#,
        ),
    ];
    for (uri, w) in cases {
        assert_eq!(Name::from_uri(uri), Ok(wfn(w)), "{uri}");
    }
}

#[test]
fn rejects_the_spec_uri_error_examples() {
    // %07 is not one of the percent-encodings the binding defines.
    let err = Name::from_uri("cpe:/a:foo%5cbar:big%24money_2010%07:::~~special~ipod_touch~80gb~")
        .unwrap_err();
    assert_eq!(
        err,
        Error::Name {
            offset: 33,
            attribute: Some(Attribute::Product),
            kind: NameErrorKind::BadPercentEncoding
        }
    );
    // An embedded wildcard.
    let err = Name::from_uri("cpe:/a:foo:bar:12.%02.1234").unwrap_err();
    assert_eq!(
        err,
        Error::Name {
            offset: 18,
            attribute: Some(Attribute::Version),
            kind: NameErrorKind::MisplacedWildcard
        }
    );
}

#[test]
fn unbinds_the_spec_formatted_string_examples() {
    let cases = [
        (
            "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*",
            r#"wfn:[part="a",vendor="microsoft",product="internet_explorer",version="8\.0\.6001",update="beta"]"#,
        ),
        (
            "cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*",
            r#"wfn:[part="a",vendor="microsoft",product="internet_explorer",version="8\.*",update="sp?"]"#,
        ),
        (
            "cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*",
            r#"wfn:[part="a",vendor="hp",product="insight_diagnostics",version="7\.4\.0\.1570",update=NA,sw_edition="online",target_sw="win2003",target_hw="x64"]"#,
        ),
        (
            r"cpe:2.3:a:foo\\bar:big\$money:2010:*:*:*:special:ipod_touch:80gb:*",
            r#"wfn:[part="a",vendor="foo\\bar",product="big\$money",version="2010",sw_edition="special",target_sw="ipod_touch",target_hw="80gb"]"#,
        ),
    ];
    for (fs, w) in cases {
        assert_eq!(Name::from_formatted_string(fs), Ok(wfn(w)), "{fs}");
    }
    // An embedded unquoted `*`.
    let err =
        Name::from_formatted_string("cpe:2.3:a:hp:insight_diagnostics:7.4.*.1570:*:*:*:*:*:*:*")
            .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Name {
                attribute: Some(Attribute::Version),
                kind: NameErrorKind::MisplacedWildcard,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn parses_real_world_cpe_2_2_names() {
    let debian = Name::parse("cpe:/o:debian:debian_linux:11").unwrap();
    assert_eq!(debian.part(), &Value::literal("o").unwrap());
    assert_eq!(debian.version(), &Value::literal("11").unwrap());
    assert_eq!(debian.update(), &Value::Any);
    assert_eq!(
        debian.to_string(),
        "cpe:2.3:o:debian:debian_linux:11:*:*:*:*:*:*:*"
    );

    let openssl = Name::parse("cpe:/a:redhat:openssl").unwrap();
    assert_eq!(openssl.vendor(), &Value::literal("redhat").unwrap());
    assert_eq!(openssl.version(), &Value::Any);

    // Upper-case prefix and part, as the 2.2 schema allows.
    assert_eq!(
        Name::parse("CPE:/O:debian:debian_linux:11").unwrap(),
        debian
    );

    // Names from the SSG dictionaries.
    for uri in [
        "cpe:/a:net-snmp",
        "cpe:/o:redhat:enterprise_linux:8::workstation",
        "cpe:/a:aarch64_arch",
        "cpe:/o:canonical:ubuntu_linux:22.04::~~lts~~~",
    ] {
        let name = Name::parse(uri).unwrap_or_else(|e| panic!("{uri}: {e}"));
        assert_eq!(name.to_uri(), uri);
    }
    let snmp = Name::parse("cpe:/a:net-snmp").unwrap();
    assert_eq!(snmp.vendor().as_str().unwrap().to_wfn(), r"net\-snmp");
}

#[test]
fn lone_hyphen_value_survives_both_bindings() {
    // A string value "-" must not come back as NA.
    let name = Name::new()
        .with(Attribute::Version, Value::literal("-").unwrap())
        .unwrap();
    assert_eq!(name.to_uri(), "cpe:/:::%2d");
    assert_eq!(name.to_string(), r"cpe:2.3:*:*:*:\-:*:*:*:*:*:*:*");
    assert_eq!(Name::parse(&name.to_uri()).unwrap(), name);
    assert_eq!(Name::parse(&name.to_string()).unwrap(), name);
}

#[test]
fn every_any_binds_to_bare_prefixes() {
    let any = Name::new();
    assert_eq!(any.to_uri(), "cpe:/");
    assert_eq!(any.to_string(), "cpe:2.3:*:*:*:*:*:*:*:*:*:*:*");
    assert_eq!(Name::parse("cpe:/").unwrap(), any);
    assert_eq!(Name::parse("cpe:/:::::").unwrap(), any);
}

fn wildcard() -> impl Strategy<Value = Wildcard> {
    prop_oneof![
        4 => Just(Wildcard::None),
        1 => Just(Wildcard::Star),
        1 => (1u32..4).prop_map(Wildcard::Questions),
    ]
}

fn body() -> impl Strategy<Value = String> {
    prop_oneof![
        "[!-~]{1,12}",
        "[a-z0-9_]{1,10}",
        Just("-".to_owned()),
        Just("*".to_owned()),
        Just("~".to_owned()),
        Just("%01".to_owned()),
        Just(r"\:".to_owned()),
    ]
}

fn general_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        1 => Just(Value::Any),
        1 => Just(Value::Na),
        1 => (1u32..4).prop_map(|n| Value::Str(
            AvString::new(Wildcard::Questions(n), "", Wildcard::None).expect("a run of `?`")
        )),
        4 => (wildcard(), body(), wildcard())
            .prop_map(|(p, b, s)| Value::Str(AvString::new(p, &b, s).expect("non-empty printable body"))),
    ]
}

fn part() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Any),
        Just(Value::Na),
        "[aoh]".prop_map(|p| Value::literal(&p).expect("a, o or h")),
    ]
}

fn language() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Any),
        Just(Value::Na),
        "[a-zA-Z]{2,3}(-([a-zA-Z]{2}|[0-9]{3}))?".prop_map(|l| Value::literal(&l).expect("tag")),
    ]
}

prop_compose! {
    fn any_name()(
        part in part(),
        language in language(),
        rest in proptest::collection::vec(general_value(), 9),
    ) -> Name {
        let mut name = Name::new();
        name.set(Attribute::Part, part).expect("valid part");
        name.set(Attribute::Language, language).expect("valid language");
        let others = Attribute::ALL
            .into_iter()
            .filter(|a| !matches!(a, Attribute::Part | Attribute::Language));
        for (attribute, value) in others.zip(rest) {
            name.set(attribute, value).expect("no constraint on this attribute");
        }
        name
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn uri_round_trips(name in any_name()) {
        let uri = name.to_uri();
        prop_assert_eq!(Name::from_uri(&uri), Ok(name), "{}", uri);
    }

    #[test]
    fn formatted_string_round_trips(name in any_name()) {
        let fs = name.to_formatted_string();
        prop_assert_eq!(Name::from_formatted_string(&fs), Ok(name), "{}", fs);
    }

    #[test]
    fn wfn_text_round_trips(name in any_name()) {
        let text = name.to_wfn_string();
        prop_assert_eq!(Name::parse_wfn(&text), Ok(name), "{}", text);
    }

    #[test]
    fn a_name_equals_itself_under_matching(name in any_name()) {
        // A name without wildcards is CPE_EQUAL to itself; with wildcards the relation is
        // UNDEFINED (the target has wildcards).
        let has_wildcards = name.values().iter().any(Value::has_wildcards);
        let relation = name.compare(&name);
        if has_wildcards {
            prop_assert_eq!(relation, scap_cpe::NameRelation::Undefined);
        } else {
            prop_assert_eq!(relation, scap_cpe::NameRelation::Equal);
        }
    }
}
