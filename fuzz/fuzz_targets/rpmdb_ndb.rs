//! Fuzzes the NDB reader (`Packages.db`): the input is the database file. Any panic is a bug;
//! errors are fine. Seed the corpus with `scap-rpmdb/tests/fixtures/Packages.db`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scap_rpmdb::{Format, read_packages};

fuzz_target!(|data: &[u8]| {
    let _ = read_packages(Format::Ndb, data, None);
});
