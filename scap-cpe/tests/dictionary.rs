//! CPE dictionaries: the SSG fixtures (2.1 schema) and an NVD-style 2.3 dictionary.

use scap_cpe::{
    ApplicabilityResult, CheckFactRef, DeprecationType, Dictionary, Error, Name, Value,
};

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn name(text: &str) -> Name {
    Name::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

const OVAL: &str = "http://oval.mitre.org/XMLSchema/oval-definitions-5";

#[test]
fn parses_the_ssg_debian11_dictionary() {
    let dict: Dictionary = fixture("ssg-debian11-cpe-dictionary.xml").parse().unwrap();
    assert_eq!(dict.items.len(), 18);
    assert!(dict.generator.is_none());
    let first = &dict.items[0];
    assert_eq!(first.name, name("cpe:/a:aarch64_arch"));
    assert_eq!(first.title(), Some("System architecture is AARCH64"));
    assert_eq!(first.titles[0].lang.as_deref(), Some("en-us"));
    assert_eq!(first.checks.len(), 1);
    assert_eq!(first.checks[0].system, OVAL);
    assert_eq!(
        first.checks[0].href.as_deref(),
        Some("ssg-debian11-cpe-oval.xml")
    );
    assert_eq!(
        first.checks[0].id_ref,
        "oval:ssg-proc_sys_kernel_osrelease_arch_aarch64:def:1"
    );
    let os = dict
        .get(&name("cpe:/o:debian:debian_linux:11"))
        .expect("the OS item");
    assert_eq!(
        os.checks[0].id_ref,
        "oval:ssg-installed_OS_is_debian11:def:1"
    );
}

#[test]
fn every_fixture_dictionary_parses_with_checks() {
    for file in [
        "ssg-debian11-cpe-dictionary.xml",
        "ssg-rhel8-cpe-dictionary.xml",
        "ssg-ubuntu2204-cpe-dictionary.xml",
    ] {
        let text = fixture(file);
        let dict: Dictionary = text.parse().unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(
            dict.items.len(),
            text.matches("<cpe-dict:cpe-item ").count(),
            "{file}"
        );
        assert!(
            dict.items
                .iter()
                .all(|i| !i.checks.is_empty() && i.title().is_some())
        );
    }
}

#[test]
fn matching_finds_items_by_pattern() {
    let dict: Dictionary = fixture("ssg-rhel8-cpe-dictionary.xml").parse().unwrap();
    let redhat: Vec<String> = dict
        .matching(&name("cpe:/o:redhat:enterprise_linux"))
        .map(|i| i.name.to_uri())
        .collect();
    // Independently: the items whose URI starts with that product.
    let by_prefix: Vec<String> = dict
        .items
        .iter()
        .map(|i| i.name.to_uri())
        .filter(|u| u.starts_with("cpe:/o:redhat:enterprise_linux:"))
        .collect();
    assert_eq!(redhat, by_prefix);
    assert!(redhat.len() > 5, "{redhat:?}");
    // Matching is per attribute, not by string prefix: 8.1 is not 8.10.
    let minor: Vec<String> = dict
        .matching(&name("cpe:/o:redhat:enterprise_linux:8.1"))
        .map(|i| i.name.to_uri())
        .collect();
    assert_eq!(minor, ["cpe:/o:redhat:enterprise_linux:8.1"]);
    // A wildcard version finds every minor release.
    let minors = dict
        .matching(&name("cpe:2.3:o:redhat:enterprise_linux:8.*:*:*:*:*:*:*:*"))
        .count();
    assert_eq!(minors, redhat.iter().filter(|u| u.contains(":8.")).count());
    // A name matches only items it is a superset of: a more specific query finds nothing.
    assert_eq!(
        dict.matching(&name("cpe:/o:redhat:enterprise_linux:8:1"))
            .count(),
        0
    );
    // Everything matches the all-ANY name.
    assert_eq!(dict.matching(&Name::new()).count(), dict.items.len());
}

#[test]
fn parses_every_element_of_a_2_3_dictionary() {
    let dict: Dictionary = fixture("dictionary-2.3-nvd-style.xml").parse().unwrap();
    let generator = dict.generator.as_ref().expect("generator");
    assert_eq!(generator.schema_version.as_deref(), Some("2.3"));
    assert_eq!(
        generator.timestamp.as_deref(),
        Some("2022-12-20T03:50:00.594Z")
    );
    assert_eq!(dict.items.len(), 5);

    let kindle = &dict.items[0];
    assert_eq!(
        kindle.name.vendor(),
        &Value::literal("$0.99_kindle_books_project").unwrap()
    );
    assert_eq!(kindle.name.target_sw(), &Value::literal("android").unwrap());
    assert_eq!(kindle.references.len(), 2);
    assert_eq!(kindle.references[0].text, "Product information");
    let cpe23 = kindle.cpe23.as_ref().expect("cpe23-item");
    // The 2.2 and 2.3 names denote the same WFN here.
    assert_eq!(cpe23.name, kindle.name);

    let debian = &dict.items[1];
    assert_eq!(debian.titles.len(), 2);
    assert_eq!(debian.titles[1].lang.as_deref(), Some("de-DE"));
    assert_eq!(
        debian.notes[0].notes,
        ["Code name bullseye.", "Released 2021-08-14."]
    );
    assert_eq!(debian.notes[0].lang.as_deref(), Some("en-US"));

    let ie = &dict.items[2];
    assert!(ie.deprecated);
    assert_eq!(
        ie.deprecated_by,
        Some(name("cpe:/a:microsoft:ie:8.0.6001:beta"))
    );
    assert_eq!(
        ie.deprecation_date.as_deref(),
        Some("2011-03-11T10:00:00.000-05:00")
    );
    let deprecation = &ie.cpe23.as_ref().expect("cpe23-item").deprecations[0];
    assert_eq!(
        deprecation.deprecated_by[0].kind,
        DeprecationType::NameCorrection
    );
    assert_eq!(
        deprecation.deprecated_by[0].name,
        name("cpe:2.3:a:microsoft:ie:8.0.6001:beta:*:*:*:*:*:*")
    );

    let hp = &dict.items[4];
    assert_eq!(hp.name.update(), &Value::Any);
    assert_eq!(
        hp.cpe23.as_ref().expect("cpe23-item").name.update(),
        &Value::Na
    );
}

#[test]
fn applicable_names_come_from_true_checks() {
    let dict: Dictionary = fixture("ssg-debian11-cpe-dictionary.xml").parse().unwrap();
    let installed = [
        "oval:ssg-installed_OS_is_debian11:def:1",
        "oval:ssg-installed_env_has_audit_package:def:1",
    ];
    let mut evaluator =
        |c: &CheckFactRef| ApplicabilityResult::from(installed.contains(&c.id_ref.as_str()));
    let names = dict.applicable_names(&mut evaluator);
    assert_eq!(
        names,
        [name("cpe:/a:audit"), name("cpe:/o:debian:debian_linux:11")]
    );
}

#[test]
fn parse_fragment_reads_a_dictionary_inside_another_document() {
    let list = r#"<c:cpe-list><c:cpe-item name="cpe:/a:sudo"><c:title>sudo</c:title></c:cpe-item></c:cpe-list>"#;
    let text = format!(
        "<wrapper xmlns:c=\"http://cpe.mitre.org/dictionary/2.0\">\n<component>{list}</component></wrapper>"
    );
    let start = text.find("<c:cpe-list").unwrap();
    let ns = vec![scap_cpe::Namespace::new(Some("c"), scap_cpe::DICTIONARY_NS)];
    let fragment = scap_cpe::Fragment::new(start..start + list.len(), ns.clone());
    let dict = Dictionary::parse_fragment(&text, &fragment).unwrap();
    assert_eq!(dict.items[0].name, name("cpe:/a:sudo"));
    // The component around it is not a dictionary; the error names its line in `text`.
    let start = text.find("<component").unwrap();
    let fragment = scap_cpe::Fragment::new(start..text.find("</wrapper>").unwrap(), ns);
    let err = Dictionary::parse_fragment(&text, &fragment).unwrap_err();
    assert!(matches!(err, Error::Document { line: 2, .. }), "{err}");
}

#[test]
fn reports_where_a_document_is_wrong() {
    let cases: [(&str, &str); 6] = [
        (
            "<cpe-list xmlns=\"http://cpe.mitre.org/dictionary/2.0\">\n<cpe-item/></cpe-list>",
            "line 2, element <cpe-item>: missing attribute `name`",
        ),
        (
            "<cpe-list xmlns=\"http://cpe.mitre.org/dictionary/2.0\">\n\n<cpe-item name=\"cpe:/q\"/></cpe-list>",
            "line 3, element <cpe-item>: bad CPE name \"cpe:/q\"",
        ),
        (
            "<cpe-list xmlns=\"http://cpe.mitre.org/dictionary/2.0\"><cpe-item name=\"cpe:/a\" deprecated=\"yes\"/></cpe-list>",
            "attribute `deprecated` must be a boolean",
        ),
        (
            "<cpe-list xmlns=\"http://cpe.mitre.org/dictionary/2.0\"><cpe-item name=\"cpe:/a\"><check>x</check></cpe-item></cpe-list>",
            "element <check>: missing attribute `system`",
        ),
        ("<cpe-list/>", "expected <cpe-list> in namespace"),
        ("<cpe-list", "XML error"),
    ];
    for (xml, expected) in cases {
        let err = xml.parse::<Dictionary>().unwrap_err();
        assert!(err.to_string().contains(expected), "{xml}: {err}");
    }
}

#[test]
fn refuses_dtds() {
    let xml = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol">]>
<cpe-list xmlns="http://cpe.mitre.org/dictionary/2.0"><cpe-item name="cpe:/a:&lol;"/></cpe-list>"#;
    assert!(matches!(xml.parse::<Dictionary>(), Err(Error::Xml(_))));
}
