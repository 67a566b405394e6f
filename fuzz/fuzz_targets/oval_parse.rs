//! Fuzz `scap_oval::Definitions::parse`: any bytes must give a model or a typed error, never a
//! panic, a hang or unbounded memory. A parsed model must be internally consistent: every id
//! is found by its lookup and every test's object reference resolves (to an object, or to one
//! set aside in `Definitions::invalid`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use scap_oval::{Definitions, Limits};

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default()
        .with_max_input_bytes(1 << 20)
        .with_max_nodes(100_000)
        .with_max_depth(32);
    if let Ok(defs) = Definitions::parse_with_limits(data, &limits) {
        for t in &defs.tests {
            assert!(defs.test(&t.id).is_some());
            // A reference resolves to an element, or to one set aside as invalid (the parsing
            // policy: it errors what depends on it at evaluation).
            if let Some(o) = &t.object_ref {
                assert!(defs.object(o).is_some() || defs.invalid.iter().any(|i| i.id == *o));
            }
        }
        for d in &defs.definitions {
            assert!(defs.definition(&d.id).is_some());
        }
    }
});
