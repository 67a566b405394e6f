//! Benchmark resolution (XCCDF 1.2, NISTIR 7275r4 section 7.2): item `extends` inheritance and
//! profile `extends` chains.
//!
//! Item inheritance follows the property table of section 7.2.2.1.1:
//! - attributes written on the extending item win (`replace`); absent ones are inherited,
//!   except `cluster-id`, which oscap does not inherit;
//! - `title`, `description`, `question`: `override` — the extending item's texts, plus the
//!   extended item's texts in languages the extending item does not provide;
//! - `warning`, `reference`, `rationale`, `platform`, `requires`, `conflicts`, `metadata`,
//!   `ident`, `profile-note`, `fixtext`, `fix`, Value `source`: `append` (inherited first);
//! - `status`, `version`, `impact-metric`, `complex-check`: inherited only if absent;
//! - `check`: the extending item's checks replace inherited ones with the same selector;
//! - Value `value`/`default`/`match`/`lower-bound`/`upper-bound`/`choices`/complex values:
//!   per selector, the extending Value's instance replaces the inherited one;
//! - a Group's contents are not inherited (the extending Group keeps only its own children).
//!
//! After resolution the benchmark is marked `resolved` and abstract Rules, Groups and Values
//! are removed.

use std::collections::{HashMap, HashSet};

use crate::error::{Error, Location, Result};
use crate::model::*;
use crate::text::Text;

/// What an item id refers to, for inheritance.
#[derive(Clone)]
enum Base {
    Group(Box<ItemCommon>),
    Rule(std::sync::Arc<Rule>),
    Value(Box<Value>),
}

impl Benchmark {
    /// Resolves item `extends` and removes abstract items (profile `extends` is resolved when
    /// a profile is applied, see [`crate::Policy`], since tailoring profiles may extend
    /// benchmark profiles). `source` is the document text the benchmark was read from, used
    /// only for error locations (pass `""` if unavailable).
    ///
    /// A benchmark already marked `resolved="1"` (all SSG content) is left unchanged.
    ///
    /// ```
    /// let src = r#"<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2" id="xccdf_x_benchmark_b">
    ///   <Rule id="xccdf_x_rule_base" abstract="true" severity="high"><title>Base</title>
    ///     <ident system="urn:x">X-1</ident></Rule>
    ///   <Rule id="xccdf_x_rule_r" extends="xccdf_x_rule_base"><ident system="urn:x">X-2</ident></Rule>
    /// </Benchmark>"#;
    /// let mut b = scap_xccdf::Benchmark::parse_str(src, &Default::default()).unwrap();
    /// b.resolve(src).unwrap();
    /// let scap_xccdf::Item::Rule(r) = &b.items[0] else { panic!() };
    /// assert_eq!(r.common.id, "xccdf_x_rule_r");
    /// assert_eq!(r.severity, scap_xccdf::Severity::High);
    /// assert_eq!(r.idents.len(), 2);
    /// assert_eq!(b.items.len(), 1, "the abstract rule is gone");
    /// ```
    pub fn resolve(&mut self, source: &str) -> Result<()> {
        if self.resolved {
            return Ok(());
        }
        let mut bases: HashMap<String, Base> = HashMap::new();
        let mut stack: Vec<&Item> = self.items.iter().collect();
        for v in &self.values {
            bases.insert(v.id.clone(), Base::Value(Box::new(v.clone())));
        }
        while let Some(item) = stack.pop() {
            match item {
                Item::Group(g) => {
                    bases.insert(g.common.id.clone(), Base::Group(Box::new(g.common.clone())));
                    for v in &g.values {
                        bases.insert(v.id.clone(), Base::Value(Box::new(v.clone())));
                    }
                    stack.extend(g.items.iter());
                }
                Item::Rule(r) => {
                    bases.insert(r.common.id.clone(), Base::Rule(std::sync::Arc::clone(r)));
                }
            }
        }
        // Resolve every item with `extends`, memoized, iteratively along its chain.
        let ids: Vec<String> = bases.keys().cloned().collect();
        let mut done: HashSet<String> = HashSet::new();
        for id in ids {
            resolve_one(&id, &mut bases, &mut done, source)?;
        }
        // Write resolved properties back and drop abstract items.
        fn write_values(values: &mut Vec<Value>, bases: &HashMap<String, Base>) {
            for v in values.iter_mut() {
                if let Some(Base::Value(b)) = bases.get(&v.id) {
                    *v = (**b).clone();
                }
            }
            values.retain(|v| !v.abstract_);
        }
        fn write_items(items: &mut Vec<Item>, bases: &HashMap<String, Base>) {
            for it in items.iter_mut() {
                match it {
                    Item::Group(g) => {
                        if let Some(Base::Group(c)) = bases.get(&g.common.id) {
                            g.common = (**c).clone();
                        }
                        write_values(&mut g.values, bases);
                        write_items(&mut g.items, bases);
                    }
                    Item::Rule(r) => {
                        if let Some(Base::Rule(b)) = bases.get(&r.common.id) {
                            *r = std::sync::Arc::clone(b);
                        }
                    }
                }
            }
            items.retain(|i| !i.common().abstract_);
        }
        write_values(&mut self.values, &bases);
        // Recursion depth is bounded by the group nesting limit checked at parse time.
        write_items(&mut self.items, &bases);
        self.resolved = true;
        Ok(())
    }
}

fn location_in(source: &str, pos: usize) -> Location {
    let (line, column) = scap_xml::line_column(source, pos);
    Location { line, column }
}

fn base_extends(b: &Base) -> Option<&str> {
    match b {
        Base::Group(c) => c.extends.as_deref(),
        Base::Rule(r) => r.common.extends.as_deref(),
        Base::Value(v) => v.extends.as_deref(),
    }
}

fn base_pos(b: &Base) -> usize {
    match b {
        Base::Group(c) => c.pos,
        Base::Rule(r) => r.common.pos,
        Base::Value(v) => v.pos,
    }
}

fn resolve_one(
    id: &str,
    bases: &mut HashMap<String, Base>,
    done: &mut HashSet<String>,
    source: &str,
) -> Result<()> {
    // Collect the chain id -> parent -> ... up to a resolved or root item.
    let mut chain: Vec<String> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut cur = id.to_string();
    loop {
        if done.contains(&cur) {
            break;
        }
        if !seen.insert(cur.clone()) {
            return Err(Error::ExtendsCycle {
                kind: "item",
                id: cur,
            });
        }
        chain.push(cur.clone());
        let Some(b) = bases.get(&cur) else { break };
        match base_extends(b) {
            None => break,
            Some(parent) => {
                if !bases.contains_key(parent) {
                    return Err(Error::DanglingExtends {
                        location: location_in(source, base_pos(b)),
                        kind: "item",
                        id: cur.clone(),
                        target: parent.to_string(),
                    });
                }
                cur = parent.to_string();
            }
        }
    }
    // Fold from the top of the chain down.
    while let Some(child_id) = chain.pop() {
        let Some(child) = bases.get(&child_id) else {
            continue;
        };
        if let Some(parent_id) = base_extends(child) {
            let parent = bases.get(parent_id).cloned();
            let child = bases.get(&child_id).cloned();
            if let (Some(p), Some(c)) = (parent, child) {
                let merged = merge(&child_id, parent_id, p, c)?;
                bases.insert(child_id.clone(), merged);
            }
        }
        done.insert(child_id);
    }
    Ok(())
}

fn merge(child_id: &str, parent_id: &str, p: Base, c: Base) -> Result<Base> {
    Ok(match (p, c) {
        (Base::Group(p), Base::Group(c)) => Base::Group(Box::new(merge_common(&p, *c))),
        (Base::Rule(p), Base::Rule(c)) => Base::Rule(std::sync::Arc::new(merge_rule(
            &p,
            std::sync::Arc::unwrap_or_clone(c),
        ))),
        (Base::Value(p), Base::Value(c)) => Base::Value(Box::new(merge_value(&p, *c))),
        _ => {
            return Err(Error::ExtendsTypeMismatch {
                kind: "item",
                id: child_id.to_string(),
                target: parent_id.to_string(),
            });
        }
    })
}

fn append<T: Clone>(parent: &[T], child: Vec<T>) -> Vec<T> {
    let mut v = parent.to_vec();
    v.extend(child);
    v
}

fn override_texts(parent: &[Text], child: Vec<Text>) -> Vec<Text> {
    let mut out = child;
    for t in parent {
        if !out.iter().any(|c| c.lang == t.lang) {
            out.push(t.clone());
        }
    }
    out
}

fn or_inherit<T: Clone>(parent: &[T], child: Vec<T>) -> Vec<T> {
    if child.is_empty() {
        parent.to_vec()
    } else {
        child
    }
}

fn merge_common(p: &ItemCommon, c: ItemCommon) -> ItemCommon {
    let e = c.explicit;
    ItemCommon {
        selected: if e.has(Explicit::SELECTED) {
            c.selected
        } else {
            p.selected
        },
        hidden: if e.has(Explicit::HIDDEN) {
            c.hidden
        } else {
            p.hidden
        },
        prohibit_changes: if e.has(Explicit::PROHIBIT) {
            c.prohibit_changes
        } else {
            p.prohibit_changes
        },
        // oscap does not inherit cluster-id (checked with `oscap xccdf resolve`).
        cluster_id: c.cluster_id,
        weight: if e.has(Explicit::WEIGHT) {
            c.weight
        } else {
            p.weight
        },
        statuses: or_inherit(&p.statuses, c.statuses),
        version: c.version.or_else(|| p.version.clone()),
        title: override_texts(&p.title, c.title),
        description: override_texts(&p.description, c.description),
        question: override_texts(&p.question, c.question),
        warnings: append(&p.warnings, c.warnings),
        references: append(&p.references, c.references),
        rationale: append(&p.rationale, c.rationale),
        platforms: append(&p.platforms, c.platforms),
        requires: append(&p.requires, c.requires),
        conflicts: append(&p.conflicts, c.conflicts),
        metadata: append(&p.metadata, c.metadata),
        explicit: Explicit(e.0 | p.explicit.0),
        // id, abstract, extends, pos: the child's own.
        id: c.id,
        abstract_: c.abstract_,
        extends: c.extends,
        pos: c.pos,
    }
}

fn merge_rule(p: &Rule, c: Rule) -> Rule {
    let e = c.common.explicit;
    let mut checks: Vec<Check> = p
        .checks
        .iter()
        .filter(|pc| !c.checks.iter().any(|cc| cc.selector == pc.selector))
        .cloned()
        .collect();
    checks.extend(c.checks);
    Rule {
        role: if e.has(Explicit::ROLE) {
            c.role
        } else {
            p.role
        },
        severity: if e.has(Explicit::SEVERITY) {
            c.severity
        } else {
            p.severity
        },
        multiple: if e.has(Explicit::MULTIPLE) {
            c.multiple
        } else {
            p.multiple
        },
        idents: append(&p.idents, c.idents),
        impact_metric: c.impact_metric.or_else(|| p.impact_metric.clone()),
        profile_notes: append(&p.profile_notes, c.profile_notes),
        fixtexts: append(&p.fixtexts, c.fixtexts),
        fixes: append(&p.fixes, c.fixes),
        checks,
        complex_check: c.complex_check.or_else(|| p.complex_check.clone()),
        common: merge_common(&p.common, c.common),
    }
}

fn by_selector<T: Clone>(parent: &[Selected<T>], child: Vec<Selected<T>>) -> Vec<Selected<T>> {
    let mut out: Vec<Selected<T>> = parent
        .iter()
        .filter(|ps| !child.iter().any(|cs| cs.selector == ps.selector))
        .cloned()
        .collect();
    out.extend(child);
    out
}

fn merge_value(p: &Value, c: Value) -> Value {
    let e = c.explicit;
    Value {
        value_type: if e.has(Explicit::TYPE) {
            c.value_type
        } else {
            p.value_type
        },
        operator: if e.has(Explicit::OPERATOR) {
            c.operator
        } else {
            p.operator
        },
        interactive: if e.has(Explicit::INTERACTIVE) {
            c.interactive
        } else {
            p.interactive
        },
        hidden: if e.has(Explicit::HIDDEN) {
            c.hidden
        } else {
            p.hidden
        },
        prohibit_changes: c.prohibit_changes || p.prohibit_changes,
        cluster_id: c.cluster_id.or_else(|| p.cluster_id.clone()),
        statuses: or_inherit(&p.statuses, c.statuses),
        title: override_texts(&p.title, c.title),
        description: override_texts(&p.description, c.description),
        question: override_texts(&p.question, c.question),
        warnings: append(&p.warnings, c.warnings),
        references: append(&p.references, c.references),
        values: by_selector(&p.values, c.values),
        complex_values: by_selector(&p.complex_values, c.complex_values),
        defaults: by_selector(&p.defaults, c.defaults),
        complex_defaults: by_selector(&p.complex_defaults, c.complex_defaults),
        matches: by_selector(&p.matches, c.matches),
        lower_bounds: by_selector(&p.lower_bounds, c.lower_bounds),
        upper_bounds: by_selector(&p.upper_bounds, c.upper_bounds),
        choices: by_selector(&p.choices, c.choices),
        sources: append(&p.sources, c.sources),
        explicit: Explicit(e.0 | p.explicit.0),
        id: c.id,
        abstract_: c.abstract_,
        extends: c.extends,
        pos: c.pos,
    }
}

/// Flattens profile `extends` chains: each returned profile carries the settings of all its
/// ancestors first, then its own (later settings win when applied), and inherits title,
/// description, platforms and version when it has none. `profiles` is searched in order, so
/// when two profiles share an id (a tailoring profile shadowing a benchmark profile) put the
/// shadowing one first; a profile extending its own id extends the next profile with that id.
///
/// Errors: [`Error::DanglingExtends`] for an unknown parent, [`Error::ExtendsCycle`] for a
/// cycle.
pub fn flatten_profile(profiles: &[&Profile], index: usize) -> Result<Profile> {
    let Some(&start) = profiles.get(index) else {
        return Err(Error::NotFound {
            kind: "profile",
            id: index.to_string(),
        });
    };
    let mut chain: Vec<usize> = vec![index];
    let mut seen: HashSet<usize> = HashSet::from([index]);
    let mut cur = start;
    let mut cur_idx = index;
    while let Some(parent) = cur.extends.as_deref() {
        // Prefer a profile with that id other than the current one, searching after the
        // current one first when the id is the same (shadowing).
        let found = profiles
            .iter()
            .enumerate()
            .filter(|(i, p)| p.id == parent && *i != cur_idx)
            .find(|(i, _)| parent != cur.id || *i > cur_idx)
            .map(|(i, _)| i);
        let Some(pi) = found else {
            return Err(Error::DanglingExtends {
                location: Location::default(),
                kind: "profile",
                id: cur.id.clone(),
                target: parent.to_string(),
            });
        };
        if !seen.insert(pi) {
            return Err(Error::ExtendsCycle {
                kind: "profile",
                id: cur.id.clone(),
            });
        }
        chain.push(pi);
        cur_idx = pi;
        // `pi` comes from enumerating `profiles`: in bounds.
        cur = profiles[pi];
    }
    let mut out = start.clone();
    out.settings.clear();
    for &i in chain.iter().rev() {
        out.settings.extend(profiles[i].settings.iter().cloned());
    }
    // Nearest ancestor first for the inherited texts.
    for &i in chain.iter().skip(1) {
        let p = profiles[i];
        if out.title.is_empty() {
            out.title = p.title.clone();
        }
        if out.description.is_empty() {
            out.description = p.description.clone();
        }
        if out.platforms.is_empty() {
            out.platforms = p.platforms.clone();
        }
        if out.version.is_none() {
            out.version = p.version.clone();
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ParseOptions;

    fn profiles(src: &str) -> Vec<Profile> {
        Benchmark::parse_str(src, &ParseOptions::default())
            .unwrap()
            .profiles
    }

    #[test]
    fn chain_inherits_nearest_texts_and_orders_settings() {
        let ps = profiles(
            r#"<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2" id="b">
            <Profile id="root"><title>Root</title><description>root d</description>
              <select idref="r" selected="true"/></Profile>
            <Profile id="mid" extends="root"><title>Mid</title><select idref="r" selected="false"/></Profile>
            <Profile id="leaf" extends="mid"><select idref="s" selected="true"/></Profile>
            </Benchmark>"#,
        );
        let refs: Vec<&Profile> = ps.iter().collect();
        let leaf = flatten_profile(&refs, 2).unwrap();
        assert_eq!(leaf.title[0].plain(), "Mid");
        assert_eq!(leaf.description[0].plain(), "root d");
        let sel: Vec<(&str, bool)> = leaf
            .selects()
            .map(|s| (s.idref.as_str(), s.selected))
            .collect();
        assert_eq!(sel, [("r", true), ("r", false), ("s", true)]);
    }

    #[test]
    fn shadowing_profile_extends_same_id() {
        let bench = profiles(
            r#"<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2" id="b">
            <Profile id="p"><title>Bench</title><select idref="r" selected="true"/></Profile></Benchmark>"#,
        );
        let tail = profiles(
            r#"<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2" id="t">
            <Profile id="p" extends="p"><select idref="s" selected="true"/></Profile></Benchmark>"#,
        );
        let refs = vec![&tail[0], &bench[0]];
        let p = flatten_profile(&refs, 0).unwrap();
        assert_eq!(p.selects().count(), 2);
        assert_eq!(p.title[0].plain(), "Bench");
        // Alone, a self-extension dangles.
        let alone = vec![&tail[0]];
        assert!(matches!(
            flatten_profile(&alone, 0),
            Err(Error::DanglingExtends {
                kind: "profile",
                ..
            })
        ));
    }
}
