#!/usr/bin/env bash
# The network state probes (routingtable, inetlisteningservers, iflisteners) on the live host,
# oscap 1.3.7 vs our oval-eval, every item compared: scap-oval/tests/fixtures/netstate/net.xml
# while hold-sockets.py keeps known sockets open (TCP over IPv6, UDP over IPv4 and IPv6, an ARP
# packet socket bound to an interface and one on every interface). Then the same definitions
# offline (OSCAP_PROBE_ROOT / --root): every object "not applicable" for both.
#
# Needs python3 and CAP_NET_RAW for the packet sockets (without it they are left out and
# iflisteners compares what is there). Interface names of IPv6 routes are compared trimmed:
# oscap keeps /proc/net/ipv6_route's padding ("eth0 ").
#
# usage: scripts/diff-net-probes.sh [ROOT]   (default /var/tmp/scap-roots/bullseye, or any dir)
# env: KEEP=DIR keeps the outputs; OVAL_EVAL_BIN=PATH uses an already built oval-eval.
set -euo pipefail
cd "$(dirname "$0")/.."
fixture=scap-oval/tests/fixtures/netstate
root=${1:-/var/tmp/scap-roots/bullseye}
[ -d "$root" ] || root=$(mktemp -d)
out=${KEEP:-$(mktemp -d)}
mkdir -p "$out"
scripts/install-ssg.sh >&2
if [ -z "${OVAL_EVAL_BIN:-}" ]; then
    cargo build --release --example oval-eval >&2
    OVAL_EVAL_BIN=${CARGO_TARGET_DIR:-target}/release/examples/oval-eval
fi

python3 "$fixture/hold-sockets.py" 60 > "$out/hold.log" 2>&1 &
holder=$!
trap 'kill "$holder" 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q ready "$out/hold.log" 2>/dev/null && break; sleep 0.1; done

oscap oval eval --results "$out/oscap-live.xml" "$fixture/net.xml" > /dev/null 2>&1 || true
"$OVAL_EVAL_BIN" --results "$out/ours-live.xml" "$fixture/net.xml" > /dev/null || true
OSCAP_PROBE_ROOT=$root oscap oval eval --results "$out/oscap-offline.xml" "$fixture/net.xml" > /dev/null 2>&1 || true
"$OVAL_EVAL_BIN" --root "$root" --results "$out/ours-offline.xml" "$fixture/net.xml" > /dev/null || true

python3 - "$out" <<'PY'
import sys, xml.etree.ElementTree as ET
out = sys.argv[1]
SC = '{http://oval.mitre.org/XMLSchema/oval-system-characteristics-5}'
RES = '{http://oval.mitre.org/XMLSchema/oval-results-5}'

def load(path):
    root = ET.parse(path).getroot()
    defs = {d.get('definition_id'): d.get('result') for d in root.iter(RES + 'definition')}
    items = {}
    for sd in root.iter(SC + 'system_data'):
        for it in sd:
            ents = []
            for e in it:
                if e.tag.endswith('message'):
                    continue
                name = e.tag.split('}')[1]
                value = (e.text or '').strip() if name == 'interface_name' else (e.text or '')
                ents.append((name, value))
            items[it.get('id')] = tuple(ents)
    objects = {}
    for o in root.iter(SC + 'object'):
        refs = sorted(items[r.get('item_ref')] for r in o if r.tag.endswith('reference'))
        objects[o.get('id')] = (o.get('flag'), refs)
    return defs, objects

status = 0
for mode in ('live', 'offline'):
    od, oo = load(f'{out}/oscap-{mode}.xml')
    ud, uo = load(f'{out}/ours-{mode}.xml')
    for d in sorted(od):
        same = od[d] == ud.get(d)
        print(f'{mode:8} {d}: oscap {od[d]}, us {ud.get(d)}' + ('' if same else '  DIFFERS'))
        status |= not same
    for o in sorted(oo):
        if oo[o] != uo.get(o):
            status = 1
            print(f'{mode:8} {o}: items differ\n  oscap {oo[o]}\n  us    {uo.get(o)}')
        else:
            print(f'{mode:8} {o}: {oo[o][0]}, {len(oo[o][1])} items, the same')
    if mode == 'offline':
        flags = {f for f, _ in oo.values()} | {f for f, _ in uo.values()}
        if flags != {'not applicable'}:
            status = 1
            print(f'offline flags {flags}, expected only "not applicable"')
sys.exit(status)
PY
