//! The example commands run as a user runs them: oscap's command lines against the committed
//! fixtures (`scap-xccdf/tests/fixtures/xccdf/input`: a standalone benchmark, its OVAL and CPE files, a
//! tailoring, a data stream with an external component), on an offline "tree" that is the
//! fixtures directory itself (`/` exists, `/nonexistent-scap-rs` does not).

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{run_in, stderr, stdout};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scap-xccdf/tests/fixtures/xccdf/input")
}

fn fixture(name: &str) -> String {
    fixtures().join(name).display().to_string()
}

fn run(example: &str, args: &[&str]) -> Output {
    run_in(&fixtures(), example, args)
}

#[test]
fn usage_errors_name_the_option() {
    let root = fixtures().display().to_string();
    let o = run(
        "scan",
        &["--profile", "--root", &root, &fixture("ds-external.xml")],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("--profile needs a value (ID), got the option --root"),
        "{}",
        stderr(&o)
    );
    let o = run("scan", &["--root", &root, "--image", "x.tar", "ds.xml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("--root, --image and --disk"),
        "{}",
        stderr(&o)
    );
    let o = run(
        "oval-eval",
        &["--disk", "a.qcow2", "--image", "x.tar", "d.xml"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("--root, --image and --disk"),
        "{}",
        stderr(&o)
    );
    let o = run("scan", &["--fetch-remote-resources", "ds.xml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("never downloads"));
    // The fixes would run on this host, not in the offline target: refused before anything.
    for target in ["--root", "--image", "--disk"] {
        let o = run("scan", &["--remediate", target, "/nonexistent", "ds.xml"]);
        assert_eq!(o.status.code(), Some(1));
        assert!(
            stderr(&o).contains("--remediate runs each fix on this host"),
            "{}",
            stderr(&o)
        );
    }
    let o = run("oval-eval", &["--results"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--results needs a value"));
}

#[test]
fn help_and_version_exit_0_on_stdout() {
    for ex in ["scan", "oval-eval", "info"] {
        let o = run(ex, &["--help"]);
        assert_eq!(o.status.code(), Some(0), "{ex}");
        assert!(stdout(&o).starts_with("usage:"), "{ex}");
        let o = run(ex, &["--version"]);
        assert_eq!(o.status.code(), Some(0), "{ex}");
        assert!(stdout(&o).contains(env!("CARGO_PKG_VERSION")), "{ex}");
    }
}

#[test]
fn standalone_benchmark_needs_a_cpe_dictionary() {
    let root = fixtures().display().to_string();
    let bench = fixture("benchmark-with-oval.xml");
    // Without a dictionary the benchmark's platform never applies (oscap: the same
    // notapplicable results, silently, exit 0); we say why, and exit 2: the results stand on
    // a defect of the content, not on the target (issue 17, item 11).
    let o = run(
        "scan",
        &["--root", &root, "--profile", "(all)", "--progress", &bench],
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stdout(&o),
        "xccdf_t_rule_pass:notapplicable\nxccdf_t_rule_fail:notapplicable\nxccdf_t_rule_missing:notapplicable\n"
    );
    assert!(
        stderr(&o).contains("cpe:/o:example:os:1 cannot be resolved"),
        "{}",
        stderr(&o)
    );
    let cpe = fixture("cpe-dictionary.xml");
    let o = run(
        "scan",
        &[
            "--root",
            &root,
            "--profile",
            "(all)",
            "--cpe",
            &cpe,
            "--progress",
            &bench,
        ],
    );
    assert_eq!(o.status.code(), Some(2), "a failed rule exits 2");
    assert_eq!(
        stdout(&o),
        "xccdf_t_rule_pass:pass\nxccdf_t_rule_fail:fail\nxccdf_t_rule_missing:notchecked\n"
    );
    assert!(stderr(&o).contains("missing-oval.xml"), "{}", stderr(&o));
}

#[test]
fn profile_suffix_tailoring_input_and_unknown_profile() {
    let root = fixtures().display().to_string();
    let cpe = fixture("cpe-dictionary.xml");
    // The tailoring file as the input; `tailored` is a suffix of its profile's id.
    let o = run(
        "scan",
        &[
            "--root",
            &root,
            "--cpe",
            &cpe,
            "--profile",
            "tailored",
            "--progress",
            &fixture("tailoring.xml"),
        ],
    );
    assert_eq!(
        stdout(&o),
        "xccdf_t_rule_pass:pass\nxccdf_t_rule_fail:fail\n",
        "{}",
        stderr(&o)
    );
    let o = run(
        "scan",
        &[
            "--root",
            &root,
            "--profile",
            "nope",
            &fixture("tailoring.xml"),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--example info"), "{}", stderr(&o));
    // --rule of an unknown rule fails (oscap: "Rule ... not found", exit 1); --skip-rule
    // of one is ignored.
    let bench = fixture("benchmark-with-oval.xml");
    let o = run("scan", &["--root", &root, "--rule", "nope", &bench]);
    assert_eq!(o.status.code(), Some(1));
    let o = run(
        "scan",
        &[
            "--root",
            &root,
            "--cpe",
            &cpe,
            "--profile",
            "standard",
            "--skip-rule",
            "nope",
            "--progress",
            &bench,
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "xccdf_t_rule_pass:pass\n");
    assert!(stderr(&o).contains("--skip-rule nope"));
}

#[test]
fn a_dictionary_that_does_not_parse_is_warned_about_and_exits_2() {
    // Issue 17, item 11: one malformed cpe-item used to drop the whole dictionary silently
    // (every rule notapplicable, exit 0). Now: a warning naming the dictionary, one naming
    // the platform it leaves unresolved, and exit 2 although no rule failed.
    let dir = tempfile::tempdir().expect("temp dir");
    let good = std::fs::read_to_string(fixture("cpe-dictionary.xml")).expect("fixture");
    let bad = good.replace(
        "</cpe-list>",
        "  <cpe-item name=\"not a CPE name\"><title xml:lang=\"en-us\">x</title></cpe-item>\n</cpe-list>",
    );
    assert_ne!(bad, good);
    let cpe = dir.path().join("bad-dictionary.xml");
    std::fs::write(&cpe, bad).expect("write");
    let root = fixtures().display().to_string();
    let bench = fixture("benchmark-with-oval.xml");
    let cpe = cpe.display().to_string();
    let args = [
        "--root",
        &root,
        "--cpe",
        &cpe,
        "--profile",
        "standard",
        "--progress",
    ];
    let o = run("scan", &[&args[..], &[bench.as_str()]].concat());
    assert_eq!(stdout(&o), "xccdf_t_rule_pass:notapplicable\n");
    let err = stderr(&o);
    assert!(err.contains("bad-dictionary.xml"), "{err}");
    assert!(
        err.contains("cpe:/o:example:os:1 cannot be resolved"),
        "{err}"
    );
    assert!(err.contains("exit status 2"), "{err}");
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn data_stream_with_external_component_and_tailoring_id() {
    let root = fixtures().display().to_string();
    let o = run(
        "scan",
        &[
            "--root",
            &root,
            "--tailoring-id",
            "cref-tailoring",
            "--profile",
            "tailored",
            "--progress",
            &fixture("ds-external.xml"),
        ],
    );
    assert_eq!(
        stdout(&o),
        "xccdf_t_rule_pass:pass\nxccdf_t_rule_fail:fail\n",
        "{}",
        stderr(&o)
    );
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn output_files_as_oscap_names_them() {
    let root = fixtures().display().to_string();
    let dir = tempfile::tempdir().expect("temp dir");
    let o = run_in(
        dir.path(),
        "scan",
        &[
            "--root",
            &root,
            "--profile",
            "(all)",
            "--cpe",
            &fixture("cpe-dictionary.xml"),
            "--oval-results",
            "--results-arf",
            "arf.xml",
            "--stig-viewer",
            "stig.xml",
            "--results",
            "xccdf.xml",
            &fixture("benchmark-with-oval.xml"),
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    // oscap --oval-results: NAME.result.xml in the cwd, NAME as the content names the file.
    for f in ["checks-oval.xml.result.xml", "cpe-oval.xml.result.xml"] {
        let text = std::fs::read_to_string(dir.path().join(f)).expect(f);
        assert!(text.contains("<oval_results"), "{f}");
    }
    let arf = std::fs::read_to_string(dir.path().join("arf.xml")).expect("arf written");
    assert!(
        arf.contains("scap_org.open-scap_comp_checks-oval.xml"),
        "the composed data stream is in the ARF"
    );
    let stig = std::fs::read_to_string(dir.path().join("stig.xml")).expect("stig written");
    assert!(stig.contains("idref=\"SV-1000r1_rule\""));
    assert!(
        !stig.contains("idref=\"xccdf_t_rule_fail\""),
        "rules without a STIG id are left out"
    );
    let xccdf = std::fs::read_to_string(dir.path().join("xccdf.xml")).expect("results written");
    assert!(xccdf.contains("idref=\"xccdf_t_rule_fail\""));
}

#[test]
fn oval_eval_and_info() {
    let root = fixtures().display().to_string();
    let o = run(
        "oval-eval",
        &[
            "--root",
            &root,
            "--id",
            "oval:t:def:1",
            &fixture("checks-oval.xml"),
        ],
    );
    assert_eq!(
        stdout(&o),
        "Definition oval:t:def:1: true\nEvaluation done.\n",
        "{}",
        stderr(&o)
    );
    // The data stream's OVAL component is a file next to it (`file:checks-oval.xml`).
    let o = run(
        "oval-eval",
        &[
            "--root",
            &root,
            "--oval-id",
            "cref-oval",
            &fixture("ds-external.xml"),
        ],
    );
    assert_eq!(
        stdout(&o),
        "Definition oval:t:def:1: true\nDefinition oval:t:def:2: false\nEvaluation done.\n",
        "{}",
        stderr(&o)
    );
    let o = run("info", &["--profiles", &fixture("benchmark-with-oval.xml")]);
    assert_eq!(stdout(&o), "xccdf_t_profile_standard:Standard\n");
    let o = run("info", &[&fixture("ds-external.xml")]);
    assert!(
        stdout(&o).contains("Ref-Id: cref-oval (external: file:checks-oval.xml)"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn thin_results_and_without_syschar() {
    let root = fixtures().display().to_string();
    let bench = fixture("benchmark-with-oval.xml");
    let cpe = fixture("cpe-dictionary.xml");
    let read = |flag: &str| {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut args = vec![
            "--root",
            &root,
            "--profile",
            "(all)",
            "--cpe",
            &cpe,
            "--oval-results",
        ];
        if !flag.is_empty() {
            args.push(flag);
        }
        args.push(&bench);
        let o = run_in(dir.path(), "scan", &args);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        std::fs::read_to_string(dir.path().join("checks-oval.xml.result.xml")).expect("written")
    };
    let full = read("");
    assert!(
        full.contains("<criteria")
            && full.contains("<tests>")
            && full.contains("<collected_objects>")
    );
    // oscap --without-syschar: system_info, no collected objects or items.
    let lean = read("--without-syschar");
    assert!(lean.contains("<criteria") && lean.contains("<system_info>"));
    assert!(!lean.contains("<collected_objects>") && !lean.contains("<system_data>"));
    // oscap --thin-results: definition results only, content="thin".
    let thin = read("--thin-results");
    assert!(thin.contains("content=\"thin\""));
    assert!(
        !thin.contains("<criteria")
            && !thin.contains("<tests>")
            && !thin.contains("<collected_objects>")
    );
    assert!(thin.contains("definition_id=\"oval:t:def:2\" result=\"false\""));
}

/// The signed fixtures of scap-dsig (made with xmlsec1 and an openssl test CA by
/// scap-dsig/tests/fixtures/make-signed.sh); oscap 1.3.7's answers on the same files are
/// compared by scripts/diff-signatures.sh.
fn signed(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../scap-dsig/tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn enforce_signature_refuses_what_is_not_validly_signed() {
    let root = fixtures().display().to_string();
    let anchors = signed("ca-root.pem");
    let scan = |file: &str, extra: &[&str]| {
        let path = signed(file);
        let mut args = vec!["--root", root.as_str(), "--progress"];
        args.extend_from_slice(extra);
        args.push(&path);
        run("scan", &args)
    };
    let enforce = ["--enforce-signature", "--trust-anchors", anchors.as_str()];

    // Chains to the given root: scanned (the tree has no /etc: that rule fails, exit 2), the
    // signer named on stderr.
    let o = scan("signed-by-id.xml", &enforce);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("signed by 'CN=Content Signer"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).contains("xccdf_t_rule_etc_exists:fail"));
    assert!(stdout(&o).contains("xccdf_t_rule_no_marker:pass"));

    // Refused, each naming what failed, exit 1 and no rule evaluated.
    for (file, says) in [
        ("unsigned-ds.xml", "not signed"),
        (
            "tampered-byte-by-id.xml",
            "digest of reference '#scap_t_comp_xccdf'",
        ),
        (
            "tampered-moved-by-id.xml",
            "digest of reference '#scap_t_comp_oval'",
        ),
        ("tampered-wrapped-by-id.xml", "signature wrapping"),
        (
            "signed-partial.xml",
            "'scap_t_datastream_sig' (line 3) is not covered",
        ),
        ("signed-keyvalue.xml", "no X509Certificate"),
    ] {
        let o = scan(file, &enforce);
        assert_eq!(o.status.code(), Some(1), "{file}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{file}: {}", stderr(&o));
        assert!(stdout(&o).is_empty(), "{file}");
    }

    // Without trust anchors a valid signature proves integrity only: refused when enforced.
    let o = scan("signed-whole.xml", &["--enforce-signature"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("nothing vouches for the key"),
        "{}",
        stderr(&o)
    );

    // Without the flag: scanned, the signature reported as a warning.
    let o = scan("tampered-byte-by-id.xml", &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("warning:") && stderr(&o).contains("does not match"));
    let o = scan("tampered-byte-by-id.xml", &["--skip-signature-validation"]);
    assert!(!stderr(&o).contains("signature"), "{}", stderr(&o));
    let o = scan(
        "signed-by-id.xml",
        &["--enforce-signature", "--skip-signature-validation"],
    );
    assert_eq!(o.status.code(), Some(1));
}

/// `fix` takes `oscap xccdf generate fix`'s options and writes what oscap wrote for them (the
/// goldens of scap-xccdf's fix tests, made by oscap 1.3.7).
#[test]
fn fix_writes_oscaps_scripts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fixdir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scap-xccdf/tests/fixtures/fix");
    let golden = |name: &str| std::fs::read_to_string(fixdir.join("oscap").join(name)).unwrap();
    let out = dir.path().join("playbook.yml");
    let o = run(
        "fix",
        &[
            "--profile",
            "strict",
            "--fix-type",
            "ansible",
            "--generated-by",
            "OpenSCAP 1.3.7",
            "--output",
            &out.display().to_string(),
            &fixdir.join("fix-systems.xml").display().to_string(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        golden("strict.ansible")
    );
    // From results, to stdout: the failed rules of the TestResult.
    let o = run(
        "fix",
        &[
            "--result-id",
            "xccdf_org.open-scap_testresult_xccdf_org.example_profile_strict",
            "--generated-by=OpenSCAP 1.3.7",
            &fixdir.join("fix-systems-results.xml").display().to_string(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), golden("results.bash"));
    let o = run("fix", &["--fix-type", "sh", "x.xml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("--fix-type sh: not one of bash, ansible"),
        "{}",
        stderr(&o)
    );
    let o = run(
        "fix",
        &[
            "--result-id",
            "nope",
            &fixdir.join("fix-systems-results.xml").display().to_string(),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("no TestResult \"nope\""),
        "{}",
        stderr(&o)
    );
}

#[test]
fn oval_eval_reads_a_disk_image_assembled_by_its_fstab() {
    // scap-probe's GPT fixture: an ESP, an ext4 root and an ext4 /var mounted by UUID
    // (nodev,nosuid), a tmpfs /tmp (noexec) in the fstab, no /home.
    let disk = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../scap-probe/tests/fixtures/disk/gpt-esp-root-var.qcow2");
    let checks = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/disk-checks.xml");
    let o = run(
        "oval-eval",
        &[
            "--disk",
            &disk.display().to_string(),
            &checks.display().to_string(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Its fstab also names a /dev/sda9 the image lacks: said on stderr.
    assert!(
        stderr(&o).contains("warning: --disk ")
            && stderr(&o).contains("fstab: /dev/sda9 for /srv: not in this image"),
        "{}",
        stderr(&o)
    );
    let out = stdout(&o);
    for (def, want) in [
        (1, "true"),
        (2, "true"),
        (3, "true"),
        (4, "true"),
        (5, "false"),
    ] {
        let line = format!("Definition oval:disk:def:{def}: {want}\n");
        assert!(out.contains(&line), "{line}in\n{out}");
    }
    // A file that is not a disk image is an error naming the option.
    let checks = checks.display().to_string();
    let o = run("oval-eval", &["--disk", &checks, &checks]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--disk"), "{}", stderr(&o));
}

/// `scan` writes every report format `scap_arf::report::Format` has, each `--NAME FILE`.
#[test]
fn scan_writes_every_report_format() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = fixtures().display().to_string();
    let (bench, cpe) = (
        fixture("benchmark-with-oval.xml"),
        fixture("cpe-dictionary.xml"),
    );
    let names = [
        "report",
        "ckl",
        "cklb",
        "poam",
        "poam-emass",
        "poam-xlsx",
        "poam-emass-xlsx",
        "sarif",
        "oscal-ar",
        "oscal-poam",
        "hdf",
        "json",
    ];
    let paths: Vec<String> = names
        .iter()
        .map(|n| dir.path().join(format!("out.{n}")).display().to_string())
        .collect();
    let mut args = vec!["--root", root.as_str(), "--cpe", cpe.as_str()];
    let options: Vec<String> = names.iter().map(|n| format!("--{n}")).collect();
    for (o, p) in options.iter().zip(&paths) {
        args.extend([o.as_str(), p.as_str()]);
    }
    args.extend(["--profile", "(all)", bench.as_str()]);
    let o = run("scan", &args);
    // A rule fails on the fixture tree (exit 2), and every file is written.
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    for (n, p) in names.iter().zip(&paths) {
        let bytes = std::fs::read(p).unwrap_or_else(|e| panic!("{n}: {e}"));
        assert!(!bytes.is_empty(), "{n}");
        if n.ends_with("xlsx") {
            assert!(bytes.starts_with(b"PK"), "{n} is not a zip");
        }
    }
    let sarif = std::fs::read_to_string(&paths[7]).expect("sarif");
    assert!(sarif.contains("\"version\": \"2.1.0\""), "{sarif}");
    assert!(sarif.contains("xccdf_t_rule_fail"));
}

/// `oval-eval --results` writes the same `system_info` as a scan: on this (live) host the
/// kernel's name and architecture and the interfaces, not the host name alone.
#[test]
fn oval_eval_results_carry_the_system_info_of_a_scan() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("results.xml").display().to_string();
    let defs = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../scap-oval/tests/fixtures/eval-constructs-oval.xml")
        .display()
        .to_string();
    let o = run("oval-eval", &["--results", &out, &defs]);
    assert!(o.status.success(), "{}", stderr(&o));
    let xml = std::fs::read_to_string(&out).expect("results written");
    assert!(xml.contains("<os_name>Linux</os_name>"), "{xml}");
    assert!(xml.contains("<architecture>"));
    assert!(!xml.contains("<architecture></architecture>"));
}

/// A Debian 11 tree in `dir` holding what the committed vulnerability feed reads (its
/// release file and dpkg status, package versions as on scripts/make-debian-root.sh's tree,
/// where oscap found bash and libc6 vulnerable: scap-arf/tests/fixtures/vulns).
fn debian11_tree(dir: &Path) -> String {
    let root = dir.join("root");
    std::fs::create_dir_all(root.join("etc")).expect("etc");
    std::fs::create_dir_all(root.join("var/lib/dpkg")).expect("dpkg dir");
    std::fs::write(root.join("etc/debian_version"), "11.7\n").expect("debian_version");
    let status = "Package: bash\nStatus: install ok installed\nArchitecture: amd64\nVersion: 5.1-2+deb11u1\n\n\
                  Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.31-13+deb11u11\n\n\
                  Package: tar\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.34+dfsg-1\n\n";
    std::fs::write(root.join("var/lib/dpkg/status"), status).expect("status");
    root.display().to_string()
}

fn vuln_fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../scap-arf/tests/fixtures/vulns")
        .join(name)
        .display()
        .to_string()
}

/// `scan --oval-vulns FEED` evaluates the feed on the scanned tree: its CVEs are in the
/// reports it writes; `oval-eval --vulns-json` finds the same ones as oscap did on the tree.
#[test]
fn scan_and_oval_eval_find_the_cves_of_a_feed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = debian11_tree(dir.path());
    let feed = vuln_fixture("feed-debian-ubuntu.xml");
    let out = |n: &str| dir.path().join(n).display().to_string();
    let (sarif, poam, json) = (out("s.sarif"), out("p.csv"), out("v.json"));
    let bench = fixture("benchmark-with-oval.xml");
    let cpe = fixture("cpe-dictionary.xml");
    let args = [
        "--root",
        &root,
        "--cpe",
        &cpe,
        "--oval-vulns",
        &feed,
        "--sarif",
        &sarif,
        "--poam",
        &poam,
        "--profile",
        "(all)",
        &bench,
    ];
    let o = run("scan", &args);
    assert!(matches!(o.status.code(), Some(0 | 2)), "{}", stderr(&o));
    for (what, file) in [("sarif", &sarif), ("poam", &poam)] {
        let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{what}: {e}"));
        for cve in ["CVE-2099-1000", "CVE-2099-2000", "CVE-2099-2001"] {
            assert!(text.contains(cve), "{what} lacks {cve}");
        }
        assert!(!text.contains("CVE-2099-1001"), "{what}: tar is fixed");
    }
    let o = run(
        "oval-eval",
        &["--root", &root, "--vulns-json", &json, &feed],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let ours = std::fs::read_to_string(&json).expect("vulns json");
    let oscap = std::fs::read_to_string(vuln_fixture("results-debian11.xml")).expect("fixture");
    let want = scap_arf::report::vulns::from_oval_results(&oscap).expect("oscap's results");
    assert_eq!(ours, scap_arf::report::vulns::to_json(&want).expect("json"));
    // A data stream evaluates, but is no feed: refused, naming it.
    let ds = fixture("ds-external.xml");
    let o = run("oval-eval", &["--root", &root, "--vulns-json", &json, &ds]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("ds-external.xml: a vulnerability feed is an oval_definitions"),
        "{}",
        stderr(&o)
    );
}
