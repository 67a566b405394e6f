//! [`Fragment`]: where one element lies in a text, and the namespaces it inherits there.

use std::ops::Range;

use crate::XmlError;

/// The name of the element [`Fragment::wrap`] puts around a fragment (no namespace). A parser
/// takes the wrapper's first element child as the fragment's root.
pub const WRAPPER: &str = "scap-xml-fragment";

/// A namespace declaration in scope at a fragment's root, made by one of its ancestors.
///
/// ```
/// let ns = scap_xml::Namespace::new(Some("ds"), "http://scap.nist.gov/schema/scap/source/1.2");
/// assert_eq!(ns.prefix.as_deref(), Some("ds"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Namespace {
    /// The prefix; `None` for the default namespace (`xmlns="..."`).
    pub prefix: Option<String>,
    /// The namespace name (the attribute's value, unescaped; empty undeclares a default
    /// namespace).
    pub uri: String,
}

impl Namespace {
    /// `xmlns:prefix="uri"`, or `xmlns="uri"` without a prefix.
    pub fn new(prefix: Option<&str>, uri: &str) -> Namespace {
        Namespace {
            prefix: prefix.map(str::to_string),
            uri: uri.to_string(),
        }
    }
}

/// One element of a larger text: the byte range of the element (from its start tag's `<` to
/// the end of its end tag) and the namespace declarations in scope there from its ancestors.
/// Plain owned data: it says where to look, the text stays with its owner.
///
/// ```
/// let text = "<a><b/></a>";
/// let fragment = scap_xml::Fragment::new(3..7, Vec::new());
/// assert_eq!(fragment.text(text)?, "<b/>");
/// # Ok::<(), scap_xml::XmlError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct Fragment {
    /// Byte range of the element in the whole text.
    pub range: Range<usize>,
    /// Declarations in scope at the element from its ancestors, outermost first; a later one
    /// with the same prefix overrides an earlier one.
    pub namespaces: Vec<Namespace>,
}

impl Fragment {
    /// The element at `range`, inheriting `namespaces`.
    pub fn new(range: Range<usize>, namespaces: Vec<Namespace>) -> Fragment {
        Fragment { range, namespaces }
    }

    /// The element's own text, `&text[range]`: an [`XmlError`] when the range does not lie in
    /// `text` on character boundaries (a fragment of another text).
    pub fn text<'t>(&self, text: &'t str) -> Result<&'t str, XmlError> {
        text.get(self.range.clone()).ok_or_else(|| {
            XmlError::new(
                format!(
                    "the fragment {}..{} does not lie in this text of {} bytes",
                    self.range.start,
                    self.range.end,
                    text.len()
                ),
                1,
                1,
            )
        })
    }

    /// The text a parser reads for this fragment: the element inside a [`WRAPPER`] element
    /// that declares the inherited namespaces, with whitespace inside the wrapper's start tag
    /// so that the element starts at the line and column it has in `text`. Positions a parser
    /// reports in the result are therefore positions in `text`.
    ///
    /// One case cannot be padded: an element on the first line of `text`, with fewer
    /// characters before it than the wrapper's start tag needs (a data stream written on one
    /// line, whose ancestors' declarations are shorter than their re-declaration). Its
    /// positions on that line are then shifted right by the difference; other lines are exact.
    ///
    /// ```
    /// let text = "<c xmlns=\"urn:d\">\n<item/></c>";
    /// let f = scap_xml::Fragment::new(18..25, vec![scap_xml::Namespace::new(None, "urn:d")]);
    /// assert_eq!(f.wrap(text)?, "<scap-xml-fragment xmlns=\"urn:d\">\n<item/></scap-xml-fragment>");
    /// # Ok::<(), scap_xml::XmlError>(())
    /// ```
    pub fn wrap(&self, text: &str) -> Result<String, XmlError> {
        self.wrap_with(text, self.text(text)?)
    }

    /// [`Fragment::wrap`] with `body` in place of the fragment's own text: a text standing for
    /// the fragment that starts where it does (an outline of it, say, whose later parts keep
    /// their positions by their own padding). `body`'s first line starts at the fragment's
    /// line and column in `text`.
    ///
    /// ```
    /// let text = "<c xmlns=\"urn:d\">\n<item>...</item></c>";
    /// let f = scap_xml::Fragment::new(18..33, vec![scap_xml::Namespace::new(None, "urn:d")]);
    /// let wrapped = f.wrap_with(text, "<item/>")?;
    /// assert_eq!(wrapped, "<scap-xml-fragment xmlns=\"urn:d\">\n<item/></scap-xml-fragment>");
    /// # Ok::<(), scap_xml::XmlError>(())
    /// ```
    pub fn wrap_with(&self, text: &str, body: &str) -> Result<String, XmlError> {
        self.text(text)?;
        let (line, column) = line_column(text, self.range.start);
        let mut head = String::with_capacity(64 + 64 * self.namespaces.len());
        head.push('<');
        head.push_str(WRAPPER);
        for (i, ns) in self.namespaces.iter().enumerate() {
            // A later declaration of the same prefix overrides (XML forbids declaring one
            // prefix twice on an element).
            if self.namespaces[i + 1..]
                .iter()
                .any(|n| n.prefix == ns.prefix)
            {
                continue;
            }
            match ns.prefix.as_deref() {
                // Bound by XML itself; declaring it is allowed but pointless.
                Some("xml") => continue,
                Some(p) => {
                    head.push_str(" xmlns:");
                    head.push_str(p);
                }
                None => head.push_str(" xmlns"),
            }
            head.push_str("=\"");
            escape_attribute(&mut head, &ns.uri);
            head.push('"');
        }
        // The line breaks before the fragment, as `line_column` counted them (not a second
        // pass over what may be megabytes of the file).
        let newlines = (line as usize).saturating_sub(1);
        let mut out =
            String::with_capacity(head.len() + newlines + column as usize + body.len() + 32);
        out.push_str(&head);
        if line >= 2 {
            if column >= 2 {
                // The tag's whitespace carries the line breaks, then `>` lands just before
                // the element's column.
                push_n(&mut out, '\n', newlines);
                push_n(&mut out, ' ', column as usize - 2);
                out.push('>');
            } else {
                push_n(&mut out, '\n', newlines - 1);
                out.push_str(">\n");
            }
        } else {
            let used = head.chars().count() + 1;
            push_n(&mut out, ' ', (column as usize - 1).saturating_sub(used));
            out.push('>');
        }
        out.push_str(body);
        out.push_str("</");
        out.push_str(WRAPPER);
        out.push('>');
        Ok(out)
    }
}

/// The 1-based line and column (in characters, lines ending at `\n`) of byte `offset` in
/// `text`, counted as roxmltree counts them; an offset past the end counts to the end, one
/// inside a character to that character's start.
///
/// ```
/// assert_eq!(scap_xml::line_column("a\nbé c", 5), (2, 3));
/// ```
pub fn line_column(text: &str, offset: usize) -> (u32, u32) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = text.get(..end).unwrap_or("");
    // memchr counts with SIMD: a fragment deep in a data stream has megabytes before it, and
    // every component of a scan is wrapped (this was 5% of a profile scan's CPU).
    let line = 1 + memchr::memchr_iter(b'\n', before.as_bytes()).count();
    let line_start = memchr::memrchr(b'\n', before.as_bytes()).map_or(0, |i| i + 1);
    let column = 1 + before.get(line_start..).map_or(0, |s| s.chars().count());
    (saturate(line), saturate(column))
}

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn push_n(out: &mut String, c: char, n: usize) {
    out.extend(std::iter::repeat_n(c, n));
}

/// Appends `s` escaped as an attribute value (between `"`) that reads back unchanged: markup
/// characters, and the whitespace that attribute-value normalization would turn into spaces.
///
/// ```
/// let mut out = String::new();
/// scap_xml::escape_attribute(&mut out, "a\"b\n<c");
/// assert_eq!(out, "a&quot;b&#10;&lt;c");
/// ```
pub fn escape_attribute(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where `needle` starts in the wrapped text of the fragment of `text` at `needle`.
    fn positions(text: &str, needle: &str, namespaces: Vec<Namespace>) -> ((u32, u32), (u32, u32)) {
        let start = text.find(needle).expect("needle in text");
        let f = Fragment::new(start..start + needle.len(), namespaces);
        let wrapped = f.wrap(text).expect("wraps");
        let at = wrapped.find(needle).expect("needle in wrapped");
        assert!(wrapped.ends_with("</scap-xml-fragment>"));
        (line_column(text, start), line_column(&wrapped, at))
    }

    #[test]
    fn the_fragment_keeps_its_line_and_column() {
        let ns = || {
            vec![
                Namespace::new(Some("ds"), "urn:ds"),
                Namespace::new(None, "urn:d"),
            ]
        };
        // Column 1 of a later line, an indented element, and a line with characters wider
        // than one byte before the element.
        for (text, needle) in [
            ("<ds:c xmlns:ds=\"urn:ds\">\n<x/></ds:c>", "<x/>"),
            (
                "<ds:c xmlns:ds=\"urn:ds\">\n\n   <x a=\"1\"/></ds:c>",
                "<x a=\"1\"/>",
            ),
            (
                "<ds:c xmlns:ds=\"urn:ds\">\n<ds:é>ééé<x/></ds:é></ds:c>",
                "<x/>",
            ),
            (
                "<ds:c xmlns:ds=\"urn:ds\" xmlns=\"urn:d\" id=\"a-long-enough-id\"><x/></ds:c>",
                "<x/>",
            ),
        ] {
            let (want, got) = positions(text, needle, ns());
            assert_eq!(want, got, "{text}");
        }
    }

    #[test]
    fn a_first_line_too_short_for_the_wrapper_shifts_only_that_line() {
        let text = "<c><x/></c>";
        let (want, got) = positions(text, "<x/>", vec![Namespace::new(Some("p"), "urn:long")]);
        assert_eq!(want, (1, 4));
        assert_eq!(got.0, 1);
        assert!(got.1 > 4);
    }

    #[test]
    fn declarations_are_escaped_and_deduplicated() {
        let text = "<c>\n<x/></c>";
        let f = Fragment::new(
            4..8,
            vec![
                Namespace::new(Some("p"), "urn:old"),
                Namespace::new(Some("xml"), "http://www.w3.org/XML/1998/namespace"),
                Namespace::new(Some("p"), "urn:a&\"b\"\t"),
            ],
        );
        let wrapped = f.wrap(text).expect("wraps");
        assert_eq!(
            wrapped,
            "<scap-xml-fragment xmlns:p=\"urn:a&amp;&quot;b&quot;&#9;\">\n<x/></scap-xml-fragment>"
        );
    }

    #[test]
    fn a_range_outside_the_text_is_an_error() {
        let f = Fragment::new(2..40, Vec::new());
        assert!(f.wrap("<a/>").is_err());
        // Inside a multi-byte character.
        let f = Fragment::new(1..2, Vec::new());
        assert!(f.text("é").is_err());
    }

    #[test]
    fn line_column_counts_as_roxmltree() {
        assert_eq!(line_column("", 0), (1, 1));
        assert_eq!(line_column("ab", 99), (1, 3));
        assert_eq!(line_column("é", 1), (1, 1));
        assert_eq!(line_column("a\r\nb", 3), (2, 1));
    }
}
