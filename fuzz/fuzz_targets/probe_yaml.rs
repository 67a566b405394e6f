//! Fuzzes the yamlfilecontent probe through the evaluator: the input is a YAML file in a
//! `MemoryTarget`, read by objects with several YAML paths (the whole document, keys, indexes,
//! wildcards, a record). Any panic is a bug; `error` flags are fine.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use scap_oval::Definitions;
use scap_oval::eval::{Evaluator, Variables};
use scap_oval::probes::Registry;

const DEFS: &str = r#"<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"
    xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5"
    xmlns:ind="http://oval.mitre.org/XMLSchema/oval-definitions-5#independent">
  <generator><oval:schema_version>5.11</oval:schema_version>
    <oval:timestamp>2024-01-01T00:00:00</oval:timestamp></generator>
  <definitions><definition id="oval:f:def:1" version="1" class="compliance">
    <metadata><title>t</title><description/></metadata>
    <criteria operator="OR">
      <criterion test_ref="oval:f:tst:1"/><criterion test_ref="oval:f:tst:2"/>
      <criterion test_ref="oval:f:tst:3"/><criterion test_ref="oval:f:tst:4"/>
    </criteria></definition></definitions>
  <tests>
    <ind:yamlfilecontent_test id="oval:f:tst:1" version="1" check="all"><ind:object object_ref="oval:f:obj:1"/></ind:yamlfilecontent_test>
    <ind:yamlfilecontent_test id="oval:f:tst:2" version="1" check="all"><ind:object object_ref="oval:f:obj:2"/></ind:yamlfilecontent_test>
    <ind:yamlfilecontent_test id="oval:f:tst:3" version="1" check="all"><ind:object object_ref="oval:f:obj:3"/></ind:yamlfilecontent_test>
    <ind:yamlfilecontent_test id="oval:f:tst:4" version="1" check="all"><ind:object object_ref="oval:f:obj:4"/></ind:yamlfilecontent_test>
  </tests>
  <objects>
    <ind:yamlfilecontent_object id="oval:f:obj:1" version="1"><ind:filepath>/f.yaml</ind:filepath><ind:yamlpath>$</ind:yamlpath></ind:yamlfilecontent_object>
    <ind:yamlfilecontent_object id="oval:f:obj:2" version="1"><ind:filepath>/f.yaml</ind:filepath><ind:yamlpath>.a.b[0]</ind:yamlpath></ind:yamlfilecontent_object>
    <ind:yamlfilecontent_object id="oval:f:obj:3" version="1"><ind:filepath>/f.yaml</ind:filepath><ind:yamlpath>.*[*]</ind:yamlpath></ind:yamlfilecontent_object>
    <ind:yamlfilecontent_object id="oval:f:obj:4" version="1"><ind:filepath>/f.yaml</ind:filepath><ind:yamlpath>['spec'][:].name</ind:yamlpath></ind:yamlfilecontent_object>
  </objects>
</oval_definitions>"#;

fn defs() -> &'static Definitions {
    static DEFS_PARSED: OnceLock<Definitions> = OnceLock::new();
    DEFS_PARSED.get_or_init(|| {
        DEFS.parse()
            .expect("the fuzz target's own definitions parse")
    })
}

fuzz_target!(|data: &[u8]| {
    let mut target = scap_probe::MemoryTarget::new();
    target.add_file("/f.yaml", data.to_vec());
    let registry = Registry::builtin();
    let _ = Evaluator::new(defs(), &target, &registry, Variables::default()).evaluate_all();
});
