//! Real content that is not SSG: Chainguard's GPOS STIG data stream
//! (scap/tests/fixtures/ds/chainguard/) on Wolfi-like trees built by scap/tests/fixtures/make-wolfi-root.sh (merged
//! /usr, busybox applets as absolute symlinks, apk database, CA bundle with its `.sha256`
//! sidecar), read as an offline tree and as an OCI image whose config `Env` carries
//! `SSL_CERT_FILE`. No rule may come out `error`; tree and image must agree rule by rule; and
//! the rules whose inputs the two variants set differently must see the difference.
#![allow(clippy::unwrap_used)] // test helpers: a failure is a test failure

use std::path::{Path, PathBuf};
use std::process::Command;

use scap::OvalEngine;
use scap_probe::{OciImage, OciOptions, RootFs, Target};
use scap_xccdf::{EvalOptions, Policy, XccdfResult};
use sha2::{Digest, Sha256};

const PROFILE: &str = "xccdf_basic_profile_.check";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Builds a variant of the Wolfi tree under `dir`; returns its root and its environment.
fn wolfi(variant: &str, dir: &Path) -> (PathBuf, Vec<(String, String)>) {
    let root = dir.join(variant);
    let status = Command::new("bash")
        .arg(fixtures().join("make-wolfi-root.sh"))
        .arg(variant)
        .arg(&root)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "make-wolfi-root.sh {variant}");
    let env = std::fs::read_to_string(dir.join(format!("{variant}.env"))).unwrap();
    (root, scap_probe::parse_env_lines(&env))
}

fn scan(target: &dyn Target) -> Vec<(String, XccdfResult, Vec<String>)> {
    let path = fixtures().join("ds/chainguard/ssg-chainguard-gpos-ds.xml");
    let text = std::fs::read_to_string(path).unwrap();
    let content = scap::Content::from_text(&text, "content.xml", &Default::default()).unwrap();
    let src = content.source();
    let policy = Policy::new(&src.benchmark, None, Some(PROFILE)).unwrap();
    let engine = OvalEngine::new(&content, target);
    let res = scap_xccdf::evaluate(src, &policy, &engine, &EvalOptions::default()).unwrap();
    res.rules
        .iter()
        .map(|r| {
            let short = r.rule_id.trim_start_matches("xccdf_mil.disa.stig_rule_");
            (short.to_string(), r.result, r.messages.clone())
        })
        .collect()
}

fn result(results: &[(String, XccdfResult, Vec<String>)], rule: &str) -> XccdfResult {
    results.iter().find(|r| r.0 == rule).unwrap().1
}

/// A tar of `root` (symlinks kept as links), as one uncompressed image layer.
fn layer_of(root: &Path) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    b.follow_symlinks(false);
    b.mode(tar::HeaderMode::Complete);
    b.append_dir_all(".", root).unwrap();
    b.into_inner().unwrap()
}

/// An OCI image layout, packed as a tar, holding one layer and a config with `env`.
fn oci_archive(layer: &[u8], env: &[(String, String)]) -> Vec<u8> {
    let sha = |b: &[u8]| {
        Sha256::digest(b)
            .iter()
            .map(|x| format!("{x:02x}"))
            .collect::<String>()
    };
    let env: Vec<String> = env.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let config = serde_json::json!({
        "architecture": "amd64", "os": "linux", "config": {"Env": env},
        "rootfs": {"type": "layers", "diff_ids": [format!("sha256:{}", sha(layer))]},
    })
    .to_string();
    let manifest = serde_json::json!({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": format!("sha256:{}", sha(config.as_bytes())), "size": config.len()},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                    "digest": format!("sha256:{}", sha(layer)), "size": layer.len()}],
    })
    .to_string();
    let index = serde_json::json!({
        "schemaVersion": 2,
        "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                       "digest": format!("sha256:{}", sha(manifest.as_bytes())),
                       "size": manifest.len(),
                       "annotations": {"org.opencontainers.image.ref.name": "wolfi"}}],
    })
    .to_string();
    let mut b = tar::Builder::new(Vec::new());
    let mut put = |name: String, data: &[u8]| {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, data).unwrap();
    };
    put("oci-layout".into(), br#"{"imageLayoutVersion":"1.0.0"}"#);
    put("index.json".into(), index.as_bytes());
    for blob in [layer, config.as_bytes(), manifest.as_bytes()] {
        put(format!("blobs/sha256/{}", sha(blob)), blob);
    }
    b.into_inner().unwrap()
}

#[test]
fn chainguard_stig_on_wolfi_trees_and_images() {
    let dir = tempfile::tempdir().unwrap();
    let mut by_variant = Vec::new();
    for variant in ["hardened", "plain"] {
        let (root, env) = wolfi(variant, dir.path());
        let tree = scan(&RootFs::new(&root).unwrap().with_environment(env.clone()));
        assert_eq!(tree.len(), 198);
        for (rule, r, messages) in &tree {
            assert_ne!(*r, XccdfResult::Error, "{variant} {rule}: {messages:?}");
        }
        // The same tree as an image: its environment comes from the config's Env only.
        let image = OciImage::from_archive_bytes(
            &oci_archive(&layer_of(&root), &env),
            &OciOptions::default(),
        )
        .unwrap();
        let image_env = image.environment().unwrap();
        let cert_file = image_env.iter().find(|(k, _)| k == "SSL_CERT_FILE");
        assert_eq!(
            cert_file.map(|(_, v)| v.as_str()),
            Some("/etc/ssl/certs/ca-certificates.crt")
        );
        let from_image = scan(&image);
        let pairs: Vec<_> = tree.iter().map(|x| (&x.0, x.1)).collect();
        let image_pairs: Vec<_> = from_image.iter().map(|x| (&x.0, x.1)).collect();
        assert_eq!(pairs, image_pairs, "{variant}: --image and --root differ");
        by_variant.push(tree);
    }
    let (hardened, plain) = (&by_variant[0], &by_variant[1]);
    // (rule, what decides it): pass on the hardened tree, fail on the plain one. (Ownership
    // rules are left out: they pass only when the tree was built by root.)
    for (rule, why) in [
        (
            "SV-263659r982563_rule",
            "CA bundle no longer matches its .sha256 sidecar",
        ),
        (
            "SV-263652r982557_rule",
            "openssh-server and samba in the apk database",
        ),
        (
            "SV-203720r982212_rule",
            "a plain-http repository in /etc/apk/repositories",
        ),
        (
            "SV-203629r982199_rule",
            "root has a password hash in /etc/shadow",
        ),
        (
            "SV-203739r987791_rule",
            "OpenSSL config without the FIPS provider",
        ),
    ] {
        assert_eq!(result(hardened, rule), XccdfResult::Pass, "hardened {rule}");
        assert_eq!(
            result(plain, rule),
            XccdfResult::Fail,
            "plain {rule}: {why}"
        );
    }
    // Without an environment the CA bundle rule cannot be decided offline: unknown, not fail.
    let (root, _) = wolfi("hardened", dir.path());
    let no_env = scan(&RootFs::new(&root).unwrap());
    assert_eq!(
        result(&no_env, "SV-263659r982563_rule"),
        XccdfResult::Unknown
    );
}
