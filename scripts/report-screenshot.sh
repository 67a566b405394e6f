#!/bin/sh
# Render the HTML report of an ARF file in headless Chromium: a PNG screenshot, a filtered DOM
# dump (the URL fragment sets the filters and opens a failing rule) checked for the rule's OVAL
# details, then the ARF checks: XSD validation of an ARF our writer produced and oscap accepting it.
#
# usage: [RULE=ID EXPECT=TEXT] scripts/report-screenshot.sh [ARF] [OUTDIR]
#   ARF     default scap-arf/tests/fixtures/arf/linux-baseline-debian11-oscap-arf.xml
#   OUTDIR  default target/report-screenshot
#   RULE    a failing rule of ARF to filter to (default: the baseline's PASS_MAX_DAYS rule)
#   EXPECT  text its OVAL details must show (default 99999, the PASS_MAX_DAYS value found)
# Needs: chromium (Debian packages chromium, chromium-driver), xmllint, oscap for the last steps.
set -eu
cd "$(dirname "$0")/.."
ARF=${1:-scap-arf/tests/fixtures/arf/linux-baseline-debian11-oscap-arf.xml}
OUT=${2:-target/report-screenshot}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
CHROMIUM=${CHROMIUM:-chromium}

cargo run -q --example report -- "$ARF" --html "$OUT/report.html" --ckl "$OUT/report.ckl" \
    --cklb "$OUT/report.cklb" --poam "$OUT/poam.csv" --json "$OUT/report.json"

flags="--headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run --user-data-dir=$OUT/chromium-profile"
# shellcheck disable=SC2086
"$CHROMIUM" $flags --window-size=1400,1800 --screenshot="$OUT/report.png" "file://$OUT/report.html" 2>/dev/null
echo "screenshot: $OUT/report.png"

# Filter to failing rules matching the rule's id, open it.
rule=${RULE:-xccdf_io.github.scap-rs_rule_accounts_maximum_age_login_defs}
expect=${EXPECT:-99999}
# shellcheck disable=SC2086
"$CHROMIUM" $flags --virtual-time-budget=2000 --dump-dom \
    "file://$OUT/report.html#result=fail&q=$rule&open=$rule" > "$OUT/filtered.html" 2>/dev/null
# The DOM after the script ran: exactly one rule entry is not hidden, it is the failing rule,
# open, and shows its OVAL test and item values.
python3 - "$OUT/filtered.html" "$rule" "$expect" <<'PY'
import re, sys
dom = open(sys.argv[1]).read()
rule, expect = sys.argv[2], sys.argv[3]
entries = re.findall(r'<details class="rule"([^>]*)>', dom)
visible = [e for e in entries if ' hidden' not in e]
assert len(entries) > 1, "no rule entries in the DOM"
assert len(visible) == 1, f"{len(visible)} rules visible, want 1"
assert f'data-id="{rule}"' in visible[0] and 'data-result="fail"' in visible[0], visible[0]
assert ' open' in visible[0], "the rule named in #open= is not open"
assert "1 of %d rules shown" % len(entries) in dom, "count line not updated"
start = dom.index(f'data-id="{rule}"')
body = dom[start:dom.index("</details>", start)]
assert "OVAL details" in body, "no OVAL details in the rule"
assert expect in body, f"{expect!r} not in the rule's details"
print(f"filter: 1 of {len(entries)} rules visible, {rule} open, OVAL details show {expect!r}")
PY

# shellcheck disable=SC2086
"$CHROMIUM" $flags --window-size=1400,1400 --virtual-time-budget=2000 --screenshot="$OUT/report-filtered.png" \
    "file://$OUT/report.html#result=fail&q=$rule&open=$rule" 2>/dev/null
echo "filtered view: $OUT/report-filtered.png"

# The assessor's layout on a before/after pair: findings (with due dates) first, then the review
# list, then what changed, then the other results collapsed; at 1400 px and at phone width.
cargo run -q --example diff -- "$ARF" scap-arf/tests/fixtures/arf/linux-baseline-debian11-after-oscap-arf.xml \
    --html "$OUT/diff.html" > /dev/null || [ $? = 2 ]
# shellcheck disable=SC2086
"$CHROMIUM" $flags --virtual-time-budget=2000 --dump-dom "file://$OUT/diff.html" > "$OUT/diff-dom.html" 2>/dev/null
python3 - "$OUT/diff-dom.html" <<'PY'
import sys
dom = open(sys.argv[1]).read()
order = [dom.index(f'<section id="{s}"') for s in ("findings", "review", "changes", "other")]
assert order == sorted(order), f"sections out of order: {order}"
findings = dom[order[0]:order[1]]
assert findings.count('class="due') == findings.count('<details class="rule"') == 3, "a finding without its due date"
assert 'class="other"' in dom and '<details class="other" open' not in dom, "other results not collapsed"
print("layout: findings (3, each with a due date), review, changes, other results collapsed")
PY
for w in 1400,1800 390,1800; do
    # shellcheck disable=SC2086
    "$CHROMIUM" $flags --window-size=$w --screenshot="$OUT/diff-${w%%,*}.png" "file://$OUT/diff.html" 2>/dev/null
done
echo "before/after report: $OUT/diff-1400.png, $OUT/diff-390.png (phone width)"

# Our ARF writer: the fixture's parts written back by scap_arf::write_arf, then validated.
cargo test -q -p scap-arf --test arf -- --ignored --nocapture

# Our own scan (the bundled baseline on this host) as ARF: XSD-valid and accepted by oscap.
cargo run -q --example scan -- --arf "$OUT/scan-arf.xml" --report "$OUT/scan.html" \
    examples/data/linux-baseline-ds.xml > /dev/null || [ $? = 2 ]
xmllint --noout --schema /usr/share/openscap/schemas/arf/1.1/asset-reporting-format_1.1.0.xsd "$OUT/scan-arf.xml"
oscap info "$OUT/scan-arf.xml" > /dev/null
oscap ds rds-validate "$OUT/scan-arf.xml"
oscap xccdf generate report "$OUT/scan-arf.xml" > "$OUT/scan-oscap-report.html"
echo "our scan's ARF: XSD-valid, oscap info / rds-validate / generate report OK ($OUT/scan-arf.xml)"
