//! `ind:yamlfilecontent_object`: values selected by a YAML path in YAML files (Kubernetes and
//! OpenShift content uses it), the subset oscap 1.3.7 implements.
//!
//! **Paths.** An optional `$`, then segments: `.key`, `['key']` or `["key"]` (a key with dots),
//! `[N]` (a sequence element, from 0), `[:]` (every element) and `[*]` or `.*` (every value
//! of a mapping, kept with their keys when last, so `.labels[*]` gives the same record as
//! `.labels`; nothing on a sequence, as oscap). Anything else (negative indexes, slices,
//! filters such as `[name=b]`) is an invalid path and the object is flagged `error`, as oscap
//! does. A key applied to a sequence, or an index to a mapping, selects nothing.
//!
//! **Items.** One `yamlfilecontent_item` per file where the path selects something:
//! `filepath`, `path`, `filename`, `yamlpath`, and `value` records, as oscap writes them:
//! - scalars (and the scalar elements of a selected sequence) go into one record, one field
//!   named `#` each;
//! - each selected mapping (and each mapping element of a selected sequence) is its own
//!   record, one field per key, a key holding a sequence of scalars giving one field per
//!   element; a mapping holding another mapping (or a sequence of them) is an `error`
//!   ("points to a multi-dimensional structure").
//!
//! Plain scalars are typed as oscap types them (YAML 1.2 core schema): `true`/`false` (also
//! `True`, `TRUE`...) are `boolean`; decimal (leading zeros too: `010` is 10), `0x` and `0o`
//! integers are `int`; decimals and exponents are `float`, printed like C's `%f` (`1.5` is
//! `1.500000`, `.inf` is `inf`); `~`, `null` and an empty value are the string `(null)`.
//! Quoted and block scalars, and anything else (`yes`, `on`, `1_000`), are strings.
//!
//! Every document of a stream is read and the path applied to each, the values joining the
//! same records (oscap 1.3.7: `.a` over `a: 1`, `---`, `a: 2` gives one record, `1` and `2`).
//! The YAML is parsed by `yaml-rust2`'s event
//! parser (pure Rust, no recursion on nesting) into a tree whose aliases share their anchor's
//! node, so a "billion laughs" document stays small; a path's result count is capped at
//! [`MAX_VALUES`] all the same.

use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;

use scap_probe::{FileType, Target};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::fileset::{Candidate, candidates};
use super::{Collection, MAX_FILE_SIZE, ObjectRequest, Probe, flag_for};
use crate::items::{EntityValue, Item, ItemEntity, ItemField};
use crate::types::{Datatype, Flag, ItemStatus};

/// The yamlfilecontent probe.
pub struct YamlFileContentProbe;

/// Most values one path may select in one file (a guard against alias fan-out).
pub const MAX_VALUES: usize = 100_000;

/// A YAML node. Aliases share the anchored node.
#[derive(Debug)]
enum Node {
    /// A scalar and whether it was written plain (unquoted, not a block).
    Scalar(String, bool),
    Seq(Vec<Rc<Node>>),
    Map(Vec<(String, Rc<Node>)>),
}

/// One step of a YAML path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
    All,
    Values,
}

/// Parses a YAML path into steps, or says why it is not one.
fn parse_path(path: &str) -> Result<Vec<Step>, String> {
    let mut rest = path.strip_prefix('$').unwrap_or(path);
    let mut steps = Vec::new();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix(".*") {
            steps.push(Step::Values);
            rest = after;
        } else if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            let (key, tail) = after.split_at(end);
            if key.is_empty() {
                return Err("empty key".to_owned());
            }
            steps.push(Step::Key(key.to_owned()));
            rest = tail;
        } else if let Some(after) = rest.strip_prefix('[') {
            let end = after.find(']').ok_or("missing ]")?;
            let (inner, tail) = after.split_at(end);
            rest = &tail[1..];
            let quoted = |q: char| {
                inner
                    .strip_prefix(q)
                    .and_then(|s| s.strip_suffix(q))
                    .filter(|_| inner.len() >= 2)
            };
            if inner == ":" {
                steps.push(Step::All);
            } else if inner == "*" {
                steps.push(Step::Values);
            } else if let Some(key) = quoted('\'').or_else(|| quoted('"')) {
                steps.push(Step::Key(key.to_owned()));
            } else if !inner.is_empty() && inner.bytes().all(|b| b.is_ascii_digit()) {
                let n = inner.parse().map_err(|_| "index out of range")?;
                steps.push(Step::Index(n));
            } else {
                return Err(format!("segment [{inner}] is not supported"));
            }
        } else {
            return Err(format!("unexpected text {rest:?}"));
        }
    }
    Ok(steps)
}

/// Builds each document's tree from parser events.
#[derive(Default)]
struct TreeBuilder {
    /// Open collections: a sequence's elements, or a mapping's entries and a pending key.
    open: Vec<(Open, usize)>,
    anchors: HashMap<usize, Rc<Node>>,
    roots: Vec<Rc<Node>>,
}

enum Open {
    Seq(Vec<Rc<Node>>),
    Map(Vec<(String, Rc<Node>)>, Option<String>),
}

impl TreeBuilder {
    fn add(&mut self, node: Rc<Node>, anchor: usize) {
        if anchor > 0 {
            self.anchors.insert(anchor, Rc::clone(&node));
        }
        match self.open.last_mut() {
            None => self.roots.push(node),
            Some((Open::Seq(items), _)) => items.push(node),
            Some((Open::Map(entries, key), _)) => match key.take() {
                None => *key = Some(key_text(&node)),
                Some(k) => entries.push((k, node)),
            },
        }
    }
}

/// The text of a mapping key (a collection used as a key is written out shortly).
fn key_text(node: &Node) -> String {
    match node {
        Node::Scalar(s, _) => s.clone(),
        Node::Seq(_) => "[sequence]".to_owned(),
        Node::Map(_) => "{mapping}".to_owned(),
    }
}

impl MarkedEventReceiver for TreeBuilder {
    fn on_event(&mut self, ev: Event, _mark: Marker) {
        match ev {
            Event::Scalar(value, style, anchor, _) => {
                let node = Rc::new(Node::Scalar(value, style == TScalarStyle::Plain));
                self.add(node, anchor);
            }
            Event::Alias(id) => {
                let node = self
                    .anchors
                    .get(&id)
                    .cloned()
                    .unwrap_or_else(|| Rc::new(Node::Scalar(String::new(), true)));
                self.add(node, 0);
            }
            Event::SequenceStart(anchor, _) => self.open.push((Open::Seq(Vec::new()), anchor)),
            Event::MappingStart(anchor, _) => {
                self.open.push((Open::Map(Vec::new(), None), anchor));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((open, anchor)) = self.open.pop() {
                    let node = match open {
                        Open::Seq(items) => Node::Seq(items),
                        Open::Map(entries, _) => Node::Map(entries),
                    };
                    self.add(Rc::new(node), anchor);
                }
            }
            _ => {}
        }
    }
}

/// The documents of `text` (none for an empty stream).
fn parse_yaml(text: &str) -> Result<Vec<Rc<Node>>, String> {
    let mut builder = TreeBuilder::default();
    Parser::new_from_str(text)
        .load(&mut builder, true)
        .map_err(|e| e.to_string())?;
    Ok(builder.roots)
}

/// The nodes `steps` select from the documents `roots`.
fn select(roots: &[Rc<Node>], steps: &[Step]) -> Result<Vec<Rc<Node>>, String> {
    let mut current = roots.to_vec();
    for (n, step) in steps.iter().enumerate() {
        let last = n + 1 == steps.len();
        let mut next = Vec::new();
        for node in &current {
            match (step, node.as_ref()) {
                // Last, the mapping itself: its record keeps the keys.
                (Step::Values, Node::Map(_)) if last => next.push(Rc::clone(node)),
                (Step::Values, Node::Map(entries)) => {
                    next.extend(entries.iter().map(|(_, v)| Rc::clone(v)));
                }
                (Step::Key(k), Node::Map(entries)) => next.extend(
                    entries
                        .iter()
                        .filter(|(key, _)| key == k)
                        .map(|(_, v)| Rc::clone(v)),
                ),
                (Step::Index(i), Node::Seq(items)) => next.extend(items.get(*i).cloned()),
                (Step::All, Node::Seq(items)) => next.extend(items.iter().cloned()),
                _ => {}
            }
            if next.len() > MAX_VALUES {
                return Err(format!("selects more than {MAX_VALUES} values"));
            }
        }
        current = next;
    }
    Ok(current)
}

/// A typed record field for a scalar, as oscap types it.
fn field(name: &str, value: &str, plain: bool) -> ItemField {
    let (datatype, value) = if plain {
        scalar_type(value)
    } else {
        (Datatype::String, value.to_owned())
    };
    ItemField {
        name: name.to_owned(),
        datatype,
        status: ItemStatus::Exists,
        value,
    }
}

/// The datatype and text of a plain scalar (see the module doc).
fn scalar_type(v: &str) -> (Datatype, String) {
    match v {
        "" | "~" | "null" | "Null" | "NULL" => return (Datatype::String, "(null)".to_owned()),
        "true" | "True" | "TRUE" => return (Datatype::Boolean, "true".to_owned()),
        "false" | "False" | "FALSE" => return (Datatype::Boolean, "false".to_owned()),
        _ => {}
    }
    let (sign, digits) = match v.strip_prefix('-') {
        Some(d) => (-1i128, d),
        None => (1, v.strip_prefix('+').unwrap_or(v)),
    };
    let radix = |prefix: &str, radix: u32| {
        digits
            .strip_prefix(prefix)
            .filter(|d| !d.is_empty())
            .and_then(|d| i128::from_str_radix(d, radix).ok())
    };
    let int = if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse::<i128>().ok()
    } else {
        radix("0x", 16).or_else(|| radix("0o", 8))
    };
    if let Some(n) = int.and_then(|n| i64::try_from(sign * n).ok()) {
        return (Datatype::Int, n.to_string());
    }
    let special = match digits {
        ".inf" | ".Inf" | ".INF" => Some(if sign < 0 { "-inf" } else { "inf" }),
        ".nan" | ".NaN" | ".NAN" => Some("nan"),
        _ => None,
    };
    if let Some(s) = special {
        return (Datatype::Float, s.to_owned());
    }
    if is_float(digits) {
        if let Ok(f) = v.parse::<f64>() {
            return (Datatype::Float, format!("{f:.6}"));
        }
    }
    (Datatype::String, v.to_owned())
}

/// `[0-9]*(\.[0-9]*)?([eE][-+]?[0-9]+)?` with at least one digit before the exponent.
fn is_float(s: &str) -> bool {
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = digits(int) && digits(frac) && int.len() + frac.len() > 0;
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

/// The `value` records of the selected nodes (see the module doc).
fn records(nodes: &[Rc<Node>], path: &str) -> Result<Vec<Vec<ItemField>>, String> {
    let multi = || format!("YAML path '{path}' points to a multi-dimensional structure");
    let mut scalars = Vec::new();
    let mut maps = Vec::new();
    let mut push = |node: &Node, scalars: &mut Vec<ItemField>| -> Result<(), String> {
        match node {
            Node::Scalar(s, plain) => scalars.push(field("#", s, *plain)),
            Node::Map(entries) => {
                let mut rec = Vec::new();
                for (k, v) in entries {
                    match v.as_ref() {
                        Node::Scalar(s, plain) => rec.push(field(k, s, *plain)),
                        Node::Seq(items) => {
                            for i in items {
                                match i.as_ref() {
                                    Node::Scalar(s, plain) => rec.push(field(k, s, *plain)),
                                    _ => return Err(multi()),
                                }
                            }
                        }
                        Node::Map(_) => {
                            return Err(format!("{} (map containing another map)", multi()));
                        }
                    }
                }
                maps.push(rec);
            }
            Node::Seq(_) => return Err(multi()),
        }
        Ok(())
    };
    for node in nodes {
        match node.as_ref() {
            Node::Seq(items) => {
                for i in items {
                    push(i, &mut scalars)?;
                }
            }
            other => push(other, &mut scalars)?,
        }
    }
    let mut out = Vec::new();
    if !scalars.is_empty() {
        out.push(scalars);
    }
    out.extend(maps);
    Ok(out)
}

impl Probe for YamlFileContentProbe {
    fn collect(&self, target: &dyn Target, object: &ObjectRequest) -> Collection {
        let Some(yamlpath) = object.entity("yamlpath") else {
            return Collection::error(format!("{}: no yamlpath entity", object.id));
        };
        let mut paths = Vec::new();
        for p in &yamlpath.values {
            match parse_path(p) {
                Ok(steps) => paths.push((p, steps)),
                Err(e) => return Collection::error(format!("Invalid YAML path '{p}': {e}")),
            }
        }
        let files = match candidates(target, object) {
            Ok(f) => f,
            Err(e) => return Collection::error(e.0),
        };
        let mut items = Vec::new();
        let mut messages = Vec::new();
        for Candidate { path, filename } in files {
            let Some(filename) = filename else { continue };
            let filepath = super::fileset::join(&path, &filename);
            match target.stat(Path::new(&filepath)) {
                Ok(m) if m.file_type == FileType::Regular => {}
                _ => continue,
            }
            let bytes = match target.read(Path::new(&filepath), MAX_FILE_SIZE) {
                Ok(b) => b,
                Err(e) => {
                    // Gone since it was listed: skipped; unreadable: the object is an error.
                    if let (_, Some(message)) = flag_for(&e, Flag::Error) {
                        messages.push(message);
                    }
                    continue;
                }
            };
            let root = match parse_yaml(&String::from_utf8_lossy(&bytes)) {
                Ok(r) => r,
                Err(e) => {
                    messages.push(format!("{filepath}: {e}"));
                    continue;
                }
            };
            for (p, steps) in &paths {
                let recs = select(&root, steps).and_then(|nodes| records(&nodes, p));
                match recs {
                    Ok(recs) if recs.is_empty() => {}
                    Ok(recs) => {
                        let mut item = Item::new("independent", "yamlfilecontent_item");
                        item.push(ItemEntity::string("filepath", filepath.clone()));
                        item.push(ItemEntity::string("path", path.clone()));
                        item.push(ItemEntity::string("filename", filename.clone()));
                        item.push(ItemEntity::string("yamlpath", p.as_str()));
                        for fields in recs {
                            item.push(ItemEntity {
                                value: EntityValue::Record(fields),
                                ..ItemEntity::typed("value", Datatype::Record, "")
                            });
                        }
                        items.push(item);
                    }
                    Err(e) => messages.push(e),
                }
            }
        }
        let mut c = Collection::from_items(items);
        if !messages.is_empty() {
            c.flag = Flag::Error;
            c.messages = messages;
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probes::RequestEntity;
    use crate::types::Operation;
    use scap_probe::MemoryTarget;

    const POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web, tier: front}
spec:
  replicas: 3
  enabled: true
  ratio: 1.5
  empty:
  containers:
    - name: a
      image: nginx:1.2
      ports: [80, 443]
    - name: b
      image: redis
  args: [\"--x\", \"--y\"]
";

    fn collect(yamlpath: &str) -> Collection {
        let mut t = MemoryTarget::new();
        t.add_file("/etc/k.yaml", POD);
        let mut o = ObjectRequest::new("oval:t:obj:1", "yamlfilecontent_object");
        o.entities.push(RequestEntity::new(
            "filepath",
            Datatype::String,
            Operation::Equals,
            "/etc/k.yaml",
        ));
        o.entities.push(RequestEntity::new(
            "yamlpath",
            Datatype::String,
            Operation::Equals,
            yamlpath,
        ));
        YamlFileContentProbe.collect(&t, &o)
    }

    /// The records of the one item, as (name, datatype, value) triples.
    fn values(c: &Collection) -> Vec<Vec<(String, Datatype, String)>> {
        c.items[0]
            .entities
            .iter()
            .filter_map(|e| match &e.value {
                EntityValue::Record(f) => Some(
                    f.iter()
                        .map(|f| (f.name.clone(), f.datatype, f.value.clone()))
                        .collect(),
                ),
                _ => None,
            })
            .collect()
    }

    fn s(name: &str, v: &str) -> (String, Datatype, String) {
        (name.into(), Datatype::String, v.into())
    }

    #[test]
    fn scalars_are_typed_like_oscap() {
        // oscap 1.3.7 on POD: `.apiVersion` gives one record, field `#` "v1"; `.spec.replicas`
        // int 3; `.spec.enabled` boolean true; `.spec.ratio` float 1.500000; `.spec.empty`
        // "(null)"; `$.kind` "Pod".
        assert_eq!(values(&collect(".apiVersion")), [vec![s("#", "v1")]]);
        assert_eq!(
            values(&collect(".spec.replicas")),
            [vec![("#".into(), Datatype::Int, "3".into())]]
        );
        assert_eq!(
            values(&collect(".spec.enabled")),
            [vec![("#".into(), Datatype::Boolean, "true".into())]]
        );
        assert_eq!(
            values(&collect(".spec.ratio")),
            [vec![("#".into(), Datatype::Float, "1.500000".into())]]
        );
        assert_eq!(values(&collect(".spec.empty")), [vec![s("#", "(null)")]]);
        assert_eq!(values(&collect("$.kind")), [vec![s("#", "Pod")]]);
        let names: Vec<_> = collect(".kind").items[0]
            .entities
            .iter()
            .map(|e| e.name.clone())
            .collect();
        assert_eq!(names, ["filepath", "path", "filename", "yamlpath", "value"]);
    }

    #[test]
    fn plain_scalar_types() {
        // oscap 1.3.7: yes/on/Off/1_000 and quoted values are strings, 010 is 10, 0x10 is 16,
        // 1e3 is 1000.000000, .5 0.500000, 2. 2.000000, .inf inf, TRUE boolean true.
        assert_eq!(scalar_type("yes"), (Datatype::String, "yes".into()));
        assert_eq!(scalar_type("Off"), (Datatype::String, "Off".into()));
        assert_eq!(scalar_type("1_000"), (Datatype::String, "1_000".into()));
        assert_eq!(scalar_type("010"), (Datatype::Int, "10".into()));
        assert_eq!(scalar_type("0x10"), (Datatype::Int, "16".into()));
        assert_eq!(scalar_type("-7"), (Datatype::Int, "-7".into()));
        assert_eq!(scalar_type("1e3"), (Datatype::Float, "1000.000000".into()));
        assert_eq!(scalar_type(".5"), (Datatype::Float, "0.500000".into()));
        assert_eq!(scalar_type("2."), (Datatype::Float, "2.000000".into()));
        assert_eq!(scalar_type(".inf"), (Datatype::Float, "inf".into()));
        assert_eq!(scalar_type("TRUE"), (Datatype::Boolean, "true".into()));
        assert_eq!(scalar_type("~"), (Datatype::String, "(null)".into()));
        assert_eq!(scalar_type("."), (Datatype::String, ".".into()));
        assert_eq!(field("#", "3", false).datatype, Datatype::String);
    }

    #[test]
    fn sequences_and_mappings_become_records() {
        // oscap 1.3.7: `.spec.containers[:].image` one record with two `#` fields;
        // `.spec.args` the same; `.metadata.labels` one record with `app` and `tier`;
        // `.spec.containers[:]` one record per container, `ports` repeated per element.
        assert_eq!(
            values(&collect(".spec.containers[:].image")),
            [vec![s("#", "nginx:1.2"), s("#", "redis")]]
        );
        assert_eq!(
            values(&collect(".spec.args")),
            [vec![s("#", "--x"), s("#", "--y")]]
        );
        assert_eq!(
            values(&collect(".metadata.labels")),
            [vec![s("app", "web"), s("tier", "front")]]
        );
        let port = |p: &str| ("ports".into(), Datatype::Int, p.to_owned());
        assert_eq!(
            values(&collect(".spec.containers[:]")),
            [
                vec![
                    s("name", "a"),
                    s("image", "nginx:1.2"),
                    port("80"),
                    port("443")
                ],
                vec![s("name", "b"), s("image", "redis")]
            ]
        );
        assert_eq!(
            values(&collect(".spec.containers[1].name")),
            [vec![s("#", "b")]]
        );
        let hash = |p: &str| ("#".into(), Datatype::Int, p.to_owned());
        assert_eq!(
            values(&collect(".spec.containers[:].ports")),
            [vec![hash("80"), hash("443")]]
        );
    }

    #[test]
    fn missing_invalid_and_nested() {
        // oscap 1.3.7: `.missing` does not exist; `[name=b]` "Invalid YAML path"; `.metadata`
        // "points to a multi-dimensional structure (map containing another map)", flag error.
        assert_eq!(collect(".missing").flag, Flag::DoesNotExist);
        // oscap 1.3.7: `[*]` on a mapping gives its record, on a sequence nothing.
        assert_eq!(
            values(&collect(".metadata.labels[*]")),
            values(&collect(".metadata.labels"))
        );
        assert_eq!(collect(".spec.args[*]").flag, Flag::DoesNotExist);
        assert_eq!(values(&collect(".metadata.*.app")), [vec![s("#", "web")]]);
        assert_eq!(collect(".spec.containers[5]").flag, Flag::DoesNotExist);
        let c = collect(".spec.containers[name=b].image");
        assert_eq!(c.flag, Flag::Error);
        assert!(c.messages[0].starts_with("Invalid YAML path"));
        let c = collect(".metadata");
        assert_eq!(c.flag, Flag::Error);
        assert!(c.messages[0].contains("multi-dimensional"));
    }

    #[test]
    fn paths() {
        assert_eq!(
            parse_path("$.a['b.c'][0][:]"),
            Ok(vec![
                Step::Key("a".into()),
                Step::Key("b.c".into()),
                Step::Index(0),
                Step::All
            ])
        );
        assert_eq!(
            parse_path(".a[*].*"),
            Ok(vec![Step::Key("a".into()), Step::Values, Step::Values])
        );
        assert!(parse_path(".a[-1]").is_err());
        assert!(parse_path(".a[0:1]").is_err());
        assert!(parse_path(".a[").is_err());
        assert!(parse_path("a").is_err());
        assert!(parse_path("..a").is_err());
        assert_eq!(parse_path(""), Ok(vec![]));
    }

    #[test]
    fn aliases_share_nodes_and_bad_yaml_is_an_error() {
        let laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
        let root = parse_yaml(laughs).unwrap();
        let steps = parse_path(".f[:][:][:][:][:][:]").unwrap();
        assert!(select(&root, &steps).is_err());
        assert!(parse_yaml("a: [1, 2").is_err());
        assert!(parse_yaml("").unwrap().is_empty());
        // oscap 1.3.7: every document.
        let root = parse_yaml("a: 1\n---\na: 2\n").unwrap();
        let got = select(&root, &parse_path(".a").unwrap()).unwrap();
        assert_eq!(got.len(), 2);
    }
}
