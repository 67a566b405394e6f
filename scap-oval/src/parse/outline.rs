//! The outline of an `oval_definitions` element, read in one streaming pass: its start tag,
//! its sections and the byte range and id of every element in them. The parser then builds a
//! small `roxmltree` document per run of elements ([`CHUNK_BYTES`]) instead of one tree of
//! the whole document: the tree of SSG's RHEL 9 OVAL (5 MB) is 13.5 MB, more than the model
//! built from it, and was most of the parse's peak memory.
//!
//! The outline pass only finds where elements start and end (quick-xml, end tags checked
//! against start tags); every byte of an element is still parsed, and checked, by roxmltree
//! in its chunk, and the root's and sections' start tags by roxmltree in the skeleton document
//! ([`Outline::skeleton`]).

use std::ops::Range;

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::PrefixDeclaration;
use quick_xml::reader::Reader;
use scap_xml::{Fragment, Namespace, XmlError};

use crate::error::{Error, Position};
use crate::model::namespaces;

/// The bytes of elements parsed together in one small document (the chunk ends with the
/// element that reaches it). Small enough that the tree of a chunk is a fraction of the model,
/// large enough that the chunk's start tags (the root's and the section's, repeated) are a
/// small share of what is parsed.
pub(crate) const CHUNK_BYTES: usize = 64 * 1024;

/// A namespace declaration on a start tag.
#[derive(Debug, Clone)]
pub(crate) struct Decl {
    prefix: Option<String>,
    uri: String,
}

/// An element of a section (a definition, test, object, state or variable).
#[derive(Debug)]
pub(crate) struct Item<'t> {
    /// From its `<` to the end of its end tag.
    pub(crate) range: Range<usize>,
    /// Its local name.
    pub(crate) local: &'t str,
    /// Its `id` attribute, normalised and unescaped as an XML parser gives it.
    pub(crate) id: Option<String>,
    /// `ds:Signature` or `notes`: skipped wherever they occur (see `xml::is_skipped`).
    pub(crate) skipped: bool,
}

/// A child of the root: a section, the generator, or anything else.
#[derive(Debug)]
pub(crate) struct Top<'t> {
    /// Its start tag.
    tag: Range<usize>,
    /// The whole element.
    whole: Range<usize>,
    /// Its qualified name.
    name: &'t str,
    local: &'t str,
    decls: Vec<Decl>,
    empty: bool,
    pub(crate) items: Vec<Item<'t>>,
}

/// The root element (`oval_definitions`, when the document is one).
#[derive(Debug)]
struct Root<'t> {
    /// Its start tag.
    tag: Range<usize>,
    /// Its qualified name.
    name: &'t str,
    decls: Vec<Decl>,
    empty: bool,
}

/// What [`Outline::read`] found.
#[derive(Debug)]
pub(crate) struct Outline<'t> {
    text: &'t str,
    root: Root<'t>,
    /// Declarations in scope at the root from its ancestors (a data stream's), outermost first.
    inherited: Vec<Namespace>,
    pub(crate) tops: Vec<Top<'t>>,
}

impl<'t> Outline<'t> {
    /// The outline of the element at `range` of `text` (the whole text for a standalone
    /// document: then the root is found after the prolog).
    pub(crate) fn read(
        text: &'t str,
        range: Range<usize>,
        inherited: &[Namespace],
    ) -> Result<Outline<'t>, Error> {
        let body = text.get(range.clone()).ok_or_else(|| {
            Error::Xml(XmlError::new("the fragment does not lie in the text", 1, 1))
        })?;
        // A byte order mark is read past here: quick-xml skips it without counting it in the
        // offsets it reports (roxmltree, reading the skeleton's prolog, skips it too).
        let (body, base) = match body.strip_prefix('\u{feff}') {
            Some(rest) => (rest, range.start + '\u{feff}'.len_utf8()),
            None => (body, range.start),
        };
        let mut reader = Reader::from_str(body);
        let fail = |at: usize, message: String| {
            let (line, column) = scap_xml::line_column(text, base + at);
            Error::Xml(XmlError::new(message, line, column))
        };
        let mut root: Option<Root<'t>> = None;
        let mut tops = Vec::new();
        let mut open: Option<Top<'t>> = None;
        let mut depth = 0usize;
        loop {
            let start = offset(reader.buffer_position());
            let event = reader
                .read_event()
                .map_err(|e| fail(offset(reader.error_position()), e.to_string()))?;
            let end = offset(reader.buffer_position());
            let (e, empty) = match event {
                Event::Start(e) => (e, false),
                Event::Empty(e) => (e, true),
                Event::End(_) => {
                    if depth == 2 {
                        if let Some(mut t) = open.take() {
                            t.whole = t.tag.start..base + end;
                            tops.push(t);
                        }
                    }
                    depth = depth.saturating_sub(1);
                    continue;
                }
                Event::Text(t) if depth == 0 && !t.trim_ascii().is_empty() => {
                    return Err(fail(start, "text outside the root element".to_owned()));
                }
                // Between elements (within one, roxmltree checks): a reference that is not
                // a character or one of XML's five entities is an error there too.
                Event::GeneralRef(r) => {
                    let known = if r.is_char_ref() {
                        matches!(r.resolve_char_ref(), Ok(Some(_)))
                    } else {
                        quick_xml::escape::resolve_predefined_entity(&r.into_inner()).is_some()
                    };
                    if !known || depth == 0 {
                        return Err(fail(
                            start,
                            "an unknown or misplaced entity reference".into(),
                        ));
                    }
                    continue;
                }
                Event::Eof => break,
                // Text, comments, CDATA and processing instructions between elements; the
                // prolog (the skeleton's roxmltree reads it again, and refuses a DTD).
                _ => continue,
            };
            let qname = qname_at(body, start);
            let (decls, id) = attributes(&e).map_err(|m| fail(start, m))?;
            match depth {
                0 => {
                    if root.is_some() {
                        return Err(fail(start, "a second root element".to_owned()));
                    }
                    root = Some(Root {
                        tag: base + start..base + end,
                        name: qname,
                        decls,
                        empty,
                    });
                }
                1 => {
                    let tag = base + start..base + end;
                    let top = Top {
                        whole: tag.clone(),
                        tag,
                        name: qname,
                        local: local(qname),
                        decls,
                        empty,
                        items: Vec::new(),
                    };
                    if empty {
                        tops.push(top);
                    } else {
                        open = Some(top);
                    }
                }
                _ => {
                    // An item: skipped to its end here, parsed whole in its run.
                    let end = if empty {
                        end
                    } else {
                        reader.read_to_end(e.name()).map_err(|err| {
                            fail(offset(reader.error_position()), err.to_string())
                        })?;
                        offset(reader.buffer_position())
                    };
                    let scopes = [
                        Some(decls.as_slice()),
                        open.as_ref().map(|t| t.decls.as_slice()),
                        root.as_ref().map(|r| r.decls.as_slice()),
                    ];
                    let item = Item {
                        range: base + start..base + end,
                        local: local(qname),
                        id,
                        skipped: skipped(qname, &scopes, inherited),
                    };
                    if let Some(t) = open.as_mut() {
                        t.items.push(item);
                    }
                    continue;
                }
            }
            if !empty {
                depth += 1;
            }
        }
        let Some(root) = root else {
            return Err(fail(body.len(), "no root element".to_owned()));
        };
        if depth != 0 {
            return Err(fail(
                body.len(),
                "the document ends inside an element".to_owned(),
            ));
        }
        Ok(Outline {
            text,
            root,
            inherited: inherited.to_vec(),
            tops,
        })
    }

    /// A document of the root's start tag and each of its children's start tags (the
    /// generator whole), each at the line and column it has in the text: its positions are
    /// the text's. For a fragment, wrapped as [`Fragment::wrap`] wraps the fragment.
    pub(crate) fn skeleton(&self, fragment: Option<&Fragment>) -> Result<String, Error> {
        let text = self.text;
        let mut cursor = LineCursor::new(text);
        let mut out = String::new();
        let (mut line, mut column) = cursor.at(self.root.tag.start);
        append(
            &mut out,
            slice(text, &self.root.tag),
            &mut line,
            &mut column,
        );
        for top in &self.tops {
            let whole = top.local == "generator";
            let piece = if whole { &top.whole } else { &top.tag };
            let (l, c) = cursor.at(piece.start);
            if l > line {
                out.extend(std::iter::repeat_n('\n', (l - line) as usize));
                line = l;
                column = 1;
            }
            if c > column {
                out.extend(std::iter::repeat_n(' ', (c - column) as usize));
                column = c;
            }
            append(&mut out, slice(text, piece), &mut line, &mut column);
            if !whole && !top.empty {
                let close = format!("</{}>", top.name);
                append(&mut out, &close, &mut line, &mut column);
            }
        }
        if !self.root.empty {
            out.push_str("</");
            out.push_str(self.root.name);
            out.push('>');
        }
        match fragment {
            Some(f) => Ok(f.wrap_with(text, &out)?),
            None => {
                let mut doc = String::with_capacity(self.root.tag.start + out.len());
                doc.push_str(text.get(..self.root.tag.start).unwrap_or(""));
                doc.push_str(&out);
                Ok(doc)
            }
        }
    }

    /// The start of a chunk's document for the items of `top`: the root's and the section's
    /// names with every namespace declaration in scope (inherited, the root's, the
    /// section's), on one line; and the end that closes them.
    pub(crate) fn chunk_frame(&self, top: &Top<'_>) -> (String, String) {
        let mut head = format!("<{}", self.root.name);
        for (i, ns) in self.inherited.iter().enumerate() {
            let redeclared = self.inherited[i + 1..]
                .iter()
                .any(|n| n.prefix == ns.prefix)
                || self.root.decls.iter().any(|d| d.prefix == ns.prefix);
            if !redeclared && ns.prefix.as_deref() != Some("xml") {
                push_decl(&mut head, ns.prefix.as_deref(), &ns.uri);
            }
        }
        for d in &self.root.decls {
            push_decl(&mut head, d.prefix.as_deref(), &d.uri);
        }
        head.push_str("><");
        head.push_str(top.name);
        for d in &top.decls {
            push_decl(&mut head, d.prefix.as_deref(), &d.uri);
        }
        head.push('>');
        let tail = format!("</{}></{}>", top.name, self.root.name);
        (head, tail)
    }
}

/// Appends `piece`, counting the line and column it ends at.
fn append(out: &mut String, piece: &str, line: &mut u32, column: &mut u32) {
    for c in piece.chars() {
        if c == '\n' {
            *line = line.saturating_add(1);
            *column = 1;
        } else {
            *column = column.saturating_add(1);
        }
    }
    out.push_str(piece);
}

/// The byte offset quick-xml reports, as a `usize` (it counts in `u64`; a `&str` fits).
fn offset(position: u64) -> usize {
    usize::try_from(position).unwrap_or(usize::MAX)
}

fn slice<'t>(text: &'t str, range: &Range<usize>) -> &'t str {
    text.get(range.clone()).unwrap_or("")
}

/// The qualified name of the tag starting (with its `<`) at `start` of `body`.
fn qname_at(body: &str, start: usize) -> &str {
    let rest = body.get(start + 1..).unwrap_or("");
    let end = rest
        .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
        .unwrap_or(rest.len());
    rest.get(..end).unwrap_or("")
}

/// The namespace declarations and the `id` of a start tag, in one look at its attributes
/// (duplicates are left to roxmltree, which parses every tag again: the root's and the
/// sections' in the skeleton, the items' in their runs).
fn attributes(e: &BytesStart<'_>) -> Result<(Vec<Decl>, Option<String>), String> {
    let mut decls = Vec::new();
    let mut id = None;
    for attr in e.attributes().with_checks(false) {
        let attr = attr.map_err(|err| err.to_string())?;
        let prefix = match attr.key.as_namespace_binding() {
            Some(PrefixDeclaration::Default) => None,
            Some(PrefixDeclaration::Named(p)) => Some(p.to_owned()),
            None if attr.key.as_ref() == "id" => {
                let value = attr.normalized_value(XmlVersion::Implicit1_0);
                id = Some(value.map_err(|err| err.to_string())?.into_owned());
                continue;
            }
            None => continue,
        };
        let uri = attr.normalized_value(XmlVersion::Implicit1_0);
        decls.push(Decl {
            prefix,
            uri: uri.map_err(|err| err.to_string())?.into_owned(),
        });
    }
    Ok((decls, id))
}

fn local(qname: &str) -> &str {
    qname.rsplit_once(':').map_or(qname, |(_, l)| l)
}

/// Whether the element `qname` is `ds:Signature` or `notes`, skipped wherever they occur (see
/// `xml::is_skipped`): its namespace is the innermost declaration of its prefix in `scopes`
/// (its own, its section's, the root's), else among the `inherited` ones.
fn skipped(qname: &str, scopes: &[Option<&[Decl]>], inherited: &[Namespace]) -> bool {
    let (prefix, local) = match qname.split_once(':') {
        Some((p, l)) => (Some(p), l),
        None => (None, qname),
    };
    let declared = scopes
        .iter()
        .flatten()
        .find_map(|d| d.iter().rev().find(|d| d.prefix.as_deref() == prefix))
        .map(|d| d.uri.as_str())
        .or_else(|| {
            inherited
                .iter()
                .rev()
                .find(|n| n.prefix.as_deref() == prefix)
                .map(|n| n.uri.as_str())
        });
    match declared {
        Some(namespaces::XMLDSIG) => true,
        Some(namespaces::DEFINITIONS) => local == "notes",
        _ => false,
    }
}

/// Appends ` xmlns[:prefix]="uri"`, the value escaped to read back unchanged.
fn push_decl(out: &mut String, prefix: Option<&str>, uri: &str) {
    out.push_str(" xmlns");
    if let Some(p) = prefix {
        out.push(':');
        out.push_str(p);
    }
    out.push_str("=\"");
    scap_xml::escape_attribute(out, uri);
    out.push('"');
}

/// Line and column (as roxmltree counts them: lines end at `\n`, columns in characters) of
/// byte offsets asked in increasing order: each byte of the text is looked at once.
pub(crate) struct LineCursor<'t> {
    text: &'t str,
    offset: usize,
    line: u32,
    column: u32,
}

impl<'t> LineCursor<'t> {
    pub(crate) fn new(text: &'t str) -> LineCursor<'t> {
        LineCursor {
            text,
            offset: 0,
            line: 1,
            column: 1,
        }
    }

    /// The position of `offset` (a character boundary at or after the last one asked).
    pub(crate) fn at(&mut self, offset: usize) -> (u32, u32) {
        if offset < self.offset {
            // Not in order: counted from the start (not reached by the parser).
            return scap_xml::line_column(self.text, offset);
        }
        let Some(seg) = self.text.get(self.offset..offset) else {
            return scap_xml::line_column(self.text, offset);
        };
        let count = |s: &str| u32::try_from(s.chars().count()).unwrap_or(u32::MAX);
        match memchr::memrchr(b'\n', seg.as_bytes()) {
            Some(last) => {
                let newlines = memchr::memchr_iter(b'\n', seg.as_bytes()).count();
                self.line = self
                    .line
                    .saturating_add(u32::try_from(newlines).unwrap_or(u32::MAX));
                self.column = 1u32.saturating_add(count(seg.get(last + 1..).unwrap_or("")));
            }
            None => self.column = self.column.saturating_add(count(seg)),
        }
        self.offset = offset;
        (self.line, self.column)
    }

    /// [`LineCursor::at`] as a [`Position`].
    pub(crate) fn position(&mut self, offset: usize) -> Position {
        let (line, column) = self.at(offset);
        Position { line, column }
    }
}
