//! Which files an object names: the `filepath` or `path` + `filename` entities and the file
//! behaviors (`max_depth`, `recurse`, `recurse_direction`, `recurse_file_system`), shared by every
//! file-based probe (file, textfilecontent54, filehash58, xmlfilecontent, ...) and public as
//! [`candidates`] so a downstream probe for another file-based object expands them the same way.
//!
//! Exact (`equals`) values are looked up directly. Any other operation enumerates: the walk starts
//! at the longest directory the pattern fixes (`^/etc/ssh/sshd_config\.d/.*` walks
//! `/etc/ssh/sshd_config.d`), matches every path below it, and never follows a symlinked
//! directory (no loops, no escape: the target's jail does the rest).
//!
//! A relative exact value with a directory part (`./x`, `../x`, a `path` of `.`) names a file
//! under [`Target::working_directory`]: on the live host the scanner's working directory, as
//! oscap 1.3.7 resolves it. Items then carry the absolute path where oscap writes the value as
//! given (`./x`). A bare name (`x`) names nothing, as in oscap. Offline (a tree, an image) there
//! is no working directory and a relative value names nothing: oscap with `OSCAP_PROBE_ROOT`
//! does not resolve it against the root nor against its own working directory either (checked:
//! `./x` is `does not exist` with `x` present in both).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use scap_probe::{Direction, FileType, Target, WalkEntry, WalkOptions, walk};

use super::{ObjectRequest, RequestEntity};
use crate::types::{Check, Operation};

/// Upper bound on entries visited for one object (matching its path pattern and recursing from
/// every matched directory, together), so a pattern rooted at `/` on a huge tree ends with an
/// error instead of running for hours.
const MAX_VISITED: usize = 2_000_000;

/// Direction of recursion from a matched path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecurseDirection {
    /// Only the path itself (default).
    None,
    /// Its subdirectories.
    Down,
    /// Its parents.
    Up,
}

/// The file behaviors of an object, with the schema's defaults.
///
/// ```
/// use scap_oval::probes::{Behaviors, ObjectRequest, RecurseDirection};
///
/// let mut object = ObjectRequest::new("oval:x:obj:1", "file_object");
/// object.behaviors = vec![
///     ("recurse_direction".into(), "down".into()),
///     ("max_depth".into(), "2".into()),
///     ("recurse".into(), "directories".into()),
/// ];
/// let b = Behaviors::of(&object);
/// assert_eq!(b.direction, RecurseDirection::Down);
/// assert_eq!(b.max_depth, 2);
/// assert!(b.descend_directories && !b.follow_symlinks);
/// assert_eq!(Behaviors::of(&ObjectRequest::new("oval:x:obj:2", "file_object")), Behaviors::default());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Behaviors {
    /// `max_depth`: -1 means unlimited.
    pub max_depth: i64,
    /// `recurse_direction`.
    pub direction: RecurseDirection,
    /// Whether recursion follows symlinks to directories (`recurse` contains `symlinks`).
    pub follow_symlinks: bool,
    /// Whether recursion descends into real directories (`recurse` contains `directories`).
    pub descend_directories: bool,
    /// `recurse_file_system` is `defined`: stay on the starting path's device.
    pub same_device: bool,
}

impl Default for Behaviors {
    fn default() -> Self {
        Behaviors {
            max_depth: -1,
            direction: RecurseDirection::None,
            follow_symlinks: true,
            descend_directories: true,
            same_device: false,
        }
    }
}

impl Behaviors {
    /// Read the behaviors of an object request; an attribute it does not set keeps the
    /// schema's default, and an unreadable `max_depth` is `-1` (unlimited).
    pub fn of(object: &ObjectRequest) -> Behaviors {
        let mut b = Behaviors::default();
        if let Some(d) = object.behavior("max_depth") {
            b.max_depth = d.trim().parse().unwrap_or(-1);
        }
        b.direction = match object.behavior("recurse_direction") {
            Some("down") => RecurseDirection::Down,
            Some("up") => RecurseDirection::Up,
            _ => RecurseDirection::None,
        };
        if let Some(r) = object.behavior("recurse") {
            b.follow_symlinks = r.contains("symlinks");
            b.descend_directories = r.contains("directories");
        }
        b.same_device = object.behavior("recurse_file_system") == Some("defined");
        b
    }
}

/// A file (or, with a nil filename, a directory) an object names: what [`candidates`] lists.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    /// The directory.
    pub path: String,
    /// The file name; `None` for a directory named by a nil `filename`.
    pub filename: Option<String>,
}

impl Candidate {
    /// The full path: the directory and the file name joined as OVAL items spell it
    /// (`/etc` and `passwd` give `/etc/passwd`, `/` and `passwd` give `/passwd`), or the
    /// directory alone for a nil filename.
    ///
    /// ```
    /// use scap_oval::probes::Candidate;
    /// let c = Candidate { path: "/".into(), filename: Some("passwd".into()) };
    /// assert_eq!(c.filepath(), "/passwd");
    /// let dir = Candidate { path: "/etc".into(), filename: None };
    /// assert_eq!(dir.filepath(), "/etc");
    /// ```
    pub fn filepath(&self) -> String {
        match &self.filename {
            Some(f) => join(&self.path, f),
            None => self.path.clone(),
        }
    }
}

/// Why [`candidates`] could not list the files: a walk past its bound of entries, or an
/// entity whose comparison cannot be made (an invalid pattern). A probe answers such an object
/// with an `error` collection carrying this message, as the built-in ones do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilesetError(pub(crate) String);

impl std::fmt::Display for FilesetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FilesetError {}

/// Join a directory and a name the way OVAL items spell paths.
pub(crate) fn join(dir: &str, name: &str) -> String {
    if dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

/// A regular file among the candidates, read.
pub(crate) struct FileContent {
    /// The full path (`path` and `filename` joined).
    pub(crate) filepath: String,
    /// The directory.
    pub(crate) path: String,
    /// The file name.
    pub(crate) filename: String,
    /// The content (at most the limit given).
    pub(crate) bytes: Vec<u8>,
}

/// The regular files among `files` (directories and other types skipped), each read whole up
/// to `limit` bytes, one at a time as the iterator is advanced. A file gone since it was listed
/// is skipped; one that cannot be read is an `Err` with the message (`flag_for`): the content
/// probes then report their object as an error.
pub(crate) fn regular_files(
    target: &dyn Target,
    files: Vec<Candidate>,
    limit: u64,
) -> impl Iterator<Item = Result<FileContent, String>> + '_ {
    files
        .into_iter()
        .filter_map(move |Candidate { path, filename }| {
            let filename = filename?;
            let filepath = join(&path, &filename);
            match target.stat(Path::new(&filepath)) {
                Ok(m) if m.file_type == FileType::Regular => {}
                _ => return None,
            }
            match target.read(Path::new(&filepath), limit) {
                Ok(bytes) => Some(Ok(FileContent {
                    filepath,
                    path,
                    filename,
                    bytes,
                })),
                Err(e) => super::flag_for(&e, crate::types::Flag::Error).1.map(Err),
            }
        })
}

/// Split a full path into its directory and file name.
pub(crate) fn split(filepath: &str) -> (String, String) {
    match filepath.rfind('/') {
        Some(0) => ("/".to_owned(), filepath[1..].to_owned()),
        Some(i) => (filepath[..i].to_owned(), filepath[i + 1..].to_owned()),
        None => (String::new(), filepath.to_owned()),
    }
}

/// The files (or directories) an object's `filepath` or `path` + `filename` entities and its
/// behaviors name on a target, sorted and without duplicates: the expansion every built-in
/// file-based probe makes, for a downstream probe of another file-based object.
///
/// - `filepath`: the non-directories whose full path matches.
/// - `path` + `filename`: the directories `path` matches, extended by the behaviors
///   ([`Behaviors`]: `recurse_direction` up or down to `max_depth` levels, through symlinked
///   and real directories as `recurse` says, on one device if `recurse_file_system` is
///   `defined`), then in each the non-directories whose name `filename` matches. A nil
///   `filename` (`xsi:nil="true"`) gives the directories themselves
///   ([`Candidate::filename`] `None`); no `filename` entity gives nothing.
/// - An `equals` value is looked up directly (it exists, or it is not listed); any other
///   operation walks from the directory the pattern fixes (`^/etc/ssh/sshd_config\.d/.*`
///   walks `/etc/ssh/sshd_config.d`), never through a symlinked directory.
/// - Relative values follow the rules of the module documentation (as oscap 1.3.7).
///
/// A file that vanishes or cannot be listed is left out, not an error: a probe decides what a
/// file it cannot read means when it reads it. Errors are a walk of more than two million
/// entries and a comparison that cannot be made.
///
/// ```
/// use scap_oval::probes::{candidates, ObjectRequest, RequestEntity};
/// use scap_oval::types::{Datatype, Operation};
/// use scap_probe::MemoryTarget;
///
/// let mut target = MemoryTarget::new();
/// target
///     .add_file("/etc/app/main.conf", "")
///     .add_file("/etc/app/conf.d/extra.conf", "")
///     .add_file("/etc/app/conf.d/README", "");
///
/// // A new object, say `app_config_object`, with the usual path/filename/behaviors.
/// let mut object = ObjectRequest::new("oval:x:obj:1", "app_config_object");
/// object.entities.push(RequestEntity::new("path", Datatype::String, Operation::Equals, "/etc/app"));
/// object.entities.push(RequestEntity::new(
///     "filename",
///     Datatype::String,
///     Operation::PatternMatch,
///     r"\.conf$",
/// ));
/// object.behaviors = vec![("recurse_direction".into(), "down".into())];
///
/// let files = candidates(&target, &object)?;
/// let paths: Vec<String> = files.iter().map(|c| c.filepath()).collect();
/// // Sorted by directory, then name.
/// assert_eq!(paths, ["/etc/app/main.conf", "/etc/app/conf.d/extra.conf"]);
/// # Ok::<(), scap_oval::probes::FilesetError>(())
/// ```
pub fn candidates(
    target: &dyn Target,
    object: &ObjectRequest,
) -> Result<Vec<Candidate>, FilesetError> {
    let mut out = Vec::new();
    let mut visited = Visited::new(object);
    if let Some(fp) = object.entity("filepath") {
        for p in match_paths(target, fp, false, &mut visited)? {
            let (path, filename) = split(&p);
            out.push(Candidate {
                path,
                filename: Some(filename),
            });
        }
    } else if let Some(path) = object.entity("path") {
        let behaviors = Behaviors::of(object);
        let mut dirs = match_paths(target, path, true, &mut visited)?;
        dirs = recurse(target, dirs, behaviors, &mut visited)?;
        let filename = object.entity("filename");
        for dir in dirs {
            match filename {
                None => {}
                Some(f) if f.nil => out.push(Candidate {
                    path: dir,
                    filename: None,
                }),
                Some(f) => {
                    if let Some(names) = f.exact_values() {
                        for name in names {
                            let full = join(&dir, name);
                            if exists(target, &full) {
                                out.push(Candidate {
                                    path: dir.clone(),
                                    filename: Some(name.clone()),
                                });
                            }
                        }
                    } else {
                        let Ok(entries) = target.read_dir(Path::new(&dir)) else {
                            continue;
                        };
                        for entry in entries {
                            let Some(name) = entry.name.to_str() else {
                                continue;
                            };
                            if entry.file_type == FileType::Directory {
                                continue;
                            }
                            if f.matches(name).map_err(|e| FilesetError(e.to_string()))? {
                                out.push(Candidate {
                                    path: dir.clone(),
                                    filename: Some(name.to_owned()),
                                });
                            }
                        }
                    }
                }
            }
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Entries walked for one object so far, against [`MAX_VISITED`].
struct Visited<'o> {
    object: &'o str,
    count: usize,
}

impl<'o> Visited<'o> {
    fn new(object: &'o ObjectRequest) -> Visited<'o> {
        Visited {
            object: &object.id,
            count: 0,
        }
    }

    /// Count one more entry; an error once over the limit.
    fn one_more(&mut self) -> Result<(), FilesetError> {
        self.count += 1;
        if self.count > MAX_VISITED {
            return Err(FilesetError(format!(
                "{}: more than {MAX_VISITED} entries walked to collect the object",
                self.object
            )));
        }
        Ok(())
    }
}

fn exists(target: &dyn Target, path: &str) -> bool {
    target.metadata(Path::new(path)).is_ok()
}

fn is_dir(target: &dyn Target, path: &str) -> bool {
    target
        .stat(Path::new(path))
        .map(|m| m.file_type == FileType::Directory)
        .unwrap_or(false)
}

/// The absolute path an exact `filepath` or `path` value names: itself when absolute; a
/// relative one with a directory part (`.`, `./x`, `../x`) under the target's working
/// directory, lexically normalized; `None` otherwise (a bare `x`, or a target without a
/// working directory), as oscap 1.3.7 finds nothing there (see the module doc).
fn absolute(target: &dyn Target, value: &str) -> Option<String> {
    if value.starts_with('/') {
        return Some(value.to_owned());
    }
    let dotted =
        value == "." || value == ".." || value.starts_with("./") || value.starts_with("../");
    if !dotted {
        return None;
    }
    let cwd = target.working_directory().ok()?;
    let mut parts: Vec<String> = Vec::new();
    let joined = format!("{}/{value}", cwd.to_str()?);
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p.to_owned()),
        }
    }
    Some(format!("/{}", parts.join("/")))
}

/// Paths matching an entity: exact values looked up, anything else enumerated under the
/// directory the pattern fixes. `dirs` selects directories (a `path` entity) or non-directories.
fn match_paths(
    target: &dyn Target,
    entity: &RequestEntity,
    dirs: bool,
    visited: &mut Visited<'_>,
) -> Result<Vec<String>, FilesetError> {
    if let Some(values) = entity.exact_values() {
        return Ok(values
            .iter()
            .filter_map(|v| absolute(target, v))
            .filter(|v| {
                if dirs {
                    is_dir(target, v)
                } else {
                    exists(target, v)
                }
            })
            .collect());
    }
    let mut roots: Vec<String> = if entity.operation == Operation::PatternMatch {
        let roots: Vec<Option<String>> = entity.values.iter().map(|v| walk_root(v)).collect();
        match entity.var_check {
            // Paths matching none of the patterns: anywhere.
            Check::NoneExist | Check::NoneSatisfy => vec!["/".to_owned()],
            // A path must match every pattern, and one of them matches none.
            Check::All if roots.iter().any(Option::is_none) => Vec::new(),
            _ => roots.into_iter().flatten().collect(),
        }
    } else {
        vec!["/".to_owned()]
    };
    roots.sort();
    roots.dedup();
    let mut out = Vec::new();
    for root in roots {
        // Symlinked directories are not followed: no loops, and a link out of a directory
        // is reported as itself.
        each_entry(target, Path::new(&root), WalkOptions::new(), &mut |entry| {
            visited.one_more()?;
            if entry.is_dir != dirs {
                return Ok(());
            }
            let Some(path) = entry.path.to_str() else {
                return Ok(());
            };
            if entity
                .matches(path)
                .map_err(|e| FilesetError(e.to_string()))?
            {
                out.push(path.to_owned());
            }
            Ok(())
        })?;
    }
    Ok(out)
}

/// Expand matched directories by the recursion behaviors.
fn recurse(
    target: &dyn Target,
    mut dirs: Vec<String>,
    b: Behaviors,
    visited: &mut Visited<'_>,
) -> Result<Vec<String>, FilesetError> {
    if b.direction == RecurseDirection::None || b.max_depth == 0 {
        return Ok(dirs);
    }
    // OVAL's max_depth counts levels of directories below (or above) the start; the walk's
    // counts levels of entries it lists below the start.
    let levels = usize::try_from(b.max_depth).ok();
    let options = WalkOptions::new()
        .direction(if b.direction == RecurseDirection::Up {
            Direction::Up
        } else {
            Direction::Down
        })
        .max_depth(match b.direction {
            RecurseDirection::Up => levels,
            _ => levels.map(|l| l.saturating_sub(1)),
        })
        .descend_directories(b.descend_directories)
        .follow_symlinks(b.follow_symlinks)
        .same_device(b.same_device);
    // A walk down without a depth limit that lists a directory has walked everything below
    // it as a walk from it would (same options, same device), so a matched directory already
    // listed is not walked again: one walk per subtree, where a 300-deep chain matched by a
    // pattern was walked 300 times (45,000 listings instead of 300). Sorted, an ancestor comes
    // before what it contains. The one difference: a directory the walk reaches twice
    // (through a followed link) is listed once per walk, so below a skipped start a link to a
    // directory already listed is not listed again under the start's path either; the object's
    // walks share what they listed as one walk does. With a depth limit each walk is bounded
    // by it and nothing is shared.
    let shared = b.direction != RecurseDirection::Up && levels.is_none();
    let mut listed: HashSet<PathBuf> = HashSet::new();
    dirs.sort();
    dirs.dedup();
    let mut out = Vec::new();
    for start in dirs {
        if shared && listed.contains(Path::new(&start)) {
            out.push(start);
            continue;
        }
        each_entry(target, Path::new(&start), options, &mut |entry| {
            visited.one_more()?;
            if shared && entry.depth > 0 {
                if let Some(parent) = entry.path.parent() {
                    if !listed.contains(parent) {
                        listed.insert(parent.to_path_buf());
                    }
                }
            }
            let wanted = entry.is_dir
                && levels.is_none_or(|l| entry.depth <= l)
                && (entry.depth == 0 || !entry.file_type.is_symlink() || b.follow_symlinks);
            if let (true, Some(p)) = (wanted, entry.path.to_str()) {
                out.push(p.to_owned());
            }
            Ok(())
        })?;
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Call `f` on every entry of the walk from `start` (errors skipped: a directory that cannot
/// be listed holds nothing the object can name): the walk the target kept for the scan when it
/// keeps one ([`Target::shared_walk`], one walk of a subtree however many objects filter it),
/// else a walk made now, entry by entry.
fn each_entry(
    target: &dyn Target,
    start: &Path,
    options: WalkOptions,
    f: &mut dyn FnMut(&WalkEntry) -> Result<(), FilesetError>,
) -> Result<(), FilesetError> {
    if let Some(entries) = target.shared_walk(start, options) {
        return entries.iter().try_for_each(f);
    }
    walk(target, start, options)
        .flatten()
        .try_for_each(|e| f(&e))
}

/// The directory a regular expression fixes: the literal prefix after `^` up to its last `/`;
/// `None` when the expression matches no absolute path, so that nothing need be walked: `^$`
/// (SSG's expression for an empty list, such as rsyslog's include paths on a host without
/// any, which walked the whole tree), or a fixed first character other than `/`.
pub(crate) fn walk_root(pattern: &str) -> Option<String> {
    let anywhere = Some("/".to_owned());
    let Some(rest) = pattern.strip_prefix('^') else {
        return anywhere;
    };
    if has_top_level_alternation(rest) {
        // `^/usr/lib|/etc`: the second branch is not anchored, nor under the prefix.
        return anywhere;
    }
    if rest == "$" {
        return None;
    }
    let mut prefix = String::new();
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        let lit = match c {
            '\\' => match chars.next() {
                Some(e) if e.is_ascii_punctuation() || e == ' ' => e,
                _ => break,
            },
            '.' | '[' | ']' | '(' | ')' | '{' | '}' | '*' | '+' | '?' | '|' | '^' | '$' => break,
            c => c,
        };
        // A quantifier after a literal makes that literal optional: stop before it.
        if matches!(chars.peek(), Some('*' | '?' | '{')) {
            break;
        }
        prefix.push(lit);
    }
    if !prefix.is_empty() && !prefix.starts_with('/') {
        return None;
    }
    match prefix.rfind('/') {
        Some(0) | None => anywhere,
        Some(i) => Some(prefix[..i].to_owned()),
    }
}

/// Whether `pattern` has a `|` outside every group and character class.
fn has_top_level_alternation(pattern: &str) -> bool {
    let mut depth = 0usize;
    let mut class = false;
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            ']' if class => class = false,
            _ if class => {}
            '[' => {
                class = true;
                // A `]` first in the class is a literal.
                let mut ahead = chars.clone();
                match ahead.next() {
                    Some(']') => {
                        chars.next();
                    }
                    Some('^') if ahead.next() == Some(']') => {
                        chars.next();
                        chars.next();
                    }
                    _ => {}
                }
            }
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            '|' if depth == 0 => return true,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probes::counting::Counting;

    #[test]
    fn relative_values_resolve_against_the_working_directory() {
        use crate::types::Datatype;
        // oscap 1.3.7 live: filepath `./hostonly` and path `.` find the file in its working
        // directory, a bare `hostonly` does not; with OSCAP_PROBE_ROOT none of them does.
        let fp = |v: &str| {
            let mut o = ObjectRequest::new("oval:t:obj:1", "file_object");
            o.entities.push(RequestEntity::new(
                "filepath",
                Datatype::String,
                Operation::Equals,
                v,
            ));
            o
        };
        // cargo runs tests in the package directory, which has a Cargo.toml.
        let cwd = std::env::current_dir().unwrap();
        let live = scap_probe::LiveHost::new();
        let found = candidates(&live, &fp("./Cargo.toml")).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(Path::new(&found[0].path), cwd.as_path());
        let name = cwd.file_name().unwrap().to_str().unwrap();
        let up = candidates(&live, &fp(&format!("../{name}/./Cargo.toml"))).unwrap();
        assert_eq!(up, found);
        assert!(candidates(&live, &fp("Cargo.toml")).unwrap().is_empty());
        let mut t = scap_probe::MemoryTarget::new();
        t.add_file("/Cargo.toml", "x");
        assert!(candidates(&t, &fp("./Cargo.toml")).unwrap().is_empty());
        assert_eq!(candidates(&t, &fp("/Cargo.toml")).unwrap().len(), 1);
    }

    #[test]
    fn walk_root_is_the_fixed_directory() {
        let root = |p: &str| walk_root(p);
        let some = |p: &str| Some(p.to_owned());
        assert_eq!(
            root(r"^/etc/ssh/sshd_config\.d/.*\.conf$"),
            some("/etc/ssh/sshd_config.d")
        );
        assert_eq!(
            root(r"^/etc/audit/rules\.d/.*\.rules$"),
            some("/etc/audit/rules.d")
        );
        assert_eq!(root(r"^/etc/pam\.d/common-.*$"), some("/etc/pam.d"));
        assert_eq!(root(r"^/etc/foo?/x"), some("/etc"));
        assert_eq!(root(r"/etc/x"), some("/"));
        assert_eq!(root(r"^/(etc|usr)/x"), some("/"));
        assert_eq!(root(r"^/home/[^/]+$"), some("/home"));
        // Alternatives at the top: the later ones are neither anchored nor under the prefix.
        assert_eq!(root(r"^/usr/lib/x|/etc/y"), some("/"));
        assert_eq!(root(r"^/usr/lib/[|]x"), some("/usr/lib"));
        assert_eq!(root(r"^/usr/lib/[]|]x"), some("/usr/lib"));
        assert_eq!(root(r"^/usr/lib/\|x"), some("/usr/lib"));
        // No absolute path matches: nothing to walk.
        assert_eq!(root(r"^$"), None);
        assert_eq!(root(r"^etc/x"), None);
        assert_eq!(root(r"^\.x"), None);
        assert_eq!(root(r"^e?/x"), some("/"));
    }

    #[test]
    fn a_pattern_matching_no_absolute_path_walks_nothing() {
        use crate::types::Datatype;
        let t = tree();
        let object = |values: &[&str], var_check: Check| {
            let mut o = ObjectRequest::new("oval:t:obj:1", "textfilecontent54_object");
            let mut e =
                RequestEntity::new("filepath", Datatype::String, Operation::PatternMatch, "");
            e.values = values.iter().map(|v| (*v).to_owned()).collect();
            e.var_check = var_check;
            o.entities.push(e);
            o
        };
        let paths = |o: &ObjectRequest| -> Vec<String> {
            candidates(&t, o)
                .unwrap()
                .into_iter()
                .map(|c| format!("{}/{}", c.path, c.filename.unwrap_or_default()))
                .collect()
        };
        let counting = Counting::new(tree());
        assert!(
            candidates(&counting, &object(&["^$"], Check::All))
                .unwrap()
                .is_empty()
        );
        // It listed every directory of the tree before.
        assert_eq!(counting.listings(), 0);
        let conf = r"^/etc/ssh/sshd_config\.d/.*\.conf$";
        assert_eq!(
            paths(&object(&["^$", conf], Check::AtLeastOne)),
            ["/etc/ssh/sshd_config.d/a.conf"]
        );
        assert!(paths(&object(&["^$", conf], Check::All)).is_empty());
        // None of them: every other file, wherever it is.
        let none = paths(&object(&["^$", conf], Check::NoneSatisfy));
        assert!(
            none.contains(&"/var/log/audit/x/y/z.log".to_owned()),
            "{none:?}"
        );
        assert!(!none.contains(&"/etc/ssh/sshd_config.d/a.conf".to_owned()));
    }

    fn tree() -> scap_probe::MemoryTarget {
        let mut t = scap_probe::MemoryTarget::new();
        t.add_file("/etc/ssh/sshd_config", "")
            .add_file("/etc/ssh/sshd_config.d/a.conf", "")
            .add_file("/etc/ssh/sshd_config.d/b.txt", "")
            .add_file("/var/log/audit/x/y/z.log", "")
            .add_symlink("/var/log/audit/link", "/etc");
        t
    }

    fn request(entities: Vec<RequestEntity>, behaviors: &[(&str, &str)]) -> ObjectRequest {
        let mut r = ObjectRequest::new("oval:t:obj:1", "file_object");
        r.entities = entities;
        r.behaviors = behaviors
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        r
    }

    fn pm(name: &str, v: &str) -> RequestEntity {
        RequestEntity::new(
            name,
            crate::types::Datatype::String,
            Operation::PatternMatch,
            v,
        )
    }

    fn eq(name: &str, v: &str) -> RequestEntity {
        RequestEntity::new(name, crate::types::Datatype::String, Operation::Equals, v)
    }

    #[test]
    fn filepath_pattern_walks_from_the_fixed_directory() {
        let t = tree();
        let r = request(
            vec![pm("filepath", r"^/etc/ssh/sshd_config\.d/.*\.conf$")],
            &[],
        );
        let c = candidates(&t, &r).unwrap();
        assert_eq!(
            c.iter().map(Candidate::filepath).collect::<Vec<_>>(),
            ["/etc/ssh/sshd_config.d/a.conf"]
        );
    }

    #[test]
    fn recursion_down_respects_max_depth_and_does_not_follow_links() {
        let t = tree();
        let mut nil = eq("filename", "");
        nil.nil = true;
        let dirs = |depth: &str| {
            let r = request(
                vec![eq("path", "/var/log/audit"), nil.clone()],
                &[
                    ("recurse_direction", "down"),
                    ("max_depth", depth),
                    ("recurse", "directories"),
                ],
            );
            candidates(&t, &r)
                .unwrap()
                .into_iter()
                .map(|c| c.path)
                .collect::<Vec<_>>()
        };
        assert_eq!(dirs("1"), ["/var/log/audit", "/var/log/audit/x"]);
        assert_eq!(
            dirs("-1"),
            ["/var/log/audit", "/var/log/audit/x", "/var/log/audit/x/y"]
        );
        assert_eq!(dirs("0"), ["/var/log/audit"]);
    }

    #[test]
    fn filename_pattern_lists_non_directories() {
        let t = tree();
        let r = request(vec![eq("path", "/etc/ssh"), pm("filename", "^sshd")], &[]);
        let c = candidates(&t, &r).unwrap();
        assert_eq!(
            c.iter().map(Candidate::filepath).collect::<Vec<_>>(),
            ["/etc/ssh/sshd_config"]
        );
    }

    #[test]
    fn a_comparison_that_cannot_be_made_is_a_fileset_error() {
        let t = tree();
        let r = request(
            vec![eq("path", "/etc/ssh"), pm("filename", "(unclosed")],
            &[],
        );
        let e = candidates(&t, &r).unwrap_err();
        // The message is the one the probes put in their `error` collection.
        assert!(e.to_string().contains("(unclosed"), "{e}");
    }

    #[test]
    fn the_file_probe_collects_exactly_the_candidates() {
        // A downstream probe built on `candidates` sees the files the built-in probes see.
        use crate::probes::Probe;
        let t = tree();
        let r = request(
            vec![eq("path", "/var/log"), pm("filename", r"\.log$")],
            &[("recurse_direction", "down")],
        );
        let listed: Vec<String> = candidates(&t, &r)
            .unwrap()
            .iter()
            .map(Candidate::filepath)
            .collect();
        assert_eq!(listed, ["/var/log/audit/x/y/z.log"]);
        let collected = crate::probes::file::FileProbe.collect(&t, &r);
        let paths: Vec<&str> = collected
            .items
            .iter()
            .filter_map(|i| i.value("filepath"))
            .collect();
        assert_eq!(paths, listed);
    }

    #[test]
    fn split_and_join_are_inverse() {
        assert_eq!(
            split("/etc/passwd"),
            ("/etc".to_owned(), "passwd".to_owned())
        );
        assert_eq!(split("/passwd"), ("/".to_owned(), "passwd".to_owned()));
        assert_eq!(join("/", "passwd"), "/passwd");
        assert_eq!(join("/etc", "passwd"), "/etc/passwd");
    }

    #[test]
    fn a_deep_chain_matched_by_a_pattern_is_walked_once() {
        // /deep/d/d/... 300 levels, a file `x` at the bottom; every level matches the path
        // pattern and is a start of the recursion. Each directory is listed once to match the
        // pattern and once to recurse, not once per matched ancestor (45,000 listings).
        let depth = 300;
        let mut dir = "/deep".to_owned();
        for _ in 0..depth {
            dir.push_str("/d");
        }
        let mut inner = scap_probe::MemoryTarget::new();
        inner.add_file(format!("{dir}/x"), "");
        let t = Counting::new(inner);
        let r = request(
            vec![pm("path", "^/deep"), eq("filename", "x")],
            &[("recurse_direction", "down")],
        );
        let c = candidates(&t, &r).unwrap();
        assert_eq!(
            c.iter().map(Candidate::filepath).collect::<Vec<_>>(),
            [format!("{dir}/x")]
        );
        let listings = t.listings();
        // The directories: `/`, `/deep` and the 300 levels.
        let directories = depth + 2;
        assert!(listings <= 2 * directories, "{listings} listings");
    }
}
