//! Sorting a rule's references and idents into the kinds assessors look for.

use serde::{Deserialize, Serialize};

/// What a reference or ident identifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RefKind {
    /// A DISA Control Correlation Identifier (`CCI-000366`).
    Cci,
    /// A DISA Security Requirements Guide requirement (`SRG-OS-000480-GPOS-00227`).
    Srg,
    /// A DISA STIG rule id (`SV-230221r743913_rule`).
    StigRule,
    /// A DISA STIG id / rule version (`RHEL-08-010010`, `DTBC0003`).
    StigId,
    /// A NIST SP 800-53 control (`CM-6(a)`).
    Nist80053,
    /// A Common Configuration Enumeration id (`CCE-80857-6`).
    Cce,
    /// Anything else (CIS, PCI DSS, ISO 27001, ...).
    Other,
}

impl RefKind {
    /// A short label for reports.
    pub fn label(self) -> &'static str {
        match self {
            RefKind::Cci => "CCI",
            RefKind::Srg => "SRG",
            RefKind::StigRule => "STIG rule",
            RefKind::StigId => "STIG ID",
            RefKind::Nist80053 => "NIST 800-53",
            RefKind::Cce => "CCE",
            RefKind::Other => "Other",
        }
    }
}

/// One identifier from a rule's references or idents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RefId {
    /// What it identifies.
    pub kind: RefKind,
    /// The identifier (`CCI-000366`).
    pub id: String,
    /// The reference `href` or ident `system` it came from.
    pub source: String,
}

/// Classifies one reference (`href`, text) or ident (`system`, value). SSG writes several ids
/// in one reference separated by commas; each becomes its own [`RefId`].
///
/// ```
/// use scap_arf::report::refs::{classify, RefKind};
/// let r = classify("https://public.cyber.mil/stigs/cci/", "CCI-000366,CCI-001749");
/// assert_eq!(r.len(), 2);
/// assert_eq!(r[1].kind, RefKind::Cci);
/// let n = classify("http://nvlpubs.nist.gov/nistpubs/SpecialPublications/NIST.SP.800-53r4.pdf", "CM-6(a)");
/// assert_eq!(n[0].kind, RefKind::Nist80053);
/// ```
pub fn classify(source: &str, text: &str) -> Vec<RefId> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|id| RefId {
            kind: kind_of(source, id),
            id: id.to_string(),
            source: source.to_string(),
        })
        .collect()
}

fn kind_of(source: &str, id: &str) -> RefKind {
    let src = source.to_ascii_lowercase();
    if id.starts_with("CCI-") {
        RefKind::Cci
    } else if id.starts_with("SRG-") {
        RefKind::Srg
    } else if id.starts_with("SV-") && id.ends_with("_rule") {
        RefKind::StigRule
    } else if id.starts_with("CCE-") || src.contains("/cce") {
        RefKind::Cce
    } else if src.contains("800-53") {
        RefKind::Nist80053
    } else if src.contains("public.cyber.mil/stigs/downloads")
        || src.contains("iase.disa.mil/stigs")
    {
        RefKind::StigId
    } else {
        RefKind::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disa_kinds() {
        let stig = "https://public.cyber.mil/stigs/downloads/?_dl_facet_stigs=operating-systems%2Cunix-linux";
        assert_eq!(classify(stig, "DTBC0003")[0].kind, RefKind::StigId);
        assert_eq!(classify(stig, "SRG-APP-000001")[0].kind, RefKind::Srg);
        let tools = "https://public.cyber.mil/stigs/srg-stig-tools/";
        assert_eq!(
            classify(tools, "SV-230221r743913_rule")[0].kind,
            RefKind::StigRule
        );
        assert_eq!(
            classify("https://nvd.nist.gov/cce/index.cfm", "CCE-80857-6")[0].kind,
            RefKind::Cce
        );
        assert_eq!(
            classify("https://www.cisecurity.org/controls/", "1.1")[0].kind,
            RefKind::Other
        );
        assert!(classify("x", " , ").is_empty());
    }
}
