//! Compares two CPE names with NISTIR 7696 name matching.
//!
//! ```sh
//! cargo run --example cpe-match -- 'cpe:2.3:o:debian:debian_linux:11:*:*:*:*:*:*:*' 'cpe:/o:debian:debian_linux'
//! ```
//!
//! Each name may be a CPE 2.3 formatted string, a CPE 2.2 URI or a WFN text (`wfn:[...]`).
//! Prints both names as WFN, URI and formatted string, the per-attribute relations and the
//! name relation of the first (source) to the second (target). Exits 1 on a bad name or usage.

use std::process::ExitCode;

use scap_cpe::{Attribute, Name};

fn parse(label: &str, text: &str) -> Result<Name, String> {
    let parsed = if text.starts_with("wfn:") {
        Name::parse_wfn(text)
    } else {
        Name::parse(text)
    };
    parsed.map_err(|e| format!("{label} name {text:?} is not a valid CPE name: {e}"))
}

fn show(label: &str, name: &Name) {
    println!("{label}:");
    println!("  WFN:              {}", name.to_wfn_string());
    println!("  URI (2.2):        {}", name.to_uri());
    println!("  formatted (2.3):  {name}");
}

fn run(args: &[String]) -> Result<(), String> {
    let [source, target] = args else {
        return Err(
            "usage: cpe-match SOURCE TARGET\n  each a CPE name: cpe:2.3:..., cpe:/... or wfn:[...]"
                .to_owned(),
        );
    };
    let source = parse("source", source)?;
    let target = parse("target", target)?;
    show("source", &source);
    show("target", &target);
    let table = source.compare_attributes(&target);
    println!("attribute relations (source to target):");
    for attribute in Attribute::ALL {
        println!("  {:<10} {}", attribute.name(), table.get(attribute));
    }
    println!("name relation: {}", table.relation());
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("cpe-match: {message}");
            ExitCode::from(1)
        }
    }
}
