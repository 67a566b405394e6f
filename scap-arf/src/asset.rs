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
    /// The asset facts of a scan target: host name (also used as the FQDN, as oscap does),
    /// and the addresses of its interfaces (`Target::interfaces`). A fact the target cannot
    /// give (an offline tree's interfaces) is left out.
    ///
    /// ```
    /// let t = scap_probe::MemoryTarget::new();
    /// let a = scap_arf::Asset::from_target(&t);
    /// assert_eq!(a.id, "asset0");
    /// ```
    pub fn from_target(target: &dyn scap_probe::Target) -> Asset {
        let mut a = Asset {
            id: "asset0".to_string(),
            ..Asset::default()
        };
        if let Ok(h) = target.hostname() {
            let h = h.trim().to_string();
            if !h.is_empty() {
                a.fqdn = Some(h.clone());
                a.hostname = Some(h);
            }
        }
        if let Ok(interfaces) = target.interfaces() {
            for i in &interfaces {
                for addr in &i.addresses {
                    if !a.ip_addresses.contains(&addr.addr) {
                        a.ip_addresses.push(addr.addr);
                    }
                }
                if !i.hardware_addr.is_empty() {
                    let mac = i.hardware_addr.to_uppercase();
                    if !a.mac_addresses.contains(&mac) {
                        a.mac_addresses.push(mac);
                    }
                }
            }
        }
        // oscap lists IPv4 before IPv6.
        a.ip_addresses.sort_by_key(|ip| ip.is_ipv6());
        a
    }

    /// How many `ai:connection`s the asset has (one per address).
    pub fn connections_len(&self) -> usize {
        self.ip_addresses.len() + self.mac_addresses.len()
    }
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
    fn memory_target_without_facts_gives_an_empty_device() {
        let t = scap_probe::MemoryTarget::new();
        let a = Asset::from_target(&t);
        assert_eq!(a.connections_len(), 0);
    }
}
