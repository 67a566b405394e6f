//! Human-readable text with an optional language tag, used by titles, remarks and notes.

/// A text element (`title`, `remark`, `note`) with its `xml:lang`.
///
/// ```
/// let t = scap_cpe::Text { lang: Some("en-us".into()), text: "Debian 11".into() };
/// assert_eq!(t.to_string(), "Debian 11");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Text {
    /// The `xml:lang` attribute, if present.
    pub lang: Option<String>,
    /// The text content, as written (not trimmed).
    pub text: String,
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}
