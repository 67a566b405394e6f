//! `unix:interface_object`: network interfaces and their addresses, from
//! [`Target::interfaces`].
//!
//! As oscap 1.3.7 writes them: one `interface_item` per configured address (an interface
//! without an address gives none), the hardware address in uppercase hex, an IPv4 address
//! with its netmask and (for a broadcast-capable interface) broadcast address, an IPv6 address
//! as `address/prefix` with empty netmask and broadcast, and the classic `IFF_*` flag names.
//!
//! An offline tree has no network state: [`scap_probe::Error::NotCollectable`] gives
//! `not applicable` (runtime state does not apply to a tree on disk; oscap gives the same flag
//! offline), the policy `uname` and `sysctl` follow.

use std::net::IpAddr;

use scap_probe::{Interface, InterfaceAddress, Target};

use super::{Collection, ObjectRequest, Probe};
use crate::items::{Item, ItemEntity};
use crate::types::{Datatype, Flag};

/// The interface probe.
pub struct InterfaceProbe;

/// `IFF_BROADCAST`.
const IFF_BROADCAST: u32 = 0x2;

/// The flags oscap names (`IFF_UP` .. `IFF_DYNAMIC`, the 16 bits of `ifreq.ifr_flags`).
const NAMED_FLAG_BITS: u32 = 16;

impl Probe for InterfaceProbe {
    fn collect(&self, target: &dyn Target, object: &ObjectRequest) -> Collection {
        let Some(name) = object.entity("name") else {
            return Collection::error(format!("{}: no name entity", object.id));
        };
        let interfaces = match target.interfaces() {
            Ok(i) => i,
            Err(e) => return Collection::from_error(&e, Flag::NotApplicable),
        };
        let mut items = Vec::new();
        for iface in &interfaces {
            match name.matches(&iface.name) {
                Ok(true) => {}
                Ok(false) => continue,
                Err(e) => return Collection::error(e.to_string()),
            }
            for addr in &iface.addresses {
                items.push(item(iface, addr));
            }
        }
        Collection::from_items(items)
    }
}

fn item(iface: &Interface, addr: &InterfaceAddress) -> Item {
    let mut item = Item::new("unix", "interface_item");
    item.push(ItemEntity::string("name", iface.name.clone()));
    item.push(match iface.hardware_type_name() {
        Some(t) => ItemEntity::string("type", t),
        None => ItemEntity::does_not_exist("type", Datatype::String),
    });
    item.push(ItemEntity::string(
        "hardware_addr",
        iface.hardware_addr.to_ascii_uppercase(),
    ));
    match addr.addr {
        IpAddr::V4(a) => {
            let dt = Datatype::Ipv4Address;
            item.push(ItemEntity::typed("inet_addr", dt, a.to_string()));
            let broadcast = match addr.broadcast() {
                Some(b) if iface.flags & IFF_BROADCAST != 0 => b.to_string(),
                _ => String::new(),
            };
            item.push(ItemEntity::typed("broadcast_addr", dt, broadcast));
            item.push(ItemEntity::typed("netmask", dt, addr.netmask().to_string()));
        }
        IpAddr::V6(a) => {
            let dt = Datatype::Ipv6Address;
            item.push(ItemEntity::typed(
                "inet_addr",
                dt,
                format!("{a}/{}", addr.prefix_len),
            ));
            item.push(ItemEntity::typed("broadcast_addr", dt, ""));
            item.push(ItemEntity::typed("netmask", dt, ""));
        }
    }
    let mut named = Interface::default();
    named.flags = iface.flags & ((1 << NAMED_FLAG_BITS) - 1);
    for f in named.flag_names() {
        item.push(ItemEntity::string("flag", f));
    }
    item
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probes::RequestEntity;
    use crate::types::Operation;
    use scap_probe::MemoryTarget;

    fn object(op: Operation, value: &str) -> ObjectRequest {
        let mut o = ObjectRequest::new("oval:t:obj:1", "interface_object");
        o.entities
            .push(RequestEntity::new("name", Datatype::String, op, value));
        o
    }

    fn eth0() -> Interface {
        let mut i = Interface::default();
        i.name = "eth0".into();
        i.hardware_type = Some(1);
        i.hardware_addr = "02:fc:00:00:00:01".into();
        i.flags = 0x1 | 0x2 | 0x40 | 0x1000 | 0x10000;
        i.addresses = vec![
            InterfaceAddress {
                addr: "192.0.2.2".parse().unwrap_or(IpAddr::from([0, 0, 0, 0])),
                prefix_len: 24,
            },
            InterfaceAddress {
                addr: "fd00::2".parse().unwrap_or(IpAddr::from([0u16; 8])),
                prefix_len: 64,
            },
        ];
        i
    }

    #[test]
    fn one_item_per_address_as_oscap_writes_them() {
        let mut t = MemoryTarget::new();
        let mut down = Interface::default();
        down.name = "ifb0".into();
        t.facts.interfaces = Some(vec![eth0(), down]);
        let c = InterfaceProbe.collect(&t, &object(Operation::PatternMatch, ".*"));
        assert_eq!(c.flag, Flag::Complete);
        assert_eq!(c.items.len(), 2);
        let v4 = &c.items[0];
        assert_eq!(v4.value("type"), Some("ARPHRD_ETHER"));
        assert_eq!(v4.value("hardware_addr"), Some("02:FC:00:00:00:01"));
        assert_eq!(v4.value("inet_addr"), Some("192.0.2.2"));
        assert_eq!(v4.value("broadcast_addr"), Some("192.0.2.255"));
        assert_eq!(v4.value("netmask"), Some("255.255.255.0"));
        let flags: Vec<_> = v4.values("flag").collect();
        assert_eq!(flags, ["UP", "BROADCAST", "RUNNING", "MULTICAST"]);
        let v6 = &c.items[1];
        assert_eq!(v6.value("inet_addr"), Some("fd00::2/64"));
        assert_eq!(v6.value("netmask"), Some(""));
    }

    #[test]
    fn name_filters_and_offline_is_not_applicable() {
        let mut t = MemoryTarget::new();
        let c = InterfaceProbe.collect(&t, &object(Operation::Equals, "eth0"));
        assert_eq!(c.flag, Flag::NotApplicable);
        t.facts.interfaces = Some(vec![eth0()]);
        let c = InterfaceProbe.collect(&t, &object(Operation::PatternMatch, "^wl"));
        assert_eq!(c.flag, Flag::DoesNotExist);
    }
}
