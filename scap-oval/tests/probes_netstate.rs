//! `tests/fixtures/netstate/net.xml` (routingtable, inetlisteningservers, iflisteners) on a
//! snapshot of a live host's `/proc/net` (`tests/fixtures/netstate/proc-net/`, made by
//! `capture.sh` while `hold-sockets.py` held known sockets open), against oscap 1.3.7's results
//! and items at the same moment (`expected.txt`, `expected-items.txt`). The snapshot is parsed
//! by the same parsers `LiveHost` uses and given to a `MemoryTarget` as facts.
//! `scripts/diff-net-probes.sh` does the same against the running host.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use scap_oval::Definitions;
use scap_oval::eval::{Evaluator, Results, Variables};
use scap_oval::items::EntityValue;
use scap_oval::probes::Registry;
use scap_oval::types::ResultValue;
use scap_probe::net::{parse_inet_sockets, parse_packet_sockets, parse_route_v4, parse_route_v6};
use scap_probe::{Interface, MemoryTarget, SocketOwner};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/netstate")
}

fn read(name: &str) -> Res<String> {
    Ok(std::fs::read_to_string(dir().join(name))?)
}

/// The snapshot as the facts of a target.
fn snapshot() -> Res<MemoryTarget> {
    let mut owners: HashMap<u64, SocketOwner> = HashMap::new();
    for line in read("proc-net/owners")?.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        let mut o = SocketOwner::default();
        o.pid = f[1].parse()?;
        o.program = f[2].to_owned();
        o.uid = f[3].parse()?;
        owners.insert(f[0].parse()?, o);
    }
    let mut t = MemoryTarget::new();
    let mut routes = parse_route_v4(&read("proc-net/route")?);
    routes.extend(parse_route_v6(&read("proc-net/ipv6_route")?));
    t.facts.routes = Some(routes);
    let mut sockets = Vec::new();
    for (file, protocol, v6) in [
        ("tcp", "tcp", false),
        ("udp", "udp", false),
        ("tcp6", "tcp", true),
        ("udp6", "udp", true),
    ] {
        sockets.extend(parse_inet_sockets(
            &read(&format!("proc-net/{file}"))?,
            protocol,
            v6,
        ));
    }
    for s in &mut sockets {
        s.owner = owners.get(&s.inode).cloned();
    }
    t.facts.inet_sockets = Some(sockets);
    let mut packets = parse_packet_sockets(&read("proc-net/packet")?);
    for s in &mut packets {
        s.owner = owners.get(&s.inode).cloned();
    }
    t.facts.packet_sockets = Some(packets);
    let mut interfaces = Vec::new();
    for line in read("proc-net/interfaces")?.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        let mut i = Interface::default();
        i.index = Some(f[0].parse()?);
        i.name = f[1].to_owned();
        i.hardware_addr = f[2].to_owned();
        interfaces.push(i);
    }
    t.facts.interfaces = Some(interfaces);
    Ok(t)
}

/// Our items in the form of `expected-items.txt`.
fn item_lines(r: &Results) -> Vec<String> {
    let by_id: HashMap<u64, &scap_oval::items::Item> =
        r.items.iter().map(|(i, it)| (*i, it)).collect();
    let mut lines = Vec::new();
    for (id, o) in &r.objects {
        for i in &o.items {
            let item = by_id[i];
            let text: Vec<String> = item
                .entities
                .iter()
                .map(|e| match &e.value {
                    EntityValue::Scalar(v) => format!("{}={v}", e.name),
                    _ => format!("{}=", e.name),
                })
                .collect();
            lines.push(format!("{id} {}", text.join(";")));
        }
    }
    lines.sort();
    lines
}

#[test]
fn snapshot_matches_oscap() -> Res<()> {
    let defs: Definitions = read("net.xml")?.parse()?;
    let r = Evaluator::new(
        &defs,
        &snapshot()?,
        &Registry::builtin(),
        Variables::default(),
    )
    .evaluate_all();
    let got: BTreeMap<String, String> = r
        .definitions
        .iter()
        .map(|(id, v)| (id.clone(), v.to_string()))
        .collect();
    let expected: BTreeMap<String, String> = read("expected.txt")?
        .lines()
        .filter_map(|l| {
            let rest = l.strip_prefix("Definition ")?;
            let (id, result) = rest.rsplit_once(": ")?;
            Some((id.to_owned(), result.to_owned()))
        })
        .collect();
    assert_eq!(got, expected);
    let expected_items: Vec<String> = read("expected-items.txt")?
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(item_lines(&r), expected_items);
    assert!(r.definition("oval:x:def:3") == Some(ResultValue::True));
    Ok(())
}
