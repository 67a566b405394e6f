//! The probe registry: which [`Probe`] collects an object, keyed by the object's namespace
//! and element name.

use std::collections::HashMap;

use super::{
    Probe, dpkginfo, family, file, fileextendedattribute, filehash, interface, netstate, password,
    process, rpm, runlevel, selinux, symlink, system, systemd, textfilecontent, unanswered, xinetd,
    xmlfilecontent, yamlfilecontent,
};
use crate::model::namespaces::DEFINITIONS;

/// The OVAL 5 definitions namespace of a family: `unix` gives
/// `http://oval.mitre.org/XMLSchema/oval-definitions-5#unix` (the inverse of
/// [`family_of`](crate::model::namespaces::family_of) for the OVAL families).
///
/// ```
/// use scap_oval::probes::family_namespace;
/// assert_eq!(
///     family_namespace("linux"),
///     "http://oval.mitre.org/XMLSchema/oval-definitions-5#linux"
/// );
/// ```
pub fn family_namespace(family: &str) -> String {
    format!("{DEFINITIONS}#{family}")
}

/// The probes an evaluation uses, by object namespace and element name.
///
/// An OVAL object is named by its element's namespace and local name together: a
/// `win:file_object` is not a `unix:file_object`, and each family has its own schema for the
/// same local name. The registry therefore keys probes by (namespace URI, element name), and
/// the evaluator looks an object up by the namespace and name the model keeps
/// ([`Object::namespace`](crate::model::Object::namespace),
/// [`Object::kind`](crate::model::Object::kind)). Registering by family (`"unix"`,
/// `"independent"`, `"linux"`), as users know the families, is the same as registering by
/// the family's OVAL 5 namespace ([`family_namespace`]).
///
/// An object whose (namespace, name) has no probe is `not collected`, with the message
/// `"{id}: no probe for {name} ({namespace})"`: its tests are `unknown`, as oscap 1.3.7 gives
/// for an object it has no probe for (it says "OVAL object 'file_object' is not supported" for
/// a `win:file_object` on Linux, with the same flag).
///
/// # Replacing one probe
///
/// A downstream tool keeps every built-in probe and swaps one: start from
/// [`Registry::builtin`] and [`insert`](Registry::insert) over the entry it replaces. Here an
/// `rpminfo_object` is answered from a fixed list of installed packages:
///
/// ```
/// use scap_oval::eval::{Evaluator, Variables};
/// use scap_oval::items::{Item, ItemEntity};
/// use scap_oval::probes::{Collection, ObjectRequest, Probe, Registry};
/// use scap_oval::types::{Flag, ResultValue};
/// use scap_probe::{MemoryTarget, Target};
///
/// /// Answers `rpminfo_object` from a list of (name, version) instead of an rpm database.
/// struct FixedRpms(Vec<(&'static str, &'static str)>);
///
/// impl Probe for FixedRpms {
///     fn collect(&self, _target: &dyn Target, object: &ObjectRequest) -> Collection {
///         let Some(name) = object.entity("name") else {
///             return Collection::error(format!("{}: no name entity", object.id));
///         };
///         let mut items = Vec::new();
///         for (n, version) in &self.0 {
///             match name.matches(n) {
///                 Ok(true) => {
///                     let mut item = Item::new("linux", "rpminfo_item");
///                     item.push(ItemEntity::string("name", *n));
///                     item.push(ItemEntity::string("version", *version));
///                     items.push(item);
///                 }
///                 Ok(false) => {}
///                 Err(e) => return Collection::error(e.to_string()),
///             }
///         }
///         Collection::from_items(items)
///     }
/// }
///
/// let xml = r#"<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"
///   xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5"
///   xmlns:linux="http://oval.mitre.org/XMLSchema/oval-definitions-5#linux">
///  <generator><oval:schema_version>5.11</oval:schema_version>
///    <oval:timestamp>2024-01-01T00:00:00</oval:timestamp></generator>
///  <definitions><definition id="oval:x:def:1" version="1" class="inventory">
///    <metadata><title>openssl installed</title><description>d</description></metadata>
///    <criteria><criterion test_ref="oval:x:tst:1"/></criteria></definition></definitions>
///  <tests><linux:rpminfo_test id="oval:x:tst:1" version="1" check="all"
///      check_existence="at_least_one_exists" comment="c">
///    <linux:object object_ref="oval:x:obj:1"/></linux:rpminfo_test></tests>
///  <objects><linux:rpminfo_object id="oval:x:obj:1" version="1">
///    <linux:name>openssl</linux:name></linux:rpminfo_object></objects>
/// </oval_definitions>"#;
/// let defs: scap_oval::Definitions = xml.parse()?;
/// let target = MemoryTarget::new();
///
/// let mut registry = Registry::builtin();
/// let replaced = registry.insert("linux", "rpminfo_object", Box::new(FixedRpms(vec![("openssl", "3.0.7")])));
/// assert!(replaced.is_some(), "the built-in rpminfo probe was there and is now replaced");
/// // Every other built-in probe is still there.
/// assert!(registry.get_family("unix", "file_object").is_some());
///
/// let results = Evaluator::new(&defs, &target, &registry, Variables::default()).evaluate_all();
/// assert_eq!(results.definition("oval:x:def:1"), Some(ResultValue::True));
/// # Ok::<(), scap_oval::Error>(())
/// ```
///
/// # Lookup by family or namespace
///
/// ```
/// use scap_oval::probes::{family_namespace, Registry};
///
/// let registry = Registry::builtin();
/// // The same probe, by family or by the namespace an object carries.
/// assert!(registry.get_family("unix", "file_object").is_some());
/// assert!(registry.get(&family_namespace("unix"), "file_object").is_some());
/// // A Windows file_object is another object: no built-in probe collects it.
/// assert!(registry.get_family("windows", "file_object").is_none());
/// ```
#[derive(Default)]
pub struct Registry {
    /// Namespace URI, then element local name, to the probe (nested so a lookup borrows).
    probes: HashMap<String, HashMap<String, Box<dyn Probe>>>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("kinds", &self.kinds())
            .finish()
    }
}

impl Registry {
    /// A registry with no probes: every object is `not collected`.
    ///
    /// ```
    /// let registry = scap_oval::probes::Registry::empty();
    /// assert!(registry.kinds().is_empty());
    /// ```
    pub fn empty() -> Registry {
        Registry::default()
    }

    /// A registry with every built-in probe, each under its family's namespace (the crate
    /// documentation lists them).
    ///
    /// ```
    /// let registry = scap_oval::probes::Registry::builtin();
    /// assert!(registry.get_family("independent", "textfilecontent54_object").is_some());
    /// assert!(registry.get_family("linux", "dpkginfo_object").is_some());
    /// ```
    pub fn builtin() -> Registry {
        let mut r = Registry::empty();
        r.insert(
            "independent",
            "textfilecontent54_object",
            Box::new(textfilecontent::TextFileContent54),
        );
        r.insert(
            "independent",
            "textfilecontent_object",
            Box::new(textfilecontent::TextFileContent),
        );
        r.insert("unix", "file_object", Box::new(file::FileProbe));
        r.insert(
            "independent",
            "family_object",
            Box::new(family::FamilyProbe),
        );
        r.insert(
            "linux",
            "dpkginfo_object",
            Box::new(dpkginfo::DpkgInfo::default()),
        );
        // One database cache for every rpm object kind.
        let rpm = rpm::RpmProbe::new();
        r.insert("linux", "rpminfo_object", Box::new(rpm.clone()));
        r.insert("linux", "rpmverifyfile_object", Box::new(rpm.clone()));
        r.insert("linux", "rpmverify_object", Box::new(rpm.clone()));
        r.insert("linux", "rpmverifypackage_object", Box::new(rpm));
        r.insert("unix", "password_object", Box::new(password::PasswordProbe));
        r.insert("unix", "shadow_object", Box::new(password::ShadowProbe));
        r.insert("unix", "uname_object", Box::new(system::UnameProbe));
        r.insert("unix", "sysctl_object", Box::new(system::SysctlProbe));
        r.insert(
            "independent",
            "environmentvariable58_object",
            Box::new(system::EnvironmentProbe),
        );
        r.insert(
            "linux",
            "partition_object",
            Box::new(system::PartitionProbe),
        );
        r.insert(
            "linux",
            "systemdunitproperty_object",
            Box::new(systemd::SystemdProbe),
        );
        r.insert(
            "linux",
            "systemdunitdependency_object",
            Box::new(systemd::SystemdProbe),
        );
        r.insert("unix", "symlink_object", Box::new(symlink::SymlinkProbe));
        r.insert(
            "unix",
            "fileextendedattribute_object",
            Box::new(fileextendedattribute::FileExtendedAttributeProbe),
        );
        r.insert("unix", "xinetd_object", Box::new(xinetd::XinetdProbe));
        r.insert(
            "unix",
            "routingtable_object",
            Box::new(netstate::RoutingTableProbe),
        );
        r.insert(
            "linux",
            "inetlisteningservers_object",
            Box::new(netstate::InetListeningServersProbe),
        );
        r.insert(
            "linux",
            "iflisteners_object",
            Box::new(netstate::IfListenersProbe),
        );
        r.insert(
            "unix",
            "dnscache_object",
            Box::new(unanswered::DnsCacheProbe),
        );
        r.insert("independent", "sql_object", Box::new(unanswered::SqlProbe));
        r.insert(
            "independent",
            "sql57_object",
            Box::new(unanswered::SqlProbe),
        );
        r.insert(
            "unix",
            "interface_object",
            Box::new(interface::InterfaceProbe),
        );
        r.insert(
            "unix",
            "process58_object",
            Box::new(process::Process58Probe),
        );
        r.insert(
            "independent",
            "filehash58_object",
            Box::new(filehash::FileHash58Probe),
        );
        r.insert(
            "independent",
            "filehash_object",
            Box::new(filehash::FileHashProbe),
        );
        r.insert(
            "independent",
            "environmentvariable_object",
            Box::new(system::EnvironmentVariableProbe),
        );
        r.insert("unix", "process_object", Box::new(process::ProcessProbe));
        r.insert("unix", "runlevel_object", Box::new(runlevel::RunlevelProbe));
        r.insert(
            "independent",
            "xmlfilecontent_object",
            Box::new(xmlfilecontent::XmlFileContentProbe),
        );
        r.insert(
            "independent",
            "yamlfilecontent_object",
            Box::new(yamlfilecontent::YamlFileContentProbe),
        );
        r.insert(
            "linux",
            "selinuxboolean_object",
            Box::new(selinux::SelinuxBooleanProbe),
        );
        r.insert(
            "linux",
            "selinuxsecuritycontext_object",
            Box::new(selinux::SelinuxSecurityContextProbe),
        );
        r
    }

    /// Add the probe for objects `name` of a family (`"unix"`, `"independent"`,
    /// `"linux"`, ...), returning the probe it replaces, if any. The family stands for its
    /// OVAL 5 namespace ([`family_namespace`]).
    ///
    /// ```
    /// use scap_oval::probes::{Collection, ObjectRequest, Probe, Registry};
    /// use scap_oval::types::Flag;
    /// use scap_probe::Target;
    ///
    /// struct NoRpm;
    /// impl Probe for NoRpm {
    ///     fn collect(&self, _target: &dyn Target, _object: &ObjectRequest) -> Collection {
    ///         Collection::flag(Flag::DoesNotExist)
    ///     }
    /// }
    /// let mut registry = Registry::builtin();
    /// assert!(registry.insert("linux", "rpminfo_object", Box::new(NoRpm)).is_some());
    /// assert!(registry.insert("linux", "rpminfo_object", Box::new(NoRpm)).is_some());
    /// assert!(Registry::empty().insert("linux", "rpminfo_object", Box::new(NoRpm)).is_none());
    /// ```
    pub fn insert(
        &mut self,
        family: &str,
        name: &str,
        probe: Box<dyn Probe>,
    ) -> Option<Box<dyn Probe>> {
        self.insert_namespace(&family_namespace(family), name, probe)
    }

    /// Add the probe for objects `name` in the namespace URI `namespace` (a vendor
    /// extension's own namespace, say), returning the probe it replaces, if any.
    ///
    /// ```
    /// use scap_oval::probes::{Collection, ObjectRequest, Probe, Registry};
    /// use scap_oval::types::Flag;
    /// use scap_probe::Target;
    ///
    /// struct Widgets;
    /// impl Probe for Widgets {
    ///     fn collect(&self, _target: &dyn Target, _object: &ObjectRequest) -> Collection {
    ///         Collection::flag(Flag::DoesNotExist)
    ///     }
    /// }
    /// let mut registry = Registry::empty();
    /// registry.insert_namespace("urn:example:widgets", "widget_object", Box::new(Widgets));
    /// assert!(registry.get("urn:example:widgets", "widget_object").is_some());
    /// ```
    pub fn insert_namespace(
        &mut self,
        namespace: &str,
        name: &str,
        probe: Box<dyn Probe>,
    ) -> Option<Box<dyn Probe>> {
        self.probes
            .entry(namespace.to_owned())
            .or_default()
            .insert(name.to_owned(), probe)
    }

    /// Remove the probe for objects `name` in `namespace`, returning it: such objects are
    /// then `not collected`.
    ///
    /// ```
    /// use scap_oval::probes::{family_namespace, Registry};
    /// let mut registry = Registry::builtin();
    /// assert!(registry.remove(&family_namespace("unix"), "process58_object").is_some());
    /// assert!(registry.get_family("unix", "process58_object").is_none());
    /// ```
    pub fn remove(&mut self, namespace: &str, name: &str) -> Option<Box<dyn Probe>> {
        self.probes.get_mut(namespace)?.remove(name)
    }

    /// The probe for objects `name` in the namespace URI `namespace`, as an object carries
    /// them ([`Object::namespace`](crate::model::Object::namespace),
    /// [`Object::kind`](crate::model::Object::kind)).
    ///
    /// ```
    /// use scap_oval::probes::Registry;
    /// let registry = Registry::builtin();
    /// let unix = "http://oval.mitre.org/XMLSchema/oval-definitions-5#unix";
    /// assert!(registry.get(unix, "password_object").is_some());
    /// assert!(registry.get(unix, "textfilecontent54_object").is_none());
    /// ```
    pub fn get(&self, namespace: &str, name: &str) -> Option<&dyn Probe> {
        self.probes.get(namespace)?.get(name).map(|p| p.as_ref())
    }

    /// The probe for objects `name` of a family (`"unix"`, ...).
    ///
    /// ```
    /// let registry = scap_oval::probes::Registry::builtin();
    /// assert!(registry.get_family("independent", "family_object").is_some());
    /// assert!(registry.get_family("unix", "family_object").is_none());
    /// ```
    pub fn get_family(&self, family: &str, name: &str) -> Option<&dyn Probe> {
        self.get(&family_namespace(family), name)
    }

    /// Every (namespace URI, element name) the registry has a probe for, sorted.
    ///
    /// ```
    /// let registry = scap_oval::probes::Registry::builtin();
    /// let kinds = registry.kinds();
    /// assert!(kinds.contains(&("http://oval.mitre.org/XMLSchema/oval-definitions-5#linux", "rpminfo_object")));
    /// ```
    pub fn kinds(&self) -> Vec<(&str, &str)> {
        let mut kinds: Vec<_> = self
            .probes
            .iter()
            .flat_map(|(ns, names)| names.keys().map(move |n| (ns.as_str(), n.as_str())))
            .collect();
        kinds.sort_unstable();
        kinds
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::{Evaluator, Results, Variables};
    use crate::probes::{Collection, ObjectRequest};
    use crate::types::{Flag, ResultValue};
    use scap_probe::{MemoryTarget, Target};

    /// A `windows` and a `unix` `file_object` on the same path, each in its own definition.
    const TWO_FAMILIES: &str = include_str!("../../tests/fixtures/same-name-two-families-oval.xml");

    fn evaluate(registry: &Registry) -> Results {
        let defs: crate::Definitions = TWO_FAMILIES.parse().expect("the fixture parses");
        let mut target = MemoryTarget::new();
        target.add_file("/etc/passwd", "root:x:0:0::/root:/bin/sh\n");
        Evaluator::new(&defs, &target, registry, Variables::default()).evaluate_all()
    }

    /// Answers every object with no items, and says so in a message.
    struct Nothing;
    impl Probe for Nothing {
        fn collect(&self, _target: &dyn Target, object: &ObjectRequest) -> Collection {
            Collection::with_message(Flag::DoesNotExist, format!("{}: Nothing", object.id))
        }
    }

    #[test]
    fn an_object_of_another_family_is_not_collected_naming_both() {
        // oscap 1.3.7 on the fixture: `oval:x:def:1` (win:file_object) unknown, the object
        // `not collected` ("OVAL object 'file_object' is not supported."), `oval:x:def:2`
        // (unix:file_object) true.
        let r = evaluate(&Registry::builtin());
        assert_eq!(r.definition("oval:x:def:1"), Some(ResultValue::Unknown));
        assert_eq!(r.definition("oval:x:def:2"), Some(ResultValue::True));
        let win = &r.objects["oval:x:obj:1"];
        assert_eq!(win.flag, Flag::NotCollected);
        assert_eq!(
            win.messages,
            ["oval:x:obj:1: no probe for file_object \
                 (http://oval.mitre.org/XMLSchema/oval-definitions-5#windows)"]
        );
        assert_eq!(r.objects["oval:x:obj:2"].flag, Flag::Complete);
    }

    #[test]
    fn a_probe_answers_only_its_own_namespace() {
        let mut registry = Registry::builtin();
        assert!(
            registry
                .insert("windows", "file_object", Box::new(Nothing))
                .is_none()
        );
        let r = evaluate(&registry);
        assert_eq!(r.objects["oval:x:obj:1"].flag, Flag::DoesNotExist);
        assert_eq!(
            r.objects["oval:x:obj:1"].messages,
            ["oval:x:obj:1: Nothing"]
        );
        // The unix object still goes to the built-in file probe.
        assert_eq!(r.objects["oval:x:obj:2"].flag, Flag::Complete);
        assert_eq!(r.definition("oval:x:def:2"), Some(ResultValue::True));
    }

    #[test]
    fn replacing_one_probe_keeps_the_others() {
        let mut registry = Registry::builtin();
        let before = registry.kinds().len();
        assert!(
            registry
                .insert("unix", "file_object", Box::new(Nothing))
                .is_some()
        );
        assert_eq!(registry.kinds().len(), before);
        let r = evaluate(&registry);
        assert_eq!(
            r.objects["oval:x:obj:2"].messages,
            ["oval:x:obj:2: Nothing"]
        );
        assert_eq!(r.definition("oval:x:def:2"), Some(ResultValue::False));
        assert!(registry.get_family("unix", "password_object").is_some());
    }

    #[test]
    fn a_family_is_its_oval_namespace() {
        let mut registry = Registry::empty();
        registry.insert("unix", "file_object", Box::new(Nothing));
        let ns = "http://oval.mitre.org/XMLSchema/oval-definitions-5#unix";
        assert!(registry.get(ns, "file_object").is_some());
        assert!(registry.get(ns, "password_object").is_none());
        assert!(registry.get_family("linux", "file_object").is_none());
        assert!(
            registry
                .insert_namespace(ns, "file_object", Box::new(Nothing))
                .is_some(),
            "the same key"
        );
        assert_eq!(registry.kinds(), [(ns, "file_object")]);
        assert!(registry.remove(ns, "file_object").is_some());
        assert!(registry.kinds().is_empty());
        assert!(registry.remove(ns, "file_object").is_none());
    }

    #[test]
    fn builtin_probes_sit_under_the_families_the_crate_documents() {
        // The table in the crate documentation, family by family.
        let registry = Registry::builtin();
        let mut by_family: HashMap<&str, Vec<&str>> = HashMap::new();
        for (ns, name) in registry.kinds() {
            by_family
                .entry(crate::model::namespaces::family_of(ns))
                .or_default()
                .push(name.trim_end_matches("_object"));
        }
        assert_eq!(by_family.len(), 3);
        assert_eq!(
            by_family["unix"],
            [
                "dnscache",
                "file",
                "fileextendedattribute",
                "interface",
                "password",
                "process58",
                "process",
                "routingtable",
                "runlevel",
                "shadow",
                "symlink",
                "sysctl",
                "uname",
                "xinetd"
            ]
        );
        assert_eq!(by_family["independent"].len(), 11);
        assert_eq!(by_family["linux"].len(), 12);
    }
}
