//! XML fragments: one element of a larger document (a component of a SCAP source data stream),
//! handed to a parser on its own, with every position still a line and column of the whole
//! file.
//!
//! A source data stream holds several documents (an XCCDF benchmark, OVAL definitions, a CPE
//! dictionary) as components. The indexer (`scap_xccdf::DataStreamCollection`) reads the
//! collection once, in a streaming pass, and records for each component a [`Fragment`]: the
//! byte range of its root element in the text and the namespace declarations its ancestors put
//! in scope there. Each standard crate then parses only the components it is asked for, from
//! `&text[range]`, instead of one tree of the whole file being built and shared.
//!
//! [`Fragment::wrap`] makes the text a parser reads: the fragment inside one wrapper element
//! that declares the inherited namespaces, padded so that the fragment starts at the same line
//! and column as in the whole file. A parser's positions (of errors, of warnings, of elements)
//! are then the whole file's without any mapping. The copy costs the fragment's size plus one
//! byte per line before it.
//!
//! ```
//! use scap_xml::{Fragment, Namespace};
//! let text = "<root xmlns:x=\"urn:x\">\n  <x:item id=\"1\"/>\n</root>";
//! let start = text.find("<x:item").unwrap();
//! let end = start + "<x:item id=\"1\"/>".len();
//! let fragment = Fragment::new(start..end, vec![Namespace::new(Some("x"), "urn:x")]);
//! let wrapped = fragment.wrap(text)?;
//! // The element is on line 2, column 3 of both texts.
//! let at = wrapped.find("<x:item").unwrap();
//! assert_eq!(scap_xml::line_column(&wrapped, at), (2, 3));
//! assert_eq!(scap_xml::line_column(text, start), (2, 3));
//! assert!(wrapped.starts_with("<scap-xml-fragment xmlns:x=\"urn:x\""));
//! # Ok::<(), scap_xml::XmlError>(())
//! ```
//!
//! The crate has no dependencies and parses nothing itself: each parser crate keeps its own XML
//! reader (and its limits, and its refusal of DTDs) and reports failures as an [`XmlError`].

#![cfg_attr(docsrs, feature(doc_cfg))]

mod error;
mod fragment;

pub use error::XmlError;
pub use fragment::{Fragment, Namespace, WRAPPER, escape_attribute, line_column};
