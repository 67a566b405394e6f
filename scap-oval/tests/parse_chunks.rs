//! The parser reads a document's outline, then parses its elements a run at a time, each run
//! framed by the root's and the section's start tags (no tree of the whole document). These
//! documents are larger than several runs, so that what a run cannot see by itself (positions
//! in the whole text, namespaces declared above it, the node limit over the whole document) is
//! checked across runs.

use scap_oval::{Definitions, Error, Fragment, Limits, Namespace, Position};

const ROOT: &str = r#"<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5" xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5" xmlns:ds="http://www.w3.org/2000/09/xmldsig#">"#;
const GENERATOR: &str = "<generator><oval:schema_version>5.11</oval:schema_version><oval:timestamp>2024-01-01T00:00:00</oval:timestamp></generator>";

/// `n` definitions, `per_line` to a line, each referring to a test that does not exist (so
/// each is invalid, with the position of its `<criterion>`), titles with a non-ASCII letter.
fn definitions(n: usize, per_line: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        out.push_str(&format!(
            r#"<definition id="oval:x:def:{i}" version="1" class="compliance"><metadata><title>Réglage {i}</title><description>d</description></metadata><criteria><criterion test_ref="oval:x:tst:{i}"/></criteria></definition>"#
        ));
        out.push(if (i + 1) % per_line == 0 { '\n' } else { ' ' });
    }
    out
}

/// The line and column of byte `offset`, counted here (lines end at `\n`, columns are
/// characters).
fn position(text: &str, offset: usize) -> Position {
    let before = &text[..offset];
    let line = 1 + before.matches('\n').count() as u32;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = 1 + before[line_start..].chars().count() as u32;
    Position { line, column }
}

/// Where each `<criterion` is, in order.
fn criteria(text: &str) -> Vec<Position> {
    text.match_indices("<criterion ")
        .map(|(i, _)| position(text, i))
        .collect()
}

/// The positions of the invalid definitions' dangling references, in order.
fn dangling(defs: &Definitions) -> Vec<Position> {
    defs.invalid
        .iter()
        .map(|x| match &x.error {
            Error::DanglingReference { position, .. } => *position,
            other => panic!("expected a dangling reference, got {other:?}"),
        })
        .collect()
}

#[test]
fn positions_in_every_run_are_positions_in_the_document() {
    for per_line in [1, 3, 1000] {
        let text = format!(
            "{ROOT}\n{GENERATOR}\n<definitions>\n{}</definitions>\n</oval_definitions>\n",
            definitions(1000, per_line)
        );
        assert!(text.len() > 3 * 64 * 1024, "several runs");
        let defs = Definitions::parse(text.as_bytes()).unwrap();
        assert_eq!(defs.invalid.len(), 1000);
        assert_eq!(dangling(&defs), criteria(&text), "{per_line} to a line");
    }
}

#[test]
fn a_data_stream_component_keeps_the_data_stream_positions() {
    // The `oval` prefix is declared by the data stream, not by the component.
    let ds_root = r#"<ds:data-stream-collection xmlns:ds="http://scap.nist.gov/schema/scap/source/1.2" xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5">"#;
    let text = format!(
        "{ds_root}\n  <ds:component id=\"c\">  <oval_definitions xmlns=\"http://oval.mitre.org/XMLSchema/oval-definitions-5\">{GENERATOR}<definitions>{}</definitions></oval_definitions></ds:component>\n</ds:data-stream-collection>\n",
        definitions(800, 2)
    );
    let start = text.find("<oval_definitions").unwrap();
    let end = text.find("</ds:component>").unwrap();
    let oval = Namespace::new(
        Some("oval"),
        "http://oval.mitre.org/XMLSchema/oval-common-5",
    );
    let fragment = Fragment::new(start..end, vec![oval]);
    let defs = Definitions::parse_fragment(&text, &fragment, &Limits::default()).unwrap();
    assert_eq!(defs.generator.schema_version, "5.11");
    assert_eq!(dangling(&defs), criteria(&text));
}

#[test]
fn namespaces_declared_above_a_run_resolve_in_it() {
    // SSG writes the core namespace with a prefix; a section declares one of its own; a
    // signature and notes sit among the elements of a section (skipped, without a warning).
    let filler = definitions(600, 1)
        .replace("<definition ", "<d:definition ")
        .replace("</definition>", "</d:definition>");
    let filler = filler
        .replace("<metadata>", "<d:metadata>")
        .replace("</metadata>", "</d:metadata>")
        .replace("<title>", "<d:title>")
        .replace("</title>", "</d:title>")
        .replace("<description>", "<d:description>")
        .replace("</description>", "</d:description>")
        .replace("<criteria>", "<d:criteria>")
        .replace("</criteria>", "</d:criteria>")
        .replace("<criterion ", "<d:criterion ");
    let text = format!(
        r#"<d:oval_definitions xmlns:d="http://oval.mitre.org/XMLSchema/oval-definitions-5" xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5" xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
<d:generator><oval:schema_version>5.11</oval:schema_version><oval:timestamp>t</oval:timestamp></d:generator>
<d:definitions>{filler}<ds:Signature/><d:notes><d:note>n</d:note></d:notes></d:definitions>
<d:tests xmlns:lin="http://oval.mitre.org/XMLSchema/oval-definitions-5#linux">{}</d:tests>
</d:oval_definitions>"#,
        (0..600)
            .map(|i| format!(r#"<lin:dpkginfo_test id="oval:x:tst:{i}" version="1" check="all"><lin:object object_ref="oval:x:obj:1"/></lin:dpkginfo_test>"#))
            .collect::<String>()
    );
    let defs = Definitions::parse(text.as_bytes()).unwrap();
    assert_eq!(defs.definitions.len(), 600, "{:?}", defs.invalid.first());
    assert!(defs.warnings.is_empty(), "{:?}", defs.warnings);
    // The tests are dpkginfo tests of the linux namespace, each invalid only for its object.
    assert_eq!(defs.invalid.len(), 600);
    assert!(defs.invalid.iter().all(|x| matches!(
        &x.error,
        Error::DanglingReference { element, missing, .. }
            if element == "object" && missing == "oval:x:obj:1"
    )));
}

#[test]
fn syntax_errors_in_a_later_run_say_where() {
    let body = definitions(1000, 1);
    // Break the 900th definition's end tag.
    let at = body.match_indices("</definition>").nth(899).unwrap().0;
    let broken = format!("{}</definitiox>{}", &body[..at], &body[at + 13..]);
    let text = format!(
        "{ROOT}\n{GENERATOR}\n<definitions>\n{broken}</definitions>\n</oval_definitions>\n"
    );
    let Err(Error::Xml(e)) = Definitions::parse(text.as_bytes()) else {
        panic!("expected a syntax error")
    };
    let line = position(&text, text.find("</definitiox>").unwrap()).line;
    assert_eq!(e.line, line, "{e:?}");
    // A message that names its position names the document's (an attribute given twice in
    // the 901st definition, which roxmltree reports with its position in the message).
    let late = body.match_indices("<definition ").nth(900).unwrap().0;
    let doubled = format!(
        "{}<definition id=\"twice\" {}",
        &body[..late],
        &body[late + "<definition ".len()..]
    );
    let text = format!(
        "{ROOT}\n{GENERATOR}\n<definitions>\n{doubled}</definitions>\n</oval_definitions>\n"
    );
    let Err(Error::Xml(e)) = Definitions::parse(text.as_bytes()) else {
        panic!("expected a syntax error")
    };
    assert_eq!(
        e.line,
        position(&text, text.find("twice").unwrap()).line,
        "{e}"
    );
    assert!(
        e.message.contains(&format!("{}:{}", e.line, e.column)),
        "{e}"
    );

    for (bad, what) in [
        (
            format!("{ROOT}{GENERATOR}</oval_definitions><x/>"),
            "a second root",
        ),
        (
            format!("{ROOT}{GENERATOR}</oval_definitions>text"),
            "text after the root",
        ),
        (format!("{ROOT}{GENERATOR}<definitions>"), "no end"),
        (
            format!("{ROOT}{GENERATOR}<definitions a='1' a='2'></definitions></oval_definitions>"),
            "a duplicate attribute on a section",
        ),
        (
            format!(
                "{ROOT}{GENERATOR}<definitions><definition id='a' id='b'/></definitions></oval_definitions>"
            ),
            "a duplicate attribute on an element",
        ),
        (
            format!("{ROOT}{GENERATOR}<definitions>&bogus;</definitions></oval_definitions>"),
            "an unknown entity",
        ),
        (
            format!(
                "{ROOT}{GENERATOR}<definitions><definition id='a'>&bogus;</definition></definitions></oval_definitions>"
            ),
            "an unknown entity in an element",
        ),
    ] {
        assert!(
            matches!(Definitions::parse(bad.as_bytes()), Err(Error::Xml(_))),
            "{what}"
        );
    }
}

#[test]
fn the_node_limit_is_over_the_whole_document() {
    let text = format!(
        "{ROOT}\n{GENERATOR}\n<definitions>\n{}</definitions>\n</oval_definitions>\n",
        definitions(1000, 1)
    );
    let nodes = roxmltree::Document::parse(&text)
        .unwrap()
        .descendants()
        .count() as u32;
    // Every run is far below half the document's nodes.
    let half = Limits::default().with_max_nodes(nodes / 2);
    assert!(matches!(
        Definitions::parse_with_limits(text.as_bytes(), &half),
        Err(Error::Xml(e)) if e.message.contains("nodes limit")
    ));
    let enough = Limits::default().with_max_nodes(nodes + 16);
    assert!(Definitions::parse_with_limits(text.as_bytes(), &enough).is_ok());
}

#[test]
fn a_byte_order_mark_is_read_past() {
    let text = format!(
        "\u{feff}<?xml version=\"1.0\"?>\n{ROOT}\n{GENERATOR}\n<definitions>\n{}</definitions>\n</oval_definitions>\n",
        definitions(300, 1)
    );
    let defs = Definitions::parse(text.as_bytes()).unwrap();
    assert_eq!(defs.generator.schema_version, "5.11");
    assert_eq!(dangling(&defs), criteria(&text));
}
