#!/usr/bin/env bash
# Differential check of OVAL evaluation: oscap vs scap-rs on the same definitions and the same
# debootstrapped Debian root, every definition result compared. Also prints wall time and peak
# memory of both (the benchmark numbers), in one run.
#
# usage: scripts/diff-oval.sh [DEFINITIONS.xml ...]
#   default: the OVAL of the SSG Debian 11 data stream.
# env: ROOT=DIR (default: built with scripts/make-debian-root.sh bullseye), KEEP=DIR for outputs,
#      differences listed in scripts/oscap-known-differences.txt are expected (README.md says
#      why); any other fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-ssg.sh >&2
ssg=${SCAP_SSG_DIR:-/usr/share/xml/scap/ssg/content}
[ $# -gt 0 ] || set -- "$ssg/ssg-debian11-oval.xml"
root=${ROOT:-$(scripts/make-debian-root.sh bullseye)}
out=${KEEP:-$(mktemp -d)}
mkdir -p "$out"
cargo build --release --example oval-eval >&2
ours=${CARGO_TARGET_DIR:-target}/release/examples/oval-eval

# oscap 1.3.7 traps: its dpkginfo probe reads the host's apt configuration, so point APT_CONFIG
# at a file that empties Dir::Etc::parts.
printf 'Dir::Etc::parts "/nonexistent";\n' > "$out/apt.conf"

# Our results must be valid against the OVAL 5.11 XSDs (results, system characteristics and the
# item schemas of each family we write).
xsd=/usr/share/openscap/schemas/oval/5.11.3
cat > "$out/validate.xsd" <<XSD
<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:scap-rs:validate">
  <xsd:import namespace="http://oval.mitre.org/XMLSchema/oval-results-5" schemaLocation="$xsd/oval-results-schema.xsd"/>
  <xsd:import namespace="http://oval.mitre.org/XMLSchema/oval-system-characteristics-5#independent" schemaLocation="$xsd/independent-system-characteristics-schema.xsd"/>
  <xsd:import namespace="http://oval.mitre.org/XMLSchema/oval-system-characteristics-5#unix" schemaLocation="$xsd/unix-system-characteristics-schema.xsd"/>
  <xsd:import namespace="http://oval.mitre.org/XMLSchema/oval-system-characteristics-5#linux" schemaLocation="$xsd/linux-system-characteristics-schema.xsd"/>
</xsd:schema>
XSD

status=0
for defs in "$@"; do
    name=$(basename "$defs" .xml)
    /usr/bin/time -f "%e %M" -o "$out/$name.oscap.time" \
        env APT_CONFIG="$out/apt.conf" OSCAP_PROBE_ROOT="$root" \
        oscap oval eval --results "$out/$name.oscap.xml" "$defs" > "$out/$name.oscap.txt" 2>/dev/null || true
    /usr/bin/time -f "%e %M" -o "$out/$name.ours.time" \
        "$ours" --root "$root" --results "$out/$name.ours.xml" "$defs" > "$out/$name.ours.txt"
    xmllint --noout --schema "$out/validate.xsd" "$out/$name.ours.xml" || status=1
    python3 - "$out/$name.oscap.txt" "$out/$name.ours.txt" "$out/$name.oscap.time" "$out/$name.ours.time" scripts/oscap-known-differences.txt "$name" <<'PY' || status=1
import re, sys
def load(p):
    d = {}
    for line in open(p):
        if line.startswith("Definition "):
            k, v = line[len("Definition "):].rsplit(": ", 1)
            d[k] = v.strip()
    return d
a, b = load(sys.argv[1]), load(sys.argv[2])
ids = sorted(set(a) | set(b))
diff = [(k, a.get(k), b.get(k)) for k in ids if a.get(k) != b.get(k)]
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
    print(f"  {tag} {k}: oscap={x} ours={y}")
(ot, om), (wt, wm) = [open(p).read().split() for p in sys.argv[3:5]]
ot, om, wt, wm = float(ot), int(om), float(wt), int(wm)
print(f"{sys.argv[6]}: {len(ids)} definitions, {len(ids) - len(diff)} agree, "
      f"{len(diff) - len(unexpected)} differ as documented, {len(unexpected)} differ unexpectedly")
print(f"  oscap {ot:.2f}s {om/1024:.0f} MiB   ours {wt:.2f}s {wm/1024:.0f} MiB   "
      f"speed x{ot/max(wt,0.001):.1f}, memory x{om/max(wm,1):.1f} less")
sys.exit(1 if unexpected or not ids else 0)
PY
done
echo "outputs in $out" >&2
exit $status
