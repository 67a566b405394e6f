//! Fuzzes the OVAL evaluator with the built-in probes: the input is an OVAL definitions
//! document, evaluated in full over a fixed `MemoryTarget` holding text, XML, YAML and JSON-ish
//! files, a shadow and passwd file, a symlink and nested directories, so that file paths,
//! patterns and recursion, regular expressions, XPath, variables and functions, sets and filters
//! all meet adversarial content. Any panic is a bug; `error` results are fine. Limits are small
//! so that one input runs in milliseconds.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use scap_oval::eval::{Evaluator, Variables};
use scap_oval::probes::Registry;
use scap_oval::{Definitions, Limits};
use scap_probe::{FileType, MemoryTarget, Metadata};

fn target() -> &'static MemoryTarget {
    static TARGET: OnceLock<MemoryTarget> = OnceLock::new();
    TARGET.get_or_init(|| {
        let mut t = MemoryTarget::new();
        t.add_dir("/etc/ssh").add_dir("/etc/a/b/c").add_dir("/var/log");
        t.add_file("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\nbin:x:2:2::/bin:/usr/sbin/nologin\n");
        t.add_file_with(
            "/etc/shadow",
            "root:$6$x$y:19000:0:99999:7:::\nbin:*:19000::::::\n",
            Metadata::new(FileType::Regular, 0o640),
        );
        t.add_file("/etc/ssh/sshd_config", "Port 22\nPermitRootLogin no\nCiphers aes256-ctr,aes128-ctr\n");
        t.add_file("/etc/login.defs", "PASS_MAX_DAYS\t90\nUMASK 027\n");
        t.add_file("/etc/a/b/c/conf.xml", "<a xmlns:x=\"urn:x\"><b x:k=\"1\">t</b><b>u</b><x:c/></a>");
        t.add_file("/etc/a/b/c/conf.yaml", "a:\n  b: [1, 2, {c: d}]\nspec:\n  - name: n\n");
        t.add_file("/etc/a/b/settings.json", "{\"k\": [1, 2], \"s\": \"v\"}");
        t.add_file("/var/log/messages", "x".repeat(4096));
        t.add_symlink("/etc/link", "/etc/a/b");
        t.add_file("/proc/sys/kernel/randomize_va_space", "2\n");
        t
    })
}

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default()
        .with_max_input_bytes(1 << 18)
        .with_max_nodes(20_000)
        .with_max_depth(16);
    let Ok(defs) = Definitions::parse_with_limits(data, &limits) else {
        return;
    };
    let registry = Registry::builtin();
    let _ = Evaluator::new(&defs, target(), &registry, Variables::default()).evaluate_all();
});
