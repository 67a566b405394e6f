//! Network state of a running system: routes, internet sockets and packet sockets, as Linux
//! shows them in `/proc/net` (the facts behind OVAL `routingtable`, `inetlisteningservers`
//! and `iflisteners`), and the parsers of those files.
//!
//! The parsers take the text of one file and skip any line they cannot read (a kernel that adds
//! a column still parses). Addresses in `/proc/net` are the kernel's network-order bytes printed
//! as native-endian hexadecimal words.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// One route of the kernel's routing tables (`/proc/net/route`, `/proc/net/ipv6_route`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RouteEntry {
    /// Destination network.
    pub destination: IpAddr,
    /// Its prefix length.
    pub prefix_len: u8,
    /// The gateway (the unspecified address for a directly connected network).
    pub gateway: IpAddr,
    /// The `RTF_*` flags.
    pub flags: u32,
    /// The interface name.
    pub interface: String,
}

impl Default for RouteEntry {
    fn default() -> Self {
        RouteEntry {
            destination: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            prefix_len: 0,
            gateway: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            flags: 0,
            interface: String::new(),
        }
    }
}

/// The `RTF_*` route flags OVAL names (`EntityItemRoutingTableFlagsType`), with their Linux
/// bits, in bit order.
pub const ROUTE_FLAGS: [(u32, &str); 9] = [
    (0x1, "UP"),
    (0x2, "GATEWAY"),
    (0x4, "HOST"),
    (0x8, "REINSTATE"),
    (0x10, "DYNAMIC"),
    (0x20, "MODIFIED"),
    (0x200, "REJECT"),
    (0x4_0000, "ADDRCONF"),
    (0x100_0000, "CACHE"),
];

impl RouteEntry {
    /// The names of the flags set, in bit order (`["UP", "GATEWAY"]`).
    ///
    /// ```
    /// let mut r = scap_probe::RouteEntry::default();
    /// r.flags = 0x8020_0003; // UP | GATEWAY, and two bits OVAL does not name
    /// assert_eq!(r.flag_names(), ["UP", "GATEWAY"]);
    /// ```
    pub fn flag_names(&self) -> Vec<&'static str> {
        ROUTE_FLAGS
            .iter()
            .filter(|(bit, _)| self.flags & bit != 0)
            .map(|(_, n)| *n)
            .collect()
    }
}

/// Which owner a socket has, when the process holding it can be seen.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct SocketOwner {
    /// Process id.
    pub pid: u32,
    /// Its name (`comm`).
    pub program: String,
    /// Its real user id.
    pub uid: u32,
}

/// One internet socket (`/proc/net/{tcp,udp}{,6}`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InetSocket {
    /// `"tcp"` or `"udp"` (for IPv4 and IPv6 alike).
    pub protocol: &'static str,
    /// Local address and port.
    pub local: SocketAddr,
    /// Remote address and port (unspecified for a listening socket).
    pub remote: SocketAddr,
    /// The kernel's state number (`0x0A` is a listening TCP socket).
    pub state: u8,
    /// The socket's inode, which links it to the processes holding it.
    pub inode: u64,
    /// The process holding it, if one can be seen (`None` for a socket of another PID
    /// namespace, or one a scanner without privileges cannot attribute).
    pub owner: Option<SocketOwner>,
}

/// One packet socket (`/proc/net/packet`): a program listening on an interface at the link
/// layer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct PacketSocket {
    /// The interface index it is bound to (0: every interface).
    pub interface_index: u32,
    /// The link-layer protocol (`ETH_P_*`, host order).
    pub protocol: u16,
    /// The socket's inode.
    pub inode: u64,
    /// The process holding it, if one can be seen.
    pub owner: Option<SocketOwner>,
}

/// The `ETH_P_*` names OVAL gives link-layer protocols (`EntityItemProtocolType`), with their
/// values from Linux's `if_ether.h`.
pub const ETHERNET_PROTOCOLS: [(u16, &str); 50] = [
    (0x0060, "ETH_P_LOOP"),
    (0x0200, "ETH_P_PUP"),
    (0x0201, "ETH_P_PUPAT"),
    (0x0800, "ETH_P_IP"),
    (0x0805, "ETH_P_X25"),
    (0x0806, "ETH_P_ARP"),
    (0x08FF, "ETH_P_BPQ"),
    (0x0a00, "ETH_P_IEEEPUP"),
    (0x0a01, "ETH_P_IEEEPUPAT"),
    (0x6000, "ETH_P_DEC"),
    (0x6001, "ETH_P_DNA_DL"),
    (0x6002, "ETH_P_DNA_RC"),
    (0x6003, "ETH_P_DNA_RT"),
    (0x6004, "ETH_P_LAT"),
    (0x6005, "ETH_P_DIAG"),
    (0x6006, "ETH_P_CUST"),
    (0x6007, "ETH_P_SCA"),
    (0x8035, "ETH_P_RARP"),
    (0x809B, "ETH_P_ATALK"),
    (0x80F3, "ETH_P_AARP"),
    (0x8100, "ETH_P_8021Q"),
    (0x8137, "ETH_P_IPX"),
    (0x86DD, "ETH_P_IPV6"),
    (0x8809, "ETH_P_SLOW"),
    (0x883E, "ETH_P_WCCP"),
    (0x8863, "ETH_P_PPP_DISC"),
    (0x8864, "ETH_P_PPP_SES"),
    (0x8847, "ETH_P_MPLS_UC"),
    (0x8848, "ETH_P_MPLS_MC"),
    (0x884c, "ETH_P_ATMMPOA"),
    (0x8884, "ETH_P_ATMFATE"),
    (0x88A2, "ETH_P_AOE"),
    (0x88CA, "ETH_P_TIPC"),
    (0x0001, "ETH_P_802_3"),
    (0x0002, "ETH_P_AX25"),
    (0x0003, "ETH_P_ALL"),
    (0x0004, "ETH_P_802_2"),
    (0x0005, "ETH_P_SNAP"),
    (0x0006, "ETH_P_DDCMP"),
    (0x0007, "ETH_P_WAN_PPP"),
    (0x0008, "ETH_P_PPP_MP"),
    (0x0009, "ETH_P_LOCALTALK"),
    (0x0010, "ETH_P_PPPTALK"),
    (0x0011, "ETH_P_TR_802_2"),
    (0x0015, "ETH_P_MOBITEX"),
    (0x0016, "ETH_P_CONTROL"),
    (0x0017, "ETH_P_IRDA"),
    (0x0018, "ETH_P_ECONET"),
    (0x0019, "ETH_P_HDLC"),
    (0x001A, "ETH_P_ARCNET"),
];

impl PacketSocket {
    /// The `ETH_P_*` name of the protocol, if OVAL names it.
    ///
    /// ```
    /// let mut s = scap_probe::PacketSocket::default();
    /// s.protocol = 0x0806;
    /// assert_eq!(s.protocol_name(), Some("ETH_P_ARP"));
    /// ```
    pub fn protocol_name(&self) -> Option<&'static str> {
        ETHERNET_PROTOCOLS
            .iter()
            .find(|(v, _)| *v == self.protocol)
            .map(|(_, n)| *n)
    }
}

/// A 32-bit word of `/proc/net`: network-order bytes printed as a native-endian number.
fn word(hex: &str) -> Option<[u8; 4]> {
    u32::from_str_radix(hex, 16).ok().map(u32::to_ne_bytes)
}

fn ipv4(hex: &str) -> Option<Ipv4Addr> {
    word(hex).map(Ipv4Addr::from)
}

/// An IPv6 address of `/proc/net/ipv6_route` (32 hex digits, plain network order).
fn ipv6_plain(hex: &str) -> Option<Ipv6Addr> {
    u128::from_str_radix(hex, 16).ok().map(Ipv6Addr::from)
}

/// An IPv6 address of `/proc/net/tcp6` (four native-endian words).
fn ipv6_words(hex: &str) -> Option<Ipv6Addr> {
    let mut bytes = [0u8; 16];
    for (i, chunk) in bytes.chunks_mut(4).enumerate() {
        let w = word(hex.get(i * 8..i * 8 + 8)?)?;
        chunk.copy_from_slice(&w);
    }
    (hex.len() == 32).then_some(Ipv6Addr::from(bytes))
}

/// Parse `/proc/net/route` (IPv4).
///
/// ```
/// let text = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n\
///             eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n";
/// let r = scap_probe::net::parse_route_v4(text);
/// # #[cfg(target_endian = "little")]
/// assert_eq!(r[0].gateway.to_string(), "192.0.2.1");
/// assert_eq!(r[0].flag_names(), ["UP", "GATEWAY"]);
/// ```
pub fn parse_route_v4(text: &str) -> Vec<RouteEntry> {
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let mask = ipv4(f.get(7)?)?;
            Some(RouteEntry {
                interface: (*f.first()?).to_owned(),
                destination: IpAddr::V4(ipv4(f.get(1)?)?),
                gateway: IpAddr::V4(ipv4(f.get(2)?)?),
                flags: u32::from_str_radix(f.get(3)?, 16).ok()?,
                prefix_len: u8::try_from(u32::from(mask).count_ones()).unwrap_or(32),
            })
        })
        .collect()
}

/// Parse `/proc/net/ipv6_route`: destination, its prefix, source, its prefix, next hop,
/// metric, reference count, use count, flags, interface.
pub fn parse_route_v6(text: &str) -> Vec<RouteEntry> {
    text.lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            Some(RouteEntry {
                destination: IpAddr::V6(ipv6_plain(f.first()?)?),
                prefix_len: u8::from_str_radix(f.get(1)?, 16).ok()?,
                gateway: IpAddr::V6(ipv6_plain(f.get(4)?)?),
                flags: u32::from_str_radix(f.get(8)?, 16).ok()?,
                interface: (*f.get(9)?).to_owned(),
            })
        })
        .collect()
}

/// Parse `/proc/net/tcp`, `udp` (`v6: false`) or `tcp6`, `udp6` (`v6: true`); `protocol` is
/// `"tcp"` or `"udp"`. Owners are left `None` (see [`InetSocket::owner`]).
pub fn parse_inet_sockets(text: &str, protocol: &'static str, v6: bool) -> Vec<InetSocket> {
    let addr = |s: &str| -> Option<SocketAddr> {
        let (a, p) = s.split_once(':')?;
        let port = u16::from_str_radix(p, 16).ok()?;
        let ip = if v6 {
            IpAddr::V6(ipv6_words(a)?)
        } else {
            IpAddr::V4(ipv4(a)?)
        };
        Some(SocketAddr::new(ip, port))
    };
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            Some(InetSocket {
                protocol,
                local: addr(f.get(1)?)?,
                remote: addr(f.get(2)?)?,
                state: u8::from_str_radix(f.get(3)?, 16).ok()?,
                inode: f.get(9)?.parse().ok()?,
                owner: None,
            })
        })
        .collect()
}

/// Parse `/proc/net/packet` (`sk RefCnt Type Proto Iface R Rmem User Inode`). Owners are left
/// `None`.
pub fn parse_packet_sockets(text: &str) -> Vec<PacketSocket> {
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            Some(PacketSocket {
                protocol: u16::from_str_radix(f.get(3)?, 16).ok()?,
                interface_index: f.get(4)?.parse().ok()?,
                inode: f.get(8)?.parse().ok()?,
                owner: None,
            })
        })
        .collect()
}

/// The socket inode a `/proc/PID/fd/N` link names (`socket:[12345]`).
pub fn socket_inode(link: &str) -> Option<u64> {
    link.strip_prefix("socket:[")?
        .strip_suffix(']')?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_routes_and_sockets() {
        let r = parse_route_v6(
            "fd000000000000000000000000000001 80 00000000000000000000000000000000 00 \
             00000000000000000000000000000000 00000100 00000001 00000000 80200001 lo\n\
             garbage\n",
        );
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].destination.to_string(), "fd00::1");
        assert_eq!((r[0].prefix_len, r[0].interface.as_str()), (128, "lo"));
        assert_eq!(r[0].flag_names(), ["UP"]);
        let s = parse_inet_sockets(
            "  sl  local_address remote_address st tx rx tr tm retr uid timeout inode\n \
             0: 00000000000000000000000001000000:B79B 00000000000000000000000000000000:0000 07 \
             00000000:00000000 00:00000000 00000000     0        0 619225 2 0 0\n",
            "udp",
            true,
        );
        #[cfg(target_endian = "little")]
        assert_eq!(s[0].local.to_string(), "[::1]:47003");
        assert_eq!((s[0].state, s[0].inode), (7, 619_225));
        let p = parse_packet_sockets(
            "sk RefCnt Type Proto Iface R Rmem User Inode\n\
             00000000c7fb6150 3 3 0806 4 1 0 0 619226\n",
        );
        assert_eq!(p[0].interface_index, 4);
        assert_eq!(p[0].protocol_name(), Some("ETH_P_ARP"));
        assert_eq!(socket_inode("socket:[619226]"), Some(619_226));
        assert_eq!(socket_inode("pipe:[1]"), None);
    }
}
