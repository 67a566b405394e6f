#!/usr/bin/env bash
# Remediation scripts, differentially: `oscap xccdf generate fix` vs our `fix` example, byte for
# byte, then the bash script run on a copy of the Debian 11 root to see what it fixes.
#
# 1. Profiles: bash for every SSG Debian 11 profile, Ansible for two of them, bash for one RHEL 9
#    profile, and the other fix types on real content (RHEL 9: blueprint, Puppet, Anaconda;
#    OpenShift: Kubernetes). Our header names its generator; `--generated-by 'OpenSCAP 1.3.7'`
#    makes it say what oscap says, so the files can be compared whole.
# 2. Results: oscap evaluates the `standard` profile on the Debian 11 root; the scripts for the
#    failed rules of its results file and of its ARF (`--result-id`) are compared the same way.
# 3. Remediation: the bash script of the `standard` profile runs in a copy of the root (chroot,
#    no network: package installs fail), and `scan --root COPY` before and after prints which
#    rules it fixed and which it broke. Nothing is compared with oscap here; the run fails only
#    if a rule that passed before fails after.
#
# A difference fails the run unless scripts/oscap-known-differences.txt lists its case as
# fix:CONTENT:PROFILE:TYPE with the reason (the scap_xccdf::fix docs explain each).
#
# usage: scripts/diff-fix.sh [--ci | --all-content]
#   --ci: step 1 for the `standard` profile only, bash and Ansible (the quick check .ci/run makes)
#   --all-content: instead, bash and Ansible for the first profile of every SSG data stream
#                  (about 15 minutes)
# env: KEEP=DIR keeps the outputs; FIX_BIN / SCAN_BIN use already built examples;
#      ROOT=DIR the Debian 11 root (default: scripts/make-debian-root.sh bullseye).
set -euo pipefail
cd "$(dirname "$0")/.."
ci=0 all=0
[ "${1:-}" = --ci ] && ci=1
[ "${1:-}" = --all-content ] && all=1
scripts/install-ssg.sh >&2
ssg=${SCAP_SSG_DIR:-/usr/share/xml/scap/ssg/content}
out=${KEEP:-$(mktemp -d)}
mkdir -p "$out"
if [ -z "${FIX_BIN:-}" ] || { [ $ci = 0 ] && [ -z "${SCAN_BIN:-}" ]; }; then
    cargo build --release --example fix --example scan >&2
fi
FIX_BIN=${FIX_BIN:-${CARGO_TARGET_DIR:-target}/release/examples/fix}
SCAN_BIN=${SCAN_BIN:-${CARGO_TARGET_DIR:-target}/release/examples/scan}

status=0
# known KEY: the reason scripts/oscap-known-differences.txt gives for KEY, if it lists it.
known() {
    grep -v '^#' scripts/oscap-known-differences.txt | while read -r pat why; do
        [ -n "$pat" ] && [[ $1 =~ ^${pat}$ ]] && { echo "$why"; break; }
    done
}
# compare [KEY=fix:CONTENT:PROFILE:TYPE] NAME OSCAP_ARGS... -- OUR_ARGS... : both write
# $out/NAME.{oscap,ours}. oscap reads options only before the input file (later ones are
# ignored), so --output goes first.
compare() {
    local key=
    case $1 in fix:*) key=$1; shift ;; esac
    local name=$1
    shift
    local oscap_args=() ours_args=()
    while [ "$1" != -- ]; do oscap_args+=("$1"); shift; done
    shift
    ours_args=("$@")
    /usr/bin/time -f "%e %M" -o "$out/$name.oscap.time" \
        oscap xccdf generate fix --output "$out/$name.oscap" "${oscap_args[@]}" \
        2> "$out/$name.oscap.err" || true
    /usr/bin/time -f "%e %M" -o "$out/$name.ours.time" \
        "$FIX_BIN" --generated-by 'OpenSCAP 1.3.7' --output "$out/$name.ours" "${ours_args[@]}" \
        2> "$out/$name.ours.err" || true
    local ot om wt wm
    read -r ot om < <(tail -1 "$out/$name.oscap.time")
    read -r wt wm < <(tail -1 "$out/$name.ours.time")
    local timing
    timing=$(printf 'oscap %.2fs %d MiB, ours %.2fs %d MiB' "$ot" $((om / 1024)) "$wt" $((wm / 1024)))
    if [ -s "$out/$name.oscap" ] && cmp -s "$out/$name.oscap" "$out/$name.ours"; then
        echo "  identical  $name ($(wc -c < "$out/$name.ours") bytes, $(grep -c '^# BEGIN fix\|^    - name: ' "$out/$name.ours" || true) rules/tasks; $timing)"
    else
        local why=
        [ -n "$key" ] && why=$(known "$key")
        if [ -n "$why" ]; then
            echo "  known ($why) $name ($timing)"
        else
            echo "  DIFFERENT  $name ($timing)"
            status=1
        fi
        diff "$out/$name.oscap" "$out/$name.ours" | head -20 | sed 's/^/      /' || true
        head -5 "$out/$name.ours.err" | sed 's/^/      /'
    fi
}

if [ $all = 1 ]; then
    echo "== generate fix, first profile of every SSG data stream: oscap vs fix" >&2
    for ds in "$ssg"/ssg-*-ds.xml; do
        n=$(basename "$ds" -ds.xml)
        p=$(oscap info --profiles "$ds" 2>/dev/null | head -1 | cut -d: -f1)
        [ -n "$p" ] || continue
        for t in bash ansible; do
            compare "fix:$n:$p:$t" "$n.$t" --profile "$p" --fix-type "$t" "$ds" -- \
                --profile "$p" --fix-type "$t" "$ds"
        done
    done
    exit $status
fi

echo "== generate fix from profiles: oscap vs fix" >&2
ds=$ssg/ssg-debian11-ds.xml
if [ $ci = 1 ]; then
    profiles=(xccdf_org.ssgproject.content_profile_standard)
else
    mapfile -t profiles < <(oscap info --profiles "$ds" 2>/dev/null | cut -d: -f1)
fi
for p in "${profiles[@]}"; do
    name=${p##*_profile_}
    compare "debian11-$name.bash" --profile "$p" "$ds" -- --profile "$p" "$ds"
done
ansible=(standard)
[ $ci = 0 ] && ansible+=(anssi_np_nt28_high)
for name in "${ansible[@]}"; do
    compare "debian11-$name.ansible" --profile "$name" --fix-type ansible "$ds" -- \
        --profile "$name" --fix-type ansible "$ds"
done
[ $ci = 1 ] && exit $status

rhel9=$ssg/ssg-rhel9-ds.xml
for t in bash blueprint puppet anaconda; do
    compare "rhel9-ospp.$t" --profile ospp --fix-type "$t" "$rhel9" -- --profile ospp --fix-type "$t" "$rhel9"
done
compare "ocp4-cis.kubernetes" --profile cis --fix-type kubernetes "$ssg/ssg-ocp4-ds.xml" -- \
    --profile cis --fix-type kubernetes "$ssg/ssg-ocp4-ds.xml"

echo "== generate fix from results (--result-id): oscap's results file and ARF" >&2
root=${ROOT:-$(scripts/make-debian-root.sh bullseye)}
printf 'Dir::Etc::parts "/nonexistent";\n' > "$out/apt.conf"
APT_CONFIG="$out/apt.conf" OSCAP_PROBE_ROOT="$root" oscap xccdf eval \
    --profile standard --results "$out/results.xml" --results-arf "$out/arf.xml" "$ds" \
    > /dev/null 2>&1 || true
rid=xccdf_org.open-scap_testresult_xccdf_org.ssgproject.content_profile_standard
for input in results.xml arf.xml; do
    for t in bash ansible; do
        compare "from-$input.$t" --result-id "$rid" --fix-type "$t" "$out/$input" -- \
            --result-id "$rid" --fix-type "$t" "$out/$input"
    done
done

echo "== the standard profile's bash script run in a copy of the root" >&2
copy=$out/root
rm -rf "$copy"
cp -a "$root" "$copy"
"$SCAN_BIN" --root "$copy" --profile standard --results "$out/before.xml" "$ds" > /dev/null 2>&1 || true
"$FIX_BIN" --profile standard --output "$copy/root/remediation.sh" "$ds"
# No network (the package installs fail, as they would offline); the script's own output kept.
unshare --net chroot "$copy" /bin/bash /root/remediation.sh > "$out/remediation.log" 2>&1 || true
"$SCAN_BIN" --root "$copy" --profile standard --results "$out/after.xml" "$ds" > /dev/null 2>&1 || true
# The copy is a whole root (about 1 GB): kept only when asked.
[ -n "${KEEP:-}" ] || rm -rf "$copy"
python3 - "$out/before.xml" "$out/after.xml" <<'PY' || status=1
import sys
import xml.etree.ElementTree as ET
from collections import Counter
NS = "{http://checklists.nist.gov/xccdf/1.2}"
def load(path):
    root = ET.parse(path).getroot()
    tr = root if root.tag == NS + "TestResult" else root.find(f".//{NS}TestResult")
    return {rr.get("idref"): rr.findtext(f"{NS}result") for rr in tr.findall(f"{NS}rule-result")}
before, after = load(sys.argv[1]), load(sys.argv[2])
short = lambda k: k.replace("xccdf_org.ssgproject.content_rule_", "")
selected = [k for k, v in before.items() if v != "notselected"]
cb, ca = Counter(before[k] for k in selected), Counter(after.get(k) for k in selected)
print(f"  before: {dict(sorted(cb.items()))}")
print(f"  after:  {dict(sorted(ca.items()))}")
fixed = [k for k in selected if before[k] == "fail" and after.get(k) == "pass"]
still = [k for k in selected if before[k] == "fail" and after.get(k) == "fail"]
broken = [k for k in selected if before[k] == "pass" and after.get(k) != "pass"]
print(f"  fixed ({len(fixed)}): {' '.join(map(short, fixed))}")
print(f"  still failing ({len(still)}): {' '.join(map(short, still))}")
for k in broken:
    print(f"  BROKEN {short(k)}: pass -> {after.get(k)}")
sys.exit(1 if broken or not fixed else 0)
PY
echo "outputs in $out" >&2
exit $status
