//! Every regular expression in the installed SCAP Security Guide data streams compiles.
//!
//! Collects, from each `ssg-*-ds.xml`:
//! - the text of every element with `operation="pattern match"` (object and state entities,
//!   `ind:pattern`, `ind:filepath` ...);
//! - for such elements with a `var_ref`, the values of the referenced `constant_variable`, or of
//!   the XCCDF `Value` exported to the referenced `external_variable` (every selector);
//! - every `regex_capture` `pattern` attribute;
//!
//! and compiles each with [`scap_oval::pattern::Pattern`] (entity options, and textfilecontent54
//! options for `pattern` entities of textfilecontent54 objects).

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use scap_oval::pattern::{EndOfLine, Options, Pattern, translate};

fn ssg_dir() -> PathBuf {
    std::env::var_os("SCAP_SSG_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/share/xml/scap/ssg/content"))
}

#[derive(Default)]
struct Corpus {
    /// (pattern, is a textfilecontent54 object pattern)
    patterns: BTreeSet<(String, bool)>,
    /// How many (pattern, options) pairs came from variable values.
    from_variables: usize,
}

fn collect(doc: &roxmltree::Document<'_>, corpus: &mut Corpus) {
    // Variable values by OVAL variable id: constant values and, through check-export, the
    // XCCDF Value choices.
    let mut xccdf_values: HashMap<&str, Vec<String>> = HashMap::new();
    for v in doc.descendants().filter(|n| n.tag_name().name() == "Value") {
        if let Some(id) = v.attribute("id") {
            let vals = v
                .children()
                .filter(|c| c.tag_name().name() == "value")
                .map(|c| c.text().unwrap_or("").to_owned())
                .collect();
            xccdf_values.insert(id, vals);
        }
    }
    let mut var_values: HashMap<&str, Vec<String>> = HashMap::new();
    for e in doc
        .descendants()
        .filter(|n| n.tag_name().name() == "check-export")
    {
        if let (Some(name), Some(value)) = (e.attribute("export-name"), e.attribute("value-id")) {
            if let Some(vals) = xccdf_values.get(value) {
                var_values
                    .entry(name)
                    .or_default()
                    .extend(vals.iter().cloned());
            }
        }
    }
    for v in doc
        .descendants()
        .filter(|n| n.tag_name().name() == "constant_variable")
    {
        if let Some(id) = v.attribute("id") {
            let vals = v
                .children()
                .filter(|c| c.tag_name().name() == "value")
                .map(|c| c.text().unwrap_or("").to_owned());
            var_values.entry(id).or_default().extend(vals);
        }
    }

    for n in doc.descendants().filter(|n| n.is_element()) {
        if n.tag_name().name() == "regex_capture" {
            if let Some(p) = n.attribute("pattern") {
                corpus.patterns.insert((p.to_owned(), false));
            }
        }
        if n.attribute("operation") != Some("pattern match") {
            continue;
        }
        let tfc = n.tag_name().name() == "pattern"
            && n.parent_element()
                .is_some_and(|p| p.tag_name().name() == "textfilecontent54_object");
        if let Some(var) = n.attribute("var_ref") {
            for v in var_values.get(var).into_iter().flatten() {
                if corpus.patterns.insert((v.clone(), tfc)) {
                    corpus.from_variables += 1;
                }
            }
        } else if let Some(t) = n.text() {
            corpus.patterns.insert((t.to_owned(), tfc));
        }
    }
}

#[test]
#[ignore = "needs the ssg-* packages: scripts/corpus.sh"]
fn every_ssg_regex_compiles() {
    let dir = ssg_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("SSG content directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("ssg-") && n.ends_with("-ds.xml"))
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no ssg-*-ds.xml in {}", dir.display());

    let mut corpus = Corpus::default();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("read data stream");
        let opts = roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        };
        let doc = roxmltree::Document::parse_with_options(&text, opts).expect("parse data stream");
        collect(&doc, &mut corpus);
    }

    let mut failures = Vec::new();
    let started = std::time::Instant::now();
    let mut translated = 0;
    let mut raw_rejects = Vec::new();
    let mut pattern_time = std::time::Duration::ZERO;
    let mut compiles = 0u32;
    let mut distinct = BTreeSet::new();
    for (p, tfc) in &corpus.patterns {
        distinct.insert(p.as_str());
        let opts = if *tfc {
            Options::TEXTFILECONTENT
        } else {
            Options::default()
        };
        if translate(p, opts, EndOfLine::Fast)
            .map(|t| &t != p)
            .unwrap_or(true)
        {
            translated += 1;
        }
        // Patterns fancy-regex would reject without the PCRE translation.
        if fancy_regex::Regex::new(p).is_err() {
            raw_rejects.push(p.clone());
        }
        let t = std::time::Instant::now();
        for o in [Options::default(), opts] {
            if let Err(e) = Pattern::with_options(p, o) {
                failures.push(format!("{p:?}: {e}"));
            }
        }
        pattern_time += t.elapsed();
        compiles += 2;
    }
    eprintln!(
        "{} data streams, {} distinct patterns ({} pattern/option pairs, {} from variable values), \
         {} rewritten by translate(), {} rejected by fancy-regex untranslated, {} failures",
        files.len(),
        distinct.len(),
        corpus.patterns.len(),
        corpus.from_variables,
        translated,
        raw_rejects.len(),
        failures.len()
    );
    eprintln!(
        "compiling and checking took {:?}; Pattern compile {:?} on average",
        started.elapsed(),
        pattern_time / compiles.max(1)
    );
    for p in &raw_rejects {
        eprintln!("needs translation: {p:?}");
    }
    for f in &failures {
        eprintln!("FAIL {f}");
    }
    assert!(
        corpus.patterns.len() > 100,
        "suspiciously few patterns collected"
    );
    assert!(
        failures.is_empty(),
        "{} patterns failed to compile",
        failures.len()
    );
}

/// Tricky patterns taken from SSG content, with subjects whose outcome was checked with Perl
/// (`perl -ne 'print /PATTERN/ ? 1 : 0'`). Format per line: `PATTERN<TAB>+SUBJECT` (must match)
/// or `-SUBJECT` (must not), more subjects in further tab-separated columns; `\n` in a subject
/// stands for a newline. Lines starting with `#` are comments.
#[test]
fn fixture_regexes_compile_and_match_like_perl() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/regexes.txt");
    let text = std::fs::read_to_string(path).expect("tests/fixtures/regexes.txt");
    let mut checked = 0;
    for (i, line) in text.lines().enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut cols = line.split('\t');
        let pattern = cols.next().unwrap_or_default();
        let p = Pattern::new(pattern).unwrap_or_else(|e| panic!("line {}: {e}", i + 1));
        for subject in cols {
            let (expect, s) = match subject.split_at_checked(1) {
                Some(("+", s)) => (true, s),
                Some(("-", s)) => (false, s),
                _ => panic!("line {}: subject must start with + or -", i + 1),
            };
            let s = s.replace("\\n", "\n");
            let got = p
                .is_match(&s)
                .unwrap_or_else(|e| panic!("line {}: {e}", i + 1));
            assert_eq!(got, expect, "line {}: {pattern:?} on {s:?}", i + 1);
            checked += 1;
        }
    }
    assert!(checked >= 20, "fixture has too few subjects: {checked}");
}
