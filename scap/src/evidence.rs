//! The report's view of a scan's OVAL results, built from the typed results.
//!
//! [`scap_arf::report::ScanReport`] reads OVAL evidence as [`scap_arf::OvalResults`], the
//! shape an ARF's `oval_results` report has once read. A scan has the typed
//! [`scap_oval::eval::Results`] and the [`Definitions`] they came from; this builds that shape
//! from them directly, mirroring what [`scap_oval::results::write_results_with`] writes and the
//! ARF reader reads back (the same fields, the same texts), so a report built from a scan and
//! one built from its ARF are equal (`scap/tests/report.rs` holds them to it).

use scap_arf::oval::{
    CollectedObject, Criteria as ArfCriteria, DefinitionInfo, DefinitionResult, Item, TestInfo,
    TestResult,
};
use scap_arf::status::{ItemStatus, ObjectFlag, OvalResult};
use scap_oval::Definitions;
use scap_oval::eval::Results;
use scap_oval::items::EntityValue;
use scap_oval::model::{Criteria, CriteriaNode};
use scap_oval::results::Content as OvalContent;
use scap_oval::types::{Existence, ResultValue};

/// How deep criteria are followed (the ARF reader's limit, so both views stop alike).
const MAX_CRITERIA_DEPTH: usize = scap_arf::oval::MAX_CRITERIA_DEPTH;

/// The report view of one OVAL pass, named `report_id` (`oval0`, ...), carrying what `what`
/// says an OVAL results document of the pass carries.
pub(crate) fn oval_results(
    defs: &Definitions,
    results: &Results,
    what: &OvalContent,
    report_id: &str,
) -> scap_arf::OvalResults {
    let mut out = scap_arf::OvalResults::default();
    out.report_id = report_id.to_string();
    for (id, result) in &results.definitions {
        let mut d = DefinitionResult::default();
        d.id = id.clone();
        d.result = oval_result(*result);
        d.criteria = defs
            .definition(id)
            .and_then(|d| d.criteria.as_ref())
            .filter(|_| what.full)
            .map(|c| criteria(results, c, 0));
        out.definitions.push(d);
    }
    if what.full {
        for t in results.tests.values() {
            let mut tr = TestResult::default();
            tr.id = t.id.clone();
            tr.result = oval_result(t.result);
            if let Some(m) = defs.test(&t.id) {
                if m.check_existence != Existence::AtLeastOneExists {
                    tr.check_existence = Some(m.check_existence.to_string());
                }
                tr.check = Some(m.check.to_string());
            }
            if t.result != ResultValue::NotEvaluated {
                tr.tested_items = t
                    .items
                    .iter()
                    .map(|(item, r)| (item.to_string(), Some(oval_result(*r))))
                    .collect();
                tr.tested_variables = t.bindings.clone();
            }
            out.tests.insert(tr.id.clone(), tr);
        }
    }
    if what.system_characteristics {
        for o in results.objects.values() {
            let mut co = CollectedObject::default();
            co.id = o.id.clone();
            co.flag = object_flag(o.flag);
            co.item_refs = o.items.iter().map(u64::to_string).collect();
            co.messages = o.messages.iter().map(|m| m.trim().to_string()).collect();
            out.objects.insert(co.id.clone(), co);
        }
        for (id, item) in &results.items {
            let mut i = Item::default();
            i.id = id.to_string();
            i.kind = item.kind.to_string();
            i.status = item_status(item.status);
            for e in &item.entities {
                match &e.value {
                    EntityValue::Record(fields) if !e.mask && !fields.is_empty() => {
                        for f in fields {
                            i.fields
                                .push((format!("{}.{}", e.name, f.name), f.value.clone()));
                        }
                    }
                    EntityValue::Scalar(v) if !e.mask => {
                        i.fields.push((e.name.to_string(), v.to_string()))
                    }
                    _ => i.fields.push((e.name.to_string(), String::new())),
                }
            }
            out.items.insert(i.id.clone(), i);
        }
    }
    // What the definitions say about their tests and definitions (the ARF path takes these
    // from the data stream's OVAL components).
    for d in &defs.definitions {
        let mut info = DefinitionInfo::default();
        info.class = Some(d.class.to_string());
        info.title = Some(d.metadata.title.trim().to_string());
        out.definition_info.entry(d.id.clone()).or_insert(info);
    }
    for t in &defs.tests {
        let mut info = TestInfo::default();
        info.kind = t.kind.clone();
        info.comment = t.comment.clone();
        info.object_ref = t.object_ref.clone();
        info.state_refs = t.state_refs.clone();
        out.test_info.entry(t.id.clone()).or_insert(info);
    }
    out
}

fn criteria(results: &Results, c: &Criteria, depth: usize) -> ArfCriteria {
    let children = if depth >= MAX_CRITERIA_DEPTH {
        Vec::new()
    } else {
        c.children
            .iter()
            .map(|child| match child {
                CriteriaNode::Criteria(sub) => criteria(results, sub, depth + 1),
                CriteriaNode::Criterion(cr) => ArfCriteria::Criterion {
                    test_ref: cr.test_ref.clone(),
                    negate: cr.negate,
                    result: Some(oval_result(
                        results
                            .tests
                            .get(&cr.test_ref)
                            .map_or(ResultValue::NotEvaluated, |t| t.result),
                    )),
                },
                CriteriaNode::ExtendDefinition(ed) => ArfCriteria::ExtendDefinition {
                    definition_ref: ed.definition_ref.clone(),
                    negate: ed.negate,
                    result: Some(oval_result(
                        results
                            .evaluated_definitions
                            .get(&ed.definition_ref)
                            .copied()
                            .unwrap_or(ResultValue::NotEvaluated),
                    )),
                },
            })
            .collect()
    };
    ArfCriteria::Criteria {
        operator: c.operator.to_string(),
        negate: c.negate,
        result: Some(oval_result(results.criteria_result(c))),
        children,
    }
}

/// The same word in the report's enum. Both spell OVAL 5.11's `ResultEnumeration`; a word the
/// report does not know (none today) reads as `unknown`, as the reader would refuse it.
fn oval_result(r: ResultValue) -> OvalResult {
    r.to_string().parse().unwrap_or(OvalResult::Unknown)
}

fn object_flag(f: scap_oval::types::Flag) -> ObjectFlag {
    f.to_string().parse().unwrap_or(ObjectFlag::Error)
}

fn item_status(s: scap_oval::types::ItemStatus) -> ItemStatus {
    s.to_string().parse().unwrap_or(ItemStatus::Error)
}
