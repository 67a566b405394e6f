#!/usr/bin/env bash
# Differential check of XCCDF evaluation: `oscap xccdf eval` vs our `scan` example, every
# profile of a source data stream, on the same debootstrapped Debian root; every rule result
# compared. Also prints wall time and peak memory (/usr/bin/time) of both and the ratios.
#
# usage: scripts/diff-xccdf.sh [DATASTREAM.xml [PROFILE ...]]
#   default: the SSG Debian 11 data stream, every profile `oscap info` lists.
# env: ROOT=DIR (default: built with scripts/make-debian-root.sh bullseye), KEEP=DIR for the
#      outputs (differences listed in scripts/oscap-known-differences.txt are expected; any
#      other fails the run),
#      TAILORING=FILE to pass --tailoring-file to both (name its profiles on the command line),
#      SCAN_BIN=PATH to use an already built scan binary (no cargo build),
#      SCAN_ARGS="..." extra arguments for our scan (e.g. --env-file FILE --enable-sce),
#      e.g. TAILORING=fixtures/eval/ssg-debian11-tailoring.xml scripts/diff-xccdf.sh \
#           "$SSG/ssg-debian11-ds.xml" xccdf_io.github.scap-rs_profile_standard_tailored
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-ssg.sh >&2
ssg=${SCAP_SSG_DIR:-/usr/share/xml/scap/ssg/content}
ds=${1:-$ssg/ssg-debian11-ds.xml}
[ $# -gt 0 ] && shift
root=${ROOT:-$(scripts/make-debian-root.sh bullseye)}
out=${KEEP:-$(mktemp -d)}
mkdir -p "$out"
if [ -n "${SCAN_BIN:-}" ]; then
    ours=$SCAN_BIN
else
    cargo build --release --example scan >&2
    ours=${CARGO_TARGET_DIR:-target}/release/examples/scan
fi

# oscap 1.3.7 trap: its dpkginfo probe reads the host's apt configuration; point APT_CONFIG at
# a file that empties Dir::Etc::parts.
printf 'Dir::Etc::parts "/nonexistent";\n' > "$out/apt.conf"

if [ $# -gt 0 ]; then
    profiles=("$@")
else
    mapfile -t profiles < <(oscap info --profiles "$ds" 2>/dev/null | cut -d: -f1)
fi
[ ${#profiles[@]} -gt 0 ] || { echo "no profiles in $ds" >&2; exit 1; }

tailor=()
[ -n "${TAILORING:-}" ] && tailor=(--tailoring-file "$TAILORING")

status=0
for p in "${profiles[@]}"; do
    name=${p##*_profile_}
    /usr/bin/time -f "%e %M" -o "$out/$name.oscap.time" \
        env APT_CONFIG="$out/apt.conf" OSCAP_PROBE_ROOT="$root" \
        oscap xccdf eval "${tailor[@]}" --profile "$p" --results "$out/$name.oscap.xml" "$ds" \
        > "$out/$name.oscap.txt" 2> "$out/$name.oscap.err" || true
    /usr/bin/time -f "%e %M" -o "$out/$name.ours.time" \
        "$ours" --root "$root" ${SCAN_ARGS:-} "${tailor[@]}" --profile "$p" --results "$out/$name.ours.xml" "$ds" \
        > "$out/$name.ours.txt" 2> "$out/$name.ours.err" || true
    python3 - "$out/$name.oscap.xml" "$out/$name.ours.xml" "$out/$name.oscap.time" \
        "$out/$name.ours.time" scripts/oscap-known-differences.txt "$name" <<'PY' || status=1
import re, sys
import xml.etree.ElementTree as ET
from collections import Counter
NS = "{http://checklists.nist.gov/xccdf/1.2}"
def load(path):
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        print(f"  cannot read {path}: {e}")
        return {}, None
    tr = root if root.tag == NS + "TestResult" else root.find(f".//{NS}TestResult")
    if tr is None:
        return {}, None
    res = {}
    for rr in tr.findall(f"{NS}rule-result"):
        res.setdefault(rr.get("idref"), rr.findtext(f"{NS}result"))
    score = tr.find(f"{NS}score")
    return res, (score.text if score is not None else None)
(a, sa), (b, sb) = load(sys.argv[1]), load(sys.argv[2])
ids = sorted(set(a) | set(b))
diff = [(k, a.get(k), b.get(k)) for k in ids if a.get(k) != b.get(k)]
evaluated = [k for k in ids if a.get(k) != "notselected" or b.get(k) != "notselected"]
known = {}
for line in open(sys.argv[5]):
    if line.strip() and not line.startswith("#"):
        k, _, why = line.strip().partition(" ")
        known[k] = why
def why(k):
    return next((w for pat, w in known.items() if re.fullmatch(pat, k)), None)
unexpected = [d for d in diff if why(d[0]) is None]
for k, x, y in diff:
    tag = f"known ({why(k)})" if why(k) else "DIFF"
    print(f"  {tag} {k.replace('xccdf_org.ssgproject.content_rule_', '')}: oscap={x} ours={y}")
kinds = Counter((x, y) for _, x, y in diff)
(ot, om), (wt, wm) = [open(p).read().split()[-2:] for p in sys.argv[3:5]]
ot, om, wt, wm = float(ot), int(om), float(wt), int(wm)
print(f"{sys.argv[6]}: {len(evaluated)} selected rules, {len(evaluated) - len(diff)} agree, "
      f"{len(diff) - len(unexpected)} differ as documented, {len(unexpected)} unexpectedly "
      f"{dict(kinds) if kinds else ''}")
print(f"  score oscap {sa} ours {sb}")
print(f"  oscap {ot:.2f}s {om/1024:.0f} MiB   ours {wt:.2f}s {wm/1024:.0f} MiB   "
      f"speed x{ot/max(wt,0.001):.1f}, memory x{om/max(wm,1):.1f} less")
sys.exit(1 if unexpected or not ids else 0)
PY
done
echo "outputs in $out" >&2
exit $status
