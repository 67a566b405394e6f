//! OSCAL 1.1 plan of action and milestones (JSON): the POA&M items of [`super::poam`] (open
//! findings only: failed rules and vulnerabilities), each with its observation and its risk (deadline: the due date), the
//! asset as an inventory item (the mapping in [`super::oscal`]).
//!
//! The document's UUID is stable per asset, benchmark and profile, and each item's per POAM
//! ID, so a later scan's POA&M is a revision of the same document with the same items. Each
//! POA&M item carries FedRAMP's `POAM-ID` property. OSCAL requires at least one
//! `poam-item`: a scan with no open finding writes an empty list, which the schema refuses
//! (there is nothing to plan).

use serde_json::{Value, json};

use super::ScanReport;
use super::options::Options;
use super::oscal::{self, line, set_list};
use crate::error::Result;

/// The POA&M document as a JSON value.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use scap_arf::report::{Options, ScanReport, oscal_poam, poam};
/// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"),
///     "/tests/fixtures/arf/linux-baseline-debian11-oscap-arf.xml"))?;
/// let report = ScanReport::from_arf(&scap_arf::Arf::parse(&text)?)?;
/// let doc = oscal_poam::document(&report, &Options::default());
/// let items = &doc["plan-of-action-and-milestones"]["poam-items"];
/// assert_eq!(items.as_array().map(Vec::len), Some(3));
/// let first = &poam::items(&report, &Options::default())[0];
/// assert_eq!(items[0]["props"][0]["value"].as_str(), Some(first.poam_id.as_str()));
/// # Ok(()) }
/// ```
pub fn document(r: &ScanReport, o: &Options) -> Value {
    let asset = super::poam::asset_identifier(r);
    let title = format!(
        "POA&M: {} on {asset}",
        r.benchmark.title.as_deref().unwrap_or(&r.benchmark.id)
    );
    let items = super::poam::items(r, o);
    let findings = r.findings();
    // The first items are the failed rules' (same order as `findings`), the rest
    // vulnerabilities.
    let rule_of = |n: usize| findings.get(n).copied();
    let observations: Vec<Value> = items
        .iter()
        .enumerate()
        .map(|(n, i)| match rule_of(n) {
            Some(rule) => oscal::observation(r, o, rule),
            None => oscal::item_observation(r, o, i),
        })
        .collect();
    let risks: Vec<Value> = items
        .iter()
        .enumerate()
        .map(|(n, i)| oscal::risk(r, i, rule_of(n)))
        .collect();
    let items: Vec<Value> = items
        .iter()
        .enumerate()
        .map(|(n, i)| {
            let mut props =
                vec![json!({"name": "POAM-ID", "ns": oscal::FEDRAMP_NS, "value": i.poam_id})];
            if i.overdue {
                props.push(json!({"name": "overdue", "ns": oscal::NS, "value": "true"}));
            }
            let observation = match rule_of(n) {
                Some(rule) => oscal::observation_uuid(r, rule),
                None => oscal::item_observation_uuid(r, i),
            };
            json!({
                "uuid": oscal::uuid(&format!("poam-item:{}", i.poam_id)),
                "title": line(&i.title),
                "description": i.description,
                "props": props,
                "related-observations": [{"observation-uuid": observation}],
                "related-risks": [{"risk-uuid": oscal::risk_uuid(i)}],
            })
        })
        .collect();
    let mut doc = json!({
        "uuid": oscal::uuid(&format!("poam:{asset}:{}:{}", r.benchmark.id, r.benchmark.profile_id.as_deref().unwrap_or(""))),
        "metadata": oscal::metadata(r, o, &title),
        "system-id": {"identifier-type": "https://ietf.org/rfc/rfc4122", "id": oscal::asset_uuid(r)},
        "local-definitions": {"inventory-items": oscal::inventory(r)},
    });
    set_list(&mut doc, "observations", observations);
    set_list(&mut doc, "risks", risks);
    doc["poam-items"] = Value::Array(items);
    json!({"plan-of-action-and-milestones": doc})
}

/// [`document`] to a writer: what [`super::Format::OscalPoam`] writes.
pub(crate) fn write(r: &ScanReport, o: &Options, out: &mut dyn std::io::Write) -> Result<()> {
    super::format::json_to(out, &document(r, o))
}
