//! Evaluation of OVAL definitions against a [`Target`].
//!
//! The evaluator walks criteria trees, evaluates each test once, collects each object once
//! (cached by id: many tests share objects) and computes each variable once. Test results follow
//! the OVAL 5.11 tables for `check_existence`, `check` and `state_operator`, with the collected
//! object's flag deciding first, exactly as OpenSCAP 1.3 applies them (the rows are written out
//! in [`logic::test_result`]'s documentation).
//!
//! Probes see the target through a [`ScanView`] the evaluator creates and drops with itself:
//! each directory is listed, each path looked up and each link read at most once per
//! evaluation, within [`ViewLimits`]' default cap, with the jail of the target untouched (the
//! view has no host access of its own; see [`ScanView`]). A target whose
//! [`Target::wants_scan_view`] is `false` (the live host, a container image) is asked directly.
//!
//! A definition that extends itself, directly or through others, is `not evaluated`, and so is
//! every definition in the cycle, whatever the rest of its criteria give; a definition outside
//! the cycle that extends into it sees `not evaluated` for that `extend_definition` (oscap
//! 1.3.7: "Circular dependency in OVAL definition", the same results). A chain of
//! `extend_definition`s of any length is evaluated from its deepest end with an explicit stack,
//! not by recursion; variables and object sets nesting deeper than 64 without a cycle are an
//! `error` whose message says the depth limit was hit.
//!
//! An external variable's supplied value must be one of its `possible_value`s or satisfy one
//! of its `possible_restriction`s (when it declares any); otherwise the variable is an `error`
//! with a message naming the value: a state entity comparing with it gives `error`, and an
//! object entity using it has no items (the rule for any failed variable). oscap 1.3.7 drops
//! such a value and reports the variable as having none ("Referenced variable has no
//! values"), with the same test results: the state comparison `error`, the object without
//! items.
//!
//! ```
//! use scap_oval::eval::{Evaluator, Variables};
//! use scap_oval::probes::Registry;
//! use scap_oval::types::ResultValue;
//! use scap_probe::MemoryTarget;
//!
//! let xml = r#"<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"
//!   xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5"
//!   xmlns:ind="http://oval.mitre.org/XMLSchema/oval-definitions-5#independent">
//!  <generator><oval:schema_version>5.11</oval:schema_version>
//!    <oval:timestamp>2024-01-01T00:00:00</oval:timestamp></generator>
//!  <definitions><definition id="oval:x:def:1" version="1" class="compliance">
//!    <metadata><title>t</title><description>d</description></metadata>
//!    <criteria><criterion test_ref="oval:x:tst:1"/></criteria></definition></definitions>
//!  <tests><ind:textfilecontent54_test id="oval:x:tst:1" version="1" check="all" comment="c">
//!    <ind:object object_ref="oval:x:obj:1"/></ind:textfilecontent54_test></tests>
//!  <objects><ind:textfilecontent54_object id="oval:x:obj:1" version="1">
//!    <ind:filepath>/etc/issue</ind:filepath>
//!    <ind:pattern operation="pattern match">^Debian</ind:pattern>
//!    <ind:instance datatype="int">1</ind:instance></ind:textfilecontent54_object></objects>
//! </oval_definitions>"#;
//! let defs: scap_oval::Definitions = xml.parse()?;
//! let mut target = MemoryTarget::new();
//! target.add_file("/etc/issue", b"Debian GNU/Linux 12\n".to_vec());
//! let registry = Registry::builtin();
//! let results = Evaluator::new(&defs, &target, &registry, Variables::default()).evaluate_all();
//! assert_eq!(results.definition("oval:x:def:1"), Some(ResultValue::True));
//! # Ok::<(), scap_oval::Error>(())
//! ```

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use scap_probe::{ScanView, Target, ViewLimits};

use crate::compare::compare;
use crate::functions;
use crate::items::{EntityValue, Item, ItemEntity};
use crate::logic;
use crate::model::{
    Component, Criteria, CriteriaNode, Definitions, ElementKind, Entity, Filter, Object,
    ObjectContent, ObjectSet, State, Test, VariableKind,
};
use crate::probes::{Collection, ObjectRequest, Registry, RequestEntity};
use crate::types::{
    Check, Datatype, FilterAction, Flag, ItemStatus, Operator, ResultValue, SetOperator,
};

/// Values of external variables, by variable id (XCCDF passes its `Value`s here).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Variables {
    /// Variable id to its values.
    pub values: HashMap<String, Vec<String>>,
}

impl Variables {
    /// Read an OVAL variables document (`oval_variables`, as `oscap --variables` takes): each
    /// `variable` element's id and its `value` children.
    ///
    /// ```
    /// let xml = r#"<oval_variables xmlns="http://oval.mitre.org/XMLSchema/oval-variables-5">
    ///   <variables><variable id="oval:x:var:1" datatype="int"><value>7</value></variable></variables>
    /// </oval_variables>"#;
    /// let vars = scap_oval::eval::Variables::parse(xml)?;
    /// assert_eq!(vars.values["oval:x:var:1"], ["7"]);
    /// # Ok::<(), scap_oval::Error>(())
    /// ```
    pub fn parse(text: &str) -> Result<Variables, crate::Error> {
        Variables::parse_with_limits(text, &crate::Limits::default())
    }

    /// [`Variables::parse`] within `limits` (input size and node count, as for definitions
    /// documents; a variables file is untrusted input too).
    ///
    /// ```
    /// let limits = scap_oval::Limits::default().with_max_input_bytes(8);
    /// let err = scap_oval::eval::Variables::parse_with_limits("<oval_variables/>", &limits);
    /// assert!(matches!(err, Err(scap_oval::Error::TooLarge { limit: 8, .. })));
    /// ```
    pub fn parse_with_limits(
        text: &str,
        limits: &crate::Limits,
    ) -> Result<Variables, crate::Error> {
        if text.len() > limits.max_input_bytes {
            return Err(crate::Error::TooLarge {
                size: text.len(),
                limit: limits.max_input_bytes,
            });
        }
        let doc = crate::parse::parse_document(text, limits)?;
        let mut vars = Variables::default();
        for v in doc.descendants().filter(|n| n.has_tag_name("variable")) {
            let Some(id) = v.attribute("id") else {
                let pos = doc.text_pos_at(v.range().start);
                return Err(crate::Error::MissingAttribute {
                    element: "variable".to_owned(),
                    attribute: "id",
                    context: crate::error::Context(None),
                    position: crate::Position {
                        line: pos.row,
                        column: pos.col,
                    },
                });
            };
            let values = v
                .children()
                .filter(|c| c.has_tag_name("value"))
                .map(|c| c.text().unwrap_or("").to_owned())
                .collect();
            vars.set(id, values);
        }
        Ok(vars)
    }

    /// Set the values of one external variable.
    pub fn set(&mut self, id: &str, values: Vec<String>) {
        self.values.insert(id.to_owned(), values);
    }
}

/// The values a variable has on this target, and how complete they are.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct VariableValues {
    /// `complete`, `incomplete`, `does not exist` (no values), `error`, ...
    pub flag: Flag,
    /// The values, in order.
    pub values: Vec<String>,
    /// Why the values are missing, where they are.
    pub messages: Vec<String>,
}

impl VariableValues {
    fn complete(values: Vec<String>) -> VariableValues {
        let flag = if values.is_empty() {
            Flag::DoesNotExist
        } else {
            Flag::Complete
        };
        VariableValues {
            flag,
            values,
            messages: Vec::new(),
        }
    }

    fn failed(flag: Flag, message: String) -> VariableValues {
        VariableValues {
            flag,
            values: Vec::new(),
            messages: vec![message],
        }
    }
}

/// A collected object: its flag, the ids of its items, messages, and the variable values it
/// used.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CollectedObject {
    /// The object id.
    pub id: String,
    /// The collection flag.
    pub flag: Flag,
    /// Item ids into [`Results::items`].
    pub items: Vec<u64>,
    /// Messages explaining the flag.
    pub messages: Vec<String>,
    /// Variable id and value, for each variable the object referenced.
    pub bindings: Vec<(String, String)>,
}

/// The result of one test.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TestResult {
    /// The test id.
    pub id: String,
    /// Its result.
    pub result: ResultValue,
    /// Each collected item id and its result against the states.
    pub items: Vec<(u64, ResultValue)>,
    /// Variable id and value, for each variable the test's states and object referenced.
    pub bindings: Vec<(String, String)>,
}

/// Everything an evaluation produced: definition and test results, the collected objects and
/// their items (the system characteristics).
#[derive(Debug, Clone, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Results {
    /// Definition id and result, for the definitions asked for, in the order asked.
    pub definitions: Vec<(String, ResultValue)>,
    /// Every definition evaluated, including those only reached through `extend_definition`.
    pub evaluated_definitions: HashMap<String, ResultValue>,
    /// Test results by test id.
    pub tests: HashMap<String, TestResult>,
    /// Collected objects by object id.
    pub objects: HashMap<String, CollectedObject>,
    /// Items by id.
    pub items: Vec<(u64, Item)>,
    /// Values of every variable computed.
    pub variables: HashMap<String, VariableValues>,
}

impl Results {
    /// The result of one definition.
    pub fn definition(&self, id: &str) -> Option<ResultValue> {
        self.definitions
            .iter()
            .find(|(d, _)| d == id)
            .map(|(_, r)| *r)
    }
}

/// How deep definitions may extend each other and variables reference each other before the
/// evaluator reports an `error` (guards against cycles the document did not declare).
const MAX_DEPTH: usize = 64;

/// The evaluator: one per document and target. Caches live as long as it does.
pub struct Evaluator<'a> {
    defs: &'a Definitions,
    /// The target as this evaluation sees it: every probe asks through one [`ScanView`], so
    /// each directory is listed and each path looked up once per evaluation, whatever the
    /// number of objects that name it.
    target: ScanView<&'a dyn Target>,
    registry: &'a Registry,
    external: Variables,
    state: RefCell<Cache>,
    /// Hashes items for the item cache.
    item_hasher: std::collections::hash_map::RandomState,
    /// Worker threads for collection; 0: one per core.
    threads: usize,
}

#[derive(Default)]
struct Cache {
    definitions: HashMap<String, ResultValue>,
    tests: HashMap<String, TestResult>,
    objects: HashMap<String, CollectedObject>,
    /// Shared, not copied, with every comparison that reads them (a state entity compares
    /// each item with the values: one copy per item was most of the allocations).
    variables: HashMap<String, Arc<VariableValues>>,
    /// Item ids by the hash of the item (each item is kept once, in `item_list`).
    items: HashMap<u64, Vec<u64>>,
    /// Shared with the tests that read them: a test takes its items out of the cache while it
    /// compares them (a comparison may compute a variable, which needs the cache), by handle
    /// instead of by copy.
    item_list: Vec<Arc<Item>>,
    in_progress: HashSet<String>,
    depth: usize,
    /// Definitions being evaluated, outermost first (to find the members of a cycle).
    definition_stack: Vec<String>,
    /// Definitions found to be part of an `extend_definition` cycle: `not evaluated`.
    cyclic: HashSet<String>,
    /// Collections of objects whose requests were known before evaluation (see
    /// [`Evaluator::prefetch`]), gathered in parallel.
    prefetched: HashMap<String, Prefetched>,
    /// Collections by what was asked ([`SameRequest`]): objects that differ only in their id
    /// are collected once (SSG's Debian 11 content has 22 copies of the object asking for
    /// the dependencies of `multi-user.target`, each reading every unit file).
    by_request: HashMap<SameRequest, Prefetched>,
}

/// What an object asks a probe, without its id: two objects equal in this get the same
/// collection (filters included, since they are applied as items are made).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct SameRequest {
    namespace: String,
    kind: String,
    entities: Vec<RequestEntity>,
    behaviors: Vec<(String, String)>,
    filters: Vec<Filter>,
}

impl SameRequest {
    fn of(namespace: &str, request: &ObjectRequest, filters: &[Filter]) -> SameRequest {
        SameRequest {
            namespace: namespace.to_owned(),
            kind: request.kind.clone(),
            entities: request.entities.clone(),
            behaviors: request.behaviors.clone(),
            filters: filters.to_vec(),
        }
    }
}

/// A collection gathered ahead of the evaluation, its items shared with every other
/// prefetched collection holding an equal item (objects over the same files make the same
/// items: held once, where holding every collection whole until the evaluation interned it
/// cost a third of the peak memory on a live host).
#[derive(Clone)]
struct Prefetched {
    flag: Flag,
    items: Vec<Arc<Item>>,
    messages: Vec<String>,
}

impl std::fmt::Debug for Evaluator<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Evaluator")
            .field("registry", self.registry)
            .finish_non_exhaustive()
    }
}

impl<'a> Evaluator<'a> {
    /// An evaluator for `defs` on `target`, with the given probes and external variables.
    pub fn new(
        defs: &'a Definitions,
        target: &'a dyn Target,
        registry: &'a Registry,
        external: Variables,
    ) -> Evaluator<'a> {
        Evaluator {
            defs,
            target: ScanView::new(
                target,
                if target.wants_scan_view() {
                    ViewLimits::default()
                } else {
                    ViewLimits::passthrough()
                },
            ),
            registry,
            external,
            state: RefCell::new(Cache::default()),
            item_hasher: std::collections::hash_map::RandomState::new(),
            threads: 0,
        }
    }

    /// Collect objects on at most `threads` worker threads (0, the default: one per core; 1:
    /// everything on the calling thread). The results are the same whatever the number, item
    /// ids included: workers only gather collections, and the evaluation takes them in
    /// definition order on the calling thread, as a sequential run would.
    ///
    /// ```
    /// # use scap_oval::eval::{Evaluator, Variables};
    /// # let defs: scap_oval::Definitions = include_str!("../tests/fixtures/ssg-chromium-oval.xml").parse()?;
    /// let target = scap_probe::MemoryTarget::new();
    /// let registry = scap_oval::probes::Registry::builtin();
    /// let one = Evaluator::new(&defs, &target, &registry, Variables::default()).threads(1);
    /// let all = Evaluator::new(&defs, &target, &registry, Variables::default());
    /// assert_eq!(one.evaluate_all().definitions, all.evaluate_all().definitions);
    /// # Ok::<(), scap_oval::Error>(())
    /// ```
    pub fn threads(mut self, threads: usize) -> Evaluator<'a> {
        self.threads = threads;
        self
    }

    /// Evaluate every definition of the document.
    pub fn evaluate_all(self) -> Results {
        let ids: Vec<String> = self.defs.definitions.iter().map(|d| d.id.clone()).collect();
        self.evaluate(&ids)
    }

    /// Evaluate the given definitions (and what they need).
    pub fn evaluate(self, ids: &[String]) -> Results {
        self.prefetch(ids);
        let mut definitions = Vec::with_capacity(ids.len());
        for id in ids {
            definitions.push((id.clone(), self.definition(id)));
        }
        let mut cache = self.state.into_inner();
        // Collections never reached still share items with the results: let go of them first,
        // so that the items move out of their handles instead of being copied.
        cache.prefetched.clear();
        cache.by_request.clear();
        Results {
            definitions,
            evaluated_definitions: cache.definitions,
            tests: cache.tests,
            objects: cache.objects,
            items: cache
                .item_list
                .into_iter()
                .enumerate()
                .map(|(i, item)| (i as u64 + 1, unshare(item)))
                .collect(),
            variables: cache
                .variables
                .into_iter()
                .map(|(id, v)| (id, unshare(v)))
                .collect(),
        }
    }

    /// The values of variable `id` when they need no object collected (constants, external
    /// values, literals and functions of those) and came out `complete` or `incomplete`;
    /// `None` otherwise, and for a variable in a cycle.
    fn known_variable(&self, id: &str) -> Option<Arc<VariableValues>> {
        if !self.collects_nothing(id, &mut HashSet::new()) {
            return None;
        }
        let values = self.shared_variable(id);
        matches!(values.flag, Flag::Complete | Flag::Incomplete).then_some(values)
    }

    /// Whether variable `id` is computed without collecting any object.
    fn collects_nothing<'d>(&'d self, id: &'d str, seen: &mut HashSet<&'d str>) -> bool {
        if !seen.insert(id) {
            return false; // A cycle: left to the evaluation, which reports it.
        }
        match self.defs.variable(id).map(|v| &v.kind) {
            Some(VariableKind::Constant(_) | VariableKind::External(_)) => true,
            Some(VariableKind::Local(c)) => {
                let mut stack = vec![c];
                while let Some(c) = stack.pop() {
                    match c {
                        Component::Object { .. } => return false,
                        Component::Variable { var_ref }
                            if !self.collects_nothing(var_ref, seen) =>
                        {
                            return false;
                        }
                        _ => {}
                    }
                    stack.extend(c.operands());
                }
                true
            }
            None => false,
        }
    }

    /// The variables of `filters`' states, each known before any collection (see
    /// [`Evaluator::known_variable`]) and `complete`; `None` when one is not.
    fn filter_variables(&self, filters: &[Filter]) -> Option<KnownVariables> {
        let mut known: KnownVariables = Vec::new();
        for f in filters {
            let Some(state) = self.defs.state(&f.state_ref) else {
                continue;
            };
            let mut entities: Vec<&Entity> = state.entities.iter().collect();
            while let Some(e) = entities.pop() {
                entities.extend(e.fields.iter());
                let Some(v) = &e.var_ref else { continue };
                if known.iter().any(|(id, _)| id == v) {
                    continue;
                }
                let values = self.known_variable(v)?;
                if values.flag != Flag::Complete {
                    return None;
                }
                known.push((v.clone(), values));
            }
        }
        Some(known)
    }

    /// Collect, on all cores, every object the definitions reach whose request is known before
    /// evaluating (the probes are where the time goes): its entities' and filters' variables,
    /// if any, are computed without collecting an object ([`Evaluator::known_variable`]).
    /// Sets, `variable_object`s and objects whose variables need other objects first are
    /// collected later, in order, as the evaluation reaches them.
    fn prefetch(&self, ids: &[String]) {
        // Every object the definitions reach: through their tests, and through the variables
        // of objects, states and filters (an `object_component`'s object is collected when its
        // variable is first needed; left out here, those were a fifth of a scan's evaluation,
        // collected one at a time after every core had finished).
        let objects: Vec<&str> = self
            .defs
            .reach_all(ids.iter().map(String::as_str))
            .into_iter()
            .filter(|(kind, _)| *kind == ElementKind::Object)
            .map(|(_, id)| id)
            .collect();
        let cores = match self.threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        };
        if cores <= 1 {
            return; // Collected in order as the evaluation reaches them.
        }
        // Objects asking the same as one before them are not collected again: the evaluation
        // finds the first one's collection by what they ask.
        let mut asked = HashSet::new();
        #[allow(clippy::type_complexity)]
        let work: Vec<(
            &dyn crate::probes::Probe,
            ObjectRequest,
            &[Filter],
            KnownVariables,
            SameRequest,
        )> = objects
            .into_iter()
            .filter_map(|id| self.defs.object(id))
            .filter_map(|o| {
                let ObjectContent::Entities(eo) = &o.content else {
                    return None;
                };
                if o.kind == "variable_object" {
                    return None;
                }
                // Filtered objects are collected here only when their filters' variables
                // are known before any object is collected, and filtered as the items are
                // made (an unfiltered collection can be large: every file under /usr/bin).
                let filter_variables = self.filter_variables(&eo.filters)?;
                let probe = self.registry.get(&o.namespace, &o.kind)?;
                let mut request = ObjectRequest::new(&o.id, &o.kind);
                request.behaviors = eo
                    .behaviors
                    .iter()
                    .map(|b| (b.name.clone(), b.value.clone()))
                    .collect();
                // An entity's variable too: one whose values need no collection (constants,
                // external values and what is computed from them) gives the request the
                // evaluation will make; any other leaves the object to the evaluation.
                request.entities = eo
                    .entities
                    .iter()
                    .map(|e| {
                        let values = match &e.var_ref {
                            None => vec![e.value.clone()],
                            Some(v) => {
                                let known = self.known_variable(v)?;
                                (!known.values.is_empty()).then(|| known.values.clone())?
                            }
                        };
                        Some(request_entity(e, values))
                    })
                    .collect::<Option<_>>()?;
                let same = SameRequest::of(&o.namespace, &request, &eo.filters);
                if !asked.insert(same.clone()) {
                    return None;
                }
                Some((
                    probe,
                    request,
                    eo.filters.as_slice(),
                    filter_variables,
                    same,
                ))
            })
            .collect();
        let threads = cores.min(work.len());
        if threads <= 1 {
            return; // Collected in order as the evaluation reaches them.
        }
        let next = std::sync::atomic::AtomicUsize::new(0);
        let target: &dyn Target = &self.target;
        let defs = self.defs;
        let (send, receive) = std::sync::mpsc::channel::<(usize, Collection)>();
        let mut done: HashMap<String, Prefetched> = HashMap::new();
        let mut by_request: HashMap<SameRequest, Prefetched> = HashMap::new();
        std::thread::scope(|scope| {
            let mut workers = Vec::with_capacity(threads);
            for _ in 0..threads {
                let send = send.clone();
                let (next, work) = (&next, &work);
                workers.push(scope.spawn(move || {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some((probe, request, filters, variables, _)) = work.get(i) else {
                            break;
                        };
                        let collection = if filters.is_empty() {
                            probe.collect(target, request)
                        } else {
                            let keep = &mut |item: &Item| {
                                passes_known_filters(defs, item, filters, variables)
                            };
                            probe.collect_filtered(target, request, keep)
                        };
                        if send.send((i, collection)).is_err() {
                            break;
                        }
                    }
                }));
            }
            drop(send);
            // Each collection is shared out as it arrives: equal items become one. A worker
            // that panicked (a probe bug) loses what it had not sent: those objects are then
            // collected again, in order, by the evaluation.
            let mut pool: HashMap<u64, Vec<Arc<Item>>> = HashMap::new();
            for (i, c) in receive {
                let items = c.items.into_iter().map(|i| self.pooled(&mut pool, i));
                let prefetched = Prefetched {
                    flag: c.flag,
                    items: items.collect(),
                    messages: c.messages,
                };
                let (_, request, _, _, same) = &work[i];
                // Messages name the object: a collection with some is its object's alone.
                if prefetched.messages.is_empty() {
                    by_request.insert(same.clone(), prefetched);
                } else {
                    done.insert(request.id.clone(), prefetched);
                }
            }
            // Joined by hand: a scope only waits for the workers' closures, not for their
            // threads to end, so a worker could still be running its thread-local destructors
            // after `evaluate` returned (LeakSanitizer saw that as a leak); and a worker's
            // panic, already accounted for above, is not raised again by the scope.
            for worker in workers {
                let _ = worker.join();
            }
        });
        let mut state = self.state.borrow_mut();
        state.prefetched = done;
        state.by_request = by_request;
    }

    /// `item` as the pool holds it: the equal item already there, or `item`, now pooled.
    fn pooled(&self, pool: &mut HashMap<u64, Vec<Arc<Item>>>, item: Item) -> Arc<Item> {
        use std::hash::BuildHasher;
        let same = pool.entry(self.item_hasher.hash_one(&item)).or_default();
        if let Some(found) = same.iter().find(|i| ***i == item) {
            return Arc::clone(found);
        }
        let item = Arc::new(item);
        same.push(Arc::clone(&item));
        item
    }

    /// The result of one definition, evaluating it if needed.
    pub fn definition(&self, id: &str) -> ResultValue {
        if let Some(r) = self.state.borrow().definitions.get(id) {
            return *r;
        }
        if self.state.borrow().depth == 0 {
            // Stack safety: the definitions `id` extends, directly or not, are evaluated
            // first, deepest first, each from this depth, so every one finds the definitions
            // it extends already cached and recursion stays one level deep however long a
            // legitimate chain is. Only a cycle recurses (its members are on the walk's path,
            // not yet cached), and that recursion is bounded by `MAX_DEPTH`.
            for dep in self.extended_postorder(id) {
                self.definition_uncached(&dep);
            }
            if let Some(r) = self.state.borrow().definitions.get(id) {
                return *r;
            }
        }
        self.definition_uncached(id)
    }

    /// The definitions `id` extends, directly or through others, each after those it extends
    /// (a post-order), without `id` itself; found with an explicit stack. A definition already
    /// on the path (a cycle) is not followed again.
    fn extended_postorder(&self, id: &str) -> Vec<String> {
        let mut order = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        seen.insert(id);
        // (definition, the definitions it extends, how many of them are done)
        let mut stack: Vec<(&str, Vec<&str>, usize)> = vec![(id, self.extends(id), 0)];
        while let Some((def, refs, next)) = stack.last_mut() {
            if let Some(r) = refs.get(*next).copied() {
                *next += 1;
                let cached = self.state.borrow().definitions.contains_key(r);
                if !cached && seen.insert(r) {
                    stack.push((r, self.extends(r), 0));
                }
            } else {
                if *def != id {
                    order.push((*def).to_owned());
                }
                stack.pop();
            }
        }
        order
    }

    /// The ids of the definitions `id`'s criteria extend, in document order.
    fn extends(&self, id: &str) -> Vec<&'a str> {
        fn walk<'c>(c: &'c Criteria, out: &mut Vec<&'c str>) {
            // Criteria nesting is bounded by the parser's depth limit.
            for child in &c.children {
                match child {
                    CriteriaNode::Criteria(sub) => walk(sub, out),
                    CriteriaNode::Criterion(_) => {}
                    CriteriaNode::ExtendDefinition(ed) => out.push(&ed.definition_ref),
                }
            }
        }
        let mut out = Vec::new();
        if let Some(c) = self.defs.definition(id).and_then(|d| d.criteria.as_ref()) {
            walk(c, &mut out);
        }
        out
    }

    fn definition_uncached(&self, id: &str) -> ResultValue {
        if let Some(r) = self.state.borrow().definitions.get(id) {
            return *r;
        }
        let key = format!("def {id}");
        if !self.enter(&key) {
            let mut s = self.state.borrow_mut();
            if !s.in_progress.contains(&key) {
                // Too deep, not a cycle: `error`, not cached, so that the same definition
                // reached from a shallower place is evaluated.
                return ResultValue::Error;
            }
            // A cycle: every definition from `id`'s first entry up is in it (see the module
            // doc); they all end `not evaluated`, as does this reference.
            let from = s.definition_stack.iter().position(|d| d == id).unwrap_or(0);
            let members: Vec<String> = s.definition_stack.get(from..).unwrap_or_default().to_vec();
            s.cyclic.extend(members);
            return ResultValue::NotEvaluated;
        }
        self.state.borrow_mut().definition_stack.push(id.to_owned());
        let mut result = match self.defs.definition(id) {
            Some(def) => match &def.criteria {
                Some(c) => self.criteria(c),
                None => ResultValue::NotEvaluated,
            },
            None => ResultValue::Error,
        };
        {
            let mut s = self.state.borrow_mut();
            s.definition_stack.pop();
            if s.cyclic.contains(id) {
                result = ResultValue::NotEvaluated;
            }
        }
        self.leave(&key);
        self.state
            .borrow_mut()
            .definitions
            .insert(id.to_owned(), result);
        result
    }

    /// Why the element `id` is not in the model: the parser could not load it, or nothing
    /// has that id.
    fn missing(&self, id: &str, kind: &str) -> String {
        match self.defs.invalid(id) {
            Some(bad) => bad.to_string(),
            None => format!("{id}: no such {kind}"),
        }
    }

    fn enter(&self, key: &str) -> bool {
        let mut s = self.state.borrow_mut();
        if s.depth >= MAX_DEPTH || !s.in_progress.insert(key.to_owned()) {
            return false;
        }
        s.depth += 1;
        true
    }

    /// Why [`Evaluator::enter`] refused `key` (the element `id` of `kind`): a cycle, or the
    /// depth limit.
    fn refused(&self, id: &str, kind: &str, key: &str) -> String {
        if self.state.borrow().in_progress.contains(key) {
            format!("{id}: {kind} references itself")
        } else {
            format!("{id}: {kind} nested more than {MAX_DEPTH} deep: the depth limit was hit")
        }
    }

    fn leave(&self, key: &str) {
        let mut s = self.state.borrow_mut();
        s.in_progress.remove(key);
        s.depth = s.depth.saturating_sub(1);
    }

    fn criteria(&self, c: &Criteria) -> ResultValue {
        criteria_result(c, &|t| self.test(t), &|d| self.definition(d))
    }

    /// The result of one test, evaluating it if needed.
    pub fn test(&self, id: &str) -> ResultValue {
        if let Some(r) = self.state.borrow().tests.get(id) {
            return r.result;
        }
        let result = match self.defs.test(id) {
            Some(t) => self.evaluate_test(t),
            None => TestResult {
                id: id.to_owned(),
                result: ResultValue::Error,
                items: Vec::new(),
                bindings: Vec::new(),
            },
        };
        let r = result.result;
        self.state.borrow_mut().tests.insert(id.to_owned(), result);
        r
    }

    fn evaluate_test(&self, t: &Test) -> TestResult {
        let mut out = TestResult {
            id: t.id.clone(),
            result: ResultValue::Unknown,
            items: Vec::new(),
            bindings: Vec::new(),
        };
        let Some(object_id) = &t.object_ref else {
            // A test without an object (unknown_test): oscap reports unknown.
            return out;
        };
        let collected = self.object(object_id);
        let states: Vec<&State> = t
            .state_refs
            .iter()
            .filter_map(|s| self.defs.state(s))
            .collect();
        if states.len() != t.state_refs.len() {
            out.result = ResultValue::Error;
            return out;
        }
        let items: Vec<(u64, Arc<Item>)> = {
            let s = self.state.borrow();
            collected
                .items
                .iter()
                .filter_map(|id| {
                    s.item_list
                        .get((*id - 1) as usize)
                        .map(|i| (*id, Arc::clone(i)))
                })
                .collect()
        };
        let counts = logic::ItemCounts::of(items.iter().map(|(_, i)| i.status));
        let spec = logic::TestSpec {
            existence: t.check_existence,
            check: t.check,
            has_state: !states.is_empty(),
        };
        let check_states = |out: &mut TestResult| -> ResultValue {
            let mut per_item = Vec::with_capacity(items.len());
            for (id, item) in &items {
                let r = logic::item_result(item.status, || {
                    logic::combine(
                        t.state_operator,
                        states.iter().map(|s| self.state_result(item, s, &t.kind)),
                    )
                });
                out.items.push((*id, r));
                per_item.push(r);
            }
            logic::check(t.check, per_item)
        };
        out.result = logic::test_result(collected.flag, spec, counts, || check_states(&mut out));
        if out.items.is_empty() {
            out.items = items
                .iter()
                .map(|(id, _)| (*id, ResultValue::NotEvaluated))
                .collect();
        }
        out.bindings = collected.bindings.clone();
        for s in &states {
            for e in &s.entities {
                if let Some(v) = &e.var_ref {
                    for value in &self.shared_variable(v).values {
                        let pair = (v.clone(), value.clone());
                        if !out.bindings.contains(&pair) {
                            out.bindings.push(pair);
                        }
                    }
                }
            }
        }
        out
    }

    /// Compare one item with one state (oscap's `eval_item`).
    fn state_result(&self, item: &Item, state: &State, test_kind: &str) -> ResultValue {
        state_result(item, state, test_kind, &|v| self.shared_variable(v))
    }

    /// Collect an object (once; later calls return the cached collection).
    pub fn object(&self, id: &str) -> CollectedObject {
        if let Some(o) = self.state.borrow().objects.get(id) {
            return o.clone();
        }
        let key = format!("obj {id}");
        let collected = if !self.enter(&key) {
            CollectedObject {
                id: id.to_owned(),
                flag: Flag::Error,
                items: Vec::new(),
                messages: vec![self.refused(id, "object", &key)],
                bindings: Vec::new(),
            }
        } else {
            let c = match self.defs.object(id) {
                Some(o) => self.collect(o),
                None => CollectedObject {
                    id: id.to_owned(),
                    flag: Flag::Error,
                    items: Vec::new(),
                    messages: vec![self.missing(id, "object")],
                    bindings: Vec::new(),
                },
            };
            self.leave(&key);
            c
        };
        self.state
            .borrow_mut()
            .objects
            .insert(id.to_owned(), collected.clone());
        collected
    }

    fn collect(&self, o: &Object) -> CollectedObject {
        let mut out = CollectedObject {
            id: o.id.clone(),
            flag: Flag::Error,
            items: Vec::new(),
            messages: Vec::new(),
            bindings: Vec::new(),
        };
        let (flag, items) = match &o.content {
            ObjectContent::Set(set) => self.collect_set(set, &mut out),
            ObjectContent::Entities(eo) => {
                let mut request = ObjectRequest::new(&o.id, &o.kind);
                request.behaviors = eo
                    .behaviors
                    .iter()
                    .map(|b| (b.name.clone(), b.value.clone()))
                    .collect();
                for e in &eo.entities {
                    let values = match &e.var_ref {
                        Some(v) => {
                            let vals = self.shared_variable(v);
                            for value in &vals.values {
                                out.bindings.push((v.clone(), value.clone()));
                            }
                            match vals.flag {
                                Flag::Complete | Flag::Incomplete if !vals.values.is_empty() => {
                                    vals.values.clone()
                                }
                                Flag::Complete | Flag::Incomplete | Flag::DoesNotExist => {
                                    out.flag = Flag::DoesNotExist;
                                    out.messages
                                        .push(format!("Referenced variable has no values ({v})."));
                                    return out;
                                }
                                // A fact the target cannot give stays distinct from absence.
                                Flag::NotCollected => {
                                    out.flag = vals.flag;
                                    out.messages.push(format!(
                                        "There was a problem processing referenced variable ({v})."
                                    ));
                                    return out;
                                }
                                // oscap reports an object whose variable failed, or came
                                // from objects that do not apply, as having no items.
                                Flag::Error | Flag::NotApplicable => {
                                    out.flag = Flag::DoesNotExist;
                                    out.messages.push(format!(
                                        "There was a problem processing referenced variable ({v})."
                                    ));
                                    return out;
                                }
                            }
                        }
                        None => vec![e.value.clone()],
                    };
                    request.entities.push(request_entity(e, values));
                }
                let same = SameRequest::of(&o.namespace, &request, &eo.filters);
                let prefetched = {
                    let mut state = self.state.borrow_mut();
                    match state.prefetched.remove(&o.id) {
                        Some(c) => Some(c),
                        None => state.by_request.get(&same).cloned(),
                    }
                };
                // Filters are applied as items are made, so an object over a large tree never
                // holds the items its filters reject.
                let keep = &mut |item: &Item| self.passes_filters(item, &eo.filters);
                // A collection found here was filtered as it was made, by these filters with
                // these variables' values (both are part of what it was asked with).
                let collection = if let Some(c) = prefetched {
                    c
                } else if o.kind == "variable_object" {
                    let mut c = self.variable_items(&request);
                    c.items.retain(|i| keep(i));
                    Prefetched::from(c)
                } else {
                    let c = Prefetched::from(match self.registry.get(&o.namespace, &o.kind) {
                        Some(probe) => probe.collect_filtered(&self.target, &request, keep),
                        None => Collection::with_message(
                            Flag::NotCollected,
                            format!("{}: no probe for {} ({})", o.id, o.kind, o.namespace),
                        ),
                    });
                    // Kept for objects asking the same later (messages name this object).
                    if c.messages.is_empty() {
                        self.state.borrow_mut().by_request.insert(same, c.clone());
                    }
                    c
                };
                // The per-object item limit, for every probe (custom ones too): past it the
                // object is an error with a message, as oscap's item limit, and no item is kept.
                let collection = if collection.items.len() > crate::probes::MAX_ITEMS {
                    Prefetched::from(Collection::error(format!(
                        "{}: more than {} items (the per-object item limit was hit)",
                        o.id,
                        crate::probes::MAX_ITEMS
                    )))
                } else {
                    collection
                };
                out.messages.extend(collection.messages);
                let items = collection.items;
                // Like oscap, an error that lived only in items the filters removed is gone.
                let flag = match collection.flag {
                    Flag::Error if !eo.filters.is_empty() => {
                        if items.iter().any(|i| i.status == ItemStatus::Error) {
                            Flag::Error
                        } else {
                            Flag::Complete
                        }
                    }
                    f => f,
                };
                // Identical items (two variable values naming one file) are one item of the
                // object, referenced once, as oscap's collected objects reference them.
                let mut seen = HashSet::new();
                let ids = items
                    .into_iter()
                    .map(|i| self.intern(i))
                    .filter(|id| seen.insert(*id))
                    .collect();
                (flag, ids)
            }
        };
        out.flag = if flag == Flag::Complete && items.is_empty() {
            Flag::DoesNotExist
        } else {
            flag
        };
        out.items = items;
        out
    }

    fn variable_items(&self, request: &ObjectRequest) -> Collection {
        let Some(e) = request.entity("var_ref") else {
            return Collection::error(format!("{}: no var_ref entity", request.id));
        };
        let mut items = Vec::new();
        let mut messages = Vec::new();
        for id in &e.values {
            let vals = self.shared_variable(id);
            // A variable computed to no values has no item; one that failed (an external
            // variable without a value) still has one, without values, as in oscap.
            if vals.values.is_empty()
                && matches!(
                    vals.flag,
                    Flag::Complete | Flag::Incomplete | Flag::DoesNotExist
                )
            {
                messages.push(format!("Referenced variable has no values ({id})."));
                continue;
            }
            let mut item = Item::new("independent", "variable_item");
            item.push(ItemEntity::string("var_ref", id.clone()));
            for v in &vals.values {
                item.push(ItemEntity::string("value", v.clone()));
            }
            items.push(item);
        }
        let mut c = Collection::from_items(items);
        c.messages = messages;
        c
    }

    /// The flag and item ids of a set. Items are interned (one id per distinct item), so the
    /// set operations compare ids, the identity the item cache gives, without copying items.
    fn collect_set(&self, set: &ObjectSet, out: &mut CollectedObject) -> (Flag, Vec<u64>) {
        let mut operands: Vec<(Flag, Vec<u64>)> = Vec::new();
        for r in &set.object_refs {
            let c = self.object(r);
            out.bindings.extend(c.bindings.iter().cloned());
            out.messages.extend(c.messages.iter().cloned());
            operands.push((c.flag, c.items));
        }
        for sub in &set.sets {
            operands.push(self.collect_set(sub, out));
        }
        let (flag, items) = combine_set(set.set_operator, operands);
        (flag, self.apply_filters(items, &set.filters))
    }

    fn apply_filters(&self, items: Vec<u64>, filters: &[Filter]) -> Vec<u64> {
        if filters.is_empty() {
            return items;
        }
        items
            .into_iter()
            .filter(|id| {
                // A handle: filtering may evaluate variables, which borrows the cache mutably.
                let item = self
                    .state
                    .borrow()
                    .item_list
                    .get((*id - 1) as usize)
                    .cloned();
                item.is_some_and(|item| self.passes_filters(&item, filters))
            })
            .collect()
    }

    /// Whether an item survives an object's `filter`s (exclude: the state matches it;
    /// include: it does not).
    fn passes_filters(&self, item: &Item, filters: &[Filter]) -> bool {
        filters.iter().all(|f| {
            let Some(state) = self.defs.state(&f.state_ref) else {
                return true;
            };
            let hit = self.state_result(item, state, "") == ResultValue::True;
            match f.action {
                FilterAction::Exclude => !hit,
                FilterAction::Include => hit,
            }
        })
    }

    fn intern(&self, item: Arc<Item>) -> u64 {
        use std::hash::BuildHasher;
        let hash = self.item_hasher.hash_one(&*item);
        let mut s = self.state.borrow_mut();
        let same = s.items.get(&hash).and_then(|ids| {
            ids.iter()
                .copied()
                .find(|id| s.item_list.get((*id - 1) as usize) == Some(&item))
        });
        if let Some(id) = same {
            return id;
        }
        s.item_list.push(item);
        let id = s.item_list.len() as u64;
        s.items.entry(hash).or_default().push(id);
        id
    }

    /// The values of a variable (computed once).
    pub fn variable(&self, id: &str) -> VariableValues {
        unshare(self.shared_variable(id))
    }

    /// [`Evaluator::variable`], shared with the cache.
    fn shared_variable(&self, id: &str) -> Arc<VariableValues> {
        if let Some(v) = self.state.borrow().variables.get(id) {
            return Arc::clone(v);
        }
        let key = format!("var {id}");
        let values = if !self.enter(&key) {
            VariableValues::failed(Flag::Error, self.refused(id, "variable", &key))
        } else {
            let v = match self.defs.variable(id) {
                None => VariableValues::failed(Flag::Error, self.missing(id, "variable")),
                Some(var) => match &var.kind {
                    VariableKind::Constant(c) => VariableValues::complete(c.values.clone()),
                    VariableKind::External(ext) => match self.external.values.get(id) {
                        Some(v) => match v.iter().find(|v| !allowed(ext, var.datatype, v)) {
                            Some(bad) => VariableValues::failed(
                                Flag::Error,
                                format!(
                                    "{id}: supplied value {bad:?} is not one of the variable's \
                                     possible values nor within its possible restrictions"
                                ),
                            ),
                            None => VariableValues::complete(v.clone()),
                        },
                        None => VariableValues::failed(
                            Flag::Error,
                            format!("{id}: no value supplied for external variable"),
                        ),
                    },
                    VariableKind::Local(c) => self.component(c),
                },
            };
            self.leave(&key);
            v
        };
        let values = Arc::new(values);
        self.state
            .borrow_mut()
            .variables
            .insert(id.to_owned(), Arc::clone(&values));
        values
    }

    fn component(&self, c: &Component) -> VariableValues {
        let sub = |c: &Component| self.component(c);
        match c {
            Component::Literal { value, .. } => VariableValues::complete(vec![value.clone()]),
            Component::Variable { var_ref } => self.variable(var_ref),
            Component::Object {
                object_ref,
                item_field,
                record_field,
            } => {
                let o = self.object(object_ref);
                let s = self.state.borrow();
                let mut values = Vec::new();
                for id in &o.items {
                    let Some(item) = s.item_list.get((*id - 1) as usize) else {
                        continue;
                    };
                    for e in item.entities.iter().filter(|e| &e.name == item_field) {
                        match (&e.value, record_field) {
                            (EntityValue::Scalar(v), None) => values.push(v.to_string()),
                            (EntityValue::Record(fields), Some(rf)) => values.extend(
                                fields
                                    .iter()
                                    .filter(|f| &f.name == rf)
                                    .map(|f| f.value.clone()),
                            ),
                            _ => {}
                        }
                    }
                }
                match o.flag {
                    Flag::Error => VariableValues::failed(
                        Flag::Error,
                        format!("{object_ref}: collection error"),
                    ),
                    Flag::NotCollected | Flag::NotApplicable => {
                        VariableValues::failed(o.flag, format!("{object_ref}: {}", o.flag))
                    }
                    _ => VariableValues::complete(values),
                }
            }
            Component::Arithmetic {
                operation,
                components,
            } => {
                let declared: Vec<_> = components.iter().map(|c| self.declared(c)).collect();
                self.function(components.iter().map(sub).collect(), |inputs| {
                    let operands = functions::operand_datatype(&declared, &inputs);
                    functions::arithmetic(*operation, operands, &inputs)
                })
            }
            Component::Begin {
                character,
                component,
            } => self.function(vec![sub(component)], |i| {
                Ok::<_, String>(functions::begin(character, &i[0]))
            }),
            Component::End {
                character,
                component,
            } => self.function(vec![sub(component)], |i| {
                Ok::<_, String>(functions::end(character, &i[0]))
            }),
            Component::Concat(components) => self
                .function(components.iter().map(sub).collect(), |i| {
                    functions::concat(&i)
                }),
            Component::Count(components) => self
                .function(components.iter().map(sub).collect(), |i| {
                    Ok::<_, String>(functions::count(&i))
                }),
            Component::EscapeRegex(component) => self.function(vec![sub(component)], |i| {
                Ok::<_, String>(functions::escape_regex(&i[0]))
            }),
            Component::GlobToRegex {
                glob_noescape,
                component,
            } => self.function(vec![sub(component)], |i| {
                functions::glob_to_regex(*glob_noescape, &i[0])
            }),
            Component::RegexCapture { pattern, component } => self
                .function(vec![sub(component)], |i| {
                    functions::regex_capture(pattern, &i[0])
                }),
            Component::Split {
                delimiter,
                component,
            } => self.function(vec![sub(component)], |i| functions::split(delimiter, &i[0])),
            Component::Substring {
                start,
                length,
                component,
            } => self.function(vec![sub(component)], |i| {
                functions::substring(*start, *length, &i[0])
            }),
            Component::TimeDifference {
                format_1,
                format_2,
                components,
            } => self.function(components.iter().map(sub).collect(), |i| {
                functions::time_difference(*format_1, *format_2, &i, chrono::Utc::now().timestamp())
            }),
            Component::Unique(components) => self
                .function(components.iter().map(sub).collect(), |i| {
                    Ok::<_, String>(functions::unique(&i))
                }),
        }
    }

    /// A component's declared datatype, for `arithmetic` (see
    /// [`functions::operand_datatype`]); `None` when only the values can tell.
    fn declared(&self, c: &Component) -> Option<Datatype> {
        match c {
            Component::Literal { datatype, .. } => Some(*datatype),
            Component::Variable { var_ref } => self.defs.variable(var_ref).map(|v| v.datatype),
            Component::Count(_) => Some(Datatype::Int),
            Component::Arithmetic { components, .. } => {
                let float = components
                    .iter()
                    .any(|c| self.declared(c) == Some(Datatype::Float));
                float.then_some(Datatype::Float)
            }
            _ => None,
        }
    }

    fn function<E: std::fmt::Display>(
        &self,
        inputs: Vec<VariableValues>,
        f: impl FnOnce(Vec<Vec<String>>) -> Result<Vec<String>, E>,
    ) -> VariableValues {
        if let Some(bad) = inputs
            .iter()
            .find(|p| p.flag != Flag::Complete && p.flag != Flag::Incomplete)
        {
            return bad.clone();
        }
        let values: Vec<Vec<String>> = inputs.into_iter().map(|p| p.values).collect();
        match f(values) {
            Ok(v) => VariableValues::complete(v),
            Err(e) => VariableValues::failed(Flag::Error, e.to_string()),
        }
    }
}

/// An object entity with its values resolved, as probes see it.
/// An item against a state; `variable` gives the values of a `var_ref` (the evaluator's, or
/// none for a state known to have no variable).
fn state_result(
    item: &Item,
    state: &State,
    test_kind: &str,
    variable: &dyn Fn(&str) -> Arc<VariableValues>,
) -> ResultValue {
    // Counted as they come, not collected: this runs for every item of every test.
    logic::combine(
        state.operator,
        state.entities.iter().map(|se| {
            let mut name = se.name.as_str();
            // textfilecontent_state/line is compared with the item's text (OVAL >= 5.4).
            if name == "line" && test_kind == "textfilecontent_test" {
                name = "text";
            }
            let matched = item
                .entities
                .iter()
                .filter(|ie| ie.name == name)
                .map(|ie| entity_result(ie, se, variable));
            // An entity the item lacks gives no results, which `check` reads as `unknown`.
            logic::check(se.entity_check, matched)
        }),
    )
}

fn entity_result(
    ie: &ItemEntity,
    se: &Entity,
    variable: &dyn Fn(&str) -> Arc<VariableValues>,
) -> ResultValue {
    if ie.status == ItemStatus::DoesNotExist {
        return ResultValue::False;
    }
    let actual = match &ie.value {
        EntityValue::Scalar(v) => &**v,
        EntityValue::Nil => "",
        EntityValue::Record(_) => return record_result(ie, se),
    };
    let datatype = se.effective_datatype();
    let cmp = |expected: &str| match compare(datatype, se.operation, actual, expected) {
        Ok(true) => ResultValue::True,
        Ok(false) => ResultValue::False,
        Err(_) => ResultValue::Error,
    };
    match &se.var_ref {
        Some(v) => {
            let vals = variable(v);
            match vals.flag {
                Flag::Complete | Flag::Incomplete => {
                    logic::check(se.var_check, vals.values.iter().map(|x| cmp(x)))
                }
                _ => ResultValue::Error,
            }
        }
        None => cmp(&se.value),
    }
}

fn record_result(ie: &ItemEntity, se: &Entity) -> ResultValue {
    let EntityValue::Record(fields) = &ie.value else {
        return ResultValue::Error;
    };
    let mut results = Vec::new();
    for sf in &se.fields {
        let matched: Vec<ResultValue> = fields
            .iter()
            .filter(|f| f.name == sf.name)
            .map(|f| {
                if f.status == ItemStatus::DoesNotExist {
                    return ResultValue::False;
                }
                match compare(sf.effective_datatype(), sf.operation, &f.value, &sf.value) {
                    Ok(true) => ResultValue::True,
                    Ok(false) => ResultValue::False,
                    Err(_) => ResultValue::Error,
                }
            })
            .collect();
        results.push(logic::check(sf.entity_check, matched));
    }
    logic::combine(Operator::And, results)
}

/// Variables known before any object is collected, by id: what a collection worker resolves a
/// filter's `var_ref` with.
type KnownVariables = Vec<(String, Arc<VariableValues>)>;

/// Whether an item survives `filters` whose states' variables are all in `variables` (see
/// [`Evaluator::filter_variables`]), without an evaluator: what a collection worker applies.
fn passes_known_filters(
    defs: &Definitions,
    item: &Item,
    filters: &[Filter],
    variables: &KnownVariables,
) -> bool {
    let known = |v: &str| {
        variables
            .iter()
            .find(|(id, _)| id == v)
            .map(|(_, values)| Arc::clone(values))
            .unwrap_or_else(|| {
                Arc::new(VariableValues::failed(
                    Flag::Error,
                    format!("{v}: not available"),
                ))
            })
    };
    filters.iter().all(|f| {
        let Some(state) = defs.state(&f.state_ref) else {
            return true;
        };
        let hit = state_result(item, state, "", &known) == ResultValue::True;
        match f.action {
            FilterAction::Exclude => !hit,
            FilterAction::Include => hit,
        }
    })
}

fn request_entity(e: &Entity, values: Vec<String>) -> RequestEntity {
    RequestEntity {
        name: e.name.clone(),
        datatype: e.effective_datatype(),
        operation: e.operation,
        var_check: if e.var_ref.is_some() {
            e.var_check
        } else {
            Check::All
        },
        values,
        nil: e.nil,
    }
}

/// Whether a supplied value is one an external variable accepts: any value when it declares
/// no `possible_value` and no `possible_restriction`, else one equal to a possible value or
/// satisfying a possible restriction (its restrictions combined by its operator). A restriction
/// that cannot be compared (a bad number) does not accept.
fn allowed(ext: &crate::model::ExternalVariable, datatype: Datatype, value: &str) -> bool {
    if ext.possible_values.is_empty() && ext.possible_restrictions.is_empty() {
        return true;
    }
    let equal = ext
        .possible_values
        .iter()
        .any(|p| compare(datatype, crate::types::Operation::Equals, value, &p.value) == Ok(true));
    equal
        || ext.possible_restrictions.iter().any(|r| {
            let results = r.restrictions.iter().map(|x| {
                match compare(datatype, x.operation, value, &x.value) {
                    Ok(true) => ResultValue::True,
                    Ok(false) => ResultValue::False,
                    Err(_) => ResultValue::Error,
                }
            });
            logic::combine(r.operator, results) == ResultValue::True
        })
}

fn negate(r: ResultValue, negate: bool) -> ResultValue {
    if negate { logic::negate(r) } else { r }
}

/// The result of a criteria tree from the results of its tests and extended definitions: the
/// one rule the evaluator walks with and the results writer re-derives node results with.
pub(crate) fn criteria_result(
    c: &Criteria,
    test: &dyn Fn(&str) -> ResultValue,
    definition: &dyn Fn(&str) -> ResultValue,
) -> ResultValue {
    let results: Vec<ResultValue> = c
        .children
        .iter()
        .map(|child| match child {
            CriteriaNode::Criteria(sub) => criteria_result(sub, test, definition),
            CriteriaNode::Criterion(cr) => negate(test(&cr.test_ref), cr.negate),
            CriteriaNode::ExtendDefinition(ed) => negate(definition(&ed.definition_ref), ed.negate),
        })
        .collect();
    negate(logic::combine(c.operator, results), c.negate)
}

/// Combine the operands of an object `set`.
fn combine_set(op: SetOperator, operands: Vec<(Flag, Vec<u64>)>) -> (Flag, Vec<u64>) {
    let flags: Vec<Flag> = operands.iter().map(|(f, _)| *f).collect();
    let worst = if flags.contains(&Flag::Error) {
        Some(Flag::Error)
    } else if flags.contains(&Flag::NotCollected) {
        Some(Flag::NotCollected)
    } else {
        None
    };
    let mut it = operands.into_iter();
    let (_, first) = it.next().unwrap_or((Flag::DoesNotExist, Vec::new()));
    let second = it.next().map(|(_, i)| i);
    let items = match (op, second) {
        (_, None) => first,
        // Hashed (item ids, one per distinct item), so two 30k-item operands take
        // milliseconds (a `Vec::contains` scan took minutes). The output keeps the first
        // operand's order, then the second's.
        (SetOperator::Union, Some(b)) => {
            let mut seen: HashSet<u64> = first.iter().copied().collect();
            let mut out = first;
            out.extend(b.into_iter().filter(|i| seen.insert(*i)));
            out
        }
        (SetOperator::Intersection, Some(b)) => {
            let b: HashSet<u64> = b.into_iter().collect();
            first.into_iter().filter(|i| b.contains(i)).collect()
        }
        (SetOperator::Complement, Some(b)) => {
            let b: HashSet<u64> = b.into_iter().collect();
            first.into_iter().filter(|i| !b.contains(i)).collect()
        }
    };
    let flag = match worst {
        Some(f) => f,
        None if items.is_empty() => Flag::DoesNotExist,
        None => Flag::Complete,
    };
    (flag, items)
}

impl From<Collection> for Prefetched {
    fn from(c: Collection) -> Prefetched {
        Prefetched {
            flag: c.flag,
            items: c.items.into_iter().map(Arc::new).collect(),
            messages: c.messages,
        }
    }
}

/// The value of a shared handle: moved out when nothing else holds it (the cache is gone by
/// then), copied otherwise.
fn unshare<T: Clone>(shared: Arc<T>) -> T {
    Arc::try_unwrap(shared).unwrap_or_else(|shared| (*shared).clone())
}
