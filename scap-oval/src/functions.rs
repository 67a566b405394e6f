//! The `local_variable` functions of OVAL 5.11 (oval-definitions-schema §"Functions"): pure
//! functions over the value lists their components evaluate to.
//!
//! Every component yields a list of values; a function over one component maps each value, a
//! function over several (`concat`, `arithmetic`) forms the cartesian product. The order of the
//! product is `oscap`'s: the *first* component varies fastest (`concat(["a","b"], ["1","2"])` is
//! `a1 b1 a2 b2`). Products are capped at [`MAX_VALUES`] values.
//!
//! Where the spec is silent these follow `oscap` 1.3.7 (`oval_component.c`,
//! `oval_glob_to_regex.c`); deliberate differences are listed at each function. The
//! expectations in this module's tests for `concat` order, `glob_to_regex`, `substring`,
//! `split`, `regex_capture`, `escape_regex`, `unique`, `arithmetic` (float), `begin`, `end`,
//! `count` and `time_difference` were checked against `oscap` 1.3.7 output.
//!
//! ```
//! use scap_oval::functions::{concat, escape_regex, glob_to_regex, substring};
//! let v = concat(&[vec!["/etc/".into()], vec!["a.conf".into(), "b.conf".into()]]).unwrap();
//! assert_eq!(v, ["/etc/a.conf", "/etc/b.conf"]);
//! assert_eq!(escape_regex(&["a.b(c)".to_string()]), [r"a\.b\(c\)"]);
//! assert_eq!(glob_to_regex(false, &["/etc/*.conf".to_string()]).unwrap(), [r"^/etc/(?=[^.])[^/]*\.conf$"]);
//! assert_eq!(substring(2, 3, &["abcdef".to_string()]).unwrap(), ["bcd"]);
//! ```

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, NaiveDateTime};

use crate::compare::{parse_float, parse_int};
use crate::pattern::{Pattern, PatternError};
use crate::types::{ArithmeticOperation, Datatype, DateTimeFormat};

/// Upper bound on the number of values a function may produce (cartesian products grow fast).
pub const MAX_VALUES: usize = 100_000;

/// Why a function could not compute its values. The evaluator reports the variable with flag
/// `error`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FunctionError {
    /// A value is not a number of the required datatype.
    #[error("{function}: `{value}` is not a valid {datatype} value")]
    InvalidNumber {
        /// The function (`arithmetic`).
        function: &'static str,
        /// The datatype asked for.
        datatype: Datatype,
        /// The offending value.
        value: String,
    },
    /// The function is not defined for the datatype (arithmetic on anything but int/float).
    #[error("{function} is not defined for datatype {datatype}")]
    InvalidDatatype {
        /// The function.
        function: &'static str,
        /// The datatype asked for.
        datatype: Datatype,
    },
    /// Integer arithmetic overflowed 64 bits.
    #[error("{function}: integer overflow")]
    Overflow {
        /// The function.
        function: &'static str,
    },
    /// The function got a number of components it does not accept.
    #[error("{function}: expected {expected} components, got {got}")]
    ComponentCount {
        /// The function.
        function: &'static str,
        /// What it accepts.
        expected: &'static str,
        /// What it got.
        got: usize,
    },
    /// The result would exceed [`MAX_VALUES`] values.
    #[error("{function}: more than {MAX_VALUES} values")]
    TooManyValues {
        /// The function.
        function: &'static str,
    },
    /// `substring_start` lies beyond the end of a value.
    #[error("substring: start {start} is beyond the end of `{value}`")]
    SubstringOutOfRange {
        /// The value.
        value: String,
        /// The 1-based start.
        start: i64,
    },
    /// A value does not parse in the given date-time format.
    #[error("time_difference: `{value}` is not a {format} date-time")]
    InvalidDateTime {
        /// The value.
        value: String,
        /// The format it was read with.
        format: DateTimeFormat,
    },
    /// A glob has an unterminated `[` class.
    #[error("glob_to_regex: unterminated character class in `{glob}`")]
    UnterminatedClass {
        /// The glob.
        glob: String,
    },
    /// The `regex_capture` pattern failed to compile or to run.
    #[error(transparent)]
    Pattern(#[from] PatternError),
}

fn check_size(function: &'static str, n: usize) -> Result<(), FunctionError> {
    if n > MAX_VALUES {
        Err(FunctionError::TooManyValues { function })
    } else {
        Ok(())
    }
}

/// Cartesian product, first component varying fastest; empty components are skipped (as
/// oscap does: they contribute nothing rather than emptying the result).
fn product<'a>(
    function: &'static str,
    components: &'a [Vec<String>],
) -> Result<Vec<Vec<&'a str>>, FunctionError> {
    let parts: Vec<&Vec<String>> = components.iter().filter(|c| !c.is_empty()).collect();
    if parts.is_empty() {
        return Ok(Vec::new());
    }
    let total = parts
        .iter()
        .try_fold(1usize, |acc, p| acc.checked_mul(p.len()));
    check_size(function, total.unwrap_or(usize::MAX))?;
    let total = total.unwrap_or(0);
    let mut out = Vec::with_capacity(total);
    let mut idx = vec![0usize; parts.len()];
    for _ in 0..total {
        out.push(
            parts
                .iter()
                .zip(&idx)
                .filter_map(|(p, &i)| p.get(i).map(String::as_str))
                .collect(),
        );
        // Odometer increment, first position fastest.
        for (k, p) in parts.iter().enumerate() {
            let Some(slot) = idx.get_mut(k) else { break };
            *slot += 1;
            if *slot < p.len() {
                break;
            }
            *slot = 0;
        }
    }
    Ok(out)
}

/// `arithmetic`: adds or multiplies one value from each component, for every combination.
/// `datatype` is the operands' (`int` or `float`, see [`operand_datatype`]), not the
/// variable's: oscap 1.3.7 gives `15` for 7 + 8 in a `float` variable and `15.500000` for
/// 7.5 + 8 in an `int` one. Integers are exact 64-bit (overflow is an error); floats are
/// printed with six decimals like oscap's `%f`.
///
/// oscap computes everything in `double` and reads an unparsable string as 0; here such a
/// value is an error.
///
/// ```
/// use scap_oval::functions::arithmetic;
/// use scap_oval::types::{ArithmeticOperation, Datatype};
/// let c = [vec!["1".to_string(), "2".into()], vec!["10".to_string()]];
/// assert_eq!(arithmetic(ArithmeticOperation::Add, Datatype::Int, &c).unwrap(), ["11", "12"]);
/// ```
pub fn arithmetic(
    op: ArithmeticOperation,
    datatype: Datatype,
    components: &[Vec<String>],
) -> Result<Vec<String>, FunctionError> {
    const F: &str = "arithmetic";
    let combos = product(F, components)?;
    let bad = |v: &str| FunctionError::InvalidNumber {
        function: F,
        datatype,
        value: v.to_owned(),
    };
    let mut out = Vec::with_capacity(combos.len());
    match datatype {
        Datatype::Int => {
            for combo in combos {
                let mut acc: Option<i64> = None;
                for v in combo {
                    let n = parse_int(v).map_err(|_| bad(v))?;
                    acc = Some(match (acc, op) {
                        (None, _) => n,
                        (Some(a), ArithmeticOperation::Add) => a
                            .checked_add(n)
                            .ok_or(FunctionError::Overflow { function: F })?,
                        (Some(a), ArithmeticOperation::Multiply) => a
                            .checked_mul(n)
                            .ok_or(FunctionError::Overflow { function: F })?,
                    });
                }
                if let Some(a) = acc {
                    out.push(a.to_string());
                }
            }
        }
        Datatype::Float => {
            for combo in combos {
                let mut acc: Option<f64> = None;
                for v in combo {
                    let n = parse_float(v).map_err(|_| bad(v))?;
                    acc = Some(match (acc, op) {
                        (None, _) => n,
                        (Some(a), ArithmeticOperation::Add) => a + n,
                        (Some(a), ArithmeticOperation::Multiply) => a * n,
                    });
                }
                if let Some(a) = acc {
                    out.push(format!("{a:.6}"));
                }
            }
        }
        other => {
            return Err(FunctionError::InvalidDatatype {
                function: F,
                datatype: other,
            });
        }
    }
    Ok(out)
}

/// The datatype `arithmetic` computes in: `float` when any operand is a float, else `int`
/// (as oscap, whose result is a float exactly when an operand value is one).
///
/// `declared[i]` is component `i`'s declared datatype: a `literal_component`'s `datatype`, a
/// `variable_component`'s variable datatype, `int` for a nested `count`. For a component whose
/// datatype is not declared (`None`: an `object_component`, whose item entity types are not
/// kept with the values) a value that reads as a float but not as an integer makes it a float.
///
/// ```
/// use scap_oval::functions::operand_datatype;
/// use scap_oval::types::Datatype;
/// let c = [vec!["7".to_string()], vec!["8".to_string()]];
/// assert_eq!(operand_datatype(&[Some(Datatype::Int), Some(Datatype::Int)], &c), Datatype::Int);
/// assert_eq!(operand_datatype(&[Some(Datatype::Float), Some(Datatype::Int)], &c), Datatype::Float);
/// let from_items = [vec!["1.5".to_string()], vec!["2".to_string()]];
/// assert_eq!(operand_datatype(&[None, None], &from_items), Datatype::Float);
/// ```
pub fn operand_datatype(declared: &[Option<Datatype>], components: &[Vec<String>]) -> Datatype {
    let float = declared.iter().zip(components).any(|(d, values)| match d {
        Some(Datatype::Float) => true,
        Some(Datatype::Int) => false,
        _ => values
            .iter()
            .any(|v| parse_int(v).is_err() && parse_float(v).is_ok()),
    });
    if float {
        Datatype::Float
    } else {
        Datatype::Int
    }
}

/// `begin`: prefixes each value with `character` unless it already starts with it.
pub fn begin(character: &str, values: &[String]) -> Vec<String> {
    values
        .iter()
        .map(|v| {
            if v.starts_with(character) {
                v.clone()
            } else {
                format!("{character}{v}")
            }
        })
        .collect()
}

/// `end`: suffixes each value with `character` unless it already ends with it.
pub fn end(character: &str, values: &[String]) -> Vec<String> {
    values
        .iter()
        .map(|v| {
            if v.ends_with(character) {
                v.clone()
            } else {
                format!("{v}{character}")
            }
        })
        .collect()
}

/// `concat`: concatenation of one value from each component, for every combination (first
/// component varying fastest). A component without values contributes nothing (oscap).
pub fn concat(components: &[Vec<String>]) -> Result<Vec<String>, FunctionError> {
    Ok(product("concat", components)?
        .into_iter()
        .map(|parts| parts.concat())
        .collect())
}

/// `count`: the number of values of all components together (duplicates counted), as one
/// value.
pub fn count(components: &[Vec<String>]) -> Vec<String> {
    vec![components.iter().map(Vec::len).sum::<usize>().to_string()]
}

/// `escape_regex`: backslash-escapes the regular-expression metacharacters
/// `^ $ \ . [ ] ( ) { } * + ? |` (the set oscap escapes).
pub fn escape_regex(values: &[String]) -> Vec<String> {
    values
        .iter()
        .map(|v| {
            let mut s = String::with_capacity(v.len() * 2);
            for c in v.chars() {
                if "^$\\.[](){}*+?|".contains(c) {
                    s.push('\\');
                }
                s.push(c);
            }
            s
        })
        .collect()
}

/// `glob_to_regex`: translates a shell glob into an anchored Perl regular expression the way
/// oscap does: `*` → `[^/]*`, `?` → `[^/]`, and at the start of the glob or of a path component
/// `*` → `(?=[^.])[^/]*` and `?` → `[^./]` (hidden files need an explicit dot); `[...]` and
/// `[!...]` classes are kept; `. | ^ ( ) { } + $` are escaped. Unless `glob_noescape`, a
/// backslash escapes `? * [ ]` and is a literal backslash before anything else.
///
/// Like oscap, a `[` right after a `/` loses its bracket (`/[ab]` becomes `/ab]`) and `\\`
/// yields three backslashes; these are reproduced so that collected file sets match oscap's.
///
/// ```
/// use scap_oval::functions::glob_to_regex;
/// let g = |s: &str| glob_to_regex(false, &[s.to_string()]).unwrap().remove(0);
/// assert_eq!(g("*.conf"), r"^(?=[^.])[^/]*\.conf$");
/// assert_eq!(g("/etc/sysctl.d/?[!a]*"), r"^/etc/sysctl\.d/[^./][^a][^/]*$");
/// assert_eq!(g(r"a\*b\c"), r"^a\*b\\c$");
/// ```
pub fn glob_to_regex(glob_noescape: bool, values: &[String]) -> Result<Vec<String>, FunctionError> {
    values.iter().map(|g| glob_one(g, glob_noescape)).collect()
}

fn glob_one(glob: &str, noescape: bool) -> Result<String, FunctionError> {
    #[derive(PartialEq)]
    enum St {
        Start,
        Normal,
        LeftBracket,
        Class,
        Escape,
        Slash,
    }
    let special = |c: char| ".|^(){}+$".contains(c);
    let mut out = String::from("^");
    let mut st = St::Start;
    for c in glob.chars() {
        st = match st {
            St::Start | St::Slash | St::Normal => {
                let leading = st != St::Normal;
                match c {
                    '/' => {
                        out.push('/');
                        St::Slash
                    }
                    '?' => {
                        out.push_str(if leading { "[^./]" } else { "[^/]" });
                        St::Normal
                    }
                    '*' => {
                        out.push_str(if leading { "(?=[^.])[^/]*" } else { "[^/]*" });
                        St::Normal
                    }
                    '[' => {
                        // oscap drops the bracket after a slash.
                        if st != St::Slash {
                            out.push('[');
                        }
                        St::LeftBracket
                    }
                    '\\' if noescape => {
                        out.push_str(r"\\");
                        St::Normal
                    }
                    '\\' => St::Escape,
                    c if special(c) => {
                        out.push('\\');
                        out.push(c);
                        St::Normal
                    }
                    c => {
                        out.push(c);
                        St::Normal
                    }
                }
            }
            St::LeftBracket => {
                out.push(if c == '!' { '^' } else { c });
                St::Class
            }
            St::Class => {
                let next = match c {
                    '\\' => {
                        if noescape {
                            out.push('\\');
                        }
                        St::Class
                    }
                    ']' => St::Normal,
                    _ => St::Class,
                };
                out.push(c);
                next
            }
            St::Escape => {
                if "?*[]".contains(c) {
                    out.push('\\');
                } else {
                    out.push_str(r"\\");
                }
                out.push(c);
                St::Normal
            }
        };
    }
    match st {
        St::LeftBracket | St::Class => {
            return Err(FunctionError::UnterminatedClass {
                glob: glob.to_owned(),
            });
        }
        St::Escape => out.push_str(r"\\"),
        _ => {}
    }
    out.push('$');
    Ok(out)
}

/// `regex_capture`: for each value, the text of the first capture group of the first match of
/// `pattern`; the empty string when the pattern does not match or has no group (oscap; the spec
/// leaves it open).
///
/// ```
/// use scap_oval::functions::regex_capture;
/// let v = regex_capture(r"umask\s+(\d+)", &["umask 027".into(), "none".into()]).unwrap();
/// assert_eq!(v, ["027", ""]);
/// ```
pub fn regex_capture(pattern: &str, values: &[String]) -> Result<Vec<String>, FunctionError> {
    let p = Pattern::new(pattern)?;
    values
        .iter()
        .map(|v| {
            let m = p.captures(v)?;
            Ok(m.and_then(|m| m.groups.into_iter().nth(1).flatten())
                .unwrap_or_default())
        })
        .collect()
}

/// `split`: splits each value at every occurrence of `delimiter` (empty pieces kept); an
/// empty delimiter splits into single characters.
pub fn split(delimiter: &str, values: &[String]) -> Result<Vec<String>, FunctionError> {
    let mut out = Vec::new();
    for v in values {
        if delimiter.is_empty() {
            out.extend(v.chars().map(String::from));
        } else {
            out.extend(v.split(delimiter).map(str::to_owned));
        }
        check_size("split", out.len())?;
    }
    Ok(out)
}

/// `substring`: `length` characters from the 1-based `start` of each value. A start below 1
/// counts as 1; a negative length, or one running past the end, takes the rest. A start beyond
/// the end of a value is an error (oscap sets the variable's flag to `error`). Counts are in
/// characters; oscap counts bytes, which differs only for non-ASCII text.
pub fn substring(start: i64, length: i64, values: &[String]) -> Result<Vec<String>, FunctionError> {
    let skip = usize::try_from(start.saturating_sub(1)).unwrap_or(0);
    values
        .iter()
        .map(|v| {
            let n = v.chars().count();
            if skip >= n {
                return Err(FunctionError::SubstringOutOfRange {
                    value: v.clone(),
                    start,
                });
            }
            let take = usize::try_from(length).unwrap_or(usize::MAX);
            Ok(v.chars().skip(skip).take(take).collect())
        })
        .collect()
}

/// `unique`: the distinct values of all components, sorted bytewise (oscap collects them
/// through an ordered map, so its variable values come out sorted too).
pub fn unique(components: &[Vec<String>]) -> Vec<String> {
    let set: BTreeSet<&str> = components.iter().flatten().map(String::as_str).collect();
    set.into_iter().map(str::to_owned).collect()
}

/// `time_difference`: seconds between date-times, `first - second`, for every combination of
/// a value of the first component (read with `format_1`) and one of the second (`format_2`).
/// With a single component the first value is `now` (seconds since the Unix epoch) and the
/// component's values are read with `format_2`, as oscap does.
///
/// Dates without a zone are taken as UTC (oscap uses the local zone, which gives the same
/// differences between two dates and an offset of the zone against `now` on hosts not running
/// in UTC). A negative difference is a negative number (oscap prints it as unsigned).
/// `win_filetime` is 100 ns ticks since 1601, decimal or `0x` hexadecimal (oscap 1.3.7 does not
/// implement it and reads every such value as 0: for 1970-01-01 and 1970-01-02 as win_filetime
/// it gives 0, here -86400, the first minus the second).
///
/// ```
/// use scap_oval::functions::time_difference;
/// use scap_oval::types::DateTimeFormat::*;
/// let a = vec!["2024-03-02 00:00:10".to_string()];
/// let b = vec!["03/01/2024".to_string()];
/// assert_eq!(time_difference(YearMonthDay, MonthDayYear, &[a, b], 0).unwrap(), ["86410"]);
/// let past = vec!["1000".to_string()];
/// assert_eq!(time_difference(YearMonthDay, SecondsSinceEpoch, &[past], 4600).unwrap(), ["3600"]);
/// ```
pub fn time_difference(
    format_1: DateTimeFormat,
    format_2: DateTimeFormat,
    components: &[Vec<String>],
    now: i64,
) -> Result<Vec<String>, FunctionError> {
    const F: &str = "time_difference";
    let (firsts, seconds): (Vec<i64>, &Vec<String>) = match components {
        [only] => (vec![now], only),
        [a, b] => {
            let firsts = a
                .iter()
                .map(|v| parse_datetime(v, format_1))
                .collect::<Result<_, _>>()?;
            (firsts, b)
        }
        _ => {
            return Err(FunctionError::ComponentCount {
                function: F,
                expected: "1 or 2",
                got: components.len(),
            });
        }
    };
    let seconds: Vec<i64> = seconds
        .iter()
        .map(|v| parse_datetime(v, format_2))
        .collect::<Result<_, _>>()?;
    check_size(F, firsts.len().saturating_mul(seconds.len()))?;
    let mut out = Vec::with_capacity(firsts.len() * seconds.len());
    for a in &firsts {
        for b in &seconds {
            out.push(a.saturating_sub(*b).to_string());
        }
    }
    Ok(out)
}

/// Reads a date-time in one of the `DateTimeFormatEnumeration` formats as seconds since the
/// Unix epoch (UTC).
///
/// | format | accepted forms |
/// |---|---|
/// | year_month_day | `yyyymmdd`, `yyyy/mm/dd`, `yyyy-mm-dd`, `yyyymmddThhmmss`, `yyyy/mm/dd hh:mm:ss`, `yyyy-mm-dd hh:mm:ss` |
/// | month_day_year | `mm/dd/yyyy`, `mm-dd-yyyy`, `Mon, dd yyyy`, each optionally followed by ` hh:mm:ss` (month names full or abbreviated) |
/// | day_month_year | `dd/mm/yyyy`, `dd-mm-yyyy`, optionally followed by ` hh:mm:ss` |
/// | seconds_since_epoch | a decimal integer |
/// | win_filetime | 100 ns ticks since 1601-01-01, decimal or hexadecimal after `0x` |
/// | cim_datetime | `yyyymmddHHMMSS.mmmmmmsUUU`, `yyyy-mm-dd HH:MM:SS:mmm`, `mm-dd-yyyy hh:mm:ss:mmm` |
pub fn parse_datetime(value: &str, format: DateTimeFormat) -> Result<i64, FunctionError> {
    let bad = || FunctionError::InvalidDateTime {
        value: value.to_owned(),
        format,
    };
    let v = value.trim();
    let naive = |formats: &[&str]| -> Option<i64> {
        formats.iter().find_map(|f| {
            NaiveDateTime::parse_from_str(v, f)
                .ok()
                .or_else(|| {
                    NaiveDate::parse_from_str(v, f)
                        .ok()
                        .and_then(|d| d.and_hms_opt(0, 0, 0))
                })
                .map(|dt| dt.and_utc().timestamp())
        })
    };
    let secs = match format {
        DateTimeFormat::YearMonthDay => naive(&[
            "%Y%m%d",
            "%Y/%m/%d",
            "%Y-%m-%d",
            "%Y%m%dT%H%M%S",
            "%Y/%m/%d %H:%M:%S",
            "%Y-%m-%d %H:%M:%S",
        ]),
        DateTimeFormat::MonthDayYear => naive(&[
            "%m/%d/%Y",
            "%m-%d-%Y",
            "%b, %d %Y",
            "%B, %d %Y",
            "%m/%d/%Y %H:%M:%S",
            "%m-%d-%Y %H:%M:%S",
            "%b, %d %Y %H:%M:%S",
            "%B, %d %Y %H:%M:%S",
        ]),
        DateTimeFormat::DayMonthYear => naive(&[
            "%d/%m/%Y",
            "%d-%m-%Y",
            "%d/%m/%Y %H:%M:%S",
            "%d-%m-%Y %H:%M:%S",
        ]),
        DateTimeFormat::SecondsSinceEpoch => parse_int(v).ok(),
        DateTimeFormat::WinFiletime => {
            // 100 ns ticks since 1601-01-01 (decimal, or hexadecimal after `0x` as Windows
            // tools print a FILETIME); 11_644_473_600 s separate 1601 from 1970.
            let ticks = match v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
                Some(hex) => i64::from_str_radix(hex, 16).ok(),
                None => parse_int(v).ok(),
            };
            ticks.map(|t| t.div_euclid(10_000_000) - 11_644_473_600)
        }
        DateTimeFormat::CimDatetime => parse_cim(v),
    };
    secs.ok_or_else(bad)
}

fn parse_cim(v: &str) -> Option<i64> {
    let b = v.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> bool {
        b.get(r)
            .is_some_and(|s| !s.is_empty() && s.iter().all(u8::is_ascii_digit))
    };
    let at = |i: usize, c: u8| b.get(i) == Some(&c);
    let ts = |s: &str, f: &str| {
        NaiveDateTime::parse_from_str(s, f)
            .ok()
            .map(|d| d.and_utc().timestamp())
    };
    if b.len() == 25
        && digits(0..14)
        && at(14, b'.')
        && digits(15..21)
        && (at(21, b'+') || at(21, b'-'))
        && digits(22..25)
    {
        return ts(v.get(..14)?, "%Y%m%d%H%M%S");
    }
    if b.len() == 23 && at(4, b'-') && at(10, b' ') && at(19, b':') && digits(20..23) {
        return ts(v.get(..19)?, "%Y-%m-%d %H:%M:%S");
    }
    if b.len() == 23 && at(2, b'-') && at(10, b' ') && at(19, b':') && digits(20..23) {
        return ts(v.get(..19)?, "%m-%d-%Y %H:%M:%S");
    }
    // A zone-qualified RFC 3339 timestamp is unambiguous; accept it too.
    DateTime::parse_from_rfc3339(v).ok().map(|d| d.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| (*x).to_owned()).collect()
    }

    #[test]
    fn products_run_first_component_fastest() {
        let c = [s(&["a", "b"]), s(&["1", "2", "3"])];
        assert_eq!(concat(&c).unwrap(), ["a1", "b1", "a2", "b2", "a3", "b3"]);
        assert_eq!(concat(&[s(&["x"]), vec![], s(&["y"])]).unwrap(), ["xy"]);
        assert!(concat(&[]).unwrap().is_empty());
        let big: Vec<String> = (0..400).map(|i| i.to_string()).collect();
        assert!(matches!(
            concat(&[big.clone(), big.clone()]),
            Err(FunctionError::TooManyValues { .. })
        ));
    }

    #[test]
    fn arithmetic_int_and_float() {
        use ArithmeticOperation::*;
        let c = [s(&["2", "3"]), s(&["10", "100"])];
        assert_eq!(
            arithmetic(Add, Datatype::Int, &c).unwrap(),
            ["12", "13", "102", "103"]
        );
        assert_eq!(
            arithmetic(Multiply, Datatype::Int, &c).unwrap(),
            ["20", "30", "200", "300"]
        );
        assert_eq!(
            arithmetic(Add, Datatype::Float, &[s(&["1.5"]), s(&["2"])]).unwrap(),
            ["3.500000"]
        );
        assert!(matches!(
            arithmetic(Add, Datatype::Int, &[s(&["x"])]),
            Err(FunctionError::InvalidNumber { .. })
        ));
        assert!(matches!(
            arithmetic(
                Multiply,
                Datatype::Int,
                &[s(&["9223372036854775807"]), s(&["2"])]
            ),
            Err(FunctionError::Overflow { .. })
        ));
        assert!(arithmetic(Add, Datatype::String, &[s(&["1"])]).is_err());
    }

    #[test]
    fn begin_end_count_unique_split() {
        assert_eq!(begin("/", &s(&["etc", "/usr"])), ["/etc", "/usr"]);
        assert_eq!(end("/", &s(&["etc", "usr/"])), ["etc/", "usr/"]);
        assert_eq!(end("ab", &s(&["b"])), ["bab"]);
        assert_eq!(count(&[s(&["a", "a"]), s(&["b"]), vec![]]), ["3"]);
        assert_eq!(
            unique(&[s(&["b", "a"]), s(&["a", "c", "b"])]),
            ["a", "b", "c"]
        );
        assert_eq!(split(",", &s(&["a,,b", "c"])).unwrap(), ["a", "", "b", "c"]);
        assert_eq!(split("", &s(&["ab"])).unwrap(), ["a", "b"]);
        assert_eq!(split("::", &s(&["a::b::"])).unwrap(), ["a", "b", ""]);
    }

    #[test]
    fn substring_rules() {
        let v = s(&["abcdef"]);
        assert_eq!(substring(1, 3, &v).unwrap(), ["abc"]);
        assert_eq!(substring(0, 2, &v).unwrap(), ["ab"]);
        assert_eq!(substring(-5, 2, &v).unwrap(), ["ab"]);
        assert_eq!(substring(4, -1, &v).unwrap(), ["def"]);
        assert_eq!(substring(4, 100, &v).unwrap(), ["def"]);
        assert_eq!(substring(6, 1, &v).unwrap(), ["f"]);
        assert!(matches!(
            substring(7, 1, &v),
            Err(FunctionError::SubstringOutOfRange { start: 7, .. })
        ));
        assert!(substring(1, 1, &s(&[""])).is_err());
        assert_eq!(substring(2, 1, &s(&["äöü"])).unwrap(), ["ö"]);
    }

    #[test]
    fn escape_regex_round_trips_through_pattern() {
        let raw = r"^a.b*c+d?(e)[f]{g}|h\i$ j/k-l";
        let escaped = escape_regex(&s(&[raw])).remove(0);
        let p = Pattern::new(&format!("^{escaped}$")).unwrap();
        assert!(p.is_match(raw).unwrap());
        assert!(!p.is_match("xa.b").unwrap());
    }

    #[test]
    fn glob_translation_matches_oscap() {
        let g = |noesc, x: &str| glob_to_regex(noesc, &s(&[x])).unwrap().remove(0);
        let table = [
            ("/etc/*.conf", r"^/etc/(?=[^.])[^/]*\.conf$"),
            (
                "/etc/ssh/sshd_config.d/*",
                r"^/etc/ssh/sshd_config\.d/(?=[^.])[^/]*$",
            ),
            ("**", r"^(?=[^.])[^/]*[^/]*$"),
            ("a?b", r"^a[^/]b$"),
            ("?x", r"^[^./]x$"),
            ("x[abc]", r"^x[abc]$"),
            ("x[!abc]", r"^x[^abc]$"),
            ("x[]]", r"^x[]]$"),
            ("/[ab]", r"^/ab]$"),
            ("a(b)|c{d}+e$^", r"^a\(b\)\|c\{d\}\+e\$\^$"),
            (r"a\*", r"^a\*$"),
            (r"a\x", r"^a\\x$"),
            (r"a\", r"^a\\$"),
            ("", "^$"),
        ];
        for (glob, want) in table {
            assert_eq!(g(false, glob), want, "{glob}");
        }
        assert_eq!(g(true, r"a\*"), r"^a\\[^/]*$");
        assert_eq!(g(true, r"x[\]]"), r"^x[\]]$");
        assert_eq!(g(true, r"x[a\]"), r"^x[a\\]$");
        assert!(matches!(
            glob_to_regex(false, &s(&["x[ab"])),
            Err(FunctionError::UnterminatedClass { .. })
        ));
        // The translated expressions are valid patterns that behave like the glob.
        let p = Pattern::new(&g(false, "/etc/*.conf")).unwrap();
        assert!(p.is_match("/etc/a.conf").unwrap());
        assert!(!p.is_match("/etc/.a.conf").unwrap());
        assert!(!p.is_match("/etc/x/a.conf").unwrap());
    }

    #[test]
    fn regex_capture_first_group_or_empty() {
        let v = regex_capture(r"^(\w+)=(\d+)", &s(&["a=1", "b=x", "=2"])).unwrap();
        assert_eq!(v, ["a", "", ""]);
        assert_eq!(regex_capture("abc", &s(&["abc"])).unwrap(), [""]);
        assert_eq!(regex_capture("(x)?y", &s(&["y"])).unwrap(), [""]);
        assert!(matches!(
            regex_capture("(", &s(&["a"])),
            Err(FunctionError::Pattern(_))
        ));
    }

    #[test]
    fn datetimes() {
        use DateTimeFormat::*;
        let day = 86_400;
        let base = parse_datetime("20240101", YearMonthDay).unwrap();
        assert_eq!(base, 1_704_067_200);
        for (v, f) in [
            ("2024/01/01", YearMonthDay),
            ("2024-01-01", YearMonthDay),
            ("20240101T000000", YearMonthDay),
            ("2024-01-01 00:00:00", YearMonthDay),
            ("01/01/2024", MonthDayYear),
            ("01-01-2024 00:00:00", MonthDayYear),
            ("Jan, 01 2024", MonthDayYear),
            ("January, 1 2024 00:00:00", MonthDayYear),
            ("01/01/2024", DayMonthYear),
            ("1704067200", SecondsSinceEpoch),
            ("133485408000000000", WinFiletime),
            ("0x1DA3C457689C000", WinFiletime),
            ("20240101000000.000000+000", CimDatetime),
            ("2024-01-01 00:00:00:000", CimDatetime),
            ("01-01-2024 00:00:00:000", CimDatetime),
        ] {
            assert_eq!(parse_datetime(v, f).unwrap(), base, "{v} as {f}");
        }
        assert_eq!(
            parse_datetime("02/01/2024", DayMonthYear).unwrap(),
            base + day
        );
        assert!(parse_datetime("2024-13-01", YearMonthDay).is_err());
        assert!(parse_datetime("yesterday", MonthDayYear).is_err());
        let two = [s(&["20240102", "20240103"]), s(&["20240101"])];
        assert_eq!(
            time_difference(YearMonthDay, YearMonthDay, &two, 0).unwrap(),
            ["86400", "172800"]
        );
        let one = [s(&["20240101"])];
        assert_eq!(
            time_difference(SecondsSinceEpoch, YearMonthDay, &one, base + 10).unwrap(),
            ["10"]
        );
        assert!(time_difference(YearMonthDay, YearMonthDay, &[], 0).is_err());
        assert_eq!(
            time_difference(
                YearMonthDay,
                YearMonthDay,
                &[s(&["20240101"]), s(&["20240102"])],
                0
            )
            .unwrap(),
            ["-86400"]
        );
    }
}
