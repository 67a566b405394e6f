//! The applicability language: SSG platform specifications and NISTIR 7698 evaluation.

use scap_cpe::ApplicabilityResult::{self, Error as E, False as F, True as T};
use scap_cpe::{CheckFactRef, Dictionary, Name, NoChecks, Operator, PlatformSpecification, Test};

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn names(list: &[&str]) -> Vec<Name> {
    list.iter()
        .map(|n| Name::parse(n).expect("valid name"))
        .collect()
}

#[test]
fn parses_the_ssg_debian11_platform_specification() {
    let spec: PlatformSpecification = fixture("ssg-debian11-platform-specification.xml")
        .parse()
        .unwrap();
    assert_eq!(spec.platforms.len(), 17);
    let sudo = spec.platform("sudo").expect("platform sudo");
    assert_eq!(sudo.test.operator, Operator::And);
    assert!(!sudo.test.negate);
    match &sudo.test.tests[..] {
        [Test::Fact(f)] => assert_eq!(f.name.to_uri(), "cpe:/a:sudo"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn evaluates_the_ssg_rhel8_platforms_against_dictionary_names() {
    let spec: PlatformSpecification = fixture("ssg-rhel8-platform-specification.xml")
        .parse()
        .unwrap();
    let dict: Dictionary = fixture("ssg-rhel8-cpe-dictionary.xml").parse().unwrap();
    // A machine with chrony and no ntp.
    let present = [
        "oval:ssg-installed_env_is_a_machine:def:1",
        "oval:ssg-installed_env_has_chrony_package:def:1",
    ];
    let mut checks =
        |c: &CheckFactRef| ApplicabilityResult::from(present.contains(&c.id_ref.as_str()));
    let target = dict.applicable_names(&mut checks);
    assert_eq!(target.len(), 2, "{target:?}");
    let eval = |id: &str| spec.evaluate(id, &target, &mut NoChecks);
    assert_eq!(eval("machine"), Some(T));
    assert_eq!(eval("chrony"), Some(T));
    assert_eq!(eval("ntp"), Some(F));
    assert_eq!(eval("chrony_or_ntp"), Some(T));
    assert_eq!(eval("#chrony_or_ntp"), Some(T));
    assert_eq!(eval("postfix"), Some(F));
    assert_eq!(eval("no-such-platform"), None);
}

#[test]
fn fact_ref_names_match_target_names_as_source() {
    let spec: PlatformSpecification =
        r#"<platform-specification xmlns="http://cpe.mitre.org/language/2.0">
      <platform id="debian"><logical-test operator="AND" negate="false">
        <fact-ref name="cpe:/o:debian:debian_linux"/></logical-test></platform>
      <platform id="debian11"><logical-test operator="AND" negate="false">
        <fact-ref name="cpe:2.3:o:debian:debian_linux:11:*:*:*:*:*:*:*"/></logical-test></platform>
      <platform id="debian1x"><logical-test operator="AND" negate="false">
        <fact-ref name="cpe:2.3:o:debian:debian_linux:1?:*:*:*:*:*:*:*"/></logical-test></platform>
    </platform-specification>"#
            .parse()
            .unwrap();
    let bullseye = names(&["cpe:/o:debian:debian_linux:11"]);
    let any_debian = names(&["cpe:/o:debian:debian_linux"]);
    let buster = names(&["cpe:/o:debian:debian_linux:10"]);
    let eval = |id: &str, target: &[Name]| spec.evaluate(id, target, &mut NoChecks);
    assert_eq!(eval("debian", &bullseye), Some(T));
    assert_eq!(eval("debian11", &bullseye), Some(T));
    assert_eq!(eval("debian1x", &bullseye), Some(T));
    // The fact-ref is the source: a more general target name does not satisfy it.
    assert_eq!(eval("debian11", &any_debian), Some(F));
    assert_eq!(eval("debian", &any_debian), Some(T));
    assert_eq!(eval("debian11", &buster), Some(F));
    assert_eq!(eval("debian1x", &buster), Some(T));
}

/// One platform per operator/negate combination over two check-fact-refs with ids "a" and "b";
/// each check's result is given by the closure.
fn two_checks(operator: &str, negate: bool) -> PlatformSpecification {
    format!(
        r#"<platform-specification xmlns="http://cpe.mitre.org/language/2.0">
          <platform id="p"><logical-test operator="{operator}" negate="{negate}">
            <check-fact-ref system="oval" href="cpe-oval.xml" id-ref="a"/>
            <check-fact-ref system="oval" href="cpe-oval.xml" id-ref="b"/>
          </logical-test></platform></platform-specification>"#
    )
    .parse()
    .expect("valid specification")
}

#[test]
fn and_or_and_negation_follow_the_three_valued_tables() {
    let all = [T, F, E];
    for a in all {
        for b in all {
            let and = match (a, b) {
                (F, _) | (_, F) => F,
                (E, _) | (_, E) => E,
                _ => T,
            };
            let or = match (a, b) {
                (T, _) | (_, T) => T,
                (E, _) | (_, E) => E,
                _ => F,
            };
            let not = |r: ApplicabilityResult| match r {
                T => F,
                F => T,
                E => E,
            };
            for (operator, negate, expected) in [
                ("AND", false, and),
                ("AND", true, not(and)),
                ("OR", false, or),
                ("OR", true, not(or)),
            ] {
                let spec = two_checks(operator, negate);
                let mut checks = |c: &CheckFactRef| if c.id_ref == "a" { a } else { b };
                assert_eq!(
                    spec.evaluate("p", &[], &mut checks),
                    Some(expected),
                    "{operator} negate={negate} over {a}, {b}"
                );
            }
        }
    }
}

#[test]
fn check_fact_refs_reach_the_evaluator_with_their_attributes() {
    let spec = two_checks("AND", false);
    let mut seen = Vec::new();
    let mut checks = |c: &CheckFactRef| {
        seen.push((c.system.clone(), c.href.clone(), c.id_ref.clone()));
        T
    };
    assert_eq!(spec.evaluate("p", &[], &mut checks), Some(T));
    assert_eq!(
        seen,
        [
            ("oval".into(), "cpe-oval.xml".into(), "a".into()),
            ("oval".into(), "cpe-oval.xml".into(), "b".into())
        ]
    );
}

#[test]
fn nested_tests_and_mixed_children() {
    let spec: PlatformSpecification =
        r#"<cpe:platform-specification xmlns:cpe="http://cpe.mitre.org/language/2.0">
      <cpe:platform id="p">
        <cpe:title xml:lang="en">Machine with chrony but not ntp</cpe:title>
        <cpe:remark>from SSG</cpe:remark>
        <cpe:logical-test operator="AND" negate="false">
          <cpe:logical-test operator="OR" negate="true">
            <cpe:fact-ref name="cpe:/a:ntp"/>
          </cpe:logical-test>
          <cpe:fact-ref name="cpe:/a:chrony" description="chrony is installed"/>
          <cpe:check-fact-ref system="oval" href="x.xml" id-ref="machine"/>
        </cpe:logical-test>
      </cpe:platform>
    </cpe:platform-specification>"#
            .parse()
            .unwrap();
    let p = spec.platform("p").unwrap();
    assert_eq!(p.titles[0].lang.as_deref(), Some("en"));
    assert_eq!(p.titles[0].text, "Machine with chrony but not ntp");
    assert_eq!(p.remarks[0].text, "from SSG");
    let machine = |r: ApplicabilityResult| move |_: &CheckFactRef| r;
    assert_eq!(p.evaluate(&names(&["cpe:/a:chrony"]), &mut machine(T)), T);
    assert_eq!(p.evaluate(&names(&["cpe:/a:chrony"]), &mut machine(E)), E);
    assert_eq!(
        p.evaluate(&names(&["cpe:/a:chrony", "cpe:/a:ntp"]), &mut machine(E)),
        F
    );
    assert_eq!(p.evaluate(&names(&[]), &mut machine(T)), F);
}

#[test]
fn empty_logical_tests_follow_openscap() {
    let spec: PlatformSpecification =
        r#"<platform-specification xmlns="http://cpe.mitre.org/language/2.0">
      <platform id="and"><logical-test operator="AND" negate="false"/></platform>
      <platform id="or"><logical-test operator="OR" negate="false"/></platform>
    </platform-specification>"#
            .parse()
            .unwrap();
    assert_eq!(spec.evaluate("and", &[], &mut NoChecks), Some(T));
    assert_eq!(spec.evaluate("or", &[], &mut NoChecks), Some(F));
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let depth = scap_cpe::MAX_DEPTH + 1;
    let mut xml = String::from(
        r#"<platform-specification xmlns="http://cpe.mitre.org/language/2.0"><platform id="p">"#,
    );
    for _ in 0..depth {
        xml.push_str(r#"<logical-test operator="AND" negate="false">"#);
    }
    for _ in 0..depth {
        xml.push_str("</logical-test>");
    }
    xml.push_str("</platform></platform-specification>");
    let err = xml.parse::<PlatformSpecification>().unwrap_err();
    assert!(err.to_string().contains("nested deeper"), "{err}");
}

#[test]
fn reports_where_a_specification_is_wrong() {
    let ns = r#"xmlns="http://cpe.mitre.org/language/2.0""#;
    let cases = [
        (
            format!("<platform-specification {ns}>\n<platform/></platform-specification>"),
            "line 2, element <platform>: missing attribute `id`",
        ),
        (
            format!("<platform-specification {ns}><platform id=\"p\"/></platform-specification>"),
            "platform without logical-test",
        ),
        (
            format!(
                "<platform-specification {ns}><platform id=\"p\"><logical-test operator=\"XOR\" negate=\"false\"/></platform></platform-specification>"
            ),
            "operator must be AND or OR",
        ),
        (
            format!(
                "<platform-specification {ns}><platform id=\"p\"><logical-test operator=\"AND\"/></platform></platform-specification>"
            ),
            "missing attribute `negate`",
        ),
        (
            format!(
                "<platform-specification {ns}><platform id=\"p\"><logical-test operator=\"AND\" negate=\"false\">\n<fact-ref name=\"cpe:/a:*\"/></logical-test></platform></platform-specification>"
            ),
            "line 2, element <fact-ref>: bad CPE name",
        ),
        (
            format!(
                "<platform-specification {ns}><platform id=\"p\"><logical-test operator=\"AND\" negate=\"false\"><check-fact-ref system=\"s\" href=\"h\"/></logical-test></platform></platform-specification>"
            ),
            "missing attribute `id-ref`",
        ),
        (
            format!("<platform-specification {ns}><bogus/></platform-specification>"),
            "unexpected element <bogus>",
        ),
        (
            "<platform-specification/>".to_owned(),
            "expected <platform-specification>",
        ),
    ];
    for (xml, expected) in cases {
        let err = xml.parse::<PlatformSpecification>().unwrap_err();
        assert!(err.to_string().contains(expected), "{xml}: {err}");
    }
}

#[test]
fn dictionary_evaluation_agrees_with_applicable_names() {
    let spec: PlatformSpecification = fixture("ssg-rhel8-platform-specification.xml")
        .parse()
        .unwrap();
    let dict: Dictionary = fixture("ssg-rhel8-cpe-dictionary.xml").parse().unwrap();
    let check_ids: Vec<String> = dict
        .items
        .iter()
        .flat_map(|i| i.checks.iter().map(|c| c.id_ref.clone()))
        .collect();
    // Several deterministic "installed" sets: every k-th check is TRUE.
    for k in 1..=5 {
        let installed: Vec<&String> = check_ids.iter().step_by(k).collect();
        let mut checks =
            |c: &CheckFactRef| ApplicabilityResult::from(installed.contains(&&c.id_ref));
        let names = dict.applicable_names(&mut checks);
        let mut trues = 0;
        for platform in &spec.platforms {
            let by_names = platform.evaluate(&names, &mut checks);
            let by_dictionary = platform.evaluate_with_dictionary(&dict, &mut checks);
            assert_eq!(
                by_names, by_dictionary,
                "platform {} with k={k}",
                platform.id
            );
            trues += usize::from(by_names == T);
        }
        assert!(trues > 0, "k={k}: no platform applies");
    }
}

#[test]
fn dictionary_evaluation_propagates_check_errors() {
    let dict: Dictionary = fixture("ssg-rhel8-cpe-dictionary.xml").parse().unwrap();
    let spec: PlatformSpecification = fixture("ssg-rhel8-platform-specification.xml")
        .parse()
        .unwrap();
    let machine = spec.platform("machine").expect("platform machine");
    assert_eq!(machine.evaluate_with_dictionary(&dict, &mut NoChecks), E);
    // A fact-ref no dictionary item matches is FALSE, not ERROR.
    let mut test = scap_cpe::LogicalTest::new(Operator::And, false);
    test.tests.push(Test::Fact(scap_cpe::FactRef::new(
        Name::parse("cpe:/a:no_such_package").unwrap(),
    )));
    assert_eq!(test.evaluate_with_dictionary(&dict, &mut NoChecks), F);
}
