//! SCAP in Rust, from content to evidence in one call.
//!
//! The standard crates each own one specification: [`cpe`] (CPE names, dictionaries,
//! applicability language), [`probe`] (the [`Target`](probe::Target) a scan reads a system
//! through), [`oval`] (OVAL definitions, evaluation, probes, results), [`xccdf`] (XCCDF
//! benchmarks, source data streams, tailoring, profiles, evaluation) and [`arf`] (ARF reports
//! and the evidence made from them). This crate re-exports them and owns what none of them
//! can: a scan, assembled.
//!
//! - [`Content`] opens a data stream, a standalone benchmark or a tailoring file, parses it
//!   once and keeps owned models (shareable, `Send + Sync`).
//! - [`Scan`] takes content, a profile, rule choices and engines, and [`Scan::run`] evaluates
//!   it against any [`Target`](probe::Target): an offline tree, a container image, the live
//!   host, or a backend of your own. The OVAL engine ([`OvalEngine`]) and the Script Check
//!   Engine are plugged in here, beside any [`CheckEngine`](xccdf::CheckEngine) you add.
//! - The [`ScanOutcome`] holds the typed XCCDF results, the OVAL results of each pass and the
//!   target's facts; the evidence comes from it: XCCDF `TestResult`, OVAL results, ARF, and
//!   the report every [`Format`](arf::report::Format) renders (HTML, CKL, CKLB, POA&M, JSON).
//!
//! ```
//! use scap::arf::report::Format;
//! # let dir = tempfile::tempdir()?; let out = dir.path();
//! # let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ds/ssg-chromium-ds.xml");
//! let content = scap::Content::open(path)?;
//! let target = scap::TargetSpec::Root("/".into()).open(None)?;
//! let outcome = scap::Scan::new(&content).profile("stig")?.run(target.as_ref())?;
//! let full = scap::oval::results::Content::default();
//! std::fs::write(out.join("scan.arf.xml"), outcome.arf(&full)?)?;
//! let report = outcome.report(&full)?;
//! let mut html = std::fs::File::create(out.join("report.html"))?;
//! Format::Html.render(&report, &mut html)?;
//! # assert!(out.join("report.html").metadata()?.len() > 1000);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A backend of your own is a [`Target`](probe::Target): four file-system methods, the host
//! facts defaulted ("not collectable"):
//!
//! ```
//! use std::path::{Path, PathBuf};
//! use scap::probe::{DirEntry, MemoryTarget, Metadata, Result, Target};
//!
//! /// A system seen through some remote API (here: a few files held in memory).
//! struct Remote(MemoryTarget);
//! impl Target for Remote {
//!     fn metadata(&self, path: &Path) -> Result<Metadata> { self.0.metadata(path) }
//!     fn read_dir(&self, path: &Path) -> Result<Vec<DirEntry>> { self.0.read_dir(path) }
//!     fn read_link(&self, path: &Path) -> Result<PathBuf> { self.0.read_link(path) }
//!     fn open(&self, path: &Path) -> Result<Box<dyn std::io::Read + Send>> { self.0.open(path) }
//! }
//! let mut files = MemoryTarget::new();
//! files.add_file("/etc/chromium/policies/managed/stig.json", "{}");
//! # let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ds/ssg-chromium-ds.xml");
//! let content = scap::Content::open(path)?;
//! let outcome = scap::Scan::new(&content).run(&Remote(files))?;
//! assert!(!outcome.results.rules.is_empty());
//! # Ok::<(), scap::Error>(())
//! ```
//!
//! One probe of your own, the rest built in: here an `rpminfo` that answers from a package
//! list (a downstream tool would read its own package database), which makes the Chromium
//! benchmark's platform (`chromium` installed, an rpminfo check) apply:
//!
//! ```
//! use scap::oval::items::{Item, ItemEntity};
//! use scap::oval::probes::{Collection, ObjectRequest, Probe, Registry};
//! use scap::probe::{MemoryTarget, Target};
//!
//! struct Packages(&'static [&'static str]);
//! impl Probe for Packages {
//!     fn collect(&self, _target: &dyn Target, object: &ObjectRequest) -> Collection {
//!         let wanted = object.entity("name").and_then(|e| e.exact_values()).unwrap_or_default();
//!         let items: Vec<Item> = wanted.iter().filter(|n| self.0.contains(&n.as_str())).map(|n| {
//!             let mut item = Item::new("linux", "rpminfo_item");
//!             item.push(ItemEntity::string("name", n.clone()));
//!             item
//!         }).collect();
//!         Collection::from_items(items)
//!     }
//! }
//! let mut registry = Registry::builtin();
//! registry.insert("linux", "rpminfo_object", Box::new(Packages(&["chromium"])));
//! # let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ds/ssg-chromium-ds.xml");
//! let content = scap::Content::open(path)?;
//! let outcome = scap::Scan::new(&content).profile("stig")?.registry(registry)
//!     .run(&MemoryTarget::new())?;
//! // Chromium is installed now: its rules apply (and fail: there is no policy file).
//! assert!(outcome.results.count(scap::xccdf::XccdfResult::Fail) > 0);
//! # Ok::<(), scap::Error>(())
//! ```
//!
//! Scans are `Send`: content and a target can move to a worker thread, and one [`Content`]
//! can serve scans of many targets at once (see `tests/thread.rs`).
//!
//! # Features
//!
#![doc = document_features::document_features!()]
#![cfg_attr(docsrs, feature(doc_cfg))]

/// The README's library example, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

pub mod content;
pub mod error;
mod evidence;
pub mod oval_engine;
pub mod scan;
pub mod target;
pub mod vulns;
pub mod warning;

pub use content::{Content, OpenOptions};
pub use error::{Error, Result};
pub use oval_engine::OvalEngine;
pub use scan::{OvalPass, Scan, ScanOutcome, Sce};
pub use scap_xccdf::remediate::{BashRunner, FixRun, FixRunner, FixScript};
pub use target::{TargetFacts, TargetSpec, offline_environment};
pub use vulns::VulnFeed;
pub use warning::Warning;

pub use scap_arf as arf;
pub use scap_cpe as cpe;
#[cfg(feature = "signatures")]
pub use scap_dsig as dsig;
pub use scap_oval as oval;
pub use scap_probe as probe;
pub use scap_xccdf as xccdf;
