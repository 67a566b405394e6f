//! The asset a report is about: an Asset Identification 1.1 `ai:computing-device`.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

/// A computing device as ARF describes it (Asset Identification 1.1, section 5.4.3
/// `computing-device`): the names and network identifiers that say which machine was scanned.
///
/// Every field may be empty: oscap writes an empty `<ai:computing-device/>` when it scans an
/// offline tree, and so do we when the target has no such facts.
///
/// ```
/// let mut a = scap_arf::Asset::default();
/// a.hostname = Some("web1".into());
/// a.ip_addresses.push("192.0.2.7".parse().unwrap());
/// assert_eq!(a.connections_len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Asset {
    /// The `arf:asset` id (`asset0` when written by this crate, as oscap does).
    pub id: String,
    /// `ai:hostname`.
    pub hostname: Option<String>,
    /// `ai:fqdn`.
    pub fqdn: Option<String>,
    /// `ai:ip-v4` and `ai:ip-v6` addresses, one `ai:connection` each.
    pub ip_addresses: Vec<IpAddr>,
    /// `ai:mac-address`es, upper-case colon-separated hex as oscap writes them.
    pub mac_addresses: Vec<String>,
}

impl Asset {
    /// An asset with no facts yet, with the id oscap gives the one asset of its ARF
    /// (`asset0`). Add facts with the `with_*` methods; a caller that probes a target (the
    /// `scap` crate does, from `scap_probe::Target`) fills it from what the target can tell.
    ///
    /// ```
    /// let a = scap_arf::Asset::new()
    ///     .with_hostname("web1.example.org")
    ///     .with_fqdn("web1.example.org")
    ///     .with_ip_address("fd00::7".parse().unwrap())
    ///     .with_ip_address("192.0.2.7".parse().unwrap())
    ///     .with_mac_address("02:fc:00:00:00:01");
    /// assert_eq!(a.id, "asset0");
    /// assert_eq!(a.ip_addresses[0].to_string(), "192.0.2.7"); // IPv4 first, as oscap
    /// assert_eq!(a.mac_addresses, ["02:FC:00:00:00:01"]);
    /// assert_eq!(a.connections_len(), 3);
    /// ```
    pub fn new() -> Asset {
        Asset {
            id: "asset0".to_string(),
            ..Asset::default()
        }
    }

    /// Sets `ai:hostname`; a name that is empty after trimming is left out (oscap writes no
    /// empty `ai:hostname`).
    ///
    /// ```
    /// assert_eq!(scap_arf::Asset::new().with_hostname(" \n").hostname, None);
    /// ```
    pub fn with_hostname(mut self, name: impl AsRef<str>) -> Asset {
        self.hostname = non_empty(name.as_ref());
        self
    }

    /// Sets `ai:fqdn`; an empty name is left out.
    ///
    /// ```
    /// let a = scap_arf::Asset::new().with_fqdn("h.example.org");
    /// assert_eq!(a.fqdn.as_deref(), Some("h.example.org"));
    /// ```
    pub fn with_fqdn(mut self, name: impl AsRef<str>) -> Asset {
        self.fqdn = non_empty(name.as_ref());
        self
    }

    /// Adds an address (once), keeping IPv4 addresses before IPv6 ones, the order oscap
    /// writes its `ai:connection`s in.
    ///
    /// ```
    /// let a = scap_arf::Asset::new()
    ///     .with_ip_address("::1".parse().unwrap())
    ///     .with_ip_address("127.0.0.1".parse().unwrap())
    ///     .with_ip_address("::1".parse().unwrap());
    /// assert_eq!(a.ip_addresses.len(), 2);
    /// assert!(a.ip_addresses[0].is_ipv4());
    /// ```
    pub fn with_ip_address(mut self, addr: IpAddr) -> Asset {
        if !self.ip_addresses.contains(&addr) {
            self.ip_addresses.push(addr);
            // A stable sort: addresses of one family keep the order they were added in.
            self.ip_addresses.sort_by_key(IpAddr::is_ipv6);
        }
        self
    }

    /// Adds a MAC address (once), upper-cased as oscap writes `ai:mac-address`; an empty one
    /// (a loopback interface's) is left out.
    ///
    /// ```
    /// let a = scap_arf::Asset::new().with_mac_address("").with_mac_address("aa:bb:cc:dd:ee:ff");
    /// assert_eq!(a.mac_addresses, ["AA:BB:CC:DD:EE:FF"]);
    /// ```
    pub fn with_mac_address(mut self, mac: impl AsRef<str>) -> Asset {
        if let Some(mac) = non_empty(mac.as_ref()) {
            let mac = mac.to_uppercase();
            if !self.mac_addresses.contains(&mac) {
                self.mac_addresses.push(mac);
            }
        }
        self
    }

    /// How many `ai:connection`s the asset has (one per address).
    pub fn connections_len(&self) -> usize {
        self.ip_addresses.len() + self.mac_addresses.len()
    }
}

/// `s` trimmed, or `None` when nothing is left.
fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// An IPv6 address the way oscap writes it in `ai:ip-v6`: eight groups, no `::` compression.
pub(crate) fn ipv6_full(ip: std::net::Ipv6Addr) -> String {
    let parts: Vec<String> = ip.segments().iter().map(|s| format!("{s:x}")).collect();
    parts.join(":")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_is_written_uncompressed() {
        let ip: std::net::Ipv6Addr = "fe80::fc:ff:fe00:1"
            .parse()
            .unwrap_or(std::net::Ipv6Addr::UNSPECIFIED);
        assert_eq!(ipv6_full(ip), "fe80:0:0:0:fc:ff:fe00:1");
    }

    #[test]
    fn an_asset_without_facts_is_an_empty_device() {
        let a = Asset::new().with_hostname("").with_fqdn("  ");
        assert_eq!(a.connections_len(), 0);
        assert_eq!((a.hostname, a.fqdn), (None, None));
    }

    #[test]
    fn addresses_keep_their_order_within_a_family() {
        let ip = |s: &str| {
            s.parse()
                .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
        };
        let a = Asset::new()
            .with_ip_address(ip("fd00::1"))
            .with_ip_address(ip("192.0.2.9"))
            .with_ip_address(ip("fd00::0:2"))
            .with_ip_address(ip("192.0.2.1"))
            .with_ip_address(ip("192.0.2.9"));
        let got: Vec<String> = a.ip_addresses.iter().map(ToString::to_string).collect();
        assert_eq!(got, ["192.0.2.9", "192.0.2.1", "fd00::1", "fd00::2"]);
    }
}
