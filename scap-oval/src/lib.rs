//! OVAL 5.11 definitions: model, parser, evaluator, probes and results.
//!
//! This crate reads Open Vulnerability and Assessment Language (OVAL) 5.11 definitions
//! documents, standalone (`ssg-rhel9-oval.xml`) or as the `oval_definitions` component of a
//! SCAP 1.2 source data stream, into a typed, owned model ([`Definitions`]), and provides the
//! pieces that evaluate it: entity comparison ([`compare`]), local-variable functions
//! ([`functions`]), result logic ([`logic`]) and Perl-compatible patterns ([`pattern`]).
//!
//! ```
//! use scap_oval::model::{CriteriaNode, ObjectContent};
//!
//! let xml = r#"<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"
//!     xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5"
//!     xmlns:ind="http://oval.mitre.org/XMLSchema/oval-definitions-5#independent">
//!   <generator><oval:schema_version>5.11</oval:schema_version>
//!     <oval:timestamp>2024-01-01T00:00:00</oval:timestamp></generator>
//!   <definitions><definition id="oval:ex:def:1" version="1" class="compliance">
//!     <metadata><title>Example</title><description/></metadata>
//!     <criteria><criterion test_ref="oval:ex:tst:1"/></criteria></definition></definitions>
//!   <tests><ind:family_test id="oval:ex:tst:1" version="1" check="all" comment="family">
//!     <ind:object object_ref="oval:ex:obj:1"/></ind:family_test></tests>
//!   <objects><ind:family_object id="oval:ex:obj:1" version="1"/></objects>
//! </oval_definitions>"#;
//!
//! let defs: scap_oval::Definitions = xml.parse()?;
//! let def = defs.definition("oval:ex:def:1").expect("parsed");
//! let Some(CriteriaNode::Criterion(c)) = def.criteria.as_ref().map(|c| &c.children[0]) else {
//!     unreachable!()
//! };
//! let test = defs.test(&c.test_ref).expect("references are checked on load");
//! assert_eq!((test.family.as_str(), test.kind.as_str()), ("independent", "family_test"));
//! let object = defs.object(test.object_ref.as_deref().unwrap_or_default()).expect("checked");
//! assert!(matches!(&object.content, ObjectContent::Entities(e) if e.entities.is_empty()));
//! # Ok::<(), scap_oval::Error>(())
//! ```
//!
//! # Design
//!
//! Tests, objects and states exist in about a hundred types over many platform namespaces.
//! The model keeps them generically, typed at the language level: namespace, family
//! (`independent`, `unix`, `linux`, `windows`, ...), element name, the common attributes, and
//! the entities in document order. Unknown families and types load fine, so the evaluator can
//! report them as not supported instead of the load failing.
//!
//! # Parsing policy
//!
//! Content in the field is not always schema-valid, and oscap evaluates much that the schema
//! would refuse. The parser accepts what the schema allows and what oscap tolerates, and
//! refuses only what would make evaluation wrong or unsafe:
//!
//! - **The whole document is refused** ([`Error`]) when it is not well-formed XML, has a DTD
//!   (so no entity expansion), exceeds the [`Limits`] (input size, node count, nesting depth),
//!   is not an `oval_definitions` element, or defines an id twice (a reference to it would be
//!   ambiguous).
//! - **One element is refused** when evaluating it would be guesswork: a definition, test,
//!   object, state or variable with an unknown enumeration value (`operation="like"`,
//!   `check="most"`), a malformed number or boolean, a missing attribute that evaluation needs
//!   (`test_ref`, `datatype`...), an element evaluation would have to ignore (a misspelt
//!   `criterion`), or a reference to an id that does not exist or names the wrong kind
//!   ([`Error::DanglingReference`] names both ends). It is left out of the model and kept in
//!   [`Definitions::invalid`] with its error; whatever depends on it evaluates to `error`,
//!   with that error as the message ([`Definitions::diagnostics_of`]). The rest of the
//!   document loads and evaluates.
//! - **Tolerated, with a [`model::Warning`]** (position, element, enclosing id) in
//!   [`Definitions::warnings`], because evaluation does not depend on it: a `reference`
//!   without `ref_id` or `source`, an `affected` without `family` or with unknown children, an
//!   unknown element in a `definition` (beside `metadata`, `notes`, `criteria`), a definition
//!   without `metadata`, a `generator` without `schema_version` or `timestamp` (or no
//!   generator), an unknown top-level section, an element without an `id` (nothing can refer
//!   to it; skipped).
//! - **Accepted silently**, because the schema allows it: any element in `metadata` after the
//!   core ones (`xsd:any`: vendor extensions, `notes`), `notes` and `ds:Signature` wherever
//!   they occur, unknown attributes, unknown families and test/object/state types (evaluated
//!   as "not supported" by the probe registry), the deprecated `check="none exist"` (read as
//!   `none satisfy`) and deprecated OVAL 5.x object types.
//!
//! The parser holds the text and the model, not a tree of the whole document: it reads the
//! document's outline in one streaming pass, then builds the model from small trees of about
//! 64 KiB of elements each, so a 50 MB vulnerability feed loads in the memory of its text and
//! its model (ten renamed copies of SSG's RHEL 9 OVAL: 187 MiB, against 304 MiB with one tree).
//!
//! Evaluation ([`eval::Evaluator`]) reads a target through [`scap_probe::Target`] with the
//! probes of [`probes::Registry`] and gives [`eval::Results`]; [`results::write_results`] writes
//! them as an OVAL results document with system characteristics.
//!
//! # Probes
//!
//! [`probes::Registry::builtin`] collects these objects (deprecated OVAL 5 objects marked †):
//!
//! | family | objects |
//! |--------|---------|
//! | independent | `family`, `sql`, `sql57`, `textfilecontent54`, `textfilecontent`†, `xmlfilecontent`, `yamlfilecontent`, `filehash58`, `filehash`†, `environmentvariable58`, `environmentvariable`† |
//! | unix | `file`, `fileextendedattribute`, `password`, `shadow`, `uname`, `sysctl`, `symlink`, `interface`, `process58`, `process`†, `runlevel`, `xinetd`, `routingtable`, `dnscache` |
//! | linux | `dpkginfo`, `rpminfo`, `rpmverifyfile`, `rpmverify`†, `rpmverifypackage`, `partition`, `systemdunitproperty`, `systemdunitdependency`, `selinuxboolean`, `selinuxsecuritycontext`, `inetlisteningservers`, `iflisteners` |
//!
//! `rpminfo` and `rpmverifyfile` read the target's rpm database in place (`rpmdb.sqlite`, a
//! Berkeley DB `Packages` or an NDB `Packages.db`, under `/var/lib/rpm` or
//! `/usr/lib/sysimage/rpm`) with the `scap-rpmdb` crate: no librpm, no chroot; a database that
//! cannot be read is `error`, no database `does not exist`.
//!
//! The registry keys each probe by the object's family and element name: any other object,
//! including one of the same name in another family (a `windows` `file_object`), is `not
//! collected` (its tests `unknown`).
//!
//! # JSON
//!
//! With the `serde` feature, [`eval::Results`] and everything in it ([`items::Item`], test and
//! object results, variable values) implement `Serialize` and `Deserialize`: structs as objects
//! with their field names, the OVAL enumerations ([`types`]) as their XML spelling
//! (`"not collected"`), tuples as arrays. Field names are part of the API and change only with a
//! major version.
//!
//! # Specification coverage
//!
//! OVAL 5.11.2, the definitions schema (`oval-definitions-schema.xsd`, named here by its
//! types): `oval_definitions`, `GeneratorType` (common schema), `DefinitionType`,
//! `MetadataType`, `AffectedType`, `ReferenceType`, `CriteriaType`, `CriterionType`,
//! `ExtendDefinitionType`; `TestType` with `ObjectRefType` and `StateRefType`; `ObjectType`
//! with `set` and `filter`; `StateType`; the entity base types of objects and states
//! (`EntityObjectBaseType`, `EntityStateBaseType`) including record `field`s and `xsi:nil`;
//! `VariableType` (`constant_variable`, `external_variable` with `PossibleValueType` and
//! `PossibleRestrictionType`, `local_variable`) with every member of `ComponentGroup` (arithmetic, begin, concat, count, end, escape_regex,
//! glob_to_regex, regex_capture, split, substring, time_difference, unique). The enumerations
//! of the common schema are in [`types`]. Not kept: `ds:Signature` elements and `notes` of
//! tests, objects and states (skipped), vendor metadata extensions.
//!
//! # Features
//!
#![doc = document_features::document_features!()]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod compare;
pub mod error;
pub mod eval;
pub mod functions;
pub mod items;
pub mod logic;
pub mod model;
mod parse;
pub mod pattern;
pub mod probes;
pub mod results;
pub mod types;

pub use error::{Error, Position};
pub use model::Definitions;
pub use parse::Limits;
pub use scap_xml::{Fragment, Namespace, XmlError};
