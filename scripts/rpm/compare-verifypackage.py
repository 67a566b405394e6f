"""Compares rpmverifypackage items: oscap 1.3.7 offline, ours, and rpm -V on the same tree.

usage: compare-verifypackage.py OSCAP.xml OURS.xml RPM-V.txt
RPM-V.txt: `NAME STATUS` lines, the exit status of `rpm -V --nofiles --noscripts NAME`.

Per object and package: the package entities must be equal; dependency_check_passed must be
what rpm -V says (oscap offline writes `true` without checking: counted, not a failure);
verification_script_successful is oscap's `true` unless the package has a %verifyscript, which
we never run (status "not collected"); digest_check_passed and signature_check_passed are ours
only (oscap 1.3.7 does not collect them) and must be `true` on this unaltered tree.
"""
import sys
import xml.etree.ElementTree as ET

SC = "{http://oval.mitre.org/XMLSchema/oval-system-characteristics-5}"


def load(path):
    root = ET.parse(path).getroot()
    items, objs = {}, {}
    for e in root.iter():
        if e.tag == SC + "collected_objects":
            for o in e:
                objs[o.get("id")] = (o.get("flag"), [r.get("item_ref") for r in o])
        if e.tag == SC + "system_data":
            for it in e:
                items[it.get("id")] = {
                    c.tag.split("}")[1]: (c.text or "", c.get("status", "exists")) for c in it
                }
    out = {}
    for oid, (flag, refs) in objs.items():
        out[oid] = (flag, {items[r]["name"][0]: items[r] for r in refs})
    return out


oscap, ours = load(sys.argv[1]), load(sys.argv[2])
rpm_v = dict(l.split() for l in open(sys.argv[3]) if l.strip() and not l.startswith("#"))
PKG = ["name", "epoch", "version", "release", "arch", "extended_name"]
bad = oscap_unchecked = compared = 0
for oid in sorted(set(oscap) | set(ours)):
    a, b = oscap.get(oid), ours.get(oid)
    if not a or not b or a[0] != b[0] or set(a[1]) != set(b[1]):
        print(f"  {oid}: objects differ: oscap={a and (a[0], sorted(a[1]))} ours={b and (b[0], sorted(b[1]))}")
        bad += 1
        continue
    for name, mine in sorted(b[1].items()):
        theirs = a[1][name]
        compared += 1
        for ent in PKG:
            if theirs.get(ent) != mine.get(ent):
                print(f"  {oid} {name}: {ent} oscap={theirs.get(ent)} ours={mine.get(ent)}")
                bad += 1
        if ("dependency_check_passed" in theirs) != ("dependency_check_passed" in mine):
            print(f"  {oid} {name}: dependency_check_passed present in one only")
            bad += 1
        elif "dependency_check_passed" in mine:
            want = "true" if rpm_v.get(name) == "0" else "false"
            if mine["dependency_check_passed"][0] != want:
                print(f"  {oid} {name}: dependency_check_passed ours={mine['dependency_check_passed'][0]} rpm -V={want}")
                bad += 1
            if theirs["dependency_check_passed"][0] != want:
                oscap_unchecked += 1
        s_theirs, s_mine = theirs.get("verification_script_successful"), mine.get("verification_script_successful")
        if (s_theirs is None) != (s_mine is None):
            print(f"  {oid} {name}: verification_script_successful present in one only")
            bad += 1
        elif s_mine and s_mine != s_theirs and s_mine[1] != "not collected":
            print(f"  {oid} {name}: verification_script_successful oscap={s_theirs} ours={s_mine}")
            bad += 1
        for ent in ["digest_check_passed", "signature_check_passed"]:
            if ent in mine and mine[ent][0] != "true":
                print(f"  {oid} {name}: {ent} = {mine[ent]}")
                bad += 1
print(f"  rpmverifypackage: {compared} items compared, {bad} differences; oscap wrote "
      f"dependency_check_passed=true for {oscap_unchecked} packages rpm -V fails (not checked offline)")
sys.exit(1 if bad else 0)
