import sys, xml.etree.ElementTree as ET
def load(path):
    r = ET.parse(path).getroot()
    defs = {}; items = {}; objs = {}
    for e in r.iter():
        t = e.tag.split('}')[1]
        if t == 'definition' and e.get('result'): defs[e.get('definition_id')] = e.get('result')
        if t == 'collected_objects':
            for o in e: objs[o.get('id')] = (o.get('flag'), [c.get('item_ref') for c in o if c.tag.endswith('reference')])
        if t == 'system_data':
            for it in e:
                ents = []
                for c in it:
                    ents.append((c.tag.split('}')[1], c.text or ''))
                items[it.get('id')] = (it.tag.split('}')[1], ents)
    out = {}
    for oid, (flag, refs) in objs.items():
        its = sorted(tuple(sorted(set(items[r][1]))) for r in refs)
        out[oid] = (flag, its)
    return defs, out
ignore = set(sys.argv[3].split(',')) if len(sys.argv) > 3 else set()
(d1, o1), (d2, o2) = load(sys.argv[1]), load(sys.argv[2])
bad = 0
for k in sorted(set(d1) | set(d2)):
    if d1.get(k) != d2.get(k): print(f"DEF {k}: oscap={d1.get(k)} ours={d2.get(k)}"); bad += 1
for k in sorted(set(o1) | set(o2)):
    a, b = o1.get(k), o2.get(k)
    strip = lambda v: v and (v[0], [tuple(e for e in it if e[0] not in ignore) for it in v[1]])
    a, b = strip(a), strip(b)
    if a != b:
        bad += 1
        print(f"OBJ {k}: flags oscap={a and a[0]} ours={b and b[0]}")
        sa = set(a[1]) if a else set(); sb = set(b[1]) if b else set()
        for x in sorted(sa - sb): print("  only oscap:", x)
        for x in sorted(sb - sa): print("  only ours: ", x)
print(f"{len(set(d1)|set(d2))} definitions, {len(set(o1)|set(o2))} objects: {bad} differences")
sys.exit(1 if bad else 0)
