//! Fuzzes the SQLite reader (`rpmdb.sqlite`): the input is the database file, then again the
//! input as the WAL of a valid database (the committed fixture), so both the b-tree walk and the
//! log replay see hostile bytes. Any panic is a bug; errors are fine. Seed the corpus with
//! `scap-rpmdb/tests/fixtures/rpmdb.sqlite`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scap_rpmdb::{Format, read_packages};

const DB: &[u8] = include_bytes!("../../scap-rpmdb/tests/fixtures/rpmdb.sqlite");

fuzz_target!(|data: &[u8]| {
    let _ = read_packages(Format::Sqlite, data, None);
    let _ = read_packages(Format::Sqlite, DB, Some(data));
});
