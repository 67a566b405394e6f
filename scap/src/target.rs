//! Opening a target the way `scan` and `oval-eval` take it, and what the results say about it.

use std::path::PathBuf;

use scap_probe::platform::{PlatformFacts, Vantage};
use scap_probe::{LiveHost, OciImage, OciOptions, RootFs, Target};
use scap_xccdf::testresult::{Fact, Identity};

use crate::Warning;
use crate::error::{Error, Result};

/// Which system to scan.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let target = scap::TargetSpec::Root(dir.path().to_path_buf()).open(None)?;
/// assert!(target.environment().unwrap_err().is_not_collectable());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum TargetSpec {
    /// The running host ([`LiveHost`]).
    #[default]
    Live,
    /// An offline tree, jailed ([`RootFs`]).
    Root(PathBuf),
    /// A container image read in place: `PATH[:REF]` ([`OciImage`]).
    Image(String),
    /// A virtual machine disk image read in place, assembled by its own fstab
    /// ([`DiskImage`](scap_probe::DiskImage)). What could not be assembled (an fstab entry
    /// naming a filesystem the image lacks) is left out and said in the warnings of
    /// [`TargetSpec::open_with_warnings`].
    #[cfg(all(unix, feature = "disk"))]
    #[cfg_attr(docsrs, doc(cfg(all(unix, feature = "disk"))))]
    Disk(PathBuf),
}

impl TargetSpec {
    /// Opens the target. `environment` is an offline target's process environment (an env
    /// file, `OSCAP_CONTAINER_VARS`); without it a tree's environment is not collectable and
    /// an image's is its config's `Env`. The live host always has its own.
    /// What the target noticed while opening is dropped here: see
    /// [`open_with_warnings`](TargetSpec::open_with_warnings).
    pub fn open(&self, environment: Option<Vec<(String, String)>>) -> Result<Box<dyn Target>> {
        self.open_with_warnings(environment).map(|(t, _)| t)
    }

    /// [`open`](TargetSpec::open), and what opening noticed and worked around: for a disk
    /// image, each part that could not be assembled (an fstab entry naming a filesystem the
    /// image lacks, a partition of an unsupported type), whose files are then missing from
    /// the scanned tree. Give them to [`Scan::target_warnings`](crate::Scan::target_warnings)
    /// so the outcome carries them. They do not
    /// [affect results](Warning::affects_results) in that type's sense (a defect of the
    /// content), though rules reading the missing files see them absent.
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let (target, warnings) = scap::TargetSpec::Root(dir.path().into()).open_with_warnings(None)?;
    /// assert!(warnings.is_empty()); // a tree has nothing to assemble
    /// # drop(target);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open_with_warnings(
        &self,
        environment: Option<Vec<(String, String)>>,
    ) -> Result<(Box<dyn Target>, Vec<Warning>)> {
        fn failed(what: String, e: impl std::error::Error + Send + Sync + 'static) -> Error {
            Error::Target {
                what,
                source: Box::new(e),
            }
        }
        #[allow(unused_mut)] // only a disk image has warnings
        let mut warnings = Vec::new();
        let target: Box<dyn Target> = match self {
            TargetSpec::Live => Box::new(LiveHost::new()),
            TargetSpec::Root(dir) => {
                let r =
                    RootFs::new(dir).map_err(|e| failed(format!("--root {}", dir.display()), e))?;
                match environment {
                    Some(env) => Box::new(r.with_environment(env)),
                    None => Box::new(r),
                }
            }
            TargetSpec::Image(arg) => {
                let (path, reference) = scap_probe::split_image_arg(arg);
                let mut options = OciOptions::default();
                options.reference = reference;
                let img = OciImage::open_with(&path, &options)
                    .map_err(|e| failed(format!("--image {arg}"), e))?;
                match environment {
                    Some(env) => Box::new(img.with_environment(env)),
                    None => Box::new(img),
                }
            }
            #[cfg(all(unix, feature = "disk"))]
            TargetSpec::Disk(path) => {
                let mut disk = scap_probe::DiskImage::open(path)
                    .map_err(|e| failed(format!("--disk {}", path.display()), e))?;
                disk.facts.environment = environment;
                let at = format!("--disk {}", path.display());
                warnings.extend(
                    disk.warnings()
                        .iter()
                        .map(|w| Warning::new(format!("{at}: {w}"), false)),
                );
                Box::new(disk)
            }
        };
        Ok((target, warnings))
    }

    /// Whether this is the running host.
    pub fn is_live(&self) -> bool {
        matches!(self, TargetSpec::Live)
    }

    /// Where platform facts (FIPS mode, Secure Boot) come from for such a target.
    ///
    /// ```
    /// use scap::probe::platform::Vantage;
    /// assert_eq!(scap::TargetSpec::Image("img.tar".into()).vantage(), Vantage::ContainerImage);
    /// ```
    pub fn vantage(&self) -> Vantage {
        match self {
            TargetSpec::Live => Vantage::Live,
            TargetSpec::Root(_) => Vantage::Installed,
            TargetSpec::Image(_) => Vantage::ContainerImage,
            // A VM disk holds an installed system: its boot configuration and ESP are there.
            #[cfg(all(unix, feature = "disk"))]
            TargetSpec::Disk(_) => Vantage::Installed,
        }
    }
}

/// An offline target's environment as `scan` and `oval-eval` take it: the `NAME=value` lines
/// of `env_file`, else `OSCAP_CONTAINER_VARS` (as `oscap-docker` sets it), else `None` (an
/// image then uses its config's `Env`, a tree has none).
pub fn offline_environment(
    env_file: Option<&std::path::Path>,
) -> Result<Option<Vec<(String, String)>>> {
    Ok(match env_file {
        Some(f) => {
            let text = std::fs::read_to_string(f).map_err(|source| Error::Io {
                path: f.to_path_buf(),
                source,
            })?;
            Some(scap_probe::parse_env_lines(&text))
        }
        None => std::env::var("OSCAP_CONTAINER_VARS")
            .ok()
            .map(|v| scap_probe::parse_env_lines(&v)),
    })
}

/// The `TestResult` fact naming whether the target runs in FIPS mode (`enabled`, `disabled`,
/// `not applicable`, `not collectable`); the same name with `:evidence` says where from. The
/// report reads it back ([`scap_arf::report::TargetInfo::fips_mode`]).
pub const PLATFORM_FIPS_MODE: &str = scap_arf::report::FACT_FIPS_MODE;
/// The `TestResult` fact naming whether the target boots with Secure Boot (as
/// [`PLATFORM_FIPS_MODE`]).
pub const PLATFORM_SECURE_BOOT: &str = scap_arf::report::FACT_SECURE_BOOT;

/// The `TestResult` fact naming the target's operating system (os-release `PRETTY_NAME`).
pub const PLATFORM_OS: &str = scap_arf::report::FACT_OS;

/// The largest os-release file read (it is a few hundred bytes).
const MAX_OS_RELEASE_BYTES: u64 = 64 << 10;

/// The operating system named by the target's os-release (`/etc/os-release`, else
/// `/usr/lib/os-release`, as os-release(5) says): `PRETTY_NAME`, else `NAME VERSION`.
fn os_name(target: &dyn Target) -> Option<String> {
    let text = ["/etc/os-release", "/usr/lib/os-release"]
        .iter()
        .find_map(|p| {
            target
                .read(std::path::Path::new(p), MAX_OS_RELEASE_BYTES)
                .ok()
        })?;
    let text = String::from_utf8_lossy(&text);
    let value = |key: &str| {
        text.lines()
            .filter_map(|l| l.trim().strip_prefix(key)?.strip_prefix('='))
            .map(|v| {
                v.trim()
                    .trim_matches(|c| c == '"' || c == '\'')
                    .trim()
                    .to_string()
            })
            .find(|v| !v.is_empty())
    };
    value("PRETTY_NAME").or_else(|| {
        let name = value("NAME")?;
        Some(match value("VERSION") {
            Some(v) => format!("{name} {v}"),
            None => name,
        })
    })
}

/// What the evidence says about the scanned system, read from the target once at scan time
/// (so the outcome outlives the target): host name, addresses, kernel identity, the account
/// that ran a live scan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TargetFacts {
    /// Host name, if the target can tell.
    pub hostname: Option<String>,
    /// Network interfaces (name, MAC, addresses), if the target can tell.
    pub interfaces: Vec<scap_probe::Interface>,
    /// `uname`, if the target can tell.
    pub uname: Option<scap_probe::Uname>,
    /// The account that ran the scan, authenticated, privileged (live scans only).
    pub identity: Option<Identity>,
    /// FIPS mode and Secure Boot, with their evidence (`None` when not read).
    pub platform: Option<PlatformFacts>,
    /// The operating system, from os-release (`None` when the target has none).
    pub os: Option<String>,
}

impl TargetFacts {
    /// Reads the facts of `target`, seen as `vantage` says (a live scan adds the identity of
    /// this process).
    pub fn of(target: &dyn Target, vantage: Vantage) -> TargetFacts {
        let live = vantage == Vantage::Live;
        TargetFacts {
            hostname: target.hostname().ok(),
            interfaces: target.interfaces().unwrap_or_default(),
            uname: target.uname().ok(),
            identity: if live { own_identity() } else { None },
            platform: Some(PlatformFacts::of(target, vantage)),
            os: os_name(target),
        }
    }

    /// The `TestResult` header oscap writes for such a target: target name, addresses and the
    /// asset facts (FQDN, host name, MAC and IP addresses), the identity of a live scan.
    pub fn test_result_info(&self, benchmark_href: &str) -> scap_xccdf::TestResultInfo {
        let host = self
            .hostname
            .clone()
            .unwrap_or_else(|| "unknown".to_string());
        let mut info = scap_xccdf::TestResultInfo::new(benchmark_href, host.clone());
        let fact = |name: &str, value: String| {
            Fact::new(format!("urn:xccdf:fact:{name}"), "string", value)
        };
        info.facts.push(fact("asset:identifier:fqdn", host.clone()));
        info.facts.push(fact("asset:identifier:host_name", host));
        let mut ips = Vec::new();
        for i in &self.interfaces {
            if !i.hardware_addr.is_empty() {
                let mac = i.hardware_addr.to_uppercase();
                info.facts.push(fact("ethernet:MAC", mac.clone()));
                info.facts.push(fact("asset:identifier:mac", mac));
            }
            for a in &i.addresses {
                info.target_addresses.push(a.addr.to_string());
                ips.push(a.addr);
            }
        }
        for ip in ips {
            let kind = if ip.is_ipv4() { "ipv4" } else { "ipv6" };
            info.facts
                .push(fact(&format!("asset:identifier:{kind}"), ip.to_string()));
        }
        if let Some(p) = &self.platform {
            for (name, f) in [
                (PLATFORM_FIPS_MODE, &p.fips_mode),
                (PLATFORM_SECURE_BOOT, &p.secure_boot),
            ] {
                info.facts
                    .push(Fact::new(name, "string", f.answer.as_str()));
                info.facts
                    .push(Fact::new(format!("{name}:evidence"), "string", &f.evidence));
            }
        }
        if let Some(os) = &self.os {
            info.facts
                .push(Fact::new(PLATFORM_OS, "string", os.as_str()));
        }
        info.identity = self.identity.clone();
        info
    }

    /// The `system_info` of OVAL results for such a target (its interfaces as oscap 1.3.7
    /// lists them live: every IPv4 address, then every IPv6 one, each in interface index
    /// order, the hardware address in upper case).
    pub fn system_info(&self) -> scap_oval::results::SystemInfo {
        let u = self.uname.as_ref();
        scap_oval::results::SystemInfo {
            os_name: u.map(|u| u.sysname.clone()).unwrap_or_default(),
            os_version: u.map(|u| u.version.clone()).unwrap_or_default(),
            architecture: u.map(|u| u.machine.clone()).unwrap_or_default(),
            primary_host_name: self.hostname.clone().unwrap_or_default(),
            interfaces: system_interfaces(&self.interfaces),
        }
    }

    /// The ARF asset: host name (also as FQDN, as oscap), IP and MAC addresses.
    pub fn asset(&self) -> scap_arf::Asset {
        let mut a = scap_arf::Asset::new();
        if let Some(h) = &self.hostname {
            a = a.with_hostname(h).with_fqdn(h);
        }
        for i in &self.interfaces {
            for ad in &i.addresses {
                a = a.with_ip_address(ad.addr);
            }
            a = a.with_mac_address(&i.hardware_addr);
        }
        a
    }
}

/// The account running this process: name, authenticated (never: a local process), whether
/// it is root.
fn own_identity() -> Option<Identity> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("Uid:"))?;
    let uid: u32 = line.split_whitespace().nth(2)?.parse().ok()?;
    let uid_s = uid.to_string();
    let name = std::fs::read_to_string("/etc/passwd")
        .ok()
        .and_then(|p| {
            p.lines().find_map(|l| {
                let mut f = l.split(':');
                let name = f.next()?;
                (f.nth(1)? == uid_s).then(|| name.to_string())
            })
        })
        .unwrap_or(uid_s);
    Some(Identity::new(name, false, uid == 0))
}

/// `system_info` interfaces: one per address, IPv4 first, by interface index (what
/// `getifaddrs` gives oscap).
fn system_interfaces(
    interfaces: &[scap_probe::Interface],
) -> Vec<scap_oval::results::SystemInterface> {
    let mut ordered: Vec<(bool, u32, &scap_probe::Interface, std::net::IpAddr)> = Vec::new();
    for i in interfaces {
        for a in &i.addresses {
            ordered.push((a.addr.is_ipv6(), i.index.unwrap_or(u32::MAX), i, a.addr));
        }
    }
    ordered.sort_by_key(|(v6, index, _, _)| (*v6, *index));
    ordered
        .into_iter()
        .map(|(_, _, i, addr)| {
            scap_oval::results::SystemInterface::new(
                &i.name,
                &addr.to_string(),
                &i.hardware_addr.to_ascii_uppercase(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A disk whose fstab names a filesystem the image lacks: the warning reaches the
    /// outcome (and `scan` prints the outcome's warnings).
    #[cfg(all(unix, feature = "disk"))]
    #[test]
    fn disk_assembly_warnings_reach_the_outcome() {
        // A copy of scap-probe's fixture (the test reads nothing outside this crate).
        let base = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
        let disk = format!("{base}/disk/gpt-esp-root-var.qcow2");
        let spec = TargetSpec::Disk(disk.into());
        let (target, warnings) = spec.open_with_warnings(None).expect("the fixture opens");
        let sda9 = "fstab: /dev/sda9 for /srv: not in this image";
        assert!(
            warnings
                .iter()
                .any(|w| w.message.contains(sda9) && !w.affects_results),
            "{warnings:?}"
        );
        let content = crate::Content::open(format!("{base}/ds/ssg-chromium-ds.xml"))
            .expect("the fixture parses");
        let outcome = crate::Scan::new(&content)
            .target_warnings(warnings)
            .run(target.as_ref())
            .expect("the scan runs");
        assert!(
            outcome.warnings.iter().any(|w| w.message.contains(sda9)),
            "{:?}",
            outcome.warnings
        );
    }

    #[test]
    fn system_interfaces_list_ipv4_first_by_index() {
        // oscap 1.3.7 live in this container: lo 127.0.0.1, eth0 192.0.2.2, lo ::1,
        // eth0 fd00::2, eth0 fe80::fc:ff:fe00:1 (getifaddrs order), MACs in upper case.
        let iface = |name: &str, index, mac: &str, addrs: &[&str]| {
            let mut i = scap_probe::Interface::default();
            i.name = name.into();
            i.index = Some(index);
            i.hardware_addr = mac.into();
            i.addresses = addrs
                .iter()
                .map(|a| scap_probe::InterfaceAddress {
                    addr: a.parse().expect("an address"),
                    prefix_len: 8,
                })
                .collect();
            i
        };
        let list = system_interfaces(&[
            iface("eth0", 4, "02:fc:00:00:00:01", &["fd00::2", "192.0.2.2"]),
            iface("lo", 1, "00:00:00:00:00:00", &["::1", "127.0.0.1"]),
        ]);
        let got: Vec<(&str, &str, &str)> = list
            .iter()
            .map(|i| {
                (
                    i.name.as_str(),
                    i.ip_address.as_str(),
                    i.mac_address.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("lo", "127.0.0.1", "00:00:00:00:00:00"),
                ("eth0", "192.0.2.2", "02:FC:00:00:00:01"),
                ("lo", "::1", "00:00:00:00:00:00"),
                ("eth0", "fd00::2", "02:FC:00:00:00:01"),
            ]
        );
    }

    #[test]
    fn the_os_is_pretty_name_else_name_and_version_from_either_os_release() {
        let mut t = scap_probe::MemoryTarget::new();
        assert_eq!(os_name(&t), None);
        t.add_file(
            "/usr/lib/os-release",
            "NAME='Red Hat Enterprise Linux'\nVERSION=\"9.2 (Plow)\"\n",
        );
        assert_eq!(
            os_name(&t).as_deref(),
            Some("Red Hat Enterprise Linux 9.2 (Plow)")
        );
        t.add_file(
            "/etc/os-release",
            "PRETTY_NAME=\"Debian GNU/Linux 11 (bullseye)\"\nNAME=x\n",
        );
        assert_eq!(
            os_name(&t).as_deref(),
            Some("Debian GNU/Linux 11 (bullseye)")
        );
    }
}
