//! Fuzzes the Berkeley DB hash reader (`Packages`): the input is the database file. Any panic
//! is a bug; errors are fine. Seed the corpus with `scap-rpmdb/tests/fixtures/Packages`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scap_rpmdb::{Format, read_packages};

fuzz_target!(|data: &[u8]| {
    let _ = read_packages(Format::Bdb, data, None);
});
