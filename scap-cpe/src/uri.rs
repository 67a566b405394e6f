//! The URI binding (NISTIR 7695 section 6.1), compatible with CPE 2.2:
//! `cpe:/part:vendor:product:version:update:edition:language`, the four attributes new in 2.3
//! packed into the edition as `~edition~sw_edition~target_sw~target_hw~other`.

use nom::bytes::complete::{tag_no_case, take_while};
use nom::{IResult, Parser};

use crate::error::{Error, NameErrorKind};
use crate::wfn::{Attribute, Name, Tok, Value, Wildcard, build, check_value, is_printable};

/// The prefix of every URI (matched without regard to case, as the 2.2 schema does).
pub(crate) const PREFIX: &str = "cpe:/";

const URI_ATTRIBUTES: [Attribute; 7] = [
    Attribute::Part,
    Attribute::Vendor,
    Attribute::Product,
    Attribute::Version,
    Attribute::Update,
    Attribute::Edition,
    Attribute::Language,
];

const PACKED: [Attribute; 5] = [
    Attribute::Edition,
    Attribute::SwEdition,
    Attribute::TargetSw,
    Attribute::TargetHw,
    Attribute::Other,
];

fn component(input: &str) -> IResult<&str, &str> {
    take_while(|c: char| c != ':').parse(input)
}

/// Parses a URI into a WFN (NISTIR 7695 section 6.1.3). Missing trailing components are ANY.
pub(crate) fn parse(input: &str) -> Result<Name, Error> {
    let err = |offset: usize, attribute: Option<Attribute>, kind| Error::Name {
        offset,
        attribute,
        kind,
    };
    let Ok((mut rest, _)) = tag_no_case::<_, _, nom::error::Error<&str>>(PREFIX).parse(input)
    else {
        return Err(err(0, None, NameErrorKind::BadPrefix));
    };
    let mut name = Name::new();
    // One token buffer for all components.
    let mut tokens = Vec::new();
    for (i, attribute) in URI_ATTRIBUTES.into_iter().enumerate() {
        let offset = input.len() - rest.len();
        // `take_while` cannot fail on complete input.
        let (after, text) = component(rest).unwrap_or(("", rest));
        if attribute == Attribute::Edition && text.starts_with('~') {
            unpack(text, offset, &mut name, &mut tokens)?;
        } else {
            let value = if attribute == Attribute::Part {
                decode(&text.to_ascii_lowercase(), offset, &mut tokens)
            } else {
                decode(text, offset, &mut tokens)
            }
            .map_err(|(at, kind)| err(at, Some(attribute), kind))?;
            check_value(attribute, &value).map_err(|kind| err(offset, Some(attribute), kind))?;
            name.set_unchecked(attribute, value);
        }
        match after.strip_prefix(':') {
            Some(next) if i < 6 => rest = next,
            Some(_) => {
                return Err(err(
                    input.len() - after.len(),
                    None,
                    NameErrorKind::TooManyComponents,
                ));
            }
            None => break,
        }
    }
    Ok(name)
}

/// Unpacks `~edition~sw_edition~target_sw~target_hw~other`.
fn unpack(
    text: &str,
    offset: usize,
    name: &mut Name,
    tokens: &mut Vec<(usize, Tok)>,
) -> Result<(), Error> {
    let parts: Vec<&str> = text.split('~').collect();
    if parts.len() != 6 {
        return Err(Error::Name {
            offset,
            attribute: Some(Attribute::Edition),
            kind: NameErrorKind::BadPackedEdition,
        });
    }
    let mut at = offset + 1;
    for (attribute, part) in PACKED.into_iter().zip(parts.iter().skip(1)) {
        let value = decode(part, at, tokens).map_err(|(o, kind)| Error::Name {
            offset: o,
            attribute: Some(attribute),
            kind,
        })?;
        name.set_unchecked(attribute, value);
        at += part.len() + 1;
    }
    Ok(())
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

/// Decodes one component (NISTIR 7695 section 6.1.3.2): empty is ANY, `-` is NA, `%01` an
/// unquoted `?`, `%02` an unquoted `*`, other percent-encodings literal characters.
fn decode(
    text: &str,
    base: usize,
    tokens: &mut Vec<(usize, Tok)>,
) -> Result<Value, (usize, NameErrorKind)> {
    match text {
        "" => return Ok(Value::Any),
        "-" => return Ok(Value::Na),
        _ => {}
    }
    let bytes = text.as_bytes();
    tokens.clear();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let at = base + i;
        let tok = match b {
            b'%' => {
                let code = match (
                    bytes.get(i + 1).copied().and_then(hex),
                    bytes.get(i + 2).copied().and_then(hex),
                ) {
                    (Some(h), Some(l)) => h * 16 + l,
                    _ => return Err((at, NameErrorKind::BadPercentEncoding)),
                };
                i += 2;
                match code {
                    1 => Tok::Quest,
                    2 => Tok::Star,
                    c if is_printable(char::from(c)) => Tok::Lit(char::from(c)),
                    _ => return Err((at, NameErrorKind::BadPercentEncoding)),
                }
            }
            b if b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b'~') => {
                Tok::Lit(char::from(b))
            }
            _ => {
                // Report the whole character, which may be multi-byte.
                let c = text
                    .get(i..)
                    .and_then(|s| s.chars().next())
                    .unwrap_or('\u{fffd}');
                return Err((at, NameErrorKind::InvalidCharacter(c)));
            }
        };
        tokens.push((at, tok));
        i += 1;
    }
    build(tokens, base + text.len()).map(Value::Str)
}

/// Binds a WFN to a URI (NISTIR 7695 section 6.1.2), dropping trailing empty components.
pub(crate) fn bind(name: &Name) -> String {
    let mut components: Vec<String> = Vec::with_capacity(7);
    for attribute in URI_ATTRIBUTES {
        let text = if attribute == Attribute::Edition {
            let extended = &PACKED[1..];
            if extended.iter().all(|a| *name.get(*a) == Value::Any) {
                encode(name.get(attribute))
            } else {
                let mut packed = String::new();
                for a in PACKED {
                    packed.push('~');
                    packed.push_str(&encode(name.get(a)));
                }
                packed
            }
        } else {
            encode(name.get(attribute))
        };
        components.push(text);
    }
    while components.last().is_some_and(String::is_empty) {
        components.pop();
    }
    let mut out = String::from(PREFIX);
    out.push_str(&components.join(":"));
    out
}

fn encode(value: &Value) -> String {
    match value {
        Value::Any => String::new(),
        Value::Na => "-".to_owned(),
        Value::Str(s) => {
            let mut out = String::with_capacity(s.body().len() + 4);
            push_wildcard(s.prefix(), &mut out);
            if s.body() == "-" && !s.has_wildcards() {
                // A lone `-` would read back as NA.
                out.push_str("%2d");
            } else {
                for c in s.body().chars() {
                    if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
                        out.push(c);
                    } else {
                        out.push_str(&format!("%{:02x}", u32::from(c)));
                    }
                }
            }
            push_wildcard(s.suffix(), &mut out);
            out
        }
    }
}

fn push_wildcard(w: Wildcard, out: &mut String) {
    match w {
        Wildcard::None => {}
        Wildcard::Star => out.push_str("%02"),
        Wildcard::Questions(n) => {
            for _ in 0..n {
                out.push_str("%01");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(text: &str) -> (usize, Option<Attribute>, NameErrorKind) {
        match parse(text) {
            Err(Error::Name {
                offset,
                attribute,
                kind,
            }) => (offset, attribute, kind),
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn errors_say_where() {
        use NameErrorKind::*;
        let cases = [
            ("cpe:a:b", (0, None, BadPrefix)),
            ("cpe:/a:b:c:d:e:f:en:x", (19, None, TooManyComponents)),
            (
                "cpe:/a:b%2",
                (8, Some(Attribute::Vendor), BadPercentEncoding),
            ),
            (
                "cpe:/a:b%zz",
                (8, Some(Attribute::Vendor), BadPercentEncoding),
            ),
            (
                "cpe:/a:b%00",
                (8, Some(Attribute::Vendor), BadPercentEncoding),
            ),
            (
                "cpe:/a:b c",
                (8, Some(Attribute::Vendor), InvalidCharacter(' ')),
            ),
            (
                "cpe:/a:bé",
                (8, Some(Attribute::Vendor), InvalidCharacter('é')),
            ),
            (
                "cpe:/a:b*",
                (8, Some(Attribute::Vendor), InvalidCharacter('*')),
            ),
            ("cpe:/a:%02", (10, Some(Attribute::Vendor), EmptyValue)),
            (
                "cpe:/a:b:c:1:2:~x~y",
                (15, Some(Attribute::Edition), BadPackedEdition),
            ),
            (
                "cpe:/a:b:c:1:2:~~~x%0~~",
                (19, Some(Attribute::TargetSw), BadPercentEncoding),
            ),
            (
                "cpe:/a:b:c:1:2:3:en_us",
                (17, Some(Attribute::Language), InvalidLanguage),
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(error_of(text), expected, "{text}");
        }
    }

    #[test]
    fn percent_encodings_decode_in_either_case() {
        let lower = parse("cpe:/a:big%24money").unwrap();
        let upper = parse("cpe:/a:BIG%24money").unwrap();
        assert_eq!(lower.vendor().as_str().unwrap().body(), "big$money");
        assert_eq!(parse("cpe:/a:a%2Db").unwrap(), parse("cpe:/a:a-b").unwrap());
        // Case is kept in values; matching ignores it.
        assert_ne!(lower, upper);
        assert_eq!(lower.compare(&upper), crate::NameRelation::Equal);
    }

    #[test]
    fn unpacked_edition_without_extended_attributes_stays_plain() {
        let name = parse("cpe:/o:redhat:enterprise_linux:7::server").unwrap();
        assert_eq!(bind(&name), "cpe:/o:redhat:enterprise_linux:7::server");
        let packed = parse("cpe:/o:redhat:enterprise_linux:7::~server~~~~").unwrap();
        // Packing with only the edition set unpacks to the same WFN.
        assert_eq!(packed, name);
    }
}
