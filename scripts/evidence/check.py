"""Validates evidence files written by `report`: SARIF against the SARIF 2.1.0 JSON schema,
OSCAL assessment results and POA&M with compliance-trestle's OSCAL 1.1 models (which refuse
unknown fields and check UUIDs, tokens, dates), `.xlsx` POA&Ms by reading them back with
openpyxl. Each check is first shown to refuse a broken copy, so a validator that accepts
everything cannot pass the script.

usage: check.py SARIF_SCHEMA FILE...
"""
import copy
import json
import sys

import jsonschema
from trestle.oscal import assessment_results, poam


def refuses(check, doc, what):
    try:
        check(doc)
    except Exception:
        return
    sys.exit(f"the validator accepted a broken {what}: the check proves nothing")


def main():
    schema = json.load(open(sys.argv[1]))
    sarif = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    for f in sys.argv[2:]:
        if f.endswith(".xlsx"):
            import openpyxl
            wb = openpyxl.load_workbook(f)
            ws = wb.worksheets[0]
            header = [c.value for c in ws[1]]
            rows = ws.max_row - 1
            assert header[0] == "POAM ID", header
            assert all(r[0].value for r in ws.iter_rows(min_row=2)), "a row without POAM ID"
            print(f"xlsx ok: {f}: sheet {ws.title!r}, {len(header)} columns, {rows} items, sheets {wb.sheetnames}")
            continue
        doc = json.load(open(f))
        if f.endswith(".sarif"):
            sarif.validate(doc)
            bad = copy.deepcopy(doc)
            bad["runs"][0]["results"].append({"ruleId": "x"})  # no message
            refuses(sarif.validate, bad, "SARIF log")
            print(f"sarif ok: {f}: {len(doc['runs'][0]['results'])} results")
        elif "oscal-ar" in f:
            m = assessment_results.Model.model_validate(doc)
            bad = copy.deepcopy(doc)
            bad["assessment-results"]["results"][0]["uuid"] = "not-a-uuid"
            refuses(assessment_results.Model.model_validate, bad, "assessment results")
            r = m.assessment_results.results[0]
            print(f"oscal-ar ok: {f}: {len(r.observations or [])} observations, {len(r.findings or [])} findings")
        elif "oscal-poam" in f:
            m = poam.Model.model_validate(doc)
            bad = copy.deepcopy(doc)
            bad["plan-of-action-and-milestones"]["unknown-field"] = 1
            refuses(poam.Model.model_validate, bad, "POA&M")
            print(f"oscal-poam ok: {f}: {len(m.plan_of_action_and_milestones.poam_items)} items")
        else:
            sys.exit(f"{f}: no check for this file")


main()
