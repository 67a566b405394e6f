//! The systemd unit probes on unit-file trees without a running systemd: enabled through a
//! `.wants/` link, masked through `/dev/null`, drop-ins, template instances, aliases, units
//! that do not exist, a dependency closure with a cycle, and runtime properties `not collected`;
//! on a [`MemoryTarget`] and on the committed tree `tests/fixtures/systemd/root`.

use scap_oval::Definitions;
use scap_oval::eval::{Evaluator, Variables};
use scap_oval::items::Item;
use scap_oval::probes::{Collection, ObjectRequest, Registry, RequestEntity};
use scap_oval::types::{Datatype, Flag, Operation, ResultValue};
use scap_probe::{MemoryTarget, RootFs, Target};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

const LIB: &str = "/lib/systemd/system";
const ETC: &str = "/etc/systemd/system";

fn tree() -> MemoryTarget {
    let mut t = MemoryTarget::new();
    t.add_file(
        format!("{LIB}/multi-user.target"),
        "[Unit]\nDescription=Multi-User System\nRequires=basic.target\nWants=getty.target\n",
    )
    // basic.target wants multi-user.target back: a cycle.
    .add_file(
        format!("{LIB}/basic.target"),
        "[Unit]\nDescription=Basic System\nWants=multi-user.target\n",
    )
    .add_file(format!("{LIB}/sysinit.target"), "[Unit]\nDescription=System Initialization\n")
    .add_symlink(
        format!("{LIB}/basic.target.wants/sysinit.target"),
        "../sysinit.target",
    )
    .add_file(format!("{LIB}/getty.target"), "[Unit]\nDescription=Login Prompts\n")
    .add_file(
        format!("{LIB}/getty@.service"),
        "[Unit]\nDescription=Getty on %I\n[Service]\nExecStart=-/sbin/agetty %I\n[Install]\nWantedBy=getty.target\n",
    )
    .add_symlink(
        format!("{ETC}/getty.target.wants/getty@tty1.service"),
        format!("{LIB}/getty@.service"),
    )
    .add_file(
        format!("{LIB}/auditd.service"),
        "[Unit]\nDescription=Security Auditing Service\n[Service]\nType=forking\n[Install]\nWantedBy=multi-user.target\n",
    )
    .add_symlink(
        format!("{ETC}/multi-user.target.wants/auditd.service"),
        format!("{LIB}/auditd.service"),
    )
    // A drop-in adds a dependency and overrides the description.
    .add_file(
        format!("{ETC}/auditd.service.d/10-rules.conf"),
        "[Unit]\nDescription=Auditing, with rules\nWants=audit-rules.service\n",
    )
    .add_file(
        format!("{LIB}/cron.service"),
        "[Unit]\nDescription=Regular background program processing daemon\n[Install]\nWantedBy=multi-user.target\n",
    )
    .add_file(
        format!("{LIB}/rsyslog.service"),
        "[Unit]\nDescription=System Logging Service\n[Install]\nWantedBy=multi-user.target\nAlias=syslog.service\n",
    )
    .add_symlink(format!("{ETC}/syslog.service"), format!("{LIB}/rsyslog.service"))
    .add_symlink(
        format!("{ETC}/multi-user.target.wants/rsyslog.service"),
        format!("{LIB}/rsyslog.service"),
    )
    .add_file(
        format!("{LIB}/telnet.socket"),
        "[Unit]\nDescription=Telnet\n[Install]\nWantedBy=sockets.target\n",
    )
    .add_symlink(format!("{ETC}/telnet.socket"), "/dev/null");
    t
}

fn entity(name: &str, op: Operation, value: &str) -> RequestEntity {
    RequestEntity::new(name, Datatype::String, op, value)
}

fn property(unit: &str, op: Operation, prop: &str) -> ObjectRequest {
    let mut o = ObjectRequest::new("oval:t:obj:1", "systemdunitproperty_object");
    o.entities.push(entity("unit", op, unit));
    o.entities.push(entity("property", Operation::Equals, prop));
    o
}

fn dependency(unit: &str) -> ObjectRequest {
    let mut o = ObjectRequest::new("oval:t:obj:2", "systemdunitdependency_object");
    o.entities.push(entity("unit", Operation::Equals, unit));
    o
}

fn collect(t: &dyn Target, o: &ObjectRequest) -> Res<Collection> {
    let registry = Registry::builtin();
    let probe = registry.get_family("linux", &o.kind).ok_or("no probe")?;
    Ok(probe.collect(t, o))
}

/// The single value of the single item of a property object.
fn value(t: &MemoryTarget, unit: &str, prop: &str) -> Res<String> {
    let c = collect(t, &property(unit, Operation::Equals, prop))?;
    assert_eq!(c.flag, Flag::Complete, "{unit} {prop}: {:?}", c.messages);
    assert_eq!(c.items.len(), 1);
    let item: &Item = &c.items[0];
    assert_eq!(item.value("unit"), Some(unit));
    assert_eq!(item.value("property"), Some(prop));
    Ok(item.value("value").ok_or("no value")?.to_owned())
}

#[test]
fn load_and_unit_file_states() -> Res<()> {
    let t = tree();
    assert_eq!(value(&t, "auditd.service", "LoadState")?, "loaded");
    assert_eq!(value(&t, "auditd.service", "UnitFileState")?, "enabled");
    assert_eq!(value(&t, "cron.service", "UnitFileState")?, "disabled");
    assert_eq!(value(&t, "sysinit.target", "UnitFileState")?, "static");
    assert_eq!(value(&t, "telnet.socket", "LoadState")?, "masked");
    assert_eq!(value(&t, "telnet.socket", "UnitFileState")?, "masked");
    assert_eq!(value(&t, "telnet.socket", "FragmentPath")?, "");
    assert_eq!(
        value(&t, "auditd.service", "FragmentPath")?,
        "/lib/systemd/system/auditd.service"
    );
    Ok(())
}

#[test]
fn drop_in_overrides_the_fragment() -> Res<()> {
    let t = tree();
    assert_eq!(
        value(&t, "auditd.service", "Description")?,
        "Auditing, with rules"
    );
    assert_eq!(
        value(&t, "auditd.service", "DropInPaths")?,
        "/etc/systemd/system/auditd.service.d/10-rules.conf"
    );
    assert_eq!(value(&t, "cron.service", "DropInPaths")?, "");
    Ok(())
}

#[test]
fn template_instance_loads_the_template() -> Res<()> {
    let t = tree();
    assert_eq!(value(&t, "getty@tty1.service", "LoadState")?, "loaded");
    assert_eq!(
        value(&t, "getty@tty1.service", "FragmentPath")?,
        "/lib/systemd/system/getty@.service"
    );
    assert_eq!(
        value(&t, "getty@tty1.service", "Description")?,
        "Getty on tty1"
    );
    // A template is not a unit a pattern enumerates.
    let c = collect(&t, &property("^getty@", Operation::PatternMatch, "Id"))?;
    assert_eq!(c.flag, Flag::DoesNotExist);
    Ok(())
}

#[test]
fn alias_is_the_same_unit() -> Res<()> {
    let t = tree();
    assert_eq!(value(&t, "syslog.service", "Id")?, "rsyslog.service");
    assert_eq!(
        value(&t, "syslog.service", "Names")?,
        "rsyslog.service syslog.service"
    );
    assert_eq!(value(&t, "syslog.service", "UnitFileState")?, "enabled");
    let c = collect(
        &t,
        &property(
            r"^(r?syslog)\.(service|socket)$",
            Operation::PatternMatch,
            "LoadState",
        ),
    )?;
    let units: Vec<_> = c.items.iter().filter_map(|i| i.value("unit")).collect();
    assert_eq!(units, ["rsyslog.service", "syslog.service"]);
    Ok(())
}

#[test]
fn missing_unit_does_not_exist() -> Res<()> {
    let t = tree();
    let c = collect(
        &t,
        &property("nosuch.service", Operation::Equals, "LoadState"),
    )?;
    assert_eq!(c.flag, Flag::DoesNotExist);
    let c = collect(
        &t,
        &property(r"^nosuch\.", Operation::PatternMatch, "LoadState"),
    )?;
    assert_eq!(c.flag, Flag::DoesNotExist);
    let c = collect(&t, &dependency("nosuch.target"))?;
    assert_eq!(c.flag, Flag::DoesNotExist);
    Ok(())
}

#[test]
fn runtime_property_is_not_collected() -> Res<()> {
    let t = tree();
    for prop in ["ActiveState", "SubState", "MainPID"] {
        let c = collect(&t, &property("auditd.service", Operation::Equals, prop))?;
        assert_eq!(c.flag, Flag::NotCollected, "{prop}");
        assert!(c.items.is_empty());
        assert!(
            c.messages.iter().any(|m| m.contains(prop)),
            "{:?}",
            c.messages
        );
    }
    // A pattern on the property could select runtime state: not collected either.
    let mut o = property("auditd.service", Operation::Equals, "LoadState");
    o.entities[1] = entity("property", Operation::PatternMatch, "State$");
    assert_eq!(collect(&t, &o)?.flag, Flag::NotCollected);
    Ok(())
}

#[test]
fn dependency_closure_with_a_cycle() -> Res<()> {
    let t = tree();
    let c = collect(&t, &dependency("multi-user.target"))?;
    assert_eq!(c.flag, Flag::Complete);
    assert_eq!(c.items.len(), 1);
    let deps: Vec<_> = c.items[0].values("dependency").collect();
    assert_eq!(
        deps,
        [
            "audit-rules.service", // from auditd's drop-in, transitively
            "auditd.service",      // .wants link in /etc
            "basic.target",        // Requires=
            "getty.target",        // Wants=
            "getty@tty1.service",  // template instance in getty.target.wants
            "rsyslog.service",
            "sysinit.target", // basic.target.wants in /lib
        ]
    );
    // cron.service has an [Install] section but no link: not a dependency.
    assert!(!deps.contains(&"cron.service"));
    // The cycle back to multi-user.target is cut; the unit is not its own dependency.
    assert!(!deps.contains(&"multi-user.target"));
    let c = collect(&t, &dependency("basic.target"))?;
    let deps: Vec<_> = c.items[0].values("dependency").collect();
    assert!(deps.contains(&"multi-user.target") && deps.contains(&"auditd.service"));
    Ok(())
}

#[test]
fn ssg_shaped_definitions_through_the_evaluator() -> Res<()> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/systemd/systemd-oval.xml"
    ))?;
    let defs = Definitions::parse(text.as_bytes())?;
    let registry = Registry::builtin();
    let t = tree();
    let r = Evaluator::new(&defs, &t, &registry, Variables::default()).evaluate_all();
    let get = |i: u32| r.definition(&format!("oval:sd:def:{i}"));
    assert_eq!(get(1), Some(ResultValue::True), "auditd enabled");
    assert_eq!(get(2), Some(ResultValue::True), "telnet masked");
    assert_eq!(get(3), Some(ResultValue::Unknown), "ActiveState is runtime");
    assert_eq!(get(4), Some(ResultValue::False), "cron not enabled");

    // Unmask telnet and enable cron: the answers follow the files.
    let mut t = tree();
    t.add_file(
        format!("{ETC}/telnet.socket"),
        "[Unit]\nDescription=Telnet\n",
    )
    .add_symlink(
        format!("{ETC}/multi-user.target.wants/cron.service"),
        format!("{LIB}/cron.service"),
    );
    let r = Evaluator::new(&defs, &t, &registry, Variables::default()).evaluate_all();
    assert_eq!(r.definition("oval:sd:def:2"), Some(ResultValue::False));
    assert_eq!(r.definition("oval:sd:def:4"), Some(ResultValue::True));
    Ok(())
}

/// The committed tree `tests/fixtures/systemd/root` (Debian's layout: `ssh.service` with the
/// alias `sshd.service`, enabled in /etc, a drop-in, `telnet.socket` masked) through [`RootFs`],
/// so absolute links are resolved inside the root.
#[test]
fn debian_layout_on_disk() -> Res<()> {
    let root = RootFs::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/systemd/root"
    ))?;
    let get = |unit: &str, prop: &str| -> Res<String> {
        let c = collect(&root, &property(unit, Operation::Equals, prop))?;
        assert_eq!(c.flag, Flag::Complete, "{unit} {prop}: {:?}", c.messages);
        Ok(c.items[0].value("value").ok_or("no value")?.to_owned())
    };
    assert_eq!(get("sshd.service", "Id")?, "ssh.service");
    assert_eq!(get("sshd.service", "LoadState")?, "loaded");
    assert_eq!(get("ssh.service", "UnitFileState")?, "enabled");
    assert_eq!(
        get("ssh.service", "Description")?,
        "Hardened OpenSSH server"
    );
    assert_eq!(get("telnet.socket", "LoadState")?, "masked");
    assert_eq!(get("basic.target", "UnitFileState")?, "static");
    let c = collect(&root, &dependency("multi-user.target"))?;
    let deps: Vec<_> = c.items[0].values("dependency").collect();
    assert_eq!(deps, ["basic.target", "ssh.service", "sysinit.target"]);
    let c = collect(
        &root,
        &property("ssh.service", Operation::Equals, "ActiveState"),
    )?;
    assert_eq!(c.flag, Flag::NotCollected);
    Ok(())
}
