//! Reading and writing names in either binding.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, NameErrorKind};
use crate::wfn::Name;
use crate::{formatted, uri};

impl Name {
    /// Parses a bound name, choosing the binding by its prefix: `cpe:2.3:` for the formatted
    /// string, `cpe:/` (any case) for the URI.
    ///
    /// ```
    /// use scap_cpe::Name;
    /// let a = Name::parse("cpe:/o:debian:debian_linux:11")?;
    /// let b = Name::parse("cpe:2.3:o:debian:debian_linux:11:*:*:*:*:*:*:*")?;
    /// assert_eq!(a, b);
    /// assert!(Name::parse("debian").is_err());
    /// # Ok::<(), scap_cpe::Error>(())
    /// ```
    pub fn parse(text: &str) -> Result<Name, Error> {
        if text.starts_with(formatted::PREFIX) {
            formatted::parse(text)
        } else if text
            .get(..uri::PREFIX.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(uri::PREFIX))
        {
            uri::parse(text)
        } else {
            Err(Error::Name {
                offset: 0,
                attribute: None,
                kind: NameErrorKind::BadPrefix,
            })
        }
    }

    /// Parses the URI binding (NISTIR 7695 section 6.1.3), CPE 2.2 names included.
    ///
    /// ```
    /// let n = scap_cpe::Name::from_uri("cpe:/a:hp:insight_diagnostics:7.4.0.1570::~~online~win2003~x64~")?;
    /// assert_eq!(n.target_sw(), &scap_cpe::Value::literal("win2003")?);
    /// # Ok::<(), scap_cpe::Error>(())
    /// ```
    pub fn from_uri(text: &str) -> Result<Name, Error> {
        uri::parse(text)
    }

    /// Parses the formatted string binding (NISTIR 7695 section 6.2.3).
    ///
    /// ```
    /// let n = scap_cpe::Name::from_formatted_string(r"cpe:2.3:a:foo\:bar:baz:*:*:*:*:*:*:*:*")?;
    /// assert_eq!(n.vendor().as_str().map(|s| s.body()), Some("foo:bar"));
    /// # Ok::<(), scap_cpe::Error>(())
    /// ```
    pub fn from_formatted_string(text: &str) -> Result<Name, Error> {
        formatted::parse(text)
    }

    /// Binds to a URI (NISTIR 7695 section 6.1.2); the 2.3 attributes are packed into the
    /// edition when any of them is not ANY.
    ///
    /// ```
    /// let n: scap_cpe::Name = "cpe:2.3:a:v:p:1:*:*:*:pro:*:*:*".parse()?;
    /// assert_eq!(n.to_uri(), "cpe:/a:v:p:1::~~pro~~~");
    /// # Ok::<(), scap_cpe::Error>(())
    /// ```
    pub fn to_uri(&self) -> String {
        uri::bind(self)
    }

    /// Binds to a formatted string (NISTIR 7695 section 6.2.2); the same as `to_string()`.
    ///
    /// ```
    /// let n: scap_cpe::Name = "cpe:/a:redhat:openssl".parse()?;
    /// assert_eq!(n.to_formatted_string(), "cpe:2.3:a:redhat:openssl:*:*:*:*:*:*:*:*");
    /// # Ok::<(), scap_cpe::Error>(())
    /// ```
    pub fn to_formatted_string(&self) -> String {
        formatted::bind(self)
    }
}

impl FromStr for Name {
    type Err = Error;

    /// Same as [`Name::parse`].
    fn from_str(text: &str) -> Result<Name, Error> {
        Name::parse(text)
    }
}

impl fmt::Display for Name {
    /// Writes the formatted string binding, the canonical form in CPE 2.3.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&formatted::bind(self))
    }
}
