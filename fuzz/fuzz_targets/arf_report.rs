//! Fuzzes reading an ARF report and every evidence writer: the input is an ARF document, read
//! by `scap_arf::Arf::parse`, joined into a `ScanReport` (which also parses the data stream the
//! ARF carries) and rendered in every format `Format::NAMES` lists, then through JSON and back.
//! Any panic is a bug; errors are fine.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scap_arf::Arf;
use scap_arf::report::{Format, ScanReport};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(arf) = Arf::parse(text) else {
        return;
    };
    let Ok(report) = ScanReport::from_arf(&arf) else {
        return;
    };
    for name in Format::NAMES {
        if let Ok(format) = Format::from_name(name) {
            let _ = format.render(&report, &mut std::io::sink());
        }
    }
    if let Ok(json) = report.to_json() {
        let _ = ScanReport::from_json(&json);
    }
});
