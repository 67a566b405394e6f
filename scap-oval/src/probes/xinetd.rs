//! `unix:xinetd_object`: the services `xinetd` is configured with, from `/etc/xinetd.conf`,
//! the files it `include`s and the directories it `includedir`s, inside the target.
//!
//! As oscap 1.3.7 reads them live (checked with its probe on this repository's fixture,
//! `tests/fixtures/xinetd/make-expected.sh`):
//!
//! - one item per `service NAME { ... }` block, keyed by (protocol, service name): two blocks
//!   of one service for `tcp` and `udp` are two items;
//! - `protocol` is the block's, else `tcp` for a `stream` and `udp` for a `dgram` socket;
//! - `port` is the block's, else the service's port for that protocol in the target's
//!   `/etc/services`;
//! - `flags`, `only_from` and `no_access` give one entity per word; `server_args` is
//!   `server_arguments`; `wait` and `disable` (`yes`/`no`) are booleans, a block without
//!   `disable` is not disabled; entities the block does not set are left out;
//! - attributes of the `defaults` block are not carried into services.
//!
//! In `includedir` a file whose name contains a `.` or ends in `~` is skipped, as xinetd
//! skips it.
//!
//! Where we differ: oscap answers `not applicable` for every `xinetd_object` offline
//! (`OSCAP_PROBE_ROOT`), whatever the tree holds; we read the tree's configuration, as on the
//! live host. A target without `/etc/xinetd.conf` is `not applicable` (xinetd is not
//! installed), as oscap answers live.

use std::collections::HashMap;
use std::path::Path;

use scap_probe::{FileType, Target};

use super::{Collection, MAX_FILE_SIZE, ObjectRequest, Probe, flag_for};
use crate::items::{Item, ItemEntity};
use crate::types::{Datatype, Flag};

/// The xinetd probe.
pub struct XinetdProbe;

const CONF: &str = "/etc/xinetd.conf";

/// Most configuration files read for one object (`include` loops end here).
const MAX_FILES: usize = 1000;

/// One `service` block: its name and its attributes in order, `key` to values (`+=` adds).
#[derive(Debug, Default, Clone, PartialEq)]
struct Service {
    name: String,
    attributes: Vec<(String, String)>,
}

impl Service {
    fn get(&self, key: &str) -> Option<&str> {
        self.attributes
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// The services of one configuration file, and the files and directories it includes.
fn parse(text: &str) -> (Vec<Service>, Vec<String>, Vec<String>) {
    let mut services = Vec::new();
    let (mut includes, mut dirs) = (Vec::new(), Vec::new());
    // `Some` inside a block: the service, or `None` for `defaults` (read and dropped).
    let mut block: Option<Option<Service>> = None;
    let mut pending: Option<Option<Service>> = None;
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        if block.is_some() {
            if line == "}" {
                if let Some(Some(s)) = block.take() {
                    services.push(s);
                }
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            let key = key.trim().trim_end_matches(['+', '-']).trim();
            if let Some(Some(s)) = block.as_mut() {
                s.attributes.push((key.to_owned(), value.trim().to_owned()));
            }
            continue;
        }
        if line == "{" {
            block = pending.take();
            continue;
        }
        let mut words = line.split_whitespace();
        match (words.next(), words.next()) {
            (Some("service"), Some(name)) => {
                let s = Service {
                    name: name.to_owned(),
                    attributes: Vec::new(),
                };
                pending = Some(Some(s));
            }
            (Some("defaults"), None) => pending = Some(None),
            (Some("include"), Some(f)) => includes.push(f.to_owned()),
            (Some("includedir"), Some(d)) => dirs.push(d.to_owned()),
            _ => {}
        }
        // `service x {` on one line.
        if line.ends_with('{') && pending.is_some() {
            block = pending.take();
        }
    }
    (services, includes, dirs)
}

/// Every service of the configuration, or the collection to answer with.
fn services(target: &dyn Target) -> Result<Vec<Service>, Collection> {
    let read = |path: &str| -> Result<Option<String>, Collection> {
        match target.read(Path::new(path), MAX_FILE_SIZE) {
            Ok(b) => Ok(Some(String::from_utf8_lossy(&b).into_owned())),
            Err(e) => match flag_for(&e, Flag::NotCollected) {
                (Flag::DoesNotExist, _) => Ok(None),
                (flag, m) => Err(Collection {
                    flag,
                    items: Vec::new(),
                    messages: m.into_iter().collect(),
                }),
            },
        }
    };
    let Some(text) = read(CONF)? else {
        return Err(Collection::with_message(
            Flag::NotApplicable,
            format!("{CONF} does not exist: xinetd is not configured"),
        ));
    };
    let mut all = Vec::new();
    let mut queue = vec![(CONF.to_owned(), text)];
    let mut seen = 1usize;
    while let Some((_, text)) = queue.pop() {
        let (services, includes, dirs) = parse(&text);
        all.extend(services);
        let mut files = includes;
        for d in dirs {
            let mut entries = match target.read_dir(Path::new(&d)) {
                Ok(e) => e,
                Err(e) if e.is_absent() => continue,
                Err(e) => return Err(Collection::error(e.to_string())),
            };
            entries.sort_by(|a, b| a.name.cmp(&b.name));
            for e in entries {
                let Some(name) = e.name.to_str() else {
                    continue;
                };
                if name.contains('.') || name.ends_with('~') {
                    continue;
                }
                if matches!(e.file_type, FileType::Regular | FileType::Symlink) {
                    files.push(format!("{}/{name}", d.trim_end_matches('/')));
                }
            }
        }
        for f in files {
            seen += 1;
            if seen > MAX_FILES {
                return Err(Collection::error(format!(
                    "{CONF}: more than {MAX_FILES} files included"
                )));
            }
            if let Some(text) = read(&f)? {
                queue.push((f, text));
            }
        }
    }
    Ok(all)
}

/// `/etc/services` of the target: (name or alias, protocol) to port.
fn service_ports(target: &dyn Target) -> HashMap<(String, String), u16> {
    let mut ports = HashMap::new();
    let Ok(bytes) = target.read(Path::new("/etc/services"), MAX_FILE_SIZE) else {
        return ports;
    };
    for line in String::from_utf8_lossy(&bytes).lines() {
        let line = line.split('#').next().unwrap_or_default();
        let mut words = line.split_whitespace();
        let (Some(name), Some(port_proto)) = (words.next(), words.next()) else {
            continue;
        };
        let Some((port, proto)) = port_proto.split_once('/') else {
            continue;
        };
        let Ok(port) = port.parse::<u16>() else {
            continue;
        };
        for n in std::iter::once(name).chain(words) {
            ports
                .entry((n.to_owned(), proto.to_owned()))
                .or_insert(port);
        }
    }
    ports
}

fn item(s: &Service, ports: &HashMap<(String, String), u16>) -> Item {
    let protocol = match (s.get("protocol"), s.get("socket_type")) {
        (Some(p), _) => p.to_owned(),
        (None, Some("stream")) => "tcp".to_owned(),
        (None, Some("dgram")) => "udp".to_owned(),
        _ => String::new(),
    };
    let mut item = Item::new("unix", "xinetd_item");
    item.push(ItemEntity::string("protocol", protocol.clone()));
    item.push(ItemEntity::string("service_name", s.name.clone()));
    for (key, entity, datatype) in [
        ("flags", "flags", Datatype::String),
        ("no_access", "no_access", Datatype::String),
        ("only_from", "only_from", Datatype::String),
    ] {
        for word in s.get(key).unwrap_or_default().split_whitespace() {
            item.push(ItemEntity::typed(entity, datatype, word));
        }
    }
    let port = match s.get("port") {
        Some(p) => Some(p.to_owned()),
        None => ports
            .get(&(s.name.clone(), protocol))
            .map(|p| p.to_string()),
    };
    if let Some(p) = port {
        item.push(ItemEntity::typed("port", Datatype::Int, p));
    }
    for (key, entity) in [
        ("server", "server"),
        ("server_args", "server_arguments"),
        ("socket_type", "socket_type"),
        ("type", "type"),
        ("user", "user"),
    ] {
        if let Some(v) = s.get(key) {
            item.push(ItemEntity::string(entity, v));
        }
    }
    if let Some(w) = s.get("wait") {
        item.push(ItemEntity::boolean("wait", w.eq_ignore_ascii_case("yes")));
    }
    let disabled = s
        .get("disable")
        .is_some_and(|d| d.eq_ignore_ascii_case("yes"));
    item.push(ItemEntity::boolean("disabled", disabled));
    item
}

impl Probe for XinetdProbe {
    fn collect(&self, target: &dyn Target, object: &ObjectRequest) -> Collection {
        let (Some(protocol), Some(name)) =
            (object.entity("protocol"), object.entity("service_name"))
        else {
            return Collection::error(format!(
                "{}: an xinetd_object needs protocol and service_name",
                object.id
            ));
        };
        let all = match services(target) {
            Ok(s) => s,
            Err(c) => return c,
        };
        let ports = service_ports(target);
        let mut items = Vec::new();
        for s in &all {
            let item = item(s, &ports);
            let p = item.value("protocol").unwrap_or_default();
            match (protocol.matches(p), name.matches(&s.name)) {
                (Ok(true), Ok(true)) => items.push(item),
                (Err(e), _) | (_, Err(e)) => return Collection::error(e.to_string()),
                _ => {}
            }
        }
        Collection::from_items(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_includes_and_comments() {
        let (s, inc, dirs) = parse(
            "defaults\n{\n only_from = 10.0.0.0/8\n}\n# c\nincludedir /etc/xinetd.d\n\
             include /etc/x\nservice a {\n\tport = 1 # one\n\tflags += IPv4\n}\n",
        );
        assert_eq!(inc, ["/etc/x"]);
        assert_eq!(dirs, ["/etc/xinetd.d"]);
        assert_eq!(s.len(), 1, "defaults is not a service");
        assert_eq!(s[0].name, "a");
        assert_eq!(s[0].get("port"), Some("1"));
        assert_eq!(s[0].get("flags"), Some("IPv4"));
        assert_eq!(s[0].get("only_from"), None);
    }
}
