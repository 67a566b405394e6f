#!/usr/bin/env bash
# Differential check of the rpm probes: oscap 1.3.7 (librpm 4.18) vs our oval-eval on RPM trees
# made by the real rpm (scap-rpmdb/tests/fixtures/make-fixtures.sh --root: three tiny packages
# built with rpmbuild, one signed, and the signing key imported), a clean tree, one damaged
# on purpose (content, size, mode, owner, mtime, link target changed; a file removed) and the
# damaged one with its database as a Berkeley DB `Packages` instead of `rpmdb.sqlite`, with
# the rpminfo/rpmverifyfile definitions of scap-oval/tests/fixtures/rpm/rpm-probes-oval.xml.
# Every definition result and every collected object (flag and items) is compared; then the
# wall time and peak memory of both, in the same run.
#
# Then rpmverifypackage on a tree with met, unmet and conflicting dependencies (scap-oval/tests/
# fixtures/rpm/make-verifypackage.sh): package entities as oscap, dependency_check_passed as
# `rpm -V` (oscap offline does not check), see scripts/rpm/compare-verifypackage.py.
#
# Then capabilities_differ (rpmverifyfile) and has_extended_acl (file) on that tree with
# capabilities and ACLs set, then changed.
#
# Known differences, not counted: oscap lists each filepath of an rpminfo item twice (we list
# it once: items are compared as sets of entities).
#
# Then SSG's RHEL 9 STIG profile on a RHEL-9-like tree of real rpm installs
# (scripts/make-rpm-root.sh: redhat-release 9.2 and a dozen packages rules ask about), every
# rule compared by scripts/diff-xccdf.sh: the RHEL 9 platform check and the package_*_installed
# and package_*_removed rules are rpminfo objects. The same for SSG's Fedora OSPP profile on
# the tree as a Fedora 36 (`make-rpm-root.sh DIR fedora`).
#
# usage: scripts/diff-rpm.sh
# env: KEEP=DIR keeps the outputs; OVAL_EVAL=PATH and SCAN_BIN=PATH use already built examples.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-ssg.sh >&2
pkgs=(rpm gpg db-util sqlite3 acl libcap2-bin)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
out=$(realpath -m "${KEEP:-$(mktemp -d)}")
mkdir -p "$out"
if [ -z "${OVAL_EVAL:-}" ]; then
    cargo build --release --example oval-eval >&2
    OVAL_EVAL=${CARGO_TARGET_DIR:-target}/release/examples/oval-eval
fi
# Built here, not by diff-xccdf.sh: that one runs with oscap's HOME below, where cargo and
# rustup would not find their homes.
if [ -z "${SCAN_BIN:-}" ]; then
    cargo build --release --example scan >&2
    SCAN_BIN=$(realpath "${CARGO_TARGET_DIR:-target}/release/examples/scan")
fi
export SCAN_BIN
defs=$PWD/scap-oval/tests/fixtures/rpm/rpm-probes-oval.xml

# oscap's rpm probes read the database at rpm's %_dbpath, which Debian's rpm sets to ~/.rpmdb.
# For the Berkeley DB tree it must also be told the backend (Debian's rpm reads BDB read-only).
mkdir -p "$out/home" "$out/home-bdb"
printf '%%_dbpath /var/lib/rpm\n' > "$out/home/.rpmmacros"
printf '%%_dbpath /var/lib/rpm\n%%_db_backend bdb_ro\n' > "$out/home-bdb/.rpmmacros"

scap-rpmdb/tests/fixtures/make-fixtures.sh --root "$out/clean" 2> /dev/null
# Users of the damaged tree's chown, in the tree (we read its /etc/passwd) as on this host.
printf 'root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n' > "$out/clean/etc/passwd"
printf 'root:x:0:\ndaemon:x:1:\n' > "$out/clean/etc/group"
rm -rf "$out/damaged" && cp -a "$out/clean" "$out/damaged"
(
    cd "$out/damaged"
    printf 'HELLO, WORLD\n' > usr/share/tinyhello/hello.txt            # digest only (same size)
    touch -d '2001-01-01' usr/share/tinyhello/hello.txt                 # and mtime
    printf 'greeting=hi there\n' >> etc/tinyhello.conf                 # size, digest, mtime
    chmod 0600 usr/lib/tinyepoch/run.sh                                # mode
    chown 1:1 usr/share/tinymany/file-with-a-rather-long-name-number-2.txt   # owner, group
    ln -sfn hello.txt usr/bin/tinyhello                                # link target
    rm usr/share/tinymany/file-with-a-rather-long-name-number-3.txt   # missing
)

# The same packages in a Berkeley DB Packages (what RHEL 7/8 have), damaged likewise.
scap-rpmdb/tests/fixtures/make-fixtures.sh --root "$out/bdb-tree" bdb 2> /dev/null
rm -rf "$out/bdb" && cp -a "$out/damaged" "$out/bdb"
rm -rf "$out/bdb/var/lib/rpm" && cp -a "$out/bdb-tree/var/lib/rpm" "$out/bdb/var/lib/rpm"
rm -rf "$out/bdb-tree"

# Our results must be valid against the OVAL 5.11 XSDs (the rpm items among them).
xsd=/usr/share/openscap/schemas/oval/5.11.3
cat > "$out/validate.xsd" <<XSD
<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:scap-rs:validate">
  <xsd:import namespace="http://oval.mitre.org/XMLSchema/oval-results-5" schemaLocation="$xsd/oval-results-schema.xsd"/>
  <xsd:import namespace="http://oval.mitre.org/XMLSchema/oval-system-characteristics-5#linux" schemaLocation="$xsd/linux-system-characteristics-schema.xsd"/>
  <xsd:import namespace="http://oval.mitre.org/XMLSchema/oval-definitions-5#linux" schemaLocation="$xsd/linux-definitions-schema.xsd"/>
</xsd:schema>
XSD

status=0
for tree in clean damaged bdb; do
    home=$out/home
    [ "$tree" = bdb ] && home=$out/home-bdb
    echo "== rpm probes, $tree tree: oscap vs oval-eval" >&2
    /usr/bin/time -f '%e %M' -o "$out/$tree.oscap.time" \
        env HOME="$home" OSCAP_PROBE_ROOT="$out/$tree" \
        oscap oval eval --results "$out/$tree.oscap.xml" "$defs" > "$out/$tree.oscap.txt" 2>&1
    /usr/bin/time -f '%e %M' -o "$out/$tree.ours.time" \
        "$OVAL_EVAL" --root "$out/$tree" --results "$out/$tree.ours.xml" "$defs" \
        > "$out/$tree.ours.txt" 2>&1 || true
    python3 scripts/rpm/compare-oval-results.py "$out/$tree.oscap.xml" "$out/$tree.ours.xml" || status=1
    xmllint --noout --schema "$out/validate.xsd" "$out/$tree.ours.xml" 2>&1 | tail -1 >&2 || status=1
    read -r ot om < "$out/$tree.oscap.time"
    read -r wt wm < "$out/$tree.ours.time"
    echo "  time: oscap ${ot}s ${om} KiB, ours ${wt}s ${wm} KiB" >&2
done

echo "== rpmverifypackage: oscap vs oval-eval vs rpm -V, on a tree with broken dependencies" >&2
# tests/fixtures/rpm/make-verifypackage.sh's packages (met, unmet, conflicting requirements, a
# %verifyscript). oscap's rpmverifypackage probe enters the tree (chroot) to read rpm's
# configuration and finds none in a tree without rpm itself ("not applicable"): the tree gets
# Debian's /usr/lib/rpm/rpmrc and macros, and HOME's .rpmmacros (the %_dbpath) at the same
# path inside the tree, where the chrooted probe looks for it. Offline it then runs no check (see
# scripts/rpm/compare-verifypackage.py); `rpm -V`, what it runs on a live host, is the
# reference for dependency_check_passed.
scap-oval/tests/fixtures/rpm/make-verifypackage.sh --root "$out/vpkg" > /dev/null 2>&1
mkdir -p "$out/vpkg/usr/lib/rpm"
cp /usr/lib/rpm/rpmrc /usr/lib/rpm/macros "$out/vpkg/usr/lib/rpm/"
mkdir -p "$out/vpkg$out/home" && cp "$out/home/.rpmmacros" "$out/vpkg$out/home/"
for n in $(rpm --root "$out/vpkg" --dbpath /var/lib/rpm -qa --qf '%{NAME}\n' | grep -v gpg-pubkey); do
    rc=0
    rpm --root "$out/vpkg" --dbpath /var/lib/rpm -V --nofiles --noscripts "$n" > /dev/null 2>&1 || rc=$?
    echo "$n $rc"
done > "$out/vpkg.rpm-v.txt"
vdefs=$PWD/scripts/rpm/rpmverifypackage-oval.xml
/usr/bin/time -f '%e %M' -o "$out/vpkg.oscap.time" env HOME="$out/home" OSCAP_PROBE_ROOT="$out/vpkg" \
    oscap oval eval --results "$out/vpkg.oscap.xml" "$vdefs" > "$out/vpkg.oscap.txt" 2>&1
/usr/bin/time -f '%e %M' -o "$out/vpkg.ours.time" \
    "$OVAL_EVAL" --root "$out/vpkg" --results "$out/vpkg.ours.xml" "$vdefs" > "$out/vpkg.ours.txt" 2>&1 || true
python3 scripts/rpm/compare-verifypackage.py "$out/vpkg.oscap.xml" "$out/vpkg.ours.xml" \
    "$out/vpkg.rpm-v.txt" >&2 || status=1
xmllint --noout --schema "$out/validate.xsd" "$out/vpkg.ours.xml" 2>&1 | tail -1 >&2 || status=1
read -r ot om < "$out/vpkg.oscap.time"
read -r wt wm < "$out/vpkg.ours.time"
echo "  time: oscap ${ot}s ${om} KiB, ours ${wt}s ${wm} KiB" >&2

echo "== capabilities_differ and has_extended_acl: oscap vs oval-eval, caps and ACLs set, then changed" >&2
# The same tree: tinycaps's capability as rpm set it, ACLs added with setfacl (a named user on
# a file, a default ACL on a directory, the file reached also through a link); then the
# capability and the ACLs removed (setcap -r, setfacl -b, setfacl -k). Every item compared.
(
    cd "$out/vpkg"
    setfacl -m u:daemon:r usr/share/tinyhello/hello.txt
    setfacl -d -m u::rwx usr/share/tinymany
)
cdefs=$PWD/scripts/rpm/caps-acl-oval.xml
for round in set changed; do
    if [ "$round" = changed ]; then
        setcap -r "$out/vpkg/usr/bin/tinyping"
        setfacl -b "$out/vpkg/usr/share/tinyhello/hello.txt"
        setfacl -k "$out/vpkg/usr/share/tinymany"
    fi
    env HOME="$out/home" OSCAP_PROBE_ROOT="$out/vpkg" \
        oscap oval eval --results "$out/caps-$round.oscap.xml" "$cdefs" > "$out/caps-$round.oscap.txt" 2>&1
    "$OVAL_EVAL" --root "$out/vpkg" --results "$out/caps-$round.ours.xml" "$cdefs" \
        > "$out/caps-$round.ours.txt" 2>&1 || true
    echo "  $round: $(grep -c true "$out/caps-$round.oscap.txt") of 4 definitions true (oscap)" >&2
    # oscap gives a directory's item (nil filename) an empty <filename/>, we none: a file probe
    # difference of its own, not what this compares.
    python3 scripts/rpm/compare-oval-results.py "$out/caps-$round.oscap.xml" "$out/caps-$round.ours.xml" \
        filename || status=1
done

echo "== a database of 4004 packages (33 MB): one rpminfo object, both tools timed" >&2
# The clean tree's headers inserted a thousand times over by the sqlite library (rpm's other
# index tables are left as they were: the object is a pattern, which walks every package).
rm -rf "$out/big" && cp -a "$out/clean" "$out/big"
python3 - "$out/big/var/lib/rpm/rpmdb.sqlite" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
rows = c.execute("SELECT blob FROM Packages").fetchall()
c.executemany("INSERT INTO Packages(blob) VALUES (?)", [r for _ in range(1000) for r in rows])
c.commit()
PY
big=scripts/rpm/rpminfo-one-package-oval.xml
/usr/bin/time -f '%e %M' -o "$out/big.oscap.time" env HOME="$out/home" OSCAP_PROBE_ROOT="$out/big" \
    oscap oval eval --results "$out/big.oscap.xml" "$big" > /dev/null 2>&1
/usr/bin/time -f '%e %M' -o "$out/big.ours.time" \
    "$OVAL_EVAL" --root "$out/big" --results "$out/big.ours.xml" "$big" > /dev/null 2>&1 || true
# The thousand copies are identical items: oscap references one, we reference each (same
# item id), so only the definition result is compared here.
for f in oscap ours; do
    grep -o 'definition_id="oval:s:def:1" result="[a-z ]*"' "$out/big.$f.xml" | head -1
done | uniq | wc -l | grep -qx 1 || { echo "  big database: definition results differ" >&2; status=1; }
read -r ot om < "$out/big.oscap.time"
read -r wt wm < "$out/big.ours.time"
echo "  time: oscap ${ot}s ${om} KiB, ours ${wt}s ${wm} KiB" >&2

# The package_* rules of a profile, oscap's results against ours: every one must agree.
package_rules() {
python3 - "$1" "$2" <<'PY'
import sys
import xml.etree.ElementTree as ET
X = "{http://checklists.nist.gov/xccdf/1.2}"
def load(path):
    r = ET.parse(path).getroot()
    return {rr.get("idref").split("_rule_")[1]: rr.find(X + "result").text for rr in r.iter(X + "rule-result")}
oscap, ours = load(sys.argv[1]), load(sys.argv[2])
rules = [k for k in oscap if k.startswith("package_") and oscap[k] != "notselected"]
same = [k for k in rules if oscap[k] == ours.get(k)]
passed = sum(oscap[k] == "pass" for k in rules)
print(f"  package rules: {len(same)} of {len(rules)} agree ({passed} pass, {len(rules) - passed} other)")
sys.exit(0 if rules and len(same) == len(rules) else 1)
PY
}

ssg=${SCAP_SSG_DIR:-/usr/share/xml/scap/ssg/content}
echo "== SSG RHEL 9 STIG profile on a RHEL-9-like rpm tree: oscap vs scan" >&2
scripts/make-rpm-root.sh "$out/rhel9" > /dev/null
HOME=$out/home ROOT=$out/rhel9 KEEP=$out/ssg-rhel9 \
    scripts/diff-xccdf.sh "$ssg/ssg-rhel9-ds.xml" xccdf_org.ssgproject.content_profile_stig || status=1
package_rules "$out/ssg-rhel9/stig.oscap.xml" "$out/ssg-rhel9/stig.ours.xml" || status=1

echo "== SSG Fedora OSPP profile on a Fedora-like rpm tree: oscap vs scan" >&2
scripts/make-rpm-root.sh "$out/fedora" fedora > /dev/null
HOME=$out/home ROOT=$out/fedora KEEP=$out/ssg-fedora \
    scripts/diff-xccdf.sh "$ssg/ssg-fedora-ds.xml" xccdf_org.ssgproject.content_profile_ospp || status=1
package_rules "$out/ssg-fedora/ospp.oscap.xml" "$out/ssg-fedora/ospp.ours.xml" || status=1
exit $status
