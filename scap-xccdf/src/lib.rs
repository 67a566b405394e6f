//! XCCDF 1.2 and 1.1 benchmarks, SCAP source data streams and tailoring: model, parser,
//! resolution and profile application (evaluation builds on [`Policy`]).
//!
//! The flow, as oscap runs it:
//!
//! 1. Index a source data stream in one streaming pass ([`DataStreamCollection::parse_str`]:
//!    DTDs refused, size limit): data streams, catalogs, and where each component lies
//!    ([`Component::fragment`]); no tree of the whole file is built.
//! 2. [`Source::parse_str`] (or [`Source::from_collection`]) picks the data stream and
//!    checklist (`--datastream-id`, `--xccdf-id`; first by default), parses only that
//!    component's XCCDF [`Benchmark`] ([`Benchmark::parse_fragment`]: DTDs refused, node
//!    limit; positions of the whole file) and resolves it ([`Benchmark::resolve`]: item
//!    `extends`, abstract items dropped). A standalone XCCDF file works too.
//! 3. [`Policy::new`] applies a profile (from the benchmark or a [`Tailoring`]; `None` for the
//!    default selection): effective rule selection, values, refined rules.
//! 4. For each selected [`PolicyRule`], [`PolicyRule::checks`] gives the candidate checks;
//!    [`Policy::exports`] binds their `check-export`s to values; [`Source::resolve_check_href`]
//!    finds the OVAL (or OCIL) component to evaluate. The CPE dictionaries
//!    ([`Source::dictionaries`]), the applicability language
//!    ([`Source::platform_specification`]) and SCE scripts ([`Source::scripts`]) are read on
//!    load: nothing after loading needs the XML document.
//! 5. [`evaluate`] runs all of that with a [`CheckEngine`] (the OVAL one is the `scap`
//!    crate's `OvalEngine`: this crate knows nothing of OVAL): applicability, checks,
//!    results and scores ([`ScanResults`]); [`write_test_result`] writes the XCCDF 1.2
//!    `TestResult`. `cargo run --example scan` is the command built on it. Script Check
//!    Engine checks run through `sce::SceEngine` (Unix), only when the caller opts in, since
//!    they run scripts from the content on the scanning host; [`Engines`] combines engines.
//!
//! ```
//! use scap_xccdf::{ParseOptions, Policy, Source};
//! let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ds/ssg-chromium-ds.xml"))?;
//! let opts = ParseOptions::default();
//! let src = Source::parse_str(&text, None, None, &opts)?;
//! let policy = Policy::new(&src.benchmark, None, Some("xccdf_org.ssgproject.content_profile_stig"))?;
//! assert_eq!(policy.selected_rules().count(), 37);
//! let rule = policy.selected_rules().next().unwrap();
//! let check = rule.checks()[0];
//! let oval = src.resolve_check_href(&check.content_refs[0].href)?;
//! assert_eq!(oval.kind, scap_xccdf::ComponentKind::OvalDefinitions);
//! assert_eq!(src.dictionaries.len(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Specifications: XCCDF 1.2 (NISTIR 7275 rev. 4) sections 6 (model: Benchmark, Group, Rule,
//! Value, Profile, TestResult, Tailoring), 7.2 (resolution of `extends`, profile application,
//! benchmark processing: [`eval`]) and 7.3 (scoring: [`eval::score`]);
//! XCCDF 1.1 documents are read into the same model; SCAP 1.2/1.3 source data streams
//! (NIST SP 800-126 rev. 2/3, section 3) with OASIS XML catalogs.
//!
//! Non-fatal findings that oscap only warns about (a `select` of an unknown rule, a
//! `refine-value` with an unknown selector) are collected as [`Warning`]s in
//! [`Policy::warnings`]; everything else is a typed [`Error`] with a line:column location.
//!
//! # JSON
//!
//! With the `serde` feature, [`ScanResults`] and what it carries ([`RuleOutcome`], scores,
//! checks, idents) implement `Serialize` and `Deserialize`: structs as objects with their field
//! names, [`XccdfResult`], [`Severity`] and [`Role`] as their XML tokens (`"notapplicable"`).
//! Field names are part of the API and change only with a major version.
//!
//! # Features
//!
#![doc = document_features::document_features!()]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod datastream;
pub mod engine;
pub mod error;
pub mod eval;
pub mod fix;
pub mod input;
pub mod model;
pub mod parse;
pub mod policy;
#[cfg(unix)]
pub mod remediate;
pub mod resolve;
#[cfg(unix)]
pub mod sce;
#[cfg(feature = "serde")]
mod serde_str;
pub mod source;
pub mod tailoring;
pub mod testresult;
pub mod text;
pub mod xml;

pub use datastream::{
    CatalogEntry, Component, ComponentKind, ComponentRef, DataStream, DataStreamCollection,
    Selection,
};
pub use engine::{
    CheckEngine, CheckOutcome, CheckRequest, Engines, ExportedValue, UnknownResult, XccdfResult,
};
pub use error::{Error, Location, Result, Warning};
pub use eval::{EvalOptions, RuleOutcome, ScanResults, evaluate, short_rule_id, unevaluated};
pub use input::{Input, InputKind, InputOptions};
pub use model::*;
pub use policy::{
    ALL_PROFILE, BoundExport, EffectiveValue, Policy, PolicyGroup, PolicyRule, ValueSource,
    find_profile_id,
};
pub use scap_xml::{Fragment, Namespace, XmlError};
pub use source::Source;
pub use tailoring::Tailoring;
pub use testresult::{RuleResult, TestResult, TestResultInfo, write_test_result};
pub use text::{Text, text_for_lang};
pub use xml::ParseOptions;
