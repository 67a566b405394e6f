//! Evaluation rules checked against oscap 1.3.7 on small documents (each test cites what oscap
//! gave): arithmetic result formatting, circular `extend_definition`, external variable
//! restrictions.

use scap_oval::Definitions;
use scap_oval::eval::{Evaluator, Results, Variables};
use scap_oval::probes::Registry;
use scap_probe::MemoryTarget;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// An `oval_definitions` document around `body` (definitions, tests, objects, states and
/// variables sections).
fn document(body: &str) -> String {
    format!(
        r#"<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"
  xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5"
  xmlns:ind="http://oval.mitre.org/XMLSchema/oval-definitions-5#independent">
  <generator><oval:schema_version>5.11.2</oval:schema_version><oval:timestamp>2026-01-01T00:00:00</oval:timestamp></generator>
  {body}
</oval_definitions>"#
    )
}

fn evaluate(body: &str, t: &MemoryTarget, vars: Variables) -> Res<Results> {
    let defs: Definitions = document(body).parse()?;
    let registry = Registry::builtin();
    Ok(Evaluator::new(&defs, t, &registry, vars).evaluate_all())
}

/// Local variables, each made reachable through a variable_object so that it is evaluated.
fn variables_body(variables: &[(&str, &str, &str)]) -> String {
    let mut tests = String::new();
    let mut objects = String::new();
    let mut vars = String::new();
    let mut criteria = String::new();
    for (i, (id, datatype, component)) in variables.iter().enumerate() {
        criteria.push_str(&format!(r#"<criterion test_ref="oval:s:tst:{i}"/>"#));
        tests.push_str(&format!(
            r#"<ind:variable_test id="oval:s:tst:{i}" version="1" check="all" comment="c"><ind:object object_ref="oval:s:obj:{i}"/></ind:variable_test>"#
        ));
        objects.push_str(&format!(
            r#"<ind:variable_object id="oval:s:obj:{i}" version="1"><ind:var_ref>{id}</ind:var_ref></ind:variable_object>"#
        ));
        vars.push_str(&format!(
            r#"<local_variable id="{id}" version="1" datatype="{datatype}" comment="c">{component}</local_variable>"#
        ));
    }
    format!(
        r#"<definitions><definition id="oval:s:def:1" version="1" class="compliance"><metadata><title>t</title><description>d</description></metadata><criteria>{criteria}</criteria></definition></definitions>
<tests>{tests}</tests><objects>{objects}</objects><variables>{vars}</variables>"#
    )
}

#[test]
fn arithmetic_is_formatted_by_its_operands() -> Res<()> {
    let lit = |dt: &str, v: &str| {
        format!(r#"<literal_component datatype="{dt}">{v}</literal_component>"#)
    };
    let add =
        |a: &str, b: &str| format!(r#"<arithmetic arithmetic_operation="add">{a}{b}</arithmetic>"#);
    let mul = |a: &str, b: &str| {
        format!(r#"<arithmetic arithmetic_operation="multiply">{a}{b}</arithmetic>"#)
    };
    let cases = [
        // oscap 1.3.7: int 7 + int 8 in an int variable is "15".
        ("oval:s:var:1", "int", add(&lit("int", "7"), &lit("int", "8")), "15"),
        // ... and in a float variable still "15" (the operands decide, not the variable).
        ("oval:s:var:2", "float", add(&lit("int", "7"), &lit("int", "8")), "15"),
        // float 1.5 * float 3: "4.500000"; float 3 * float 4: "12.000000".
        ("oval:s:var:3", "float", mul(&lit("float", "1.5"), &lit("float", "3")), "4.500000"),
        ("oval:s:var:4", "float", mul(&lit("float", "3"), &lit("float", "4")), "12.000000"),
        // float 7.5 + int 8 in an int variable: "15.500000".
        ("oval:s:var:5", "int", add(&lit("float", "7.5"), &lit("int", "8")), "15.500000"),
        // count of two literals in an int variable: "2"; a count as an operand is an int.
        (
            "oval:s:var:6",
            "int",
            "<count><literal_component>a</literal_component><literal_component>b</literal_component></count>".to_owned(),
            "2",
        ),
        (
            "oval:s:var:7",
            "float",
            add(
                "<count><literal_component>a</literal_component></count>",
                &lit("int", "1"),
            ),
            "2",
        ),
    ];
    let vars: Vec<(&str, &str, &str)> = cases
        .iter()
        .map(|(id, dt, c, _)| (*id, *dt, c.as_str()))
        .collect();
    let r = evaluate(
        &variables_body(&vars),
        &MemoryTarget::new(),
        Variables::default(),
    )?;
    for (id, _, _, want) in &cases {
        assert_eq!(r.variables[*id].values, [*want], "{id}");
    }
    Ok(())
}

#[test]
fn an_extend_definition_cycle_is_not_evaluated() -> Res<()> {
    // oscap 1.3.7 on this document: "Circular dependency in OVAL definition 'oval:s:def:1'"
    // and "... 'oval:s:def:3'"; definitions 1, 2 and 3 `not evaluated` (2 would be true by its
    // OR alone), 4 `true` (its extend_definition into the cycle `not evaluated`, OR true).
    let def = |n: u32, criteria: &str| {
        format!(
            r#"<definition id="oval:s:def:{n}" version="1" class="compliance"><metadata><title>t</title><description>d</description></metadata>{criteria}</definition>"#
        )
    };
    let body = format!(
        r#"<definitions>{}{}{}{}</definitions>
<tests><ind:family_test id="oval:s:tst:1" version="1" check="all" comment="c"><ind:object object_ref="oval:s:obj:1"/></ind:family_test></tests>
<objects><ind:family_object id="oval:s:obj:1" version="1"/></objects>"#,
        def(
            1,
            r#"<criteria><extend_definition definition_ref="oval:s:def:2"/></criteria>"#
        ),
        def(
            2,
            r#"<criteria operator="OR"><criterion test_ref="oval:s:tst:1"/><extend_definition definition_ref="oval:s:def:1"/></criteria>"#
        ),
        def(
            3,
            r#"<criteria><extend_definition definition_ref="oval:s:def:3"/></criteria>"#
        ),
        def(
            4,
            r#"<criteria operator="OR"><criterion test_ref="oval:s:tst:1"/><extend_definition definition_ref="oval:s:def:1"/></criteria>"#
        ),
    );
    let r = evaluate(&body, &MemoryTarget::new(), Variables::default())?;
    use scap_oval::types::ResultValue::{NotEvaluated, True};
    let got: Vec<_> = (1..=4)
        .map(|n| r.definition(&format!("oval:s:def:{n}")))
        .collect();
    assert_eq!(
        got,
        [
            Some(NotEvaluated),
            Some(NotEvaluated),
            Some(NotEvaluated),
            Some(True)
        ]
    );
    Ok(())
}

#[test]
fn an_external_value_outside_its_restrictions_is_an_error() -> Res<()> {
    // var 1: possible values a, c. var 2: int, > 5 AND < 10. var 3: int, possible value 1, or
    // (> 50 OR = 7). oscap 1.3.7 accepts a/7/1 and c/60 and drops b, 3, 10 and 8 ("Referenced
    // variable has no values": an object using one does not exist), and a state comparing
    // with var 1 = b is `error` (result="error"); here such a variable is an error, with the
    // same test results.
    let body = r#"<definitions><definition id="oval:s:def:1" version="1" class="compliance"><metadata><title>t</title><description>d</description></metadata><criteria><criterion test_ref="oval:s:tst:1"/></criteria></definition></definitions>
<tests><ind:variable_test id="oval:s:tst:1" version="1" check="all" comment="c"><ind:object object_ref="oval:s:obj:1"/><ind:state state_ref="oval:s:ste:1"/></ind:variable_test></tests>
<objects><ind:variable_object id="oval:s:obj:1" version="1"><ind:var_ref>oval:s:var:4</ind:var_ref></ind:variable_object></objects>
<states><ind:variable_state id="oval:s:ste:1" version="1"><ind:value operation="not equal" var_ref="oval:s:var:1"/></ind:variable_state></states>
<variables>
<external_variable id="oval:s:var:1" version="1" datatype="string" comment="c"><possible_value hint="h">a</possible_value><possible_value hint="h">c</possible_value></external_variable>
<external_variable id="oval:s:var:2" version="1" datatype="int" comment="c"><possible_restriction hint="h"><restriction operation="greater than">5</restriction><restriction operation="less than">10</restriction></possible_restriction></external_variable>
<external_variable id="oval:s:var:3" version="1" datatype="int" comment="c"><possible_value hint="h">1</possible_value><possible_restriction hint="h" operator="OR"><restriction operation="greater than">50</restriction><restriction operation="equals">7</restriction></possible_restriction></external_variable>
<external_variable id="oval:s:var:4" version="1" datatype="int" comment="c"/>
</variables>"#;
    use scap_oval::types::{Flag, ResultValue};
    let run = |values: [&str; 4]| -> Res<Results> {
        let mut vars = Variables::default();
        for (i, v) in values.iter().enumerate() {
            vars.set(&format!("oval:s:var:{}", i + 1), vec![(*v).to_owned()]);
        }
        let defs: Definitions = document(body).parse()?;
        let registry = Registry::builtin();
        let t = MemoryTarget::new();
        let ev = Evaluator::new(&defs, &t, &registry, vars);
        for i in 1..=4 {
            ev.variable(&format!("oval:s:var:{i}"));
        }
        Ok(ev.evaluate_all())
    };
    let flags = |r: &Results| -> Vec<Flag> {
        (1..=4)
            .map(|i| r.variables[&format!("oval:s:var:{i}")].flag)
            .collect()
    };
    let ok = run(["a", "7", "1", "-3"])?;
    assert_eq!(flags(&ok), [Flag::Complete; 4]);
    assert_eq!(ok.definition("oval:s:def:1"), Some(ResultValue::True));
    let also_ok = run(["c", "9", "60", "0"])?;
    assert_eq!(flags(&also_ok), [Flag::Complete; 4]);
    let bad = run(["b", "10", "8", "0"])?;
    assert_eq!(
        flags(&bad),
        [Flag::Error, Flag::Error, Flag::Error, Flag::Complete]
    );
    assert!(bad.variables["oval:s:var:1"].messages[0].contains("\"b\""));
    assert_eq!(bad.definition("oval:s:def:1"), Some(ResultValue::Error));
    Ok(())
}

#[test]
fn time_difference_reads_win_filetime() -> Res<()> {
    // 1970-01-01 and 1970-01-02 as FILETIME ticks. oscap 1.3.7 gives 0 (it reads every
    // win_filetime value as 0; with one component it gives the current epoch seconds).
    let td = |a: &str, b: &str| {
        format!(
            r#"<time_difference format_1="win_filetime" format_2="win_filetime"><literal_component datatype="int">{a}</literal_component><literal_component datatype="int">{b}</literal_component></time_difference>"#
        )
    };
    let dec = td("116444736000000000", "116445600000000000");
    let hex = td("0x19DB1DED53E8000", "0x19DB2A7FFA84000");
    let body = variables_body(&[
        ("oval:s:var:1", "int", dec.as_str()),
        ("oval:s:var:2", "int", hex.as_str()),
    ]);
    let r = evaluate(&body, &MemoryTarget::new(), Variables::default())?;
    assert_eq!(r.variables["oval:s:var:1"].values, ["-86400"]);
    assert_eq!(r.variables["oval:s:var:2"].values, ["-86400"]);
    Ok(())
}

#[test]
fn a_long_extend_definition_chain_is_evaluated_to_its_end() -> Res<()> {
    // Definition n extends n+1; the last one is true. Every definition of the chain is true,
    // however long it is: the evaluator walks it with its own stack (before, the 65th level was
    // an `error`, cached, and so every definition above it).
    let n = 300;
    let def = |i: u32, criteria: &str| {
        format!(
            r#"<definition id="oval:s:def:{i}" version="1" class="compliance"><metadata><title>t</title><description>d</description></metadata>{criteria}</definition>"#
        )
    };
    let mut defs = String::new();
    for i in 1..n {
        defs.push_str(&def(
            i,
            &format!(
                r#"<criteria><extend_definition definition_ref="oval:s:def:{}"/></criteria>"#,
                i + 1
            ),
        ));
    }
    defs.push_str(&def(
        n,
        r#"<criteria><criterion test_ref="oval:s:tst:1"/></criteria>"#,
    ));
    let body = format!(
        r#"<definitions>{defs}</definitions>
<tests><ind:family_test id="oval:s:tst:1" version="1" check="all" comment="c"><ind:object object_ref="oval:s:obj:1"/></ind:family_test></tests>
<objects><ind:family_object id="oval:s:obj:1" version="1"/></objects>"#
    );
    let r = evaluate(&body, &MemoryTarget::new(), Variables::default())?;
    use scap_oval::types::ResultValue;
    let not_true: Vec<u32> = (1..=n)
        .filter(|i| r.definition(&format!("oval:s:def:{i}")) != Some(ResultValue::True))
        .collect();
    assert_eq!(not_true, Vec::<u32>::new());
    Ok(())
}

#[test]
fn variables_nested_past_the_depth_limit_say_so() -> Res<()> {
    // var 0 references var 1, ... var 99 is a literal: deeper than the evaluator's limit, so
    // var 0 is an error, and its message says that the limit, not a cycle, stopped it.
    let vars: Vec<(String, String)> = (0..100)
        .map(|i| {
            let component = if i == 99 {
                r#"<literal_component>x</literal_component>"#.to_owned()
            } else {
                format!(r#"<variable_component var_ref="oval:s:var:{}"/>"#, i + 1)
            };
            (format!("oval:s:var:{i}"), component)
        })
        .collect();
    let refs: Vec<(&str, &str, &str)> = vars
        .iter()
        .take(1)
        .map(|(id, c)| (id.as_str(), "string", c.as_str()))
        .collect();
    let mut body = variables_body(&refs);
    let rest: String = vars
        .iter()
        .skip(1)
        .map(|(id, c)| {
            format!(
                r#"<local_variable id="{id}" version="1" datatype="string" comment="c">{c}</local_variable>"#
            )
        })
        .collect();
    body = body.replace("</variables>", &format!("{rest}</variables>"));
    let r = evaluate(&body, &MemoryTarget::new(), Variables::default())?;
    let messages = r.variables["oval:s:var:0"].messages.join("\n");
    assert!(messages.contains("depth limit"), "{messages}");
    assert!(!messages.contains("references itself"), "{messages}");
    Ok(())
}
