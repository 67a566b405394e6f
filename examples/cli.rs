//! A small command-line parser for oscap-style options, shared by the example commands.
//!
//! Why not the hand loop each example had: it took the next word as an option's value
//! whatever it was, so `scan --profile --root DIR DS` read `--root` as the profile and then
//! complained about "more than one DATASTREAM". Here an option that takes a value refuses a
//! value that looks like an option (`--x`), naming the option; `--name=value` passes any value,
//! even one starting with `--`. No dependency: the grammar is oscap's, which is small (long
//! options, `-h`, `-V`, `--` to end options, positionals anywhere).
//!
//! ```
//! use scap_examples::cli::{Opt, Parsed, parse};
//! const OPTS: &[Opt] = &[Opt::value(&["--profile"], "ID"), Opt::flag(&["--progress"])];
//! let args = ["--progress", "--profile", "standard", "ds.xml"].map(Into::into);
//! let parsed = parse(OPTS, args).unwrap();
//! assert_eq!(parsed[1], Parsed::Value("--profile", "standard".into()));
//! assert_eq!(parsed[2], Parsed::Positional("ds.xml".into()));
//! let err = parse(OPTS, ["--profile", "--progress"].map(Into::into)).unwrap_err();
//! assert_eq!(err.to_string(), "--profile needs a value (ID), got the option --progress");
//! ```

use std::ffi::OsString;
use std::fmt;
use std::io::Write as _;

/// One option a command accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opt {
    /// Its names, the canonical one first (`["--results-arf", "--arf"]`).
    pub names: &'static [&'static str],
    /// The value's placeholder in messages (`"FILE"`), `None` for a flag.
    pub value: Option<&'static str>,
}

impl Opt {
    /// A flag (no value), by its names (canonical first).
    pub const fn flag(names: &'static [&'static str]) -> Opt {
        Opt { names, value: None }
    }

    /// An option with a value, by its names (canonical first) and the value's placeholder.
    pub const fn value(names: &'static [&'static str], placeholder: &'static str) -> Opt {
        Opt {
            names,
            value: Some(placeholder),
        }
    }

    /// The canonical name.
    pub fn name(&self) -> &'static str {
        self.names.first().copied().unwrap_or("")
    }
}

/// One parsed command-line item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// A flag, by canonical name.
    Flag(&'static str),
    /// An option and its value, by canonical name.
    Value(&'static str, OsString),
    /// A positional argument.
    Positional(OsString),
    /// `-h` / `--help`.
    Help,
    /// `-V` / `--version`.
    Version,
}

/// A usage error: the message says which option or argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Parses `args` (without the program name) against `opts`.
///
/// A value may follow as the next word or after `=` (`--profile=standard`). The next word is
/// not taken as a value when it starts with `--` (or is `-h`): that is a missing value, named
/// in the error. After `--` every word is positional.
pub fn parse(
    opts: &[Opt],
    args: impl IntoIterator<Item = OsString>,
) -> Result<Vec<Parsed>, UsageError> {
    let mut out = Vec::new();
    let mut it = args.into_iter().peekable();
    let mut only_positional = false;
    while let Some(arg) = it.next() {
        let Some(s) = arg.to_str().filter(|_| !only_positional) else {
            out.push(Parsed::Positional(arg));
            continue;
        };
        match s {
            "--" => {
                only_positional = true;
                continue;
            }
            "-h" | "--help" => {
                out.push(Parsed::Help);
                continue;
            }
            "-V" | "--version" => {
                out.push(Parsed::Version);
                continue;
            }
            _ => {}
        }
        if !s.starts_with('-') || s == "-" {
            out.push(Parsed::Positional(arg));
            continue;
        }
        let (name, inline) = match s.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v)),
            _ => (s, None),
        };
        let Some(opt) = opts.iter().find(|o| o.names.contains(&name)) else {
            return Err(UsageError(format!("unknown option {name}")));
        };
        let canonical = opt.name();
        match (opt.value, inline) {
            (None, None) => out.push(Parsed::Flag(canonical)),
            (None, Some(_)) => {
                return Err(UsageError(format!("{name} takes no value")));
            }
            (Some(_), Some(v)) => out.push(Parsed::Value(canonical, v.into())),
            (Some(placeholder), None) => {
                let looks_like_option = |v: &OsString| {
                    v.to_str()
                        .is_some_and(|v| v.starts_with("--") || v == "-h" || v == "-V")
                };
                match it.next_if(|v| !looks_like_option(v)) {
                    Some(v) => out.push(Parsed::Value(canonical, v)),
                    None => {
                        let got = match it.peek().and_then(|v| v.to_str()) {
                            Some(next) => format!(", got the option {next}"),
                            None => String::new(),
                        };
                        return Err(UsageError(format!(
                            "{name} needs a value ({placeholder}){got}"
                        )));
                    }
                }
            }
        }
    }
    Ok(out)
}

/// What `--help` prints: `usage` on stdout (ignoring a closed pipe: `scan --help | head` must
/// not panic).
pub fn print_help(usage: &str) {
    let _ = writeln!(std::io::stdout(), "{usage}");
}

/// What `--version` prints: `PROGRAM (scap-rs) VERSION` on stdout.
pub fn print_version(program: &str) {
    let _ = writeln!(
        std::io::stdout(),
        "{program} (scap-rs) {}",
        env!("CARGO_PKG_VERSION")
    );
}

/// A value as UTF-8 (ids, levels), or a usage error naming the option.
pub fn utf8(option: &str, value: OsString) -> Result<String, UsageError> {
    value
        .into_string()
        .map_err(|v| UsageError(format!("{option}: not UTF-8: {}", v.to_string_lossy())))
}

/// oscap's `--verbose` levels, least to most verbose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Verbosity {
    /// Errors only.
    Error,
    /// Errors and warnings (the default).
    #[default]
    Warning,
    /// Also what was loaded and how long it took.
    Info,
    /// Everything.
    Devel,
}

impl std::str::FromStr for Verbosity {
    type Err = UsageError;

    /// oscap's spellings: `DEVEL`, `INFO`, `WARNING`, `ERROR` (any case).
    fn from_str(s: &str) -> Result<Verbosity, UsageError> {
        match s.to_ascii_uppercase().as_str() {
            "ERROR" => Ok(Verbosity::Error),
            "WARNING" => Ok(Verbosity::Warning),
            "INFO" => Ok(Verbosity::Info),
            "DEVEL" => Ok(Verbosity::Devel),
            _ => Err(UsageError(format!(
                "--verbose {s}: the level must be one of DEVEL, INFO, WARNING, ERROR"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPTS: &[Opt] = &[
        Opt::value(&["--profile"], "ID"),
        Opt::value(&["--root"], "DIR"),
        Opt::value(&["--results-arf", "--arf"], "FILE"),
        Opt::flag(&["--oval-results"]),
        Opt::flag(&["--skip-validation", "--skip-valid"]),
    ];

    fn run(args: &[&str]) -> Result<Vec<Parsed>, UsageError> {
        parse(OPTS, args.iter().map(OsString::from))
    }

    #[test]
    fn a_missing_value_names_the_option_not_the_next_one() {
        // The old parser: `--profile --root DIR DS` said "more than one DATASTREAM".
        let err = run(&["--profile", "--root", "/r", "ds.xml"]).unwrap_err();
        assert_eq!(err.0, "--profile needs a value (ID), got the option --root");
        let err = run(&["ds.xml", "--root"]).unwrap_err();
        assert_eq!(err.0, "--root needs a value (DIR)");
        // `=` passes a value that starts with `--`.
        assert_eq!(
            run(&["--root=--odd"]).unwrap(),
            [Parsed::Value("--root", "--odd".into())]
        );
    }

    #[test]
    fn aliases_flags_help_version_and_double_dash() {
        let p = run(&[
            "--arf",
            "a.xml",
            "--skip-valid",
            "--oval-results",
            "-h",
            "--version",
            "--",
            "--profile",
        ])
        .unwrap();
        assert_eq!(
            p,
            [
                Parsed::Value("--results-arf", "a.xml".into()),
                Parsed::Flag("--skip-validation"),
                Parsed::Flag("--oval-results"),
                Parsed::Help,
                Parsed::Version,
                Parsed::Positional("--profile".into()),
            ]
        );
        assert_eq!(run(&["--nope"]).unwrap_err().0, "unknown option --nope");
        assert_eq!(
            run(&["--oval-results=x"]).unwrap_err().0,
            "--oval-results takes no value"
        );
        // A single dash is a positional (stdin in many tools), a value like "-x" is accepted.
        assert_eq!(
            run(&["--profile", "-x", "-"]).unwrap(),
            [
                Parsed::Value("--profile", "-x".into()),
                Parsed::Positional("-".into())
            ]
        );
    }

    #[test]
    fn verbosity_levels() {
        assert_eq!("info".parse::<Verbosity>().unwrap(), Verbosity::Info);
        assert!(Verbosity::Devel > Verbosity::Warning);
        assert!("LOUD".parse::<Verbosity>().is_err());
    }
}
