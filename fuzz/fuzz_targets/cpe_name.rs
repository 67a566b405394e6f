//! Fuzzes the CPE name parsers (URI, formatted string, WFN text) and name matching: parsing must
//! return a name or a typed error, every parsed name must survive both bindings unchanged, and
//! the name relations must be consistent in both directions.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scap_cpe::{AvString, Name, NameRelation};

fn check_round_trips(name: &Name) {
    let uri = name.to_uri();
    assert_eq!(Name::from_uri(&uri).as_ref(), Ok(name), "URI {uri}");
    let fs = name.to_formatted_string();
    assert_eq!(Name::from_formatted_string(&fs).as_ref(), Ok(name), "FS {fs}");
    let wfn = name.to_wfn_string();
    assert_eq!(Name::parse_wfn(&wfn).as_ref(), Ok(name), "WFN {wfn}");
}

fn parse_any(text: &str) -> Option<Name> {
    let parsed = [
        Name::parse(text),
        Name::from_uri(text),
        Name::from_formatted_string(text),
        Name::parse_wfn(text),
    ];
    let mut found = None;
    for name in parsed.into_iter().flatten() {
        check_round_trips(&name);
        found.get_or_insert(name);
    }
    found
}

fn has_wildcards(name: &Name) -> bool {
    name.values().iter().any(|v| v.has_wildcards())
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (a, b) = text.split_once('\n').unwrap_or((text, ""));
    let _ = AvString::parse_wfn(a);
    let (Some(x), Some(y)) = (parse_any(a), parse_any(b)) else { return };
    let forward = x.compare(&y);
    let backward = y.compare(&x);
    assert_eq!(x.compare(&x) == NameRelation::Equal, !has_wildcards(&x));
    if !has_wildcards(&x) && !has_wildcards(&y) {
        let expected = match forward {
            NameRelation::Subset => NameRelation::Superset,
            NameRelation::Superset => NameRelation::Subset,
            other => other,
        };
        assert_eq!(backward, expected, "{x} vs {y}");
    }
    if forward == NameRelation::Equal || forward == NameRelation::Superset {
        assert!(x.matches(&y));
    }
});
