//! Integration tests over the committed fixtures: the SSG Chromium SCAP 1.3 source data stream,
//! a tailoring of it, and a hand-made XCCDF 1.1 benchmark.
//!
//! Expected selections were cross-checked with oscap 1.3.7
//! (`oscap xccdf generate fix --fix-type bash [--tailoring-file T] --profile P FILE` lists one
//! `# BEGIN fix (i / N)` block per selected rule): Chromium STIG 37 rules, the tailored profile
//! 35 with `var_default_search_provider_name='https://www.bing.com'` and
//! `var_trusted_home_page='https://intranet.example.org'`; the 1.1 benchmark's `base` profile
//! selects ssh and ssh-root-login.

use std::path::PathBuf;

use scap_xccdf::*;

fn fixture(rel: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

const CHROMIUM_PREFIX: &str = "xccdf_org.ssgproject.content_";

fn count_items(items: &[Item], groups: &mut usize, rules: &mut usize, values: &mut usize) {
    for i in items {
        match i {
            Item::Group(g) => {
                *groups += 1;
                *values += g.values.len();
                count_items(&g.items, groups, rules, values);
            }
            Item::Rule(_) => *rules += 1,
        }
    }
}

#[test]
fn chromium_data_stream_index() {
    let text = fixture("ds/ssg-chromium-ds.xml");
    let dsc = DataStreamCollection::parse_str(&text, &ParseOptions::default()).unwrap();
    assert_eq!(
        dsc.id,
        "scap_org.open-scap_collection_from_xccdf_ssg-chromium-xccdf.xml"
    );
    assert_eq!(dsc.data_streams.len(), 1);
    let ds = dsc.data_stream(None).unwrap();
    assert_eq!(ds.scap_version, "1.3");
    assert_eq!(ds.use_case, "OTHER");
    assert_eq!(
        (ds.dictionaries.len(), ds.checklists.len(), ds.checks.len()),
        (1, 1, 3)
    );
    assert_eq!(dsc.components.len(), 5);
    let kinds: Vec<&ComponentKind> = dsc.components.iter().map(|c| &c.kind).collect();
    assert_eq!(
        kinds,
        [
            &ComponentKind::CpeDictionary,
            &ComponentKind::XccdfBenchmark,
            &ComponentKind::OvalDefinitions,
            &ComponentKind::Ocil,
            &ComponentKind::OvalDefinitions
        ]
    );
    let checklist = ds.checklist(None).unwrap();
    assert_eq!(
        checklist.id,
        "scap_org.open-scap_cref_ssg-chromium-xccdf.xml"
    );
    assert_eq!(checklist.catalog.len(), 2);
    assert_eq!(checklist.catalog[0].name, "ssg-chromium-oval.xml");
    assert_eq!(
        checklist.catalog[0].uri,
        "#scap_org.open-scap_cref_ssg-chromium-oval.xml"
    );
    // href -> catalog -> component-ref -> component -> content root
    let oval = dsc
        .resolve_href(ds, checklist, "ssg-chromium-oval.xml")
        .unwrap();
    assert_eq!(oval.id, "scap_org.open-scap_comp_ssg-chromium-oval.xml");
    assert_eq!(oval.timestamp.as_deref(), Some("2022-12-20T09:54:05"));
    // The fragment is the content's root element, whole, with the namespaces the collection
    // and the component declare.
    let fragment = oval.fragment.as_ref().unwrap();
    let body = &text[fragment.range.clone()];
    assert!(body.starts_with("<oval-def:oval_definitions "));
    assert!(body.ends_with("</oval-def:oval_definitions>"));
    assert!(
        fragment
            .namespaces
            .iter()
            .any(|n| n.prefix.as_deref() == Some("ds"))
    );
    let ocil = dsc
        .resolve_href(ds, checklist, "ssg-chromium-ocil.xml")
        .unwrap();
    assert_eq!(ocil.kind, ComponentKind::Ocil);
    // The CPE dictionary names its check file through its own catalog.
    let dict = &ds.dictionaries[0];
    let cpe_oval = dsc
        .resolve_href(ds, dict, "ssg-chromium-cpe-oval.xml")
        .unwrap();
    assert_eq!(
        cpe_oval.id,
        "scap_org.open-scap_comp_ssg-chromium-cpe-oval.xml"
    );
    assert!(matches!(
        dsc.resolve_href(ds, checklist, "nope.xml"),
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        dsc.data_stream(Some("x")),
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        ds.checklist(Some("x")),
        Err(Error::NotFound { .. })
    ));
    // A catalog entry leading to a component-ref with a remote xlink:href.
    let mut remote_ds = ds.clone();
    remote_ds.checks[0].href = "https://example.org/oval.xml.bz2".into();
    assert!(matches!(
        dsc.resolve_href(&remote_ds, checklist, "ssg-chromium-oval.xml"),
        Err(Error::RemoteComponent { url, .. }) if url == "https://example.org/oval.xml.bz2"
    ));
    // A URL href without catalog entry.
    assert!(matches!(
        dsc.resolve_href(ds, checklist, "https://example.org/feed.xml"),
        Err(Error::RemoteComponent { .. })
    ));
}

#[test]
fn chromium_benchmark_model() {
    let text = fixture("ds/ssg-chromium-ds.xml");
    let opts = ParseOptions::default();
    let src = Source::parse_str(&text, None, None, &opts).unwrap();
    let b = &src.benchmark;
    assert_eq!(b.id, "xccdf_org.ssgproject.content_benchmark_CHROMIUM");
    assert_eq!(b.version_ns, XccdfVersion::V1_2);
    assert!(b.resolved);
    assert_eq!(b.platforms, ["cpe:/a:google:chromium-browser"]);
    assert_eq!(b.statuses[0].status, "draft");
    assert_eq!(b.profiles.len(), 1);
    let (mut g, mut r, mut v) = (0, 0, 0);
    count_items(&b.items, &mut g, &mut r, &mut v);
    assert_eq!((g, r, v + b.values.len()), (1, 37, 7));
    assert_eq!(b.front_matter.len(), 1);
    assert_eq!(b.rear_matter.len(), 1);
    assert_eq!(b.notices.len(), 1);
    assert!(
        b.description[0]
            .xml
            .contains(r#"<em xmlns="http://www.w3.org/1999/xhtml">catalog, not a"#)
    );
    assert!(
        b.description[0]
            .plain()
            .contains("This guide is a catalog, not a")
    );

    let policy = Policy::new(b, None, Some("xccdf_org.ssgproject.content_profile_stig")).unwrap();
    let rule = policy
        .rule("xccdf_org.ssgproject.content_rule_chromium_default_search_provider_name")
        .unwrap();
    assert_eq!(
        rule.rule.common.title[0].plain(),
        "Set the Default Search Provider's URL"
    );
    assert_eq!(rule.groups, ["xccdf_org.ssgproject.content_group_chromium"]);
    assert!(rule.selected);
    assert!(rule.rule.common.description[0].xml.contains(
        r#"<sub xmlns="http://checklists.nist.gov/xccdf/1.2" idref="xccdf_org.ssgproject.content_value_var_default_search_provider_name" use="legacy"/>"#
    ));
    assert_eq!(rule.rule.common.references[0].text.plain(), "DTBC0007");
    // Two checks (OVAL, OCIL), no selector: both candidates, OVAL first.
    let checks = rule.checks();
    assert_eq!(checks.len(), 2);
    assert_eq!(
        checks[0].system,
        "http://oval.mitre.org/XMLSchema/oval-definitions-5"
    );
    assert_eq!(checks[0].content_refs[0].href, "ssg-chromium-oval.xml");
    assert_eq!(
        checks[0].content_refs[0].name.as_deref(),
        Some("oval:ssg-chromium_default_search_provider_name:def:1")
    );
    let exports = policy.exports(checks[0]);
    assert_eq!(exports.len(), 1);
    assert_eq!(
        exports[0].export_name,
        "oval:ssg-var_default_search_provider_name:var:1"
    );
    assert_eq!(
        exports[0].value.as_ref().unwrap().value,
        "https://www.google.com"
    );
    assert_eq!(
        exports[0].value.as_ref().unwrap().source,
        ValueSource::Refined
    );
    // The fix: text, sub, text.
    let fix = &rule.rule.fixes[0];
    assert_eq!(fix.system.as_deref(), Some("urn:xccdf:fix:script:sh"));
    assert!(matches!(&fix.content[1], FixPiece::Sub { idref, use_ }
        if idref == "xccdf_org.ssgproject.content_value_var_default_search_provider_name" && use_.as_deref() == Some("legacy")));
    // The component a check href names.
    let comp = src
        .resolve_check_href(&checks[0].content_refs[0].href)
        .unwrap();
    assert_eq!(comp.kind, scap_xccdf::ComponentKind::OvalDefinitions);
    let cpe = &src.dictionaries;
    assert_eq!(cpe.len(), 1);
    let (dict_ref, dict) = &cpe[0];
    let dict_ref = src.component_ref(dict_ref).unwrap();
    assert_eq!(dict.items.len(), 1);
    let cpe_check = &dict.items[0].checks[0];
    let href = cpe_check.href.as_deref().unwrap();
    assert_eq!(href, "ssg-chromium-cpe-oval.xml");
    let cpe_oval = src.resolve_dictionary_href(dict_ref, href).unwrap();
    assert_eq!(
        cpe_oval.id,
        "scap_org.open-scap_comp_ssg-chromium-cpe-oval.xml"
    );
    assert_eq!(src.dictionaries.len(), 1);
    assert_eq!(
        src.resolve_dictionary_href(dict_ref, "ssg-chromium-cpe-oval.xml")
            .unwrap()
            .kind,
        ComponentKind::OvalDefinitions
    );
}

#[test]
fn chromium_profile_and_default_selection() {
    let text = fixture("ds/ssg-chromium-ds.xml");
    let opts = ParseOptions::default();
    let src = Source::parse_str(&text, None, None, &opts).unwrap();
    let b = &src.benchmark;
    let stig = Policy::new(b, None, Some("xccdf_org.ssgproject.content_profile_stig")).unwrap();
    assert_eq!(stig.selected_rules().count(), 37);
    assert!(stig.warnings.is_empty());
    let v = |p: &Policy, id: &str| {
        p.values[&format!("{CHROMIUM_PREFIX}value_{id}")]
            .value
            .clone()
    };
    assert_eq!(v(&stig, "var_auth_schema"), "negotiate");
    assert_eq!(v(&stig, "var_trusted_home_page"), "about:blank");
    assert_eq!(v(&stig, "var_url_blacklist"), "javascript://*");
    assert_eq!(v(&stig, "var_enable_approved_plugins"), "");
    assert!(stig.export_warnings().is_empty());
    // No profile: every rule has selected="false".
    let default = Policy::new(b, None, None).unwrap();
    assert_eq!(default.selected_rules().count(), 0);
    assert_eq!(default.rules.len(), 37);
    assert_eq!(v(&default, "var_auth_schema"), "negotiate");
    assert_eq!(
        v(&default, "var_default_search_provider_name"),
        "https://www.google.com"
    );
    assert_eq!(default.values.len(), 7);
    // Short profile names like oscap.
    assert_eq!(
        find_profile_id(b, None, "stig").unwrap(),
        "xccdf_org.ssgproject.content_profile_stig"
    );
    assert!(find_profile_id(b, None, "nope").is_err());
    assert!(matches!(
        Policy::new(b, None, Some("nope")),
        Err(Error::NotFound { .. })
    ));
}

#[test]
fn chromium_tailoring() {
    let text = fixture("ds/ssg-chromium-ds.xml");
    let opts = ParseOptions::default();
    let src = Source::parse_str(&text, None, None, &opts).unwrap();
    let t = Tailoring::parse_str(&fixture("xccdf/ssg-chromium-tailoring.xml"), &opts).unwrap();
    assert_eq!(t.id, "xccdf_scap-workbench_tailoring_default");
    assert_eq!(t.version_time.as_deref(), Some("2024-01-15T10:00:00"));
    let id = "xccdf_org.ssgproject.content_profile_stig_customized";
    let p = Policy::new(&src.benchmark, Some(&t), Some(id)).unwrap();
    assert_eq!(p.selected_rules().count(), 35);
    for off in ["disable_incognito_mode", "disable_popups"] {
        assert!(
            !p.rule(&format!("{CHROMIUM_PREFIX}rule_chromium_{off}"))
                .unwrap()
                .selected
        );
    }
    let val = |id: &str| p.values[&format!("{CHROMIUM_PREFIX}value_{id}")].clone();
    assert_eq!(
        val("var_default_search_provider_name").value,
        "https://www.bing.com"
    );
    assert_eq!(
        val("var_default_search_provider_name").selector.as_deref(),
        Some("bing")
    );
    assert_eq!(
        val("var_trusted_home_page").value,
        "https://intranet.example.org"
    );
    assert_eq!(val("var_trusted_home_page").source, ValueSource::SetValue);
    // Inherited from the STIG profile.
    assert_eq!(val("var_auth_schema").value, "negotiate");
    let profile = p.profile.as_ref().unwrap();
    assert_eq!(
        profile.title[0].plain(),
        "Upstream STIG for Google Chromium [CUSTOMIZED]"
    );
    assert_eq!(profile.selects().count(), 37 + 3);
}

#[test]
fn xccdf_1_1_benchmark_model() {
    let text = fixture("xccdf/xccdf-1.1-benchmark.xml");
    let opts = ParseOptions::default();
    let raw = Benchmark::parse_str(&text, &opts).unwrap();
    assert_eq!(raw.version_ns, XccdfVersion::V1_1);
    assert!(!raw.resolved);
    assert_eq!(raw.statuses[0].date.as_deref(), Some("2024-01-15"));
    assert_eq!(raw.plain_texts[0].text, "Example Org");
    assert_eq!(raw.models.len(), 2);
    assert_eq!(raw.profiles.len(), 4);
    assert_eq!(raw.lang.as_deref(), Some("en"));
    let spec = Source::parse_str(&text, None, None, &opts)
        .unwrap()
        .platform_specification
        .unwrap();
    assert!(spec.platform("#linux").is_some());
    assert_eq!(spec.platforms.len(), 1);
    assert!(
        raw.platform_specification_xml
            .as_deref()
            .unwrap()
            .starts_with(r#"<platform-specification xmlns="http://cpe.mitre.org/language/2.0">"#)
    );
    let (mut g, mut r, mut v) = (0, 0, 0);
    count_items(&raw.items, &mut g, &mut r, &mut v);
    assert_eq!((g, r, v + raw.values.len()), (3, 5, 2));
    // TestResult
    let tr = &raw.test_results[0];
    assert_eq!(tr.profile.as_deref(), Some("base"));
    assert_eq!(tr.rule_results.len(), 2);
    assert_eq!(tr.rule_results[1].result, scap_xccdf::XccdfResult::Fail);
    assert_eq!(tr.rule_results[1].idents[0].value, "CCE-2222-2");
    assert_eq!(tr.scores[0].value, 50.0);
    assert_eq!(tr.scores[0].maximum, Some(100.0));

    let mut b = raw.clone();
    b.resolve(&text).unwrap();
    let (mut g, mut r, mut v) = (0, 0, 0);
    count_items(&b.items, &mut g, &mut r, &mut v);
    assert_eq!((g, r, v), (3, 4, 1), "the abstract rule is removed");
    let Item::Group(accounts) = &b.items[0] else {
        panic!("group first")
    };
    let Item::Rule(min_len) = &accounts.items[0] else {
        panic!("rule first")
    };
    assert_eq!(min_len.common.id, "password-min-len");
    assert_eq!(min_len.severity, Severity::Medium, "inherited");
    let idents: Vec<&str> = min_len.idents.iter().map(|i| i.value.as_str()).collect();
    assert_eq!(idents, ["CCE-0000-0", "CCE-1111-1"], "appended");
    assert_eq!(min_len.checks.len(), 1, "same selector: replaced");
    assert_eq!(
        min_len.checks[0].content_refs[0].name.as_deref(),
        Some("oval:example:def:1")
    );
    assert_eq!(
        min_len.common.title[0].plain(),
        "Set minimum password length"
    );
    assert_eq!(
        min_len.common.cluster_id, None,
        "cluster-id is not inherited (oscap)"
    );
    assert!(!min_len.common.selected);
    assert_eq!(
        min_len.common.rationale[0].plain(),
        "Short passwords are weak."
    );
    assert_eq!(
        min_len.fixes[0].content,
        [
            FixPiece::Text("sed -i 's/^minlen.*/minlen = ".into()),
            FixPiece::Sub {
                idref: "pass-min-len".into(),
                use_: None
            },
            FixPiece::Text("/' /etc/security/pwquality.conf # ".into()),
            FixPiece::Instance {
                context: Some("user".into())
            },
        ]
    );
    let Item::Group(nested) = &accounts.items[1] else {
        panic!("nested group")
    };
    let Item::Rule(hist) = &nested.items[0] else {
        panic!("rule")
    };
    let cc = hist.complex_check.as_ref().unwrap();
    assert_eq!(cc.operator, CheckOperator::And);
    let CheckNode::Complex(inner) = &cc.checks[1] else {
        panic!("nested complex-check")
    };
    assert!(inner.negate);
    assert_eq!(inner.operator, CheckOperator::Or);
    let CheckNode::Check(all_defs) = &inner.checks[1] else {
        panic!("check")
    };
    assert_eq!(all_defs.content_refs[0].name, None);
    assert_eq!(hist.common.weight, 2.5);
    let pass_len = &accounts.values[0];
    assert_eq!(pass_len.value_type, ValueType::Number);
    assert_eq!(pass_len.lower_bounds[0].value, "6");
    assert_eq!(pass_len.choices[0].value.choices, ["8", "15"]);
}

#[test]
fn xccdf_1_1_profiles() {
    let text = fixture("xccdf/xccdf-1.1-benchmark.xml");
    let opts = ParseOptions::default();
    let src = Source::parse_str(&text, None, None, &opts).unwrap();
    let b = &src.benchmark;
    let ids = |p: &Policy| {
        p.selected_rules()
            .map(|r| r.id().to_string())
            .collect::<Vec<_>>()
    };

    // Default: accounts is deselected, so password-history (selected) is not effective.
    let d = Policy::new(b, None, None).unwrap();
    assert_eq!(ids(&d), ["ssh-root-login"]);
    assert_eq!(d.values["umask-value"].value, "022");
    assert_eq!(d.values["pass-min-len"].value, "8");

    let base = Policy::new(b, None, Some("base")).unwrap();
    assert_eq!(ids(&base), ["ssh", "ssh-root-login"]);
    assert_eq!(base.values["umask-value"].value, "077");
    assert_eq!(base.values["umask-value"].source, ValueSource::SetValue);

    // strict extends base: accounts re-selected, the password cluster selected.
    let strict = Policy::new(b, None, Some("strict")).unwrap();
    assert_eq!(ids(&strict), ["password-history", "ssh", "ssh-root-login"]);
    assert_eq!(
        strict.values["umask-value"].value, "077",
        "inherited set-value"
    );
    let len = &strict.values["pass-min-len"];
    assert_eq!(
        (len.value.as_str(), len.selector.as_deref()),
        ("15", Some("strict"))
    );
    assert_eq!(len.operator, ValueOperator::GreaterThanOrEqual);
    let root = strict.rule("ssh-root-login").unwrap();
    assert_eq!(root.rule.severity, Severity::High);
    assert_eq!(root.rule.common.weight, 5.0);
    assert_eq!(root.check_selector.as_deref(), Some("alt"));
    let checks = root.checks();
    assert_eq!(checks.len(), 1);
    assert_eq!(
        checks[0].content_refs[0].name.as_deref(),
        Some("oval:example:def:12")
    );
    // Without the selector: the OVAL and OCIL checks without a selector.
    assert_eq!(base.rule("ssh-root-login").unwrap().checks().len(), 2);
    assert_eq!(
        strict.warnings,
        [Warning::UnknownSelect {
            profile: "strict".into(),
            idref: "no-such-rule".into()
        }]
    );
    let hist = strict.rule("password-history").unwrap();
    assert!(hist.checks().is_empty(), "complex-check takes precedence");
    assert_eq!(hist.groups, ["accounts", "nested"]);
    let exports = strict.exports(&strict.rule("password-min-len").unwrap().rule.checks[0]);
    assert_eq!(exports[0].value.as_ref().unwrap().value, "15");
    assert_eq!(strict.groups.len(), 3);
    assert!(strict.groups.iter().all(|g| g.selected));

    assert!(matches!(
        Policy::new(b, None, Some("cycle-a")),
        Err(Error::ExtendsCycle {
            kind: "profile",
            ..
        })
    ));
}

#[test]
fn errors_carry_locations() {
    let opts = ParseOptions::default();
    let src = "<Benchmark xmlns=\"http://checklists.nist.gov/xccdf/1.2\" id=\"b\">\n  <Rule id=\"r\"/>\n  <Rule id=\"r\"/>\n</Benchmark>";
    match Benchmark::parse_str(src, &opts) {
        Err(Error::DuplicateId { location, kind, id }) => {
            assert_eq!((location.line, location.column), (3, 3));
            assert_eq!((kind, id.as_str()), ("item", "r"));
        }
        other => panic!("{other:?}"),
    }
    let src = "<Benchmark xmlns=\"http://checklists.nist.gov/xccdf/1.2\" id=\"b\">\n<Rule id=\"r\" severity=\"huge\"/></Benchmark>";
    let e = Benchmark::parse_str(src, &opts).unwrap_err();
    assert_eq!(e.to_string(), "2:1: <Rule> has invalid severity \"huge\"");
    let src = "<Benchmark xmlns=\"http://checklists.nist.gov/xccdf/1.2\" id=\"b\">\n<Rule id=\"r\" extends=\"nope\"/></Benchmark>";
    let mut b = Benchmark::parse_str(src, &opts).unwrap();
    let e = b.resolve(src).unwrap_err();
    assert_eq!(e.to_string(), "2:1: item \"r\" extends unknown \"nope\"");
    let src = r#"<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2" id="b"><Rule id="a" extends="c"/><Rule id="c" extends="a"/></Benchmark>"#;
    let mut b = Benchmark::parse_str(src, &opts).unwrap();
    assert!(matches!(
        b.resolve(src),
        Err(Error::ExtendsCycle { kind: "item", .. })
    ));
    let src = r#"<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2" id="b"><Group id="a"/><Rule id="c" extends="a"/></Benchmark>"#;
    let mut b = Benchmark::parse_str(src, &opts).unwrap();
    assert!(matches!(
        b.resolve(src),
        Err(Error::ExtendsTypeMismatch { .. })
    ));
    assert!(matches!(
        Benchmark::parse_str("<Benchmark id='x'/>", &opts),
        Err(Error::UnexpectedRoot { .. })
    ));
    assert!(matches!(
        Benchmark::parse_str(
            r#"<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2"/>"#,
            &opts
        ),
        Err(Error::MissingAttribute {
            attribute: "id",
            ..
        })
    ));
}

#[test]
fn depth_limits() {
    let opts = ParseOptions {
        max_depth: 3,
        ..ParseOptions::default()
    };
    let mut groups = String::new();
    for i in 0..4 {
        groups.push_str(&format!("<Group id=\"g{i}\">"));
    }
    groups.push_str(&"</Group>".repeat(4));
    let src = format!(
        r#"<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2" id="b">{groups}</Benchmark>"#
    );
    assert!(matches!(
        Benchmark::parse_str(&src, &opts),
        Err(Error::TooDeep { limit: 3, .. })
    ));
    let ok = ParseOptions {
        max_depth: 4,
        ..ParseOptions::default()
    };
    assert!(Benchmark::parse_str(&src, &ok).is_ok());
    let cc = format!(
        "{}{}",
        r#"<complex-check operator="AND">"#.repeat(4),
        "</complex-check>".repeat(4)
    );
    let src = format!(
        r#"<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2" id="b"><Rule id="r">{cc}</Rule></Benchmark>"#
    );
    assert!(matches!(
        Benchmark::parse_str(&src, &opts),
        Err(Error::TooDeep { .. })
    ));
}
