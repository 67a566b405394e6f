//! `linux:systemdunitproperty_object` and `linux:systemdunitdependency_object`, answered from
//! the unit files inside the target.
//!
//! oscap asks a running systemd over D-Bus, so on an offline tree or image it answers "not
//! collected". We read the unit files instead, the way `systemctl` does when systemd is not
//! running:
//!
//! - **Search path**, first wins: `/etc/systemd/system`, `/run/systemd/system`,
//!   `/lib/systemd/system`, `/usr/lib/systemd/system`. A unit file that is a symbolic link to
//!   `/dev/null` (or empty) is *masked*; a link to another unit file is an *alias* (both names
//!   are the same unit). An instance `foo@bar.service` without its own file loads the template
//!   `foo@.service`. Drop-ins `NAME.d/*.conf` (and the template's) are applied in file-name
//!   order, the first directory in the search path winning for each file name.
//! - **Units** a `pattern match` on `unit` can see are the unit files found in the search path
//!   (templates `foo@.service` are not units). A name that is in no directory of the search path
//!   gives no item.
//! - **Properties** derivable from files: `Id`, `Names`, `LoadState` (`loaded`, `masked`),
//!   `UnitFileState` (`enabled`, `enabled-runtime`, `masked`, `static`, `indirect`,
//!   `disabled`), `FragmentPath`, `DropInPaths`, `Description` and `Documentation`. Every other
//!   property is runtime state (`ActiveState`, `SubState`, `MainPID`...) or a value systemd
//!   computes with defaults and implicit dependencies we do not reproduce (`After`, `Type`...):
//!   an object that asks for one, or whose `property` is not an `equals` list of derivable
//!   names, is **not collected** with a message saying which property, never "does not exist".
//!   This is the same on a live host: we do not talk D-Bus.
//! - **Dependencies**: the transitive closure over `Requires=`, `Requisite=`, `Wants=` and
//!   `BindsTo=` (after drop-ins) and the entries of the `NAME.wants/` and `NAME.requires/`
//!   directories (also the template's and each alias's), as `systemctl list-dependencies`
//!   walks them. The unit itself is not listed; a cycle ends where a unit repeats; the walk
//!   stops at [`MAX_UNITS`] units. Implicit default dependencies (`sysinit.target` for
//!   services...) are not added: they come from systemd's built-in rules, not from files.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;

use scap_probe::{FileType, Target};

use super::{Collection, ObjectRequest, Probe, RequestEntity};
use crate::items::{Item, ItemEntity};
use crate::types::Flag;

/// The systemd unit probes (property and dependency), reading unit files.
pub struct SystemdProbe;

/// The unit search path, highest priority first.
pub const UNIT_PATH: [&str; 4] = [
    "/etc/systemd/system",
    "/run/systemd/system",
    "/lib/systemd/system",
    "/usr/lib/systemd/system",
];

/// Most units a dependency walk visits (a bound on malformed or hostile trees).
pub const MAX_UNITS: usize = 20_000;

/// Largest unit file or drop-in read.
const MAX_UNIT_FILE: u64 = 1 << 20;

/// Most alias links followed from one name.
const MAX_ALIAS_DEPTH: usize = 16;

/// Properties a unit file gives without a running systemd.
pub const DERIVABLE_PROPERTIES: [&str; 8] = [
    "Id",
    "Names",
    "LoadState",
    "UnitFileState",
    "FragmentPath",
    "DropInPaths",
    "Description",
    "Documentation",
];

const UNIT_SUFFIXES: [&str; 11] = [
    ".service",
    ".socket",
    ".target",
    ".timer",
    ".path",
    ".mount",
    ".automount",
    ".swap",
    ".slice",
    ".scope",
    ".device",
];

const DEPENDENCY_KEYS: [&str; 4] = ["Requires", "Requisite", "Wants", "BindsTo"];

fn is_unit_name(name: &str) -> bool {
    UNIT_SUFFIXES
        .iter()
        .any(|s| name.len() > s.len() && name.ends_with(s))
}

/// `foo@.service` for `foo@bar.service`; `None` for a unit that is not an instance.
fn template_of(name: &str) -> Option<String> {
    let at = name.find('@')?;
    let dot = name.rfind('.')?;
    if dot <= at + 1 {
        return None;
    }
    Some(format!("{}{}", name.get(..=at)?, name.get(dot..)?))
}

fn is_template(name: &str) -> bool {
    name.find('@')
        .zip(name.rfind('.'))
        .is_some_and(|(at, dot)| dot == at + 1)
}

/// One unit as the files describe it.
#[derive(Debug, Default)]
struct Unit {
    /// The name asked for.
    name: String,
    /// The primary name (of the file an alias chain ends at).
    id: String,
    /// Every name the unit is known by, `id` first.
    names: Vec<String>,
    masked: bool,
    /// The unit file read (or the mask).
    fragment: Option<String>,
    drop_ins: Vec<String>,
    /// Keys of every section after drop-ins, `Section.Key` to values in order.
    keys: BTreeMap<String, Vec<String>>,
}

impl Unit {
    fn values(&self, section: &str, key: &str) -> &[String] {
        self.keys
            .get(&format!("{section}.{key}"))
            .map_or(&[][..], |v| &v[..])
    }
}

/// Reads units from a target, remembering what it has read.
struct Units<'a> {
    target: &'a dyn Target,
    cache: BTreeMap<String, Option<std::rc::Rc<Unit>>>,
}

/// Where a name's file was found.
enum Found {
    Masked(String),
    File {
        path: String,
        id: String,
        aliases: Vec<String>,
    },
}

impl<'a> Units<'a> {
    fn new(target: &'a dyn Target) -> Units<'a> {
        Units {
            target,
            cache: BTreeMap::new(),
        }
    }

    /// The first entry called `name` in the search path, following alias links.
    fn find(&self, name: &str) -> Option<Found> {
        let mut current = name.to_owned();
        let mut aliases = Vec::new();
        for _ in 0..MAX_ALIAS_DEPTH {
            let mut next = None;
            let mut found = None;
            for dir in UNIT_PATH {
                let path = format!("{dir}/{current}");
                let Ok(meta) = self.target.metadata(Path::new(&path)) else {
                    continue;
                };
                if meta.file_type == FileType::Symlink {
                    let Ok(dest) = self.target.read_link(Path::new(&path)) else {
                        continue;
                    };
                    if dest == Path::new("/dev/null") {
                        return Some(Found::Masked(path));
                    }
                    let base = dest
                        .file_name()
                        .and_then(|b| b.to_str())
                        .unwrap_or_default()
                        .to_owned();
                    if !base.is_empty() && base != current && is_unit_name(&base) {
                        // An alias: the unit is whatever the link's file name names.
                        next = Some(base);
                        break;
                    }
                    // A link to a file of the same name (`systemctl link`): read through it.
                    match self.target.stat(Path::new(&path)) {
                        Ok(m) if m.file_type == FileType::Regular => {
                            found = Some((path, m.size));
                            break;
                        }
                        _ => continue,
                    }
                }
                if meta.file_type == FileType::Regular {
                    found = Some((path, meta.size));
                    break;
                }
            }
            if let Some((path, size)) = found {
                if size == 0 {
                    return Some(Found::Masked(path));
                }
                return Some(Found::File {
                    path,
                    id: current,
                    aliases,
                });
            }
            match next {
                Some(n) => {
                    aliases.push(std::mem::replace(&mut current, n));
                    if aliases.contains(&current) {
                        return None;
                    }
                }
                None => return None,
            }
        }
        None
    }

    /// Load a unit by name: its file (or the template's), drop-ins, aliases.
    fn load(&mut self, name: &str) -> Option<std::rc::Rc<Unit>> {
        if let Some(u) = self.cache.get(name) {
            return u.clone();
        }
        let unit = self.load_uncached(name).map(std::rc::Rc::new);
        self.cache.insert(name.to_owned(), unit.clone());
        unit
    }

    fn load_uncached(&self, name: &str) -> Option<Unit> {
        let template = template_of(name);
        let found = match self.find(name) {
            Some(f) => f,
            None => match template.as_deref().and_then(|t| self.find(t)) {
                // An instance without its own file: the template's, under the instance name.
                Some(Found::File { path, .. }) => Found::File {
                    path,
                    id: name.to_owned(),
                    aliases: Vec::new(),
                },
                Some(m @ Found::Masked(_)) => m,
                None => return None,
            },
        };
        let mut unit = Unit {
            name: name.to_owned(),
            ..Unit::default()
        };
        match found {
            Found::Masked(path) => {
                unit.masked = true;
                unit.id = name.to_owned();
                unit.names = vec![name.to_owned()];
                unit.fragment = Some(path);
                return Some(unit);
            }
            Found::File { path, id, aliases } => {
                unit.id = id.clone();
                unit.names.push(id);
                for a in aliases {
                    if !unit.names.contains(&a) {
                        unit.names.push(a);
                    }
                }
                if let Some(text) = self.read_text(&path) {
                    parse_into(&text, &mut unit.keys, name);
                }
                unit.fragment = Some(path);
            }
        }
        // Drop-ins of every name and of the template, first directory wins per file name.
        let mut conf: BTreeMap<String, String> = BTreeMap::new();
        let mut dirs_of: Vec<String> = unit.names.clone();
        if let Some(t) = &template {
            dirs_of.push(t.clone());
        }
        for n in &dirs_of {
            for dir in UNIT_PATH {
                let d = format!("{dir}/{n}.d");
                let Ok(entries) = self.target.read_dir(Path::new(&d)) else {
                    continue;
                };
                for e in entries {
                    let Some(f) = e.name.to_str() else { continue };
                    if f.ends_with(".conf") && !conf.contains_key(f) {
                        conf.insert(f.to_owned(), format!("{d}/{f}"));
                    }
                }
            }
        }
        for path in conf.into_values() {
            if let Some(text) = self.read_text(&path) {
                parse_into(&text, &mut unit.keys, name);
                unit.drop_ins.push(path);
            }
        }
        Some(unit)
    }

    fn read_text(&self, path: &str) -> Option<String> {
        self.target
            .read(Path::new(path), MAX_UNIT_FILE)
            .ok()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
    }

    /// Entries of `NAME.wants/` and `NAME.requires/` of each name in `names`, in every
    /// directory of the search path.
    fn dir_dependencies(&self, names: &[String], out: &mut BTreeSet<String>) {
        for n in names {
            for dir in UNIT_PATH {
                for kind in ["wants", "requires"] {
                    let d = format!("{dir}/{n}.{kind}");
                    if let Ok(entries) = self.target.read_dir(Path::new(&d)) {
                        for e in entries {
                            if let Some(f) = e.name.to_str().filter(|f| is_unit_name(f)) {
                                out.insert(f.to_owned());
                            }
                        }
                    }
                }
            }
        }
    }

    /// The direct dependencies of a unit.
    fn direct_dependencies(&mut self, name: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let Some(unit) = self.load(name) else {
            return out;
        };
        if unit.masked {
            return out;
        }
        for key in DEPENDENCY_KEYS {
            for v in unit.values("Unit", key) {
                out.extend(v.split_whitespace().map(str::to_owned));
            }
        }
        let mut names = unit.names.clone();
        if !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
        if let Some(t) = template_of(name) {
            names.push(t);
        }
        self.dir_dependencies(&names, &mut out);
        out.remove(name);
        out
    }

    /// The transitive dependencies of `name` (without `name` itself).
    fn closure(&mut self, name: &str) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut queue = VecDeque::from([name.to_owned()]);
        let mut visited = BTreeSet::from([name.to_owned()]);
        while let Some(u) = queue.pop_front() {
            if visited.len() > MAX_UNITS {
                break;
            }
            for d in self.direct_dependencies(&u) {
                if visited.insert(d.clone()) {
                    queue.push_back(d.clone());
                }
                seen.insert(d);
            }
        }
        seen.remove(name);
        seen
    }

    /// Every unit name with a file (or mask) in the search path, templates left out.
    fn all_names(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for dir in UNIT_PATH {
            let Ok(entries) = self.target.read_dir(Path::new(dir)) else {
                continue;
            };
            for e in entries {
                let Some(f) = e.name.to_str() else { continue };
                if is_unit_name(f)
                    && !is_template(f)
                    && matches!(e.file_type, FileType::Regular | FileType::Symlink)
                {
                    out.insert(f.to_owned());
                }
            }
        }
        out
    }

    /// Whether a link to one of `names` sits in a `.wants/`/`.requires/` directory of `dir`,
    /// or an alias link named differently points at it.
    fn linked_in(&self, dir: &str, unit: &Unit) -> bool {
        let Ok(entries) = self.target.read_dir(Path::new(dir)) else {
            return false;
        };
        for e in entries {
            let Some(f) = e.name.to_str() else { continue };
            if e.file_type == FileType::Directory
                && (f.ends_with(".wants") || f.ends_with(".requires"))
            {
                let sub = format!("{dir}/{f}");
                if let Ok(links) = self.target.read_dir(Path::new(&sub)) {
                    if links.iter().any(|l| {
                        l.name
                            .to_str()
                            .is_some_and(|n| n == unit.name || unit.names.iter().any(|m| m == n))
                    }) {
                        return true;
                    }
                }
            }
        }
        false
    }

    /// `systemctl is-enabled`, from the files.
    fn unit_file_state(&self, unit: &Unit) -> &'static str {
        if unit.masked {
            return "masked";
        }
        if self.linked_in("/etc/systemd/system", unit) {
            return "enabled";
        }
        if self.linked_in("/run/systemd/system", unit) {
            return "enabled-runtime";
        }
        let install = |k: &str| !unit.values("Install", k).is_empty();
        if ["WantedBy", "RequiredBy", "Alias"]
            .iter()
            .any(|k| install(k))
        {
            "disabled"
        } else if install("Also") {
            "indirect"
        } else {
            "static"
        }
    }

    fn property(&self, unit: &Unit, property: &str) -> Vec<String> {
        match property {
            "Id" => vec![unit.id.clone()],
            "Names" => vec![unit.names.join(" ")],
            "LoadState" => vec![if unit.masked { "masked" } else { "loaded" }.to_owned()],
            "UnitFileState" => vec![self.unit_file_state(unit).to_owned()],
            "FragmentPath" => vec![if unit.masked {
                String::new()
            } else {
                unit.fragment.clone().unwrap_or_default()
            }],
            "DropInPaths" => vec![unit.drop_ins.join(" ")],
            "Description" => vec![
                unit.values("Unit", "Description")
                    .last()
                    .cloned()
                    .unwrap_or_else(|| unit.id.clone()),
            ],
            "Documentation" => vec![
                unit.values("Unit", "Documentation")
                    .iter()
                    .flat_map(|v| v.split_whitespace())
                    .collect::<Vec<_>>()
                    .join(" "),
            ],
            _ => Vec::new(),
        }
    }
}

/// Parse INI-style unit text into `Section.Key` lists: `#`/`;` comments, trailing `\`
/// continuations, an empty assignment resetting the list, `%n %N %p %i %I` specifiers.
fn parse_into(text: &str, keys: &mut BTreeMap<String, Vec<String>>, name: &str) {
    let mut section = String::new();
    let mut logical = String::new();
    for raw in text.lines() {
        let line = raw.trim();
        if logical.is_empty() && (line.starts_with('#') || line.starts_with(';')) {
            continue;
        }
        if let Some(head) = line.strip_suffix('\\') {
            logical.push_str(head);
            logical.push(' ');
            continue;
        }
        logical.push_str(line);
        let l = std::mem::take(&mut logical);
        let l = l.trim();
        if let Some(s) = l.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            s.clone_into(&mut section);
            continue;
        }
        let Some((k, v)) = l.split_once('=') else {
            continue;
        };
        let entry = keys.entry(format!("{section}.{}", k.trim())).or_default();
        let v = v.trim();
        if v.is_empty() {
            entry.clear();
        } else {
            entry.push(specifiers(v, name));
        }
    }
}

fn specifiers(v: &str, name: &str) -> String {
    if !v.contains('%') {
        return v.to_owned();
    }
    let stem = name.rfind('.').and_then(|d| name.get(..d)).unwrap_or(name);
    let (prefix, instance) = match stem.split_once('@') {
        Some((p, i)) => (p, i),
        None => (stem, ""),
    };
    let mut out = String::with_capacity(v.len());
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push_str(name),
            Some('N') => out.push_str(stem),
            Some('p') => out.push_str(prefix),
            Some('i' | 'I') => out.push_str(instance),
            Some('%') => out.push('%'),
            Some(other) => {
                out.push('%');
                out.push(other);
            }
            None => out.push('%'),
        }
    }
    out
}

/// The unit names the `unit` entity selects.
fn select_units(units: &Units<'_>, entity: &RequestEntity) -> Result<Vec<String>, String> {
    let candidates: Vec<String> = match entity.exact_values() {
        Some(v) => v.to_vec(),
        None => units.all_names().into_iter().collect(),
    };
    let mut out = Vec::new();
    for c in candidates {
        match entity.matches(&c) {
            Ok(true) => out.push(c),
            Ok(false) => {}
            Err(e) => return Err(e.to_string()),
        }
    }
    Ok(out)
}

impl Probe for SystemdProbe {
    fn collect(&self, target: &dyn Target, object: &ObjectRequest) -> Collection {
        if object.kind == "systemdunitdependency_object" {
            dependency(target, object)
        } else {
            property(target, object)
        }
    }
}

fn property(target: &dyn Target, object: &ObjectRequest) -> Collection {
    let (Some(unit_e), Some(prop_e)) = (object.entity("unit"), object.entity("property")) else {
        return Collection::error(format!("{}: needs unit and property entities", object.id));
    };
    let Some(props) = prop_e.exact_values() else {
        return Collection::with_message(
            Flag::NotCollected,
            format!(
                "{}: a property selected by {:?} may be runtime state, which unit files do not \
                 give (derivable offline: {})",
                object.id,
                prop_e.operation,
                DERIVABLE_PROPERTIES.join(", ")
            ),
        );
    };
    if let Some(p) = props
        .iter()
        .find(|p| !DERIVABLE_PROPERTIES.contains(&p.as_str()))
    {
        return Collection::with_message(
            Flag::NotCollected,
            format!(
                "{}: systemd property {p} is runtime state of a running systemd, not in the unit \
                 files (derivable offline: {})",
                object.id,
                DERIVABLE_PROPERTIES.join(", ")
            ),
        );
    }
    let mut units = Units::new(target);
    let names = match select_units(&units, unit_e) {
        Ok(n) => n,
        Err(e) => return Collection::error(e),
    };
    let mut items = Vec::new();
    for n in names {
        let Some(unit) = units.load(&n) else { continue };
        for p in props {
            let mut item = Item::new("linux", "systemdunitproperty_item");
            item.push(ItemEntity::string("unit", n.clone()));
            item.push(ItemEntity::string("property", p.clone()));
            for v in units.property(&unit, p) {
                item.push(ItemEntity::string("value", v));
            }
            items.push(item);
        }
    }
    Collection::from_items(items)
}

fn dependency(target: &dyn Target, object: &ObjectRequest) -> Collection {
    let Some(unit_e) = object.entity("unit") else {
        return Collection::error(format!("{}: no unit entity", object.id));
    };
    let mut units = Units::new(target);
    let names = match select_units(&units, unit_e) {
        Ok(n) => n,
        Err(e) => return Collection::error(e),
    };
    let mut items = Vec::new();
    for n in names {
        if units.load(&n).is_none() {
            continue;
        }
        let mut item = Item::new("linux", "systemdunitdependency_item");
        item.push(ItemEntity::string("unit", n.clone()));
        for d in units.closure(&n) {
            item.push(ItemEntity::string("dependency", d));
        }
        items.push(item);
    }
    Collection::from_items(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_names() {
        assert_eq!(
            template_of("getty@tty1.service").as_deref(),
            Some("getty@.service")
        );
        assert_eq!(template_of("getty@.service"), None);
        assert_eq!(template_of("sshd.service"), None);
        assert!(is_template("getty@.service"));
        assert!(!is_template("getty@tty1.service"));
    }

    #[test]
    fn parser_resets_continues_and_expands() {
        let mut keys = BTreeMap::new();
        parse_into(
            "[Unit]\n# c\nWants=a.service \\\n  b.service\nWants=\nWants=c@%i.service\n; x\n",
            &mut keys,
            "x@one.service",
        );
        assert_eq!(keys["Unit.Wants"], vec!["c@one.service".to_owned()]);
        assert_eq!(
            specifiers("%n %N %p %% %z", "a@b.socket"),
            "a@b.socket a@b a % %z"
        );
    }
}
