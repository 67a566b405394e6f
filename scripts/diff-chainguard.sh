#!/usr/bin/env bash
# The users' workflow, differentially: Chainguard's GPOS STIG data stream (real content, not SSG)
# on Wolfi-like trees (scap/tests/fixtures/make-wolfi-root.sh: a hardened one and one gone wrong), oscap 1.3.7
# vs our `scan`, every rule compared (scripts/diff-xccdf.sh; the documented differences are in
# scripts/oscap-known-differences.txt). Then the same trees as OCI images with the environment in
# the image config's Env: `scan --image` must give the same result as `scan --root` for every
# rule, and no rule may be `error` anywhere.
#
# usage: scripts/diff-chainguard.sh [DATASTREAM]   (default scap/tests/fixtures/ds/chainguard/ssg-chainguard-gpos-ds.xml)
# env: KEEP=DIR keeps the outputs; SCAN_BIN=PATH uses an already built scan.
set -euo pipefail
cd "$(dirname "$0")/.."
ds=${1:-scap/tests/fixtures/ds/chainguard/ssg-chainguard-gpos-ds.xml}
profile=xccdf_basic_profile_.check
out=${KEEP:-$(mktemp -d)}
mkdir -p "$out"
scripts/install-ssg.sh >&2
if [ -z "${SCAN_BIN:-}" ]; then
    cargo build --release --example scan >&2
    SCAN_BIN=${CARGO_TARGET_DIR:-target}/release/examples/scan
fi
export SCAN_BIN
# oscap runs the two ASLR SCE scripts on this host; we do not for an offline target
# (sce-offline in oscap-known-differences.txt).

status=0
for variant in hardened plain; do
    root=/var/tmp/scap-roots/wolfi-$variant
    scap/tests/fixtures/make-wolfi-root.sh "$variant" "$root" > /dev/null
    echo "== $variant Wolfi tree: oscap vs scan --root" >&2
    # The image's environment: oscap-docker passes its Env as OSCAP_CONTAINER_VARS (which
    # oscap's environmentvariable58 probe reads offline), ours is --env-file.
    OSCAP_CONTAINER_VARS=$(cat "$root.env") ROOT=$root KEEP=$out/$variant \
        SCAN_ARGS="--env-file $root.env" \
        scripts/diff-xccdf.sh "$ds" "$profile" || status=1

    echo "== $variant Wolfi image: scan --image vs scan --root" >&2
    COMPARE=0 IMAGE_ENV=$(cat "$root.env") IMAGE_REF=wolfi-$variant \
        scripts/make-oci-image.sh "$root" "$out/$variant.oci" > /dev/null 2>&1
    "$SCAN_BIN" --image "$out/$variant.oci" --profile "$profile" \
        --results "$out/$variant/image.xml" "$ds" > "$out/$variant/image.txt" 2>&1 || true
    python3 - "$out/$variant/${profile##*_profile_}.ours.xml" "$out/$variant/image.xml" <<'PY' || status=1
import sys
import xml.etree.ElementTree as ET
NS = "{http://checklists.nist.gov/xccdf/1.2}"
def load(path):
    tr = ET.parse(path).getroot()
    tr = tr if tr.tag == NS + "TestResult" else tr.find(f".//{NS}TestResult")
    return {rr.get("idref"): rr.findtext(f"{NS}result") for rr in tr.findall(f"{NS}rule-result")}
root, image = load(sys.argv[1]), load(sys.argv[2])
diff = sorted(k for k in set(root) | set(image) if root.get(k) != image.get(k))
errors = sorted(k for k, v in list(root.items()) + list(image.items()) if v == "error")
for k in diff:
    print(f"  DIFF {k}: --root={root.get(k)} --image={image.get(k)}")
for k in errors:
    print(f"  ERROR {k}")
print(f"  {len(root)} rules: --image and --root agree on {len(root) - len(diff)}, "
      f"{len(set(errors))} error results")
sys.exit(1 if diff or errors or not root else 0)
PY
done
echo "outputs in $out" >&2
exit $status
