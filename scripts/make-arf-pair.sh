#!/usr/bin/env bash
# The later scan of the scan-comparison fixture pair: scap-arf/tests/fixtures/arf/linux-baseline-debian11-oscap-arf.xml
# is oscap's ARF of examples/data/linux-baseline-ds.xml on a Debian 11 tree (scap-arf/tests/fixtures/arf/README.md);
# this writes scap-arf/tests/fixtures/arf/linux-baseline-debian11-after-oscap-arf.xml, the same scan of a copy of
# the tree with PASS_MAX_DAYS set to 60 (fixes a finding) and /etc/passwd world-writable (a new
# finding). BEFORE=1 also rewrites the earlier scan as linux-baseline-debian11-before-oscap-arf.xml.
#
# usage: scripts/make-arf-pair.sh [ROOT] [OUTDIR]
#   ROOT    default /var/tmp/scap-roots/bullseye (scripts/make-debian-root.sh)
#   OUTDIR  default scap-arf/tests/fixtures/arf
set -euo pipefail
cd "$(dirname "$0")/.."
root=${1:-/var/tmp/scap-roots/bullseye}
out=${2:-scap-arf/tests/fixtures/arf}
scripts/install-ssg.sh >&2
after=$(mktemp -d /var/tmp/scap-arf-after.XXXXXX)
trap 'rm -rf "$after"' EXIT
cp -a "$root/." "$after/"
sed -i 's/^PASS_MAX_DAYS.*/PASS_MAX_DAYS\t60/' "$after/etc/login.defs"
chmod 0666 "$after/etc/passwd"
sides=(after)
[ -n "${BEFORE:-}" ] && sides=(before after)
for side in "${sides[@]}"; do
    tree=$root
    [ "$side" = after ] && tree=$after
    OSCAP_PROBE_ROOT=$tree oscap xccdf eval --results-arf "$out/linux-baseline-debian11-$side-oscap-arf.xml" \
        examples/data/linux-baseline-ds.xml > /dev/null || [ $? = 2 ]
done
echo "wrote ${sides[*]} in $out"
