//! Every OVAL document of the installed SCAP Security Guide parses: each `oval_definitions`
//! component of every `ssg-*-ds.xml` source data stream and every standalone `ssg-*-oval.xml`
//! (including `-cpe-oval.xml`).

use std::path::{Path, PathBuf};

use scap_oval::model::namespaces::{DEFINITIONS, SCAP_DATA_STREAM};
use scap_oval::{Definitions, Limits};

fn ssg_dir() -> PathBuf {
    PathBuf::from(
        std::env::var("SCAP_SSG_DIR")
            .unwrap_or_else(|_| "/usr/share/xml/scap/ssg/content".to_owned()),
    )
}

fn files(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("SSG content directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("ssg-") && n.ends_with(suffix))
        })
        .collect();
    out.sort();
    out
}

/// Structural facts every SSG document satisfies: each reference resolves through the index.
fn check_consistent(defs: &Definitions, what: &str) {
    assert!(!defs.definitions.is_empty(), "{what}: no definitions");
    // SSG content is schema-valid: nothing may be left out or merely tolerated.
    assert!(
        defs.invalid.is_empty(),
        "{what}: {:?}",
        defs.invalid.first()
    );
    assert!(
        defs.warnings.is_empty(),
        "{what}: {:?}",
        defs.warnings.first()
    );
    for t in &defs.tests {
        if let Some(o) = &t.object_ref {
            assert!(defs.object(o).is_some(), "{what}: {} -> {o}", t.id);
        }
        for s in &t.state_refs {
            assert!(defs.state(s).is_some(), "{what}: {} -> {s}", t.id);
        }
    }
}

#[test]
#[ignore = "needs the ssg-* packages: scripts/corpus.sh"]
fn every_ssg_standalone_oval_parses() {
    let dir = ssg_dir();
    let paths = files(&dir, "-oval.xml");
    assert!(!paths.is_empty(), "no ssg-*-oval.xml in {}", dir.display());
    let (mut defs_total, mut tests_total) = (0, 0);
    for path in &paths {
        let bytes = std::fs::read(path).expect("read");
        let defs = Definitions::parse(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        check_consistent(&defs, &path.display().to_string());
        defs_total += defs.definitions.len();
        tests_total += defs.tests.len();
    }
    eprintln!(
        "{} files, {defs_total} definitions, {tests_total} tests",
        paths.len()
    );
}

#[test]
#[ignore = "needs the ssg-* packages: scripts/corpus.sh"]
fn every_oval_component_of_every_ssg_data_stream_parses() {
    let dir = ssg_dir();
    let paths = files(&dir, "-ds.xml");
    assert!(!paths.is_empty(), "no ssg-*-ds.xml in {}", dir.display());
    let mut components = 0;
    for path in &paths {
        let text = std::fs::read_to_string(path).expect("read");
        let doc = roxmltree::Document::parse(&text).expect("well-formed data stream");
        let mut in_this_file = 0;
        for component in doc
            .root_element()
            .children()
            .filter(|n| n.has_tag_name((SCAP_DATA_STREAM, "component")))
        {
            for oval in component
                .children()
                .filter(|n| n.has_tag_name((DEFINITIONS, "oval_definitions")))
            {
                let defs = Definitions::parse_fragment(&text, &fragment(oval), &Limits::default())
                    .unwrap_or_else(|e| {
                        panic!(
                            "{} component {:?}: {e}",
                            path.display(),
                            component.attribute("id")
                        )
                    });
                check_consistent(&defs, &path.display().to_string());
                in_this_file += 1;
            }
        }
        assert!(in_this_file >= 1, "{}: no OVAL component", path.display());
        components += in_this_file;
    }
    eprintln!("{} data streams, {components} OVAL components", paths.len());
}

/// Parse the largest data stream (or `$SCAP_OVAL_MEMORY_FILE`) and keep every OVAL model
/// alive: run alone under `/usr/bin/time -v` to measure peak memory
/// (`--exact largest_data_stream_models --ignored`).
#[test]
#[ignore = "needs the ssg-* packages: scripts/corpus.sh"]
fn largest_data_stream_models() {
    let path = match std::env::var("SCAP_OVAL_MEMORY_FILE") {
        Ok(p) => PathBuf::from(p),
        Err(_) => files(&ssg_dir(), "-ds.xml")
            .into_iter()
            .max_by_key(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
            .expect("no data stream"),
    };
    let text = std::fs::read_to_string(&path).expect("read");
    let models: Vec<Definitions> = if path.to_string_lossy().ends_with("-ds.xml") {
        let doc = roxmltree::Document::parse(&text).expect("well-formed");
        doc.descendants()
            .filter(|n| n.has_tag_name((DEFINITIONS, "oval_definitions")))
            .map(|n| {
                Definitions::parse_fragment(&text, &fragment(n), &Limits::default())
                    .expect("parses")
            })
            .collect()
    } else {
        vec![Definitions::parse(text.as_bytes()).expect("parses")]
    };
    drop(text);
    let definitions: usize = models.iter().map(|m| m.definitions.len()).sum();
    let tests: usize = models.iter().map(|m| m.tests.len()).sum();
    eprintln!(
        "{}: {} OVAL documents, {definitions} definitions, {tests} tests",
        path.display(),
        models.len()
    );
    assert!(definitions > 0);
}

/// The fragment of `node` in its document's text: what a data stream index records.
fn fragment(node: roxmltree::Node<'_, '_>) -> scap_oval::Fragment {
    let namespaces = node
        .namespaces()
        .map(|ns| scap_oval::Namespace::new(ns.name(), ns.uri()))
        .collect();
    scap_oval::Fragment::new(node.range(), namespaces)
}
