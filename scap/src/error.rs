//! The one error type of this crate.

use std::path::PathBuf;

/// What can go wrong opening content, scanning or writing evidence. Each variant names the
/// file or the step; the standard crates' typed errors are kept as sources.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading, composing or resolving the content (XCCDF, data stream, tailoring).
    #[error("{name}: {source}")]
    Content {
        /// The content's name (its path, as given).
        name: String,
        /// What went wrong.
        source: scap_xccdf::Error,
    },
    /// A profile the content does not have (or that matches several).
    #[error("--profile {name}: {source}")]
    Profile {
        /// The profile as asked for.
        name: String,
        /// Why it was not found.
        source: scap_xccdf::Error,
    },
    /// A `--rule` the benchmark does not have.
    #[error("--rule {0}: no such rule in the benchmark")]
    NoSuchRule(String),
    /// A tailoring file that cannot be read.
    #[error("{}: {source}", path.display())]
    Tailoring {
        /// The tailoring file.
        path: PathBuf,
        /// What went wrong.
        source: scap_xccdf::Error,
    },
    /// Opening the target (`--root`, `--image`).
    #[error("{what}: {source}")]
    Target {
        /// Which target, as given.
        what: String,
        /// What went wrong.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// Evaluation failed as a whole (a broken platform specification, ...).
    #[error("{name}: {source}")]
    Evaluation {
        /// The content's name.
        name: String,
        /// What went wrong.
        source: scap_xccdf::Error,
    },
    /// Writing the ARF or building the report from it.
    #[error("evidence: {0}")]
    Evidence(#[from] scap_arf::Error),
    /// `enforce_signature` and the data stream is unsigned, or its signature is not valid
    /// with a trusted key ([`OpenOptions`](crate::OpenOptions)).
    #[error("{name}: {reason}")]
    Signature {
        /// The content's name.
        name: String,
        /// What the verification found (the `scap_dsig::Verification`, displayed).
        reason: String,
    },
    /// An OVAL vulnerability feed that cannot be read, parsed, or read back after evaluation
    /// ([`VulnFeed`](crate::VulnFeed)).
    #[error("vulnerability feed {name}: {source}")]
    VulnerabilityFeed {
        /// The feed's name (its path, as given).
        name: String,
        /// What went wrong.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// [`Scan::remediate`](crate::Scan::remediate) with a runner that changes this host,
    /// and a target that is not this host (an offline tree, an image, a disk): the fixes
    /// would change the scanning host, not the target.
    #[error(
        "remediation runs each fix on this host, and the target ({target}) is not this host: \
         refused (remediate the live host, without --root, --image or --disk)"
    )]
    RemediationOffline {
        /// The target's vantage, as its facts describe it.
        target: String,
    },
    /// Reading or writing a file.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
}

/// A `Result` with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
