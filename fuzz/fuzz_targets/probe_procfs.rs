//! Fuzz the `/proc` text parsers of scap-probe (`scap_probe::procfs`): none may panic on any
//! input, whatever a hostile or corrupted `/proc` (or a remote one) returns.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scap_probe::procfs;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = procfs::parse_stat(&text);
    let mut p = scap_probe::Process::default();
    procfs::apply_status(&mut p, &text);
    let _ = procfs::parse_cmdline(data);
    let _ = procfs::parse_environ(data);
    let _ = procfs::parse_boot_time(&text);
    let _ = procfs::unescape_octal(&text);
    let _ = procfs::parse_mounts(&text);
    let _ = procfs::parse_if_inet6(&text);
    let locals = procfs::parse_fib_trie_local(&text);
    let routes = procfs::parse_route(&text);
    let _ = procfs::assign_ipv4(&locals, &routes, Some("lo"));
});
