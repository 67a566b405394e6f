#!/usr/bin/env bash
# Remediation, differentially: `oscap xccdf eval --remediate` and our `scan --remediate`, each
# run as root chrooted in its own copy of the Debian 11 root (scripts/remediate-chroot.sh: a
# private mount and network namespace; the fixes change the copy, never this machine), with the
# SSG Debian 11 data stream and one profile (default `standard`).
#
# 1. Per rule, the result each records after remediating (fail, fixed, error, pass, ...).
#    A difference fails the run unless it is one we know:
#    - oscap `error` where we say `fixed`, and oscap's own scan of its copy afterwards says
#      `pass`: oscap re-evaluated the rule on objects it had collected before the fix (it
#      collects an object once per remediation; see the scap_xccdf::remediate docs);
#    - a rule scripts/oscap-known-differences.txt lists, neither side remediated it, and the
#      results differ as they differ without --remediate (a chroot has no running systemd:
#      `systemd-offline`).
# 2. Then oscap (without --remediate) scans both copies: the two remediated systems should be
#    in the same state, rule for rule; a difference there fails the run too.
#
# usage: scripts/diff-remediate.sh [PROFILE]
# env: KEEP=DIR keeps the copies' results and logs; SCAN_BIN uses an already built scan;
#      ROOT=DIR the Debian 11 root (default: scripts/make-debian-root.sh bullseye).
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${1:-standard}
scripts/install-ssg.sh >&2
command -v ip > /dev/null || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iproute2
} >&2
ssg=${SCAP_SSG_DIR:-/usr/share/xml/scap/ssg/content}
ds=$ssg/ssg-debian11-ds.xml
root=${ROOT:-$(scripts/make-debian-root.sh bullseye)}
if [ -z "${SCAN_BIN:-}" ]; then
    cargo build --release --example scan >&2
fi
SCAN_BIN=${SCAN_BIN:-${CARGO_TARGET_DIR:-target}/release/examples/scan}

out=${KEEP:-}
work=$(mktemp -d /var/tmp/diff-remediate.XXXXXX)
trap 'rm -rf "$work"' EXIT
[ -n "$out" ] || out=$work/out
mkdir -p "$out"

scripts/remediate-chroot.sh --tools "$work/tools" "$SCAN_BIN"
cp "$ds" "$work/ds.xml"
for who in oscap ours; do
    cp -a "$root" "$work/$who-tree"
    mkdir -p "$work/$who-share"
    cp "$ds" "$work/$who-share/ds.xml"
done
# inside WHO CMD...: runs CMD in WHO's copy, with a plain environment.
inside() {
    local who=$1
    shift
    scripts/remediate-chroot.sh "$work/$who-tree" "$work/tools" "$work/$who-share" \
        env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root "$@"
}
# timed WHO CMD...: inside, timed (the time includes making the namespace: a few ms).
timed() {
    local who=$1
    shift
    /usr/bin/time -f "%e %M" -o "$out/$who.time" \
        scripts/remediate-chroot.sh "$work/$who-tree" "$work/tools" "$work/$who-share" \
        env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root "$@" > "$out/$who.log" 2>&1 || true
}
echo "== --remediate, profile $profile: oscap in one copy, scan in the other" >&2
timed oscap /opt/tools/oscap xccdf eval --remediate --profile "$profile" \
    --results /work/remediated.xml /work/ds.xml
timed ours /opt/tools/scan --remediate --profile "$profile" \
    --results /work/remediated.xml /work/ds.xml
echo "== oscap scans both copies afterwards" >&2
for who in oscap ours; do
    inside "$who" /opt/tools/oscap xccdf eval --profile "$profile" --results /work/after.xml \
        /work/ds.xml > "$out/$who.after.log" 2>&1 || true
    cp "$work/$who-share/remediated.xml" "$out/$who.remediated.xml"
    cp "$work/$who-share/after.xml" "$out/$who.after.xml"
done

status=0
python3 - "$out" <<'EOF' || status=$?
import re
import sys
import xml.etree.ElementTree as ET

out = sys.argv[1]
known_rules = []
for line in open('scripts/oscap-known-differences.txt'):
    if line.strip() and not line.startswith('#'):
        pat, why = line.split(None, 1)
        known_rules.append((re.compile(pat + '$'), why.strip()))
NS = '{http://checklists.nist.gov/xccdf/1.2}'


def results(path, full=False):
    tr = ET.parse(path).getroot().iter(NS + 'TestResult')
    out = {}
    for rr in (rr for t in tr for rr in t.iter(NS + 'rule-result')):
        fix = rr.find(NS + 'fix')
        out[rr.get('idref')] = (rr.find(NS + 'result').text,
                                [m.text for m in rr.findall(NS + 'message')],
                                None if fix is None else (dict(fix.attrib), ''.join(fix.itertext())))
    return out if full else {k: v[0] for k, v in out.items()}


oscap, ours = results(f'{out}/oscap.remediated.xml'), results(f'{out}/ours.remediated.xml')
after = {who: results(f'{out}/{who}.after.xml') for who in ('oscap', 'ours')}
status = 0
counts = {}
for who, r in (('oscap', oscap), ('ours', ours)):
    c = {}
    for v in r.values():
        c[v] = c.get(v, 0) + 1
    counts[who] = ', '.join(f'{n} {k}' for k, n in sorted(c.items()) if k != 'notselected')
print(f'  oscap: {counts["oscap"]}\n  ours:  {counts["ours"]}')
same = known = 0
for rule in oscap:
    o, w = oscap[rule], ours.get(rule)
    short = rule.split('_rule_')[-1]
    if o == w:
        same += 1
    elif o == 'error' and w == 'fixed' and after['oscap'].get(rule) == 'pass':
        known += 1
        print(f'  known      {short}: oscap error (re-evaluated on objects collected before '
              f'the fix; its own scan afterwards: pass), ours fixed')
    elif 'fixed' not in (o, w) and (why := next(
            (why for p, why in known_rules if p.match(rule)), None)) \
            and after['oscap'].get(rule) == o and after['ours'].get(rule) == o:
        known += 1
        print(f'  known      {short}: oscap {o}, ours {w} (not remediated; {why})')
    else:
        status = 1
        print(f'  DIFFERENT  {short}: oscap {o}, ours {w} '
              f'(after: oscap copy {after["oscap"].get(rule)}, ours {after["ours"].get(rule)})')
print(f'  {same} rules the same, {known} known differences')
diff_after = [r for r in after['oscap'] if after['oscap'][r] != after['ours'].get(r)]
for r in diff_after:
    status = 1
    print(f'  AFTER DIFFERS {r.split("_rule_")[-1]}: oscap copy {after["oscap"][r]}, '
          f'ours {after["ours"].get(r)}')
if not diff_after:
    print(f'  afterwards oscap finds both copies the same, rule for rule '
          f'({sum(v == "pass" for v in after["ours"].values())} pass)')
# The rule-results of the remediated rules whole: messages (exit code, the fix's output, why
# the verification failed) and the <fix> that ran, attributes and text.
full = {who: results(f'{out}/{who}.remediated.xml', True) for who in ('oscap', 'ours')}
touched = [r for r, v in full['oscap'].items()
           if v[2] is not None or 'No suitable fix found.' in v[1]]
whole = [r for r in touched if full['oscap'][r] == full['ours'].get(r)]
for r in touched:
    if r not in whole and oscap[r] == ours.get(r):
        status = 1
        print(f'  MESSAGES OR FIX DIFFER  {r.split("_rule_")[-1]}:\n    oscap {full["oscap"][r]}'
              f'\n    ours  {full["ours"].get(r)}')
print(f'  {len(whole)} of {len(touched)} failed rules identical after remediation (result, messages, fix)')
sys.exit(status)
EOF
read -r ot om < <(tail -1 "$out/oscap.time")
read -r wt wm < <(tail -1 "$out/ours.time")
printf '  time: oscap %.1f s %d MiB, ours %.1f s %d MiB (evaluation, fixes, re-evaluation)\n' \
    "$ot" $((om / 1024)) "$wt" $((wm / 1024))
exit $status
