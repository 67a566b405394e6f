//! CPE 2.3: names, bindings, matching, dictionaries and the applicability language.
//!
//! This crate reads and writes Common Platform Enumeration names and the XML documents built on
//! them, without panicking on any input:
//!
//! - [`Name`] is the well-formed name (WFN) of NISTIR 7695 section 5: eleven [`Attribute`]s, each
//!   ANY, NA or an [`AvString`] whose wildcards (`*`, runs of `?`) can only sit at its ends.
//! - Both bindings of NISTIR 7695 section 6, parsed with `nom`: the URI (`cpe:/o:debian:debian_linux:11`,
//!   CPE 2.2 compatible, with percent-encoding and the packed `~` edition) and the formatted
//!   string (`cpe:2.3:o:debian:debian_linux:11:*:*:*:*:*:*:*`), which `Display` writes.
//! - Name matching of NISTIR 7696: [`compare_values`] gives the attribute relations of table 6-2,
//!   [`Name::compare`] the name relations (CPE_DISJOINT, CPE_EQUAL, CPE_SUBSET, CPE_SUPERSET).
//! - The dictionary of NISTIR 7697 and the CPE 2.2 dictionary schema: [`Dictionary`].
//! - The applicability language of NISTIR 7698: [`PlatformSpecification`], evaluated with
//!   three-valued logic against the target's CPE names and a caller's [`CheckEvaluator`].
//!
//! ```
//! use scap_cpe::{Name, NameRelation};
//!
//! let installed: Name = "cpe:2.3:o:debian:debian_linux:11:*:*:*:*:*:*:*".parse()?;
//! let wanted: Name = "cpe:/o:debian:debian_linux".parse()?;
//! assert_eq!(wanted.compare(&installed), NameRelation::Superset);
//! assert!(wanted.matches(&installed));
//! assert_eq!(installed.to_uri(), "cpe:/o:debian:debian_linux:11");
//! # Ok::<(), scap_cpe::Error>(())
//! ```
//!
//! XML is parsed with `roxmltree`, DTDs refused and at most [`NODE_LIMIT`] nodes; logical tests
//! nest at most [`MAX_DEPTH`] deep. Every error is an [`Error`] saying where: the byte offset and
//! attribute for names, the line and element for XML.
//!
//! # Choices where the specifications leave room
//!
//! - **String values** follow the WFN grammar of NISTIR 7695 section 5.3.2: printable ASCII
//!   without space, `*` or a run of `?` only at either end; a run of `?` may stand alone. A lone
//!   `*` string is refused (both bindings read `*`/empty as ANY). The grammar forbids a value
//!   that is just a quoted hyphen (`"\-"`); this crate accepts it and binds it unambiguously
//!   (see below). `part` must be `a`, `o` or `h`; `language` a tag
//!   `ll[l][-RR|-DDD]` without wildcards.
//! - **Case**: values keep their case; comparisons ignore ASCII case (NISTIR 7696 lower-cases
//!   both sides before comparing). The URI prefix and part are read without regard to case.
//! - **`?` runs** follow NISTIR 7696's `compare_strings`: n `?` at an end let the match begin
//!   (end) up to n characters in, so `sp?` matches both `sp1` and `sp`.
//! - **A lone `-` string** (WFN `"\-"`) binds to `\-` (formatted string) and `%2d` (URI), because
//!   the literal `-` would read back as NA; this keeps `unbind(bind(x)) == x` for every WFN.
//! - **fact-ref** (NISTIR 7698): TRUE when some name of the target is matched by the fact-ref
//!   name, i.e. with the fact-ref as source and the target's name as target the NISTIR 7696
//!   relation is CPE_SUPERSET or CPE_EQUAL ([`Name::matches`]); FALSE otherwise, never ERROR.
//!   The target's names are typically [`Dictionary::applicable_names`]: the dictionary items whose
//!   checks the caller's [`CheckEvaluator`] finds TRUE. [`LogicalTest::evaluate_with_dictionary`]
//!   does the same lazily, as OpenSCAP does: a fact-ref runs the checks of the dictionary items
//!   it matches, and is ERROR when those checks are.
//! - **Logical tests** use NISTIR 7698's three-valued AND/OR/negation; an empty AND is TRUE and an
//!   empty OR FALSE (as OpenSCAP does); evaluation stops at the first deciding child.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod applicability;
mod binding;
mod dictionary;
mod error;
mod formatted;
mod language;
mod matching;
mod text;
mod uri;
mod wfn;
mod xml;

pub use applicability::{ApplicabilityResult, CheckEvaluator, NoChecks};
pub use dictionary::{
    CPE23_EXTENSION_NS, Check, Cpe23Item, DICTIONARY_NS, DeprecatedBy, Deprecation,
    DeprecationType, Dictionary, Generator, Item, Notes, Reference,
};
pub use error::{Error, NameErrorKind};
pub use language::{
    CheckFactRef, FactRef, LANGUAGE_NS, LogicalTest, MAX_DEPTH, Operator, Platform,
    PlatformSpecification, Test,
};
pub use matching::{AttributeComparison, AttributeRelation, NameRelation, compare_values};
pub use scap_xml::{Fragment, Namespace, XmlError};
pub use text::Text;
pub use wfn::{Attribute, AvString, Name, Value, Wildcard};
pub use xml::NODE_LIMIT;
