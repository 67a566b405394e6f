//! NISTIR 7696: every row of the attribute comparison table (table 6-2), the wildcard rules of
//! `compare_strings`, and the name comparison relations (table 6-4).

use scap_cpe::AttributeRelation::{Disjoint, Equal, Subset, Superset, Undefined};
use scap_cpe::{Attribute, AttributeRelation, AvString, Name, NameRelation, Value, compare_values};

fn s(wfn: &str) -> Value {
    Value::Str(AvString::parse_wfn(wfn).unwrap_or_else(|e| panic!("{wfn}: {e}")))
}

/// Table 6-2 in its own row order: (row, source, target, relation). "i" and "k" are distinct
/// strings without wildcards, "m + wild cards" a string with wildcards.
#[test]
fn every_row_of_table_6_2() {
    let i = || s("windows_xp");
    let k = || s("windows_7");
    let m = || s("windows*");
    let rows: [(u32, Value, Value, AttributeRelation); 17] = [
        (1, Value::Any, Value::Any, Equal),
        (2, Value::Any, Value::Na, Superset),
        (3, Value::Any, i(), Superset),
        (4, Value::Any, m(), Undefined),
        (5, Value::Na, Value::Any, Subset),
        (6, Value::Na, Value::Na, Equal),
        (7, Value::Na, i(), Disjoint),
        (8, Value::Na, m(), Undefined),
        (9, i(), i(), Equal),
        (10, i(), k(), Disjoint),
        (11, i(), m(), Undefined),
        (12, i(), Value::Na, Disjoint),
        (13, i(), Value::Any, Subset),
        // Row 14 is "SUPERSET or DISJOINT": both outcomes are checked.
        (14, m(), i(), Superset),
        (15, m(), Value::Any, Subset),
        (16, m(), Value::Na, Disjoint),
        (17, m(), s("*xp"), Undefined),
    ];
    for (row, source, target, expected) in rows {
        assert_eq!(
            compare_values(&source, &target),
            expected,
            "row {row}: {} vs {}",
            source.to_wfn(),
            target.to_wfn()
        );
    }
    assert_eq!(
        compare_values(&s("linux*"), &i()),
        Disjoint,
        "row 14, DISJOINT"
    );
    // The section 6.1 examples of row 14.
    assert_eq!(compare_values(&s(r"9\.*"), &s(r"9\.3")), Superset);
    assert_eq!(compare_values(&s(r"9\.*"), &s(r"8\.3")), Disjoint);
}

#[test]
fn string_comparison_ignores_ascii_case() {
    assert_eq!(compare_values(&s("Microsoft"), &s("microsoft")), Equal);
    assert_eq!(compare_values(&s("MICRO*"), &s("microsoft")), Superset);
}

#[test]
fn star_matches_any_run_of_characters() {
    let cases = [
        ("*soft", "microsoft", Superset),
        ("micro*", "microsoft", Superset),
        ("*cros*", "microsoft", Superset),
        ("*soft", "softy", Disjoint),
        ("micro*", "macrosoft", Disjoint),
        // `*` matches the empty string too.
        ("microsoft*", "microsoft", Superset),
        ("*microsoft", "microsoft", Superset),
        // Quoted wildcards are literal characters.
        (r"8\.\*", "8.*", Equal),
        (r"8\.\*", "8.0", Disjoint),
    ];
    for (source, target, expected) in cases {
        let target = Value::literal(target).unwrap();
        assert_eq!(compare_values(&s(source), &target), expected, "{source}");
    }
}

#[test]
fn question_marks_match_up_to_their_count_at_either_end() {
    let cases = [
        ("sp?", "sp1", Superset),
        ("sp?", "sp12", Disjoint),
        ("sp??", "sp12", Superset),
        // 7696's compare_strings accepts fewer characters than `?`s.
        ("sp?", "sp", Superset),
        ("?p1", "sp1", Superset),
        ("?p1", "xsp1", Disjoint),
        ("??p1", "xsp1", Superset),
        ("?sp1?", "sp1", Superset),
        // A value made only of `?` matches values up to that long.
        ("??", "ab", Superset),
        ("??", "a", Superset),
        ("??", "abc", Disjoint),
        ("?sp1?", "xsp1y", Superset),
        ("?sp1?", "xxsp1y", Disjoint),
        ("*sp1?", "xxsp1y", Superset),
        ("?sp1*", "xsp1yyyy", Superset),
        // A later occurrence is tried when the first leaves too much behind...
        ("*a?", "abab", Superset),
        ("*a?", "abaab", Superset),
        ("*a?", "abaabb", Disjoint),
        // ...but without a leading wildcard the match must start at the first character.
        ("a?", "abab", Disjoint),
    ];
    for (source, target, expected) in cases {
        let target = Value::literal(target).unwrap();
        assert_eq!(compare_values(&s(source), &target), expected, "{source}");
    }
}

fn name(text: &str) -> Name {
    Name::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

#[test]
fn name_relations_of_table_6_4() {
    let cases = [
        // CPE_EQUAL: every attribute EQUAL.
        (
            "cpe:/a:redhat:openssl:1.1",
            "cpe:/a:redhat:openssl:1.1",
            NameRelation::Equal,
        ),
        // CPE_SUPERSET: ANY version versus a given one.
        (
            "cpe:/a:redhat:openssl",
            "cpe:/a:redhat:openssl:1.1",
            NameRelation::Superset,
        ),
        // CPE_SUBSET: the reverse.
        (
            "cpe:/a:redhat:openssl:1.1",
            "cpe:/a:redhat:openssl",
            NameRelation::Subset,
        ),
        // CPE_DISJOINT: one attribute DISJOINT is enough.
        (
            "cpe:/a:redhat:openssl:1.1",
            "cpe:/a:redhat:openssl:3.0",
            NameRelation::Disjoint,
        ),
        (
            "cpe:/a:redhat:openssl",
            "cpe:/o:redhat:openssl",
            NameRelation::Disjoint,
        ),
        // Mixed SUPERSET and SUBSET: none of the four.
        (
            "cpe:/a::openssl:1.1",
            "cpe:/a:redhat:openssl",
            NameRelation::Undefined,
        ),
        // A target with wildcards makes an attribute UNDEFINED.
        (
            "cpe:2.3:a:redhat:openssl:*:*:*:*:*:*:*:*",
            "cpe:2.3:a:redhat:openssl:1.*:*:*:*:*:*:*:*",
            NameRelation::Undefined,
        ),
        // ...but DISJOINT elsewhere still wins.
        (
            "cpe:2.3:a:redhat:libssl:*:*:*:*:*:*:*:*",
            "cpe:2.3:a:redhat:openssl:1.*:*:*:*:*:*:*:*",
            NameRelation::Disjoint,
        ),
        // Wildcards in the source.
        (
            "cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*",
            "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:sp1:*:*:*:*:*:*",
            NameRelation::Superset,
        ),
        (
            "cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*",
            "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*",
            NameRelation::Disjoint,
        ),
    ];
    for (source, target, expected) in cases {
        let (source_name, target_name) = (name(source), name(target));
        let table = source_name.compare_attributes(&target_name);
        assert_eq!(
            table.relation(),
            expected,
            "{source} vs {target}: {table:?}"
        );
        assert_eq!(source_name.compare(&target_name), expected);
        assert_eq!(table.is_disjoint(), expected == NameRelation::Disjoint);
        assert_eq!(table.is_equal(), expected == NameRelation::Equal);
        // CPE_SUBSET and CPE_SUPERSET also hold for equal names.
        assert_eq!(
            table.is_subset(),
            matches!(expected, NameRelation::Subset | NameRelation::Equal)
        );
        assert_eq!(
            table.is_superset(),
            matches!(expected, NameRelation::Superset | NameRelation::Equal)
        );
    }
}

/// Table 6-3 of NISTIR 7696, the attribute comparison example.
#[test]
fn table_6_3_example() {
    let source = Name::parse_wfn(
        r#"wfn:[part="a",vendor="Adobe",product=ANY,version="9\.*",update=ANY,edition="PalmOS"]"#,
    )
    .unwrap();
    let target = Name::parse_wfn(
        r#"wfn:[part="a",vendor=ANY,product="Reader",version="9\.3\.2",update=NA,edition=NA]"#,
    )
    .unwrap();
    let table = source.compare_attributes(&target);
    let expected = [
        (Attribute::Part, Equal),
        (Attribute::Vendor, Subset),
        (Attribute::Product, Superset),
        (Attribute::Version, Superset),
        (Attribute::Update, Superset),
        (Attribute::Edition, Disjoint),
    ];
    for (attribute, relation) in expected {
        assert_eq!(table.get(attribute), relation, "{attribute}");
    }
    assert_eq!(table.relation(), NameRelation::Disjoint);
}

#[test]
fn attribute_table_reports_each_attribute() {
    let source = name("cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*");
    let target = name("cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*");
    let table = source.compare_attributes(&target);
    assert_eq!(table.get(Attribute::Part), Equal);
    assert_eq!(table.get(Attribute::Version), Superset);
    assert_eq!(table.get(Attribute::Update), Disjoint);
    assert_eq!(table.get(Attribute::Other), Equal);
}
