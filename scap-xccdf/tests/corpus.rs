//! Corpus tests over the installed SCAP Security Guide content (ignored by default).
//!
//! Run with `cargo test -p scap-xccdf --test corpus -- --ignored --nocapture`; the directory is
//! `$SCAP_SSG_DIR` (default `/usr/share/xml/scap/ssg/content`).
//!
//! Reference for profile selection: `oscap xccdf generate fix --fix-type bash --profile P`
//! writes one `# BEGIN fix (i / N) for 'RULE_ID'` block per selected rule (including rules
//! without a bash fix, which get a "FIX FOR THIS RULE IS MISSING" body), so its set of rule ids
//! is oscap's selected-rule set for the profile. `oscap info --profile` prints no counts.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use scap_xccdf::{Error, ParseOptions, Policy, Source};

fn ssg_dir() -> PathBuf {
    PathBuf::from(
        std::env::var("SCAP_SSG_DIR").unwrap_or_else(|_| "/usr/share/xml/scap/ssg/content".into()),
    )
}

fn files(suffix: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(ssg_dir())
        .expect("SSG content directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            n.starts_with("ssg-") && n.ends_with(suffix)
        })
        .collect();
    v.sort();
    v
}

fn load(path: &Path) -> (String, Source) {
    let text = std::fs::read_to_string(path).expect("readable SSG file");
    let opts = ParseOptions::default();
    let src = Source::parse_str(&text, None, None, &opts)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    check_references(path, &src);
    (text, src)
}

/// Every check href resolves to a component of the data stream (OVAL or OCIL), every
/// check-export names a Value, every `#platform` idref names a platform of the embedded
/// platform-specification, and the CPE dictionary's check file resolves.
fn check_references(path: &Path, src: &Source) {
    assert!(
        src.warnings.is_empty(),
        "{}: {:?}",
        path.display(),
        src.warnings
    );
    let spec = &src.platform_specification;
    let policy = Policy::new(&src.benchmark, None, None).expect("default policy");
    assert!(policy.export_warnings().is_empty(), "{}", path.display());
    for r in &policy.rules {
        for p in r
            .rule
            .common
            .platforms
            .iter()
            .filter(|p| p.starts_with('#'))
        {
            let spec = spec.as_ref().expect("platform-specification");
            assert!(spec.platform(p).is_some(), "{}: {p}", path.display());
        }
        if src.collection.is_none() {
            continue;
        }
        for c in &r.rule.checks {
            for cr in &c.content_refs {
                match src.resolve_check_href(&cr.href) {
                    Ok(comp) => assert!(matches!(
                        comp.kind,
                        scap_xccdf::ComponentKind::OvalDefinitions
                            | scap_xccdf::ComponentKind::Ocil
                    )),
                    // Red Hat's remote OVAL feed in the RHEL-family data streams.
                    Err(Error::RemoteComponent { url, .. }) => {
                        assert!(url.starts_with("https://"), "{url}")
                    }
                    Err(e) => panic!("{}: {e}", path.display()),
                }
            }
        }
    }
    if src.collection.is_some() {
        let dicts = &src.dictionaries;
        assert_eq!(dicts.len(), 1, "{}", path.display());
        for (dict_ref, dict) in dicts {
            let dict_ref = src
                .component_ref(dict_ref)
                .expect("a dictionary has its component-ref");
            for item in &dict.items {
                for href in item.checks.iter().filter_map(|c| c.href.as_deref()) {
                    let comp = src
                        .resolve_dictionary_href(dict_ref, href)
                        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                    assert_eq!(comp.kind, scap_xccdf::ComponentKind::OvalDefinitions);
                }
            }
        }
        let dict = src
            .component_ref(&dicts[0].0)
            .expect("a dictionary has its component-ref");
        assert!(!dict.catalog.is_empty());
        for entry in &dict.catalog {
            let cpe_oval = src
                .resolve_dictionary_href(dict, &entry.name)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(cpe_oval.kind, scap_xccdf::ComponentKind::OvalDefinitions);
        }
    }
}

/// The bash remediation script oscap generates for a profile.
fn oscap_fix_script(path: &Path, profile: &str) -> String {
    let out = Command::new("oscap")
        .args([
            "xccdf",
            "generate",
            "fix",
            "--fix-type",
            "bash",
            "--profile",
            profile,
        ])
        .arg(path)
        .output()
        .expect("oscap is installed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Selected rule ids according to the script: one `# BEGIN fix (i / N) for 'ID'` per rule.
fn script_selected(script: &str) -> BTreeSet<String> {
    script
        .lines()
        .filter_map(|l| l.strip_prefix("# BEGIN fix ("))
        .filter_map(|l| {
            l.split_once(" for '")
                .map(|(_, r)| r.trim_end_matches('\'').to_string())
        })
        .collect()
}

/// `NAME='VALUE'` lines of the script where NAME is the suffix of a Value id
/// (`xccdf_org.ssgproject.content_value_NAME`): SSG fixes start with such an assignment
/// of `<sub idref="..."/>`, so VALUE is oscap's effective value.
fn script_values(script: &str, values: &BTreeSet<&str>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for l in script.lines() {
        let l = l.trim();
        let Some((name, rest)) = l.split_once("='") else {
            continue;
        };
        let Some(value) = rest.strip_suffix('\'') else {
            continue;
        };
        if value.contains('\'') || !values.contains(name) {
            continue;
        }
        out.insert(name.to_string(), value.to_string());
    }
    out
}

#[test]
#[ignore = "needs the ssg-* packages: scripts/corpus.sh"]
fn all_ssg_sources_load_and_every_profile_applies() {
    let mut paths = files("-ds.xml");
    paths.extend(files("-ds-1.2.xml"));
    paths.extend(files("-xccdf.xml"));
    assert!(paths.len() >= 31 * 3, "found only {} files", paths.len());
    for p in &paths {
        let (text, src) = load(p);
        // Independent count of Rule elements in the checklist (SSG: one benchmark per file).
        let rule_tags = text.matches("<xccdf-1.2:Rule ").count() + text.matches("<Rule ").count();
        let policy = Policy::new(&src.benchmark, None, None).unwrap();
        assert_eq!(policy.rules.len(), rule_tags, "{}", p.display());
        let mut summary = Vec::new();
        for prof in &src.benchmark.profiles {
            let pol = Policy::new(&src.benchmark, None, Some(&prof.id)).unwrap();
            assert!(
                pol.selected_rules().count() > 0,
                "{} {}",
                p.display(),
                prof.id
            );
            summary.push(pol.selected_rules().count());
        }
        println!(
            "{}: {} rules, {} profiles, selected {:?}",
            p.file_name().unwrap().to_string_lossy(),
            policy.rules.len(),
            src.benchmark.profiles.len(),
            summary
        );
    }
}

fn compare_with_oscap(path: &Path) -> usize {
    let (_text, src) = load(path);
    let mut n = 0;
    for prof in &src.benchmark.profiles {
        let pol = Policy::new(&src.benchmark, None, Some(&prof.id)).expect("profile applies");
        let ours: BTreeSet<String> = pol.selected_rules().map(|r| r.id().to_string()).collect();
        let script = oscap_fix_script(path, &prof.id);
        let theirs = script_selected(&script);
        assert_eq!(
            ours,
            theirs,
            "{} {}: ours-only {:?}, oscap-only {:?}",
            path.display(),
            prof.id,
            ours.difference(&theirs).collect::<Vec<_>>(),
            theirs.difference(&ours).collect::<Vec<_>>()
        );
        let names: BTreeSet<&str> = pol
            .values
            .keys()
            .filter_map(|k| k.strip_prefix("xccdf_org.ssgproject.content_value_"))
            .collect();
        let their_values = script_values(&script, &names);
        for (name, value) in &their_values {
            let ours = &pol.values[&format!("xccdf_org.ssgproject.content_value_{name}")];
            assert_eq!(
                &ours.value,
                value,
                "{} {}: Value {name}",
                path.display(),
                prof.id
            );
        }
        println!(
            "{} {}: {} selected rules and {} values, same as oscap",
            path.display(),
            prof.id,
            ours.len(),
            their_values.len()
        );
        n += 1;
    }
    n
}

#[test]
#[ignore = "needs the ssg-* packages and oscap: scripts/corpus.sh"]
fn debian11_every_profile_selects_the_rules_oscap_selects() {
    let n = compare_with_oscap(&ssg_dir().join("ssg-debian11-ds.xml"));
    assert_eq!(n, 5);
}

#[test]
#[ignore = "needs the ssg-* packages and oscap; slow (minutes): scripts/corpus.sh"]
fn every_ssg_data_stream_every_profile_selects_the_rules_oscap_selects() {
    let mut total = 0;
    for p in files("-ds.xml") {
        total += compare_with_oscap(&p);
    }
    println!("{total} profiles compared");
    assert!(total > 100);
}
