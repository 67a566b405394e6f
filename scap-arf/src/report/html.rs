//! One self-contained HTML page per scan: inline CSS and JavaScript, no network fetches.
//!
//! Laid out for an assessor: the header names the benchmark, profile (its title) and target;
//! the score and counts per result and per severity follow; then the findings (failed rules,
//! most severe first, each with its POAM ID and due date from the SLA, overdue ones marked),
//! then the rules that need manual review (`error`, `unknown`, `notchecked`, with why), then,
//! when the previous scan of the asset is given ([`super::Options::previous`]), what changed
//! since ([`super::diff`]), and last every other result (passed, not applicable, ...)
//! collapsed. Each rule is one collapsible entry with its description, rationale, references
//! (CCI, SRG, STIG, NIST 800-53, ...), the OVAL tests, objects and items that decided it, and
//! its fix. Filters (result, severity, free text) work without a server and can be set from
//! the URL fragment, so a link can point at a view:
//! `report.html#result=fail&severity=high&q=ssh&open=RULE_ID`.
//!
//! Every text from the content or the scan is escaped (quick-xml's escaping, which covers
//! `& < > " '`), so markup in a rule cannot run in the page.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use quick_xml::escape::escape;

use super::options::Options;
use super::poam::{self, Item};
use super::refs::RefKind;
use super::{OvalDetail, RuleReport, RuleStatus, ScanReport, Severity};
use crate::status::{ItemStatus, OvalResult};

/// Results in display order (their words are also the CSS classes of their badges).
const RESULTS: &[RuleStatus] = &[
    RuleStatus::Fail,
    RuleStatus::Error,
    RuleStatus::Unknown,
    RuleStatus::Pass,
    RuleStatus::Fixed,
    RuleStatus::NotChecked,
    RuleStatus::NotApplicable,
    RuleStatus::Informational,
    RuleStatus::NotSelected,
];

const CSS: &str = r#"
:root{--fail:#c9302c;--pass:#3c763d;--other:#777;--err:#8a6d3b;--bg:#fafafa}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:var(--bg);color:#222}
header{background:#263238;color:#fff;padding:16px 24px}
header h1{margin:0 0 4px;font-size:1.4em}
header .meta{font-size:.9em;opacity:.85}
main{padding:16px 24px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin-bottom:16px}
.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px 14px;min-width:110px}
.card .n{font-size:1.6em;font-weight:600}
.card.score .n{color:#263238}
table{border-collapse:collapse;margin:6px 0;font-size:.9em}
td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#eceff1}
.controls{position:sticky;top:0;background:var(--bg);padding:8px 0;border-bottom:1px solid #ddd;display:flex;flex-wrap:wrap;gap:12px;align-items:center;z-index:1}
.controls input[type=search]{padding:4px 8px;min-width:260px}
.controls label{font-size:.9em;white-space:nowrap}
details.rule{background:#fff;border:1px solid #ddd;border-left:6px solid var(--other);border-radius:4px;margin:6px 0}
details.rule[data-result=fail]{border-left-color:var(--fail)}
details.rule[data-result=pass]{border-left-color:var(--pass)}
details.rule[data-result=error],details.rule[data-result=unknown]{border-left-color:var(--err)}
details.rule>summary{cursor:pointer;padding:6px 10px;list-style:none;display:flex;gap:10px;align-items:baseline}
details.rule>summary .title{flex:1}
details.rule>summary .rid{font-family:monospace;font-size:.8em;color:#555}
.body{padding:4px 14px 12px}
.badge{display:inline-block;min-width:90px;text-align:center;border-radius:3px;padding:1px 6px;color:#fff;font-size:.8em;background:var(--other)}
.badge.fail{background:var(--fail)}.badge.pass{background:var(--pass)}.badge.error,.badge.unknown{background:var(--err)}
.sev{display:inline-block;font-size:.8em;text-transform:uppercase;width:70px}
.sev.high{color:var(--fail);font-weight:700}.sev.medium{color:#b35c00}
pre{background:#f3f3f3;padding:8px;overflow:auto;white-space:pre-wrap;font-size:.85em}
h4{margin:12px 0 4px}
td pre{margin:0;padding:2px 4px;background:none}
.count{margin-left:8px;color:#555;font-size:.9em}
h2{font-size:1.15em;margin:18px 0 6px}
h2 .n{color:#555;font-weight:400}
.due{font-size:.8em;white-space:nowrap;color:#555}
.due.overdue{color:var(--fail);font-weight:700}
.reason{background:#fcf8e3;border:1px solid #faebcc;padding:6px 8px;margin:6px 0;white-space:pre-wrap;font-size:.9em}
details.other>summary{cursor:pointer;font-weight:600;padding:6px 0}
.none{color:#555;font-style:italic}
.sev.critical{color:#8b0000;font-weight:700}
@media (max-width:700px){header,main{padding:10px}table{display:block;overflow-x:auto;max-width:100%}details.rule>summary{flex-wrap:wrap}.rid{display:none}.badge{min-width:0}.controls input[type=search]{min-width:0;width:100%}}
"#;

const JS: &str = r#"
(function(){
  var rules=Array.prototype.slice.call(document.querySelectorAll('details.rule'));
  var texts=rules.map(function(r){return r.textContent.toLowerCase();});
  var q=document.getElementById('q');
  var boxes=Array.prototype.slice.call(document.querySelectorAll('.controls input[type=checkbox]'));
  function checked(kind){var s={};boxes.forEach(function(b){if(b.dataset.kind===kind&&b.checked)s[b.value]=1;});return s;}
  function apply(){
    var res=checked('result'),sev=checked('severity'),t=q.value.trim().toLowerCase(),shown=0;
    for(var i=0;i<rules.length;i++){
      var r=rules[i];
      var ok=res[r.dataset.result]&&sev[r.dataset.severity]&&(!t||texts[i].indexOf(t)>=0);
      if(ok){r.removeAttribute('hidden');shown++;}else{r.setAttribute('hidden','');}
    }
    // A search reaches into the collapsed "other results" too.
    if(t){Array.prototype.forEach.call(document.querySelectorAll('details.other'),function(d){d.open=true;});}
    document.getElementById('shown').textContent=shown+' of '+rules.length+' rules shown';
  }
  function fromHash(){
    var h=location.hash.replace(/^#/,'');if(!h)return;
    var p={};h.split('&').forEach(function(kv){var i=kv.indexOf('=');if(i>0)p[decodeURIComponent(kv.slice(0,i))]=decodeURIComponent(kv.slice(i+1).replace(/\+/g,' '));});
    ['result','severity'].forEach(function(kind){
      if(p[kind]===undefined)return;var want={};p[kind].split(',').forEach(function(v){want[v]=1;});
      boxes.forEach(function(b){if(b.dataset.kind===kind)b.checked=!!want[b.value];});
    });
    if(p.q!==undefined)q.value=p.q;
    if(p.open!==undefined){rules.forEach(function(r){if(r.dataset.id===p.open||p.open==='all'){r.open=true;var o=r.closest('details.other');if(o)o.open=true;}});}
  }
  boxes.forEach(function(b){b.addEventListener('change',apply);});
  q.addEventListener('input',apply);
  window.addEventListener('hashchange',function(){fromHash();apply();});
  fromHash();apply();
})();
"#;

fn e(s: &str) -> std::borrow::Cow<'_, str> {
    escape(s)
}

/// Renders the report as one HTML document with the default [`Options`] (the default SLA,
/// due dates as of the scan's date, no previous scan).
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"),
///     "/tests/fixtures/arf/ssg-chromium-stig-oscap-arf.xml"))?;
/// let report = scap_arf::report::ScanReport::from_arf(&scap_arf::Arf::parse(&text)?)?;
/// let html = scap_arf::report::html::render(&report);
/// assert!(html.contains("data-result=\"fail\""));
/// assert!(html.contains("Findings <span class=\"n\">(31)</span>"));
/// assert!(!html.contains("<script src"));
/// # Ok(()) }
/// ```
pub fn render(r: &ScanReport) -> String {
    render_with(r, &Options::default())
}

/// Renders the report as one HTML document with `o`: due dates from its SLA, history and
/// as-of date, a "what changed" section when it holds the previous scan.
pub fn render_with(r: &ScanReport, o: &Options) -> String {
    let mut out = String::with_capacity(64 * 1024 + r.rules.len() * 4096);
    let title = r.benchmark.title.as_deref().unwrap_or(&r.benchmark.id);
    let host = target_name(r);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\
         <title>{} on {}</title><style>{CSS}</style></head><body>\n",
        e(title),
        e(&host)
    );
    header(&mut out, r, title, &host, o);
    out.push_str("<main>\n");
    summary(&mut out, r);
    controls(&mut out, r);
    let items: Vec<Item> = poam::items(r, o);
    let findings = r.findings();
    let _ = writeln!(
        out,
        "<section id=\"findings\"><h2>Findings <span class=\"n\">({})</span></h2>",
        items.len()
    );
    if items.is_empty() {
        out.push_str("<p class=\"none\">No rule failed.</p>");
    }
    for (rule, item) in findings.iter().zip(&items) {
        rule_entry(&mut out, rule, Some(item), None);
    }
    // Vulnerability items follow the rules' (see `poam::items`).
    for item in items.iter().skip(findings.len()) {
        vulnerability_entry(&mut out, item);
    }
    let review = r.needs_review();
    let _ = writeln!(
        out,
        "</section>\n<section id=\"review\"><h2>Needs manual review <span class=\"n\">({})</span></h2>",
        review.len()
    );
    if review.is_empty() {
        out.push_str("<p class=\"none\">Every selected rule was decided by its check.</p>");
    }
    for ri in &review {
        if let Some(rule) = r.rules.iter().find(|x| x.id == ri.id) {
            rule_entry(&mut out, rule, None, Some(&ri.reason));
        }
    }
    out.push_str("</section>\n");
    if let Some(prev) = &o.previous {
        super::diff::html_section(&mut out, &super::diff::diff(prev, r));
    }
    let other: Vec<&RuleReport> = r
        .rules
        .iter()
        .filter(|x| !x.result.is_open() && !x.result.needs_review())
        .collect();
    let _ = writeln!(
        out,
        "<section id=\"other\"><details class=\"other\"><summary>Other results <span class=\"n\">({})</span>: passed, not applicable, not selected, informational</summary>",
        other.len()
    );
    for rule in other {
        rule_entry(&mut out, rule, None, None);
    }
    let _ = writeln!(
        out,
        "</details></section></main><script>{JS}</script></body></html>"
    );
    out
}

/// [`render_with`] to a writer: what [`super::Format::Html`] writes.
pub(crate) fn write(
    r: &ScanReport,
    o: &Options,
    out: &mut dyn std::io::Write,
) -> crate::Result<()> {
    Ok(out.write_all(render_with(r, o).as_bytes())?)
}

/// The target's name for the header: host name, else FQDN, else first address, else
/// "unknown host".
fn target_name(r: &ScanReport) -> String {
    let t = &r.target;
    t.hostname
        .as_deref()
        .filter(|h| !h.is_empty())
        .or(t.fqdn.as_deref())
        .or(t.ip_addresses.first().map(String::as_str))
        .unwrap_or("unknown host")
        .to_string()
}

fn header(o: &mut String, r: &ScanReport, title: &str, host: &str, opts: &Options) {
    let _ = write!(o, "<header><h1>{}</h1><div class=\"meta\">", e(title));
    let profile = r
        .benchmark
        .profile_title
        .as_deref()
        .or(r.benchmark.profile_id.as_deref())
        .unwrap_or("(default selection)");
    let _ = write!(
        o,
        "Profile: <span title=\"{}\">{}</span> &middot; Target: {}",
        e(r.benchmark.profile_id.as_deref().unwrap_or("")),
        e(profile),
        e(host)
    );
    if let Some(f) = r.target.fqdn.as_deref().filter(|f| *f != host) {
        let _ = write!(o, " ({})", e(f));
    }
    if !r.target.ip_addresses.is_empty() {
        let _ = write!(o, " ({})", e(&r.target.ip_addresses.join(", ")));
    }
    if let Some(t) = &r.test_result.start_time {
        let _ = write!(o, " &middot; Started: {}", e(t));
    }
    if let Some(t) = &r.test_result.end_time {
        let _ = write!(o, " &middot; Finished: {}", e(t));
    }
    if let Some(v) = &r.benchmark.version {
        let _ = write!(o, " &middot; Benchmark version: {}", e(v));
    }
    if let Some(s) = &r.test_result.test_system {
        let _ = write!(o, " &middot; Scanner: {}", e(s));
    }
    // The platform facts our scans record (absent from oscap's results), each with the
    // evidence it was read from as a tooltip.
    if let Some(os) = &r.target.os {
        let _ = write!(o, " &middot; OS: {}", e(os));
    }
    for (label, fact) in [
        ("FIPS mode", &r.target.fips_mode),
        ("Secure Boot", &r.target.secure_boot),
    ] {
        if let Some(f) = fact {
            let _ = write!(
                o,
                " &middot; {label}: <span title=\"{}\">{}</span>",
                e(&f.evidence),
                e(&f.answer)
            );
        }
    }
    if let Some(v) = &r.benchmark.signature {
        let _ = write!(o, " &middot; Content signature: {}", e(v));
    }
    let _ = write!(
        o,
        " &middot; Due dates as of {}",
        poam::as_of(r, opts).format("%Y-%m-%d")
    );
    o.push_str("</div></header>\n");
}

fn summary(o: &mut String, r: &ScanReport) {
    o.push_str("<section class=\"cards\">");
    for s in &r.scores {
        let max = s.maximum.map(|m| format!(" / {m:.2}")).unwrap_or_default();
        let system = s.system.as_deref().unwrap_or("score");
        let short = system.rsplit(':').next().unwrap_or(system);
        let _ = write!(
            o,
            "<div class=\"card score\" title=\"{}\"><div class=\"n\">{:.2}{}</div>score ({})</div>",
            e(system),
            s.value,
            e(&max),
            e(short)
        );
    }
    for res in RESULTS {
        let n = r.count(*res);
        if n > 0 {
            let _ = write!(
                o,
                "<div class=\"card\"><div class=\"n\">{n}</div><span class=\"badge {res}\">{res}</span></div>"
            );
        }
    }
    o.push_str("</section>\n");
    // Severity by result: how many of each severity failed, passed, ...
    let mut by: BTreeMap<(Severity, &str), usize> = BTreeMap::new();
    for rule in &r.rules {
        *by.entry((Severity::parse(&rule.severity), rule.result.as_str()))
            .or_insert(0) += 1;
    }
    let results: Vec<&str> = RESULTS
        .iter()
        .filter(|x| r.count(**x) > 0)
        .map(|x| x.as_str())
        .collect();
    o.push_str("<table class=\"sevtable\"><tr><th>Severity</th>");
    for res in &results {
        let _ = write!(o, "<th>{res}</th>");
    }
    o.push_str("</tr>");
    for sev in Severity::BY_URGENCY {
        let _ = write!(o, "<tr><th class=\"sev {sev}\">{sev}</th>");
        for res in &results {
            let n = by.get(&(sev, *res)).copied().unwrap_or(0);
            let _ = write!(o, "<td>{n}</td>");
        }
        o.push_str("</tr>");
    }
    o.push_str("</table>\n");
}

fn controls(o: &mut String, r: &ScanReport) {
    o.push_str("<div class=\"controls\"><input type=\"search\" id=\"q\" placeholder=\"Search title, id, CCI, text\" aria-label=\"search\">");
    o.push_str("<span>Result:");
    for res in RESULTS.iter().filter(|x| r.count(**x) > 0) {
        // Every result is shown by default but `notselected` (rules outside the profile,
        // which oscap also lists): an assessor filters from there.
        let checked = if *res == RuleStatus::NotSelected {
            ""
        } else {
            " checked"
        };
        let _ = write!(
            o,
            " <label><input type=\"checkbox\" data-kind=\"result\" value=\"{res}\"{checked}>{res}</label>"
        );
    }
    o.push_str("</span><span>Severity:");
    for sev in Severity::BY_URGENCY.map(Severity::as_str) {
        let _ = write!(
            o,
            " <label><input type=\"checkbox\" data-kind=\"severity\" value=\"{sev}\" checked>{sev}</label>"
        );
    }
    o.push_str("</span><span id=\"shown\" class=\"count\"></span></div>\n");
}

fn para(o: &mut String, heading: &str, text: &str) {
    if text.trim().is_empty() {
        return;
    }
    let _ = write!(o, "<h4>{heading}</h4><pre>{}</pre>", e(text.trim()));
}

/// One vulnerability item (a CVE in a package) among the findings.
fn vulnerability_entry(o: &mut String, i: &Item) {
    // The normalised word: never the source's text inside an attribute.
    let sev = Severity::parse(&i.severity).as_str();
    let due = i.due.map(|d| d.format("%Y-%m-%d").to_string());
    let due = due.as_deref().unwrap_or("?");
    let _ = write!(
        o,
        "<details class=\"rule vuln\" data-id=\"{}\" data-result=\"fail\" data-severity=\"{sev}\"><summary>\
         <span class=\"badge fail\">vulnerable</span><span class=\"sev {sev}\">{sev}</span>\
         <span class=\"title\">{}</span><span class=\"due{}\" title=\"{}\">{}due {due}</span>\
         <span class=\"rid\">{}</span></summary><div class=\"body\">",
        e(&i.weakness_id),
        e(&i.title),
        if i.overdue { " overdue" } else { "" },
        e(&i.poam_id),
        if i.overdue { "OVERDUE, " } else { "" },
        e(&i.weakness_id),
    );
    let _ = write!(
        o,
        "<table class=\"poam\"><tr><th>POAM ID</th><td>{}</td><th>Detected</th><td>{}</td><th>Due</th><td>{due}</td></tr></table>",
        e(&i.poam_id),
        i.detected.format("%Y-%m-%d"),
    );
    para(o, "Description", &i.description);
    para(o, "What the scan found", &i.details);
    para(o, "Remediation", &i.remediation);
    o.push_str("</div></details>\n");
}

/// One rule: `item` (a finding's POA&M item) puts its due date in the summary line,
/// `reason` (a review item's) heads the body.
fn rule_entry(o: &mut String, rule: &RuleReport, item: Option<&Item>, reason: Option<&str>) {
    let sev = Severity::parse(&rule.severity).as_str();
    let _ = write!(
        o,
        "<details class=\"rule\" data-id=\"{}\" data-result=\"{}\" data-severity=\"{sev}\"><summary>\
         <span class=\"badge {}\">{}</span><span class=\"sev {sev}\">{sev}</span>\
         <span class=\"title\">{}</span>",
        e(&rule.id),
        e(rule.result.as_str()),
        e(rule.result.as_str()),
        e(rule.result.as_str()),
        e(&rule.title),
    );
    if let Some(i) = item {
        let due = i.due.map(|d| d.format("%Y-%m-%d").to_string());
        let due = due.as_deref().unwrap_or("?");
        if i.overdue {
            let _ = write!(
                o,
                "<span class=\"due overdue\" title=\"{}\">OVERDUE, due {due}</span>",
                e(&i.poam_id)
            );
        } else {
            let _ = write!(
                o,
                "<span class=\"due\" title=\"{}\">due {due}</span>",
                e(&i.poam_id)
            );
        }
    }
    let _ = write!(
        o,
        "<span class=\"rid\">{}</span></summary><div class=\"body\">",
        e(&rule.id)
    );
    if let Some(why) = reason {
        let _ = write!(
            o,
            "<div class=\"reason\"><b>Why it needs review:</b> {}</div>",
            e(why)
        );
    }
    if let Some(i) = item {
        let _ = write!(
            o,
            "<table class=\"poam\"><tr><th>POAM ID</th><td>{}</td><th>Detected</th><td>{}</td><th>Due</th><td>{}</td></tr></table>",
            e(&i.poam_id),
            i.detected.format("%Y-%m-%d"),
            i.due
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default()
        );
    }
    para(o, "Description", &rule.description);
    para(o, "Rationale", &rule.rationale);
    if !rule.refs.is_empty() || rule.version.is_some() {
        o.push_str("<h4>References</h4><table class=\"refs\">");
        if let Some(v) = &rule.version {
            let _ = write!(o, "<tr><th>Version</th><td>{}</td></tr>", e(v));
        }
        let mut kinds: BTreeMap<RefKind, Vec<&str>> = BTreeMap::new();
        for x in &rule.refs {
            kinds.entry(x.kind).or_default().push(&x.id);
        }
        for (k, ids) in kinds {
            let _ = write!(
                o,
                "<tr><th>{}</th><td>{}</td></tr>",
                k.label(),
                e(&ids.join(", "))
            );
        }
        o.push_str("</table>");
    }
    if !rule.oval.is_empty() {
        o.push_str("<h4>OVAL details</h4>");
        for d in &rule.oval {
            oval_detail(o, d);
        }
    }
    if !rule.messages.is_empty() {
        para(o, "Messages", &rule.messages.join("\n"));
    }
    para(o, "Fix text", &rule.fix_text);
    for f in &rule.fix_scripts {
        if !f.script.is_empty() {
            let _ = write!(
                o,
                "<h4>Fix script <small>({})</small></h4><pre>{}</pre>",
                e(&f.system),
                e(&f.script)
            );
        }
    }
    o.push_str("</div></details>\n");
}

/// Results, flags and statuses are enum words (letters and spaces), so they are written
/// unescaped; every string from the content or the scan still goes through `e`.
fn oval_detail(o: &mut String, d: &OvalDetail) {
    let _ = write!(
        o,
        "<div class=\"oval\"><p>Definition <code>{}</code>{}: <b>{}</b></p>",
        e(&d.definition_id),
        d.title
            .as_deref()
            .map(|t| format!(" ({})", e(t)))
            .unwrap_or_default(),
        d.result
    );
    for t in &d.tests {
        let _ = write!(
            o,
            "<p>Test <code>{}</code> {}: <b>{}</b> (check {}, existence {}){}</p>",
            e(&t.id),
            e(t.comment.as_deref().unwrap_or("")),
            t.result.map_or("", OvalResult::as_str),
            e(t.check.as_deref().unwrap_or("all")),
            e(t.check_existence
                .as_deref()
                .unwrap_or("at_least_one_exists")),
            match (&t.object_id, &t.object_flag) {
                (Some(id), Some(flag)) => format!("; object <code>{}</code>: {}", e(id), flag),
                _ => String::new(),
            }
        );
        for (id, value) in &t.variables {
            let _ = write!(
                o,
                "<p>Compared with variable <code>{}</code> = <code>{}</code></p>",
                e(id),
                e(value)
            );
        }
        if t.items.is_empty() {
            continue;
        }
        o.push_str("<table class=\"items\"><tr><th>Item</th><th>Result</th><th>Values</th></tr>");
        for i in &t.items {
            let _ = write!(
                o,
                "<tr><td>{} <code>{}</code> ({})</td><td>{}</td><td><table>",
                e(&i.kind),
                e(&i.id),
                i.status.map_or("", ItemStatus::as_str),
                i.result.map_or("", OvalResult::as_str)
            );
            for (k, v) in &i.fields {
                let _ = write!(o, "<tr><th>{}</th><td><pre>{}</pre></td></tr>", e(k), e(v));
            }
            o.push_str("</table></td></tr>");
        }
        o.push_str("</table>");
    }
    o.push_str("</div>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{RuleReport, SCHEMA_VERSION};

    fn report_with(rule: RuleReport) -> ScanReport {
        let mut counts = BTreeMap::new();
        counts.insert(rule.result, 1);
        ScanReport {
            schema_version: SCHEMA_VERSION,
            benchmark: Default::default(),
            test_result: Default::default(),
            target: Default::default(),
            scores: Vec::new(),
            counts,
            rules: vec![rule],
            vulnerabilities: Vec::new(),
        }
    }

    #[test]
    fn content_markup_is_escaped() {
        let rule = RuleReport {
            id: "r\"><script>alert(1)</script>".into(),
            title: "<img src=x onerror=alert(1)>".into(),
            result: RuleStatus::Fail,
            severity: "high\" onmouseover=\"x".into(),
            description: "</pre><script>bad()</script>".into(),
            ..RuleReport::default()
        };
        let html = render(&report_with(rule));
        assert!(html.contains("Findings <span class=\"n\">(1)</span>"));
        assert!(!html.contains("<img src=x"));
        assert!(!html.contains("<script>alert"));
        assert!(!html.contains("<script>bad"));
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
        // An unknown severity falls back to "unknown" rather than reaching an attribute.
        assert!(html.contains("data-severity=\"unknown\""));
        assert_eq!(html.matches("<script>").count(), 1);
    }
}
