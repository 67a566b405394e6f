//! The OVAL checking engine: [`CheckEngine`] on top of `scap-oval` (feature `oval`, on by
//! default), behaving like oscap's OVAL agent.
//!
//! - Each OVAL component (a data stream `ds:component`, or a document registered with
//!   [`OvalEngine::insert`] under its href) is parsed once, on first use.
//! - A batch is grouped by component; the definitions a group needs are evaluated by ONE
//!   `scap_oval` evaluator, so objects and variables are collected once for all rules. The
//!   `check-export`s become external variables (`export-name` → value). If two checks export
//!   different values under the same name, they are evaluated in separate passes (oscap
//!   re-evaluates in that case too).
//! - Definition results map to XCCDF results as oscap maps them: `true` → pass, `false` →
//!   fail for `compliance`, `inventory` and `miscellaneous` definitions; inverted (true →
//!   fail, false → pass) for `vulnerability` and `patch`; `unknown` → unknown, `error` →
//!   error, `not evaluated` → notchecked, `not applicable` → notapplicable.
//! - A `name` that is not in the component answers `notchecked` (so the next content-ref is
//!   tried); a missing `name` evaluates every definition of the component and ANDs the
//!   results (`error` if there is none). For `multi-check`, [`CheckEngine::names_for`] lists
//!   the component's definition ids. The AND is NISTIR 7275r4 table 12; oscap 1.3's own table
//!   has the error and unknown rows swapped (there, error AND pass is unknown), which only
//!   shows when such a combination mixes error and unknown with other results.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use scap_oval::Definitions;
use scap_oval::eval::{Evaluator, Results, Variables};
use scap_oval::probes::Registry;
use scap_oval::types::{DefinitionClass, ResultValue};
use scap_probe::Target;
use scap_xccdf::eval::OVAL_SYSTEM;
use scap_xccdf::{CheckEngine, CheckOutcome, CheckRequest, XccdfResult};

use crate::content::{Content, OvalComponent};

/// A lock that a panicking holder poisoned is still good: the data are plain caches.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Maps an OVAL definition result to an XCCDF result for a definition of `class` (oscap's
/// `xccdf_get_result_from_oval`).
///
/// ```
/// use scap_oval::types::{DefinitionClass, ResultValue};
/// use scap_xccdf::XccdfResult;
/// use scap::oval_engine::map_result;
/// assert_eq!(map_result(DefinitionClass::Compliance, ResultValue::True), XccdfResult::Pass);
/// assert_eq!(map_result(DefinitionClass::Vulnerability, ResultValue::True), XccdfResult::Fail);
/// ```
pub fn map_result(class: DefinitionClass, result: ResultValue) -> XccdfResult {
    let inverted = matches!(
        class,
        DefinitionClass::Vulnerability | DefinitionClass::Patch
    );
    match result {
        ResultValue::True if inverted => XccdfResult::Fail,
        ResultValue::True => XccdfResult::Pass,
        ResultValue::False if inverted => XccdfResult::Pass,
        ResultValue::False => XccdfResult::Fail,
        ResultValue::Unknown => XccdfResult::Unknown,
        ResultValue::Error => XccdfResult::Error,
        ResultValue::NotEvaluated => XccdfResult::NotChecked,
        ResultValue::NotApplicable => XccdfResult::NotApplicable,
    }
}

type Loaded = OvalComponent;

/// The OVAL [`CheckEngine`]: evaluates OVAL definitions of a source data stream (or of
/// documents registered by href) against a [`Target`].
///
/// ```
/// use scap_xccdf::{CheckEngine, CheckRequest, XccdfResult};
/// use scap::OvalEngine;
/// let xml = r#"<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"
///   xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5"
///   xmlns:ind="http://oval.mitre.org/XMLSchema/oval-definitions-5#independent">
///  <generator><oval:schema_version>5.11</oval:schema_version>
///    <oval:timestamp>2024-01-01T00:00:00</oval:timestamp></generator>
///  <definitions><definition id="oval:x:def:1" version="1" class="compliance">
///    <metadata><title>t</title><description>d</description></metadata>
///    <criteria><criterion test_ref="oval:x:tst:1"/></criteria></definition></definitions>
///  <tests><ind:textfilecontent54_test id="oval:x:tst:1" version="1" check="all" comment="c">
///    <ind:object object_ref="oval:x:obj:1"/></ind:textfilecontent54_test></tests>
///  <objects><ind:textfilecontent54_object id="oval:x:obj:1" version="1">
///    <ind:filepath>/etc/issue</ind:filepath>
///    <ind:pattern operation="pattern match">^Debian</ind:pattern>
///    <ind:instance datatype="int">1</ind:instance></ind:textfilecontent54_object></objects>
/// </oval_definitions>"#;
/// let mut target = scap_probe::MemoryTarget::new();
/// target.add_file("/etc/issue", b"Debian GNU/Linux 12\n".to_vec());
/// let mut engine = OvalEngine::standalone(&target);
/// engine.insert("x-oval.xml", xml.parse()?);
/// let sys = scap_xccdf::eval::OVAL_SYSTEM;
/// let out = engine.evaluate(&[
///     CheckRequest::new(sys, "x-oval.xml", Some("oval:x:def:1")),
///     CheckRequest::new(sys, "x-oval.xml", Some("oval:x:def:404")),
///     CheckRequest::new(sys, "other.xml", Some("oval:x:def:1")),
/// ]);
/// let got: Vec<XccdfResult> = out.iter().map(|o| o.result).collect();
/// assert_eq!(got, [XccdfResult::Pass, XccdfResult::NotChecked, XccdfResult::NotChecked]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// The engine is `Send + Sync` (its caches are behind mutexes), so a scan can run on any
/// thread and the engine can sit beside others in [`scap_xccdf::Engines`].
pub struct OvalEngine<'a> {
    target: &'a dyn Target,
    registry: Registry,
    content: Option<&'a Content>,
    loaded: Mutex<HashMap<String, Loaded>>,
    last_results: Mutex<Vec<(String, Arc<Results>)>>,
    keep_results: bool,
}

impl std::fmt::Debug for OvalEngine<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OvalEngine")
            .field("components", &lock(&self.loaded).len())
            .finish_non_exhaustive()
    }
}

impl<'a> OvalEngine<'a> {
    /// An engine for the OVAL components of `content`, with every built-in probe.
    pub fn new(content: &'a Content, target: &'a dyn Target) -> Self {
        OvalEngine {
            target,
            registry: Registry::builtin(),
            content: Some(content),
            loaded: Mutex::new(HashMap::new()),
            last_results: Mutex::new(Vec::new()),
            keep_results: false,
        }
    }

    /// An engine without content: only documents added with [`OvalEngine::insert`].
    pub fn standalone(target: &'a dyn Target) -> Self {
        OvalEngine {
            target,
            registry: Registry::builtin(),
            content: None,
            loaded: Mutex::new(HashMap::new()),
            last_results: Mutex::new(Vec::new()),
            keep_results: false,
        }
    }

    /// Replaces the probe registry (to plug in probes of one's own).
    pub fn with_registry(mut self, registry: Registry) -> Self {
        self.registry = registry;
        self
    }

    /// The probes this engine collects with.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Keeps the OVAL results of every evaluation pass (for OVAL results or ARF output), see
    /// [`OvalEngine::take_results`].
    pub fn keep_results(mut self, keep: bool) -> Self {
        self.keep_results = keep;
        self
    }

    /// The OVAL results of the passes run so far (component key and results), when
    /// [`OvalEngine::keep_results`] is on.
    pub fn take_results(&self) -> Vec<(String, Arc<Results>)> {
        std::mem::take(&mut *lock(&self.last_results))
    }

    /// The definitions loaded under `key` (a component id or an href), `None` if nothing was
    /// loaded there; with [`OvalEngine::take_results`], what an OVAL results writer needs.
    pub fn definitions(&self, key: &str) -> Option<OvalComponent> {
        if let Some(l) = lock(&self.loaded).get(key) {
            return Some(l.clone());
        }
        self.content?.oval(key).cloned()
    }

    /// The schema deviations tolerated in the documents registered with
    /// [`OvalEngine::insert`], by key (href), each document once, keys in order. Those of the
    /// content's own components are in [`Content::warnings`](crate::Content::warnings).
    pub fn warnings(&self) -> Vec<(String, scap_oval::model::Warning)> {
        let loaded = lock(&self.loaded);
        let mut keys: Vec<&String> = loaded.keys().collect();
        keys.sort();
        let mut out = Vec::new();
        for key in keys {
            if let Some(Ok(defs)) = loaded.get(key).map(|l| &**l) {
                out.extend(defs.warnings.iter().map(|w| (key.clone(), w.clone())));
            }
        }
        out
    }

    /// Registers definitions under `key`: a check href (`ssg-x-oval.xml`) or a component id.
    pub fn insert(&mut self, key: &str, defs: Definitions) {
        lock(&self.loaded).insert(key.to_string(), Arc::new(Ok(defs)));
    }

    /// The key a request's content is found under: its component, else its href.
    fn key(req: &CheckRequest) -> String {
        req.component.clone().unwrap_or_else(|| req.href.clone())
    }

    /// The definitions for a request: registered under its component or href, else the
    /// content's component; `None` if there is no such content.
    fn load(&self, req: &CheckRequest) -> Option<Loaded> {
        let key = Self::key(req);
        {
            let loaded = lock(&self.loaded);
            if let Some(l) = loaded.get(&key).or_else(|| loaded.get(&req.href)) {
                return Some(l.clone());
            }
        }
        self.content?.oval(req.component.as_deref()?).cloned()
    }
}

/// The rule-result messages for what the parser of component `key` could not load or
/// tolerated in what definition `id` depends on.
fn diagnostics(key: &str, defs: &Definitions, id: &str) -> Vec<String> {
    let (warnings, invalid) = defs.diagnostics_of(id);
    invalid
        .into_iter()
        .map(|x| format!("OVAL {key}: {x}"))
        .chain(
            warnings
                .into_iter()
                .map(|w| format!("OVAL {key}: warning: {w}")),
        )
        .collect()
}

/// One evaluation pass over one component: requests sharing external variables.
struct Pass {
    vars: HashMap<String, String>,
    members: Vec<usize>,
}

impl CheckEngine for OvalEngine<'_> {
    fn supports(&self, system: &str) -> bool {
        system == OVAL_SYSTEM
    }

    fn evaluate(&self, batch: &[CheckRequest]) -> Vec<CheckOutcome> {
        let mut out: Vec<CheckOutcome> = batch
            .iter()
            .map(|_| CheckOutcome::new(XccdfResult::NotChecked))
            .collect();
        // Group by component, then split by conflicting variable values.
        let mut groups: Vec<(String, Loaded, Vec<Pass>)> = Vec::new();
        for (i, req) in batch.iter().enumerate() {
            if req.system != OVAL_SYSTEM {
                continue;
            }
            let Some(loaded) = self.load(req) else {
                if let Some(o) = out.get_mut(i) {
                    o.messages
                        .push(format!("OVAL content {} not found", req.href));
                }
                continue;
            };
            let key = Self::key(req);
            let gi = match groups.iter().position(|g| g.0 == key) {
                Some(gi) => gi,
                None => {
                    groups.push((key, loaded, Vec::new()));
                    groups.len() - 1
                }
            };
            let Some(group) = groups.get_mut(gi) else {
                continue;
            };
            let fits = |p: &Pass| {
                req.exports
                    .iter()
                    .all(|e| p.vars.get(&e.export_name).is_none_or(|v| *v == e.value))
            };
            let pi = match group.2.iter().position(fits) {
                Some(pi) => pi,
                None => {
                    group.2.push(Pass {
                        vars: HashMap::new(),
                        members: Vec::new(),
                    });
                    group.2.len() - 1
                }
            };
            if let Some(pass) = group.2.get_mut(pi) {
                for e in &req.exports {
                    pass.vars.insert(e.export_name.clone(), e.value.clone());
                }
                pass.members.push(i);
            }
        }
        for (key, loaded, passes) in groups {
            let defs = match &*loaded {
                Ok(d) => d,
                Err(e) => {
                    let msg = format!("OVAL component {key}: {e}");
                    for p in &passes {
                        for &i in &p.members {
                            if let Some(o) = out.get_mut(i) {
                                *o = CheckOutcome::with_message(XccdfResult::Error, msg.clone());
                            }
                        }
                    }
                    continue;
                }
            };
            for pass in passes {
                let mut ids: Vec<String> = Vec::new();
                let mut wanted = std::collections::HashSet::new();
                for &i in &pass.members {
                    let Some(req) = batch.get(i) else { continue };
                    match &req.name {
                        Some(n) if defs.definition(n).is_some() => {
                            if wanted.insert(n.clone()) {
                                ids.push(n.clone());
                            }
                        }
                        Some(_) => {}
                        None => {
                            for d in &defs.definitions {
                                if wanted.insert(d.id.clone()) {
                                    ids.push(d.id.clone());
                                }
                            }
                        }
                    }
                }
                let mut vars = Variables::default();
                for (k, v) in &pass.vars {
                    vars.set(k, vec![v.clone()]);
                }
                let results =
                    Evaluator::new(defs, self.target, &self.registry, vars).evaluate(&ids);
                let by_id: HashMap<&str, ResultValue> = results
                    .definitions
                    .iter()
                    .map(|(id, r)| (id.as_str(), *r))
                    .collect();
                let class_of = |id: &str| {
                    defs.definition(id)
                        .map(|d| d.class)
                        .unwrap_or(DefinitionClass::Compliance)
                };
                for &i in &pass.members {
                    let Some(req) = batch.get(i) else { continue };
                    let outcome = match &req.name {
                        Some(n) => match by_id.get(n.as_str()) {
                            Some(r) => {
                                let mut o = CheckOutcome::new(map_result(class_of(n), *r));
                                o.messages = diagnostics(&key, defs, n);
                                o
                            }
                            None => CheckOutcome::with_message(
                                XccdfResult::NotChecked,
                                format!("OVAL definition {n} not found in {}", req.href),
                            ),
                        },
                        None => {
                            let mut acc: Option<XccdfResult> = None;
                            for d in &defs.definitions {
                                let r = by_id
                                    .get(d.id.as_str())
                                    .map(|r| map_result(d.class, *r))
                                    .unwrap_or(XccdfResult::Error);
                                acc = Some(acc.map_or(r, |a| a.and(r)));
                            }
                            CheckOutcome::new(acc.unwrap_or(XccdfResult::Error))
                        }
                    };
                    if let Some(o) = out.get_mut(i) {
                        *o = outcome;
                    }
                }
                if self.keep_results {
                    lock(&self.last_results).push((key.clone(), Arc::new(results)));
                }
            }
        }
        out
    }

    fn names_for(&self, request: &CheckRequest) -> Option<Vec<String>> {
        let loaded = self.load(request)?;
        match &*loaded {
            Ok(d) => Some(d.definitions.iter().map(|x| x.id.clone()).collect()),
            Err(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_mapping_table() {
        use DefinitionClass::*;
        use ResultValue as R;
        use XccdfResult as X;
        let rows = [
            (R::True, X::Pass, X::Fail),
            (R::False, X::Fail, X::Pass),
            (R::Unknown, X::Unknown, X::Unknown),
            (R::Error, X::Error, X::Error),
            (R::NotEvaluated, X::NotChecked, X::NotChecked),
            (R::NotApplicable, X::NotApplicable, X::NotApplicable),
        ];
        for (oval, straight, inverted) in rows {
            for c in [Compliance, Inventory, Miscellaneous] {
                assert_eq!(map_result(c, oval), straight, "{c:?} {oval:?}");
            }
            for c in [Vulnerability, Patch] {
                assert_eq!(map_result(c, oval), inverted, "{c:?} {oval:?}");
            }
        }
    }

    const DEFS: &str = r#"<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"
      xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5"
      xmlns:ind="http://oval.mitre.org/XMLSchema/oval-definitions-5#independent">
     <generator><oval:schema_version>5.11</oval:schema_version>
       <oval:timestamp>2024-01-01T00:00:00</oval:timestamp></generator>
     <definitions>
      <definition id="oval:x:def:1" version="1" class="compliance">
       <metadata><title>t</title><description>d</description></metadata>
       <criteria><criterion test_ref="oval:x:tst:1"/></criteria></definition>
      <definition id="oval:x:def:2" version="1" class="vulnerability">
       <metadata><title>t</title><description>d</description></metadata>
       <criteria><criterion test_ref="oval:x:tst:1"/></criteria></definition>
     </definitions>
     <tests><ind:textfilecontent54_test id="oval:x:tst:1" version="1" check="all" comment="c">
       <ind:object object_ref="oval:x:obj:1"/><ind:state state_ref="oval:x:ste:1"/>
     </ind:textfilecontent54_test></tests>
     <objects><ind:textfilecontent54_object id="oval:x:obj:1" version="1">
       <ind:filepath>/etc/limit</ind:filepath>
       <ind:pattern operation="pattern match">^limit=(\d+)$</ind:pattern>
       <ind:instance datatype="int">1</ind:instance></ind:textfilecontent54_object></objects>
     <states><ind:textfilecontent54_state id="oval:x:ste:1" version="1">
       <ind:subexpression datatype="int" operation="equals" var_ref="oval:x:var:1"/>
     </ind:textfilecontent54_state></states>
     <variables><external_variable id="oval:x:var:1" version="1" datatype="int" comment="v"/></variables>
    </oval_definitions>"#;

    fn request(name: Option<&str>, value: &str) -> CheckRequest {
        let mut r = CheckRequest::new(OVAL_SYSTEM, "x.xml", name);
        r.exports.push(scap_xccdf::ExportedValue::new(
            "xccdf_x_value_v",
            "oval:x:var:1",
            value,
            scap_xccdf::ValueType::Number,
        ));
        r
    }

    #[test]
    fn conflicting_exports_are_evaluated_apart() {
        let mut t = scap_probe::MemoryTarget::new();
        t.add_file("/etc/limit", "limit=5\n");
        let mut e = OvalEngine::standalone(&t);
        e.insert("x.xml", DEFS.parse().unwrap());
        let out: Vec<XccdfResult> = e
            .evaluate(&[
                request(Some("oval:x:def:1"), "5"),
                request(Some("oval:x:def:1"), "7"),
                request(Some("oval:x:def:2"), "5"),
                request(Some("oval:x:def:2"), "7"),
            ])
            .into_iter()
            .map(|o| o.result)
            .collect();
        use XccdfResult::*;
        // def:2 is a vulnerability: true means vulnerable, i.e. fail.
        assert_eq!(out, [Pass, Fail, Fail, Pass]);
    }

    /// A test the parser could not load errors the definition that uses it, with the reason
    /// in the rule-result messages; the rest of the component evaluates.
    #[test]
    fn a_broken_test_errors_only_its_definitions() {
        let defs = DEFS
            .replace(
                "<metadata><title>t</title><description>d</description></metadata>\n       <criteria><criterion test_ref=\"oval:x:tst:1\"/></criteria></definition>\n      <definition id=\"oval:x:def:2\"",
                "<metadata><title>t</title><description>d</description><reference source=\"CIS\"/></metadata>\n       <criteria><criterion test_ref=\"oval:x:tst:1\"/></criteria></definition>\n      <definition id=\"oval:x:def:2\"",
            )
            .replace(
                "<criteria><criterion test_ref=\"oval:x:tst:1\"/></criteria></definition>\n     </definitions>",
                "<criteria><criterion test_ref=\"oval:x:tst:2\"/></criteria></definition>\n     </definitions>",
            )
            .replace(
                "</tests>",
                "<ind:textfilecontent54_test id=\"oval:x:tst:2\" version=\"1\" check=\"most\"><ind:object object_ref=\"oval:x:obj:1\"/></ind:textfilecontent54_test></tests>",
            );
        let mut t = scap_probe::MemoryTarget::new();
        t.add_file("/etc/limit", "limit=5\n");
        let mut e = OvalEngine::standalone(&t);
        e.insert("x.xml", defs.parse().unwrap());
        let out = e.evaluate(&[
            request(Some("oval:x:def:1"), "5"),
            request(Some("oval:x:def:2"), "5"),
        ]);
        assert_eq!(out[0].result, XccdfResult::Pass);
        assert_eq!(out[1].result, XccdfResult::Error);
        assert_eq!(out[1].messages.len(), 1, "{:?}", out[1].messages);
        assert!(
            out[1].messages[0].contains("test oval:x:tst:2 could not be loaded")
                && out[1].messages[0].contains("most"),
            "{:?}",
            out[1].messages
        );
        // def:1 loads with a warning, which its rule-result carries too.
        assert_eq!(out[0].messages.len(), 1, "{:?}", out[0].messages);
        assert!(out[0].messages[0].contains("warning") && out[0].messages[0].contains("ref_id"));
        let warnings = e.warnings();
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].0, "x.xml");
        assert_eq!(warnings[0].1.element, "reference");
    }

    #[test]
    fn without_name_every_definition_is_anded() {
        let mut t = scap_probe::MemoryTarget::new();
        t.add_file("/etc/limit", "limit=5\n");
        let mut e = OvalEngine::standalone(&t);
        e.insert("x.xml", DEFS.parse().unwrap());
        // def:1 pass AND def:2 fail (inverted) = fail; with 7: fail AND pass = fail.
        let out = e.evaluate(&[request(None, "5"), request(None, "7")]);
        assert_eq!(out[0].result, XccdfResult::Fail);
        assert_eq!(out[1].result, XccdfResult::Fail);
        let names = e.names_for(&request(None, "5")).unwrap();
        assert_eq!(names, ["oval:x:def:1", "oval:x:def:2"]);
        // Missing file: the engine answers notchecked, and it is not a parse of nothing.
        let missing = CheckRequest::new(OVAL_SYSTEM, "y.xml", Some("oval:x:def:1"));
        assert!(e.names_for(&missing).is_none());
    }
}
