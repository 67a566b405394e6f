//! What a definition reaches: the tests, objects, states, variables and other definitions its
//! result can depend on. Used to say which tolerated [`Warning`]s and which
//! [`InvalidElement`]s concern a definition.

use std::collections::BTreeSet;

use super::{
    Component, CriteriaNode, Definitions, ElementKind, Entity, InvalidElement, ObjectContent,
    ObjectSet, VariableKind, Warning,
};

impl Definitions {
    /// Every element the definition `id` depends on, itself included, as `(kind, id)`
    /// ordered by kind, then id: definitions it extends, their tests, the tests' objects and states, filters,
    /// sets and every variable they use, through local variable components. An id that names
    /// an [`InvalidElement`] (or nothing) is listed but not followed.
    ///
    /// ```
    /// use scap_oval::model::ElementKind;
    /// let xml = r#"<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"
    ///     xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5"
    ///     xmlns:ind="http://oval.mitre.org/XMLSchema/oval-definitions-5#independent">
    ///   <generator><oval:schema_version>5.11</oval:schema_version>
    ///     <oval:timestamp>2024-01-01T00:00:00</oval:timestamp></generator>
    ///   <definitions><definition id="oval:x:def:1" version="1" class="compliance">
    ///     <metadata><title>t</title><description/></metadata>
    ///     <criteria><criterion test_ref="oval:x:tst:1"/></criteria></definition></definitions>
    ///   <tests><ind:family_test id="oval:x:tst:1" version="1" check="all">
    ///     <ind:object object_ref="oval:x:obj:1"/></ind:family_test></tests>
    ///   <objects><ind:family_object id="oval:x:obj:1" version="1"/></objects>
    /// </oval_definitions>"#;
    /// let defs: scap_oval::Definitions = xml.parse()?;
    /// let reach = defs.reach("oval:x:def:1");
    /// assert!(reach.contains(&(ElementKind::Object, "oval:x:obj:1")));
    /// assert_eq!(reach.len(), 3);
    /// # Ok::<(), scap_oval::Error>(())
    /// ```
    pub fn reach<'a>(&'a self, id: &'a str) -> BTreeSet<(ElementKind, &'a str)> {
        self.reach_all([id])
    }

    /// [`Definitions::reach`] of several definitions together: every element any of them
    /// depends on, each once.
    pub(crate) fn reach_all<'a>(
        &'a self,
        ids: impl IntoIterator<Item = &'a str>,
    ) -> BTreeSet<(ElementKind, &'a str)> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<(ElementKind, &str)> = ids
            .into_iter()
            .map(|id| (ElementKind::Definition, id))
            .collect();
        while let Some(node) = stack.pop() {
            if !seen.insert(node) {
                continue;
            }
            let (kind, id) = node;
            match kind {
                ElementKind::Definition => {
                    let Some(c) = self.definition(id).and_then(|d| d.criteria.as_ref()) else {
                        continue;
                    };
                    let mut nodes = vec![c];
                    while let Some(c) = nodes.pop() {
                        for child in &c.children {
                            match child {
                                CriteriaNode::Criteria(sub) => nodes.push(sub),
                                CriteriaNode::Criterion(cr) => {
                                    stack.push((ElementKind::Test, &cr.test_ref));
                                }
                                CriteriaNode::ExtendDefinition(e) => {
                                    stack.push((ElementKind::Definition, &e.definition_ref));
                                }
                            }
                        }
                    }
                }
                ElementKind::Test => {
                    let Some(t) = self.test(id) else { continue };
                    stack.extend(
                        t.object_ref
                            .iter()
                            .map(|o| (ElementKind::Object, o.as_str())),
                    );
                    stack.extend(
                        t.state_refs
                            .iter()
                            .map(|s| (ElementKind::State, s.as_str())),
                    );
                }
                ElementKind::Object => {
                    let Some(o) = self.object(id) else { continue };
                    match &o.content {
                        ObjectContent::Entities(eo) => {
                            for e in &eo.entities {
                                entity_refs(e, &mut stack);
                                // A variable_object names its variable by the entity's text.
                                if o.kind == "variable_object" && e.name == "var_ref" {
                                    stack.push((ElementKind::Variable, e.value.trim()));
                                }
                            }
                            stack.extend(
                                eo.filters
                                    .iter()
                                    .map(|f| (ElementKind::State, f.state_ref.as_str())),
                            );
                        }
                        ObjectContent::Set(set) => set_refs(set, &mut stack),
                    }
                }
                ElementKind::State => {
                    let Some(s) = self.state(id) else { continue };
                    for e in &s.entities {
                        entity_refs(e, &mut stack);
                    }
                }
                ElementKind::Variable => {
                    if let Some(VariableKind::Local(c)) = self.variable(id).map(|v| &v.kind) {
                        component_refs(c, &mut stack);
                    }
                }
            }
        }
        seen
    }

    /// The tolerated warnings and the invalid elements that concern the definition `id`
    /// (see [`Definitions::reach`]), in document order.
    pub fn diagnostics_of(&self, id: &str) -> (Vec<&Warning>, Vec<&InvalidElement>) {
        if self.warnings.is_empty() && self.invalid.is_empty() {
            return (Vec::new(), Vec::new());
        }
        let reach = self.reach(id);
        let ids: BTreeSet<&str> = reach.iter().map(|(_, id)| *id).collect();
        let warnings = self
            .warnings
            .iter()
            .filter(|w| w.id.as_deref().is_some_and(|i| ids.contains(i)))
            .collect();
        let invalid = self
            .invalid
            .iter()
            .filter(|x| reach.contains(&(x.kind, x.id.as_str())))
            .collect();
        (warnings, invalid)
    }
}

fn entity_refs<'a>(e: &'a Entity, stack: &mut Vec<(ElementKind, &'a str)>) {
    stack.extend(
        e.var_ref
            .iter()
            .map(|v| (ElementKind::Variable, v.as_str())),
    );
    for f in &e.fields {
        entity_refs(f, stack);
    }
}

fn set_refs<'a>(set: &'a ObjectSet, stack: &mut Vec<(ElementKind, &'a str)>) {
    stack.extend(
        set.object_refs
            .iter()
            .map(|o| (ElementKind::Object, o.as_str())),
    );
    stack.extend(
        set.filters
            .iter()
            .map(|f| (ElementKind::State, f.state_ref.as_str())),
    );
    for s in &set.sets {
        set_refs(s, stack);
    }
}

fn component_refs<'a>(c: &'a Component, stack: &mut Vec<(ElementKind, &'a str)>) {
    match c {
        Component::Object { object_ref, .. } => stack.push((ElementKind::Object, object_ref)),
        Component::Variable { var_ref } => stack.push((ElementKind::Variable, var_ref)),
        _ => {}
    }
    for o in c.operands() {
        component_refs(o, stack);
    }
}
