#!/usr/bin/env bash
# The evidence formats against their schemas and readers, on the committed ARF fixtures (and
# any ARF given): `report` writes SARIF, OSCAL assessment results and POA&M, HDF and the
# POA&M workbook; then
#   - SARIF: the SARIF 2.1.0 JSON schema (sarif-2.1.0-rtm.5.json, as shipped in the npm
#     package @microsoft/jest-sarif; no PyPI package carries it), with jsonschema;
#   - OSCAL: compliance-trestle's OSCAL 1.1 models (PyPI);
#   - HDF: read back with inspecjs (npm, MITRE's HDF parser that Heimdall uses), counting
#     the statuses Heimdall shows;
#   - .xlsx: read back with openpyxl.
# Tools go into target/evidence-tools (a Python venv and an npm prefix), installed once, at
# the versions pinned in scripts/evidence/requirements.txt (every Python package, from PyPI)
# and scripts/evidence/npm/package-lock.json (npm ci). In CI (.ci/run): about 2 minutes on a
# cold machine here (pip 68 s, npm 5 s, the checks about 40 s).
#
# Each ARF is also rendered with the vulnerabilities of the committed OVAL feed results
# (scap-arf/tests/fixtures/vulns/results-debian11.xml: Debian and Ubuntu shapes;
# results-redhat-oscap.xml: Red Hat's), so vulnerability items are checked too.
#
# usage: scripts/check-evidence-schemas.sh [ARF...]
set -euo pipefail
cd "$(dirname "$0")/.."
tools=${EVIDENCE_TOOLS:-target/evidence-tools}
mkdir -p "$tools"
tools=$(cd "$tools" && pwd)

need=()
command -v node > /dev/null || need+=(nodejs)
command -v npm > /dev/null || need+=(npm)
python3 -c 'import venv, ensurepip' 2> /dev/null || need+=(python3-venv)
if [ ${#need[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi
pins=scripts/evidence/requirements.txt
# Reinstalled when the pins change (the copy kept beside the venv is what it holds).
if [ ! -x "$tools/venv/bin/python" ] || ! cmp -s "$pins" "$tools/venv/pins.txt"; then
    rm -rf "$tools/venv"
    python3 -m venv "$tools/venv"
    "$tools/venv/bin/pip" install -q --disable-pip-version-check -r "$pins"
    cp "$pins" "$tools/venv/pins.txt"
fi
schema=$tools/npm/node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json
if [ ! -f "$schema" ] || ! cmp -s scripts/evidence/npm/package-lock.json "$tools/npm/package-lock.json"; then
    rm -rf "$tools/npm" && mkdir -p "$tools/npm"
    cp scripts/evidence/npm/package.json scripts/evidence/npm/package-lock.json "$tools/npm/"
    npm ci -s --prefix "$tools/npm" --no-audit --no-fund --ignore-scripts > /dev/null
fi

cargo build -q --example report
report=${CARGO_TARGET_DIR:-target}/debug/examples/report
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
arfs=("$@")
[ ${#arfs[@]} -gt 0 ] || arfs=(scap-arf/tests/fixtures/arf/*.xml)
files=()
hdfs=()
vulns=(scap-arf/tests/fixtures/vulns/results-debian11.xml scap-arf/tests/fixtures/vulns/results-redhat-oscap.xml)
for arf in "${arfs[@]}"; do
  for with in plain vulns; do
    stem=$out/$(basename "$arf" .xml)-$with
    extra=()
    if [ "$with" = vulns ]; then
        for v in "${vulns[@]}"; do extra+=(--oval-vulns "$v"); done
    fi
    "$report" "$arf" "${extra[@]}" --sarif "$stem.sarif" --oscal-ar "$stem.oscal-ar.json" \
        --oscal-poam "$stem.oscal-poam.json" --hdf "$stem.hdf.json" \
        --poam-xlsx "$stem.poam.xlsx" --poam-emass-xlsx "$stem.emass.xlsx" > /dev/null
    files+=("$stem.sarif" "$stem.oscal-ar.json" "$stem.poam.xlsx" "$stem.emass.xlsx")
    # OSCAL requires at least one poam-item: a scan without findings has no POA&M to check.
    if grep -q '"POAM-ID"' "$stem.oscal-poam.json"; then files+=("$stem.oscal-poam.json"); fi
    hdfs+=("$stem.hdf.json")
  done
done
"$tools/venv/bin/python" scripts/evidence/check.py "$schema" "${files[@]}"
NODE_PATH=$tools/npm/node_modules node scripts/evidence/read-hdf.js "${hdfs[@]}"
echo "evidence formats: all valid"
