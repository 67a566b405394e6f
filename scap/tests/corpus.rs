//! Corpus test over the installed SCAP Security Guide content (ignored by default): every
//! source data stream opens through the streaming index, with its benchmark, CPE dictionaries
//! and every OVAL component parsed from their fragments, and nothing tolerated in them.
//!
//! Run with `cargo test --release -p scap --test corpus -- --ignored --nocapture`; the
//! directory is `$SCAP_SSG_DIR` (default `/usr/share/xml/scap/ssg/content`).

use std::path::PathBuf;

fn data_streams() -> Vec<PathBuf> {
    let dir =
        std::env::var("SCAP_SSG_DIR").unwrap_or_else(|_| "/usr/share/xml/scap/ssg/content".into());
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("SSG content directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            n.starts_with("ssg-") && n.ends_with("-ds.xml")
        })
        .collect();
    v.sort();
    v
}

#[test]
#[ignore = "needs the ssg-* packages: scripts/corpus.sh"]
fn every_ssg_data_stream_opens_with_every_component_loaded() {
    let files = data_streams();
    assert!(!files.is_empty(), "no SSG data streams");
    let mut components = 0;
    for path in &files {
        let name = path.display();
        let content = scap::Content::open(path).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            content.source().warnings.is_empty(),
            "{name}: {:?}",
            content.source().warnings
        );
        assert!(!content.source().dictionaries.is_empty(), "{name}");
        let mut ovals = 0;
        for (id, oval) in content.oval_components() {
            let defs = match &**oval {
                Ok(d) => d,
                Err(e) => panic!("{name}: {id}: {e}"),
            };
            assert!(
                defs.warnings.is_empty(),
                "{name}: {id}: {}",
                defs.warnings[0]
            );
            assert!(defs.invalid.is_empty(), "{name}: {id}");
            assert!(!defs.definitions.is_empty(), "{name}: {id}");
            ovals += 1;
        }
        assert!(ovals >= 2, "{name}: {ovals} OVAL components");
        components += ovals;
    }
    eprintln!("{} data streams, {components} OVAL components", files.len());
}
