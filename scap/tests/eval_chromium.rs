//! The SSG Chromium data stream (scap/tests/fixtures/ds/ssg-chromium-ds.xml, STIG profile) evaluated
//! against in-memory hosts: CPE applicability from the CPE dictionary's OVAL (an rpminfo
//! check), textfilecontent54 rules over the managed policy files, and a `check-export`ed
//! Value compared by OVAL.
#![allow(clippy::unwrap_used)] // test helpers: a failure is a test failure

use scap::OvalEngine;
use scap_oval::items::{Item, ItemEntity};
use scap_oval::probes::{Collection, ObjectRequest, Probe, Registry};
use scap_oval::types::Flag;
use scap_probe::{MemoryTarget, Target};
use scap_xccdf::{EvalOptions, Policy, ScanResults, XccdfResult};

const DS: &str = include_str!("fixtures/ds/ssg-chromium-ds.xml");
const STIG: &str = "xccdf_org.ssgproject.content_profile_stig";

/// An rpm database with exactly these packages installed.
struct Installed(&'static [&'static str]);

impl Probe for Installed {
    fn collect(&self, _target: &dyn Target, object: &ObjectRequest) -> Collection {
        let Some(names) = object.entity("name").and_then(|e| e.exact_values()) else {
            return Collection::error("test probe: only exact names");
        };
        let items: Vec<Item> = names
            .iter()
            .filter(|n| self.0.contains(&n.as_str()))
            .map(|n| {
                let mut i = Item::new("linux", "rpminfo_item");
                i.push(ItemEntity::string("name", n.clone()));
                i
            })
            .collect();
        if items.is_empty() {
            Collection::flag(Flag::DoesNotExist)
        } else {
            Collection::from_items(items)
        }
    }
}

fn scan(
    target: &MemoryTarget,
    installed: &'static [&'static str],
    opts: &EvalOptions,
) -> ScanResults {
    let content = scap::Content::from_text(DS, "content.xml", &Default::default()).unwrap();
    let src = content.source();
    let policy = Policy::new(&src.benchmark, None, Some(STIG)).unwrap();
    let mut registry = Registry::builtin();
    registry.insert("linux", "rpminfo_object", Box::new(Installed(installed)));
    let engine = OvalEngine::new(&content, target).with_registry(registry);
    scap_xccdf::evaluate(src, &policy, &engine, opts).unwrap()
}

fn result(res: &ScanResults, rule: &str) -> XccdfResult {
    let id = format!("xccdf_org.ssgproject.content_rule_{rule}");
    res.rules.iter().find(|r| r.rule_id == id).unwrap().result
}

const POLICY: &str = r#"{
  "ExtensionInstallBlacklist": ["*"],
  "DefaultNotificationsSetting": 2,
  "EnableOnlineRevocationChecks": false,
  "DefaultSearchProviderName": "https://www.google.com",
  "Disable3DAPIs": true,
  "Last": 0
}
"#;

#[test]
fn without_chromium_every_selected_rule_is_notapplicable() {
    // What oscap reports on a host without the package (see scripts/diff-xccdf.sh).
    let res = scan(&MemoryTarget::new(), &[], &EvalOptions::default());
    let selected = res
        .rules
        .iter()
        .filter(|r| r.result != XccdfResult::NotSelected)
        .count();
    assert_eq!(selected, 37);
    assert_eq!(res.count(XccdfResult::NotApplicable), 37);
    assert_eq!(
        res.rules.len(),
        res.count(XccdfResult::NotApplicable) + res.count(XccdfResult::NotSelected)
    );
    assert_eq!(res.scores[0].value, 0.0);
    assert!(!res.has_failures());
}

#[test]
fn with_chromium_rules_follow_the_policy_file() {
    let mut t = MemoryTarget::new();
    t.add_dir("/etc/chromium/policies/managed");
    t.add_file("/etc/chromium/policies/managed/stig.json", POLICY);
    // The CPE check is an OR of two package names; either makes the rules applicable.
    let res = scan(&t, &["chromium"], &EvalOptions::default());
    assert_eq!(res.count(XccdfResult::NotApplicable), 0);
    assert_eq!(
        result(&res, "chromium_blacklist_extension_installation"),
        XccdfResult::Pass
    );
    assert_eq!(
        result(&res, "chromium_block_desktop_notifications"),
        XccdfResult::Pass
    );
    assert_eq!(
        result(&res, "chromium_disable_3d_graphics_api"),
        XccdfResult::Pass
    );
    // Present but false.
    assert_eq!(
        result(&res, "chromium_check_cert_revocation"),
        XccdfResult::Fail
    );
    // Absent from the file.
    assert_eq!(
        result(&res, "chromium_default_block_plugins"),
        XccdfResult::Fail
    );
    // Compared with the profile's var_default_search_provider_name through check-export.
    assert_eq!(
        result(&res, "chromium_default_search_provider_name"),
        XccdfResult::Pass
    );
    assert!(res.has_failures());
    let passed = res.count(XccdfResult::Pass);
    assert!(passed >= 4, "{passed}");
    let counted = res.count(XccdfResult::Pass)
        + res.count(XccdfResult::Fail)
        + res.count(XccdfResult::Error)
        + res.count(XccdfResult::Unknown);
    assert_eq!(counted, 37);
    // Some rules pass, some fail: the default score lies strictly between 0 and 100.
    assert_eq!(res.scores[0].system, "urn:xccdf:scoring:default");
    assert!(res.scores[0].value > 0.0 && res.scores[0].value < 100.0);
}

#[test]
fn rule_filter_and_other_package_name() {
    let mut t = MemoryTarget::new();
    t.add_dir("/etc/chromium/policies/managed");
    t.add_file("/etc/chromium/policies/managed/stig.json", POLICY);
    let only = "xccdf_org.ssgproject.content_rule_chromium_check_cert_revocation".to_string();
    let res = scan(
        &t,
        &["chromium-browser"],
        &EvalOptions::new(vec![only.clone()], vec![]),
    );
    let evaluated: Vec<&str> = res
        .rules
        .iter()
        .filter(|r| r.result != XccdfResult::NotSelected)
        .map(|r| r.rule_id.as_str())
        .collect();
    assert_eq!(evaluated, [only.as_str()]);
    assert_eq!(
        result(&res, "chromium_check_cert_revocation"),
        XccdfResult::Fail
    );
}
