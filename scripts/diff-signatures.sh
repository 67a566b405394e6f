#!/usr/bin/env bash
# Signed data streams, differentially: oscap 1.3.7 `xccdf eval --enforce-signature` and our
# `scan --enforce-signature --trust-anchors PEM` on each signed fixture of scap-dsig (made by
# scap-dsig/tests/fixtures/make-signed.sh with xmlsec1 and an openssl test CA) and its tampered
# copies. Each file's verdict (accepted / refused) by each tool must be the one in the table
# below; where the two differ, the table says why. Then, for a number, the SSG Debian 11 data
# stream signed whole with a fresh key: both tools load, verify and evaluate one rule, timed.
#
# usage: scripts/diff-signatures.sh
# env: KEEP=DIR keeps the outputs; SCAN_BIN=PATH uses an already built scan; BIG=0 skips the
#      timed run on the SSG data stream.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
fx=$repo/scap-dsig/tests/fixtures
out=${KEEP:-$(mktemp -d)}
mkdir -p "$out"
scripts/install-ssg.sh >&2
command -v xmlsec1 > /dev/null || apt-get install -y -qq xmlsec1 > /dev/null
if [ -z "${SCAN_BIN:-}" ]; then
    cargo build --example scan >&2
    SCAN_BIN=${CARGO_TARGET_DIR:-target}/debug/examples/scan
fi
SCAN_BIN=$(cd "$(dirname "$SCAN_BIN")" && pwd)/$(basename "$SCAN_BIN")
# What we trust: the test root CAs (for the X509Data signatures) and the signers' public keys
# (for the KeyValue ones, the only kind oscap can verify), RSA and EC.
cat "$fx/ca-root.pem" "$fx/signer-pubkey.pem" "$fx/ec-ca-root.pem" "$fx/ec-signer-pubkey.pem" \
    "$fx/dsa-signer-cert.pem" "$fx/dsa-signer-pubkey.pem" > "$out/trust.pem"

# file | oscap | ours | why they differ
expected='
unsigned-ds.xml           | refused  | refused  |
signed-by-id.xml          | refused  | accepted | oscap gives xmlsec no trust anchors: every X509Data signature fails "unable to get local issuer certificate"
signed-whole.xml          | refused  | accepted | same
signed-inclusive-sha1.xml | refused  | accepted | same
signed-root-id.xml        | refused  | accepted | same
signed-keyvalue.xml       | accepted | accepted |
signed-keyvalue-by-id.xml | accepted | accepted |
signed-partial.xml        | refused  | refused  | (oscap: certificate; ours: data stream not covered)
tampered-byte-by-id.xml   | refused  | refused  |
tampered-byte-whole.xml   | refused  | refused  |
tampered-moved-by-id.xml  | refused  | refused  |
tampered-wrapped-by-id.xml| refused  | refused  | (oscap: duplicate id at schema validation, digest mismatch with --skip-validation)
signed-p256-by-id.xml     | refused  | accepted | ECDSA P-256, chain to a P-384 root: oscap has no trust anchors ("unable to get local issuer certificate")
signed-p384-whole.xml     | refused  | accepted | ECDSA P-384 by the root itself: oscap "self-signed certificate"
signed-p256-eckeyvalue.xml| refused  | accepted | xmlsec1 1.2 reads no XML-DSig 1.1 ECKeyValue: oscap "key is not found"
tampered-byte-p256-by-id.xml| refused | refused |
signed-c14n11-p256-by-id.xml| refused | accepted | Canonical XML 1.1; oscap refuses the xml:lang/xml:id on the collection at schema validation
signed-dsa-sha256-by-id.xml | refused | accepted | DSA 2048/256, a self-signed certificate we trust: oscap "self-signed certificate"
signed-dsa-sha1-keyvalue.xml| accepted | accepted | DSA 1024/160 DSAKeyValue
'

status=0
while IFS='|' read -r file want_o want_u why; do
    file=$(echo "$file" | xargs)
    [ -n "$file" ] || continue
    want_o=$(echo "$want_o" | xargs)
    want_u=$(echo "$want_u" | xargs)
    d="$out/$file"
    mkdir -p "$d"
    # Both scan this host, one rule's worth of content; a refusal is exit 1 before any rule.
    rc_o=0
    (cd "$d" && oscap xccdf eval --enforce-signature --progress "$fx/$file" \
        > oscap.out 2> oscap.err) || rc_o=$?
    rc_u=0
    (cd "$d" && "$SCAN_BIN" --enforce-signature --trust-anchors "$out/trust.pem" --progress \
        "$fx/$file" > ours.out 2> ours.err) || rc_u=$?
    verdict() { if [ "$1" = 1 ]; then echo refused; else echo accepted; fi; }
    got_o=$(verdict $rc_o)
    got_u=$(verdict $rc_u)
    why_o=$(grep -m1 -o 'Signature not found\|unable to get local issuer certificate\|data and digest do not match\|is not a valid value\|XML signature is valid' \
        "$d/oscap.err" "$d/oscap.out" | head -1 | cut -d: -f2- || true)
    why_u=$(head -1 "$d/ours.err" | sed 's|^scan: [^ ]*: ||' | cut -c1-150)
    mark=ok
    if [ "$got_o" != "$want_o" ] || [ "$got_u" != "$want_u" ]; then
        mark=UNEXPECTED
        status=1
    fi
    printf '%-10s %-27s oscap %-8s (%s)\n           %-27s ours  %-8s (%s)\n' \
        "$mark" "$file" "$got_o" "$why_o" "" "$got_u" "$why_u"
done <<< "$expected"

if [ "${BIG:-1}" != 0 ]; then
    # The SSG Debian 11 data stream signed whole with a fresh key (KeyValue, which oscap can
    # verify), both tools timed on the same file: load, verify, evaluate one rule.
    ds=/usr/share/xml/scap/ssg/content/ssg-debian11-ds.xml
    big=$out/big
    mkdir -p "$big"
    openssl genrsa -out "$big/key.pem" 2048 2> /dev/null
    openssl rsa -in "$big/key.pem" -pubout -out "$big/pub.pem" 2> /dev/null
    sed '$d' "$ds" > "$big/template.xml"
    cat >> "$big/template.xml" <<'T'
<dsig:Signature xmlns:dsig="http://www.w3.org/2000/09/xmldsig#"><dsig:SignedInfo>
<dsig:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
<dsig:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>
<dsig:Reference URI=""><dsig:Transforms>
<dsig:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>
<dsig:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></dsig:Transforms>
<dsig:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><dsig:DigestValue/>
</dsig:Reference></dsig:SignedInfo><dsig:SignatureValue/>
<dsig:KeyInfo><dsig:KeyValue/></dsig:KeyInfo></dsig:Signature>
T
    tail -1 "$ds" >> "$big/template.xml"
    xmlsec1 --sign --privkey-pem "$big/key.pem" --output "$big/signed-ds.xml" "$big/template.xml"
    rule=xccdf_org.ssgproject.content_rule_package_cron_installed
    printf 'Dir::Etc::parts "/nonexistent";\n' > "$big/apt.conf"
    root=/var/tmp/scap-roots/bullseye
    [ -d "$root" ] || root=$(scripts/make-debian-root.sh bullseye)
    # GNU time: wall seconds and peak resident memory of each.
    (cd "$big" && env APT_CONFIG="$big/apt.conf" OSCAP_PROBE_ROOT="$root" /usr/bin/time -f '%e s, %M KiB' -o oscap.time \
        oscap xccdf eval --enforce-signature --profile standard --rule "$rule" --progress \
        signed-ds.xml > oscap.out 2> oscap.err) || true
    (cd "$big" && /usr/bin/time -f '%e s, %M KiB' -o ours.time "$SCAN_BIN" --root "$root" \
        --enforce-signature --trust-anchors pub.pem --profile standard --rule "$rule" --progress \
        signed-ds.xml > ours.out 2> ours.err) || true
    echo "SSG Debian 11 data stream ($(du -h "$big/signed-ds.xml" | cut -f1)), signed whole, one rule ($rule):"
    echo "  oscap: $(tr '\n' ' ' < "$big/oscap.out")$(cat "$big/oscap.time")"
    echo "  ours:  $(tr '\n' ' ' < "$big/ours.out")$(cat "$big/ours.time")"
    if ! grep -q ":pass\|:fail" "$big/ours.out" || ! grep -q ":pass\|:fail" "$big/oscap.out"; then
        echo "UNEXPECTED: a tool refused the signed SSG data stream" >&2
        cat "$big/oscap.err" "$big/ours.err" >&2
        status=1
    elif ! diff -q <(grep "^$rule:" "$big/oscap.out") <(grep "^$rule:" "$big/ours.out") > /dev/null; then
        echo "UNEXPECTED: the rule's results differ" >&2
        status=1
    fi
fi
exit $status
