//! The probes added for symlink, interface, process58, filehash58, xmlfilecontent and SELinux
//! objects, driven through the evaluator with states on a [`MemoryTarget`] that has the runtime
//! facts an offline tree lacks (processes, interfaces, selinuxfs).

use scap_oval::Definitions;
use scap_oval::eval::{Evaluator, Variables};
use scap_oval::probes::Registry;
use scap_oval::types::ResultValue;
use scap_probe::{Interface, InterfaceAddress, MemoryTarget, Process};

const DOC: &str = r#"<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"
  xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5"
  xmlns:unix="http://oval.mitre.org/XMLSchema/oval-definitions-5#unix"
  xmlns:linux="http://oval.mitre.org/XMLSchema/oval-definitions-5#linux"
  xmlns:ind="http://oval.mitre.org/XMLSchema/oval-definitions-5#independent">
  <generator><oval:schema_version>5.11.2</oval:schema_version><oval:timestamp>2026-01-01T00:00:00</oval:timestamp></generator>
  <definitions>
    DEFS
  </definitions>
  <tests>
    <unix:interface_test id="oval:m:tst:1" version="1" check="all" check_existence="none_exist" comment="no wireless">
      <unix:object object_ref="oval:m:obj:1"/></unix:interface_test>
    <unix:interface_test id="oval:m:tst:2" version="1" check="all" comment="eth0 not promiscuous">
      <unix:object object_ref="oval:m:obj:2"/><unix:state state_ref="oval:m:ste:2"/></unix:interface_test>
    <unix:process58_test id="oval:m:tst:3" version="1" check="all" check_existence="at_least_one_exists" comment="sshd runs as root">
      <unix:object object_ref="oval:m:obj:3"/><unix:state state_ref="oval:m:ste:3"/></unix:process58_test>
    <unix:process58_test id="oval:m:tst:4" version="1" check="all" check_existence="none_exist" comment="no telnetd">
      <unix:object object_ref="oval:m:obj:4"/></unix:process58_test>
    <linux:selinuxboolean_test id="oval:m:tst:5" version="1" check="all" comment="boolean off now and pending">
      <linux:object object_ref="oval:m:obj:5"/><linux:state state_ref="oval:m:ste:5"/></linux:selinuxboolean_test>
    <linux:selinuxsecuritycontext_test id="oval:m:tst:6" version="1" check="all" check_existence="none_exist" comment="no unconfined_service_t process">
      <linux:object object_ref="oval:m:obj:6"/></linux:selinuxsecuritycontext_test>
    <ind:filehash58_test id="oval:m:tst:7" version="1" check="all" comment="sha256 of the file">
      <ind:object object_ref="oval:m:obj:7"/><ind:state state_ref="oval:m:ste:7"/></ind:filehash58_test>
    <ind:xmlfilecontent_test id="oval:m:tst:8" version="1" check="all" comment="ssh allowed in zone">
      <ind:object object_ref="oval:m:obj:8"/><ind:state state_ref="oval:m:ste:8"/></ind:xmlfilecontent_test>
    <unix:symlink_test id="oval:m:tst:9" version="1" check="all" comment="rtc link">
      <unix:object object_ref="oval:m:obj:9"/><unix:state state_ref="oval:m:ste:9"/></unix:symlink_test>
  </tests>
  <objects>
    <unix:interface_object id="oval:m:obj:1" version="1"><unix:name operation="pattern match">^wl</unix:name></unix:interface_object>
    <unix:interface_object id="oval:m:obj:2" version="1"><unix:name>eth0</unix:name></unix:interface_object>
    <unix:process58_object id="oval:m:obj:3" version="1">
      <unix:command_line operation="pattern match">^/usr/sbin/sshd</unix:command_line>
      <unix:pid datatype="int" operation="greater than">0</unix:pid></unix:process58_object>
    <unix:process58_object id="oval:m:obj:4" version="1">
      <unix:command_line operation="pattern match">telnetd</unix:command_line>
      <unix:pid datatype="int" operation="greater than">0</unix:pid></unix:process58_object>
    <linux:selinuxboolean_object id="oval:m:obj:5" version="1"><linux:name>httpd_can_network_connect</linux:name></linux:selinuxboolean_object>
    <linux:selinuxsecuritycontext_object id="oval:m:obj:6" version="1">
      <linux:pid datatype="int" operation="greater than">0</linux:pid>
      <oval-def:filter xmlns:oval-def="http://oval.mitre.org/XMLSchema/oval-definitions-5" action="include">oval:m:ste:6</oval-def:filter>
    </linux:selinuxsecuritycontext_object>
    <ind:filehash58_object id="oval:m:obj:7" version="1"><ind:filepath>/etc/issue</ind:filepath><ind:hash_type>SHA-256</ind:hash_type></ind:filehash58_object>
    <ind:xmlfilecontent_object id="oval:m:obj:8" version="1"><ind:filepath>/etc/firewalld/zones/public.xml</ind:filepath><ind:xpath>/zone/service/@name</ind:xpath></ind:xmlfilecontent_object>
    <unix:symlink_object id="oval:m:obj:9" version="1"><unix:filepath>/etc/localtime</unix:filepath></unix:symlink_object>
  </objects>
  <states>
    <unix:interface_state id="oval:m:ste:2" version="1"><unix:flag operation="not equal">PROMISC</unix:flag></unix:interface_state>
    <unix:process58_state id="oval:m:ste:3" version="1"><unix:user_id datatype="int">0</unix:user_id></unix:process58_state>
    <linux:selinuxboolean_state id="oval:m:ste:5" version="1">
      <linux:current_status datatype="boolean">false</linux:current_status>
      <linux:pending_status datatype="boolean">false</linux:pending_status></linux:selinuxboolean_state>
    <linux:selinuxsecuritycontext_state id="oval:m:ste:6" version="1"><linux:type>unconfined_service_t</linux:type></linux:selinuxsecuritycontext_state>
    <ind:filehash58_state id="oval:m:ste:7" version="1"><ind:hash>b5a29e05c1a3e0e2ab6bd0c22a7b1f07fe1a2b3bd0d1b5ccd1e3b2c5f6a5c70d</ind:hash></ind:filehash58_state>
    <ind:xmlfilecontent_state id="oval:m:ste:8" version="1"><ind:value_of entity_check="at least one">ssh</ind:value_of></ind:xmlfilecontent_state>
    <unix:symlink_state id="oval:m:ste:9" version="1"><unix:canonical_path>/usr/share/zoneinfo/Etc/UTC</unix:canonical_path></unix:symlink_state>
  </states>
</oval_definitions>"#;

fn document() -> String {
    let defs: String = (1..=9)
        .map(|i| {
            format!(
                r#"<definition id="oval:m:def:{i}" version="1" class="compliance"><metadata><title>t{i}</title><description>d</description></metadata><criteria><criterion test_ref="oval:m:tst:{i}"/></criteria></definition>"#
            )
        })
        .collect();
    DOC.replace("DEFS", &defs)
}

fn process(pid: u32, argv: &[&str], euid: u32, label: &str) -> Process {
    let mut p = Process::default();
    p.pid = pid;
    p.ppid = 1;
    p.argv = argv.iter().map(|s| (*s).to_owned()).collect();
    p.euid = euid;
    p.security_label = Some(label.to_owned());
    p
}

fn target() -> MemoryTarget {
    let mut t = MemoryTarget::new();
    t.add_file("/etc/issue", "Debian GNU/Linux 11 \\n \\l\n\n")
        .add_file(
            "/etc/firewalld/zones/public.xml",
            r#"<zone><service name="dhcpv6-client"/><service name="ssh"/></zone>"#,
        )
        .add_file("/usr/share/zoneinfo/Etc/UTC", "TZif2")
        .add_symlink("/etc/localtime", "../usr/share/zoneinfo/Etc/UTC")
        .add_file("/sys/fs/selinux/booleans/httpd_can_network_connect", "0 0");
    let mut eth0 = Interface::default();
    eth0.name = "eth0".into();
    eth0.hardware_type = Some(1);
    eth0.flags = 0x1 | 0x2 | 0x40 | 0x1000;
    eth0.addresses = vec![InterfaceAddress {
        addr: std::net::IpAddr::from([192, 0, 2, 2]),
        prefix_len: 24,
    }];
    t.facts.interfaces = Some(vec![eth0]);
    t.facts.processes = Some(vec![
        process(1, &["/sbin/init"], 0, "system_u:system_r:init_t:s0"),
        process(
            612,
            &["/usr/sbin/sshd", "-D"],
            0,
            "system_u:system_r:sshd_t:s0-s0:c0.c1023",
        ),
    ]);
    t
}

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn results(t: &MemoryTarget) -> Res<Vec<ResultValue>> {
    let text = document();
    let defs = Definitions::parse(text.as_bytes())?;
    let registry = Registry::builtin();
    let r = Evaluator::new(&defs, t, &registry, Variables::default()).evaluate_all();
    (1..=9)
        .map(|i| {
            let id = format!("oval:m:def:{i}");
            r.definition(&id)
                .ok_or_else(|| format!("no result for {id}").into())
        })
        .collect()
}

#[test]
fn every_new_probe_through_the_evaluator() -> Res<()> {
    use ResultValue::*;
    let t = target();
    let mut want = vec![True; 9];
    // The state's hash is not the file's: the comparison must fail, not error.
    want[6] = False;
    assert_eq!(results(&t)?, want);
    Ok(())
}

#[test]
fn results_follow_the_facts() -> Res<()> {
    use ResultValue::*;
    let mut t = target();
    t.add_file("/sys/fs/selinux/booleans/httpd_can_network_connect", "1 0")
        .add_symlink("/etc/localtime", "/usr/share/zoneinfo/Europe/Paris")
        .add_file("/usr/share/zoneinfo/Europe/Paris", "TZif2");
    if let Some(ps) = t.facts.processes.as_mut() {
        ps.push(process(
            700,
            &["/usr/sbin/in.telnetd"],
            0,
            "system_u:system_r:unconfined_service_t:s0",
        ));
    }
    if let Some(ifs) = t.facts.interfaces.as_mut() {
        ifs[0].flags |= 0x100; // IFF_PROMISC
    }
    let r = results(&t)?;
    assert_eq!(r[1], False, "promiscuous eth0");
    assert_eq!(r[3], False, "telnetd runs");
    assert_eq!(r[4], False, "boolean on");
    assert_eq!(r[5], False, "unconfined service");
    assert_eq!(r[8], False, "localtime moved");
    Ok(())
}
