//! rpm's dependency check of one installed package against the others (what `rpm -V`
//! reports without `--nodeps`): every `Requires` satisfied, no `Conflicts` either way, and no
//! installed package obsoleting it.
//!
//! As rpm 4.18 decides it: a requirement is met by a package's `Provides` whose version range
//! overlaps (rpm's `rpmdsCompare`: an unversioned side always overlaps; epochs, versions and
//! releases compared with [`rpmvercmp`], a missing release matching any when the other side
//! says `=`); a file requirement (`/bin/sh`) also by a package owning that path; `rpmlib(...)`
//! features by rpm itself (every feature is taken as present: the installing rpm had them);
//! a weak (`MISSINGOK`) requirement never fails. Rich (boolean) dependencies are evaluated:
//! `and`, `or`, `if`/`else`, `unless`/`else`; `with` is read as `and` and `without` as "the
//! first and not the second" (rpm asks one package to satisfy both sides of `with`: a
//! difference only when two packages split them). A package never conflicts with itself.

use std::cmp::Ordering;
use std::collections::HashMap;

use scap_rpmdb::package::sense;
use scap_rpmdb::{Dependency, DependencyKind, Header};

use crate::compare::rpmvercmp;

/// Every installed package's dependencies, indexed for the check.
pub(super) struct World {
    /// Provides by name: (package index, flags, version).
    provides: HashMap<String, Vec<(usize, u32, String)>>,
    /// Each package's requires, conflicts and obsoletes.
    deps: Vec<PackageDeps>,
    /// Each package's name and `epoch:version-release`.
    nevr: Vec<(String, String)>,
    /// Every installed file path, by owning package.
    files: HashMap<String, Vec<usize>>,
}

#[derive(Default)]
struct PackageDeps {
    requires: Vec<Dependency>,
    conflicts: Vec<Dependency>,
    obsoletes: Vec<Dependency>,
}

impl World {
    /// The world of `headers` (with each package's name and evr, same order).
    pub(super) fn new(
        headers: &[Header<'_>],
        nevr: Vec<(String, String)>,
    ) -> Result<World, String> {
        let mut provides: HashMap<String, Vec<(usize, u32, String)>> = HashMap::new();
        let mut files: HashMap<String, Vec<usize>> = HashMap::new();
        let mut deps = Vec::with_capacity(headers.len());
        for (i, h) in headers.iter().enumerate() {
            let all = |k| Dependency::all(h, k).map_err(|e| e.to_string());
            for p in all(DependencyKind::Provides)? {
                provides
                    .entry(p.name)
                    .or_default()
                    .push((i, p.flags, p.version));
            }
            let pkg_files = scap_rpmdb::File::all(h).map_err(|e| e.to_string())?;
            for f in pkg_files {
                files.entry(f.path).or_default().push(i);
            }
            deps.push(PackageDeps {
                requires: all(DependencyKind::Requires)?,
                conflicts: all(DependencyKind::Conflicts)?,
                obsoletes: all(DependencyKind::Obsoletes)?,
            });
        }
        Ok(World {
            provides,
            deps,
            nevr,
            files,
        })
    }

    /// Whether package `p` passes rpm's dependency check.
    pub(super) fn check(&self, p: usize) -> bool {
        let Some(d) = self.deps.get(p) else {
            return false;
        };
        let requires_met = d.requires.iter().all(|r| {
            r.flags & sense::MISSINGOK != 0
                || (r.name.starts_with("rpmlib(") && r.flags & sense::RPMLIB != 0)
                || self.satisfied(&r.name, r.flags, &r.version, None)
        });
        // Its conflicts against the others' provides and files.
        let no_conflict = !d
            .conflicts
            .iter()
            .any(|c| self.satisfied(&c.name, c.flags, &c.version, Some(p)));
        // The others' conflicts against what it provides, and their obsoletes against its name.
        let (name, evr) = &self.nevr[p];
        let not_conflicted = !self.deps.iter().enumerate().any(|(q, other)| {
            q != p
                && (other.conflicts.iter().any(|c| self.provided_by(p, c))
                    || other.obsoletes.iter().any(|o| {
                        o.name == *name && overlap(o.flags, &o.version, sense::EQUAL, evr)
                    }))
        });
        requires_met && no_conflict && not_conflicted
    }

    /// Whether package `p` provides (or owns the file) `dep`.
    fn provided_by(&self, p: usize, dep: &Dependency) -> bool {
        let by_provide = self.provides.get(&dep.name).is_some_and(|v| {
            v.iter()
                .any(|(q, f, ver)| *q == p && overlap(*f, ver, dep.flags, &dep.version))
        });
        by_provide
            || (dep.name.starts_with('/')
                && self.files.get(&dep.name).is_some_and(|o| o.contains(&p)))
    }

    /// Whether an installed package other than `except` satisfies `name flags version`; a
    /// rich dependency is evaluated.
    fn satisfied(&self, name: &str, flags: u32, version: &str, except: Option<usize>) -> bool {
        if name.starts_with('(') {
            let tokens = tokenize(name);
            let mut pos = 0;
            return match self.rich(&tokens, &mut pos, except) {
                Some(v) if pos == tokens.len() => v,
                // A malformed expression cannot be satisfied (rpm refuses to parse it).
                _ => false,
            };
        }
        let other = |q: &usize| Some(*q) != except;
        let by_provide = self.provides.get(name).is_some_and(|v| {
            v.iter()
                .any(|(q, f, ver)| other(q) && overlap(*f, ver, flags, version))
        });
        by_provide
            || (name.starts_with('/') && self.files.get(name).is_some_and(|o| o.iter().any(other)))
    }

    /// One rich expression `( ... )` from `tokens[*pos]`.
    fn rich(&self, t: &[&str], pos: &mut usize, except: Option<usize>) -> Option<bool> {
        if t.get(*pos) != Some(&"(") {
            return None;
        }
        *pos += 1;
        let first = self.operand(t, pos, except)?;
        let op = *t.get(*pos)?;
        if op == ")" {
            *pos += 1;
            return Some(first);
        }
        let value = match op {
            "and" | "or" | "with" => {
                let mut acc = first;
                while t.get(*pos) == Some(&op) {
                    *pos += 1;
                    let next = self.operand(t, pos, except)?;
                    acc = if op == "or" { acc || next } else { acc && next };
                }
                acc
            }
            "without" => {
                *pos += 1;
                first && !self.operand(t, pos, except)?
            }
            "if" | "unless" => {
                *pos += 1;
                let cond = self.operand(t, pos, except)?;
                let otherwise = if t.get(*pos) == Some(&"else") {
                    *pos += 1;
                    Some(self.operand(t, pos, except)?)
                } else {
                    None
                };
                let applies = if op == "if" { cond } else { !cond };
                if applies {
                    first
                } else {
                    otherwise.unwrap_or(true)
                }
            }
            _ => return None,
        };
        if t.get(*pos) != Some(&")") {
            return None;
        }
        *pos += 1;
        Some(value)
    }

    /// A nested expression, or `name [op version]`.
    fn operand(&self, t: &[&str], pos: &mut usize, except: Option<usize>) -> Option<bool> {
        if t.get(*pos) == Some(&"(") {
            return self.rich(t, pos, except);
        }
        let name = *t.get(*pos)?;
        if matches!(
            name,
            ")" | "and" | "or" | "if" | "else" | "unless" | "with" | "without"
        ) {
            return None;
        }
        *pos += 1;
        let op = t.get(*pos).and_then(|o| match *o {
            "<" => Some(sense::LESS),
            ">" => Some(sense::GREATER),
            "=" | "==" => Some(sense::EQUAL),
            "<=" => Some(sense::LESS | sense::EQUAL),
            ">=" => Some(sense::GREATER | sense::EQUAL),
            _ => None,
        });
        let (flags, version) = match op {
            Some(f) => {
                let v = *t.get(*pos + 1)?;
                *pos += 2;
                (f, v)
            }
            None => (0, ""),
        };
        Some(self.satisfied(name, flags, version, except))
    }
}

/// Parentheses as tokens of their own, the rest split at white space.
fn tokenize(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        if c == '(' || c == ')' || c.is_whitespace() {
            if let Some(b) = start.take() {
                out.push(&s[b..i]);
            }
            if !c.is_whitespace() {
                out.push(&s[i..i + 1]);
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(b) = start {
        out.push(&s[b..]);
    }
    out
}

/// `[epoch:]version[-release]` split as rpm splits it.
fn split_evr(evr: &str) -> (Option<&str>, &str, Option<&str>) {
    let (epoch, rest) = match evr.split_once(':') {
        Some((e, r)) if e.bytes().all(|b| b.is_ascii_digit()) => (Some(e), r),
        _ => (None, evr),
    };
    match rest.rsplit_once('-') {
        Some((v, r)) => (epoch, v, Some(r)),
        None => (epoch, rest, None),
    }
}

/// Whether two version ranges overlap (rpm's `rpmdsCompare` / `rpmverOverlap`).
pub(super) fn overlap(f1: u32, v1: &str, f2: u32, v2: &str) -> bool {
    // An existence test, or a side without a version, always overlaps.
    if f1 & sense::MASK == 0 || f2 & sense::MASK == 0 || v1.is_empty() || v2.is_empty() {
        return true;
    }
    let (e1, ver1, r1) = split_evr(v1);
    let (e2, ver2, r2) = split_evr(v2);
    let nonzero = |e: Option<&str>| e.is_some_and(|e| !e.trim_start_matches('0').is_empty());
    let mut sense = match (e1.filter(|e| !e.is_empty()), e2.filter(|e| !e.is_empty())) {
        (Some(a), Some(b)) => rpmvercmp(a, b),
        _ if nonzero(e1) => Ordering::Greater,
        _ if nonzero(e2) => Ordering::Less,
        _ => Ordering::Equal,
    };
    if sense == Ordering::Equal {
        sense = rpmvercmp(ver1, ver2);
        if sense == Ordering::Equal {
            match (r1.filter(|r| !r.is_empty()), r2.filter(|r| !r.is_empty())) {
                (Some(a), Some(b)) => sense = rpmvercmp(a, b),
                // The side without a release matches any release when the other says `=`.
                (Some(_), None) if f2 & sense::EQUAL != 0 => return true,
                (None, Some(_)) if f1 & sense::EQUAL != 0 => return true,
                _ => {}
            }
        }
    }
    let has = |f: u32, b: u32| f & b != 0;
    match sense {
        Ordering::Less => has(f1, sense::GREATER) || has(f2, sense::LESS),
        Ordering::Greater => has(f1, sense::LESS) || has(f2, sense::GREATER),
        Ordering::Equal => {
            (has(f1, sense::EQUAL) && has(f2, sense::EQUAL))
                || (has(f1, sense::LESS) && has(f2, sense::LESS))
                || (has(f1, sense::GREATER) && has(f2, sense::GREATER))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    const EQ: u32 = sense::EQUAL;
    const GE: u32 = sense::GREATER | sense::EQUAL;
    const LT: u32 = sense::LESS;

    #[test]
    fn ranges_overlap_as_rpm_compares_them() {
        // Provide `= 1.2-3` against requirements.
        assert!(overlap(EQ, "1.2-3", GE, "1.2"));
        assert!(
            overlap(EQ, "1.2-3", EQ, "1.2"),
            "no release on one side: any release"
        );
        assert!(!overlap(EQ, "1.2-3", GE, "1.2-4"));
        assert!(!overlap(EQ, "1.2-3", LT, "1.2"));
        assert!(overlap(EQ, "1.2-3", 0, ""), "unversioned requirement");
        // A non-zero epoch on one side only wins.
        assert!(!overlap(EQ, "1.0", GE, "1:0.5"));
        assert!(overlap(EQ, "2:0.9~rc1-1", LT, "2:0.9"), "tilde sorts first");
        assert!(overlap(EQ, "0:1.0-1", EQ, "1.0-1"), "epoch 0 is no epoch");
    }

    #[test]
    fn rich_expressions_tokenize_and_reject_garbage() {
        assert_eq!(
            tokenize("(a >= 1 or (b if c))"),
            ["(", "a", ">=", "1", "or", "(", "b", "if", "c", ")", ")"]
        );
        let w = World {
            provides: HashMap::from([("a".to_owned(), vec![(0, EQ, "1.0-1".to_owned())])]),
            deps: vec![PackageDeps::default()],
            nevr: vec![("a".into(), "0:1.0-1".into())],
            files: HashMap::new(),
        };
        assert!(w.satisfied("(a >= 1 or b)", 0, "", None));
        assert!(!w.satisfied("(a > 1.0 and a)", 0, "", None));
        assert!(w.satisfied("(b if c)", 0, "", None), "condition false: met");
        assert!(!w.satisfied("(b unless c)", 0, "", None));
        assert!(
            !w.satisfied("(b unless c else a)", 0, "", None),
            "c absent: b"
        );
        assert!(
            w.satisfied("(b unless a else a)", 0, "", None),
            "a present: a"
        );
        for bad in ["(", "(a or", "(a xor b)", "(a or b", "()", "(a) b"] {
            assert!(!w.satisfied(bad, 0, "", None), "{bad}");
        }
        assert!(
            !w.satisfied("a", 0, "", Some(0)),
            "not by the package itself"
        );
    }
}
