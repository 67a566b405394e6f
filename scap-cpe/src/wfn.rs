//! The well-formed CPE name (WFN) of NISTIR 7695 section 5: eleven attributes, each the logical
//! value ANY or NA, or a string value with optional wildcards at its ends.

use std::fmt;

use crate::error::{Error, NameErrorKind};

/// The eleven WFN attributes, in binding order (NISTIR 7695 section 5.3).
///
/// ```
/// use scap_cpe::Attribute;
/// assert_eq!(Attribute::SwEdition.name(), "sw_edition");
/// assert_eq!(Attribute::ALL.len(), 11);
/// assert_eq!(Attribute::from_name("target_hw"), Some(Attribute::TargetHw));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Attribute {
    /// `part`: `a` application, `o` operating system, `h` hardware.
    Part,
    /// `vendor`.
    Vendor,
    /// `product`.
    Product,
    /// `version`.
    Version,
    /// `update`.
    Update,
    /// `edition` (legacy; CPE 2.3 content uses the extended attributes instead).
    Edition,
    /// `language`: an RFC 5646 tag such as `en-us`.
    Language,
    /// `sw_edition`.
    SwEdition,
    /// `target_sw`.
    TargetSw,
    /// `target_hw`.
    TargetHw,
    /// `other`.
    Other,
}

impl Attribute {
    /// All attributes in binding order.
    pub const ALL: [Attribute; 11] = [
        Attribute::Part,
        Attribute::Vendor,
        Attribute::Product,
        Attribute::Version,
        Attribute::Update,
        Attribute::Edition,
        Attribute::Language,
        Attribute::SwEdition,
        Attribute::TargetSw,
        Attribute::TargetHw,
        Attribute::Other,
    ];

    /// The attribute's name as NISTIR 7695 writes it (`sw_edition`, `target_hw`, ...).
    ///
    /// ```
    /// assert_eq!(scap_cpe::Attribute::Part.name(), "part");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Attribute::Part => "part",
            Attribute::Vendor => "vendor",
            Attribute::Product => "product",
            Attribute::Version => "version",
            Attribute::Update => "update",
            Attribute::Edition => "edition",
            Attribute::Language => "language",
            Attribute::SwEdition => "sw_edition",
            Attribute::TargetSw => "target_sw",
            Attribute::TargetHw => "target_hw",
            Attribute::Other => "other",
        }
    }

    /// The attribute with this NISTIR 7695 name, if any.
    ///
    /// ```
    /// assert_eq!(scap_cpe::Attribute::from_name("version"), Some(scap_cpe::Attribute::Version));
    /// assert_eq!(scap_cpe::Attribute::from_name("Version"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Attribute> {
        Attribute::ALL.into_iter().find(|a| a.name() == name)
    }

    /// Position of the attribute in binding order (0 for `part` .. 10 for `other`).
    ///
    /// ```
    /// assert_eq!(scap_cpe::Attribute::Other.index(), 10);
    /// ```
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Attribute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Unquoted wildcards at one end of a string value (NISTIR 7695 section 5.3.2): a single `*`
/// (any sequence of characters) or a run of `?` (one character each; NISTIR 7696 lets a run at an
/// end of a value also match fewer characters).
///
/// ```
/// use scap_cpe::{AvString, Wildcard};
/// let v = AvString::new(Wildcard::Questions(2), "x", Wildcard::Star).unwrap();
/// assert_eq!(v.to_wfn(), "??x*");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Wildcard {
    /// No wildcard.
    #[default]
    None,
    /// One unquoted `*`.
    Star,
    /// A run of this many unquoted `?` (0 is the same as [`Wildcard::None`]).
    Questions(u32),
}

impl Wildcard {
    fn normalized(self) -> Wildcard {
        match self {
            Wildcard::Questions(0) => Wildcard::None,
            w => w,
        }
    }

    fn write(self, out: &mut String) {
        match self {
            Wildcard::None => {}
            Wildcard::Star => out.push('*'),
            Wildcard::Questions(n) => out.extend(std::iter::repeat_n('?', n as usize)),
        }
    }
}

/// A WFN string value: a literal body of printable ASCII characters (no whitespace) with
/// optional wildcards at its start and end. The body is non-empty except in a value made only of
/// `?` (`??` matches any one- or two-character value); a value made only of `*` is refused, since
/// both bindings would read it back as ANY.
///
/// The body holds the characters themselves, unquoted: the body `8.0` is written `8\.0` in a WFN
/// ([`AvString::to_wfn`]), `8.0` in both bindings. Because wildcards live only in
/// [`prefix`](AvString::prefix) and [`suffix`](AvString::suffix), every `AvString` obeys the
/// placement rules of NISTIR 7695 section 5.3.2 by construction.
///
/// ```
/// use scap_cpe::{AvString, Wildcard};
/// let v = AvString::new(Wildcard::None, "8.0.6001", Wildcard::Star).unwrap();
/// assert_eq!(v.body(), "8.0.6001");
/// assert_eq!(v.to_wfn(), r"8\.0\.6001*");
/// assert!(AvString::literal("has space").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AvString {
    prefix: Wildcard,
    body: String,
    suffix: Wildcard,
}

impl AvString {
    /// A value with the given wildcards around `body`; `body` must be printable ASCII
    /// (`!`..=`~`), and non-empty unless the value is only a run of `?`. A `*` or `?` inside
    /// `body` is a literal character.
    ///
    /// ```
    /// use scap_cpe::{AvString, Wildcard};
    /// assert!(AvString::new(Wildcard::Star, "", Wildcard::None).is_err());
    /// assert_eq!(AvString::new(Wildcard::None, "", Wildcard::Questions(2))?.to_wfn(), "??");
    /// assert!(AvString::new(Wildcard::Star, "café", Wildcard::None).is_err());
    /// # Ok::<(), scap_cpe::Error>(())
    /// ```
    pub fn new(prefix: Wildcard, body: &str, suffix: Wildcard) -> Result<AvString, Error> {
        if body.is_empty() {
            // Only a run of `?` may stand without a body; it is kept as the prefix.
            let run = match (prefix.normalized(), suffix.normalized()) {
                (Wildcard::Questions(a), Wildcard::Questions(b)) => a.saturating_add(b),
                (Wildcard::Questions(a), Wildcard::None)
                | (Wildcard::None, Wildcard::Questions(a)) => a,
                _ => {
                    return Err(Error::Value {
                        attribute: None,
                        kind: NameErrorKind::EmptyValue,
                    });
                }
            };
            return Ok(AvString {
                prefix: Wildcard::Questions(run),
                body: String::new(),
                suffix: Wildcard::None,
            });
        }
        if let Some(c) = body.chars().find(|c| !is_printable(*c)) {
            return Err(Error::Value {
                attribute: None,
                kind: NameErrorKind::InvalidCharacter(c),
            });
        }
        Ok(AvString {
            prefix: prefix.normalized(),
            body: body.to_owned(),
            suffix: suffix.normalized(),
        })
    }

    /// A value without wildcards.
    ///
    /// ```
    /// let v = scap_cpe::AvString::literal("debian_linux").unwrap();
    /// assert!(!v.has_wildcards());
    /// ```
    pub fn literal(body: &str) -> Result<AvString, Error> {
        AvString::new(Wildcard::None, body, Wildcard::None)
    }

    /// The wildcard before the body.
    ///
    /// ```
    /// let v = scap_cpe::AvString::parse_wfn("*bar").unwrap();
    /// assert_eq!(v.prefix(), scap_cpe::Wildcard::Star);
    /// ```
    pub fn prefix(&self) -> Wildcard {
        self.prefix
    }

    /// The literal characters, unquoted.
    ///
    /// ```
    /// assert_eq!(scap_cpe::AvString::parse_wfn(r"1\.0").unwrap().body(), "1.0");
    /// ```
    pub fn body(&self) -> &str {
        &self.body
    }

    /// The wildcard after the body.
    ///
    /// ```
    /// let v = scap_cpe::AvString::parse_wfn("1??").unwrap();
    /// assert_eq!(v.suffix(), scap_cpe::Wildcard::Questions(2));
    /// ```
    pub fn suffix(&self) -> Wildcard {
        self.suffix
    }

    /// Whether the value has an unquoted `*` or `?`.
    ///
    /// ```
    /// assert!(scap_cpe::AvString::parse_wfn("1*").unwrap().has_wildcards());
    /// assert!(!scap_cpe::AvString::parse_wfn(r"1\*").unwrap().has_wildcards());
    /// ```
    pub fn has_wildcards(&self) -> bool {
        self.prefix != Wildcard::None || self.suffix != Wildcard::None
    }

    /// The value as written inside a WFN: every character other than a letter, digit or `_`
    /// quoted with `\`, wildcards unquoted.
    ///
    /// ```
    /// let v = scap_cpe::AvString::literal("a-b\\c").unwrap();
    /// assert_eq!(v.to_wfn(), r"a\-b\\c");
    /// ```
    pub fn to_wfn(&self) -> String {
        let mut out = String::with_capacity(self.body.len() * 2 + 2);
        self.prefix.write(&mut out);
        for c in self.body.chars() {
            if !(c.is_ascii_alphanumeric() || c == '_') {
                out.push('\\');
            }
            out.push(c);
        }
        self.suffix.write(&mut out);
        out
    }

    /// Parses the WFN form of a value (`8\.0*`): letters, digits and `_` as themselves, any
    /// other printable character quoted with `\`, unquoted `*`/`?` only at the ends.
    ///
    /// ```
    /// use scap_cpe::AvString;
    /// assert_eq!(AvString::parse_wfn(r"\*nix").unwrap().body(), "*nix");
    /// assert!(AvString::parse_wfn("a-b").is_err()); // `-` must be quoted in a WFN
    /// assert!(AvString::parse_wfn("a*b").is_err()); // wildcard inside the value
    /// ```
    pub fn parse_wfn(text: &str) -> Result<AvString, Error> {
        let mut tokens = Vec::with_capacity(text.len());
        let mut chars = text.char_indices();
        while let Some((at, c)) = chars.next() {
            let tok = match c {
                '\\' => match chars.next() {
                    Some((_, q)) if is_printable(q) => Tok::Lit(q),
                    Some((_, q)) => return Err(value_error(NameErrorKind::InvalidCharacter(q))),
                    None => return Err(value_error(NameErrorKind::DanglingEscape)),
                },
                '*' => Tok::Star,
                '?' => Tok::Quest,
                c if c.is_ascii_alphanumeric() || c == '_' => Tok::Lit(c),
                c if is_printable(c) => return Err(value_error(NameErrorKind::Unquoted(c))),
                c => return Err(value_error(NameErrorKind::InvalidCharacter(c))),
            };
            tokens.push((at, tok));
        }
        build(&tokens, text.len()).map_err(|(_, kind)| value_error(kind))
    }
}

fn value_error(kind: NameErrorKind) -> Error {
    Error::Value {
        attribute: None,
        kind,
    }
}

/// Printable ASCII without space: the characters a WFN value may hold.
pub(crate) fn is_printable(c: char) -> bool {
    ('!'..='~').contains(&c)
}

/// One decoded character of a bound value: a literal (quoted or not) or an unquoted wildcard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tok {
    Lit(char),
    Star,
    Quest,
}

/// Assembles decoded tokens (each with its byte offset) into a value, enforcing the wildcard
/// placement rules. `end` is the offset just past the value, for errors about an empty body.
pub(crate) fn build(
    tokens: &[(usize, Tok)],
    end: usize,
) -> Result<AvString, (usize, NameErrorKind)> {
    let mut i = 0;
    let mut prefix = Wildcard::None;
    match tokens.first() {
        Some((_, Tok::Star)) => {
            prefix = Wildcard::Star;
            i = 1;
        }
        Some((_, Tok::Quest)) => {
            while let Some((_, Tok::Quest)) = tokens.get(i) {
                i += 1;
            }
            prefix = Wildcard::Questions(u32::try_from(i).unwrap_or(u32::MAX));
        }
        _ => {}
    }
    let body_start = i;
    let mut body = String::new();
    while let Some((_, Tok::Lit(c))) = tokens.get(i) {
        body.push(*c);
        i += 1;
    }
    if body.is_empty() {
        if body_start == tokens.len() && matches!(prefix, Wildcard::Questions(_)) {
            // A value that is only a run of `?` (NISTIR 7695: `spec_chrs *body2`).
            return Ok(AvString {
                prefix,
                body,
                suffix: Wildcard::None,
            });
        }
        return match tokens.get(body_start) {
            // A wildcard right after the prefix: `**`, `*?`, `?*`.
            Some((at, _)) => Err((*at, NameErrorKind::MisplacedWildcard)),
            None => Err((end, NameErrorKind::EmptyValue)),
        };
    }
    let suffix_start = i;
    let mut suffix = Wildcard::None;
    match tokens.get(i) {
        Some((_, Tok::Star)) => {
            suffix = Wildcard::Star;
            i += 1;
        }
        Some((_, Tok::Quest)) => {
            while let Some((_, Tok::Quest)) = tokens.get(i) {
                i += 1;
            }
            suffix = Wildcard::Questions(u32::try_from(i - suffix_start).unwrap_or(u32::MAX));
        }
        _ => {}
    }
    if let Some((at, _)) = tokens.get(i) {
        // Something after the suffix: either a literal after a wildcard (wildcard inside the
        // value) or a second kind of wildcard.
        let at = tokens.get(suffix_start).map_or(*at, |(a, _)| *a);
        return Err((at, NameErrorKind::MisplacedWildcard));
    }
    Ok(AvString {
        prefix,
        body,
        suffix,
    })
}

/// A WFN attribute value: one of the logical values ANY and NA, or a string.
///
/// ```
/// use scap_cpe::Value;
/// assert_eq!(Value::Any.to_wfn(), "ANY");
/// assert_eq!(Value::literal("1.0").unwrap().to_wfn(), r#""1\.0""#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Value {
    /// ANY: any value, including none.
    #[default]
    Any,
    /// NA: not applicable, no legal value.
    Na,
    /// A string value, possibly with wildcards.
    Str(AvString),
}

impl Value {
    /// A string value without wildcards.
    ///
    /// ```
    /// assert!(scap_cpe::Value::literal("openssl").is_ok());
    /// ```
    pub fn literal(body: &str) -> Result<Value, Error> {
        AvString::literal(body).map(Value::Str)
    }

    /// The string value, if this is not a logical value.
    ///
    /// ```
    /// assert!(scap_cpe::Value::Na.as_str().is_none());
    /// ```
    pub fn as_str(&self) -> Option<&AvString> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Whether this is a string value with unquoted wildcards.
    ///
    /// ```
    /// assert!(!scap_cpe::Value::Any.has_wildcards());
    /// ```
    pub fn has_wildcards(&self) -> bool {
        self.as_str().is_some_and(AvString::has_wildcards)
    }

    /// The value as written in a WFN text: `ANY`, `NA` or a double-quoted string.
    ///
    /// ```
    /// assert_eq!(scap_cpe::Value::Na.to_wfn(), "NA");
    /// ```
    pub fn to_wfn(&self) -> String {
        match self {
            Value::Any => "ANY".to_owned(),
            Value::Na => "NA".to_owned(),
            Value::Str(s) => format!("\"{}\"", s.to_wfn()),
        }
    }
}

/// Checks the per-attribute constraints of NISTIR 7695 section 5.3.3: `part` is `a`, `o` or `h`;
/// `language` is a language tag; other attributes take any value.
pub(crate) fn check_value(attribute: Attribute, value: &Value) -> Result<(), NameErrorKind> {
    let Value::Str(s) = value else { return Ok(()) };
    match attribute {
        Attribute::Part if s.has_wildcards() || !matches!(s.body(), "a" | "o" | "h") => {
            Err(NameErrorKind::InvalidPart)
        }
        Attribute::Language if s.has_wildcards() || !is_language_tag(s.body()) => {
            Err(NameErrorKind::InvalidLanguage)
        }
        _ => Ok(()),
    }
}

/// `2*3ALPHA ["-" (2ALPHA / 3DIGIT)]`, the language tag of NISTIR 7695 section 6.2.2.
fn is_language_tag(tag: &str) -> bool {
    let (language, region) = match tag.split_once('-') {
        Some((l, r)) => (l, Some(r)),
        None => (tag, None),
    };
    let language_ok =
        (2..=3).contains(&language.len()) && language.bytes().all(|b| b.is_ascii_alphabetic());
    let region_ok = match region {
        None => true,
        Some(r) => {
            (r.len() == 2 && r.bytes().all(|b| b.is_ascii_alphabetic()))
                || (r.len() == 3 && r.bytes().all(|b| b.is_ascii_digit()))
        }
    };
    language_ok && region_ok
}

/// A well-formed CPE name (WFN): the eleven attributes of NISTIR 7695 section 5, each validated
/// when set. A new name has every attribute ANY.
///
/// `Display` writes the canonical binding, the CPE 2.3 formatted string;
/// [`to_uri`](Name::to_uri) gives the CPE 2.2-compatible URI.
///
/// ```
/// use scap_cpe::{Attribute, Name, Value};
/// let name = Name::new()
///     .with(Attribute::Part, Value::literal("o")?)?
///     .with(Attribute::Vendor, Value::literal("debian")?)?
///     .with(Attribute::Product, Value::literal("debian_linux")?)?
///     .with(Attribute::Version, Value::literal("11")?)?;
/// assert_eq!(name.to_string(), "cpe:2.3:o:debian:debian_linux:11:*:*:*:*:*:*:*");
/// assert_eq!(name.to_uri(), "cpe:/o:debian:debian_linux:11");
/// assert_eq!(name, "cpe:/o:debian:debian_linux:11".parse()?);
/// # Ok::<(), scap_cpe::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Name {
    values: [Value; 11],
}

impl Name {
    /// A name with every attribute ANY (it matches everything).
    ///
    /// ```
    /// assert_eq!(scap_cpe::Name::new().to_uri(), "cpe:/");
    /// ```
    pub fn new() -> Name {
        Name::default()
    }

    /// The value of one attribute.
    ///
    /// ```
    /// use scap_cpe::{Attribute, Name};
    /// let name: Name = "cpe:/a:redhat:openssl".parse()?;
    /// assert_eq!(name.get(Attribute::Product).as_str().map(|s| s.body()), Some("openssl"));
    /// # Ok::<(), scap_cpe::Error>(())
    /// ```
    pub fn get(&self, attribute: Attribute) -> &Value {
        // In bounds: `values` has one slot per attribute and `index()` is below 11.
        &self.values[attribute.index()]
    }

    /// Sets one attribute, checking the constraints on `part` (`a`, `o` or `h`) and `language`
    /// (a tag like `en-us`, no wildcards).
    ///
    /// ```
    /// use scap_cpe::{Attribute, Name, Value};
    /// let mut name = Name::new();
    /// assert!(name.set(Attribute::Part, Value::literal("x")?).is_err());
    /// name.set(Attribute::Language, Value::literal("en-us")?)?;
    /// # Ok::<(), scap_cpe::Error>(())
    /// ```
    pub fn set(&mut self, attribute: Attribute, value: Value) -> Result<(), Error> {
        check_value(attribute, &value).map_err(|kind| Error::Value {
            attribute: Some(attribute),
            kind,
        })?;
        self.values[attribute.index()] = value;
        Ok(())
    }

    /// [`set`](Name::set) in builder style.
    ///
    /// ```
    /// use scap_cpe::{Attribute, Name, Value};
    /// let name = Name::new().with(Attribute::Vendor, Value::Na)?;
    /// assert_eq!(name.get(Attribute::Vendor), &Value::Na);
    /// # Ok::<(), scap_cpe::Error>(())
    /// ```
    pub fn with(mut self, attribute: Attribute, value: Value) -> Result<Name, Error> {
        self.set(attribute, value)?;
        Ok(self)
    }

    /// All eleven values in binding order.
    ///
    /// ```
    /// assert_eq!(scap_cpe::Name::new().values().len(), 11);
    /// ```
    pub fn values(&self) -> &[Value; 11] {
        &self.values
    }

    /// `part`.
    ///
    /// ```
    /// let n: scap_cpe::Name = "cpe:/o:debian".parse()?;
    /// assert_eq!(n.part(), &scap_cpe::Value::literal("o")?);
    /// # Ok::<(), scap_cpe::Error>(())
    /// ```
    pub fn part(&self) -> &Value {
        self.get(Attribute::Part)
    }

    /// `vendor`.
    ///
    /// ```
    /// let n: scap_cpe::Name = "cpe:/o:debian".parse()?;
    /// assert_eq!(n.vendor(), &scap_cpe::Value::literal("debian")?);
    /// # Ok::<(), scap_cpe::Error>(())
    /// ```
    pub fn vendor(&self) -> &Value {
        self.get(Attribute::Vendor)
    }

    /// `product`.
    ///
    /// ```
    /// let n: scap_cpe::Name = "cpe:/o:debian".parse()?;
    /// assert_eq!(n.product(), &scap_cpe::Value::Any);
    /// # Ok::<(), scap_cpe::Error>(())
    /// ```
    pub fn product(&self) -> &Value {
        self.get(Attribute::Product)
    }

    /// `version`.
    ///
    /// ```
    /// let n: scap_cpe::Name = "cpe:/o:debian:debian_linux:11".parse()?;
    /// assert_eq!(n.version(), &scap_cpe::Value::literal("11")?);
    /// # Ok::<(), scap_cpe::Error>(())
    /// ```
    pub fn version(&self) -> &Value {
        self.get(Attribute::Version)
    }

    /// `update`.
    ///
    /// ```
    /// let n: scap_cpe::Name = "cpe:/o:debian:debian_linux:11:-".parse()?;
    /// assert_eq!(n.update(), &scap_cpe::Value::Na);
    /// # Ok::<(), scap_cpe::Error>(())
    /// ```
    pub fn update(&self) -> &Value {
        self.get(Attribute::Update)
    }

    /// `edition`.
    ///
    /// ```
    /// let n: scap_cpe::Name = "cpe:/o:redhat:enterprise_linux:7::server".parse()?;
    /// assert_eq!(n.edition(), &scap_cpe::Value::literal("server")?);
    /// # Ok::<(), scap_cpe::Error>(())
    /// ```
    pub fn edition(&self) -> &Value {
        self.get(Attribute::Edition)
    }

    /// `language`.
    ///
    /// ```
    /// let n: scap_cpe::Name = "cpe:/a:v:p:1:::en-us".parse()?;
    /// assert_eq!(n.language(), &scap_cpe::Value::literal("en-us")?);
    /// # Ok::<(), scap_cpe::Error>(())
    /// ```
    pub fn language(&self) -> &Value {
        self.get(Attribute::Language)
    }

    /// `sw_edition`.
    ///
    /// ```
    /// let n: scap_cpe::Name = "cpe:2.3:a:v:p:*:*:*:*:pro:*:*:*".parse()?;
    /// assert_eq!(n.sw_edition(), &scap_cpe::Value::literal("pro")?);
    /// # Ok::<(), scap_cpe::Error>(())
    /// ```
    pub fn sw_edition(&self) -> &Value {
        self.get(Attribute::SwEdition)
    }

    /// `target_sw`.
    ///
    /// ```
    /// let n: scap_cpe::Name = "cpe:2.3:a:v:p:*:*:*:*:*:linux:*:*".parse()?;
    /// assert_eq!(n.target_sw(), &scap_cpe::Value::literal("linux")?);
    /// # Ok::<(), scap_cpe::Error>(())
    /// ```
    pub fn target_sw(&self) -> &Value {
        self.get(Attribute::TargetSw)
    }

    /// `target_hw`.
    ///
    /// ```
    /// let n: scap_cpe::Name = "cpe:2.3:a:v:p:*:*:*:*:*:*:x64:*".parse()?;
    /// assert_eq!(n.target_hw(), &scap_cpe::Value::literal("x64")?);
    /// # Ok::<(), scap_cpe::Error>(())
    /// ```
    pub fn target_hw(&self) -> &Value {
        self.get(Attribute::TargetHw)
    }

    /// `other`.
    ///
    /// ```
    /// let n: scap_cpe::Name = "cpe:2.3:a:v:p:*:*:*:*:*:*:*:-".parse()?;
    /// assert_eq!(n.other(), &scap_cpe::Value::Na);
    /// # Ok::<(), scap_cpe::Error>(())
    /// ```
    pub fn other(&self) -> &Value {
        self.get(Attribute::Other)
    }

    /// The WFN text of NISTIR 7695 section 5.4, listing the attributes that are not ANY, e.g.
    /// `wfn:[part="a",vendor="microsoft",version="8\.0"]`.
    ///
    /// ```
    /// let n: scap_cpe::Name = "cpe:/a:microsoft:internet_explorer:8.0.6001:beta".parse()?;
    /// assert_eq!(
    ///     n.to_wfn_string(),
    ///     r#"wfn:[part="a",vendor="microsoft",product="internet_explorer",version="8\.0\.6001",update="beta"]"#
    /// );
    /// # Ok::<(), scap_cpe::Error>(())
    /// ```
    pub fn to_wfn_string(&self) -> String {
        let mut out = String::from("wfn:[");
        let mut first = true;
        for attribute in Attribute::ALL {
            let value = self.get(attribute);
            if *value == Value::Any {
                continue;
            }
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str(attribute.name());
            out.push('=');
            out.push_str(&value.to_wfn());
        }
        out.push(']');
        out
    }

    /// Parses the WFN text of NISTIR 7695 section 5.4: `wfn:[` then `attribute=value` pairs
    /// separated by `,`, then `]`; a value is `ANY`, `NA` or a double-quoted WFN string
    /// ([`AvString::parse_wfn`]). Attributes not listed are ANY.
    ///
    /// ```
    /// use scap_cpe::Name;
    /// let n = Name::parse_wfn(r#"wfn:[part="a",vendor="microsoft",product="internet_explorer",version="8\.*",update="sp?"]"#)?;
    /// assert_eq!(n.to_uri(), "cpe:/a:microsoft:internet_explorer:8.%02:sp%01");
    /// assert!(Name::parse_wfn("wfn:[part=\"a\",part=\"o\"]").is_err());
    /// # Ok::<(), scap_cpe::Error>(())
    /// ```
    pub fn parse_wfn(text: &str) -> Result<Name, Error> {
        let fail = |offset: usize, attribute: Option<Attribute>, kind| Error::Name {
            offset,
            attribute,
            kind,
        };
        let bad =
            |offset: usize, what: &'static str| fail(offset, None, NameErrorKind::BadWfn(what));
        let Some(mut rest) = text.strip_prefix("wfn:[") else {
            return Err(bad(0, "expected `wfn:[`"));
        };
        let mut name = Name::new();
        let mut seen = [false; 11];
        if let Some(after) = rest.strip_prefix(']') {
            return if after.is_empty() {
                Ok(name)
            } else {
                Err(bad(text.len() - after.len(), "text after `]`"))
            };
        }
        loop {
            let at = text.len() - rest.len();
            let Some((attr_text, after)) = rest.split_once('=') else {
                return Err(bad(at, "expected `attribute=value`"));
            };
            let attribute = Attribute::from_name(attr_text.trim())
                .ok_or_else(|| bad(at, "unknown attribute name"))?;
            if std::mem::replace(&mut seen[attribute.index()], true) {
                return Err(bad(at, "attribute given twice"));
            }
            let value_at = text.len() - after.len();
            let after = after.trim_start();
            let (value, after) = if let Some(a) = after.strip_prefix("ANY") {
                (Value::Any, a)
            } else if let Some(a) = after.strip_prefix("NA") {
                (Value::Na, a)
            } else if let Some(quoted) = after.strip_prefix('"') {
                // The closing quote is the first `"` not quoted by a backslash.
                let mut end = None;
                let mut escaped = false;
                for (i, c) in quoted.char_indices() {
                    match c {
                        _ if escaped => escaped = false,
                        '\\' => escaped = true,
                        '"' => {
                            end = Some(i);
                            break;
                        }
                        _ => {}
                    }
                }
                let end = end.ok_or_else(|| bad(value_at, "unterminated string"))?;
                let inner = quoted.get(..end).unwrap_or("");
                let v = AvString::parse_wfn(inner).map_err(|e| match e {
                    Error::Value { kind, .. } => fail(value_at, Some(attribute), kind),
                    other => other,
                })?;
                (Value::Str(v), quoted.get(end + 1..).unwrap_or(""))
            } else {
                return Err(bad(value_at, "expected ANY, NA or a quoted string"));
            };
            check_value(attribute, &value).map_err(|kind| fail(value_at, Some(attribute), kind))?;
            name.set_unchecked(attribute, value);
            let after = after.trim_start();
            if let Some(a) = after.strip_prefix(',') {
                rest = a.trim_start();
            } else if let Some(a) = after.strip_prefix(']') {
                return if a.is_empty() {
                    Ok(name)
                } else {
                    Err(bad(text.len() - a.len(), "text after `]`"))
                };
            } else {
                return Err(bad(text.len() - after.len(), "expected `,` or `]`"));
            }
        }
    }

    /// Writes a value without checks; the binding parsers call it after [`check_value`].
    pub(crate) fn set_unchecked(&mut self, attribute: Attribute, value: Value) {
        self.values[attribute.index()] = value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<(usize, Tok)> {
        s.char_indices()
            .map(|(i, c)| {
                let t = match c {
                    '*' => Tok::Star,
                    '?' => Tok::Quest,
                    c => Tok::Lit(c),
                };
                (i, t)
            })
            .collect()
    }

    #[test]
    fn wildcards_only_at_the_ends() {
        use NameErrorKind::{EmptyValue, MisplacedWildcard};
        let ok = [
            ("abc", Wildcard::None, Wildcard::None),
            ("*abc", Wildcard::Star, Wildcard::None),
            ("abc*", Wildcard::None, Wildcard::Star),
            ("*abc*", Wildcard::Star, Wildcard::Star),
            ("??abc???", Wildcard::Questions(2), Wildcard::Questions(3)),
            ("*abc?", Wildcard::Star, Wildcard::Questions(1)),
            ("?abc*", Wildcard::Questions(1), Wildcard::Star),
        ];
        let only = build(&toks("???"), 3).unwrap();
        assert_eq!(
            (only.prefix(), only.body(), only.suffix()),
            (Wildcard::Questions(3), "", Wildcard::None)
        );
        assert_eq!(only.to_wfn(), "???");
        for (text, prefix, suffix) in ok {
            let v = build(&toks(text), text.len()).unwrap_or_else(|e| panic!("{text}: {e:?}"));
            assert_eq!(
                (v.prefix(), v.body(), v.suffix()),
                (prefix, "abc", suffix),
                "{text}"
            );
            assert_eq!(v.to_wfn(), text);
        }
        let bad = [
            ("", (0, EmptyValue)),
            ("*", (1, EmptyValue)),
            ("**a", (1, MisplacedWildcard)),
            ("*?a", (1, MisplacedWildcard)),
            ("?*a", (1, MisplacedWildcard)),
            ("a*b", (1, MisplacedWildcard)),
            ("a?b", (1, MisplacedWildcard)),
            ("a**", (1, MisplacedWildcard)),
            ("a?*", (1, MisplacedWildcard)),
            ("a*?", (1, MisplacedWildcard)),
        ];
        for (text, expected) in bad {
            assert_eq!(build(&toks(text), text.len()), Err(expected), "{text}");
        }
    }

    #[test]
    fn part_and_language_are_constrained() {
        let mut name = Name::new();
        for part in ["a", "o", "h"] {
            name.set(Attribute::Part, Value::literal(part).unwrap())
                .unwrap();
        }
        for bad in ["A", "x", "ao"] {
            assert!(
                name.set(Attribute::Part, Value::literal(bad).unwrap())
                    .is_err(),
                "{bad}"
            );
        }
        for tag in ["en", "eng", "en-us", "es-419", "EN-US"] {
            assert!(
                name.set(Attribute::Language, Value::literal(tag).unwrap())
                    .is_ok(),
                "{tag}"
            );
        }
        for bad in ["e", "engl", "en-u", "en-1234", "en_us", "en-us-x"] {
            assert!(
                name.set(Attribute::Language, Value::literal(bad).unwrap())
                    .is_err(),
                "{bad}"
            );
        }
        let wild = Value::Str(AvString::parse_wfn("en*").unwrap());
        assert!(name.set(Attribute::Language, wild).is_err());
        // Nothing constrains the others.
        let wild = Value::Str(AvString::parse_wfn(r"*\-x?").unwrap());
        assert!(name.set(Attribute::Other, wild).is_ok());
    }

    #[test]
    fn wfn_text_errors() {
        for bad in [
            "wfn[part=\"a\"]",
            "wfn:[part=\"a\"",
            "wfn:[part=\"a\"]x",
            "wfn:[colour=\"a\"]",
            "wfn:[vendor=\"a]",
            "wfn:[vendor=any]",
            "wfn:[vendor=\"a-b\"]",
            "wfn:[vendor=\"a\",vendor=\"b\"]",
        ] {
            assert!(Name::parse_wfn(bad).is_err(), "{bad}");
        }
        assert_eq!(Name::parse_wfn("wfn:[]").unwrap(), Name::new());
        let spaced = Name::parse_wfn(r#"wfn:[ part = "a" , vendor = NA ]"#).unwrap();
        assert_eq!(spaced.vendor(), &Value::Na);
    }
}
