//! Positions in messages name the data stream file: each component is parsed alone from its
//! fragment of the text (`scap_xml::Fragment`), and what its parser reports is still a line
//! and column of the whole file, as when the whole file was one parsed document.
#![allow(clippy::unwrap_used)] // test helpers: a failure is a test failure

use scap::Content;

const DS: &str = include_str!("fixtures/linux-baseline-ds.xml");

/// 1-based line and column (in characters) of byte `at` of `text`.
fn position_at(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap().chars().count() + 1;
    (line, column)
}

/// Where `needle` first starts in `text`.
fn position_of(text: &str, needle: &str) -> (usize, usize) {
    position_at(text, text.find(needle).unwrap())
}

/// `DS` with `with` put just before the first `anchor` after `after`.
fn edited(after: &str, anchor: &str, with: &str) -> String {
    let from = DS.find(after).unwrap();
    let at = from + DS[from..].find(anchor).unwrap();
    format!("{}{with}{}", &DS[..at], &DS[at..])
}

#[test]
fn an_oval_warning_names_its_line_in_the_data_stream() {
    // A definition without an id, in the second OVAL component (line 97 on).
    let bad = "<definition version=\"1\" class=\"compliance\"/>\n        ";
    let text = edited(
        "<ds:component id=\"scap_io.github.scap-rs_comp_linux-baseline-oval.xml\"",
        "<definition id=",
        bad,
    );
    let (line, column) = position_of(&text, bad);
    assert!(line > 90, "the definition is deep in the file: line {line}");
    let content = Content::from_text(&text, "ds.xml", &Default::default()).unwrap();
    let expected = format!("{line}:{column}: <definition> has no `id`");
    let warnings = content.warnings();
    assert!(
        warnings.iter().any(|w| w.message.contains(&expected)),
        "{expected} not in {warnings:#?}"
    );
}

#[test]
fn a_malformed_component_names_its_line_in_the_data_stream() {
    // An end tag that closes nothing: the index of the data stream (one streaming pass over
    // the whole file) refuses it, as the whole-file parse did.
    let text = edited("<oval_definitions", "<definitions>", "</bad>\n      ");
    let (line, column) = position_of(&text, "</bad>");
    let err = Content::from_text(&text, "ds.xml", &Default::default()).unwrap_err();
    let expected = format!("{line}:{column}");
    assert!(
        err.to_string().contains(&expected),
        "{expected} not in {err}"
    );
}

#[test]
fn an_oval_xml_error_names_its_line_in_the_data_stream() {
    // An unbound prefix, which only the component's own parse sees: that component does not
    // load (its rules error), the rest of the content does.
    let text = edited("<oval_definitions", "<definitions>", "<nope:x/>\n      ");
    // roxmltree points at the prefixed name, as it did in the whole file.
    let (line, column) = position_of(&text, "nope:x/>");
    let content = Content::from_text(&text, "ds.xml", &Default::default()).unwrap();
    let (id, oval) = content.oval_components().next().unwrap();
    assert!(id.ends_with("cpe-oval.xml"));
    let err = oval.as_ref().as_ref().unwrap_err();
    let scap::oval::Error::Xml(e) = err else {
        panic!("not an XML error: {err}")
    };
    assert_eq!((e.line as usize, e.column as usize), (line, column), "{e}");
    assert!(content.oval_components().nth(1).unwrap().1.is_ok());
}

#[test]
fn an_xccdf_error_names_its_line_in_the_data_stream() {
    let rule = "<Rule id=\"xccdf_io.github.scap-rs_rule_file_permissions_etc_passwd\" selected=\"true\"/>\n        ";
    let text = edited(
        "<Benchmark",
        "<Rule id=\"xccdf_io.github.scap-rs_rule_file_permissions_etc_shadow\"",
        rule,
    );
    // The inserted rule comes after the one it duplicates.
    let duplicate = text.find(rule).unwrap();
    let first = text
        .find("<Rule id=\"xccdf_io.github.scap-rs_rule_file_permissions_etc_passwd\"")
        .unwrap();
    assert!(duplicate > first);
    let (line, column) = position_at(&text, duplicate);
    let err = Content::from_text(&text, "ds.xml", &Default::default()).unwrap_err();
    let expected = format!("{line}:{column}: duplicate item id");
    assert!(
        err.to_string().contains(&expected),
        "{expected} not in {err}"
    );
}
