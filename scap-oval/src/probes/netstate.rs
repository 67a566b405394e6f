//! Network state of a running system: `unix:routingtable_object` ([`Target::routes`]),
//! `linux:inetlisteningservers_object` ([`Target::inet_sockets`]) and
//! `linux:iflisteners_object` ([`Target::packet_sockets`]).
//!
//! An offline tree or an image has no network state: the facts are not collectable and the
//! objects `not applicable`, as oscap 1.3.7 answers with `OSCAP_PROBE_ROOT` ("offline mode is
//! not supported"). Live, items are written as oscap writes them (checked in a container with
//! sockets held open, `scripts/diff-net-probes.sh`):
//!
//! - `routingtable_item`: IPv4 and IPv6 routes, the destination as an address without its
//!   prefix, the gateway, one `flags` entity per flag OVAL names (`UP`, `GATEWAY`, ...), the
//!   interface. (oscap leaves the padding of `/proc/net/ipv6_route` in IPv6 interface names,
//!   `"eth0 "`; we do not.)
//! - `inetlisteningserver_item`: every TCP and UDP socket, IPv4 and IPv6, in any state (oscap
//!   lists established connections too), `local_full_address` as `address:port` without
//!   brackets; `program_name`, `pid` and `user_id` only where the process holding the socket
//!   can be seen.
//! - `iflisteners_item`: packet sockets bound to one interface (those listening on every
//!   interface are left out, as oscap leaves them), the protocol by its `ETH_P_*` name, the
//!   interface's hardware address.

use std::collections::HashMap;
use std::net::IpAddr;

use scap_probe::{SocketOwner, Target};

use super::{Collection, ObjectRequest, Probe, RequestEntity};
use crate::items::{Item, ItemEntity};
use crate::types::{Datatype, Flag};

/// The routingtable probe.
pub struct RoutingTableProbe;
/// The inetlisteningservers probe.
pub struct InetListeningServersProbe;
/// The iflisteners probe.
pub struct IfListenersProbe;

fn required<'a>(object: &'a ObjectRequest, name: &str) -> Result<&'a RequestEntity, Collection> {
    object
        .entity(name)
        .ok_or_else(|| Collection::error(format!("{}: no {name} entity", object.id)))
}

fn matches(entity: &RequestEntity, value: &str) -> Result<bool, Collection> {
    entity
        .matches(value)
        .map_err(|e| Collection::error(e.to_string()))
}

fn ip_datatype(a: &IpAddr) -> Datatype {
    match a {
        IpAddr::V4(_) => Datatype::Ipv4Address,
        IpAddr::V6(_) => Datatype::Ipv6Address,
    }
}

/// `program_name` (when asked: it comes earlier in an inetlisteningserver_item), `pid` and
/// `user_id` of the process holding a socket.
fn push_owner(item: &mut Item, owner: Option<&SocketOwner>, program: bool) {
    if let Some(o) = owner {
        if program {
            item.push(ItemEntity::string("program_name", o.program.clone()));
        }
        item.push(ItemEntity::int("pid", o.pid));
        item.push(ItemEntity::int("user_id", o.uid));
    }
}

impl Probe for RoutingTableProbe {
    fn collect(&self, target: &dyn Target, object: &ObjectRequest) -> Collection {
        let destination = match required(object, "destination") {
            Ok(d) => d,
            Err(c) => return c,
        };
        let routes = match target.routes() {
            Ok(r) => r,
            Err(e) => return Collection::from_error(&e, Flag::NotApplicable),
        };
        let mut items = Vec::new();
        for r in &routes {
            let dt = ip_datatype(&r.destination);
            // An address of the other family is not compared (it would be an error).
            if matches!(
                destination.datatype,
                Datatype::Ipv4Address | Datatype::Ipv6Address
            ) && destination.datatype != dt
            {
                continue;
            }
            match matches(destination, &r.destination.to_string()) {
                Ok(true) => {}
                Ok(false) => continue,
                Err(c) => return c,
            }
            let mut item = Item::new("unix", "routingtable_item");
            item.push(ItemEntity::typed(
                "destination",
                dt,
                r.destination.to_string(),
            ));
            item.push(ItemEntity::typed(
                "gateway",
                ip_datatype(&r.gateway),
                r.gateway.to_string(),
            ));
            for f in r.flag_names() {
                item.push(ItemEntity::string("flags", f));
            }
            item.push(ItemEntity::string("interface_name", r.interface.clone()));
            items.push(item);
        }
        Collection::from_items(items)
    }
}

impl Probe for InetListeningServersProbe {
    fn collect(&self, target: &dyn Target, object: &ObjectRequest) -> Collection {
        let (protocol, address, port) = match (
            required(object, "protocol"),
            required(object, "local_address"),
            required(object, "local_port"),
        ) {
            (Ok(p), Ok(a), Ok(n)) => (p, a, n),
            (Err(c), _, _) | (_, Err(c), _) | (_, _, Err(c)) => return c,
        };
        let sockets = match target.inet_sockets() {
            Ok(s) => s,
            Err(e) => return Collection::from_error(&e, Flag::NotApplicable),
        };
        let mut items = Vec::new();
        for s in &sockets {
            let local = s.local.ip().to_string();
            let lport = s.local.port().to_string();
            let mut keep = true;
            for (e, v) in [(protocol, s.protocol), (address, &local), (port, &lport)] {
                match matches(e, v) {
                    Ok(true) => {}
                    Ok(false) => keep = false,
                    Err(c) => return c,
                }
            }
            if !keep {
                continue;
            }
            let remote = s.remote.ip().to_string();
            let mut item = Item::new("linux", "inetlisteningserver_item");
            item.push(ItemEntity::string("protocol", s.protocol));
            item.push(ItemEntity::string("local_address", local.clone()));
            item.push(ItemEntity::int("local_port", s.local.port()));
            item.push(ItemEntity::string(
                "local_full_address",
                format!("{local}:{lport}"),
            ));
            if let Some(o) = &s.owner {
                item.push(ItemEntity::string("program_name", o.program.clone()));
            }
            item.push(ItemEntity::string("foreign_address", remote.clone()));
            item.push(ItemEntity::int("foreign_port", s.remote.port()));
            item.push(ItemEntity::string(
                "foreign_full_address",
                format!("{remote}:{}", s.remote.port()),
            ));
            push_owner(&mut item, s.owner.as_ref(), false);
            items.push(item);
        }
        Collection::from_items(items)
    }
}

impl Probe for IfListenersProbe {
    fn collect(&self, target: &dyn Target, object: &ObjectRequest) -> Collection {
        let name = match required(object, "interface_name") {
            Ok(n) => n,
            Err(c) => return c,
        };
        let sockets = match target.packet_sockets() {
            Ok(s) => s,
            Err(e) => return Collection::from_error(&e, Flag::NotApplicable),
        };
        let interfaces: HashMap<u32, (String, String)> = match target.interfaces() {
            Ok(i) => i
                .into_iter()
                .filter_map(|i| Some((i.index?, (i.name, i.hardware_addr))))
                .collect(),
            Err(e) => return Collection::from_error(&e, Flag::NotApplicable),
        };
        let mut items = Vec::new();
        for s in &sockets {
            let Some((iface, hw)) = interfaces.get(&s.interface_index) else {
                continue; // 0: every interface; or an interface gone since
            };
            match matches(name, iface) {
                Ok(true) => {}
                Ok(false) => continue,
                Err(c) => return c,
            }
            let mut item = Item::new("linux", "iflisteners_item");
            item.push(ItemEntity::string("interface_name", iface.clone()));
            item.push(match s.protocol_name() {
                Some(p) => ItemEntity::string("protocol", p),
                None => ItemEntity::does_not_exist("protocol", Datatype::String),
            });
            item.push(ItemEntity::string("hw_address", hw.to_ascii_lowercase()));
            push_owner(&mut item, s.owner.as_ref(), true);
            items.push(item);
        }
        Collection::from_items(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Operation;
    use scap_probe::{InetSocket, Interface, MemoryTarget, PacketSocket, RouteEntry};

    fn object(kind: &str, entities: Vec<RequestEntity>) -> ObjectRequest {
        let mut o = ObjectRequest::new("oval:t:obj:1", kind);
        o.entities = entities;
        o
    }

    fn live() -> MemoryTarget {
        let mut t = MemoryTarget::new();
        let mut r = RouteEntry::default();
        r.gateway = "192.0.2.1".parse().unwrap();
        r.flags = 3;
        r.interface = "eth0".into();
        let mut r6 = RouteEntry::default();
        r6.destination = "fd00::".parse().unwrap();
        r6.gateway = "::".parse().unwrap();
        r6.flags = 1;
        r6.interface = "eth0".into();
        t.facts.routes = Some(vec![r, r6]);
        let mut owner = SocketOwner::default();
        owner.pid = 42;
        owner.program = "python3".into();
        let mut listen = parse_socket("[::]:47001", "[::]:0");
        listen.owner = Some(owner.clone());
        let orphan = parse_socket("0.0.0.0:2024", "0.0.0.0:0");
        t.facts.inet_sockets = Some(vec![listen, orphan]);
        let mut bound = PacketSocket::default();
        bound.interface_index = 4;
        bound.protocol = 0x0806;
        bound.owner = Some(owner);
        let mut everywhere = PacketSocket::default();
        everywhere.protocol = 3;
        t.facts.packet_sockets = Some(vec![bound, everywhere]);
        let mut eth0 = Interface::default();
        eth0.name = "eth0".into();
        eth0.index = Some(4);
        eth0.hardware_addr = "02:FC:00:00:00:01".into();
        t.facts.interfaces = Some(vec![eth0]);
        t
    }

    fn parse_socket(local: &str, remote: &str) -> InetSocket {
        let text = format!(
            "sl local rem st\n0: {} {} 0A 0:0 0:0 0 0 0 77\n",
            hex(local),
            hex(remote)
        );
        let v6 = local.starts_with('[');
        scap_probe::net::parse_inet_sockets(&text, "tcp", v6).remove(0)
    }

    /// `/proc/net` spelling of a socket address (native-endian words).
    fn hex(addr: &str) -> String {
        let a: std::net::SocketAddr = addr.parse().unwrap();
        let words: Vec<u8> = match a.ip() {
            IpAddr::V4(v) => v.octets().to_vec(),
            IpAddr::V6(v) => v.octets().to_vec(),
        };
        let ip: String = words
            .chunks(4)
            .map(|c| format!("{:08X}", u32::from_ne_bytes([c[0], c[1], c[2], c[3]])))
            .collect();
        format!("{ip}:{:04X}", a.port())
    }

    #[test]
    fn offline_is_not_applicable() {
        let t = MemoryTarget::new();
        let any = |n: &str| RequestEntity::new(n, Datatype::String, Operation::PatternMatch, ".*");
        for (probe, o) in [
            (
                &RoutingTableProbe as &dyn Probe,
                object("routingtable_object", vec![any("destination")]),
            ),
            (
                &InetListeningServersProbe,
                object(
                    "inetlisteningservers_object",
                    vec![any("protocol"), any("local_address"), any("local_port")],
                ),
            ),
            (
                &IfListenersProbe,
                object("iflisteners_object", vec![any("interface_name")]),
            ),
        ] {
            assert_eq!(
                probe.collect(&t, &o).flag,
                Flag::NotApplicable,
                "{}",
                o.kind
            );
        }
    }

    #[test]
    fn routes_by_family_with_flag_names() {
        let d = RequestEntity::new(
            "destination",
            Datatype::Ipv4Address,
            Operation::SubsetOf,
            "0.0.0.0/0",
        );
        let c = RoutingTableProbe.collect(&live(), &object("routingtable_object", vec![d]));
        assert_eq!(c.items.len(), 1, "only the IPv4 route");
        let flags: Vec<_> = c.items[0].values("flags").collect();
        assert_eq!(flags, ["UP", "GATEWAY"]);
        assert_eq!(c.items[0].value("gateway"), Some("192.0.2.1"));
    }

    #[test]
    fn sockets_and_owners() {
        let any = |n: &str| RequestEntity::new(n, Datatype::String, Operation::PatternMatch, ".*");
        let o = object(
            "inetlisteningservers_object",
            vec![any("protocol"), any("local_address"), any("local_port")],
        );
        let c = InetListeningServersProbe.collect(&live(), &o);
        assert_eq!(c.items.len(), 2);
        let first = &c.items[0];
        assert_eq!(first.value("local_full_address"), Some(":::47001"));
        assert_eq!(first.value("program_name"), Some("python3"));
        assert_eq!(first.value("pid"), Some("42"));
        assert_eq!(c.items[1].value("program_name"), None, "no visible owner");
        let o = object("iflisteners_object", vec![any("interface_name")]);
        let c = IfListenersProbe.collect(&live(), &o);
        assert_eq!(
            c.items.len(),
            1,
            "the socket on every interface is left out"
        );
        assert_eq!(c.items[0].value("protocol"), Some("ETH_P_ARP"));
        assert_eq!(c.items[0].value("hw_address"), Some("02:fc:00:00:00:01"));
    }
}
