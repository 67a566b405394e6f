//! What the evaluation tests share.

/// An OVAL document of one definition ANDing one test per object: for the object element at
/// index `I` of `objects` (which must carry the id `oval:t:obj:I`), a `PREFIX:TEST` with id
/// `oval:t:tst:I` on it. `PREFIX` is bound to the definitions namespace of `family`
/// (`independent`, `linux`, ...).
pub fn one_definition(prefix: &str, family: &str, test: &str, objects: &[String]) -> String {
    let mut criteria = String::new();
    let mut tests = String::new();
    for i in 0..objects.len() {
        criteria.push_str(&format!("<criterion test_ref=\"oval:t:tst:{i}\"/>"));
        tests.push_str(&format!(
            "<{prefix}:{test} id=\"oval:t:tst:{i}\" version=\"1\" check=\"all\" \
             check_existence=\"any_exist\"><{prefix}:object object_ref=\"oval:t:obj:{i}\"/>\
             </{prefix}:{test}>"
        ));
    }
    let objects = objects.concat();
    format!(
        r#"<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"
    xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5"
    xmlns:{prefix}="http://oval.mitre.org/XMLSchema/oval-definitions-5#{family}">
  <generator><oval:schema_version>5.11</oval:schema_version>
    <oval:timestamp>2024-01-01T00:00:00</oval:timestamp></generator>
  <definitions><definition id="oval:t:def:1" version="1" class="compliance">
    <metadata><title>t</title><description/></metadata>
    <criteria operator="AND">{criteria}</criteria>
  </definition></definitions>
  <tests>{tests}</tests>
  <objects>{objects}</objects>
</oval_definitions>"#
    )
}
