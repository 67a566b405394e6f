//! Text properties: plain strings with a language, and XHTML-rich ("mixed content") text.

use roxmltree::Node;

use crate::xml::{self, XHTML, XML_NS};

/// A text property such as a title, description, rationale or warning.
///
/// `xml` keeps the element's inner XML source (XHTML markup and XCCDF `sub` elements included,
/// each foreign element carrying its `xmlns`) so a report writer can render it; [`Text::plain`]
/// gives a plain-text rendering.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Text {
    /// Inner XML of the element (for plain-text elements, the escaped text).
    pub xml: String,
    /// Plain text: all descendant text concatenated, `<br/>` as a newline.
    pub text: String,
    /// `xml:lang`, if present.
    pub lang: Option<String>,
    /// The `override` attribute (item inheritance, XCCDF 1.2 section 7.2.2.1.1).
    pub override_: bool,
}

impl Text {
    /// Builds a text property from an element.
    pub(crate) fn from_node(node: Node<'_, '_>) -> Self {
        let mut xml = xml::inner_xml(node);
        let mut text = plain_text(node);
        xml.shrink_to_fit();
        text.shrink_to_fit();
        Text {
            xml,
            text,
            lang: node.attribute((XML_NS, "lang")).map(str::to_string),
            override_: matches!(node.attribute("override"), Some("true" | "1")),
        }
    }

    /// Builds a plain-text property (no markup).
    ///
    /// ```
    /// let t = scap_xccdf::Text::plain_str("a < b");
    /// assert_eq!(t.plain(), "a < b");
    /// assert_eq!(t.xml, "a &lt; b");
    /// ```
    pub fn plain_str(s: &str) -> Self {
        let mut x = String::new();
        xml::escape_into(&mut x, s, false);
        Text {
            xml: x,
            text: s.to_string(),
            lang: None,
            override_: false,
        }
    }

    /// The plain-text rendering.
    pub fn plain(&self) -> &str {
        &self.text
    }
}

/// Picks the text for a language: exact `xml:lang` match, else one without a language, else
/// the first.
///
/// ```
/// use scap_xccdf::{Text, text_for_lang};
/// let ts = vec![Text::plain_str("hello")];
/// assert_eq!(text_for_lang(&ts, "en-US").map(Text::plain), Some("hello"));
/// assert!(text_for_lang(&[], "en-US").is_none());
/// ```
pub fn text_for_lang<'t>(texts: &'t [Text], lang: &str) -> Option<&'t Text> {
    texts
        .iter()
        .find(|t| {
            t.lang
                .as_deref()
                .is_some_and(|l| l.eq_ignore_ascii_case(lang))
        })
        .or_else(|| texts.iter().find(|t| t.lang.is_none()))
        .or_else(|| texts.first())
}

fn plain_text(node: Node<'_, '_>) -> String {
    let mut out = String::new();
    for d in node.descendants().skip(1) {
        if d.is_text() {
            out.push_str(d.text().unwrap_or(""));
        } else if d.is_element() && d.tag_name().namespace() == Some(XHTML) {
            match d.tag_name().name() {
                "br" => out.push('\n'),
                "li" | "p" | "pre" | "tr" if !out.is_empty() && !out.ends_with('\n') => {
                    out.push('\n')
                }
                _ => {}
            }
        } else if d.is_element() && d.tag_name().name() == "sub" {
            // XCCDF <sub idref="..."/>: shown as the idref in plain text (substitution is the
            // report writer's job).
            if let Some(id) = d.attribute("idref") {
                out.push_str(id);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mixed_content() {
        let doc = roxmltree::Document::parse(
            r#"<d xmlns:h="http://www.w3.org/1999/xhtml" xml:lang="en" override="true">Use <h:code>x</h:code><h:br/>then <sub idref="v1"/>.</d>"#,
        )
        .unwrap();
        let t = Text::from_node(doc.root_element());
        assert_eq!(t.plain(), "Use x\nthen v1.");
        assert_eq!(t.lang.as_deref(), Some("en"));
        assert!(t.override_);
        assert!(
            t.xml
                .contains(r#"<code xmlns="http://www.w3.org/1999/xhtml">x</code>"#)
        );
    }
}
