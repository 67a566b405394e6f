//! What the example tests share: the example binaries, built once per test executable, and
//! running them as a user does.
//!
//! Cargo gives integration tests no path to example binaries, so the first test to need them
//! builds every example with the same cargo and profile, next to the test's own executable.
#![allow(dead_code)] // each test file uses part of it

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// `target/<profile>/examples`, after building the examples once.
pub fn examples_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let exe = std::env::current_exe().expect("test executable path");
        // target/<profile>/deps/<test>-HASH → target/<profile>
        let profile_dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("deps dir has a parent")
            .to_path_buf();
        let mut build = Command::new(env!("CARGO"));
        build.args(["build", "-p", "scap-examples", "--examples"]);
        if profile_dir.file_name().and_then(|n| n.to_str()) == Some("release") {
            build.arg("--release");
        }
        let status = build.status().expect("cargo runs");
        assert!(status.success(), "building the examples failed");
        profile_dir.join("examples")
    })
}

/// Runs `example` with `args` in directory `cwd`.
pub fn run_in(cwd: &Path, example: &str, args: &[&str]) -> Output {
    Command::new(examples_dir().join(example))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("example runs")
}

/// Its standard output, as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Its standard error, as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
