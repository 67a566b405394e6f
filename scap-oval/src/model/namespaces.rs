//! The XML namespaces of OVAL 5.11 definitions documents and how a test, object or state's
//! namespace maps to its platform family.

/// `oval-definitions-5`: the core definitions namespace (definitions, criteria, variables, sets,
/// filters, record fields).
pub const DEFINITIONS: &str = "http://oval.mitre.org/XMLSchema/oval-definitions-5";

/// `oval-common-5`: the generator's children (`product_name`, `schema_version`, ...).
pub const COMMON: &str = "http://oval.mitre.org/XMLSchema/oval-common-5";

/// XML Schema instance namespace (`xsi:nil`).
pub const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// XML Digital Signature namespace (`ds:Signature` children, skipped by the parser).
pub const XMLDSIG: &str = "http://www.w3.org/2000/09/xmldsig#";

/// SCAP 1.2 source data stream namespace (`ds:component` holds an `oval_definitions`).
pub const SCAP_DATA_STREAM: &str = "http://scap.nist.gov/schema/scap/source/1.2";

/// The platform family of a test, object or state namespace: the URI fragment after `#`
/// (`independent`, `unix`, `linux`, `windows`, ...), or the whole URI when it has no fragment.
///
/// ```
/// use scap_oval::model::namespaces::family_of;
/// assert_eq!(family_of("http://oval.mitre.org/XMLSchema/oval-definitions-5#linux"), "linux");
/// assert_eq!(family_of("urn:example:no-fragment"), "urn:example:no-fragment");
/// ```
pub fn family_of(namespace: &str) -> &str {
    match namespace.rsplit_once('#') {
        Some((_, fragment)) if !fragment.is_empty() => fragment,
        _ => namespace,
    }
}
