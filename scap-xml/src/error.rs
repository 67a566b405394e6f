//! [`XmlError`]: a malformed or refused document, located.

use std::fmt;

/// The XML is not well formed, has a DTD, exceeds a limit of the reader, or a fragment does not
/// lie in its text. `line` and `column` (1-based; the column counts characters) are positions
/// in the whole file the text came from.
///
/// ```
/// let e = scap_xml::XmlError::new("unexpected end of stream", 3, 7);
/// assert_eq!(e.to_string(), "unexpected end of stream (at 3:7)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct XmlError {
    /// What is wrong, as the XML reader says it.
    pub message: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

impl XmlError {
    /// An error at `line`:`column`.
    pub fn new(message: impl Into<String>, line: u32, column: u32) -> XmlError {
        XmlError {
            message: message.into(),
            line,
            column,
        }
    }
}

impl fmt::Display for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The readers' messages often name the position already ("... at 3:7"): say it once.
        let at = format!("{}:{}", self.line, self.column);
        if self.message.contains(&at) {
            f.write_str(&self.message)
        } else {
            write!(f, "{} (at {at})", self.message)
        }
    }
}

impl std::error::Error for XmlError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_position_is_said_once() {
        let e = XmlError::new("bad attribute at 2:5", 2, 5);
        assert_eq!(e.to_string(), "bad attribute at 2:5");
        let e = XmlError::new("the root node was opened but never closed", 1, 1);
        assert_eq!(
            e.to_string(),
            "the root node was opened but never closed (at 1:1)"
        );
    }
}
