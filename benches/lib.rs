//! Criterion benchmarks of the scap crates; see the `[[bench]]` entries of this crate's manifest.
//! This library holds what the benches share.

use std::path::PathBuf;

/// The largest installed SSG file whose name ends with `suffix` (e.g. `-oval.xml`), from
/// `$SCAP_SSG_DIR` (default `/usr/share/xml/scap/ssg/content`), or the committed fixture
/// `FALLBACK` (a path from the repository's root) when the SSG content is absent.
///
/// ```
/// let p = scap_benches::largest_ssg_file("-no-such-suffix.xml", "scap-xccdf/tests/fixtures/ds/ssg-chromium-ds.xml");
/// assert!(p.ends_with("scap-xccdf/tests/fixtures/ds/ssg-chromium-ds.xml"));
/// ```
pub fn largest_ssg_file(suffix: &str, fallback: &str) -> PathBuf {
    let dir =
        std::env::var("SCAP_SSG_DIR").unwrap_or_else(|_| "/usr/share/xml/scap/ssg/content".into());
    let best = std::fs::read_dir(&dir).ok().and_then(|rd| {
        rd.filter_map(Result::ok)
            .filter(|e| {
                let n = e.file_name();
                let n = n.to_string_lossy();
                n.starts_with("ssg-") && n.ends_with(suffix)
            })
            .filter_map(|e| Some((e.metadata().ok()?.len(), e.path())))
            .max()
            .map(|(_, p)| p)
    });
    best.unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(fallback)
    })
}

/// The name and text of [`largest_ssg_file`]`(suffix, fallback)`; `None`, after saying why on
/// stderr, when it cannot be read (a bench then has nothing to measure).
///
/// ```
/// let (name, text) = scap_benches::read_largest_ssg_file("-no-such-suffix.xml", "scap-xccdf/tests/fixtures/ds/ssg-chromium-ds.xml").unwrap();
/// assert_eq!(name, "ssg-chromium-ds.xml");
/// assert!(text.contains("data-stream-collection"));
/// ```
pub fn read_largest_ssg_file(suffix: &str, fallback: &str) -> Option<(String, String)> {
    let path = largest_ssg_file(suffix, fallback);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("cannot read {}: {e}", path.display());
            return None;
        }
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Some((name, text))
}
