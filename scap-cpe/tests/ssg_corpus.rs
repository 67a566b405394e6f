//! Parses every SSG CPE dictionary and every platform-specification embedded in SSG XCCDF
//! benchmarks. Needs the installed SSG content (`scripts/corpus.sh`).

use std::path::PathBuf;

use scap_cpe::PlatformSpecification;

fn ssg_dir() -> PathBuf {
    std::env::var_os("SCAP_SSG_DIR").map_or_else(
        || PathBuf::from("/usr/share/xml/scap/ssg/content"),
        PathBuf::from,
    )
}

fn files_ending(suffix: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(ssg_dir())
        .expect("SSG content directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("ssg-") && n.ends_with(suffix))
        })
        .collect();
    files.sort();
    files
}

#[test]
#[ignore = "needs the ssg-* packages: scripts/corpus.sh"]
fn every_ssg_xccdf_platform_specification_parses() {
    let files = files_ending("-xccdf.xml");
    assert!(!files.is_empty(), "no SSG XCCDF files found");
    let mut platforms = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable file");
        let doc = roxmltree::Document::parse_with_options(
            &text,
            roxmltree::ParsingOptions {
                allow_dtd: false,
                ..Default::default()
            },
        )
        .expect("well-formed XML");
        for node in doc.descendants().filter(|n| {
            n.tag_name().name() == "platform-specification"
                && n.tag_name().namespace() == Some(scap_cpe::LANGUAGE_NS)
        }) {
            let spec = PlatformSpecification::parse_fragment(&text, &fragment(node))
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            assert!(!spec.platforms.is_empty(), "{}", file.display());
            platforms += spec.platforms.len();
        }
    }
    assert!(
        platforms > 100,
        "only {platforms} platforms in {} files",
        files.len()
    );
}

#[test]
#[ignore = "needs the ssg-* packages: scripts/corpus.sh"]
fn every_ssg_cpe_dictionary_parses() {
    let files = files_ending("-cpe-dictionary.xml");
    assert!(!files.is_empty(), "no SSG CPE dictionaries found");
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable file");
        let dict: scap_cpe::Dictionary = text
            .parse()
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert_eq!(
            dict.items.len(),
            text.matches("<cpe-dict:cpe-item ").count(),
            "{}",
            file.display()
        );
        for item in &dict.items {
            assert!(
                !item.checks.is_empty(),
                "{}: {:?}",
                file.display(),
                item.name
            );
            // Every name survives both bindings.
            assert_eq!(
                scap_cpe::Name::parse(&item.name.to_uri()).as_ref(),
                Ok(&item.name)
            );
            assert_eq!(
                scap_cpe::Name::parse(&item.name.to_string()).as_ref(),
                Ok(&item.name)
            );
        }
    }
}

#[test]
#[ignore = "needs the ssg-* packages: scripts/corpus.sh"]
fn every_ssg_data_stream_cpe_component_parses() {
    let files = files_ending("-ds.xml");
    assert!(!files.is_empty(), "no SSG data streams found");
    let mut with_specification = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable file");
        let doc = roxmltree::Document::parse_with_options(
            &text,
            roxmltree::ParsingOptions {
                allow_dtd: false,
                ..Default::default()
            },
        )
        .expect("well-formed XML");
        let mut dictionaries = 0;
        let mut specifications = 0;
        for node in doc.descendants() {
            if node.has_tag_name((scap_cpe::DICTIONARY_NS, "cpe-list")) {
                scap_cpe::Dictionary::parse_fragment(&text, &fragment(node))
                    .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
                dictionaries += 1;
            } else if node.has_tag_name((scap_cpe::LANGUAGE_NS, "platform-specification")) {
                PlatformSpecification::parse_fragment(&text, &fragment(node))
                    .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
                specifications += 1;
            }
        }
        assert!(dictionaries >= 1, "{}: no cpe-list", file.display());
        // Not every benchmark has one (ssg-chromium has none).
        with_specification += usize::from(specifications > 0);
    }
    assert!(
        with_specification * 2 > files.len(),
        "{with_specification} of {}",
        files.len()
    );
}

/// The fragment of `node` in its document's text: what a data stream index records.
fn fragment(node: roxmltree::Node<'_, '_>) -> scap_cpe::Fragment {
    let namespaces = node
        .namespaces()
        .map(|ns| scap_cpe::Namespace::new(ns.name(), ns.uri()))
        .collect();
    scap_cpe::Fragment::new(node.range(), namespaces)
}
