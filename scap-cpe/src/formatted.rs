//! The formatted string binding of CPE 2.3 (NISTIR 7695 section 6.2):
//! `cpe:2.3:part:vendor:product:version:update:edition:language:sw_edition:target_sw:target_hw:other`.

use nom::branch::alt;
use nom::bytes::complete::{is_not, tag};
use nom::character::complete::{anychar, char};
use nom::combinator::recognize;
use nom::multi::many0_count;
use nom::sequence::preceded;
use nom::{IResult, Parser};

use crate::error::{Error, NameErrorKind};
use crate::wfn::{Attribute, Name, Tok, Value, build, check_value, is_printable};

/// The prefix of every formatted string.
pub(crate) const PREFIX: &str = "cpe:2.3:";

/// One component: anything up to the next unquoted `:`.
fn component(input: &str) -> IResult<&str, &str> {
    recognize(many0_count(alt((
        is_not(":\\"),
        recognize(preceded(char('\\'), anychar)),
    ))))
    .parse(input)
}

/// Parses a formatted string into a WFN (NISTIR 7695 section 6.2.3).
pub(crate) fn parse(input: &str) -> Result<Name, Error> {
    let err = |offset: usize, attribute: Option<Attribute>, kind| Error::Name {
        offset,
        attribute,
        kind,
    };
    let Ok((mut rest, _)) = tag::<_, _, nom::error::Error<&str>>(PREFIX).parse(input) else {
        return Err(err(0, None, NameErrorKind::BadPrefix));
    };
    let mut name = Name::new();
    // One token buffer for all components.
    let mut tokens = Vec::new();
    for (i, attribute) in Attribute::ALL.into_iter().enumerate() {
        let offset = input.len() - rest.len();
        let (after, text) = match component(rest) {
            Ok(ok) => ok,
            Err(_) => return Err(err(offset, Some(attribute), NameErrorKind::DanglingEscape)),
        };
        let value = decode(text, offset, &mut tokens)
            .map_err(|(at, kind)| err(at, Some(attribute), kind))?;
        check_value(attribute, &value).map_err(|kind| err(offset, Some(attribute), kind))?;
        name.set_unchecked(attribute, value);
        let end = input.len() - after.len();
        let mut chars = after.chars();
        match chars.next() {
            // Only a backslash with nothing after it stops a component short of `:`/end.
            Some('\\') => return Err(err(end, Some(attribute), NameErrorKind::DanglingEscape)),
            Some(':') if i < 10 => rest = chars.as_str(),
            Some(_) => return Err(err(end, None, NameErrorKind::TooManyComponents)),
            None if i < 10 => {
                return Err(err(end, None, NameErrorKind::TooFewComponents(i + 1)));
            }
            None => {}
        }
    }
    Ok(name)
}

/// Decodes one component; errors carry an absolute byte offset (`base` is the component's).
fn decode(
    text: &str,
    base: usize,
    tokens: &mut Vec<(usize, Tok)>,
) -> Result<Value, (usize, NameErrorKind)> {
    match text {
        "*" => return Ok(Value::Any),
        "-" => return Ok(Value::Na),
        _ => {}
    }
    tokens.clear();
    let mut chars = text.char_indices();
    while let Some((at, c)) = chars.next() {
        let tok = match c {
            '\\' => match chars.next() {
                Some((_, q)) if is_printable(q) => Tok::Lit(q),
                Some((q_at, q)) => return Err((base + q_at, NameErrorKind::InvalidCharacter(q))),
                None => return Err((base + at, NameErrorKind::DanglingEscape)),
            },
            '*' => Tok::Star,
            '?' => Tok::Quest,
            c if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') => Tok::Lit(c),
            c if is_printable(c) => return Err((base + at, NameErrorKind::Unquoted(c))),
            c => return Err((base + at, NameErrorKind::InvalidCharacter(c))),
        };
        tokens.push((base + at, tok));
    }
    build(tokens, base + text.len()).map(Value::Str)
}

/// Binds a WFN to a formatted string (NISTIR 7695 section 6.2.2).
pub(crate) fn bind(name: &Name) -> String {
    let mut out = String::from(PREFIX);
    for (i, value) in name.values().iter().enumerate() {
        if i > 0 {
            out.push(':');
        }
        bind_value(value, &mut out);
    }
    out
}

fn bind_value(value: &Value, out: &mut String) {
    match value {
        Value::Any => out.push('*'),
        Value::Na => out.push('-'),
        Value::Str(s) => {
            push_wildcard(s.prefix(), out);
            if s.body() == "-" && !s.has_wildcards() {
                // A lone unquoted `-` would read back as NA (7695 leaves this case open).
                out.push_str("\\-");
            } else {
                for c in s.body().chars() {
                    if !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')) {
                        out.push('\\');
                    }
                    out.push(c);
                }
            }
            push_wildcard(s.suffix(), out);
        }
    }
}

fn push_wildcard(w: crate::Wildcard, out: &mut String) {
    match w {
        crate::Wildcard::None => {}
        crate::Wildcard::Star => out.push('*'),
        crate::Wildcard::Questions(n) => out.extend(std::iter::repeat_n('?', n as usize)),
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
            ("cpe:2.2:a:b:c:*:*:*:*:*:*:*:*", (0, None, BadPrefix)),
            ("cpe:2.3:a:b:c", (13, None, TooFewComponents(3))),
            (
                "cpe:2.3:a:b:c:*:*:*:*:*:*:*:*:*",
                (29, None, TooManyComponents),
            ),
            (
                "cpe:2.3:q:b:c:*:*:*:*:*:*:*:*",
                (8, Some(Attribute::Part), InvalidPart),
            ),
            (
                "cpe:2.3:a:b!:c:*:*:*:*:*:*:*:*",
                (11, Some(Attribute::Vendor), Unquoted('!')),
            ),
            (
                "cpe:2.3:a:b:c:*:*:*:*:*:*:*:x\\",
                (29, Some(Attribute::Other), DanglingEscape),
            ),
            (
                "cpe:2.3:a:b::*:*:*:*:*:*:*:*",
                (12, Some(Attribute::Product), EmptyValue),
            ),
            (
                "cpe:2.3:a:b:**c:*:*:*:*:*:*:*:*",
                (13, Some(Attribute::Product), MisplacedWildcard),
            ),
            (
                "cpe:2.3:a:b:c?*:*:*:*:*:*:*:*:*",
                (13, Some(Attribute::Product), MisplacedWildcard),
            ),
            (
                "cpe:2.3:a:b:c:*:*:*:english:*:*:*:*",
                (20, Some(Attribute::Language), InvalidLanguage),
            ),
            (
                "cpe:2.3:a:b:c é:*:*:*:*:*:*:*:*",
                (13, Some(Attribute::Product), InvalidCharacter(' ')),
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(error_of(text), expected, "{text}");
        }
    }

    #[test]
    fn quoted_colon_does_not_split() {
        let name = parse(r"cpe:2.3:a:b\:c:d:*:*:*:*:*:*:*:*").unwrap();
        assert_eq!(name.vendor().as_str().unwrap().body(), "b:c");
        assert_eq!(bind(&name), r"cpe:2.3:a:b\:c:d:*:*:*:*:*:*:*:*");
    }

    #[test]
    fn hyphen_dot_and_underscore_may_be_quoted_or_not() {
        let plain = parse("cpe:2.3:a:b-c.d_e:*:*:*:*:*:*:*:*:*").unwrap();
        let quoted = parse(r"cpe:2.3:a:b\-c\.d\_e:*:*:*:*:*:*:*:*:*").unwrap();
        assert_eq!(plain, quoted);
        assert_eq!(bind(&quoted), "cpe:2.3:a:b-c.d_e:*:*:*:*:*:*:*:*:*");
    }
}
