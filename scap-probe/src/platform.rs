//! Platform facts an assessor asks for beside the rule results: whether the target runs (or is
//! configured to run) in FIPS mode, and whether it boots with UEFI Secure Boot.
//!
//! Each answer comes with the evidence it was read from, and says plainly when the target
//! cannot tell: an offline tree does not record the firmware's state, a container image has no
//! boot chain. [`PlatformFacts::of`] reads them through [`Target`], so every backend (and a
//! custom one) answers the same way from the same files:
//!
//! | fact | live host | offline tree / disk | container image |
//! |---|---|---|---|
//! | FIPS mode | `/proc/sys/crypto/fips_enabled` | `fips=1` on the kernel command line of the boot configuration (`/etc/kernel/cmdline`, BLS entries, GRUB); without one, the crypto policy and OpenSSL's FIPS provider configuration | crypto policy, OpenSSL's FIPS provider configuration (the kernel's mode is the host's) |
//! | Secure Boot | the `SecureBoot` and `SetupMode` EFI variables | with feature `authenticode`: the boot loaders on the ESP at `/boot/efi` and their Authenticode signatures ("prepared", or "disabled" when the loader the firmware starts is not validly signed); else, or without an ESP, not collectable | not applicable |

#[cfg(feature = "authenticode")]
#[cfg_attr(docsrs, doc(cfg(feature = "authenticode")))]
pub mod authenticode;
#[cfg(feature = "authenticode")]
mod esp;

use std::path::{Path, PathBuf};

use crate::Target;

/// What a target is, as far as platform facts go: where the answers can come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Vantage {
    /// The running system (its kernel and firmware are visible).
    Live,
    /// An installed system's files: an offline tree or a disk image.
    Installed,
    /// A container image: user space only.
    ContainerImage,
}

/// An answer to a yes/no platform question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Answer {
    /// Yes.
    Enabled,
    /// No.
    Disabled,
    /// The question does not apply to such a target (Secure Boot of a container image).
    NotApplicable,
    /// The target cannot tell (the firmware state of an offline tree).
    NotCollectable,
    /// An installed system's boot chain is signed for Secure Boot (a validly signed shim on
    /// its ESP): it can boot with Secure Boot enforcing; whether a machine's firmware
    /// enforces it is not in the system's files.
    Prepared,
}

impl Answer {
    /// The word reports use: `enabled`, `disabled`, `not applicable`, `not collectable`.
    ///
    /// ```
    /// assert_eq!(scap_probe::platform::Answer::NotCollectable.as_str(), "not collectable");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Enabled => "enabled",
            Answer::Disabled => "disabled",
            Answer::NotApplicable => "not applicable",
            Answer::NotCollectable => "not collectable",
            Answer::Prepared => "prepared",
        }
    }
}

/// An answer and what it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Finding {
    /// The answer.
    pub answer: Answer,
    /// Where it comes from, or why there is none (one sentence, for a report).
    pub evidence: String,
}

impl Finding {
    /// A finding.
    pub fn new(answer: Answer, evidence: impl Into<String>) -> Finding {
        Finding {
            answer,
            evidence: evidence.into(),
        }
    }
}

/// FIPS mode and Secure Boot of a target.
///
/// ```
/// use scap_probe::platform::{Answer, PlatformFacts, Vantage};
/// let mut t = scap_probe::MemoryTarget::new();
/// t.add_file("/etc/default/grub", "GRUB_CMDLINE_LINUX=\"quiet fips=1\"\n");
/// let facts = PlatformFacts::of(&t, Vantage::Installed);
/// assert_eq!(facts.fips_mode.answer, Answer::Enabled);
/// assert_eq!(facts.secure_boot.answer, Answer::NotCollectable);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PlatformFacts {
    /// Whether the system runs (live) or is configured to run in FIPS 140 mode.
    pub fips_mode: Finding,
    /// Whether the system boots with UEFI Secure Boot enforcing (live), or, for an installed
    /// system with its ESP, whether its boot chain is signed for it ([`Answer::Prepared`]).
    pub secure_boot: Finding,
}

impl PlatformFacts {
    /// Reads the facts of `target`, seen as `vantage` says.
    pub fn of(target: &dyn Target, vantage: Vantage) -> PlatformFacts {
        PlatformFacts {
            fips_mode: fips_mode(target, vantage),
            secure_boot: secure_boot(target, vantage),
        }
    }
}

/// Largest configuration file read for these facts.
const MAX_CONFIG_BYTES: u64 = 1 << 20;
/// How deep OpenSSL `.include`s are followed.
const MAX_INCLUDE_DEPTH: usize = 4;
/// The EFI global variable GUID (UEFI specification, section 3.3).
const EFI_GLOBAL: &str = "8be4df61-93ca-11d0-aa8d-e0e4b1f8e4e1";

fn read_text(target: &dyn Target, path: &Path) -> Option<String> {
    let bytes = target.read(path, MAX_CONFIG_BYTES).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

fn fips_mode(target: &dyn Target, vantage: Vantage) -> Finding {
    if vantage == Vantage::Live {
        let path = Path::new("/proc/sys/crypto/fips_enabled");
        return match read_text(target, path).as_deref().map(str::trim) {
            Some("1") => Finding::new(
                Answer::Enabled,
                "kernel: /proc/sys/crypto/fips_enabled is 1",
            ),
            Some(v) => Finding::new(
                Answer::Disabled,
                format!("kernel: /proc/sys/crypto/fips_enabled is {v}"),
            ),
            None => Finding::new(
                Answer::Disabled,
                "kernel: no /proc/sys/crypto/fips_enabled (built without FIPS support)",
            ),
        };
    }
    if vantage == Vantage::Installed {
        let sources = boot_command_lines(target);
        if let Some((path, _)) = sources.iter().find(|(_, l)| has_fips_1(l)) {
            return Finding::new(
                Answer::Enabled,
                format!("fips=1 on the kernel command line in {}", path.display()),
            );
        }
        if !sources.is_empty() {
            let mut names: Vec<String> = sources
                .iter()
                .map(|(p, _)| p.display().to_string())
                .collect();
            names.dedup();
            return Finding::new(
                Answer::Disabled,
                format!(
                    "no fips=1 on the kernel command line ({})",
                    names.join(", ")
                ),
            );
        }
    }
    // User space: a container image, or a tree without a boot configuration.
    let scope = if vantage == Vantage::ContainerImage {
        " (user space; the kernel's FIPS mode is the host's)"
    } else {
        " (no boot configuration: user space only)"
    };
    if let Some(policy) = crypto_policy(target) {
        let answer = if policy == "FIPS" || policy.starts_with("FIPS:") {
            Answer::Enabled
        } else {
            Answer::Disabled
        };
        return Finding::new(
            answer,
            format!("crypto policy {policy} in /etc/crypto-policies/config{scope}"),
        );
    }
    match openssl_fips(target) {
        Some((path, true)) => Finding::new(
            Answer::Enabled,
            format!(
                "OpenSSL: the FIPS provider is activated and the default (fips=yes) in {}{scope}",
                path.display()
            ),
        ),
        Some((path, false)) => Finding::new(
            Answer::Disabled,
            format!(
                "OpenSSL: the FIPS provider is not activated as the default in {}{scope}",
                path.display()
            ),
        ),
        None => Finding::new(
            Answer::Disabled,
            format!(
                "no FIPS configuration found: no crypto policy, no OpenSSL configuration{scope}"
            ),
        ),
    }
}

/// The kernel command lines a boot configuration of the tree gives, with the file each is in.
fn boot_command_lines(target: &dyn Target) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut add = |path: PathBuf, line: String| out.push((path, line));
    let cmdline = PathBuf::from("/etc/kernel/cmdline");
    if let Some(text) = read_text(target, &cmdline) {
        add(cmdline, text);
    }
    if let Ok(entries) = target.read_dir(Path::new("/boot/loader/entries")) {
        for e in entries
            .iter()
            .filter(|e| e.name.to_string_lossy().ends_with(".conf"))
        {
            let path = Path::new("/boot/loader/entries").join(&e.name);
            if let Some(text) = read_text(target, &path) {
                for l in text.lines() {
                    if let Some(rest) = l.trim_start().strip_prefix("options") {
                        add(path.clone(), rest.to_string());
                    }
                }
            }
        }
    }
    let grub_default = PathBuf::from("/etc/default/grub");
    if let Some(text) = read_text(target, &grub_default) {
        for l in text.lines() {
            let l = l.trim_start();
            if l.starts_with("GRUB_CMDLINE_LINUX") {
                add(grub_default.clone(), l.to_string());
            }
        }
    }
    for p in ["/boot/grub2/grubenv", "/boot/grub/grubenv"] {
        let path = PathBuf::from(p);
        if let Some(text) = read_text(target, &path) {
            for l in text.lines().filter(|l| l.starts_with("kernelopts=")) {
                add(path.clone(), l.to_string());
            }
        }
    }
    for p in ["/boot/grub2/grub.cfg", "/boot/grub/grub.cfg"] {
        let path = PathBuf::from(p);
        if let Some(text) = read_text(target, &path) {
            for l in text.lines() {
                let t = l.trim_start();
                if t.starts_with("linux ")
                    || t.starts_with("linux16 ")
                    || t.starts_with("linuxefi ")
                {
                    add(path.clone(), t.to_string());
                }
            }
        }
    }
    out
}

/// Whether a command line sets `fips=1` (a word of its own, quotes around the whole line
/// allowed, as GRUB's shell-style defaults file writes it).
fn has_fips_1(line: &str) -> bool {
    line.split(|c: char| c.is_whitespace() || c == '"' || c == '\'')
        .any(|w| w == "fips=1")
}

/// The crypto policy the tree selects (`/etc/crypto-policies/config`, first word).
fn crypto_policy(target: &dyn Target) -> Option<String> {
    let text = read_text(target, Path::new("/etc/crypto-policies/config"))?;
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
}

/// Whether the OpenSSL configuration activates the FIPS provider and makes it the default
/// (`default_properties = fips=yes`), with the file read.
fn openssl_fips(target: &dyn Target) -> Option<(PathBuf, bool)> {
    let path = [
        "/etc/ssl/openssl.cnf",
        "/etc/pki/tls/openssl.cnf",
        "/usr/lib/ssl/openssl.cnf",
    ]
    .into_iter()
    .map(PathBuf::from)
    .find(|p| target.metadata(p).is_ok())?;
    let mut conf = OpensslConf::default();
    conf.load(target, &path, 0);
    let init = conf.get("openssl_init", "providers");
    let fips_section = init.and_then(|p| conf.get(p, "fips"));
    let activated = fips_section
        .and_then(|s| conf.get(s, "activate"))
        .is_some_and(|v| matches!(v, "1" | "yes" | "true" | "on"));
    let default = conf
        .get("openssl_init", "alg_section")
        .and_then(|s| conf.get(s, "default_properties"))
        .is_some_and(|v| v.replace(' ', "").split(',').any(|p| p == "fips=yes"));
    Some((path, activated && default))
}

/// The sections of an OpenSSL configuration (OpenSSL `config(5)`), `.include`s merged.
#[derive(Default)]
struct OpensslConf {
    entries: Vec<(String, String, String)>,
}

impl OpensslConf {
    fn get(&self, section: &str, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .rev()
            .find(|(s, k, _)| s == section && k == key)
            .map(|(_, _, v)| v.as_str())
    }

    fn load(&mut self, target: &dyn Target, path: &Path, depth: usize) {
        let Some(text) = read_text(target, path) else {
            return;
        };
        let dir = path.parent().unwrap_or(Path::new("/"));
        let mut section = String::from("default");
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            if let Some(inc) = line.strip_prefix(".include") {
                let inc = inc.trim_start_matches(['=', ' ', '\t']).trim();
                if depth < MAX_INCLUDE_DEPTH && !inc.is_empty() {
                    // A relative include is looked up beside the including file.
                    self.load(target, &dir.join(inc), depth + 1);
                }
            } else if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                section = name.trim().to_string();
            } else if let Some((k, v)) = line.split_once('=') {
                self.entries
                    .push((section.clone(), k.trim().to_string(), v.trim().to_string()));
            }
        }
    }
}

fn secure_boot(target: &dyn Target, vantage: Vantage) -> Finding {
    match vantage {
        Vantage::ContainerImage => {
            return Finding::new(Answer::NotApplicable, "a container image has no boot chain");
        }
        Vantage::Installed => {
            #[cfg(feature = "authenticode")]
            if let Some(f) = esp::finding(target) {
                return f;
            }
            return Finding::new(
                Answer::NotCollectable,
                "the firmware's state is not in the system's files; scan the running system",
            );
        }
        Vantage::Live => {}
    }
    let efivars = Path::new("/sys/firmware/efi/efivars");
    let var = |name: &str| -> Option<u8> {
        let bytes = target
            .read(&efivars.join(format!("{name}-{EFI_GLOBAL}")), 64)
            .ok()?;
        // Four bytes of attributes, then the one-byte value.
        bytes.get(4).copied()
    };
    if target.metadata(Path::new("/sys/firmware/efi")).is_err() {
        let in_container = target.container().is_ok_and(|c| c.is_container);
        return if in_container {
            Finding::new(
                Answer::NotCollectable,
                "the scan runs in a container: the firmware is not visible",
            )
        } else {
            Finding::new(
                Answer::Disabled,
                "booted without UEFI (no /sys/firmware/efi)",
            )
        };
    }
    match (var("SecureBoot"), var("SetupMode")) {
        (Some(1), Some(1)) => Finding::new(
            Answer::Disabled,
            "SecureBoot is 1 but the firmware is in setup mode (no platform key): not enforcing",
        ),
        (Some(1), _) => Finding::new(Answer::Enabled, "EFI variable SecureBoot is 1"),
        (Some(v), _) => Finding::new(Answer::Disabled, format!("EFI variable SecureBoot is {v}")),
        (None, _) => Finding::new(
            Answer::NotCollectable,
            "UEFI boot, but the SecureBoot variable cannot be read (efivarfs not mounted?)",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemoryTarget;

    fn installed(files: &[(&str, &str)]) -> PlatformFacts {
        let mut t = MemoryTarget::new();
        for (p, c) in files {
            t.add_file(p, c);
        }
        PlatformFacts::of(&t, Vantage::Installed)
    }

    #[test]
    fn fips_from_each_boot_configuration() {
        for (path, text) in [
            ("/etc/kernel/cmdline", "root=UUID=x ro fips=1\n"),
            (
                "/boot/loader/entries/abc-5.14.conf",
                "title RHEL\noptions root=/dev/x ro fips=1 boot=UUID=y\n",
            ),
            (
                "/etc/default/grub",
                "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\nGRUB_CMDLINE_LINUX=\"fips=1\"\n",
            ),
            (
                "/boot/grub2/grubenv",
                "# GRUB Environment Block\nkernelopts=root=/dev/x ro fips=1\n",
            ),
            (
                "/boot/grub/grub.cfg",
                "menuentry x {\n\tlinux /vmlinuz root=/dev/x ro fips=1\n}\n",
            ),
        ] {
            let f = installed(&[(path, text)]);
            assert_eq!(f.fips_mode.answer, Answer::Enabled, "{path}");
            assert!(
                f.fips_mode.evidence.contains(path),
                "{}",
                f.fips_mode.evidence
            );
        }
    }

    #[test]
    fn a_boot_configuration_without_fips_1_is_disabled() {
        for text in [
            "GRUB_CMDLINE_LINUX=\"quiet\"\n",
            "GRUB_CMDLINE_LINUX=\"fips=0\"\n",
            "GRUB_CMDLINE_LINUX=\"nofips=1\"\n",
        ] {
            let f = installed(&[
                ("/etc/default/grub", text),
                ("/etc/crypto-policies/config", "FIPS\n"),
            ]);
            // The crypto policy alone does not put the kernel in FIPS mode.
            assert_eq!(f.fips_mode.answer, Answer::Disabled, "{text}");
        }
    }

    #[test]
    fn without_a_boot_configuration_user_space_decides() {
        let f = installed(&[(
            "/etc/crypto-policies/config",
            "# set by fips-mode-setup\nFIPS:OSPP\n",
        )]);
        assert_eq!(f.fips_mode.answer, Answer::Enabled);
        let f = installed(&[("/etc/crypto-policies/config", "DEFAULT\n")]);
        assert_eq!(f.fips_mode.answer, Answer::Disabled);
        let f = installed(&[]);
        assert_eq!(f.fips_mode.answer, Answer::Disabled);
        assert!(f.fips_mode.evidence.contains("no FIPS configuration"));
    }

    /// The shape of Chainguard's `openssl-config-fipshardened` (scap/tests/fixtures/make-wolfi-root.sh).
    const OPENSSL_FIPS: &str = "openssl_conf = openssl_init\n.include fipsmodule.cnf\n\
        [openssl_init]\nproviders = provider_sect\nalg_section = algorithm_sect\n\
        [provider_sect]\nfips = fips_sect\nbase = base_sect\n[base_sect]\nactivate = 1\n\
        [algorithm_sect]\ndefault_properties = fips=yes\n";

    #[test]
    fn openssl_fips_provider_in_an_image() {
        let mut t = MemoryTarget::new();
        t.add_file("/etc/ssl/openssl.cnf", OPENSSL_FIPS);
        t.add_file("/etc/ssl/fipsmodule.cnf", "[fips_sect]\nactivate = 1\n");
        let f = PlatformFacts::of(&t, Vantage::ContainerImage);
        assert_eq!(
            f.fips_mode.answer,
            Answer::Enabled,
            "{}",
            f.fips_mode.evidence
        );
        assert!(f.fips_mode.evidence.contains("the host's"));
        assert_eq!(f.secure_boot.answer, Answer::NotApplicable);
        // Without the included module section the provider is not activated.
        let mut t = MemoryTarget::new();
        t.add_file("/etc/ssl/openssl.cnf", OPENSSL_FIPS);
        let f = PlatformFacts::of(&t, Vantage::ContainerImage);
        assert_eq!(f.fips_mode.answer, Answer::Disabled);
        // Activated, but not the default.
        let mut t = MemoryTarget::new();
        t.add_file(
            "/etc/ssl/openssl.cnf",
            OPENSSL_FIPS.replace("fips=yes", "?fips=yes"),
        );
        t.add_file("/etc/ssl/fipsmodule.cnf", "[fips_sect]\nactivate = 1\n");
        assert_eq!(
            PlatformFacts::of(&t, Vantage::ContainerImage)
                .fips_mode
                .answer,
            Answer::Disabled
        );
    }

    #[test]
    fn an_include_loop_ends() {
        let mut t = MemoryTarget::new();
        t.add_file("/etc/ssl/openssl.cnf", ".include openssl.cnf\n");
        assert_eq!(
            PlatformFacts::of(&t, Vantage::ContainerImage)
                .fips_mode
                .answer,
            Answer::Disabled
        );
    }

    fn efi_var(value: u8) -> Vec<u8> {
        vec![6, 0, 0, 0, value]
    }

    #[test]
    fn live_fips_and_secure_boot() {
        let mut t = MemoryTarget::new();
        t.add_file("/proc/sys/crypto/fips_enabled", "1\n");
        t.add_dir("/sys/firmware/efi/efivars");
        t.add_file(
            format!("/sys/firmware/efi/efivars/SecureBoot-{EFI_GLOBAL}"),
            efi_var(1),
        );
        t.add_file(
            format!("/sys/firmware/efi/efivars/SetupMode-{EFI_GLOBAL}"),
            efi_var(0),
        );
        let f = PlatformFacts::of(&t, Vantage::Live);
        assert_eq!(f.fips_mode.answer, Answer::Enabled);
        assert_eq!(f.secure_boot.answer, Answer::Enabled);
        t.add_file(
            format!("/sys/firmware/efi/efivars/SetupMode-{EFI_GLOBAL}"),
            efi_var(1),
        );
        assert_eq!(
            PlatformFacts::of(&t, Vantage::Live).secure_boot.answer,
            Answer::Disabled
        );
        t.add_file(
            format!("/sys/firmware/efi/efivars/SecureBoot-{EFI_GLOBAL}"),
            efi_var(0),
        );
        assert_eq!(
            PlatformFacts::of(&t, Vantage::Live).secure_boot.answer,
            Answer::Disabled
        );
        let mut bios = MemoryTarget::new();
        bios.add_file("/proc/sys/crypto/fips_enabled", "0\n");
        let f = PlatformFacts::of(&bios, Vantage::Live);
        assert_eq!(f.fips_mode.answer, Answer::Disabled);
        assert_eq!(f.secure_boot.answer, Answer::Disabled);
        assert!(f.secure_boot.evidence.contains("without UEFI"));
    }

    #[test]
    fn an_offline_tree_cannot_tell_secure_boot() {
        assert_eq!(installed(&[]).secure_boot.answer, Answer::NotCollectable);
    }
}
